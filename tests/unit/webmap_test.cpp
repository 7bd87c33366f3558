#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include <cpl_json.h>

#include "core/gdal.hpp"
#include "core/geos.hpp"
#include "scicov/rules.hpp"
#include "scicov/webmap.hpp"
#include "support.hpp"
#include "webmap/extract.hpp"
#include "webmap/simplify.hpp"

using namespace scicov;

namespace {

using geos::GeomPtr;

struct Place {
    std::string code, parent;
    GeomPtr geometry;
};

/// One layer of the committed sample, filtered by SQL, in lon/lat.
std::vector<Place> read_places(const geos::GeosContext& ctx, const std::string& layer, const std::string& where,
                               const char* parent_field) {
    const gdal::Dataset ds = gdal::Dataset::open(test::geodata("sample.gpkg").string());
    OGRLayer& l = ds.layer(layer);
    l.SetAttributeFilter(where.c_str());
    std::vector<Place> out;
    for (auto& f : l) {
        out.push_back({f->GetFieldAsString("code"), parent_field ? f->GetFieldAsString(parent_field) : "",
                       ctx.from_ogr(*f->GetGeometryRef())});
    }
    return out;
}

double total_area(const geos::GeosContext& ctx, const std::vector<GeomPtr>& gs) {
    double a = 0;
    for (const auto& g : gs) a += ctx.area(*g);
    return a;
}

GeomPtr union_of(const geos::GeosContext& ctx, const std::vector<const GEOSGeometry*>& gs) {
    std::vector<GeomPtr> parts;
    for (const auto* g : gs) parts.push_back(ctx.clone(*g));
    return ctx.unary_union(*ctx.collection(GEOS_GEOMETRYCOLLECTION, std::move(parts)));
}

double symmetric_difference_area(const geos::GeosContext& ctx, const GEOSGeometry& a, const GEOSGeometry& b) {
    return ctx.area(*ctx.own(GEOSSymDifference_r(ctx.handle(), &a, &b), "symdifference"));
}

}  // namespace

TEST_CASE("simplify_tiling keeps the villages, townships and county of a sample county tiling", "[webmap]") {
    gdal::ensure_registered();
    const geos::GeosContext ctx;
    const std::string county_code = "530304";
    auto counties = read_places(ctx, "counties", "code = '" + county_code + "'", nullptr);
    auto townships = read_places(ctx, "townships", "county_code = '" + county_code + "'", nullptr);
    auto villages = read_places(ctx, "villages", "county_code = '" + county_code + "'", "township_code");
    REQUIRE(counties.size() == 1);
    REQUIRE(townships.size() > 3);
    REQUIRE(villages.size() > 20);

    std::vector<std::vector<const GEOSGeometry*>> layers(3);
    for (const auto& p : villages) layers[0].push_back(p.geometry.get());
    for (const auto& p : townships) layers[1].push_back(p.geometry.get());
    layers[2].push_back(counties[0].geometry.get());
    const double tolerance = 100.0 / 111320.0;  // 100 m: coarse, so the simplification shows
    const auto out = webmap::detail::simplify_tiling(ctx, layers, tolerance, 1e-5);
    REQUIRE(out.size() == 3);
    REQUIRE(out[0].size() == villages.size());
    REQUIRE(out[1].size() == townships.size());

    int before = 0, after = 0;
    for (std::size_t i = 0; i < villages.size(); ++i) {
        INFO("village " << villages[i].code);
        CHECK(ctx.is_valid(*out[0][i]));
        CHECK_FALSE(ctx.is_empty(*out[0][i]));
        before += webmap::detail::coordinate_count(ctx, *villages[i].geometry);
        after += webmap::detail::coordinate_count(ctx, *out[0][i]);
        // Each village keeps its area within 10% (small villages move most).
        CHECK(ctx.area(*out[0][i]) == Approx(ctx.area(*villages[i].geometry)).epsilon(0.10));
    }
    CHECK(after < before * 0.7);  // the simplification did something

    const double county_area = ctx.area(*out[2][0]);
    CHECK(county_area == Approx(ctx.area(*counties[0].geometry)).epsilon(0.005));
    std::vector<const GEOSGeometry*> simplified_villages;
    for (const auto& g : out[0]) simplified_villages.push_back(g.get());
    const GeomPtr all = union_of(ctx, simplified_villages);
    // No overlaps: the parts' areas add up to their union's; no gaps: the union is the county.
    CHECK(total_area(ctx, out[0]) == Approx(ctx.area(*all)).epsilon(1e-9));
    CHECK(symmetric_difference_area(ctx, *all, *out[2][0]) < county_area * 1e-9);
    // Townships are the unions of their villages, as before the simplification.
    for (std::size_t t = 0; t < townships.size(); ++t) {
        std::vector<const GEOSGeometry*> mine;
        for (std::size_t i = 0; i < villages.size(); ++i) {
            if (villages[i].parent == townships[t].code) mine.push_back(out[0][i].get());
        }
        INFO("township " << townships[t].code);
        REQUIRE_FALSE(mine.empty());
        CHECK(symmetric_difference_area(ctx, *union_of(ctx, mine), *out[1][t]) < ctx.area(*out[1][t]) * 1e-9);
    }
}

TEST_CASE("simplify_tiling simplifies a shared border once, for both sides", "[webmap]") {
    const geos::GeosContext ctx;
    // Two cells of a 2 x 1 rectangle; their border zig-zags by 0.001 around x = 1.
    std::vector<double> zig;
    for (int i = 0; i <= 10; ++i) {
        zig.push_back(1.0 + (i % 2 == 0 ? 0.001 : -0.001));
        zig.push_back(i * 0.1);
    }
    std::vector<double> west = {0, 0};
    for (std::size_t i = 0; i < zig.size(); i += 2) west.insert(west.end(), {zig[i], zig[i + 1]});
    west.insert(west.end(), {0, 1, 0, 0});
    // East: from the top of the border down, then around the east side back to the top.
    std::vector<double> east_ring = {zig[zig.size() - 2], zig[zig.size() - 1]};
    for (std::size_t i = zig.size() - 2; i >= 2; i -= 2) east_ring.insert(east_ring.end(), {zig[i - 2], zig[i - 1]});
    east_ring.insert(east_ring.end(), {2, 0, 2, 1, zig[zig.size() - 2], zig[zig.size() - 1]});
    const GeomPtr w = ctx.polygon(west);
    const GeomPtr e = ctx.polygon(east_ring);
    REQUIRE(ctx.is_valid(*w));
    REQUIRE(ctx.is_valid(*e));

    const auto out = webmap::detail::simplify_tiling(ctx, {{w.get(), e.get()}}, 0.01, 0);
    REQUIRE(out.size() == 1);
    REQUIRE(out[0].size() == 2);
    // The zig-zag became one straight edge: each cell is a quadrilateral (5 coordinates).
    CHECK(webmap::detail::coordinate_count(ctx, *out[0][0]) == 5);
    CHECK(webmap::detail::coordinate_count(ctx, *out[0][1]) == 5);
    CHECK(ctx.area(*out[0][0]) + ctx.area(*out[0][1]) == Approx(2.0).epsilon(1e-12));
    const GeomPtr both = union_of(ctx, {out[0][0].get(), out[0][1].get()});
    CHECK(ctx.area(*both) == Approx(2.0).epsilon(1e-12));
}

namespace {

/// A tiny output GeoPackage as `scicov plan` writes one: two villages, a county, two
/// facilities (one with an address), a proposed site, aliases and the rules in the run table.
void write_tiny_output(const std::filesystem::path& file) {
    gdal::ensure_registered();
    gdal::Dataset ds = gdal::Dataset::create(file.string(), "GPKG");
    const OGRSpatialReference srs = gdal::srs_from_user_input("EPSG:4490");
    auto poly = [](const char* wkt) {
        OGRGeometry* g = nullptr;
        OGRGeometryFactory::createFromWkt(wkt, nullptr, &g);
        return g;
    };
    OGRLayer& counties = ds.create_layer("counties", &srs, wkbMultiPolygon);
    for (const char* f : {"code", "name"}) gdal::add_field(counties, f, OFTString);
    gdal::add_field(counties, "share_science_room", OFTReal);
    gdal::add_field(counties, "share_urban_science_room", OFTReal);
    {
        OGRFeature f(counties.GetLayerDefn());
        f.SetField("code", "510101");
        f.SetField("name", "测试县");
        f.SetField("share_science_room", 0.5);
        f.SetField("share_urban_science_room", 1.0);
        f.SetGeometryDirectly(poly("MULTIPOLYGON(((104 30,104.2 30,104.2 30.1,104 30.1,104 30)))"));
        gdal::create_feature(counties, f);
    }
    OGRLayer& villages = ds.create_layer("villages", &srs, wkbMultiPolygon);
    for (const char* f : {"code", "name", "county_code", "settlement"}) gdal::add_field(villages, f, OFTString);
    gdal::add_field(villages, "population", OFTReal);
    gdal::add_field(villages, "cov_science_room", OFTInteger);
    gdal::add_field(villages, "dist_science_room_m", OFTReal);
    gdal::add_field(villages, "frac_science_room", OFTReal);
    const char* shapes[] = {"MULTIPOLYGON(((104 30,104.1 30,104.1 30.1,104 30.1,104 30)))",
                            "MULTIPOLYGON(((104.1 30,104.2 30,104.2 30.1,104.1 30.1,104.1 30)))"};
    for (int i = 0; i < 2; ++i) {
        OGRFeature f(villages.GetLayerDefn());
        f.SetField("code", i == 0 ? "510101001001" : "510101001002");
        f.SetField("name", i == 0 ? "东村" : "西村");
        f.SetField("county_code", "510101");
        f.SetField("population", 1000.0 + i);
        f.SetField("cov_science_room", i == 0 ? 1 : 0);
        f.SetField("dist_science_room_m", i == 0 ? 0.0 : 1234.56789);
        f.SetField("frac_science_room", 0.25);
        f.SetGeometryDirectly(poly(shapes[i]));
        gdal::create_feature(villages, f);
    }
    OGRLayer& facilities = ds.create_layer("facilities", &srs, wkbPoint);
    for (const char* f : {"id", "type", "type_zh", "name", "address"}) gdal::add_field(facilities, f, OFTString);
    for (int i = 0; i < 2; ++i) {
        OGRFeature f(facilities.GetLayerDefn());
        f.SetField("id", i == 0 ? "f1" : "f2");
        f.SetField("type", "science_room");
        f.SetField("type_zh", "村(社区)科普室");
        f.SetField("name", i == 0 ? "东村科普室" : "另一</script>科普室");  // must not end the data's element
        if (i == 0) f.SetField("address", "东村1号");
        OGRPoint p(104.0512345678, 30.05);
        f.SetGeometry(&p);
        gdal::create_feature(facilities, f);
    }
    OGRLayer& run = ds.create_layer("run", nullptr, wkbNone);
    gdal::add_field(run, "key", OFTString);
    gdal::add_field(run, "value", OFTString);
    rules::Rules r = rules::default_rules();
    for (auto& t : r.types) {
        if (t.key == "science_room") t.name_zh = "测试科普室";  // the page must take the name from here
    }
    OGRFeature rf(run.GetLayerDefn());
    rf.SetField("key", "rules");
    rf.SetField("value", rules::to_toml(r).c_str());
    gdal::create_feature(run, rf);
    ds.close();
    gdal::Dataset update = gdal::Dataset::open(file.string(), gdal::Access::update);
    update.get().ExecuteSQL(
        "CREATE TABLE gpkg_data_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, "
        "name TEXT, title TEXT, description TEXT, mime_type TEXT, constraint_name TEXT)",
        nullptr, nullptr);
    update.get().ExecuteSQL(
        "INSERT INTO gpkg_data_columns (table_name, column_name, name) VALUES "
        "('facilities', 'address', '地址')",
        nullptr, nullptr);
    update.close();
}

std::map<std::string, CPLJSONObject> layers_of(const webmap::detail::MapData& data) {
    std::map<std::string, CPLJSONObject> out;
    for (const auto& l : data.layers) {
        CPLJSONDocument doc;
        REQUIRE(doc.LoadMemory(l.geojson));
        out[l.name] = doc.GetRoot();
    }
    return out;
}

}  // namespace

TEST_CASE("extract reads an output GeoPackage into GeoJSON and metadata", "[webmap]") {
    test::TempDir dir;
    const auto gpkg = dir / "tiny.gpkg";
    write_tiny_output(gpkg);
    webmap::Options options;
    const auto data = webmap::detail::extract(gpkg.string(), options, {});
    auto layers = layers_of(data);
    REQUIRE(layers.count("villages") == 1);
    REQUIRE(layers.count("facilities") == 1);
    REQUIRE(layers.count("counties") == 1);
    CHECK(layers.count("gaps") == 0);  // not in this file

    const auto villages = layers["villages"].GetArray("features");
    REQUIRE(villages.Size() == 2);
    const auto p = villages[1].GetObj("properties");
    CHECK(p.GetString("name") == "西村");
    CHECK(p.GetInteger("cov_science_room") == 0);
    CHECK(p.GetLong("dist_science_room_m") == 1235);       // whole metres: all a popup shows
    CHECK_FALSE(p.GetObj("frac_science_room").IsValid());  // not used by the page, not embedded
    CHECK_FALSE(
        layers["counties"].GetArray("features")[0].GetObj("properties").GetObj("share_urban_science_room").IsValid());

    // Coordinates rounded to 5 decimals, by GDAL.
    const auto facilities = layers["facilities"].GetArray("features");
    REQUIRE(facilities.Size() == 2);
    CHECK(facilities[0].GetObj("geometry").GetArray("coordinates")[0].ToDouble() == Approx(104.05123).margin(1e-12));
    CHECK(facilities[0].GetObj("properties").GetString("address") == "东村1号");

    CPLJSONDocument meta;
    REQUIRE(meta.LoadMemory(data.meta_json));
    const auto types = meta.GetRoot().GetArray("types");
    REQUIRE(types.Size() == 1);
    CHECK(types[0].GetString("key") == "science_room");
    CHECK(types[0].GetString("zh") == "测试科普室");  // from the stored rules, not a built-in table
    CHECK(types[0].GetString("en") == "science room");
    CHECK(meta.GetRoot().GetObj("aliases").GetObj("facilities").GetString("address") == "地址");
    CHECK(meta.GetRoot().GetObj("counts").GetInteger("villages") == 2);
}

TEST_CASE("write_webmap writes one self-contained page", "[webmap]") {
    test::TempDir dir;
    const auto gpkg = dir / "tiny.gpkg";
    write_tiny_output(gpkg);
    CHECK(webmap::page_path(dir / "map.HTML") == dir / "map.HTML");
    CHECK(webmap::page_path(dir / "site") == dir / "site" / "index.html");

    webmap::Options options;
    options.title = "测试 <map>";
    const auto page = webmap::write_webmap(gpkg.string(), options, dir / "site", {});
    REQUIRE(page == dir / "site" / "index.html");
    std::ifstream in(page, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string html = ss.str();
    CHECK(html.find("{{") == std::string::npos);  // every placeholder filled
    CHECK(html.find("<title>测试 &lt;map&gt;</title>") != std::string::npos);
    CHECK(html.find("window.L") != std::string::npos);  // Leaflet inlined
    CHECK(html.find("id=\"data-villages\"") != std::string::npos);
    CHECK(html.find("<script src") == std::string::npos);  // nothing loaded from elsewhere
    CHECK(html.find("<link") == std::string::npos);
    CHECK(html.find("另一</script>") == std::string::npos);
    CHECK(html.find("另一\\u003c/script>科普室") != std::string::npos);
    // The same input gives the same bytes.
    const auto again = webmap::write_webmap(gpkg.string(), options, dir / "again.html", {});
    std::ifstream in2(again, std::ios::binary);
    std::stringstream ss2;
    ss2 << in2.rdbuf();
    CHECK(ss2.str() == html);

    options.simplify_m = -1;
    CHECK_THROWS_AS(webmap::write_webmap(gpkg.string(), options, dir / "x.html", {}), Error);
}
