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
    /// Adds the QGIS styles and field aliases, closes and renames onto the target. Without it,
    /// nothing is left behind.
    void commit();

private:
    std::unique_ptr<detail::WriterState> m_state;
};

/// One row (CSV, RFC 4180, header row, CRLF) or object (JSON array) per county: code, name,
/// villages, population and per type share, target, met, gap (and share/met after the plan when
/// there is one). UTF-8; the same input gives the same bytes.
std::string county_summary_csv(const analysis::Analysis& a, const rules::Rules& rules, const planning::Result* plan);
std::string county_summary_json(const analysis::Analysis& a, const rules::Rules& rules, const planning::Result* plan);
/// Writes the summaries to the paths that are not empty, each under a temporary name; both are
/// renamed onto their targets only once both are complete.
void write_county_summaries(const std::filesystem::path& csv, const std::filesystem::path& json,
                            const analysis::Analysis& a, const rules::Rules& rules, const planning::Result* plan);

}  // namespace scicov::output
