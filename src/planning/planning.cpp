// From an analysis to cover problems and back: candidates per county, reach per type, solve,
// phase by year, coverage after.
#include "scicov/planning.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <span>
#include <unordered_map>

#include "core/parallel.hpp"
#include "core/rtree.hpp"
#include "core/geos.hpp"
#include "crs/geodesic.hpp"

namespace scicov::planning {

namespace {

/// A place a new site may go, with the village it stands in.
struct Site {
    crs::LonLat location;
    std::int32_t village = -1;
    std::string candidate_id;
    std::string kind;
    double cost = 1.0;
    bool village_point = false;
};

/// Candidates from the candidates layer, or the villages' points when there is none; those
/// outside every village or inside an exclusion are dropped.
std::vector<Site> candidate_sites(const analysis::Analysis& a, const coverage::VillageIndex& index, unsigned threads,
                                  Diagnostics& diag) {
    const auto& in = a.inputs;
    std::vector<Site> sites;
    if (in.candidates.empty()) {
        for (std::size_t v = 0; v < in.villages.size(); ++v) {
            sites.push_back(Site{in.villages[v].rep, static_cast<std::int32_t>(v), "village:" + in.villages[v].code,
                                 "村(社区)代表点", 1.0, true});
        }
        return sites;
    }
    geos::GeosContext ctx;
    std::vector<geos::GeomPtr> parts;
    for (const auto& wkb : in.exclusions) parts.push_back(ctx.from_wkb(wkb));
    geos::GeomPtr excluded;
    geos::PreparedPtr prepared;
    if (!parts.empty()) {
        excluded = ctx.unary_union(*ctx.collection(GEOS_MULTIPOLYGON, std::move(parts)));
        prepared = ctx.prepare(*excluded);
    }
    std::vector<crs::LonLat> locations;
    locations.reserve(in.candidates.size());
    for (const auto& c : in.candidates) locations.push_back(c.location);
    const auto homes = index.villages_at(locations, threads);
    std::size_t outside = 0, in_exclusion = 0;
    for (std::size_t i = 0; i < in.candidates.size(); ++i) {
        const auto& c = in.candidates[i];
        if (homes[i] < 0) {
            ++outside;
            continue;
        }
        if (prepared) {
            auto p = ctx.point(c.location.lon, c.location.lat);
            if (GEOSPreparedIntersects_r(ctx.handle(), prepared.get(), p.get()) == 1) {
                ++in_exclusion;
                continue;
            }
        }
        sites.push_back(Site{c.location, homes[i], c.id, c.kind, c.cost, false});
    }
    if (outside > 0)
        diag.warning(Context{}, std::to_string(outside) + " candidates lie outside every village and were not used");
    if (in_exclusion > 0)
        diag.warning(Context{}, std::to_string(in_exclusion) + " candidates lie in exclusion areas and were not used");
    return sites;
}

const gaps::UnitSummary* find_unit(const std::vector<gaps::UnitSummary>& units, const std::string& code) {
    auto it = std::lower_bound(units.begin(), units.end(), code,
                               [](const gaps::UnitSummary& u, const std::string& c) { return u.code < c; });
    return it != units.end() && it->code == code ? &*it : nullptr;
}

/// One county × type answer, kept compact: what phasing and the outputs need, not the model.
struct Instance {
    std::string county;
    std::size_t type = 0;
    double target = 0;
    double base_measure = 0;
    std::vector<cover::Step> order;  ///< the plan's sites in order of marginal gain (local indices)
    std::vector<std::size_t> site;  ///< per step: index into the candidate sites
    std::vector<double> cost;       ///< per step
    std::vector<double> gain_villages, gain_population;  ///< per step: new villages/people of the county
    coverage::Incidence reach;      ///< per step: every village the site reaches (any county)
    std::vector<int> year;          ///< per step
    std::size_t summary_row = 0;    ///< the row of the plan (largest budget of a sweep) in Result::summary
};

/// What one county gives: its summary rows and its instances (rows' indices are local here).
struct CountyPlan {
    std::vector<SummaryRow> rows;
    std::vector<Instance> instances;
};

double measure_of(const model::Village& v, rules::Measure m) {
    return m == rules::Measure::population ? v.population : 1.0;
}

/// New sites chosen so far per type, for --min-spacing across county borders.
class Spacing {
public:
    Spacing(std::size_t types, double spacing_m) : m_trees(types), m_spacing_m(spacing_m) {}
    bool active() const { return m_spacing_m > 0; }
    bool too_close(std::size_t type, const crs::LonLat& p) const {
        // A box of the spacing in degrees, generous (1° of latitude ≥ 110.5 km), then geodesic.
        const double dlat = m_spacing_m / 110'000.0;
        const double dlon = m_spacing_m / (110'000.0 * std::max(0.01, std::cos((std::abs(p.lat) + dlat) * M_PI / 180.0)));
        std::vector<Entry> hits;
        m_trees[type].query(
            core::bgi::intersects(core::Box2(core::Point2(p.lon - dlon, p.lat - dlat),
                                                 core::Point2(p.lon + dlon, p.lat + dlat))),
            std::back_inserter(hits));
        return std::any_of(hits.begin(), hits.end(), [&](const Entry& e) {
            return m_geod.distance_m(p, {e.first.get<0>(), e.first.get<1>()}) < m_spacing_m;
        });
    }
    void add(std::size_t type, const crs::LonLat& p) { m_trees[type].insert(Entry(core::Point2(p.lon, p.lat), 0)); }

private:
    using Entry = std::pair<core::Point2, int>;
    std::vector<core::RTree<Entry>> m_trees;
    double m_spacing_m;
    crs::Geodesic m_geod;
};

/// Everything the counties share, read-only while they are planned.
struct Shared {
    const analysis::Analysis& a;
    const rules::Rules& rules;
    const Options& options;
    const coverage::VillageIndex& index;
    const std::vector<Site>& sites;
    const std::vector<coverage::Geocentric>& sites_geocentric;
    const std::map<std::string, std::vector<std::size_t>>& sites_of_county;
};

/// The set cover (or max cover) problems of one county, one per type whose target it misses.
CountyPlan plan_county(const Shared& sh, const gaps::UnitSummary& county, const Spacing* spacing) {
    const auto& in = sh.a.inputs;
    const auto& options = sh.options;
    CountyPlan out;
    const auto villages = sh.index.villages_of_county(county.code);
    const auto found = sh.sites_of_county.find(county.code);
    const std::span<const std::size_t> county_sites =
        found != sh.sites_of_county.end() ? std::span<const std::size_t>(found->second) : std::span<const std::size_t>();
    const crs::Geodesic geod;
    std::unordered_map<std::int32_t, std::int32_t> local;
    for (std::size_t k = 0; k < villages.size(); ++k) local[villages[k]] = static_cast<std::int32_t>(k);
    for (std::size_t t = 0; t < sh.rules.types.size(); ++t) {
        const auto& type = sh.rules.types[t];
        const auto budgets = options.budgets.find(type.key);
        const bool max_cover = budgets != options.budgets.end();
        const auto& before = county.types[t];
        SummaryRow row;
        row.county_code = county.code;
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
            continue;
        }
        Instance inst;
        inst.county = county.code;
        inst.type = t;
        const rules::Measure measure =
            type.target.measure == rules::Measure::units ? rules::Measure::villages : type.target.measure;
        cover::CoverProblem p;
        double total = 0;
        for (auto v : villages) {
            const auto& village = in.villages[static_cast<std::size_t>(v)];
            p.measure.push_back(measure_of(village, measure));
            p.weight.push_back(village.population * village.priority);
            p.covered.push_back(sh.a.gaps.covered[t][static_cast<std::size_t>(v)]);
            total += p.measure.back();
            if (p.covered.back()) inst.base_measure += p.measure.back();
        }
        const double threshold = type.target.measure == rules::Measure::units
                                     ? (type.target.threshold > 0 ? 1.0 : 0.0)
                                     : type.target.threshold;
        inst.target = measure == rules::Measure::villages ? std::ceil(threshold * total - 1e-9)
                                                          : threshold * total * (1.0 - 1e-12);
        // Reach of the county's candidates, restricted to the county's own villages.
        std::vector<std::size_t> usable;
        for (auto s : county_sites) {
            if (spacing == nullptr || !spacing->too_close(t, sh.sites[s].location)) usable.push_back(s);
        }
        std::vector<crs::LonLat> locations;
        std::vector<coverage::Geocentric> at;
        std::vector<std::int32_t> homes;
        for (auto s : usable) {
            locations.push_back(sh.sites[s].location);
            at.push_back(sh.sites_geocentric[s]);
            homes.push_back(sh.sites[s].village);
        }
        const auto reach_all = coverage::reach(sh.index, in, type.rule, locations, at, homes);
        p.offsets.push_back(0);
        std::vector<std::int32_t> covers;
        for (std::size_t j = 0; j < usable.size(); ++j) {
            const auto& site = sh.sites[usable[j]];
            covers.clear();
            for (auto v : reach_all.of(j)) {
                if (auto it = local.find(v); it != local.end()) covers.push_back(it->second);
            }
            std::sort(covers.begin(), covers.end());
            p.cost.push_back(site.village_point ? type.default_cost : site.cost);
            p.demands.insert(p.demands.end(), covers.begin(), covers.end());
            p.offsets.push_back(static_cast<std::int32_t>(p.demands.size()));
            const auto home = local.find(site.village);
            p.group.push_back(home != local.end() ? home->second : -1);
        }
        if (options.min_spacing_m > 0) {
            for (std::size_t i = 0; i < usable.size(); ++i) {
                for (std::size_t j = i + 1; j < usable.size(); ++j) {
                    if (geod.distance_m(sh.sites[usable[i]].location, sh.sites[usable[j]].location) <
                        options.min_spacing_m) {
                        p.conflicts.emplace_back(static_cast<std::int32_t>(i), static_cast<std::int32_t>(j));
                    }
                }
            }
        }
        cover::SolveOptions solve = options.solve;
        solve.objective = type.minimise_cost ? cover::Objective::cost : cover::Objective::sites;
        row.candidates = static_cast<int>(usable.size());
        auto fill = [&](SummaryRow& r, const cover::Solution& s) {
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
                r.uncoverable.push_back(in.villages[static_cast<std::size_t>(villages[static_cast<std::size_t>(d)])].code);
        };
        cover::Solution solution;
        if (max_cover) {
            const auto& list = budgets->second;
            std::vector<cover::Solution> solutions;
            if (list.size() > 1 && list.front() == 1) {
                solutions = cover::sweep_max_cover(p, list.back(), solve);
            } else {
                for (int b : list) solutions.push_back(cover::solve_max_cover(p, b, solve));
            }
            for (std::size_t k = 0; k < solutions.size(); ++k) {
                SummaryRow r = row;
                r.budget = list.size() > 1 && list.front() == 1 ? static_cast<int>(k + 1) : list[k];
                fill(r, solutions[k]);
                r.share_after = total > 0 ? std::min(1.0, solutions[k].measure / total) : 1.0;
                out.rows.push_back(r);
            }
            solution = std::move(solutions.back());
        } else {
            solution = cover::solve_set_cover(p, inst.target, solve);
            fill(row, solution);
            out.rows.push_back(row);
        }
        inst.summary_row = out.rows.size() - 1;
        inst.order = cover::order_by_gain(p, solution.sites, cover::GainBy::measure);
        std::set<std::int32_t> newly;
        for (const auto& step : inst.order) {
            const auto j = static_cast<std::size_t>(step.site);
            inst.site.push_back(usable[j]);
            inst.cost.push_back(p.cost[j]);
            double villages_gained = 0, people_gained = 0;
            for (auto d = p.offsets[j]; d < p.offsets[j + 1]; ++d) {
                const auto k = static_cast<std::size_t>(p.demands[static_cast<std::size_t>(d)]);
                if (p.covered[k] || !newly.insert(villages[k]).second) continue;
                villages_gained += 1;
                people_gained += in.villages[static_cast<std::size_t>(villages[k])].population;
            }
            inst.gain_villages.push_back(villages_gained);
            inst.gain_population.push_back(people_gained);
            const auto reached = reach_all.of(j);
            inst.reach.villages.insert(inst.reach.villages.end(), reached.begin(), reached.end());
            inst.reach.offsets.push_back(static_cast<std::int64_t>(inst.reach.villages.size()));
        }
        out.instances.push_back(std::move(inst));
    }
    return out;
}

}  // namespace

Result run(const analysis::Analysis& a, const rules::Rules& rules, const Options& options, const Reporter& reporter) {
    const auto& in = a.inputs;
    Result result;
    Diagnostics diag;
    for (const auto& [type, budgets] : options.budgets) {
        if (rules.find(type) == nullptr)
            throw Error(ErrorKind::usage, "--budget: unknown facility type '" + type + "'");
    }
    const coverage::VillageIndex index(in);
    const std::vector<Site> sites = candidate_sites(a, index, options.threads, diag);
    for (const auto& i : diag.issues()) reporter.warning(i.text());
    std::vector<crs::LonLat> locations;
    locations.reserve(sites.size());
    for (const auto& s : sites) locations.push_back(s.location);
    const auto sites_geocentric = index.geocentric(locations);

    // Candidates per county.
    std::map<std::string, std::vector<std::size_t>> sites_of_county;
    for (std::size_t s = 0; s < sites.size(); ++s) {
        sites_of_county[in.villages[static_cast<std::size_t>(sites[s].village)].county_code].push_back(s);
    }
    const Shared shared{a, rules, options, index, sites, sites_geocentric, sites_of_county};

    // Counties are independent, so they are planned in parallel; with --min-spacing a county's
    // sites must keep away from those its neighbours chose, so they are planned one after another
    // in code order (which keeps the answer deterministic).
    std::vector<CountyPlan> plans(a.counties.size());
    auto progress = [&](std::size_t done) {
        reporter.step("planning", static_cast<double>(done) / static_cast<double>(a.counties.size()));
    };
    if (options.min_spacing_m > 0) {
        Spacing spacing(rules.types.size(), options.min_spacing_m);
        for (std::size_t c = 0; c < a.counties.size(); ++c) {
            plans[c] = plan_county(shared, a.counties[c], &spacing);
            for (const auto& inst : plans[c].instances)
                for (auto s : inst.site) spacing.add(inst.type, sites[s].location);
            progress(c + 1);
        }
    } else {
        const auto order = core::largest_first(a.counties.size(), [&](std::size_t c) { return a.counties[c].villages; });
        core::parallel_for(
            a.counties.size(), options.threads,
            [&] {
                return [&](std::size_t i) { plans[order[i]] = plan_county(shared, a.counties[order[i]], nullptr); };
            },
            progress);
    }
    reporter.step("planning", 1.0);
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
    plans.clear();

    // Years: per type, the per-year budget shared by the counties of a city (or per county).
    for (std::size_t t = 0; t < rules.types.size(); ++t) {
        std::map<std::string, std::vector<Instance*>> groups;
        for (auto& inst : instances) {
            if (inst.type != t) continue;
            const std::string key = options.scope == YearScope::city ? inst.county.substr(0, 4) : inst.county;
            groups[key].push_back(&inst);
        }
        for (auto& [key, members] : groups) {
            std::vector<cover::CountySites> lists;
            int total_sites = 0;
            for (auto* inst : members) {
                cover::CountySites cs;
                for (const auto& step : inst->order) {
                    cs.gain.push_back(step.gain_weight);
                    cs.measure_gain.push_back(step.gain_measure);
                }
                cs.base_measure = inst->base_measure;
                cs.target = inst->target;
                lists.push_back(std::move(cs));
                total_sites += static_cast<int>(inst->order.size());
            }
            const auto phasing = cover::phase_city(lists, options.per_year, options.start_year);
            for (std::size_t k = 0; k < members.size(); ++k) {
                members[k]->year.assign(phasing.year[k].begin(), phasing.year[k].end());
                result.summary[members[k]->summary_row].year_met = std::max(0, phasing.year_met[k]);
            }
            if (options.by_year >= options.start_year) {
                const int years = options.by_year - options.start_year + 1;
                const std::string city = key.substr(0, 4);
                auto& need = result.per_year_needed[{city, rules.types[t].key}];
                need = std::max(need, (total_sites + years - 1) / years);
            }
        }
    }

    // Sites, coverage after.
    result.covered_after = a.gaps.covered;
    for (const auto& inst : instances) {
        const auto& type = rules.types[inst.type];
        const auto budgets = options.budgets.find(type.key);
        for (std::size_t r = 0; r < inst.order.size(); ++r) {
            const Site& site = sites[inst.site[r]];
            const auto& home = in.villages[static_cast<std::size_t>(site.village)];
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
            ps.cost = inst.cost[r];
            char id[64];
            std::snprintf(id, sizeof id, "%s-%s-%03d", type.key.c_str(), inst.county.c_str(), ps.rank);
            ps.id = id;
            ps.budget = budgets != options.budgets.end() ? budgets->second.back() : 0;
            ps.gain_villages = inst.gain_villages[r];
            ps.gain_population = inst.gain_population[r];
            // Coverage after counts every village the site reaches, neighbouring counties' too.
            for (auto v : inst.reach.of(r)) result.covered_after[inst.type][static_cast<std::size_t>(v)] = 1;
            result.sites.push_back(std::move(ps));
        }
    }
    const auto& counties = in.counties.empty() ? a.gaps.dissolved_counties : in.counties;
    result.counties_after = gaps::summarise(in, result.covered_after, rules, rules::AdminLevel::county, counties);
    for (auto& row : result.summary) {
        if (row.model == "set_cover" || row.budget == 0 || row.budget == options.budgets.at(row.type).back()) {
            if (const auto* after = find_unit(result.counties_after, row.county_code)) {
                for (std::size_t t = 0; t < rules.types.size(); ++t) {
                    if (rules.types[t].key == row.type && row.status != "met") row.share_after = after->types[t].share;
                }
            }
        }
    }
    auto type_index = [&](const std::string& key) {
        for (std::size_t t = 0; t < rules.types.size(); ++t)
            if (rules.types[t].key == key) return t;
        return rules.types.size();
    };
    std::stable_sort(result.sites.begin(), result.sites.end(), [&](const ProposedSite& x, const ProposedSite& y) {
        return std::tuple(type_index(x.type), x.county_code, x.rank) <
               std::tuple(type_index(y.type), y.county_code, y.rank);
    });
    return result;
}

}  // namespace scicov::planning
