// What analyze and plan share: output options, writing the GeoPackage with its run table, and
// the summary printed when done.
#pragma once

#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "core/files.hpp"
#include "input_options.hpp"
#include "scicov/analysis.hpp"
#include "scicov/output.hpp"
#include "scicov/planning.hpp"

namespace scicov::cli {

struct OutputOptions {
    std::string path;
    std::string out_crs = crs::k_output_crs;
    std::optional<std::string> threads_text;                ///< --threads as given; checked by validate()
    unsigned threads = 0;                                   ///< after validate(): 0 = one per core
    int circle_segments = gaps::Options{}.circle_segments;  ///< --circle-segments: per quarter of a service disc
    std::optional<std::string> schema;                      ///< --schema: only with -o PG:…
    bool timings = false;
    std::string csv;    ///< --csv: per-county summary (optional)
    std::string json;   ///< --json: the same as JSON (optional)
    std::string sites;  ///< plan --sites: the 规划点位清单, .xlsx or .csv (optional; plan declares it)

    void add_to(CLI::App& app);
    /// Checks, before any work, the values (--threads: a usage error naming the range), that the
    /// output CRS is known (usage error), that --schema comes with a PG: output (usage error), the
    /// output files (prepare_outputs): -o, --csv, --json and --sites against each other and the
    /// inputs (datasets, --layer datasets, --rules), or for PostGIS that the connection, PostGIS
    /// and the schema are there.
    void validate(const InputOptions& inputs);
    /// The writer's options: output CRS, timings, schema.
    output::Options writer_options() const;
    /// What the gap stage takes from these options.
    gaps::Options gaps() const { return gaps::Options{threads, circle_segments}; }
};

/// A file name's extension in lower case (".Xlsx" → ".xlsx"; "" without one): every output
/// extension check goes through it, so case never matters.
std::string lower_extension(const std::filesystem::path& file);
/// The site list's format from --sites' extension (.xlsx or .csv, in any case); else a usage error.
output::SiteListFormat site_list_format(const std::string& file);

/// Before any work: checks a run's outputs (core::check_outputs: writable, no folder, none the
/// same file as an input or another output), then removes the temporaries killed runs left
/// beside them and says so on stderr, one line per output with the count.
void prepare_outputs(const std::vector<core::NamedPath>& outputs, const std::vector<core::NamedPath>& inputs);

/// A plan and the options it was made with, for the outputs.
struct PlanOutput {
    const planning::Options& options;
    const planning::Result& result;
};

/// Writes the analysis (with the plan's layers and run rows when there is one) atomically; the
/// `run` table comes from output::run_table. With --timings, the stages (the analysis's, then
/// `later` ones such as the plan, then writing) go into the run table and, after the file is
/// complete, to stderr.
void write_analysis_output(const OutputOptions& output, const InputOptions& inputs, const rules::Rules& rules,
                           const analysis::Analysis& a, const std::optional<PlanOutput>& plan,
                           const std::string& command, const std::vector<StageTiming>& later = {});

/// Per county and type: share and whether the target is met; then the totals.
void print_summary(std::ostream& os, const analysis::Analysis& a, const rules::Rules& rules);

}  // namespace scicov::cli
