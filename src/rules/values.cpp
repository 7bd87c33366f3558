// Values and their ranges: one check for a number from the rules file and the same number given
// for one run as text (the command line), so both fail alike and the message names the range.
#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>

#include "rules/settings.hpp"
#include "scicov/core.hpp"
#include "scicov/rules.hpp"

namespace scicov::rules {

namespace {

/// A bound as it reads: "1", "100000", "0.5".
std::string bound_text(double v) {
    if (v == std::floor(v) && std::abs(v) < 1e15) return std::to_string(static_cast<std::int64_t>(v));
    std::array<char, 64> buf{};
    const auto result = std::to_chars(buf.data(), buf.data() + buf.size(), v);
    return std::string(buf.data(), result.ptr);
}

constexpr Range k_year{.kind = Range::Kind::integer, .min = 2000, .max = 2100, .hint = " (a calendar year)"};
constexpr Range k_weight{.min = 0, .max = std::nullopt, .min_open = true, .hint = " (a weight on a village's people)"};

struct KeyRange {
    std::string_view key;
    Range range;
};

// Rules keys first ([planning], [priority]), then the run's options that the rules file lacks.
constexpr std::array<KeyRange, 13> k_ranges{{
    {"planning.per_year", {.kind = Range::Kind::integer, .min = 1, .max = 100000, .hint = " (new sites a year)"}},
    {"planning.start_year", k_year},
    {"planning.horizon_year", k_year},
    {"planning.time_limit_s", {.min = 0, .max = std::nullopt, .min_open = true, .hint = " (seconds)"}},
    {"planning.min_spacing_m", {.min = 0, .max = std::nullopt, .hint = " (metres)"}},
    {"priority.base", k_weight},
    {"priority.ethnic_township", k_weight},
    {"priority.remote", k_weight},
    {"priority.remote_quantile", {.min = 0, .max = 1, .hint = " (a quantile)"}},
    {"relative_gap", {.min = 0, .max = 1, .hint = " (0: prove optimality)"}},
    {"by_year", k_year},
    {"threads", {.kind = Range::Kind::integer, .min = 0, .max = 1024, .hint = " (0: one per core)"}},
    {"budget", {.kind = Range::Kind::integer, .min = 1, .max = 100000, .hint = " (new sites)"}},
}};

template <auto Member>
void set_int(Rules& rules, double value) {
    rules.planning.*Member = static_cast<int>(value);
}

constexpr std::array<detail::Setting, 9> k_settings{{
    {"priority.base", [](Rules& r, double v) { r.priority.base = v; }},
    {"priority.ethnic_township", [](Rules& r, double v) { r.priority.ethnic_township = v; }},
    {"priority.remote", [](Rules& r, double v) { r.priority.remote = v; }},
    {"priority.remote_quantile", [](Rules& r, double v) { r.priority.remote_quantile = v; }},
    {"planning.per_year", set_int<&PlanningDefaults::per_year>},
    {"planning.start_year", set_int<&PlanningDefaults::start_year>},
    {"planning.horizon_year", set_int<&PlanningDefaults::horizon_year>},
    {"planning.time_limit_s", [](Rules& r, double v) { r.planning.time_limit_s = v; }},
    {"planning.min_spacing_m", [](Rules& r, double v) { r.planning.min_spacing_m = v; }},
}};

std::string shown(std::string_view text) {
    return text.empty() ? std::string("nothing") : std::string(text);
}

/// The whole text as a number of the range's kind; nullopt when it is not one (or overflows).
std::optional<double> read_number(std::string_view text, Range::Kind kind) {
    const char* first = text.data();
    const char* last = text.data() + text.size();
    if (kind == Range::Kind::integer) {
        std::int64_t v = 0;
        const auto [end, ec] = std::from_chars(first, last, v);
        if (ec != std::errc{} || end != last) return std::nullopt;
        return static_cast<double>(v);
    }
    double v = 0;
    const auto [end, ec] = std::from_chars(first, last, v);
    if (ec != std::errc{} || end != last) return std::nullopt;
    return v;
}

}  // namespace

bool Range::contains(double value) const {
    if (!std::isfinite(value)) return false;
    if (kind == Kind::integer && value != std::floor(value)) return false;
    if (min && (value < *min || (min_open && value == *min))) return false;
    return !max || value <= *max;
}

std::string Range::bounds() const {
    if (min && max) {
        return std::string("in ") + (min_open ? "(" : "[") + bound_text(*min) + ", " + bound_text(*max) + "]";
    }
    if (min) return (min_open ? "> " : ">= ") + bound_text(*min);
    if (max) return "<= " + bound_text(*max);
    return "any";
}

const Range& range_of(std::string_view key) {
    const auto it = std::find_if(k_ranges.begin(), k_ranges.end(), [&](const KeyRange& k) { return k.key == key; });
    if (it == k_ranges.end()) throw Error(ErrorKind::internal, "no range for the key '" + std::string(key) + "'");
    return it->range;
}

double parse_value(std::string_view key, std::string_view text) {
    const Range& range = range_of(key);
    const auto value = read_number(text, range.kind);
    if (value && range.contains(*value)) return *value;
    const std::string what = range.kind == Range::Kind::integer ? "an integer " : "a finite number ";
    throw Error(ErrorKind::rules, std::string(key) + " must be " + what + range.bounds() + std::string(range.hint) +
                                      ", got " + shown(text));
}

std::string parse_county_code(std::string_view key, std::string_view text) {
    constexpr std::size_t k_digits = 6;
    const bool digits = std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (text.size() == k_digits && digits) return std::string(text);
    throw Error(ErrorKind::rules, std::string(key) + " must be a county code of " + std::to_string(k_digits) +
                                      " digits (统计用区划代码), got '" + std::string(text) + "'");
}

Rules apply(Rules rules, const Overrides& overrides) {
    for (const auto& override : overrides) {
        const std::string& key = override.first;  // (no structured binding: a lambda captures it)
        const std::string& text = override.second;
        const auto settings = detail::settings();
        const auto it = std::find_if(settings.begin(), settings.end(), [&](const auto& s) { return s.key == key; });
        if (it == settings.end()) {
            std::string known;
            for (const auto& s : settings) known += (known.empty() ? "" : ", ") + std::string(s.key);
            throw Error(ErrorKind::rules,
                        "'" + key + "' is not a number key of the rules that a run may set (" + known + ")");
        }
        it->set(rules, parse_value(key, text));
    }
    return rules;
}

namespace detail {

std::span<const Setting> settings() {
    return k_settings;
}

std::string_view name_in_table(std::string_view key) {
    const auto dot = key.rfind('.');
    return dot == std::string_view::npos ? key : key.substr(dot + 1);
}

}  // namespace detail

}  // namespace scicov::rules
