// Full cover (every demand a must-cover row, no groups or conflicts): a Lagrangian heuristic in
// the style of Beasley (1990) and Caprara–Fischetti–Toth (1999), then reduced-cost fixing and
// CBC on the surviving columns with the incumbent as cutoff.
//
// Relaxing the rows Σ_{j∋i} x_j ≥ 1 with u ≥ 0 gives
//   L(u) = Σ_i u_i + Σ_j min(0, C_j),   C_j = c_j − Σ_{i∈N_j} u_i,
// a lower bound on every cover's cost (and ≤ the LP bound). Subgradient steps
// u_i ← max(0, u_i + t (1 − Σ_{j∋i} x_j(u))), t = f (UB − L)/‖g‖², f halved when L stalls.
// Every iteration a primal cover is built from u: greedy by the Lagrangian score of CFT
// (γ_j/μ_j for γ_j > 0, else γ_j μ_j; γ_j = c_j − Σ u over the still uncovered rows of j, μ_j their
// count), then redundant columns are removed (largest C_j first). Deterministic: fixed iteration
// counts, ties by the lower index. Step rule: f = 2, halved after 30 iterations without a better
// L; stops at the iteration limit, when f < 1e-5, or when L proves the incumbent.
//
// Fixing: a cover holding j costs ≥ L(u) + max(0, C_j); with costs multiples of the unit g, a
// cover better than UB costs ≤ UB − g, so columns with L(u) + C_j > UB − g are never in one.
//
// LNS (lns_set_cover): around each chosen column, free the chosen columns within two overlap
// hops and let CBC (200 nodes, cutoff = their cost − g) re-cover the rows only they covered with
// any columns. When a whole pass improves nothing the neighbourhoods widen (three, then four
// hops: variable neighbourhood search), and after an improvement at a wider one they narrow to
// two hops again. Node limits, index order and CBC's fixed seed keep it deterministic unless the
// time limit cuts it short (the four-hop passes often are, on 5,000 × 1,000 full covers).
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "cover/detail.hpp"

namespace scicov::cover::detail {

namespace {

/// Greedy cover by CFT's Lagrangian score, then redundancy removal. Columns with `allowed` 0 are
/// skipped. Returns false when some row cannot be covered.
bool lagrangian_cover(const Reduced& r, const std::vector<double>& u, const std::vector<double>& lc,
                      const std::vector<std::uint8_t>& allowed, std::vector<std::int32_t>& out) {
    const auto n = r.n_cand();
    const auto nd = r.n_dem();
    std::vector<std::int32_t> cnt(static_cast<std::size_t>(nd), 0), mu(static_cast<std::size_t>(n), 0);
    std::vector<double> gamma(static_cast<std::size_t>(n));
    std::vector<std::uint8_t> in(static_cast<std::size_t>(n), 0);
    for (std::int32_t j = 0; j < n; ++j) {
        const auto uj = static_cast<std::size_t>(j);
        mu[uj] = r.cover.degree(j);
        gamma[uj] = lc[uj];  // c_j − Σ u over uncovered rows (all rows uncovered at the start)
    }
    std::int32_t open = nd;
    auto cover_row = [&](std::int32_t i) {
        for (auto k = r.covered_by.begin(i); k < r.covered_by.end(i); ++k) {
            const auto c = static_cast<std::size_t>(r.covered_by.items[static_cast<std::size_t>(k)]);
            --mu[c];
            gamma[c] += u[static_cast<std::size_t>(i)];
        }
    };
    auto take = [&](std::int32_t j) {
        in[static_cast<std::size_t>(j)] = 1;
        for (auto k = r.cover.begin(j); k < r.cover.end(j); ++k) {
            const auto i = r.cover.items[static_cast<std::size_t>(k)];
            if (cnt[static_cast<std::size_t>(i)]++ == 0) {
                --open;
                cover_row(i);
            }
        }
    };
    while (open > 0) {
        std::int32_t best = -1;
        double best_score = 0;
        for (std::int32_t j = 0; j < n; ++j) {
            const auto uj = static_cast<std::size_t>(j);
            if (in[uj] || !allowed[uj] || mu[uj] <= 0) continue;
            const double g = gamma[uj];
            const double score = g > 0 ? g / mu[uj] : g * mu[uj];
            if (best < 0 || score < best_score) {
                best = j;
                best_score = score;
            }
        }
        if (best < 0) return false;
        take(best);
    }
    // redundancy removal: largest Lagrangian cost first, then the higher cost, then higher index
    std::vector<std::int32_t> chosen;
    for (std::int32_t j = 0; j < n; ++j)
        if (in[static_cast<std::size_t>(j)]) chosen.push_back(j);
    std::sort(chosen.begin(), chosen.end(), [&](std::int32_t a, std::int32_t b) {
        const auto ua = static_cast<std::size_t>(a), ub = static_cast<std::size_t>(b);
        if (lc[ua] != lc[ub]) return lc[ua] > lc[ub];
        if (r.cost[ua] != r.cost[ub]) return r.cost[ua] > r.cost[ub];
        return a > b;
    });
    for (auto j : chosen) {
        bool needed = false;
        for (auto k = r.cover.begin(j); k < r.cover.end(j) && !needed; ++k)
            needed = cnt[static_cast<std::size_t>(r.cover.items[static_cast<std::size_t>(k)])] == 1;
        if (needed) continue;
        in[static_cast<std::size_t>(j)] = 0;
        for (auto k = r.cover.begin(j); k < r.cover.end(j); ++k)
            --cnt[static_cast<std::size_t>(r.cover.items[static_cast<std::size_t>(k)])];
    }
    out.clear();
    for (std::int32_t j = 0; j < n; ++j)
        if (in[static_cast<std::size_t>(j)]) out.push_back(j);
    return true;
}

/// C_j = c_j − Σ_{i∈N_j} u_i for every column, into `out`; returns Σ_j min(0, C_j).
double reduced_costs(const Reduced& r, const std::vector<double>& u, std::vector<double>& out) {
    out.resize(static_cast<std::size_t>(r.n_cand()));
    double negative = 0;
    for (std::int32_t j = 0; j < r.n_cand(); ++j) {
        double s = r.cost[static_cast<std::size_t>(j)];
        for (auto k = r.cover.begin(j); k < r.cover.end(j); ++k)
            s -= u[static_cast<std::size_t>(r.cover.items[static_cast<std::size_t>(k)])];
        out[static_cast<std::size_t>(j)] = s;
        if (s < 0) negative += s;
    }
    return negative;
}

}  // namespace

SetCoverLagrange lagrangian_set_cover(const Reduced& r, std::vector<std::int32_t> start, std::int32_t iterations,
                                      const Deadline& deadline) {
    SetCoverLagrange out;
    const auto n = r.n_cand();
    const auto nd = r.n_dem();
    const auto unit = cost_unit(r.cost);
    const double g = unit ? *unit : 0.0;
    std::sort(start.begin(), start.end());
    out.best = std::move(start);
    out.upper = out.best.empty() && nd > 0 ? std::numeric_limits<double>::infinity() : sum_cost(r, out.best);
    if (nd == 0) {
        out.lower = 0;
        out.best.clear();
        out.upper = 0;
        return out;
    }
    // start: u_i = min over the columns covering i of c_j / |N_j| (Beasley)
    std::vector<double> u(static_cast<std::size_t>(nd), std::numeric_limits<double>::infinity());
    for (std::int32_t j = 0; j < n; ++j) {
        const double v = r.cost[static_cast<std::size_t>(j)] / std::max(1, r.cover.degree(j));
        for (auto k = r.cover.begin(j); k < r.cover.end(j); ++k) {
            auto& ui = u[static_cast<std::size_t>(r.cover.items[static_cast<std::size_t>(k)])];
            ui = std::min(ui, v);
        }
    }
    for (auto& v : u)
        if (!std::isfinite(v)) v = 0;
    std::vector<double> lc(static_cast<std::size_t>(n)), grad(static_cast<std::size_t>(nd));
    std::vector<std::uint8_t> allowed(static_cast<std::size_t>(n), 1);
    std::vector<std::int32_t> sel;
    out.lower = 0;
    out.u = u;
    double f = 2.0;  // Beasley: f = 2, halved after 30 iterations without a better L
    const int stall = 30;
    int since = 0;
    double best_L = -std::numeric_limits<double>::infinity();
    // proven: no cover costs less than upper (costs in units of g: L > UB − g suffices)
    auto proven = [&] {
        if (!std::isfinite(out.upper)) return false;
        const double slack = g > 0 ? g * (1 - 1e-6) : 1e-9 * std::max(1.0, out.upper);
        return out.lower > out.upper - slack;
    };
    for (out.iterations = 0; out.iterations < iterations && !deadline.expired(); ++out.iterations) {
        double L = reduced_costs(r, u, lc);
        for (std::int32_t i = 0; i < nd; ++i) L += u[static_cast<std::size_t>(i)];
        if (L > out.lower + 1e-9 * std::max(1.0, std::abs(out.lower))) {
            out.lower = L;
            out.u = u;
        }
        if (L > best_L) {
            best_L = L;
            since = 0;
        } else if (++since >= stall) {
            f /= 2;
            since = 0;
        }
        if (lagrangian_cover(r, u, lc, allowed, sel)) {
            const double c = sum_cost(r, sel);
            if (c < out.upper - 1e-9 * std::max(1.0, c)) {
                out.upper = c;
                out.best = sel;
            }
        }
        if (proven() || f < 1e-5) break;
        // subgradient (components that would push u below 0 are dropped)
        double norm = 0;
        for (std::int32_t i = 0; i < nd; ++i) grad[static_cast<std::size_t>(i)] = 1.0;
        for (std::int32_t j = 0; j < n; ++j)
            if (lc[static_cast<std::size_t>(j)] < 0)
                for (auto k = r.cover.begin(j); k < r.cover.end(j); ++k)
                    grad[static_cast<std::size_t>(r.cover.items[static_cast<std::size_t>(k)])] -= 1.0;
        for (std::int32_t i = 0; i < nd; ++i) {
            auto& gi = grad[static_cast<std::size_t>(i)];
            if (u[static_cast<std::size_t>(i)] <= 0 && gi < 0) gi = 0;
            norm += gi * gi;
        }
        if (norm <= 0) break;  // x(u) covers every row exactly: L is the optimum of the relaxation
        const double target = std::isfinite(out.upper) ? out.upper : 2 * std::max(L, 1.0);
        const double t = f * std::max(target - L, 1e-6 * std::max(1.0, std::abs(L))) / norm;
        for (std::int32_t i = 0; i < nd; ++i)
            u[static_cast<std::size_t>(i)] =
                std::max(0.0, u[static_cast<std::size_t>(i)] + t * grad[static_cast<std::size_t>(i)]);
    }
    reduced_costs(r, out.u, out.reduced_cost);  // at the best multipliers
    out.optimal = proven();
    return out;
}

// Two hops free ~15–25 chosen columns around a. Three hops as the only neighbourhood improved
// nothing further on 10,000 × 2,000 (126 sites either way), but after two hops converge they
// still find covers one or two sites smaller on 5,000 × 1,000 (9 of 20 seeds, 30 s:
// docs/benchmarks.md), and four hops after three.
constexpr int k_lns_hops = 2;
constexpr int k_lns_nodes = 200;  // per sub-MIP: a deterministic limit

namespace {

/// One cover under large-neighbourhood search: which columns are chosen, how often each row is
/// covered, and the scratch lists of one sub-MIP.
class CoverNeighbourhoods {
public:
    CoverNeighbourhoods(const Reduced& r, const std::vector<std::int32_t>& cover, double unit, int seed)
        : m_r(r),
          m_unit(unit),
          m_seed(seed),
          m_in(static_cast<std::size_t>(r.n_cand()), 0),
          m_count(static_cast<std::size_t>(r.n_dem()), 0),
          m_pos(static_cast<std::size_t>(r.n_cand()), -1),
          m_row_mark(static_cast<std::size_t>(r.n_dem()), 0) {
        for (auto j : cover) add(j);
    }

    bool chosen(std::int32_t j) const { return m_in[static_cast<std::size_t>(j)] != 0; }

    /// Frees a and the chosen columns within k_lns_hops overlap hops, and re-covers the rows only
    /// they covered, cheaper if CBC can; true when the cover got cheaper (or lost redundant columns).
    bool reoptimise_around(std::int32_t a, const Deadline& deadline) {
        free_around(a);
        const double freed_cost = release_freed();
        collect_rows_and_columns();
        std::vector<std::int32_t> replacement = m_freed;  // unchanged unless CBC finds cheaper
        bool improved = false;
        if (!m_rows.empty()) {
            improved = recover_cheaper(freed_cost, deadline, replacement);
        } else {
            replacement.clear();  // the freed columns were redundant
            improved = true;
        }
        for (auto i : m_rows) m_row_mark[static_cast<std::size_t>(i)] = 0;
        for (auto c : m_cols) m_pos[static_cast<std::size_t>(c)] = -1;
        for (auto b : m_freed) m_in[static_cast<std::size_t>(b)] = 0;
        for (auto b : replacement) add(b);
        return improved;
    }

    void set_hops(int hops) { m_hops = hops; }

    std::vector<std::int32_t> cover() const {
        std::vector<std::int32_t> out;
        for (std::int32_t j = 0; j < m_r.n_cand(); ++j)
            if (chosen(j)) out.push_back(j);
        return out;
    }

private:
    void add(std::int32_t j) {
        m_in[static_cast<std::size_t>(j)] = 1;
        for (auto k = m_r.cover.begin(j); k < m_r.cover.end(j); ++k)
            ++m_count[static_cast<std::size_t>(m_r.cover.items[static_cast<std::size_t>(k)])];
    }

    // chosen columns sharing a row with j, appended to `out`
    void chosen_near(std::int32_t j, std::vector<std::int32_t>& out) const {
        for (auto k = m_r.cover.begin(j); k < m_r.cover.end(j); ++k) {
            const auto i = m_r.cover.items[static_cast<std::size_t>(k)];
            for (auto q = m_r.covered_by.begin(i); q < m_r.covered_by.end(i); ++q) {
                const auto b = m_r.covered_by.items[static_cast<std::size_t>(q)];
                if (m_in[static_cast<std::size_t>(b)]) out.push_back(b);
            }
        }
    }

    void free_around(std::int32_t a) {
        m_freed.assign(1, a);
        chosen_near(a, m_freed);
        for (int h = 1; h < m_hops; ++h) {
            const auto layer = m_freed;
            for (auto b : layer) chosen_near(b, m_freed);
            std::sort(m_freed.begin(), m_freed.end());
            m_freed.erase(std::unique(m_freed.begin(), m_freed.end()), m_freed.end());
        }
        std::sort(m_freed.begin(), m_freed.end());
        m_freed.erase(std::unique(m_freed.begin(), m_freed.end()), m_freed.end());
    }

    // Takes the freed columns' coverage off the row counts; returns their cost.
    double release_freed() {
        double freed_cost = 0;
        for (auto b : m_freed) {
            freed_cost += m_r.cost[static_cast<std::size_t>(b)];
            for (auto k = m_r.cover.begin(b); k < m_r.cover.end(b); ++k)
                --m_count[static_cast<std::size_t>(m_r.cover.items[static_cast<std::size_t>(k)])];
        }
        return freed_cost;
    }

    // Rows only the freed columns covered, and every column covering one of them (both sorted).
    void collect_rows_and_columns() {
        m_rows.clear();
        m_cols.clear();
        for (auto b : m_freed)
            for (auto k = m_r.cover.begin(b); k < m_r.cover.end(b); ++k) {
                const auto i = m_r.cover.items[static_cast<std::size_t>(k)];
                if (m_count[static_cast<std::size_t>(i)] == 0 && !m_row_mark[static_cast<std::size_t>(i)]) {
                    m_row_mark[static_cast<std::size_t>(i)] = 1;
                    m_rows.push_back(i);
                }
            }
        std::sort(m_rows.begin(), m_rows.end());
        for (auto i : m_rows)
            for (auto q = m_r.covered_by.begin(i); q < m_r.covered_by.end(i); ++q) {
                const auto c = m_r.covered_by.items[static_cast<std::size_t>(q)];
                if (m_pos[static_cast<std::size_t>(c)] < 0) {
                    m_pos[static_cast<std::size_t>(c)] = 0;
                    m_cols.push_back(c);
                }
            }
        std::sort(m_cols.begin(), m_cols.end());
    }

    // The sub-MIP: cover m_rows with m_cols at least cost (in units); numbers m_pos.
    Milp sub_milp() {
        Milp m;
        for (std::size_t p = 0; p < m_cols.size(); ++p) {
            m_pos[static_cast<std::size_t>(m_cols[p])] = static_cast<std::int32_t>(p);
            m.add_col(m_r.cost[static_cast<std::size_t>(m_cols[p])] / m_unit, 0, 1, true);
        }
        std::vector<std::int32_t> idx;
        for (auto i : m_rows) {
            idx.clear();
            for (auto q = m_r.covered_by.begin(i); q < m_r.covered_by.end(i); ++q)
                idx.push_back(m_pos[static_cast<std::size_t>(m_r.covered_by.items[static_cast<std::size_t>(q)])]);
            m.add_row(idx, std::vector<double>(idx.size(), 1.0), 1.0, k_inf);
        }
        return m;
    }

    // Node-limited CBC with the freed cost (less half a unit) as cutoff; a cheaper re-cover
    // replaces `replacement`.
    bool recover_cheaper(double freed_cost, const Deadline& deadline, std::vector<std::int32_t>& replacement) {
        const auto res =
            solve_milp(sub_milp(), freed_cost / m_unit - 0.5, std::max(0.01, std::min(deadline.remaining(), 10.0)), 0.0,
                       1e-9, m_seed, k_lns_nodes, MilpEngine::cbc_main);
        if (!res.has_solution) return false;
        std::vector<std::int32_t> c;
        double cc = 0;
        for (std::size_t p = 0; p < m_cols.size(); ++p)
            if (res.x[p] > 0.5) c.push_back(m_cols[p]), cc += m_r.cost[static_cast<std::size_t>(m_cols[p])];
        if (cc >= freed_cost - 0.5 * m_unit) return false;
        replacement = std::move(c);
        return true;
    }

    const Reduced& m_r;
    const double m_unit;
    const int m_seed;
    int m_hops = k_lns_hops;
    std::vector<std::uint8_t> m_in;     // per column: chosen
    std::vector<std::int32_t> m_count;  // per row: chosen columns covering it
    std::vector<std::int32_t> m_pos;    // per column: position in the sub-MIP, -1 outside
    std::vector<std::uint8_t> m_row_mark;
    std::vector<std::int32_t> m_freed, m_rows, m_cols;
};

}  // namespace

std::vector<std::int32_t> lns_set_cover(const Reduced& r, std::vector<std::int32_t> cover, double unit, int seed,
                                        const Deadline& deadline, int max_hops) {
    CoverNeighbourhoods search(r, cover, unit, seed);
    int hops = k_lns_hops;
    while (hops <= std::max(k_lns_hops, max_hops) && !deadline.expired()) {
        search.set_hops(hops);
        bool improved = true, any = false;
        while (improved && !deadline.expired()) {
            improved = false;
            for (std::int32_t a = 0; a < r.n_cand() && !deadline.expired(); ++a) {
                if (!search.chosen(a)) continue;
                if (search.reoptimise_around(a, deadline)) improved = any = true;
            }
        }
        hops = any && hops > k_lns_hops ? k_lns_hops : hops + 1;
    }
    return search.cover();
}

}  // namespace scicov::cover::detail
