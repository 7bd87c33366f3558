// The CLI is thin: each subcommand is a Command that declares its options in setup() (parsing
// only, no files touched) and composes library calls in run().
#pragma once

#include <memory>
#include <vector>

#include <CLI/CLI.hpp>

#include "scicov/core.hpp"

namespace scicov::cli {

struct GlobalOptions {
    bool quiet = false;
    bool progress = false;  ///< force progress when stderr is not a terminal
};

class Command {
public:
    virtual ~Command() = default;
    /// Adds the subcommand and its options to the app.
    virtual CLI::App* setup(CLI::App& app) = 0;
    /// Runs after a successful parse; returns the exit code.
    virtual int run(const GlobalOptions& global) = 0;
};

/// A reporter that draws GDAL-style progress on stderr per stage and prints warnings there.
Reporter make_reporter(const GlobalOptions& global);

// One factory per subcommand file.
std::unique_ptr<Command> make_demo_command();
std::unique_ptr<Command> make_validate_command();
std::unique_ptr<Command> make_analyze_command();
std::unique_ptr<Command> make_plan_command();
std::unique_ptr<Command> make_rules_command();
std::unique_ptr<Command> make_map_command();
std::unique_ptr<Command> make_report_command();
std::unique_ptr<Command> make_webmap_command();

}  // namespace scicov::cli
