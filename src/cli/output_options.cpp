#include "core/gdal.hpp"
#include "core/timing.hpp"
#include "output_options.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>

namespace scicov::cli {

void OutputOptions::add_to(CLI::App& app) {
    app.add_option("-o,--output", path, "Output GeoPackage (written under a temporary name, renamed when complete)")
        ->required();
    app.add_option("--out-crs", out_crs, "CRS of every output layer")->capture_default_str();
    app.add_option("--threads", threads, "Worker threads for per-county work (0: one per core)")->capture_default_str();
    app.add_option("--circle-segments", circle_segments,
                   "Vertices per quarter of a service disc (radius rules): areas, gaps, service areas and "
                   "min_area_fraction verdicts. 32 keeps the disc's area within 0.04% of the circle's; 8 (GEOS's "
                   "buffer default, 0.6%) makes the gap stage about a quarter faster on large runs")
        ->check(CLI::Range(1, 1024))
        ->capture_default_str();
    app.add_flag("--timings", timings,
                 "Record each stage's wall and CPU seconds and peak memory in the run table and print them on stderr (off by default: the same input then gives the same bytes)");
    app.add_option("--csv", csv, "Also write a per-county summary as CSV (UTF-8, RFC 4180)");
    app.add_option("--json", json, "Also write a per-county summary as JSON");
}

void OutputOptions::validate() const {
    try {
        (void)gdal::srs_from_user_input(out_crs);
    } catch (const Error& e) {
        throw Error(ErrorKind::usage, "--out-crs: " + e.message());
    }
    for (const auto& file : {path, csv, json}) {
        if (file.empty()) continue;
        const auto target = std::filesystem::path(file);
        const auto folder = target.has_parent_path() ? target.parent_path() : std::filesystem::path(".");
        std::error_code ec;
        if (!std::filesystem::is_directory(folder, ec)) {
            throw Error(ErrorKind::io, "the output folder " + folder.string() + " does not exist",
                        Context{file, {}, {}, {}});
        }
    }
}

namespace {

std::string fixed(double v, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& i : items) out += (out.empty() ? "" : " ") + i;
    return out;
}

}  // namespace

void write_analysis_output(
    const OutputOptions& output, const InputOptions& inputs, const rules::Rules& rules, const analysis::Analysis& a,
    const planning::Result* plan, const std::string& command,
    const std::function<void(output::Writer&, std::vector<std::pair<std::string, std::string>>&)>& extra,
    const std::vector<StageTiming>& later) {
    core::StageClock clock;
    output::Writer writer(output.path, output::Options{output.out_crs, output.timings});
    writer.write_analysis(a, rules, plan);
    if (plan != nullptr) writer.write_plan(*plan, rules);
    std::vector<std::pair<std::string, std::string>> rows{
        {"scicov_version", SCICOV_VERSION},
        {"command", command},
        {"inputs", join(inputs.inputs)},
        {"layer_overrides", join(inputs.layers)},
        {"counties_requested", join(inputs.counties)},
        {"rules_file", inputs.rules_file.empty() ? "(defaults)" : inputs.rules_file},
        {"rules", rules::to_toml(rules)},
        {"output_crs", output.out_crs},
        {"circle_segments", std::to_string(output.circle_segments)},
        {"villages", std::to_string(a.inputs.villages.size())},
        {"counties", std::to_string(a.counties.size())},
        {"facilities", std::to_string(a.inputs.facilities.size())},
        {"candidates", std::to_string(a.inputs.candidates.size())},
        {"warnings", std::to_string(a.diagnostics.warnings())},
    };
    for (const auto& issue : a.diagnostics.issues()) rows.emplace_back("warning", issue.text());
    if (extra) extra(writer, rows);
    std::vector<StageTiming> timings = a.timings;
    timings.insert(timings.end(), later.begin(), later.end());
    timings.push_back(clock.lap("write"));
    if (output.timings) {
        for (const auto& t : timings) {
            rows.emplace_back("seconds_" + t.stage, fixed(t.wall_s, 3));
            rows.emplace_back("cpu_seconds_" + t.stage, fixed(t.cpu_s, 3));
            rows.emplace_back("peak_mib_" + t.stage, fixed(t.peak_mib, 0));
        }
    }
    writer.write_run(rows);
    writer.commit();
    if (output.timings) {
        timings.push_back(clock.lap("commit"));
        const auto print = [](const StageTiming& t) {
            char line[128];
            std::snprintf(line, sizeof line, "%-10s %8.3f  %8.3f  %8.0f\n", t.stage.c_str(), t.wall_s, t.cpu_s, t.peak_mib);
            std::cerr << line;
        };
        std::cerr << "stage        wall s     cpu s  peak MiB\n";
        StageTiming total{"total"};
        for (const auto& t : timings) {
            print(t);
            total.wall_s += t.wall_s;
            total.cpu_s += t.cpu_s;
            total.peak_mib = std::max(total.peak_mib, t.peak_mib);
        }
        print(total);
    }
    output::write_county_summaries(output.csv, output.json, a, rules, plan);
}

void print_summary(std::ostream& os, const analysis::Analysis& a, const rules::Rules& rules) {
    double people = 0;
    for (const auto& v : a.inputs.villages) people += v.population;
    os << a.counties.size() << " counties, " << a.inputs.villages.size() << " villages, " << fixed(people, 0)
       << " people\n";
    for (std::size_t t = 0; t < rules.types.size(); ++t) {
        const auto& type = rules.types[t];
        int met = 0, villages_cov = 0;
        double pop_cov = 0;
        for (const auto& c : a.counties) {
            met += c.types[t].met ? 1 : 0;
            villages_cov += c.types[t].villages_cov;
            pop_cov += c.types[t].pop_cov;
        }
        os << "  " << type.key << " (" << type.name_zh << "): " << villages_cov << " villages, "
           << fixed(people > 0 ? 100.0 * pop_cov / people : 0.0, 1) << "% of people covered; target met in " << met
           << "/" << a.counties.size() << " counties\n";
    }
}

}  // namespace scicov::cli
