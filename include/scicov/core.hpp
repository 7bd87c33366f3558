// scicov::core — what every module speaks: the one exception type with its context, the problems
// found in the inputs, progress and warnings for long work, and a stage's timing. The C-handle
// wrappers (GDAL, GEOS, PROJ), parallel_for, the R-tree types and the atomic file writer are
// core's too, but private to the library (src/core/*.hpp).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace scicov::core {

// ---- errors ------------------------------------------------------------------------------------

enum class ErrorKind { input, geometry, crs, rules, solver, io, usage, internal };

/// Short lower-case name of the kind, as it appears in messages ("input", "solver", ...).
const char* to_string(ErrorKind kind) noexcept;

/// Where in the input a problem lies. Every part is optional; what is known is printed.
struct Context {
    std::string file;
    std::string layer;
    std::optional<std::int64_t> feature;
    std::string field;
    /// The feature's 1-based position in the layer as read, when it says more than its id (a
    /// Shapefile's ids count from 0, a GeoJSON's or CSV's ids may repeat or skip).
    std::optional<std::int64_t> row = {};
};

/// The one exception type. Context is attached as fields, and may be added by an outer frame
/// while the error unwinds.
class Error : public std::runtime_error {
public:
    Error(ErrorKind kind, std::string message, Context context = {});

    ErrorKind kind() const noexcept { return m_kind; }
    const Context& context() const noexcept { return m_context; }
    /// The bare message without the context prefix.
    const std::string& message() const noexcept { return m_message; }

    /// Fill in context that is still unknown; known parts are kept (inner frames know best).
    Error& with_file(std::string file);
    Error& with_layer(std::string layer);
    Error& with_feature(std::int64_t fid);
    Error& with_field(std::string field);

    /// "villages.shp: layer 'villages': feature 17: field 'population': \"abc\" is not a number"
    const char* what() const noexcept override { return m_what.c_str(); }

private:
    void rebuild();

    ErrorKind m_kind;
    std::string m_message;
    Context m_context;
    std::string m_what;
};

/// Formats a context as the prefix of a message ("file: layer 'x': feature 3: field 'f': ").
std::string format_context(const Context& context);

// ---- problems in the inputs --------------------------------------------------------------------
// Reading collects them all (validate reports every one); analysis refuses to run when any is an
// error.

enum class Severity { warning, error };

struct Issue {
    Severity severity = Severity::error;
    Context where;
    std::string message;

    /// "error: villages.gpkg: layer 'villages': feature 3: field 'population': -5 is negative"
    std::string text() const;
};

class Diagnostics {
public:
    void error(Context where, std::string message);
    void warning(Context where, std::string message);

    const std::vector<Issue>& issues() const noexcept { return m_issues; }
    std::size_t errors() const noexcept { return m_errors; }
    std::size_t warnings() const noexcept { return m_issues.size() - m_errors; }
    bool has_errors() const noexcept { return m_errors > 0; }
    void merge(const Diagnostics& other);

    /// The issues to show a person: of each kind (same severity, file, layer, field and message
    /// but for its numbers and quoted values) the first `examples` in order, then one issue
    /// "… and N more like this" per kind that had more — never 999 lines of one message.
    std::vector<Issue> grouped(std::size_t examples = 3) const;

private:
    std::vector<Issue> m_issues;
    std::size_t m_errors = 0;
};

// ---- progress ----------------------------------------------------------------------------------

/// Progress and warnings from long library work. The library never prints; the caller decides
/// where these go (the CLI: GDAL-style 0...10...20 on stderr, or nowhere with -q).
struct Reporter {
    /// Fraction done in [0, 1] of the named stage.
    std::function<void(std::string_view stage, double fraction)> progress;
    /// A problem the work repaired or skipped (e.g. a geometry made valid).
    std::function<void(const std::string& message)> warn;

    void step(std::string_view stage, double fraction) const {
        if (progress) progress(stage, fraction);
    }
    void warning(const std::string& message) const {
        if (warn) warn(message);
    }
};

/// One stage of a run: wall seconds, CPU seconds of the process (all threads, user + system)
/// and the process's peak resident memory when the stage ended.
struct StageTiming {
    std::string stage;
    double wall_s = 0;
    double cpu_s = 0;
    double peak_mib = 0;
};

}  // namespace scicov::core

namespace scicov {
// Every module speaks these, so they are named in scicov itself as well.
using core::Context;
using core::Diagnostics;
using core::Error;
using core::ErrorKind;
using core::Issue;
using core::Reporter;
using core::Severity;
using core::StageTiming;
}  // namespace scicov
