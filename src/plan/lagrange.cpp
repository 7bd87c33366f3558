// Full cover (every demand a must-cover row, no groups or conflicts): a Lagrangian heuristic in
// the style of Beasley (1990) and Caprara–Fischetti–Toth (1999), then reduced-cost fixing and
// CBC on the surviving columns with the incumbent as cutoff.
//
// Relaxing the rows Σ_{j∋i} x_j ≥ 1 with u ≥ 0 gives
//   L(u) = Σ_i u_i + Σ_j min(0, C_j),   C_j = c_j − Σ_{i∈N_j} u_i,
// a lower bound on every cover's cost (and ≤ the LP bound). Subgradient steps
// u_i ← max(0, u_i + t (1 − Σ_{j∋i} x_j(u))), t = f (UB − L)/‖g‖², f halved when L stalls.
// Every iteration a primal cover is built from u: greedy by the Lagrangian score of CFT
// (γ_j/μ_j for γ_j > 0, else γ_j μ_j; γ_j = c_j − Σ u over the still uncovered rows of j, μ_j their
// count), then redundant columns are removed (largest C_j first). Deterministic: fixed iteration
// counts, ties by the lower index. Step rule: f = 2, halved after 30 iterations without a better
// L; stops at the iteration limit, when f < 1e-5, or when L proves the incumbent.
//
// Fixing: a cover holding j costs ≥ L(u) + max(0, C_j); with costs multiples of the unit g, a
// cover better than UB costs ≤ UB − g, so columns with L(u) + C_j > UB − g are never in one.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "detail.hpp"

namespace scicov::plan::detail {

namespace {

/// Greedy cover by CFT's Lagrangian score, then redundancy removal. Columns with `allowed` 0 are
/// skipped. Returns false when some row cannot be covered.
bool lagrangian_cover(const Reduced& r, const std::vector<double>& u, const std::vector<double>& lc,
                      const std::vector<std::uint8_t>& allowed, std::vector<std::int32_t>& out) {
    const auto n = r.n_cand();
    const auto nd = r.n_dem();
    std::vector<std::int32_t> cnt(static_cast<std::size_t>(nd), 0), mu(static_cast<std::size_t>(n), 0);
    std::vector<double> gamma(static_cast<std::size_t>(n));
    std::vector<std::uint8_t> in(static_cast<std::size_t>(n), 0);
    for (std::int32_t j = 0; j < n; ++j) {
        const auto uj = static_cast<std::size_t>(j);
        mu[uj] = r.cover.degree(j);
        gamma[uj] = lc[uj];  // c_j − Σ u over uncovered rows (all rows uncovered at the start)
    }
    std::int32_t open = nd;
    auto cover_row = [&](std::int32_t i) {
        for (auto k = r.covered_by.begin(i); k < r.covered_by.end(i); ++k) {
            const auto c = static_cast<std::size_t>(r.covered_by.items[static_cast<std::size_t>(k)]);
            --mu[c];
            gamma[c] += u[static_cast<std::size_t>(i)];
        }
    };
    auto take = [&](std::int32_t j) {
        in[static_cast<std::size_t>(j)] = 1;
        for (auto k = r.cover.begin(j); k < r.cover.end(j); ++k) {
            const auto i = r.cover.items[static_cast<std::size_t>(k)];
            if (cnt[static_cast<std::size_t>(i)]++ == 0) {
                --open;
                cover_row(i);
            }
        }
    };
    while (open > 0) {
        std::int32_t best = -1;
        double best_score = 0;
        for (std::int32_t j = 0; j < n; ++j) {
            const auto uj = static_cast<std::size_t>(j);
            if (in[uj] || !allowed[uj] || mu[uj] <= 0) continue;
            const double g = gamma[uj];
            const double score = g > 0 ? g / mu[uj] : g * mu[uj];
            if (best < 0 || score < best_score) {
                best = j;
                best_score = score;
            }
        }
        if (best < 0) return false;
        take(best);
    }
    // redundancy removal: largest Lagrangian cost first, then the higher cost, then higher index
    std::vector<std::int32_t> chosen;
    for (std::int32_t j = 0; j < n; ++j)
        if (in[static_cast<std::size_t>(j)]) chosen.push_back(j);
    std::sort(chosen.begin(), chosen.end(), [&](std::int32_t a, std::int32_t b) {
        const auto ua = static_cast<std::size_t>(a), ub = static_cast<std::size_t>(b);
        if (lc[ua] != lc[ub]) return lc[ua] > lc[ub];
        if (r.cost[ua] != r.cost[ub]) return r.cost[ua] > r.cost[ub];
        return a > b;
    });
    for (auto j : chosen) {
        bool needed = false;
        for (auto k = r.cover.begin(j); k < r.cover.end(j) && !needed; ++k)
            needed = cnt[static_cast<std::size_t>(r.cover.items[static_cast<std::size_t>(k)])] == 1;
        if (needed) continue;
        in[static_cast<std::size_t>(j)] = 0;
        for (auto k = r.cover.begin(j); k < r.cover.end(j); ++k) --cnt[static_cast<std::size_t>(r.cover.items[static_cast<std::size_t>(k)])];
    }
    out.clear();
    for (std::int32_t j = 0; j < n; ++j)
        if (in[static_cast<std::size_t>(j)]) out.push_back(j);
    return true;
}

double cost_of(const Reduced& r, const std::vector<std::int32_t>& sel) {
    double c = 0;
    for (auto j : sel) c += r.cost[static_cast<std::size_t>(j)];
    return c;
}

}  // namespace

SetCoverLagrange lagrangian_set_cover(const Reduced& r, std::vector<std::int32_t> start, std::int32_t iterations,
                                      const Deadline& deadline) {
    SetCoverLagrange out;
    const auto n = r.n_cand();
    const auto nd = r.n_dem();
    const auto unit = cost_unit(r.cost);
    const double g = unit ? *unit : 0.0;
    std::sort(start.begin(), start.end());
    out.best = std::move(start);
    out.upper = out.best.empty() && nd > 0 ? std::numeric_limits<double>::infinity() : cost_of(r, out.best);
    if (nd == 0) {
        out.lower = 0;
        out.best.clear();
        out.upper = 0;
        return out;
    }
    // start: u_i = min over the columns covering i of c_j / |N_j| (Beasley)
    std::vector<double> u(static_cast<std::size_t>(nd), std::numeric_limits<double>::infinity());
    for (std::int32_t j = 0; j < n; ++j) {
        const double v = r.cost[static_cast<std::size_t>(j)] / std::max(1, r.cover.degree(j));
        for (auto k = r.cover.begin(j); k < r.cover.end(j); ++k) {
            auto& ui = u[static_cast<std::size_t>(r.cover.items[static_cast<std::size_t>(k)])];
            ui = std::min(ui, v);
        }
    }
    for (auto& v : u)
        if (!std::isfinite(v)) v = 0;
    std::vector<double> lc(static_cast<std::size_t>(n)), grad(static_cast<std::size_t>(nd));
    std::vector<std::uint8_t> allowed(static_cast<std::size_t>(n), 1);
    std::vector<std::int32_t> sel;
    out.lower = 0;
    out.u = u;
    double f = 2.0;          // Beasley: f = 2, halved after 30 iterations without a better L
    const int stall = 30;
    int since = 0;
    double best_L = -std::numeric_limits<double>::infinity();
    // proven: no cover costs less than upper (costs in units of g: L > UB − g suffices)
    auto proven = [&] {
        if (!std::isfinite(out.upper)) return false;
        const double slack = g > 0 ? g * (1 - 1e-6) : 1e-9 * std::max(1.0, out.upper);
        return out.lower > out.upper - slack;
    };
    for (out.iterations = 0; out.iterations < iterations && !deadline.expired(); ++out.iterations) {
        double L = 0;
        for (std::int32_t i = 0; i < nd; ++i) L += u[static_cast<std::size_t>(i)];
        for (std::int32_t j = 0; j < n; ++j) {
            double s = r.cost[static_cast<std::size_t>(j)];
            for (auto k = r.cover.begin(j); k < r.cover.end(j); ++k) s -= u[static_cast<std::size_t>(r.cover.items[static_cast<std::size_t>(k)])];
            lc[static_cast<std::size_t>(j)] = s;
            if (s < 0) L += s;
        }
        if (L > out.lower + 1e-9 * std::max(1.0, std::abs(out.lower))) {
            out.lower = L;
            out.u = u;
        }
        if (L > best_L) {
            best_L = L;
            since = 0;
        } else if (++since >= stall) {
            f /= 2;
            since = 0;
        }
        if (lagrangian_cover(r, u, lc, allowed, sel)) {
            const double c = cost_of(r, sel);
                if (c < out.upper - 1e-9 * std::max(1.0, c)) {
                out.upper = c;
                out.best = sel;
            }
        }
        if (proven() || f < 1e-5) break;
        // subgradient (components that would push u below 0 are dropped)
        double norm = 0;
        for (std::int32_t i = 0; i < nd; ++i) grad[static_cast<std::size_t>(i)] = 1.0;
        for (std::int32_t j = 0; j < n; ++j)
            if (lc[static_cast<std::size_t>(j)] < 0)
                for (auto k = r.cover.begin(j); k < r.cover.end(j); ++k) grad[static_cast<std::size_t>(r.cover.items[static_cast<std::size_t>(k)])] -= 1.0;
        for (std::int32_t i = 0; i < nd; ++i) {
            auto& gi = grad[static_cast<std::size_t>(i)];
            if (u[static_cast<std::size_t>(i)] <= 0 && gi < 0) gi = 0;
            norm += gi * gi;
        }
        if (norm <= 0) break;  // x(u) covers every row exactly: L is the optimum of the relaxation
        const double target = std::isfinite(out.upper) ? out.upper : 2 * std::max(L, 1.0);
        const double t = f * std::max(target - L, 1e-6 * std::max(1.0, std::abs(L))) / norm;
        for (std::int32_t i = 0; i < nd; ++i)
            u[static_cast<std::size_t>(i)] = std::max(0.0, u[static_cast<std::size_t>(i)] + t * grad[static_cast<std::size_t>(i)]);
    }
    // reduced costs at the best multipliers
    out.reduced_cost.assign(static_cast<std::size_t>(n), 0.0);
    for (std::int32_t j = 0; j < n; ++j) {
        double s = r.cost[static_cast<std::size_t>(j)];
        for (auto k = r.cover.begin(j); k < r.cover.end(j); ++k) s -= out.u[static_cast<std::size_t>(r.cover.items[static_cast<std::size_t>(k)])];
        out.reduced_cost[static_cast<std::size_t>(j)] = s;
    }
    out.optimal = proven();
    return out;
}

}  // namespace scicov::plan::detail
