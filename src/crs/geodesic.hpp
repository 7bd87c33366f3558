// Geodesic distances on the CGCS2000 ellipsoid through PROJ's geodesic library (internal header:
// it brings in PROJ's geodesic.h, which the public API does not need).
#pragma once

#include <geodesic.h>

#include "scicov/crs.hpp"

namespace scicov::crs {

/// Geodesic distances on the GRS80 ellipsoid of CGCS2000 (PROJ's geodesic library, Karney's
/// algorithm: exact to nanometres). Cheap to copy; initialise once and reuse.
class Geodesic {
public:
    Geodesic();
    double distance_m(LonLat a, LonLat b) const;

private:
    geod_geodesic m_geod{};
};

}  // namespace scicov::crs
