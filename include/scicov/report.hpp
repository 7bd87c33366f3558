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
#include "scicov/rules.hpp"

namespace scicov::report {

/// The type a map shows when none is asked for.
inline constexpr const char* k_default_type = "science_room";

enum class Format { png, svg, pdf };

/// The format named by a file's extension (.png, .svg, .pdf; any case); else a usage error.
Format format_for(const std::filesystem::path& file);

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
    std::vector<Site> sites;        ///< ordered by type, county, rank
    std::vector<Row> plan_summary;  ///< empty when the file holds no plan
    std::vector<Row> urban_rural;   ///< a plan with equalisation: the gap by stage
    std::vector<Row> plan_horizon;  ///< per county and type: the plan's terms (sentence_zh); empty without a plan
    std::vector<std::string> travel_time_types;            ///< types with time_<type>_min in the villages layer
    std::vector<std::pair<std::string, std::string>> run;  ///< key/value, in file order
    /// The run's rules (the run table's `rules` record; the defaults when it has none): the types'
    /// names (name_zh, aliases) and coverage rules as the run used them.
    rules::Rules rules;

    /// The type's Chinese name as the run's rules give it (name_zh), else its key.
    std::string type_name(const std::string& type) const;
    /// The run table's value for `key`, or empty.
    std::string run_value(const std::string& key) const;
};

/// Reads an output GeoPackage written by `scicov analyze` or `scicov plan`.
Output load_output(const std::string& gpkg);

/// Print sizes (ISO 216); `screen`: a map `width_px` wide whose height follows the extent.
enum class Paper { screen, a4, a3 };
enum class Orientation { landscape, portrait };

struct MapOptions {
    /// The type's key or any name the run's rules know it by (name_zh, aliases, common forms: e站).
    std::string type = k_default_type;
    /// Zoom to these counties, comma-separated: a code prefix (6 digits one county, 4 a city, 2 a
    /// province) or a county's name (as in the counties layer); empty: all.
    std::string county;
    int width_px = 1600;
    std::string title;  ///< empty: made from the place and type
    std::string date;   ///< YYYY-MM-DD, printed on the map
    Paper paper = Paper::screen;
    Orientation orientation = Orientation::landscape;
    /// Print: the ratio scale 1:N (N in [1000, 100000000]); 0: the round scale that fits the frame.
    double scale = 0;
    int dpi = 200;    ///< print PNG: pixels per inch (72 to 1200); PDF and SVG are sized in points
    std::string org;  ///< 制图单位 in the footer; empty: a blank line to fill in by hand
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
