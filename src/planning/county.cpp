// One county's cover problems: per type whose target it misses (or that has a budget), the
// demands (its villages), the candidates' cover by the type's rule, the solve, and the steps.
#include <algorithm>
#include <cmath>
#include <set>
#include <span>
#include <unordered_map>

#include "planning/detail.hpp"

namespace scicov::planning::detail {

namespace {

double measure_of(const model::Village& v, rules::Measure m) {
    return m == rules::Measure::population ? v.population : 1.0;
}

/// One county × type cover problem and what it was built from.
struct Problem {
    cover::CoverProblem p;
    double total = 0;                 ///< the county's measure
    std::vector<std::size_t> usable;  ///< candidate sites of the problem (its local site j)
    std::vector<std::uint8_t> rural;  ///< per demand: a rural village (村), not an urban community
    coverage::Incidence reach;        ///< per usable site: every village it covers (any county)
};

/// The county's own villages (demands) and the target in the problem's measure.
class County {
public:
    County(const Shared& sh, const gaps::UnitSummary& unit)
        : m_sh(sh), m_unit(unit), m_villages(sh.a.index.villages_of_county(unit.code)) {
        for (std::size_t k = 0; k < m_villages.size(); ++k) m_local[m_villages[k]] = static_cast<std::int32_t>(k);
        const auto found = sh.sites_of_county.find(unit.code);
        if (found != sh.sites_of_county.end()) m_sites = found->second;
    }

    CountyPlan plan(const Spacing* spacing) {
        CountyPlan out;
        for (std::size_t t = 0; t < m_sh.rules.types.size(); ++t) plan_type(t, spacing, out);
        return out;
    }

private:
    void plan_type(std::size_t t, const Spacing* spacing, CountyPlan& out) {
        const auto& type = m_sh.rules.types[t];
        const auto budgets = m_sh.options.budgets.find(type.key);
        const bool max_cover = budgets != m_sh.options.budgets.end();
        const auto& before = m_unit.types[t];
        SummaryRow row;
        row.county_code = m_unit.code;
        row.type = type.key;
        row.share_before = before.share;
        row.target = type.target.threshold;
        row.model = max_cover ? "max_cover" : "set_cover";
        if (!max_cover && before.met) {
            row.status = "met";
            row.method = "trivial";
            row.share_after = before.share;
            row.reachable_share = before.share;
            out.rows.push_back(row);
            return;
        }
        Instance inst;
        inst.county = m_unit.code;
        inst.type = t;
        Problem pr = demands(t, inst);
        candidates(t, spacing, pr);
        row.candidates = static_cast<int>(pr.usable.size());
        cover::SolveOptions solve = m_sh.options.solve;
        solve.objective = type.minimise_cost ? cover::Objective::cost : cover::Objective::sites;
        const cover::Solution solution = max_cover ? solve_max_cover(pr, budgets->second, solve, row, out)
                                                   : solve_set_cover(pr, inst, solve, row, out);
        inst.summary_row = out.rows.size() - 1;
        steps(pr, solution, inst);
        out.instances.push_back(std::move(inst));
    }

    /// The demand side: every village of the county with its measure, weight and coverage now
    /// (coverage's verdict), and the target in the measure's unit.
    Problem demands(std::size_t t, Instance& inst) const {
        const auto& type = m_sh.rules.types[t];
        const auto& covered = m_sh.a.coverage.types[t].covered;
        const rules::Measure measure =
            type.target.measure == rules::Measure::units ? rules::Measure::villages : type.target.measure;
        Problem pr;
        for (auto v : m_villages) {
            const auto& village = m_sh.a.inputs.villages[static_cast<std::size_t>(v)];
            pr.p.measure.push_back(measure_of(village, measure));
            pr.p.weight.push_back(village.population * village.priority);
            pr.p.covered.push_back(covered[static_cast<std::size_t>(v)]);
            pr.rural.push_back(model::settlement_of(village.name) == model::Settlement::village ? 1 : 0);
            pr.total += pr.p.measure.back();
            if (pr.p.covered.back()) inst.base_measure += pr.p.measure.back();
        }
        const double threshold = type.target.measure == rules::Measure::units ? (type.target.threshold > 0 ? 1.0 : 0.0)
                                                                              : type.target.threshold;
        inst.target = measure == rules::Measure::villages ? std::ceil(threshold * pr.total - 1e-9)
                                                          : threshold * pr.total * (1.0 - 1e-12);
        return pr;
    }

    /// The site side: the county's candidates (those --min-spacing allows), the villages of the
    /// county each covers by the type's rule (coverage::Rule, as for existing facilities), their
    /// costs and home villages, and pairs closer than the spacing.
    void candidates(std::size_t t, const Spacing* spacing, Problem& pr) const {
        const auto& type = m_sh.rules.types[t];
        for (auto s : m_sites) {
            if (spacing == nullptr || !spacing->too_close(t, m_sh.sites[s].location)) pr.usable.push_back(s);
        }
        std::vector<coverage::Site> sites;
        std::vector<coverage::Geocentric> at;
        for (auto s : pr.usable) {
            sites.push_back(coverage::Site{m_sh.sites[s].location, m_sh.sites[s].village});
            at.push_back(m_sh.sites_geocentric[s]);
        }
        pr.reach = m_sh.a.coverage.types[t].rule.reach(sites, at);
        pr.p.offsets.push_back(0);
        std::vector<std::int32_t> covers;
        for (std::size_t j = 0; j < pr.usable.size(); ++j) {
            const auto& site = m_sh.sites[pr.usable[j]];
            covers.clear();
            for (auto v : pr.reach.of(j)) {
                if (auto it = m_local.find(v); it != m_local.end()) covers.push_back(it->second);
            }
            std::sort(covers.begin(), covers.end());
            pr.p.cost.push_back(site.village_point ? type.default_cost : site.cost);
            pr.p.demands.insert(pr.p.demands.end(), covers.begin(), covers.end());
            pr.p.offsets.push_back(static_cast<std::int32_t>(pr.p.demands.size()));
            const auto home = m_local.find(site.village);
            pr.p.group.push_back(home != m_local.end() ? home->second : -1);
        }
        if (m_sh.options.min_spacing_m > 0) {
            for (std::size_t i = 0; i < pr.usable.size(); ++i) {
                for (std::size_t j = i + 1; j < pr.usable.size(); ++j) {
                    if (m_geod.distance_m(m_sh.sites[pr.usable[i]].location, m_sh.sites[pr.usable[j]].location) <
                        m_sh.options.min_spacing_m) {
                        pr.p.conflicts.emplace_back(static_cast<std::int32_t>(i), static_cast<std::int32_t>(j));
                    }
                }
            }
        }
    }

    void fill(SummaryRow& r, const cover::Solution& s, double total) const {
        r.status = std::string(cover::to_string(s.status));
        r.method = std::string(cover::to_string(s.method));
        r.objective = s.objective;
        r.bound = s.bound;
        r.gap = s.gap;
        r.seconds = s.seconds;
        r.sites = static_cast<int>(s.sites.size());
        r.cost = s.cost;
        r.reachable_share = total > 0 ? std::min(1.0, s.reachable_measure / total) : 1.0;
        for (auto d : s.uncoverable)
            r.uncoverable.push_back(
                m_sh.a.inputs.villages[static_cast<std::size_t>(m_villages[static_cast<std::size_t>(d)])].code);
    }

    /// Max cover for each budget (a sweep from 1 in one pass); a row per budget, the largest's
    /// solution is the plan.
    cover::Solution solve_max_cover(const Problem& pr, const std::vector<int>& list, const cover::SolveOptions& solve,
                                    const SummaryRow& row, CountyPlan& out) const {
        std::vector<cover::Solution> solutions;
        const bool sweep = list.size() > 1 && list.front() == 1;
        if (sweep) {
            solutions = cover::sweep_max_cover(pr.p, list.back(), solve);
        } else {
            for (int b : list) solutions.push_back(cover::solve_max_cover(pr.p, b, solve));
        }
        for (std::size_t k = 0; k < solutions.size(); ++k) {
            SummaryRow r = row;
            r.budget = sweep ? static_cast<int>(k + 1) : list[k];
            fill(r, solutions[k], pr.total);
            r.share_after = pr.total > 0 ? std::min(1.0, solutions[k].measure / pr.total) : 1.0;
            out.rows.push_back(r);
        }
        return std::move(solutions.back());
    }

    cover::Solution solve_set_cover(const Problem& pr, const Instance& inst, const cover::SolveOptions& solve,
                                    SummaryRow& row, CountyPlan& out) const {
        cover::Solution solution = cover::solve_set_cover(pr.p, inst.target, solve);
        fill(row, solution, pr.total);
        out.rows.push_back(row);
        return solution;
    }

    /// The plan's sites in order of marginal gain, with what each adds and every village it covers.
    void steps(const Problem& pr, const cover::Solution& solution, Instance& inst) const {
        const auto& p = pr.p;
        // equalisation: the sites newly covering rural villages' weighted people first
        const bool rural_first = m_sh.options.equalise == rules::Equalise::rural_first;
        inst.order = cover::order_by_gain(
            p, solution.sites, cover::GainBy::measure,
            rural_first ? std::span<const std::uint8_t>(pr.rural) : std::span<const std::uint8_t>());
        std::set<std::int32_t> newly;
        for (const auto& step : inst.order) {
            const auto j = static_cast<std::size_t>(step.site);
            inst.site.push_back(pr.usable[j]);
            inst.cost.push_back(p.cost[j]);
            double villages_gained = 0, people_gained = 0, rural_gained = 0;
            for (auto d = p.offsets[j]; d < p.offsets[j + 1]; ++d) {
                const auto k = static_cast<std::size_t>(p.demands[static_cast<std::size_t>(d)]);
                if (p.covered[k] || !newly.insert(m_villages[k]).second) continue;
                villages_gained += 1;
                people_gained += m_sh.a.inputs.villages[static_cast<std::size_t>(m_villages[k])].population;
                if (pr.rural[k]) rural_gained += p.weight[k];
            }
            inst.gain_villages.push_back(villages_gained);
            inst.gain_population.push_back(people_gained);
            inst.gain_rural.push_back(rural_gained);
            const auto reached = pr.reach.of(j);
            inst.reach.villages.insert(inst.reach.villages.end(), reached.begin(), reached.end());
            inst.reach.offsets.push_back(static_cast<std::int64_t>(inst.reach.villages.size()));
        }
    }

    const Shared& m_sh;
    const gaps::UnitSummary& m_unit;
    std::span<const std::int32_t> m_villages;
    std::span<const std::size_t> m_sites;
    std::unordered_map<std::int32_t, std::int32_t> m_local;  // village → its index in m_villages
    crs::Geodesic m_geod;
};

}  // namespace

CountyPlan plan_county(const Shared& sh, const gaps::UnitSummary& county, const Spacing* spacing) {
    return County(sh, county).plan(spacing);
}

}  // namespace scicov::planning::detail
