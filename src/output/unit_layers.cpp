// The townships and counties layers: population, villages and, per type, coverage, target and
// gap; with a plan, the counties also show coverage after it and the year the target is met.
#include <algorithm>
#include <map>
#include <utility>

#include "output/writer.hpp"

namespace scicov::output::detail {

namespace {

std::vector<FieldSpec> unit_fields(const rules::Rules& rules, UnitLevel level, const planning::Result* plan) {
    std::vector<FieldSpec> fields{{"code", OFTString, "代码"}, {"name", OFTString, "名称"}};
    if (level == UnitLevel::township) fields.push_back({"county_code", OFTString, "县代码"});
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
    return fields;
}

using Planned = std::map<std::pair<std::string, std::string>, std::pair<int, int>>;  // (county, type) → sites, year met

/// Sites and year met per county and type: the budget sweep's last budget stands for max_cover.
Planned planned_of(const planning::Result* plan) {
    Planned planned;
    if (plan == nullptr) return planned;
    for (const auto& row : plan->summary) {
        if (row.model == "max_cover" && row.budget != 0 && row.budget != plan->summary.back().budget) continue;
        planned[{row.county_code, row.type}] = {row.status == "met" ? 0 : row.sites, row.year_met};
    }
    return planned;
}

/// share_urban_ / share_rural_: null for a unit without communities (or without villages).
void set_urban_rural(OGRFeature& f, const gaps::UnitSummary& u, const rules::FacilityType& type,
                     const gaps::TypeSummary& s) {
    const bool by_pop = type.target.measure == rules::Measure::population;
    auto share = [&](int cov_v, double cov_p, int all_v, double all_p) {
        return by_pop ? (all_p > 0 ? cov_p / all_p : 1.0) : (all_v > 0 ? static_cast<double>(cov_v) / all_v : 1.0);
    };
    if (u.urban_villages > 0) {
        f.SetField(("share_urban_" + type.key).c_str(),
                   share(s.urban_villages_cov, s.urban_pop_cov, u.urban_villages, u.urban_pop));
    }
    if (u.rural_villages > 0) {
        f.SetField(("share_rural_" + type.key).c_str(),
                   share(s.rural_villages_cov, s.rural_pop_cov, u.rural_villages, u.rural_pop));
    }
}

void set_after_plan(OGRFeature& f, const gaps::UnitSummary& u, std::size_t t, const std::string& k,
                    const planning::Result& plan, const Planned& planned) {
    auto it = std::lower_bound(plan.counties_after.begin(), plan.counties_after.end(), u.code,
                               [](const gaps::UnitSummary& x, const std::string& c) { return x.code < c; });
    if (it != plan.counties_after.end() && it->code == u.code) {
        f.SetField(("share_after_" + k).c_str(), it->types[t].share);
        f.SetField(("met_after_" + k).c_str(), it->types[t].met ? 1 : 0);
    }
    const auto p = planned.find({u.code, k});
    f.SetField(("sites_" + k).c_str(), p == planned.end() ? 0 : p->second.first);
    const int year = p == planned.end() ? 0 : p->second.second;
    if (year > 0) f.SetField(("year_met_" + k).c_str(), year);
}

void set_unit(OGRFeature& f, const gaps::UnitSummary& u, const rules::Rules& rules, UnitLevel level,
              const planning::Result* plan, const Planned& planned) {
    f.SetField("code", u.code.c_str());
    f.SetField("name", u.name.c_str());
    if (level == UnitLevel::township) f.SetField("county_code", u.county_code.c_str());
    f.SetField("population", u.population);
    f.SetField("villages", u.villages);
    f.SetField("urban_villages", u.urban_villages);
    f.SetField("rural_villages", u.rural_villages);
    f.SetField("urban_pop", u.urban_pop);
    f.SetField("rural_pop", u.rural_pop);
    for (std::size_t t = 0; t < rules.types.size(); ++t) {
        const auto& s = u.types[t];
        const std::string& k = rules.types[t].key;
        f.SetField(("villages_cov_" + k).c_str(), s.villages_cov);
        f.SetField(("pop_cov_" + k).c_str(), s.pop_cov);
        f.SetField(("share_" + k).c_str(), s.share);
        f.SetField(("target_" + k).c_str(), s.target);
        f.SetField(("met_" + k).c_str(), s.met ? 1 : 0);
        f.SetField(("gap_" + k).c_str(), s.gap);
        set_urban_rural(f, u, rules.types[t], s);
        if (plan != nullptr) set_after_plan(f, u, t, k, *plan, planned);
    }
}

}  // namespace

void write_unit_layer(WriterState& w, UnitLevel level, const std::vector<gaps::UnitSummary>& units,
                      const std::vector<model::AdminUnit>& given, const std::vector<model::AdminUnit>& dissolved,
                      const rules::Rules& rules, const planning::Result* plan) {
    auto& layer = w.layer(level == UnitLevel::township ? "townships" : "counties", wkbMultiPolygon);
    add_fields(layer, unit_fields(rules, level, plan));
    const Planned planned = planned_of(plan);
    // The given boundary where there is one, else the one dissolved from the villages.
    std::map<std::string, const model::AdminUnit*> geom;
    for (const auto& u : dissolved) geom[u.code] = &u;
    for (const auto& u : given) {
        if (!u.geometry.empty()) geom[u.code] = &u;
    }
    for (const auto& u : units) {
        gdal::FeaturePtr f(OGRFeature::CreateFeature(layer.GetLayerDefn()));
        set_unit(*f, u, rules, level, plan, planned);
        if (auto it = geom.find(u.code); it != geom.end())
            f->SetGeometryDirectly(w.from_wkb(it->second->geometry).release());
        w.write(layer, *f);
    }
}

}  // namespace scicov::output::detail
