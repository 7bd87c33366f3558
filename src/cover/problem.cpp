// Validation, names, and phasing (greedy order, years, city-wide sharing).
#include <algorithm>
#include <cmath>
#include <string>
#include <tuple>
#include <utility>

#include "cover/detail.hpp"
#include "scicov/core.hpp"

namespace scicov::cover {

std::string_view to_string(Solver solver) {
    switch (solver) {
        case Solver::exact:
            return "exact";
        case Solver::heuristic:
            return "heuristic";
        case Solver::automatic:
            return "automatic";
    }
    return "unknown";
}
std::string_view to_string(Objective objective) {
    switch (objective) {
        case Objective::sites:
            return "sites";
        case Objective::cost:
            return "cost";
    }
    return "unknown";
}
std::string_view to_string(Status status) {
    switch (status) {
        case Status::optimal:
            return "optimal";
        case Status::feasible:
            return "feasible";
        case Status::infeasible:
            return "infeasible";
        case Status::time_limit_no_solution:
            return "time_limit_no_solution";
    }
    return "unknown";
}
std::string_view to_string(Method method) {
    switch (method) {
        case Method::exact:
            return "exact";
        case Method::heuristic:
            return "heuristic";
        case Method::trivial:
            return "trivial";
    }
    return "unknown";
}

namespace {

[[noreturn]] void fail(const std::string& what) {
    throw Error(ErrorKind::solver, "cover problem: " + what);
}

bool finite_nonneg(double v) {
    return std::isfinite(v) && v >= 0;
}

}  // namespace

void validate(const CoverProblem& p) {
    const auto nd = p.measure.size();
    const auto nc = p.cost.size();
    if (nd > static_cast<std::size_t>(INT32_MAX) || nc > static_cast<std::size_t>(INT32_MAX)) fail("too large");
    if (p.weight.size() != nd)
        fail("weight has " + std::to_string(p.weight.size()) + " entries, measure " + std::to_string(nd));
    if (p.covered.size() != nd)
        fail("covered has " + std::to_string(p.covered.size()) + " entries, measure " + std::to_string(nd));
    if (p.offsets.size() != nc + 1)
        fail("offsets has " + std::to_string(p.offsets.size()) +
             " entries, expected candidates+1 = " + std::to_string(nc + 1));
    if (!p.group.empty() && p.group.size() != nc)
        fail("group has " + std::to_string(p.group.size()) + " entries, cost " + std::to_string(nc));
    for (std::size_t i = 0; i < nd; ++i) {
        if (!finite_nonneg(p.measure[i])) fail("demand " + std::to_string(i) + ": measure must be a finite number ≥ 0");
        if (!finite_nonneg(p.weight[i])) fail("demand " + std::to_string(i) + ": weight must be a finite number ≥ 0");
    }
    for (std::size_t j = 0; j < nc; ++j)
        if (!finite_nonneg(p.cost[j])) fail("candidate " + std::to_string(j) + ": cost must be a finite number ≥ 0");
    if (p.offsets.front() != 0 || static_cast<std::size_t>(p.offsets.back()) != p.demands.size())
        fail("offsets must start at 0 and end at the number of demand entries");
    for (std::size_t j = 0; j < nc; ++j) {
        if (p.offsets[j] > p.offsets[j + 1]) fail("offsets decrease at candidate " + std::to_string(j));
        for (auto k = p.offsets[j]; k < p.offsets[j + 1]; ++k) {
            const auto d = p.demands[static_cast<std::size_t>(k)];
            if (d < 0 || static_cast<std::size_t>(d) >= nd)
                fail("candidate " + std::to_string(j) + " covers demand " + std::to_string(d) + ", out of range");
            if (k > p.offsets[j] && d <= p.demands[static_cast<std::size_t>(k) - 1])
                fail("candidate " + std::to_string(j) + ": covered demands must be sorted and unique");
        }
    }
    for (const auto& [a, b] : p.conflicts)
        if (a < 0 || b < 0 || static_cast<std::size_t>(a) >= nc || static_cast<std::size_t>(b) >= nc)
            fail("conflict (" + std::to_string(a) + ", " + std::to_string(b) + ") names a candidate out of range");
}

std::vector<Step> order_by_gain(const CoverProblem& p, std::span<const std::int32_t> sites, GainBy by,
                                std::span<const std::uint8_t> first) {
    const auto nd = p.measure.size();
    if (p.covered.size() != nd || p.weight.size() != nd || p.offsets.size() != p.cost.size() + 1 ||
        (!first.empty() && first.size() != nd))
        fail("inconsistent sizes");
    std::vector<std::int32_t> left(sites.begin(), sites.end());
    for (auto j : left)
        if (j < 0 || static_cast<std::size_t>(j) >= p.cost.size()) fail("site " + std::to_string(j) + " out of range");
    std::sort(left.begin(), left.end());
    left.erase(std::unique(left.begin(), left.end()), left.end());
    std::vector<std::uint8_t> hit(p.covered.begin(), p.covered.end());
    auto gain = [&](std::int32_t j) {
        double f = 0, m = 0, w = 0;
        for (auto k = p.offsets[static_cast<std::size_t>(j)]; k < p.offsets[static_cast<std::size_t>(j) + 1]; ++k) {
            const auto i = static_cast<std::size_t>(p.demands[static_cast<std::size_t>(k)]);
            if (hit[i]) continue;
            m += p.measure[i], w += p.weight[i];
            if (!first.empty() && first[i]) f += p.weight[i];
        }
        return std::tuple{f, m, w};
    };
    std::vector<Step> out;
    out.reserve(left.size());
    while (!left.empty()) {
        std::size_t best = 0;
        std::tuple<double, double, double> best_key{-1, -1, -1};
        for (std::size_t n = 0; n < left.size(); ++n) {
            const auto [f, m, w] = gain(left[n]);
            const auto key = by == GainBy::measure ? std::tuple{f, m, w} : std::tuple{f, w, m};
            if (key > best_key) {  // strict: the lower index wins ties (left is sorted)
                best_key = key;
                best = n;
            }
        }
        const auto j = left[best];
        const auto [f, m, w] = gain(j);
        out.push_back(Step{j, m, w});
        for (auto k = p.offsets[static_cast<std::size_t>(j)]; k < p.offsets[static_cast<std::size_t>(j) + 1]; ++k)
            hit[static_cast<std::size_t>(p.demands[static_cast<std::size_t>(k)])] = 1;
        left.erase(left.begin() + static_cast<std::ptrdiff_t>(best));
    }
    return out;
}

std::vector<PhasedStep> phase(const CoverProblem& p, std::span<const std::int32_t> sites, std::int32_t per_year,
                              std::int32_t start_year, GainBy by) {
    if (per_year < 1) throw Error(ErrorKind::solver, "phasing: sites per year must be ≥ 1");
    std::vector<PhasedStep> out;
    std::int32_t rank = 0;
    for (const auto& s : order_by_gain(p, sites, by)) {
        out.push_back(PhasedStep{s, rank + 1, start_year + rank / per_year});
        ++rank;
    }
    return out;
}

CityPhasing phase_city(std::span<const CountySites> counties, std::int32_t per_year, std::int32_t start_year) {
    if (per_year < 1) throw Error(ErrorKind::solver, "city phasing: sites per year must be ≥ 1");
    const auto nc = counties.size();
    CityPhasing out;
    out.year.resize(nc);
    out.measure_after.resize(nc);
    out.year_met.assign(nc, -1);
    std::vector<std::size_t> next(nc, 0);
    std::vector<double> measure(nc);
    std::size_t remaining = 0;
    for (std::size_t c = 0; c < nc; ++c) {
        const auto& cs = counties[c];
        if (cs.measure_gain.size() != cs.gain.size() || (!cs.first.empty() && cs.first.size() != cs.gain.size()))
            throw Error(ErrorKind::solver, "city phasing: county " + std::to_string(c) +
                                               ": gain, measure_gain and first differ in length");
        out.year[c].assign(cs.gain.size(), -1);
        measure[c] = cs.base_measure;
        remaining += cs.gain.size();
        if (cs.target > 0 && measure[c] >= cs.target - 1e-9 * std::max(1.0, cs.target))
            out.year_met[c] = start_year - 1;
    }
    for (std::int32_t year = start_year; remaining > 0; ++year) {
        for (std::int32_t slot = 0; slot < per_year && remaining > 0; ++slot) {
            std::size_t best = nc;
            const auto key = [&](std::size_t c) {
                const auto& cs = counties[c];
                return std::pair(cs.first.empty() ? 0.0 : cs.first[next[c]], cs.gain[next[c]]);
            };
            for (std::size_t c = 0; c < nc; ++c) {
                if (next[c] >= counties[c].gain.size()) continue;
                if (best == nc || key(c) > key(best)) best = c;
            }
            out.year[best][next[best]] = year;
            measure[best] += counties[best].measure_gain[next[best]];
            ++next[best];
            --remaining;
        }
        out.years.push_back(year);
        for (std::size_t c = 0; c < nc; ++c) {
            out.measure_after[c].push_back(measure[c]);
            const double t = counties[c].target;
            if (out.year_met[c] == -1 && t > 0 && measure[c] >= t - 1e-9 * std::max(1.0, t)) out.year_met[c] = year;
        }
    }
    return out;
}

}  // namespace scicov::cover
