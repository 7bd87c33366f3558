// Planning on top of an analysis: for every county and facility type whose target is not met
// (or that has a budget), build the cover problem from the candidate sites, solve it, phase the
// chosen sites by year, and measure coverage after the plan. The solver core is scicov::cover.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scicov/analysis.hpp"
#include "scicov/cover.hpp"

namespace scicov::planning {

enum class YearScope { city, county };
const char* to_string(YearScope scope);

/// How a plan is made. Start from defaults(rules): the rules' [planning] table holds the defaults
/// (per_year, start_year, time limit, spacing); the zeros here are no plan's values.
struct Options {
    cover::SolveOptions solve;
    /// Max cover instead of set cover for a type: the budgets to solve (one, or 1..N for a sweep).
    std::map<std::string, std::vector<int>> budgets;
    int per_year = 0;  ///< new sites a year (per type), shared city-wide or per county
    /// New sites a year of one type (--per-year TYPE=N), over the type's per_year in the rules
    /// and over per_year.
    std::map<std::string, int> per_year_of_type;
    int horizon_year = 0;  ///< the plans' end year (rules: planning.horizon_year); by_year overrides it
    int start_year = 0;
    YearScope scope = YearScope::city;
    double min_spacing_m = 0;  ///< between new sites of one type
    int by_year = 0;           ///< report the sites a year that would meet every target by this year (0: no)
    /// The order the sites are built in (rules: planning.equalise; --equalise): rural_first puts
    /// the sites newly covering rural villages' weighted people first (rules::Equalise).
    rules::Equalise equalise = rules::Equalise::none;
    unsigned threads = 0;  ///< counties planned in parallel (0: one per core)
};

/// Options from the rules' [planning] table (per_year, start_year, time limit, spacing). Values
/// given for one run that the rules hold go through rules::apply first.
Options defaults(const rules::Rules& rules);

/// Sets one of the run's own options (not a rules key) from text, checked by rules::parse_value
/// against range_of(key): "relative_gap", "by_year", "threads", "budget" (TYPE=N or TYPE=1..N, a
/// type of `rules`), "per_year" (TYPE=N: one type's yearly budget), "year_scope" (city, county),
/// "solver" (exact, heuristic, automatic), "equalise" (none, rural_first).
/// A bad value throws Error(ErrorKind::rules) naming the key.
void set(Options& options, const rules::Rules& rules, std::string_view key, std::string_view text);

/// New sites a year of a type: --per-year TYPE=N, else the type's per_year in the rules, else
/// options.per_year.
int per_year_of(const Options& options, const rules::FacilityType& type);

/// The year plans are measured against: options.by_year when given, else options.horizon_year.
int horizon_of(const Options& options);

/// The budgets of one type as text: "science_base=3", or "science_base=1..5" for a sweep.
std::string budget_text(const std::string& type, const std::vector<int>& budgets);

struct ProposedSite {
    std::string id;  ///< "<type>-<county>-<rank>"
    std::string type;
    std::string county_code, township_code, village_code;
    std::string candidate_id;
    std::string host_kind;
    crs::LonLat location;
    int rank = 0;  ///< order of marginal gain within its county and type (1 = first)
    int year = 0;
    bool beyond_horizon = false;  ///< year after horizon_of(options): 远期
    int budget = 0;               ///< the budget of a sweep this site belongs to (0: the plan itself)
    double gain_villages = 0;
    double gain_population = 0;
    double cost = 0;
};

struct SummaryRow {
    std::string county_code, type;
    std::string model;   ///< set_cover | max_cover
    std::string status;  ///< optimal | feasible | infeasible | time_limit_no_solution | met
    std::string method;  ///< exact | heuristic | trivial
    double objective = 0, bound = 0, gap = 0, seconds = 0;
    int sites = 0;
    int budget = 0;
    double cost = 0;
    double share_before = 0, share_after = 0, target = 0;
    double reachable_share = 0;            ///< the best share any candidate set reaches
    int year_met = 0;                      ///< first year the county meets the target (0: never, or met before)
    std::vector<std::string> uncoverable;  ///< villages no candidate can cover (codes)
    int candidates = 0;
};

/// When a county meets a type's target at the yearly budget, and the budget that would meet it
/// by the horizon (the plans' terms). One per county and type with a plan.
struct HorizonRow {
    std::string county_code, county_name, type, type_name_zh;
    int sites_needed = 0;          ///< the plan's sites of the county and type
    int per_year = 0;              ///< the yearly budget used (city-wide or per county, as the scope)
    int year_met = 0;              ///< first year the target is met (0: never with the plan's sites, or met before)
    bool met_before = false;       ///< met before the plan's first year (a budget's sites where none is needed)
    int horizon_year = 0;          ///< horizon_of(options)
    int per_year_for_horizon = 0;  ///< least yearly budget (same scope) meeting it by the horizon (0: none needed,
                                   ///< or none does)
    /// The plan's terms in one sentence: "按全市每年 6 个，2029 年达标" (met by the horizon);
    /// "按全市每年 6 个，2075 年全覆盖；2035 年达标需每年 30 个" (met after it); "规划前已达标，无需新建";
    /// or why the plan's sites do not meet it ("无法达标：现有候选点位最多覆盖 …").
    std::string sentence_zh;
};

/// Urban communities (社区) and rural villages (村) of a county, covered for a type at one stage of
/// the plan: before it, at the end of each year with new sites reaching the county, after it
/// (003, 均等化). Villages are urban or rural by name (model::settlement_of).
struct UrbanRuralRow {
    std::string county_code, type;
    std::string stage;  ///< "before", "year" or "after"
    int year = 0;       ///< stage "year": coverage at the end of this year; 0 otherwise
    int rural_villages = 0, urban_villages = 0;
    int rural_villages_covered = 0, urban_villages_covered = 0;
    double rural_people = 0, urban_people = 0;
    double rural_people_covered = 0, urban_people_covered = 0;
    /// Shares in the type's target measure (people, else villages); no villages of a kind: none.
    std::optional<double> rural_share, urban_share;
    std::optional<double> gap_pp;  ///< (urban − rural share) × 100, percentage points; both needed
};

struct Result {
    std::vector<ProposedSite> sites;                       ///< by type, county, budget, rank
    std::vector<SummaryRow> summary;                       ///< by county, type, budget
    std::vector<std::vector<std::uint8_t>> covered_after;  ///< [type][village]
    std::vector<gaps::UnitSummary> counties_after;
    /// (city code, type) → sites a year that would meet every county's target by options.by_year.
    std::map<std::pair<std::string, std::string>, int> per_year_needed;
    std::vector<HorizonRow> horizon;  ///< by county, type (rules order)
    /// By county, type (rules order), stage and year; with equalisation only (options.equalise),
    /// so that a plan without it writes what it wrote before.
    std::vector<UrbanRuralRow> urban_rural;
};

Result run(const analysis::Analysis& analysis, const rules::Rules& rules, const Options& options,
           const Reporter& reporter);

}  // namespace scicov::planning
