#include <catch2/catch.hpp>

#include <geodesic.h>

#include <cmath>
#include <string>
#include <vector>

#include "core/geos.hpp"
#include "crs/geodesic.hpp"
#include "scicov/coverage.hpp"
#include "scicov/crs.hpp"
#include "scicov/gaps.hpp"
#include "tiny_world.hpp"

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
            v.geometry = ctx.to_wkb(*ctx.polygon(
                {lon - d, lat - d, lon + d, lat - d, lon + d, lat + d, lon - d, lat + d, lon - d, lat - d}));
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
                if (geod.distance_m(centre, in.villages[i].rep) <= radius)
                    expected.push_back(static_cast<std::int32_t>(i));
            INFO("centre " << centre.lon << "," << centre.lat << " radius " << radius);
            CHECK(found == expected);
            CHECK(expected.size() == in.villages.size() / 2);  // the placed points straddle the circle
        }
    }
}

namespace {

using test::at_m;

/// Villages of an incidence row, as a plain list.
std::vector<std::int32_t> list(std::span<const std::int32_t> s) {
    return {s.begin(), s.end()};
}

/// The verdict per village of the tiny world as a list of 0/1.
std::vector<int> flags(const std::vector<std::uint8_t>& covered) {
    return {covered.begin(), covered.end()};
}

rules::CoverageRule kind_rule(rules::CoverageKind kind, rules::AdminLevel level = rules::AdminLevel::county) {
    rules::CoverageRule r;
    r.kind = kind;
    r.admin_level = level;
    return r;
}

}  // namespace

TEST_CASE("a rule says which villages a site covers, for every kind", "[coverage]") {
    const auto in = test::tiny_world();
    const coverage::VillageIndex index(in);
    const coverage::Options options{1, 32};
    const auto rule = [&](rules::CoverageRule r) { return coverage::Rule(test::tiny_type("t", r), index, options); };
    // A site in V1, 1 km from its south-west corner; one at V1's centre.
    const std::vector<coverage::Site> corner{{at_m(1'000, 1'000), 0}};
    const std::vector<coverage::Site> centre{{at_m(5'000, 5'000), 0}};

    SECTION("contains: the village holding the site, none for a site outside every village") {
        const auto r = rule(kind_rule(rules::CoverageKind::contains));
        CHECK(list(r.reach(corner).of(0)) == std::vector<std::int32_t>{0});
        const std::vector<coverage::Site> nowhere{{at_m(-5'000, -5'000), -1}};
        CHECK(r.reach(nowhere).of(0).empty());
    }
    SECTION("radius: villages whose representative point is within radius_m") {
        // V2 and V3's centres are 10 km away, V4's 14.1 km.
        CHECK(list(rule(test::radius_rule(6'000)).reach(centre).of(0)) == std::vector<std::int32_t>{0});
        CHECK(list(rule(test::radius_rule(10'001)).reach(centre).of(0)) == std::vector<std::int32_t>{0, 1, 2});
        CHECK(list(rule(test::radius_rule(14'200)).reach(centre).of(0)) == std::vector<std::int32_t>{0, 1, 2, 3});
    }
    SECTION("admin: every village of the site's county or township") {
        const auto county = rule(kind_rule(rules::CoverageKind::admin, rules::AdminLevel::county));
        const auto town = rule(kind_rule(rules::CoverageKind::admin, rules::AdminLevel::township));
        CHECK(list(county.reach(corner).of(0)) == std::vector<std::int32_t>{0, 1, 2, 3});
        CHECK(list(town.reach(corner).of(0)) == std::vector<std::int32_t>{0, 1});
    }
    SECTION("area share: a site covers a village when its own disc holds the share of the village's area") {
        // A 5 km disc centred 3 km from V1's west edge holds πr² less the segment beyond the
        // edge: (78.54 - 11.18) km² = 67% of V1, and 11% of V2 (the segment beyond x = 10 km).
        const std::vector<coverage::Site> west{{at_m(3'000, 5'000), 0}}, east{{at_m(7'000, 5'000), 0}};
        CHECK(list(rule(test::radius_rule(5'000, 0.6)).reach(west).of(0)) == std::vector<std::int32_t>{0});
        CHECK(rule(test::radius_rule(5'000, 0.7)).reach(west).of(0).empty());
        CHECK(list(rule(test::radius_rule(5'000, 0.1)).reach(east).of(0)) == std::vector<std::int32_t>{0, 1});
        CHECK(list(rule(test::radius_rule(5'000, 0.12)).reach(east).of(0)) == std::vector<std::int32_t>{0});
    }
}

TEST_CASE("the verdict: reached by a site, or for an area share the union of the discs", "[coverage]") {
    auto in = test::tiny_world();
    // Two 5 km discs 4 km apart in V1: each holds 67% of V1, together 95% (two discs less their
    // lens, 117.45 km², less the two segments outside V1, 2 × 11.18 km²).
    in.facilities = {test::tiny_facility("a", "share", 3'000, 5'000), test::tiny_facility("b", "share", 7'000, 5'000)};
    const coverage::VillageIndex index(in);
    const coverage::Options options{1, 32};
    rules::Rules rules;
    Diagnostics diag;
    const Reporter quiet;

    SECTION("union of discs covers what no disc covers alone") {
        rules.types = {test::tiny_type("share", test::radius_rule(5'000, 0.9))};
        const auto cov = coverage::compute(index, rules, options, diag, quiet);
        REQUIRE(cov.types.size() == 1);
        CHECK(cov.types[0].incidence.villages.empty());  // neither disc alone holds 90% of V1
        CHECK(flags(cov.types[0].covered) == std::vector<int>{1, 0, 0, 0, 0});
        CHECK(cov.facility_village == std::vector<std::int32_t>{0, 0});
    }
    SECTION("a share no union reaches leaves the village uncovered") {
        rules.types = {test::tiny_type("share", test::radius_rule(5'000, 0.96))};
        const auto cov = coverage::compute(index, rules, options, diag, quiet);
        CHECK(flags(cov.types[0].covered) == std::vector<int>{0, 0, 0, 0, 0});
    }
    SECTION("facilities and candidates at the same places agree, for every kind") {
        for (const auto& r : {kind_rule(rules::CoverageKind::contains), test::radius_rule(10'001),
                              kind_rule(rules::CoverageKind::admin, rules::AdminLevel::township),
                              test::radius_rule(5'000, 0.6), test::radius_rule(5'000, 0.1)}) {
            rules.types = {test::tiny_type("share", r)};
            const auto cov = coverage::compute(index, rules, options, diag, quiet);
            const coverage::Rule rule(rules.types[0], index, options);
            const std::vector<coverage::Site> candidates{{in.facilities[0].location, 0},
                                                         {in.facilities[1].location, 0}};
            const auto reach = rule.reach(candidates);
            INFO("kind " << rules::to_string(r.kind) << " share " << r.min_area_fraction.value_or(0));
            CHECK(reach.villages == cov.types[0].incidence.villages);
            CHECK(reach.offsets == cov.types[0].incidence.offsets);
            CHECK(!reach.villages.empty());
            // Whatever a site reaches is covered.
            for (auto v : reach.villages) CHECK(cov.types[0].covered[static_cast<std::size_t>(v)] == 1);
        }
    }
}

TEST_CASE("facilities are located once, with a warning for those outside every village", "[coverage]") {
    auto in = test::tiny_world();
    in.facilities = {test::tiny_facility("in_v5", "x", 25'000, 5'000), test::tiny_facility("away", "x", -9'000, 5'000)};
    const coverage::VillageIndex index(in);
    Diagnostics diag;
    CHECK(coverage::locate_facilities(index, diag, 2) == std::vector<std::int32_t>{4, -1});
    REQUIRE(diag.warnings() == 1);
    CHECK(diag.issues().front().message.find("\"away\" lies outside every village") != std::string::npos);
    CHECK(&index.inputs() == &in);
}

TEST_CASE("a village-level site covers the village it stands in, whatever the distance", "[coverage]") {
    auto in = test::tiny_world();
    // An e-station in V1's corner, 5.7 km from V1's centre; V2's centre is 9.1 km away.
    in.facilities = {test::tiny_facility("e", "e", 1'000, 1'000)};
    const coverage::VillageIndex index(in);
    const coverage::Options options{1, 32};
    Diagnostics diag;
    const Reporter quiet;
    for (const std::optional<double> share : {std::optional<double>(), std::optional<double>(0.9)}) {
        INFO("area share " << share.value_or(0));
        auto r = test::radius_rule(2'000, share);
        rules::Rules rules;
        rules.types = {test::tiny_type("e", r)};
        const auto off = coverage::compute(index, rules, options, diag, quiet);
        CHECK(flags(off.types[0].covered) == std::vector<int>{0, 0, 0, 0, 0});
        rules.types[0].rule.covers_own_village = true;
        const auto on = coverage::compute(index, rules, options, diag, quiet);
        CHECK(flags(on.types[0].covered) == std::vector<int>{1, 0, 0, 0, 0});
        CHECK(list(on.types[0].incidence.of(0)) == std::vector<std::int32_t>{0});
        // A candidate at the same place is planned with the same reach.
        const coverage::Rule rule(rules.types[0], index, options);
        const std::vector<coverage::Site> candidate{{at_m(1'000, 1'000), 0}};
        CHECK(list(rule.reach(candidate).of(0)) == std::vector<std::int32_t>{0});
        // Gaps serve the whole village: the township's gap is V2 alone (100 km²), not V1 less a disc.
        const auto g = gaps::compute(in, on, gaps::Options{1, 32}, quiet);
        CHECK(g.covered_fraction[0][0] == Approx(1.0));
        for (const auto& gap : g.gaps) {
            if (gap.township_code == "990101001") CHECK(gap.area_m2 == Approx(1e8).epsilon(0.01));
        }
    }
}
