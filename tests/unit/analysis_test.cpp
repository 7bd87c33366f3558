#include <catch2/catch.hpp>

#include "scicov/analysis.hpp"
#include "tiny_world.hpp"

using namespace scicov;

namespace {

analysis::Analysis analyse(model::Inputs in, const rules::Rules& rules) {
    return analysis::Analysis(std::move(in), rules, analysis::Options{}, Reporter{});
}

}  // namespace

TEST_CASE("an analysis holds its inputs, the index over them, the verdicts and the summaries", "[analysis]") {
    auto in = test::tiny_world();
    rules::Rules rules;
    rules::CoverageRule county;
    county.kind = rules::CoverageKind::admin;
    rules.types = {test::tiny_type("museum", county, 1.0), test::tiny_type("base", test::radius_rule(10'001), 0.5)};
    in.facilities = {test::tiny_facility("m", "museum", 25'000, 5'000),  // in V5: all of county 990102
                     test::tiny_facility("b", "base", 5'000, 5'000),     // reaches V1, V2, V3
                     test::tiny_facility("far", "base", -50'000, 5'000)};
    const auto a = analyse(std::move(in), rules);

    SECTION("the index is over the analysis's own inputs (built once, handed on)") {
        CHECK(&a.index.inputs() == &a.inputs);
        CHECK(a.index.villages_of_county("990101").size() == 4);
    }
    SECTION("facilities located once; the one outside every village is a warning") {
        CHECK(a.coverage.facility_village == std::vector<std::int32_t>{4, 0, -1});
        CHECK(a.diagnostics.warnings() == 1);
    }
    SECTION("verdicts per type, in rules order") {
        CHECK(a.coverage.types[0].covered == std::vector<std::uint8_t>{0, 0, 0, 0, 1});
        CHECK(a.coverage.types[1].covered == std::vector<std::uint8_t>{1, 1, 1, 0, 0});
        CHECK(analysis::verdicts(a.coverage) ==
              std::vector<std::vector<std::uint8_t>>{a.coverage.types[0].covered, a.coverage.types[1].covered});
    }
    SECTION("summaries: counties and townships against the targets") {
        REQUIRE(a.counties.size() == 2);
        CHECK_FALSE(a.counties[0].types[0].met);
        CHECK(a.counties[1].types[0].met);
        CHECK(a.counties[0].types[1].villages_cov == 3);
        CHECK(a.counties[0].types[1].met);  // 3 of 4 villages ≥ 50%
        REQUIRE(a.townships.size() == 3);
        CHECK(a.townships[1].types[1].villages_cov == 1);  // V3 of V3, V4
    }
    SECTION("stages timed") {
        REQUIRE(a.timings.size() == 3);
        CHECK(a.timings[0].stage == "coverage");
        CHECK(a.timings[2].stage == "summaries");
    }
}

TEST_CASE("an analysis of inputs with errors stops before coverage", "[analysis]") {
    Diagnostics diag;
    diag.error(Context{"x.gpkg", "villages", 3, "code"}, "bad code");
    diag.error(Context{}, "another");
    try {
        analysis::require_no_errors(diag);
        FAIL("no error thrown");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::input);
        CHECK(std::string(e.what()).find("bad code (and 1 more errors); nothing written") != std::string::npos);
    }
}
