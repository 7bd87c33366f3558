// The rules file (TOML): facility types with their coverage rule and target, field names of
// the inputs, priority weights and planning defaults. Defaults follow shared/POLICY.md.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace scicov::rules {

enum class CoverageKind { contains, radius, admin };
enum class AdminLevel { county, township };
enum class Measure { villages, population, units };

struct CoverageRule {
    CoverageKind kind = CoverageKind::contains;
    double radius_m = 0;                       ///< radius rules only
    std::optional<double> min_area_fraction;   ///< radius rules only: covered by area share instead
    AdminLevel admin_level = AdminLevel::county;  ///< admin rules only

    bool operator==(const CoverageRule&) const = default;
};

struct Target {
    AdminLevel unit = AdminLevel::county;
    Measure measure = Measure::villages;
    double threshold = 1.0;  ///< share in [0, 1]; 1.0 = full coverage

    bool operator==(const Target&) const = default;
};

struct FacilityType {
    std::string key;      ///< science_museum, science_base, e_station, science_room, or a user's own
    std::string name_zh;  ///< 科技馆 …
    CoverageRule rule;
    Target target;
    double default_cost = 1.0;  ///< cost of a new site where the candidate gives none
    /// Objective of set cover: fewest sites, or least total cost.
    bool minimise_cost = false;

    bool operator==(const FacilityType&) const = default;
};

/// Input field names per role (the rules file's [fields.<role>] tables map them).
struct FieldMap {
    std::string village_code = "code";
    std::string village_name = "name";
    std::string village_population = "population";
    std::string village_township_code = "township_code";  ///< optional in the data: derived from code
    std::string village_county_code = "county_code";      ///< optional in the data: derived from code
    std::string facility_id = "id";
    std::string facility_type = "type";
    std::string facility_name = "name";
    std::string facility_grade = "grade";
    std::string facility_status = "status";
    std::string candidate_id = "id";
    std::string candidate_kind = "kind";
    std::string candidate_cost = "cost";
    std::string candidate_village_code = "village_code";
    std::string unit_code = "code";
    std::string unit_name = "name";

    bool operator==(const FieldMap&) const = default;
};

struct PriorityRules {
    double base = 1.0;
    double ethnic_township = 1.5;  ///< township name contains 族乡
    double remote = 1.5;           ///< village far from its county's centre
    double remote_quantile = 0.8;  ///< "far" = beyond this quantile of distances in its county

    bool operator==(const PriorityRules&) const = default;
};

struct PlanningDefaults {
    int per_year = 6;          ///< new sites a year, city-wide (002)
    int start_year = 2026;
    double time_limit_s = 60;
    double min_spacing_m = 0;  ///< between new sites of one type

    bool operator==(const PlanningDefaults&) const = default;
};

struct Rules {
    std::vector<FacilityType> types;  ///< in file order; the four defaults first
    FieldMap fields;
    PriorityRules priority;
    PlanningDefaults planning;

    /// The type with this key, or nullptr.
    const FacilityType* find(const std::string& key) const;

    bool operator==(const Rules&) const = default;
};

/// The defaults of shared/POLICY.md.
Rules default_rules();

/// Reads and validates a rules file; unknown keys and impossible values throw
/// scicov::Error(ErrorKind::rules) naming the file, the key path and the line.
/// The schema is in docs/rules.md: [types.<key>] (+ [types.<key>.target]), [fields.villages|
/// facilities|candidates|units], [priority], [planning]. Types in the file override the default
/// type of the same key key by key, or define a new type (which then needs `coverage`).
Rules load_rules(const std::string& path);

/// As load_rules, from TOML text; `source_name` names it in messages (e.g. the file it came from).
Rules parse_rules(std::string_view toml_text, const std::string& source_name);

/// The default rules as a commented TOML document (what `scicov rules` prints); loading it
/// gives default_rules() back.
std::string default_rules_toml();

/// The rules as TOML (without comments), for the `run` table.
std::string to_toml(const Rules& rules);

const char* to_string(CoverageKind k);
const char* to_string(Measure m);
const char* to_string(AdminLevel l);

/// A type key must be lower-case ASCII letters, digits and '_', starting with a letter, at most
/// k_max_type_key_length characters: it names output fields (cov_<type>, share_<type>, ...).
inline constexpr std::size_t k_max_type_key_length = 32;
bool valid_type_key(std::string_view key);

}  // namespace scicov::rules
