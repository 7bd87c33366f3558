// RAII over the reentrant GEOS C API. A GeosContext is one thread's handle; geometries made
// through it are owned by GeomPtr, whose deleter remembers the context.
#pragma once

#include <array>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <geos_c.h>

#include "scicov/core.hpp"

class OGRGeometry;

namespace scicov::core::geos {

class GeosContext;

struct GeomDeleter {
    GEOSContextHandle_t handle = nullptr;
    void operator()(GEOSGeometry* g) const noexcept {
        if (g != nullptr) GEOSGeom_destroy_r(handle, g);
    }
};
using GeomPtr = std::unique_ptr<GEOSGeometry, GeomDeleter>;

struct PreparedDeleter {
    GEOSContextHandle_t handle = nullptr;
    void operator()(const GEOSPreparedGeometry* g) const noexcept {
        if (g != nullptr) GEOSPreparedGeom_destroy_r(handle, g);
    }
};
using PreparedPtr = std::unique_ptr<const GEOSPreparedGeometry, PreparedDeleter>;

/// One GEOS context; not shared between threads. GEOS messages are collected here, so a
/// failed call can be reported with GEOS's own reason.
class GeosContext {
public:
    GeosContext();
    ~GeosContext();
    GeosContext(const GeosContext&) = delete;
    GeosContext& operator=(const GeosContext&) = delete;

    GEOSContextHandle_t handle() const noexcept { return m_handle; }
    const std::string& last_error() const noexcept { return m_last_error; }

    /// Takes ownership of a GEOS result; throws a geometry error naming `what` when it is null.
    GeomPtr own(GEOSGeometry* g, const char* what) const;
    GeomPtr own_nullable(GEOSGeometry* g) const noexcept { return GeomPtr(g, GeomDeleter{m_handle}); }
    PreparedPtr prepare(const GEOSGeometry& g) const;

    GeomPtr clone(const GEOSGeometry& g) const;
    GeomPtr point(double x, double y) const;
    /// A polygon from one closed ring of x/y coordinates (first == last).
    GeomPtr polygon(const std::vector<double>& xy) const;
    /// A collection owning the given parts (they are consumed).
    GeomPtr collection(int type, std::vector<GeomPtr> parts) const;

    /// Parses / writes ISO WKB with GEOS's own reader and writer.
    GeomPtr from_wkb(const std::vector<unsigned char>& wkb) const;
    std::vector<unsigned char> to_wkb(const GEOSGeometry& g) const;
    /// The polygonal parts of g (after make-valid a collection may hold lines and points) as a
    /// MultiPolygon; empty when g has none.
    GeomPtr polygonal(const GEOSGeometry& g) const;

    /// Converts an OGR geometry (via GDAL's own GEOS bridge) and back.
    GeomPtr from_ogr(const OGRGeometry& g) const;
    std::unique_ptr<OGRGeometry, void (*)(OGRGeometry*)> to_ogr(const GEOSGeometry& g) const;

    double area(const GEOSGeometry& g) const;
    double length(const GEOSGeometry& g) const;
    bool is_valid(const GEOSGeometry& g) const;
    std::string invalid_reason(const GEOSGeometry& g) const;
    bool is_empty(const GEOSGeometry& g) const;
    /// Repairs an invalid geometry keeping all its area (GEOS "structure" make-valid).
    GeomPtr make_valid(const GEOSGeometry& g) const;
    GeomPtr intersection(const GEOSGeometry& a, const GEOSGeometry& b) const;
    GeomPtr difference(const GEOSGeometry& a, const GEOSGeometry& b) const;
    GeomPtr unary_union(const GEOSGeometry& g) const;
    /// GEOS's unary union of polygonal parts (polygons or multipolygons, consumed): their
    /// polygons in one MultiPolygon collection, which may not nest a multipolygon.
    GeomPtr union_of_parts(std::vector<GeomPtr> parts) const;
    /// The union of polygons that tile without overlapping (villages of a township, pieces of a
    /// partition), as a MultiPolygon; the parts are consumed. GEOS's coverage union (linear in
    /// the edges: it drops the shared ones) is tried first and kept only when its result is
    /// valid and its area equals the sum of the parts' areas (so the parts did not overlap);
    /// otherwise the general, robust unary union answers.
    GeomPtr union_of_tiles(std::vector<GeomPtr> parts) const;
    GeomPtr point_on_surface(const GEOSGeometry& g) const;
    GeomPtr buffer(const GEOSGeometry& g, double width, int quadrant_segments = 16) const;
    /// x, y of a point geometry.
    std::pair<double, double> xy(const GEOSGeometry& point) const;
    /// min x, min y, max x, max y.
    std::array<double, 4> bounds(const GEOSGeometry& g) const;

private:
    static void on_error(const char* message, void* userdata);
    static void on_notice(const char* message, void* userdata);
    GEOSContextHandle_t m_handle;
    GEOSWKBReader* m_wkb_reader = nullptr;  // owned; destroyed with the context
    GEOSWKBWriter* m_wkb_writer = nullptr;  // owned; destroyed with the context
    std::string m_last_error;
};

}  // namespace scicov::core::geos

namespace scicov {
// Modules name the wrappers as geos::…, as they name the library itself.
namespace geos = core::geos;
}  // namespace scicov
