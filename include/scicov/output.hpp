// The output GeoPackage (DESIGN "Output contract"): every layer in one CRS, written under a
// temporary name and renamed when complete; and per-county summaries as CSV and JSON.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "scicov/analysis.hpp"
#include "scicov/planning.hpp"
#include "scicov/rules.hpp"

namespace scicov::output {

struct Options {
    std::string crs = crs::k_output_crs;  ///< --out-crs
    bool timings = false;                 ///< write solver seconds (they differ run to run, so off by default)
};

/// A further file of a run committed together with its GeoPackage (the county summaries).
struct SideFile {
    std::filesystem::path target;
    std::string bytes;
};

namespace detail {
struct WriterState;  // the open GeoPackage and the output CRS (src/output/writer.hpp)
}

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
    /// (the GeoPackage first). Without it, or when any file fails, no target is replaced and no
    /// temporary file is left behind.
    void commit(const std::vector<SideFile>& side_files = {});

private:
    std::unique_ptr<detail::WriterState> m_state;
};

/// One row (CSV, RFC 4180, header row, CRLF) or object (JSON array) per county: code, name,
/// villages, population and per type share, target, met, gap (and share/met after the plan when
/// there is one). UTF-8; the same input gives the same bytes.
std::string county_summary_csv(const analysis::Analysis& a, const rules::Rules& rules, const planning::Result* plan);
std::string county_summary_json(const analysis::Analysis& a, const rules::Rules& rules, const planning::Result* plan);
/// The summaries for the paths that are not empty (CSV, JSON), to commit with the GeoPackage.
std::vector<SideFile> county_summary_files(const std::filesystem::path& csv, const std::filesystem::path& json,
                                           const analysis::Analysis& a, const rules::Rules& rules,
                                           const planning::Result* plan);
/// Writes the summaries to the paths that are not empty, each under a temporary name; both are
/// renamed onto their targets only once both are complete.
void write_county_summaries(const std::filesystem::path& csv, const std::filesystem::path& json,
                            const analysis::Analysis& a, const rules::Rules& rules, const planning::Result* plan);

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
