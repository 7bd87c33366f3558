// The output module: the GeoPackage writer (layers, fields, aliases, QGIS styles, atomic commit,
// reproducible bytes) and the county summaries, on one small county of the committed sample.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>

#include "core/gdal.hpp"
#include "output/postgis.hpp"
#include "scicov/analysis.hpp"
#include "scicov/output.hpp"
#include "scicov/planning.hpp"
#include "scicov/rules.hpp"
#include "support.hpp"

using namespace scicov;

namespace {

analysis::Options tiny_options() {
    analysis::Options options;
    options.read.inputs = {test::geodata("sample.gpkg").string()};
    options.read.counties = {"510403"};
    return options;
}

planning::Result plan_of(const analysis::Analysis& a, const rules::Rules& rules) {
    planning::Options p = planning::defaults(rules);
    p.threads = 1;
    return planning::run(a, rules, p, Reporter{});
}

/// 510403 (26 villages), analysed and planned once for every test.
struct Tiny {
    rules::Rules rules = rules::default_rules();
    analysis::Analysis analysis = analysis::run(tiny_options(), rules, Reporter{});
    planning::Result plan = plan_of(analysis, rules);
};

const Tiny& tiny() {
    static const Tiny t;
    return t;
}

void write_output(const std::filesystem::path& target) {
    output::Writer writer(target, output::Options{});
    writer.write_analysis(tiny().analysis, tiny().rules, &tiny().plan);
    writer.write_plan(tiny().plan, tiny().rules);
    writer.write_run({{"scicov_version", "test"}, {"command", "plan"}});
    writer.commit();
}

/// The first column of the first row of an SQL query, as text ("" when there is no row).
std::string query(const gdal::Dataset& ds, const std::string& sql) {
    OGRLayer* result = ds.get().ExecuteSQL(sql.c_str(), nullptr, nullptr);
    REQUIRE(result != nullptr);
    std::string value;
    if (gdal::FeaturePtr f{result->GetNextFeature()}) value = f->GetFieldAsString(0);
    ds.get().ReleaseResultSet(result);
    return value;
}

}  // namespace

TEST_CASE("the writer puts every layer of the output contract, with fields", "[output][gpkg]") {
    test::TempDir dir;
    write_output(dir / "out.gpkg");
    CHECK(test::file_names(dir.path()) == std::set<std::string>{"out.gpkg"});
    const auto ds = gdal::Dataset::open((dir / "out.gpkg").string());
    const auto names = ds.layer_names();
    const std::set<std::string> layers(names.begin(), names.end());
    for (const char* layer : {"villages", "townships", "counties", "facilities", "service_areas", "gaps",
                              "proposed_sites", "plan_summary", "run", "layer_styles"}) {
        CHECK(layers.count(layer) == 1);
    }
    CHECK(ds.layer("villages").GetFeatureCount() == static_cast<GIntBig>(tiny().analysis.inputs.villages.size()));
    CHECK(ds.layer("counties").GetFeatureCount() == 1);
    CHECK(ds.layer("proposed_sites").GetFeatureCount() == static_cast<GIntBig>(tiny().plan.sites.size()));
    OGRFeatureDefn* counties = ds.layer("counties").GetLayerDefn();
    for (const char* field : {"code", "share_science_room", "met_science_room", "share_after_science_room",
                              "year_met_science_room", "share_urban_e_station"}) {
        CHECK(counties->GetFieldIndex(field) >= 0);
    }
    CHECK(ds.layer("villages").GetSpatialRef()->GetAuthorityCode(nullptr) == std::string("4490"));
    CHECK(query(ds, "SELECT value FROM run WHERE key = 'command'") == "plan");
}

TEST_CASE("field aliases are in gpkg_data_columns and styles in layer_styles", "[output][gpkg]") {
    test::TempDir dir;
    write_output(dir / "out.gpkg");
    const auto ds = gdal::Dataset::open((dir / "out.gpkg").string());
    CHECK(query(ds,
                "SELECT name FROM gpkg_data_columns WHERE table_name = 'villages' AND column_name = "
                "'population'") == "人口");
    CHECK(query(ds,
                "SELECT title FROM gpkg_data_columns WHERE table_name = 'counties' AND column_name = "
                "'share_science_room'") == "村(社区)科普室覆盖率");
    CHECK(query(ds, "SELECT count(*) FROM gpkg_extensions WHERE extension_name = 'gpkg_schema'") == "2");
    // One default style per layer with geometry; tables without geometry keep QGIS's defaults.
    CHECK(query(ds, "SELECT count(*) FROM layer_styles WHERE useAsDefault = 1") == "7");
    CHECK(query(ds, "SELECT count(*) FROM layer_styles WHERE f_table_name = 'run'") == "0");
    const std::string qml = query(ds, "SELECT styleQML FROM layer_styles WHERE f_table_name = 'villages'");
    CHECK_THAT(qml, Catch::Contains("attr=\"cov_science_room\""));
    CHECK_THAT(qml, Catch::Contains("<alias field=\"population\" index=\"5\" name=\"人口\"/>"));
    CHECK(query(ds, "SELECT update_time FROM layer_styles LIMIT 1") == "2000/01/01 00:00:00+00");
}

TEST_CASE("the output GeoPackage has the same bytes when written twice", "[output][gpkg]") {
    // Under the same name: the QGIS project inside refers to the GeoPackage by its file name.
    test::TempDir dir;
    std::filesystem::create_directory(dir / "a");
    std::filesystem::create_directory(dir / "b");
    write_output(dir / "a" / "out.gpkg");
    write_output(dir / "b" / "out.gpkg");
    CHECK(test::read_file(dir / "a" / "out.gpkg") == test::read_file(dir / "b" / "out.gpkg"));
}

TEST_CASE("an uncommitted writer leaves nothing; a missing folder is an io error", "[output][gpkg]") {
    test::TempDir dir;
    {
        output::Writer writer(dir / "out.gpkg", output::Options{});
        writer.write_analysis(tiny().analysis, tiny().rules);
        CHECK_FALSE(test::file_names(dir.path()).empty());  // the temporary, while writing
    }
    CHECK(test::file_names(dir.path()).empty());
    try {
        output::Writer writer(dir / "missing" / "out.gpkg", output::Options{});
        FAIL("no exception");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::io);
        CHECK(e.context().file == (dir / "missing" / "out.gpkg").string());
    }
}

TEST_CASE("county summaries are written together, or neither", "[output][summaries]") {
    test::TempDir dir;
    const auto& t = tiny();
    SECTION("both") {
        output::write_county_summaries(dir / "s.csv", dir / "s.json", t.analysis, t.rules, &t.plan);
        CHECK(test::read_file(dir / "s.csv") == output::county_summary_csv(t.analysis, t.rules, &t.plan));
        CHECK(test::read_file(dir / "s.json") == output::county_summary_json(t.analysis, t.rules, &t.plan));
        CHECK_THAT(test::read_file(dir / "s.csv"),
                   Catch::StartsWith("code,name,villages,population,share_science_museum,"));
        CHECK(test::file_names(dir.path()) == std::set<std::string>{"s.csv", "s.json"});
    }
    SECTION("the JSON's folder is missing: no CSV either, no leftovers") {
        CHECK_THROWS_AS(
            output::write_county_summaries(dir / "s.csv", dir / "missing" / "s.json", t.analysis, t.rules, nullptr),
            Error);
        CHECK(test::file_names(dir.path()).empty());
    }
}

TEST_CASE("PostGIS targets: recognised, passwords hidden, every layer one the schema may hold", "[output][postgis]") {
    CHECK(output::is_postgis("PG:dbname=x"));
    CHECK(output::is_postgis("pg:host=/tmp dbname=x"));
    CHECK_FALSE(output::is_postgis("out.gpkg"));
    CHECK_FALSE(output::is_postgis("PG"));
    CHECK(output::detail::redacted("PG:host=h password=s3cret dbname=x") == "PG:host=h password=*** dbname=x");
    CHECK(output::detail::redacted("PG:password = 'a b\\'c' user=u") == "PG:password = *** user=u");
    CHECK(output::detail::redacted("PG:postgresql://u:s3cret@h/db") == "PG:postgresql://u:***@h/db");
    CHECK(output::detail::staging_path("out.gpkg") == std::filesystem::path("out.gpkg"));
    CHECK(output::detail::staging_path("PG:dbname=x").parent_path() == std::filesystem::temp_directory_path());

    // A run drops the tables of the schema it does not write: the list must name every layer.
    test::TempDir dir;
    write_output(dir / "out.gpkg");
    const auto ds = gdal::Dataset::open((dir / "out.gpkg").string());
    const std::set<std::string> known(output::detail::k_postgis_tables.begin(), output::detail::k_postgis_tables.end());
    for (const auto& name : ds.layer_names()) {
        if (name != "layer_styles") CHECK(known.count(name) == 1);
    }
}

TEST_CASE("a PostGIS target that cannot be reached is an io error naming it, its password hidden",
          "[output][postgis]") {
    const std::string target = "PG:host=/nonexistent/socket port=1 password=s3cret dbname=x";
    try {
        output::check_postgis(target, "public");
        FAIL("no exception");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::io);
        CHECK(e.context().file == "PG:host=/nonexistent/socket port=1 password=*** dbname=x");
        CHECK_THAT(e.message(), Catch::Contains("cannot connect to PostgreSQL"));
    }
}

TEST_CASE("a side file that fails leaves the older GeoPackage in place", "[output][gpkg][summaries]") {
    test::TempDir dir;
    const auto& t = tiny();
    write_output(dir / "out.gpkg");
    const std::string before = test::read_file(dir / "out.gpkg");
    std::filesystem::create_directory(dir / "gone");
    {
        output::Writer writer(dir / "out.gpkg", output::Options{});
        writer.write_analysis(t.analysis, t.rules);
        writer.write_run({{"scicov_version", "test"}, {"command", "analyze"}});
        std::filesystem::remove(dir / "gone");  // the CSV's folder vanishes while the run works
        const auto side =
            output::county_summary_files(dir / "gone" / "s.csv", dir / "s.json", t.analysis, t.rules, nullptr);
        REQUIRE(side.size() == 2);
        CHECK_THROWS_AS(writer.commit(side), Error);
    }
    CHECK(test::read_file(dir / "out.gpkg") == before);
    CHECK(test::file_names(dir.path()) == std::set<std::string>{"out.gpkg"});

    output::Writer writer(dir / "out.gpkg", output::Options{});
    writer.write_analysis(t.analysis, t.rules);
    writer.write_run({{"scicov_version", "test"}, {"command", "analyze"}});
    writer.commit(output::county_summary_files(dir / "s.csv", {}, t.analysis, t.rules, nullptr));
    CHECK(test::file_names(dir.path()) == std::set<std::string>{"out.gpkg", "s.csv"});
    CHECK(test::read_file(dir / "out.gpkg") != before);  // an analysis now, the plan before
}
