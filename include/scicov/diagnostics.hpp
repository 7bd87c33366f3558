// Problems found in the inputs. Reading collects them all (validate reports every one);
// analysis refuses to run when any is an error.
#pragma once

#include <string>
#include <vector>

#include "scicov/error.hpp"

namespace scicov {

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

private:
    std::vector<Issue> m_issues;
    std::size_t m_errors = 0;
};

}  // namespace scicov
