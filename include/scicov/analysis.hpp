// The analysis stage as one call: read and check the inputs, compute coverage and gaps, and
// summarise townships and counties against the targets. `scicov analyze` is this plus writing.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "scicov/coverage.hpp"
#include "scicov/core.hpp"
#include "scicov/gaps.hpp"
#include "scicov/io.hpp"
#include "scicov/model.hpp"
#include "scicov/rules.hpp"

namespace scicov::analysis {

struct Options {
    io::ReadOptions read;
    gaps::Options gaps;
};

struct Analysis {
    model::Inputs inputs;
    coverage::Coverage coverage;
    gaps::Result gaps;
    std::vector<gaps::UnitSummary> townships;
    std::vector<gaps::UnitSummary> counties;
    Diagnostics diagnostics;                                ///< warnings only: a run with errors does not get this far
    std::vector<StageTiming> timings;  ///< read, coverage, gaps, summaries
};

/// Reads, checks and validates the inputs (all problems in `diagnostics`). Throws
/// Error(input) when any problem is an error, after the caller has had the diagnostics.
model::Inputs read_checked(const io::ReadOptions& options, const rules::Rules& rules, Diagnostics& diagnostics,
                           const Reporter& reporter);

/// The whole analysis. Reports every input problem through `reporter.warning`, then throws
/// Error(input) naming the first error and the count when there are any.
Analysis run(const Options& options, const rules::Rules& rules, const Reporter& reporter);

/// Throws Error(input) summarising `diagnostics` when it holds errors.
void require_no_errors(const Diagnostics& diagnostics);

}  // namespace scicov::analysis
