// The rules file: strict loading with toml++, the defaults (the embedded default rules text of
// defaults.cpp, parsed), and TOML output. The schema is documented in docs/rules.md.
#include "scicov/rules.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <map>
#include <span>
#include <sstream>
#include <system_error>
#include <utility>

#include <toml++/toml.h>

#include "core/files.hpp"
#include "rules/settings.hpp"
#include "scicov/core.hpp"

namespace scicov::rules {

// ---------------------------------------------------------------------------------------------
// Names

const char* to_string(CoverageKind k) {
    switch (k) {
        case CoverageKind::contains:
            return "contains";
        case CoverageKind::radius:
            return "radius";
        case CoverageKind::admin:
            return "admin";
        case CoverageKind::travel_time:
            return "travel_time";
    }
    return "unknown";
}

const char* to_string(TravelMode m) {
    return m == TravelMode::drive ? "drive" : "walk";
}

const char* to_string(Equalise e) {
    return e == Equalise::rural_first ? "rural_first" : "none";
}

const char* to_string(Measure m) {
    switch (m) {
        case Measure::villages:
            return "villages";
        case Measure::population:
            return "population";
        case Measure::units:
            return "units";
    }
    return "unknown";
}

const char* to_string(AdminLevel l) {
    switch (l) {
        case AdminLevel::county:
            return "county";
        case AdminLevel::township:
            return "township";
    }
    return "unknown";
}

bool valid_type_key(std::string_view key) {
    if (key.empty() || key.size() > k_max_type_key_length) return false;
    if (key.front() < 'a' || key.front() > 'z') return false;
    return std::all_of(key.begin(), key.end(),
                       [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

const FacilityType* Rules::find(const std::string& key) const {
    const auto it = std::find_if(types.begin(), types.end(), [&](const FacilityType& t) { return t.key == key; });
    return it == types.end() ? nullptr : &*it;
}

// ---------------------------------------------------------------------------------------------
// Loading

namespace {

using Known = std::span<const std::string_view>;

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

/// The known word nearest to `word`, when it is near enough to be a likely typo; else empty.
std::string_view nearest(std::string_view word, Known known) {
    std::string_view best;
    std::size_t best_distance = SIZE_MAX;
    for (const auto k : known) {
        const auto d = edit_distance(word, k);
        if (d < best_distance) {
            best = k;
            best_distance = d;
        }
    }
    const std::size_t allowed = std::max<std::size_t>(2, word.size() / 3);
    // A word that is the start of a known one ("radius" for "radius_m") counts as near too.
    const bool prefix = !best.empty() && word.size() >= 3 && best.substr(0, word.size()) == word;
    return best_distance <= allowed || prefix ? best : std::string_view{};
}

std::string quoted_list(Known known) {
    std::string out;
    std::size_t i = 0;
    for (const auto k : known) {
        if (i > 0) out += (i + 1 == known.size()) ? " or " : ", ";
        out += "'" + std::string(k) + "'";
        ++i;
    }
    return out;
}

std::string suggestion(std::string_view word, Known known) {
    const auto near = nearest(word, known);
    if (!near.empty()) return "; did you mean '" + std::string(near) + "'?";
    return "; known keys: " + quoted_list(known);
}

const char* type_name(const toml::node& n) {
    switch (n.type()) {
        case toml::node_type::string:
            return "string";
        case toml::node_type::integer:
            return "integer";
        case toml::node_type::floating_point:
            return "float";
        case toml::node_type::boolean:
            return "boolean";
        case toml::node_type::table:
            return "table";
        case toml::node_type::array:
            return "array";
        case toml::node_type::date:
            return "date";
        case toml::node_type::time:
            return "time";
        case toml::node_type::date_time:
            return "date-time";
        case toml::node_type::none:
            break;
    }
    return "nothing";
}

/// "string \"abc\"", "integer -5", "table" — what a value is, for messages.
std::string describe(const toml::node& n) {
    if (n.is_table() || n.is_array()) return type_name(n);
    std::ostringstream os;
    os << toml::node_view<const toml::node>(&n);
    return std::string(type_name(n)) + " " + os.str();
}

/// Shortest text that reads back as the same double, always with a '.' or exponent so that
/// TOML keeps it a float.
std::string format_double(double v) {
    std::array<char, 64> buf{};
    const auto result = std::to_chars(buf.data(), buf.data() + buf.size(), v);
    std::string s(buf.data(), result.ptr);
    if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
    return s;
}

std::string join(const std::string& path, std::string_view key) {
    return path.empty() ? std::string(key) : path + "." + std::string(key);
}

/// Reads values out of the parsed document, each check naming the file, the key path and the line.
class Reader {
public:
    explicit Reader(std::string file) : m_file(std::move(file)) {}

    [[noreturn]] void fail(const std::string& path, const toml::source_region& where, const std::string& what) const {
        std::string message;
        if (where.begin.line > 0) message = "line " + std::to_string(where.begin.line) + ": ";
        throw Error(ErrorKind::rules, message + what, Context{m_file, {}, {}, path});
    }

    /// Every key of `t` must be one of `known`.
    void check_keys(const toml::table& t, const std::string& path, Known known) const {
        for (auto&& [key, value] : t) {
            const std::string_view k = key.str();
            if (std::find(known.begin(), known.end(), k) != known.end()) continue;
            const std::string where = path.empty() ? "at the top level" : "in [" + path + "]";
            const auto& region = key.source().begin.line > 0 ? key.source() : value.source();
            fail(join(path, k), region, "unknown key '" + std::string(k) + "' " + where + suggestion(k, known));
        }
    }

    const toml::table& table(const toml::node& n, const std::string& path) const {
        if (const auto* t = n.as_table()) return *t;
        fail(path, n.source(), "must be a table, got " + describe(n));
    }

    double number(const toml::node& n, const std::string& path) const {
        double v = 0;
        if (const auto* i = n.as_integer()) {
            v = static_cast<double>(i->get());
        } else if (const auto* f = n.as_floating_point()) {
            v = f->get();
        } else {
            fail(path, n.source(), "must be a number, got " + describe(n));
        }
        if (!std::isfinite(v)) fail(path, n.source(), "must be a finite number, got " + describe(n));
        return v;
    }

    /// A number of the rules file within `range` (the same check as rules::parse_value).
    double value(const toml::node& n, const std::string& path, const Range& range) const {
        double v = 0;
        if (range.kind == Range::Kind::integer) {
            const auto* i = n.as_integer();
            if (i == nullptr) fail(path, n.source(), "must be an integer, got " + describe(n));
            v = static_cast<double>(i->get());
        } else {
            v = number(n, path);
        }
        if (!range.contains(v)) {
            fail(path, n.source(), "must be " + range.bounds() + std::string(range.hint) + ", got " + describe(n));
        }
        return v;
    }

    std::string string(const toml::node& n, const std::string& path) const {
        const auto* s = n.as_string();
        if (s == nullptr) fail(path, n.source(), "must be a string, got " + describe(n));
        if (s->get().empty()) fail(path, n.source(), "must not be empty");
        return s->get();
    }

    /// An array of non-empty strings.
    std::vector<std::string> strings(const toml::node& n, const std::string& path) const {
        const auto* a = n.as_array();
        if (a == nullptr) fail(path, n.source(), "must be an array of strings, got " + describe(n));
        std::vector<std::string> out;
        for (const auto& item : *a) out.push_back(string(item, path));
        return out;
    }

    bool boolean(const toml::node& n, const std::string& path) const {
        const auto* b = n.as_boolean();
        if (b == nullptr) fail(path, n.source(), "must be true or false, got " + describe(n));
        return b->get();
    }

    /// One of a fixed set of names.
    template <typename Enum, std::size_t N>
    Enum choice(const toml::node& n, const std::string& path,
                const std::array<std::pair<std::string_view, Enum>, N>& names, Known known) const {
        const auto* s = n.as_string();
        if (s == nullptr) fail(path, n.source(), "must be one of " + quoted_list(known) + ", got " + describe(n));
        for (const auto& [name, value] : names) {
            if (s->get() == name) return value;
        }
        const auto near = nearest(s->get(), known);
        fail(path, n.source(),
             "unknown value \"" + s->get() + "\"; must be one of " + quoted_list(known) +
                 (near.empty() ? std::string() : " (did you mean '" + std::string(near) + "'?)"));
    }

private:
    std::string m_file;
};

constexpr std::array<std::pair<std::string_view, CoverageKind>, 4> k_kinds{
    {{"contains", CoverageKind::contains},
     {"radius", CoverageKind::radius},
     {"admin", CoverageKind::admin},
     {"travel_time", CoverageKind::travel_time}}};
constexpr auto k_kind_names = std::to_array<std::string_view>({"contains", "radius", "admin", "travel_time"});
constexpr std::array<std::pair<std::string_view, TravelMode>, 2> k_modes{
    {{"drive", TravelMode::drive}, {"walk", TravelMode::walk}}};
constexpr auto k_mode_names = std::to_array<std::string_view>({"drive", "walk"});
constexpr std::array<std::pair<std::string_view, Equalise>, 2> k_equalise{
    {{"none", Equalise::none}, {"rural_first", Equalise::rural_first}}};
constexpr auto k_equalise_names = std::to_array<std::string_view>({"none", "rural_first"});
constexpr std::array<std::pair<std::string_view, AdminLevel>, 2> k_levels{
    {{"county", AdminLevel::county}, {"township", AdminLevel::township}}};
constexpr auto k_level_names = std::to_array<std::string_view>({"county", "township"});
constexpr std::array<std::pair<std::string_view, Measure>, 3> k_measures{
    {{"villages", Measure::villages}, {"population", Measure::population}, {"units", Measure::units}}};
constexpr auto k_measure_names = std::to_array<std::string_view>({"villages", "population", "units"});

constexpr auto k_top_keys = std::to_array<std::string_view>({"types", "fields", "priority", "planning", "speeds"});
constexpr auto k_type_keys = std::to_array<std::string_view>(
    {"name_zh", "coverage", "radius_m", "min_area_fraction", "covers_own_village", "admin_level", "default_cost",
     "minimise_cost", "per_year", "target", "aliases", "minutes", "mode"});
constexpr auto k_target_keys = std::to_array<std::string_view>({"unit", "measure", "threshold"});
constexpr auto k_field_roles =
    std::to_array<std::string_view>({"villages", "facilities", "candidates", "units", "roads"});
constexpr auto k_priority_keys =
    std::to_array<std::string_view>({"base", "ethnic_township", "remote", "remote_quantile"});
constexpr auto k_planning_keys = std::to_array<std::string_view>(
    {"per_year", "start_year", "horizon_year", "time_limit_s", "min_spacing_m", "equalise"});

// The numbers of a type (their keys depend on the type's key, so they are not in range_of()).
constexpr Range k_radius{.min = 0, .max = std::nullopt, .min_open = true, .hint = " (metres)"};
constexpr Range k_area_share{.min = 0, .max = 1, .min_open = true, .hint = " (a share of the village's area)"};
constexpr Range k_cost{.min = 0, .max = std::nullopt, .min_open = true, .hint = " (a cost)"};
constexpr Range k_threshold{.min = 0, .max = 1, .hint = " (a share; 1.0 = full)"};
constexpr Range k_minutes{.min = 0, .max = 1440, .min_open = true, .hint = " (minutes of travel)"};
constexpr Range k_road_speed{.min = 0, .max = 300, .hint = " (km/h; 0: the mode may not use the class)"};
constexpr Range k_off_road_speed{.min = 0, .max = 300, .min_open = true, .hint = " (km/h)"};

/// The role tables of [fields.*] and the FieldMap members their keys set, in documented order.
struct FieldKey {
    std::string_view key;
    std::string FieldMap::*member;
};
constexpr std::array<FieldKey, 5> k_village_fields{{{"code", &FieldMap::village_code},
                                                    {"name", &FieldMap::village_name},
                                                    {"population", &FieldMap::village_population},
                                                    {"township_code", &FieldMap::village_township_code},
                                                    {"county_code", &FieldMap::village_county_code}}};
constexpr std::array<FieldKey, 7> k_facility_fields{{{"id", &FieldMap::facility_id},
                                                     {"type", &FieldMap::facility_type},
                                                     {"name", &FieldMap::facility_name},
                                                     {"grade", &FieldMap::facility_grade},
                                                     {"status", &FieldMap::facility_status},
                                                     {"lon", &FieldMap::facility_lon},
                                                     {"lat", &FieldMap::facility_lat}}};
constexpr std::array<FieldKey, 6> k_candidate_fields{{{"id", &FieldMap::candidate_id},
                                                      {"kind", &FieldMap::candidate_kind},
                                                      {"cost", &FieldMap::candidate_cost},
                                                      {"village_code", &FieldMap::candidate_village_code},
                                                      {"lon", &FieldMap::candidate_lon},
                                                      {"lat", &FieldMap::candidate_lat}}};
constexpr std::array<FieldKey, 2> k_unit_fields{{{"code", &FieldMap::unit_code}, {"name", &FieldMap::unit_name}}};
constexpr auto k_village_field_names =
    std::to_array<std::string_view>({"code", "name", "population", "township_code", "county_code"});
constexpr auto k_facility_field_names =
    std::to_array<std::string_view>({"id", "type", "name", "grade", "status", "lon", "lat"});
constexpr auto k_candidate_field_names =
    std::to_array<std::string_view>({"id", "kind", "cost", "village_code", "lon", "lat"});
constexpr auto k_unit_field_names = std::to_array<std::string_view>({"code", "name"});
constexpr std::array<FieldKey, 3> k_road_fields{
    {{"class", &FieldMap::road_class}, {"maxspeed", &FieldMap::road_maxspeed}, {"oneway", &FieldMap::road_oneway}}};
constexpr auto k_road_field_names = std::to_array<std::string_view>({"class", "maxspeed", "oneway"});

template <std::size_t N>
void read_field_role(const Reader& r, const toml::table& t, const std::string& path,
                     const std::array<FieldKey, N>& keys, Known names, FieldMap& fields) {
    r.check_keys(t, path, names);
    for (const auto& fk : keys) {
        if (const auto* n = t.get(fk.key)) fields.*(fk.member) = r.string(*n, join(path, fk.key));
    }
}

void read_fields(const Reader& r, const toml::table& t, FieldMap& fields) {
    r.check_keys(t, "fields", k_field_roles);
    if (const auto* n = t.get("villages")) {
        read_field_role(r, r.table(*n, "fields.villages"), "fields.villages", k_village_fields, k_village_field_names,
                        fields);
    }
    if (const auto* n = t.get("facilities")) {
        read_field_role(r, r.table(*n, "fields.facilities"), "fields.facilities", k_facility_fields,
                        k_facility_field_names, fields);
    }
    if (const auto* n = t.get("candidates")) {
        read_field_role(r, r.table(*n, "fields.candidates"), "fields.candidates", k_candidate_fields,
                        k_candidate_field_names, fields);
    }
    if (const auto* n = t.get("units")) {
        read_field_role(r, r.table(*n, "fields.units"), "fields.units", k_unit_fields, k_unit_field_names, fields);
    }
    if (const auto* n = t.get("roads")) {
        read_field_role(r, r.table(*n, "fields.roads"), "fields.roads", k_road_fields, k_road_field_names, fields);
    }
}

/// [speeds]: off_road_kmh and a table of km/h by road class per mode, merged key by key over the base.
void read_speeds(const Reader& r, const toml::table& t, Speeds& speeds) {
    r.check_keys(t, "speeds", std::to_array<std::string_view>({"off_road_kmh", "drive", "walk"}));
    if (const auto* n = t.get("off_road_kmh"))
        speeds.off_road_kmh = r.value(*n, "speeds.off_road_kmh", k_off_road_speed);
    for (const auto& [mode, table] : {std::pair{"drive", &speeds.drive}, std::pair{"walk", &speeds.walk}}) {
        const auto* n = t.get(mode);
        if (n == nullptr) continue;
        const std::string path = join("speeds", mode);
        for (auto&& [key, value] : r.table(*n, path)) {
            (*table)[std::string(key.str())] = r.value(value, join(path, key.str()), k_road_speed);
        }
    }
}

/// The number keys of [priority] or [planning] (`table`), each checked against range_of(key).
void read_settings(const Reader& r, const toml::table& t, std::string_view table, Known known, Rules& rules) {
    r.check_keys(t, std::string(table), known);
    for (const auto& setting : detail::settings()) {
        if (setting.key.substr(0, table.size() + 1) != std::string(table) + ".") continue;
        if (const auto* n = t.get(detail::name_in_table(setting.key))) {
            setting.set(rules, r.value(*n, std::string(setting.key), range_of(setting.key)));
        }
    }
}

/// The line to blame for a property of the merged type: the key's own line when the file
/// sets it, else the line of the type's table.
const toml::source_region& blame(const toml::table& t, std::string_view key) {
    if (const auto* n = t.get(key)) return n->source();
    return t.source();
}

/// minutes and mode: travel-time rules only, which need minutes.
void read_travel_keys(const Reader& r, const toml::table& t, const std::string& path, const std::string& kind_text,
                      CoverageRule& rule) {
    const bool travel = rule.kind == CoverageKind::travel_time;
    if (const auto* n = t.get("minutes")) {
        const auto p = join(path, "minutes");
        if (!travel) r.fail(p, n->source(), "applies to travel_time rules only" + kind_text);
        rule.minutes = r.value(*n, p, k_minutes);
    }
    if (const auto* n = t.get("mode")) {
        const auto p = join(path, "mode");
        if (!travel) r.fail(p, n->source(), "applies to travel_time rules only" + kind_text);
        rule.mode = r.choice(*n, p, k_modes, k_mode_names);
    }
    if (travel && !(rule.minutes > 0)) {
        r.fail(join(path, "minutes"), blame(t, "coverage"), "a travel_time rule needs minutes (> 0)");
    }
}

/// Reads one [types.<key>] table into `type` (a copy of the default of that key, or a new type).
void read_type(const Reader& r, const toml::table& t, const std::string& path, bool is_new, FacilityType& type) {
    r.check_keys(t, path, k_type_keys);
    if (const auto* n = t.get("name_zh")) type.name_zh = r.string(*n, join(path, "name_zh"));

    const auto* coverage = t.get("coverage");
    if (coverage != nullptr) {
        type.rule.kind = r.choice(*coverage, join(path, "coverage"), k_kinds, k_kind_names);
    } else if (is_new) {
        r.fail(join(path, "coverage"), t.source(),
               "a new facility type needs 'coverage' (" + quoted_list(k_kind_names) + ")");
    }
    const CoverageKind kind = type.rule.kind;
    const std::string kind_text = std::string("; this type's coverage is '") + to_string(kind) + "'";
    // What belongs to another kind of rule is dropped when the kind changes, and an error when
    // the file sets it.
    if (kind != CoverageKind::radius) {
        type.rule.radius_m = 0;
        type.rule.min_area_fraction.reset();
    }
    if (kind != CoverageKind::admin) type.rule.admin_level = AdminLevel::county;
    // A contains or admin site covers its own village by its nature; a type changed from one of
    // them to a radius rule stays village-level unless the file says otherwise.
    if (kind == CoverageKind::contains || kind == CoverageKind::admin) type.rule.covers_own_village = true;
    if (kind != CoverageKind::travel_time) {
        type.rule.minutes = 0;
        type.rule.mode = TravelMode::drive;
    }

    if (const auto* n = t.get("radius_m")) {
        const auto p = join(path, "radius_m");
        if (kind != CoverageKind::radius) r.fail(p, n->source(), "applies to radius rules only" + kind_text);
        type.rule.radius_m = r.value(*n, p, k_radius);
    }
    if (const auto* n = t.get("min_area_fraction")) {
        const auto p = join(path, "min_area_fraction");
        if (kind != CoverageKind::radius) r.fail(p, n->source(), "applies to radius rules only" + kind_text);
        type.rule.min_area_fraction = r.value(*n, p, k_area_share);
    }
    if (const auto* n = t.get("covers_own_village")) {
        const auto p = join(path, "covers_own_village");
        type.rule.covers_own_village = r.boolean(*n, p);
        if ((kind == CoverageKind::contains || kind == CoverageKind::admin) && !type.rule.covers_own_village) {
            r.fail(p, n->source(), "a site of a contains or admin rule always covers its own village" + kind_text);
        }
    }
    if (const auto* n = t.get("admin_level")) {
        const auto p = join(path, "admin_level");
        if (kind != CoverageKind::admin) r.fail(p, n->source(), "applies to admin rules only" + kind_text);
        type.rule.admin_level = r.choice(*n, p, k_levels, k_level_names);
    }
    if (kind == CoverageKind::radius && !(type.rule.radius_m > 0)) {
        r.fail(join(path, "radius_m"), blame(t, "coverage"), "a radius rule needs radius_m (metres, > 0)");
    }
    read_travel_keys(r, t, path, kind_text, type.rule);

    if (const auto* n = t.get("default_cost")) {
        type.default_cost = r.value(*n, join(path, "default_cost"), k_cost);
    }
    if (const auto* n = t.get("minimise_cost")) type.minimise_cost = r.boolean(*n, join(path, "minimise_cost"));
    if (const auto* n = t.get("per_year")) {
        type.per_year = static_cast<int>(r.value(*n, join(path, "per_year"), range_of("planning.per_year")));
    }
    if (const auto* n = t.get("aliases")) type.aliases = r.strings(*n, join(path, "aliases"));

    const auto target_path = join(path, "target");
    const toml::table* target = nullptr;
    if (const auto* n = t.get("target")) {
        target = &r.table(*n, target_path);
        r.check_keys(*target, target_path, k_target_keys);
        if (const auto* u = target->get("unit")) {
            type.target.unit = r.choice(*u, join(target_path, "unit"), k_levels, k_level_names);
        }
        if (const auto* m = target->get("measure")) {
            type.target.measure = r.choice(*m, join(target_path, "measure"), k_measures, k_measure_names);
        }
        if (const auto* th = target->get("threshold")) {
            type.target.threshold = r.value(*th, join(target_path, "threshold"), k_threshold);
        }
    }
    // "units" counts admin units that hold a facility of the type: that is what an admin rule
    // covers. For contains/radius rules a unit is never covered as a whole, so it has no meaning.
    if (type.target.measure == Measure::units && kind != CoverageKind::admin) {
        const auto& where = target != nullptr && target->get("measure") != nullptr ? target->get("measure")->source()
                                                                                   : blame(t, "coverage");
        r.fail(join(target_path, "measure"), where,
               "measure 'units' (share of admin units holding a facility) needs coverage = \"admin\"" + kind_text +
                   "; use 'villages' or 'population'");
    }
}

void read_types(const Reader& r, const toml::table& t, Rules& rules) {
    // toml++ keeps keys sorted; new types are added in the order of the file.
    std::vector<std::pair<const toml::key*, const toml::node*>> entries;
    for (auto&& [key, value] : t) entries.emplace_back(&key, &value);
    std::stable_sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
        const auto& sa = a.first->source().begin;
        const auto& sb = b.first->source().begin;
        return std::pair(sa.line, sa.column) < std::pair(sb.line, sb.column);
    });
    // The types the file starts from (the defaults), for "did you mean" on a misspelt one.
    // (Copies: the types below are added to rules.types, which may reallocate.)
    const std::vector<std::string> defaults = [&] {
        std::vector<std::string> keys;
        for (const auto& d : rules.types) keys.push_back(d.key);
        return keys;
    }();
    for (const auto& [key, value] : entries) {
        const std::string k(key->str());
        const auto path = join("types", k);
        if (!valid_type_key(k)) {
            r.fail(path, key->source().begin.line > 0 ? key->source() : value->source(),
                   "type key '" + k + "' must be lower-case ASCII letters, digits and '_', start with a letter and " +
                       "have at most " + std::to_string(k_max_type_key_length) +
                       " characters (it names output fields such as cov_" + "<type>)");
        }
        const auto& table = r.table(*value, path);
        auto it = std::find_if(rules.types.begin(), rules.types.end(), [&](const auto& ft) { return ft.key == k; });
        const bool is_new = it == rules.types.end();
        FacilityType type;
        if (is_new) {
            type.key = k;
            type.name_zh = k;
        } else {
            type = *it;
        }
        try {
            read_type(r, table, path, is_new, type);
        } catch (Error& e) {
            // A new type that looks like a misspelt default type is most likely one.
            if (is_new && table.get("coverage") == nullptr) {
                std::string_view best;
                std::size_t best_d = SIZE_MAX;
                for (const auto& n : defaults) {
                    if (const auto d = edit_distance(k, n); d < best_d) {
                        best = n;
                        best_d = d;
                    }
                }
                if (best_d <= 2) {
                    throw Error(ErrorKind::rules,
                                e.message() + "; or did you mean the default type '" + std::string(best) + "'?",
                                e.context());
                }
            }
            throw;
        }
        if (is_new) {
            rules.types.push_back(std::move(type));
        } else {
            *it = std::move(type);
        }
    }
}

/// The output names each type gives its columns must be unique and fit a GeoPackage table: what
/// would otherwise fail only when the output is committed, with SQLite's words. The counties and
/// townships layers of a plan carry 12 columns per type (below) next to 11 of their own, and
/// SQLite's tables hold at most 2000 columns (SQLITE_MAX_COLUMN): 165 types at most.
void check_output_names(const std::string& file, const Rules& rules) {
    constexpr std::size_t k_max_types = 160;
    if (rules.types.size() > k_max_types) {
        throw Error(ErrorKind::rules,
                    std::to_string(rules.types.size()) + " facility types: at most " + std::to_string(k_max_types) +
                        " (the counties and townships layers carry 12 columns per type, and a GeoPackage table "
                        "holds at most 2000)",
                    Context{file, {}, {}, "types"});
    }
    static constexpr std::array<std::string_view, 12> k_unit_prefixes = {
        "villages_cov_", "pop_cov_",     "share_", "target_",      "met_",       "gap_",
        "share_urban_",  "share_rural_", "sites_", "share_after_", "met_after_", "year_met_"};
    std::map<std::string, std::string> column_of;  // output column -> type key
    std::map<std::string, std::string> name_of;    // name_zh -> type key
    for (const auto& t : rules.types) {
        if (auto [it, fresh] = name_of.emplace(t.name_zh, t.key); !fresh) {
            throw Error(ErrorKind::rules,
                        "name_zh \"" + t.name_zh + "\" is also the name of type '" + it->second +
                            "' (the output's Chinese column names would collide)",
                        Context{file, {}, {}, join(join("types", t.key), "name_zh")});
        }
        for (const auto prefix : k_unit_prefixes) {
            const std::string column = std::string(prefix) + t.key;
            if (auto [it, fresh] = column_of.emplace(column, t.key); !fresh && it->second != t.key) {
                throw Error(ErrorKind::rules,
                            "type '" + t.key + "' and type '" + it->second + "' both name the output column '" +
                                column + "'; rename one",
                            Context{file, {}, {}, join("types", t.key)});
            }
        }
    }
}

/// Reads `toml_text` over `base`: what the text sets replaces the base's value.
Rules parse_over(Rules base, std::string_view toml_text, const std::string& source_name) {
    toml::table root;
    try {
        root = toml::parse(toml_text, source_name);
    } catch (const toml::parse_error& e) {
        const auto& at = e.source().begin;
        const std::string description(e.description());
        // A key defined twice ("cannot redefine existing table 'types.e_station'"): name the key
        // as written (a table header's full path, or a key relative to its table).
        std::string field;
        const auto redefine = description.find("cannot redefine existing");
        const bool duplicate = redefine != std::string::npos;
        if (duplicate) {
            const auto open = description.find('\'', redefine);
            const auto close = open == std::string::npos ? open : description.find('\'', open + 1);
            if (close != std::string::npos) field = description.substr(open + 1, close - open - 1);
        }
        throw Error(ErrorKind::rules,
                    "line " + std::to_string(at.line) + ", column " + std::to_string(at.column) +
                        (duplicate ? ": duplicate key (invalid TOML): " : ": invalid TOML: ") + description,
                    Context{source_name, {}, {}, field});
    }
    const Reader r(source_name);
    r.check_keys(root, "", k_top_keys);
    Rules rules = std::move(base);
    if (const auto* n = root.get("types")) {
        read_types(r, r.table(*n, "types"), rules);
        try {
            (void)TypeNames(rules.types);  // two types claiming one name
        } catch (const Error& e) {
            throw Error(ErrorKind::rules, e.message(), Context{source_name, {}, {}, "types"});
        }
    }
    if (const auto* n = root.get("fields")) read_fields(r, r.table(*n, "fields"), rules.fields);
    if (const auto* n = root.get("priority")) {
        read_settings(r, r.table(*n, "priority"), "priority", k_priority_keys, rules);
    }
    if (const auto* n = root.get("planning")) {
        const auto& planning = r.table(*n, "planning");
        read_settings(r, planning, "planning", k_planning_keys, rules);
        if (const auto* e = planning.get("equalise"))
            rules.planning.equalise = r.choice(*e, "planning.equalise", k_equalise, k_equalise_names);
    }
    if (const auto* n = root.get("speeds")) read_speeds(r, r.table(*n, "speeds"), rules.speeds);
    check_output_names(source_name, rules);
    return rules;
}

}  // namespace

Rules default_rules() {
    // Nothing but the text: every key of the defaults is written there, with where it comes from.
    return parse_over(Rules{}, default_rules_toml(), "(default rules)");
}

Rules parse_rules(std::string_view toml_text, const std::string& source_name) {
    return parse_over(default_rules(), toml_text, source_name);
}

Rules load_rules(const std::string& path) {
    return parse_rules(core::read_text_file(path, k_max_rules_file_bytes, ErrorKind::rules), path);
}

// ---------------------------------------------------------------------------------------------
// Writing

namespace {

std::string quote(std::string_view s) {
    std::string out = "\"";
    for (const char c : s) {
        const auto u = static_cast<unsigned char>(c);
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\t':
                out += "\\t";
                break;
            case '\r':
                out += "\\r";
                break;
            default:
                if (u < 0x20 || u == 0x7f) {
                    static constexpr char k_hex[] = "0123456789ABCDEF";
                    out += "\\u00";
                    out += k_hex[u >> 4];
                    out += k_hex[u & 0xF];
                } else {
                    out += c;
                }
        }
    }
    return out + "\"";
}

/// A table key as TOML: bare when it can be, else quoted (keys made in code need not be valid type keys).
std::string toml_key(std::string_view k) {
    const bool bare = !k.empty() && std::all_of(k.begin(), k.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
    return bare ? std::string(k) : quote(k);
}

template <std::size_t N>
void write_fields(std::ostringstream& os, std::string_view role, const std::array<FieldKey, N>& keys,
                  const FieldMap& fields) {
    os << "\n[fields." << role << "]\n";
    for (const auto& fk : keys) {
        if (!(fields.*(fk.member)).empty()) os << fk.key << " = " << quote(fields.*(fk.member)) << '\n';
    }
}

void write_travel(std::ostringstream& os, const Rules& rules) {
    write_fields(os, "roads", k_road_fields, rules.fields);
    os << "\n[speeds]\noff_road_kmh = " << format_double(rules.speeds.off_road_kmh) << '\n';
    for (const auto& [mode, table] : {std::pair{"drive", &rules.speeds.drive}, std::pair{"walk", &rules.speeds.walk}}) {
        os << "\n[speeds." << mode << "]\n";
        for (const auto& [cls, kmh] : *table) os << toml_key(cls) << " = " << format_double(kmh) << '\n';
    }
}

}  // namespace

std::string to_toml(const Rules& rules) {
    std::ostringstream os;
    bool first = true;
    for (const auto& t : rules.types) {
        if (!first) os << '\n';
        first = false;
        const auto key = toml_key(t.key);
        os << "[types." << key << "]\n";
        os << "name_zh = " << quote(t.name_zh) << '\n';
        os << "coverage = " << quote(to_string(t.rule.kind)) << '\n';
        if (t.rule.kind == CoverageKind::radius) {
            os << "radius_m = " << format_double(t.rule.radius_m) << '\n';
            if (t.rule.min_area_fraction) {
                os << "min_area_fraction = " << format_double(*t.rule.min_area_fraction) << '\n';
            }
        }
        if (t.rule.kind == CoverageKind::radius || t.rule.kind == CoverageKind::travel_time) {
            os << "covers_own_village = " << (t.rule.covers_own_village ? "true" : "false") << '\n';
        }
        if (t.rule.kind == CoverageKind::admin) os << "admin_level = " << quote(to_string(t.rule.admin_level)) << '\n';
        if (t.rule.kind == CoverageKind::travel_time) {
            os << "minutes = " << format_double(t.rule.minutes) << '\n';
            os << "mode = " << quote(to_string(t.rule.mode)) << '\n';
        }
        os << "default_cost = " << format_double(t.default_cost) << '\n';
        os << "minimise_cost = " << (t.minimise_cost ? "true" : "false") << '\n';
        if (t.per_year > 0) os << "per_year = " << t.per_year << '\n';
        if (!t.aliases.empty()) {
            os << "aliases = [";
            for (std::size_t i = 0; i < t.aliases.size(); ++i) os << (i > 0 ? ", " : "") << quote(t.aliases[i]);
            os << "]\n";
        }
        os << "\n[types." << key << ".target]\n";
        os << "unit = " << quote(to_string(t.target.unit)) << '\n';
        os << "measure = " << quote(to_string(t.target.measure)) << '\n';
        os << "threshold = " << format_double(t.target.threshold) << '\n';
    }
    write_fields(os, "villages", k_village_fields, rules.fields);
    write_fields(os, "facilities", k_facility_fields, rules.fields);
    write_fields(os, "candidates", k_candidate_fields, rules.fields);
    write_fields(os, "units", k_unit_fields, rules.fields);
    // Roads and speeds matter only to travel-time rules (and stay out of the other runs' records).
    const bool travel = std::any_of(rules.types.begin(), rules.types.end(),
                                    [](const FacilityType& t) { return t.rule.kind == CoverageKind::travel_time; });
    if (travel) write_travel(os, rules);
    const auto& p = rules.priority;
    os << "\n[priority]\n";
    os << "base = " << format_double(p.base) << '\n';
    os << "ethnic_township = " << format_double(p.ethnic_township) << '\n';
    os << "remote = " << format_double(p.remote) << '\n';
    os << "remote_quantile = " << format_double(p.remote_quantile) << '\n';
    const auto& pl = rules.planning;
    os << "\n[planning]\n";
    os << "per_year = " << pl.per_year << '\n';
    os << "start_year = " << pl.start_year << '\n';
    os << "horizon_year = " << pl.horizon_year << '\n';
    os << "time_limit_s = " << format_double(pl.time_limit_s) << '\n';
    os << "min_spacing_m = " << format_double(pl.min_spacing_m) << '\n';
    // written when set, so that the rules of a run without it read as they did before the key
    if (pl.equalise != Equalise::none) os << "equalise = \"" << to_string(pl.equalise) << "\"\n";
    return os.str();
}

// ---------------------------------------------------------------------------------------------
// Names given for one run

std::string nearest_name(std::string_view word, const std::vector<std::string>& known) {
    const std::vector<std::string_view> views(known.begin(), known.end());
    return std::string(nearest(word, views));
}

void set_field(FieldMap& fields, std::string_view key, const std::string& column) {
    const auto dot = key.find('.');
    const std::string_view role = key.substr(0, dot);
    const std::string_view field = dot == std::string_view::npos ? std::string_view{} : key.substr(dot + 1);
    const std::string path = "fields." + std::string(key);
    auto fail = [&](const std::string& what) { throw Error(ErrorKind::rules, what, Context{{}, {}, {}, path}); };
    if (std::find(k_field_roles.begin(), k_field_roles.end(), role) == k_field_roles.end()) {
        fail("unknown role '" + std::string(role) + "' (ROLE.FIELD=COLUMN)" + suggestion(role, k_field_roles));
    }
    auto set = [&](const auto& keys, Known names) {
        const auto it = std::find_if(keys.begin(), keys.end(), [&](const FieldKey& fk) { return fk.key == field; });
        if (it == keys.end()) {
            fail("unknown field '" + std::string(field) + "' of " + std::string(role) + suggestion(field, names));
        }
        if (column.empty()) fail("the column name must not be empty");
        fields.*(it->member) = column;
    };
    if (role == "villages") set(k_village_fields, k_village_field_names);
    if (role == "facilities") set(k_facility_fields, k_facility_field_names);
    if (role == "candidates") set(k_candidate_fields, k_candidate_field_names);
    if (role == "units") set(k_unit_fields, k_unit_field_names);
}

}  // namespace scicov::rules
