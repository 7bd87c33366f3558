// Isochrones: the service areas of travel-time types, built per county in its Gauss-Krueger zone
// from the network's searches (coverage::RoadNetwork::reachable_roads).
#pragma once

#include <span>

#include "coverage/zone.hpp"
#include "scicov/coverage.hpp"

namespace scicov::gaps {

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
