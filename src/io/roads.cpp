// Road features for travel-time rules: Geofabrik's attribute conventions and line parts.
#include "io/roads.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <utility>

namespace scicov::io::detail {

namespace {

/// The highest speed a maxspeed may state (km/h): beyond it the value is a typo or another unit.
constexpr double k_max_speed_kmh = 300;

std::optional<model::RoadDirection> parse_oneway(const std::string& text) {
    using model::RoadDirection;
    static constexpr std::array<std::pair<const char*, RoadDirection>, 12> k_words{{{"", RoadDirection::both},
                                                                                    {"B", RoadDirection::both},
                                                                                    {"b", RoadDirection::both},
                                                                                    {"no", RoadDirection::both},
                                                                                    {"0", RoadDirection::both},
                                                                                    {"F", RoadDirection::forward},
                                                                                    {"f", RoadDirection::forward},
                                                                                    {"yes", RoadDirection::forward},
                                                                                    {"1", RoadDirection::forward},
                                                                                    {"T", RoadDirection::backward},
                                                                                    {"t", RoadDirection::backward},
                                                                                    {"-1", RoadDirection::backward}}};
    for (const auto& [word, direction] : k_words) {
        if (text == word) return direction;
    }
    return std::nullopt;
}

void add_part(const OGRLineString& line, model::Road road, crs::Datum datum, std::vector<model::Road>& out) {
    road.points.clear();
    for (int i = 0; i < line.getNumPoints(); ++i) {
        const crs::LonLat p = crs::to_wgs84({line.getX(i), line.getY(i)}, datum);
        if (!road.points.empty() && road.points.back().lon == p.lon && road.points.back().lat == p.lat) continue;
        road.points.push_back(p);
    }
    if (road.points.size() >= 2) out.push_back(std::move(road));
}

}  // namespace

std::string road_attributes(std::optional<double> maxspeed_kmh, const std::string& oneway, model::Road& road) {
    if (road.road_class.empty()) road.road_class = "unknown";
    if (maxspeed_kmh) {
        if (*maxspeed_kmh < 0 || *maxspeed_kmh > k_max_speed_kmh) {
            return "maxspeed " + std::to_string(*maxspeed_kmh) + " is not a speed in km/h (0 to 300)";
        }
        road.maxspeed_kmh = *maxspeed_kmh;
    }
    const auto direction = parse_oneway(oneway);
    if (!direction) return "oneway \"" + oneway + "\" must be F (along the line), T (against it) or B (both)";
    road.direction = *direction;
    return {};
}

void add_road_parts(const OGRGeometry& geometry, model::Road road, crs::Datum datum, std::vector<model::Road>& out) {
    const auto flat = wkbFlatten(geometry.getGeometryType());
    if (flat == wkbLineString) {
        add_part(*geometry.toLineString(), std::move(road), datum, out);
    } else if (flat == wkbMultiLineString) {
        for (const auto* part : *geometry.toMultiLineString()) add_part(*part, road, datum, out);
    }
}

bool is_osm(GDALDataset& dataset) {
    const GDALDriver* driver = dataset.GetDriver();
    return driver != nullptr && std::string_view(driver->GetDescription()) == "OSM";
}

gdal::Dataset open_osm(const std::string& path, TempFiles& temps) {
    // GDAL's osmconf.ini keeps maxspeed, oneway and junction in other_tags; ours asks for them as
    // fields. Ways with none of the listed tags (a plain way without highway) stay out as before.
    static constexpr const char* k_config =
        "closed_ways_are_polygons=aeroway,amenity,boundary,building,craft,geological,historic,landuse,leisure,"
        "military,natural,office,place,shop,sport,tourism,highway=platform,public_transport=platform\n"
        "[lines]\nosm_id=yes\nattributes=name,highway,maxspeed,oneway,junction\n";
    const std::string config = temps.make("osmconf.ini", k_config);
    return gdal::Dataset::open_as(path, path, {"CONFIG_FILE=" + config}, {"OSM"});
}

std::optional<double> osm_maxspeed_kmh(std::string_view text) {
    const std::string s(text);
    char* end = nullptr;
    const double value = std::strtod(s.c_str(), &end);
    if (end == s.c_str() || !std::isfinite(value)) return std::nullopt;
    std::string_view unit(end);
    while (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
    if (unit == "mph") return value * 1.609344;
    if (unit.empty() || unit == "km/h" || unit == "kmh" || unit == "kph") return value;
    return std::nullopt;
}

std::string osm_oneway(std::string_view text) {
    if (text == "yes" || text == "true" || text == "1") return "yes";
    if (text == "-1" || text == "reverse") return "-1";
    return {};
}

std::string osm_direction(std::string_view oneway, std::string_view junction) {
    if (!oneway.empty()) return osm_oneway(oneway);
    return junction == "roundabout" || junction == "circular" ? "yes" : "";
}

}  // namespace scicov::io::detail
