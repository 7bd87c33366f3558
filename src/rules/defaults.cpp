// The default rules (shared/POLICY.md, "Default rules") as the commented TOML document that
// `scicov rules` prints. It is the one source of the defaults: default_rules() parses it, so the
// numbers, their sources and the text a planner copies cannot drift apart.
#include <string>
#include <string_view>

#include "scicov/core.hpp"

#include "scicov/rules.hpp"

namespace scicov::rules {
namespace {

constexpr std::string_view k_default_rules_toml =
    R"toml(# scicov rules: facility types, how each covers villages, the target each county must reach,
# input field names, priority weights and planning defaults.
#
# This is what `scicov rules` prints: the defaults of shared/POLICY.md. Copy it, edit it, check it
# with `scicov rules --check FILE` and pass it with `--rules FILE`. Every key is optional: a key
# left out keeps its default. A [types.<key>] table with a key of its own defines a new facility
# type (it then needs at least `coverage`). Unknown keys are errors. docs/rules.md has the details.
#
# Where the numbers come from: the local plans (2021-2035) of the Citizen Science Literacy Action
# Plan in seeds/ -- 000 Panzhihua, 001 Qujing, 002 Yinchuan, 003 Mudan (Heze), 004 Tianxin
# (Changsha). A number marked "assumption" is in no plan: it is ours, and the planner's to change.
#
# Keys of a type:
#   name_zh            Chinese name for maps and reports
#   coverage           "contains": a facility inside the village covers it
#                      "radius":   a facility within radius_m of the village's representative point
#                      "admin":    a county (or township) holding a facility is covered, all its villages
#                      "travel_time": a facility within `minutes` of the village over the roads
#   radius_m           radius rules only: service radius in metres, > 0
#   min_area_fraction  radius rules only, optional: covered when this share, in (0, 1], of the
#                      village's area lies within radius_m of one facility (instead of its point)
#   covers_own_village radius and travel_time rules: a site also covers the village it stands
#                      in, whatever the distance (or minutes) from that village's
#                      representative point (village-level facilities); contains and admin
#                      sites always do
#   admin_level        admin rules only: "county" or "township"
#   minutes            travel_time rules only: the limit, in (0, 1440]
#   mode               travel_time rules only: "drive" or "walk" (speeds in [speeds.<mode>])
#   default_cost       cost of a new site where the candidate has no cost, > 0
#   minimise_cost      set cover objective: false = fewest new sites, true = least total cost
#   per_year           optional: new sites of this type a year (an integer >= 1), shared by the
#                      counties of a city (or per county with --year-scope county); when left
#                      out, [planning] per_year applies to this type
#   aliases            more names the type goes by in a facilities table's type column, e.g.
#                      aliases = ["科普大篷车站"]. Known already: the key, name_zh and the common
#                      forms -- 科技馆/实体科技馆/县级科技馆/科学技术馆; 科普教育基地/科普基地/
#                      科普示范基地; 科普e站/e站/科普中国e站; 科普室/村(社区)科普室/村科普室/
#                      社区科普室/农村科普活动室/科普活动室/社区科技馆. Names are compared
#                      trimmed, full-width folded to half-width (（）→(), ｅ→e), Latin letters in
#                      any case. Statuses likewise: existing = 现有/已建/建成/在用, planned =
#                      规划/拟建/在建/计划.
#   [types.<key>.target]
#     unit             the unit that must reach the target: "county" or "township"
#     measure          "villages":   share of villages covered
#                      "population": share of people covered
#                      "units":      share of admin units holding a facility (admin rules only)
#     threshold        share in [0, 1]; 1.0 = full coverage

# 科技馆: a physical science museum.
[types.science_museum]
name_zh = "科技馆"
coverage = "admin"        # 001: 县级实体科技馆全覆盖 -- one per county; a county holding one is covered
admin_level = "county"
default_cost = 1.0        # assumption: every new site costs 1 unless the candidate says otherwise
minimise_cost = false     # assumption: fewest new sites

[types.science_museum.target]
unit = "county"
measure = "units"
threshold = 1.0           # 001: full coverage -- every county holds one

# 科普教育基地: a certified science-education base (national / provincial / city grade).
[types.science_base]
name_zh = "科普教育基地"
coverage = "radius"
radius_m = 20000.0        # assumption: 20 km from the village point (002 asks for bases within reach)
covers_own_village = false # a base serves by distance: the village holding it is no special case
default_cost = 1.0        # assumption
minimise_cost = false     # assumption

[types.science_base.target]
unit = "county"
measure = "population"
threshold = 0.9           # assumption: 90% of people within reach of a base (002)

# 科普e站: a digital science point (screen / kiosk) in a community or village.
[types.e_station]
name_zh = "科普e站"
coverage = "radius"
radius_m = 2000.0         # assumption: 2 km, a walk (001 asks to 完善科普e站)
covers_own_village = true # 002: an e-station serves the village (community) that holds it
default_cost = 1.0        # assumption
minimise_cost = false     # assumption

[types.e_station.target]
unit = "county"
measure = "villages"
threshold = 0.9           # 002: >= 90% of administrative villages by 2025

# 村(社区)科普室: a science room in a village or community service centre.
[types.science_room]
name_zh = "村(社区)科普室"
coverage = "contains"     # 000/001/004: one per administrative village (community)
covers_own_village = true # what contains means; kept if coverage is changed to "radius"
default_cost = 1.0        # assumption; hosting in an existing building is cheaper -- give candidates a cost
minimise_cost = false     # assumption

[types.science_room.target]
unit = "county"
measure = "villages"
threshold = 1.0           # 000/001/004: every village (community) has one

# Field names in the inputs. Each value is the name of the field that holds that item. A field
# left at its default name is also found under its usual Chinese names (名称, 类型, 状态, 人口,
# 代码/编码 …). For one run: --field villages.population=人口 (repeatable).
[fields.villages]
code = "code"                    # 12-digit 统计用区划代码
name = "name"
population = "population"
township_code = "township_code"  # optional in the data: else the first 9 digits of code
county_code = "county_code"      # optional in the data: else the first 6 digits of code

[fields.facilities]
id = "id"
type = "type"          # a type key above; not needed when each type is its own layer
name = "name"
grade = "grade"        # national / provincial / city
status = "status"      # existing / planned
# lon = "经度"          # tables of points (CSV, XLSX, ODS): the lon/lat columns, found by
# lat = "纬度"          # their usual names (经度/纬度, 东经/北纬, lon/lat, lng, long, x/y) unless set

[fields.candidates]
id = "id"
kind = "kind"                  # 党群服务中心, 新时代文明实践站, school, library, ...
cost = "cost"
village_code = "village_code"

[fields.units]                 # townships and counties, when given as layers
code = "code"
name = "name"

[fields.roads]                 # the roads layer of travel-time rules (Geofabrik OSM shapefile names)
class = "fclass"               # road class: a key of [speeds.drive] / [speeds.walk]
maxspeed = "maxspeed"          # optional: km/h; 0 or empty = unknown (drive only)
oneway = "oneway"              # optional: F = one way along the line, T = against it, B or empty = both

# Demand weights: a village's people count this many times in planning.
[priority]
base = 1.0              # 000: every village counts
ethnic_township = 1.5   # 000: lean towards ethnic-minority areas (自治区/州/县/旗, 族乡, 民族苏木); 1.5 is an assumption
remote = 1.5            # 000: lean towards remote mountain areas; 1.5 is an assumption
remote_quantile = 0.8   # assumption: "remote" = farther from the county centre than 80% of its villages

[planning]
per_year = 6            # 002: 6 new science rooms / community science museums a year, city-wide;
                        # every type without a per_year of its own in [types.<key>] uses it
start_year = 2026       # assumption: the first year of new sites
horizon_year = 2035     # 000-004: the plans run to 2035; plans report the year each county meets its
                        # target and the sites a year that would meet it by this year
time_limit_s = 60.0     # assumption: exact solver time limit per county and type, seconds
min_spacing_m = 0.0     # assumption: no minimum spacing between new sites of one type
equalise = "none"       # 003 (均等化): "rural_first" builds the sites that serve rural villages (村)
                        # before urban communities (社区); the sites stay the same, their years change

# Road speeds of travel-time rules (coverage = "travel_time"), km/h by road class per mode. A class
# is the roads layer's class field (fields.roads.class): Geofabrik OSM fclass values or Chinese
# administrative classes. A class missing here falls back to its name before the last '_'
# (motorway_link -> motorway, track_grade3 -> track); still unknown, it is not used (a warning
# counts it). 0 closes a class to the mode. maxspeed, where given, replaces the drive speed.
[speeds]
off_road_kmh = 5.0      # assumption: walking from a point to the nearest road, and across gaps
[speeds.drive]
motorway = 90.0         # assumption
trunk = 60.0            # assumption
primary = 50.0          # assumption
secondary = 40.0        # assumption
tertiary = 30.0         # assumption
unclassified = 25.0     # assumption
residential = 20.0      # assumption
living_street = 10.0    # assumption
service = 15.0          # assumption
track = 15.0            # assumption
path = 0.0              # assumption
footway = 0.0           # assumption
cycleway = 0.0          # assumption
bridleway = 0.0         # assumption
steps = 0.0             # assumption
pedestrian = 0.0        # assumption
unknown = 20.0          # assumption
"高速" = 90.0           # assumption
"国道" = 60.0           # assumption
"省道" = 50.0           # assumption
"县道" = 40.0           # assumption
"乡道" = 30.0           # assumption
"村道" = 20.0           # assumption

[speeds.walk]
motorway = 0.0          # assumption
trunk = 5.0             # assumption
primary = 5.0           # assumption
secondary = 5.0         # assumption
tertiary = 5.0          # assumption
unclassified = 5.0      # assumption
residential = 5.0       # assumption
living_street = 5.0     # assumption
service = 5.0           # assumption
track = 5.0             # assumption
path = 5.0              # assumption
footway = 5.0           # assumption
cycleway = 5.0          # assumption
bridleway = 5.0         # assumption
steps = 3.0             # assumption
pedestrian = 5.0        # assumption
unknown = 5.0           # assumption
"高速" = 0.0            # assumption
"国道" = 5.0            # assumption
"省道" = 5.0            # assumption
"县道" = 5.0            # assumption
"乡道" = 5.0            # assumption
"村道" = 5.0            # assumption
)toml";

}  // namespace

std::string default_rules_toml() {
    return std::string(k_default_rules_toml);
}

std::string travel_time_rules_toml() {
    std::string text(k_default_rules_toml);
    const auto replace = [&](std::string_view from, std::string_view to) {
        const auto at = text.find(from);
        if (at == std::string::npos) throw Error(ErrorKind::internal, "travel-time rules: the default text changed");
        text.replace(at, from.size(), to);
    };
    replace("# scicov rules: facility types,",
            "# scicov rules with travel-time coverage for science bases and e-stations: they need a `roads`\n"
            "# layer (lines; --layer roads=DATASET[:LAYER]).\n#\n# scicov rules: facility types,");
    replace(
        "coverage = \"radius\"\nradius_m = 20000.0        # assumption: 20 km from the village point (002 asks for "
        "bases within reach)",
        "coverage = \"travel_time\"\nminutes = 30.0            # assumption: 30 minutes' drive (002 asks for bases "
        "within reach)\nmode = \"drive\"");
    replace("coverage = \"radius\"\nradius_m = 2000.0         # assumption: 2 km, a walk (001 asks to 完善科普e站)",
            "coverage = \"travel_time\"\nminutes = 15.0            # assumption: 15 minutes' walk (001 asks to "
            "完善科普e站)\nmode = \"walk\"");
    return text;
}

}  // namespace scicov::rules
