// The `run` table: the provenance of an output, built from what the run used (not from what a
// front end parsed), so every caller of the library records the same rows for the same run.
#include <array>
#include <charconv>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "scicov/output.hpp"
#include "scicov/rules.hpp"

namespace scicov::output {

namespace {

using Rows = std::vector<std::pair<std::string, std::string>>;

std::string fixed(double v, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

/// The shortest text that reads back as `v` ("60", "0.5").
std::string number(double v) {
    std::array<char, 64> buf{};
    const auto result = std::to_chars(buf.data(), buf.data() + buf.size(), v);
    return std::string(buf.data(), result.ptr);
}

std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& i : items) out += (out.empty() ? "" : " ") + i;
    return out;
}

/// The plan's options as used, and what it found out about the years.
void add_plan_rows(Rows& rows, const planning::Options& o, const rules::Rules& rules, const planning::Result& plan) {
    rows.emplace_back("per_year", std::to_string(o.per_year));
    for (const auto& [type, n] : o.per_year_of_type) rows.emplace_back("per_year:" + type, std::to_string(n));
    rows.emplace_back("start_year", std::to_string(o.start_year));
    rows.emplace_back("year_scope", planning::to_string(o.scope));
    rows.emplace_back("solver", std::string(cover::to_string(o.solve.solver)));
    for (const auto& [type, budgets] : o.budgets) rows.emplace_back("budget", planning::budget_text(type, budgets));
    // The rules row holds the rules as read; a value set for this run alone is recorded here.
    if (o.solve.time_limit_s != rules.planning.time_limit_s) {
        rows.emplace_back("time_limit_s", number(o.solve.time_limit_s));
    }
    if (o.min_spacing_m != rules.planning.min_spacing_m) rows.emplace_back("min_spacing_m", number(o.min_spacing_m));
    if (o.solve.relative_gap != 0) rows.emplace_back("relative_gap", number(o.solve.relative_gap));
    if (o.equalise != rules.planning.equalise) rows.emplace_back("equalise", rules::to_string(o.equalise));
    for (const auto& [key, n] : plan.per_year_needed) {
        rows.emplace_back("per_year_to_meet_by_" + std::to_string(o.by_year) + ":" + key.first + ":" + key.second,
                          std::to_string(n));
    }
}

}  // namespace

std::vector<std::pair<std::string, std::string>> run_table(const RunRecord& record) {
    if (record.rules == nullptr || record.analysis == nullptr) {
        throw Error(ErrorKind::internal, "run_table: the record needs the rules and the analysis");
    }
    const auto& a = *record.analysis;
    Rows rows{
        {"scicov_version", SCICOV_VERSION},
        {"command", record.command},
    };
    if (!record.interface.empty()) rows.emplace_back("interface", record.interface);
    rows.insert(rows.end(), {
                                {"inputs", join(record.inputs)},
                                {"layer_overrides", join(record.layer_overrides)},
                                {"counties_requested", join(record.counties)},
                                {"rules_file", record.rules_file.empty() ? "(defaults)" : record.rules_file},
                                {"rules", rules::to_toml(*record.rules)},
                                {"output_crs", record.output_crs},
                                {"circle_segments", std::to_string(record.circle_segments)},
                                {"villages", std::to_string(a.inputs.villages.size())},
                                {"counties", std::to_string(a.counties.size())},
                                {"facilities", std::to_string(a.inputs.facilities.size())},
                                {"candidates", std::to_string(a.inputs.candidates.size())},
                                {"warnings", std::to_string(a.diagnostics.warnings())},
                            });
    for (const auto& issue : a.diagnostics.grouped()) rows.emplace_back("warning", issue.text());
    if (record.plan_options != nullptr && record.plan != nullptr) {
        add_plan_rows(rows, *record.plan_options, *record.rules, *record.plan);
    }
    for (const auto& t : record.timings) {
        rows.emplace_back("seconds_" + t.stage, fixed(t.wall_s, 3));
        rows.emplace_back("cpu_seconds_" + t.stage, fixed(t.cpu_s, 3));
        rows.emplace_back("peak_mib_" + t.stage, fixed(t.peak_mib, 0));
    }
    return rows;
}

}  // namespace scicov::output
