#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>

#include "core/proj.hpp"
#include "report/html.hpp"
#include "report/png.hpp"
#include "scicov/core.hpp"
#include "scicov/output.hpp"
#include "scicov/report.hpp"
#include "support.hpp"

using namespace scicov;

namespace {

report::Rings square(double lon0, double lat0, double lon1, double lat1) {
    return {{{lon0, lat0}, {lon1, lat0}, {lon1, lat1}, {lon0, lat1}, {lon0, lat0}}};
}

/// Two villages side by side (west covered by a science room, east not) in one county, 测试县.
report::Output tiny_world() {
    report::Output out;
    out.file = "tiny.gpkg";
    out.types = {"science_room"};
    report::Output::Unit county;
    county.code = "510101";
    county.name = "测试县";
    county.rings = square(104.0, 30.0, 104.2, 30.1);
    county.label = {104.1, 30.02};
    county.values = {{"population", 2000}, {"villages", 2}, {"share_science_room", 0.5}, {"met_science_room", 0}};
    out.counties.push_back(county);
    report::Output::Village west;
    west.code = "510101001001";
    west.county_code = "510101";
    west.covered["science_room"] = 1;
    west.rings = square(104.0, 30.0, 104.1, 30.1);
    report::Output::Village east = west;
    east.code = "510101001002";
    east.covered["science_room"] = 0;
    east.rings = square(104.1, 30.0, 104.2, 30.1);
    out.villages = {west, east};
    out.facilities.push_back({"science_room", "室", "existing", "510101", {104.01, 30.09}});
    return out;
}

constexpr std::uint32_t k_covered = 0xcfe6c1;
constexpr std::uint32_t k_uncovered = 0xf6d5c3;

/// Counts the pixels of exactly this colour in the columns [x0, x1).
std::size_t count(const report::detail::Raster& r, std::uint32_t colour, int x0, int x1) {
    std::size_t n = 0;
    for (int y = 0; y < r.height; ++y) {
        for (int x = x0; x < x1; ++x) n += r.at(x, y) == colour ? 1 : 0;
    }
    return n;
}

}  // namespace

TEST_CASE("a PNG map has the asked width, is not blank, and colours villages by coverage", "[report][map]") {
    const report::Output out = tiny_world();
    report::MapOptions options;
    options.width_px = 800;
    options.date = "2025-06-01";
    const auto png = report::render_map(out, options, report::Format::png);
    if (const char* keep = std::getenv("SCICOV_KEEP_PNG")) {
        std::ofstream(keep, std::ios::binary)
            .write(reinterpret_cast<const char*>(png.data()), static_cast<std::streamsize>(png.size()));
    }
    const report::detail::Raster r = report::detail::decode_png(png);
    CHECK(r.width == 800);
    CHECK(r.height > 300);

    std::set<std::uint32_t> colours(r.pixels.begin(), r.pixels.end());
    CHECK(colours.size() > 50);  // text, borders, fills, symbols, antialiasing
    const auto non_white =
        std::count_if(r.pixels.begin(), r.pixels.end(), [](std::uint32_t p) { return p != 0xffffff; });
    CHECK(non_white > r.width * r.height / 4);

    // The county (0.2° × 0.1°, ~19 × 11 km) is centred in the map frame: the west village fills its
    // left half, the east village its right half. Find the frame's horizontal span from the fills.
    // The map frame ends where the legend begins, about 330 px of 1600 from the right edge.
    const int frame_right = r.width * 3 / 4;
    const int mid_y = [&] {
        // The row through the middle of the villages: the row with most covered pixels.
        int best = 0;
        std::size_t most = 0;
        for (int y = 0; y < r.height; ++y) {
            std::size_t n = 0;
            for (int x = 0; x < frame_right; ++x) n += r.at(x, y) == k_covered ? 1 : 0;
            if (n > most) {
                most = n;
                best = y;
            }
        }
        return best;
    }();
    int west_x = -1, east_x = -1;
    for (int x = 0; x < frame_right; ++x) {
        if (r.at(x, mid_y) == k_covered && west_x < 0) west_x = x;
        if (r.at(x, mid_y) == k_uncovered) east_x = x;
    }
    REQUIRE(west_x >= 0);
    REQUIRE(east_x >= 0);
    CHECK(west_x < east_x);  // covered west of uncovered
    // Every covered pixel lies west of every uncovered pixel on that row.
    int last_covered = -1, first_uncovered = r.width;
    for (int x = 0; x < frame_right; ++x) {
        if (r.at(x, mid_y) == k_covered) last_covered = x;
        if (r.at(x, mid_y) == k_uncovered) first_uncovered = std::min(first_uncovered, x);
    }
    CHECK(last_covered < first_uncovered);
    // Both halves are about equally wide (the villages are equal squares): within 10%.
    const auto covered = count(r, k_covered, 0, frame_right);
    const auto uncovered = count(r, k_uncovered, 0, frame_right);
    CHECK(covered > 10000);
    CHECK(uncovered > 10000);
    CHECK(std::abs(double(covered) - double(uncovered)) < 0.1 * double(covered + uncovered));

    SECTION("swapping coverage swaps the colours at the same pixels") {
        report::Output swapped = out;
        swapped.villages[0].covered["science_room"] = 0;
        swapped.villages[1].covered["science_room"] = 1;
        const report::detail::Raster s =
            report::detail::decode_png(report::render_map(swapped, options, report::Format::png));
        const int wx = (west_x + last_covered) / 2, ex = (first_uncovered + east_x) / 2;
        CHECK(r.at(wx, mid_y) == k_covered);
        CHECK(r.at(ex, mid_y) == k_uncovered);
        CHECK(s.at(wx, mid_y) == k_uncovered);
        CHECK(s.at(ex, mid_y) == k_covered);
    }
}

TEST_CASE("maps are deterministic: same input and options, same bytes", "[report][map]") {
    const report::Output out = tiny_world();
    report::MapOptions options;
    options.width_px = 640;
    options.date = "2025-06-01";
    CHECK(report::render_map(out, options, report::Format::png) ==
          report::render_map(out, options, report::Format::png));
    CHECK(report::render_map(out, options, report::Format::svg) ==
          report::render_map(out, options, report::Format::svg));
    CHECK(report::render_map(out, options, report::Format::pdf) ==
          report::render_map(out, options, report::Format::pdf));
    report::MapOptions other = options;
    other.date = "2025-06-02";
    CHECK(report::render_map(out, options, report::Format::png) != report::render_map(out, other, report::Format::png));
}

TEST_CASE("the SVG map is well-formed and carries the Chinese county name as text", "[report][map]") {
    const report::Output out = tiny_world();
    report::MapOptions options;
    options.width_px = 640;
    options.date = "2025-06-01";
    const auto bytes = report::render_map(out, options, report::Format::svg);
    const std::string svg(bytes.begin(), bytes.end());
    CHECK(svg.rfind("<?xml", 0) == 0);
    CHECK(svg.find("<svg") != std::string::npos);
    CHECK(svg.size() > 2000);
    CHECK(svg.find(">测试县</text>") != std::string::npos);
    CHECK(svg.find("2025-06-01") != std::string::npos);
    // Well-formed: every element opened is closed, checked with a tiny tag stack.
    std::vector<std::string> stack;
    bool ok = true;
    for (std::size_t i = svg.find('<'); i != std::string::npos && ok; i = svg.find('<', i + 1)) {
        const std::size_t end = svg.find('>', i);
        REQUIRE(end != std::string::npos);
        const std::string tag = svg.substr(i + 1, end - i - 1);
        if (tag.empty() || tag[0] == '?' || tag[0] == '!') continue;
        if (tag[0] == '/') {
            const std::string name = tag.substr(1);
            ok = !stack.empty() && stack.back() == name;
            if (ok) stack.pop_back();
        } else if (tag.back() != '/') {
            stack.push_back(tag.substr(0, tag.find_first_of(" \n\t")));
        }
    }
    CHECK(ok);
    CHECK(stack.empty());
}

TEST_CASE("map: a county prefix zooms, unknown types and counties are usage errors", "[report][map]") {
    report::Output out = tiny_world();
    report::MapOptions options;
    options.width_px = 600;
    options.date = "2025-06-01";
    options.type = "science_museum";
    CHECK_THROWS_AS(report::render_map(out, options, report::Format::png), Error);
    options.type = "science_room";
    options.county = "999999";
    try {
        report::render_map(out, options, report::Format::png);
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::usage);
    }
    options.county = "5101";
    CHECK_NOTHROW(report::render_map(out, options, report::Format::png));
    CHECK_THROWS_AS(report::format_for("map.jpg"), Error);
    CHECK(report::format_for("MAP.PNG") == report::Format::png);
}

TEST_CASE("the report date comes from --date, else SOURCE_DATE_EPOCH", "[report]") {
    CHECK(report::resolve_date(std::string("2024-02-29"), nullptr) == "2024-02-29");
    CHECK(report::resolve_date(std::nullopt, "0") == "1970-01-01");
    CHECK(report::resolve_date(std::nullopt, "1700000000") == "2023-11-14");
    CHECK_THROWS_AS(report::resolve_date(std::string("29.2.2024"), nullptr), Error);
    CHECK_THROWS_AS(report::resolve_date(std::nullopt, "soon"), Error);
}

TEST_CASE("base64 for embedded maps is GDAL's, RFC 4648 with padding", "[report]") {
    CHECK(report::detail::base64({'M', 'a', 'n'}) == "TWFu");
    CHECK(report::detail::base64({'M', 'a'}) == "TWE=");
    CHECK(report::detail::base64({'M'}) == "TQ==");
}

TEST_CASE("the HTML report is self-contained and holds the county table", "[report][html]") {
    report::Output out = tiny_world();
    out.run = {{"command", "plan"}, {"rules", "[types.science_room]\nrule = \"contains\""}};
    report::ReportOptions options;
    options.date = "2025-06-01";
    options.map_width_px = 600;
    const std::string html = report::render_report(out, options);
    CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
    CHECK(html.find("http://") == std::string::npos);
    CHECK(html.find("https://") == std::string::npos);
    CHECK(html.find("data:image/png;base64,") != std::string::npos);
    CHECK(html.find("class=\"county-table\"") != std::string::npos);
    CHECK(html.find("<td class=\"l\">510101</td><td class=\"l\">测试县</td>") != std::string::npos);
    CHECK(html.find("@media print") != std::string::npos);
    CHECK(html.find("rule = &quot;contains&quot;") != std::string::npos);
    CHECK(html == report::render_report(out, options));
}

TEST_CASE("the scale bar is true: its length matches the county's geodesic width", "[report][map]") {
    const report::Output out = tiny_world();
    report::MapOptions options;
    options.width_px = 800;
    options.date = "2025-06-01";
    const report::detail::Raster r = report::detail::decode_png(report::render_map(out, options, report::Format::png));
    const int frame_right = r.width * 3 / 4;

    // Pixels per metre from the drawing: the county's width on the row through the villages'
    // middle (first covered to last uncovered pixel) over its geodesic width along 30.05°N.
    int mid_y = 0;
    std::size_t most = 0;
    for (int y = 0; y < r.height; ++y) {
        std::size_t n = 0;
        for (int x = 0; x < frame_right; ++x) n += r.at(x, y) == k_covered ? 1 : 0;
        if (n > most) {
            most = n;
            mid_y = y;
        }
    }
    int first = -1, last = -1;
    for (int x = 0; x < frame_right; ++x) {
        const auto p = r.at(x, mid_y);
        if (p == k_covered && first < 0) first = x;
        if (p == k_uncovered) last = x;
    }
    REQUIRE(first >= 0);
    REQUIRE(last > first);
    const double width_m = proj::ellipsoidal_distance_m(104.0, 30.05, 104.2, 30.05);
    const double px_per_m = double(last - first + 1) / width_m;

    // The bar: on its middle row, two runs of the dark fill, segments 1 and 3 of four; the second
    // starts half the bar's length after the first.
    constexpr std::uint32_t k_dark = 0x1f1f1f;
    double bar_px = 0;
    for (int y = r.height * 2 / 3; y < r.height && bar_px == 0; ++y) {
        std::vector<std::pair<int, int>> runs;  // start, length
        for (int x = 0; x < frame_right;) {
            if (r.at(x, y) != k_dark) {
                ++x;
                continue;
            }
            const int start = x;
            while (x < frame_right && r.at(x, y) == k_dark) ++x;
            if (x - start >= 8) runs.emplace_back(start, x - start);
        }
        if (runs.size() == 2 && std::abs(runs[0].second - runs[1].second) <= 2)
            bar_px = 2.0 * (runs[1].first - runs[0].first);
    }
    REQUIRE(bar_px > 0);
    const double bar_m = bar_px / px_per_m;
    // A round length (1, 2 or 5 × 10^n m) within 2% (pixel rounding of a ~150 px bar).
    const double decade = std::pow(10.0, std::floor(std::log10(bar_m)));
    double nearest = 0;
    for (double f : {1.0, 2.0, 5.0, 10.0}) {
        if (nearest == 0 || std::abs(f * decade - bar_m) < std::abs(nearest - bar_m)) nearest = f * decade;
    }
    INFO("bar " << bar_px << " px = " << bar_m << " m, nearest round length " << nearest << " m");
    CHECK(std::abs(bar_m - nearest) / nearest < 0.02);
}

TEST_CASE("maps and reports are written whole: renamed when complete, nothing left on failure", "[report][io]") {
    test::TempDir dir;
    const report::Output out = tiny_world();
    report::MapOptions map;
    map.width_px = 400;
    map.date = "2025-06-01";
    report::ReportOptions rep;
    rep.date = "2025-06-01";
    rep.map_width_px = 400;
    const auto entries = [&dir] { return test::file_names(dir.path()); };

    SECTION("written files hold exactly the rendered bytes and replace older ones") {
        {
            std::ofstream old(dir / "map.svg");
            old << "old";
        }
        report::write_map(out, map, dir / "map.svg");
        report::write_report(out, rep, dir / "report.html");
        CHECK(entries() == std::set<std::string>{"map.svg", "report.html"});
        const std::string svg_bytes = test::read_file(dir / "map.svg");
        const auto rendered = report::render_map(out, map, report::Format::svg);
        CHECK(svg_bytes == std::string(rendered.begin(), rendered.end()));
        CHECK(test::read_file(dir / "report.html") == report::render_report(out, rep));
    }
    SECTION("a failed map (unknown type) leaves neither the target nor a temporary") {
        report::MapOptions bad = map;
        bad.type = "museum_of_nothing";
        CHECK_THROWS_AS(report::write_map(out, bad, dir / "map.png"), Error);
        CHECK(entries().empty());
    }
    SECTION("a missing folder is an io error naming the file") {
        try {
            report::write_report(out, rep, dir / "no-such-folder" / "report.html");
            FAIL("no exception");
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::io);
            CHECK_THAT(e.what(), Catch::Contains("does not exist"));
        }
    }
}

TEST_CASE("the report's site list fills every column of plan --sites, and the first screen says the plan's terms",
          "[report][html]") {
    report::Output out = tiny_world();
    out.villages[1].name = "东村村民委员会";
    report::Output::Unit township;
    township.code = "510101001";
    township.name = "城关镇";
    out.townships.push_back(township);
    report::Output::Site site;
    site.type = "science_room";
    site.county_code = "510101";
    site.township_code = "510101001";
    site.village_code = "510101001002";
    site.host_kind = "党群服务中心";
    site.candidate_id = "c7";
    site.id = "science_room-510101-001";
    site.rank = 1;
    site.year = 2036;
    site.beyond_horizon = true;
    site.gain_villages = 1;
    site.gain_population = 1000;
    site.cost = 1.5;
    site.at = {104.15, 30.05};
    out.sites.push_back(site);
    out.plan_horizon.push_back({{"county_code", "510101"},
                                {"type", "science_room"},
                                {"horizon_year", "2035"},
                                {"sentence_zh", "按全市每年 1 个，2036 年全覆盖；2035 年达标需每年 2 个"}});
    out.plan_summary.push_back({{"county_code", "510101"}, {"type", "science_room"}, {"model", "set_cover"}});

    const auto cells = report::detail::site_list_cells(out, out.sites[0], 1);
    for (const auto& c : output::site_list_columns()) CHECK(cells.count(std::string(c.key)) == 1);
    CHECK(cells.size() == output::site_list_columns().size());
    CHECK(cells.at("township") == "城关镇");
    CHECK(cells.at("village") == "东村村民委员会");
    CHECK(cells.at("host_name") == "东村村民委员会党群服务中心");
    CHECK(cells.at("beyond_horizon") == "远期");
    CHECK(cells.at("cost") == "1.50");
    CHECK(cells.at("people_new") == "1000");

    report::ReportOptions options;
    options.date = "2025-06-01";
    options.map_width_px = 400;
    const std::string html = report::render_report(out, options);
    const auto brief = html.find("id=\"brief\"");
    const auto summary = html.find("id=\"summary\"");
    REQUIRE(brief != std::string::npos);
    CHECK(brief < summary);
    CHECK(html.find("按全市每年 1 个，2036 年全覆盖；2035 年达标需每年 2 个") < summary);
    CHECK(html.find("<th>建设年份<small>year</small></th>") != std::string::npos);
    CHECK(html.find("<td class=\"l\">东村村民委员会党群服务中心</td>") != std::string::npos);
}
