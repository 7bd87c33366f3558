// The analysis stage as one call: read and check the inputs, compute coverage and gaps, and
// summarise townships and counties against the targets. `scicov analyze` is this plus writing.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "scicov/core.hpp"
#include "scicov/coverage.hpp"
#include "scicov/gaps.hpp"
#include "scicov/io.hpp"
#include "scicov/model.hpp"
#include "scicov/rules.hpp"

namespace scicov::analysis {

struct Options {
    io::ReadOptions read;
    gaps::Options gaps;
};

/// The analysis of one run's inputs. It holds the inputs and the village index over them, built
/// once and reused by planning. The index refers to the inputs, so an Analysis stays where it was
/// made: it is neither copied nor moved (run() returns it in place, C++17's guaranteed elision).
class Analysis {
public:
    /// Analyses inputs already read and checked: coverage, gaps, summaries. `diagnostics` and
    /// `timings` carry on from reading.
    Analysis(model::Inputs inputs, const rules::Rules& rules, const Options& options, const Reporter& reporter,
             Diagnostics diagnostics = {}, std::vector<StageTiming> timings = {});
    Analysis(const Analysis&) = delete;
    Analysis& operator=(const Analysis&) = delete;
    Analysis(Analysis&&) = delete;
    Analysis& operator=(Analysis&&) = delete;

    const model::Inputs inputs;
    const coverage::VillageIndex index;  ///< over `inputs`
    coverage::Coverage coverage;         ///< reach and the verdict per type and village
    gaps::Result gaps;
    std::vector<gaps::UnitSummary> townships;
    std::vector<gaps::UnitSummary> counties;
    Diagnostics diagnostics;           ///< warnings only: a run with errors does not get this far
    std::vector<StageTiming> timings;  ///< read, coverage, gaps, summaries
};

/// The verdicts of every type, [type][village], as gaps::summarise takes them.
std::vector<std::vector<std::uint8_t>> verdicts(const coverage::Coverage& coverage);

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
