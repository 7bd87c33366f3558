// Exact max cover by column generation on the LP relaxation, with a Lagrangian proof.
//
// LP:  max Σ w_i y_i   s.t.  y_i ≤ Σ_{j∋i} x_j,  Σ c_j x_j ≤ B,  0 ≤ x, y ≤ 1.
// For any multipliers π ≥ 0 on the coverage rows,
//   L(π) = Σ_i max(0, w_i − π_i) + max{Σ_j v_j x_j : Σ c_j x_j ≤ B, 0 ≤ x ≤ 1},  v_j = Σ_{i∈N_j} π_i,
// is an upper bound on the integer optimum (the knapsack part is solved fractionally, and
// groups/conflicts are not used by this path at all). Column generation makes π the LP duals:
// the restricted master holds a few columns (the incumbent's and the best by reduced cost); its
// rows are the demands those columns cover, merged by covering pattern (same LP); its duals are
// spread over the merged demands in proportion to weight, and demands no master column covers
// get π_i = w_i (σ_i = 0; dual feasible). Every column is priced exactly against π, L(π) is
// evaluated, and columns with positive reduced cost join the master until none is left (then
// L(π) equals the LP optimum, up to the master's tolerances) or L proves the incumbent.
//
// Proof: weights are integer multiples of a unit g (0.5 on the benchmarks), so any selection
// better than the incumbent w* has value ≥ w* + g; L < w* + g proves w* optimal. Without a unit,
// the same absolute/relative tolerances as CBC's stopping rule apply.
//
// When the LP bound stays above that, reduced-cost fixing: with μ the knapsack's critical ratio,
// d_j = v_j − μ c_j and D = L(π), any selection holding j has value ≤ D + min(0, d_j), so columns
// with D + d_j < w* + g cannot be in a better selection. CBC then solves the max cover restricted
// to the surviving columns (demands merged by pattern again); its optimum, or w* when that is
// not better, is the optimum of the whole problem.
#include <coin/ClpSimplex.hpp>

#include <algorithm>
#include <cmath>
#include <memory>
#include <numeric>
#include <unordered_map>

#include "cover/detail.hpp"
#include "scicov/core.hpp"

namespace scicov::cover::detail {

namespace {

/// Demands covered by a set of columns, merged by the pattern of columns covering them.
/// class_of[i] = −1 for demands none of the columns covers. Classes are numbered in order of
/// their first demand; each pattern lists positions in `cols` (ascending).
struct Classes {
    std::vector<std::int32_t> class_of;
    std::vector<std::vector<std::int32_t>> pattern;
    std::vector<double> weight;
};

Classes classify(const Reduced& r, const std::vector<std::int32_t>& cols) {
    Classes c;
    const auto nd = static_cast<std::size_t>(r.n_dem());
    std::vector<std::vector<std::int32_t>> per(nd);
    for (std::size_t p = 0; p < cols.size(); ++p)
        for (auto k = r.cover.begin(cols[p]); k < r.cover.end(cols[p]); ++k)
            per[static_cast<std::size_t>(r.cover.items[static_cast<std::size_t>(k)])].push_back(
                static_cast<std::int32_t>(p));
    c.class_of.assign(nd, -1);
    std::unordered_map<std::vector<std::int32_t>, std::int32_t, HashIndexList> ids;
    for (std::size_t i = 0; i < nd; ++i) {
        if (per[i].empty()) continue;
        const auto [it, fresh] = ids.try_emplace(std::move(per[i]), static_cast<std::int32_t>(c.pattern.size()));
        if (fresh) {
            c.pattern.push_back(it->first);
            c.weight.push_back(0.0);
        }
        c.class_of[i] = it->second;
        c.weight[static_cast<std::size_t>(it->second)] += r.weight[i];
    }
    return c;
}

/// Fractional knapsack max{Σ v_j x_j : Σ c_j x_j ≤ B, 0 ≤ x ≤ 1}: value and the critical ratio μ
/// (the Lagrange multiplier of the budget: v_j − μ c_j ≥ 0 exactly for the columns taken).
std::pair<double, double> knapsack(const Reduced& r, const std::vector<double>& v, double budget) {
    std::vector<std::int32_t> order;
    for (std::int32_t j = 0; j < r.n_cand(); ++j)
        if (v[static_cast<std::size_t>(j)] > 0) order.push_back(j);
    auto ratio = [&](std::int32_t j) {
        return v[static_cast<std::size_t>(j)] / std::max(r.cost[static_cast<std::size_t>(j)], 1e-12);
    };
    std::sort(order.begin(), order.end(), [&](std::int32_t a, std::int32_t b) {
        const double ra = ratio(a), rb = ratio(b);
        return ra != rb ? ra > rb : a < b;
    });
    double room = budget, value = 0, mu = 0;
    for (auto j : order) {
        const auto uj = static_cast<std::size_t>(j);
        if (room <= 0) {
            mu = ratio(j);
            break;
        }
        const double take = r.cost[uj] <= room ? 1.0 : room / r.cost[uj];
        value += take * v[uj];
        room -= take * r.cost[uj];
        if (take < 1.0) {
            mu = ratio(j);
            break;
        }
    }
    return {value, mu};
}

struct Master {
    double objective = 0;            // max Σ W y
    std::vector<double> x;           // per master column
    std::vector<double> class_dual;  // π per class (≥ 0)
    double budget_dual = 0;          // μ (≥ 0)
    bool ok = false;
};

Master solve_master(const Reduced& r, const std::vector<std::int32_t>& cols, const Classes& cl, double budget,
                    double seconds) {
    Master m;
    const auto nx = static_cast<std::int32_t>(cols.size());
    const auto ny = static_cast<std::int32_t>(cl.pattern.size());
    const int n_cols = nx + ny, n_rows = ny + 1;
    // column-major: x_p appears in the rows of the classes whose pattern holds p, and the budget row
    std::vector<std::vector<std::int32_t>> rows_of(static_cast<std::size_t>(nx));
    for (std::int32_t c = 0; c < ny; ++c)
        for (auto p : cl.pattern[static_cast<std::size_t>(c)]) rows_of[static_cast<std::size_t>(p)].push_back(c);
    std::vector<CoinBigIndex> start{0};
    std::vector<int> index;
    std::vector<double> value, lo(static_cast<std::size_t>(n_cols), 0.0), hi(static_cast<std::size_t>(n_cols), 1.0),
        obj(static_cast<std::size_t>(n_cols), 0.0);
    for (std::int32_t p = 0; p < nx; ++p) {
        for (auto c : rows_of[static_cast<std::size_t>(p)]) {
            index.push_back(c);
            value.push_back(-1.0);
        }
        index.push_back(ny);
        value.push_back(r.cost[static_cast<std::size_t>(cols[static_cast<std::size_t>(p)])]);
        start.push_back(static_cast<CoinBigIndex>(index.size()));
    }
    for (std::int32_t c = 0; c < ny; ++c) {
        index.push_back(c);
        value.push_back(1.0);
        start.push_back(static_cast<CoinBigIndex>(index.size()));
        obj[static_cast<std::size_t>(nx) + static_cast<std::size_t>(c)] = -cl.weight[static_cast<std::size_t>(c)];
    }
    std::vector<double> row_lo(static_cast<std::size_t>(n_rows), -k_inf), row_hi(static_cast<std::size_t>(n_rows), 0.0);
    row_hi[static_cast<std::size_t>(ny)] = budget;
    // ClpSimplex itself, as solve_lp (milp.cpp): its C interface sets only maximumSeconds, which
    // counts process CPU time and let a master run for minutes of wall clock on a loaded machine.
    ClpSimplex model;
    model.loadProblem(n_cols, n_rows, start.data(), index.data(), value.data(), lo.data(), hi.data(), obj.data(),
                      row_lo.data(), row_hi.data());
    model.setLogLevel(0);
    model.setMaximumSeconds(std::max(0.01, seconds));
    model.setMaximumWallSeconds(std::max(0.01, seconds));
    model.initialPrimalSolve();
    if (!model.isProvenOptimal()) return m;
    m.ok = true;
    m.objective = -model.objectiveValue();
    const double* xs = model.primalColumnSolution();
    m.x.assign(xs, xs + nx);
    const double* duals = model.dualRowSolution();
    m.class_dual.resize(static_cast<std::size_t>(ny));
    for (std::int32_t c = 0; c < ny; ++c) m.class_dual[static_cast<std::size_t>(c)] = std::max(0.0, -duals[c]);
    m.budget_dual = std::max(0.0, -duals[ny]);
    return m;
}

/// Column generation for one call of prove_max_cover: the master's columns, the multipliers π,
/// the priced column values v and the best selection known.
class ColumnGeneration {
public:
    ColumnGeneration(const Reduced& r, double budget, std::vector<std::int32_t> incumbent, double relative_gap);

    /// Master rounds until L(π) proves the incumbent, no column prices out, or the time is up.
    /// False when the time ran out or Clp failed: the proof so far is all there is.
    bool generate_columns(const Deadline& deadline);
    /// After the rounds: done when proven, else reduced-cost fixing and CBC on the columns left.
    MaxCoverProof conclude(int seed, const Deadline& deadline, bool use_mip);
    const MaxCoverProof& proof() const { return m_out; }

private:
    // a selection better than w has value ≥ w + g; the bound proves w when below w + step(w),
    // step = g less 0.1 % of g (far above the rounding error of L's sums, ~1e-12 · Σw)
    double step(double w) const {
        const double by_gap = m_relative_gap * std::abs(w);
        const double by_unit = m_unit ? *m_unit * (1 - 1e-3) : 1e-9 * std::max(1.0, std::abs(w));
        return std::max(by_gap, by_unit);
    }
    bool proven() const { return m_out.bound < m_best_w + step(m_best_w); }
    void consider(std::vector<std::int32_t> selection);
    void consider_integral(const Master& m);
    void add_column(std::int32_t j);
    std::size_t add_best(double mu_price, std::int32_t count);
    void spread_duals(const Classes& cl, const Master& m);
    void price();
    std::vector<std::int32_t> columns_left_by_fixing() const;
    void solve_kept(const std::vector<std::int32_t>& keep, int seed, const Deadline& deadline);

    const Reduced& m_r;
    const double m_budget;
    const double m_relative_gap;
    const std::optional<double> m_unit;  // the weights' common unit g
    const std::int32_t m_per_round;      // columns added per round
    MaxCoverProof m_out;
    double m_best_w = 0;
    std::vector<double> m_pi;  // per demand
    std::vector<double> m_v;   // per candidate: Σ_{i∈N_j} π_i
    std::vector<std::uint8_t> m_in_master;
    std::vector<std::int32_t> m_cols;
    double m_mu = 0;          // the knapsack's critical ratio at π
    double m_lagrangian = 0;  // L(π)
};

ColumnGeneration::ColumnGeneration(const Reduced& r, double budget, std::vector<std::int32_t> incumbent,
                                   double relative_gap)
    : m_r(r),
      m_budget(budget),
      m_relative_gap(relative_gap),
      m_unit(cost_unit(r.weight)),
      m_per_round(std::max<std::int32_t>(20, std::min<std::int32_t>(100, r.n_cand() / 50))),
      m_pi(static_cast<std::size_t>(r.n_dem())),
      m_v(static_cast<std::size_t>(r.n_cand())),
      m_in_master(static_cast<std::size_t>(r.n_cand()), 0) {
    std::sort(incumbent.begin(), incumbent.end());
    m_out.chosen = incumbent;
    m_best_w = covered_weight(r, m_out.chosen);
    const double total_w = std::accumulate(r.weight.begin(), r.weight.end(), 0.0);
    m_out.bound = total_w;
    m_lagrangian = total_w;
    for (auto j : incumbent) add_column(j);
    // first π: nothing covered yet, so π = w (every column's value is its whole weight)
    for (std::int32_t i = 0; i < r.n_dem(); ++i)
        m_pi[static_cast<std::size_t>(i)] = r.weight[static_cast<std::size_t>(i)];
    price();
    add_best(0.0, 2 * m_per_round);
}

// A feasible selection from a master or the MIP replaces the best when it covers more weight.
void ColumnGeneration::consider(std::vector<std::int32_t> selection) {
    const double btol = 1e-9 * std::max(1.0, m_budget);
    if (sum_cost(m_r, selection) > m_budget + btol || !compatible(m_r, selection)) return;
    const double w = covered_weight(m_r, selection);
    if (w > m_best_w + 1e-9 * std::max(1.0, m_best_w)) {
        m_best_w = w;
        m_out.chosen = std::move(selection);
        m_out.improved = true;
    }
}

// An integral master solution is a selection.
void ColumnGeneration::consider_integral(const Master& m) {
    std::vector<std::int32_t> selection;
    for (std::size_t p = 0; p < m_cols.size(); ++p) {
        if (m.x[p] > 1 - 1e-6)
            selection.push_back(m_cols[p]);
        else if (m.x[p] > 1e-6)
            return;
    }
    consider(std::move(selection));
}

void ColumnGeneration::add_column(std::int32_t j) {
    if (!m_in_master[static_cast<std::size_t>(j)]) m_in_master[static_cast<std::size_t>(j)] = 1, m_cols.push_back(j);
}

// Adds up to `count` columns outside the master with the largest positive reduced cost
// v_j − μ c_j (ties by index); returns how many.
std::size_t ColumnGeneration::add_best(double mu_price, std::int32_t count) {
    std::vector<std::int32_t> order;
    for (std::int32_t j = 0; j < m_r.n_cand(); ++j) {
        const auto uj = static_cast<std::size_t>(j);
        if (!m_in_master[uj] && m_v[uj] - mu_price * m_r.cost[uj] > 1e-9 * std::max(1.0, m_v[uj])) order.push_back(j);
    }
    auto rc = [&](std::int32_t j) {
        return m_v[static_cast<std::size_t>(j)] - mu_price * m_r.cost[static_cast<std::size_t>(j)];
    };
    const auto take = std::min<std::size_t>(order.size(), static_cast<std::size_t>(count));
    std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(take), order.end(),
                      [&](std::int32_t a, std::int32_t b) { return rc(a) != rc(b) ? rc(a) > rc(b) : a < b; });
    for (std::size_t k = 0; k < take; ++k) add_column(order[k]);
    return take;
}

// π from the master's duals: a class's dual spread over its demands in proportion to weight;
// demands no master column covers get π_i = w_i.
void ColumnGeneration::spread_duals(const Classes& cl, const Master& m) {
    for (std::int32_t i = 0; i < m_r.n_dem(); ++i) {
        const auto c = cl.class_of[static_cast<std::size_t>(i)];
        const double w = m_r.weight[static_cast<std::size_t>(i)];
        if (c < 0) {
            m_pi[static_cast<std::size_t>(i)] = w;
        } else {
            const double W = cl.weight[static_cast<std::size_t>(c)];
            m_pi[static_cast<std::size_t>(i)] = W > 0 ? m.class_dual[static_cast<std::size_t>(c)] * w / W : 0.0;
        }
    }
}

// Pricing against π: v_j, L(π) and μ; L(π) tightens the bound.
void ColumnGeneration::price() {
    for (std::int32_t j = 0; j < m_r.n_cand(); ++j) {
        double s = 0;
        for (auto k = m_r.cover.begin(j); k < m_r.cover.end(j); ++k)
            s += m_pi[static_cast<std::size_t>(m_r.cover.items[static_cast<std::size_t>(k)])];
        m_v[static_cast<std::size_t>(j)] = s;
    }
    double free_part = 0;
    for (std::int32_t i = 0; i < m_r.n_dem(); ++i)
        free_part += std::max(0.0, m_r.weight[static_cast<std::size_t>(i)] - m_pi[static_cast<std::size_t>(i)]);
    const auto [kv, kmu] = knapsack(m_r, m_v, m_budget);
    m_lagrangian = free_part + kv;
    m_mu = kmu;
    m_out.bound = std::min(m_out.bound, m_lagrangian);
}

bool ColumnGeneration::generate_columns(const Deadline& deadline) {
    for (m_out.rounds = 0; !proven(); ++m_out.rounds) {
        if (deadline.expired()) return false;
        std::sort(m_cols.begin(), m_cols.end());
        const Classes cl = classify(m_r, m_cols);
        const Master m = solve_master(m_r, m_cols, cl, m_budget, deadline.remaining());
        if (!m.ok) return false;
        consider_integral(m);
        spread_duals(cl, m);
        price();
        if (proven()) break;
        if (add_best(m.budget_dual, m_per_round) == 0) {
            m_out.lp_converged = true;
            break;
        }
    }
    m_out.columns = static_cast<std::int32_t>(m_cols.size());
    return true;
}

// Reduced-cost fixing with the last π (D = L(π), μ the knapsack's critical ratio): the columns
// that can still be in a better selection.
std::vector<std::int32_t> ColumnGeneration::columns_left_by_fixing() const {
    const double need = m_best_w + step(m_best_w);
    std::vector<std::int32_t> keep;
    for (std::int32_t j = 0; j < m_r.n_cand(); ++j) {
        const auto uj = static_cast<std::size_t>(j);
        if (m_lagrangian + std::min(0.0, m_v[uj] - m_mu * m_r.cost[uj]) >= need) keep.push_back(j);
    }
    return keep;
}

/// The max cover restricted to the `keep` columns, demands merged by their pattern over them.
Milp kept_columns_milp(const Reduced& r, const std::vector<std::int32_t>& keep, double budget) {
    const Classes kc = classify(r, keep);
    Milp mip;
    for (std::size_t p = 0; p < keep.size(); ++p) mip.add_col(0.0, 0, 1, true);
    std::vector<std::int32_t> idx;
    std::vector<double> val;
    for (std::size_t c = 0; c < kc.pattern.size(); ++c) {
        idx = kc.pattern[c];
        val.assign(idx.size(), -1.0);
        idx.push_back(mip.add_col(-kc.weight[c], 0, 1, false));
        val.push_back(1.0);
        mip.add_row(idx, val, -k_inf, 0.0);
    }
    idx.resize(keep.size());
    std::iota(idx.begin(), idx.end(), 0);
    val.clear();
    for (auto j : keep) val.push_back(r.cost[static_cast<std::size_t>(j)]);
    mip.add_row(idx, val, -k_inf, budget);
    return mip;
}

// CBC on the kept columns: its optimum, or the incumbent when that is not better, is optimal
// for the whole problem; otherwise CBC's bound limits every better selection.
void ColumnGeneration::solve_kept(const std::vector<std::int32_t>& keep, int seed, const Deadline& deadline) {
    const double need = m_best_w + step(m_best_w);
    const auto res = solve_milp(kept_columns_milp(m_r, keep, m_budget), std::nullopt, deadline.remaining(),
                                m_relative_gap, 1e-9, seed, 0, MilpEngine::cbc_main);
    if (res.has_solution) {
        std::vector<std::int32_t> selection;
        for (std::size_t p = 0; p < keep.size(); ++p)
            if (res.x[p] > 0.5) selection.push_back(keep[p]);
        consider(std::move(selection));
    }
    if (res.optimal || res.infeasible) {
        m_out.optimal = true;
        m_out.bound = m_best_w;
    } else if (std::isfinite(res.bound)) {
        m_out.bound = std::max(m_best_w, std::min(m_out.bound, std::max(-res.bound, need)));
    }
}

MaxCoverProof ColumnGeneration::conclude(int seed, const Deadline& deadline, bool use_mip) {
    if (proven()) {
        m_out.optimal = true;
        m_out.bound = std::max(m_best_w, std::min(m_out.bound, m_best_w));
        return m_out;
    }
    const std::vector<std::int32_t> keep = columns_left_by_fixing();
    m_out.kept = static_cast<std::int32_t>(keep.size());
    if (keep.empty()) {  // no column can be in a better selection
        m_out.optimal = true;
        m_out.bound = m_best_w;
        return m_out;
    }
    if (use_mip && !deadline.expired()) solve_kept(keep, seed, deadline);
    return m_out;
}

}  // namespace

MaxCoverProof prove_max_cover(const Reduced& r, double budget, std::vector<std::int32_t> incumbent, double relative_gap,
                              int seed, const Deadline& deadline, bool use_mip) {
    ColumnGeneration generation(r, budget, std::move(incumbent), relative_gap);
    if (!generation.generate_columns(deadline)) return generation.proof();
    return generation.conclude(seed, deadline, use_mip);
}

}  // namespace scicov::cover::detail
