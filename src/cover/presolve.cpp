// Presolve for the cover models: reductions that keep at least one optimal solution.
//
// Each reduction is exact: an optimal solution of the reduced problem plus the fixed candidates
// is an optimal solution of the original problem. The constants go first (covered, uncoverable
// and weightless demands); then rounds of forced candidates, useless and dominated candidates,
// demands merged by covering set and implied must-cover demands, until a round changes nothing.
// Each reduction's function says what it removes and why that is safe.
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

constexpr std::size_t ix(std::int32_t i) {
    return static_cast<std::size_t>(i);
}

bool is_subset(const List& a, const List& b) {  // sorted a ⊆ sorted b
    if (a.size() > b.size()) return false;
    return std::includes(b.begin(), b.end(), a.begin(), a.end());
}

/// Per candidate (original ids): the candidates it cannot be chosen with, group mates and
/// conflicts, sorted and unique.
std::vector<List> incompatibility(const CoverProblem& p) {
    const auto nc = static_cast<std::int32_t>(p.candidate_count());
    std::vector<List> incompatible(ix(nc));
    std::unordered_map<std::int32_t, List> members;
    if (!p.group.empty())
        for (std::int32_t j = 0; j < nc; ++j)
            if (p.group[ix(j)] >= 0) members[p.group[ix(j)]].push_back(j);
    for (const auto& [g, m] : members)
        if (m.size() > 1)
            for (auto a : m)
                for (auto b : m)
                    if (a != b) incompatible[ix(a)].push_back(b);
    for (const auto& [a, b] : p.conflicts) {
        if (a == b) continue;
        incompatible[ix(a)].push_back(b);
        incompatible[ix(b)].push_back(a);
    }
    for (auto& l : incompatible) {
        std::sort(l.begin(), l.end());
        l.erase(std::unique(l.begin(), l.end()), l.end());
    }
    return incompatible;
}

/// The working problem over original ids while the reductions run: which demands and
/// candidates are still open, the incidence between them, and the constants taken out so far.
class Presolver {
public:
    Presolver(const CoverProblem& p, Model model, double target, Objective objective);

    /// Runs the reduction rounds until one changes nothing (at most 50) or infeasibility shows.
    void reduce();
    /// The reduced problem: survivors renumbered, packing rows and must-cover flags rebuilt.
    PresolveResult finish();

private:
    void take_out_covered();
    void take_out_uncoverable_and_weightless();

    bool fix_forced_candidates();
    bool drop_useless_candidates();
    bool drop_dominated_candidates();
    bool dominates(std::int32_t k, std::int32_t j) const;
    bool merge_demands_by_covering_set();
    bool drop_implied_demands();

    void rebuild_candidate_lists();
    double open_measure() const;
    void compute_must();
    double unit_cost(std::int32_t j) const { return m_objective == Objective::sites ? 1.0 : m_p.cost[ix(j)]; }
    /// Set cover by fewest sites: the cost is the second key (Reduced::price).
    bool priced() const { return m_set_cover && m_objective == Objective::sites; }

    void renumber(Reduced& r, List& cand_new) const;
    void copy_packing(Reduced& r, const List& cand_new) const;
    void set_must(PresolveResult& result) const;

    const CoverProblem& m_p;
    const bool m_set_cover;
    const double m_target;
    const Objective m_objective;
    const std::int32_t m_nd;
    const std::int32_t m_nc;
    PresolveResult m_result;
    PresolveStats& m_stats;
    std::vector<List> m_cd;  // candidate → open demands (alive)
    std::vector<List> m_dc;  // demand → candidates (alive after each rebuild)
    std::vector<std::uint8_t> m_dem_alive;
    std::vector<std::uint8_t> m_cand_alive;
    std::vector<double> m_meas;
    std::vector<double> m_wt;
    std::vector<List> m_incompatible;
    bool m_any_incompatible = false;
    double m_base = 0;           // measure of demands already covered
    double m_total = 0;          // measure of every demand
    double m_tol = 0;            // tolerance on measure comparisons
    double m_fixed_measure = 0;  // measure of demands covered by fixed candidates or implied
    std::vector<std::uint8_t> m_must;
};

Presolver::Presolver(const CoverProblem& p, Model model, double target, Objective objective)
    : m_p(p),
      m_set_cover(model == Model::set_cover),
      m_target(target),
      m_objective(objective),
      m_nd(static_cast<std::int32_t>(p.demand_count())),
      m_nc(static_cast<std::int32_t>(p.candidate_count())),
      m_stats(m_result.reduced.stats),
      m_cd(ix(m_nc)),
      m_dc(ix(m_nd)),
      m_dem_alive(ix(m_nd), 1),
      m_cand_alive(ix(m_nc), 1),
      m_meas(p.measure.begin(), p.measure.end()),
      m_wt(p.weight.begin(), p.weight.end()),
      m_incompatible(incompatibility(p)),
      m_must(ix(m_nd), 0) {
    m_stats.demands_in = m_nd;
    m_stats.candidates_in = m_nc;
    take_out_covered();
    for (std::int32_t j = 0; j < m_nc; ++j)
        for (auto k = p.offsets[ix(j)]; k < p.offsets[ix(j) + 1]; ++k) {
            const auto i = p.demands[ix(k)];
            if (m_dem_alive[ix(i)]) m_dc[ix(i)].push_back(j);
        }
    take_out_uncoverable_and_weightless();
    m_tol = 1e-9 * std::max(1.0, m_total);
    m_any_incompatible =
        std::any_of(m_incompatible.begin(), m_incompatible.end(), [](const List& l) { return !l.empty(); });
    rebuild_candidate_lists();
    if (m_set_cover) compute_must();
}

// Demands already covered count for every selection: a constant (the base measure).
void Presolver::take_out_covered() {
    for (std::int32_t i = 0; i < m_nd; ++i) {
        m_total += m_meas[ix(i)];
        if (m_p.covered[ix(i)]) {
            m_base += m_meas[ix(i)];
            m_dem_alive[ix(i)] = 0;
            ++m_stats.demands_already_covered;
        }
    }
    m_result.reduced.base_measure = m_base;
}

// Demands no candidate covers are constants at 0 (reported as uncoverable). In max cover a
// demand of weight 0 cannot change the objective, so it leaves the model too (its measure still
// counts as coverable).
void Presolver::take_out_uncoverable_and_weightless() {
    Reduced& r = m_result.reduced;
    double coverable = m_base;
    for (std::int32_t i = 0; i < m_nd; ++i) {
        if (!m_dem_alive[ix(i)]) continue;
        if (m_dc[ix(i)].empty()) {
            m_dem_alive[ix(i)] = 0;
            r.uncoverable.push_back(i);
            ++m_stats.demands_uncoverable;
        } else {
            coverable += m_meas[ix(i)];
            if (!m_set_cover && m_wt[ix(i)] <= 0) {
                m_dem_alive[ix(i)] = 0;
                m_dc[ix(i)].clear();
                ++m_stats.demands_weightless;
            }
        }
    }
    r.coverable_measure = coverable;
}

void Presolver::reduce() {
    for (int round = 0; round < 50; ++round) {
        bool changed = false;
        if (m_set_cover) {
            changed = fix_forced_candidates();
            if (m_result.infeasible) break;
        }
        changed = drop_useless_candidates() || changed;
        changed = drop_dominated_candidates() || changed;
        changed = merge_demands_by_covering_set() || changed;
        if (m_set_cover) changed = drop_implied_demands() || changed;
        if (!changed) break;
    }
}

// Set cover, forced candidates. A demand is must-cover when the open measure without it is
// below the measure still needed: every feasible selection covers it. A must-cover demand with
// one alive candidate k forces x_k = 1; k's demands become covered, and the candidates
// incompatible with k (group mates, conflicts) can never be chosen. A must-cover demand left
// with no candidate proves the set cover infeasible.
bool Presolver::fix_forced_candidates() {
    Reduced& r = m_result.reduced;
    bool fixed = false;
    for (std::int32_t i = 0; i < m_nd; ++i) {
        if (!m_dem_alive[ix(i)] || !m_must[ix(i)]) continue;
        auto& l = m_dc[ix(i)];
        l.erase(std::remove_if(l.begin(), l.end(), [&](std::int32_t j) { return !m_cand_alive[ix(j)]; }), l.end());
        if (l.empty()) {
            m_result.infeasible = true;
            return fixed;
        }
        if (l.size() != 1) continue;
        const auto k = l.front();
        r.fixed.push_back(k);
        r.fixed_cost += unit_cost(k);
        ++m_stats.candidates_fixed;
        m_cand_alive[ix(k)] = 0;
        for (auto d : m_cd[ix(k)]) {
            if (!m_dem_alive[ix(d)]) continue;
            m_dem_alive[ix(d)] = 0;
            m_fixed_measure += m_meas[ix(d)];
        }
        for (auto o : m_incompatible[ix(k)])
            if (m_cand_alive[ix(o)]) {
                m_cand_alive[ix(o)] = 0;
                ++m_stats.candidates_excluded;
            }
        fixed = true;
    }
    if (fixed) {
        rebuild_candidate_lists();
        compute_must();
    }
    return fixed;
}

// Useless candidates (covering no open demand) never help: dropping one from a selection keeps
// it feasible (every packing constraint is ≤) and changes no coverage.
bool Presolver::drop_useless_candidates() {
    bool dropped = false;
    for (std::int32_t j = 0; j < m_nc; ++j)
        if (m_cand_alive[ix(j)] && m_cd[ix(j)].empty()) {
            m_cand_alive[ix(j)] = 0;
            ++m_stats.candidates_useless;
            dropped = true;
        }
    return dropped;
}

// Dominated candidates. j is dominated by an alive k when dem(j) ⊆ dem(k), cost(j) ≥ cost(k),
// (and, fewest sites first, price(j) ≥ price(k): the second key), and every candidate other than j
// incompatible with k is incompatible with j (or already out).
// In any feasible selection holding j no candidate incompatible with k is chosen, so j can be
// swapped for k (or simply dropped when k is chosen) without losing coverage, target, tie-break
// weight or budget. Candidates are scanned from the highest index down and a dominator must be
// alive then, so swaps chain towards alive candidates and never cycle (of mutually dominating
// twins the lower index stays).
bool Presolver::drop_dominated_candidates() {
    bool removed = false;
    for (std::int32_t j = m_nc - 1; j >= 0; --j) {
        if (!m_cand_alive[ix(j)]) continue;
        const auto& dj = m_cd[ix(j)];
        if (dj.empty()) continue;
        // a dominator covers j's rarest demand too: only its candidates need a look
        std::int32_t rare = dj.front();
        std::size_t best = SIZE_MAX;
        for (auto d : dj) {
            const auto s = m_dc[ix(d)].size();
            if (s < best) best = s, rare = d;
        }
        for (auto k : m_dc[ix(rare)]) {
            if (!dominates(k, j)) continue;
            m_cand_alive[ix(j)] = 0;
            ++m_stats.candidates_dominated;
            removed = true;
            break;
        }
    }
    if (removed) rebuild_candidate_lists();
    return removed;
}

bool Presolver::dominates(std::int32_t k, std::int32_t j) const {
    if (k == j || !m_cand_alive[ix(k)]) return false;
    if (unit_cost(j) < unit_cost(k)) return false;
    if (priced() && m_p.cost[ix(j)] < m_p.cost[ix(k)]) return false;  // the second key, too
    if (!is_subset(m_cd[ix(j)], m_cd[ix(k)])) return false;
    if (!m_any_incompatible) return true;
    const auto& ij = m_incompatible[ix(j)];
    for (auto o : m_incompatible[ix(k)]) {
        if (o == j || !m_cand_alive[ix(o)]) continue;
        if (!std::binary_search(ij.begin(), ij.end(), o)) return false;
    }
    return true;
}

// Demands with the same set of alive covering candidates are covered together by every
// selection: one demand with their summed measure and weight is the same model.
bool Presolver::merge_demands_by_covering_set() {
    std::unordered_map<List, std::int32_t, HashIndexList> seen;
    seen.reserve(ix(m_nd));
    bool merged = false;
    for (std::int32_t i = 0; i < m_nd; ++i) {
        if (!m_dem_alive[ix(i)]) continue;
        auto [it, inserted] = seen.emplace(m_dc[ix(i)], i);
        if (inserted) continue;
        const auto rep = it->second;
        m_meas[ix(rep)] += m_meas[ix(i)];
        m_wt[ix(rep)] += m_wt[ix(i)];
        m_dem_alive[ix(i)] = 0;
        ++m_stats.demands_merged;
        merged = true;
    }
    if (merged) rebuild_candidate_lists();
    return merged;
}

// Set cover, implied demands. For must-cover demands i, i' with cands(i) ⊊ cands(i'), covering i
// covers i': i' leaves the model with its measure counted as covered.
bool Presolver::drop_implied_demands() {
    compute_must();
    bool dropped = false;
    for (std::int32_t i = 0; i < m_nd; ++i) {
        if (!m_dem_alive[ix(i)] || !m_must[ix(i)]) continue;
        const auto& di = m_dc[ix(i)];
        if (di.empty()) continue;
        // supersets of di are among the demands of di's first candidate
        for (auto i2 : m_cd[ix(di.front())]) {
            if (i2 == i || !m_dem_alive[ix(i2)] || !m_must[ix(i2)]) continue;
            const auto& d2 = m_dc[ix(i2)];
            if (d2.size() <= di.size() || !is_subset(di, d2)) continue;
            m_dem_alive[ix(i2)] = 0;
            m_fixed_measure += m_meas[ix(i2)];
            ++m_stats.demands_implied;
            dropped = true;
        }
    }
    if (dropped) {
        rebuild_candidate_lists();
        compute_must();
    }
    return dropped;
}

// Drops the dead candidates from the open demands' lists and rebuilds candidate → demands.
void Presolver::rebuild_candidate_lists() {
    for (auto& l : m_cd) l.clear();
    for (std::int32_t i = 0; i < m_nd; ++i) {
        if (!m_dem_alive[ix(i)]) continue;
        auto& l = m_dc[ix(i)];
        l.erase(std::remove_if(l.begin(), l.end(), [&](std::int32_t j) { return !m_cand_alive[ix(j)]; }), l.end());
        for (auto j : l) m_cd[ix(j)].push_back(i);
    }
}

double Presolver::open_measure() const {
    double s = 0;
    for (std::int32_t i = 0; i < m_nd; ++i)
        if (m_dem_alive[ix(i)]) s += m_meas[ix(i)];
    return s;
}

void Presolver::compute_must() {
    const double needed = m_target - m_base - m_fixed_measure;
    const double open = open_measure();
    for (std::int32_t i = 0; i < m_nd; ++i)
        m_must[ix(i)] = m_dem_alive[ix(i)] && m_meas[ix(i)] > 0 && open - m_meas[ix(i)] < needed - m_tol;
}

PresolveResult Presolver::finish() {
    Reduced& r = m_result.reduced;
    List cand_new;
    renumber(r, cand_new);
    copy_packing(r, cand_new);
    r.needed = m_target - m_base - m_fixed_measure;
    set_must(m_result);
    m_stats.demands_out = r.n_dem();
    m_stats.candidates_out = r.n_cand();
    return std::move(m_result);
}

// Numbers the alive candidates and demands in original order and builds both incidences.
void Presolver::renumber(Reduced& r, List& cand_new) const {
    cand_new.assign(ix(m_nc), -1);
    List dem_new(ix(m_nd), -1);
    for (std::int32_t j = 0; j < m_nc; ++j)
        if (m_cand_alive[ix(j)]) {
            cand_new[ix(j)] = static_cast<std::int32_t>(r.orig.size());
            r.orig.push_back(j);
            r.cost.push_back(unit_cost(j));
            if (priced()) r.price.push_back(m_p.cost[ix(j)]);
        }
    for (std::int32_t i = 0; i < m_nd; ++i)
        if (m_dem_alive[ix(i)]) {
            dem_new[ix(i)] = static_cast<std::int32_t>(r.measure.size());
            r.measure.push_back(m_meas[ix(i)]);
            r.weight.push_back(m_wt[ix(i)]);
        }
    r.cover.offsets.assign(1, 0);
    for (auto j : r.orig) {
        for (auto d : m_cd[ix(j)])
            if (dem_new[ix(d)] >= 0) r.cover.items.push_back(dem_new[ix(d)]);
        r.cover.offsets.push_back(static_cast<std::int32_t>(r.cover.items.size()));
    }
    r.covered_by = transpose(r.cover.offsets, r.cover.items, r.n_dem());
}

// Groups (compact ids in order of first alive member), conflicts and incompatibility lists
// between the alive candidates, in reduced indices.
void Presolver::copy_packing(Reduced& r, const List& cand_new) const {
    std::unordered_map<std::int32_t, std::int32_t> gid;
    r.group.assign(r.orig.size(), -1);
    if (!m_p.group.empty())
        for (std::size_t n = 0; n < r.orig.size(); ++n) {
            const auto g = m_p.group[ix(r.orig[n])];
            if (g < 0) continue;
            auto [it, ins] = gid.emplace(g, r.n_groups);
            if (ins) ++r.n_groups;
            r.group[n] = it->second;
        }
    // only groups with ≥ 2 alive members constrain anything, but keep ids simple
    for (const auto& [a, b] : m_p.conflicts) {
        const auto na = cand_new[ix(a)], nb = cand_new[ix(b)];
        if (na < 0 || nb < 0 || na == nb) continue;
        r.conflicts.emplace_back(std::min(na, nb), std::max(na, nb));
    }
    std::sort(r.conflicts.begin(), r.conflicts.end());
    r.conflicts.erase(std::unique(r.conflicts.begin(), r.conflicts.end()), r.conflicts.end());
    r.incompatible.assign(r.orig.size(), {});
    for (std::size_t n = 0; n < r.orig.size(); ++n)
        for (auto o : m_incompatible[ix(r.orig[n])])
            if (cand_new[ix(o)] >= 0) r.incompatible[n].push_back(cand_new[ix(o)]);
}

// Set cover: the must-cover flags of the reduced demands, and infeasibility when even all of
// them fall short of the measure needed.
void Presolver::set_must(PresolveResult& result) const {
    Reduced& r = result.reduced;
    const double open = std::accumulate(r.measure.begin(), r.measure.end(), 0.0);
    r.must.assign(r.measure.size(), 0);
    if (!m_set_cover) return;
    for (std::size_t i = 0; i < r.measure.size(); ++i)
        r.must[i] = r.measure[i] > 0 && open - r.measure[i] < r.needed - m_tol;
    if (open < r.needed - m_tol) result.infeasible = true;
}

}  // namespace

PresolveResult presolve(const CoverProblem& problem, Model model, double target, Objective objective, bool reduce) {
    Presolver presolver(problem, model, target, objective);
    if (reduce) presolver.reduce();
    return presolver.finish();
}

}  // namespace scicov::cover::detail
