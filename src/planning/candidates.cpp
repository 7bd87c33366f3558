// Where new sites may go: the candidates (or the villages' points), and the spacing between them.
#include <algorithm>
#include <cmath>

#include "core/geos.hpp"
#include "planning/detail.hpp"

namespace scicov::planning::detail {

namespace {

/// The union of the exclusion areas, prepared; null when there are none.
struct Exclusions {
    geos::GeomPtr area;
    geos::PreparedPtr prepared;
};

Exclusions exclusions(const geos::GeosContext& ctx, const model::Inputs& in) {
    Exclusions out;
    std::vector<geos::GeomPtr> parts;
    for (const auto& wkb : in.exclusions) parts.push_back(ctx.from_wkb(wkb));
    if (!parts.empty()) {
        out.area = ctx.unary_union(*ctx.collection(GEOS_MULTIPOLYGON, std::move(parts)));
        out.prepared = ctx.prepare(*out.area);
    }
    return out;
}

}  // namespace

std::vector<Candidate> candidate_sites(const analysis::Analysis& a, unsigned threads, Diagnostics& diag) {
    const auto& in = a.inputs;
    const geos::GeosContext ctx;
    const Exclusions excluded = exclusions(ctx, in);
    // Exclusions apply to every kind of site, the villages' points as much as host buildings.
    const auto is_excluded = [&](const crs::LonLat& p) {
        if (!excluded.prepared) return false;
        const auto point = ctx.point(p.lon, p.lat);
        return GEOSPreparedIntersects_r(ctx.handle(), excluded.prepared.get(), point.get()) == 1;
    };
    std::vector<Candidate> sites;
    std::size_t outside = 0, in_exclusion = 0;
    if (in.candidates.empty()) {
        for (std::size_t v = 0; v < in.villages.size(); ++v) {
            if (is_excluded(in.villages[v].rep)) {
                ++in_exclusion;
                continue;
            }
            sites.push_back(Candidate{in.villages[v].rep, static_cast<std::int32_t>(v),
                                      "village:" + in.villages[v].code, "村(社区)代表点", 1.0, true});
        }
    } else {
        std::vector<crs::LonLat> locations;
        locations.reserve(in.candidates.size());
        for (const auto& c : in.candidates) locations.push_back(c.location);
        const auto homes = a.index.villages_at(locations, threads);
        for (std::size_t i = 0; i < in.candidates.size(); ++i) {
            const auto& c = in.candidates[i];
            if (homes[i] < 0) {
                ++outside;
                continue;
            }
            if (is_excluded(c.location)) {
                ++in_exclusion;
                continue;
            }
            sites.push_back(Candidate{c.location, homes[i], c.id, c.kind, c.cost, false});
        }
    }
    if (outside > 0)
        diag.warning(Context{}, std::to_string(outside) + " candidates lie outside every village and were not used");
    if (in_exclusion > 0) {
        diag.warning(Context{}, std::to_string(in_exclusion) +
                                    (in.candidates.empty() ? " village points (the candidates when none are given)"
                                                           : " candidates") +
                                    " lie in exclusion areas and were not used");
    }
    return sites;
}

bool Spacing::too_close(std::size_t type, const crs::LonLat& p) const {
    // A box of the spacing in degrees, generous (1° of latitude ≥ 110.5 km), then geodesic.
    const double dlat = m_spacing_m / 110'000.0;
    const double dlon = m_spacing_m / (110'000.0 * std::max(0.01, std::cos((std::abs(p.lat) + dlat) * M_PI / 180.0)));
    std::vector<Entry> hits;
    m_trees[type].query(core::bgi::intersects(core::Box2(core::Point2(p.lon - dlon, p.lat - dlat),
                                                         core::Point2(p.lon + dlon, p.lat + dlat))),
                        std::back_inserter(hits));
    return std::any_of(hits.begin(), hits.end(), [&](const Entry& e) {
        return m_geod.distance_m(p, {e.first.get<0>(), e.first.get<1>()}) < m_spacing_m;
    });
}

}  // namespace scicov::planning::detail
