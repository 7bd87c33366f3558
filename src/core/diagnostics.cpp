#include "scicov/core.hpp"

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

}  // namespace scicov::core
