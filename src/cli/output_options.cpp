#include "output_options.hpp"

#include "core/atomic_file.hpp"
#include "core/gdal.hpp"
#include "core/timing.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <iostream>

namespace scicov::cli {

void OutputOptions::add_to(CLI::App& app) {
    app.add_option("-o,--output", path,
                   "Output GeoPackage, *.gpkg (written under a temporary name, renamed when complete), or "
                   "PG:\"…\" to write the same layers into PostGIS in one transaction (docs/postgis.md)")
        ->required();
    app.add_option("--schema", schema,
                   "With -o PG:…: the PostgreSQL schema that receives the tables (default public; it must exist). "
                   "A run replaces the tables of the run before it at once, on commit");
    app.add_option("--out-crs", out_crs, "CRS of every output layer")->capture_default_str();
    app.add_option("--threads", threads_text,
                   "Worker threads for per-county work, 0 to 1024 (default 0: one per core)");
    app.add_option("--circle-segments", circle_segments,
                   "Vertices per quarter of a service disc (radius rules): areas, gaps, service areas and "
                   "min_area_fraction verdicts. 32 keeps the disc's area within 0.04% of the circle's; 8 (GEOS's "
                   "buffer default, 0.6%) makes the gap stage about a quarter faster on large runs")
        ->check(CLI::Range(1, 1024))
        ->capture_default_str();
    app.add_flag("--timings", timings,
                 "Record each stage's wall and CPU seconds and peak memory in the run table and print them on stderr "
                 "(off by default: the same input then gives the same bytes)");
    app.add_option("--csv", csv, "Also write a per-county summary as CSV (UTF-8, RFC 4180)");
    app.add_option("--json", json, "Also write a per-county summary as JSON");
}

std::string lower_extension(const std::filesystem::path& file) {
    std::string ext = file.extension().string();
    for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return ext;
}

output::SiteListFormat site_list_format(const std::string& file) {
    const std::string ext = lower_extension(file);
    if (ext == ".xlsx") return output::SiteListFormat::xlsx;
    if (ext == ".csv") return output::SiteListFormat::csv;
    throw Error(ErrorKind::usage, "--sites: the site list is written as .xlsx or .csv, got '" + file + "'");
}

namespace {

/// `-o` writes a GeoPackage: another extension (out.shp, out.csv) would get a GeoPackage under
/// the wrong name, so it is a usage error before any work.
void check_output_extension(const std::string& file) {
    const std::string ext = lower_extension(file);
    if (ext == ".gpkg") return;
    throw Error(ErrorKind::usage, "-o " + file + ": scicov writes a GeoPackage; name the output *.gpkg" +
                                      (ext.empty() ? std::string() : " (not " + ext + ")") +
                                      " and use --csv / --json for tables");
}

}  // namespace

void OutputOptions::validate(const InputOptions& inputs) {
    if (threads_text) {
        threads =
            checked("--threads", [&] { return static_cast<unsigned>(rules::parse_value("threads", *threads_text)); });
    }
    try {
        (void)gdal::srs_from_user_input(out_crs);
    } catch (const Error& e) {
        throw Error(ErrorKind::usage, "--out-crs: " + e.message());
    }
    const bool postgis = output::is_postgis(path);
    if (schema && !postgis) throw Error(ErrorKind::usage, "--schema needs a PostgreSQL output (-o PG:…)");
    if (!sites.empty()) (void)site_list_format(sites);
    std::vector<core::NamedPath> sources;
    for (const auto& input : inputs.inputs) sources.push_back({"", input});
    for (const auto& layer : inputs.layers)
        sources.push_back({"--layer", io::parse_layer_override(layer).second.dataset});
    sources.push_back({"--rules", inputs.rules_file});
    prepare_outputs({{"-o", postgis ? std::string() : path}, {"--csv", csv}, {"--json", json}, {"--sites", sites}},
                    sources);
    if (!postgis) check_output_extension(path);  // after: "the same file as an input" says more
    if (postgis) output::check_postgis(path, writer_options().schema);
}

void prepare_outputs(const std::vector<core::NamedPath>& outputs, const std::vector<core::NamedPath>& inputs) {
    core::check_outputs(outputs, inputs);
    for (const auto& output : outputs) {
        if (output.path.empty()) continue;
        const std::size_t removed = core::remove_stale_temporaries(output.path);
        if (removed > 0) {
            std::cerr << "scicov: removed " << removed << " stale temporary file" << (removed == 1 ? "" : "s") << " of "
                      << output.path.string() << " (left by a run that was killed)\n";
        }
    }
}

output::Options OutputOptions::writer_options() const {
    output::Options options{out_crs, timings};
    if (schema) options.schema = *schema;
    return options;
}

namespace {

std::string fixed(double v, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

/// The stages' wall and CPU seconds and peak memory on stderr, then their total.
void print_timings(const std::vector<StageTiming>& timings) {
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

}  // namespace

void write_analysis_output(const OutputOptions& output, const InputOptions& inputs, const rules::Rules& rules,
                           const analysis::Analysis& a, const std::optional<PlanOutput>& plan,
                           const std::string& command, const std::vector<StageTiming>& later) {
    core::StageClock clock;
    const planning::Result* result = plan ? &plan->result : nullptr;
    output::Writer writer(output.path, output.writer_options());
    writer.write_analysis(a, rules, result);
    if (plan) writer.write_plan(plan->result, rules);
    output::RunRecord record;
    record.command = command;
    record.inputs = inputs.inputs;
    record.layer_overrides = inputs.layers;
    record.counties = inputs.counties;
    record.rules_file = inputs.rules_file;
    record.rules = &rules;
    record.output_crs = output.out_crs;
    record.circle_segments = output.circle_segments;
    record.analysis = &a;
    record.plan_options = plan ? &plan->options : nullptr;
    record.plan = result;
    std::vector<StageTiming> timings = a.timings;
    timings.insert(timings.end(), later.begin(), later.end());
    timings.push_back(clock.lap("write"));
    if (output.timings) record.timings = timings;
    writer.write_run(output::run_table(record));
    const output::SiteList sites =
        output.sites.empty() ? output::SiteList{} : output::SiteList{output.sites, site_list_format(output.sites)};
    writer.commit(output::county_summary_files(output.csv, output.json, a, rules, result, sites));  // all or none
    if (output.timings) {
        timings.push_back(clock.lap("commit"));
        print_timings(timings);
    }
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
