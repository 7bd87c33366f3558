// Reading inputs from any OGR source into the model, and the roles layers play.
#pragma once

#include <map>
#include <string>
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
};

/// Reads every role it finds. Problems in the data go to `diagnostics` (all of them, each naming
/// file, layer, feature and field); only failures to open anything throw. Villages get their
/// representative point here (GEOS point-on-surface); invalid polygons are repaired with a
/// warning.
model::Inputs read_inputs(const ReadOptions& options, Diagnostics& diagnostics, const Reporter& reporter);

/// Checks across layers that no single feature shows, one issue per problem class with a count
/// and the first examples: identical village polygons (an error), overlapping villages, villages
/// outside or straddling their county's polygon (when counties are given), and counties or
/// townships without villages (warnings). Uses the R-tree and GEOS; fast enough for every run.
void check_consistency(const model::Inputs& inputs, Diagnostics& diagnostics);

/// Sets each village's priority weight: `base`, or `ethnic_township` when its township's name
/// contains 族乡, or `remote` when it lies beyond the rules' quantile of distances from its
/// county's centre (the larger weight applies).
void assign_priority(model::Inputs& inputs, const rules::PriorityRules& priority);

}  // namespace scicov::io
