// Road features for travel-time rules: Geofabrik's attribute conventions and line parts.
#include "io/roads.hpp"

#include <algorithm>
#include <array>
#include <cmath>
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

}  // namespace scicov::io::detail
