// RAII over PROJ: one context per owner (never the default global one), transformations
// that always take and give longitude first.
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>

#include <proj.h>

#include "scicov/core.hpp"

namespace scicov::core::proj {

struct ContextDeleter {
    void operator()(PJ_CONTEXT* c) const noexcept { proj_context_destroy(c); }
};
struct PjDeleter {
    void operator()(PJ* p) const noexcept { proj_destroy(p); }
};

/// A transformation between two CRS (e.g. "EPSG:4490" → "EPSG:4545"), owning its own PROJ
/// context so that each thread may hold its own. Axis order is normalised: x = easting or
/// longitude, y = northing or latitude.
class Transformer {
public:
    Transformer(const std::string& source, const std::string& target);

    /// Transforms in place; throws a crs error naming the first point PROJ could not transform.
    void forward(std::span<double> x, std::span<double> y) const;
    void inverse(std::span<double> x, std::span<double> y) const;
    /// 3-D forward transform (e.g. lon/lat/height to geocentric X/Y/Z).
    void forward(std::span<double> x, std::span<double> y, std::span<double> z) const;
    /// The raw PJ for callbacks that transform one coordinate at a time (GEOS transformXY).
    PJ* get() const noexcept { return m_pj.get(); }

    const std::string& source() const noexcept { return m_source; }
    const std::string& target() const noexcept { return m_target; }

private:
    void run(PJ_DIRECTION direction, std::span<double> x, std::span<double> y, std::span<double> z) const;
    std::string m_source;
    std::string m_target;
    std::unique_ptr<PJ_CONTEXT, ContextDeleter> m_context;
    std::unique_ptr<PJ, PjDeleter> m_pj;
};

/// Geodesic distance in metres on the GRS80 ellipsoid (CGCS2000) between two lon/lat points.
double ellipsoidal_distance_m(double lon1, double lat1, double lon2, double lat2);

}  // namespace scicov::core::proj

namespace scicov {
// Modules name the wrappers as proj::…, as they name the library itself.
namespace proj = core::proj;
}  // namespace scicov
