// Writing the output GeoPackage.
#include <algorithm>
#include <cmath>
#include <map>

#include "core/gdal.hpp"
#include "scicov/output.hpp"
#include "output/styles.hpp"
#include "output/qgis_project.hpp"

namespace scicov::output {

namespace {

struct CtDeleter {
    void operator()(OGRCoordinateTransformation* ct) const noexcept { OGRCoordinateTransformation::DestroyCT(ct); }
};

const char* settlement_name(model::Settlement s) {
    return s == model::Settlement::community ? "社区" : "村";
}

}  // namespace

void add_fields(OGRLayer& layer, const std::vector<FieldSpec>& fields) {
    for (const auto& f : fields) {
        OGRFieldDefn defn(f.name.c_str(), f.type);
        if (!f.alias.empty()) defn.SetAlternativeName(f.alias.c_str());
        gdal::ErrorCapture capture;
        if (layer.CreateField(&defn) != OGRERR_NONE) {
            throw Error(ErrorKind::io,
                        "cannot create field" + (capture.last_error().empty() ? "" : ": " + capture.last_error()),
                        Context{{}, layer.GetName(), {}, f.name});
        }
    }
}

struct Writer::Impl {
    gdal::AtomicGpkg out;
    OGRSpatialReference srs;
    std::unique_ptr<OGRCoordinateTransformation, CtDeleter> ct;  // null: output is EPSG:4490
    bool timings = false;
    std::string crs_name;
    std::string current_layer;

    Impl(const std::filesystem::path& target, const Options& options)
        : out(target), srs(gdal::srs_from_user_input(options.crs)), timings(options.timings), crs_name(options.crs) {
        OGRSpatialReference cgcs = gdal::srs_from_user_input(crs::k_output_crs);
        if (!srs.IsSame(&cgcs)) {
            ct.reset(OGRCreateCoordinateTransformation(&cgcs, &srs));
            if (!ct) throw Error(ErrorKind::crs, "cannot transform EPSG:4490 to --out-crs " + options.crs);
        }
    }

    OGRLayer& layer(const std::string& name, OGRwkbGeometryType type) {
        current_layer = name;
        return out.dataset().create_layer(name, type == wkbNone ? nullptr : &srs, type,
                                          {"SPATIAL_INDEX=YES", "FID=fid"});
    }

    gdal::GeometryPtr from_wkb(const model::Wkb& wkb) const {
        OGRGeometry* g = nullptr;
        if (OGRGeometryFactory::createFromWkb(wkb.data(), nullptr, &g, wkb.size()) != OGRERR_NONE || g == nullptr) {
            throw Error(ErrorKind::geometry, "cannot decode a geometry for output");
        }
        gdal::GeometryPtr out_geom(g);
        if (wkbFlatten(out_geom->getGeometryType()) == wkbPolygon) {
            out_geom.reset(OGRGeometryFactory::forceToMultiPolygon(out_geom.release()));
        }
        if (ct) transform(*out_geom);
        out_geom->assignSpatialReference(const_cast<OGRSpatialReference*>(&srs));  // GDAL 3.6 only refs it
        return out_geom;
    }

    /// Into the output CRS; GDAL's own complaint becomes part of one error naming the layer.
    void transform(OGRGeometry& g) const {
        gdal::ErrorCapture capture;
        if (g.transform(ct.get()) != OGRERR_NONE) {
            throw Error(ErrorKind::crs,
                        "cannot transform a geometry into the output CRS " + crs_name +
                            (capture.last_error().empty() ? "" : " (" + capture.last_error() + ")"),
                        Context{out.target().string(), current_layer, {}, {}});
        }
    }

    void write(OGRLayer& layer, OGRFeature& f) {
        try {
            gdal::create_feature(layer, f);
        } catch (Error& e) {
            e.with_file(out.target().string());
            throw;
        }
    }
};

Writer::Writer(const std::filesystem::path& target, const Options& options)
    : m_impl(std::make_unique<Impl>(target, options)) {}
Writer::~Writer() = default;

gdal::Dataset& Writer::dataset() {
    return m_impl->out.dataset();
}
const OGRSpatialReference& Writer::srs() const {
    return m_impl->srs;
}
gdal::GeometryPtr Writer::geometry(const model::Wkb& wkb) const {
    return m_impl->from_wkb(wkb);
}

gdal::GeometryPtr Writer::point(crs::LonLat p) const {
    gdal::GeometryPtr g(new OGRPoint(p.lon, p.lat));
    if (m_impl->ct) m_impl->transform(*g);
    g->assignSpatialReference(&m_impl->srs);
    return g;
}

namespace {

void write_units(Writer::Impl& w, const char* name, const std::vector<gaps::UnitSummary>& units,
                 const std::vector<model::AdminUnit>& given, const std::vector<model::AdminUnit>& dissolved,
                 const rules::Rules& rules, bool township, const planning::Result* plan) {
    auto& layer = w.layer(name, wkbMultiPolygon);
    std::vector<FieldSpec> fields{{"code", OFTString, "代码"}, {"name", OFTString, "名称"}};
    if (township) fields.push_back({"county_code", OFTString, "县代码"});
    fields.insert(fields.end(), {{"population", OFTReal, "人口"},
                                 {"villages", OFTInteger, "村(社区)数"},
                                 {"urban_villages", OFTInteger, "社区数"},
                                 {"rural_villages", OFTInteger, "行政村数"},
                                 {"urban_pop", OFTReal, "社区人口"},
                                 {"rural_pop", OFTReal, "农村人口"}});
    for (const auto& t : rules.types) {
        const std::string& k = t.key;
        const std::string& zh = t.name_zh;
        fields.insert(fields.end(), {{"villages_cov_" + k, OFTInteger, zh + "覆盖村数"},
                                     {"pop_cov_" + k, OFTReal, zh + "覆盖人口"},
                                     {"share_" + k, OFTReal, zh + "覆盖率"},
                                     {"target_" + k, OFTReal, zh + "目标"},
                                     {"met_" + k, OFTInteger, zh + "达标"},
                                     {"gap_" + k, OFTReal, zh + "差距"},
                                     {"share_urban_" + k, OFTReal, zh + "社区覆盖率"},
                                     {"share_rural_" + k, OFTReal, zh + "农村覆盖率"}});
        if (plan != nullptr) {
            fields.insert(fields.end(), {{"sites_" + k, OFTInteger, zh + "规划新增数"},
                                         {"share_after_" + k, OFTReal, zh + "规划后覆盖率"},
                                         {"met_after_" + k, OFTInteger, zh + "规划后达标"},
                                         {"year_met_" + k, OFTInteger, zh + "达标年份"}});
        }
    }
    add_fields(layer, fields);
    std::map<std::pair<std::string, std::string>, std::pair<int, int>> planned;  // (county, type) → sites, year met
    if (plan != nullptr) {
        for (const auto& row : plan->summary) {
            if (row.model == "max_cover" && row.budget != 0 && row.budget != plan->summary.back().budget) continue;
            planned[{row.county_code, row.type}] = {row.status == "met" ? 0 : row.sites, row.year_met};
        }
    }
    std::map<std::string, const model::AdminUnit*> geom;
    for (const auto& u : dissolved) geom[u.code] = &u;
    for (const auto& u : given) {
        if (!u.geometry.empty()) geom[u.code] = &u;
    }
    for (const auto& u : units) {
        gdal::FeaturePtr f(OGRFeature::CreateFeature(layer.GetLayerDefn()));
        f->SetField("code", u.code.c_str());
        f->SetField("name", u.name.c_str());
        if (township) f->SetField("county_code", u.county_code.c_str());
        f->SetField("population", u.population);
        f->SetField("villages", u.villages);
        f->SetField("urban_villages", u.urban_villages);
        f->SetField("rural_villages", u.rural_villages);
        f->SetField("urban_pop", u.urban_pop);
        f->SetField("rural_pop", u.rural_pop);
        for (std::size_t t = 0; t < rules.types.size(); ++t) {
            const auto& s = u.types[t];
            const std::string& k = rules.types[t].key;
            f->SetField(("villages_cov_" + k).c_str(), s.villages_cov);
            f->SetField(("pop_cov_" + k).c_str(), s.pop_cov);
            f->SetField(("share_" + k).c_str(), s.share);
            f->SetField(("target_" + k).c_str(), s.target);
            f->SetField(("met_" + k).c_str(), s.met ? 1 : 0);
            f->SetField(("gap_" + k).c_str(), s.gap);
            const bool by_pop = rules.types[t].target.measure == rules::Measure::population;
            auto share = [&](int cov_v, double cov_p, int all_v, double all_p) {
                return by_pop ? (all_p > 0 ? cov_p / all_p : 1.0)
                              : (all_v > 0 ? static_cast<double>(cov_v) / all_v : 1.0);
            };
            // A unit without communities (or without villages) has no urban (rural) share: null.
            if (u.urban_villages > 0) {
                f->SetField(("share_urban_" + k).c_str(),
                            share(s.urban_villages_cov, s.urban_pop_cov, u.urban_villages, u.urban_pop));
            }
            if (u.rural_villages > 0) {
                f->SetField(("share_rural_" + k).c_str(),
                            share(s.rural_villages_cov, s.rural_pop_cov, u.rural_villages, u.rural_pop));
            }
            if (plan != nullptr) {
                auto it = std::lower_bound(plan->counties_after.begin(), plan->counties_after.end(), u.code,
                                           [](const gaps::UnitSummary& x, const std::string& c) { return x.code < c; });
                if (it != plan->counties_after.end() && it->code == u.code) {
                    f->SetField(("share_after_" + k).c_str(), it->types[t].share);
                    f->SetField(("met_after_" + k).c_str(), it->types[t].met ? 1 : 0);
                }
                const auto p = planned.find({u.code, k});
                f->SetField(("sites_" + k).c_str(), p == planned.end() ? 0 : p->second.first);
                const int year = p == planned.end() ? 0 : p->second.second;
                if (year > 0) f->SetField(("year_met_" + k).c_str(), year);
            }
        }
        if (auto it = geom.find(u.code); it != geom.end())
            f->SetGeometryDirectly(w.from_wkb(it->second->geometry).release());
        w.write(layer, *f);
    }
}

}  // namespace

void Writer::write_analysis(const analysis::Analysis& a, const rules::Rules& rules, const planning::Result* plan) {
    auto& w = *m_impl;
    auto& ds = w.out.dataset();
    const auto& in = a.inputs;

    ds.start_transaction();
    {
        auto& layer = w.layer("villages", wkbMultiPolygon);
        std::vector<FieldSpec> fields{{"code", OFTString, "村(社区)代码"},      {"name", OFTString, "名称"},
                                      {"township_code", OFTString, "乡镇代码"}, {"county_code", OFTString, "县代码"},
                                      {"population", OFTReal, "人口"},          {"priority", OFTReal, "优先权重"},
                                      {"settlement", OFTString, "城乡"},        {"rep_lon", OFTReal, "代表点经度"},
                                      {"rep_lat", OFTReal, "代表点纬度"},       {"area_m2", OFTReal, "面积(平方米)"}};
        for (const auto& t : rules.types) {
            fields.push_back({"cov_" + t.key, OFTInteger, t.name_zh + "覆盖"});
            fields.push_back({"dist_" + t.key + "_m", OFTReal, "最近" + t.name_zh + "距离(米)"});
            fields.push_back({"frac_" + t.key, OFTReal, t.name_zh + "服务面积比例"});
        }
        add_fields(layer, fields);
        for (std::size_t v = 0; v < in.villages.size(); ++v) {
            const auto& village = in.villages[v];
            gdal::FeaturePtr f(OGRFeature::CreateFeature(layer.GetLayerDefn()));
            f->SetField("code", village.code.c_str());
            f->SetField("name", village.name.c_str());
            f->SetField("township_code", village.township_code.c_str());
            f->SetField("county_code", village.county_code.c_str());
            f->SetField("population", village.population);
            f->SetField("priority", village.priority);
            f->SetField("settlement", settlement_name(model::settlement_of(village.name)));
            f->SetField("rep_lon", village.rep.lon);
            f->SetField("rep_lat", village.rep.lat);
            f->SetField("area_m2", a.gaps.village_area_m2[v]);
            for (std::size_t t = 0; t < rules.types.size(); ++t) {
                const auto& key = rules.types[t].key;
                f->SetField(("cov_" + key).c_str(), a.gaps.covered[t][v] ? 1 : 0);
                const double d = a.coverage.types[t].nearest_m[v];
                if (std::isfinite(d)) {
                    f->SetField(("dist_" + key + "_m").c_str(), d);
                } else {
                    f->SetFieldNull(layer.GetLayerDefn()->GetFieldIndex(("dist_" + key + "_m").c_str()));
                }
                f->SetField(("frac_" + key).c_str(), a.gaps.covered_fraction[t][v]);
            }
            f->SetGeometryDirectly(w.from_wkb(village.geometry).release());
            w.write(layer, *f);
        }
    }
    write_units(w, "townships", a.townships, in.townships, a.gaps.dissolved_townships, rules, true, nullptr);
    write_units(w, "counties", a.counties, in.counties, a.gaps.dissolved_counties, rules, false, plan);
    {
        auto& layer = w.layer("facilities", wkbPoint);
        add_fields(layer, {{"id", OFTString, "编号"},
                           {"type", OFTString, "类型"},
                           {"type_zh", OFTString, "类型名称"},
                           {"name", OFTString, "名称"},
                           {"grade", OFTString, "级别"},
                           {"status", OFTString, "状态"},
                           {"county_code", OFTString, "县代码"},
                           {"village_code", OFTString, "所在村(社区)"},
                           {"villages_reached", OFTInteger, "服务村数"},
                           {"pop_reached", OFTReal, "服务人口"}});
        std::vector<std::pair<int, double>> reach(in.facilities.size(), {0, 0.0});
        for (const auto& tc : a.coverage.types) {
            for (std::size_t k = 0; k < tc.facilities.size(); ++k) {
                auto& r = reach[tc.facilities[k]];
                for (auto v : tc.incidence.of(k)) {
                    ++r.first;
                    r.second += in.villages[static_cast<std::size_t>(v)].population;
                }
            }
        }
        for (std::size_t i = 0; i < in.facilities.size(); ++i) {
            const auto& fac = in.facilities[i];
            gdal::FeaturePtr f(OGRFeature::CreateFeature(layer.GetLayerDefn()));
            f->SetField("id", fac.id.c_str());
            f->SetField("type", fac.type.c_str());
            if (const auto* t = rules.find(fac.type)) f->SetField("type_zh", t->name_zh.c_str());
            f->SetField("name", fac.name.c_str());
            f->SetField("grade", fac.grade.c_str());
            f->SetField("status", fac.status == model::FacilityStatus::existing ? "existing" : "planned");
            const auto home = a.coverage.facility_village[i];
            if (home >= 0) {
                const auto& v = in.villages[static_cast<std::size_t>(home)];
                f->SetField("county_code", v.county_code.c_str());
                f->SetField("village_code", v.code.c_str());
            }
            f->SetField("villages_reached", reach[i].first);
            f->SetField("pop_reached", reach[i].second);
            f->SetGeometryDirectly(point(fac.location).release());
            w.write(layer, *f);
        }
    }
    {
        auto& layer = w.layer("service_areas", wkbMultiPolygon);
        add_fields(layer, {{"type", OFTString, "类型"}, {"county_code", OFTString, "县代码"}});
        for (const auto& s : a.gaps.service_areas) {
            gdal::FeaturePtr f(OGRFeature::CreateFeature(layer.GetLayerDefn()));
            f->SetField("type", s.type.c_str());
            f->SetField("county_code", s.county_code.c_str());
            f->SetGeometryDirectly(w.from_wkb(s.geometry).release());
            w.write(layer, *f);
        }
    }
    {
        auto& layer = w.layer("gaps", wkbMultiPolygon);
        add_fields(layer, {{"type", OFTString, "类型"},
                           {"county_code", OFTString, "县代码"},
                           {"township_code", OFTString, "乡镇代码"},
                           {"area_m2", OFTReal, "未覆盖面积(平方米)"},
                           {"population", OFTReal, "未覆盖人口"}});
        for (const auto& g : a.gaps.gaps) {
            gdal::FeaturePtr f(OGRFeature::CreateFeature(layer.GetLayerDefn()));
            f->SetField("type", g.type.c_str());
            f->SetField("county_code", g.county_code.c_str());
            f->SetField("township_code", g.township_code.c_str());
            f->SetField("area_m2", g.area_m2);
            f->SetField("population", g.population);
            f->SetGeometryDirectly(w.from_wkb(g.geometry).release());
            w.write(layer, *f);
        }
    }
    ds.commit_transaction();
}

void Writer::write_plan(const planning::Result& plan, const rules::Rules& rules) {
    auto& w = *m_impl;
    w.out.dataset().start_transaction();
    {
        auto& layer = w.layer("proposed_sites", wkbPoint);
        add_fields(layer, {{"id", OFTString, "编号"},
                           {"type", OFTString, "类型"},
                           {"type_zh", OFTString, "类型名称"},
                           {"county_code", OFTString, "县代码"},
                           {"township_code", OFTString, "乡镇代码"},
                           {"village_code", OFTString, "村(社区)代码"},
                           {"rank", OFTInteger, "顺序"},
                           {"year", OFTInteger, "建设年份"},
                           {"gain_villages", OFTReal, "新增覆盖村数"},
                           {"gain_population", OFTReal, "新增覆盖人口"},
                           {"cost", OFTReal, "成本"},
                           {"host_kind", OFTString, "依托场所"},
                           {"candidate_id", OFTString, "候选点编号"},
                           {"budget", OFTInteger, "预算(个)"}});
        for (const auto& s : plan.sites) {
            gdal::FeaturePtr f(OGRFeature::CreateFeature(layer.GetLayerDefn()));
            f->SetField("id", s.id.c_str());
            f->SetField("type", s.type.c_str());
            if (const auto* t = rules.find(s.type)) f->SetField("type_zh", t->name_zh.c_str());
            f->SetField("county_code", s.county_code.c_str());
            f->SetField("township_code", s.township_code.c_str());
            f->SetField("village_code", s.village_code.c_str());
            f->SetField("rank", s.rank);
            if (s.year > 0) f->SetField("year", s.year);
            f->SetField("gain_villages", s.gain_villages);
            f->SetField("gain_population", s.gain_population);
            f->SetField("cost", s.cost);
            f->SetField("host_kind", s.host_kind.c_str());
            f->SetField("candidate_id", s.candidate_id.c_str());
            f->SetField("budget", s.budget);
            f->SetGeometryDirectly(point(s.location).release());
            w.write(layer, *f);
        }
    }
    {
        auto& layer = w.layer("plan_summary", wkbNone);
        add_fields(layer, {{"county_code", OFTString, "县代码"},
                           {"type", OFTString, "类型"},
                           {"model", OFTString, "模型"},
                           {"status", OFTString, "求解状态"},
                           {"method", OFTString, "求解方法"},
                           {"objective", OFTReal, "目标值"},
                           {"bound", OFTReal, "界"},
                           {"gap", OFTReal, "相对间隙"},
                           {"sites", OFTInteger, "新增设施数"},
                           {"budget", OFTInteger, "预算(个)"},
                           {"cost", OFTReal, "成本"},
                           {"seconds", OFTReal, "用时(秒)"},
                           {"candidates", OFTInteger, "候选点数"},
                           {"target", OFTReal, "目标"},
                           {"share_before", OFTReal, "规划前覆盖率"},
                           {"share_after", OFTReal, "规划后覆盖率"},
                           {"reachable_share", OFTReal, "可达最高覆盖率"},
                           {"year_met", OFTInteger, "达标年份"},
                           {"uncoverable", OFTInteger, "无法覆盖村数"},
                           {"uncoverable_villages", OFTString, "无法覆盖的村(社区)"}});
        for (const auto& r : plan.summary) {
            gdal::FeaturePtr f(OGRFeature::CreateFeature(layer.GetLayerDefn()));
            f->SetField("county_code", r.county_code.c_str());
            f->SetField("type", r.type.c_str());
            f->SetField("model", r.model.c_str());
            f->SetField("status", r.status.c_str());
            f->SetField("method", r.method.c_str());
            f->SetField("objective", r.objective);
            f->SetField("bound", r.bound);
            f->SetField("gap", r.gap);
            f->SetField("sites", r.sites);
            f->SetField("budget", r.budget);
            f->SetField("cost", r.cost);
            if (w.timings) f->SetField("seconds", r.seconds);
            f->SetField("candidates", r.candidates);
            f->SetField("target", r.target);
            f->SetField("share_before", r.share_before);
            f->SetField("share_after", r.share_after);
            f->SetField("reachable_share", r.reachable_share);
            if (r.year_met > 0) f->SetField("year_met", r.year_met);
            f->SetField("uncoverable", static_cast<int>(r.uncoverable.size()));
            std::string codes;
            for (const auto& c : r.uncoverable) codes += (codes.empty() ? "" : ",") + c;
            f->SetField("uncoverable_villages", codes.c_str());
            w.write(layer, *f);
        }
    }
    w.out.dataset().commit_transaction();
}

void Writer::write_run(const std::vector<std::pair<std::string, std::string>>& rows) {
    auto& w = *m_impl;
    w.out.dataset().start_transaction();
    auto& layer = w.layer("run", wkbNone);
    add_fields(layer, {{"key", OFTString, "项目"}, {"value", OFTString, "内容"}});
    for (const auto& [k, v] : rows) {
        gdal::FeaturePtr f(OGRFeature::CreateFeature(layer.GetLayerDefn()));
        f->SetField("key", k.c_str());
        f->SetField("value", v.c_str());
        w.write(layer, *f);
    }
    w.out.dataset().commit_transaction();
}

namespace {

std::string quoted(const std::string& text) {
    std::string out = "'";
    for (char c : text) {
        out += c;
        if (c == '\'') out += '\'';
    }
    return out + "'";
}

/// The GeoPackage schema extension: each field's Chinese alias (its OGR alternative name) as the
/// `name` of its gpkg_data_columns row, which QGIS shows as the field's alias. GDAL 3.6 keeps
/// alternative names on field definitions but does not write this table itself.
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

}  // namespace

void Writer::commit() {
    detail::write_layer_styles(m_impl->out.dataset());
    write_data_columns(m_impl->out.dataset());
    detail::write_qgis_project(m_impl->out.dataset(), m_impl->out.target().filename().string());
    m_impl->out.commit();
}

}  // namespace scicov::output
