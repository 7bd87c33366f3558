// Seed points and Voronoi cells (GEOS) inside a polygonal region; the polygon clean-up helpers.
#include <algorithm>
#include <cmath>
#include <vector>

#include "cells.hpp"

namespace scicov::geodata::detail {

using geos::GeomPtr;
using geos::GeosContext;

namespace {

/// Two seeds closer than this (degrees, ~0.1 m) would merge into one Voronoi cell.
constexpr double k_min_seed_distance = 1e-6;

void collect_polygons(const GeosContext& ctx, const GEOSGeometry& g, double min_area, std::vector<GeomPtr>& out) {
    const int type = GEOSGeomTypeId_r(ctx.handle(), &g);
    if (type == GEOS_POLYGON) {
        if (!ctx.is_empty(g) && (min_area <= 0 || ctx.area(g) >= min_area)) out.push_back(ctx.clone(g));
        return;
    }
    if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION) {
        const int n = GEOSGetNumGeometries_r(ctx.handle(), &g);
        for (int i = 0; i < n; ++i) collect_polygons(ctx, *GEOSGetGeometryN_r(ctx.handle(), &g, i), min_area, out);
    }
}

double radius_fraction(Rng& rng, Spread spread) {
    const double u = rng.uniform();
    switch (spread) {
        case Spread::mild:
            return std::sqrt(u);
        case Spread::central:
            return u;
        case Spread::dense:
            return u * u;
        case Spread::uniform:
            break;
    }
    return std::sqrt(u);
}

/// A unit direction, uniform over angles, by rejection in the unit disc (no trigonometry).
XY direction(Rng& rng) {
    for (;;) {
        const double a = rng.uniform(-1, 1);
        const double b = rng.uniform(-1, 1);
        const double l2 = a * a + b * b;
        if (l2 > 1e-12 && l2 <= 1) {
            const double l = std::sqrt(l2);
            return {a / l, b / l};
        }
    }
}

}  // namespace

XY sample_point(const GeosContext& ctx, const Region& region, Rng& rng, XY centre, Spread spread,
                const std::vector<XY>& taken) {
    auto free = [&](XY p) {
        for (const auto& t : taken) {
            if (dist2(p, t) < k_min_seed_distance * k_min_seed_distance) return false;
        }
        return region.contains(p);
    };
    if (spread != Spread::uniform) {
        double reach = 0;
        for (const XY corner :
             {region.min(), region.max(), XY{region.min().x, region.max().y}, XY{region.max().x, region.min().y}}) {
            reach = std::max(reach, std::sqrt(dist2(corner, centre)));
        }
        for (int attempt = 0; attempt < 400; ++attempt) {
            const double r = reach * radius_fraction(rng, spread);
            const XY d = direction(rng);
            const XY p{centre.x + r * d.x, centre.y + r * d.y};
            if (free(p)) return p;
        }
    }
    for (int attempt = 0; attempt < 4000; ++attempt) {
        const XY p = uniform_in_box(rng, region);
        if (free(p)) return p;
    }
    // Last resort (thin slivers): the surface point of the region minus small discs around the
    // points already placed.
    GeomPtr rest = ctx.clone(region.geometry());
    if (!taken.empty()) {
        std::vector<GeomPtr> discs;
        for (const auto& t : taken) discs.push_back(ctx.buffer(*ctx.point(t.x, t.y), 2 * k_min_seed_distance, 4));
        rest = ctx.difference(*rest, *ctx.unary_union(*ctx.collection(GEOS_MULTIPOLYGON, std::move(discs))));
    }
    if (ctx.is_empty(*rest)) throw Error(ErrorKind::geometry, "no room left for another seed point");
    const auto [x, y] = ctx.xy(*ctx.point_on_surface(*rest));
    return {x, y};
}

std::vector<GeomPtr> partition(const GeosContext& ctx, const Region& region, const std::vector<XY>& seeds) {
    std::vector<GeomPtr> cells(seeds.size());
    if (seeds.size() == 1) {
        cells[0] = polygonal(ctx, region.geometry());
        return cells;
    }
    std::vector<GeomPtr> points;
    points.reserve(seeds.size());
    for (const auto& s : seeds) points.push_back(ctx.point(s.x, s.y));
    const GeomPtr sites = ctx.collection(GEOS_MULTIPOINT, std::move(points));
    const GeomPtr diagram =
        ctx.own(GEOSVoronoiDiagram_r(ctx.handle(), sites.get(), &region.geometry(), 0.0, 0), "Voronoi diagram");
    const int n = GEOSGetNumGeometries_r(ctx.handle(), diagram.get());
    for (int i = 0; i < n; ++i) {
        const GEOSGeometry* cell = GEOSGetGeometryN_r(ctx.handle(), diagram.get(), i);
        const auto b = ctx.bounds(*cell);
        std::size_t owner = seeds.size();
        for (std::size_t j = 0; j < seeds.size(); ++j) {
            const XY s = seeds[j];
            if (cells[j] || s.x < b[0] || s.x > b[2] || s.y < b[1] || s.y > b[3]) continue;
            const GeomPtr p = ctx.point(s.x, s.y);
            if (GEOSIntersects_r(ctx.handle(), cell, p.get()) == 1) {
                owner = j;
                break;
            }
        }
        if (owner == seeds.size()) continue;  // a cell without a seed cannot arise; be safe
        cells[owner] = region.contains(*cell) ? polygonal(ctx, *cell)
                                              : polygonal(ctx, *ctx.intersection(*cell, region.geometry()));
    }
    for (auto& c : cells) {
        if (!c) c = ctx.collection(GEOS_MULTIPOLYGON, {});
    }
    return cells;
}

void merge_strays(const GeosContext& ctx, std::vector<GeomPtr>& cells, const std::vector<XY>& seeds) {
    const GEOSContextHandle_t h = ctx.handle();
    for (std::size_t i = 0; i < cells.size(); ++i) {
        const int n = GEOSGetNumGeometries_r(h, cells[i].get());
        if (n <= 1) continue;
        const GeomPtr seed = ctx.point(seeds[i].x, seeds[i].y);
        int home = -1;
        double home_area = -1;
        for (int k = 0; k < n; ++k) {
            const GEOSGeometry* part = GEOSGetGeometryN_r(h, cells[i].get(), k);
            if (GEOSIntersects_r(h, part, seed.get()) == 1) {
                home = k;
                break;
            }
            if (const double a = ctx.area(*part); a > home_area) {
                home_area = a;
                home = k;
            }
        }
        std::vector<GeomPtr> kept;
        std::vector<GeomPtr> strays;
        for (int k = 0; k < n; ++k) {
            GeomPtr part = ctx.clone(*GEOSGetGeometryN_r(h, cells[i].get(), k));
            (k == home ? kept : strays).push_back(std::move(part));
        }
        for (auto& stray : strays) {
            const auto b = ctx.bounds(*stray);
            std::size_t best = cells.size();
            double best_length = 0;
            for (std::size_t j = 0; j < cells.size(); ++j) {
                if (j == i || ctx.is_empty(*cells[j])) continue;
                const auto c = ctx.bounds(*cells[j]);
                if (c[0] > b[2] || b[0] > c[2] || c[1] > b[3] || b[1] > c[3]) continue;
                const double shared = ctx.length(*ctx.intersection(*stray, *cells[j]));
                if (shared > best_length) {
                    best_length = shared;
                    best = j;
                }
            }
            if (best == cells.size()) {
                kept.push_back(std::move(stray));
                continue;
            }
            std::vector<GeomPtr> both;
            both.push_back(std::move(cells[best]));
            both.push_back(std::move(stray));
            cells[best] = polygonal(ctx, *ctx.unary_union(*ctx.collection(GEOS_GEOMETRYCOLLECTION, std::move(both))));
        }
        cells[i] = kept.size() == 1
                       ? polygonal(ctx, *kept[0])
                       : polygonal(ctx, *ctx.unary_union(*ctx.collection(GEOS_MULTIPOLYGON, std::move(kept))));
    }
}

PointOut point_in(Rng& rng, const Region& village, XY fallback) {
    for (int attempt = 0; attempt < 200; ++attempt) {
        const XY p = uniform_in_box(rng, village);
        if (village.contains(p)) return {p.x, p.y};
    }
    return {fallback.x, fallback.y};
}

GeomPtr polygonal(const GeosContext& ctx, const GEOSGeometry& g, double min_area) {
    std::vector<GeomPtr> parts;
    collect_polygons(ctx, g, min_area, parts);
    return ctx.collection(GEOS_MULTIPOLYGON, std::move(parts));
}

GeomPtr clean_boundary(const GeosContext& ctx, const OGRGeometry& g, bool& repaired) {
    GeomPtr geom = ctx.from_ogr(g);
    if (GeomPtr deduplicated = ctx.own_nullable(GEOSRemoveRepeatedPoints_r(ctx.handle(), geom.get(), 0.0))) {
        geom = std::move(deduplicated);
    }
    repaired = !ctx.is_valid(*geom);
    if (repaired) geom = ctx.make_valid(*geom);
    GeomPtr out = polygonal(ctx, *geom);
    // Parts of a repaired collection may touch along edges; dissolve them into one valid whole.
    if (!ctx.is_valid(*out)) out = polygonal(ctx, *ctx.unary_union(*out));
    return out;
}

}  // namespace scicov::geodata::detail
