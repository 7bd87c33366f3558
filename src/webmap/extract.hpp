// What the web page embeds, read from an output GeoPackage: one GeoJSON document per layer
// (written by GDAL's GeoJSON driver; polygons simplified with their borders kept shared) and a
// JSON object of metadata (types and their names, field aliases, options).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "scicov/webmap.hpp"

namespace scicov::webmap::detail {

struct LayerData {
    std::string name;     ///< villages, townships, counties, facilities, gaps, proposed_sites
    std::string geojson;  ///< a FeatureCollection in lon/lat
    std::size_t features = 0;
};

struct MapData {
    std::string meta_json;  ///< title, source, types [{key, zh, en}], aliases, years, basemap, counts
    std::vector<LayerData> layers;
};

/// Reads an output GeoPackage. Layers other than villages and counties are optional.
MapData extract(const std::string& gpkg, const Options& options, const Reporter& reporter);

/// The English name made from a type key: science_museum → "science museum".
std::string type_name_en(const std::string& key);

}  // namespace scicov::webmap::detail
