// scicov::io: reading inputs. Each test writes a few small layers into a temporary folder with
// GDAL (GeoPackage, Shapefile) or as text (CSV), reads them back with read_inputs and checks what
// arrives in the model, or which problems are reported and where (file, layer, feature, field).
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <cpl_string.h>
#include <ogrsf_frmts.h>

#include "core/gdal.hpp"
#include "io/divisions.hpp"
#include "io/roads.hpp"
#include "scicov/core.hpp"
#include "scicov/io.hpp"
#include "scicov/rules.hpp"
#include "support.hpp"

using namespace scicov;

namespace {

namespace fs = std::filesystem;

const std::vector<std::string> k_type_keys = {"science_museum", "science_base", "e_station", "science_room"};

/// One feature: field values as text (GDAL converts them to the field's type) and a WKT geometry.
struct Row {
    std::vector<std::pair<std::string, std::string>> values;
    std::string wkt;
};

using Fields = std::vector<std::pair<const char*, OGRFieldType>>;

void add_layer(gdal::Dataset& ds, const std::string& name, OGRwkbGeometryType type, const Fields& fields,
               const std::vector<Row>& rows, const std::vector<std::string>& options = {}) {
    const OGRSpatialReference srs = gdal::srs_from_user_input("EPSG:4490");
    OGRLayer& layer = ds.create_layer(name, &srs, type, options);
    for (const auto& [field, ftype] : fields) gdal::add_field(layer, field, ftype);
    for (const auto& row : rows) {
        gdal::FeaturePtr f(OGRFeature::CreateFeature(layer.GetLayerDefn()));
        for (const auto& [field, value] : row.values) f->SetField(field.c_str(), value.c_str());
        OGRGeometry* g = nullptr;
        REQUIRE(OGRGeometryFactory::createFromWkt(row.wkt.c_str(), nullptr, &g) == OGRERR_NONE);
        f->SetGeometryDirectly(g);
        gdal::create_feature(layer, *f);
    }
}

/// A 0.05° square village with its lower-left corner at (lon, lat).
std::string square(double lon, double lat) {
    const auto s = [](double v) { return std::to_string(v); };
    const double d = 0.05;
    return "POLYGON((" + s(lon) + " " + s(lat) + "," + s(lon + d) + " " + s(lat) + "," + s(lon + d) + " " + s(lat + d) +
           "," + s(lon) + " " + s(lat + d) + "," + s(lon) + " " + s(lat) + "))";
}

std::string point(double lon, double lat) {
    return "POINT(" + std::to_string(lon) + " " + std::to_string(lat) + ")";
}

const Fields k_village_fields = {{"code", OFTString}, {"name", OFTString}, {"population", OFTInteger}};

/// Three villages of county 990101: two in township 990101001, one in 990101002.
std::vector<Row> three_villages() {
    return {{{{"code", "990101001002"}, {"name", "东村村民委员会"}, {"population", "800"}}, square(102.05, 26.50)},
            {{{"code", "990101001001"}, {"name", "城关社区居民委员会"}, {"population", "1200"}}, square(102.00, 26.50)},
            {{{"code", "990101002001"}, {"name", "北山村民委员会"}, {"population", "600"}}, square(102.00, 26.55)}};
}

/// A GeoPackage at `path` holding only three_villages() as its villages layer; returns the path.
std::string three_villages_gpkg(const fs::path& path) {
    auto ds = gdal::Dataset::create(path.string(), "GPKG");
    add_layer(ds, "villages", wkbPolygon, k_village_fields, three_villages());
    ds.close();
    return path.string();
}

io::ReadOptions options_for(std::vector<std::string> inputs) {
    io::ReadOptions o;
    o.inputs = std::move(inputs);
    o.fields = rules::default_rules().fields;  // the field names of the default rules
    o.type_keys = k_type_keys;
    return o;
}

model::Inputs read(const io::ReadOptions& options, Diagnostics& diagnostics) {
    return io::read_inputs(options, diagnostics, Reporter{});
}

std::string all_issues(const Diagnostics& d) {
    std::string s;
    for (const auto& issue : d.issues()) s += issue.text() + "\n";
    return s;
}

/// The issues but the division table's warning about the made-up codes (990101…) of these tests.
std::size_t issues_but_table(const Diagnostics& d) {
    return static_cast<std::size_t>(std::count_if(d.issues().begin(), d.issues().end(), [](const Issue& i) {
        return i.message.find("not in the division table") == std::string::npos;
    }));
}

/// The issue whose message holds `part`; fails the test when there is none.
const Issue& issue_with(const Diagnostics& d, const std::string& part) {
    const auto& issues = d.issues();
    auto it = std::find_if(issues.begin(), issues.end(),
                           [&](const Issue& i) { return i.message.find(part) != std::string::npos; });
    INFO(all_issues(d));
    REQUIRE(it != issues.end());
    return *it;
}

std::string gbk_text(const char* utf8) {
    char* gbk = CPLRecode(utf8, CPL_ENC_UTF8, "CP936");
    std::string out(gbk);
    CPLFree(gbk);
    return out;
}

std::string file_bytes(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE("io: each role's layer is found by name across the inputs; facilities also by type key") {
    test::TempDir dir;
    const std::string admin = (dir / "admin.gpkg").string();
    const std::string sites = (dir / "sites.gpkg").string();
    {
        auto ds = gdal::Dataset::create(admin, "GPKG");
        add_layer(ds, "villages", wkbPolygon, k_village_fields, three_villages());
        add_layer(ds, "townships", wkbPolygon, {{"code", OFTString}, {"name", OFTString}},
                  {{{{"code", "990101001"}, {"name", "城关镇"}}, square(102.0, 26.5)},
                   {{{"code", "990101002"}, {"name", "北山彝族乡"}}, square(102.0, 26.55)}});
        add_layer(ds, "counties", wkbPolygon, {{"code", OFTString}, {"name", OFTString}},
                  {{{{"code", "990101"}, {"name", "测试县"}}, square(102.0, 26.5)}});
        ds.close();
    }
    {
        auto ds = gdal::Dataset::create(sites, "GPKG");
        add_layer(ds, "facilities", wkbPoint, {{"id", OFTString}, {"type", OFTString}, {"name", OFTString}},
                  {{{{"id", "f2"}, {"type", "science_room"}, {"name", "城关社区科普室"}}, point(102.025, 26.525)},
                   {{{"id", "f1"}, {"type", "e_station"}, {"name", "东村科普e站"}}, point(102.075, 26.525)}});
        // A layer named by a type key: its features are of that type, no type field needed.
        add_layer(ds, "science_museum", wkbPoint, {{"name", OFTString}},
                  {{{{"name", "县科技馆"}}, point(102.03, 26.57)}});
        add_layer(ds, "candidates", wkbPoint, {{"id", OFTString}, {"kind", OFTString}, {"cost", OFTReal}},
                  {{{{"id", "c1"}, {"kind", "学校"}, {"cost", "0.8"}}, point(102.07, 26.52)}});
        add_layer(ds, "roads", wkbLineString, {}, {{{}, "LINESTRING(102 26.5,102.1 26.6)"}});  // no role: ignored
        ds.close();
    }
    Diagnostics diagnostics;
    model::Inputs in = read(options_for({admin, sites}), diagnostics);
    INFO(all_issues(diagnostics));
    CHECK(diagnostics.issues().empty());

    REQUIRE(in.villages.size() == 3);
    CHECK(in.villages[0].code == "990101001001");  // sorted by code
    CHECK(in.villages[0].name == "城关社区居民委员会");
    CHECK(in.villages[0].population == 1200);
    CHECK(in.villages[0].township_code == "990101001");
    CHECK(in.villages[0].county_code == "990101");
    CHECK(in.villages[0].source.file == admin);
    CHECK(in.villages[0].source.layer == "villages");
    // the representative point lies inside the village's square
    CHECK(in.villages[0].rep.lon > 102.0);
    CHECK(in.villages[0].rep.lon < 102.05);
    CHECK(in.villages[0].rep.lat > 26.5);
    CHECK(in.villages[0].rep.lat < 26.55);

    REQUIRE(in.facilities.size() == 3);  // sorted by type, then id
    CHECK(in.facilities[0].type == "e_station");
    CHECK(in.facilities[0].id == "f1");
    CHECK(in.facilities[0].location.lon == Approx(102.075).margin(1e-9));
    CHECK(in.facilities[0].location.lat == Approx(26.525).margin(1e-9));
    CHECK(in.facilities[1].type == "science_museum");
    CHECK(in.facilities[1].name == "县科技馆");
    CHECK(in.facilities[1].id == "science_museum:1");  // no id field: layer name and feature id
    CHECK(in.facilities[1].source.file == sites);
    CHECK(in.facilities[2].type == "science_room");
    CHECK(in.facilities[2].status == model::FacilityStatus::existing);

    REQUIRE(in.candidates.size() == 1);
    CHECK(in.candidates[0].kind == "学校");
    CHECK(in.candidates[0].cost == 0.8);
    REQUIRE(in.townships.size() == 2);
    CHECK(in.townships[1].parent_code == "990101");
    REQUIRE(in.counties.size() == 1);
    CHECK(in.counties[0].name == "测试县");

    // Priority: villages of a 族乡 get the ethnic-township weight; with three villages the 0.8
    // quantile is the farthest one, so nobody is "remote".
    io::assign_priority(in, rules::default_rules().priority);
    CHECK(in.villages[0].priority == 1.0);
    CHECK(in.villages[1].priority == 1.0);
    CHECK(in.villages[2].priority == 1.5);
}

TEST_CASE("io: a role found in two inputs is an error that names both and the way out") {
    test::TempDir dir;
    const std::string a = three_villages_gpkg(dir / "a.gpkg");
    const std::string b = three_villages_gpkg(dir / "b.gpkg");
    Diagnostics diagnostics;
    const auto in = read(options_for({a, b}), diagnostics);
    const Issue& issue = issue_with(diagnostics, "also in " + a);
    CHECK(issue.where.file == b);
    CHECK(issue.where.layer == "villages");
    CHECK(issue.message.find("--layer villages=") != std::string::npos);
    CHECK(in.villages.size() == 3);  // the first one is read

    SECTION("--layer picks one") {
        io::ReadOptions o = options_for({a, b});
        o.layers["villages"] = io::LayerSpec{b, "villages"};
        Diagnostics d;
        const auto chosen = read(o, d);
        CHECK(issues_but_table(d) == 0);
        REQUIRE(chosen.villages.size() == 3);
        CHECK(chosen.villages[0].source.file == b);
    }
}

TEST_CASE("io: the rules' field map names the fields read") {
    test::TempDir dir;
    const std::string path = (dir / "villages.gpkg").string();
    {
        auto ds = gdal::Dataset::create(path, "GPKG");
        add_layer(
            ds, "villages", wkbPolygon, {{"村代码", OFTString}, {"村名", OFTString}, {"人口", OFTInteger}},
            {{{{"村代码", "990101001001"}, {"村名", "城关社区居民委员会"}, {"人口", "1200"}}, square(102.0, 26.5)}});
        ds.close();
    }
    io::ReadOptions o = options_for({path});
    SECTION("mapped") {
        o.fields.village_code = "村代码";
        o.fields.village_name = "村名";
        o.fields.village_population = "人口";
        Diagnostics diagnostics;
        const auto in = read(o, diagnostics);
        INFO(all_issues(diagnostics));
        CHECK(!diagnostics.has_errors());
        REQUIRE(in.villages.size() == 1);
        CHECK(in.villages[0].code == "990101001001");
        CHECK(in.villages[0].name == "城关社区居民委员会");
        CHECK(in.villages[0].population == 1200);
    }
    SECTION("not mapped: found under their usual Chinese names") {
        Diagnostics diagnostics;
        const auto in = read(o, diagnostics);
        INFO(all_issues(diagnostics));
        CHECK(!diagnostics.has_errors());
        REQUIRE(in.villages.size() == 1);
        CHECK(in.villages[0].population == 1200);
    }
    SECTION("not mapped, unusual names: each missing field is named, with the fields the layer has") {
        const std::string odd = (dir / "odd.gpkg").string();
        {
            auto ds = gdal::Dataset::create(odd, "GPKG");
            add_layer(ds, "villages", wkbPolygon, {{"cdm", OFTString}, {"cmc", OFTString}, {"rks", OFTInteger}},
                      {{{{"cdm", "990101001001"}, {"cmc", "城关"}, {"rks", "1200"}}, square(102.0, 26.5)}});
            ds.close();
        }
        Diagnostics diagnostics;
        const auto in = read(options_for({odd}), diagnostics);
        CHECK(in.villages.empty());
        CHECK(diagnostics.errors() == 3);
        const Issue& issue = issue_with(diagnostics, "missing field");
        CHECK(issue.where.file == odd);
        CHECK(issue.where.layer == "villages");
        CHECK(issue.where.field == "code");
        CHECK(issue.message.find("cdm, cmc, rks") != std::string::npos);
        CHECK(issue.message.find("--field villages.FIELD=COLUMN") != std::string::npos);
    }
}

TEST_CASE("io: a GBK Shapefile is read through its .cpg, --encoding, or detected without one") {
    test::TempDir dir;
    const fs::path shp = dir / "villages.shp";
    {
        // GDAL recodes the UTF-8 values to CP936 (GBK) on write.
        auto ds = gdal::Dataset::create(shp.string(), "ESRI Shapefile");
        add_layer(ds, "villages", wkbPolygon, k_village_fields, three_villages(), {"ENCODING=CP936"});
        ds.close();
    }
    // Only the .cpg may say what the text is: no code page in the DBF header (LDID byte 29 = 0).
    {
        std::fstream dbf(dir / "villages.dbf", std::ios::in | std::ios::out | std::ios::binary);
        dbf.seekp(29);
        dbf.put('\0');
    }
    const std::string dbf = file_bytes(dir / "villages.dbf");
    CHECK(dbf.find("城关") == std::string::npos);  // not UTF-8 …
    char* gbk = CPLRecode("城关", CPL_ENC_UTF8, "CP936");
    CHECK(dbf.find(gbk) != std::string::npos);  // … but GBK
    CPLFree(gbk);

    SECTION("with a .cpg saying GBK the names arrive intact") {
        std::ofstream(dir / "villages.cpg") << "GBK\n";
        Diagnostics diagnostics;
        const auto in = read(options_for({shp.string()}), diagnostics);
        INFO(all_issues(diagnostics));
        CHECK(!diagnostics.has_errors());
        REQUIRE(in.villages.size() == 3);
        CHECK(in.villages[0].name == "城关社区居民委员会");
        CHECK(in.villages[2].name == "北山村民委员会");
    }
    SECTION("without a .cpg: detected as GB18030 and read intact, with a warning naming the fix") {
        fs::remove(dir / "villages.cpg");
        Diagnostics diagnostics;
        const auto in = read(options_for({shp.string()}), diagnostics);
        CHECK(!diagnostics.has_errors());
        const Issue& issue = issue_with(diagnostics, "GB18030");
        CHECK(issue.severity == Severity::warning);
        CHECK(issue.where.file == shp.string());
        CHECK(issue.message.find("--encoding GBK") != std::string::npos);
        REQUIRE(in.villages.size() == 3);
        CHECK(in.villages[0].name == "城关社区居民委员会");
    }
    SECTION("--encoding villages=GBK makes it explicit: no warning") {
        fs::remove(dir / "villages.cpg");
        io::ReadOptions o = options_for({});
        o.layers["villages"] = io::LayerSpec{shp.string(), ""};
        o.encoding["villages"] = "GBK";
        Diagnostics diagnostics;
        const auto in = read(o, diagnostics);
        INFO(all_issues(diagnostics));
        CHECK(issues_but_table(diagnostics) == 0);
        REQUIRE(in.villages.size() == 3);
        CHECK(in.villages[2].name == "北山村民委员会");
    }
    SECTION("text that is neither UTF-8 nor GB18030 is refused, naming --encoding") {
        fs::remove(dir / "villages.cpg");
        std::string bytes = file_bytes(dir / "villages.dbf");
        const auto at = bytes.find(gbk_text("城关"));
        REQUIRE(at != std::string::npos);
        bytes[at] = '\xFF';  // no GB18030 sequence starts with 0xFF
        std::ofstream(dir / "villages.dbf", std::ios::binary) << bytes;
        Diagnostics diagnostics;
        CHECK_THROWS_WITH(read(options_for({shp.string()}), diagnostics),
                          Catch::Contains("neither") || Catch::Contains("--encoding"));
    }
}

TEST_CASE("io: facilities from a CSV with lon/lat columns") {
    test::TempDir dir;
    const std::string villages = three_villages_gpkg(dir / "villages.gpkg");
    const fs::path csv = dir / "stations.csv";
    io::ReadOptions o = options_for({villages});
    o.layers["facilities"] = io::LayerSpec{csv.string(), ""};

    SECTION("good: points from the lon/lat columns, WGS84 by convention") {
        std::ofstream(csv) << "id,type,name,lon,lat\n"
                              "f1,science_room,城关社区科普室,102.025,26.525\n"
                              "f2,e_station,东村科普e站,102.075,26.535\n";
        Diagnostics diagnostics;
        const auto in = read(o, diagnostics);
        INFO(all_issues(diagnostics));
        CHECK(!diagnostics.has_errors());
        REQUIRE(in.facilities.size() == 2);
        CHECK(in.facilities[0].id == "f2");
        CHECK(in.facilities[0].name == "东村科普e站");
        CHECK(in.facilities[0].location.lon == Approx(102.075).margin(1e-9));
        CHECK(in.facilities[0].location.lat == Approx(26.535).margin(1e-9));
        CHECK(in.facilities[0].source.layer == "stations");
    }
    SECTION("a longitude that is not a number: an error at that row's geometry") {
        std::ofstream(csv) << "id,type,name,lon,lat\n"
                              "f1,science_room,城关社区科普室,102.025,26.525\n"
                              "f2,e_station,东村科普e站,东经102度,26.525\n";
        Diagnostics diagnostics;
        const auto in = read(o, diagnostics);
        CHECK(in.facilities.size() == 1);
        const Issue& issue = issue_with(diagnostics, "geometry");
        CHECK(issue.where.file == csv.string());
        CHECK(issue.where.layer == "stations");
        CHECK(issue.where.feature == 2);  // GDAL numbers CSV rows from 1
    }
}

TEST_CASE("io: bad values are reported with file, layer, feature and field, and the rest is read") {
    test::TempDir dir;
    const std::string path = (dir / "in.gpkg").string();
    {
        auto ds = gdal::Dataset::create(path, "GPKG");
        add_layer(ds, "villages", wkbPolygon, {{"code", OFTString}, {"name", OFTString}, {"population", OFTString}},
                  {{{{"code", "990101001001"}, {"name", "城关社区"}, {"population", "1200"}}, square(102.0, 26.5)},
                   {{{"code", "990101001002"}, {"name", "东村"}, {"population", "abc"}}, square(102.05, 26.5)},
                   {{{"code", "990101001003"}, {"name", "西村"}, {"population", "-5"}}, square(102.1, 26.5)},
                   {{{"code", "99010100100"}, {"name", "短码村"}, {"population", "7"}}, square(102.15, 26.5)},
                   {{{"code", "990101001001"}, {"name", "重码村"}, {"population", "9"}}, square(102.2, 26.5)},
                   {{{"code", "990101001006"}, {"name", "柏林村"}, {"population", "9"}}, square(13.4, 52.5)}});
        add_layer(ds, "facilities", wkbPoint, {{"id", OFTString}, {"type", OFTString}, {"status", OFTString}},
                  {{{{"id", "f1"}, {"type", "science_centre"}}, point(102.02, 26.52)},
                   {{{"id", "f2"}, {"type", "science_room"}, {"status", "demolished"}}, point(102.02, 26.52)},
                   {{{"id", "f3"}, {"type", "science_room"}, {"status", "规划"}}, point(102.02, 26.52)}});
        ds.close();
    }
    Diagnostics diagnostics;
    const auto in = read(options_for({path}), diagnostics);
    REQUIRE(in.villages.size() == 1);
    CHECK(in.villages[0].name == "城关社区");
    REQUIRE(in.facilities.size() == 1);
    CHECK(in.facilities[0].status == model::FacilityStatus::planned);
    CHECK(diagnostics.errors() == 7);

    struct Expect {
        const char* message;
        const char* layer;
        std::int64_t feature;
        const char* field;
    };
    for (const auto& e : std::vector<Expect>{{"\"abc\" is not a number", "villages", 2, "population"},
                                             {"population -5 is negative", "villages", 3, "population"},
                                             {"is not a 12-digit division code", "villages", 4, "code"},
                                             {"duplicate code 990101001001 (also feature 1)", "villages", 5, "code"},
                                             {"cannot be in China", "villages", 6, ""},
                                             {"unknown facility type \"science_centre\"", "facilities", 1, "type"},
                                             {"status \"demolished\"", "facilities", 2, "status"}}) {
        INFO(e.message);
        const Issue& issue = issue_with(diagnostics, e.message);
        CHECK(issue.severity == Severity::error);
        CHECK(issue.where.file == path);
        CHECK(issue.where.layer == e.layer);
        CHECK(issue.where.feature == e.feature);
        CHECK(issue.where.field == e.field);
    }
}

TEST_CASE("io: what cannot be opened throws, naming the dataset") {
    test::TempDir dir;
    const std::string missing = (dir / "no_such.gpkg").string();
    Diagnostics diagnostics;
    try {
        read(options_for({missing}), diagnostics);
        FAIL("read_inputs did not throw");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::input);
        CHECK(e.context().file == missing);
        CHECK(std::string(e.what()).find("no such file") != std::string::npos);
    }
    CHECK_THROWS_AS(read(io::ReadOptions{}, diagnostics), Error);  // no inputs at all: usage
}

TEST_CASE("io: --layer ROLE=DATASET[:LAYER]") {
    test::TempDir dir;
    const std::string gpkg = (dir / "in.gpkg").string();
    std::ofstream(gpkg) << "";  // exists: a layer name may follow its last colon
    {
        const auto [role, spec] = io::parse_layer_override("villages=" + gpkg + ":dorf");
        CHECK(role == "villages");
        CHECK(spec.dataset == gpkg);
        CHECK(spec.layer == "dorf");
    }
    {
        const auto [role, spec] = io::parse_layer_override("facilities=" + gpkg);
        CHECK(role == "facilities");
        CHECK(spec.dataset == gpkg);
        CHECK(spec.layer.empty());
    }
    {  // a PostgreSQL connection keeps its colons
        const auto [role, spec] = io::parse_layer_override("villages=PG:dbname=gis host=db:5432");
        CHECK(spec.dataset == "PG:dbname=gis host=db:5432");
        CHECK(spec.layer.empty());
    }
    CHECK_THROWS_AS(io::parse_layer_override("villages"), Error);
    CHECK_THROWS_AS(io::parse_layer_override("=x.gpkg"), Error);
}

TEST_CASE("io: a village whose township the townships layer lacks is reported at the village") {
    test::TempDir dir;
    const std::string path = (dir / "in.gpkg").string();
    {
        auto ds = gdal::Dataset::create(path, "GPKG");
        add_layer(ds, "villages", wkbPolygon, k_village_fields, three_villages());
        add_layer(ds, "townships", wkbPolygon, {{"code", OFTString}, {"name", OFTString}},
                  {{{{"code", "990101001"}, {"name", "城关镇"}}, square(102.0, 26.5)}});
        ds.close();
    }
    Diagnostics diagnostics;
    const auto in = read(options_for({path}), diagnostics);
    CHECK(diagnostics.errors() == 1);
    const Issue& issue = issue_with(diagnostics, "belongs to township 990101002");
    CHECK(issue.where.file == path);
    CHECK(issue.where.layer == "villages");
    CHECK(issue.where.feature == 3);  // 北山, the third feature written
    CHECK(in.villages.size() == 3);
}

TEST_CASE("io: tables of points under Chinese column names, types and statuses as planners write them") {
    test::TempDir dir;
    const std::string villages = three_villages_gpkg(dir / "villages.gpkg");
    io::ReadOptions o = options_for({villages});
    o.type_names = rules::TypeNames(rules::default_rules().types);
    const std::string header = "编号,名称,类型,状态,东经,北纬\n";
    const std::string body =
        "f1,城关社区科普室,村（社区）科普室,现有,102.025,26.525\n"
        "f2,东村科普e站,科普Ｅ站 ,规划,102.075,26.535\n"
        "f3,县科技馆,实体科技馆,已建,102.02,26.52\n";

    SECTION("a UTF-8 CSV: fields, types and statuses found by their Chinese names") {
        const fs::path csv = dir / "设施.csv";
        std::ofstream(csv) << header << body;
        o.layers["facilities"] = io::LayerSpec{csv.string(), ""};
        Diagnostics diagnostics;
        const auto in = read(o, diagnostics);
        INFO(all_issues(diagnostics));
        CHECK(!diagnostics.has_errors());
        REQUIRE(in.facilities.size() == 3);
        CHECK(in.facilities[0].type == "e_station");
        CHECK(in.facilities[0].status == model::FacilityStatus::planned);
        CHECK(in.facilities[0].name == "东村科普e站");
        CHECK(in.facilities[0].location.lon == Approx(102.075).margin(1e-9));
        CHECK(in.facilities[1].type == "science_museum");
        CHECK(in.facilities[2].type == "science_room");
        CHECK(in.facilities[2].id == "f1");
    }
    SECTION("an Excel-saved (GBK) CSV is detected and read intact") {
        const fs::path csv = dir / "设施.csv";
        std::ofstream(csv, std::ios::binary) << gbk_text((header + body).c_str());
        o.layers["facilities"] = io::LayerSpec{csv.string(), ""};
        Diagnostics diagnostics;
        const auto in = read(o, diagnostics);
        CHECK(!diagnostics.has_errors());
        CHECK(issue_with(diagnostics, "GB18030").message.find("--encoding facilities=GBK") != std::string::npos);
        REQUIRE(in.facilities.size() == 3);
        CHECK(in.facilities[2].name == "城关社区科普室");
    }
    SECTION("an XLSX sheet: points built from its columns, named with the rules' lon/lat keys") {
        const fs::path xlsx = dir / "设施.xlsx";
        {
            auto ds = gdal::Dataset::create(xlsx.string(), "XLSX");
            OGRLayer& layer = ds.create_layer("poi", nullptr, wkbNone);
            for (const char* f : {"名称", "类型"}) gdal::add_field(layer, f, OFTString);
            for (const char* f : {"E", "N"}) gdal::add_field(layer, f, OFTReal);
            gdal::FeaturePtr f(OGRFeature::CreateFeature(layer.GetLayerDefn()));
            f->SetField("名称", "城关社区科普室");
            f->SetField("类型", "科普室");
            f->SetField("E", "102.025");
            f->SetField("N", "26.525");
            gdal::create_feature(layer, *f);
            ds.close();
        }
        o.layers["facilities"] = io::LayerSpec{xlsx.string(), ""};
        o.fields.facility_lon = "E";
        o.fields.facility_lat = "N";
        Diagnostics diagnostics;
        const auto in = read(o, diagnostics);
        INFO(all_issues(diagnostics));
        CHECK(!diagnostics.has_errors());
        CHECK(issue_with(diagnostics, "WGS84").severity == Severity::warning);
        REQUIRE(in.facilities.size() == 1);
        CHECK(in.facilities[0].type == "science_room");
        CHECK(in.facilities[0].location.lat == Approx(26.525).margin(1e-9));
    }
    SECTION("an unknown type name: did you mean") {
        const fs::path csv = dir / "设施.csv";
        std::ofstream(csv) << header << "f1,城关,科普教育基,现有,102.025,26.525\n";
        o.layers["facilities"] = io::LayerSpec{csv.string(), ""};
        Diagnostics diagnostics;
        (void)read(o, diagnostics);
        const Issue& issue = issue_with(diagnostics, "unknown facility type");
        CHECK(issue.message.find("did you mean \"科普教育基地\" (science_base)") != std::string::npos);
    }
}

TEST_CASE("io: a population target over villages without people is an error naming the type") {
    model::Inputs in;
    for (const char* code : {"990101001001", "990101001002"}) {
        model::Village v;
        v.code = code;
        v.county_code = "990101";
        in.villages.push_back(v);
    }
    Diagnostics diagnostics;
    io::check_population(in, rules::default_rules(), diagnostics);
    const Issue& issue = issue_with(diagnostics, "science_base");
    CHECK(issue.severity == Severity::error);
    CHECK(issue.message.find("90% of people") != std::string::npos);
    in.villages[0].population = 10;
    Diagnostics fine;
    io::check_population(in, rules::default_rules(), fine);
    CHECK(!fine.has_errors());
}

TEST_CASE("io: a roads layer, read when travel-time rules ask for it: parts, maxspeed, oneway, field map") {
    test::TempDir dir;
    const std::string path = (dir / "in.gpkg").string();
    {
        auto ds = gdal::Dataset::create(path, "GPKG");
        add_layer(ds, "villages", wkbPolygon, k_village_fields, three_villages());
        add_layer(ds, "roads", wkbMultiLineString,
                  {{"等级", OFTString}, {"maxspeed", OFTInteger}, {"oneway", OFTString}},
                  {{{{"等级", "县道"}, {"maxspeed", "40"}, {"oneway", "F"}},
                    "MULTILINESTRING((102.0 26.5,102.0 26.5,102.1 26.5),(102.1 26.5,102.1 26.6))"},
                   {{{"oneway", "T"}}, "LINESTRING(102.0 26.6,102.1 26.6)"},
                   {{{"等级", "村道"}, {"oneway", "sideways"}}, "LINESTRING(102.0 26.7,102.1 26.7)"},
                   {{{"等级", "村道"}, {"maxspeed", "900"}}, "LINESTRING(102.0 26.7,102.1 26.7)"},
                   {{{"等级", "村道"}}, "POINT(102.0 26.7)"}});
        ds.close();
    }
    auto options = options_for({path});
    options.fields.road_class = "等级";
    Diagnostics diagnostics;
    CHECK(read(options, diagnostics).roads.empty());  // not asked for
    options.roads = true;
    const auto in = read(options, diagnostics);
    REQUIRE(in.roads.size() == 3);
    CHECK(in.roads[0].road_class == "县道");
    CHECK(in.roads[0].points.size() == 2);  // the repeated point dropped
    CHECK(in.roads[0].maxspeed_kmh == 40);
    CHECK(in.roads[0].direction == model::RoadDirection::forward);
    CHECK(in.roads[1].points.front().lat == 26.5);  // the second part of the same feature
    CHECK(in.roads[1].source.fid == 1);
    CHECK(in.roads[2].road_class == "unknown");  // no class: Geofabrik's word for it
    CHECK(in.roads[2].direction == model::RoadDirection::backward);
    CHECK(in.roads[2].maxspeed_kmh == 0);
    CHECK(diagnostics.errors() == 3);
    CHECK(issue_with(diagnostics, "oneway \"sideways\" must be F").where.field == "oneway");
    CHECK(issue_with(diagnostics, "maxspeed 900").where.feature == 4);
    CHECK(issue_with(diagnostics, "expected a line, got Point").where.feature == 5);
}

TEST_CASE("io: OpenStreetMap roads: the OSM driver maps highway, maxspeed, oneway and junction to fields") {
    test::TempDir dir;
    const std::string path = three_villages_gpkg(dir / "in.gpkg");
    const std::string osm = (dir / "roads.osm").string();
    {
        std::ofstream out(osm);
        out << R"(<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="scicov-test">
 <node id="1" version="1" lat="26.5" lon="102.0"/>
 <node id="2" version="1" lat="26.5" lon="102.1"/>
 <node id="3" version="1" lat="26.6" lon="102.1"/>
 <way id="10" version="1"><nd ref="1"/><nd ref="2"/>
  <tag k="highway" v="primary"/><tag k="maxspeed" v="40 mph"/><tag k="oneway" v="-1"/><tag k="name" v="G108"/></way>
 <way id="11" version="1"><nd ref="2"/><nd ref="3"/><tag k="highway" v="residential"/><tag k="junction" v="roundabout"/></way>
 <way id="12" version="1"><nd ref="1"/><nd ref="3"/><tag k="waterway" v="river"/></way>
 <way id="13" version="1"><nd ref="3"/><nd ref="1"/><tag k="highway" v="track"/><tag k="maxspeed" v="none"/></way>
</osm>
)";
    }
    auto options = options_for({path});
    options.roads = true;
    options.layers["roads"] = io::LayerSpec{osm, ""};
    Diagnostics diagnostics;
    const auto in = read(options, diagnostics);
    CHECK(!diagnostics.has_errors());
    REQUIRE(in.roads.size() == 3);  // the river is not a road
    CHECK(in.roads[0].road_class == "primary");
    CHECK(in.roads[0].maxspeed_kmh == Approx(64.37376));
    CHECK(in.roads[0].direction == model::RoadDirection::backward);
    CHECK(in.roads[1].road_class == "residential");
    CHECK(in.roads[1].direction == model::RoadDirection::forward);  // a roundabout
    CHECK(in.roads[2].road_class == "track");
    CHECK(in.roads[2].maxspeed_kmh == 0);  // "none": the class speed applies
    CHECK(in.roads[2].direction == model::RoadDirection::both);
}

TEST_CASE("OpenStreetMap tags as the OSM driver gives them: maxspeed in km/h or mph, oneway in the reader's words",
          "[io]") {
    using namespace scicov::io::detail;
    CHECK(osm_maxspeed_kmh("60") == Approx(60.0));
    CHECK(osm_maxspeed_kmh("60 km/h") == Approx(60.0));
    CHECK(*osm_maxspeed_kmh("40 mph") == Approx(64.37376));
    CHECK_FALSE(osm_maxspeed_kmh("none"));
    CHECK_FALSE(osm_maxspeed_kmh("CN:urban"));
    CHECK_FALSE(osm_maxspeed_kmh("50;30"));
    CHECK(osm_oneway("yes") == "yes");
    CHECK(osm_oneway("1") == "yes");
    CHECK(osm_oneway("-1") == "-1");
    CHECK(osm_oneway("reversible").empty());
    CHECK(osm_oneway("no").empty());
    // Roundabouts are one way along the way unless the way says otherwise.
    CHECK(osm_direction("", "roundabout") == "yes");
    CHECK(osm_direction("", "circular") == "yes");
    CHECK(osm_direction("no", "roundabout").empty());
    CHECK(osm_direction("-1", "roundabout") == "-1");
    CHECK(osm_direction("", "jughandle").empty());
    CHECK(osm_direction("-1", "") == "-1");
    CHECK(osm_direction("", "").empty());
}

TEST_CASE("io: the embedded division table names codes of every level") {
    const io::DivisionTable table;
    CHECK(table.size() > 40'000);
    REQUIRE(table.name("64") != nullptr);
    CHECK(*table.name("64") == "宁夏回族自治区");
    REQUIRE(table.name("5134") != nullptr);
    CHECK(*table.name("5134") == "凉山彝族自治州");
    REQUIRE(table.name("530326") != nullptr);
    CHECK(*table.name("530326") == "会泽县");
    REQUIRE(table.name("510421202") != nullptr);
    CHECK(*table.name("510421202") == "白坡彝族乡");
    CHECK(table.name("990101") == nullptr);
    CHECK(table.name("5303260010") == nullptr);
}

TEST_CASE("io: ethnic names by level") {
    using io::detail::is_ethnic_name;
    CHECK(is_ethnic_name("广西壮族自治区", 2));
    CHECK_FALSE(is_ethnic_name("四川省", 2));
    CHECK(is_ethnic_name("凉山彝族自治州", 4));
    CHECK_FALSE(is_ethnic_name("曲靖市", 4));
    CHECK_FALSE(is_ethnic_name("自治区直辖县级行政区划", 6));  // a region's marker, not a county's
    CHECK(is_ethnic_name("元江哈尼族彝族傣族自治县", 6));
    CHECK(is_ethnic_name("鄂温克族自治旗", 6));
    CHECK_FALSE(is_ethnic_name("会泽县", 6));
    CHECK(is_ethnic_name("白坡彝族乡", 9));
    CHECK(is_ethnic_name("红宝苗族彝族乡", 9));
    CHECK(is_ethnic_name("某某民族乡", 9));
    CHECK(is_ethnic_name("鄂温克民族苏木", 9));
    CHECK_FALSE(is_ethnic_name("达尔汗苏木", 9));
    CHECK_FALSE(is_ethnic_name("宝云街道", 9));
}

namespace {

/// A village of one square, alone in its county (so never "remote").
model::Village lone_village(const std::string& code) {
    model::Village v;
    v.code = code;
    v.township_code = model::code_prefix(code, model::k_township_digits);
    v.county_code = model::code_prefix(code, model::k_county_digits);
    v.population = 1000;
    return v;
}

}  // namespace

TEST_CASE("io: without township and county layers, names come from the table, and unknown codes warn") {
    model::Inputs in;
    for (const char* code : {"513401001001", "513401001002", "530326001001", "990101001001"})
        in.villages.push_back(lone_village(code));
    Diagnostics diagnostics;
    const io::DivisionTable table;
    io::name_units(in, table, diagnostics);
    REQUIRE(in.townships.size() == 3);
    CHECK(in.townships[0].code == "513401001");
    CHECK(in.townships[0].name == *table.name("513401001"));
    CHECK(in.townships[0].parent_code == "513401");
    CHECK(in.townships[0].geometry.empty());
    CHECK(in.townships[2].name.empty());
    REQUIRE(in.counties.size() == 3);
    CHECK(in.counties[0].name == "西昌市");
    CHECK(in.counties[1].name == "会泽县");
    REQUIRE(diagnostics.warnings() == 2);  // one per level
    CHECK(issue_with(diagnostics, "1 township without a name").message.find("990101001") != std::string::npos);
    CHECK(issue_with(diagnostics, "1 county without a name").message.find("990101") != std::string::npos);

    // A given layer's names stay; an empty one is filled.
    model::Inputs given;
    given.villages.push_back(lone_village("530326001001"));
    given.counties.push_back(model::AdminUnit{"530326", "", "", {}, {}});
    given.townships.push_back(model::AdminUnit{"530326001", "某镇", "530326", {}, {}});
    Diagnostics quiet;
    io::name_units(given, table, quiet);
    CHECK(quiet.issues().empty());
    CHECK(given.counties[0].name == "会泽县");
    CHECK(given.townships[0].name == "某镇");
}

TEST_CASE("io: ethnic priority at every level, from layer names or the table") {
    const io::DivisionTable table;
    const auto priority = rules::default_rules().priority;
    model::Inputs in;
    // One village per county, so that no one is remote: region (宁夏), prefecture (凉山),
    // autonomous county (元江), ethnic township (白坡彝族乡 in 米易县), and none (会泽县, unknown).
    for (const char* code :
         {"640104001001", "513401001001", "530428001001", "510421202001", "530326001001", "990101001001"})
        in.villages.push_back(lone_village(code));
    Diagnostics diagnostics;
    io::name_units(in, table, diagnostics);
    io::assign_priority(in, priority, table);
    std::vector<double> got;
    for (const auto& v : in.villages) got.push_back(v.priority);
    CHECK(got == std::vector<double>{1.5, 1.5, 1.5, 1.5, 1.0, 1.0});

    // A townships layer's name wins over the table's: the same township named plainly is not
    // ethnic; a plain table township named 族乡 by the layer is.
    model::Inputs layered;
    for (const char* code : {"510421202001", "530326001001"}) layered.villages.push_back(lone_village(code));
    layered.townships.push_back(model::AdminUnit{"510421202", "白坡乡", "510421", {}, {}});
    layered.townships.push_back(model::AdminUnit{"530326001", "某某彝族乡", "530326", {}, {}});
    io::name_units(layered, table, diagnostics);
    io::assign_priority(layered, priority, table);
    CHECK(layered.villages[0].priority == 1.0);
    CHECK(layered.villages[1].priority == 1.5);
}

namespace {

/// A multipolygon square of `side` degrees with its south-west corner at (lon, lat), as WKB.
model::Wkb square_wkb(double lon, double lat, double side) {
    OGRPolygon poly;
    OGRLinearRing ring;
    ring.addPoint(lon, lat);
    ring.addPoint(lon + side, lat);
    ring.addPoint(lon + side, lat + side);
    ring.addPoint(lon, lat + side);
    ring.addPoint(lon, lat);
    poly.addRing(&ring);
    OGRMultiPolygon multi;
    multi.addGeometry(&poly);
    model::Wkb wkb(static_cast<std::size_t>(multi.WkbSize()));
    multi.exportToWkb(wkbNDR, wkb.data());
    return wkb;
}

/// 24 villages in a row (0.004° squares, 0.004° apart) named 甲乙村1…, plus 红格村 and 新红格村
/// side by side; one facility named after each, at the middle of its village as a GCJ-02 web map
/// would give it (`shifted`) or as it is. 新红格村科普室 names both stems: the longer one counts.
model::Inputs web_map_world(bool shifted) {
    model::Inputs in;
    const double side = 0.004;
    auto add = [&](const std::string& stem, double lon, double lat) {
        model::Village v = lone_village("990101001" + std::to_string(100 + in.villages.size()));
        v.name = stem + "村民委员会";
        v.geometry = square_wkb(lon, lat, side);
        in.villages.push_back(v);
        model::Facility f;
        f.id = "f" + std::to_string(in.facilities.size());
        f.type = "science_room";
        f.name = stem + "科普室";
        const crs::LonLat middle{lon + side / 2, lat + side / 2};
        f.location = shifted ? crs::wgs84_to_gcj02(middle) : middle;
        in.facilities.push_back(f);
    };
    const char* k_names[] = {"甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬", "癸", "子", "丑"};
    for (int i = 0; i < 24; ++i) add(std::string(k_names[i % 12]) + k_names[i / 12] + "村", 102.0 + 0.008 * i, 26.5);
    add("红格村", 102.0, 26.6);
    add("新红格村", 102.008, 26.6);
    return in;
}

}  // namespace

TEST_CASE("io: facilities named after a village that fit it only read as GCJ-02 are flagged, with the counts") {
    const io::ReadOptions options;
    Diagnostics shifted;
    io::check_web_datum(web_map_world(true), options, shifted);
    REQUIRE(shifted.issues().size() == 1);
    // 26 named (新红格村科普室 is 新红格村's, not 红格村's: if it were, it would not fit)
    CHECK(shifted.issues()[0].message.find("of 26 named after a village, 0 (0.0%) lie in it as given, 26 (100.0%) "
                                           "when read as GCJ-02") != std::string::npos);
    CHECK(shifted.issues()[0].message.find("--datum facilities=gcj02") != std::string::npos);

    Diagnostics as_given;
    io::check_web_datum(web_map_world(false), options, as_given);
    CHECK(as_given.issues().empty());

    Diagnostics declared;  // a declared datum: no guessing
    io::ReadOptions with_datum;
    with_datum.datum = {{"facilities", "gcj02"}};
    io::check_web_datum(web_map_world(true), with_datum, declared);
    CHECK(declared.issues().empty());
}
