// Coordinate reference systems of scicov: geographic CGCS2000 (EPSG:4490) for storage and
// output, and per county the CGCS2000 3-degree Gauss-Krueger zone of its centre for metric work.
#pragma once

#include <string>

#include <geodesic.h>

namespace scicov::crs {

/// The CRS all output is written in unless --out-crs says otherwise.
inline constexpr const char* k_output_crs = "EPSG:4490";

/// Longitude and latitude in degrees. A distinct type from projected coordinates.
struct LonLat {
    double lon = 0;
    double lat = 0;
};

/// Projected metres (easting, northing).
struct XY {
    double x = 0;
    double y = 0;
};

/// EPSG code of the CGCS2000 3-degree Gauss-Krueger CM zone (EPSG:4534 = CM 75°E … EPSG:4554 =
/// CM 135°E) whose central meridian is nearest to `lon`; clamped to the zones China uses.
int gk_zone_epsg(double lon);

/// Central meridian (degrees east) of a zone returned by gk_zone_epsg.
double gk_central_meridian(int epsg);

/// "EPSG:<code>".
std::string epsg(int code);

/// Geodesic distances on the GRS80 ellipsoid of CGCS2000 (PROJ's geodesic library, Karney's
/// algorithm: exact to nanometres). Cheap to copy; initialise once and reuse.
class Geodesic {
public:
    Geodesic();
    double distance_m(LonLat a, LonLat b) const;

private:
    geod_geodesic m_geod{};
};

/// True when the point lies in the broad box of China's territory (73–136°E, 3–54°N).
bool plausibly_in_china(LonLat p);

}  // namespace scicov::crs
