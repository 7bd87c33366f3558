// GCJ-02 and BD-09, the offset datums of Chinese web maps, to and from WGS84.
//
// The formulas are the public-domain ones circulated since ~2010 (the leaked "China offset"
// code, as in googollee/eviltransform and wandergis/coordtransform): GCJ-02 adds a smooth but
// irregular offset built from sines of the position, scaled on the Krasovsky ellipsoid;
// BD-09 rotates and stretches GCJ-02 slightly and shifts it by (0.0065°, 0.006°). Neither has a
// closed-form inverse; both forward maps are a small perturbation of the identity, so the
// inverse is the fixed point of  x ← x + (target − forward(x)),  which converges in a handful of
// steps to machine precision.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <numbers>
#include <string>

#include "scicov/core.hpp"
#include "scicov/crs.hpp"

namespace scicov::crs {

namespace {

constexpr double k_pi = std::numbers::pi;
constexpr double k_krasovsky_a = 6378245.0;                // semi-major axis of Krasovsky 1940 (m)
constexpr double k_krasovsky_ee = 0.00669342162296594323;  // its first eccentricity squared
constexpr double k_bd_x_pi = k_pi * 3000.0 / 180.0;        // BD-09's angular frequency
constexpr double k_bd_dlon = 0.0065;                       // BD-09's shift (degrees)
constexpr double k_bd_dlat = 0.006;

// The rough box of the published formula; web maps apply no offset outside it.
constexpr double k_box_west = 72.004;
constexpr double k_box_east = 137.8347;
constexpr double k_box_south = 0.8293;
constexpr double k_box_north = 55.8271;

// The inverse iterates until a step is below this (degrees; 1e-10° ≈ 0.01 mm) or gives up
// after k_max_iterations (7 suffice anywhere in the box; the bound only guards odd input).
constexpr double k_tolerance_deg = 1e-10;
constexpr int k_max_iterations = 50;

double offset_lat(double x, double y) {
    double r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * std::sqrt(std::abs(x));
    r += (20.0 * std::sin(6.0 * x * k_pi) + 20.0 * std::sin(2.0 * x * k_pi)) * 2.0 / 3.0;
    r += (20.0 * std::sin(y * k_pi) + 40.0 * std::sin(y / 3.0 * k_pi)) * 2.0 / 3.0;
    r += (160.0 * std::sin(y / 12.0 * k_pi) + 320.0 * std::sin(y * k_pi / 30.0)) * 2.0 / 3.0;
    return r;
}

double offset_lon(double x, double y) {
    double r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * std::sqrt(std::abs(x));
    r += (20.0 * std::sin(6.0 * x * k_pi) + 20.0 * std::sin(2.0 * x * k_pi)) * 2.0 / 3.0;
    r += (20.0 * std::sin(x * k_pi) + 40.0 * std::sin(x / 3.0 * k_pi)) * 2.0 / 3.0;
    r += (150.0 * std::sin(x / 12.0 * k_pi) + 300.0 * std::sin(x / 30.0 * k_pi)) * 2.0 / 3.0;
    return r;
}

/// The GCJ-02 offset without the box test.
LonLat gcj02_forward(LonLat p) {
    const double x = p.lon - 105.0;
    const double y = p.lat - 35.0;
    const double rad_lat = p.lat / 180.0 * k_pi;
    const double s = std::sin(rad_lat);
    const double magic = 1.0 - k_krasovsky_ee * s * s;
    const double sqrt_magic = std::sqrt(magic);
    const double dlat =
        (offset_lat(x, y) * 180.0) / ((k_krasovsky_a * (1.0 - k_krasovsky_ee)) / (magic * sqrt_magic) * k_pi);
    const double dlon = (offset_lon(x, y) * 180.0) / (k_krasovsky_a / sqrt_magic * std::cos(rad_lat) * k_pi);
    return {p.lon + dlon, p.lat + dlat};
}

/// GCJ-02 → BD-09 without the box test.
LonLat bd09_forward(LonLat p) {
    const double z = std::sqrt(p.lon * p.lon + p.lat * p.lat) + 0.00002 * std::sin(p.lat * k_bd_x_pi);
    const double theta = std::atan2(p.lat, p.lon) + 0.000003 * std::cos(p.lon * k_bd_x_pi);
    return {z * std::cos(theta) + k_bd_dlon, z * std::sin(theta) + k_bd_dlat};
}

/// The x with forward(x) = target, by fixed-point iteration from x = target.
template <typename Forward>
LonLat invert(LonLat target, Forward forward) {
    LonLat x = target;
    for (int i = 0; i < k_max_iterations; ++i) {
        const LonLat f = forward(x);
        const double dlon = target.lon - f.lon;
        const double dlat = target.lat - f.lat;
        x.lon += dlon;
        x.lat += dlat;
        if (std::abs(dlon) < k_tolerance_deg && std::abs(dlat) < k_tolerance_deg) break;
    }
    return x;
}

}  // namespace

bool in_offset_box(LonLat p) {
    return p.lon >= k_box_west && p.lon <= k_box_east && p.lat >= k_box_south && p.lat <= k_box_north;
}

LonLat wgs84_to_gcj02(LonLat p) {
    return in_offset_box(p) ? gcj02_forward(p) : p;
}

LonLat gcj02_to_bd09(LonLat p) {
    return in_offset_box(p) ? bd09_forward(p) : p;
}

LonLat wgs84_to_bd09(LonLat p) {
    return in_offset_box(p) ? bd09_forward(gcj02_forward(p)) : p;
}

LonLat bd09_to_gcj02(LonLat p) {
    return in_offset_box(p) ? invert(p, bd09_forward) : p;
}

LonLat to_wgs84(LonLat p, Datum from) {
    if (from == Datum::wgs84 || !in_offset_box(p)) return p;
    // The box test is made once, on the input: the forward maps inside the iteration must not
    // switch off where an intermediate point strays over the box's edge.
    switch (from) {
        case Datum::gcj02:
            return invert(p, gcj02_forward);
        case Datum::bd09:
            return invert(invert(p, bd09_forward), gcj02_forward);
        case Datum::wgs84:
            break;
    }
    return p;
}

const char* to_string(Datum d) {
    switch (d) {
        case Datum::wgs84:
            return "wgs84";
        case Datum::gcj02:
            return "gcj02";
        case Datum::bd09:
            return "bd09";
    }
    return "unknown";
}

Datum parse_datum(std::string_view name) {
    std::string lower(name);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (lower == "wgs84" || lower == "wgs-84") return Datum::wgs84;
    if (lower == "gcj02" || lower == "gcj-02") return Datum::gcj02;
    if (lower == "bd09" || lower == "bd-09") return Datum::bd09;
    throw Error(ErrorKind::usage,
                "unknown datum '" + std::string(name) + "': use wgs84, gcj02 (Amap, Tencent) or bd09 (Baidu)");
}

}  // namespace scicov::crs
