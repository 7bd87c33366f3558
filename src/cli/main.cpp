// scicov: coverage analysis and siting of science-popularisation facilities.
#include <cstdio>
#include <iostream>

#include <algorithm>
#include <memory>
#include <string>

#include <unistd.h>

#include "command.hpp"
#include "scicov/core.hpp"

namespace scicov::cli {

namespace {

/// GDAL's progress style ("stage: 0...10...20...30...40...50...60...70...80...90...100 - done.")
/// on stderr: one line per stage, a dot every 2.5%, a number every 10%.
class StageProgress {
public:
    void operator()(std::string_view stage, double fraction) {
        if (stage != m_stage) {
            finish();
            m_stage = std::string(stage);
            m_ticks = -1;
            std::cerr << m_stage << ": ";
        }
        const int ticks = std::clamp(static_cast<int>(fraction * 40.0 + 1e-9), 0, 40);
        while (m_ticks < ticks) {
            ++m_ticks;
            if (m_ticks % 4 == 0) {
                std::cerr << (m_ticks / 4) * 10;
            } else {
                std::cerr << '.';
            }
        }
        if (m_ticks == 40 && !m_done) {
            std::cerr << " - done." << std::endl;
            m_done = true;
        }
    }
    void finish() {
        if (!m_stage.empty() && !m_done) std::cerr << std::endl;
        m_done = false;
    }

private:
    std::string m_stage;
    int m_ticks = -1;
    bool m_done = false;
};

}  // namespace

Reporter make_reporter(const GlobalOptions& global) {
    Reporter r;
    r.warn = [](const std::string& m) { std::cerr << m << '\n'; };
    const bool show = global.progress || (!global.quiet && ::isatty(STDERR_FILENO) == 1);
    if (show && !global.quiet) {
        r.progress = [p = std::make_shared<StageProgress>()](std::string_view stage, double fraction) {
            (*p)(stage, fraction);
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
    app.fallthrough();  // -q and --progress work before or after the subcommand
    cli::GlobalOptions global;
    app.add_flag("-q,--quiet", global.quiet, "No progress on stderr (warnings and errors still show)");
    app.add_flag("--progress", global.progress, "Show progress on stderr even when it is not a terminal");

    std::vector<std::unique_ptr<cli::Command>> commands;
    commands.push_back(cli::make_demo_command());
    commands.push_back(cli::make_validate_command());
    commands.push_back(cli::make_analyze_command());
    commands.push_back(cli::make_plan_command());
    commands.push_back(cli::make_rules_command());
    commands.push_back(cli::make_map_command());
    commands.push_back(cli::make_report_command());
    commands.push_back(cli::make_webmap_command());
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
