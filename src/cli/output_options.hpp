// What analyze and plan share: output options, writing the GeoPackage with its run table, and
// the summary printed when done.
#pragma once

#include <functional>
#include <ostream>
#include <string>

#include <CLI/CLI.hpp>

#include "input_options.hpp"
#include "scicov/analysis.hpp"
#include "scicov/output.hpp"
#include "scicov/planning.hpp"

namespace scicov::cli {

struct OutputOptions {
    std::string path;
    std::string out_crs = crs::k_output_crs;
    unsigned threads = 0;
    int circle_segments = gaps::Options{}.circle_segments;  ///< --circle-segments: per quarter of a service disc
    bool timings = false;
    std::string csv;   ///< --csv: per-county summary (optional)
    std::string json;  ///< --json: the same as JSON (optional)

    void add_to(CLI::App& app);
    /// Checks, before any work, that the output CRS is known (usage error) and the folder exists.
    void validate() const;
    /// What the gap stage takes from these options.
    gaps::Options gaps() const { return gaps::Options{threads, circle_segments}; }
};

/// Writes the analysis (with the plan's layers when there is one; `extra` adds run rows) atomically.
/// With --timings, the stages (the analysis's, then `later` ones such as the plan, then writing)
/// go into the run table and, after the file is complete, to stderr.
void write_analysis_output(
    const OutputOptions& output, const InputOptions& inputs, const rules::Rules& rules, const analysis::Analysis& a,
    const planning::Result* plan, const std::string& command,
    const std::function<void(output::Writer&, std::vector<std::pair<std::string, std::string>>&)>& extra,
    const std::vector<StageTiming>& later = {});

/// Per county and type: share and whether the target is met; then the totals.
void print_summary(std::ostream& os, const analysis::Analysis& a, const rules::Rules& rules);

}  // namespace scicov::cli
