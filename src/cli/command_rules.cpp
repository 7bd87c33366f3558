// scicov rules: print the default rules file, or check one and print the rules in effect.
#include <iostream>
#include <string>

#include "command.hpp"
#include "scicov/rules.hpp"

namespace scicov::cli {
namespace {

class RulesCommand final : public Command {
public:
    CLI::App* setup(CLI::App& app) override {
        auto* sub = app.add_subcommand(
            "rules",
            "Print the default rules file (commented TOML, POLICY.md defaults) to copy and edit;\n"
            "with --check, validate a rules file and print the rules in effect (defaults + the file)");
        sub->add_option("--check", m_check, "Rules file to validate")->check(CLI::ExistingFile);
        sub->add_flag("--travel-time", m_travel_time,
                      "Print rules with travel-time coverage over a roads layer: science bases 30 minutes' drive,\n"
                      "e-stations 15 minutes' walk");
        return sub;
    }
    int run(const GlobalOptions& /*global*/) override {
        if (m_check.empty()) {
            std::cout << (m_travel_time ? rules::travel_time_rules_toml() : rules::default_rules_toml());
            return 0;
        }
        const auto effective = rules::load_rules(m_check);
        std::cout << "# Rules in effect with " << m_check << " (defaults + the file); it is valid.\n"
                  << rules::to_toml(effective);
        return 0;
    }

private:
    std::string m_check;
    bool m_travel_time = false;
};

}  // namespace

std::unique_ptr<Command> make_rules_command() {
    return std::make_unique<RulesCommand>();
}

}  // namespace scicov::cli
