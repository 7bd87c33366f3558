// Greedy + local search on the reduced problem. Deterministic: every choice breaks ties by the
// lower candidate index, and the scans run in index order.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "cover/detail.hpp"

namespace scicov::cover::detail {

namespace {

/// Incremental coverage state: counts per demand, gains of uncovered demands per candidate,
/// and how many chosen candidates block each candidate.
class State {
public:
    explicit State(const Reduced& r)
        : m_r(r),
          m_cnt(static_cast<std::size_t>(r.n_dem()), 0),
          m_chosen(static_cast<std::size_t>(r.n_cand()), 0),
          m_blocked(static_cast<std::size_t>(r.n_cand()), 0),
          m_gain_m(static_cast<std::size_t>(r.n_cand()), 0.0),
          m_gain_w(static_cast<std::size_t>(r.n_cand()), 0.0),
          m_gain_must(static_cast<std::size_t>(r.n_cand()), 0),
          m_gain_must_m(static_cast<std::size_t>(r.n_cand()), 0.0) {
        for (std::int32_t j = 0; j < r.n_cand(); ++j)
            for (auto k = r.cover.begin(j); k < r.cover.end(j); ++k) {
                const auto i = static_cast<std::size_t>(r.cover.items[static_cast<std::size_t>(k)]);
                m_gain_m[static_cast<std::size_t>(j)] += r.measure[i];
                m_gain_w[static_cast<std::size_t>(j)] += r.weight[i];
                m_gain_must[static_cast<std::size_t>(j)] += r.must[i];
                if (r.must[i]) m_gain_must_m[static_cast<std::size_t>(j)] += r.measure[i];
            }
        for (std::int32_t i = 0; i < r.n_dem(); ++i)
            if (r.must[static_cast<std::size_t>(i)]) {
                ++m_must_open;
                m_must_open_m += r.measure[static_cast<std::size_t>(i)];
            }
    }

    void add(std::int32_t j) {
        m_chosen[static_cast<std::size_t>(j)] = 1;
        m_cost += m_r.cost[static_cast<std::size_t>(j)];
        for (auto k = m_r.cover.begin(j); k < m_r.cover.end(j); ++k) {
            const auto i = m_r.cover.items[static_cast<std::size_t>(k)];
            if (m_cnt[static_cast<std::size_t>(i)]++ == 0) shift(i, -1);
        }
        for (auto o : m_r.incompatible[static_cast<std::size_t>(j)]) ++m_blocked[static_cast<std::size_t>(o)];
    }
    void remove(std::int32_t j) {
        m_chosen[static_cast<std::size_t>(j)] = 0;
        m_cost -= m_r.cost[static_cast<std::size_t>(j)];
        for (auto k = m_r.cover.begin(j); k < m_r.cover.end(j); ++k) {
            const auto i = m_r.cover.items[static_cast<std::size_t>(k)];
            if (--m_cnt[static_cast<std::size_t>(i)] == 0) shift(i, +1);
        }
        for (auto o : m_r.incompatible[static_cast<std::size_t>(j)]) --m_blocked[static_cast<std::size_t>(o)];
    }

    bool chosen(std::int32_t j) const { return m_chosen[static_cast<std::size_t>(j)] != 0; }
    int blocked(std::int32_t j) const { return m_blocked[static_cast<std::size_t>(j)]; }
    std::int32_t count(std::int32_t i) const { return m_cnt[static_cast<std::size_t>(i)]; }
    double gain_m(std::int32_t j) const { return m_gain_m[static_cast<std::size_t>(j)]; }
    double gain_w(std::int32_t j) const { return m_gain_w[static_cast<std::size_t>(j)]; }
    int gain_must(std::int32_t j) const { return m_gain_must[static_cast<std::size_t>(j)]; }
    double gain_must_m(std::int32_t j) const { return m_gain_must_m[static_cast<std::size_t>(j)]; }
    double must_open_m() const { return m_must_open_m; }
    double covered_m() const { return m_cov_m; }
    double covered_w() const { return m_cov_w; }
    double cost() const { return m_cost; }
    int must_open() const { return m_must_open; }

    std::vector<std::int32_t> chosen_list() const {
        std::vector<std::int32_t> out;
        for (std::int32_t j = 0; j < m_r.n_cand(); ++j)
            if (m_chosen[static_cast<std::size_t>(j)]) out.push_back(j);
        return out;
    }

private:
    void shift(std::int32_t i, int sign) {  // demand i became uncovered (+1) or covered (−1)
        const auto ui = static_cast<std::size_t>(i);
        const double m = m_r.measure[ui], w = m_r.weight[ui];
        const int must = m_r.must[ui];
        m_cov_m -= sign * m;
        m_cov_w -= sign * w;
        m_must_open += sign * must;
        if (must) m_must_open_m += sign * m;
        for (auto k = m_r.covered_by.begin(i); k < m_r.covered_by.end(i); ++k) {
            const auto c = static_cast<std::size_t>(m_r.covered_by.items[static_cast<std::size_t>(k)]);
            m_gain_m[c] += sign * m;
            m_gain_w[c] += sign * w;
            m_gain_must[c] += sign * must;
            if (must) m_gain_must_m[c] += sign * m;
        }
    }

    const Reduced& m_r;
    std::vector<std::int32_t> m_cnt;
    std::vector<std::uint8_t> m_chosen;
    std::vector<int> m_blocked;
    std::vector<double> m_gain_m, m_gain_w;
    std::vector<int> m_gain_must;
    std::vector<double> m_gain_must_m;
    double m_cov_m = 0, m_cov_w = 0, m_cost = 0;
    int m_must_open = 0;
    double m_must_open_m = 0;
};

double tolerance(const Reduced& r) {
    const double total = std::accumulate(r.measure.begin(), r.measure.end(), 0.0);
    return 1e-9 * std::max(1.0, total + std::abs(r.needed));
}

bool feasible(const Reduced& r, const State& s, double tol) {
    return s.must_open() == 0 ? s.covered_m() >= r.needed - tol : false;
}

/// Per removed site a: measure, weight and must-count of the demands only a covers, and the same
/// restricted to each candidate that covers them (extra_*), touched lists the candidates hit.
struct Unique {
    double m = 0, w = 0;
    int must = 0;
    std::vector<double> extra_m, extra_w;
    std::vector<int> extra_must;
    std::vector<std::int32_t> touched;

    explicit Unique(std::int32_t n)
        : extra_m(static_cast<std::size_t>(n), 0),
          extra_w(static_cast<std::size_t>(n), 0),
          extra_must(static_cast<std::size_t>(n), 0) {}
    void compute(const Reduced& r, const State& s, std::int32_t a) {
        for (auto c : touched) {
            extra_m[static_cast<std::size_t>(c)] = 0;
            extra_w[static_cast<std::size_t>(c)] = 0;
            extra_must[static_cast<std::size_t>(c)] = 0;
        }
        touched.clear();
        m = w = 0;
        must = 0;
        for (auto k = r.cover.begin(a); k < r.cover.end(a); ++k) {
            const auto i = r.cover.items[static_cast<std::size_t>(k)];
            if (s.count(i) != 1) continue;
            const auto ui = static_cast<std::size_t>(i);
            m += r.measure[ui];
            w += r.weight[ui];
            must += r.must[ui];
            for (auto q = r.covered_by.begin(i); q < r.covered_by.end(i); ++q) {
                const auto c = r.covered_by.items[static_cast<std::size_t>(q)];
                if (c == a) continue;
                const auto uc = static_cast<std::size_t>(c);
                if (extra_m[uc] == 0 && extra_w[uc] == 0 && extra_must[uc] == 0) touched.push_back(c);
                extra_m[uc] += r.measure[ui];
                extra_w[uc] += r.weight[ui];
                extra_must[uc] += r.must[ui];
            }
        }
        std::sort(touched.begin(), touched.end());
        touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
    }
};

bool incompatible_pair(const Reduced& r, std::int32_t a, std::int32_t c) {
    const auto& l = r.incompatible[static_cast<std::size_t>(a)];
    return std::binary_search(l.begin(), l.end(), c);
}

/// Drops chosen sites whose removal keeps the selection feasible: dearest first, then the one
/// losing the least weight, then the higher index. Returns whether anything was dropped.
bool drop_redundant(const Reduced& r, State& s, double tol, Unique& u) {
    bool any = false;
    for (;;) {
        std::int32_t best = -1;
        double best_cost = -1, best_loss = 0;
        for (auto a : s.chosen_list()) {
            u.compute(r, s, a);
            if (u.must > 0 || s.covered_m() - u.m < r.needed - tol) continue;
            const double c = r.cost[static_cast<std::size_t>(a)];
            if (c > best_cost || (c == best_cost && (u.w < best_loss || (u.w == best_loss && a > best)))) {
                best = a;
                best_cost = c;
                best_loss = u.w;
            }
        }
        if (best < 0) return any;
        s.remove(best);
        any = true;
    }
}

/// After c joined: drop one chosen site sharing a demand with c if that keeps feasibility
/// (dearest first, then least weight lost, then higher index). Returns whether one was dropped.
bool drop_one_near(const Reduced& r, State& s, double tol, Unique& u, std::int32_t c) {
    std::vector<std::int32_t> near;
    for (auto k = r.cover.begin(c); k < r.cover.end(c); ++k) {
        const auto i = r.cover.items[static_cast<std::size_t>(k)];
        for (auto q = r.covered_by.begin(i); q < r.covered_by.end(i); ++q) {
            const auto b = r.covered_by.items[static_cast<std::size_t>(q)];
            if (b != c && s.chosen(b)) near.push_back(b);
        }
    }
    std::sort(near.begin(), near.end());
    near.erase(std::unique(near.begin(), near.end()), near.end());
    std::int32_t best = -1;
    double best_cost = -1, best_loss = 0;
    for (auto b : near) {
        u.compute(r, s, b);
        if (u.must > 0 || s.covered_m() - u.m < r.needed - tol) continue;
        const double cb = r.cost[static_cast<std::size_t>(b)];
        if (cb > best_cost || (cb == best_cost && (u.w < best_loss || (u.w == best_loss && b > best)))) {
            best = b;
            best_cost = cb;
            best_loss = u.w;
        }
    }
    if (best < 0) return false;
    s.remove(best);
    return true;
}

/// Greedy completion to feasibility by effective gain per cost: the must-cover part of a gain
/// counts in full, the rest only up to what is still needed once the open must-cover demands
/// are in; ties by weight gained per cost, then the lower index. `tabu` is never added.
bool greedy_complete(const Reduced& r, State& s, double tol, std::int32_t tabu) {
    const auto n = r.n_cand();
    while (!feasible(r, s, tol)) {
        const double rest = std::max(0.0, r.needed - s.covered_m() - s.must_open_m());
        std::int32_t best = -1;
        double best_score = 0, best_w = 0;
        for (std::int32_t j = 0; j < n; ++j) {
            if (j == tabu || s.chosen(j) || s.blocked(j) > 0) continue;
            const double gm = s.gain_must_m(j);
            const double eff = gm + std::min(std::max(0.0, s.gain_m(j) - gm), rest);
            if (eff <= tol && s.gain_must(j) == 0) continue;
            const double c = std::max(r.cost[static_cast<std::size_t>(j)], 1e-12);
            const double score = eff / c, w = s.gain_w(j) / c;
            if (best < 0 || score > best_score * (1 + 1e-12) || (score >= best_score * (1 - 1e-12) && w > best_w)) {
                best = j;
                best_score = score;
                best_w = w;
            }
        }
        if (best < 0) return false;
        s.add(best);
    }
    return true;
}

void restore(State& s, const std::vector<std::int32_t>& before) {
    for (auto j : s.chosen_list())
        if (!std::binary_search(before.begin(), before.end(), j)) s.remove(j);
    for (auto j : before)
        if (!s.chosen(j)) s.add(j);
}

}  // namespace

Selection heuristic_set_cover(const Reduced& r, const Deadline& deadline, const std::vector<std::int32_t>& start) {
    Selection sel;
    const double tol = tolerance(r);
    State s(r);
    const auto n = r.n_cand();
    for (auto j : start)
        if (!s.chosen(j) && s.blocked(j) == 0) s.add(j);

    if (!greedy_complete(r, s, tol, -1)) return sel;  // stuck: packing constraints block every useful candidate
    Unique u(n);
    drop_redundant(r, s, tol, u);

    // Local search: swap a chosen site a for an unchosen c when the selection stays feasible and
    // (cost, −weight) strictly improves, possibly after dropping sites made redundant.
    const double wtol = 1e-9 * std::max(1.0, std::accumulate(r.weight.begin(), r.weight.end(), 0.0));
    bool improved = true;
    while (improved && !deadline.expired()) {
        improved = false;
        for (auto a : s.chosen_list()) {
            if (deadline.expired()) break;
            if (!s.chosen(a)) continue;
            u.compute(r, s, a);
            const double base_m = s.covered_m() - u.m;
            // candidates that can restore feasibility: those covering a must-cover demand only a
            // covers when there is one, else any candidate (partial targets count measure anywhere)
            std::vector<std::int32_t> pool;
            if (u.must > 0) {
                pool = u.touched;
            } else {
                pool.resize(static_cast<std::size_t>(n));
                std::iota(pool.begin(), pool.end(), 0);
            }
            for (auto c : pool) {
                if (c == a || s.chosen(c)) continue;
                if (s.blocked(c) - (incompatible_pair(r, a, c) ? 1 : 0) > 0) continue;
                const auto uc = static_cast<std::size_t>(c);
                if (u.extra_must[uc] < u.must) continue;
                const double new_m = base_m + s.gain_m(c) + u.extra_m[uc];
                if (new_m < r.needed - tol) continue;
                if (r.cost[uc] > r.cost[static_cast<std::size_t>(a)] + 1e-12) continue;
                const double old_w = s.covered_w(), old_cost = s.cost();
                const auto before = s.chosen_list();
                s.remove(a);
                s.add(c);
                while (drop_one_near(r, s, tol, u, c)) {
                }
                if (s.cost() < old_cost - 1e-12 || (s.cost() <= old_cost + 1e-12 && s.covered_w() > old_w + wtol)) {
                    improved = true;
                    break;
                }
                restore(s, before);
                u.compute(r, s, a);
            }
        }
    }
    // Destroy and repair: drop a site with every chosen site sharing a demand with it, complete
    // greedily without it, drop what became redundant; keep the result when (cost, −weight)
    // improves. Deterministic: sites in index order, ties by index.
    improved = true;
    while (improved && !deadline.expired()) {
        improved = false;
        for (auto a : s.chosen_list()) {
            if (deadline.expired()) break;
            if (!s.chosen(a)) continue;
            const auto before = s.chosen_list();
            const double old_w = s.covered_w(), old_cost = s.cost();
            std::vector<std::int32_t> out{a};
            for (auto k = r.cover.begin(a); k < r.cover.end(a); ++k) {
                const auto i = r.cover.items[static_cast<std::size_t>(k)];
                for (auto q = r.covered_by.begin(i); q < r.covered_by.end(i); ++q) {
                    const auto b = r.covered_by.items[static_cast<std::size_t>(q)];
                    if (b != a && s.chosen(b)) out.push_back(b);
                }
            }
            std::sort(out.begin(), out.end());
            out.erase(std::unique(out.begin(), out.end()), out.end());
            for (auto b : out) s.remove(b);
            bool ok = greedy_complete(r, s, tol, a);
            if (ok) {
                for (auto c : s.chosen_list())
                    if (!std::binary_search(before.begin(), before.end(), c))
                        while (drop_one_near(r, s, tol, u, c)) {
                        }
            }
            if (ok && (s.cost() < old_cost - 1e-12 || (s.cost() <= old_cost + 1e-12 && s.covered_w() > old_w + wtol))) {
                improved = true;
            } else {
                restore(s, before);
            }
        }
    }
    sel.chosen = s.chosen_list();
    sel.feasible = feasible(r, s, tol);
    return sel;
}

Selection heuristic_max_cover(const Reduced& r, double budget, const std::vector<std::int32_t>& start,
                              const Deadline& deadline) {
    Selection sel;
    State s(r);
    const auto n = r.n_cand();
    const double btol = 1e-9 * std::max(1.0, budget);
    for (auto j : start)
        if (!s.chosen(j) && s.blocked(j) == 0 && s.cost() + r.cost[static_cast<std::size_t>(j)] <= budget + btol)
            s.add(j);

    auto greedy_fill = [&] {
        for (;;) {
            std::int32_t best = -1;
            double best_score = 0;
            for (std::int32_t j = 0; j < n; ++j) {
                if (s.chosen(j) || s.blocked(j) > 0 || s.gain_w(j) <= 0) continue;
                if (s.cost() + r.cost[static_cast<std::size_t>(j)] > budget + btol) continue;
                const double score = s.gain_w(j) / std::max(r.cost[static_cast<std::size_t>(j)], 1e-12);
                if (score > best_score * (1 + 1e-12)) {
                    best = j;
                    best_score = score;
                }
            }
            if (best < 0) return;
            s.add(best);
        }
    };
    greedy_fill();

    const double wtol = 1e-9 * std::max(1.0, std::accumulate(r.weight.begin(), r.weight.end(), 0.0));
    Unique u(n);
    bool improved = true;
    while (improved && !deadline.expired()) {
        improved = false;
        for (auto a : s.chosen_list()) {
            if (deadline.expired()) break;
            u.compute(r, s, a);
            std::int32_t best = -1;
            double best_delta = wtol;
            const double room = budget + btol - (s.cost() - r.cost[static_cast<std::size_t>(a)]);
            for (std::int32_t c = 0; c < n; ++c) {
                if (c == a || s.chosen(c)) continue;
                const auto uc = static_cast<std::size_t>(c);
                if (r.cost[uc] > room) continue;
                if (s.blocked(c) - (incompatible_pair(r, a, c) ? 1 : 0) > 0) continue;
                const double delta = s.gain_w(c) + u.extra_w[uc] - u.w;
                if (delta > best_delta) {
                    best = c;
                    best_delta = delta;
                }
            }
            if (best >= 0) {
                s.remove(a);
                s.add(best);
                greedy_fill();
                improved = true;
            }
        }
    }
    // never keep sites that add nothing
    for (auto a : s.chosen_list()) {
        u.compute(r, s, a);
        if (u.w <= 0) s.remove(a);
    }
    sel.chosen = s.chosen_list();
    sel.feasible = true;
    return sel;
}

double lagrangian_max_cover_bound(const Reduced& r, double budget, double incumbent, const Deadline& deadline) {
    const auto n = r.n_cand();
    const auto nd = r.n_dem();
    // L(λ) = Σ_i max(0, w_i − λ_i) + max{Σ_j x_j Σ_{i∈N_j} λ_i : Σ c_j x_j ≤ B, 0 ≤ x ≤ 1}
    std::vector<double> lambda(static_cast<std::size_t>(nd));
    for (std::int32_t i = 0; i < nd; ++i)  // start: each demand's weight shared by its covers
        lambda[static_cast<std::size_t>(i)] =
            r.weight[static_cast<std::size_t>(i)] / std::max(1, r.covered_by.degree(i));
    std::vector<double> value(static_cast<std::size_t>(n)), x(static_cast<std::size_t>(n)),
        g(static_cast<std::size_t>(nd));
    std::vector<std::int32_t> order(static_cast<std::size_t>(n));
    double best = std::accumulate(r.weight.begin(), r.weight.end(), 0.0);
    double theta = 2.0;
    int since = 0;
    for (int it = 0; it < 300 && !deadline.expired(); ++it) {
        double L = 0;
        for (std::int32_t i = 0; i < nd; ++i)
            L += std::max(0.0, r.weight[static_cast<std::size_t>(i)] - lambda[static_cast<std::size_t>(i)]);
        for (std::int32_t j = 0; j < n; ++j) {
            double v = 0;
            for (auto k = r.cover.begin(j); k < r.cover.end(j); ++k)
                v += lambda[static_cast<std::size_t>(r.cover.items[static_cast<std::size_t>(k)])];
            value[static_cast<std::size_t>(j)] = v;
            x[static_cast<std::size_t>(j)] = 0;
        }
        std::iota(order.begin(), order.end(), 0);
        std::sort(order.begin(), order.end(), [&](std::int32_t a, std::int32_t b) {
            const double ra = value[static_cast<std::size_t>(a)] / std::max(r.cost[static_cast<std::size_t>(a)], 1e-12);
            const double rb = value[static_cast<std::size_t>(b)] / std::max(r.cost[static_cast<std::size_t>(b)], 1e-12);
            return ra != rb ? ra > rb : a < b;
        });
        double room = budget;
        for (auto j : order) {
            const auto uj = static_cast<std::size_t>(j);
            if (room <= 0 || value[uj] <= 0) break;
            const double take = r.cost[uj] <= room ? 1.0 : room / r.cost[uj];
            x[uj] = take;
            room -= take * r.cost[uj];
            L += take * value[uj];
        }
        if (L < best - 1e-12 * std::max(1.0, best)) {
            best = L;
            since = 0;
        } else if (++since >= 10) {
            theta /= 2;
            since = 0;
            if (theta < 0.005) break;
        }
        if (best - incumbent <= 1e-9 * std::max(1.0, incumbent)) break;
        double norm = 0;
        for (std::int32_t i = 0; i < nd; ++i) {
            double cov = 0;
            for (auto k = r.covered_by.begin(i); k < r.covered_by.end(i); ++k)
                cov += x[static_cast<std::size_t>(r.covered_by.items[static_cast<std::size_t>(k)])];
            const double y = r.weight[static_cast<std::size_t>(i)] > lambda[static_cast<std::size_t>(i)] ? 1.0 : 0.0;
            g[static_cast<std::size_t>(i)] = cov - y;
            norm += g[static_cast<std::size_t>(i)] * g[static_cast<std::size_t>(i)];
        }
        if (norm <= 0) break;  // the relaxed solution is feasible: L is the optimum
        const double step = theta * std::max(L - incumbent, 1e-9 * std::max(1.0, L)) / norm;
        for (std::int32_t i = 0; i < nd; ++i)
            lambda[static_cast<std::size_t>(i)] =
                std::max(0.0, lambda[static_cast<std::size_t>(i)] - step * g[static_cast<std::size_t>(i)]);
    }
    return std::max(best, incumbent);
}

double sum_cost(const Reduced& r, const std::vector<std::int32_t>& chosen) {
    double c = 0;
    for (auto j : chosen) c += r.cost[static_cast<std::size_t>(j)];
    return c;
}

bool has_packing(const Reduced& r) {
    return std::any_of(r.incompatible.begin(), r.incompatible.end(), [](const auto& l) { return !l.empty(); });
}

double covered_weight(const Reduced& r, const std::vector<std::int32_t>& chosen) {
    std::vector<std::uint8_t> hit(static_cast<std::size_t>(r.n_dem()), 0);
    double w = 0;
    for (auto j : chosen)
        for (auto k = r.cover.begin(j); k < r.cover.end(j); ++k) {
            const auto i = static_cast<std::size_t>(r.cover.items[static_cast<std::size_t>(k)]);
            if (!hit[i]) hit[i] = 1, w += r.weight[i];
        }
    return w;
}

double covered_measure(const Reduced& r, const std::vector<std::int32_t>& chosen) {
    std::vector<std::uint8_t> hit(static_cast<std::size_t>(r.n_dem()), 0);
    double m = 0;
    for (auto j : chosen)
        for (auto k = r.cover.begin(j); k < r.cover.end(j); ++k) {
            const auto i = static_cast<std::size_t>(r.cover.items[static_cast<std::size_t>(k)]);
            if (!hit[i]) hit[i] = 1, m += r.measure[i];
        }
    return m;
}

bool must_covered(const Reduced& r, const std::vector<std::int32_t>& chosen) {
    std::vector<std::uint8_t> hit(static_cast<std::size_t>(r.n_dem()), 0);
    for (auto j : chosen)
        for (auto k = r.cover.begin(j); k < r.cover.end(j); ++k)
            hit[static_cast<std::size_t>(r.cover.items[static_cast<std::size_t>(k)])] = 1;
    for (std::int32_t i = 0; i < r.n_dem(); ++i)
        if (r.must[static_cast<std::size_t>(i)] && !hit[static_cast<std::size_t>(i)]) return false;
    return true;
}

bool compatible(const Reduced& r, const std::vector<std::int32_t>& chosen) {
    std::vector<std::uint8_t> in(static_cast<std::size_t>(r.n_cand()), 0);
    for (auto j : chosen) in[static_cast<std::size_t>(j)] = 1;
    for (auto j : chosen)
        for (auto o : r.incompatible[static_cast<std::size_t>(j)])
            if (in[static_cast<std::size_t>(o)]) return false;
    return true;
}

}  // namespace scicov::cover::detail
