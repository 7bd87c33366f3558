// Priority weights of demand (POLICY 000): resources lean towards ethnic-minority areas and
// remote mountain villages.
#include <algorithm>
#include <cmath>
#include <map>

#include "crs/geodesic.hpp"
#include "io/divisions.hpp"
#include "scicov/io.hpp"

namespace scicov::io {

namespace {

/// Per township code of the villages: whether it lies in an ethnic area at any level, by the
/// names of the given units (layers, or named from the table by name_units) and, for provinces
/// and prefectures (and units no one named), the division table.
std::map<std::string, bool> ethnic_townships(const model::Inputs& in, const DivisionTable& table) {
    std::map<std::string, const std::string*> given;
    for (const auto* units : {&in.townships, &in.counties})
        for (const auto& u : *units)
            if (!u.name.empty()) given.emplace(u.code, &u.name);
    std::map<std::string, bool> level;  // code of any level → its name marks it
    const auto ethnic = [&](const std::string& code) {
        auto [it, fresh] = level.emplace(code, false);
        if (fresh) {
            const auto g = given.find(code);
            const std::string* name = g != given.end() ? g->second : table.name(code);
            it->second = name != nullptr && detail::is_ethnic_name(*name, code.size());
        }
        return it->second;
    };
    std::map<std::string, bool> out;
    for (const auto& v : in.villages) {
        if (out.count(v.township_code)) continue;
        bool any = false;
        for (std::size_t digits : {std::size_t{2}, std::size_t{4}, model::k_county_digits, model::k_township_digits})
            any = ethnic(model::code_prefix(v.code, digits)) || any;
        out.emplace(v.township_code, any);
    }
    return out;
}

}  // namespace

void assign_priority(model::Inputs& in, const rules::PriorityRules& priority) {
    assign_priority(in, priority, DivisionTable());
}

void assign_priority(model::Inputs& in, const rules::PriorityRules& priority, const DivisionTable& table) {
    const std::map<std::string, bool> ethnic = ethnic_townships(in, table);

    // A county's centre: the population-weighted mean of its villages' points, which sits
    // near the county seat where communities cluster.
    struct Acc {
        double w = 0, lon = 0, lat = 0;
        std::vector<std::size_t> members;
    };
    std::map<std::string, Acc> counties;
    for (std::size_t i = 0; i < in.villages.size(); ++i) {
        const auto& v = in.villages[i];
        auto& a = counties[v.county_code];
        const double w = std::max(1.0, v.population);
        a.w += w;
        a.lon += w * v.rep.lon;
        a.lat += w * v.rep.lat;
        a.members.push_back(i);
    }
    const crs::Geodesic geod;
    std::vector<double> dist;
    for (auto& [code, a] : counties) {
        const crs::LonLat centre{a.lon / a.w, a.lat / a.w};
        dist.clear();
        for (auto i : a.members) dist.push_back(geod.distance_m(centre, in.villages[i].rep));
        std::vector<double> sorted = dist;
        std::sort(sorted.begin(), sorted.end());
        const auto q =
            static_cast<std::size_t>(std::floor(priority.remote_quantile * static_cast<double>(sorted.size())));
        const double threshold = sorted.empty() ? 0 : sorted[std::min(q, sorted.size() - 1)];
        for (std::size_t k = 0; k < a.members.size(); ++k) {
            auto& v = in.villages[a.members[k]];
            double w = priority.base;
            if (auto it = ethnic.find(v.township_code); it != ethnic.end() && it->second) {
                w = std::max(w, priority.ethnic_township);
            }
            if (a.members.size() > 1 && dist[k] > threshold) w = std::max(w, priority.remote);
            v.priority = w;
        }
    }
}

}  // namespace scicov::io
