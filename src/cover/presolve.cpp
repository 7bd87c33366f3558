// Presolve for the cover models: reductions that keep at least one optimal solution.
//
// Rules, each exact (an optimal solution of the reduced problem plus the fixed candidates is an
// optimal solution of the original problem):
//  1. Demands already covered are constants (their measure counts for every selection).
//  2. Demands no candidate covers are constants at 0 (reported as uncoverable).
//  3. Max cover: demands of weight 0 cannot change the objective.
//  4. Demands with the same set of alive covering candidates are covered together by every
//     selection: one demand with the summed measure and weight is the same model.
//  5. Set cover, must-cover: if the open measure without demand i is below the measure still
//     needed, every feasible selection covers i.
//  6. Set cover, fixing: a must-cover demand with one alive candidate k forces x_k = 1; k's
//     demands become covered, and candidates incompatible with k (group mates, conflicts) can
//     never be chosen. A must-cover demand left with no candidate proves infeasibility.
//  7. Set cover, implied rows: must-cover demands i, i' with cands(i) ⊆ cands(i'): covering i
//     covers i', so i' leaves the model with its measure counted as covered.
//  8. Useless candidates (cover no open demand) never help: dropping one from a selection keeps
//     it feasible (all packing constraints are ≤) and changes no coverage.
//  9. Dominance: j is dominated by an alive k when dem(j) ⊆ dem(k), cost(j) ≥ cost(k), and every
//     candidate other than j incompatible with k is incompatible with j (or already out). In
//     any feasible selection holding j, no candidate incompatible with k is chosen, so j can be
//     swapped for k (or simply dropped if k is chosen) without losing coverage, target,
//     tie-break weight or budget. Candidates are scanned from the highest index down and a
//     dominator must be alive then, so swaps chain towards alive candidates and never cycle
//     (of mutually dominating twins the lower index stays).
#include <algorithm>
#include <cmath>
#include <numeric>
#include <unordered_map>

#include "cover/detail.hpp"
#include "scicov/core.hpp"

namespace scicov::cover::detail {

Csr transpose(const std::vector<std::int32_t>& offsets, const std::vector<std::int32_t>& items, std::int32_t n_rows) {
    Csr t;
    t.offsets.assign(static_cast<std::size_t>(n_rows) + 1, 0);
    for (auto d : items) ++t.offsets[static_cast<std::size_t>(d) + 1];
    for (std::size_t i = 1; i < t.offsets.size(); ++i) t.offsets[i] += t.offsets[i - 1];
    t.items.resize(items.size());
    std::vector<std::int32_t> pos(t.offsets.begin(), t.offsets.end() - 1);
    const auto n_cols = static_cast<std::int32_t>(offsets.size()) - 1;
    for (std::int32_t j = 0; j < n_cols; ++j)
        for (auto k = offsets[static_cast<std::size_t>(j)]; k < offsets[static_cast<std::size_t>(j) + 1]; ++k)
            t.items[static_cast<std::size_t>(pos[static_cast<std::size_t>(items[static_cast<std::size_t>(k)])]++)] = j;
    return t;
}

std::optional<double> cost_unit(const std::vector<double>& cost) {
    if (cost.empty()) return 1.0;
    for (double scale : {1.0, 10.0, 100.0, 1000.0, 10000.0, 100000.0, 1000000.0}) {
        std::int64_t g = 0;
        bool ok = true;
        for (double c : cost) {
            const double v = c * scale;
            const double r = std::round(v);
            if (std::abs(v - r) > 1e-9 * std::max(1.0, std::abs(v)) || r > 9e15) {
                ok = false;
                break;
            }
            g = std::gcd(g, static_cast<std::int64_t>(r));
        }
        if (ok) return g == 0 ? std::optional<double>(1.0) : std::optional<double>(static_cast<double>(g) / scale);
    }
    return std::nullopt;
}

namespace {

using List = std::vector<std::int32_t>;

bool is_subset(const List& a, const List& b) {  // sorted a ⊆ sorted b
    if (a.size() > b.size()) return false;
    return std::includes(b.begin(), b.end(), a.begin(), a.end());
}

}  // namespace

PresolveResult presolve(const CoverProblem& p, Model model, double target, Objective objective, bool reduce) {
    PresolveResult result;
    Reduced& r = result.reduced;
    PresolveStats& st = r.stats;
    const auto nd = static_cast<std::int32_t>(p.demand_count());
    const auto nc = static_cast<std::int32_t>(p.candidate_count());
    st.demands_in = nd;
    st.candidates_in = nc;
    const bool set_cover = model == Model::set_cover;

    auto ucost = [&](std::int32_t j) {
        return objective == Objective::sites ? 1.0 : p.cost[static_cast<std::size_t>(j)];
    };

    // Working lists over original ids.
    std::vector<List> cd(static_cast<std::size_t>(nc));  // candidate → open demands (alive)
    std::vector<List> dc(static_cast<std::size_t>(nd));  // demand → candidates (alive)
    std::vector<std::uint8_t> dem_alive(static_cast<std::size_t>(nd), 1);
    std::vector<std::uint8_t> cand_alive(static_cast<std::size_t>(nc), 1);
    std::vector<double> meas(p.measure.begin(), p.measure.end());
    std::vector<double> wt(p.weight.begin(), p.weight.end());

    double base = 0;
    double total_all = 0;
    for (std::int32_t i = 0; i < nd; ++i) {
        total_all += meas[static_cast<std::size_t>(i)];
        if (p.covered[static_cast<std::size_t>(i)]) {
            base += meas[static_cast<std::size_t>(i)];
            dem_alive[static_cast<std::size_t>(i)] = 0;
            ++st.demands_already_covered;
        }
    }
    r.base_measure = base;
    for (std::int32_t j = 0; j < nc; ++j)
        for (auto k = p.offsets[static_cast<std::size_t>(j)]; k < p.offsets[static_cast<std::size_t>(j) + 1]; ++k) {
            const auto i = p.demands[static_cast<std::size_t>(k)];
            if (dem_alive[static_cast<std::size_t>(i)]) dc[static_cast<std::size_t>(i)].push_back(j);
        }
    double coverable = base;
    for (std::int32_t i = 0; i < nd; ++i) {
        if (!dem_alive[static_cast<std::size_t>(i)]) continue;
        if (dc[static_cast<std::size_t>(i)].empty()) {
            dem_alive[static_cast<std::size_t>(i)] = 0;
            r.uncoverable.push_back(i);
            ++st.demands_uncoverable;
        } else {
            coverable += meas[static_cast<std::size_t>(i)];
            if (!set_cover && wt[static_cast<std::size_t>(i)] <= 0) {
                dem_alive[static_cast<std::size_t>(i)] = 0;
                dc[static_cast<std::size_t>(i)].clear();
                ++st.demands_weightless;
            }
        }
    }
    r.coverable_measure = coverable;
    const double tol = 1e-9 * std::max(1.0, total_all);

    // Incompatibility (group mates + conflicts), original ids, sorted.
    std::vector<List> incompatible(static_cast<std::size_t>(nc));
    {
        std::unordered_map<std::int32_t, List> members;
        if (!p.group.empty())
            for (std::int32_t j = 0; j < nc; ++j)
                if (p.group[static_cast<std::size_t>(j)] >= 0) members[p.group[static_cast<std::size_t>(j)]].push_back(j);
        for (const auto& [g, m] : members)
            if (m.size() > 1)
                for (auto a : m)
                    for (auto b : m)
                        if (a != b) incompatible[static_cast<std::size_t>(a)].push_back(b);
        for (const auto& [a, b] : p.conflicts) {
            if (a == b) continue;
            incompatible[static_cast<std::size_t>(a)].push_back(b);
            incompatible[static_cast<std::size_t>(b)].push_back(a);
        }
        for (auto& l : incompatible) {
            std::sort(l.begin(), l.end());
            l.erase(std::unique(l.begin(), l.end()), l.end());
        }
    }
    const bool any_incompat = std::any_of(incompatible.begin(), incompatible.end(), [](const List& l) { return !l.empty(); });

    double fixed_measure = 0;  // measure of demands covered by fixed candidates or implied
    std::vector<std::uint8_t> must(static_cast<std::size_t>(nd), 0);

    auto rebuild_cd = [&] {
        for (auto& l : cd) l.clear();
        for (std::int32_t i = 0; i < nd; ++i) {
            if (!dem_alive[static_cast<std::size_t>(i)]) continue;
            auto& l = dc[static_cast<std::size_t>(i)];
            l.erase(std::remove_if(l.begin(), l.end(), [&](std::int32_t j) { return !cand_alive[static_cast<std::size_t>(j)]; }),
                    l.end());
            for (auto j : l) cd[static_cast<std::size_t>(j)].push_back(i);
        }
    };
    auto open_measure = [&] {
        double s = 0;
        for (std::int32_t i = 0; i < nd; ++i)
            if (dem_alive[static_cast<std::size_t>(i)]) s += meas[static_cast<std::size_t>(i)];
        return s;
    };
    auto compute_must = [&] {
        const double needed = target - base - fixed_measure;
        const double open = open_measure();
        for (std::int32_t i = 0; i < nd; ++i)
            must[static_cast<std::size_t>(i)] =
                dem_alive[static_cast<std::size_t>(i)] && meas[static_cast<std::size_t>(i)] > 0 &&
                open - meas[static_cast<std::size_t>(i)] < needed - tol;
    };

    rebuild_cd();
    if (set_cover) compute_must();

    for (int round = 0; reduce && round < 50; ++round) {
        bool changed = false;

        // 6. Fixing.
        if (set_cover) {
            for (std::int32_t i = 0; i < nd; ++i) {
                if (!dem_alive[static_cast<std::size_t>(i)] || !must[static_cast<std::size_t>(i)]) continue;
                auto& l = dc[static_cast<std::size_t>(i)];
                l.erase(std::remove_if(l.begin(), l.end(),
                                       [&](std::int32_t j) { return !cand_alive[static_cast<std::size_t>(j)]; }),
                        l.end());
                if (l.empty()) {
                    result.infeasible = true;
                    break;
                }
                if (l.size() != 1) continue;
                const auto k = l.front();
                r.fixed.push_back(k);
                r.fixed_cost += ucost(k);
                ++st.candidates_fixed;
                cand_alive[static_cast<std::size_t>(k)] = 0;
                for (auto d : cd[static_cast<std::size_t>(k)]) {
                    if (!dem_alive[static_cast<std::size_t>(d)]) continue;
                    dem_alive[static_cast<std::size_t>(d)] = 0;
                    fixed_measure += meas[static_cast<std::size_t>(d)];
                }
                for (auto o : incompatible[static_cast<std::size_t>(k)])
                    if (cand_alive[static_cast<std::size_t>(o)]) {
                        cand_alive[static_cast<std::size_t>(o)] = 0;
                        ++st.candidates_excluded;
                    }
                changed = true;
            }
            if (result.infeasible) break;
            if (changed) {
                rebuild_cd();
                compute_must();
            }
        }

        // 8. Useless candidates.
        for (std::int32_t j = 0; j < nc; ++j)
            if (cand_alive[static_cast<std::size_t>(j)] && cd[static_cast<std::size_t>(j)].empty()) {
                cand_alive[static_cast<std::size_t>(j)] = 0;
                ++st.candidates_useless;
                changed = true;
            }

        // 9. Dominance, highest index first.
        {
            bool removed = false;
            for (std::int32_t j = nc - 1; j >= 0; --j) {
                if (!cand_alive[static_cast<std::size_t>(j)]) continue;
                const auto& dj = cd[static_cast<std::size_t>(j)];
                if (dj.empty()) continue;
                // rarest demand of j
                std::int32_t rare = dj.front();
                std::size_t best = SIZE_MAX;
                for (auto d : dj) {
                    const auto s = dc[static_cast<std::size_t>(d)].size();
                    if (s < best) best = s, rare = d;
                }
                for (auto k : dc[static_cast<std::size_t>(rare)]) {
                    if (k == j || !cand_alive[static_cast<std::size_t>(k)]) continue;
                    if (ucost(j) < ucost(k)) continue;
                    const auto& dk = cd[static_cast<std::size_t>(k)];
                    if (!is_subset(dj, dk)) continue;
                    if (any_incompat) {
                        const auto& ij = incompatible[static_cast<std::size_t>(j)];
                        bool ok = true;
                        for (auto o : incompatible[static_cast<std::size_t>(k)]) {
                            if (o == j || !cand_alive[static_cast<std::size_t>(o)]) continue;
                            if (!std::binary_search(ij.begin(), ij.end(), o)) {
                                ok = false;
                                break;
                            }
                        }
                        if (!ok) continue;
                    }
                    cand_alive[static_cast<std::size_t>(j)] = 0;
                    ++st.candidates_dominated;
                    removed = true;
                    break;
                }
            }
            if (removed) {
                changed = true;
                rebuild_cd();
            }
        }

        // 4. Merge demands with identical candidate sets.
        {
            std::unordered_map<List, std::int32_t, HashIndexList> seen;
            seen.reserve(static_cast<std::size_t>(nd));
            bool merged = false;
            for (std::int32_t i = 0; i < nd; ++i) {
                if (!dem_alive[static_cast<std::size_t>(i)]) continue;
                auto [it, inserted] = seen.emplace(dc[static_cast<std::size_t>(i)], i);
                if (inserted) continue;
                const auto rep = it->second;
                meas[static_cast<std::size_t>(rep)] += meas[static_cast<std::size_t>(i)];
                wt[static_cast<std::size_t>(rep)] += wt[static_cast<std::size_t>(i)];
                dem_alive[static_cast<std::size_t>(i)] = 0;
                ++st.demands_merged;
                merged = true;
            }
            if (merged) {
                changed = true;
                rebuild_cd();
            }
        }

        // 7. Implied must-cover rows.
        if (set_cover) {
            compute_must();
            bool dropped = false;
            for (std::int32_t i = 0; i < nd; ++i) {
                if (!dem_alive[static_cast<std::size_t>(i)] || !must[static_cast<std::size_t>(i)]) continue;
                const auto& di = dc[static_cast<std::size_t>(i)];
                if (di.empty()) continue;
                // supersets of di are among the demands of di's first candidate
                for (auto i2 : cd[static_cast<std::size_t>(di.front())]) {
                    if (i2 == i || !dem_alive[static_cast<std::size_t>(i2)] || !must[static_cast<std::size_t>(i2)]) continue;
                    const auto& d2 = dc[static_cast<std::size_t>(i2)];
                    if (d2.size() <= di.size() || !is_subset(di, d2)) continue;
                    dem_alive[static_cast<std::size_t>(i2)] = 0;
                    fixed_measure += meas[static_cast<std::size_t>(i2)];
                    ++st.demands_implied;
                    dropped = true;
                }
            }
            if (dropped) {
                changed = true;
                rebuild_cd();
                compute_must();
            }
        }

        if (!changed) break;
    }

    // Build the reduced problem.
    std::vector<std::int32_t> cand_new(static_cast<std::size_t>(nc), -1), dem_new(static_cast<std::size_t>(nd), -1);
    for (std::int32_t j = 0; j < nc; ++j)
        if (cand_alive[static_cast<std::size_t>(j)]) {
            cand_new[static_cast<std::size_t>(j)] = static_cast<std::int32_t>(r.orig.size());
            r.orig.push_back(j);
            r.cost.push_back(ucost(j));
        }
    for (std::int32_t i = 0; i < nd; ++i)
        if (dem_alive[static_cast<std::size_t>(i)]) {
            dem_new[static_cast<std::size_t>(i)] = static_cast<std::int32_t>(r.measure.size());
            r.measure.push_back(meas[static_cast<std::size_t>(i)]);
            r.weight.push_back(wt[static_cast<std::size_t>(i)]);
        }
    r.cover.offsets.assign(1, 0);
    for (auto j : r.orig) {
        for (auto d : cd[static_cast<std::size_t>(j)])
            if (dem_new[static_cast<std::size_t>(d)] >= 0) r.cover.items.push_back(dem_new[static_cast<std::size_t>(d)]);
        r.cover.offsets.push_back(static_cast<std::int32_t>(r.cover.items.size()));
    }
    r.covered_by = transpose(r.cover.offsets, r.cover.items, r.n_dem());
    {
        std::unordered_map<std::int32_t, std::int32_t> gid;
        r.group.assign(r.orig.size(), -1);
        if (!p.group.empty())
            for (std::size_t n = 0; n < r.orig.size(); ++n) {
                const auto g = p.group[static_cast<std::size_t>(r.orig[n])];
                if (g < 0) continue;
                auto [it, ins] = gid.emplace(g, r.n_groups);
                if (ins) ++r.n_groups;
                r.group[n] = it->second;
            }
        // only groups with ≥ 2 alive members constrain anything, but keep ids simple
        for (const auto& [a, b] : p.conflicts) {
            const auto na = cand_new[static_cast<std::size_t>(a)], nb = cand_new[static_cast<std::size_t>(b)];
            if (na < 0 || nb < 0 || na == nb) continue;
            r.conflicts.emplace_back(std::min(na, nb), std::max(na, nb));
        }
        std::sort(r.conflicts.begin(), r.conflicts.end());
        r.conflicts.erase(std::unique(r.conflicts.begin(), r.conflicts.end()), r.conflicts.end());
        r.incompatible.assign(r.orig.size(), {});
        for (std::size_t n = 0; n < r.orig.size(); ++n)
            for (auto o : incompatible[static_cast<std::size_t>(r.orig[n])])
                if (cand_new[static_cast<std::size_t>(o)] >= 0) r.incompatible[n].push_back(cand_new[static_cast<std::size_t>(o)]);
    }
    r.needed = target - base - fixed_measure;
    {
        const double open = std::accumulate(r.measure.begin(), r.measure.end(), 0.0);
        r.must.assign(r.measure.size(), 0);
        if (set_cover)
            for (std::size_t i = 0; i < r.measure.size(); ++i)
                r.must[i] = r.measure[i] > 0 && open - r.measure[i] < r.needed - tol;
        if (set_cover && open < r.needed - tol) result.infeasible = true;
    }
    st.demands_out = r.n_dem();
    st.candidates_out = r.n_cand();
    return result;
}

}  // namespace scicov::cover::detail
