#include <catch2/catch.hpp>

#include <array>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>

#include <sys/wait.h>

#include "scicov/core.hpp"
#include "scicov/rules.hpp"
#include "support.hpp"

using namespace scicov;
using namespace scicov::rules;

namespace {

void write_file(const std::filesystem::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
}

/// Loads `text` from a file in a temporary folder (through load_rules, as the CLI does).
Rules load_text(const std::string& text) {
    test::TempDir dir;
    const auto path = dir / "rules.toml";
    write_file(path, text);
    return load_rules(path.string());
}

/// The Error that loading `path` throws (fails the test when there is none).
Error load_error(const std::string& path) {
    try {
        (void)load_rules(path);
    } catch (const Error& e) {
        return e;
    }
    FAIL("no error loading " << path);
    return Error(ErrorKind::internal, "unreachable");
}

}  // namespace

TEST_CASE("rules: defaults, round trip, overrides and bad files", "[rules]") {
    SECTION("defaults match POLICY.md") {
        const Rules r = default_rules();
        REQUIRE(r.types.size() == 4);
        CHECK(r.types[0].key == "science_museum");
        CHECK(r.types[1].key == "science_base");
        CHECK(r.types[2].key == "e_station");
        CHECK(r.types[3].key == "science_room");

        const auto* museum = r.find("science_museum");
        REQUIRE(museum != nullptr);
        CHECK(museum->name_zh == "科技馆");
        CHECK(museum->rule.kind == CoverageKind::admin);
        CHECK(museum->rule.admin_level == AdminLevel::county);
        CHECK(museum->target.unit == AdminLevel::county);
        CHECK(museum->target.measure == Measure::units);
        CHECK(museum->target.threshold == 1.0);

        const auto* base = r.find("science_base");
        REQUIRE(base != nullptr);
        CHECK(base->name_zh == "科普教育基地");
        CHECK(base->rule.kind == CoverageKind::radius);
        CHECK(base->rule.radius_m == 20000.0);
        CHECK_FALSE(base->rule.min_area_fraction.has_value());
        CHECK(base->target.measure == Measure::population);
        CHECK(base->target.threshold == 0.9);

        const auto* station = r.find("e_station");
        REQUIRE(station != nullptr);
        CHECK(station->name_zh == "科普e站");
        CHECK(station->rule.kind == CoverageKind::radius);
        CHECK(station->rule.radius_m == 2000.0);
        CHECK(station->target.measure == Measure::villages);
        CHECK(station->target.threshold == 0.9);

        const auto* room = r.find("science_room");
        REQUIRE(room != nullptr);
        CHECK(room->name_zh == "村(社区)科普室");
        CHECK(room->rule.kind == CoverageKind::contains);
        CHECK(room->target.measure == Measure::villages);
        CHECK(room->target.threshold == 1.0);

        for (const auto& t : r.types) {
            CHECK(t.target.unit == AdminLevel::county);
            CHECK(t.default_cost == 1.0);
            CHECK_FALSE(t.minimise_cost);
        }
        CHECK(r.find("mobile_museum") == nullptr);

        CHECK(r.priority.base == 1.0);
        CHECK(r.priority.ethnic_township == 1.5);
        CHECK(r.priority.remote == 1.5);
        CHECK(r.planning.per_year == 6);
        CHECK(r.fields.village_code == "code");
        CHECK(r.fields.facility_type == "type");
    }

    SECTION("the commented default TOML loads back to exactly default_rules()") {
        const auto text = default_rules_toml();
        CHECK(parse_rules(text, "defaults.toml") == default_rules());
        CHECK(load_text(text) == default_rules());
        // Every number in it says where it comes from: a plan (000-004) or "assumption".
        std::size_t numbers = 0;
        std::size_t start = 0;
        while (start < text.size()) {
            auto end = text.find('\n', start);
            if (end == std::string::npos) end = text.size();
            const auto line = text.substr(start, end - start);
            start = end + 1;
            const auto eq = line.find(" = ");
            if (line.empty() || line[0] == '#' || eq == std::string::npos) continue;
            const char first = line[eq + 3];
            if (first < '0' || first > '9') continue;
            ++numbers;
            INFO(line);
            const bool sourced = line.find("assumption") != std::string::npos ||
                                 line.find("000") != std::string::npos || line.find("001") != std::string::npos ||
                                 line.find("002") != std::string::npos || line.find("003") != std::string::npos ||
                                 line.find("004") != std::string::npos;
            CHECK(sourced);
        }
        CHECK(numbers == 66);  // 10 in the types, 4 priority, 5 planning, 1 + 2 × 23 speeds
    }

    SECTION("round trip through to_toml") {
        Rules r = default_rules();
        CHECK(parse_rules(to_toml(r), "run") == r);

        // Everything changed from the defaults, a new type, odd strings and odd numbers.
        r.types[1].rule.min_area_fraction = 0.25;
        r.types[1].rule.radius_m = 12345.678;
        r.types[0].rule.admin_level = AdminLevel::township;
        r.types[0].target.unit = AdminLevel::township;
        r.types[3].default_cost = 0.1;
        r.types[3].minimise_cost = true;
        FacilityType mobile;
        mobile.key = "mobile_museum";
        mobile.name_zh = "流动科技馆 \"大篷车\" \\ 2";
        mobile.rule.kind = CoverageKind::radius;
        mobile.rule.radius_m = 1e5;
        mobile.rule.covers_own_village = true;
        mobile.per_year = 3;
        mobile.target = Target{AdminLevel::township, Measure::population, 1.0 / 3.0};
        r.types.push_back(mobile);
        FacilityType alpha;  // after "mobile_museum" although it sorts before it
        alpha.key = "a_library_corner";
        alpha.name_zh = "图书馆科普角";
        alpha.rule.kind = CoverageKind::contains;
        alpha.rule.covers_own_village = true;  // what contains means
        r.types.push_back(alpha);
        r.fields.village_code = "统计用区划代码";
        r.fields.village_population = "POP 2020";
        r.fields.unit_name = "NAME_ZH";
        r.priority.remote_quantile = 0.95;
        r.planning.per_year = 12;
        r.planning.start_year = 2030;
        r.planning.horizon_year = 2040;
        r.planning.time_limit_s = 0.5;
        r.planning.min_spacing_m = 800;
        r.planning.equalise = Equalise::rural_first;

        const auto text = to_toml(r);
        CHECK_THAT(text, Catch::Contains("equalise = \"rural_first\""));
        CHECK(to_toml(r) == text);  // deterministic
        const Rules back = parse_rules(text, "run");
        CHECK(back == r);
        CHECK(to_toml(back) == text);
        REQUIRE(back.types.size() == 6);
        CHECK(back.types[4].key == "mobile_museum");
        CHECK(back.types[5].key == "a_library_corner");
        CHECK(back.types[4].target.threshold == 1.0 / 3.0);  // shortest round-trip digits, exact

        // A key made in code that is no valid type key still gives valid TOML (quoted), which
        // the loader then rejects by its key, not as a syntax error.
        Rules odd = default_rules();
        odd.types[0].key = "科技 馆";
        try {
            (void)parse_rules(to_toml(odd), "run");
            FAIL("no error");
        } catch (const Error& e) {
            CHECK(e.context().field == "types.科技 馆");
            CHECK_THAT(e.message(), Catch::Contains("lower-case"));
        }
    }

    SECTION("a partial override keeps every other default") {
        const Rules r = load_text(
            "[types.e_station]\n"
            "radius_m = 3000\n"
            "[types.science_base.target]\n"
            "threshold = 0.75\n"
            "[fields.villages]\n"
            "code = \"CUN_DM\"\n"
            "[planning]\n"
            "per_year = 10\n");
        Rules expected = default_rules();
        expected.types[2].rule.radius_m = 3000;
        expected.types[1].target.threshold = 0.75;
        expected.fields.village_code = "CUN_DM";
        expected.planning.per_year = 10;
        CHECK(r == expected);

        // Changing the kind drops what belonged to the old kind.
        const Rules c = load_text("[types.science_base]\ncoverage = \"contains\"\n");
        const auto* base = c.find("science_base");
        REQUIRE(base != nullptr);
        CHECK(base->rule.kind == CoverageKind::contains);
        CHECK(base->rule.radius_m == 0);
        CHECK(base->target.measure == Measure::population);
        CHECK(c.types.size() == 4);

        // An empty file is the defaults.
        CHECK(load_text("# nothing\n") == default_rules());
    }

    SECTION("a new type joins after the defaults, in file order") {
        const Rules r = load_text(
            "[types.mobile_museum]\n"
            "name_zh = \"流动科技馆\"\n"
            "coverage = \"admin\"\n"
            "admin_level = \"township\"\n"
            "[types.mobile_museum.target]\n"
            "measure = \"units\"\n"
            "threshold = 0.5\n"
            "\n"
            "[types.library_corner]\n"
            "coverage = \"radius\"\n"
            "radius_m = 1500.5\n"
            "min_area_fraction = 0.5\n");
        REQUIRE(r.types.size() == 6);
        CHECK(r.types[3].key == "science_room");
        const auto& mobile = r.types[4];
        CHECK(mobile.key == "mobile_museum");
        CHECK(mobile.name_zh == "流动科技馆");
        CHECK(mobile.rule.kind == CoverageKind::admin);
        CHECK(mobile.rule.admin_level == AdminLevel::township);
        CHECK(mobile.target.unit == AdminLevel::county);
        CHECK(mobile.target.measure == Measure::units);
        CHECK(mobile.target.threshold == 0.5);
        const auto& corner = r.types[5];
        CHECK(corner.key == "library_corner");
        CHECK(corner.name_zh == "library_corner");  // no name_zh: the key
        CHECK(corner.rule.radius_m == 1500.5);
        REQUIRE(corner.rule.min_area_fraction.has_value());
        CHECK(*corner.rule.min_area_fraction == 0.5);
        CHECK(corner.target.measure == Measure::villages);  // target defaults: all villages of the county
        CHECK(corner.target.threshold == 1.0);
        CHECK(corner.default_cost == 1.0);
        CHECK(r.find("library_corner") == &r.types[5]);
    }

    SECTION("each bad file gives an Error of kind rules naming the file, key path and line") {
        struct Bad {
            const char* file;
            const char* field;  // key path; empty for a TOML syntax error
            int line;
            const char* says;
        };
        const std::array bad{
            Bad{"rules_unknown_key.toml", "types.e_station.colour", 4, "unknown key 'colour'"},
            Bad{"rules_typo_key.toml", "types.science_base.target.threshhold", 4, "did you mean 'threshold'"},
            Bad{"rules_negative_radius.toml", "types.e_station.radius_m", 12, "must be > 0"},
            Bad{"rules_threshold_high.toml", "types.e_station.target.threshold", 3, "must be in [0, 1]"},
            Bad{"rules_wrong_type.toml", "types.e_station.radius_m", 3, "must be a number, got string"},
            Bad{"rules_radius_without_radius.toml", "types.library_corner.radius_m", 4, "needs radius_m"},
            Bad{"rules_unknown_kind.toml", "types.science_base.coverage", 3, "unknown value \"buffer\""},
            Bad{"rules_duplicate_type.toml", "types.e_station", 8, "duplicate key"},
            Bad{"rules_min_area_zero.toml", "types.e_station.min_area_fraction", 3, "must be in (0, 1]"},
            Bad{"rules_units_not_admin.toml", "types.science_base.target.measure", 5, "needs coverage = \"admin\""},
            Bad{"rules_syntax.toml", "", 3, "invalid TOML"},
            Bad{"rules_bad_type_key.toml", "types.Mobile-Museum", 2, "lower-case"},
            Bad{"rules_radius_on_contains.toml", "types.science_room.radius_m", 3, "radius rules only"},
            Bad{"rules_unknown_measure.toml", "types.science_base.target.measure", 3, "unknown value \"people\""},
            Bad{"rules_per_year_zero.toml", "planning.per_year", 4, "must be in [1, "},
            Bad{"rules_unknown_field_role.toml", "fields.village", 2, "did you mean 'villages'"},
            Bad{"rules_misspelt_type.toml", "types.e_staion.coverage", 3, "default type 'e_station'"},
            Bad{"rules_priority_negative.toml", "priority.ethnic_township", 3, "must be > 0"},
        };
        for (const auto& b : bad) {
            const auto path = test::datapath(std::string("bad/") + b.file).string();
            INFO(path);
            // Each file says what is wrong with it on its first line.
            std::ifstream in(path);
            std::string first;
            std::getline(in, first);
            CHECK(first.rfind("# Bad: ", 0) == 0);

            const Error e = load_error(path);
            INFO(e.what());
            CHECK(e.kind() == ErrorKind::rules);
            CHECK(e.context().file == path);
            CHECK(e.context().field == b.field);
            const std::string what = e.what();
            CHECK(what.rfind(path + ": ", 0) == 0);
            if (*b.field != '\0') CHECK_THAT(what, Catch::Contains(std::string("field '") + b.field + "'"));
            CHECK_THAT(e.message(), Catch::StartsWith("line " + std::to_string(b.line) + ":") ||
                                        Catch::StartsWith("line " + std::to_string(b.line) + ","));
            CHECK_THAT(what, Catch::Contains(b.says));
        }
        // The example of the brief, word for word.
        const auto negative = test::datapath("bad/rules_negative_radius.toml").string();
        CHECK(std::string(load_error(negative).what()) ==
              negative + ": field 'types.e_station.radius_m': line 12: must be > 0 (metres), got integer -5");
    }

    SECTION("a missing file is a rules error naming it") {
        test::TempDir dir;
        const auto missing = (dir / "nope.toml").string();
        const Error e = load_error(missing);
        CHECK(e.kind() == ErrorKind::rules);
        CHECK(e.context().file == missing);
        CHECK(load_error(dir.path().string()).kind() == ErrorKind::rules);
    }
}

TEST_CASE("rules: names and keys", "[rules]") {
    CHECK(std::string(to_string(CoverageKind::contains)) == "contains");
    CHECK(std::string(to_string(CoverageKind::radius)) == "radius");
    CHECK(std::string(to_string(CoverageKind::admin)) == "admin");
    CHECK(std::string(to_string(Measure::villages)) == "villages");
    CHECK(std::string(to_string(Measure::population)) == "population");
    CHECK(std::string(to_string(Measure::units)) == "units");
    CHECK(std::string(to_string(AdminLevel::county)) == "county");
    CHECK(std::string(to_string(AdminLevel::township)) == "township");
    CHECK(valid_type_key("e_station"));
    CHECK(valid_type_key("type2"));
    CHECK_FALSE(valid_type_key(""));
    CHECK_FALSE(valid_type_key("2type"));
    CHECK_FALSE(valid_type_key("E_station"));
    CHECK_FALSE(valid_type_key("e-station"));
    CHECK_FALSE(valid_type_key("科普e站"));
    CHECK_FALSE(valid_type_key(std::string(k_max_type_key_length + 1, 'a')));
}

TEST_CASE("rules: `scicov rules` prints the default TOML, --check prints the rules in effect", "[rules][cli]") {
    const auto run = [](const std::string& args) {
        const std::string command = std::string(SCICOV_BINARY) + " " + args + " 2>/dev/null";
        std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
        REQUIRE(pipe != nullptr);
        std::string out;
        std::array<char, 4096> buf{};
        std::size_t n = 0;
        while ((n = std::fread(buf.data(), 1, buf.size(), pipe.get())) > 0) out.append(buf.data(), n);
        const int status = pclose(pipe.release());
        return std::pair(out, WEXITSTATUS(status));
    };
    const auto [printed, status] = run("rules");
    CHECK(status == 0);
    CHECK(printed == default_rules_toml());
    // The defaults are that text parsed: what a planner copies is what runs.
    CHECK(parse_rules(printed, "stdout") == default_rules());

    test::TempDir dir;
    const auto path = dir / "mine.toml";
    write_file(path, "[types.e_station]\nradius_m = 3000\n");
    const auto [effective, check_status] = run("rules --check " + path.string());
    CHECK(check_status == 0);
    Rules expected = default_rules();
    expected.types[2].rule.radius_m = 3000;
    CHECK(parse_rules(effective, "stdout") == expected);

    const auto [bad_out, bad_status] = run("rules --check " + test::datapath("bad/rules_unknown_kind.toml").string());
    CHECK(bad_status == 1);
    CHECK(bad_out.empty());
}

TEST_CASE("rules: the defaults come from the default text alone", "[rules]") {
    const Rules r = default_rules();
    // The structs hold no defaults of their own: each value below is set by the text.
    CHECK(Rules{}.planning.per_year == 0);
    CHECK(Rules{}.fields.village_code.empty());
    CHECK(r.planning == PlanningDefaults{6, 2026, 2035, 60.0, 0.0});
    CHECK(r.priority == PriorityRules{1.0, 1.5, 1.5, 0.8});
    const FieldMap& f = r.fields;
    for (const auto* name :
         {&f.village_code, &f.village_name, &f.village_population, &f.village_township_code, &f.village_county_code,
          &f.facility_id, &f.facility_type, &f.facility_name, &f.facility_grade, &f.facility_status, &f.candidate_id,
          &f.candidate_kind, &f.candidate_cost, &f.candidate_village_code, &f.unit_code, &f.unit_name}) {
        CHECK_FALSE(name->empty());
    }
    // An empty file and the printed text give the same rules.
    CHECK(parse_rules("", "empty.toml") == r);
    CHECK(parse_rules(to_toml(r), "round.toml") == r);
}

namespace {

/// The message of the rules error that `f` throws (fails the test when there is none).
template <typename F>
std::string rules_error(F&& f) {
    try {
        f();
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::rules);
        return e.what();
    }
    FAIL("no error");
    return {};
}

}  // namespace

TEST_CASE("rules: one validator for the rules file and values given for a run", "[rules]") {
    SECTION("ranges read as they are written") {
        CHECK(range_of("planning.per_year").bounds() == "in [1, 100000]");
        CHECK(range_of("planning.start_year").bounds() == "in [2000, 2100]");
        CHECK(range_of("planning.time_limit_s").bounds() == "> 0");
        CHECK(range_of("planning.min_spacing_m").bounds() == ">= 0");
        CHECK(range_of("priority.remote_quantile").bounds() == "in [0, 1]");
        CHECK(range_of("relative_gap").bounds() == "in [0, 1]");
        CHECK(range_of("threads").bounds() == "in [0, 1024]");
        CHECK(range_of("budget").bounds() == "in [1, 100000]");
        CHECK_THROWS_AS(range_of("planning.nope"), Error);
    }

    SECTION("good values parse") {
        CHECK(parse_value("planning.per_year", "6") == 6);
        CHECK(parse_value("planning.start_year", "2100") == 2100);
        CHECK(parse_value("planning.time_limit_s", "0.5") == 0.5);
        CHECK(parse_value("planning.time_limit_s", "1e3") == 1000);
        CHECK(parse_value("planning.min_spacing_m", "0") == 0);
        CHECK(parse_value("relative_gap", "1") == 1);
        CHECK(parse_value("threads", "0") == 0);
        CHECK(parse_county_code("county", "530326") == "530326");
    }

    SECTION("each bad value names its key and range") {
        struct Bad {
            const char* key;
            const char* text;
            const char* says;
        };
        const std::array bad{
            Bad{"planning.per_year", "0", "an integer in [1, 100000]"},
            Bad{"planning.per_year", "-1", "an integer in [1, 100000]"},
            Bad{"planning.per_year", "2.5", "an integer in [1, 100000]"},
            Bad{"planning.per_year", "99999999999999999999", "an integer in [1, 100000]"},
            Bad{"planning.per_year", "", "got nothing"},
            Bad{"planning.per_year", "6 ", "an integer in [1, 100000]"},
            Bad{"planning.start_year", "2147483647", "an integer in [2000, 2100]"},
            Bad{"planning.time_limit_s", "-5", "a finite number > 0"},
            Bad{"planning.time_limit_s", "nan", "a finite number > 0"},
            Bad{"planning.time_limit_s", "inf", "a finite number > 0"},
            Bad{"planning.time_limit_s", "1e999", "a finite number > 0"},
            Bad{"planning.min_spacing_m", "-0.5", "a finite number >= 0"},
            Bad{"priority.base", "0", "a finite number > 0"},
            Bad{"relative_gap", "nan", "a finite number in [0, 1]"},
            Bad{"by_year", "1999", "an integer in [2000, 2100]"},
            Bad{"threads", "-1", "an integer in [0, 1024]"},
            Bad{"budget", "0", "an integer in [1, 100000]"},
        };
        for (const auto& b : bad) {
            INFO(b.key << " = '" << b.text << "'");
            const auto what = rules_error([&] { (void)parse_value(b.key, b.text); });
            CHECK_THAT(what, Catch::StartsWith(std::string(b.key) + " must be "));
            CHECK_THAT(what, Catch::Contains(b.says));
            CHECK_THAT(what, Catch::EndsWith(std::string(", got ") + (*b.text ? b.text : "nothing")));
        }
        CHECK_THAT(rules_error([] { (void)parse_county_code("county", "abc"); }),
                   Catch::Contains("county must be a county code of 6 digits") && Catch::Contains("'abc'"));
        CHECK_THAT(rules_error([] { (void)parse_county_code("county", "5303261"); }), Catch::Contains("6 digits"));
    }

    SECTION("overrides set rules keys through the same checks as the file") {
        const Rules base = default_rules();
        const Rules r = apply(base, {{"planning.per_year", "3"},
                                     {"planning.time_limit_s", "5"},
                                     {"priority.remote", "2"},
                                     {"planning.start_year", "2030"}});
        Rules expected = base;
        expected.planning.per_year = 3;
        expected.planning.time_limit_s = 5;
        expected.planning.start_year = 2030;
        expected.priority.remote = 2;
        CHECK(r == expected);
        CHECK(apply(base, {}) == base);

        // per_year = 0 fails alike from a file and as an override: the same key, the same range.
        const auto from_text = rules_error([] { (void)parse_rules("[planning]\nper_year = 0\n", "mine.toml"); });
        const auto from_override = rules_error([&] { (void)apply(base, {{"planning.per_year", "0"}}); });
        CHECK_THAT(from_text, Catch::Contains("planning.per_year") && Catch::Contains("in [1, 100000]"));
        CHECK(from_override == "planning.per_year must be an integer in [1, 100000] (new sites a year), got 0");
        CHECK_THAT(rules_error([] { (void)parse_rules("[planning]\ntime_limit_s = nan\n", "mine.toml"); }),
                   Catch::Contains("planning.time_limit_s") && Catch::Contains("finite"));

        // Only number keys of the rules can be set so; the message lists them.
        CHECK_THAT(rules_error([&] {
                       (void)apply(base, {{"planning.colour", "3"}});
                   }),
                   Catch::Contains("'planning.colour'") && Catch::Contains("planning.per_year"));
    }
}

TEST_CASE("rules: a misspelt default type after a new one is still named (found by fuzz_rules)", "[rules]") {
    // Adding a type may move the list of types; the "did you mean" hint once read the default
    // types' keys from there after the move (a use after free under ASan).
    const std::string text =
        "[types.library_corner]\n"
        "name_zh = \"图书角\"\n"
        "coverage = \"contains\"\n"
        "[types.library_corner.target]\n"
        "unit = \"county\"\nmeasure = \"villages\"\nthreshold = 1.0\n"
        "[types.e_staton]\n"
        "radius_m = 3000\n";
    try {
        (void)scicov::rules::parse_rules(text, "typo.toml");
        FAIL("a misspelt type without coverage must be refused");
    } catch (const scicov::Error& e) {
        CHECK_THAT(e.what(), Catch::Contains("did you mean the default type 'e_station'"));
    }
}

TEST_CASE("rules: covers_own_village and a type's per_year", "[rules]") {
    const Rules d = default_rules();
    CHECK(d.find("e_station")->rule.covers_own_village);
    CHECK_FALSE(d.find("science_base")->rule.covers_own_village);
    CHECK(d.find("science_room")->rule.covers_own_village);  // contains: by its nature
    CHECK(d.planning.horizon_year == 2035);
    CHECK(d.find("science_room")->per_year == 0);  // [planning] per_year applies
    const Rules r = parse_rules(
        "[types.science_base]\ncovers_own_village = true\nper_year = 2\n"
        "[types.science_room]\ncoverage = \"radius\"\nradius_m = 500.0\n",
        "t.toml");
    CHECK(r.find("science_base")->rule.covers_own_village);
    CHECK(r.find("science_base")->per_year == 2);
    CHECK(r.find("science_room")->rule.covers_own_village);  // stays village-level as a radius rule
    CHECK_THROWS_WITH(parse_rules("[types.science_room]\ncovers_own_village = false\n", "t.toml"),
                      Catch::Contains("always covers its own village"));
    CHECK_THROWS_WITH(parse_rules("[types.e_station]\nper_year = 0\n", "t.toml"), Catch::Contains("per_year"));
    CHECK_THROWS_WITH(parse_rules("[types.e_station]\ncovers_own_village = 1\n", "t.toml"),
                      Catch::Contains("covers_own_village"));
}

TEST_CASE("rules: facility types by the names the data uses; field names for one run", "[rules]") {
    CHECK(fold_name("  科普Ｅ站（试点）\u3000") == "科普e站(试点)");
    CHECK(fold_name("ES") == "es");
    const Rules defaults = default_rules();
    const TypeNames names(defaults.types);
    CHECK(names.key_of("科普基地") == "science_base");
    CHECK(names.key_of("村（社区）科普室") == "science_room");
    CHECK(names.key_of("社区科技馆") == "science_room");
    CHECK(names.key_of("科技馆") == "science_museum");
    CHECK(names.key_of(" E站 ") == "e_station");
    CHECK(names.key_of("E_Station") == "e_station");
    CHECK(!names.key_of("科普大篷车"));
    CHECK(names.suggestion("科普教育基").find("科普教育基地") != std::string::npos);

    const Rules with = parse_rules("[types.e_station]\naliases = [\"科普大篷车站\"]\n", "x.toml");
    CHECK(with.find("e_station")->aliases == std::vector<std::string>{"科普大篷车站"});
    CHECK(TypeNames(with.types).key_of("科普大篷车站") == "e_station");
    CHECK(parse_rules(to_toml(with), "again") == with);
    // A name two types claim in the rules is an error; a built-in form yields to the rules.
    CHECK_THROWS_WITH(parse_rules("[types.e_station]\naliases = [\"科技馆\"]\n", "x.toml"),
                      Catch::Contains("types.e_station.aliases: \"科技馆\" is also the name of type 'science_museum'"));
    const Rules own = parse_rules("[types.community_museum]\nname_zh = \"社区科技馆\"\ncoverage = \"contains\"\n", "x");
    CHECK(TypeNames(own.types).key_of("社区科技馆") == "community_museum");
    CHECK(default_rules_toml().find("aliases") != std::string::npos);

    FieldMap fields = defaults.fields;
    set_field(fields, "villages.population", "人口");
    CHECK(fields.village_population == "人口");
    set_field(fields, "facilities.lon", "东经");
    CHECK(fields.facility_lon == "东经");
    CHECK_THROWS_WITH(set_field(fields, "villages.populaton", "x"), Catch::Contains("did you mean 'population'"));
    CHECK_THROWS_WITH(set_field(fields, "village.population", "x"), Catch::Contains("did you mean 'villages'"));
    CHECK_THROWS_WITH(set_field(fields, "villages.name", ""), Catch::Contains("empty"));
    // The run table's rules text is unchanged when no lon/lat column is named.
    CHECK(to_toml(defaults).find("lon =") == std::string::npos);
}

TEST_CASE("rules: travel-time rules, road fields and speeds", "[rules]") {
    const auto message = [](const std::string& text) -> std::string {
        try {
            (void)parse_rules(text, "t.toml");
        } catch (const Error& e) {
            return e.what();
        }
        return "no error";
    };
    SECTION("the default speeds and road fields") {
        const auto r = default_rules();
        CHECK(r.speeds.off_road_kmh == 5.0);
        CHECK(r.speeds.drive.at("motorway") == 90.0);
        CHECK(r.speeds.walk.at("motorway") == 0.0);
        CHECK(r.speeds.drive.at("县道") == 40.0);
        CHECK(r.fields.road_class == "fclass");
        CHECK(r.fields.road_maxspeed == "maxspeed");
        CHECK(r.fields.road_oneway == "oneway");
    }
    SECTION("a travel-time type, speeds merged key by key, road fields mapped") {
        const auto r = parse_rules(
            "[types.science_base]\ncoverage = \"travel_time\"\nminutes = 45\nmode = \"walk\"\n"
            "[speeds]\noff_road_kmh = 4\n[speeds.drive]\n\"村道\" = 15\nferry = 0\n"
            "[fields.roads]\nclass = \"等级\"\n",
            "t.toml");
        const auto& rule = r.find("science_base")->rule;
        CHECK(rule.kind == CoverageKind::travel_time);
        CHECK(rule.minutes == 45);
        CHECK(rule.mode == TravelMode::walk);
        CHECK(rule.radius_m == 0);  // dropped with the radius kind
        CHECK(r.speeds.off_road_kmh == 4);
        CHECK(r.speeds.drive.at("村道") == 15);
        CHECK(r.speeds.drive.at("ferry") == 0);
        CHECK(r.speeds.drive.at("motorway") == 90);  // kept from the defaults
        CHECK(r.fields.road_class == "等级");
        CHECK(r.fields.road_oneway == "oneway");
        // The run table's TOML carries roads and speeds for such rules, and reads back the same.
        const auto text = to_toml(r);
        CHECK(text.find("[speeds.drive]") != std::string::npos);
        CHECK(text.find("\"村道\" = 15.0") != std::string::npos);
        CHECK(parse_rules(text, "run") == r);
        // ... and not for rules without one (the default outputs stay as they were).
        CHECK(to_toml(default_rules()).find("speeds") == std::string::npos);
    }
    SECTION("bad travel-time rules") {
        CHECK_THAT(message("[types.science_base]\ncoverage = \"travel_time\"\n"),
                   Catch::Contains("a travel_time rule needs minutes (> 0)"));
        CHECK_THAT(message("[types.science_base]\ncoverage = \"travel_time\"\nminutes = 0\n"),
                   Catch::Contains("'types.science_base.minutes': line 3: must be in (0, 1440]"));
        CHECK_THAT(message("[types.science_base]\nminutes = 30\n"),
                   Catch::Contains("applies to travel_time rules only; this type's coverage is 'radius'"));
        CHECK_THAT(message("[types.science_base]\ncoverage = \"travel_time\"\nminutes = 30\nmode = \"fly\"\n"),
                   Catch::Contains("must be one of 'drive' or 'walk'"));
        CHECK_THAT(message("[types.science_base]\ncoverage = \"travel_time\"\nminutes = 30\nradius_m = 5\n"),
                   Catch::Contains("applies to radius rules only"));
        CHECK_THAT(message("[speeds.drive]\nprimary = -1\n"),
                   Catch::Contains("'speeds.drive.primary': line 2: must be in [0, 300]"));
        CHECK_THAT(message("[speeds]\noff_road_kmh = 0\n"),
                   Catch::Contains("'speeds.off_road_kmh': line 2: must be in (0, 300]"));
        CHECK_THAT(message("[speeds]\nbike = {}\n"), Catch::Contains("unknown key 'bike' in [speeds]"));
        CHECK_THAT(message("[fields.roads]\nspeed = \"v\"\n"),
                   Catch::Contains("unknown key 'speed' in [fields.roads]"));
    }
    SECTION("`scicov rules --travel-time`: bases 30 minutes' drive, e-stations 15 minutes' walk") {
        const auto r = parse_rules(travel_time_rules_toml(), "travel.toml");
        const auto& base = r.find("science_base")->rule;
        const auto& station = r.find("e_station")->rule;
        CHECK(base.kind == CoverageKind::travel_time);
        CHECK(base.minutes == 30);
        CHECK(base.mode == TravelMode::drive);
        CHECK(station.kind == CoverageKind::travel_time);
        CHECK(station.minutes == 15);
        CHECK(station.mode == TravelMode::walk);
        // Everything else as the defaults.
        Rules expected = default_rules();
        expected.types[1].rule = base;
        expected.types[2].rule = station;
        CHECK(r == expected);
    }
}

TEST_CASE("a rules file is read only when it is a regular file within the size limit", "[rules]") {
    const auto refusal = [](const std::string& path) -> std::string {
        try {
            (void)rules::load_rules(path);
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::rules);
            CHECK(e.context().file == path);
            return e.message();
        }
        return "";
    };
    CHECK(refusal("/dev/zero") == "is not a regular file (a device, FIFO or socket)");  // was read until memory ran out
    CHECK(refusal("/") == "is a folder, not a file");
    test::TempDir dir;
    const auto huge = dir / "huge.toml";
    std::ofstream(huge) << "[planning]\nper_year = 2\n";
    CHECK(rules::load_rules(huge.string()).planning.per_year == 2);
    std::filesystem::resize_file(huge, rules::k_max_rules_file_bytes + 1);  // sparse
    CHECK(refusal(huge.string()) == "is larger than the limit of 16 MiB");
}

TEST_CASE("rules: what would fail at commit is refused on reading, naming the file and the key", "[rules]") {
    const auto refusal = [](const std::string& text) {
        try {
            (void)scicov::rules::parse_rules(text, "r.toml");
        } catch (const scicov::Error& e) {
            return std::string(e.what());
        }
        return std::string("accepted");
    };
    // Two types with one Chinese name: their output aliases would collide.
    CHECK_THAT(refusal("[types.hall]\nname_zh = \"科普e站\"\ncoverage = \"contains\"\n"),
               Catch::Contains("r.toml") && Catch::Contains("types.hall.name_zh") && Catch::Contains("e_station"));
    // share_ + urban_hall is share_urban_ + hall.
    CHECK_THAT(refusal("[types.hall]\ncoverage = \"contains\"\n[types.urban_hall]\ncoverage = \"contains\"\n"),
               Catch::Contains("types.urban_hall") && Catch::Contains("share_urban_hall"));
    // More types than a GeoPackage table has columns for; 156 new ones (160 in all) still fit.
    std::string many = "[types]\n";
    for (int i = 1; i <= 157; ++i) many += "t" + std::to_string(i) + " = { coverage = \"contains\" }\n";
    CHECK_THAT(refusal(many), Catch::Contains("161 facility types") && Catch::Contains("at most 160"));
    many = "[types]\n";
    for (int i = 1; i <= 156; ++i) many += "t" + std::to_string(i) + " = { coverage = \"contains\" }\n";
    CHECK(refusal(many) == "accepted");
}

TEST_CASE("rules: planning.equalise", "[rules]") {
    CHECK(default_rules().planning.equalise == Equalise::none);
    CHECK(to_toml(default_rules()).find("equalise") == std::string::npos);  // written only when set
    CHECK(parse_rules("[planning]\nequalise = \"rural_first\"\n", "r.toml").planning.equalise == Equalise::rural_first);
    CHECK(parse_rules("[planning]\nequalise = \"none\"\n", "r.toml").planning.equalise == Equalise::none);
    try {
        (void)parse_rules("[planning]\nequalise = \"rural\"\n", "r.toml");
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::rules);
        CHECK_THAT(std::string(e.what()), Catch::Contains("planning.equalise") && Catch::Contains("rural_first"));
    }
}
