// set cover to a target, maximal cover under a budget, and the budget sweep.
//
// Set cover ILP (reduced problem), stage 1: min Σ (c_j/g) x_j
//   Σ_{j∋i} x_j ≥ 1                      for must-cover demands i
//   y_i ≤ Σ_{j∋i} x_j, 0 ≤ y_i ≤ 1         for the other demands that count
//   Σ m_i y_i ≥ needed − Σ_must m_i         (when the must-cover demands do not already suffice)
//   Σ_{j∈G} x_j ≤ 1 per group, x_a + x_b ≤ 1 per conflict
// g is the cost unit (every cost an integer multiple of g), so the objective is integral and a
// bound b proves no total below ceil(b)·g exists.
// With fewest sites first, the candidates' costs are the second key (lexicographic.cpp): min Σ cost_j
// x_j over the same rows plus Σ x_j ≤ z*, whose optimum is fixed by a row as well.
// Then the tie-break, another solve: max Σ w_i y_i over the same rows plus Σ c_j x_j ≤ z*
// (the stage-1 optimum). Every stage-2 solution is optimal for stage 1 (feasible with cost ≤ z*),
// and its optimum is the most weight among all stage-1 optima: the order is lexicographic,
// exactly. (A single solve with min Σ c_j/g x_j − ½ Σ w_i y_i / Σw would be exact too — the
// tie term lies in [−½, 0] and totals differ by ≥ 1 — but CBC proved it 100× slower.)
//
// Max cover ILP: max Σ w_i y_i, y_i ≤ Σ_{j∋i} x_j, 0 ≤ y_i ≤ 1, Σ c_j x_j ≤ budget, packing rows.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "cover/detail.hpp"
#include "scicov/core.hpp"

namespace scicov::cover {

using namespace detail;

namespace {

struct Outcome {                       // a selection on the reduced problem with what is known about it
    std::vector<std::int32_t> chosen;  // reduced indices
    bool have = false;
    bool optimal = false;
    bool infeasible = false;
    bool tie_break_optimal = false;
    double bound = 0;  // in the problem's objective units (set cover: lower; max cover: upper)
    Method method = Method::trivial;
};

void add_packing_rows(const Reduced& r, Milp& m) {
    std::vector<std::vector<std::int32_t>> members(static_cast<std::size_t>(r.n_groups));
    for (std::int32_t j = 0; j < r.n_cand(); ++j)
        if (r.group[static_cast<std::size_t>(j)] >= 0)
            members[static_cast<std::size_t>(r.group[static_cast<std::size_t>(j)])].push_back(j);
    for (const auto& g : members)
        if (g.size() > 1) m.add_row(g, std::vector<double>(g.size(), 1.0), -k_inf, 1.0);
    for (const auto& [a, b] : r.conflicts) m.add_row({a, b}, {1.0, 1.0}, -k_inf, 1.0);
}

/// x columns 0..n-1, then y columns. `unit` > 0: primary scaled by 1/unit (`tie_break`: with the ε term);
/// `secondary_only`: phase two of the tie-break (max weight with total cost ≤ cap).
Milp build_set_cover(const Reduced& r, double unit, bool tie_break, bool secondary_only, double cap) {
    Milp m;
    const auto n = r.n_cand();
    for (std::int32_t j = 0; j < n; ++j)
        m.add_col(secondary_only ? 0.0 : r.cost[static_cast<std::size_t>(j)] / unit, 0, 1, true);
    double must_m = 0;
    for (std::int32_t i = 0; i < r.n_dem(); ++i)
        if (r.must[static_cast<std::size_t>(i)]) must_m += r.measure[static_cast<std::size_t>(i)];
    const double total_w = std::accumulate(r.weight.begin(), r.weight.end(), 0.0);
    const double tol = 1e-9 * std::max(1.0, std::abs(r.needed));
    const bool target_row = r.needed - must_m > tol;
    const bool secondary = tie_break && total_w > 0;
    std::vector<std::int32_t> yidx;
    std::vector<double> ycoef;
    std::vector<std::int32_t> idx;
    std::vector<double> val;
    for (std::int32_t i = 0; i < r.n_dem(); ++i) {
        const auto ui = static_cast<std::size_t>(i);
        idx.clear();
        val.clear();
        for (auto k = r.covered_by.begin(i); k < r.covered_by.end(i); ++k) {
            idx.push_back(r.covered_by.items[static_cast<std::size_t>(k)]);
            val.push_back(1.0);
        }
        if (r.must[ui]) {
            m.add_row(idx, val, 1.0, k_inf);
            continue;
        }
        const bool counts = target_row && r.measure[ui] > 0;
        const bool weighs = secondary && r.weight[ui] > 0;
        if (!counts && !weighs) continue;
        double obj = 0;
        if (weighs) obj = secondary_only ? -r.weight[ui] : -0.5 * r.weight[ui] / total_w;
        const auto y = m.add_col(obj, 0, 1, false);
        idx.push_back(y);
        val.assign(idx.size() - 1, -1.0);
        val.push_back(1.0);
        m.add_row(idx, val, -k_inf, 0.0);
        if (counts) {
            yidx.push_back(y);
            ycoef.push_back(r.measure[ui]);
        }
    }
    if (target_row) m.add_row(yidx, ycoef, r.needed - must_m, k_inf);
    add_packing_rows(r, m);
    if (secondary_only) {
        std::vector<std::int32_t> all(static_cast<std::size_t>(n));
        std::iota(all.begin(), all.end(), 0);
        m.add_row(all, r.cost, -k_inf, cap);
    }
    return m;
}

Milp build_max_cover(const Reduced& r, double budget) {
    Milp m;
    const auto n = r.n_cand();
    for (std::int32_t j = 0; j < n; ++j) m.add_col(0.0, 0, 1, true);
    std::vector<std::int32_t> idx;
    std::vector<double> val;
    for (std::int32_t i = 0; i < r.n_dem(); ++i) {
        idx.clear();
        for (auto k = r.covered_by.begin(i); k < r.covered_by.end(i); ++k)
            idx.push_back(r.covered_by.items[static_cast<std::size_t>(k)]);
        const auto y = m.add_col(-r.weight[static_cast<std::size_t>(i)], 0, 1, false);
        val.assign(idx.size(), -1.0);
        idx.push_back(y);
        val.push_back(1.0);
        m.add_row(idx, val, -k_inf, 0.0);
    }
    std::vector<std::int32_t> all(static_cast<std::size_t>(n));
    std::iota(all.begin(), all.end(), 0);
    // exact right-hand sides: a budget nudged by 1e-9 made Clp's dual simplex 30× slower
    m.add_row(all, r.cost, -k_inf, budget);
    add_packing_rows(r, m);
    return m;
}

std::vector<std::int32_t> chosen_of(const std::vector<double>& x, std::int32_t n) {
    std::vector<std::int32_t> out;
    for (std::int32_t j = 0; j < n; ++j)
        if (x[static_cast<std::size_t>(j)] > 0.5) out.push_back(j);
    return out;
}

bool sc_feasible(const Reduced& r, const std::vector<std::int32_t>& chosen) {
    const double tol = 1e-9 * std::max(1.0, std::abs(r.needed));
    return must_covered(r, chosen) && compatible(r, chosen) && covered_measure(r, chosen) >= r.needed - tol;
}

/// Better set-cover selection: lower cost (fewest sites: fewer sites, then lower cost), then more
/// weight, then the lexicographically smaller list.
bool sc_better(const Reduced& r, const std::vector<std::int32_t>& a, const std::vector<std::int32_t>& b) {
    const double ca = sum_cost(r, a), cb = sum_cost(r, b);
    if (std::abs(ca - cb) > 1e-9 * std::max(1.0, std::abs(cb))) return ca < cb;
    const double pa = sum_price(r, a), pb = sum_price(r, b);
    if (std::abs(pa - pb) > 1e-9 * std::max(1.0, std::abs(pb))) return pa < pb;
    const double wa = covered_weight(r, a), wb = covered_weight(r, b);
    if (std::abs(wa - wb) > 1e-9 * std::max(1.0, std::abs(wb))) return wa > wb;
    return a < b;
}

bool mc_better(const Reduced& r, const std::vector<std::int32_t>& a, const std::vector<std::int32_t>& b) {
    const double wa = covered_weight(r, a), wb = covered_weight(r, b);
    if (std::abs(wa - wb) > 1e-9 * std::max(1.0, std::abs(wb))) return wa > wb;
    const double ca = sum_cost(r, a), cb = sum_cost(r, b);
    if (std::abs(ca - cb) > 1e-9 * std::max(1.0, std::abs(cb))) return ca < cb;
    return a < b;
}

/// Lower bound of the set-cover primary from a bound on the scaled objective.
double sc_bound(double scaled_bound, std::optional<double> unit) {
    if (!std::isfinite(scaled_bound)) return 0;
    if (unit) return std::max(0.0, std::ceil(scaled_bound - 1e-6) * *unit);
    return std::max(0.0, scaled_bound);
}

/// Whether the tie-break can change anything: some demand that is not must-cover has weight.
bool tie_break_matters(const Reduced& r) {
    for (std::int32_t i = 0; i < r.n_dem(); ++i)
        if (!r.must[static_cast<std::size_t>(i)] && r.weight[static_cast<std::size_t>(i)] > 0) return true;
    return false;
}

/// Every reduced demand must be covered and no packing rows: the full-cover (LSCP) path applies.
bool full_cover_only(const Reduced& r) {
    if (r.n_dem() == 0) return false;
    if (!std::all_of(r.must.begin(), r.must.end(), [](std::uint8_t v) { return v != 0; })) return false;
    return !has_packing(r);
}

/// Iterations of the full-cover Lagrangian heuristic (an iteration limit, not a time limit, so
/// that the answer does not depend on the machine's speed).
constexpr std::int32_t k_lagrange_iterations = 1500;

/// The largest share of the time left that the weighting search takes.
constexpr double k_weighting_share = 0.25;

/// Every candidate costs the same: the unicost set cover that the weighting search solves.
bool equal_costs(const Reduced& r) {
    return std::all_of(r.cost.begin(), r.cost.end(), [&](double c) { return c == r.cost.front(); });
}

/// Full cover: Lagrangian heuristic (upper and lower bound), local search and LNS from its best
/// cover, reduced-cost fixing, then CBC on the surviving columns searching only covers cheaper
/// than the incumbent (cutoff UB − g): when CBC proves there is none, the incumbent is optimal. Ties need no second
/// stage (every demand is covered by every feasible selection, so all have the same weight).
Outcome full_cover_reduced(const Reduced& r, double unit, const SolveOptions& o, const Deadline& deadline,
                           const std::vector<std::int32_t>& start) {
    Outcome out;
    out.method = Method::exact;
    const auto lg = lagrangian_set_cover(r, start, k_lagrange_iterations, Deadline(deadline.remaining() * 0.5));
    out.have = true;
    out.chosen = lg.best;
    if (!lg.optimal) {  // the swap local search and destroy-and-repair from the Lagrangian cover
        Selection ls = heuristic_set_cover(r, Deadline(std::min(deadline.remaining() * 0.1, 2.0)), lg.best);
        if (ls.feasible && sc_feasible(r, ls.chosen) && sc_better(r, ls.chosen, out.chosen)) out.chosen = ls.chosen;
    }
    if (!lg.optimal) {  // LNS with CBC sub-MIPs: 139 → 126 sites in ~9 s on the 10,000 × 2,000 benchmark
        auto c = lns_set_cover(r, out.chosen, unit, o.seed, Deadline(deadline.remaining() * 0.5));
        if (sc_feasible(r, c) && sc_better(r, c, out.chosen)) out.chosen = std::move(c);
    }
    const double ub = sum_cost(r, out.chosen);
    const double lower = sc_bound(lg.lower / unit, unit);  // costs are multiples of the unit
    out.bound = std::min(ub, lower);
    auto finish = [&](bool optimal) {
        out.optimal = optimal;
        out.tie_break_optimal = optimal;
        if (optimal) out.bound = sum_cost(r, out.chosen);
        return out;
    };
    if (lg.optimal || ub - out.bound <= o.relative_gap * ub) return finish(true);
    // Reduced-cost fixing: a cover holding j costs ≥ L + max(0, C_j); better covers cost ≤ UB − g.
    std::vector<std::int32_t> keep;
    for (std::int32_t j = 0; j < r.n_cand(); ++j)
        if (lg.lower + lg.reduced_cost[static_cast<std::size_t>(j)] <= ub - unit + 1e-6 * unit) keep.push_back(j);
    std::vector<std::int32_t> pos(static_cast<std::size_t>(r.n_cand()), -1);
    Milp m;
    for (std::size_t p = 0; p < keep.size(); ++p) {
        pos[static_cast<std::size_t>(keep[p])] = static_cast<std::int32_t>(p);
        m.add_col(r.cost[static_cast<std::size_t>(keep[p])] / unit, 0, 1, true);
    }
    std::vector<std::int32_t> idx;
    std::vector<double> val;
    for (std::int32_t i = 0; i < r.n_dem(); ++i) {
        idx.clear();
        for (auto k = r.covered_by.begin(i); k < r.covered_by.end(i); ++k) {
            const auto q = pos[static_cast<std::size_t>(r.covered_by.items[static_cast<std::size_t>(k)])];
            if (q >= 0) idx.push_back(q);
        }
        if (idx.empty()) return finish(true);  // no cheaper cover can cover demand i
        val.assign(idx.size(), 1.0);
        m.add_row(idx, val, 1.0, k_inf);
    }
    if (deadline.expired()) return finish(false);
    // only covers of ≤ UB − g (objective in units: integral) are searched
    const auto res =
        solve_milp(m, ub / unit - 0.5, deadline.remaining(), o.relative_gap, 1e-9, o.seed, 0, MilpEngine::cbc_main);
    if (res.infeasible) return finish(true);
    if (res.has_solution) {
        std::vector<std::int32_t> c;
        for (std::size_t p = 0; p < keep.size(); ++p)
            if (res.x[p] > 0.5) c.push_back(keep[p]);
        if (sc_feasible(r, c) && sc_better(r, c, out.chosen)) out.chosen = std::move(c);
        if (res.optimal) return finish(true);
    }
    // covers cheaper than UB use kept columns only, so CBC's bound there bounds them
    const double cbc_bound = sc_bound(res.bound, unit);
    out.bound = std::min(sum_cost(r, out.chosen), std::max(out.bound, cbc_bound));
    return finish(false);
}

/// Full cover, CBC first (small reduced models, dispatch.cpp): the whole covering model, searching
/// only covers cheaper than the heuristic's (cutoff UB − g), up to k_cbc_first_nodes nodes and half
/// the time. Not optimal when CBC stopped on a limit: the caller hands the best cover to the
/// Lagrangian path.
Outcome full_cover_by_cbc(const Reduced& r, double unit, const SolveOptions& o, const Deadline& deadline,
                          const std::vector<std::int32_t>& start) {
    Outcome out;
    out.method = Method::exact;
    out.have = true;
    out.chosen = start;
    const double ub = sum_cost(r, start);
    const auto res = solve_milp(build_set_cover(r, unit, false, false, 0), ub / unit - 0.5, deadline.remaining() * 0.5,
                                o.relative_gap, 1e-9, o.seed, k_cbc_first_nodes, MilpEngine::cbc_main);
    bool optimal = res.infeasible;  // finished without a cheaper cover: the heuristic's is optimal
    if (res.has_solution) {
        auto c = chosen_of(res.x, r.n_cand());
        if (sc_feasible(r, c) && sc_better(r, c, out.chosen)) out.chosen = std::move(c);
        optimal = res.optimal;
    }
    out.optimal = out.tie_break_optimal = optimal;  // full cover: every cover has the same weight
    out.bound = optimal ? sum_cost(r, out.chosen) : std::min(sum_cost(r, out.chosen), sc_bound(res.bound, unit));
    return out;
}

// Solver::heuristic: the heuristic's cover with the LP relaxation's bound.
Outcome set_cover_by_heuristic(const Reduced& r, std::optional<double> unit, bool ties, const Selection& h,
                               const Deadline& deadline) {
    Outcome out;
    out.method = Method::heuristic;
    out.have = h.feasible;
    out.chosen = h.chosen;
    Milp relax = build_set_cover(r, unit ? *unit : 1.0, false, false, 0);
    const auto lp = solve_lp(relax, std::max(0.05, deadline.remaining()));
    out.bound = lp ? sc_bound(*lp, unit) : 0.0;
    if (out.have) out.bound = std::min(out.bound, sum_cost(r, out.chosen));
    if (out.have && std::abs(sum_cost(r, out.chosen) - out.bound) <= 1e-9 * std::max(1.0, out.bound))
        out.optimal = true;
    out.tie_break_optimal = out.optimal && !ties && !prices_differ(r);
    return out;
}

// When the LP bound (Clp, which unlike CBC may run on several threads at once) already meets
// the heuristic's cost, that proves it and CBC is not called: most county instances end here.
bool proven_by_lp(const Reduced& r, std::optional<double> unit, const Selection& h, const Deadline& deadline,
                  Outcome& out) {
    if (!h.feasible) return false;
    const auto lp =
        solve_lp(build_set_cover(r, unit ? *unit : 1.0, false, false, 0), std::max(0.05, deadline.remaining()));
    const double cost = sum_cost(r, h.chosen);
    if (!lp || cost > sc_bound(*lp, unit) + 1e-9 * std::max(1.0, cost)) return false;
    out.chosen = h.chosen;
    out.have = out.optimal = true;
    out.bound = cost;
    return true;
}

// CBC on the primary objective; the better of its answer and the heuristic's is kept. Sets
// out.infeasible when neither has a cover.
void solve_primary_by_cbc(const Reduced& r, std::optional<double> unit, const SolveOptions& o, const Selection& h,
                          const Deadline& deadline, Outcome& out) {
    // Costs in units of g, so CBC sees an integral objective and prunes by whole units.
    Milp m = build_set_cover(r, unit ? *unit : 1.0, false, false, 0);
    // No cutoff from the heuristic: on the benchmark instances a CBC cutoff made the same model
    // 40× slower (54 s instead of 1.4 s); the better of both answers is kept below instead.
    const auto res = solve_milp(m, std::nullopt, deadline.remaining(), o.relative_gap, 1e-9, o.seed);
    if (res.infeasible && !h.feasible) {
        out.infeasible = true;
        return;
    }
    if (res.infeasible) {  // nothing cheaper than the heuristic's selection
        out.chosen = h.chosen;
        out.have = out.optimal = true;
        out.bound = sum_cost(r, h.chosen);
        return;
    }
    out.bound = sc_bound(res.bound, unit);
    if (res.has_solution) {
        out.chosen = chosen_of(res.x, r.n_cand());
        out.have = sc_feasible(r, out.chosen);
        out.optimal = res.optimal && out.have;
    }
    if (h.feasible && (!out.have || sc_better(r, h.chosen, out.chosen))) {
        // as cheap as a proven optimum (more weight): still optimal
        const bool as_cheap = out.optimal && sum_cost(r, h.chosen) <= sum_cost(r, out.chosen) + 1e-9;
        out.chosen = h.chosen;
        out.optimal = as_cheap;
        if (!as_cheap) out.method = Method::heuristic;
        out.have = true;
    }
}

// The tie-breaks: with fewest sites first, the least cost among the fewest sites; then most
// weight with total cost ≤ the optimum (and every other row), when weight can differ (`weight`).
void break_ties(const Reduced& r, const SolveOptions& o, const Deadline& deadline, const StageTime& stage1, bool weight,
                Outcome& out) {
    const double cap = sum_cost(r, out.chosen);
    // The cost stage may take up to half the time left (at least tie_break_seconds), the weight
    // stage, the last, all that is left: the people a plan covers among its equal-cost
    // alternatives are a key of the plan too, and with only 2 × stage 1's CPU, then half the time
    // left, the weight stage stopped short on 2,000 × 500 partial covers where the plain PuLP
    // model, given the whole limit per stage, found more weight (docs/benchmarks.md). Stages that
    // prove their optimum end long before either limit.
    const double seconds =
        std::max(tie_break_seconds(stage1.wall(), stage1.cpu(), deadline.remaining()), deadline.remaining() * 0.5);
    Milp m2 = build_set_cover(r, 1.0, true, true, cap);
    if (prices_differ(r)) {
        auto cheapest = cheapest_among_fewest(r, m2, out.chosen, seconds, o.seed, deadline.remaining());
        out.chosen = std::move(cheapest.chosen);
        out.tie_break_optimal = cheapest.optimal;
        if (!weight || !cheapest.optimal || deadline.expired()) return;
    }
    // m2 maximises the weight of the demands that are not must-cover (must-cover ones are always covered)
    double must_w = 0;
    for (std::int32_t i = 0; i < r.n_dem(); ++i)
        if (r.must[static_cast<std::size_t>(i)]) must_w += r.weight[static_cast<std::size_t>(i)];
    const double have_w = covered_weight(r, out.chosen);
    if (proven_by_lp_bound(m2, -(have_w - must_w), false, deadline.remaining())) {
        out.tie_break_optimal = true;  // the LP's most weight is the incumbent's: no CBC
        return;
    }
    // Only covers with more weight than the incumbent's, by what sc_better counts as more.
    const auto res2 = solve_milp_below(m2, -(have_w - must_w), 1e-9 * std::max(1.0, std::abs(have_w)),
                                       deadline.remaining(), 1e-9, o.seed, deadline.remaining());
    if (res2.has_solution) {
        auto c2 = chosen_of(res2.x, r.n_cand());
        if (sc_feasible(r, c2) && sum_cost(r, c2) <= cap + 1e-9 * std::max(1.0, cap) && sc_better(r, c2, out.chosen))
            out.chosen = std::move(c2);
    }
    out.tie_break_optimal = res2.optimal || res2.infeasible;
}

Outcome set_cover_reduced(const Reduced& r, const SolveOptions& o, const Deadline& deadline) {
    Outcome out;
    const double tol = 1e-9 * std::max(1.0, std::abs(r.needed));
    const bool must_any = std::any_of(r.must.begin(), r.must.end(), [](std::uint8_t v) { return v != 0; });
    if (r.needed <= tol && !must_any) {
        out.have = out.optimal = out.tie_break_optimal = true;
        return out;
    }
    const auto unit = cost_unit(r.cost);
    const bool run_exact = o.solver != Solver::heuristic;
    const bool ties = tie_break_matters(r);
    const bool cost_ties = prices_differ(r);  // fewest sites first, then the cheapest

    // Heuristic first: the warm start of the exact solver, or the answer.
    const Deadline heur_deadline(run_exact ? std::min(deadline.remaining() * 0.1, 2.0) : deadline.remaining() * 0.7);
    Selection h = heuristic_set_cover(r, heur_deadline);
    if (h.feasible && !sc_feasible(r, h.chosen)) h.feasible = false;
    if (h.feasible && full_cover_only(r) && equal_costs(r)) {
        // fewest sites, every demand: the row-weighting search improves the incumbent of every path
        auto c = weighting_set_cover(r, h.chosen, o.seed, weighting_steps(r),
                                     Deadline(deadline.remaining() * k_weighting_share));
        if (sc_feasible(r, c) && sc_better(r, c, h.chosen)) h.chosen = std::move(c);
    }
    if (!run_exact) return set_cover_by_heuristic(r, unit, ties, h, deadline);
    if (h.feasible && unit && full_cover_only(r)) {
        const StageTime stage1;
        Outcome full;
        if (full_cover_path(r) == FullCoverPath::lagrangian_first) {
            full = full_cover_reduced(r, *unit, o, deadline, h.chosen);
        } else {
            full = full_cover_by_cbc(r, *unit, o, deadline, h.chosen);
            if (!full.optimal && !deadline.expired()) full = full_cover_reduced(r, *unit, o, deadline, full.chosen);
        }
        // every cover has the same weight: only the cost can still tell the fewest-sites covers apart
        if (full.optimal && cost_ties) {
            full.tie_break_optimal = false;
            if (!deadline.expired()) break_ties(r, o, deadline, stage1, false, full);
        }
        return full;
    }

    // Stage 1: the primary objective alone, proven by the LP bound or else solved by CBC.
    out.method = Method::exact;
    const StageTime stage1;
    if (!proven_by_lp(r, unit, h, deadline, out)) {
        solve_primary_by_cbc(r, unit, o, h, deadline, out);
        if (out.infeasible) return out;
    }
    if (!out.have) return out;
    if (!out.optimal && o.solver == Solver::automatic && !deadline.expired()) {
        // the exact solver stopped on time: a longer local search from scratch with what is left
        Selection h2 = heuristic_set_cover(r, deadline);
        if (h2.feasible && sc_feasible(r, h2.chosen) && sc_better(r, h2.chosen, out.chosen)) {
            out.chosen = h2.chosen;
            out.method = Method::heuristic;
        }
    }
    // Stage 2: the tie-break among optimal selections.
    out.tie_break_optimal = out.optimal && !ties && !cost_ties;
    if (out.optimal && (ties || cost_ties) && !deadline.expired()) break_ties(r, o, deadline, stage1, ties, out);
    const double obj = sum_cost(r, out.chosen);
    if (out.optimal) out.bound = obj;
    out.bound = std::min(out.bound, obj);
    return out;
}

Outcome max_cover_reduced(const Reduced& r, double budget, const SolveOptions& o, const Deadline& deadline,
                          const std::vector<std::int32_t>& start) {
    Outcome out;
    const double total_w = std::accumulate(r.weight.begin(), r.weight.end(), 0.0);
    if (r.n_cand() == 0 || r.n_dem() == 0 || total_w <= 0 || budget <= 0) {
        out.have = out.optimal = true;
        return out;
    }
    const bool run_exact = o.solver != Solver::heuristic;
    const Deadline heur_deadline(run_exact ? std::min(deadline.remaining() * 0.1, 1.0) : deadline.remaining() * 0.7);
    Selection h = heuristic_max_cover(r, budget, start, heur_deadline);
    Milp m = build_max_cover(r, budget);
    const bool packing = has_packing(r);
    if (!run_exact && !packing) {
        // the LP bound by column generation (no CBC): faster than the Lagrangian below
        MaxCoverProof pr = prove_max_cover(r, budget, h.chosen, o.relative_gap, o.seed, deadline, false);
        out.method = Method::heuristic;
        out.have = true;
        out.chosen = std::move(pr.chosen);
        const double w = covered_weight(r, out.chosen);
        out.bound = std::max(pr.bound, w);
        out.optimal = pr.optimal;
        return out;
    }
    if (!run_exact) {
        out.method = Method::heuristic;
        out.have = true;
        out.chosen = h.chosen;
        const double w = covered_weight(r, out.chosen);
        // Lagrangian bound first (O(nnz) a step); the LP (the best Lagrangian bound) only on
        // small models: Clp took 54 s on 50,000 × 5,000.
        out.bound = lagrangian_max_cover_bound(r, budget, w, Deadline(deadline.remaining() * 0.5));
        if (out.bound - w > 1e-9 * std::max(1.0, w) && m.row_index.size() <= 400000) {
            const auto lp = solve_lp(m, std::max(0.05, deadline.remaining()));
            if (lp) out.bound = std::min(out.bound, -*lp);
        }
        out.bound = std::max(out.bound, w);
        out.optimal = out.bound - w <= 1e-9 * std::max(1.0, w);
        return out;
    }
    out.method = Method::exact;
    const double hw = covered_weight(r, h.chosen);
    double colgen_bound = total_w;
    if (!packing) {
        // Column generation + Lagrangian proof (colgen.cpp): CBC's root LP on the whole model
        // was ~10 s of the 24 s on 50,000 × 5,000.
        MaxCoverProof pr = prove_max_cover(r, budget, h.chosen, o.relative_gap, o.seed, deadline, true);
        if (pr.optimal || deadline.expired()) {
            out.have = true;
            out.chosen = std::move(pr.chosen);
            out.optimal = pr.optimal;
            if (!pr.optimal && !pr.improved) out.method = Method::heuristic;
            const double w = covered_weight(r, out.chosen);
            out.bound = pr.optimal ? w : std::max(pr.bound, w);
            return out;
        }
        colgen_bound = pr.bound;
        if (pr.improved) h.chosen = std::move(pr.chosen);
    }
    const auto res = solve_milp(m, std::nullopt, deadline.remaining(), o.relative_gap, 1e-9, o.seed);
    out.have = true;
    out.chosen = h.chosen;
    bool from_cbc = false;
    if (res.infeasible) {  // cannot happen without a cutoff (x = 0 is feasible); kept for safety
        out.optimal = true;
        out.bound = hw;
    } else {
        out.bound = std::min(colgen_bound, std::isfinite(res.bound) ? -res.bound : total_w);
        if (res.has_solution) {
            auto c = chosen_of(res.x, r.n_cand());
            if (compatible(r, c) && sum_cost(r, c) <= budget + 1e-9 * std::max(1.0, budget) &&
                mc_better(r, c, h.chosen)) {
                out.chosen = std::move(c);
                from_cbc = true;
            }
            out.optimal = res.optimal;
        }
    }
    if (!from_cbc && !out.optimal) out.method = Method::heuristic;
    if (!res.optimal && o.solver == Solver::automatic && !deadline.expired()) {
        Selection h2 = heuristic_max_cover(r, budget, out.chosen, deadline);
        if (mc_better(r, h2.chosen, out.chosen)) {
            out.chosen = h2.chosen;
            out.method = Method::heuristic;
        }
    }
    const double w = covered_weight(r, out.chosen);
    if (out.optimal) out.bound = w;
    out.bound = std::max(out.bound, w);
    return out;
}

struct Eval {
    double new_measure = 0, new_weight = 0, cost = 0;
};

Eval evaluate(const CoverProblem& p, const std::vector<std::int32_t>& sites) {
    Eval e;
    std::vector<std::uint8_t> hit(p.covered.begin(), p.covered.end());
    for (auto j : sites) {
        e.cost += p.cost[static_cast<std::size_t>(j)];
        for (auto k = p.offsets[static_cast<std::size_t>(j)]; k < p.offsets[static_cast<std::size_t>(j) + 1]; ++k) {
            const auto i = static_cast<std::size_t>(p.demands[static_cast<std::size_t>(k)]);
            if (hit[i]) continue;
            hit[i] = 1;
            e.new_measure += p.measure[i];
            e.new_weight += p.weight[i];
        }
    }
    return e;
}

double gap_of(double objective, double bound) {
    return std::abs(objective - bound) / std::max(std::abs(objective), 1e-9);
}

Status status_of(const Outcome& o) {
    if (o.infeasible) return Status::infeasible;
    if (!o.have) return Status::time_limit_no_solution;
    return o.optimal ? Status::optimal : Status::feasible;
}

/// Original-index sites of an outcome, ordered by marginal gain.
std::vector<std::int32_t> to_sites(const CoverProblem& p, const Reduced& r, const std::vector<std::int32_t>& chosen,
                                   GainBy by, bool drop_zero) {
    std::vector<std::int32_t> raw(r.fixed.begin(), r.fixed.end());
    for (auto j : chosen) raw.push_back(r.orig[static_cast<std::size_t>(j)]);
    std::sort(raw.begin(), raw.end());
    std::vector<std::int32_t> out;
    for (const auto& s : order_by_gain(p, raw, by))
        if (!drop_zero || s.gain_weight > 0 || s.gain_measure > 0) out.push_back(s.site);
    return out;
}

double measure_total(const CoverProblem& p) {
    return std::accumulate(p.measure.begin(), p.measure.end(), 0.0);
}

Solution set_cover_impl(const CoverProblem& p, double target, const SolveOptions& o, const Deadline& deadline,
                        bool allow_infeasible_repair);

/// A max-cover outcome on the reduced problem as a Solution of the original one.
Solution max_cover_solution(const CoverProblem& p, const Reduced& r, const Outcome& out, const Deadline& deadline) {
    Solution s;
    s.presolve = r.stats;
    s.uncoverable = r.uncoverable;
    s.reachable_measure = r.coverable_measure;
    s.sites = to_sites(p, r, out.chosen, GainBy::weight, true);
    const Eval e = evaluate(p, s.sites);
    s.status = status_of(out);
    s.method = out.method;
    s.objective = e.new_weight;
    s.bound = std::max(out.bound, e.new_weight);
    s.gap = s.status == Status::optimal ? 0.0 : gap_of(s.objective, s.bound);
    s.measure = r.base_measure + e.new_measure;
    s.new_measure = e.new_measure;
    s.new_weight = e.new_weight;
    s.cost = e.cost;
    s.seconds = deadline.elapsed();
    return s;
}

Solution max_cover_impl(const CoverProblem& p, double budget, const SolveOptions& o, const Deadline& deadline) {
    const auto pre = presolve(p, Model::max_cover, 0, o.objective, o.presolve);
    return max_cover_solution(p, pre.reduced, max_cover_reduced(pre.reduced, budget, o, deadline, {}), deadline);
}

Solution set_cover_impl(const CoverProblem& p, double target, const SolveOptions& o, const Deadline& deadline,
                        bool allow_infeasible_repair) {
    Solution s;
    s.target = target;
    const auto pre = presolve(p, Model::set_cover, target, o.objective, o.presolve);
    const Reduced& r = pre.reduced;
    s.presolve = r.stats;
    s.uncoverable = r.uncoverable;
    s.reachable_measure = r.coverable_measure;
    Outcome out;
    if (!pre.infeasible) out = set_cover_reduced(r, o, deadline);
    if (pre.infeasible || out.infeasible) {
        s.status = Status::infeasible;
        s.method = pre.infeasible ? Method::trivial : Method::exact;
        if (allow_infeasible_repair) {
            // The most measure any allowed selection reaches, and the cheapest way to reach it.
            double reachable = r.coverable_measure;
            std::vector<std::int32_t> reaching;
            if (!p.conflicts.empty() || std::any_of(p.group.begin(), p.group.end(), [](auto g) { return g >= 0; })) {
                CoverProblem q = p;
                q.weight = p.measure;
                SolveOptions o2 = o;
                o2.objective = Objective::sites;
                const Solution mc = max_cover_impl(q, static_cast<double>(p.candidate_count()), o2,
                                                   Deadline(deadline.remaining() * 0.5));
                reachable = mc.measure;
                reaching = mc.sites;
            }
            Solution best = set_cover_impl(p, reachable, o, Deadline(deadline.remaining()), false);
            if (best.status != Status::infeasible && best.status != Status::time_limit_no_solution) {
                s.sites = best.sites;
                s.bound = best.bound;
                s.method = best.method;
                s.tie_break_optimal = best.tie_break_optimal;
            } else {
                s.sites = reaching;
            }
            s.reachable_measure = reachable;
        }
        const Eval e = evaluate(p, s.sites);
        s.objective = o.objective == Objective::sites ? static_cast<double>(s.sites.size()) : e.cost;
        s.gap = 0;
        s.measure = r.base_measure + e.new_measure;
        s.new_measure = e.new_measure;
        s.new_weight = e.new_weight;
        s.cost = e.cost;
        s.seconds = deadline.elapsed();
        return s;
    }
    s.status = status_of(out);
    s.method = out.method;
    s.tie_break_optimal = out.tie_break_optimal;
    if (!r.fixed.empty() && out.method == Method::trivial) s.method = Method::exact;
    s.sites = out.have ? to_sites(p, r, out.chosen, GainBy::measure, false) : std::vector<std::int32_t>{};
    const Eval e = evaluate(p, s.sites);
    s.objective = o.objective == Objective::sites ? static_cast<double>(s.sites.size()) : e.cost;
    s.bound = out.have ? std::min(out.bound + r.fixed_cost, s.objective) : out.bound + r.fixed_cost;
    if (s.status == Status::optimal) s.bound = s.objective;
    s.gap = s.status == Status::optimal ? 0.0 : (out.have ? gap_of(s.objective, s.bound) : 1.0);
    s.measure = r.base_measure + e.new_measure;
    s.new_measure = e.new_measure;
    s.new_weight = e.new_weight;
    s.cost = e.cost;
    s.seconds = deadline.elapsed();
    (void)measure_total;
    return s;
}

void check_options(const SolveOptions& o) {
    if (!(o.time_limit_s > 0) || !std::isfinite(o.time_limit_s))
        throw Error(ErrorKind::solver, "time limit must be a positive number of seconds");
    if (!(o.relative_gap >= 0) || !std::isfinite(o.relative_gap))
        throw Error(ErrorKind::solver, "relative gap must be ≥ 0");
}

}  // namespace

Solution solve_set_cover(const CoverProblem& problem, double target, const SolveOptions& options) {
    validate(problem);
    check_options(options);
    if (!std::isfinite(target)) throw Error(ErrorKind::solver, "set cover target must be a finite number");
    return set_cover_impl(problem, target, options, Deadline(options.time_limit_s), true);
}

Solution solve_max_cover(const CoverProblem& problem, double budget, const SolveOptions& options) {
    validate(problem);
    check_options(options);
    if (!(budget >= 0) || !std::isfinite(budget)) throw Error(ErrorKind::solver, "max cover budget must be ≥ 0");
    return max_cover_impl(problem, budget, options, Deadline(options.time_limit_s));
}

std::vector<Solution> sweep_max_cover(const CoverProblem& problem, std::int32_t max_budget,
                                      const SolveOptions& options) {
    validate(problem);
    check_options(options);
    if (max_budget < 0) throw Error(ErrorKind::solver, "max cover sweep: budget must be ≥ 0");
    std::vector<Solution> out;
    const auto pre = presolve(problem, Model::max_cover, 0, options.objective, options.presolve);
    const Reduced& r = pre.reduced;
    std::vector<std::int32_t> prev;
    double prev_weight = 0;
    for (std::int32_t b = 1; b <= max_budget; ++b) {
        const Deadline deadline(options.time_limit_s);
        Outcome o = max_cover_reduced(r, b, options, deadline, prev);
        // Monotone by construction: the warm start (previous answer + greedy) is feasible for b.
        if (covered_weight(r, o.chosen) < prev_weight) {
            o.chosen = prev;
            o.optimal = false;
        }
        Solution s = max_cover_solution(problem, r, o, deadline);
        prev = o.chosen;
        prev_weight = covered_weight(r, prev);
        out.push_back(std::move(s));
    }
    return out;
}

}  // namespace scicov::cover
