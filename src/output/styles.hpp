// QGIS styles for the output GeoPackage: internal header (the writer calls it before committing).
#pragma once

#include "core/gdal.hpp"

namespace scicov::output::detail {

/// Writes one default QGIS style (QML, QGIS 3) per output layer into the `layer_styles` table,
/// created as QGIS creates it, so QGIS applies the styles when the layers are opened. Colours and
/// symbols follow the Cairo map (src/report/map.cpp); each QML carries the fields' Chinese aliases
/// (their OGR alternative names). Deterministic: a fixed update_time and stable order.
void write_layer_styles(gdal::Dataset& dataset);

}  // namespace scicov::output::detail
