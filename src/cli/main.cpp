// scicov: coverage analysis and siting of science-popularisation facilities.
#include <cstdio>
#include <iostream>

#include <cpl_progress.h>

#include "command.hpp"
#include "scicov/error.hpp"

namespace scicov::cli {

Reporter make_reporter(const GlobalOptions& global) {
    Reporter r;
    r.warn = [](const std::string& m) { std::cerr << "warning: " << m << '\n'; };
    if (!global.quiet) {
        // GDALTermProgress keeps its own state between calls of one stage; a new stage
        // starts by printing its name and restarting at 0.
        r.progress = [last = std::string()](std::string_view stage, double fraction) mutable {
            if (stage != last) {
                last = std::string(stage);
                std::cerr << last << ": ";
                GDALTermProgress(0.0, nullptr, nullptr);
            }
            GDALTermProgress(fraction, nullptr, nullptr);
        };
    }
    return r;
}

}  // namespace scicov::cli

int main(int argc, char** argv) {
    using namespace scicov;
    CLI::App app{
        "scicov — coverage and siting of science-popularisation facilities (科普基础设施)\n"
        "Measures which villages and people science museums, science-education bases, e-stations\n"
        "and village science rooms reach, finds the gaps, and proposes new sites year by year.",
        "scicov"};
    app.set_version_flag("--version", std::string("scicov ") + SCICOV_VERSION);
    app.require_subcommand(1);
    cli::GlobalOptions global;
    app.add_flag("-q,--quiet", global.quiet, "No progress on stderr (warnings and errors still show)");

    std::vector<std::unique_ptr<cli::Command>> commands;
    commands.push_back(cli::make_demo_command());
    commands.push_back(cli::make_rules_command());
    std::vector<std::pair<CLI::App*, cli::Command*>> subs;
    for (auto& c : commands) subs.emplace_back(c->setup(app), c.get());

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);
        return code == 0 ? 0 : 2;  // usage errors exit 2
    }
    try {
        for (auto& [sub, command] : subs) {
            if (sub->parsed()) return command->run(global);
        }
    } catch (const Error& e) {
        std::cerr << "scicov: " << (e.kind() == ErrorKind::internal ? "internal error: " : "") << e.what() << '\n';
        return e.kind() == ErrorKind::usage ? 2 : 1;
    } catch (const std::exception& e) {
        std::cerr << "scicov: " << e.what() << '\n';
        return 1;
    }
    return 2;
}
