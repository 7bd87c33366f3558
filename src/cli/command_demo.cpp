// scicov demo: the whole chain on the committed sample (geodata/sample.gpkg).
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>

#include "command.hpp"
#include "output_options.hpp"
#include "scicov/report.hpp"
#include "scicov/webmap.hpp"

namespace scicov::cli {
namespace {

class DemoCommand final : public Command {
public:
    CLI::App* setup(CLI::App& app) override {
        auto* sub = app.add_subcommand(
            "demo",
            "Run the whole chain on the committed sample — Panzhihua, Qujing, Yinchuan, Mudan district and Tianxin "
            "district: real county boundaries, synthetic villages and facilities — with the default rules: "
            "analysis, then a phased plan (6 sites a year city-wide). Writes DIR/scicov.gpkg, DIR/map.png, "
            "DIR/report.html and DIR/webmap.html.");
        sub->add_flag("--travel-time", m_travel_time,
                      "With the rules of `scicov rules --travel-time`: science bases within 30 minutes' drive and "
                      "e-stations within 15 minutes' walk on the sample's roads layer");
        sub->add_option("-o,--output", m_output, "Output folder")->capture_default_str();
        sub->add_option("--data", m_data, "The sample GeoPackage")->capture_default_str();
        return sub;
    }

    int run(const GlobalOptions& global) override {
        const Reporter reporter = make_reporter(global);
        if (!std::filesystem::exists(m_data)) {
            throw Error(ErrorKind::input, "the sample is not there; run from the repository or pass --data",
                        Context{m_data, {}, {}, {}});
        }
        std::filesystem::create_directories(m_output);
        const rules::Rules rules =
            m_travel_time ? rules::parse_rules(rules::travel_time_rules_toml(), "scicov rules --travel-time")
                          : rules::default_rules();
        InputOptions inputs;
        inputs.inputs = {m_data};
        analysis::Options options;
        options.read = inputs.read_options();
        const analysis::Analysis a = analysis::run(options, rules, reporter);
        const planning::Options plan_options = planning::defaults(rules);
        const planning::Result plan = planning::run(a, rules, plan_options, reporter);
        OutputOptions output;
        output.path = (std::filesystem::path(m_output) / "scicov.gpkg").string();
        write_analysis_output(output, inputs, rules, a, PlanOutput{plan_options, plan}, "demo");
        std::cout << "scicov demo on " << m_data << '\n';
        print_summary(std::cout, a, rules);
        int sites = static_cast<int>(plan.sites.size());
        int last_year = 0;
        for (const auto& s : plan.sites) last_year = std::max(last_year, s.year);
        std::cout << "  plan: " << sites << " new sites";
        if (last_year > 0) std::cout << ", the last in " << last_year;
        std::cout << "\nwrote " << output.path << " (open it in QGIS)\n";
        // The map and the report, from the GeoPackage just written (what a planner hands on).
        const report::Output out = report::load_output(output.path);
        const std::string date = report::resolve_date(std::nullopt, std::getenv("SOURCE_DATE_EPOCH"));
        report::MapOptions map_options;
        map_options.date = date;
        const std::filesystem::path map_path = std::filesystem::path(m_output) / "map.png";
        report::write_map(out, map_options, map_path);
        report::ReportOptions report_options;
        report_options.date = date;
        const std::filesystem::path report_path = std::filesystem::path(m_output) / "report.html";
        report::write_report(out, report_options, report_path);
        std::cout << "wrote " << map_path.string() << " (" << out.type_name(map_options.type) << ", all counties)\n"
                  << "wrote " << report_path.string() << " (open it in a browser; prints to PDF)\n";
        const auto webmap_path = webmap::write_webmap(output.path, {}, std::filesystem::path(m_output) / "webmap.html");
        std::cout << "wrote " << webmap_path.string() << " (the interactive map: open it in a browser)\n";
        return 0;
    }

private:
    std::string m_output = "scicov-demo";
    bool m_travel_time = false;
    std::string m_data = std::string(SCICOV_SOURCE_DIR) + "/geodata/sample.gpkg";
};

}  // namespace

std::unique_ptr<Command> make_demo_command() {
    return std::make_unique<DemoCommand>();
}

}  // namespace scicov::cli
