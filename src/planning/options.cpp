// Planning options: their defaults from the rules, and the budgets of max cover.
#include <algorithm>

#include "scicov/planning.hpp"

namespace scicov::planning {

Options defaults(const rules::Rules& rules) {
    Options o;
    o.per_year = rules.planning.per_year;
    o.start_year = rules.planning.start_year;
    o.solve.time_limit_s = rules.planning.time_limit_s;
    o.min_spacing_m = rules.planning.min_spacing_m;
    return o;
}

void parse_budget(const std::string& text, Options& options) {
    const auto eq = text.find('=');
    auto bad = [&] {
        return Error(ErrorKind::usage, "--budget takes TYPE=N or TYPE=1..N (N ≥ 1), got '" + text + "'");
    };
    if (eq == std::string::npos || eq == 0) throw bad();
    const std::string type = text.substr(0, eq);
    const std::string value = text.substr(eq + 1);
    auto number = [&](const std::string& s) {
        if (s.empty() || s.size() > 6 ||
            !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) {
            throw bad();
        }
        const int n = std::stoi(s);
        if (n < 1) throw bad();
        return n;
    };
    std::vector<int> budgets;
    if (const auto dots = value.find(".."); dots != std::string::npos) {
        const int lo = number(value.substr(0, dots));
        const int hi = number(value.substr(dots + 2));
        if (lo > hi) throw bad();
        for (int b = lo; b <= hi; ++b) budgets.push_back(b);
    } else {
        budgets.push_back(number(value));
    }
    options.budgets[type] = std::move(budgets);
}

}  // namespace scicov::planning
