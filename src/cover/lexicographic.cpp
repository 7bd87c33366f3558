// The second key of a set cover by fewest sites: among the selections with the fewest sites, the
// least total cost (issue #14: "among plans with the fewest sites, the cheapest hosts"), then the
// most priority-weighted people (the weight stage in solve.cpp).
//
// Each key is solved with the optimum of the keys before it fixed as a constraint, so the order is
// lexicographic exactly, whatever the numbers: stage 1 proves z1 = the fewest sites; stage 2 here
// minimises Σ c_j x_j subject to the set-cover rows and Σ x_j ≤ z1; stage 3 maximises the weight
// subject to both caps. One weighted objective (M·sites + cost/g with M > Σ c_j/g) would be exact
// too, but M grows with the instance (thousands of cost units) while CBC's tolerances are relative,
// and the weighted tie term already proved 100× slower than a second solve (solve.cpp); separate
// solves keep every objective small and integral.
#include <algorithm>
#include <cmath>

#include "cover/detail.hpp"

namespace scicov::cover::detail {

double tie_break_seconds(double wall, double cpu, double remaining) {
    // wall seconds per CPU second of stage 1 (CPU below 10 ms is too coarse to tell more than "≥ 1")
    const double share = wall > cpu ? std::max(1.0, wall / std::max(cpu, 0.01)) : 1.0;
    return std::max(0.0, std::min(remaining, std::max(2.0, 2.0 * cpu) * share));
}

bool proven_by_lp_bound(const Milp& m, double incumbent, bool integral, double seconds) {
    const auto lp = solve_lp(m, std::max(0.05, seconds));
    if (!lp) return false;
    const double bound = integral ? std::ceil(*lp - 1e-6) : *lp;
    return bound >= incumbent - 1e-9 * std::max(1.0, std::abs(incumbent));
}

bool prices_differ(const Reduced& r) {
    if (r.price.empty()) return false;
    const auto [lo, hi] = std::minmax_element(r.price.begin(), r.price.end());
    return *hi - *lo > 1e-12 * std::max(1.0, std::abs(*hi));
}

double sum_price(const Reduced& r, const std::vector<std::int32_t>& chosen) {
    if (r.price.empty()) return 0;
    double c = 0;
    for (auto j : chosen) c += r.price[static_cast<std::size_t>(j)];
    return c;
}

CheapestStage cheapest_among_fewest(const Reduced& r, Milp& m, std::vector<std::int32_t> incumbent, double seconds,
                                    int seed, double limit) {
    CheapestStage out;
    out.chosen = std::move(incumbent);
    // Costs in their common unit g (when they have one): the objective is integral, so CBC may
    // stop half a unit from its bound, and the cap row below holds the optimum exactly.
    const auto unit = cost_unit(r.price);
    const double g = unit ? *unit : 1.0;
    Milp c = m;
    const auto n = static_cast<std::size_t>(r.n_cand());
    for (std::size_t j = 0; j < c.obj.size(); ++j) c.obj[j] = j < n ? r.price[j] / g : 0.0;
    c.obj_offset = 0;
    const double before = sum_price(r, out.chosen);
    // The cheap proof first: when the LP relaxation's least cost (Clp, reentrant: no CBC lock),
    // rounded up to the unit, meets the incumbent's cost, the incumbent is the cheapest.
    if (proven_by_lp_bound(c, before / g, unit.has_value(), seconds)) {
        out.optimal = true;
    } else if (const auto res = solve_milp_below(c, before / g, unit ? 0.5 : 1e-9 * std::max(1.0, before) / g, seconds,
                                                 unit ? 0.5 : 1e-9, seed, limit);
               res.has_solution || res.infeasible) {
        if (res.has_solution) {
            std::vector<std::int32_t> x;
            for (std::size_t j = 0; j < n; ++j)
                if (res.x[j] > 0.5) x.push_back(static_cast<std::int32_t>(j));
            // CBC's selection satisfies the rows of `m` (checked again here, as the other stages
            // do); keep it only when it is cheaper than the incumbent, which is feasible too.
            const double sites = sum_cost(r, out.chosen);
            const bool feasible = must_covered(r, x) && compatible(r, x) &&
                                  covered_measure(r, x) >= r.needed - 1e-9 * std::max(1.0, std::abs(r.needed)) &&
                                  sum_cost(r, x) <= sites + 1e-9 * std::max(1.0, sites);
            if (feasible && sum_price(r, x) < before - 1e-9 * std::max(1.0, before)) out.chosen = std::move(x);
        }
        out.optimal = res.optimal || res.infeasible;  // infeasible: nothing cheaper than the incumbent
    }
    std::vector<std::int32_t> all(n);
    for (std::size_t j = 0; j < n; ++j) all[j] = static_cast<std::int32_t>(j);
    std::vector<double> scaled(n);
    for (std::size_t j = 0; j < n; ++j) scaled[j] = r.price[j] / g;
    const double cap = sum_price(r, out.chosen) / g;
    m.add_row(all, scaled, -k_inf, unit ? std::round(cap) + 1e-6 : cap * (1 + 1e-9));
    return out;
}

}  // namespace scicov::cover::detail
