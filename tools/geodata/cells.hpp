// Seed points and Voronoi cells inside a polygonal region: the synthetic townships of a county
// and villages of a township.
#pragma once

#include <vector>

#include "internal.hpp"

namespace scicov::geodata::detail {

struct XY {
    double x = 0;
    double y = 0;
};

inline double dist2(XY a, XY b) {
    return (a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y);
}

/// A polygonal region with a prepared form for fast point tests; `g` must outlive it.
class Region {
public:
    Region(const geos::GeosContext& ctx, const GEOSGeometry& g) : m_ctx(ctx), m_geom(g), m_prepared(ctx.prepare(g)) {
        const auto b = ctx.bounds(g);
        m_min = {b[0], b[1]};
        m_max = {b[2], b[3]};
    }
    bool contains(XY p) const {
        const geos::GeomPtr point = m_ctx.point(p.x, p.y);
        return GEOSPreparedContains_r(m_ctx.handle(), m_prepared.get(), point.get()) == 1;
    }
    bool contains(const GEOSGeometry& g) const {
        return GEOSPreparedContains_r(m_ctx.handle(), m_prepared.get(), &g) == 1;
    }
    const GEOSGeometry& geometry() const { return m_geom; }
    XY min() const { return m_min; }
    XY max() const { return m_max; }

private:
    const geos::GeosContext& m_ctx;
    const GEOSGeometry& m_geom;
    geos::PreparedPtr m_prepared;
    XY m_min;
    XY m_max;
};

inline XY uniform_in_box(Rng& rng, const Region& r) {
    return {rng.uniform(r.min().x, r.max().x), rng.uniform(r.min().y, r.max().y)};
}

/// How strongly seeds crowd towards the centre: the radius is R·u^k. k = 0.5 is uniform over
/// the disc, k = 1 thins out as 1/r, k = 2 crowds hard. Only sqrt and products: portable.
enum class Spread { uniform, mild, central, dense };

/// A seed point inside `region`, apart from every point in `taken`. Proposals come from around
/// `centre` (unless spread is uniform), then uniformly from the bounding box; both bounded. The
/// last resort is GEOS's point on the surface of what is left free.
XY sample_point(const geos::GeosContext& ctx, const Region& region, Rng& rng, XY centre, Spread spread,
                const std::vector<XY>& taken);

/// Divides `region` into one Voronoi cell per seed (GEOS), each clipped to the region; only
/// polygonal parts are kept. Cell i belongs to seed i.
std::vector<geos::GeomPtr> partition(const geos::GeosContext& ctx, const Region& region, const std::vector<XY>& seeds);

/// Keeps cells contiguous where the region allows: a cell that a concave region cut into pieces
/// keeps the piece holding its seed; every other piece joins the neighbouring cell it shares
/// the longest border with (pieces without a neighbour, e.g. islands, stay). The cells still
/// tile the region: pieces only move between cells.
void merge_strays(const geos::GeosContext& ctx, std::vector<geos::GeomPtr>& cells, const std::vector<XY>& seeds);

/// A random point inside a village (rejection in its box), else its surface point.
PointOut point_in(Rng& rng, const Region& village, XY fallback);

}  // namespace scicov::geodata::detail
