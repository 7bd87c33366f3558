// The rules file (TOML): facility types with their coverage rule and target, field names of
// the inputs, priority weights and planning defaults. Defaults follow shared/POLICY.md.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace scicov::rules {

enum class CoverageKind { contains, radius, admin };
enum class AdminLevel { county, township };
enum class Measure { villages, population, units };

struct CoverageRule {
    CoverageKind kind = CoverageKind::contains;
    double radius_m = 0;                          ///< radius rules only
    std::optional<double> min_area_fraction;      ///< radius rules only: covered by area share instead
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

// FieldMap, PriorityRules and PlanningDefaults hold no defaults of their own: default_rules()
// fills them from the embedded default rules text, the one place the defaults are written.

/// Input field names per role (the rules file's [fields.<role>] tables map them).
struct FieldMap {
    std::string village_code, village_name, village_population;
    std::string village_township_code;  ///< optional in the data: derived from code
    std::string village_county_code;    ///< optional in the data: derived from code
    std::string facility_id, facility_type, facility_name, facility_grade, facility_status;
    std::string candidate_id, candidate_kind, candidate_cost, candidate_village_code;
    std::string unit_code, unit_name;

    bool operator==(const FieldMap&) const = default;
};

/// Demand weights ([priority]).
struct PriorityRules {
    double base = 0;
    double ethnic_township = 0;  ///< township name contains 族乡
    double remote = 0;           ///< village far from its county's centre
    double remote_quantile = 0;  ///< "far" = beyond this quantile of distances in its county

    bool operator==(const PriorityRules&) const = default;
};

/// The [planning] table.
struct PlanningDefaults {
    int per_year = 0;  ///< new sites a year, city-wide (002)
    int start_year = 0;
    double time_limit_s = 0;
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

/// The defaults of shared/POLICY.md: the embedded default rules text, parsed.
Rules default_rules();

/// Reads and validates a rules file; unknown keys and impossible values throw
/// scicov::Error(ErrorKind::rules) naming the file, the key path and the line.
/// The schema is in docs/rules.md: [types.<key>] (+ [types.<key>.target]), [fields.villages|
/// facilities|candidates|units], [priority], [planning]. Types in the file override the default
/// type of the same key key by key, or define a new type (which then needs `coverage`).
/// Only a regular file of at most k_max_rules_file_bytes is read (a folder, a FIFO or /dev/zero is
/// refused before reading).
Rules load_rules(const std::string& path);

/// The largest rules file load_rules reads: 16 MiB (the default rules are about 5 KiB).
inline constexpr std::size_t k_max_rules_file_bytes = std::size_t{16} << 20;

/// As load_rules, from TOML text; `source_name` names it in messages (e.g. the file it came from).
Rules parse_rules(std::string_view toml_text, const std::string& source_name);

/// The default rules as a commented TOML document (what `scicov rules` prints); default_rules()
/// is this text parsed.
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

// ---------------------------------------------------------------------------------------------
// Values and their ranges: the rules file and values given for one run (the command line) pass
// the same checks, so `per_year = 0` in a file and `--per-year 0` fail alike, naming the range.

/// The values a number may take.
struct Range {
    enum class Kind { integer, number };
    Kind kind = Kind::number;
    std::optional<double> min, max;  ///< inclusive bounds; none: unbounded
    bool min_open = false;           ///< min itself excluded: (min, …
    std::string_view hint;           ///< what the number is, for messages: " (metres)"

    /// A finite number (an integer for Kind::integer) within the bounds.
    bool contains(double value) const;
    /// The bounds for messages: "in [1, 100000]", "> 0", ">= 0", "in (0, 1]".
    std::string bounds() const;
};

/// The range of a value by key: a number of the rules file ("planning.per_year", "priority.base")
/// or a run option that is not in the rules ("relative_gap", "by_year", "threads", "budget").
/// Throws Error(ErrorKind::internal) for another key.
const Range& range_of(std::string_view key);

/// Parses `text` (a value given as text, e.g. on the command line) as the number `key` holds and
/// checks it against range_of(key): the whole text, no overflow, finite, within the bounds.
/// Throws Error(ErrorKind::rules) "planning.per_year must be an integer in [1, 100000] (…), got 0".
double parse_value(std::string_view key, std::string_view text);

/// A 6-digit county code (--county); throws Error(ErrorKind::rules) "<key> must be …, got 'abc'".
std::string parse_county_code(std::string_view key, std::string_view text);

/// Rules keys given new values for one run, as text: {"planning.per_year", "8"}. Each value is
/// parsed and checked as parse_value does, so it fails as the key would in a rules file.
using Overrides = std::vector<std::pair<std::string, std::string>>;

/// `rules` with the overrides applied, in order. Takes the number keys of [planning] and
/// [priority]; another key or a bad value throws Error(ErrorKind::rules) naming the key.
Rules apply(Rules rules, const Overrides& overrides);

}  // namespace scicov::rules
