#include <catch2/catch.hpp>

#include <geodesic.h>

#include <cmath>
#include <string>
#include <vector>

#include "crs/geodesic.hpp"
#include "scicov/coverage.hpp"
#include "scicov/crs.hpp"
#include "core/geos.hpp"

using namespace scicov;

namespace {

/// Villages as 10 m squares around points placed at geodesic distances just inside and just
/// outside a circle, down to 0.1 mm from it (GeographicLib's direct problem on CGCS2000).
model::Inputs ring_of_villages(crs::LonLat centre, double radius_m) {
    geod_geodesic g{};
    geod_init(&g, 6378137.0, 1.0 / 298.257222101);
    geos::GeosContext ctx;
    model::Inputs in;
    int n = 0;
    for (double azimuth = -180; azimuth < 180; azimuth += 15) {
        for (double factor : {0.5, 0.999, 1 - 1e-6, 1 - 5e-9, 1 + 5e-9, 1 + 1e-6, 1.001, 1.3}) {
            double lat = 0, lon = 0;
            geod_direct(&g, centre.lat, centre.lon, azimuth, radius_m * factor, &lat, &lon, nullptr);
            model::Village v;
            v.code = std::to_string(100000000000 + n++);
            v.county_code = v.code.substr(0, 6);
            v.township_code = v.code.substr(0, 9);
            v.rep = {lon, lat};
            const double d = 5e-5;  // about 5 m
            v.geometry = ctx.to_wkb(*ctx.polygon({lon - d, lat - d, lon + d, lat - d, lon + d, lat + d, lon - d,
                                                  lat + d, lon - d, lat - d}));
            in.villages.push_back(std::move(v));
        }
    }
    return in;
}

}  // namespace

TEST_CASE("radius queries equal the geodesic test, also within millimetres of the circle", "[coverage]") {
    const crs::Geodesic geod;
    for (const crs::LonLat centre : {crs::LonLat{104.0, 20.0}, crs::LonLat{116.4, 40.0}, crs::LonLat{87.6, 48.5}}) {
        for (double radius : {2'000.0, 20'000.0, 150'000.0}) {
            const auto in = ring_of_villages(centre, radius);
            const coverage::VillageIndex index(in);
            std::vector<std::int32_t> found;
            index.villages_within(centre, radius, found);
            std::vector<std::int32_t> expected;
            for (std::size_t i = 0; i < in.villages.size(); ++i)
                if (geod.distance_m(centre, in.villages[i].rep) <= radius) expected.push_back(static_cast<std::int32_t>(i));
            INFO("centre " << centre.lon << "," << centre.lat << " radius " << radius);
            CHECK(found == expected);
            CHECK(expected.size() == in.villages.size() / 2);  // the placed points straddle the circle
        }
    }
}
