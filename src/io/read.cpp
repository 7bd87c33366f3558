// Reading inputs: find each role's layer, map its fields, check every feature, and turn it
// into model records in EPSG:4490. Data problems are collected, never thrown one at a time.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string_view>
#include <unordered_map>

#include <cpl_string.h>
#include <ogr_geometry.h>
#include <ogr_spatialref.h>

#include "core/gdal.hpp"
#include "core/geos.hpp"
#include "core/parallel.hpp"
#include "io/divisions.hpp"
#include "io/input.hpp"
#include "io/population.hpp"
#include "io/roads.hpp"
#include "scicov/crs.hpp"
#include "scicov/io.hpp"

namespace scicov::io {

std::pair<std::string, LayerSpec> parse_layer_override(const std::string& text) {
    const auto eq = text.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == text.size()) {
        throw Error(ErrorKind::usage, "--layer takes ROLE=DATASET[:LAYER], got '" + text + "'");
    }
    std::string role = text.substr(0, eq);
    std::string rest = text.substr(eq + 1);
    LayerSpec spec{rest, {}};
    const auto colon = rest.rfind(':');
    if (colon != std::string::npos && colon > 0 && colon + 1 < rest.size()) {
        const std::string head = rest.substr(0, colon);
        std::error_code ec;
        if (std::filesystem::exists(head, ec)) spec = LayerSpec{head, rest.substr(colon + 1)};
    }
    return {std::move(role), std::move(spec)};
}

namespace {

struct CtDeleter {
    void operator()(OGRCoordinateTransformation* ct) const noexcept { OGRCoordinateTransformation::DestroyCT(ct); }
};
using CtPtr = std::unique_ptr<OGRCoordinateTransformation, CtDeleter>;

/// A role's layer, found in one of the open datasets.
struct Found {
    const gdal::Dataset* dataset = nullptr;
    OGRLayer* layer = nullptr;
    std::string role;
    std::string name;  ///< the layer's own name

    /// The position of the feature being read (1-based; 0 outside a read): named with its id.
    mutable std::int64_t row = 0;

    Context context() const { return Context{dataset->name(), name, {}, {}}; }
    Context context(std::int64_t fid, std::string field = {}) const {
        return Context{dataset->name(), name, fid, std::move(field), row > 0 ? std::optional(row) : std::nullopt};
    }
};

enum class Shape { polygon, point, line };

/// True when every coordinate of the geometry is finite.
bool all_finite(const OGRGeometry& g) {
    struct Visitor final : OGRDefaultConstGeometryVisitor {
        bool finite = true;
        using OGRDefaultConstGeometryVisitor::visit;
        void visit(const OGRPoint* p) override {
            finite = finite && std::isfinite(p->getX()) && std::isfinite(p->getY());
        }
    } visitor;
    g.accept(&visitor);
    return visitor.finite;
}

/// A CRS that says only that there is none: a GeoPackage's srs_id 0 ("undefined geographic")
/// or -1 ("undefined Cartesian"), which GDAL reports as an SRS without an authority.
bool undefined_srs(const OGRSpatialReference& srs) {
    if (srs.IsEmpty()) return true;
    const char* name = srs.GetName();
    return srs.GetAuthorityCode(nullptr) == nullptr && name != nullptr &&
           std::string_view(name).rfind("Undefined", 0) == 0;
}

/// The [fields.<role>] table of a layer role: townships and counties share "units", a layer
/// per facility type takes the facilities' fields.
std::string field_role(const std::string& role) {
    if (role == k_role_townships || role == k_role_counties) return "units";
    if (role == k_role_villages || role == k_role_candidates) return role;
    return k_role_facilities;
}

class Reader {
public:
    Reader(const ReadOptions& options, Diagnostics& diagnostics, const Reporter& reporter)
        : m_options(options), m_diag(diagnostics), m_reporter(reporter) {
        for (const auto& name : options.inputs) m_inputs.push_back(&open(name));
    }

    /// The role's layer: an override, or the one input holding a layer of that name.
    std::optional<Found> find(const std::string& role) {
        if (auto it = m_options.layers.find(role); it != m_options.layers.end()) {
            const gdal::Dataset& ds = open(it->second.dataset, role);
            std::string layer_name = it->second.layer;
            if (layer_name.empty()) {
                // A dataset with one layer (a Shapefile, a CSV) needs no layer name.
                auto names = ds.layer_names();
                if (names.size() == 1) {
                    layer_name = names.front();
                } else if (role == k_role_roads && detail::is_osm(ds.get())) {
                    layer_name = detail::k_osm_lines_layer;  // OSM's ways
                } else {
                    layer_name = role;
                }
            }
            OGRLayer& layer = ds.layer(layer_name);
            return Found{&ds, &layer, role, layer_name};
        }
        std::optional<Found> found;
        for (const gdal::Dataset* ds : m_inputs) {
            OGRLayer* layer = ds->find_layer(role);
            if (layer == nullptr) continue;
            if (found) {
                m_diag.error(Context{ds->name(), role, {}, {}},
                             "layer '" + role + "' is also in " + found->dataset->name() +
                                 "; choose one with --layer " + role + "=DATASET[:LAYER]");
                continue;
            }
            found = Found{ds, layer, role, role};
        }
        return found;
    }

    /// Coordinate transformation from the layer's CRS to EPSG:4490, or null when it is already
    /// geographic CGCS2000/WGS84 lon/lat. Reports a missing CRS.
    bool prepare_crs(const Found& f, CtPtr& ct) {
        ct.reset();
        OGRSpatialReference declared;
        const OGRSpatialReference* source = f.layer->GetSpatialRef();
        if (auto it = m_options.crs.find(f.role); it != m_options.crs.end()) {
            declared = gdal::srs_from_user_input(it->second);
            source = &declared;
        } else if (source == nullptr || undefined_srs(*source)) {
            const std::string driver =
                f.dataset->get().GetDriver() ? f.dataset->get().GetDriver()->GetDescription() : "";
            if (driver == "CSV") {
                // Lon/lat columns of a CSV are WGS84 degrees by convention.
                declared = gdal::srs_from_user_input("EPSG:4326");
                source = &declared;
            } else {
                m_diag.error(f.context(), "the layer has no CRS; declare it with --crs " + f.role +
                                              "=EPSG:4490 (or "
                                              "the right code)");
                return false;
            }
        }
        OGRSpatialReference target = gdal::srs_from_user_input(crs::k_output_crs);
        if (source->IsGeographic() && (source->GetAuthorityCode(nullptr) != nullptr) &&
            (std::string(source->GetAuthorityCode(nullptr)) == "4490" ||
             std::string(source->GetAuthorityCode(nullptr)) == "4326")) {
            // CGCS2000 and WGS84 agree to centimetres; no transformation needed, but keep lon/lat order.
            OGRSpatialReference copy(*source);
            copy.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
            ct.reset(OGRCreateCoordinateTransformation(&copy, &target));
        } else {
            OGRSpatialReference copy(*source);
            copy.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
            gdal::ErrorCapture capture;
            ct.reset(OGRCreateCoordinateTransformation(&copy, &target));
            if (!ct) {
                m_diag.error(f.context(), "cannot transform the layer's CRS to EPSG:4490" +
                                              (capture.last_error().empty() ? "" : ": " + capture.last_error()));
                return false;
            }
        }
        return true;
    }

    /// Field index, or -1 with an error (listing the fields there are) when required.
    int field(const Found& f, const std::string& name, bool required) {
        int idx = f.layer->GetLayerDefn()->GetFieldIndex(name.c_str());
        if (idx < 0) idx = detail::alias_field_index(*f.layer->GetLayerDefn(), name);  // 名称, 人口 …
        if (idx < 0 && required) {
            std::string have;
            OGRFeatureDefn* defn = f.layer->GetLayerDefn();
            for (int i = 0; i < defn->GetFieldCount(); ++i) {
                have += std::string(have.empty() ? "" : ", ") + defn->GetFieldDefn(i)->GetNameRef();
            }
            m_diag.error(Context{f.dataset->name(), f.name, {}, name},
                         "missing field (the layer has: " + (have.empty() ? "none" : have) + "); map it with --field " +
                             field_role(f.role) + ".FIELD=COLUMN or in the rules file's [fields] table");
        }
        return idx;
    }

    /// The geometry in EPSG:4490 lon/lat, or nothing (with an error) when it is null, empty, of
    /// the wrong kind, untransformable or outside China.
    gdal::GeometryPtr geometry(const Found& f, OGRFeature& feat, Shape shape, OGRCoordinateTransformation* ct) {
        const auto fid = feat.GetFID();
        const OGRGeometry* g = feat.GetGeometryRef();
        if (g == nullptr) {
            m_diag.error(f.context(fid), "null geometry");
            return nullptr;
        }
        if (g->IsEmpty()) {
            m_diag.error(f.context(fid), "empty geometry");
            return nullptr;
        }
        const auto flat = wkbFlatten(g->getGeometryType());
        gdal::GeometryPtr out;
        if (shape == Shape::polygon) {
            if (flat == wkbPolygon || flat == wkbMultiPolygon) {
                out.reset(g->clone());
            } else if (flat == wkbCurvePolygon || flat == wkbMultiSurface) {
                out.reset(g->getLinearGeometry());
            } else {
                m_diag.error(f.context(fid),
                             std::string("expected a polygon, got ") + OGRGeometryTypeToName(g->getGeometryType()));
                return nullptr;
            }
        } else if (shape == Shape::line) {
            if (flat == wkbLineString || flat == wkbMultiLineString) {
                out.reset(g->clone());
            } else if (flat == wkbCircularString || flat == wkbCompoundCurve || flat == wkbMultiCurve) {
                out.reset(g->getLinearGeometry());
            } else {
                m_diag.error(f.context(fid),
                             std::string("expected a line, got ") + OGRGeometryTypeToName(g->getGeometryType()));
                return nullptr;
            }
        } else {
            if (flat == wkbPoint) {
                out.reset(g->clone());
            } else if (flat == wkbMultiPoint && g->toMultiPoint()->getNumGeometries() == 1) {
                out.reset(g->toMultiPoint()->getGeometryRef(0)->clone());
            } else {
                m_diag.error(f.context(fid),
                             std::string("expected a point, got ") + OGRGeometryTypeToName(g->getGeometryType()));
                return nullptr;
            }
        }
        out->flattenTo2D();
        if (!all_finite(*out)) {
            m_diag.error(f.context(fid), "a coordinate is not a finite number (NaN or infinity)");
            return nullptr;
        }
        if (ct != nullptr && out->transform(ct) != OGRERR_NONE) {
            m_diag.error(f.context(fid), "coordinates cannot be transformed to EPSG:4490");
            return nullptr;
        }
        OGREnvelope env;
        out->getEnvelope(&env);
        const crs::LonLat lo{env.MinX, env.MinY}, hi{env.MaxX, env.MaxY};
        if (!crs::plausibly_in_china(lo) || !crs::plausibly_in_china(hi)) {
            const bool swapped = crs::plausibly_in_china({lo.lat, lo.lon}) && crs::plausibly_in_china({hi.lat, hi.lon});
            char buf[160];
            std::snprintf(buf, sizeof buf, "coordinates (%.6f, %.6f) cannot be in China%s", env.MinX, env.MinY,
                          swapped ? " — are longitude and latitude swapped?" : "");
            m_diag.error(f.context(fid), buf);
            return nullptr;
        }
        return out;
    }

    /// The declared web-map datum of a role's points (--datum ROLE=gcj02|bd09), WGS84 otherwise.
    crs::Datum datum(const Found& f) const {
        auto it = m_options.datum.find(f.role);
        return it == m_options.datum.end() ? crs::Datum::wgs84 : crs::parse_datum(it->second);
    }

    /// A text field: checked to be UTF-8 (a GBK Shapefile without .cpg fails here).
    std::string text(const Found& f, OGRFeature& feat, int idx) {
        if (idx < 0 || !feat.IsFieldSetAndNotNull(idx)) return {};
        const OGRFieldDefn* defn = feat.GetFieldDefnRef(idx);
        std::string value;
        if (defn->GetType() == OFTReal) {
            // Codes stored as numbers (a common Shapefile habit): print the whole number.
            const double v = feat.GetFieldAsDouble(idx);
            if (!std::isfinite(v) || v != std::floor(v) || std::fabs(v) >= 1e15) {
                m_diag.error(
                    f.context(feat.GetFID(), defn->GetNameRef()),
                    std::string(feat.GetFieldAsString(idx)) + " is not a whole number (a code is digits only)");
                return {};
            }
            char buf[64];
            std::snprintf(buf, sizeof buf, "%.0f", v);
            value = buf;
        } else {
            value = feat.GetFieldAsString(idx);
        }
        if (!CPLIsUTF8(value.c_str(), -1)) {
            m_diag.error(f.context(feat.GetFID(), defn->GetNameRef()),
                         "text is not UTF-8; name its encoding with --encoding " + f.role +
                             "=GBK (or a .cpg file beside a Shapefile)");
            return {};
        }
        return value;
    }

    /// SQLite-based layers (GeoPackage, SQLite) can hold text in a numeric column, which GDAL
    /// reads as 0 without a word. Each such value is an error naming its feature and field.
    void check_stored_numbers(const Found& f, const std::vector<std::string>& fields) {
        GDALDataset& ds = f.dataset->get();
        const std::string driver = ds.GetDriver() != nullptr ? ds.GetDriver()->GetDescription() : "";
        if (driver != "GPKG" && driver != "SQLite") return;
        const std::string fid =
            f.layer->GetFIDColumn() != nullptr && *f.layer->GetFIDColumn() != '\0' ? f.layer->GetFIDColumn() : "rowid";
        const auto quoted = [](const std::string& name) {
            return "\"" + std::string(CPLString(name).replaceAll("\"", "\"\"")) + "\"";
        };
        for (const auto& field : fields) {
            const int idx = f.layer->GetLayerDefn()->GetFieldIndex(field.c_str());
            if (idx < 0) continue;
            const OGRFieldType type = f.layer->GetLayerDefn()->GetFieldDefn(idx)->GetType();
            if (type != OFTInteger && type != OFTInteger64 && type != OFTReal) continue;  // text is parsed later
            // The FID as text: GDAL would otherwise take it for the result's own FID column.
            const std::string sql = "SELECT CAST(" + quoted(fid) + " AS TEXT) AS scicov_row, CAST(" + quoted(field) +
                                    " AS TEXT) AS scicov_value FROM " + quoted(f.name) + " WHERE typeof(" +
                                    quoted(field) + ") NOT IN ('integer', 'real', 'null') ORDER BY " + quoted(fid) +
                                    " LIMIT 100";
            gdal::ErrorCapture capture;  // a layer that is a view or lacks the column: nothing to check
            OGRLayer* rows = ds.ExecuteSQL(sql.c_str(), nullptr, nullptr);
            if (rows == nullptr) continue;
            while (gdal::FeaturePtr row{rows->GetNextFeature()}) {
                const std::string value = row->GetFieldAsString(1);
                m_diag.error(f.context(std::strtoll(row->GetFieldAsString(0), nullptr, 10), field),
                             "\"" + (CPLIsUTF8(value.c_str(), -1) ? value : std::string("<not UTF-8>")) +
                                 "\" is text in a numeric column (GDAL would read it as 0)");
            }
            ds.ReleaseResultSet(rows);
        }
    }

    /// A number field: accepts numeric types and numeric text; reports null and non-numbers.
    std::optional<double> number(const Found& f, OGRFeature& feat, int idx, bool required) {
        if (idx < 0) return std::nullopt;
        const OGRFieldDefn* defn = feat.GetFieldDefnRef(idx);
        const Context where = f.context(feat.GetFID(), defn->GetNameRef());
        if (!feat.IsFieldSetAndNotNull(idx)) {
            if (required) m_diag.error(where, "value is missing");
            return std::nullopt;
        }
        const OGRFieldType type = defn->GetType();
        if (defn->GetSubType() == OFSTBoolean) {
            m_diag.error(where, "a yes/no (boolean) field, not a number");
            return std::nullopt;
        }
        if (type == OFTInteger || type == OFTInteger64 || type == OFTReal) {
            const double v = feat.GetFieldAsDouble(idx);
            if (!std::isfinite(v)) {
                m_diag.error(where, std::string(feat.GetFieldAsString(idx)) + " is not a finite number");
                return std::nullopt;
            }
            return v;
        }
        std::string s = feat.GetFieldAsString(idx);
        s.erase(0, s.find_first_not_of(" \t"));
        s.erase(s.find_last_not_of(" \t") + 1);
        double v = 0;
        auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
        if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(v)) {
            m_diag.error(where,
                         "\"" + (CPLIsUTF8(s.c_str(), -1) ? s : std::string("<not UTF-8>")) + "\" is not a number");
            return std::nullopt;
        }
        return v;
    }

    /// Calls fn on every feature of the layer. A read that GDAL fails part-way (a damaged page,
    /// a lost connection) is an error naming the layer and how far it got — never a shorter
    /// layer; so is a count that differs from what the layer says it holds. A feature that GDAL
    /// could read only in part (it warns, e.g. text in a numeric column read as 0) is an error
    /// naming that feature, and is not used.
    template <class Fn>
    void each(const Found& f, const char* stage, Fn&& fn) {
        f.row = 0;
        gdal::each_feature(
            *f.layer, f.context(),
            [&](OGRFeature& feat, const std::vector<std::string>& warnings) {
                ++f.row;
                if (!warnings.empty()) {
                    m_diag.error(f.context(feat.GetFID()),
                                 "GDAL could not read the feature as stored: " + warnings.front());
                } else {
                    fn(feat);
                }
            },
            [&](GIntBig n, GIntBig expected) {
                m_reporter.step(stage, static_cast<double>(n) / static_cast<double>(std::max<GIntBig>(1, expected)));
            });
        f.row = 0;
        m_reporter.step(stage, 1.0);
    }

    Diagnostics& diag() { return m_diag; }
    /// The facility types by name: the rules' (ReadOptions::type_names), or the keys alone.
    rules::TypeNames type_names() const {
        if (!m_options.type_names.empty()) return m_options.type_names;
        std::vector<rules::FacilityType> types;
        for (const auto& k : m_options.type_keys) {
            rules::FacilityType t;
            t.key = t.name_zh = k;
            types.push_back(std::move(t));
        }
        return rules::TypeNames(types);
    }
    const ReadOptions& options() const { return m_options; }

private:
    const gdal::Dataset& open(const std::string& name, const std::string& role = {}) {
        auto it = m_open.find(name);
        if (it == m_open.end()) {
            auto ds = std::make_unique<gdal::Dataset>(detail::open_input(name, role, m_options, m_diag, m_temps));
            it = m_open.emplace(name, std::move(ds)).first;
        }
        return *it->second;
    }

    const ReadOptions& m_options;
    Diagnostics& m_diag;
    const Reporter& m_reporter;
    detail::TempFiles m_temps;  // before m_open: the datasets close before their copies go
    std::map<std::string, std::unique_ptr<gdal::Dataset>> m_open;
    std::vector<const gdal::Dataset*> m_inputs;
};

bool all_digits(const std::string& s, std::size_t n) {
    return s.size() == n && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool wanted_county(const ReadOptions& o, const std::string& county) {
    return o.counties.empty() || std::find(o.counties.begin(), o.counties.end(), county) != o.counties.end();
}

/// Repairs an invalid polygon with a warning; returns the polygonal WKB and the
/// representative point, or nothing when no area is left.
bool polygon_to_model(const geos::GeosContext& ctx, const OGRGeometry& g, const Context& where, Diagnostics& diag,
                      model::Wkb& wkb, crs::LonLat* rep) {
    auto geom = ctx.from_ogr(g);
    if (!ctx.is_valid(*geom)) {
        const std::string reason = ctx.invalid_reason(*geom);
        geom = ctx.polygonal(*ctx.make_valid(*geom));
        if (ctx.is_empty(*geom)) {
            diag.error(where, "invalid polygon with no area left after repair (" + reason + ")");
            return false;
        }
        diag.warning(where, "invalid polygon repaired with GEOS make-valid (" + reason + ")");
    } else {
        geom = ctx.polygonal(*geom);
    }
    if (ctx.area(*geom) <= 0) {
        diag.error(where, "polygon has no area");
        return false;
    }
    wkb = ctx.to_wkb(*geom);
    if (rep != nullptr) {
        auto p = ctx.point_on_surface(*geom);
        auto [x, y] = ctx.xy(*p);
        *rep = {x, y};
    }
    return true;
}

/// Polygons checked and repaired (polygon_to_model) a batch at a time, spread over the reader's
/// threads: GEOS's validity test is most of a polygon layer's reading. Each item whose polygon
/// keeps an area goes to `keep`, and every issue to the diagnostics, in reading order.
template <class Item>
class PolygonChecks {
public:
    using Keep = std::function<void(Item&&)>;
    PolygonChecks(unsigned threads, Diagnostics& diag, Keep keep)
        : m_threads(threads), m_diag(diag), m_keep(std::move(keep)) {}
    PolygonChecks(const PolygonChecks&) = delete;
    PolygonChecks& operator=(const PolygonChecks&) = delete;

    void add(Item item, gdal::GeometryPtr geom, Context where) {
        m_pending.push_back(Pending{std::move(item), std::move(geom), std::move(where)});
        if (m_pending.size() == k_batch) flush();
    }

    void flush() {
        const std::size_t n = m_pending.size();
        std::vector<Diagnostics> issues(n);
        std::vector<std::uint8_t> kept(n, 0);
        core::parallel_for_ranges(n, 64, m_threads, [&] {
            return [&, ctx = std::make_shared<geos::GeosContext>()](std::size_t a, std::size_t b) {
                for (std::size_t i = a; i < b; ++i) {
                    auto& p = m_pending[i];
                    kept[i] = polygon_to_model(*ctx, *p.geom, p.where, issues[i], p.item.geometry, rep(p.item)) ? 1 : 0;
                }
            };
        });
        for (std::size_t i = 0; i < n; ++i) {
            m_diag.merge(issues[i]);
            if (kept[i]) m_keep(std::move(m_pending[i].item));
        }
        m_pending.clear();
    }

private:
    static constexpr std::size_t k_batch = 4096;  // features held at once (their OGR geometries)
    struct Pending {
        Item item;
        gdal::GeometryPtr geom;
        Context where;
    };
    static crs::LonLat* rep(model::Village& v) { return &v.rep; }
    static crs::LonLat* rep(model::AdminUnit&) { return nullptr; }

    unsigned m_threads;
    Diagnostics& m_diag;
    Keep m_keep;
    std::vector<Pending> m_pending;
};

void read_villages(Reader& r, model::Inputs& out) {
    auto found = r.find(k_role_villages);
    if (!found) {
        r.diag().error(Context{}, "no villages layer in the inputs (a layer named 'villages', or --layer villages=…)");
        return;
    }
    const auto& fm = r.options().fields;
    CtPtr ct;
    const bool crs_ok = r.prepare_crs(*found, ct);
    const int i_code = r.field(*found, fm.village_code, true);
    const int i_name = r.field(*found, fm.village_name, true);
    const bool own_pop = !detail::population_layer_given(r.options());  // else read_population sets it
    const int i_pop = own_pop ? r.field(*found, fm.village_population, true) : -1;
    const int i_town = r.field(*found, fm.village_township_code, false);
    const int i_county = r.field(*found, fm.village_county_code, false);
    if (!crs_ok || i_code < 0 || i_name < 0 || (own_pop && i_pop < 0)) return;
    if (own_pop) r.check_stored_numbers(*found, {fm.village_population});
    if (!own_pop && r.field(*found, fm.village_population, false) >= 0) {
        r.diag().warning(Context{found->dataset->name(), found->name, {}, fm.village_population},
                         "the villages' own population column is not used: --layer population gives the people "
                         "(村人口取自 --layer population，不用村界图层的人口字段)");
    }

    std::unordered_map<std::string, std::int64_t> seen;
    PolygonChecks<model::Village> checks(r.options().threads, r.diag(),
                                         [&](model::Village&& v) { out.villages.push_back(std::move(v)); });
    r.each(*found, "reading villages", [&](OGRFeature& feat) {
        const auto fid = feat.GetFID();
        model::Village v;
        v.source = {found->dataset->name(), found->name, fid};
        v.code = r.text(*found, feat, i_code);
        if (!all_digits(v.code, model::k_village_digits)) {
            r.diag().error(found->context(fid, fm.village_code),
                           "\"" + v.code + "\" is not a 12-digit division code (统计用区划代码)");
            return;
        }
        v.county_code = model::code_prefix(v.code, model::k_county_digits);
        v.township_code = model::code_prefix(v.code, model::k_township_digits);
        if (!wanted_county(r.options(), v.county_code)) return;
        if (auto [it, fresh] = seen.emplace(v.code, fid); !fresh) {
            r.diag().error(found->context(fid, fm.village_code),
                           "duplicate code " + v.code + " (also feature " + std::to_string(it->second) + ")");
            return;
        }
        for (auto [idx, expect, field] : {std::tuple{i_town, v.township_code, fm.village_township_code},
                                          std::tuple{i_county, v.county_code, fm.village_county_code}}) {
            if (idx < 0) continue;
            const std::string given = r.text(*found, feat, idx);
            if (!given.empty() && given != expect) {
                r.diag().error(found->context(fid, field), "\"" + given + "\" does not nest with village code " +
                                                               v.code + " (expected " + expect + ")");
            }
        }
        v.name = r.text(*found, feat, i_name);
        auto pop = own_pop ? r.number(*found, feat, i_pop, true) : std::optional<double>(0.0);
        if (!pop) return;
        if (*pop < 0 || *pop > model::k_max_village_population) {
            char buf[128];
            std::snprintf(
                buf, sizeof buf,
                *pop < 0 ? "population %g is negative" : "population %g is not plausible for one village (at most %g)",
                *pop, model::k_max_village_population);
            r.diag().error(found->context(fid, fm.village_population), buf);
            return;
        }
        v.population = *pop;
        auto geom = r.geometry(*found, feat, Shape::polygon, ct.get());
        if (!geom) return;
        checks.add(std::move(v), std::move(geom), found->context(fid));
    });
    checks.flush();
    std::sort(out.villages.begin(), out.villages.end(),
              [](const model::Village& a, const model::Village& b) { return a.code < b.code; });
}

void read_units(Reader& r, const char* role, std::size_t digits, std::vector<model::AdminUnit>& out) {
    auto found = r.find(role);
    if (!found) return;
    const auto& fm = r.options().fields;
    CtPtr ct;
    const bool crs_ok = r.prepare_crs(*found, ct);
    const int i_code = r.field(*found, fm.unit_code, true);
    const int i_name = r.field(*found, fm.unit_name, true);
    if (!crs_ok || i_code < 0 || i_name < 0) return;
    std::unordered_map<std::string, std::int64_t> seen;
    PolygonChecks<model::AdminUnit> checks(r.options().threads, r.diag(),
                                           [&](model::AdminUnit&& u) { out.push_back(std::move(u)); });
    r.each(*found, std::string("reading ").append(role).c_str(), [&](OGRFeature& feat) {
        const auto fid = feat.GetFID();
        model::AdminUnit u;
        u.source = {found->dataset->name(), found->name, fid};
        u.code = r.text(*found, feat, i_code);
        if (!all_digits(u.code, digits)) {
            r.diag().error(found->context(fid, fm.unit_code),
                           "\"" + u.code + "\" is not a " + std::to_string(digits) + "-digit division code");
            return;
        }
        const std::string county = model::code_prefix(u.code, model::k_county_digits);
        if (!wanted_county(r.options(), county)) return;
        if (auto [it, fresh] = seen.emplace(u.code, fid); !fresh) {
            r.diag().error(found->context(fid, fm.unit_code),
                           "duplicate code " + u.code + " (also feature " + std::to_string(it->second) + ")");
            return;
        }
        u.name = r.text(*found, feat, i_name);
        if (digits == model::k_township_digits) u.parent_code = county;
        auto geom = r.geometry(*found, feat, Shape::polygon, ct.get());
        if (!geom) return;
        checks.add(std::move(u), std::move(geom), found->context(fid));
    });
    checks.flush();
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.code < b.code; });
}

void read_facility_layer(Reader& r, const Found& found, const std::string& fixed_type, model::Inputs& out) {
    const auto& fm = r.options().fields;
    CtPtr ct;
    if (!r.prepare_crs(found, ct)) return;
    const int i_type = fixed_type.empty() ? r.field(found, fm.facility_type, true) : -1;
    if (fixed_type.empty() && i_type < 0) return;
    const int i_id = r.field(found, fm.facility_id, false);
    const int i_name = r.field(found, fm.facility_name, false);
    const int i_grade = r.field(found, fm.facility_grade, false);
    const int i_status = r.field(found, fm.facility_status, false);
    const auto& keys = r.options().type_keys;
    const rules::TypeNames names = r.type_names();
    const crs::Datum datum = r.datum(found);
    r.each(found, "reading facilities", [&](OGRFeature& feat) {
        const auto fid = feat.GetFID();
        model::Facility f;
        f.source = {found.dataset->name(), found.name, fid};
        f.type = fixed_type.empty() ? r.text(found, feat, i_type) : fixed_type;
        if (std::find(keys.begin(), keys.end(), f.type) == keys.end()) {
            if (auto key = names.key_of(f.type)) {
                f.type = *key;  // 科普基地, ＥＳ …
            } else {
                r.diag().error(found.context(fid, fm.facility_type),
                               "unknown facility type \"" + f.type + "\"" + names.suggestion(f.type));
                return;
            }
        }
        f.id = r.text(found, feat, i_id);
        if (f.id.empty()) f.id = found.name + ":" + std::to_string(fid);
        f.name = r.text(found, feat, i_name);
        f.grade = r.text(found, feat, i_grade);
        const std::string status = r.text(found, feat, i_status);
        const auto parsed = detail::parse_status(status);
        f.status = parsed.value_or(model::FacilityStatus::existing);
        if (!parsed) {
            r.diag().error(found.context(fid, fm.facility_status),
                           "status \"" + status + "\" must be existing or planned (已建/现有, 规划/在建)");
            return;
        }
        auto geom = r.geometry(found, feat, Shape::point, ct.get());
        if (!geom) return;
        const OGRPoint* p = geom->toPoint();
        f.location = crs::to_wgs84({p->getX(), p->getY()}, datum);
        out.facilities.push_back(std::move(f));
    });
}

void read_facilities(Reader& r, model::Inputs& out) {
    if (auto found = r.find(k_role_facilities)) read_facility_layer(r, *found, {}, out);
    for (const auto& key : r.options().type_keys) {
        if (auto found = r.find(key)) read_facility_layer(r, *found, key, out);
    }
    std::sort(out.facilities.begin(), out.facilities.end(), [](const model::Facility& a, const model::Facility& b) {
        return std::tie(a.type, a.id) < std::tie(b.type, b.id);
    });
    for (std::size_t i = 1; i < out.facilities.size(); ++i) {
        const auto& a = out.facilities[i - 1];
        const auto& b = out.facilities[i];
        if (a.type == b.type && a.id == b.id) {
            r.diag().error(
                Context{b.source.file, b.source.layer, b.source.fid, r.options().fields.facility_id},
                "duplicate facility id \"" + b.id + "\" (also feature " + std::to_string(a.source.fid) + ")");
        }
    }
}

void read_candidates(Reader& r, model::Inputs& out) {
    auto found = r.find(k_role_candidates);
    if (!found) return;
    const auto& fm = r.options().fields;
    CtPtr ct;
    if (!r.prepare_crs(*found, ct)) return;
    const int i_id = r.field(*found, fm.candidate_id, false);
    const int i_kind = r.field(*found, fm.candidate_kind, false);
    const int i_cost = r.field(*found, fm.candidate_cost, false);
    const int i_village = r.field(*found, fm.candidate_village_code, false);
    const crs::Datum datum = r.datum(*found);
    if (i_cost >= 0) r.check_stored_numbers(*found, {fm.candidate_cost});
    r.each(*found, "reading candidates", [&](OGRFeature& feat) {
        const auto fid = feat.GetFID();
        model::Candidate c;
        c.source = {found->dataset->name(), found->name, fid};
        c.id = r.text(*found, feat, i_id);
        if (c.id.empty()) c.id = found->name + ":" + std::to_string(fid);
        c.kind = r.text(*found, feat, i_kind);
        c.village_code = r.text(*found, feat, i_village);
        if (auto cost = r.number(*found, feat, i_cost, false)) {
            if (*cost < 0 || *cost > model::k_max_site_cost) {
                char buf[128];
                std::snprintf(buf, sizeof buf, "cost %g must lie between 0 and %g", *cost, model::k_max_site_cost);
                r.diag().error(found->context(fid, fm.candidate_cost), buf);
                return;
            }
            c.cost = *cost;
        }
        auto geom = r.geometry(*found, feat, Shape::point, ct.get());
        if (!geom) return;
        const OGRPoint* p = geom->toPoint();
        c.location = crs::to_wgs84({p->getX(), p->getY()}, datum);
        out.candidates.push_back(std::move(c));
    });
    std::sort(out.candidates.begin(), out.candidates.end(),
              [](const model::Candidate& a, const model::Candidate& b) { return a.id < b.id; });
}

void read_exclusions(Reader& r, const geos::GeosContext& ctx, model::Inputs& out) {
    auto found = r.find(k_role_exclusions);
    if (!found) return;
    CtPtr ct;
    if (!r.prepare_crs(*found, ct)) return;
    r.each(*found, "reading exclusions", [&](OGRFeature& feat) {
        auto geom = r.geometry(*found, feat, Shape::polygon, ct.get());
        if (!geom) return;
        model::Wkb wkb;
        if (polygon_to_model(ctx, *geom, found->context(feat.GetFID()), r.diag(), wkb, nullptr)) {
            out.exclusions.push_back(std::move(wkb));
        }
    });
}

void read_roads(Reader& r, model::Inputs& out) {
    auto found = r.find(k_role_roads);
    if (!found) return;
    const auto& fm = r.options().fields;
    CtPtr ct;
    const bool crs_ok = r.prepare_crs(*found, ct);
    // OpenStreetMap through GDAL's OSM driver (open_osm's fields): highway, maxspeed, oneway, junction.
    const bool osm =
        detail::is_osm(found->dataset->get()) && found->layer->GetLayerDefn()->GetFieldIndex(fm.road_class.c_str()) < 0;
    const int i_class = r.field(*found, osm ? detail::k_osm_class_field : fm.road_class, true);
    const int i_speed = osm ? -1 : r.field(*found, fm.road_maxspeed, false);
    const int i_oneway = osm ? -1 : r.field(*found, fm.road_oneway, false);
    const int i_osm_speed = osm ? r.field(*found, detail::k_osm_maxspeed_field, false) : -1;
    const int i_osm_oneway = osm ? r.field(*found, detail::k_osm_oneway_field, false) : -1;
    const int i_osm_junction = osm ? r.field(*found, detail::k_osm_junction_field, false) : -1;
    if (!crs_ok || i_class < 0) return;
    if (i_speed >= 0) r.check_stored_numbers(*found, {fm.road_maxspeed});
    const crs::Datum datum = r.datum(*found);
    r.each(*found, "reading roads", [&](OGRFeature& feat) {
        const auto fid = feat.GetFID();
        model::Road road;
        road.source = {found->dataset->name(), found->name, fid};
        road.road_class = r.text(*found, feat, i_class);
        if (osm && road.road_class.empty()) return;  // a waterway, a power line: not a road
        auto speed = r.number(*found, feat, i_speed, false);
        std::string oneway = r.text(*found, feat, i_oneway);
        if (osm) {
            if (const std::string m = r.text(*found, feat, i_osm_speed); !m.empty())
                speed = detail::osm_maxspeed_kmh(m);
            oneway = detail::osm_direction(r.text(*found, feat, i_osm_oneway), r.text(*found, feat, i_osm_junction));
        }
        const std::string problem = detail::road_attributes(speed, oneway, road);
        if (!problem.empty()) {
            r.diag().error(
                found->context(fid, problem.find("oneway") != std::string::npos ? fm.road_oneway : fm.road_maxspeed),
                problem);
            return;
        }
        auto geom = r.geometry(*found, feat, Shape::line, ct.get());
        if (geom) detail::add_road_parts(*geom, std::move(road), datum, out.roads);
    });
}

/// Cross-layer checks: townships and counties of the villages exist when those layers are given.
void check_nesting(const model::Inputs& in, Diagnostics& diag) {
    auto check = [&](const std::vector<model::AdminUnit>& units, auto code_of, const char* what) {
        if (units.empty()) return;
        std::set<std::string> codes;
        for (const auto& u : units) codes.insert(u.code);
        std::set<std::string> reported;
        for (const auto& v : in.villages) {
            const std::string code = code_of(v);
            if (codes.count(code) == 0 && reported.insert(code).second) {
                diag.error(Context{v.source.file, v.source.layer, v.source.fid, {}},
                           std::string("village ") + v.code + " belongs to " + what + " " + code + ", which the " +
                               what + "s layer does not have");
            }
        }
    };
    check(
        in.townships, [](const model::Village& v) { return v.township_code; }, "township");
    check(
        in.counties, [](const model::Village& v) { return v.county_code; }, "county");
}

}  // namespace

model::Inputs read_inputs(const ReadOptions& options, Diagnostics& diagnostics, const Reporter& reporter) {
    return detail::read_inputs(options, DivisionTable(), diagnostics, reporter);
}

model::Inputs detail::read_inputs(const ReadOptions& options, const DivisionTable& divisions, Diagnostics& diagnostics,
                                  const Reporter& reporter) {
    if (options.inputs.empty() && options.layers.empty()) {
        throw Error(ErrorKind::usage, "no input datasets given");
    }
    std::vector<std::string> roles{k_role_villages, k_role_facilities, k_role_candidates, k_role_townships,
                                   k_role_counties, k_role_exclusions, k_role_roads,      k_role_population};
    roles.insert(roles.end(), options.type_keys.begin(), options.type_keys.end());
    auto known = [&](const std::string& role) { return std::find(roles.begin(), roles.end(), role) != roles.end(); };
    auto list = [&] {
        std::string s;
        for (const auto& r : roles) s += (s.empty() ? "" : ", ") + r;
        return s;
    };
    for (const auto* table : {&options.crs, &options.datum, &options.encoding}) {
        for (const auto& [role, value] : *table) {
            if (!known(role) && !(table == &options.encoding && role.empty()))
                throw Error(ErrorKind::usage, "unknown layer role '" + role + "' (roles: " + list() + ")");
        }
    }
    for (const auto& [role, spec] : options.layers) {
        if (!known(role)) throw Error(ErrorKind::usage, "unknown layer role '" + role + "' (roles: " + list() + ")");
    }
    for (const auto& [role, value] : options.datum) {
        (void)crs::parse_datum(value);
        if (role == k_role_villages || role == k_role_townships || role == k_role_counties ||
            role == k_role_exclusions || role == k_role_population) {
            throw Error(ErrorKind::usage,
                        "--datum applies to point layers (facilities, candidates), not '" + role + "'");
        }
    }
    gdal::ensure_registered();
    Reader reader(options, diagnostics, reporter);
    geos::GeosContext ctx;
    model::Inputs in;
    read_villages(reader, in);
    if (detail::population_layer_given(options) && !in.villages.empty()) {
        detail::read_population(options, in.villages, diagnostics, reporter);
    }
    read_units(reader, k_role_townships, model::k_township_digits, in.townships);
    read_units(reader, k_role_counties, model::k_county_digits, in.counties);
    read_facilities(reader, in);
    read_candidates(reader, in);
    read_exclusions(reader, ctx, in);
    if (options.roads) read_roads(reader, in);
    check_nesting(in, diagnostics);
    name_units(in, divisions, diagnostics);
    if (!options.counties.empty()) {
        std::set<std::string> present;
        for (const auto& v : in.villages) present.insert(v.county_code);
        for (const auto& c : options.counties) {
            if (present.count(c) == 0) diagnostics.error(Context{}, "--county " + c + ": no villages of that county");
        }
    }
    return in;
}

}  // namespace scicov::io
