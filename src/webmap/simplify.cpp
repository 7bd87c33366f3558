#include "webmap/simplify.hpp"

#include <algorithm>
#include <cstddef>
#include <utility>

#include "core/rtree.hpp"

namespace scicov::webmap::detail {

namespace {

using geos::GeomPtr;

/// The borders of every polygon of every layer, noded at every junction and dissolved (a border
/// two polygons share appears once), merged into maximal edges between junctions.
GeomPtr border_edges(const geos::GeosContext& ctx, const std::vector<std::vector<const GEOSGeometry*>>& layers) {
    GEOSContextHandle_t h = ctx.handle();
    std::vector<GeomPtr> borders;
    for (const auto& layer : layers) {
        for (const GEOSGeometry* g : layer) {
            if (g != nullptr && !ctx.is_empty(*g)) borders.push_back(ctx.own(GEOSBoundary_r(h, g), "boundary"));
        }
    }
    const GeomPtr all = ctx.collection(GEOS_GEOMETRYCOLLECTION, std::move(borders));
    const GeomPtr noded = ctx.own(GEOSUnaryUnion_r(h, all.get()), "noding the borders");
    return ctx.own(GEOSLineMerge_r(h, noded.get()), "merging the borders into edges");
}

/// For each face, the index of the polygon of `layer` that holds the face's interior point (the
/// lowest index when a point lies on a border); -1 when none does.
std::vector<int> owners(const geos::GeosContext& ctx, const std::vector<const GEOSGeometry*>& layer,
                        const std::vector<GeomPtr>& interior_points) {
    using Item = std::pair<core::Box2, std::size_t>;
    std::vector<Item> items;
    for (std::size_t i = 0; i < layer.size(); ++i) {
        if (layer[i] == nullptr || ctx.is_empty(*layer[i])) continue;
        const auto b = ctx.bounds(*layer[i]);
        items.emplace_back(core::Box2({b[0], b[1]}, {b[2], b[3]}), i);
    }
    const core::RTree<Item> tree(items.begin(), items.end());
    std::vector<geos::PreparedPtr> prepared(layer.size());
    std::vector<int> out(interior_points.size(), -1);
    std::vector<Item> hits;
    for (std::size_t f = 0; f < interior_points.size(); ++f) {
        const auto [x, y] = ctx.xy(*interior_points[f]);
        hits.clear();
        tree.query(core::bgi::intersects(core::Point2(x, y)), std::back_inserter(hits));
        std::sort(hits.begin(), hits.end(), [](const Item& a, const Item& b) { return a.second < b.second; });
        for (const auto& hit : hits) {
            auto& p = prepared[hit.second];
            if (!p) p = ctx.prepare(*layer[hit.second]);
            if (GEOSPreparedIntersects_r(ctx.handle(), p.get(), interior_points[f].get()) == 1) {
                out[f] = static_cast<int>(hit.second);
                break;
            }
        }
    }
    return out;
}

}  // namespace

int coordinate_count(const geos::GeosContext& ctx, const GEOSGeometry& g) {
    return GEOSGetNumCoordinates_r(ctx.handle(), &g);
}

std::vector<std::vector<GeomPtr>> simplify_tiling(const geos::GeosContext& ctx,
                                                  const std::vector<std::vector<const GEOSGeometry*>>& layers,
                                                  double tolerance, double grid) {
    GEOSContextHandle_t h = ctx.handle();
    GeomPtr edges = border_edges(ctx, layers);
    if (tolerance > 0)
        edges = ctx.own(GEOSTopologyPreserveSimplify_r(h, edges.get(), tolerance), "simplifying the edges");
    // Snap-rounding nodes the edges again on the grid, so rounding moves no edge across another.
    if (grid > 0) edges = ctx.own(GEOSUnaryUnionPrec_r(h, edges.get(), grid), "rounding the edges");
    const GEOSGeometry* edge_set = edges.get();
    const GeomPtr faces = ctx.own(GEOSPolygonize_r(h, &edge_set, 1), "polygonizing the edges");

    std::vector<GeomPtr> face_list;
    std::vector<GeomPtr> interior_points;
    const int n = GEOSGetNumGeometries_r(h, faces.get());
    for (int i = 0; i < n; ++i) {
        const GEOSGeometry* face = GEOSGetGeometryN_r(h, faces.get(), i);
        if (ctx.is_empty(*face) || ctx.area(*face) <= 0) continue;
        face_list.push_back(ctx.clone(*face));
        interior_points.push_back(ctx.point_on_surface(*face));
    }

    std::vector<std::vector<GeomPtr>> out;
    for (const auto& layer : layers) {
        const std::vector<int> owner = owners(ctx, layer, interior_points);
        std::vector<std::vector<GeomPtr>> parts(layer.size());
        for (std::size_t f = 0; f < face_list.size(); ++f) {
            if (owner[f] >= 0) parts[static_cast<std::size_t>(owner[f])].push_back(ctx.clone(*face_list[f]));
        }
        std::vector<GeomPtr> simplified;
        for (std::size_t i = 0; i < layer.size(); ++i) {
            if (layer[i] == nullptr || ctx.is_empty(*layer[i])) {
                simplified.push_back(ctx.collection(GEOS_MULTIPOLYGON, {}));
            } else if (parts[i].empty()) {
                simplified.push_back(ctx.polygonal(
                    *ctx.own(GEOSTopologyPreserveSimplify_r(h, layer[i], tolerance), "simplifying a polygon")));
            } else if (parts[i].size() == 1) {
                simplified.push_back(ctx.collection(GEOS_MULTIPOLYGON, std::move(parts[i])));
            } else {
                simplified.push_back(ctx.union_of_tiles(std::move(parts[i])));
            }
        }
        out.push_back(std::move(simplified));
    }
    return out;
}

}  // namespace scicov::webmap::detail
