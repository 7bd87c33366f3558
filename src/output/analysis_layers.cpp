// The analysis layers of the output GeoPackage: villages, townships, counties, facilities,
// service areas and gaps, written in one transaction.
#include <cmath>
#include <utility>
#include <vector>

#include "output/writer.hpp"

namespace scicov::output {

namespace {

const char* settlement_name(model::Settlement s) {
    return s == model::Settlement::community ? "社区" : "村";
}

void write_villages(detail::WriterState& w, const analysis::Analysis& a, const rules::Rules& rules) {
    const auto& in = a.inputs;
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
        if (t.rule.kind == rules::CoverageKind::travel_time) {
            fields.push_back({"time_" + t.key + "_min", OFTReal, "最近" + t.name_zh + "时间(分钟)"});
        }
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
            f->SetField(("cov_" + key).c_str(), a.coverage.types[t].covered[v] ? 1 : 0);
            const double d = a.coverage.types[t].nearest_m[v];
            if (std::isfinite(d)) {
                f->SetField(("dist_" + key + "_m").c_str(), d);
            } else {
                f->SetFieldNull(layer.GetLayerDefn()->GetFieldIndex(("dist_" + key + "_m").c_str()));
            }
            f->SetField(("frac_" + key).c_str(), a.gaps.covered_fraction[t][v]);
            if (const auto& minutes = a.coverage.types[t].nearest_min; !minutes.empty()) {
                const auto field = "time_" + key + "_min";
                if (std::isfinite(minutes[v])) {
                    f->SetField(field.c_str(), minutes[v]);
                } else {
                    f->SetFieldNull(layer.GetLayerDefn()->GetFieldIndex(field.c_str()));
                }
            }
        }
        f->SetGeometryDirectly(w.from_wkb(village.geometry).release());
        w.write(layer, *f);
    }
}

/// Per facility: the villages its service area reaches and their population, over all types.
std::vector<std::pair<int, double>> reach_of(const analysis::Analysis& a) {
    const auto& in = a.inputs;
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
    return reach;
}

void write_facilities(detail::WriterState& w, const analysis::Analysis& a, const rules::Rules& rules) {
    const auto& in = a.inputs;
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
    const std::vector<std::pair<int, double>> reach = reach_of(a);
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
        f->SetGeometryDirectly(w.point(fac.location).release());
        w.write(layer, *f);
    }
}

void write_service_areas(detail::WriterState& w, const analysis::Analysis& a) {
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

void write_gaps(detail::WriterState& w, const analysis::Analysis& a) {
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

}  // namespace

void Writer::write_analysis(const analysis::Analysis& a, const rules::Rules& rules, const planning::Result* plan) {
    auto& w = *m_state;
    const auto& in = a.inputs;
    w.out.dataset().start_transaction();
    write_villages(w, a, rules);
    detail::write_unit_layer(w, detail::UnitLevel::township, a.townships, in.townships, a.gaps.dissolved_townships,
                             rules, nullptr);
    detail::write_unit_layer(w, detail::UnitLevel::county, a.counties, in.counties, a.gaps.dissolved_counties, rules,
                             plan);
    write_facilities(w, a, rules);
    write_service_areas(w, a);
    write_gaps(w, a);
    w.out.dataset().commit_transaction();
}

}  // namespace scicov::output
