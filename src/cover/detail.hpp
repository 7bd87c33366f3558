// Internals of scicov::cover shared by its translation units.
#pragma once

#include <chrono>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <vector>

#include "core/timing.hpp"
#include "scicov/cover.hpp"

namespace scicov::cover::detail {

/// FNV-1a over a list of indices: for maps keyed by covering patterns (presolve, colgen).
struct HashIndexList {
    std::size_t operator()(const std::vector<std::int32_t>& l) const noexcept {
        std::uint64_t h = 1469598103934665603ULL;
        for (auto v : l) {
            h ^= static_cast<std::uint64_t>(static_cast<std::uint32_t>(v));
            h *= 1099511628211ULL;
        }
        return static_cast<std::size_t>(h);
    }
};

using Clock = std::chrono::steady_clock;

/// A wall-clock deadline for one call.
class Deadline {
public:
    explicit Deadline(double seconds)
        : m_start(Clock::now()),
          m_end(m_start + std::chrono::duration_cast<Clock::duration>(
                              std::chrono::duration<double>(std::max(0.0, std::min(seconds, 1e7))))) {}
    double elapsed() const { return std::chrono::duration<double>(Clock::now() - m_start).count(); }
    double remaining() const { return std::max(0.0, std::chrono::duration<double>(m_end - Clock::now()).count()); }
    bool expired() const { return Clock::now() >= m_end; }

private:
    Clock::time_point m_start;
    Clock::time_point m_end;
};

/// Wall and thread-CPU seconds since construction: what a stage cost, and how much of a core it got.
class StageTime {
public:
    StageTime() : m_start(Clock::now()), m_cpu(core::thread_cpu_seconds()) {}
    double wall() const { return std::chrono::duration<double>(Clock::now() - m_start).count(); }
    double cpu() const { return core::thread_cpu_seconds() - m_cpu; }  // CBC runs in this thread

private:
    Clock::time_point m_start;
    double m_cpu;
};

/// The least wall seconds a tie-break stage (a further CBC solve) gets after a stage 1 that took
/// `wall` seconds and `cpu` CPU seconds: max(2, 2 × stage 1) in CPU seconds, turned into wall
/// seconds by stage 1's own wall / CPU ratio (on a loaded machine the solve gets that share of a
/// core, so a wall figure would cut it short), never more than `remaining`. break_ties gives a
/// stage the larger of this and half the time left.
double tie_break_seconds(double wall, double cpu, double remaining);

/// Transpose of a CSR incidence: for each row, the columns that list it (sorted).
struct Csr {
    std::vector<std::int32_t> offsets;
    std::vector<std::int32_t> items;
    std::int32_t size() const { return static_cast<std::int32_t>(offsets.size()) - 1; }
    std::int32_t begin(std::int32_t r) const { return offsets[static_cast<std::size_t>(r)]; }
    std::int32_t end(std::int32_t r) const { return offsets[static_cast<std::size_t>(r) + 1]; }
    std::int32_t degree(std::int32_t r) const { return end(r) - begin(r); }
};
Csr transpose(const std::vector<std::int32_t>& offsets, const std::vector<std::int32_t>& items, std::int32_t n_rows);

/// The problem the solvers see: presolved (or merely compacted) demands and candidates.
struct Reduced {
    // candidates (column j of the models)
    std::vector<std::int32_t> orig;  ///< reduced candidate → original index
    std::vector<double> cost;        ///< objective units (1 per site, or the cost)
    /// Set cover by fewest sites: each candidate's cost, the second key (lexicographic.cpp).
    /// Empty otherwise (the cost is then the first key, or plays no part).
    std::vector<double> price;
    Csr cover;                        ///< candidate → reduced demands
    Csr covered_by;                   ///< reduced demand → candidates
    std::vector<std::int32_t> group;  ///< compact group ids, -1 none
    std::int32_t n_groups = 0;
    std::vector<std::pair<std::int32_t, std::int32_t>> conflicts;  ///< reduced indices, a < b, unique
    std::vector<std::vector<std::int32_t>> incompatible;           ///< per candidate: conflicts ∪ group mates
    // demands
    std::vector<double> measure;
    std::vector<double> weight;
    std::vector<std::uint8_t> must;  ///< must be covered in every feasible solution (set cover)
    // constants
    std::vector<std::int32_t> fixed;        ///< original candidates chosen by presolve
    double fixed_cost = 0;                  ///< in objective units
    double needed = 0;                      ///< set cover: measure still needed from the reduced demands
    std::vector<std::int32_t> uncoverable;  ///< original demand ids
    double coverable_measure = 0;           ///< base + measure of everything some candidate covers
    double base_measure = 0;
    PresolveStats stats;

    std::int32_t n_cand() const { return static_cast<std::int32_t>(cost.size()); }
    std::int32_t n_dem() const { return static_cast<std::int32_t>(measure.size()); }
};

enum class Model { set_cover, max_cover };

/// Builds the reduced problem (presolve.cpp). With `reduce` false only the constants are taken
/// out (covered, uncoverable and, for max cover, weightless demands) so that the models are the
/// textbook ones. `target` is used by the set-cover rules only. Presolve does not throw on an
/// infeasible set cover: it sets `infeasible` when it sees one and leaves the rest to the solvers.
struct PresolveResult {
    Reduced reduced;
    bool infeasible = false;  ///< a must-cover demand lost all its candidates
};
PresolveResult presolve(const CoverProblem& problem, Model model, double target, Objective objective, bool reduce);

/// The objective unit g of set-cover costs: every cost is an integer multiple of g (so any two
/// different totals differ by ≥ g). nullopt when the costs have no such common unit.
std::optional<double> cost_unit(const std::vector<double>& cost);

/// A mixed-integer linear program in row form, minimised.
struct Milp {
    std::int32_t n_cols = 0;
    std::vector<double> obj, col_lo, col_hi;
    std::vector<std::uint8_t> integer;
    std::vector<std::int32_t> row_start{0};
    std::vector<std::int32_t> row_index;
    std::vector<double> row_value;
    std::vector<double> row_lo, row_hi;
    double obj_offset = 0;

    std::int32_t add_col(double objective, double lo, double hi, bool is_integer);
    void add_row(const std::vector<std::int32_t>& index, const std::vector<double>& value, double lo, double hi);
    std::int32_t n_rows() const { return static_cast<std::int32_t>(row_lo.size()); }
};

struct MilpResult {
    bool has_solution = false;
    bool optimal = false;
    bool infeasible = false;
    std::vector<double> x;
    double objective = 0;  ///< minimised, including obj_offset
    double bound = -std::numeric_limits<double>::infinity();
};

/// solve_milp's automatic choice: models with at most this many columns are solved by CbcModel's
/// plain branch and bound, which is reentrant (no lock, both cores), larger ones by CbcMain, one
/// at a time (milp.cpp). The county tie-break models of the national run have ≤ 775 columns.
/// The full-cover and max-cover machinery for large instances (CBC first with a cutoff, LNS,
/// kept columns) asks for CbcMain whatever the size: on 5,000 × 1,000 full covers (1,000
/// candidates) its root cuts and heuristics found 127–128 sites where plain branch and bound
/// found 130 in the same 30 s.
inline constexpr std::int32_t k_branch_and_bound_columns = 1000;

/// solve_milp_below's node limit for plain branch and bound before CbcMain on large models. The
/// 2,000 × 500 weight stages (~1,850 columns) that it proves take 2–225 nodes; the five it does
/// not prove reach 470–720 nodes in half their time (docs/benchmarks.md).
inline constexpr int k_below_nodes = 500;

/// Which CBC entry point solve_milp uses: by size (automatic), or one of them.
enum class MilpEngine { automatic, branch_and_bound, cbc_main };

/// CBC: one thread, seeded, quiet. `cutoff`: only solutions with objective < cutoff are
/// searched (an incumbent's value minus what counts as an improvement); `infeasible` then means
/// no such solution exists. Stops when (incumbent − bound) ≤ absolute_gap or ≤ relative_gap·|incumbent|.
/// `max_nodes` > 0: CBC stops after that many nodes (a deterministic limit, unlike seconds).
MilpResult solve_milp(const Milp& milp, std::optional<double> cutoff, double seconds, double relative_gap,
                      double absolute_gap, int seed, int max_nodes = 0, MilpEngine engine = MilpEngine::automatic);

/// solve_milp for a better solution than an incumbent of objective `incumbent` (no solution
/// with objective ≥ incumbent − improvement is searched) in `seconds`, never past `limit`:
/// plain branch and bound with that cutoff, so the incumbent prunes from the first node and
/// `infeasible` proves it optimal. On models larger than k_branch_and_bound_columns it gets
/// k_below_nodes nodes and half of `seconds`; when it does not prove the answer, CbcMain
/// (without a cutoff, which slowed it on the 2,000 × 500 weight stages) gets `seconds` again.
MilpResult solve_milp_below(const Milp& milp, double incumbent, double improvement, double seconds, double absolute_gap,
                            int seed, double limit);

/// Clp: the LP relaxation's optimum (a valid bound) or nullopt when not proven within the time.
std::optional<double> solve_lp(const Milp& milp, double seconds);

inline constexpr double k_inf = 1e30;

// ---- Heuristics on the reduced problem ----

struct Selection {
    std::vector<std::int32_t> chosen;  ///< reduced candidate indices
    bool feasible = false;
};

/// Greedy + redundancy elimination + swap local search for the set cover on the reduced problem;
/// `start` (compatible sites) is completed and improved instead of an empty selection.
Selection heuristic_set_cover(const Reduced& r, const Deadline& deadline, const std::vector<std::int32_t>& start = {});
/// Greedy + swap local search for max cover with the budget (objective units); `start` seeds it.
Selection heuristic_max_cover(const Reduced& r, double budget, const std::vector<std::int32_t>& start,
                              const Deadline& deadline);

/// Lagrangian upper bound of max cover (coverage rows y_i ≤ Σ x_j relaxed, subgradient steps;
/// the budget knapsack solved fractionally; groups and conflicts dropped — all keep it valid).
double lagrangian_max_cover_bound(const Reduced& r, double budget, double incumbent, const Deadline& deadline);

/// Exact max cover without groups or conflicts (colgen.cpp): column generation on the LP
/// relaxation from the incumbent, a Lagrangian bound L(π) at the LP duals, the proof
/// L < w* + g (g: the weights' common unit, or CBC's gap tolerances), otherwise reduced-cost
/// fixing and CBC on the surviving columns.
struct MaxCoverProof {
    bool optimal = false;                             ///< `chosen` is proven optimal (within relative_gap)
    bool improved = false;                            ///< `chosen` is better than the incumbent passed in
    bool lp_converged = false;                        ///< no column with a positive reduced cost was left
    std::vector<std::int32_t> chosen;                 ///< best selection known (reduced indices, sorted)
    double bound = 0;                                 ///< valid upper bound on the optimum
    std::int32_t rounds = 0, columns = 0, kept = -1;  ///< master rounds, master columns, columns left by fixing
};
/// `use_mip` false: no CBC step (the bound and the master's integral solutions only).
MaxCoverProof prove_max_cover(const Reduced& r, double budget, std::vector<std::int32_t> incumbent, double relative_gap,
                              int seed, const Deadline& deadline, bool use_mip = true);

/// Full cover without groups or conflicts (lagrange.cpp): subgradient on the covering rows, a
/// Lagrangian-cost greedy + redundancy removal each iteration (Beasley / Caprara–Fischetti–Toth).
struct SetCoverLagrange {
    std::vector<std::int32_t> best;    ///< best cover found (sorted), or `start` when none better
    double upper = 0;                  ///< its cost (infinity when no cover is known)
    double lower = 0;                  ///< best L(u): a valid lower bound on every cover's cost
    std::vector<double> u;             ///< the multipliers of `lower`
    std::vector<double> reduced_cost;  ///< C_j = c_j − Σ_{i∈N_j} u_i at `u`
    std::int32_t iterations = 0;
    bool optimal = false;  ///< lower proves upper (costs in units of the cost unit)
};
SetCoverLagrange lagrangian_set_cover(const Reduced& r, std::vector<std::int32_t> start, std::int32_t iterations,
                                      const Deadline& deadline);

/// The widest LNS neighbourhood, in overlap hops from the freed column.
constexpr int k_lns_max_hops = 4;

/// Full cover, large-neighbourhood search: for each chosen column a (index order), free a and the
/// chosen columns within two overlap hops, and let CBC (node-limited) re-cover the rows only they
/// cover with any columns, cheaper; repeat passes while something improves. When a pass improves
/// nothing the neighbourhoods widen by a hop (up to `max_hops`), and narrow to two hops again
/// after an improvement. Returns the cover.
std::vector<std::int32_t> lns_set_cover(const Reduced& r, std::vector<std::int32_t> cover, double unit, int seed,
                                        const Deadline& deadline, int max_hops = k_lns_max_hops);

/// Full cover with equal costs, no groups or conflicts: row-weighting local search (RWLS,
/// weighting.cpp) from `cover` (a cover) for `steps` swaps. Returns the smallest cover seen.
std::vector<std::int32_t> weighting_set_cover(const Reduced& r, std::vector<std::int32_t> cover, int seed,
                                              std::int64_t steps, const Deadline& deadline);
/// Steps of the weighting search per nonzero of the covering rows: a step count, not a time
/// limit, so that the answer does not depend on the machine (the deadline only stops it early).
/// On the 5,000 × 1,000 benchmark (~60,000 nonzeros) 1.2 M steps take ~1 s and found 125–127
/// sites where CBC on the plain model found 127 in 30 s; a tenth of the steps left one or two
/// sites more, ten times as many found no fewer (docs/benchmarks.md).
inline constexpr std::int64_t k_weighting_steps_per_nonzero = 20;
inline std::int64_t weighting_steps(const Reduced& r) {
    return k_weighting_steps_per_nonzero * static_cast<std::int64_t>(r.covered_by.items.size());
}

/// Newly covered weight / measure of a selection of reduced candidates.
double covered_weight(const Reduced& r, const std::vector<std::int32_t>& chosen);
double covered_measure(const Reduced& r, const std::vector<std::int32_t>& chosen);
bool must_covered(const Reduced& r, const std::vector<std::int32_t>& chosen);
bool compatible(const Reduced& r, const std::vector<std::int32_t>& chosen);
/// Total cost (objective units) of a selection.
double sum_cost(const Reduced& r, const std::vector<std::int32_t>& chosen);
/// Whether any candidate excludes another (conflicts or groups): packing rows in the models.
bool has_packing(const Reduced& r);

// ---- The second key of a fewest-sites set cover (lexicographic.cpp) ----

/// Whether the LP relaxation of `m` (minimised, Clp) proves that no solution is below `incumbent`:
/// its optimum, rounded up when the objective is `integral`, is ≥ `incumbent` (within 1e-9
/// relative). Then an exact stage on `m` needs no CBC at all.
bool proven_by_lp_bound(const Milp& m, double incumbent, bool integral, double seconds);
/// Whether the second key can tell selections apart: fewest sites, and candidates' costs differ.
bool prices_differ(const Reduced& r);
/// Total cost (Reduced::price) of a selection; 0 when there is no second key.
double sum_price(const Reduced& r, const std::vector<std::int32_t>& chosen);

struct CheapestStage {
    std::vector<std::int32_t> chosen;  ///< reduced indices
    bool optimal = false;              ///< proven the least cost among the fewest-sites selections
};
/// Stage two of set cover by fewest sites: `m` holds the set-cover rows with Σ x_j ≤ the proven
/// fewest sites (x columns first); the least total cost over them, from `incumbent` (one such
/// selection). Adds to `m` the row Σ price_j x_j ≤ that least cost, so that the weight stage
/// solved on `m` next keeps it: sites, then cost, then weight, each optimum fixed before the next.
CheapestStage cheapest_among_fewest(const Reduced& r, Milp& m, std::vector<std::int32_t> incumbent, double seconds,
                                    int seed, double limit);

/// Which exact method a full cover (every demand must be covered, no packing rows) tries first
/// (dispatch.cpp): CBC straight away on a small reduced model, where it proves the optimum in a
/// few hundred nodes; the Lagrangian heuristic, local search and LNS first on a large one, where
/// CBC alone stalls.
enum class FullCoverPath { cbc_first, lagrangian_first };
FullCoverPath full_cover_path(const Reduced& r);
/// CBC's node limit on the CBC-first path: past it, the Lagrangian path takes over (a node limit,
/// not a time limit, so that the answer does not depend on the machine's speed).
constexpr int k_cbc_first_nodes = 20000;

}  // namespace scicov::cover::detail
