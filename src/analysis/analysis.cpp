#include "scicov/analysis.hpp"

#include <algorithm>
#include <utility>

#include "core/parallel.hpp"
#include "core/timing.hpp"
#include "io/divisions.hpp"

namespace scicov::analysis {

void require_no_errors(const Diagnostics& diagnostics) {
    if (!diagnostics.has_errors()) return;
    const auto& first = *std::find_if(diagnostics.issues().begin(), diagnostics.issues().end(),
                                      [](const Issue& i) { return i.severity == Severity::error; });
    const std::string more =
        diagnostics.errors() > 1 ? " (and " + std::to_string(diagnostics.errors() - 1) + " more errors)" : "";
    throw Error(ErrorKind::input, first.message + more + "; nothing written", first.where);
}

namespace {

/// read_checked, naming units from `table`.
model::Inputs read_checked_with(const io::ReadOptions& options, const rules::Rules& rules,
                                const io::DivisionTable& table, Diagnostics& diagnostics, const Reporter& reporter) {
    io::ReadOptions read = options;
    read.fields = rules.fields;
    read.type_keys.clear();
    for (const auto& t : rules.types) {
        read.type_keys.push_back(t.key);
        if (t.rule.kind == rules::CoverageKind::travel_time) read.roads = true;
    }
    read.type_names = rules::TypeNames(rules.types);
    model::Inputs inputs = io::detail::read_inputs(read, table, diagnostics, reporter);
    // The checks across layers (GEOS and R-trees over every village) beside the others; their
    // issues follow the others', as when they ran after them.
    Diagnostics across;
    core::beside(
        read.threads,
        [&] {
            if (!diagnostics.has_errors()) io::check_population(inputs, rules, diagnostics);
            if (!diagnostics.has_errors()) io::check_web_datum(inputs, read, diagnostics);
            if (inputs.villages.empty() && !diagnostics.has_errors()) {
                diagnostics.error(Context{}, "no villages to analyse");
            }
            if (read.roads && inputs.roads.empty() && !diagnostics.has_errors()) {
                diagnostics.error(Context{},
                                  "travel-time rules need roads: a 'roads' line layer in the inputs, or --layer "
                                  "roads=DATASET[:LAYER]");
            }
        },
        [&] { io::check_consistency(inputs, across, read.threads); });
    diagnostics.merge(across);
    return inputs;
}

}  // namespace

model::Inputs read_checked(const io::ReadOptions& options, const rules::Rules& rules, Diagnostics& diagnostics,
                           const Reporter& reporter) {
    return read_checked_with(options, rules, io::DivisionTable(), diagnostics, reporter);
}

std::vector<std::vector<std::uint8_t>> verdicts(const coverage::Coverage& coverage) {
    std::vector<std::vector<std::uint8_t>> out;
    out.reserve(coverage.types.size());
    for (const auto& tc : coverage.types) out.push_back(tc.covered);
    return out;
}

Analysis::Analysis(model::Inputs in, const rules::Rules& rules, const Options& options, const Reporter& reporter,
                   Diagnostics diag, std::vector<StageTiming> laps)
    : inputs(std::move(in)), index(inputs), diagnostics(std::move(diag)), timings(std::move(laps)) {
    core::StageClock clock;
    const coverage::Options cover{options.gaps.threads, options.gaps.circle_segments};
    coverage = coverage::compute(index, rules, cover, diagnostics, reporter);
    timings.push_back(clock.lap("coverage"));

    gaps = gaps::compute(inputs, coverage, options.gaps, reporter);
    timings.push_back(clock.lap("gaps"));

    const auto& towns = inputs.townships.empty() ? gaps.dissolved_townships : inputs.townships;
    const auto& units = inputs.counties.empty() ? gaps.dissolved_counties : inputs.counties;
    const auto covered = verdicts(coverage);
    townships = gaps::summarise(inputs, covered, rules, rules::AdminLevel::township, towns);
    counties = gaps::summarise(inputs, covered, rules, rules::AdminLevel::county, units);
    timings.push_back(clock.lap("summaries"));
}

Analysis run(const Options& options, const rules::Rules& rules, const Reporter& reporter) {
    core::StageClock clock;
    Diagnostics diagnostics;
    const io::DivisionTable table;  // inflated and parsed once: names units, then weighs ethnic areas
    model::Inputs inputs = read_checked_with(options.read, rules, table, diagnostics, reporter);
    for (const auto& issue : diagnostics.grouped()) reporter.warning(issue.text());  // errors too, then stop
    require_no_errors(diagnostics);
    io::assign_priority(inputs, rules.priority, table);
    std::vector<StageTiming> timings{clock.lap("read")};
    return Analysis(std::move(inputs), rules, options, reporter, std::move(diagnostics), std::move(timings));
}

}  // namespace scicov::analysis
