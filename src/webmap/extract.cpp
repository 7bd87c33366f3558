#include "webmap/extract.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <set>

#include <cpl_json.h>
#include <cpl_vsi.h>
#include <ogr_spatialref.h>

#include "core/gdal.hpp"
#include "core/geos.hpp"
#include "scicov/rules.hpp"
#include "webmap/simplify.hpp"

namespace scicov::webmap::detail {

namespace {

constexpr double k_metres_per_degree = 111320.0;  // of latitude; tolerances are given in metres
// Gaps are drawn from a grid (staircase edges) and overlap; a coarser tolerance loses nothing a
// reader of the map needs and halves their size.
constexpr double k_gap_tolerance_factor = 3.0;

/// The features of one layer of the GeoPackage, geometries in lon/lat.
struct SourceLayer {
    std::string name;
    OGRFeatureDefn* defn = nullptr;  // owned by the open dataset
    std::vector<gdal::FeaturePtr> features;
};

bool starts_with(const std::string& s, const char* prefix) {
    return s.rfind(prefix, 0) == 0;
}

/// The fields a layer carries into the page (what popups, colours and downloads use).
bool keep_field(const std::string& layer, const std::string& field) {
    if (layer == "facilities" || layer == "proposed_sites") return true;
    if (layer == "villages") {
        return field == "code" || field == "name" || field == "township_code" || field == "county_code" ||
               field == "population" || field == "settlement" || starts_with(field, "cov_") ||
               starts_with(field, "dist_") || starts_with(field, "time_");
    }
    if (layer == "gaps") {
        return field == "type" || field == "county_code" || field == "township_code" || field == "population" ||
               field == "area_m2";
    }
    // townships and counties
    if (starts_with(field, "share_urban_") || starts_with(field, "share_rural_")) return false;
    return field == "code" || field == "name" || field == "county_code" || field == "population" ||
           field == "villages" || starts_with(field, "share_") || starts_with(field, "target_") ||
           starts_with(field, "met_") || starts_with(field, "sites_") || starts_with(field, "year_met_");
}

/// What the page shows of a number needs no more: metres, square metres and people whole, minutes
/// to a tenth, shares to 0.1 percentage point. Rounding them keeps the page small.
double rounding_step(const std::string& field, OGRFieldType type) {
    if (type != OFTReal) return 0;
    const bool metres = field.size() > 2 && field.compare(field.size() - 2, 2, "_m") == 0;
    if (metres || field == "area_m2" || field == "population" || starts_with(field, "pop_") ||
        starts_with(field, "gain_")) {
        return 1.0;
    }
    if (starts_with(field, "time_")) return 0.1;
    if (starts_with(field, "share_") || starts_with(field, "target_")) return 0.0001;
    return 0;
}

SourceLayer read_layer(OGRLayer& layer) {
    SourceLayer out;
    out.name = layer.GetName();
    out.defn = layer.GetLayerDefn();
    // The page draws lon/lat; an output written with a projected --out-crs is brought back.
    std::unique_ptr<OGRCoordinateTransformation> to_lonlat;
    const OGRSpatialReference* srs = layer.GetSpatialRef();
    if (srs != nullptr && !srs->IsGeographic()) {
        OGRSpatialReference source(*srs);
        source.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        const OGRSpatialReference lonlat = gdal::srs_from_user_input("EPSG:4490");
        to_lonlat.reset(OGRCreateCoordinateTransformation(&source, &lonlat));
        if (!to_lonlat) throw Error(ErrorKind::crs, "cannot transform to EPSG:4490", Context{{}, out.name, {}, {}});
    }
    // Checked as the inputs are: a damaged or short layer is an error, never a smaller map.
    gdal::each_whole_feature(layer, Context{{}, out.name, {}, {}}, [&](OGRFeature& read) {
        gdal::FeaturePtr f(read.Clone());
        if (to_lonlat && f->GetGeometryRef() != nullptr &&
            f->GetGeometryRef()->transform(to_lonlat.get()) != OGRERR_NONE) {
            throw Error(ErrorKind::crs, "cannot transform to EPSG:4490", Context{{}, out.name, f->GetFID(), {}});
        }
        out.features.push_back(std::move(f));
    });
    return out;
}

/// One layer as a GeoJSON FeatureCollection, written by GDAL's GeoJSON driver into memory.
/// `geometries` replaces the features' own geometries when not empty (one per feature).
std::string to_geojson(const SourceLayer& src, std::vector<gdal::GeometryPtr> geometries, int decimals) {
    const std::string path =
        "/vsimem/scicov-webmap-" + std::to_string(reinterpret_cast<std::uintptr_t>(&src)) + "-" + src.name + ".geojson";
    {
        gdal::Dataset ds = gdal::Dataset::create(path, "GeoJSON");
        OGRLayer& layer = ds.create_layer(src.name, nullptr, src.defn->GetGeomType(),
                                          {"COORDINATE_PRECISION=" + std::to_string(decimals), "SIGNIFICANT_FIGURES=10",
                                           "WRITE_NAME=NO", "RFC7946=NO"});
        struct Field {
            int from, to;
            double step;  // values rounded to multiples of this (0: copied as they are)
        };
        std::vector<Field> fields;
        for (int i = 0; i < src.defn->GetFieldCount(); ++i) {
            const OGRFieldDefn* fd = src.defn->GetFieldDefn(i);
            const std::string name = fd->GetNameRef();
            if (!keep_field(src.name, name)) continue;
            const double step = rounding_step(name, fd->GetType());
            gdal::add_field(layer, fd->GetNameRef(), step == 1.0 ? OFTInteger64 : fd->GetType(), 0,
                            step == 1.0 ? OFSTNone : fd->GetSubType());
            fields.push_back({i, layer.GetLayerDefn()->GetFieldCount() - 1, step});
        }
        for (std::size_t k = 0; k < src.features.size(); ++k) {
            const OGRFeature& in = *src.features[k];
            OGRFeature out(layer.GetLayerDefn());
            for (const auto& f : fields) {
                if (!in.IsFieldSetAndNotNull(f.from)) continue;
                if (f.step == 1.0) {
                    out.SetField(f.to, static_cast<GIntBig>(std::llround(in.GetFieldAsDouble(f.from))));
                } else if (f.step > 0) {
                    out.SetField(f.to, std::round(in.GetFieldAsDouble(f.from) / f.step) * f.step);
                } else {
                    out.SetField(f.to, in.GetRawFieldRef(f.from));
                }
            }
            if (!geometries.empty()) {
                if (geometries[k] && !geometries[k]->IsEmpty()) out.SetGeometryDirectly(geometries[k].release());
            } else if (in.GetGeometryRef() != nullptr) {
                out.SetGeometry(in.GetGeometryRef());
            }
            gdal::create_feature(layer, out);
        }
        ds.close();
    }
    vsi_l_offset length = 0;
    GByte* bytes = VSIGetMemFileBuffer(path.c_str(), &length, TRUE);
    if (bytes == nullptr) throw Error(ErrorKind::io, "GeoJSON writer produced nothing", Context{{}, src.name, {}, {}});
    std::string json(reinterpret_cast<const char*>(bytes), static_cast<std::size_t>(length));
    CPLFree(bytes);
    return json;
}

/// Simplifies villages, townships and counties together (their borders stay shared), to OGR.
std::vector<std::vector<gdal::GeometryPtr>> simplified_polygons(const std::vector<const SourceLayer*>& layers,
                                                                const Options& options) {
    const geos::GeosContext ctx;
    std::vector<std::vector<geos::GeomPtr>> owned(layers.size());
    std::vector<std::vector<const GEOSGeometry*>> input(layers.size());
    for (std::size_t l = 0; l < layers.size(); ++l) {
        for (const auto& f : layers[l]->features) {
            const OGRGeometry* g = f->GetGeometryRef();
            owned[l].push_back(g == nullptr ? geos::GeomPtr(nullptr, geos::GeomDeleter{ctx.handle()})
                                            : ctx.from_ogr(*g));
            input[l].push_back(owned[l].back().get());
        }
    }
    const double grid = options.decimals > 0 ? std::pow(10.0, -options.decimals) : 0.0;
    const auto simplified = simplify_tiling(ctx, input, options.simplify_m / k_metres_per_degree, grid);
    std::vector<std::vector<gdal::GeometryPtr>> out(layers.size());
    for (std::size_t l = 0; l < layers.size(); ++l) {
        for (const auto& g : simplified[l]) {
            auto ogr = ctx.to_ogr(*g);
            out[l].emplace_back(ogr.release());
        }
    }
    return out;
}

}  // namespace

std::string type_name_en(const std::string& key) {
    std::string out = key;
    std::replace(out.begin(), out.end(), '_', ' ');
    return out;
}

namespace {

struct TypeInfo {
    std::string key, zh;
};

std::string text(const OGRFeature& f, const char* field) {
    const int i = f.GetFieldIndex(field);
    return i >= 0 && f.IsFieldSetAndNotNull(i) ? f.GetFieldAsString(i) : std::string();
}

/// The types of the run: the villages' cov_<type> fields, in the order of the rules stored in
/// the run table, named by the rules' name_zh (else by the type_zh the facilities carry).
std::vector<TypeInfo> find_types(const gdal::Dataset& ds, const SourceLayer& villages,
                                 const std::vector<const SourceLayer*>& typed) {
    std::vector<std::string> keys;
    for (int i = 0; i < villages.defn->GetFieldCount(); ++i) {
        const std::string name = villages.defn->GetFieldDefn(i)->GetNameRef();
        if (starts_with(name, "cov_")) keys.push_back(name.substr(4));
    }
    std::map<std::string, std::string> names;
    for (const SourceLayer* layer : typed) {
        for (const auto& f : layer->features) names.emplace(text(*f, "type"), text(*f, "type_zh"));
    }
    std::vector<std::string> order;
    if (OGRLayer* run = ds.find_layer("run")) {
        for (auto& f : *run) {
            if (text(*f, "key") != "rules") continue;
            try {
                for (const auto& t : rules::parse_rules(text(*f, "value"), "run table").types) {
                    order.push_back(t.key);
                    names[t.key] = t.name_zh;
                }
            } catch (const Error&) {
                // Rules written by another version: the names from the facilities serve.
            }
        }
    }
    std::stable_sort(keys.begin(), keys.end(), [&order](const std::string& a, const std::string& b) {
        const auto rank = [&order](const std::string& k) {
            return std::find(order.begin(), order.end(), k) - order.begin();
        };
        return rank(a) < rank(b);
    });
    std::vector<TypeInfo> out;
    for (const auto& k : keys) {
        const auto it = names.find(k);
        out.push_back({k, it != names.end() && !it->second.empty() ? it->second : k});
    }
    return out;
}

/// Chinese field aliases from gpkg_data_columns: table → column → alias (none outside a GeoPackage).
CPLJSONObject field_aliases(const gdal::Dataset& ds) {
    CPLJSONObject out;
    gdal::ErrorCapture quiet;  // a dataset without the table answers with an error; no aliases then
    OGRLayer* sql = ds.get().ExecuteSQL("SELECT table_name, column_name, name FROM gpkg_data_columns ORDER BY 1, 2",
                                        nullptr, nullptr);
    if (sql == nullptr) return out;
    for (auto& f : *sql) {
        const std::string table = text(*f, "table_name");
        CPLJSONObject columns = out.GetObj(table);
        if (!columns.IsValid()) {
            out.Add(table, CPLJSONObject());
            columns = out.GetObj(table);
        }
        columns.Add(text(*f, "column_name"), text(*f, "name"));
    }
    ds.get().ReleaseResultSet(sql);
    return out;
}

std::string meta_json(const gdal::Dataset& ds, const std::string& gpkg, const Options& options,
                      const std::vector<TypeInfo>& types, const SourceLayer* sites,
                      const std::vector<LayerData>& layers) {
    CPLJSONObject meta;
    meta.Add("title", options.title.empty() ? std::string("科普资源共建共享地图") : options.title);
    meta.Add("source", std::filesystem::path(gpkg).filename().string());
    CPLJSONArray type_list;
    for (const auto& t : types) {
        CPLJSONObject o;
        o.Add("key", t.key);
        o.Add("zh", t.zh);
        o.Add("en", type_name_en(t.key));
        type_list.Add(o);
    }
    meta.Add("types", type_list);
    std::set<int> years;
    if (sites != nullptr) {
        for (const auto& f : sites->features) {
            const int i = f->GetFieldIndex("year");
            if (i >= 0 && f->IsFieldSetAndNotNull(i)) years.insert(f->GetFieldAsInteger(i));
        }
    }
    CPLJSONArray year_list;
    for (int y : years) year_list.Add(y);
    meta.Add("years", year_list);
    CPLJSONObject counts;
    for (const auto& l : layers) counts.Add(l.name, static_cast<GInt64>(l.features));
    meta.Add("counts", counts);
    meta.Add("aliases", field_aliases(ds));
    meta.Add("basemap", options.basemap);
    meta.Add("basemap_attribution", options.basemap_attribution);
    meta.Add("simplify_m", options.simplify_m);
    meta.Add("decimals", options.decimals);
    return meta.Format(CPLJSONObject::PrettyFormat::Plain);
}

/// Gaps overlap one another (one layer per type), so each is simplified on its own.
std::vector<gdal::GeometryPtr> simplified_gaps(const SourceLayer& gaps, const Options& options) {
    std::vector<gdal::GeometryPtr> out;
    for (const auto& f : gaps.features) {
        const OGRGeometry* g = f->GetGeometryRef();
        if (g == nullptr || options.simplify_m <= 0) {
            out.emplace_back(g == nullptr ? nullptr : g->clone());
        } else {
            out.emplace_back(
                g->SimplifyPreserveTopology(k_gap_tolerance_factor * options.simplify_m / k_metres_per_degree));
        }
    }
    return out;
}

}  // namespace

MapData extract(const std::string& gpkg, const Options& options, const Reporter& reporter) {
    gdal::ensure_registered();
    const gdal::Dataset ds = gdal::Dataset::open(gpkg);
    MapData data;
    try {
        reporter.step("webmap", 0.0);
        const SourceLayer counties = read_layer(ds.layer("counties"));
        const SourceLayer villages = read_layer(ds.layer("villages"));
        SourceLayer townships;
        if (OGRLayer* l = ds.find_layer("townships")) townships = read_layer(*l);
        std::vector<const SourceLayer*> tiled = {&counties, &villages};
        if (townships.defn != nullptr) tiled.push_back(&townships);
        auto simplified = simplified_polygons(tiled, options);
        reporter.step("webmap", 0.7);
        for (std::size_t l = 0; l < tiled.size(); ++l) {
            data.layers.push_back({tiled[l]->name, to_geojson(*tiled[l], std::move(simplified[l]), options.decimals),
                                   tiled[l]->features.size()});
        }
        std::vector<SourceLayer> points;
        std::vector<const SourceLayer*> typed;
        const SourceLayer* sites = nullptr;
        for (const char* name : {"gaps", "proposed_sites", "facilities"}) {
            OGRLayer* l = ds.find_layer(name);
            if (l == nullptr) continue;
            SourceLayer layer = read_layer(*l);
            auto geometries = layer.name == "gaps" ? simplified_gaps(layer, options) : std::vector<gdal::GeometryPtr>{};
            data.layers.push_back(
                {layer.name, to_geojson(layer, std::move(geometries), options.decimals), layer.features.size()});
            points.push_back(std::move(layer));
        }
        for (const auto& l : points) {
            if (l.name != "gaps") typed.push_back(&l);
            if (l.name == "proposed_sites") sites = &l;
        }
        data.meta_json = meta_json(ds, gpkg, options, find_types(ds, villages, typed), sites, data.layers);
        reporter.step("webmap", 0.9);
    } catch (Error& e) {
        e.with_file(gpkg);
        throw;
    }
    return data;
}

}  // namespace scicov::webmap::detail
