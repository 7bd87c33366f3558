// Coordinate reference systems of scicov: geographic CGCS2000 (EPSG:4490) for storage and
// output, and per county the CGCS2000 3-degree Gauss-Krueger zone of its centre for metric work.
#pragma once

#include <string>
#include <string_view>

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

/// True when the point lies in the broad box of China's territory (73–136°E, 3–54°N).
bool plausibly_in_china(LonLat p);

// --- Chinese web-map datums (src/crs/chinese_datums.cpp) ----------------------------------------
// Facility layers copied from Chinese web maps are offset: GCJ-02 (Amap/高德, Tencent/腾讯, Google
// China) shifts WGS84 by a published, deliberately irregular formula (typically 100–700 m); BD-09
// (Baidu/百度) shifts GCJ-02 once more. No library in Debian converts them; these are the widely
// published public-domain formulas. Outside the rough box of China the web maps use WGS84 as is,
// so points there come back unchanged (for GCJ-02 and BD-09 alike). CGCS2000 and WGS84 agree to
// well under a metre, far below these offsets, so the result serves as EPSG:4490 too.

/// The datum a layer's lon/lat are in.
enum class Datum { wgs84, gcj02, bd09 };

/// Lon/lat in `from` to WGS84. Inverse of wgs84_to_gcj02 / wgs84_to_bd09 by fixed-point
/// iteration, to better than 1e-9 degrees (sub-millimetre).
LonLat to_wgs84(LonLat p, Datum from);

/// The published GCJ-02 forward offset.
LonLat wgs84_to_gcj02(LonLat p);

/// WGS84 → GCJ-02 → BD-09.
LonLat wgs84_to_bd09(LonLat p);

/// GCJ-02 → BD-09 and its inverse (by iteration, like to_wgs84); no offset outside China.
LonLat gcj02_to_bd09(LonLat p);
LonLat bd09_to_gcj02(LonLat p);

/// True in the rough box where the web maps apply the offsets (72.004–137.8347°E,
/// 0.8293–55.8271°N; the box of the published formula). False for NaN.
bool in_offset_box(LonLat p);

/// "wgs84", "gcj02" or "bd09".
const char* to_string(Datum d);

/// Accepts wgs84 / wgs-84, gcj02 / gcj-02, bd09 / bd-09 in any case; else throws
/// scicov::Error(ErrorKind::usage).
Datum parse_datum(std::string_view name);

}  // namespace scicov::crs
