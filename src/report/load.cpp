// Reading an output GeoPackage back for the maps and the report.
#include <algorithm>
#include <array>

#include "core/gdal.hpp"
#include "core/proj.hpp"
#include "scicov/report.hpp"

namespace scicov::report {

namespace {

constexpr std::array<const char*, 4> k_known_types = {"science_museum", "science_base", "e_station", "science_room"};

void append_polygon(const OGRPolygon& polygon, Rings& rings) {
    auto add = [&rings](const OGRLinearRing* ring) {
        if (ring == nullptr || ring->getNumPoints() < 3) return;
        std::vector<crs::LonLat> pts;
        pts.reserve(static_cast<std::size_t>(ring->getNumPoints()));
        for (int i = 0; i < ring->getNumPoints(); ++i) pts.push_back({ring->getX(i), ring->getY(i)});
        rings.push_back(std::move(pts));
    };
    add(polygon.getExteriorRing());
    for (int i = 0; i < polygon.getNumInteriorRings(); ++i) add(polygon.getInteriorRing(i));
}

Rings rings_of(const OGRGeometry* g) {
    Rings rings;
    if (g == nullptr || g->IsEmpty()) return rings;
    switch (wkbFlatten(g->getGeometryType())) {
        case wkbPolygon:
            append_polygon(*g->toPolygon(), rings);
            break;
        case wkbMultiPolygon:
            for (const OGRPolygon* p : *g->toMultiPolygon()) append_polygon(*p, rings);
            break;
        case wkbGeometryCollection:
            for (const OGRGeometry* part : *g->toGeometryCollection()) {
                const Rings more = rings_of(part);
                rings.insert(rings.end(), more.begin(), more.end());
            }
            break;
        default:
            break;
    }
    return rings;
}

crs::LonLat point_of(const OGRGeometry* g) {
    if (g == nullptr || g->IsEmpty()) return {};
    if (wkbFlatten(g->getGeometryType()) == wkbPoint) {
        const OGRPoint* p = g->toPoint();
        return {p->getX(), p->getY()};
    }
    // GEOS's point on surface: inside the polygon, where a centroid may not be.
    const gdal::GeometryPtr p(
        OGRGeometry::FromHandle(OGR_G_PointOnSurface(OGRGeometry::ToHandle(const_cast<OGRGeometry*>(g)))));
    if (p && !p->IsEmpty() && wkbFlatten(p->getGeometryType()) == wkbPoint)
        return {p->toPoint()->getX(), p->toPoint()->getY()};
    OGREnvelope e;
    g->getEnvelope(&e);
    return {(e.MinX + e.MaxX) / 2, (e.MinY + e.MaxY) / 2};
}

/// Every feature of the layer, read through the inputs' checked loop: a read GDAL fails part-way,
/// a count that differs from the layer's, or a feature GDAL could read only in part is an error
/// naming the file, layer and feature, never a shorter map or report.
template <class Fn>
void each(const std::string& file, OGRLayer& layer, Fn&& fn) {
    gdal::each_whole_feature(layer, Context{file, layer.GetName(), {}, {}}, std::forward<Fn>(fn));
}

std::string text(const OGRFeature& f, const char* field) {
    const int i = f.GetFieldIndex(field);
    if (i < 0 || !f.IsFieldSetAndNotNull(i)) return {};
    return f.GetFieldAsString(i);
}

double number(const OGRFeature& f, const char* field, double fallback = 0) {
    const int i = f.GetFieldIndex(field);
    if (i < 0 || !f.IsFieldSetAndNotNull(i)) return fallback;
    return f.GetFieldAsDouble(i);
}

std::vector<Output::Unit> read_units(const std::string& file, OGRLayer& layer) {
    std::vector<Output::Unit> units;
    OGRFeatureDefn* defn = layer.GetLayerDefn();
    each(file, layer, [&](OGRFeature& feature) {
        OGRFeature* f = &feature;
        Output::Unit u;
        u.code = text(*f, "code");
        u.name = text(*f, "name");
        for (int i = 0; i < defn->GetFieldCount(); ++i) {
            const OGRFieldType t = defn->GetFieldDefn(i)->GetType();
            if ((t == OFTInteger || t == OFTInteger64 || t == OFTReal) && f->IsFieldSetAndNotNull(i)) {
                u.values[defn->GetFieldDefn(i)->GetNameRef()] = f->GetFieldAsDouble(i);
            }
        }
        u.rings = rings_of(f->GetGeometryRef());
        u.label = point_of(f->GetGeometryRef());
        units.push_back(std::move(u));
    });
    std::sort(units.begin(), units.end(), [](const auto& a, const auto& b) { return a.code < b.code; });
    return units;
}

/// The types: every share_<type> field of the counties layer, the known four first.
std::vector<std::string> types_of(OGRLayer& counties) {
    std::vector<std::string> types;
    std::vector<std::string> found;
    OGRFeatureDefn* defn = counties.GetLayerDefn();
    for (int i = 0; i < defn->GetFieldCount(); ++i) {
        const std::string name = defn->GetFieldDefn(i)->GetNameRef();
        const std::string prefix = "share_";
        if (name.rfind(prefix, 0) != 0 || name.rfind("share_after_", 0) == 0 || name.rfind("share_urban_", 0) == 0 ||
            name.rfind("share_rural_", 0) == 0) {
            continue;
        }
        found.push_back(name.substr(prefix.size()));
    }
    for (const char* t : k_known_types) {
        if (std::find(found.begin(), found.end(), t) != found.end()) types.emplace_back(t);
    }
    for (const auto& t : found) {
        if (std::find(types.begin(), types.end(), t) == types.end()) types.push_back(t);
    }
    return types;
}

/// Proposed sites, ordered by type, county, rank.
std::vector<Output::Site> read_sites(const std::string& file, OGRLayer& layer) {
    std::vector<Output::Site> sites;
    each(file, layer, [&](OGRFeature& feature) {
        OGRFeature* f = &feature;
        Output::Site s;
        s.type = text(*f, "type");
        s.county_code = text(*f, "county_code");
        s.village_code = text(*f, "village_code");
        s.host_kind = text(*f, "host_kind");
        s.rank = static_cast<int>(number(*f, "rank"));
        s.year = static_cast<int>(number(*f, "year"));
        s.gain_villages = number(*f, "gain_villages");
        s.gain_population = number(*f, "gain_population");
        s.at = point_of(f->GetGeometryRef());
        s.id = text(*f, "id");
        s.township_code = text(*f, "township_code");
        s.candidate_id = text(*f, "candidate_id");
        s.type_zh = text(*f, "type_zh");
        s.cost = number(*f, "cost");
        s.beyond_horizon = number(*f, "beyond_horizon") != 0;
        sites.push_back(std::move(s));
    });
    std::sort(sites.begin(), sites.end(), [](const auto& a, const auto& b) {
        return std::tie(a.type, a.county_code, a.rank, a.year) < std::tie(b.type, b.county_code, b.rank, b.year);
    });
    return sites;
}

/// Every row of a table (a layer without geometry), its set fields as text.
std::vector<Output::Row> read_rows(const std::string& file, OGRLayer& layer) {
    std::vector<Output::Row> rows;
    OGRFeatureDefn* d = layer.GetLayerDefn();
    each(file, layer, [&](OGRFeature& f) {
        Output::Row row;
        for (int i = 0; i < d->GetFieldCount(); ++i) {
            if (f.IsFieldSetAndNotNull(i)) row[d->GetFieldDefn(i)->GetNameRef()] = f.GetFieldAsString(i);
        }
        rows.push_back(std::move(row));
    });
    return rows;
}

/// The types of `types` whose villages carry minutes (time_<type>_min: travel-time rules).
std::vector<std::string> travel_time_types(OGRLayer& villages, const std::vector<std::string>& types) {
    std::vector<std::string> out;
    for (const auto& t : types) {
        if (villages.GetLayerDefn()->GetFieldIndex(("time_" + t + "_min").c_str()) >= 0) out.push_back(t);
    }
    return out;
}

/// The CRS of an output's layers as PROJ takes it ("EPSG:4543", else WKT); empty when they are in
/// the default output CRS (lon/lat of CGCS2000), which the maps and the report read as they are.
std::string source_crs(OGRLayer& layer) {
    const OGRSpatialReference* srs = layer.GetSpatialRef();
    if (srs == nullptr) return {};
    const char* authority = srs->GetAuthorityName(nullptr);
    const char* code = srs->GetAuthorityCode(nullptr);
    if (authority != nullptr && code != nullptr) {
        const std::string id = std::string(authority) + ":" + code;
        return id == crs::k_output_crs ? std::string() : id;
    }
    char* wkt = nullptr;
    const char* const options[] = {"FORMAT=WKT2_2019", nullptr};
    srs->exportToWkt(&wkt, options);
    const std::string text = wkt != nullptr ? wkt : "";
    CPLFree(wkt);
    return text;
}

/// Every geometry of `out` from `source` (an output written with --out-crs) into lon/lat of
/// CGCS2000: what Output holds, whatever CRS the GeoPackage was written in.
void to_lonlat(Output& out, const std::string& source) {
    const proj::Transformer t(source, crs::k_output_crs);
    std::vector<double> xs, ys;
    const auto points = [&](std::vector<crs::LonLat>& pts) {
        xs.resize(pts.size());
        ys.resize(pts.size());
        for (std::size_t i = 0; i < pts.size(); ++i) {
            xs[i] = pts[i].lon;
            ys[i] = pts[i].lat;
        }
        t.forward(xs, ys);
        for (std::size_t i = 0; i < pts.size(); ++i) pts[i] = {xs[i], ys[i]};
    };
    const auto rings = [&](Rings& rr) {
        for (auto& r : rr) points(r);
    };
    const auto point = [&](crs::LonLat& q) {
        std::vector<crs::LonLat> one{q};
        points(one);
        q = one[0];
    };
    for (auto& v : out.villages) rings(v.rings);
    for (auto* units : {&out.counties, &out.townships}) {
        for (auto& u : *units) {
            rings(u.rings);
            point(u.label);
        }
    }
    for (auto& f : out.facilities) point(f.at);
    for (auto& g : out.gaps) rings(g.rings);
    for (auto& s : out.sites) point(s.at);
}

}  // namespace

std::string Output::type_name(const std::string& type) const {
    const rules::FacilityType* t = rules.find(type);
    return t != nullptr && !t->name_zh.empty() ? t->name_zh : type;
}

std::string Output::run_value(const std::string& key) const {
    for (const auto& [k, v] : run) {
        if (k == key) return v;
    }
    return {};
}

Output load_output(const std::string& gpkg) {
    gdal::ensure_registered();
    const gdal::Dataset ds = gdal::Dataset::open(gpkg);
    Output out;
    out.file = gpkg;
    try {
        OGRLayer& counties = ds.layer("counties");
        const std::string source = source_crs(counties);
        out.types = types_of(counties);
        out.counties = read_units(gpkg, counties);
        if (OGRLayer* l = ds.find_layer("townships")) out.townships = read_units(gpkg, *l);

        OGRLayer& villages = ds.layer("villages");
        out.travel_time_types = travel_time_types(villages, out.types);
        each(gpkg, villages, [&](OGRFeature& feature) {
            OGRFeature* f = &feature;
            Output::Village v;
            v.code = text(*f, "code");
            v.name = text(*f, "name");
            v.county_code = text(*f, "county_code");
            v.urban = text(*f, "settlement") == "社区";
            for (const auto& t : out.types) v.covered[t] = static_cast<int>(number(*f, ("cov_" + t).c_str()));
            v.population = number(*f, "population");
            for (const auto& t : out.travel_time_types) {
                if (const double m = number(*f, ("time_" + t + "_min").c_str(), -1); m >= 0) v.minutes[t] = m;
            }
            v.rings = rings_of(f->GetGeometryRef());
            out.villages.push_back(std::move(v));
        });
        std::sort(out.villages.begin(), out.villages.end(),
                  [](const auto& a, const auto& b) { return a.code < b.code; });

        if (OGRLayer* l = ds.find_layer("facilities")) {
            each(gpkg, *l, [&](OGRFeature& f) {
                out.facilities.push_back({text(f, "type"), text(f, "name"), text(f, "status"), text(f, "county_code"),
                                          point_of(f.GetGeometryRef())});
            });
        }
        if (OGRLayer* l = ds.find_layer("gaps")) {
            each(gpkg, *l, [&](OGRFeature& f) {
                out.gaps.push_back({text(f, "type"), text(f, "county_code"), rings_of(f.GetGeometryRef())});
            });
        }
        if (OGRLayer* l = ds.find_layer("proposed_sites")) out.sites = read_sites(gpkg, *l);
        if (OGRLayer* l = ds.find_layer("plan_summary")) out.plan_summary = read_rows(gpkg, *l);
        if (OGRLayer* l = ds.find_layer("plan_horizon")) out.plan_horizon = read_rows(gpkg, *l);
        if (OGRLayer* l = ds.find_layer("urban_rural")) out.urban_rural = read_rows(gpkg, *l);
        if (OGRLayer* l = ds.find_layer("run")) {
            each(gpkg, *l, [&](OGRFeature& f) { out.run.emplace_back(text(f, "key"), text(f, "value")); });
        }
        if (!source.empty()) to_lonlat(out, source);
        const std::string rules_text = out.run_value("rules");
        out.rules =
            rules_text.empty() ? rules::default_rules() : rules::parse_rules(rules_text, "the run table's rules");
    } catch (Error& e) {
        e.with_file(gpkg);
        throw;
    }
    if (out.types.empty()) {
        throw Error(ErrorKind::input, "no share_<type> fields in layer 'counties': not a scicov output",
                    Context{gpkg, "counties", {}, {}});
    }
    return out;
}

}  // namespace scicov::report
