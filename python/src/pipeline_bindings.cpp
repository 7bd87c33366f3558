// The analyze and plan pipeline for Python: the same library calls as `scicov analyze|plan`, the
// per-county summaries returned as plain dicts and lists, the GeoPackage written when asked.
// The work runs with the GIL released; progress callbacks take it back for their call.
#include <pybind11/functional.h>
#include <pybind11/stl.h>

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include <ogr_spatialref.h>

#include "bindings.hpp"
#include "scicov/analysis.hpp"
#include "scicov/output.hpp"
#include "scicov/planning.hpp"
#include "scicov/rules.hpp"

namespace py = pybind11;

namespace scicov::python {
namespace {

/// What analyze and plan share (the CLI's input and output options).
struct RunArgs {
    std::vector<std::string> inputs;
    std::string rules_file;           ///< empty: the default rules
    std::vector<std::string> layers;  ///< "ROLE=DATASET[:LAYER]"
    std::map<std::string, std::string> crs, datum;
    std::vector<std::string> counties;
    unsigned threads = 0;
    int circle_segments = gaps::Options{}.circle_segments;
    std::string output, out_crs = crs::k_output_crs, csv, json;
};

/// What only plan takes (the CLI's plan options; 0 or negative: the rules' default).
struct PlanArgs {
    std::vector<std::string> budgets;  ///< "TYPE=N" or "TYPE=1..N"
    int per_year = 0, start_year = 0, by_year = 0;
    std::string year_scope = "city", solver = "automatic";
    double time_limit_s = 0, gap = 0, min_spacing_m = -1;
};

using Progress = std::function<void(const std::string&, double)>;

/// Checks what can be checked before any work, as the CLI does: the output CRS and folders.
void check_outputs(const RunArgs& args) {
    OGRSpatialReference srs;
    if (srs.SetFromUserInput(args.out_crs.c_str()) != OGRERR_NONE) {
        throw Error(ErrorKind::usage, "out_crs: '" + args.out_crs + "' is not a CRS GDAL knows");
    }
    for (const auto& file : {args.output, args.csv, args.json}) {
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

analysis::Options analysis_options(const RunArgs& args) {
    analysis::Options o;
    o.read.inputs = args.inputs;
    for (const auto& l : args.layers) o.read.layers.insert(io::parse_layer_override(l));
    o.read.crs = args.crs;
    o.read.datum = args.datum;
    o.read.counties = args.counties;
    if (o.read.inputs.empty() && o.read.layers.empty()) {
        throw Error(ErrorKind::usage, "no inputs: name at least one dataset (or layers={ROLE: DATASET})");
    }
    o.gaps = gaps::Options{args.threads, args.circle_segments};
    return o;
}

/// The plan's options as `scicov plan` makes them: rules keys given for this run go through
/// rules::apply (checked as in a rules file), the plan's own options through planning::set.
planning::Options planning_options(const PlanArgs& args, const rules::Rules& rules, unsigned threads) {
    const auto checked = [](const char* name, auto&& fn) {
        try {
            return fn();
        } catch (const Error& e) {
            throw Error(ErrorKind::usage, std::string(name) + ": " + e.message());  // as the CLI's exit 2
        }
    };
    rules::Overrides overrides;
    if (args.per_year != 0) overrides.emplace_back("planning.per_year", std::to_string(args.per_year));
    if (args.start_year != 0) overrides.emplace_back("planning.start_year", std::to_string(args.start_year));
    if (args.time_limit_s != 0) overrides.emplace_back("planning.time_limit_s", std::to_string(args.time_limit_s));
    if (args.min_spacing_m >= 0) overrides.emplace_back("planning.min_spacing_m", std::to_string(args.min_spacing_m));
    const rules::Rules used = checked("plan options", [&] { return rules::apply(rules, overrides); });
    planning::Options o = planning::defaults(used);
    const auto set = [&](const char* name, std::string_view key, const std::string& text) {
        checked(name, [&] {
            planning::set(o, rules, key, text);
            return 0;
        });
    };
    for (const auto& b : args.budgets) set("budgets", "budget", b);
    set("year_scope", "year_scope", args.year_scope);
    set("solver", "solver", args.solver);
    set("gap", "relative_gap", std::to_string(args.gap));
    if (args.by_year != 0) set("by_year", "by_year", std::to_string(args.by_year));
    o.threads = threads;
    return o;
}

/// Progress to the Python callable (under the GIL), warnings collected for the result.
struct Collector {
    std::mutex mutex;
    std::vector<std::string> warnings;

    Reporter reporter(const Progress& progress) {
        Reporter r;
        if (progress) {
            r.progress = [&progress](std::string_view stage, double fraction) {
                py::gil_scoped_acquire acquire;
                progress(std::string(stage), fraction);
            };
        }
        r.warn = [this](const std::string& message) {
            const std::lock_guard lock(mutex);
            warnings.push_back(message);
        };
        return r;
    }
};

/// The GeoPackage and summaries `scicov analyze|plan` would write, with the library's run table.
void write_outputs(const RunArgs& args, const rules::Rules& rules, const analysis::Analysis& a,
                   const planning::Options* plan_options, const planning::Result* plan, const std::string& command) {
    if (!args.output.empty()) {
        output::Writer writer(args.output, output::Options{args.out_crs, false});
        writer.write_analysis(a, rules, plan);
        if (plan != nullptr) writer.write_plan(*plan, rules);
        output::RunRecord record;
        record.command = command;
        record.interface = "python";
        record.inputs = args.inputs;
        record.layer_overrides = args.layers;
        record.counties = args.counties;
        record.rules_file = args.rules_file;
        record.rules = &rules;
        record.output_crs = args.out_crs;
        record.circle_segments = args.circle_segments;
        record.analysis = &a;
        record.plan_options = plan_options;
        record.plan = plan;
        writer.write_run(output::run_table(record));
        writer.commit(output::county_summary_files(args.csv, args.json, a, rules, plan));  // all or none
    } else {
        output::write_county_summaries(args.csv, args.json, a, rules, plan);
    }
}

// ---- results as plain Python values ------------------------------------------------------------

py::dict unit_dict(const gaps::UnitSummary& u, const rules::Rules& rules) {
    py::dict d;
    d["code"] = u.code;
    d["name"] = u.name;
    d["county_code"] = u.county_code;
    d["villages"] = u.villages;
    d["population"] = u.population;
    d["urban_villages"] = u.urban_villages;
    d["rural_villages"] = u.rural_villages;
    d["urban_population"] = u.urban_pop;
    d["rural_population"] = u.rural_pop;
    py::dict types;
    for (std::size_t t = 0; t < u.types.size() && t < rules.types.size(); ++t) {
        const auto& s = u.types[t];
        py::dict ts;
        ts["villages_covered"] = s.villages_cov;
        ts["population_covered"] = s.pop_cov;
        ts["share"] = s.share;
        ts["target"] = s.target;
        ts["met"] = s.met;
        ts["gap"] = s.gap;
        ts["urban_villages_covered"] = s.urban_villages_cov;
        ts["rural_villages_covered"] = s.rural_villages_cov;
        ts["urban_population_covered"] = s.urban_pop_cov;
        ts["rural_population_covered"] = s.rural_pop_cov;
        types[py::str(rules.types[t].key)] = ts;
    }
    d["types"] = types;
    return d;
}

py::list units_list(const std::vector<gaps::UnitSummary>& units, const rules::Rules& rules) {
    py::list out;
    for (const auto& u : units) out.append(unit_dict(u, rules));
    return out;
}

py::dict analysis_dict(const analysis::Analysis& a, const rules::Rules& rules, std::vector<std::string> warnings) {
    py::dict d;
    py::list types;
    for (const auto& t : rules.types) types.append(t.key);
    d["types"] = types;
    d["counties"] = units_list(a.counties, rules);
    d["townships"] = units_list(a.townships, rules);
    d["villages"] = a.inputs.villages.size();
    d["facilities"] = a.inputs.facilities.size();
    d["candidates"] = a.inputs.candidates.size();
    d["warnings"] = std::move(warnings);
    py::list timings;
    for (const auto& t : a.timings) {
        timings.append(py::dict(py::arg("stage") = t.stage, py::arg("wall_s") = t.wall_s, py::arg("cpu_s") = t.cpu_s,
                                py::arg("peak_mib") = t.peak_mib));
    }
    d["timings"] = timings;
    return d;
}

py::dict site_dict(const planning::ProposedSite& s) {
    py::dict d;
    d["id"] = s.id;
    d["type"] = s.type;
    d["county_code"] = s.county_code;
    d["township_code"] = s.township_code;
    d["village_code"] = s.village_code;
    d["candidate_id"] = s.candidate_id;
    d["host_kind"] = s.host_kind;
    d["lon"] = s.location.lon;
    d["lat"] = s.location.lat;
    d["rank"] = s.rank;
    d["year"] = s.year;
    d["budget"] = s.budget;
    d["gain_villages"] = s.gain_villages;
    d["gain_population"] = s.gain_population;
    d["cost"] = s.cost;
    return d;
}

py::dict summary_dict(const planning::SummaryRow& r) {
    py::dict d;
    d["county_code"] = r.county_code;
    d["type"] = r.type;
    d["model"] = r.model;
    d["status"] = r.status;
    d["method"] = r.method;
    d["objective"] = r.objective;
    d["bound"] = r.bound;
    d["gap"] = r.gap;
    d["seconds"] = r.seconds;
    d["sites"] = r.sites;
    d["budget"] = r.budget;
    d["cost"] = r.cost;
    d["share_before"] = r.share_before;
    d["share_after"] = r.share_after;
    d["target"] = r.target;
    d["reachable_share"] = r.reachable_share;
    d["year_met"] = r.year_met;
    d["uncoverable"] = r.uncoverable;
    d["candidates"] = r.candidates;
    return d;
}

void add_plan(py::dict& d, const planning::Result& plan, const rules::Rules& rules) {
    py::list sites, summary, needed;
    for (const auto& s : plan.sites) sites.append(site_dict(s));
    for (const auto& r : plan.summary) summary.append(summary_dict(r));
    for (const auto& [key, n] : plan.per_year_needed) {
        needed.append(py::dict(py::arg("city") = key.first, py::arg("type") = key.second, py::arg("per_year") = n));
    }
    d["sites"] = sites;
    d["summary"] = summary;
    d["counties_after"] = units_list(plan.counties_after, rules);
    d["per_year_needed"] = needed;
}

rules::Rules load_rules(const RunArgs& args) {
    return args.rules_file.empty() ? rules::default_rules() : rules::load_rules(args.rules_file);
}

py::dict analyze(const RunArgs& args, const Progress& progress) {
    const analysis::Options options = analysis_options(args);
    Collector collector;
    const Reporter reporter = collector.reporter(progress);
    std::unique_ptr<rules::Rules> rules;
    std::unique_ptr<analysis::Analysis> a;
    {
        py::gil_scoped_release release;
        check_outputs(args);
        rules = std::make_unique<rules::Rules>(load_rules(args));
        a.reset(new analysis::Analysis(analysis::run(options, *rules, reporter)));  // built in place
        write_outputs(args, *rules, *a, nullptr, nullptr, "analyze");
    }
    return analysis_dict(*a, *rules, std::move(collector.warnings));
}

py::dict plan(const RunArgs& args, const PlanArgs& plan_args, const Progress& progress) {
    const analysis::Options options = analysis_options(args);
    Collector collector;
    const Reporter reporter = collector.reporter(progress);
    std::unique_ptr<rules::Rules> rules;
    std::unique_ptr<analysis::Analysis> a;
    std::unique_ptr<planning::Result> result;
    {
        py::gil_scoped_release release;
        check_outputs(args);
        rules = std::make_unique<rules::Rules>(load_rules(args));
        const planning::Options o = planning_options(plan_args, *rules, args.threads);
        a.reset(new analysis::Analysis(analysis::run(options, *rules, reporter)));  // built in place
        result = std::make_unique<planning::Result>(planning::run(*a, *rules, o, reporter));
        write_outputs(args, *rules, *a, &o, result.get(), "plan");
    }
    py::dict d = analysis_dict(*a, *rules, std::move(collector.warnings));
    add_plan(d, *result, *rules);
    return d;
}

}  // namespace

void bind_pipeline(py::module_& m) {
    py::class_<RunArgs>(m, "RunArgs", "Inputs and outputs of analyze and plan (filled by scicov.analyze/plan)")
        .def(py::init<>())
        .def_readwrite("inputs", &RunArgs::inputs)
        .def_readwrite("rules_file", &RunArgs::rules_file)
        .def_readwrite("layers", &RunArgs::layers)
        .def_readwrite("crs", &RunArgs::crs)
        .def_readwrite("datum", &RunArgs::datum)
        .def_readwrite("counties", &RunArgs::counties)
        .def_readwrite("threads", &RunArgs::threads)
        .def_readwrite("circle_segments", &RunArgs::circle_segments)
        .def_readwrite("output", &RunArgs::output)
        .def_readwrite("out_crs", &RunArgs::out_crs)
        .def_readwrite("csv", &RunArgs::csv)
        .def_readwrite("json", &RunArgs::json);
    py::class_<PlanArgs>(m, "PlanArgs", "The plan's own options (filled by scicov.plan)")
        .def(py::init<>())
        .def_readwrite("budgets", &PlanArgs::budgets)
        .def_readwrite("per_year", &PlanArgs::per_year)
        .def_readwrite("start_year", &PlanArgs::start_year)
        .def_readwrite("by_year", &PlanArgs::by_year)
        .def_readwrite("year_scope", &PlanArgs::year_scope)
        .def_readwrite("solver", &PlanArgs::solver)
        .def_readwrite("time_limit_s", &PlanArgs::time_limit_s)
        .def_readwrite("gap", &PlanArgs::gap)
        .def_readwrite("min_spacing_m", &PlanArgs::min_spacing_m);
    m.def("analyze", &analyze, py::arg("args"), py::arg("progress") = nullptr);
    m.def("plan", &plan, py::arg("args"), py::arg("plan_args"), py::arg("progress") = nullptr);
    m.def("default_rules_toml", &rules::default_rules_toml, "The default rules as a commented TOML document");
    m.def(
        "check_rules", [](const std::string& path) { (void)rules::load_rules(path); }, py::arg("path"),
        "Loads a rules file; raises scicov.Error (kind 'rules') naming the key and line of a problem");
}

}  // namespace scicov::python
