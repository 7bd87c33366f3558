#include "scicov/analysis.hpp"

#include "core/timing.hpp"

#include <algorithm>
#include <chrono>
#include <utility>

namespace scicov::analysis {


void require_no_errors(const Diagnostics& diagnostics) {
    if (!diagnostics.has_errors()) return;
    const auto& first = *std::find_if(diagnostics.issues().begin(), diagnostics.issues().end(),
                                      [](const Issue& i) { return i.severity == Severity::error; });
    const std::string more =
        diagnostics.errors() > 1 ? " (and " + std::to_string(diagnostics.errors() - 1) + " more errors)" : "";
    throw Error(ErrorKind::input, first.message + more + "; nothing written", first.where);
}

model::Inputs read_checked(const io::ReadOptions& options, const rules::Rules& rules, Diagnostics& diagnostics,
                           const Reporter& reporter) {
    io::ReadOptions read = options;
    read.fields = rules.fields;
    read.type_keys.clear();
    for (const auto& t : rules.types) read.type_keys.push_back(t.key);
    model::Inputs inputs = io::read_inputs(read, diagnostics, reporter);
    if (inputs.villages.empty() && !diagnostics.has_errors()) {
        diagnostics.error(Context{}, "no villages to analyse");
    }
    return inputs;
}

Analysis run(const Options& options, const rules::Rules& rules, const Reporter& reporter) {
    Analysis a;
    core::StageClock clock;
    a.inputs = read_checked(options.read, rules, a.diagnostics, reporter);
    for (const auto& issue : a.diagnostics.issues()) reporter.warning(issue.text());  // errors too, then stop
    require_no_errors(a.diagnostics);
    io::assign_priority(a.inputs, rules.priority);
    a.timings.push_back(clock.lap("read"));

    const coverage::VillageIndex index(a.inputs);
    a.coverage = coverage::compute(a.inputs, index, rules, a.diagnostics, reporter, options.gaps.threads);
    a.timings.push_back(clock.lap("coverage"));

    a.gaps = gaps::compute(a.inputs, a.coverage, rules, options.gaps, reporter);
    a.timings.push_back(clock.lap("gaps"));

    const auto& towns = a.inputs.townships.empty() ? a.gaps.dissolved_townships : a.inputs.townships;
    const auto& counties = a.inputs.counties.empty() ? a.gaps.dissolved_counties : a.inputs.counties;
    a.townships = gaps::summarise(a.inputs, a.gaps.covered, rules, rules::AdminLevel::township, towns);
    a.counties = gaps::summarise(a.inputs, a.gaps.covered, rules, rules::AdminLevel::county, counties);
    a.timings.push_back(clock.lap("summaries"));
    return a;
}

}  // namespace scicov::analysis
