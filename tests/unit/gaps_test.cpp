#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <map>
#include <random>

#include "core/geos.hpp"
#include "gaps/isochrone.hpp"
#include "scicov/analysis.hpp"
#include "scicov/gaps.hpp"
#include "tiny_world.hpp"

using namespace scicov;

namespace {

/// A regular polygon of 128 vertices on a circle of r: (n/2) r² sin(2π/n), 0.04% below πr².
double disc_m2(double r) {
    const double n = 128;
    return n / 2 * r * r * std::sin(2 * M_PI / n);
}

/// The gap features of one type by township code.
std::map<std::string, gaps::GapFeature> gaps_of(const gaps::Result& g, const std::string& type) {
    std::map<std::string, gaps::GapFeature> out;
    for (const auto& f : g.gaps)
        if (f.type == type) out.emplace(f.township_code, f);
    return out;
}

}  // namespace

TEST_CASE("gaps: areas, shares, gap polygons and service areas of a tiny world", "[gaps]") {
    auto in = test::tiny_world();
    rules::Rules rules;
    rules::CoverageRule contains;
    contains.kind = rules::CoverageKind::contains;
    rules.types = {test::tiny_type("disc", test::radius_rule(2'000)), test::tiny_type("room", contains)};
    // A 2 km disc wholly inside V1; a room in V3.
    in.facilities = {test::tiny_facility("d1", "disc", 5'000, 5'000), test::tiny_facility("r3", "room", 3'000, 13'000)};
    const analysis::Analysis a(std::move(in), rules, analysis::Options{}, Reporter{});
    const auto& g = a.gaps;

    SECTION("village areas are the 10 km squares, measured in the county's zone") {
        REQUIRE(g.village_area_m2.size() == 5);
        for (double area : g.village_area_m2) CHECK(area == Approx(1e8).epsilon(1e-9));
    }
    SECTION("a disc's share of a village's area, and the gap it leaves") {
        const double disc = disc_m2(2'000);
        CHECK(g.covered_fraction[0][0] == Approx(disc / 1e8).epsilon(1e-9));
        CHECK(g.covered_fraction[0][1] == 0.0);
        const auto gaps = gaps_of(g, "disc");
        REQUIRE(gaps.size() == 3);  // every township has a gap
        CHECK(gaps.at("990101001").area_m2 == Approx(2e8 - disc).epsilon(1e-9));
        // People in a gap are spread by area within each village.
        CHECK(gaps.at("990101001").population == Approx(12'000 * (1 - disc / 1e8) + 800).epsilon(1e-9));
        CHECK(gaps.at("990101002").area_m2 == Approx(2e8).epsilon(1e-9));
        CHECK(gaps.at("990102001").population == Approx(900));
    }
    SECTION("whole-village rules take coverage's verdict: gaps are the villages it leaves out") {
        CHECK(a.coverage.types[1].covered == std::vector<std::uint8_t>{0, 0, 1, 0, 0});
        CHECK(g.covered_fraction[1] == std::vector<double>{0, 0, 1, 0, 0});
        const auto gaps = gaps_of(g, "room");
        CHECK(gaps.at("990101002").area_m2 == Approx(1e8).epsilon(1e-9));  // V4 only
        CHECK(gaps.at("990101002").population == Approx(600));
        CHECK(gaps.at("990101001").area_m2 == Approx(2e8).epsilon(1e-9));
    }
    SECTION("service areas: the disc clipped to its county, the covered village") {
        const geos::GeosContext ctx;
        std::map<std::pair<std::string, std::string>, double> areas;
        for (const auto& s : g.service_areas) areas[{s.type, s.county_code}] = ctx.area(*ctx.from_wkb(s.geometry));
        REQUIRE(areas.size() == 2);
        CHECK(areas.count({"disc", "990101"}) == 1);
        CHECK(areas.count({"room", "990101"}) == 1);
        // In lon/lat degrees²: the room's service area (V3, 100 km²) is about eight times the disc's.
        CHECK(areas[{"room", "990101"}] / areas[{"disc", "990101"}] == Approx(1e8 / disc_m2(2'000)).epsilon(5e-3));
    }
    SECTION("dissolved units, one per township and county") {
        CHECK(g.dissolved_townships.size() == 3);
        CHECK(g.dissolved_counties.size() == 2);
        CHECK(g.dissolved_counties[0].code == "990101");
        CHECK(!g.dissolved_counties[0].geometry.empty());
    }
}

TEST_CASE("summaries count what the verdict covers against the targets", "[gaps]") {
    const auto in = test::tiny_world();
    rules::Rules rules;
    rules.types = {test::tiny_type("t", test::radius_rule(1'000), 0.5)};
    rules.types[0].target.measure = rules::Measure::population;
    // V1 (12,000 of 14,900 people in county 990101) covered.
    const std::vector<std::vector<std::uint8_t>> covered{{1, 0, 0, 0, 0}};
    const auto counties = gaps::summarise(in, covered, rules, rules::AdminLevel::county, {});
    REQUIRE(counties.size() == 2);
    const auto& first = counties[0];
    CHECK(first.code == "990101");
    CHECK(first.villages == 4);
    CHECK(first.urban_villages == 1);  // 城关社区
    CHECK(first.types[0].villages_cov == 1);
    CHECK(first.types[0].share == Approx(12'000.0 / 14'900));
    CHECK(first.types[0].met);
    CHECK_FALSE(counties[1].types[0].met);
    CHECK(counties[1].types[0].gap == Approx(450));  // half of V5's 900 people

    SECTION("villages measure: the gap is whole villages short") {
        gaps::TypeSummary s;
        s.villages_cov = 1;
        gaps::evaluate(s, rules::Target{rules::AdminLevel::county, rules::Measure::villages, 0.8}, 4, 0);
        CHECK(s.share == 0.25);
        CHECK(s.gap == 3);  // ceil(0.8 × 4) - 1
        CHECK_FALSE(s.met);
    }
}

TEST_CASE("gaps: a village within one disc is whole, by arithmetic or by the overlay alike", "[gaps]") {
    // V1 is the 10 km square [0, 10 km]², its corners 7,071.07 m from its centre. The 128-gon of
    // radius r holds the circle of its apothem r·cos(π/128): 7,072 m puts the corners between
    // apothem and circle (the overlay decides), 8,000 m within the apothem (the box test does).
    auto run = [](double radius_m) {
        auto in = test::tiny_world();
        rules::Rules rules;
        rules.types = {test::tiny_type("disc", test::radius_rule(radius_m))};
        in.facilities = {test::tiny_facility("d1", "disc", 5'000, 5'000)};
        const analysis::Analysis a(std::move(in), rules, analysis::Options{}, Reporter{});
        return a.gaps.covered_fraction[0];
    };
    for (double r : {7'072.0, 8'000.0}) {
        CAPTURE(r);
        CHECK(run(r)[0] == 1.0);
    }
    // the corners outside the circle: partly covered, by the overlay
    const auto part = run(7'070.0)[0];
    CHECK(part < 1.0);
    CHECK(part > 0.99);
    // a disc far from every village reaches none
    CHECK(run(2'000.0)[1] == 0.0);
}

TEST_CASE("gaps: a village served whole is part of the service area its neighbours are measured against", "[gaps]") {
    // V3 (township 002) drawn 2 km too far south: it overlaps V1 (township 001) in the strip
    // [0, 10 km] x [8 km, 10 km], 2e7 m². An e-station in V1, 1 km from nothing but V1, serves V1
    // whole; the part of V3 inside V1 is served too, as the drawn service area says.
    auto in = test::tiny_world();
    const geos::GeosContext ctx;
    std::vector<double> ring;
    for (auto [x, y] :
         {std::pair{0.0, 8'000.0}, {10'000.0, 8'000.0}, {10'000.0, 18'000.0}, {0.0, 18'000.0}, {0.0, 8'000.0}}) {
        const auto p = test::at_m(x, y);
        ring.insert(ring.end(), {p.lon, p.lat});
    }
    in.villages[2].geometry = ctx.to_wkb(*ctx.polygon(ring));
    auto rule = test::radius_rule(1'000);
    rule.covers_own_village = true;
    rules::Rules rules;
    rules.types = {test::tiny_type("e", rule)};
    in.facilities = {test::tiny_facility("e1", "e", 5'000, 3'000)};
    const analysis::Analysis a(std::move(in), rules, analysis::Options{}, Reporter{});
    const auto& g = a.gaps;
    CHECK(g.covered_fraction[0][0] == 1.0);                        // V1, served whole
    CHECK(g.covered_fraction[0][2] == Approx(0.2).epsilon(1e-6));  // V3: the strip in V1
    CHECK(g.covered_fraction[0][1] == 0.0);                        // V2: only touches V1
    const auto gaps = gaps_of(g, "e");
    CHECK(gaps.at("990101001").area_m2 == Approx(1e8).epsilon(1e-6));    // V2 alone
    CHECK(gaps.at("990101002").area_m2 == Approx(1.8e8).epsilon(1e-6));  // V3 less the strip, V4
    CHECK(gaps.at("990101002").population == Approx(1'500 * 0.8 + 600).epsilon(1e-6));
}

// Isochrones on a hand-computed network: one primary road along y = 5000 m from x = 0 to 30000
// (through V1, V2 and V5) at 60 km/h (1 km a minute), off road 6 km/h (100 m a minute), a base on
// it at x = 2000 and a limit of 10 minutes. The road is reached to x = 2000 + 10 km = 12000 (its
// tip: nothing to spare there), and westwards to its end at x = 0 with 8 minutes to spare, so 800 m
// wide; the base itself has 1 km around it.
namespace {

model::Inputs isochrone_world(model::RoadDirection direction) {
    auto in = test::tiny_world();
    model::Road road;
    road.road_class = "primary";
    road.direction = direction;
    // A vertex every kilometre: straight in lon/lat between them, the road strays from the zone's
    // line y = 5000 by a centimetre (one 30 km piece would sag by metres, and so would its times).
    for (int km = 0; km <= 30; ++km) road.points.push_back(test::at_m(km * 1'000.0, 5'000));
    in.roads = {road};
    in.facilities = {test::tiny_facility("b", "base", 2'000, 5'000)};
    return in;
}

rules::Rules isochrone_rules() {
    rules::CoverageRule r;
    r.kind = rules::CoverageKind::travel_time;
    r.minutes = 10;
    r.mode = rules::TravelMode::drive;
    rules::Rules rules;
    rules.types = {test::tiny_type("base", r)};
    rules.speeds.drive = {{"primary", 60.0}};
    rules.speeds.walk = {{"primary", 5.0}};
    rules.speeds.off_road_kmh = 6.0;
    return rules;
}

/// The bounds of the service area in county 990101 in its zone (EPSG:4543), in metres from the
/// tiny world's origin.
std::array<double, 4> service_bounds(const gaps::Result& g) {
    const geos::GeosContext ctx;
    const proj::Transformer zone(crs::k_output_crs, "EPSG:4543");
    for (const auto& s : g.service_areas) {
        if (s.county_code != "990101") continue;
        auto geom = ctx.from_wkb(s.geometry);
        auto project = [](double* x, double* y, void* z) -> int {
            std::vector<double> xs{*x}, ys{*y};
            static_cast<const proj::Transformer*>(z)->forward(xs, ys);
            *x = xs[0] - test::k_x0;
            *y = ys[0] - test::k_y0;
            return 1;
        };
        auto projected =
            ctx.own(GEOSGeom_transformXY_r(ctx.handle(), geom.get(), project, const_cast<proj::Transformer*>(&zone)),
                    "projection");
        return ctx.bounds(*projected);
    }
    return {};
}

}  // namespace

TEST_CASE("gaps: travel-time service areas are isochrones, exact along the road", "[gaps]") {
    SECTION("both ways: the road to its tip at 12 km, widened by the walk still possible") {
        const analysis::Analysis a(isochrone_world(model::RoadDirection::both), isochrone_rules(), analysis::Options{},
                                   Reporter{});
        const auto& g = a.gaps;
        CHECK(a.coverage.types[0].covered == std::vector<std::uint8_t>{1, 0, 0, 0, 0});  // V1 3 min, V2 13 min
        const auto b = service_bounds(g);
        CHECK(b[2] == Approx(12'000).margin(1.0));  // the tip: 2 km + 10 min at 1 km/min
        CHECK(b[0] == Approx(0).margin(1.0));       // the county's edge (the isochrone runs 800 m beyond)
        CHECK(b[3] == Approx(6'000).margin(2.0));   // 1 km around the base
        // In V2 (x from 10 to 12 km): a triangle between the tangents from the tip to the base's 1 km
        // disc, sin β = 1 / 10: 2000² tan β.
        const double tan_beta = 0.1 / std::sqrt(0.99);
        CHECK(g.covered_fraction[0][1] * 1e8 == Approx(4e6 * tan_beta).epsilon(2e-3));
        CHECK(g.covered_fraction[0][2] == 0.0);
        CHECK(g.covered_fraction[0][4] == 0.0);
        // The gap of township 001 is V1 and V2 less the isochrone; V3 and V4 are wholly a gap.
        const auto gaps = gaps_of(g, "base");
        const double served = (g.covered_fraction[0][0] + g.covered_fraction[0][1]) * 1e8;
        CHECK(served > 4e6);
        CHECK(gaps.at("990101001").area_m2 == Approx(2e8 - served).epsilon(1e-6));
        CHECK(gaps.at("990101002").area_m2 == Approx(2e8).epsilon(1e-9));
        CHECK(gaps.at("990102001").area_m2 == Approx(1e8).epsilon(1e-9));
    }
    SECTION("two bases: one search from both gives the union of each base's isochrone") {
        // The second base 300 m off the road at x = 9 km: the two isochrones overlap along the
        // road, so most stretches are reached from both and only the larger spare time counts.
        auto both = isochrone_world(model::RoadDirection::both);
        both.facilities.push_back(test::tiny_facility("b2", "base", 9'000, 5'300));
        auto first = isochrone_world(model::RoadDirection::both);
        auto second = isochrone_world(model::RoadDirection::both);
        second.facilities = {both.facilities.back()};
        const geos::GeosContext ctx;
        const auto service = [&](model::Inputs in) {
            const analysis::Analysis a(std::move(in), isochrone_rules(), analysis::Options{}, Reporter{});
            for (const auto& s : a.gaps.service_areas) {
                if (s.county_code == "990101") return ctx.from_wkb(s.geometry);
            }
            FAIL("no service area in 990101");
            return geos::GeomPtr{};
        };
        const auto together = service(both);
        std::vector<geos::GeomPtr> parts;
        parts.push_back(service(first));
        parts.push_back(service(second));
        const auto apart = ctx.unary_union(*ctx.collection(GEOS_MULTIPOLYGON, std::move(parts)));
        const double area = ctx.area(*apart);
        CHECK(ctx.area(*together) == Approx(area).epsilon(1e-9));
        CHECK(ctx.area(*ctx.difference(*apart, *together)) < 1e-6 * area);  // GEOS noding slivers only
        CHECK(ctx.area(*ctx.difference(*together, *apart)) < 1e-6 * area);
    }
    SECTION("one way: nothing on the far side of the base but the walk straight across") {
        // East only: people west of the base drive to it, V1 (east of it, 30 min on foot) is not covered.
        const analysis::Analysis east(isochrone_world(model::RoadDirection::forward), isochrone_rules(),
                                      analysis::Options{}, Reporter{});
        CHECK(service_bounds(east.gaps)[2] == Approx(3'000).margin(1.0));  // 1 km walked from the base
        CHECK(east.gaps.covered_fraction[0][1] == 0.0);
        CHECK(east.coverage.types[0].covered == std::vector<std::uint8_t>{0, 0, 0, 0, 0});
        // West only: the road east of the base as both ways, nothing west of it but 1 km on foot.
        const analysis::Analysis west(isochrone_world(model::RoadDirection::backward), isochrone_rules(),
                                      analysis::Options{}, Reporter{});
        const auto b = service_bounds(west.gaps);
        CHECK(b[0] == Approx(1'000).margin(1.0));
        CHECK(b[2] == Approx(12'000).margin(1.0));
        CHECK(west.coverage.types[0].covered == std::vector<std::uint8_t>{1, 0, 0, 0, 0});
    }
}

namespace {

/// The plain union of widened stretches, built independently of gaps::widened_union: each
/// stretch as GEOS's convex hull of its two disc rings (128 vertices at 2πk/128, as service
/// discs are drawn), all of them in one union.
geos::GeomPtr plain_union(const geos::GeosContext& ctx, const std::vector<gaps::Stretch>& stretches) {
    std::vector<geos::GeomPtr> parts;
    for (const auto& s : stretches) {
        std::vector<geos::GeomPtr> points;  // both rings' (a disc of radius 0 is its centre)
        for (const auto& [c, r] : {std::pair(s.a, s.ra), std::pair(s.b, s.rb)}) {
            for (int k = 0; k < 128; ++k) {
                points.push_back(
                    ctx.point(c.x + r * std::cos(2 * M_PI * k / 128), c.y + r * std::sin(2 * M_PI * k / 128)));
            }
        }
        parts.push_back(
            ctx.own(GEOSConvexHull_r(ctx.handle(), ctx.collection(GEOS_MULTIPOINT, std::move(points)).get()), "hull"));
    }
    return ctx.unary_union(*ctx.collection(GEOS_MULTIPOLYGON, std::move(parts)));
}

/// Roads walked from a few sites as an isochrone's search leaves them: a disc of the full reach
/// at each site, then chains of stretches whose radius falls by `per_m` a metre of road (1 on
/// foot at the off-road speed, 1/6 by car at 30 km/h), winding, branching now and then.
std::vector<gaps::Stretch> random_isochrone(std::uint32_t seed, double reach_m, double per_m) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> u(0, 1);
    std::vector<gaps::Stretch> out;
    for (int site = 0; site < 3; ++site) {
        const crs::XY c{u(rng) * 4'000, u(rng) * 4'000};
        out.push_back(gaps::Stretch{c, c, reach_m, reach_m});
        for (int road = 0; road < 4; ++road) {
            crs::XY p{c.x + (u(rng) - 0.5) * 100, c.y + (u(rng) - 0.5) * 100};  // where the site joins the road
            double r = reach_m - std::hypot(p.x - c.x, p.y - c.y);
            double heading = u(rng) * 2 * M_PI;
            while (r > 0) {
                heading += (u(rng) - 0.5) * 0.8;
                const double step = 30 + u(rng) * 250;
                const double rb = std::max(0.0, r - step * per_m);
                const crs::XY q{p.x + std::cos(heading) * step, p.y + std::sin(heading) * step};
                out.push_back(gaps::Stretch{p, q, r, rb});
                p = q;
                r = rb;
            }
        }
    }
    return out;
}

}  // namespace

TEST_CASE("gaps: the union of widened stretches leaves out only what lies inside it", "[gaps]") {
    const geos::GeosContext ctx;
    for (const auto& [per_m, name] : {std::pair(1.0, "on foot"), std::pair(1.0 / 6, "by car")}) {
        for (std::uint32_t seed = 1; seed <= 4; ++seed) {
            CAPTURE(name, seed);
            const auto stretches = random_isochrone(seed, 1'250, per_m);
            const auto plain = plain_union(ctx, stretches);
            const auto fast = gaps::widened_union(ctx, stretches, 32, {}, nullptr);
            REQUIRE(fast);
            const double area = ctx.area(*plain);
            CHECK(ctx.area(*fast) == Approx(area).epsilon(1e-9));
            CHECK(ctx.area(*ctx.difference(*plain, *fast)) < 1e-7 * area);  // noding round-off only
            CHECK(ctx.area(*ctx.difference(*fast, *plain)) < 1e-7 * area);
            // Near a box only: the same within it.
            const auto box = ctx.own(GEOSGeom_createRectangle_r(ctx.handle(), 1'000, 1'000, 2'500, 3'000), "box");
            const auto prepared = ctx.prepare(*box);
            const auto near = gaps::widened_union(ctx, stretches, 32, {}, prepared.get());
            REQUIRE(near);
            CHECK(ctx.area(*ctx.intersection(*near, *box)) ==
                  Approx(ctx.area(*ctx.intersection(*plain, *box))).epsilon(1e-9));
            // Served polygons join the union.
            std::vector<geos::GeomPtr> served;
            served.push_back(ctx.own(GEOSGeom_createRectangle_r(ctx.handle(), -9'000, -9'000, -8'000, -8'000), "far"));
            const auto with = gaps::widened_union(ctx, stretches, 32, std::move(served), nullptr);
            CHECK(ctx.area(*with) == Approx(area + 1e6).epsilon(1e-9));
        }
    }
    // Where a stretch ends with a narrower disc than the one the next starts with (the vertex was
    // reached sooner another way), the next keeps its own disc: here its back half sticks out of
    // the first stretch's hull by a 20 m crescent. And where the ends match, the union is the same.
    for (const double rb : {380.0, 400.0}) {
        CAPTURE(rb);
        const std::vector<gaps::Stretch> bend{gaps::Stretch{{1'000, -1'000}, {1'000, 0}, 500, rb},
                                              gaps::Stretch{{1'000, 0}, {2'000, 0}, 400, 100},
                                              gaps::Stretch{{2'000, 0}, {2'000, 800}, 100, 0}};
        const auto plain = plain_union(ctx, bend);
        const auto fast = gaps::widened_union(ctx, bend, 32, {}, nullptr);
        REQUIRE(fast);
        CHECK(ctx.area(*fast) == Approx(ctx.area(*plain)).epsilon(1e-9));
        CHECK(ctx.area(*ctx.difference(*plain, *fast)) < 1e-3);
    }
}
