#include "scicov/core.hpp"

namespace scicov::core {

const char* to_string(ErrorKind kind) noexcept {
    switch (kind) {
        case ErrorKind::input:
            return "input";
        case ErrorKind::geometry:
            return "geometry";
        case ErrorKind::crs:
            return "crs";
        case ErrorKind::rules:
            return "rules";
        case ErrorKind::solver:
            return "solver";
        case ErrorKind::io:
            return "io";
        case ErrorKind::usage:
            return "usage";
        case ErrorKind::internal:
            return "internal";
    }
    return "unknown";
}

std::string format_context(const Context& c) {
    std::string out;
    if (!c.file.empty()) out += c.file + ": ";
    if (!c.layer.empty()) out += "layer '" + c.layer + "': ";
    if (c.feature) {
        out += "feature " + std::to_string(*c.feature);
        if (c.row && *c.row != *c.feature) out += " (row " + std::to_string(*c.row) + ")";
        out += ": ";
    }
    if (!c.field.empty()) out += "field '" + c.field + "': ";
    return out;
}

Error::Error(ErrorKind kind, std::string message, Context context)
    : std::runtime_error(message), m_kind(kind), m_message(std::move(message)), m_context(std::move(context)) {
    rebuild();
}

void Error::rebuild() {
    m_what = format_context(m_context) + m_message;
}

Error& Error::with_file(std::string file) {
    if (m_context.file.empty()) {
        m_context.file = std::move(file);
        rebuild();
    }
    return *this;
}

Error& Error::with_layer(std::string layer) {
    if (m_context.layer.empty()) {
        m_context.layer = std::move(layer);
        rebuild();
    }
    return *this;
}

Error& Error::with_feature(std::int64_t fid) {
    if (!m_context.feature) {
        m_context.feature = fid;
        rebuild();
    }
    return *this;
}

Error& Error::with_field(std::string field) {
    if (m_context.field.empty()) {
        m_context.field = std::move(field);
        rebuild();
    }
    return *this;
}

}  // namespace scicov::core
