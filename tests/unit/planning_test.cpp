#include <catch2/catch.hpp>

#include <algorithm>
#include <map>

#include "planning/detail.hpp"
#include "scicov/analysis.hpp"
#include "scicov/planning.hpp"
#include "tiny_world.hpp"

using namespace scicov;

namespace {

/// The inputs with the plan's sites added as existing facilities.
model::Inputs with_sites(model::Inputs in, const planning::Result& plan) {
    for (const auto& s : plan.sites) {
        model::Facility f;
        f.id = s.id;
        f.type = s.type;
        f.name = s.id;
        f.location = s.location;
        in.facilities.push_back(f);
    }
    return in;
}

std::map<std::string, int> sites_per_county(const planning::Result& plan) {
    std::map<std::string, int> out;
    for (const auto& s : plan.sites) ++out[s.county_code];
    return out;
}

planning::Options options() {
    planning::Options o;
    o.per_year = 1;
    o.start_year = 2026;
    return o;
}

}  // namespace

TEST_CASE("planning uses coverage's verdict: an area-share plan meets its target on re-analysis", "[planning]") {
    // Every village covered, a village by 95% of its area inside one 10 km disc. A site at a
    // village's centre holds the whole village (its corners are 7.07 km away) but only 46% of a
    // neighbour: each village needs its own site. The point rule alone (the neighbours' centres
    // are 10 km away) would take two sites for county 990101 and leave V2 and V3 short.
    rules::Rules rules;
    rules.types = {test::tiny_type("share", test::radius_rule(10'001, 0.95), 1.0)};
    const model::Inputs in = test::tiny_world();
    const analysis::Analysis before(model::Inputs(in), rules, analysis::Options{}, Reporter{});
    const auto plan = planning::run(before, rules, options(), Reporter{});

    CHECK(sites_per_county(plan) == std::map<std::string, int>{{"990101", 4}, {"990102", 1}});
    REQUIRE(plan.summary.size() == 2);
    for (const auto& row : plan.summary) {
        CHECK(row.status == "optimal");
        CHECK(row.share_after == 1.0);
    }
    const analysis::Analysis after(with_sites(in, plan), rules, analysis::Options{}, Reporter{});
    for (const auto& county : after.counties) CHECK(county.types[0].met);
    CHECK(after.coverage.types[0].covered == plan.covered_after[0]);

    SECTION("the point rule plans fewer sites for the same radius") {
        rules.types[0].rule.min_area_fraction.reset();
        const analysis::Analysis points(model::Inputs(in), rules, analysis::Options{}, Reporter{});
        const auto point_plan = planning::run(points, rules, options(), Reporter{});
        CHECK(sites_per_county(point_plan) == std::map<std::string, int>{{"990101", 2}, {"990102", 1}});
        // ... which the area-share verdict does not accept.
        rules.types[0].rule.min_area_fraction = 0.95;
        const analysis::Analysis check(with_sites(in, point_plan), rules, analysis::Options{}, Reporter{});
        CHECK_FALSE(check.counties[0].types[0].met);
    }
}

TEST_CASE("planning: targets met are left alone, the rest planned, phased and summed up", "[planning]") {
    rules::Rules rules;
    rules::CoverageRule contains;
    contains.kind = rules::CoverageKind::contains;
    rules.types = {test::tiny_type("room", contains, 0.5)};
    auto in = test::tiny_world();
    in.facilities = {test::tiny_facility("r5", "room", 25'000, 5'000)};  // county 990102 is met
    const analysis::Analysis a(std::move(in), rules, analysis::Options{}, Reporter{});
    const auto plan = planning::run(a, rules, options(), Reporter{});

    REQUIRE(plan.summary.size() == 2);
    CHECK(plan.summary[0].county_code == "990101");
    CHECK(plan.summary[0].sites == 2);  // half of four villages
    CHECK(plan.summary[0].status == "optimal");
    CHECK(plan.summary[1].status == "met");
    REQUIRE(plan.sites.size() == 2);
    // One site a year: ranks 1 and 2 in 2026 and 2027, and the target met in 2027.
    CHECK(plan.sites[0].id == "room-990101-001");
    CHECK(plan.sites[0].year == 2026);
    CHECK(plan.sites[1].year == 2027);
    CHECK(plan.summary[0].year_met == 2027);
    CHECK(plan.counties_after[0].types[0].villages_cov == 2);
    CHECK(plan.summary[0].share_after == 0.5);

    SECTION("an unknown type in a budget is refused") {
        auto o = options();
        o.budgets["nope"] = {1};
        CHECK_THROWS_AS(planning::run(a, rules, o, Reporter{}), Error);
    }
}

TEST_CASE("planning: the year each county meets its target and the yearly budget to meet it by the horizon",
          "[planning]") {
    rules::Rules rules;
    rules::CoverageRule contains;
    contains.kind = rules::CoverageKind::contains;
    rules.types = {test::tiny_type("room", contains, 1.0)};
    rules.types[0].name_zh = "科普室";
    const analysis::Analysis a(test::tiny_world(), rules, analysis::Options{}, Reporter{});
    auto o = options();  // one site a year from 2026, shared by the city's two counties
    o.horizon_year = 2027;
    const auto plan = planning::run(a, rules, o, Reporter{});

    REQUIRE(plan.horizon.size() == 2);
    const auto& h = plan.horizon[0];
    CHECK(h.county_code == "990101");
    CHECK(h.type_name_zh == "科普室");
    CHECK(h.sites_needed == 4);
    CHECK(h.per_year == 1);
    CHECK(h.horizon_year == 2027);
    CHECK(h.year_met == plan.summary[0].year_met);
    CHECK(h.year_met > 2027);  // five sites at one a year: 2030 at the latest
    for (const auto& s : plan.sites) CHECK(s.beyond_horizon == (s.year > 2027));
    CHECK(h.sentence_zh.find("按全市每年 1 个，" + std::to_string(h.year_met) + " 年全覆盖") == 0);
    // The budget that meets it by the horizon does, and one less does not.
    REQUIRE(h.per_year_for_horizon > 1);
    for (const int budget : {h.per_year_for_horizon, h.per_year_for_horizon - 1}) {
        auto faster = o;
        faster.per_year_of_type["room"] = budget;  // over options.per_year
        const auto again = planning::run(a, rules, faster, Reporter{});
        CHECK(again.horizon[0].per_year == budget);
        CHECK((again.horizon[0].year_met <= 2027) == (budget == h.per_year_for_horizon));
        CHECK(again.horizon[0].per_year_for_horizon == h.per_year_for_horizon);
    }
    SECTION("--by-year overrides the horizon; a type's own per_year overrides the plan's") {
        auto later = o;
        later.by_year = 2030;
        rules.types[0].per_year = 5;
        const auto all_at_once = planning::run(a, rules, later, Reporter{});
        CHECK(all_at_once.horizon[0].horizon_year == 2030);
        CHECK(all_at_once.horizon[0].per_year == 5);
        for (const auto& s : all_at_once.sites) CHECK(s.year == 2026);
    }
}

TEST_CASE("planning: exclusion areas hold no new site when the villages' points are the candidates", "[planning]") {
    // No candidates layer: the villages' points are the candidates. An exclusion polygon over
    // V4 (the north-east square of county 990101) leaves its point out, so the science-room
    // target (every village) cannot be met there, and no site is proposed in V4.
    rules::Rules rules;
    rules::CoverageRule contains;
    contains.kind = rules::CoverageKind::contains;
    rules.types = {test::tiny_type("room", contains, 1.0)};
    auto in = test::tiny_world();
    const geos::GeosContext ctx;
    std::vector<double> ring;
    for (auto [x, y] : {std::pair{11'000.0, 11'000.0},
                        {19'000.0, 11'000.0},
                        {19'000.0, 19'000.0},
                        {11'000.0, 19'000.0},
                        {11'000.0, 11'000.0}}) {
        const auto p = test::at_m(x, y);
        ring.push_back(p.lon);
        ring.push_back(p.lat);
    }
    in.exclusions.push_back(ctx.to_wkb(*ctx.polygon(ring)));
    const analysis::Analysis a(std::move(in), rules, analysis::Options{}, Reporter{});
    std::vector<std::string> warnings;
    Reporter reporter;
    reporter.warn = [&](const std::string& m) { warnings.push_back(m); };
    const auto plan = planning::run(a, rules, options(), reporter);

    for (const auto& s : plan.sites) CHECK(s.village_code != "990101002002");
    REQUIRE(plan.summary.size() == 2);
    CHECK(plan.summary[0].county_code == "990101");
    CHECK(plan.summary[0].status == "infeasible");
    CHECK(std::any_of(warnings.begin(), warnings.end(), [](const std::string& w) {
        return w.find("1 village points") != std::string::npos && w.find("exclusion") != std::string::npos;
    }));
}

TEST_CASE("planning: the plan's terms in one sentence, case by case", "[planning]") {
    using planning::detail::Coverage;
    using planning::detail::sentence_zh;
    planning::HorizonRow h;
    h.per_year = 6;
    h.horizon_year = 2035;
    h.sites_needed = 20;
    planning::SummaryRow plan;
    plan.model = "set_cover";
    plan.status = "optimal";
    plan.target = 0.9;
    const auto city = planning::YearScope::city;

    SECTION("met by the horizon: the year, and no budget to name") {
        h.year_met = 2029;
        h.per_year_for_horizon = 3;  // less would do, but six a year already meets it by 2035
        CHECK(sentence_zh(h, plan, city, Coverage::partial) == "按全市每年 6 个，2029 年达标");
        CHECK(sentence_zh(h, plan, planning::YearScope::county, Coverage::partial) == "按本县每年 6 个，2029 年达标");
    }
    SECTION("met after the horizon: the year, and the yearly budget that meets it by then") {
        h.year_met = 2075;
        h.per_year_for_horizon = 30;
        CHECK(sentence_zh(h, plan, city, Coverage::full) == "按全市每年 6 个，2075 年全覆盖；2035 年达标需每年 30 个");
    }
    SECTION("met before the plan: no year, no site needed") {
        h.met_before = true;
        h.sites_needed = 0;
        CHECK(sentence_zh(h, plan, city, Coverage::partial) == "规划前已达标，无需新建");
        h.sites_needed = 2;  // a budget's sites in a county that needs none
        CHECK(sentence_zh(h, plan, city, Coverage::full) == "规划前已全覆盖；预算内另有 2 个点位可提高覆盖");
    }
    SECTION("never met, and why: candidates that cannot reach it, a budget too small, no solution in time") {
        plan.status = "infeasible";
        plan.reachable_share = 0.75;
        plan.uncoverable = {"990101002002"};
        CHECK(sentence_zh(h, plan, city, Coverage::partial) ==
              "无法达标：现有候选点位最多覆盖 75.0%（目标 90.0%），1 个村(社区)没有候选点位能覆盖");
        plan.model = "max_cover";
        plan.share_after = 0.8;
        h.sites_needed = 5;
        CHECK(sentence_zh(h, plan, city, Coverage::partial) ==
              "预算内的 5 个点位建成后覆盖 80.0%，未达标（目标 90.0%）");
        plan.model = "set_cover";
        plan.status = "time_limit_no_solution";
        CHECK(sentence_zh(h, plan, city, Coverage::partial).find("求解超时") == 0);
    }
}

TEST_CASE("planning: a budget in a county already meeting its target is met before the plan, not a year early",
          "[planning]") {
    rules::Rules rules;
    rules::CoverageRule contains;
    contains.kind = rules::CoverageKind::contains;
    rules.types = {test::tiny_type("room", contains, 1.0)};
    auto in = test::tiny_world();
    in.facilities = {test::tiny_facility("r5", "room", 25'000, 5'000)};  // county 990102 is met
    const analysis::Analysis a(std::move(in), rules, analysis::Options{}, Reporter{});
    auto o = options();
    o.horizon_year = 2035;
    o.budgets["room"] = {2};
    const auto plan = planning::run(a, rules, o, Reporter{});

    REQUIRE(plan.horizon.size() == 2);
    const auto& open = plan.horizon[0];
    const auto& met = plan.horizon[1];
    CHECK(met.county_code == "990102");
    CHECK(met.met_before);
    CHECK(met.year_met == 0);  // was start_year - 1: "2025 年达标" for a plan starting in 2026
    CHECK(met.per_year_for_horizon == 0);
    CHECK(met.sentence_zh == "规划前已全覆盖，无需新建");
    // Two sites of the four 990101 needs: the budget's share, and why it is not met.
    CHECK_FALSE(open.met_before);
    CHECK(open.year_met == 0);
    CHECK(open.sentence_zh == "预算内的 2 个点位建成后覆盖 50.0%，未达标（目标 100.0%）");
    for (const auto& row : plan.summary) CHECK(row.year_met == 0);
}

TEST_CASE("planning: a target no candidate set reaches says so in its sentence", "[planning]") {
    rules::Rules rules;
    rules::CoverageRule contains;
    contains.kind = rules::CoverageKind::contains;
    rules.types = {test::tiny_type("room", contains, 1.0)};
    auto in = test::tiny_world();
    // Candidates in V1..V3 only (hosts of a candidates layer): V4 cannot get a room.
    for (int i = 0; i < 3; ++i) {
        model::Candidate c;
        c.id = "c" + std::to_string(i);
        c.kind = "党群服务中心";
        c.location = in.villages[static_cast<std::size_t>(i)].rep;
        in.candidates.push_back(c);
    }
    const analysis::Analysis a(std::move(in), rules, analysis::Options{}, Reporter{});
    auto o = options();
    o.horizon_year = 2035;
    const auto plan = planning::run(a, rules, o, Reporter{});
    REQUIRE_FALSE(plan.horizon.empty());
    const auto& h = plan.horizon[0];
    CHECK(h.county_code == "990101");
    CHECK(h.year_met == 0);
    CHECK(h.sentence_zh == "无法达标：现有候选点位最多覆盖 75.0%（目标 100.0%），1 个村(社区)没有候选点位能覆盖");
}
