// Maps and the HTML report made from scicov's output GeoPackage (the layers of DESIGN.md's
// output contract). Maps are drawn with Cairo in the CGCS2000 Gauss-Krueger zone of the map's
// centre, so the scale bar is true; labels use Noto Sans CJK SC. Same input and options ⇒ same
// bytes (PNG and SVG; PDF metadata carries the map's date, never the clock).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "scicov/crs.hpp"

namespace scicov::report {

/// The type a map shows when none is asked for.
inline constexpr const char* k_default_type = "science_room";

enum class Format { png, svg, pdf };

/// The format named by a file's extension (.png, .svg, .pdf; any case); else a usage error.
Format format_for(const std::filesystem::path& file);

/// 科技馆 … for the four known type keys; the key itself otherwise.
std::string type_name_zh(const std::string& type);

/// Rings of a (multi)polygon in lon/lat; filled with the even-odd rule (holes, several parts).
using Rings = std::vector<std::vector<crs::LonLat>>;

/// What the maps and the report read from an output GeoPackage.
struct Output {
    struct Village {
        std::string code, name, county_code;
        bool urban = false;                  ///< settlement 社区 (else 村)
        std::map<std::string, int> covered;  ///< type → cov_<type>
        double population = 0;
        std::map<std::string, double> minutes;  ///< travel-time type → time_<type>_min (absent: no route)
        Rings rings;
    };
    struct Unit {  ///< a county or township
        std::string code, name;
        std::map<std::string, double> values;  ///< every numeric field by name (null fields absent)
        Rings rings;
        crs::LonLat label;  ///< a point on the surface, for the name
    };
    struct Facility {
        std::string type, name, status, county_code;
        crs::LonLat at;
    };
    struct Gap {
        std::string type, county_code;
        Rings rings;
    };
    struct Site {
        std::string type, county_code, village_code, host_kind;
        int rank = 0;
        int year = 0;
        double gain_villages = 0, gain_population = 0;
        crs::LonLat at;
        std::string id, township_code, candidate_id, type_zh;  ///< for the site list
        double cost = 0;
        bool beyond_horizon = false;  ///< built after the plans' horizon: 远期
    };
    using Row = std::map<std::string, std::string>;  ///< a table row, values as text

    std::string file;
    std::vector<std::string> types;  ///< from the counties' share_<type> fields, known order first
    std::vector<Village> villages;
    std::vector<Unit> counties;  ///< ordered by code
    std::vector<Unit> townships;
    std::vector<Facility> facilities;
    std::vector<Gap> gaps;
    std::vector<Site> sites;                               ///< ordered by type, county, rank
    std::vector<Row> plan_summary;                         ///< empty when the file holds no plan
    std::vector<Row> urban_rural;                          ///< a plan with equalisation: the gap by stage
    std::vector<Row> plan_horizon;  ///< per county and type: the plan's terms (sentence_zh); empty without a plan
    std::vector<std::string> travel_time_types;            ///< types with time_<type>_min in the villages layer
    std::vector<std::pair<std::string, std::string>> run;  ///< key/value, in file order
};

/// Reads an output GeoPackage written by `scicov analyze` or `scicov plan`.
Output load_output(const std::string& gpkg);

struct MapOptions {
    std::string type = k_default_type;
    /// Zoom to the counties whose code starts with this (6 digits: one county; 4: a city); empty: all.
    std::string county;
    int width_px = 1600;
    std::string title;  ///< empty: made from the place and type
    std::string date;   ///< YYYY-MM-DD, printed on the map
};

/// Draws the map; throws a usage error for an unknown type or county, an io error when Cairo
/// fails. PNG and SVG bytes depend only on `output` and `options`.
std::vector<std::uint8_t> render_map(const Output& output, const MapOptions& options, Format format);

/// Renders and writes the map to `file` in the format its extension names.
void write_map(const Output& output, const MapOptions& options, const std::filesystem::path& file);

struct ReportOptions {
    std::string date;  ///< YYYY-MM-DD
    int map_width_px = 1400;
};

/// The self-contained HTML report (no external references: CSS inline, maps as base64 PNG,
/// charts as inline SVG).
std::string render_report(const Output& output, const ReportOptions& options);

/// Writes render_report() to `file` (under a temporary name, renamed when complete).
void write_report(const Output& output, const ReportOptions& options, const std::filesystem::path& file);

/// The date to print: `date` when given (checked: YYYY-MM-DD), else the day of
/// `source_date_epoch` (seconds, UTC; the reproducible-builds convention) when set, else today (UTC).
std::string resolve_date(const std::optional<std::string>& date, const char* source_date_epoch);

}  // namespace scicov::report
