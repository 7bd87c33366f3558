// The PostGIS output (DESIGN: "-o also takes PG:"…" with --schema NAME, all layers in one
// transaction"; docs/postgis.md). The layers are made once, by the GeoPackage writer, into a staging
// file; this copies that file's layers and styles into PostgreSQL through GDAL's PG driver, so the
// database gets exactly the layers, fields and styles the GeoPackage gets.
#include "output/postgis.hpp"

#include <algorithm>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include <cpl_conv.h>
#include <cpl_string.h>
#include <unistd.h>

#include "output/writer.hpp"
#include "scicov/output.hpp"

namespace scicov::output {

namespace detail {

namespace {

/// A quoted SQL string literal (single quotes doubled; standard_conforming_strings is on since 9.1).
std::string literal(const std::string& text) {
    const std::unique_ptr<char, decltype(&CPLFree)> escaped(
        CPLEscapeString(text.c_str(), static_cast<int>(text.size()), CPLES_SQL), &CPLFree);
    return "'" + std::string(escaped ? escaped.get() : "") + "'";
}

/// A quoted SQL identifier: names keep their case, spaces and Chinese characters.
std::string identifier(const std::string& name) {
    std::string out = "\"";
    for (const char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

/// GDAL's (libpq's) message on one line.
std::string one_line(const std::string& message) {
    std::string out = std::regex_replace(message, std::regex(R"(\s+)"), " ");
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

/// An open connection in update mode, and the name errors give it (password hidden).
struct Connection {
    GDALDatasetUniquePtr dataset;
    std::string name;

    Context where(const std::string& table = {}) const { return Context{name, table, {}, {}}; }
    [[noreturn]] void fail(const std::string& what, const std::string& reason, const std::string& table = {}) const {
        throw Error(ErrorKind::io, what + (reason.empty() ? "" : ": " + one_line(reason)), where(table));
    }
};

Connection connect(const std::string& connection) {
    gdal::ensure_registered();
    gdal::ErrorCapture capture;
    Connection c{GDALDatasetUniquePtr(GDALDataset::Open(connection.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE)),
                 redacted(connection)};
    if (!c.dataset) c.fail("cannot connect to PostgreSQL for the output", capture.last_error());
    return c;
}

/// Runs a statement inside the current transaction; a failure throws naming `what` and the table.
void execute(const Connection& c, const std::string& sql, const std::string& what, const std::string& table = {}) {
    gdal::ErrorCapture capture;
    CPLErrorReset();
    OGRLayer* result = c.dataset->ExecuteSQL(sql.c_str(), nullptr, nullptr);
    if (result != nullptr) c.dataset->ReleaseResultSet(result);
    if (!capture.last_error().empty() || CPLGetLastErrorType() >= CE_Failure) {
        c.fail(what, capture.last_error(), table);
    }
}

/// The first column of the first row of a query as text; "" when there is no row.
std::string query_value(const Connection& c, const std::string& sql, const std::string& what) {
    gdal::ErrorCapture capture;
    OGRLayer* result = c.dataset->ExecuteSQL(sql.c_str(), nullptr, nullptr);
    if (result == nullptr) c.fail(what, capture.last_error());
    gdal::FeaturePtr row(result->GetNextFeature());
    std::string value = row ? row->GetFieldAsString(0) : "";
    c.dataset->ReleaseResultSet(result);
    return value;
}

/// PostGIS installed, the schema there and open to us: checked before any work and again at commit.
void check_ready(const Connection& c, const std::string& schema) {
    if (query_value(c, "SELECT extversion FROM pg_extension WHERE extname = 'postgis'", "cannot query the database")
            .empty()) {
        c.fail("PostGIS is not installed in this database (CREATE EXTENSION postgis)", {});
    }
    const std::string can_create = query_value(
        c, "SELECT has_schema_privilege(oid, 'CREATE')::int FROM pg_namespace WHERE nspname = " + literal(schema),
        "cannot query the database");
    if (can_create.empty()) {
        c.fail("the schema \"" + schema +
                   "\" does not exist in this database (CREATE SCHEMA it first, or name another with --schema)",
               {});
    }
    if (can_create != "1") c.fail("no permission to create tables in the schema \"" + schema + "\"", {});
}

/// Rolls back unless committed: GDAL's PG driver would otherwise commit a pending transaction when
/// the dataset closes, and a failed run must leave the schema as it was.
class Transaction {
public:
    explicit Transaction(const Connection& c) : m_c(c) {
        gdal::ErrorCapture capture;
        if (m_c.dataset->StartTransaction(TRUE) != OGRERR_NONE)
            m_c.fail("cannot start a transaction", capture.last_error());
    }
    ~Transaction() {
        if (m_open) {
            gdal::ErrorCapture capture;
            m_c.dataset->RollbackTransaction();
        }
    }
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;

    void commit() {
        gdal::ErrorCapture capture;
        const OGRErr err = m_c.dataset->CommitTransaction();
        m_open = false;  // committed, or rolled back by the server when the commit failed
        if (err != OGRERR_NONE) m_c.fail("cannot commit the output transaction", capture.last_error());
    }

private:
    const Connection& m_c;
    bool m_open = true;
};

/// One layer: the table (replacing an earlier one inside the transaction), its fields with their
/// names as they are, and the features with their FIDs (sent with COPY, GDAL's default for a table
/// it has just created).
void copy_layer(const Connection& c, OGRLayer& src, const std::string& schema) {
    const std::string name = src.GetName();
    CPLStringList options;
    options.SetNameValue("SCHEMA", schema.c_str());
    options.SetNameValue("OVERWRITE", "YES");
    options.SetNameValue("LAUNDER", "NO");
    options.SetNameValue("PRECISION", "NO");
    options.SetNameValue("FID", src.GetFIDColumn()[0] != '\0' ? src.GetFIDColumn() : "fid");
    if (src.GetGeomType() != wkbNone) {
        options.SetNameValue("GEOMETRY_NAME", src.GetGeometryColumn());  // "geom", as the styles' rows say
        options.SetNameValue("SPATIAL_INDEX", "GIST");
    }
    gdal::ErrorCapture capture;
    OGRLayer* dst = c.dataset->CreateLayer(name.c_str(), src.GetSpatialRef(), src.GetGeomType(), options.List());
    if (dst == nullptr) c.fail("cannot create the table", capture.last_error(), name);
    OGRFeatureDefn* defn = src.GetLayerDefn();
    for (int i = 0; i < defn->GetFieldCount(); ++i) {
        if (dst->CreateField(defn->GetFieldDefn(i)) != OGRERR_NONE) {
            throw Error(ErrorKind::io, "cannot create the column: " + one_line(capture.last_error()),
                        Context{c.name, name, {}, defn->GetFieldDefn(i)->GetNameRef()});
        }
    }
    src.ResetReading();
    for (const auto& feature : src) {
        gdal::FeaturePtr out(OGRFeature::CreateFeature(dst->GetLayerDefn()));
        out->SetFrom(feature.get(), TRUE);
        out->SetFID(feature->GetFID());
        try {
            gdal::create_feature(*dst, *out);
        } catch (Error& e) {
            e.with_file(c.name);
            throw;
        }
    }
}

/// The Chinese aliases: PostgreSQL has no gpkg_data_columns; a column's comment is what psql,
/// pgAdmin, DBeaver and QGIS (as the field's comment) show. QGIS's aliases come from the style.
void write_comments(const Connection& c, OGRLayer& src, const std::string& schema) {
    OGRFeatureDefn* defn = src.GetLayerDefn();
    const std::string table = identifier(schema) + "." + identifier(src.GetName());
    for (int i = 0; i < defn->GetFieldCount(); ++i) {
        const OGRFieldDefn* field = defn->GetFieldDefn(i);
        const char* alias = field->GetAlternativeNameRef();
        if (alias == nullptr || *alias == '\0') continue;
        execute(c, "COMMENT ON COLUMN " + table + "." + identifier(field->GetNameRef()) + " IS " + literal(alias),
                "cannot write a column comment", src.GetName());
    }
}

/// The styles into `layer_styles` as QGIS keeps them in PostgreSQL: the table QGIS finds through
/// the search path (created as QGIS creates it when there is none), one row per styled layer with
/// the catalog, schema, table and geometry column QGIS matches on, useAsDefault true. Our earlier
/// rows (description "scicov …") for the schema's scicov tables go; other styles stay (ours are the
/// newest default, which QGIS picks). `type` stays NULL: QGIS 3.22 keeps a geometry type there and
/// takes NULL as any.
void write_styles(const Connection& c, gdal::Dataset& staging, const std::string& schema) {
    OGRLayer* styles = staging.find_layer("layer_styles");
    if (styles == nullptr) return;
    if (query_value(c, "SELECT (to_regclass('layer_styles') IS NULL)::int", "cannot query the database") == "1") {
        execute(c,
                "CREATE TABLE layer_styles (id SERIAL PRIMARY KEY, f_table_catalog varchar, f_table_schema varchar, "
                "f_table_name varchar, f_geometry_column varchar, styleName text, styleQML xml, styleSLD xml, "
                "useAsDefault boolean, description text, owner varchar(63) DEFAULT CURRENT_USER, ui xml, "
                "update_time timestamp DEFAULT CURRENT_TIMESTAMP, type varchar, r_raster_column varchar)",
                "cannot create the layer_styles table", "layer_styles");
    }
    std::string tables;
    for (const char* t : k_postgis_tables) tables += (tables.empty() ? "" : ", ") + literal(t);
    execute(c,
            "DELETE FROM layer_styles WHERE f_table_catalog = current_database() AND f_table_schema = " +
                literal(schema) + " AND f_table_name IN (" + tables + ") AND description LIKE 'scicov %'",
            "cannot replace the styles", "layer_styles");
    styles->ResetReading();
    for (const auto& row : *styles) {
        const std::string description = row->GetFieldAsString("description");
        const std::string table = row->GetFieldAsString("f_table_name");
        const std::string values = "current_database(), " + literal(schema) + ", " + literal(table) + ", " +
                                   literal(row->GetFieldAsString("f_geometry_column")) + ", " +
                                   literal(row->GetFieldAsString("styleName")) + ", XMLPARSE(DOCUMENT " +
                                   literal(row->GetFieldAsString("styleQML")) + "), true, " + literal(description) +
                                   ", current_user";
        execute(c,
                "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, "
                "styleName, styleQML, useAsDefault, description, owner) VALUES (" +
                    values + ")",
                "cannot write the styles", "layer_styles");
    }
}

}  // namespace

std::filesystem::path staging_path(const std::filesystem::path& target) {
    if (!is_postgis(target.string())) return target;
    // One name for every run: the AtomicFile under it is "scicov-postgis.gpkg.tmp-<pid>-<n>.gpkg", unique
    // per process, and what a killed run left there is found by remove_stale_temporaries.
    return std::filesystem::temp_directory_path() / "scicov-postgis.gpkg";
}

std::string redacted(const std::string& connection) {
    static const std::regex keyword(R"((password\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s']*))", std::regex::icase);
    static const std::regex uri(R"((://[^:/@\s]*:)[^@\s]*@)");
    return std::regex_replace(std::regex_replace(connection, keyword, "$1***"), uri, "$1***@");
}

void write_postgis(gdal::Dataset& staging, const PostgisTarget& target) {
    const Connection c = connect(target.connection);
    check_ready(c, target.schema);
    std::vector<std::string> written;
    {
        Transaction transaction(c);
        GDALDataset& src = staging.get();
        for (int i = 0; i < src.GetLayerCount(); ++i) {
            OGRLayer& layer = *src.GetLayer(i);
            if (std::string(layer.GetName()) == "layer_styles") continue;
            copy_layer(c, layer, target.schema);
            written.emplace_back(layer.GetName());
        }
        for (const char* table : k_postgis_tables) {
            if (std::find(written.begin(), written.end(), table) != written.end()) continue;
            execute(c, "DROP TABLE IF EXISTS " + identifier(target.schema) + "." + identifier(table) + " CASCADE",
                    "cannot drop the earlier run's table", table);
        }
        for (int i = 0; i < src.GetLayerCount(); ++i) {
            if (std::string(src.GetLayer(i)->GetName()) != "layer_styles") {
                write_comments(c, *src.GetLayer(i), target.schema);
            }
        }
        write_styles(c, staging, target.schema);
        transaction.commit();
    }
}

}  // namespace detail

bool is_postgis(std::string_view target) {
    return target.size() >= 3 && EQUALN(target.data(), "PG:", 3);
}

void check_postgis(const std::string& connection, const std::string& schema) {
    detail::check_ready(detail::connect(connection), schema);
}

}  // namespace scicov::output
