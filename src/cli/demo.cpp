// scicov demo: the whole chain on the committed sample.
#include <filesystem>
#include <iostream>

#include "command.hpp"

namespace scicov::cli {
namespace {

class DemoCommand final : public Command {
public:
    CLI::App* setup(CLI::App& app) override {
        auto* sub = app.add_subcommand("demo", "Run the whole chain on the committed sample (geodata/)");
        sub->add_option("-o,--output", m_output, "Output folder")->capture_default_str();
        return sub;
    }
    int run(const GlobalOptions& /*global*/) override {
        std::cout << "demo: not yet\n";
        return 1;
    }

private:
    std::filesystem::path m_output = "scicov-demo";
};

}  // namespace

std::unique_ptr<Command> make_demo_command() { return std::make_unique<DemoCommand>(); }

}  // namespace scicov::cli
