// The output GeoPackage (DESIGN "Output contract"): every layer in one CRS, written under a
// temporary name and renamed when complete; and per-county summaries as CSV and JSON.
#pragma once

#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "scicov/analysis.hpp"
#include "scicov/planning.hpp"
#include "scicov/rules.hpp"

namespace scicov::output {

struct Options {
    std::string crs = crs::k_output_crs;  ///< --out-crs
    bool timings = false;                 ///< write solver seconds (they differ run to run, so off by default)
    std::string schema = "public";        ///< --schema: where a "PG:" target's tables go (it must exist)
};

/// True for a PostgreSQL connection string ("PG:…", as GDAL names them): the PostGIS output.
bool is_postgis(std::string_view target);
/// Checks, before any work, that a PostGIS output can be written: the connection opens, PostGIS is
/// installed, the schema exists and tables may be created in it. Otherwise an io error naming the
/// connection (its password hidden) and what is wrong.
void check_postgis(const std::string& connection, const std::string& schema);
/// A further file of a run committed together with its GeoPackage (the county summaries).
struct SideFile {
    std::filesystem::path target;
    std::string bytes;
};

/// The 规划点位清单's file format: the caller decides it (the CLI from --sites' extension, in any case).
enum class SiteListFormat { csv, xlsx };
/// Where the 规划点位清单 goes and as what; an empty path: no site list.
struct SiteList {
    std::filesystem::path path;
    SiteListFormat format = SiteListFormat::csv;
};

namespace detail {
struct WriterState;  // the open GeoPackage and the output CRS (src/output/writer.hpp)
}

/// Writes the output GeoPackage; or, for a "PG:" target, the same layers into PostGIS: every layer
/// goes into the schema in one transaction at commit(), replacing the earlier run's tables, with the
/// styles in QGIS's layer_styles table (src/output/postgis.cpp, docs/postgis.md).
class Writer {
public:
    Writer(const std::filesystem::path& target, const Options& options);
    ~Writer();
    Writer(const Writer&) = delete;
    Writer& operator=(const Writer&) = delete;

    /// villages, townships, counties, facilities, service_areas, gaps. With a plan, the counties
    /// layer also shows coverage after it (share_after_<type>, met_after_<type>, sites_<type>,
    /// year_met_<type>).
    void write_analysis(const analysis::Analysis& a, const rules::Rules& rules, const planning::Result* plan = nullptr);
    /// proposed_sites and plan_summary.
    void write_plan(const planning::Result& plan, const rules::Rules& rules);
    /// The `run` table: key/value rows in the given order.
    void write_run(const std::vector<std::pair<std::string, std::string>>& rows);
    /// Adds the QGIS styles and field aliases, closes the GeoPackage and writes each side file
    /// under a temporary name; only once all are complete are they renamed onto their targets
    /// (the GeoPackage first; for PostGIS, the one transaction is committed first). Without it, or
    /// when any file fails, no target is replaced and no temporary file is left behind.
    void commit(const std::vector<SideFile>& side_files = {});

private:
    std::unique_ptr<detail::WriterState> m_state;
};

/// One row (CSV, RFC 4180, header row, CRLF) or object (JSON array) per county: code, name,
/// villages, population and per type share, target, met, gap (and share/met after the plan when
/// there is one). UTF-8; the same input gives the same bytes.
std::string county_summary_csv(const analysis::Analysis& a, const rules::Rules& rules, const planning::Result* plan);
std::string county_summary_json(const analysis::Analysis& a, const rules::Rules& rules, const planning::Result* plan);
/// The files that go with a run's GeoPackage, for the paths that are not empty: the county
/// summaries (CSV, JSON) and, with a plan, the 规划点位清单 `site_list` (XLSX through GDAL's XLSX
/// driver, or CSV in UTF-8 with a BOM, as its format says), to commit with the GeoPackage (Writer::commit).
std::vector<SideFile> county_summary_files(const std::filesystem::path& csv, const std::filesystem::path& json,
                                           const analysis::Analysis& a, const rules::Rules& rules,
                                           const planning::Result* plan, const SiteList& site_list = {});
/// One column of the 规划点位清单 (`plan --sites` and the report's table): its Chinese header and
/// English key (the file's header is "<zh> <key>", e.g. "建设年份 year") and what it holds.
struct SiteListColumn {
    enum class Kind { text, integer, real };
    std::string_view zh, key;
    Kind kind;
};
/// The site list's columns, in order: 序号, county code and name, township, village and its code,
/// type, host name and kind, year, 远期, rank, people and villages newly covered, cost, lon, lat,
/// site id, candidate id.
std::span<const SiteListColumn> site_list_columns();
/// The host of a proposed site as the site list names it: the candidates carry a kind, not a
/// name, so the village's name and the kind, or "(村委会驻地)" for a village point ("village:…").
std::string site_host_name(const std::string& village_name, const std::string& host_kind,
                           const std::string& candidate_id);

/// Writes the same files on their own, each under a temporary name; all are renamed onto their
/// targets only once all are complete.
void write_county_summaries(const std::filesystem::path& csv, const std::filesystem::path& json,
                            const analysis::Analysis& a, const rules::Rules& rules, const planning::Result* plan,
                            const SiteList& site_list = {});

// ---------------------------------------------------------------------------------------------
// Provenance (src/output/provenance.cpp): the `run` table, built from what a run used.

/// What one run used, as the caller ran it. The rules are those read (the file over the
/// defaults); values given for the run alone show in plan_options (per_year, start_year, …).
struct RunRecord {
    std::string command;                       ///< analyze | plan | demo
    std::string interface;                     ///< the front end when not the CLI ("python"); empty: none
    std::vector<std::string> inputs;           ///< datasets, as given
    std::vector<std::string> layer_overrides;  ///< ROLE=DATASET[:LAYER], as given
    std::vector<std::string> counties;         ///< counties requested (empty: all)
    std::string rules_file;                    ///< empty: the default rules
    const rules::Rules* rules = nullptr;       ///< required
    std::string output_crs = crs::k_output_crs;
    int circle_segments = 0;
    const analysis::Analysis* analysis = nullptr;     ///< required
    const planning::Options* plan_options = nullptr;  ///< with a plan
    const planning::Result* plan = nullptr;           ///< with a plan
    std::vector<StageTiming> timings;                 ///< empty unless the caller asks for timings
};

/// The `run` table's key/value rows, in a fixed order: version, command, inputs, rules, output
/// CRS, counts, warnings; with a plan its options (per_year, start_year, year_scope, solver,
/// budgets, a time limit or spacing that differs from the rules) and results; then timings.
std::vector<std::pair<std::string, std::string>> run_table(const RunRecord& record);

}  // namespace scicov::output
