// From an analysis to cover problems and back: candidates per county, one county's problems
// (county.cpp), phasing by year (phasing.cpp), the proposed sites and coverage after.
#include "scicov/planning.hpp"

#include <algorithm>
#include <cstdio>

#include "core/parallel.hpp"
#include "planning/detail.hpp"

namespace scicov::planning {

namespace {

using detail::Candidate;
using detail::CountyPlan;
using detail::Instance;

const gaps::UnitSummary* find_unit(const std::vector<gaps::UnitSummary>& units, const std::string& code) {
    auto it = std::lower_bound(units.begin(), units.end(), code,
                               [](const gaps::UnitSummary& u, const std::string& c) { return u.code < c; });
    return it != units.end() && it->code == code ? &*it : nullptr;
}

std::size_t type_index(const rules::Rules& rules, const std::string& key) {
    for (std::size_t t = 0; t < rules.types.size(); ++t)
        if (rules.types[t].key == key) return t;
    return rules.types.size();
}

/// Every county's plan. Counties are independent, so they are planned in parallel; with
/// --min-spacing a county's sites must keep away from those its neighbours chose, so they are
/// planned one after another in code order (which keeps the answer deterministic).
std::vector<CountyPlan> plan_counties(const detail::Shared& sh, const Reporter& reporter) {
    const auto& counties = sh.a.counties;
    std::vector<CountyPlan> plans(counties.size());
    auto progress = [&](std::size_t done) {
        reporter.step("planning", static_cast<double>(done) / static_cast<double>(counties.size()));
    };
    if (sh.options.min_spacing_m > 0) {
        detail::Spacing spacing(sh.rules.types.size(), sh.options.min_spacing_m);
        for (std::size_t c = 0; c < counties.size(); ++c) {
            plans[c] = detail::plan_county(sh, counties[c], &spacing);
            for (const auto& inst : plans[c].instances)
                for (auto s : inst.site) spacing.add(inst.type, sh.sites[s].location);
            progress(c + 1);
        }
    } else {
        const auto order = core::largest_first(counties.size(), [&](std::size_t c) { return counties[c].villages; });
        core::parallel_for(
            counties.size(), sh.options.threads,
            [&] {
                return [&](std::size_t i) { plans[order[i]] = detail::plan_county(sh, counties[order[i]], nullptr); };
            },
            progress);
    }
    reporter.step("planning", 1.0);
    return plans;
}

/// The counties' rows into result.summary (warning about unreachable targets) and their
/// instances into one list, with the rows' indices made global.
std::vector<Instance> gather(std::vector<CountyPlan> plans, Result& result, const Reporter& reporter) {
    std::vector<Instance> instances;
    for (auto& plan : plans) {
        const std::size_t offset = result.summary.size();
        for (auto& row : plan.rows) {
            if (row.status == "infeasible") {
                reporter.warning("county " + row.county_code + ": " + row.type +
                                 ": the target cannot be reached; best share " + std::to_string(row.reachable_share) +
                                 ", " + std::to_string(row.uncoverable.size()) + " villages no candidate covers");
            }
            result.summary.push_back(std::move(row));
        }
        for (auto& inst : plan.instances) {
            inst.summary_row += offset;
            instances.push_back(std::move(inst));
        }
    }
    return instances;
}

/// The proposed sites, and coverage after: the analysis's verdict with every village a new site
/// covers (neighbouring counties' too). For an area-share rule a re-analysis may find more, as
/// several discs together can cover a village none covers alone.
void propose(const analysis::Analysis& a, const std::vector<Candidate>& sites, const std::vector<Instance>& instances,
             const rules::Rules& rules, const Options& options, Result& result) {
    result.covered_after = analysis::verdicts(a.coverage);
    for (const auto& inst : instances) {
        const auto& type = rules.types[inst.type];
        const auto budgets = options.budgets.find(type.key);
        for (std::size_t r = 0; r < inst.order.size(); ++r) {
            const Candidate& site = sites[inst.site[r]];
            const auto& home = a.inputs.villages[static_cast<std::size_t>(site.village)];
            ProposedSite ps;
            ps.type = type.key;
            ps.county_code = inst.county;
            ps.township_code = home.township_code;
            ps.village_code = home.code;
            ps.candidate_id = site.candidate_id;
            ps.host_kind = site.kind;
            ps.location = site.location;
            ps.rank = static_cast<int>(r + 1);
            ps.year = r < inst.year.size() ? inst.year[r] : 0;
            ps.beyond_horizon = ps.year > horizon_of(options);
            ps.cost = inst.cost[r];
            char id[64];
            std::snprintf(id, sizeof id, "%s-%s-%03d", type.key.c_str(), inst.county.c_str(), ps.rank);
            ps.id = id;
            ps.budget = budgets != options.budgets.end() ? budgets->second.back() : 0;
            ps.gain_villages = inst.gain_villages[r];
            ps.gain_population = inst.gain_population[r];
            for (auto v : inst.reach.of(r)) result.covered_after[inst.type][static_cast<std::size_t>(v)] = 1;
            result.sites.push_back(std::move(ps));
        }
    }
    std::stable_sort(result.sites.begin(), result.sites.end(), [&](const ProposedSite& x, const ProposedSite& y) {
        return std::tuple(type_index(rules, x.type), x.county_code, x.rank) <
               std::tuple(type_index(rules, y.type), y.county_code, y.rank);
    });
}

/// Counties after the plan, and each plan's row's share after.
void summarise_after(const analysis::Analysis& a, const rules::Rules& rules, const Options& options, Result& result) {
    const auto& counties = a.inputs.counties.empty() ? a.gaps.dissolved_counties : a.inputs.counties;
    result.counties_after = gaps::summarise(a.inputs, result.covered_after, rules, rules::AdminLevel::county, counties);
    for (auto& row : result.summary) {
        if (row.model == "set_cover" || row.budget == 0 || row.budget == options.budgets.at(row.type).back()) {
            if (const auto* after = find_unit(result.counties_after, row.county_code)) {
                const std::size_t t = type_index(rules, row.type);
                if (t < rules.types.size() && row.status != "met") row.share_after = after->types[t].share;
            }
        }
    }
}

}  // namespace

Result run(const analysis::Analysis& a, const rules::Rules& rules, const Options& options, const Reporter& reporter) {
    for (const auto& [type, budgets] : options.budgets) {
        if (rules.find(type) == nullptr)
            throw Error(ErrorKind::usage, "--budget: unknown facility type '" + type + "'");
    }
    Diagnostics diag;
    const std::vector<Candidate> sites = detail::candidate_sites(a, options.threads, diag);
    for (const auto& i : diag.grouped()) reporter.warning(i.text());
    std::vector<crs::LonLat> locations;
    locations.reserve(sites.size());
    for (const auto& s : sites) locations.push_back(s.location);
    const auto sites_geocentric = a.index.geocentric(locations);
    std::map<std::string, std::vector<std::size_t>> sites_of_county;
    for (std::size_t s = 0; s < sites.size(); ++s) {
        sites_of_county[a.inputs.villages[static_cast<std::size_t>(sites[s].village)].county_code].push_back(s);
    }
    const detail::Shared shared{a, rules, options, sites, sites_geocentric, sites_of_county};

    Result result;
    std::vector<Instance> instances = gather(plan_counties(shared, reporter), result, reporter);
    detail::phase(instances, rules, options, result);
    propose(a, sites, instances, rules, options, result);
    if (options.equalise != rules::Equalise::none) result.urban_rural = detail::urban_rural(a, rules, instances);
    for (auto& h : result.horizon) {
        if (const auto* county = find_unit(a.counties, h.county_code)) h.county_name = county->name;
    }
    summarise_after(a, rules, options, result);
    return result;
}

}  // namespace scicov::planning
