#include <catch2/catch.hpp>

#include <map>

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
