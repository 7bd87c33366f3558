// The QGIS project stored inside the output GeoPackage: internal header (the writer calls it
// before committing, after the styles).
#pragma once

#include <string>

#include "core/gdal.hpp"

namespace scicov::output::detail {

/// Stores a QGIS project named "scicov" in the GeoPackage's `qgis_projects` table, the way QGIS
/// stores one (Project → Save To → GeoPackage): one row (name, metadata JSON, content = the .qgz
/// zip as hex text). The project shows a finished map: a group per facility type (only one
/// visible at a time), boundaries on top, then proposed sites, facilities, gaps, service areas and
/// villages, labelled, the plan's years in the legend and labels. Each layer's style is the QML that
/// write_layer_styles stored in `layer_styles` (so it must run first), adapted to its type.
/// Layers are referenced as "./<file_name>|layername=…", relative to the GeoPackage itself, so
/// `file_name` is the GeoPackage's final name (not its temporary one). Deterministic bytes.
void write_qgis_project(gdal::Dataset& dataset, const std::string& file_name);

}  // namespace scicov::output::detail
