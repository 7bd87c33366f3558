// The roads layer's features as model::Road records: attributes (Geofabrik's maxspeed and
// oneway) and line parts. read.cpp finds the layer, maps the fields and checks each read.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <ogr_geometry.h>

#include "scicov/crs.hpp"
#include "scicov/model.hpp"

namespace scicov::io::detail {

/// Sets the road's maxspeed and direction from the fields' values (maxspeed: km/h, nothing or 0
/// unknown; oneway: Geofabrik's F/T/B, also yes/no/1/-1/0, empty = both). An empty class is
/// "unknown" (Geofabrik's own word for it). Returns what is wrong, or an empty string.
std::string road_attributes(std::optional<double> maxspeed_kmh, const std::string& oneway, model::Road& road);

/// Appends each part of a line or multi-line geometry (in EPSG:4490, `datum` coordinates) as a
/// copy of `road` with the part's points in WGS84; repeated consecutive points are dropped and
/// a part with fewer than two points left is skipped.
void add_road_parts(const OGRGeometry& geometry, model::Road road, crs::Datum datum, std::vector<model::Road>& out);

}  // namespace scicov::io::detail
