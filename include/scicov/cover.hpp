// scicov::cover — the solver core of `scicov plan`, independent of geography.
//
// One CoverProblem is one county × one facility type: demands (villages) with a measure (what
// the target counts: 1 per village, or its population) and a weight (priority-weighted people),
// candidate sites with a cost and the demands each would cover (CSR), plus packing constraints
// (one site per group, conflicting pairs). Three questions are asked of it:
//   solve_set_cover  fewest sites (or least cost) so that covered measure reaches a target;
//   solve_max_cover  most weight newly covered with a budget of sites (or cost);
//   sweep_max_cover  the coverage-vs-budget curve 1..N;
// and the phasing helpers order the chosen sites by marginal gain and give them years, per
// county (order_by_gain, phase) or sharing a city-wide yearly budget (phase_city).
//
// Exact answers come from CBC (one thread, fixed seed, quiet, time limit):
//   max cover without groups or conflicts: first column generation (Clp on a restricted master,
//     a Lagrangian bound at its duals that proves the incumbent when below it by the weights'
//     unit), else reduced-cost fixing and CBC on the surviving columns;
//   full cover: a Lagrangian heuristic, local search and LNS (node-limited CBC sub-MIPs) first,
//     then CBC with reduced-cost fixing and the incumbent as its cutoff.
// The heuristic is greedy + swap local search (+ destroy-and-repair for set cover) with a bound:
// the LP relaxation through Clp for set cover, the column-generation LP bound (or, with packing
// rows, a Lagrangian bound) for max cover; so every answer carries a bound and a gap.
// Same input ⇒ same sites in the same order (a run cut short by the time limit depends on the
// machine's speed). Errors: scicov::Error(ErrorKind::solver).
//
// Set cover ties are broken exactly by further solves, each with the optimum before it fixed: by
// fewest sites, the least total cost among the fewest sites; then most weight among those
// (Solution::tie_break_optimal says whether these solves finished).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

namespace scicov::cover {

/// One county × one facility type, as index-based arrays. Demand i, candidate j.
struct CoverProblem {
    std::vector<double> measure;        ///< per demand: contribution to the target (≥ 0)
    std::vector<double> weight;         ///< per demand: priority-weighted people (≥ 0)
    std::vector<std::uint8_t> covered;  ///< per demand: 1 = already covered by existing facilities
    std::vector<double> cost;           ///< per candidate (≥ 0)
    std::vector<std::int32_t> offsets;  ///< size candidates+1
    std::vector<std::int32_t> demands;  ///< candidate j covers demands[offsets[j]..offsets[j+1]), sorted, unique
    std::vector<std::int32_t> group;    ///< per candidate: at most one chosen per group id; -1 = none.
                                        ///< May be empty (no groups).
    std::vector<std::pair<std::int32_t, std::int32_t>> conflicts;  ///< pairs that may not both be chosen

    std::size_t demand_count() const { return measure.size(); }
    std::size_t candidate_count() const { return cost.size(); }
};

/// Throws Error(solver) naming the first inconsistency (sizes, ranges, unsorted lists, NaN).
void validate(const CoverProblem& problem);

enum class Solver { exact, heuristic, automatic };
enum class Objective { sites, cost };
/// optimal: proven (within options.relative_gap); feasible: a solution with a gap (time limit);
/// infeasible: no selection reaches the target; time_limit_no_solution: nothing found in time.
enum class Status { optimal, feasible, infeasible, time_limit_no_solution };
/// What produced the sites: CBC, the heuristic, or nothing to do (target met / empty problem).
enum class Method { exact, heuristic, trivial };

std::string_view to_string(Solver solver);
std::string_view to_string(Objective objective);
std::string_view to_string(Status status);
std::string_view to_string(Method method);

struct SolveOptions {
    Solver solver = Solver::automatic;  ///< exact: a quick heuristic, then CBC; the better answer
                                        ///< is kept (Solution::method says whose). automatic: the
                                        ///< same, plus a longer heuristic run when CBC stops on
                                        ///< time and time is left. heuristic: no CBC.
    Objective objective = Objective::sites;
    double time_limit_s = 60.0;  ///< wall clock, for the whole call (sweep: per budget)
    double relative_gap = 0.0;   ///< exact solver stops when gap ≤ this (0: prove optimality)
    bool presolve = true;        ///< reductions that keep an optimal solution (PresolveStats)
    int seed = 1;                ///< CBC's random seeds
};

/// What presolve did (counts on the problem handed to the solver). Every rule keeps at least one
/// optimal solution of the original problem: demands already covered or coverable by nobody are
/// constants; demands with the same covering set act as one; a must-cover demand (the target can't
/// be met without it) whose covering set contains another must-cover demand's set is implied;
/// a candidate whose demands are a subset of an alive candidate's at ≥ cost, and whose every
/// incompatible candidate is also incompatible with it, can be swapped for that one; the only
/// cover of a must-cover demand is in every feasible solution.
struct PresolveStats {
    std::int32_t demands_in = 0;
    std::int32_t demands_already_covered = 0;
    std::int32_t demands_uncoverable = 0;
    std::int32_t demands_weightless = 0;  ///< max cover: weight 0, cannot change the objective
    std::int32_t demands_merged = 0;      ///< removed because another demand has the same covering set
    std::int32_t demands_implied = 0;     ///< must-cover rows implied by a smaller must-cover row
    std::int32_t demands_out = 0;
    std::int32_t candidates_in = 0;
    std::int32_t candidates_useless = 0;    ///< covering no open demand
    std::int32_t candidates_dominated = 0;  ///< another candidate covers as much for no more
    std::int32_t candidates_fixed = 0;      ///< only cover of a demand that must be covered: chosen
    std::int32_t candidates_excluded = 0;   ///< blocked by a fixed candidate (group or conflict)
    std::int32_t candidates_out = 0;
};

struct Solution {
    Status status = Status::time_limit_no_solution;
    Method method = Method::trivial;
    /// Chosen candidates in greedy marginal-gain order (see order_by_gain), ties by index.
    std::vector<std::int32_t> sites;
    double objective = 0;  ///< set cover: sites or total cost; max cover: weight newly covered
    double bound = 0;      ///< best bound on objective (lower for set cover, upper for max cover)
    double gap = 0;        ///< |objective − bound| / max(|objective|, 1e-9); 0 when optimal
    double seconds = 0;
    /// Set cover: the tie-breaks (by fewest sites: least cost; then most weight among optimal
    /// selections) are proven, not only the primary objective. False when a later solve ran out
    /// of time (best found is kept).
    bool tie_break_optimal = false;
    double target = 0;       ///< set cover: the target asked for (absolute measure)
    double measure = 0;      ///< already + newly covered measure with these sites
    double new_measure = 0;  ///< newly covered measure
    double new_weight = 0;   ///< newly covered weight
    double cost = 0;         ///< total cost of the sites
    /// Set cover, infeasible: the most measure any allowed selection reaches (groups and
    /// conflicts respected), and `sites` is a selection reaching it. Otherwise: base + coverable.
    double reachable_measure = 0;
    /// Demands neither already covered nor covered by any candidate (sorted).
    std::vector<std::int32_t> uncoverable;
    PresolveStats presolve;
};

/// Fewest new sites (or least cost) so that already + newly covered measure ≥ target (absolute).
/// Ties among optimal selections: by fewest sites, the least total cost first; then most weight
/// newly covered (lexicographic, exactly). Full cover: target = total measure.
/// An unreachable target gives Status::infeasible with reachable_measure and uncoverable filled.
Solution solve_set_cover(const CoverProblem& problem, double target, const SolveOptions& options = {});

/// Most weight newly covered with total sites (objective = sites) or total cost (objective = cost)
/// ≤ budget. Sites adding nothing are not chosen.
Solution solve_max_cover(const CoverProblem& problem, double budget, const SolveOptions& options = {});

/// solve_max_cover for budgets 1, 2, …, max_budget (one Solution each, index b−1), reusing the
/// presolve and warm-starting each budget from the previous one. Objective values never decrease.
std::vector<Solution> sweep_max_cover(const CoverProblem& problem, std::int32_t max_budget,
                                      const SolveOptions& options = {});

// ---- Phasing --------------------------------------------------------------------------------

enum class GainBy { measure, weight };  ///< primary key of the marginal gain (the other breaks ties)

struct Step {
    std::int32_t site = -1;
    double gain_measure = 0;  ///< measure newly covered by this site after the earlier ones
    double gain_weight = 0;
};

/// Greedy order over the given sites: repeatedly the one with the largest marginal gain
/// (primary key `by`, then the other key, then lower index). Gains account for demands already
/// covered. `first` (per demand, or empty): the newly covered weight of the demands it marks is
/// compared before both keys (equalisation: rural villages first). Throws if a site index is out
/// of range.
std::vector<Step> order_by_gain(const CoverProblem& problem, std::span<const std::int32_t> sites,
                                GainBy by = GainBy::measure, std::span<const std::uint8_t> first = {});

struct PhasedStep {
    Step step;
    std::int32_t rank = 0;  ///< 1-based
    std::int32_t year = 0;
};

/// order_by_gain, then years: per_year sites a year from start_year (per_year ≥ 1).
std::vector<PhasedStep> phase(const CoverProblem& problem, std::span<const std::int32_t> sites, std::int32_t per_year,
                              std::int32_t start_year, GainBy by = GainBy::measure);

/// One county's ordered site list for city-wide phasing.
struct CountySites {
    std::vector<double> gain;          ///< per site, in order: the key compared across counties
    std::vector<double> measure_gain;  ///< per site, in order: measure toward the target (may equal gain)
    double base_measure = 0;           ///< already covered
    double target = 0;                 ///< absolute target measure (≤ 0: none)
    /// Per site, in order: a key compared before `gain` (equalisation: rural gain); empty: none.
    std::vector<double> first;
};

struct CityPhasing {
    std::vector<std::vector<std::int32_t>> year;     ///< [county][site] year of that site
    std::vector<std::int32_t> years;                 ///< the calendar years, start_year …
    std::vector<std::vector<double>> measure_after;  ///< [county][year index] measure at year end
    std::vector<std::int32_t> year_met;              ///< [county] first year measure ≥ target;
                                                     ///< start_year − 1 if met before; −1 if never
};

/// Shares a city-wide budget of per_year sites a year among counties: each slot goes to the
/// county whose next site (lists are consumed in their order) has the largest (first, gain),
/// ties to the lower county index. Runs until every list is exhausted.
CityPhasing phase_city(std::span<const CountySites> counties, std::int32_t per_year, std::int32_t start_year);

}  // namespace scicov::cover
