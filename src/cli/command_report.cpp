// scicov report: one self-contained HTML report of an output GeoPackage.
#include <cstdlib>
#include <iostream>
#include <optional>

#include "command.hpp"
#include "output_options.hpp"
#include "scicov/report.hpp"

namespace scicov::cli {
namespace {

class ReportCommand final : public Command {
public:
    CLI::App* setup(CLI::App& app) override {
        auto* sub = app.add_subcommand(
            "report",
            "Write one self-contained HTML report of an output GeoPackage (no network needed to view or print it): "
            "per-county tables of targets, shares before and after the plan, gaps and sites per year; maps; the plan "
            "year by year; coverage-vs-sites curves; urban (社区) vs rural (村) coverage; the inputs and rules used.");
        sub->add_option("gpkg", m_input, "Output GeoPackage of scicov analyze or plan")->required();
        sub->add_option("-o,--output", m_output, "HTML file")->required();
        sub->add_option("--date", m_date,
                        "Date printed in the report, YYYY-MM-DD (default: SOURCE_DATE_EPOCH, else today)");
        sub->add_option("--map-width", m_options.map_width_px, "Width of the maps in pixels")->capture_default_str();
        return sub;
    }

    int run(const GlobalOptions& /*global*/) override {
        report::ReportOptions options = m_options;
        options.date = report::resolve_date(m_date, std::getenv("SOURCE_DATE_EPOCH"));
        prepare_outputs({{"-o", m_output}}, {{"", m_input}});
        const report::Output out = report::load_output(m_input);
        report::write_report(out, options, m_output);
        std::cout << "wrote " << m_output << '\n';
        return 0;
    }

private:
    std::string m_input;
    std::string m_output;
    std::optional<std::string> m_date;
    report::ReportOptions m_options;
};

}  // namespace

std::unique_ptr<Command> make_report_command() {
    return std::make_unique<ReportCommand>();
}

}  // namespace scicov::cli
