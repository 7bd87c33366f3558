// Coverage of every type by the existing facilities: where they stand, whom they reach, the
// verdict per village (Rule) and the nearest facility of each type.
#include "scicov/coverage.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <utility>
#include <vector>

#include "core/parallel.hpp"
#include "coverage/network.hpp"

namespace scicov::coverage {

std::vector<std::int32_t> locate_facilities(const VillageIndex& index, Diagnostics& diagnostics, unsigned threads) {
    const auto& facilities = index.inputs().facilities;
    std::vector<crs::LonLat> locations;
    locations.reserve(facilities.size());
    for (const auto& f : facilities) locations.push_back(f.location);
    auto homes = index.villages_at(locations, threads);
    for (std::size_t i = 0; i < facilities.size(); ++i) {
        const auto& f = facilities[i];
        if (homes[i] < 0) {
            diagnostics.warning(Context{f.source.file, f.source.layer, f.source.fid, {}},
                                "facility \"" + f.id + "\" lies outside every village");
        }
    }
    return homes;
}

Coverage compute(const VillageIndex& index, const rules::Rules& rules, const Options& options, Diagnostics& diagnostics,
                 const Reporter& reporter) {
    const auto& inputs = index.inputs();
    Coverage cov;
    reporter.step("locating facilities", 0.0);
    cov.facility_village = locate_facilities(index, diagnostics, options.threads);
    reporter.step("locating facilities", 1.0);
    // A network per travel mode the rules use, the modes built side by side.
    // Not for a mode whose roads cannot beat walking straight across: its times are straight-line
    // times (roads_can_beat_straight), and its network would be built for nothing.
    std::vector<rules::TravelMode> modes;
    for (const auto& type : rules.types) {
        if (type.rule.kind != rules::CoverageKind::travel_time) continue;
        require_roads(inputs);
        if (roads_can_beat_straight(rules.speeds, type.rule.mode) &&
            std::find(modes.begin(), modes.end(), type.rule.mode) == modes.end()) {
            modes.push_back(type.rule.mode);
        }
    }
    const auto networks = build_networks(index, rules.speeds, modes, options.threads, diagnostics);
    std::vector<std::vector<Site>> sites_of(rules.types.size());
    for (std::size_t t = 0; t < rules.types.size(); ++t) {
        const auto& type = rules.types[t];
        std::shared_ptr<const RoadNetwork> network;
        if (const auto it = networks.find(type.rule.mode);
            type.rule.kind == rules::CoverageKind::travel_time && it != networks.end()) {
            network = it->second;
        }
        TypeCoverage tc{Rule(type, index, options, rules.speeds, std::move(network)), {}, {}, {}, {}, {}};
        auto& sites = sites_of[t];
        std::vector<crs::LonLat> locations;
        for (std::size_t i = 0; i < inputs.facilities.size(); ++i) {
            const auto& f = inputs.facilities[i];
            if (f.type != type.key || f.status != model::FacilityStatus::existing) continue;
            tc.facilities.push_back(i);
            sites.push_back(Site{f.location, cov.facility_village[i]});
            locations.push_back(f.location);
        }
        tc.incidence = tc.rule.reach(sites, options.threads);
        tc.covered = tc.rule.covered(sites, tc.incidence, options.threads);
        tc.nearest_m = nearest_distance_m(inputs, locations, options.threads);
        cov.types.push_back(std::move(tc));
        reporter.step("coverage", static_cast<double>(t + 1) / static_cast<double>(rules.types.size()));
    }
    // Minutes to the nearest facility: one search over a whole network per travel-time type,
    // the types side by side.
    std::vector<std::size_t> timed;
    for (std::size_t t = 0; t < cov.types.size(); ++t)
        if (cov.types[t].rule.travel_time()) timed.push_back(t);
    core::parallel_for_ranges(timed.size(), 1, options.threads, [&] {
        return [&](std::size_t a, std::size_t b) {
            for (std::size_t k = a; k < b; ++k) {
                auto& tc = cov.types[timed[k]];
                tc.nearest_min = tc.rule.nearest_minutes(sites_of[timed[k]], tc.nearest_m);
            }
        };
    });
    return cov;
}

}  // namespace scicov::coverage
