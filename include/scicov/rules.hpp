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

enum class CoverageKind { contains, radius, admin, travel_time };
enum class AdminLevel { county, township };
enum class Measure { villages, population, units };
/// How people travel on the roads for a travel-time rule.
enum class TravelMode { drive, walk };
/// Equalisation (003, 推动科普公共服务均等化): the order in which a plan's sites are built.
/// none: by marginal gain; rural_first: the sites newly covering rural villages' (村) priority-weighted
/// people first, before urban communities (社区), in each county and across the counties sharing a
/// yearly budget. The sites chosen are the same; their ranks and years change.
enum class Equalise { none, rural_first };

struct CoverageRule {
    CoverageKind kind = CoverageKind::contains;
    double radius_m = 0;                      ///< radius rules only
    std::optional<double> min_area_fraction;  ///< radius rules only: covered by area share instead
    /// A site also covers the village it stands in, whatever the distance (village-level
    /// facilities: e-stations, science rooms). Set by the rules for radius rules; always true for
    /// contains and admin rules, whose sites cover their own village by their nature.
    bool covers_own_village = false;
    AdminLevel admin_level = AdminLevel::county;  ///< admin rules only
    double minutes = 0;                           ///< travel-time rules only: the limit, > 0
    TravelMode mode = TravelMode::drive;          ///< travel-time rules only

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
    /// New sites of this type a year (shared city-wide, or per county); 0: [planning] per_year.
    int per_year = 0;
    /// More names the type goes by in the data (the rules file's `aliases`), besides its key,
    /// name_zh and the built-in common forms (type_names()).
    std::vector<std::string> aliases;

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
    /// Lon/lat columns of a table of points (CSV, XLSX, ODS); empty: found by their usual names.
    std::string facility_lon, facility_lat, candidate_lon, candidate_lat;
    std::string road_class, road_maxspeed, road_oneway;  ///< roads: class, km/h (optional), F/T/B (optional)

    bool operator==(const FieldMap&) const = default;
};

/// Demand weights ([priority]).
struct PriorityRules {
    double base = 0;
    double ethnic_township = 0;  ///< villages of ethnic areas at any level (docs/divisions.md)
    double remote = 0;           ///< village far from its county's centre
    double remote_quantile = 0;  ///< "far" = beyond this quantile of distances in its county

    bool operator==(const PriorityRules&) const = default;
};

/// Road speeds of travel-time rules ([speeds]): km/h by road class per mode (0: the mode may
/// not use the class), and the speed off the roads (from a point to the nearest road).
struct Speeds {
    std::map<std::string, double> drive, walk;
    double off_road_kmh = 0;

    const std::map<std::string, double>& of(TravelMode mode) const { return mode == TravelMode::drive ? drive : walk; }
    bool operator==(const Speeds&) const = default;
};

/// The [planning] table.
struct PlanningDefaults {
    int per_year = 0;  ///< new sites a year, city-wide (002)
    int start_year = 0;
    int horizon_year = 0;  ///< the plans' end year: plans report the year met and the budget to meet by it
    double time_limit_s = 0;
    double min_spacing_m = 0;  ///< between new sites of one type
    Equalise equalise = Equalise::none;

    bool operator==(const PlanningDefaults&) const = default;
};

struct Rules {
    std::vector<FacilityType> types;  ///< in file order; the four defaults first
    FieldMap fields;
    PriorityRules priority;
    PlanningDefaults planning;
    Speeds speeds;

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

/// The default rules with travel-time rules for science bases (30 minutes' drive) and e-stations
/// (15 minutes' walk) over a `roads` layer (what `scicov rules --travel-time` prints).
std::string travel_time_rules_toml();

/// The rules as TOML (without comments), for the `run` table.
std::string to_toml(const Rules& rules);

const char* to_string(CoverageKind k);
const char* to_string(Measure m);
const char* to_string(AdminLevel l);
const char* to_string(TravelMode m);
const char* to_string(Equalise e);

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

// ---------------------------------------------------------------------------------------------
// Names in the data: facility types as planners write them, and field names given for one run.

/// Text as names are compared: trimmed (ASCII and ideographic spaces), full-width ASCII folded
/// to half-width (ＥＳ→ES, （）→()), Latin letters lower-cased.
std::string fold_name(std::string_view text);

/// Every name `type` goes by: its key, name_zh, aliases, then the built-in common forms of a
/// default type (科技馆/实体科技馆, 科普教育基地/科普基地, 科普e站/e站, 科普室/村(社区)科普室 …).
std::vector<std::string> type_names(const FacilityType& type);

/// The facility types of a Rules by every name they go by, folded. A name given in the rules
/// (key, name_zh, aliases) that two types share throws Error(ErrorKind::rules); a built-in form
/// another type claims in the rules is left to that type.
class TypeNames {
public:
    TypeNames() = default;
    explicit TypeNames(const std::vector<FacilityType>& types);
    /// The key of the type `value` names, or nullopt.
    std::optional<std::string> key_of(std::string_view value) const;
    /// "; did you mean 'X'?" for a near name, else "; the rules know: …".
    std::string suggestion(std::string_view value) const;
    bool empty() const noexcept { return m_names.empty(); }

private:
    std::vector<std::pair<std::string, std::string>> m_names;  ///< folded name → key, sorted
    std::vector<std::string> m_keys;
};

/// The nearest of `known` to `word` when near enough to be a likely typo; else empty.
std::string nearest_name(std::string_view word, const std::vector<std::string>& known);

/// Sets one field name as the rules file's [fields.<role>] key would: `key` is "ROLE.FIELD"
/// ("villages.population"). An unknown role or field or an empty column throws
/// Error(ErrorKind::rules) naming the key (with "did you mean").
void set_field(FieldMap& fields, std::string_view key, const std::string& column);

}  // namespace scicov::rules
