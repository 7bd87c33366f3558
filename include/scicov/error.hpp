// scicov::Error — the one exception type. Context (file, layer, feature id, field) is
// attached as fields, and may be added by an outer frame while the error unwinds.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

namespace scicov {

enum class ErrorKind { input, geometry, crs, rules, solver, io, usage, internal };

/// Short lower-case name of the kind, as it appears in messages ("input", "solver", ...).
const char* to_string(ErrorKind kind) noexcept;

/// Where in the input a problem lies. Every part is optional; what is known is printed.
struct Context {
    std::string file;
    std::string layer;
    std::optional<std::int64_t> feature;
    std::string field;
};

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

}  // namespace scicov
