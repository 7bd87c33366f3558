// Planning options: their defaults from the rules, and the run's own options given as text, each
// checked by the rules' validator (rules::parse_value) so that a bad value names its key and range.
#include <algorithm>
#include <array>
#include <string>
#include <utility>

#include "scicov/planning.hpp"

namespace scicov::planning {

namespace {

/// One of `names`: the value of `key` as given.
template <typename Enum, std::size_t N>
Enum choice(std::string_view key, std::string_view text,
            const std::array<std::pair<std::string_view, Enum>, N>& names) {
    std::string known;
    for (const auto& [name, value] : names) {
        if (text == name) return value;
        known += (known.empty() ? "" : ", ") + std::string(name);
    }
    throw Error(ErrorKind::rules, std::string(key) + " must be one of " + known + ", got '" + std::string(text) + "'");
}

/// "TYPE=N" or "TYPE=1..N" into options.budgets; the type must be one of the rules.
void parse_budget(std::string_view text, const rules::Rules& rules, Options& options) {
    const auto eq = text.find('=');
    if (eq == std::string_view::npos || eq == 0) {
        throw Error(ErrorKind::rules, "budget takes TYPE=N or TYPE=1..N, got '" + std::string(text) + "'");
    }
    const std::string type(text.substr(0, eq));
    if (rules.find(type) == nullptr) {
        std::string known;
        for (const auto& t : rules.types) known += (known.empty() ? "" : ", ") + t.key;
        throw Error(ErrorKind::rules, "unknown facility type '" + type + "' in budget '" + std::string(text) +
                                          "' (the rules have " + known + ")");
    }
    const std::string_view value = text.substr(eq + 1);
    const auto number = [&](std::string_view n) {
        try {
            return static_cast<int>(rules::parse_value("budget", n));
        } catch (const Error& e) {
            throw Error(ErrorKind::rules, e.message() + " in '" + std::string(text) + "'");
        }
    };
    std::vector<int> budgets;
    if (const auto dots = value.find(".."); dots != std::string_view::npos) {
        const int lo = number(value.substr(0, dots));
        const int hi = number(value.substr(dots + 2));
        if (lo > hi) {
            throw Error(ErrorKind::rules,
                        "budget " + std::string(text) + ": the sweep's first budget is above its last");
        }
        for (int b = lo; b <= hi; ++b) budgets.push_back(b);
    } else {
        budgets.push_back(number(value));
    }
    options.budgets[type] = std::move(budgets);
}

/// "TYPE=N" into options.per_year_of_type, N checked as planning.per_year.
void parse_per_year(std::string_view text, const rules::Rules& rules, Options& options) {
    const auto eq = text.find('=');
    const std::string type(eq == std::string_view::npos ? std::string_view() : text.substr(0, eq));
    if (type.empty()) throw Error(ErrorKind::rules, "per_year takes N or TYPE=N, got '" + std::string(text) + "'");
    if (rules.find(type) == nullptr) {
        std::string known;
        for (const auto& t : rules.types) known += (known.empty() ? "" : ", ") + t.key;
        throw Error(ErrorKind::rules, "unknown facility type '" + type + "' in per_year '" + std::string(text) +
                                          "' (the rules have " + known + ")");
    }
    options.per_year_of_type[type] = static_cast<int>(rules::parse_value("planning.per_year", text.substr(eq + 1)));
}

constexpr std::array<std::pair<std::string_view, YearScope>, 2> k_scopes{
    {{"city", YearScope::city}, {"county", YearScope::county}}};
constexpr std::array<std::pair<std::string_view, rules::Equalise>, 2> k_equalise{
    {{"none", rules::Equalise::none}, {"rural_first", rules::Equalise::rural_first}}};
constexpr std::array<std::pair<std::string_view, cover::Solver>, 3> k_solvers{
    {{"exact", cover::Solver::exact},
     {"heuristic", cover::Solver::heuristic},
     {"automatic", cover::Solver::automatic}}};

}  // namespace

const char* to_string(YearScope scope) {
    return scope == YearScope::county ? "county" : "city";
}

Options defaults(const rules::Rules& rules) {
    Options o;
    o.per_year = rules.planning.per_year;
    o.start_year = rules.planning.start_year;
    o.horizon_year = rules.planning.horizon_year;
    o.solve.time_limit_s = rules.planning.time_limit_s;
    o.min_spacing_m = rules.planning.min_spacing_m;
    o.equalise = rules.planning.equalise;
    return o;
}

void set(Options& options, const rules::Rules& rules, std::string_view key, std::string_view text) {
    if (key == "relative_gap") {
        options.solve.relative_gap = rules::parse_value(key, text);
    } else if (key == "by_year") {
        options.by_year = static_cast<int>(rules::parse_value(key, text));
    } else if (key == "per_year") {
        parse_per_year(text, rules, options);
    } else if (key == "threads") {
        options.threads = static_cast<unsigned>(rules::parse_value(key, text));
    } else if (key == "budget") {
        parse_budget(text, rules, options);
    } else if (key == "year_scope") {
        options.scope = choice(key, text, k_scopes);
    } else if (key == "solver") {
        options.solve.solver = choice(key, text, k_solvers);
    } else if (key == "equalise") {
        options.equalise = choice(key, text, k_equalise);
    } else {
        throw Error(ErrorKind::internal, "planning::set: no option '" + std::string(key) + "'");
    }
}

int per_year_of(const Options& options, const rules::FacilityType& type) {
    if (const auto it = options.per_year_of_type.find(type.key); it != options.per_year_of_type.end())
        return it->second;
    return type.per_year > 0 ? type.per_year : options.per_year;
}

int horizon_of(const Options& options) {
    return options.by_year > 0 ? options.by_year : options.horizon_year;
}

std::string budget_text(const std::string& type, const std::vector<int>& budgets) {
    if (budgets.empty()) return type + "=";
    if (budgets.size() == 1) return type + "=" + std::to_string(budgets.front());
    // Budgets come from parse_budget: one number, or every number of a sweep lo..hi.
    return type + "=" + std::to_string(budgets.front()) + ".." + std::to_string(budgets.back());
}

}  // namespace scicov::planning
