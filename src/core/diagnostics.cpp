#include "scicov/core.hpp"

#include <map>
#include <tuple>

namespace scicov::core {

std::string Issue::text() const {
    return std::string(severity == Severity::error ? "error: " : "warning: ") + format_context(where) + message;
}

void Diagnostics::error(Context where, std::string message) {
    m_issues.push_back(Issue{Severity::error, std::move(where), std::move(message)});
    ++m_errors;
}

void Diagnostics::warning(Context where, std::string message) {
    m_issues.push_back(Issue{Severity::warning, std::move(where), std::move(message)});
}

void Diagnostics::merge(const Diagnostics& other) {
    for (const auto& i : other.m_issues) m_issues.push_back(i);
    m_errors += other.m_errors;
}

namespace {

/// The message with its numbers and quoted values masked: what issues of one kind share.
std::string kind_of(const std::string& message) {
    std::string out;
    bool quoted = false;
    for (const char c : message) {
        if (c == '"') {
            quoted = !quoted;
            out += c;
        } else if (quoted) {
            continue;
        } else if (c >= '0' && c <= '9') {
            if (out.empty() || out.back() != '#') out += '#';
        } else {
            out += c;
        }
    }
    return out;
}

}  // namespace

std::vector<Issue> Diagnostics::grouped(std::size_t examples) const {
    using Key = std::tuple<Severity, std::string, std::string, std::string, std::string>;
    std::map<Key, std::size_t> seen;
    std::vector<Key> order;
    std::vector<Issue> out;
    for (const auto& i : m_issues) {
        const Key key{i.severity, i.where.file, i.where.layer, i.where.field, kind_of(i.message)};
        const std::size_t n = ++seen[key];
        if (n == 1) order.push_back(key);
        if (n <= examples) out.push_back(i);
    }
    for (const auto& key : order) {
        const std::size_t n = seen[key];
        if (n <= examples) continue;
        const auto& [severity, file, layer, field, kind] = key;
        out.push_back(Issue{severity, Context{file, layer, {}, field},
                            "… and " + std::to_string(n - examples) + " more like this (" + std::to_string(n) +
                                " in all: " + kind + ")"});
    }
    return out;
}

}  // namespace scicov::core
