// Text instances for the planning solver (shared by plan-instance and plan-bench).
//
//   scicov-plan-instance 1
//   demands N                      then N lines: measure weight covered(0|1)
//   candidates M                   then M lines: cost group k d_1 … d_k   (group −1: none)
//   conflicts C                    then C lines: a b
//
// Tokens are whitespace-separated; '#' starts a comment line.
#pragma once

#include <cstdio>
#include <istream>
#include <ostream>
#include <sstream>
#include <string>

#include "scicov/core.hpp"
#include "scicov/cover.hpp"

namespace scicov::bench {

inline std::string next_token(std::istream& in) {
    std::string t;
    while (in >> t) {
        if (!t.empty() && t[0] == '#') {
            std::string rest;
            std::getline(in, rest);
            continue;
        }
        return t;
    }
    throw Error(ErrorKind::input, "plan instance: unexpected end of input");
}

template <class T>
T next_value(std::istream& in, const char* what) {
    const std::string t = next_token(in);
    std::istringstream s(t);
    T v{};
    if (!(s >> v) || !s.eof())
        throw Error(ErrorKind::input, std::string("plan instance: bad ") + what + " \"" + t + "\"");
    return v;
}

inline void expect(std::istream& in, const std::string& word) {
    const std::string t = next_token(in);
    if (t != word) throw Error(ErrorKind::input, "plan instance: expected \"" + word + "\", found \"" + t + "\"");
}

inline cover::CoverProblem read_instance(std::istream& in) {
    expect(in, "scicov-plan-instance");
    if (next_value<int>(in, "version") != 1) throw Error(ErrorKind::input, "plan instance: unsupported version");
    cover::CoverProblem p;
    expect(in, "demands");
    const auto nd = next_value<std::int64_t>(in, "demand count");
    if (nd < 0) throw Error(ErrorKind::input, "plan instance: negative demand count");
    for (std::int64_t i = 0; i < nd; ++i) {
        p.measure.push_back(next_value<double>(in, "measure"));
        p.weight.push_back(next_value<double>(in, "weight"));
        p.covered.push_back(static_cast<std::uint8_t>(next_value<int>(in, "covered") != 0));
    }
    expect(in, "candidates");
    const auto nc = next_value<std::int64_t>(in, "candidate count");
    if (nc < 0) throw Error(ErrorKind::input, "plan instance: negative candidate count");
    p.offsets.push_back(0);
    for (std::int64_t j = 0; j < nc; ++j) {
        p.cost.push_back(next_value<double>(in, "cost"));
        p.group.push_back(next_value<std::int32_t>(in, "group"));
        const auto k = next_value<std::int64_t>(in, "cover count");
        for (std::int64_t q = 0; q < k; ++q) p.demands.push_back(next_value<std::int32_t>(in, "demand index"));
        p.offsets.push_back(static_cast<std::int32_t>(p.demands.size()));
    }
    expect(in, "conflicts");
    const auto ncf = next_value<std::int64_t>(in, "conflict count");
    for (std::int64_t q = 0; q < ncf; ++q) {
        const auto a = next_value<std::int32_t>(in, "conflict");
        const auto b = next_value<std::int32_t>(in, "conflict");
        p.conflicts.emplace_back(a, b);
    }
    cover::validate(p);
    return p;
}

inline void write_instance(std::ostream& out, const cover::CoverProblem& p) {
    out.precision(17);
    out << "scicov-plan-instance 1\ndemands " << p.measure.size() << '\n';
    for (std::size_t i = 0; i < p.measure.size(); ++i)
        out << p.measure[i] << ' ' << p.weight[i] << ' ' << int(p.covered[i]) << '\n';
    out << "candidates " << p.cost.size() << '\n';
    for (std::size_t j = 0; j < p.cost.size(); ++j) {
        out << p.cost[j] << ' ' << (p.group.empty() ? -1 : p.group[j]) << ' ' << (p.offsets[j + 1] - p.offsets[j]);
        for (auto k = p.offsets[j]; k < p.offsets[j + 1]; ++k) out << ' ' << p.demands[static_cast<std::size_t>(k)];
        out << '\n';
    }
    out << "conflicts " << p.conflicts.size() << '\n';
    for (const auto& [a, b] : p.conflicts) out << a << ' ' << b << '\n';
}

inline std::string num(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
}

inline std::string ints(const std::vector<std::int32_t>& v) {
    std::string s = "[";
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (i) s += ',';
        s += std::to_string(v[i]);
    }
    return s + "]";
}

inline std::string to_json(const cover::Solution& s) {
    const auto& ps = s.presolve;
    std::string o = "{";
    o += "\"status\":\"" + std::string(cover::to_string(s.status)) + "\"";
    o += ",\"method\":\"" + std::string(cover::to_string(s.method)) + "\"";
    o += ",\"objective\":" + num(s.objective) + ",\"bound\":" + num(s.bound) + ",\"gap\":" + num(s.gap);
    o += ",\"seconds\":" + num(s.seconds) + ",\"tie_break_optimal\":" + (s.tie_break_optimal ? "true" : "false");
    o += ",\"target\":" + num(s.target) + ",\"measure\":" + num(s.measure) + ",\"new_measure\":" + num(s.new_measure);
    o += ",\"new_weight\":" + num(s.new_weight) + ",\"cost\":" + num(s.cost);
    o += ",\"reachable_measure\":" + num(s.reachable_measure);
    o += ",\"sites\":" + ints(s.sites) + ",\"uncoverable\":" + ints(s.uncoverable);
    o += ",\"presolve\":{\"demands_in\":" + std::to_string(ps.demands_in) +
         ",\"demands_already_covered\":" + std::to_string(ps.demands_already_covered) +
         ",\"demands_uncoverable\":" + std::to_string(ps.demands_uncoverable) +
         ",\"demands_weightless\":" + std::to_string(ps.demands_weightless) +
         ",\"demands_merged\":" + std::to_string(ps.demands_merged) +
         ",\"demands_implied\":" + std::to_string(ps.demands_implied) +
         ",\"demands_out\":" + std::to_string(ps.demands_out) +
         ",\"candidates_in\":" + std::to_string(ps.candidates_in) +
         ",\"candidates_useless\":" + std::to_string(ps.candidates_useless) +
         ",\"candidates_dominated\":" + std::to_string(ps.candidates_dominated) +
         ",\"candidates_fixed\":" + std::to_string(ps.candidates_fixed) +
         ",\"candidates_excluded\":" + std::to_string(ps.candidates_excluded) +
         ",\"candidates_out\":" + std::to_string(ps.candidates_out) + "}";
    return o + "}";
}

}  // namespace scicov::bench
