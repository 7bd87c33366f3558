// Simplifying polygons that tile each other (villages tile townships tile counties) so that the
// tiling survives: every border between two places is simplified once, for both.
#pragma once

#include <vector>

#include "core/geos.hpp"

namespace scicov::webmap::detail {

/// Simplifies layers of polygons (each layer's polygons tile one area; the layers nest or share
/// borders) keeping shared borders shared. GEOS 3.11 has no coverage simplifier, so: the borders
/// of all polygons of all layers are noded and dissolved into edges between junctions (unary
/// union + line merge), the edges are simplified together with Douglas-Peucker keeping their end
/// points and never crossing one another (GEOS's topology-preserving simplifier), snapped to a
/// grid of `grid` units (0: none), and polygonized into faces; each face goes to the polygon of
/// each layer that holds its interior point, and a polygon becomes the union of its faces.
/// Returns, per layer and polygon, a MultiPolygon (in the input's order). A null input yields an
/// empty MultiPolygon; a polygon that would get no face keeps its own simplified shape.
std::vector<std::vector<geos::GeomPtr>> simplify_tiling(const geos::GeosContext& ctx,
                                                        const std::vector<std::vector<const GEOSGeometry*>>& layers,
                                                        double tolerance, double grid);

/// Number of coordinates of a geometry (all parts and rings).
int coordinate_count(const geos::GeosContext& ctx, const GEOSGeometry& g);

}  // namespace scicov::webmap::detail
