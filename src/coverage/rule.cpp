// The one place that says which villages a site covers, and whether a village is covered: a new
// coverage kind adds a case to reach_one() and, when its verdict is not "some site reaches it",
// to Rule::covered().
#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <unordered_map>

#include "core/parallel.hpp"
#include "coverage/network.hpp"
#include "coverage/zone.hpp"
#include "scicov/coverage.hpp"

namespace scicov::coverage {

namespace {

/// Area shares are compared with this slack, so a village exactly at the threshold stays covered
/// whatever the rounding of its area.
constexpr double k_share_slack = 1e-12;

bool enough(double inside_m2, double area_m2, double min_fraction) {
    const double share = area_m2 > 0 ? std::min(1.0, inside_m2 / area_m2) : 0.0;
    return share >= min_fraction - k_share_slack;
}

/// Villages covered by single discs (area-share rules), for one thread: each village is projected
/// into its county's zone once per call.
class DiscReach {
public:
    DiscReach(const VillageIndex& index, const rules::CoverageRule& rule, int segments)
        : m_index(index), m_rule(rule), m_shape(rule.radius_m, segments) {}

    void of(crs::LonLat site, std::vector<std::int32_t>& out) {
        out.clear();
        // Villages whose box meets a generous lon/lat box of the radius around the site.
        const double r = m_rule.radius_m;
        const double dlat = r / 110'000.0 * 1.05;
        const double dlon = r / (111'320.0 * std::cos(std::min(89.0, std::abs(site.lat) + dlat) * M_PI / 180.0)) * 1.05;
        m_index.villages_meeting({site.lon - dlon, site.lat - dlat, site.lon + dlon, site.lat + dlat}, m_near);
        std::map<const proj::Transformer*, crs::XY> centres;
        for (auto v : m_near) {
            const Village& village = projected(v);
            auto [c, fresh] = centres.try_emplace(village.zone);
            if (fresh) {
                std::vector<double> x{site.lon}, y{site.lat};
                village.zone->forward(x, y);
                c->second = {x[0], y[0]};
            }
            const double inside = m_geo.inside_disc(*village.poly, village.area_m2, c->second, m_shape);
            if (enough(inside, village.area_m2, *m_rule.min_area_fraction)) out.push_back(v);
        }
    }

private:
    struct Village {
        const proj::Transformer* zone = nullptr;
        geos::GeomPtr poly;
        double area_m2 = 0;
    };

    const Village& projected(std::int32_t v) {
        auto [it, fresh] = m_villages.try_emplace(v);
        if (fresh) {
            const auto& village = m_index.inputs().villages[static_cast<std::size_t>(v)];
            it->second.zone = &m_geo.zone_of(m_index.county_extent(village.county_code));
            it->second.poly = m_geo.project(*m_geo.ctx().from_wkb(village.geometry), *it->second.zone, false);
            it->second.area_m2 = m_geo.ctx().area(*it->second.poly);
        }
        return it->second;
    }

    const VillageIndex& m_index;
    const rules::CoverageRule& m_rule;
    detail::DiscShape m_shape;
    detail::ZoneGeometry m_geo;
    std::unordered_map<std::int32_t, Village> m_villages;
    std::vector<std::int32_t> m_near;
};

}  // namespace

Rule::Rule(const rules::FacilityType& type, const VillageIndex& index, const Options& options)
    : Rule(type, index, options, rules::Speeds{}, nullptr) {
    if (travel_time()) throw Error(ErrorKind::internal, "travel-time rule of type '" + m_type + "' without speeds");
}

Rule::Rule(const rules::FacilityType& type, const VillageIndex& index, const Options& options,
           const rules::Speeds& speeds, std::shared_ptr<const RoadNetwork> network)
    : m_type(type.key),
      m_rule(type.rule),
      m_index(&index),
      m_circle_segments(options.circle_segments),
      m_network(std::move(network)),
      m_off_road_mps(speeds.off_road_kmh / 3.6) {
    if (!travel_time()) return;
    const bool needs_network = roads_can_beat_straight(speeds, m_rule.mode);
    if (needs_network != static_cast<bool>(m_network) || (m_network && m_network->mode() != m_rule.mode) ||
        !(m_off_road_mps > 0)) {
        throw Error(ErrorKind::internal, "travel-time rule of type '" + m_type + "' without its road network");
    }
}

std::vector<double> Rule::nearest_minutes(std::span<const Site> sites, std::span<const double> straight_m) const {
    if (!travel_time()) throw Error(ErrorKind::internal, "nearest_minutes: type '" + m_type + "' is not travel time");
    std::vector<crs::LonLat> locations;
    for (const auto& s : sites) locations.push_back(s.location);
    std::vector<double> out;
    if (m_network) {
        out = m_network->nearest_s(locations, straight_m);
    } else {
        out = straight_m.empty() ? nearest_distance_m(m_index->inputs(), locations, 1)
                                 : std::vector<double>(straight_m.begin(), straight_m.end());
        for (auto& t : out) t /= m_off_road_mps;
    }
    for (auto& t : out) t /= 60.0;
    return out;
}

Incidence Rule::reach(std::span<const Site> sites, unsigned threads) const {
    std::vector<Geocentric> at;
    if ((m_rule.kind == rules::CoverageKind::radius && !area_share()) || travel_time()) {
        std::vector<crs::LonLat> locations;
        locations.reserve(sites.size());
        for (const auto& s : sites) locations.push_back(s.location);
        at = m_index->geocentric(locations);
    }
    // Chunks of the sites on several threads, joined in site order.
    constexpr std::size_t chunk = 2048;
    std::vector<Incidence> parts((sites.size() + chunk - 1) / chunk);
    core::parallel_for_ranges(sites.size(), chunk, threads, [&] {
        return [&](std::size_t a, std::size_t b) {
            const auto part =
                at.empty() ? std::span<const Geocentric>() : std::span<const Geocentric>(at).subspan(a, b - a);
            parts[a / chunk] = reach(sites.subspan(a, b - a), part);
        };
    });
    Incidence out;
    for (const auto& part : parts) {
        const auto base = static_cast<std::int64_t>(out.villages.size());
        out.villages.insert(out.villages.end(), part.villages.begin(), part.villages.end());
        for (std::size_t i = 1; i < part.offsets.size(); ++i) out.offsets.push_back(base + part.offsets[i]);
    }
    return out;
}

Incidence Rule::reach(std::span<const Site> sites, std::span<const Geocentric> sites_geocentric) const {
    const auto& inputs = m_index->inputs();
    Incidence inc;
    inc.offsets.reserve(sites.size() + 1);
    std::vector<std::int32_t> found;
    // A village-level site covers the village it stands in at any distance (or time).
    const auto add_own_village = [this](std::vector<std::int32_t>& sorted, std::int32_t home) {
        if (!m_rule.covers_own_village || home < 0) return;
        const auto at = std::lower_bound(sorted.begin(), sorted.end(), home);
        if (at == sorted.end() || *at != home) sorted.insert(at, home);
    };
    std::vector<RoadNetwork::Reached> reached;
    const crs::Geodesic geod;
    std::unique_ptr<DiscReach> discs;
    if (area_share()) discs = std::make_unique<DiscReach>(*m_index, m_rule, m_circle_segments);
    for (std::size_t i = 0; i < sites.size(); ++i) {
        const std::int32_t home = sites[i].village;
        switch (m_rule.kind) {
            case rules::CoverageKind::contains:
                if (home >= 0) inc.villages.push_back(home);
                break;
            case rules::CoverageKind::radius:
                if (discs) {
                    discs->of(sites[i].location, found);
                } else {
                    m_index->villages_within(sites[i].location, sites_geocentric[i], m_rule.radius_m, found);
                }
                add_own_village(found, home);
                inc.villages.insert(inc.villages.end(), found.begin(), found.end());
                break;
            case rules::CoverageKind::admin:
                if (home >= 0) {
                    const auto& v = inputs.villages[static_cast<std::size_t>(home)];
                    auto members = m_rule.admin_level == rules::AdminLevel::county
                                       ? m_index->villages_of_county(v.county_code)
                                       : m_index->villages_of_township(v.township_code);
                    inc.villages.insert(inc.villages.end(), members.begin(), members.end());
                }
                break;
            case rules::CoverageKind::travel_time:
                if (m_network) {
                    m_network->reach(sites[i].location, sites_geocentric[i], m_rule.minutes * 60.0, reached);
                } else {  // ascending by village, as villages_within finds them
                    reached.clear();
                    straight_reach(*m_index, geod, sites[i].location, sites_geocentric[i], m_rule.minutes * 60.0,
                                   m_off_road_mps, reached);
                }
                found.clear();
                for (const auto& r : reached) found.push_back(r.village);  // sorted by village
                add_own_village(found, home);
                inc.villages.insert(inc.villages.end(), found.begin(), found.end());
                break;
        }
        inc.offsets.push_back(static_cast<std::int64_t>(inc.villages.size()));
    }
    return inc;
}

std::vector<std::uint8_t> Rule::covered(std::span<const Site> sites, const Incidence& reach, unsigned threads) const {
    const auto& in = m_index->inputs();
    std::vector<std::uint8_t> out(in.villages.size(), 0);
    if (!area_share()) {
        for (auto v : reach.villages) out[static_cast<std::size_t>(v)] = 1;
        return out;
    }
    if (sites.empty()) return out;
    std::vector<std::uint8_t> own(out.size(), 0);  // villages holding a site that covers its own village
    if (m_rule.covers_own_village) {
        for (const auto& s : sites)
            if (s.village >= 0) own[static_cast<std::size_t>(s.village)] = 1;
    }
    // Area shares inside the union of every site's disc, a county at a time in its zone: the same
    // measure as the gaps' area shares (detail::ZoneGeometry).
    std::vector<crs::LonLat> locations;
    for (const auto& s : sites) locations.push_back(s.location);
    const auto tree = detail::site_tree(locations);
    const detail::DiscShape shape(m_rule.radius_m, m_circle_segments);
    const auto counties = detail::county_runs(in);
    const auto order = core::largest_first(counties.size(), [&](std::size_t c) { return counties[c].villages.size(); });
    core::parallel_for(
        counties.size(), threads,
        [&] {
            return [&, geo = std::make_shared<detail::ZoneGeometry>()](std::size_t i) {
                const auto cg = geo->county(in, counties[order[i]].villages);
                std::vector<std::uint8_t> own_here(cg.villages.size());
                for (std::size_t k = 0; k < cg.villages.size(); ++k)
                    own_here[k] = own[static_cast<std::size_t>(cg.villages[k])];
                const auto du = geo->discs(cg, tree, locations, shape, geo->served(cg, own_here));
                std::vector<double> inside(cg.villages.size(), 0.0);
                bool touched = false;
                for (std::size_t t = 0; t < cg.towns.size(); ++t)
                    geo->inside_of_town(cg, du, t, inside, touched, own_here);
                for (std::size_t k = 0; k < cg.villages.size(); ++k) {
                    const auto v = static_cast<std::size_t>(cg.villages[k]);
                    out[v] = own[v] || enough(inside[k], cg.area_m2[k], *m_rule.min_area_fraction) ? 1 : 0;
                }
            };
        },
        [](std::size_t) {});
    return out;
}

}  // namespace scicov::coverage
