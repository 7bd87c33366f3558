#include "scicov/analysis.hpp"

#include <algorithm>
#include <chrono>
#include <utility>

#include <sys/resource.h>

namespace scicov::analysis {

namespace {

/// The process's CPU seconds (all threads, user + system) and peak resident MiB so far.
std::pair<double, double> process_usage() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    const double cpu = static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
                       1e-6 * static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
    return {cpu, static_cast<double>(u.ru_maxrss) / 1024.0};  // Linux: ru_maxrss in kilobytes
}

}  // namespace

StageClock::StageClock() : m_wall(std::chrono::steady_clock::now()), m_cpu(process_usage().first) {}

StageTiming StageClock::lap(std::string stage) {
    const auto now = std::chrono::steady_clock::now();
    const auto [cpu, peak] = process_usage();
    StageTiming t{std::move(stage), std::chrono::duration<double>(now - m_wall).count(), cpu - m_cpu, peak};
    m_wall = now;
    m_cpu = cpu;
    return t;
}

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
    StageClock clock;
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
