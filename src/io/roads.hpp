// The roads layer's features as model::Road records: attributes (Geofabrik's maxspeed and
// oneway, or OpenStreetMap's tags through GDAL's OSM driver) and line parts. read.cpp finds the
// layer, maps the fields and checks each read.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <ogr_geometry.h>
#include <ogrsf_frmts.h>

#include "io/input.hpp"
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

/// OpenStreetMap files (.osm, .osm.pbf) are read through GDAL's OSM driver: its `lines` layer
/// holds the ways, the class is the `highway` tag (Geofabrik's fclass values are these).
/// open_osm gives the driver a configuration that maps the tags a road needs (highway,
/// maxspeed, oneway, junction) to fields of their own (docs/rules.md, "OpenStreetMap").
inline constexpr const char* k_osm_lines_layer = "lines";
inline constexpr const char* k_osm_class_field = "highway";
inline constexpr const char* k_osm_maxspeed_field = "maxspeed";
inline constexpr const char* k_osm_oneway_field = "oneway";
inline constexpr const char* k_osm_junction_field = "junction";

/// Opens an OpenStreetMap file with GDAL's OSM driver and the configuration above (an in-memory
/// file of `temps`, which must outlive the opening).
gdal::Dataset open_osm(const std::string& path, TempFiles& temps);

/// True when GDAL's OSM driver opened the dataset.
bool is_osm(GDALDataset& dataset);

/// An OSM maxspeed as km/h: "60", "60 km/h", "40 mph"; nullopt for none, signals, walk, CN:urban
/// and other words (the class speed applies).
std::optional<double> osm_maxspeed_kmh(std::string_view text);

/// An OSM oneway in the reader's words: yes/true/1 → "yes", -1/reverse → "-1", everything else
/// (no, reversible, alternating, nothing) → "" (both ways).
std::string osm_oneway(std::string_view text);

/// A way's direction in the reader's words from its `oneway` and `junction` tags ("" when the
/// way has none): its oneway (osm_oneway), else "yes" on a roundabout (`junction=roundabout` or
/// `circular`: one way along the way, as OSM defines them), else "" (both ways).
std::string osm_direction(std::string_view oneway, std::string_view junction);

}  // namespace scicov::io::detail
