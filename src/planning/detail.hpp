// The planning stage's parts (internal header): candidate sites, one county's cover problems,
// phasing by year.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/rtree.hpp"
#include "crs/geodesic.hpp"
#include "scicov/planning.hpp"

namespace scicov::planning::detail {

/// A place a new site may go, with the village it stands in.
struct Candidate {
    crs::LonLat location;
    std::int32_t village = -1;
    std::string candidate_id;
    std::string kind;
    double cost = 1.0;
    bool village_point = false;
};

/// Candidates from the candidates layer, or the villages' points when there is none; those
/// outside every village or inside an exclusion are dropped (with a warning in `diag`).
std::vector<Candidate> candidate_sites(const analysis::Analysis& a, unsigned threads, Diagnostics& diag);

/// New sites chosen so far per type, for --min-spacing across county borders.
class Spacing {
public:
    Spacing(std::size_t types, double spacing_m) : m_trees(types), m_spacing_m(spacing_m) {}
    bool too_close(std::size_t type, const crs::LonLat& p) const;
    void add(std::size_t type, const crs::LonLat& p) { m_trees[type].insert(Entry(core::Point2(p.lon, p.lat), 0)); }

private:
    using Entry = std::pair<core::Point2, int>;
    std::vector<core::RTree<Entry>> m_trees;
    double m_spacing_m;
    crs::Geodesic m_geod;
};

/// One county × type answer, kept compact: what phasing and the outputs need, not the model.
struct Instance {
    std::string county;
    std::size_t type = 0;
    double target = 0;
    double base_measure = 0;
    std::vector<cover::Step> order;                      ///< the plan's sites in order of marginal gain (local indices)
    std::vector<std::size_t> site;                       ///< per step: index into the candidate sites
    std::vector<double> cost;                            ///< per step
    std::vector<double> gain_villages, gain_population;  ///< per step: new villages/people of the county
    std::vector<double> gain_rural;                      ///< per step: new rural (村) weighted people of the county
    coverage::Incidence reach;                           ///< per step: every village the site covers (any county)
    std::vector<int> year;                               ///< per step
    std::size_t summary_row = 0;  ///< the row of the plan (largest budget of a sweep) in Result::summary
};

/// What one county gives: its summary rows and its instances (rows' indices are local here).
struct CountyPlan {
    std::vector<SummaryRow> rows;
    std::vector<Instance> instances;
};

/// Everything the counties share, read-only while they are planned.
struct Shared {
    const analysis::Analysis& a;
    const rules::Rules& rules;
    const Options& options;
    const std::vector<Candidate>& sites;
    const std::vector<coverage::Geocentric>& sites_geocentric;
    const std::map<std::string, std::vector<std::size_t>>& sites_of_county;
};

/// The set cover (or max cover) problems of one county, one per type whose target it misses.
CountyPlan plan_county(const Shared& sh, const gaps::UnitSummary& county, const Spacing* spacing);

/// Urban and rural coverage per county and type before the plan, at the end of each year and
/// after it (equalise.cpp), from the analysis's verdicts and the phased sites' reach.
std::vector<UrbanRuralRow> urban_rural(const analysis::Analysis& a, const rules::Rules& rules,
                                       const std::vector<Instance>& instances);

/// Years: per type, the per-year budget shared by the counties of a city (or per county); sets
/// each instance's years, its summary row's year_met and result.per_year_needed.
void phase(std::vector<Instance>& instances, const rules::Rules& rules, const Options& options, Result& result);

/// Whether a target asks for every village (or person): 全覆盖, or a share: 达标.
enum class Coverage { full, partial };

/// The plan's terms in one sentence (HorizonRow::sentence_zh) from the county's row, the row of
/// its plan in Result::summary (why a target is not met) and the scope of the yearly budget.
std::string sentence_zh(const HorizonRow& h, const SummaryRow& plan, YearScope scope, Coverage target);

}  // namespace scicov::planning::detail
