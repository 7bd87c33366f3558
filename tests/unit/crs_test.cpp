#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <limits>
#include <string>

#include "crs/geodesic.hpp"
#include "scicov/core.hpp"
#include "scicov/crs.hpp"

using namespace scicov;
using namespace scicov::crs;

namespace {

double max_abs_diff(LonLat a, LonLat b) {
    return std::max(std::abs(a.lon - b.lon), std::abs(a.lat - b.lat));
}

struct Place {
    const char* name;
    LonLat wgs84;
};

// City centres (WGS84, rounded): the five places of the seed plans and other provincial capitals
// spread over China.
constexpr std::array k_places{
    Place{"Panzhihua", {101.72, 26.58}}, Place{"Qujing", {103.80, 25.49}},    Place{"Yinchuan", {106.23, 38.49}},
    Place{"Heze", {115.48, 35.24}},      Place{"Changsha", {112.98, 28.11}},  Place{"Beijing", {116.39, 39.91}},
    Place{"Shanghai", {121.47, 31.23}},  Place{"Guangzhou", {113.26, 23.13}}, Place{"Chengdu", {104.07, 30.67}},
    Place{"Urumqi", {87.62, 43.82}},     Place{"Lhasa", {91.11, 29.65}},      Place{"Harbin", {126.64, 45.75}},
    Place{"Haikou", {110.35, 20.02}},    Place{"Kashgar", {75.99, 39.47}},    Place{"Mohe", {122.54, 52.97}},
};

}  // namespace

TEST_CASE("crs: GCJ-02 and BD-09 against published reference pairs", "[crs][datum]") {
    // Pairs from the test suite of googollee/eviltransform (python/test.py; wgsLat, wgsLng →
    // gcjLat, gcjLng), an independent implementation of the same public formula. Reproduced
    // digit for digit by a python3 transcription of the formula.
    struct Pair {
        LonLat wgs84;
        LonLat gcj02;
    };
    const std::array pairs{
        Pair{{121.5272106, 31.1774276}, {121.531541859215, 31.17530398364597}},  // Shanghai
        Pair{{113.912316, 22.543847}, {113.9171764808363, 22.540796131694766}},  // Shenzhen
        Pair{{116.377817, 39.911954}, {116.38404722455657, 39.91334545536069}},  // Beijing, 西长安街 by Tiananmen
        Pair{{116.404, 39.915}, {116.41024449916938, 39.91640428150164}},        // wandergis/coordtransform README
    };
    for (const auto& p : pairs) {
        INFO(p.wgs84.lon << ", " << p.wgs84.lat);
        CHECK(max_abs_diff(wgs84_to_gcj02(p.wgs84), p.gcj02) < 1e-9);
        CHECK(max_abs_diff(to_wgs84(p.gcj02, Datum::gcj02), p.wgs84) < 1e-9);
    }

    // wandergis/coordtransform test/app.js, (116.404, 39.915): gcj02tobd09 is the forward formula,
    // so it agrees exactly; their bd09togcj02 is the usual closed-form approximation of the
    // inverse, which our iterated inverse must match to its accuracy (≈ 1e-6°, 0.1 m).
    const LonLat q{116.404, 39.915};
    CHECK(max_abs_diff(gcj02_to_bd09(q), LonLat{116.41036949371029, 39.92133699351021}) < 1e-9);
    CHECK(max_abs_diff(bd09_to_gcj02(q), LonLat{116.39762729119315, 39.90865673957631}) < 1e-6);
    // The exact inverse: python3 fixed-point iteration of the forward formula to 1e-12°.
    CHECK(max_abs_diff(bd09_to_gcj02(q), LonLat{116.39762708785722, 39.90865633947842}) < 1e-9);

    // Tiananmen (WGS84 116.391305, 39.907352, approximately the flag pole), hand-computed with the
    // python3 transcription of the formula: GCJ-02 (116.39754616534488, 39.90875327211323),
    // BD-09 (116.40391905491698, 39.91509671635868).
    const LonLat tiananmen{116.391305, 39.907352};
    CHECK(max_abs_diff(wgs84_to_gcj02(tiananmen), LonLat{116.39754616534488, 39.90875327211323}) < 1e-9);
    CHECK(max_abs_diff(wgs84_to_bd09(tiananmen), LonLat{116.40391905491698, 39.91509671635868}) < 1e-9);
    CHECK(max_abs_diff(to_wgs84({116.40391905491698, 39.91509671635868}, Datum::bd09), tiananmen) < 1e-9);
}

TEST_CASE("crs: GCJ-02 / BD-09 round trips over China", "[crs][datum]") {
    double worst_gcj = 0;
    double worst_bd = 0;
    int points = 0;
    // An irregular grid (steps prime to the 1° and 1/6° periods of the formula's sines).
    for (double lon = 73.3; lon <= 135.0; lon += 0.37) {
        for (double lat = 18.1; lat <= 53.5; lat += 0.29) {
            const LonLat p{lon, lat};
            worst_gcj = std::max(worst_gcj, max_abs_diff(to_wgs84(wgs84_to_gcj02(p), Datum::gcj02), p));
            worst_bd = std::max(worst_bd, max_abs_diff(to_wgs84(wgs84_to_bd09(p), Datum::bd09), p));
            // GCJ-02 → BD-09 → GCJ-02 too.
            worst_bd = std::max(worst_bd, max_abs_diff(bd09_to_gcj02(gcj02_to_bd09(p)), p));
            ++points;
        }
    }
    CHECK(points > 20000);
    INFO("worst GCJ-02 " << worst_gcj << "°, worst BD-09 " << worst_bd << "°");
    CHECK(worst_gcj < 1e-7);  // required: < 1e-6° (≈ 0.1 m); the iteration stops below 1e-10°
    CHECK(worst_bd < 1e-7);
}

TEST_CASE("crs: GCJ-02 offsets are hundreds of metres in China", "[crs][datum]") {
    const Geodesic geod;
    for (const auto& place : k_places) {
        INFO(place.name);
        const double gcj_m = geod.distance_m(place.wgs84, wgs84_to_gcj02(place.wgs84));
        CHECK(gcj_m > 100);
        CHECK(gcj_m < 700);
        // BD-09 adds its own ≈ 0.0065°/0.006° shift: roughly another 0.7–1 km.
        const double bd_m = geod.distance_m(place.wgs84, wgs84_to_bd09(place.wgs84));
        CHECK(bd_m > 300);
        CHECK(bd_m < 2000);
    }
    // Over the whole box the offset never vanishes and never exceeds 700 m; it is smallest in
    // Qinghai (≈ 40 m near 97°E 37°N), where the formula's terms nearly cancel.
    double smallest = 1e9;
    double largest = 0;
    for (double lon = 73.5; lon <= 135.0; lon += 0.5) {
        for (double lat = 18.0; lat <= 53.5; lat += 0.5) {
            const double d = geod.distance_m({lon, lat}, wgs84_to_gcj02({lon, lat}));
            smallest = std::min(smallest, d);
            largest = std::max(largest, d);
        }
    }
    CHECK(smallest > 30);
    CHECK(largest < 700);
}

TEST_CASE("crs: outside China nothing moves", "[crs][datum]") {
    const std::array outside{
        LonLat{-0.1276, 51.5072},    // London
        LonLat{139.6917, 35.6895},   // Tokyo (east of the box)
        LonLat{151.2093, -33.8688},  // Sydney
        LonLat{-74.006, 40.7128},    // New York
        LonLat{37.6173, 55.7558},    // Moscow
        LonLat{71.9, 40.0},          // just west of the box
        LonLat{120.0, 56.0},         // just north of it
    };
    for (const auto& p : outside) {
        INFO(p.lon << ", " << p.lat);
        CHECK_FALSE(in_offset_box(p));
        CHECK(max_abs_diff(wgs84_to_gcj02(p), p) == 0);
        CHECK(max_abs_diff(wgs84_to_bd09(p), p) == 0);
        CHECK(max_abs_diff(to_wgs84(p, Datum::gcj02), p) == 0);
        CHECK(max_abs_diff(to_wgs84(p, Datum::bd09), p) == 0);
    }
    // WGS84 in, WGS84 out, in China too.
    const LonLat beijing{116.39, 39.91};
    CHECK(max_abs_diff(to_wgs84(beijing, Datum::wgs84), beijing) == 0);
    CHECK(in_offset_box(beijing));
    // NaN is not in China: it passes through untouched rather than looping.
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const LonLat odd = to_wgs84({nan, 30.0}, Datum::gcj02);
    CHECK(std::isnan(odd.lon));
    CHECK(odd.lat == 30.0);
}

TEST_CASE("crs: datum names", "[crs][datum]") {
    CHECK(parse_datum("wgs84") == Datum::wgs84);
    CHECK(parse_datum("WGS-84") == Datum::wgs84);
    CHECK(parse_datum("gcj02") == Datum::gcj02);
    CHECK(parse_datum("GCJ-02") == Datum::gcj02);
    CHECK(parse_datum("Bd09") == Datum::bd09);
    CHECK(parse_datum("bd-09") == Datum::bd09);
    for (const auto d : {Datum::wgs84, Datum::gcj02, Datum::bd09}) CHECK(parse_datum(to_string(d)) == d);
    for (const char* bad : {"", "gcj", "bd-9", "epsg:4326", "wgs 84"}) {
        INFO(bad);
        try {
            (void)parse_datum(bad);
            FAIL("no error");
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::usage);
            CHECK_THAT(e.what(), Catch::Contains("gcj02"));
        }
    }
}
