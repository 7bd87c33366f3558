// Isochrone geometry: a stretch of road whose time to spare falls linearly from one end to the
// other is widened to the union of discs of linearly falling radius along it, which is the convex
// hull of its two end discs; a point with time to spare is one disc. The county's union of them
// all is its service area for the type (see docs/travel-time.md).
#include "gaps/isochrone.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>

#include "coverage/network.hpp"

namespace scicov::gaps {

namespace detail = coverage::detail;

namespace {

/// Discs of any radius as regular polygons of 4 × segments vertices (as service discs are drawn).
class Discs {
public:
    explicit Discs(int segments) {
        const auto n = static_cast<std::size_t>(4 * std::max(1, segments));
        for (std::size_t k = 0; k <= n; ++k) {
            const double angle = 2.0 * M_PI * static_cast<double>(k % n) / static_cast<double>(n);
            m_unit.push_back(std::cos(angle));
            m_unit.push_back(std::sin(angle));
        }
    }
    /// The closed ring of the disc of radius r around (x, y), appended to xy.
    void ring(double x, double y, double r, std::vector<double>& xy) const {
        for (std::size_t k = 0; k < m_unit.size(); k += 2) {
            xy.push_back(x + r * m_unit[k]);
            xy.push_back(y + r * m_unit[k + 1]);
        }
    }

private:
    std::vector<double> m_unit;
};

/// The hull of two discs (one when the points coincide): GEOS's convex hull of both rings' points.
geos::GeomPtr widened(const geos::GeosContext& ctx, const Discs& discs, crs::XY a, double ra, crs::XY b, double rb) {
    std::vector<double> xy;
    if (a.x == b.x && a.y == b.y) {
        discs.ring(a.x, a.y, std::max(ra, rb), xy);
        return ctx.polygon(xy);
    }
    discs.ring(a.x, a.y, ra, xy);
    discs.ring(b.x, b.y, rb, xy);
    const auto h = ctx.handle();
    GEOSCoordSequence* seq = GEOSCoordSeq_copyFromBuffer_r(h, xy.data(), xy.size() / 2, 0, 0);
    if (seq == nullptr) throw Error(ErrorKind::geometry, "isochrone: coordinate sequence: " + ctx.last_error());
    const auto line = ctx.own(GEOSGeom_createLineString_r(h, seq), "isochrone line");
    auto hull = ctx.own(GEOSConvexHull_r(h, line.get()), "isochrone hull");
    if (GEOSGeomTypeId_r(h, hull.get()) != GEOS_POLYGON) return nullptr;  // no width: a line or a point
    return hull;
}

}  // namespace

detail::DiscUnion isochrones(detail::ZoneGeometry& geo, const detail::CountyGeometry& cg, const coverage::Rule& rule,
                             const detail::SiteTree& tree, std::span<const crs::LonLat> sites, detail::Served served) {
    const auto& net = *rule.network();
    const double limit_s = rule.rule().minutes * 60.0;
    // Sites that may reach the county: within the limit at the fastest speed of its extent.
    const double reach_m = limit_s * net.fastest_mps();
    const auto [minx, miny, maxx, maxy] = cg.extent;
    const double dlat = reach_m / 110'000.0 * 1.05;
    const double dlon =
        reach_m /
        (111'320.0 * std::cos(std::min(89.0, std::max(std::abs(miny), std::abs(maxy)) + dlat) * M_PI / 180.0)) * 1.05;
    std::vector<detail::SiteEntry> hits;
    tree.query(core::bgi::intersects(
                   core::Box2(core::Point2(minx - dlon, miny - dlat), core::Point2(maxx + dlon, maxy + dlat))),
               std::back_inserter(hits));
    std::sort(hits.begin(), hits.end(),
              [](const detail::SiteEntry& a, const detail::SiteEntry& b) { return a.second < b.second; });

    const auto& ctx = geo.ctx();
    const Discs discs(rule.circle_segments());
    const auto box = ctx.bounds(*cg.county);
    std::vector<coverage::RoadNetwork::Piece> pieces;
    std::vector<geos::GeomPtr> parts;
    std::vector<crs::LonLat> from;
    for (const auto& hit : hits) from.push_back(sites[hit.second]);
    // One search from every site: a stretch enters the union once, widened by the time to spare
    // for its nearest site, which holds every other site's disc there (a search per site gave
    // GEOS each stretch once per site that reaches it, the same area many times over).
    net.reachable_roads(from, limit_s, pieces);
    std::vector<double> x, y;
    for (const auto& p : pieces) {
        x.insert(x.end(), {p.a.lon, p.b.lon});
        y.insert(y.end(), {p.a.lat, p.b.lat});
    }
    cg.zone->forward(x, y);
    for (std::size_t i = 0; i < pieces.size(); ++i) {
        const double ra = pieces[i].a_spare_s * net.off_road_mps(), rb = pieces[i].b_spare_s * net.off_road_mps();
        if (!(ra > 0) && !(rb > 0)) continue;  // no width: no area
        const crs::XY a{x[2 * i], y[2 * i]}, b{x[2 * i + 1], y[2 * i + 1]};
        // A piece that cannot meet the county changes nothing in it.
        const double r = std::max(ra, rb);
        if (std::max(a.x, b.x) + r < box[0] || std::min(a.x, b.x) - r > box[2] || std::max(a.y, b.y) + r < box[1] ||
            std::min(a.y, b.y) - r > box[3]) {
            continue;
        }
        if (auto part = widened(ctx, discs, a, ra, b, rb)) parts.push_back(std::move(part));
    }
    // no centres: not discs, so no box is settled by arithmetic
    return geo.service_union(detail::DiscUnion{}, std::move(parts), std::move(served), cg);
}

}  // namespace scicov::gaps
