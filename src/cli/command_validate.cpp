// scicov validate: check the inputs, write nothing.
#include <iostream>

#include "command.hpp"
#include "input_options.hpp"
#include "scicov/analysis.hpp"
#include "scicov/coverage.hpp"

namespace scicov::cli {
namespace {

class ValidateCommand final : public Command {
public:
    CLI::App* setup(CLI::App& app) override {
        auto* sub = app.add_subcommand(
            "validate",
            "Check the inputs and write nothing: layers and fields, geometry types and validity, codes, "
            "population, CRS, facility types, facilities outside every village. One line per problem naming "
            "file, layer, feature and field; exit 1 when any is an error.");
        m_inputs.add_to(*sub);
        return sub;
    }

    int run(const GlobalOptions& global) override {
        const Reporter reporter = make_reporter(global);
        const rules::Rules rules = m_inputs.load_rules();
        Diagnostics diagnostics;
        model::Inputs inputs = analysis::read_checked(m_inputs.read_options(), rules, diagnostics, reporter);
        if (!diagnostics.has_errors() && !inputs.villages.empty()) {
            // Locating facilities is part of the checks (a facility outside every village), with
            // the same index and warning as an analysis.
            const coverage::VillageIndex index(inputs);
            coverage::locate_facilities(index, diagnostics, 0);
        }
        print_issues(diagnostics);
        std::cout << inputs.villages.size() << " villages, " << inputs.townships.size() << " townships, "
                  << inputs.counties.size() << " counties, " << inputs.facilities.size() << " facilities, "
                  << inputs.candidates.size() << " candidates: " << diagnostics.errors() << " errors, "
                  << diagnostics.warnings() << " warnings\n";
        return diagnostics.has_errors() ? 1 : 0;
    }

private:
    InputOptions m_inputs;
};

}  // namespace

std::unique_ptr<Command> make_validate_command() {
    return std::make_unique<ValidateCommand>();
}

}  // namespace scicov::cli
