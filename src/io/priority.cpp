// Priority weights of demand (POLICY 000): resources lean towards ethnic-minority areas and
// remote mountain villages.
#include <algorithm>
#include <cmath>
#include <map>

#include "crs/geodesic.hpp"
#include "scicov/io.hpp"

namespace scicov::io {

void assign_priority(model::Inputs& in, const rules::PriorityRules& priority) {
    std::map<std::string, bool> ethnic;  // township code → name contains 族乡
    for (const auto& t : in.townships) ethnic[t.code] = t.name.find("族乡") != std::string::npos;

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
