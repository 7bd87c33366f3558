// A hand-computable world in memory, the unit tests' twin of tests/e2e/tiny_world.py: 10 km
// square villages laid out in EPSG:4543 (CGCS2000 / 3-degree Gauss-Kruger CM 102E), so that
// areas measured in the county's zone are the squares' exactly.
//
//   y 20000 +----+----+
//           | V3 | V4 |            county 990101: V1..V4 (townships 001: V1 V2, 002: V3 V4)
//   y 10000 +----+----+----+       county 990102: V5
//           | V1 | V2 | V5 |
//   y     0 +----+----+----+       x, y in metres from (500000, 2930000)
//           0   10 km 20 km 30 km
#pragma once

#include <string>
#include <vector>

#include "core/geos.hpp"
#include "core/proj.hpp"
#include "scicov/model.hpp"
#include "scicov/rules.hpp"

namespace scicov::test {

inline constexpr double k_x0 = 500'000.0, k_y0 = 2'930'000.0, k_size = 10'000.0;

/// Lon/lat of a point given in metres from (k_x0, k_y0) in EPSG:4543.
inline crs::LonLat at_m(double x, double y) {
    const proj::Transformer zone(crs::k_output_crs, "EPSG:4543");
    std::vector<double> xs{k_x0 + x}, ys{k_y0 + y};
    zone.inverse(xs, ys);
    return {xs[0], ys[0]};
}

inline model::Village tiny_village(const std::string& code, const std::string& name, int col, int row,
                                   double population) {
    const geos::GeosContext ctx;
    model::Village v;
    v.code = code;
    v.name = name;
    v.township_code = code.substr(0, 9);
    v.county_code = code.substr(0, 6);
    v.population = population;
    const double x = col * k_size, y = row * k_size;
    std::vector<double> ring;
    for (auto [px, py] : {std::pair{x, y}, {x + k_size, y}, {x + k_size, y + k_size}, {x, y + k_size}, {x, y}}) {
        const auto p = at_m(px, py);
        ring.push_back(p.lon);
        ring.push_back(p.lat);
    }
    v.geometry = ctx.to_wkb(*ctx.polygon(ring));
    v.rep = at_m(x + k_size / 2, y + k_size / 2);
    return v;
}

/// The five villages (V1..V5 = indices 0..4), no facilities.
inline model::Inputs tiny_world() {
    model::Inputs in;
    in.villages = {tiny_village("990101001001", "城关社区居民委员会", 0, 0, 12000),
                   tiny_village("990101001002", "东村村民委员会", 1, 0, 800),
                   tiny_village("990101002001", "北山村民委员会", 0, 1, 1500),
                   tiny_village("990101002002", "岭上村民委员会", 1, 1, 600),
                   tiny_village("990102001001", "河西村民委员会", 2, 0, 900)};
    return in;
}

/// An existing facility of `type` at (x, y) metres.
inline model::Facility tiny_facility(const std::string& id, const std::string& type, double x, double y) {
    model::Facility f;
    f.id = id;
    f.type = type;
    f.name = id;
    f.location = at_m(x, y);
    return f;
}

/// One facility type with the given rule and target (villages share).
inline rules::FacilityType tiny_type(const std::string& key, rules::CoverageRule rule, double threshold = 1.0) {
    rules::FacilityType t;
    t.key = key;
    t.name_zh = key;
    t.rule = rule;
    t.target.threshold = threshold;
    return t;
}

inline rules::CoverageRule radius_rule(double radius_m, std::optional<double> min_area_fraction = {}) {
    rules::CoverageRule r;
    r.kind = rules::CoverageKind::radius;
    r.radius_m = radius_m;
    r.min_area_fraction = min_area_fraction;
    return r;
}

}  // namespace scicov::test
