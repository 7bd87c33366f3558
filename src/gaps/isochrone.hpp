// Isochrones: the service areas of travel-time types, built per county in its Gauss-Krueger zone
// from the network's searches (coverage::RoadNetwork::reachable_roads).
#pragma once

#include <algorithm>
#include <array>
#include <span>
#include <vector>

#include "coverage/zone.hpp"
#include "scicov/coverage.hpp"

namespace scicov::gaps {

/// A stretch of road in a county's zone, widened by ra metres at a and rb at b (linearly
/// between them: the hull of the two discs); a == b is one disc of the larger radius.
struct Stretch {
    crs::XY a, b;
    double ra = 0, rb = 0;
    double reach() const { return std::max(ra, rb); }
    /// min x, min y, max x, max y of its ends widened by its reach: the widening lies inside.
    std::array<double, 4> box() const {
        const double r = reach();
        return {std::min(a.x, b.x) - r, std::min(a.y, b.y) - r, std::max(a.x, b.x) + r, std::max(a.y, b.y) + r};
    }
};

/// The union of the stretches widened (discs of 4 × segments vertices) and of `served`
/// (polygonal), exact wherever it may meet `near` (prepared; null: everywhere): the stretches
/// whose widened box misses `near`, and those inside the union of the widest stretches and
/// `served`, do not reach GEOS's union, and a stretch starting at a point where another ends
/// with a disc at least as wide enters without its own disc there. Null when there is nothing.
geos::GeomPtr widened_union(const geos::GeosContext& ctx, std::vector<Stretch> stretches, int segments,
                            std::vector<geos::GeomPtr> served, const GEOSPreparedGeometry* near);

/// The union of the isochrones of the `sites` of a travel-time rule that may reach the county
/// (searched from every site within the limit's reach at the network's fastest speed of the
/// county's extent, in the county's zone): every point of a road from which a site is reachable
/// within the limit, widened by the off-road distance walkable in the time to spare there, and the
/// disc walkable straight across from each site; and the villages served whole. Null `merged`
/// when none meets the county.
coverage::detail::DiscUnion isochrones(coverage::detail::ZoneGeometry& geo, const coverage::detail::CountyGeometry& cg,
                                       const coverage::Rule& rule, const coverage::detail::SiteTree& tree,
                                       std::span<const crs::LonLat> sites, coverage::detail::Served served);

}  // namespace scicov::gaps
