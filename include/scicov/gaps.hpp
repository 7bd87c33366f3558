// What is not covered, as geometry: per village its area and the share of it inside each type's
// service areas, gap polygons (village area outside every service area, with the
// people in it), dissolved service areas, and township/county summaries against the targets.
// Geometry work happens per county in the CGCS2000 Gauss-Krueger zone of its centre. Whether a
// village is covered is coverage's verdict (coverage::TypeCoverage::covered), which gaps take.
#pragma once

#include <string>
#include <vector>

#include "scicov/core.hpp"
#include "scicov/coverage.hpp"
#include "scicov/model.hpp"
#include "scicov/rules.hpp"

namespace scicov::gaps {

struct GapFeature {
    std::string type;
    std::string county_code;
    std::string township_code;
    model::Wkb geometry;  ///< EPSG:4490
    double area_m2 = 0;
    double population = 0;  ///< people in the gap, spread by area within each village
};

struct ServiceArea {
    std::string type;
    std::string county_code;
    model::Wkb geometry;  ///< EPSG:4490, clipped to the county
};

struct Result {
    std::vector<double> village_area_m2;                ///< per village
    std::vector<std::vector<double>> covered_fraction;  ///< [type][village]: area share in service areas
    std::vector<GapFeature> gaps;                       ///< by type, county, township
    std::vector<ServiceArea> service_areas;             ///< by type, county
    std::vector<model::AdminUnit> dissolved_townships;  ///< from villages, for townships without a layer
    std::vector<model::AdminUnit> dissolved_counties;
};

struct Options {
    unsigned threads = 0;      ///< 0: one per core
    int circle_segments = 32;  ///< per quarter circle of a service disc (analysis hands it to coverage's rules)
};

/// Gap geometry of every type of `coverage` (in its order), against coverage's verdicts and with
/// the service discs of its rules.
Result compute(const model::Inputs& inputs, const coverage::Coverage& coverage, const Options& options,
               const Reporter& reporter);

/// Coverage of one type in one unit.
struct TypeSummary {
    int villages_cov = 0;
    double pop_cov = 0;
    double share = 0;   ///< by the target's measure
    double target = 0;  ///< threshold
    bool met = false;
    double gap = 0;  ///< in the measure's unit: villages, people, or units short of the target
    // Equalisation (003): urban communities (社区) and rural villages (村) side by side.
    int urban_villages_cov = 0, rural_villages_cov = 0;
    double urban_pop_cov = 0, rural_pop_cov = 0;
};

struct UnitSummary {
    std::string code;
    std::string name;
    std::string county_code;  ///< the unit itself for a county
    int villages = 0;
    double population = 0;
    int urban_villages = 0, rural_villages = 0;
    double urban_pop = 0, rural_pop = 0;
    std::vector<TypeSummary> types;  ///< in rules order
};

/// Summaries of every township or county that has villages, in code order. Names come from
/// `units` where a unit of that code is there.
std::vector<UnitSummary> summarise(const model::Inputs& inputs, const std::vector<std::vector<std::uint8_t>>& covered,
                                   const rules::Rules& rules, rules::AdminLevel level,
                                   const std::vector<model::AdminUnit>& units);

/// Share, met and gap of a type in a unit from its counts (shared by analysis and planning).
void evaluate(TypeSummary& s, const rules::Target& target, int villages, double population);

}  // namespace scicov::gaps
