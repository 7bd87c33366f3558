// The plan layers of the output GeoPackage: proposed_sites, plan_summary, plan_horizon and, with
// equalisation, urban_rural.
#include "output/writer.hpp"

namespace scicov::output {

namespace {

void write_sites(detail::WriterState& w, const planning::Result& plan, const rules::Rules& rules) {
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
                       {"budget", OFTInteger, "预算(个)"},
                       {"beyond_horizon", OFTInteger, "远期(规划期后)"}});
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
        f->SetField("beyond_horizon", s.beyond_horizon ? 1 : 0);
        f->SetGeometryDirectly(w.point(s.location).release());
        w.write(layer, *f);
    }
}

void write_summary(detail::WriterState& w, const planning::Result& plan) {
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

/// The plans' terms: per county and type, the year the target is met and the yearly budget
/// that meets it by the horizon.
void write_horizon(detail::WriterState& w, const planning::Result& plan) {
    auto& layer = w.layer("plan_horizon", wkbNone);
    add_fields(layer, {{"county_code", OFTString, "县代码"},
                       {"county_name", OFTString, "县名称"},
                       {"type", OFTString, "类型"},
                       {"type_name_zh", OFTString, "类型名称"},
                       {"sites_needed", OFTInteger, "规划新增数"},
                       {"per_year", OFTInteger, "每年建设数"},
                       {"year_met", OFTInteger, "达标年份"},
                       {"horizon_year", OFTInteger, "规划期末年份"},
                       {"per_year_for_horizon", OFTInteger, "期末达标需每年建设数"},
                       {"sentence_zh", OFTString, "说明"}});
    for (const auto& h : plan.horizon) {
        gdal::FeaturePtr f(OGRFeature::CreateFeature(layer.GetLayerDefn()));
        f->SetField("county_code", h.county_code.c_str());
        f->SetField("county_name", h.county_name.c_str());
        f->SetField("type", h.type.c_str());
        f->SetField("type_name_zh", h.type_name_zh.c_str());
        f->SetField("sites_needed", h.sites_needed);
        f->SetField("per_year", h.per_year);
        if (h.year_met > 0) f->SetField("year_met", h.year_met);
        f->SetField("horizon_year", h.horizon_year);
        if (h.per_year_for_horizon > 0) f->SetField("per_year_for_horizon", h.per_year_for_horizon);
        f->SetField("sentence_zh", h.sentence_zh.c_str());
        w.write(layer, *f);
    }
}

/// Equalisation (003): urban communities and rural villages covered, per county and type, before
/// the plan, at the end of each year with new sites reaching the county, and after it.
void write_urban_rural(detail::WriterState& w, const planning::Result& plan) {
    auto& layer = w.layer("urban_rural", wkbNone);
    add_fields(layer, {{"county_code", OFTString, "县代码"},
                       {"type", OFTString, "类型"},
                       {"stage", OFTString, "阶段(before/year/after)"},
                       {"year", OFTInteger, "年份"},
                       {"rural_villages", OFTInteger, "村数"},
                       {"urban_villages", OFTInteger, "社区数"},
                       {"rural_villages_covered", OFTInteger, "覆盖村数"},
                       {"urban_villages_covered", OFTInteger, "覆盖社区数"},
                       {"rural_people", OFTReal, "村人口"},
                       {"urban_people", OFTReal, "社区人口"},
                       {"rural_people_covered", OFTReal, "覆盖村人口"},
                       {"urban_people_covered", OFTReal, "覆盖社区人口"},
                       {"rural_share", OFTReal, "村覆盖率"},
                       {"urban_share", OFTReal, "社区覆盖率"},
                       {"gap_pp", OFTReal, "城乡差(百分点)"}});
    for (const auto& r : plan.urban_rural) {
        gdal::FeaturePtr f(OGRFeature::CreateFeature(layer.GetLayerDefn()));
        f->SetField("county_code", r.county_code.c_str());
        f->SetField("type", r.type.c_str());
        f->SetField("stage", r.stage.c_str());
        if (r.year > 0) f->SetField("year", r.year);
        f->SetField("rural_villages", r.rural_villages);
        f->SetField("urban_villages", r.urban_villages);
        f->SetField("rural_villages_covered", r.rural_villages_covered);
        f->SetField("urban_villages_covered", r.urban_villages_covered);
        f->SetField("rural_people", r.rural_people);
        f->SetField("urban_people", r.urban_people);
        f->SetField("rural_people_covered", r.rural_people_covered);
        f->SetField("urban_people_covered", r.urban_people_covered);
        if (r.rural_share) f->SetField("rural_share", *r.rural_share);
        if (r.urban_share) f->SetField("urban_share", *r.urban_share);
        if (r.gap_pp) f->SetField("gap_pp", *r.gap_pp);
        w.write(layer, *f);
    }
}

}  // namespace

void Writer::write_plan(const planning::Result& plan, const rules::Rules& rules) {
    auto& w = *m_state;
    w.out.dataset().start_transaction();
    write_sites(w, plan, rules);
    write_summary(w, plan);
    write_horizon(w, plan);
    if (!plan.urban_rural.empty()) write_urban_rural(w, plan);
    w.out.dataset().commit_transaction();
}

}  // namespace scicov::output
