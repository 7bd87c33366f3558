// scicov analyze: coverage and gaps → one GeoPackage.
#include <iomanip>
#include <iostream>
#include <sstream>

#include "command.hpp"
#include "input_options.hpp"
#include "output_options.hpp"

namespace scicov::cli {
namespace {

class AnalyzeCommand final : public Command {
public:
    CLI::App* setup(CLI::App& app) override {
        auto* sub = app.add_subcommand(
            "analyze",
            "Measure which villages and people each facility type reaches, find the gaps, and summarise every "
            "township and county against its targets. Writes one GeoPackage (villages, townships, counties, "
            "facilities, service_areas, gaps, run) in EPSG:4490 unless --out-crs.");
        m_inputs.add_to(*sub);
        m_output.add_to(*sub);
        return sub;
    }

    int run(const GlobalOptions& global) override {
        m_output.validate(m_inputs);
        const Reporter reporter = make_reporter(global);
        const rules::Rules rules = m_inputs.load_rules();
        analysis::Options options;
        options.read = m_inputs.read_options();
        options.gaps = m_output.gaps();
        options.read.threads = options.gaps.threads;
        const analysis::Analysis a = analysis::run(options, rules, reporter);
        write_analysis_output(m_output, m_inputs, rules, a, std::nullopt, "analyze");
        print_summary(std::cout, a, rules);
        return 0;
    }

private:
    InputOptions m_inputs;
    OutputOptions m_output;
};

}  // namespace

std::unique_ptr<Command> make_analyze_command() {
    return std::make_unique<AnalyzeCommand>();
}

}  // namespace scicov::cli
