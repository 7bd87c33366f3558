// Field aliases for QGIS: the GeoPackage schema extension (gpkg_data_columns). GDAL 3.6 keeps
// alternative names on field definitions but does not write this table itself.
#include <memory>
#include <string>
#include <vector>

#include <cpl_conv.h>
#include <cpl_string.h>

#include "core/gdal.hpp"
#include "output/writer.hpp"

namespace scicov::output::detail {

namespace {

/// A quoted SQL string literal (single quotes doubled by GDAL's escaper).
std::string quoted(const std::string& text) {
    const std::unique_ptr<char, decltype(&CPLFree)> escaped(
        CPLEscapeString(text.c_str(), static_cast<int>(text.size()), CPLES_SQL), &CPLFree);
    return "'" + std::string(escaped ? escaped.get() : "") + "'";
}

}  // namespace

void write_data_columns(gdal::Dataset& dataset) {
    GDALDataset& ds = dataset.get();
    std::vector<std::string> statements{
        "CREATE TABLE IF NOT EXISTS gpkg_data_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, "
        "name TEXT, title TEXT, description TEXT, mime_type TEXT, constraint_name TEXT, "
        "CONSTRAINT pk_gdc PRIMARY KEY (table_name, column_name), CONSTRAINT gdc_tn UNIQUE (table_name, name))",
        "CREATE TABLE IF NOT EXISTS gpkg_data_column_constraints (constraint_name TEXT NOT NULL, "
        "constraint_type TEXT NOT NULL, value TEXT, min NUMERIC, min_is_inclusive BOOLEAN, max NUMERIC, "
        "max_is_inclusive BOOLEAN, description TEXT, CONSTRAINT gdcc_ntv UNIQUE (constraint_name, constraint_type, "
        "value))",
        "INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope) VALUES "
        "('gpkg_data_columns', NULL, 'gpkg_schema', 'http://www.geopackage.org/spec121/#extension_schema', "
        "'read-write')",
        "INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope) VALUES "
        "('gpkg_data_column_constraints', NULL, 'gpkg_schema', 'http://www.geopackage.org/spec121/#extension_schema', "
        "'read-write')"};
    for (int i = 0; i < ds.GetLayerCount(); ++i) {
        OGRLayer* layer = ds.GetLayer(i);
        OGRFeatureDefn* defn = layer->GetLayerDefn();
        for (int f = 0; f < defn->GetFieldCount(); ++f) {
            const OGRFieldDefn* field = defn->GetFieldDefn(f);
            const char* alias = field->GetAlternativeNameRef();
            if (alias == nullptr || *alias == '\0') continue;
            statements.push_back("INSERT INTO gpkg_data_columns (table_name, column_name, name, title) VALUES (" +
                                 quoted(layer->GetName()) + ", " + quoted(field->GetNameRef()) + ", " + quoted(alias) +
                                 ", " + quoted(alias) + ")");
        }
    }
    // gpkg_extensions exists once any layer has a spatial index; make sure it does regardless.
    ds.ExecuteSQL(
        "CREATE TABLE IF NOT EXISTS gpkg_extensions (table_name TEXT, column_name TEXT, extension_name TEXT "
        "NOT NULL, definition TEXT NOT NULL, scope TEXT NOT NULL, CONSTRAINT ge_tce UNIQUE (table_name, "
        "column_name, extension_name))",
        nullptr, nullptr);
    dataset.start_transaction();
    for (const auto& sql : statements) {
        gdal::ErrorCapture capture;
        ds.ExecuteSQL(sql.c_str(), nullptr, nullptr);
        if (!capture.last_error().empty()) {
            throw Error(ErrorKind::io, "cannot write field aliases: " + capture.last_error(),
                        Context{dataset.name(), "gpkg_data_columns", {}, {}});
        }
    }
    dataset.commit_transaction();
}

}  // namespace scicov::output::detail
