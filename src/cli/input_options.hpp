// The option group every subcommand that reads inputs shares (a mixin, not a copy).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

#include "scicov/io.hpp"
#include "scicov/rules.hpp"

namespace scicov::cli {

struct InputOptions {
    std::vector<std::string> inputs;
    std::string rules_file;
    std::vector<std::string> layers;
    std::vector<std::string> crs;
    std::vector<std::string> datums;
    std::vector<std::string> counties;
    std::vector<std::string> fields;     ///< --field ROLE.FIELD=COLUMN
    std::vector<std::string> encodings;  ///< --encoding [ROLE=]ENCODING

    /// Declares INPUT... and the options shared by validate, analyze and plan.
    void add_to(CLI::App& app);
    /// The rules: the file's, or the defaults.
    rules::Rules load_rules() const;
    /// Parsed ROLE=… options and checked county codes; throws a usage error on malformed ones.
    io::ReadOptions read_options() const;
};

/// Runs `check`, a library call that checks a value given with `flag`; the library's error
/// (which names the rules key and the range) becomes a usage error that names the flag too:
/// "--per-year: planning.per_year must be an integer in [1, 100000] …".
template <typename Check>
decltype(auto) checked(const std::string& flag, Check&& check) {
    try {
        return check();
    } catch (const Error& e) {
        if (e.kind() != ErrorKind::rules) throw;
        throw Error(ErrorKind::usage, flag + ": " + e.what());
    }
}

/// "ROLE=VALUE" → {ROLE, VALUE}; throws a usage error naming the option.
std::pair<std::string, std::string> split_assignment(const std::string& text, const char* option);

/// Prints each issue on stderr, one line each.
void print_issues(const Diagnostics& diagnostics);

}  // namespace scicov::cli
