#include "scicov/crs.hpp"

#include <algorithm>
#include <cmath>
#include "crs/geodesic.hpp"

namespace scicov::crs {

namespace {
constexpr int k_first_zone_epsg = 4534;  // CGCS2000 / 3-degree Gauss-Kruger CM 75E
constexpr int k_zone_count = 21;         // … CM 135E (EPSG:4554)
constexpr double k_first_cm = 75.0;
}  // namespace

int gk_zone_epsg(double lon) {
    const int index = static_cast<int>(std::lround((lon - k_first_cm) / 3.0));
    return k_first_zone_epsg + std::clamp(index, 0, k_zone_count - 1);
}

double gk_central_meridian(int epsg) {
    return k_first_cm + 3.0 * (epsg - k_first_zone_epsg);
}

std::string epsg(int code) {
    return "EPSG:" + std::to_string(code);
}

Geodesic::Geodesic() {
    constexpr double k_grs80_a = 6378137.0;
    constexpr double k_grs80_f = 1.0 / 298.257222101;
    geod_init(&m_geod, k_grs80_a, k_grs80_f);
}

double Geodesic::distance_m(LonLat a, LonLat b) const {
    double s12 = 0;
    geod_inverse(&m_geod, a.lat, a.lon, b.lat, b.lon, &s12, nullptr, nullptr);
    return s12;
}

bool plausibly_in_china(LonLat p) {
    return p.lon >= 73.0 && p.lon <= 136.0 && p.lat >= 3.0 && p.lat <= 54.0;
}

}  // namespace scicov::crs
