#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <thread>

#include <cpl_conv.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/atomic_file.hpp"
#include "core/files.hpp"
#include "core/gdal.hpp"
#include "core/geos.hpp"
#include "core/proj.hpp"
#include "core/text.hpp"
#include "scicov/core.hpp"
#include "scicov/crs.hpp"
#include "support.hpp"

using namespace scicov;

TEST_CASE("errors carry file, layer, feature and field", "[core][error]") {
    SECTION("all parts, in the planner's order") {
        Error e(ErrorKind::input, "\"abc\" is not a number", Context{"villages.shp", "villages", 17, "population"});
        CHECK(std::string(e.what()) ==
              "villages.shp: layer 'villages': feature 17: field 'population': \"abc\" is not a number");
        CHECK(e.message() == "\"abc\" is not a number");
        CHECK(e.kind() == ErrorKind::input);
    }
    SECTION("outer frames fill in what is unknown and keep what is known") {
        Error e(ErrorKind::input, "negative population", Context{{}, {}, {}, "population"});
        e.with_feature(3).with_layer("villages").with_file("a.gpkg").with_field("other");
        CHECK(std::string(e.what()) == "a.gpkg: layer 'villages': feature 3: field 'population': negative population");
    }
}

TEST_CASE("GDAL wrapper names the dataset and layer it failed on", "[core][gdal]") {
    test::TempDir dir;
    SECTION("a missing file") {
        const auto missing = (dir / "nope.gpkg").string();
        try {
            (void)gdal::Dataset::open(missing);
            FAIL("no exception");
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::input);
            CHECK(e.context().file == missing);
            CHECK_THAT(e.what(), Catch::Contains("no such file"));
        }
    }
    SECTION("a file GDAL cannot read") {
        const auto junk = (dir / "junk.gpkg").string();
        std::FILE* f = std::fopen(junk.c_str(), "w");
        REQUIRE(f != nullptr);
        std::fputs("not a geopackage", f);
        std::fclose(f);
        try {
            (void)gdal::Dataset::open(junk);
            FAIL("no exception");
        } catch (const Error& e) {
            CHECK(e.context().file == junk);
            CHECK_THAT(e.what(), Catch::Contains("cannot open"));
        }
    }
    SECTION("a missing layer lists the layers there are") {
        const auto path = (dir / "a.gpkg").string();
        {
            auto ds = gdal::Dataset::create(path, "GPKG");
            auto srs = gdal::srs_from_user_input("EPSG:4490");
            ds.create_layer("villages", &srs, wkbMultiPolygon);
            ds.close();
        }
        auto ds = gdal::Dataset::open(path);
        try {
            (void)ds.layer("facilities");
            FAIL("no exception");
        } catch (const Error& e) {
            CHECK(e.context().layer == "facilities");
            CHECK_THAT(e.what(), Catch::Contains("villages"));
        }
    }
}

TEST_CASE("an AtomicGpkg appears only when committed", "[core][gdal]") {
    test::TempDir dir;
    const auto target = dir / "out.gpkg";
    SECTION("committed: the target exists, the temporary does not") {
        gdal::AtomicGpkg out(target);
        auto& layer = out.dataset().create_layer("run", nullptr, wkbNone);
        gdal::add_field(layer, "key", OFTString);
        gdal::FeaturePtr f(OGRFeature::CreateFeature(layer.GetLayerDefn()));
        f->SetField("key", "名称");
        gdal::create_feature(layer, *f);
        out.commit();
        CHECK(std::filesystem::exists(target));
        CHECK_FALSE(std::filesystem::exists(out.temporary()));
        auto back = gdal::Dataset::open(target.string());
        auto& run = back.layer("run");
        gdal::FeaturePtr g(run.GetNextFeature());
        REQUIRE(g);
        CHECK(std::string(g->GetFieldAsString("key")) == "名称");
    }
    SECTION("abandoned: nothing is left behind") {
        std::filesystem::path tmp;
        {
            gdal::AtomicGpkg out(target);
            tmp = out.temporary();
            out.dataset().create_layer("run", nullptr, wkbNone);
            CHECK(std::filesystem::exists(tmp));
        }
        CHECK_FALSE(std::filesystem::exists(target));
        CHECK_FALSE(std::filesystem::exists(tmp));
    }
}

TEST_CASE("an AtomicFile replaces its target only on commit", "[core][atomic]") {
    test::TempDir dir;
    const auto target = dir / "summary.csv";
    {
        std::ofstream old(target);
        old << "old";
    }
    SECTION("commit: the target holds the new bytes, no temporary is left") {
        core::AtomicFile file(target);
        CHECK(file.temporary().parent_path() == target.parent_path());
        CHECK(file.temporary().extension() == ".csv");
        file.write("a,b\r\n");
        CHECK(test::read_file(target) == "old");  // not yet
        file.commit();
        CHECK(test::read_file(target) == "a,b\r\n");
        CHECK(test::file_names(dir.path()) == std::set<std::string>{"summary.csv"});
    }
    SECTION("no commit: the old target stays and the temporary is gone") {
        {
            core::AtomicFile file(target);
            file.write("new");
            CHECK(std::filesystem::exists(file.temporary()));
        }
        CHECK(test::read_file(target) == "old");
        CHECK(test::file_names(dir.path()) == std::set<std::string>{"summary.csv"});
    }
    SECTION("two files for one target do not share a temporary") {
        core::AtomicFile a(target), b(target);
        CHECK(a.temporary() != b.temporary());
    }
}

TEST_CASE("an AtomicFile in a folder it cannot write to fails with the system's reason", "[core][atomic]") {
    test::TempDir dir;
    // As root, permissions do not stop writes; sysfs refuses new files even to root.
    const bool root = ::geteuid() == 0;
    const auto folder = root ? std::filesystem::path("/sys") : dir / "read-only";
    if (!root) {
        std::filesystem::create_directory(folder);
        REQUIRE(::chmod(folder.c_str(), 0555) == 0);
    }
    const auto target = folder / "scicov-test.json";
    try {
        core::AtomicFile file(target);
        file.write("[]");
        file.commit();
        FAIL("no exception");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::io);
        CHECK(e.context().file == target.string());
        CHECK_THAT(e.what(), Catch::Contains("Permission denied") || Catch::Contains("Operation not permitted"));
    }
    CHECK_FALSE(std::filesystem::exists(target));
    if (!root) ::chmod(folder.c_str(), 0755);

    try {
        core::AtomicFile file(dir / "missing" / "x.csv");
        FAIL("no exception");
    } catch (const Error& e) {
        CHECK_THAT(e.what(), Catch::Contains("does not exist"));
    }
}

TEST_CASE("an OutputSet commits all its files together, or none", "[core][atomic]") {
    test::TempDir dir;
    SECTION("committed: every target appears") {
        core::OutputSet set;
        set.add(dir / "a.csv", "a");
        set.add(dir / "b.json", "b");
        CHECK(test::file_names(dir.path()).size() == 2);  // the temporaries
        set.commit();
        CHECK(test::file_names(dir.path()) == std::set<std::string>{"a.csv", "b.json"});
        CHECK(test::read_file(dir / "a.csv") == "a");
        CHECK(test::read_file(dir / "b.json") == "b");
    }
    SECTION("a later output failing leaves the earlier one unreplaced") {
        {
            std::ofstream old(dir / "a.csv");
            old << "old";
        }
        try {
            core::OutputSet set;
            set.add(dir / "a.csv", "new");
            set.add(dir / "missing" / "b.json", "b");  // throws: no such folder
            set.commit();
            FAIL("no exception");
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::io);
        }
        CHECK(test::read_file(dir / "a.csv") == "old");
        CHECK(test::file_names(dir.path()) == std::set<std::string>{"a.csv"});
    }
    SECTION("a GeoPackage joins the set once finished") {
        core::OutputSet set;
        {
            gdal::AtomicGpkg gpkg(dir / "out.gpkg");
            gpkg.dataset().create_layer("run", nullptr, wkbNone);
            set.add(gpkg.finish());
        }
        set.add(dir / "out.csv", "x");
        CHECK_FALSE(std::filesystem::exists(dir / "out.gpkg"));
        set.commit();
        CHECK(gdal::Dataset::open((dir / "out.gpkg").string()).layer_names() == std::vector<std::string>{"run"});
        CHECK(test::file_names(dir.path()) == std::set<std::string>{"out.csv", "out.gpkg"});
    }
}

TEST_CASE("GeoPackages get a fixed date on the writing thread only", "[core][gdal]") {
    gdal::ensure_registered();
    CHECK(CPLGetConfigOption("OGR_CURRENT_DATE", nullptr) == nullptr);  // registering changes no setting
    {
        const gdal::FixedGpkgDate fixed;
        CHECK(std::string(CPLGetConfigOption("OGR_CURRENT_DATE", "")) == "2000-01-01T00:00:00.000Z");
        const char* seen_elsewhere = "unset";
        std::thread other([&seen_elsewhere] { seen_elsewhere = CPLGetConfigOption("OGR_CURRENT_DATE", nullptr); });
        other.join();
        CHECK(seen_elsewhere == nullptr);
    }
    CHECK(CPLGetConfigOption("OGR_CURRENT_DATE", nullptr) == nullptr);

    // Written twice, a GeoPackage has the same bytes (no clock in gpkg_contents.last_change).
    test::TempDir dir;
    for (const char* name : {"a.gpkg", "b.gpkg"}) {
        gdal::AtomicGpkg out(dir / name);
        auto srs = gdal::srs_from_user_input("EPSG:4490");
        out.dataset().create_layer("villages", &srs, wkbMultiPolygon);
        out.commit();
    }
    CHECK(test::read_file(dir / "a.gpkg") == test::read_file(dir / "b.gpkg"));
}

TEST_CASE("XML escaping is GDAL's: entities for & < > \" and no control characters", "[core][text]") {
    CHECK(core::xml_escape("a & b <c> \"d\" 'e' 县") == "a &amp; b &lt;c&gt; &quot;d&quot; 'e' 县");
    CHECK(core::xml_escape(std::string("x\x01y")) == "xy");
    CHECK(core::xml_escape("") == "");
}

TEST_CASE("Gauss-Krueger zones of CGCS2000", "[core][crs]") {
    CHECK(crs::gk_zone_epsg(75.0) == 4534);
    CHECK(crs::gk_zone_epsg(101.7) == 4543);  // Panzhihua: CM 102°E
    CHECK(crs::gk_central_meridian(4543) == 102.0);
    CHECK(crs::gk_zone_epsg(106.3) == 4544);  // Yinchuan: CM 105°E (EPSG:4544) is 1.3° away, CM 108°E 1.7°
    CHECK(crs::gk_zone_epsg(150.0) == 4554);  // clamped
    CHECK(crs::gk_zone_epsg(60.0) == 4534);
}

TEST_CASE("projected distances in the county's zone are within 0.1% of the ellipsoid", "[core][proj]") {
    // Pairs of points ~20 km apart, up to 1.5° off the zone's central meridian (the worst case).
    const double lat = 26.5;
    for (double lon : {100.5, 101.7, 102.0, 103.4}) {
        proj::Transformer to_zone("EPSG:4490", crs::epsg(crs::gk_zone_epsg(lon)));
        std::vector<double> x{lon, lon + 0.15}, y{lat, lat + 0.12};
        const double geodesic = proj::ellipsoidal_distance_m(x[0], y[0], x[1], y[1]);
        to_zone.forward(x, y);
        const double planar = std::hypot(x[1] - x[0], y[1] - y[0]);
        INFO("lon " << lon << ": planar " << planar << " m, geodesic " << geodesic << " m");
        CHECK(geodesic > 15'000);
        CHECK(std::abs(planar / geodesic - 1.0) < 1e-3);
    }
}

TEST_CASE("GEOS context owns what it makes and reports GEOS's reason", "[core][geos]") {
    geos::GeosContext ctx;
    auto square = ctx.polygon({0, 0, 10, 0, 10, 10, 0, 10, 0, 0});
    CHECK(ctx.area(*square) == Approx(100.0));
    auto bowtie = ctx.polygon({0, 0, 10, 10, 10, 0, 0, 10, 0, 0});
    CHECK_FALSE(ctx.is_valid(*bowtie));
    auto fixed = ctx.make_valid(*bowtie);
    CHECK(ctx.is_valid(*fixed));
    CHECK(ctx.area(*fixed) == Approx(50.0));
    auto p = ctx.point_on_surface(*fixed);
    auto prepared = ctx.prepare(*fixed);
    CHECK(GEOSPreparedIntersects_r(ctx.handle(), prepared.get(), p.get()) == 1);
}

TEST_CASE("union of tiles: coverage union for a partition, the general union otherwise", "[core][geos]") {
    geos::GeosContext ctx;
    auto square = [&](double x, double y, double s) {
        return ctx.polygon({x, y, x + s, y, x + s, y + s, x, y + s, x, y});
    };
    SECTION("a 3 x 3 grid of unit squares with the centre missing dissolves to one ring with a hole") {
        std::vector<geos::GeomPtr> tiles;
        for (int i = 0; i < 3; ++i)
            for (int j = 0; j < 3; ++j)
                if (i != 1 || j != 1) tiles.push_back(square(i, j, 1));
        auto u = ctx.union_of_tiles(std::move(tiles));
        CHECK(ctx.is_valid(*u));
        CHECK(ctx.area(*u) == Approx(8.0).epsilon(1e-12));
        CHECK(GEOSGetNumGeometries_r(ctx.handle(), u.get()) == 1);
        CHECK(GEOSGetNumInteriorRings_r(ctx.handle(), GEOSGetGeometryN_r(ctx.handle(), u.get(), 0)) == 1);
        CHECK(ctx.length(*u) == Approx(16.0));  // no shared edge left inside
    }
    SECTION("overlapping parts are not a coverage: the answer is still their union") {
        std::vector<geos::GeomPtr> parts;
        parts.push_back(square(0, 0, 2));
        parts.push_back(square(1, 1, 2));
        auto u = ctx.union_of_tiles(std::move(parts));
        CHECK(ctx.is_valid(*u));
        CHECK(ctx.area(*u) == Approx(7.0).epsilon(1e-12));  // 4 + 4 - 1
    }
    SECTION("disjoint tiles stay separate parts, and nothing gives an empty MultiPolygon") {
        std::vector<geos::GeomPtr> parts;
        parts.push_back(square(0, 0, 1));
        parts.push_back(square(5, 5, 1));
        auto u = ctx.union_of_tiles(std::move(parts));
        CHECK(GEOSGetNumGeometries_r(ctx.handle(), u.get()) == 2);
        CHECK(ctx.is_empty(*ctx.union_of_tiles({})));
    }
}

namespace {

/// A pid that no process has: a child's, after it ended (pids are reused only after wrapping).
pid_t dead_pid() {
    const pid_t child = ::fork();
    if (child == 0) ::_exit(0);
    REQUIRE(child > 0);
    ::waitpid(child, nullptr, 0);
    return child;
}

void touch(const std::filesystem::path& file) {
    std::ofstream(file) << "x";
}

}  // namespace

TEST_CASE("outputs are checked before any work: writable, no folder, no input replaced", "[core][files]") {
    test::TempDir dir;
    const auto input = dir / "in.gpkg";
    touch(input);
    std::filesystem::create_directory(dir / "sub");
    const std::vector<core::NamedPath> inputs{{"", "PG:dbname=x"}, {"", input}, {"--rules", ""}};
    const auto refused = [&](const std::vector<core::NamedPath>& outputs) -> std::string {
        try {
            core::check_outputs(outputs, inputs);
        } catch (const Error& e) {
            return std::string(to_string(e.kind())) + ": " + e.what();
        }
        return "";
    };
    SECTION("an output that is an input, however spelled, is a usage error") {
        std::filesystem::create_symlink(input, dir / "link.gpkg");
        std::filesystem::create_hard_link(input, dir / "hard.gpkg");
        for (const auto& same :
             {input, dir / "." / "in.gpkg", dir / "sub" / ".." / "in.gpkg", dir / "link.gpkg", dir / "hard.gpkg"}) {
            CAPTURE(same);
            const std::string why = refused({{"-o", same}});
            CHECK_THAT(why, Catch::StartsWith("usage: -o " + same.string() + " is the same file as the input " +
                                              input.string()));
        }
        CHECK_THAT(refused({{"-o", dir / "out.gpkg"}, {"--csv", dir / "link.gpkg"}}),
                   Catch::StartsWith("usage: --csv"));
        CHECK(refused({{"-o", dir / "out.gpkg"}, {"--csv", ""}}).empty());
    }
    SECTION("two outputs naming one file are a usage error, also before either exists") {
        CHECK_THAT(refused({{"-o", dir / "x.csv"}, {"--csv", dir / "sub" / ".." / "x.csv"}}),
                   Catch::Contains("usage: --csv " + (dir / "sub" / ".." / "x.csv").string() + " and -o " +
                                   (dir / "x.csv").string() + " name the same file"));
        CHECK(refused({{"-o", dir / "x.csv"}, {"--csv", dir / "sub" / "x.csv"}}).empty());
    }
    SECTION("a folder at the output is a usage error; a folder that cannot hold it an io error") {
        CHECK(refused({{"-o", dir / "sub"}}) ==
              "usage: " + (dir / "sub").string() + ": -o: is a folder; give a file name");
        CHECK_THAT(refused({{"--csv", dir / "missing" / "s.csv"}}),
                   Catch::Contains("io: ") && Catch::Contains("s.csv: --csv: the output folder") &&
                       Catch::Contains("missing does not exist"));
        CHECK_THAT(refused({{"--json", input / "s.json"}}),
                   Catch::Contains("io: ") && Catch::Contains("is not a folder"));
        CHECK_THAT(refused({{"-o", "/dev/null"}}), Catch::Contains("usage: ") && Catch::Contains("not a regular file"));
        // sysfs refuses new files even to root
        CHECK_THAT(refused({{"-o", "/sys/scicov.gpkg"}}),
                   Catch::Contains("io: /sys/scicov.gpkg: -o: cannot write in the output folder: cannot create") &&
                       Catch::Contains("Permission denied"));
    }
}

TEST_CASE("stale temporaries of dead runs are removed, a live run's never", "[core][files][atomic]") {
    test::TempDir dir;
    const auto target = dir / "out.gpkg";
    const std::string dead = std::to_string(dead_pid());
    const std::string live = std::to_string(::getppid());
    const std::string self = std::to_string(::getpid());
    const std::set<std::string> stale{"out.gpkg.tmp-" + dead + "-0.gpkg", "out.gpkg.tmp-" + dead + "-0.gpkg-journal",
                                      "out.gpkg.tmp-" + dead + ".gpkg", "out.gpkg.tmp-" + dead + "-2.gpkg-wal"};
    const std::set<std::string> kept{"out.gpkg",
                                     "out.gpkg.tmp-" + live + "-0.gpkg",
                                     "out.gpkg.tmp-" + live + "-0.gpkg-journal",
                                     "out.gpkg.tmp-" + self + "-7.gpkg",
                                     "other.gpkg.tmp-" + dead + "-0.gpkg",
                                     "out.gpkg.tmp-" + dead + "-0.csv",
                                     "out.gpkg.tmp-" + dead + "x-0.gpkg",
                                     "out.gpkg.tmp--0.gpkg"};
    for (const auto& set : {stale, kept})
        for (const auto& name : set) touch(dir / name);
    CHECK(core::remove_stale_temporaries(target) == stale.size());
    CHECK(test::file_names(dir.path()) == kept);
    CHECK(core::remove_stale_temporaries(target) == 0);
    CHECK(core::remove_stale_temporaries(dir / "missing" / "out.gpkg") == 0);
}

TEST_CASE("text files are read whole only when regular and within the limit", "[core][files]") {
    test::TempDir dir;
    const auto file = dir / "rules.toml";
    std::ofstream(file) << "0123456789";
    CHECK(core::read_text_file(file, 10, ErrorKind::rules) == "0123456789");
    const auto refusal = [](const std::filesystem::path& p, std::size_t limit) -> std::string {
        try {
            (void)core::read_text_file(p, limit, ErrorKind::rules);
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::rules);
            CHECK(e.context().file == p.string());
            return e.message();
        }
        return "";
    };
    CHECK(refusal(file, 9) == "is larger than the limit of 9 bytes");
    CHECK(refusal(dir.path(), 100) == "is a folder, not a file");
    CHECK(refusal("/dev/zero", std::size_t{16} << 20) == "is not a regular file (a device, FIFO or socket)");
    REQUIRE(::mkfifo((dir / "fifo").c_str(), 0600) == 0);
    CHECK(refusal(dir / "fifo", 100) == "is not a regular file (a device, FIFO or socket)");  // without waiting
    CHECK_THAT(refusal(dir / "missing.toml", 100), Catch::StartsWith("cannot open: No such file"));
    // A sparse file larger than the limit is refused by its size, before reading.
    std::filesystem::resize_file(file, (std::size_t{16} << 20) + 1);
    CHECK(refusal(file, std::size_t{16} << 20) == "is larger than the limit of 16 MiB");
}

TEST_CASE("a feature is named by its id, and by its row when the row says more", "[core]") {
    // A Shapefile's ids count from 0; ids in GeoJSON or CSV may repeat: the row tells which.
    const Error shp(ErrorKind::input, "is negative", Context{"cun.shp", "cun", 6, "population", 7});
    CHECK(std::string(shp.what()) == "cun.shp: layer 'cun': feature 6 (row 7): field 'population': is negative");
    const Error gpkg(ErrorKind::input, "is negative", Context{"in.gpkg", "villages", 7, "population", 7});
    CHECK(std::string(gpkg.what()) == "in.gpkg: layer 'villages': feature 7: field 'population': is negative");
    const Error bare(ErrorKind::input, "is negative", Context{"in.gpkg", "villages", 7, {}});
    CHECK(std::string(bare.what()) == "in.gpkg: layer 'villages': feature 7: is negative");
}
