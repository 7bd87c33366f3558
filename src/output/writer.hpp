// The output GeoPackage being written: internal header of the output module (its layer writers
// and unit tests include it as "output/writer.hpp").
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/atomic_file.hpp"
#include "core/gdal.hpp"
#include "output/postgis.hpp"
#include "scicov/output.hpp"

namespace scicov::output {

/// A field with its Chinese alias (its OGR alternative name; written to gpkg_data_columns).
struct FieldSpec {
    std::string name;
    OGRFieldType type;
    std::string alias;
};
/// Adds the fields in order; throws an io error naming the layer and field.
void add_fields(OGRLayer& layer, const std::vector<FieldSpec>& fields);

namespace detail {

struct CtDeleter {
    void operator()(OGRCoordinateTransformation* ct) const noexcept { OGRCoordinateTransformation::DestroyCT(ct); }
};

/// The temporary GeoPackage, the output CRS and the transformation into it.
struct WriterState {
    gdal::AtomicGpkg out;
    OGRSpatialReference srs;
    std::unique_ptr<OGRCoordinateTransformation, CtDeleter> ct;  // null: output is EPSG:4490
    bool timings = false;
    std::string crs_name;
    std::string current_layer;
    std::optional<PostgisTarget> postgis;  // a "PG:" target: `out` is only the staging file

    WriterState(const std::filesystem::path& target, const Options& options);

    /// Creates a layer (in the output CRS unless `type` is wkbNone) with fid "fid" and a spatial index.
    OGRLayer& layer(const std::string& name, OGRwkbGeometryType type);
    /// A WKB geometry (EPSG:4490) in the output CRS; polygons become multipolygons.
    gdal::GeometryPtr from_wkb(const model::Wkb& wkb) const;
    /// A lon/lat point in the output CRS.
    gdal::GeometryPtr point(crs::LonLat p) const;
    /// Into the output CRS; GDAL's own complaint becomes part of one error naming the layer.
    void transform(OGRGeometry& g) const;
    /// Inserts the feature; errors name the output file.
    void write(OGRLayer& layer, OGRFeature& f);
};

enum class UnitLevel { township, county };

/// The townships or counties layer (unit_layers.cpp). Geometry: the given boundary where there
/// is one, else the one dissolved from the villages. With a plan: coverage after it.
void write_unit_layer(WriterState& w, UnitLevel level, const std::vector<gaps::UnitSummary>& units,
                      const std::vector<model::AdminUnit>& given, const std::vector<model::AdminUnit>& dissolved,
                      const rules::Rules& rules, const planning::Result* plan);

/// Writes one default QGIS style (QML, QGIS 3) per output layer into the `layer_styles` table,
/// created as QGIS creates it, so QGIS applies the styles when the layers are opened. Colours and
/// symbols follow the Cairo map (output/palette.hpp); each QML carries the fields' Chinese aliases
/// (their OGR alternative names). Deterministic: a fixed update_time and stable order (styles.cpp).
void write_layer_styles(gdal::Dataset& dataset);

/// The GeoPackage schema extension: each field's alias as the `name` of its gpkg_data_columns
/// row, which QGIS shows as the field's alias (data_columns.cpp).
void write_data_columns(gdal::Dataset& dataset);

/// 规划点位清单: every proposed site with its county, township and village names, host, year,
/// rank, people and villages newly covered and cost: the bytes of the file `target` names, in
/// its format (XLSX: GDAL's XLSX driver, one sheet; CSV with a UTF-8 BOM and CRLF, for Excel),
/// committed by the caller with the run's other files (site_list.cpp).
std::string site_list_bytes(const SiteList& target, const analysis::Analysis& a, const rules::Rules& rules,
                            const planning::Result& plan);

}  // namespace detail
}  // namespace scicov::output
