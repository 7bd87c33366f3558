// Gap geometry per county, in the county's Gauss-Krueger zone, spread over the cores.
#include "scicov/gaps.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <set>

#include "core/geos.hpp"
#include "core/parallel.hpp"
#include "coverage/zone.hpp"
#include "gaps/isochrone.hpp"

namespace scicov::gaps {

using namespace scicov::core;  // parallel_for, largest_first
namespace detail = coverage::detail;

namespace {

using detail::CountyGeometry;

/// Gap polygons smaller than this are dropped: what is left of a village after subtracting a
/// disc that covers it can be a sliver of 1e-6 m² made of floating-point noise.
constexpr double k_min_gap_m2 = 1.0;

/// Holes of a dissolved township or county whose largest inscribed circle is narrower than this
/// are slivers, not places outside the unit: villages built separately on the two sides of a
/// township border leave gaps along it (on the sample up to 35,000 m² in area but never wider
/// than 5 m), while the holes of real boundaries are at least 30 m wide (the county outlines
/// are quantised to ~100 m). Width, not area, tells them apart: a sliver can be larger than an
/// enclave.
constexpr double k_sliver_diameter_m = 10.0;

/// `g` (polygonal, projected) without its sliver holes (k_sliver_diameter_m); the outline and
/// the other holes as they are.
geos::GeomPtr without_slivers(const geos::GeosContext& ctx, const GEOSGeometry& g) {
    const auto h = ctx.handle();
    const auto ring_copy = [&](const GEOSGeometry* ring) { return ctx.own(GEOSGeom_clone_r(h, ring), "ring"); };
    const auto narrow = [&](const GEOSGeometry* ring) {
        const auto area = ctx.own(GEOSGeom_createPolygon_r(h, ring_copy(ring).release(), nullptr, 0), "hole");
        const auto radius =
            ctx.own(GEOSMaximumInscribedCircle_r(h, area.get(), 0.1 * k_sliver_diameter_m), "inscribed circle");
        return 2 * ctx.length(*radius) < k_sliver_diameter_m;
    };
    std::vector<geos::GeomPtr> polygons;
    bool changed = false;
    for (int i = 0, n = GEOSGetNumGeometries_r(h, &g); i < n; ++i) {
        const GEOSGeometry* p = GEOSGetGeometryN_r(h, &g, i);
        std::vector<geos::GeomPtr> holes;
        const int n_holes = GEOSGetNumInteriorRings_r(h, p);
        for (int k = 0; k < n_holes; ++k) {
            const GEOSGeometry* ring = GEOSGetInteriorRingN_r(h, p, k);
            if (narrow(ring)) continue;
            holes.push_back(ring_copy(ring));
        }
        changed = changed || static_cast<int>(holes.size()) != n_holes;
        std::vector<GEOSGeometry*> raw;
        for (auto& r : holes) raw.push_back(r.release());  // the polygon takes them
        auto shell = ring_copy(GEOSGetExteriorRing_r(h, p));
        polygons.push_back(ctx.own(
            GEOSGeom_createPolygon_r(h, shell.release(), raw.data(), static_cast<unsigned>(raw.size())), "polygon"));
    }
    if (!changed) return ctx.clone(g);
    auto out = ctx.collection(GEOS_MULTIPOLYGON, std::move(polygons));
    // A part lying inside a filled hole now overlaps its outer polygon: union them.
    return ctx.is_valid(*out) ? std::move(out) : ctx.polygonal(*ctx.unary_union(*out));
}

/// A county's share of the result.
struct CountyResult {
    std::vector<GapFeature> gaps;
    std::vector<ServiceArea> service_areas;
    std::vector<model::AdminUnit> townships;
    model::AdminUnit county;
};

/// What the workers share, read-only.
struct Shared {
    const model::Inputs& in;
    const coverage::Coverage& cov;
    const std::vector<std::vector<crs::LonLat>>& sites;  // per type: its facilities' locations
    const std::vector<detail::SiteTree>& trees;          // per type: the same in an R-tree
    const std::set<std::string>& given;                  // township and county codes whose layer has a geometry
};

/// One thread's worker: the gap geometry of a county at a time.
class Worker {
public:
    Worker(const Shared& sh, Result& result) : m_sh(sh), m_result(result) {}

    CountyResult run(const detail::CountyVillages& job) {
        CountyResult out;
        const CountyGeometry cg = m_geo.county(m_sh.in, job.villages);
        for (std::size_t k = 0; k < cg.villages.size(); ++k)
            m_result.village_area_m2[static_cast<std::size_t>(cg.villages[k])] = cg.area_m2[k];
        admin_units(job.code, cg, out);
        for (std::size_t t = 0; t < m_sh.cov.types.size(); ++t) {
            const auto& rule = m_sh.cov.types[t].rule;
            const geos::GeomPtr service = rule.has_discs() || rule.travel_time() ? disc_gaps(job.code, cg, t, out)
                                                                                 : village_gaps(job.code, cg, t, out);
            if (service && !m_geo.ctx().is_empty(*service)) {
                out.service_areas.push_back(ServiceArea{rule.type(), job.code, to_output(*service, cg)});
            }
        }
        return out;
    }

private:
    /// Dissolved townships and county, with output geometry only where the townships / counties
    /// layer has none (they are valid either way: used for clipping, and as the gap of a township
    /// or the service area of a county that is whole). The output loses its sliver holes; what
    /// is measured keeps the villages' union as it is.
    void admin_units(const std::string& code, const CountyGeometry& cg, CountyResult& out) {
        out.county.code = code;
        const auto& ctx = m_geo.ctx();
        if (!m_sh.given.count(code)) out.county.geometry = to_output(*without_slivers(ctx, *cg.county), cg);
        for (std::size_t i = 0; i < cg.towns.size(); ++i) {
            model::AdminUnit t;
            t.code = m_sh.in.villages[static_cast<std::size_t>(cg.villages[cg.towns[i].first])].township_code;
            t.parent_code = code;
            if (!m_sh.given.count(t.code)) t.geometry = to_output(*without_slivers(ctx, *cg.town_polys[i]), cg);
            out.townships.push_back(std::move(t));
        }
    }

    /// Area shares and gaps of a type whose service areas are discs (or isochrones), with the
    /// villages served whole; returns its service area.
    geos::GeomPtr disc_gaps(const std::string& code, const CountyGeometry& cg, std::size_t t, CountyResult& out) {
        const auto& ctx = m_geo.ctx();
        const auto& rule = m_sh.cov.types[t].rule;
        // A travel-time rule whose roads cannot beat walking straight across serves discs.
        const detail::DiscShape shape(rule.straight_across() ? rule.straight_radius_m() : rule.rule().radius_m,
                                      rule.circle_segments());
        const std::vector<std::uint8_t> own = own_villages(cg, t);
        auto served = m_geo.served(cg, own);
        auto du = rule.network() != nullptr
                      ? isochrones(m_geo, cg, rule, m_sh.trees[t], m_sh.sites[t], std::move(served))
                      : m_geo.discs(cg, m_sh.trees[t], m_sh.sites[t], shape, std::move(served));
        auto& fraction = m_result.covered_fraction[t];
        std::vector<double> inside(cg.villages.size(), 0.0), gap_area(cg.villages.size());
        for (std::size_t i = 0; i < cg.towns.size(); ++i) {
            const auto [a, b] = cg.towns[i];
            bool touched = false;
            const auto near_town = m_geo.inside_of_town(cg, du, i, inside, touched, own);
            for (std::size_t k = a; k < b; ++k) {
                const double area = cg.area_m2[k];
                gap_area[k] = area - inside[k];
                fraction[static_cast<std::size_t>(cg.villages[k])] = area > 0 ? std::min(1.0, inside[k] / area) : 0.0;
            }
            if (std::all_of(gap_area.begin() + static_cast<std::ptrdiff_t>(a),
                            gap_area.begin() + static_cast<std::ptrdiff_t>(b), [](double g) { return g <= 0; })) {
                continue;
            }
            // The township less the service area is the union of its villages' gaps.
            const GEOSGeometry* local = near_town ? near_town.get() : du.merged.get();
            auto gap =
                touched ? ctx.polygonal(*ctx.difference(*cg.town_polys[i], *local)) : ctx.clone(*cg.town_polys[i]);
            add_gap(code, cg, rule.type(), a, b, gap_area, std::move(gap), out);
        }
        return std::move(du.service);
    }

    /// Per village of the county (its order): 1 where it holds an existing facility of type t
    /// whose rule covers its own village (it is then served whole, whatever the discs).
    std::vector<std::uint8_t> own_villages(const CountyGeometry& cg, std::size_t t) const {
        std::vector<std::uint8_t> own(cg.villages.size(), 0);
        const auto& tc = m_sh.cov.types[t];
        if (!tc.rule.rule().covers_own_village) return own;
        for (auto f : tc.facilities) {
            const auto home = m_sh.cov.facility_village[f];
            const auto at = std::lower_bound(cg.villages.begin(), cg.villages.end(), home);
            if (home >= 0 && at != cg.villages.end() && *at == home)
                own[static_cast<std::size_t>(at - cg.villages.begin())] = 1;
        }
        return own;
    }

    /// Gaps of a type whose service areas are whole villages (by the verdict); returns its
    /// service area: unions of whole villages, a township at a time, then of the townships' parts.
    geos::GeomPtr village_gaps(const std::string& code, const CountyGeometry& cg, std::size_t t, CountyResult& out) {
        const auto& covered = m_sh.cov.types[t].covered;
        auto& fraction = m_result.covered_fraction[t];
        const auto village = [&](std::size_t k) { return static_cast<std::size_t>(cg.villages[k]); };
        std::vector<double> gap_area(cg.villages.size());
        for (std::size_t k = 0; k < cg.villages.size(); ++k) {
            fraction[village(k)] = covered[village(k)] ? 1.0 : 0.0;
            gap_area[k] = covered[village(k)] ? 0.0 : cg.area_m2[k];
        }
        const auto uncovered = [&](std::size_t k) { return covered[village(k)] == 0; };
        const auto is_covered = [&](std::size_t k) { return covered[village(k)] != 0; };
        std::vector<geos::GeomPtr> served;
        bool whole = true;
        for (std::size_t i = 0; i < cg.towns.size(); ++i) {
            const auto [a, b] = cg.towns[i];
            std::size_t open = 0;
            for (std::size_t k = a; k < b; ++k) open += uncovered(k) ? 1 : 0;
            whole = whole && open == 0;
            if (open == 0) {
                served.push_back(m_geo.ctx().clone(*cg.town_polys[i]));
                continue;
            }
            if (open < b - a) served.push_back(m_geo.union_of(cg.polys, a, b, is_covered));
            auto gap = open == b - a ? m_geo.ctx().clone(*cg.town_polys[i]) : m_geo.union_of(cg.polys, a, b, uncovered);
            add_gap(code, cg, m_sh.cov.types[t].rule.type(), a, b, gap_area, std::move(gap), out);
        }
        if (whole) return m_geo.ctx().clone(*cg.county);
        if (!served.empty()) return m_geo.merge(served);
        return nullptr;
    }

    /// One gap feature: the township's uncovered area, with the people of its villages' gaps.
    void add_gap(const std::string& code, const CountyGeometry& cg, const std::string& type, std::size_t a,
                 std::size_t b, const std::vector<double>& gap_area, geos::GeomPtr gap, CountyResult& out) {
        const double gap_m2 = m_geo.ctx().area(*gap);
        if (gap_m2 < k_min_gap_m2) return;  // empty, or floating-point slivers along disc edges
        double people = 0;
        for (std::size_t k = a; k < b; ++k) {
            const auto v = static_cast<std::size_t>(cg.villages[k]);
            const double area = cg.area_m2[k];
            if (area > 0 && gap_area[k] > 0)
                people += m_sh.in.villages[v].population * std::min(1.0, gap_area[k] / area);
        }
        const auto& town = m_sh.in.villages[static_cast<std::size_t>(cg.villages[a])].township_code;
        out.gaps.push_back(GapFeature{type, code, town, to_output(*gap, cg), gap_m2, people});
    }

    model::Wkb to_output(const GEOSGeometry& projected, const CountyGeometry& cg) {
        return m_geo.ctx().to_wkb(*m_geo.project(projected, *cg.zone, true));
    }

    const Shared& m_sh;
    Result& m_result;  // per-village vectors only; each county writes its own villages
    detail::ZoneGeometry m_geo;
};

/// The counties' results in one list each, ordered by type, county and township.
void gather(std::vector<CountyResult>& results, const coverage::Coverage& cov, Result& result) {
    for (auto& r : results) {
        for (auto& g : r.gaps) result.gaps.push_back(std::move(g));
        for (auto& s : r.service_areas) result.service_areas.push_back(std::move(s));
        for (auto& t : r.townships) result.dissolved_townships.push_back(std::move(t));
        result.dissolved_counties.push_back(std::move(r.county));
    }
    auto by_type = [&](const std::string& key) {
        for (std::size_t t = 0; t < cov.types.size(); ++t)
            if (cov.types[t].rule.type() == key) return t;
        return cov.types.size();
    };
    std::stable_sort(result.gaps.begin(), result.gaps.end(), [&](const GapFeature& a, const GapFeature& b) {
        return std::tuple(by_type(a.type), a.county_code, a.township_code) <
               std::tuple(by_type(b.type), b.county_code, b.township_code);
    });
    std::stable_sort(result.service_areas.begin(), result.service_areas.end(),
                     [&](const ServiceArea& a, const ServiceArea& b) {
                         return std::tuple(by_type(a.type), a.county_code) < std::tuple(by_type(b.type), b.county_code);
                     });
}

}  // namespace

Result compute(const model::Inputs& in, const coverage::Coverage& cov, const Options& options,
               const Reporter& reporter) {
    Result result;
    const std::size_t n = in.villages.size();
    result.village_area_m2.assign(n, 0.0);
    result.covered_fraction.assign(cov.types.size(), std::vector<double>(n, 0.0));

    // Existing facilities per type, also in a lon/lat R-tree, shared read-only by the workers.
    std::vector<std::vector<crs::LonLat>> sites;
    std::vector<detail::SiteTree> trees;
    for (const auto& tc : cov.types) {
        auto& locations = sites.emplace_back();
        for (auto i : tc.facilities) locations.push_back(in.facilities[i].location);
        trees.push_back(detail::site_tree(locations));
    }
    std::set<std::string> given;
    for (const auto* units : {&in.townships, &in.counties})
        for (const auto& u : *units)
            if (!u.geometry.empty()) given.insert(u.code);
    const Shared shared{in, cov, sites, trees, given};

    const auto jobs = detail::county_runs(in);
    std::vector<CountyResult> results(jobs.size());
    const auto order = largest_first(jobs.size(), [&](std::size_t j) { return jobs[j].villages.size(); });
    parallel_for(
        jobs.size(), options.threads,
        [&] {
            return [&, worker = std::make_shared<Worker>(shared, result)](std::size_t i) {
                const std::size_t j = order[i];
                try {
                    results[j] = worker->run(jobs[j]);
                } catch (Error& e) {
                    throw Error(e.kind(), "county " + jobs[j].code + ": " + e.message(), e.context());
                }
            };
        },
        [&](std::size_t done) { reporter.step("gaps", static_cast<double>(done) / static_cast<double>(jobs.size())); });
    reporter.step("gaps", 1.0);
    gather(results, cov, result);
    return result;
}

void evaluate(TypeSummary& s, const rules::Target& target, int villages, double population) {
    s.target = target.threshold;
    switch (target.measure) {
        case rules::Measure::villages:
            s.share = villages > 0 ? static_cast<double>(s.villages_cov) / villages : 1.0;
            s.gap = std::max(0.0, std::ceil(target.threshold * villages - 1e-9) - s.villages_cov);
            break;
        case rules::Measure::population:
            s.share = population > 0 ? s.pop_cov / population : 1.0;
            s.gap = std::max(0.0, target.threshold * population - s.pop_cov);
            break;
        case rules::Measure::units:
            s.share = s.villages_cov > 0 ? 1.0 : 0.0;
            s.gap = std::max(0.0, std::ceil(target.threshold - 1e-9) - s.share);
            break;
    }
    s.met = s.share >= target.threshold - 1e-9;
    if (s.met) s.gap = 0;
}

std::vector<UnitSummary> summarise(const model::Inputs& in, const std::vector<std::vector<std::uint8_t>>& covered,
                                   const rules::Rules& rules, rules::AdminLevel level,
                                   const std::vector<model::AdminUnit>& units) {
    std::map<std::string, UnitSummary> by_code;
    for (std::size_t v = 0; v < in.villages.size(); ++v) {
        const auto& village = in.villages[v];
        const std::string& code = level == rules::AdminLevel::county ? village.county_code : village.township_code;
        auto& u = by_code[code];
        if (u.types.empty()) {
            u.code = code;
            u.county_code = village.county_code;
            u.types.resize(rules.types.size());
        }
        const bool urban = model::settlement_of(village.name) == model::Settlement::community;
        ++u.villages;
        u.population += village.population;
        (urban ? u.urban_villages : u.rural_villages) += 1;
        (urban ? u.urban_pop : u.rural_pop) += village.population;
        for (std::size_t t = 0; t < rules.types.size(); ++t) {
            if (!covered[t][v]) continue;
            auto& s = u.types[t];
            ++s.villages_cov;
            s.pop_cov += village.population;
            (urban ? s.urban_villages_cov : s.rural_villages_cov) += 1;
            (urban ? s.urban_pop_cov : s.rural_pop_cov) += village.population;
        }
    }
    std::map<std::string, const model::AdminUnit*> named;
    for (const auto& unit : units) named.emplace(unit.code, &unit);
    std::vector<UnitSummary> out;
    for (auto& [code, u] : by_code) {
        if (auto it = named.find(code); it != named.end()) u.name = it->second->name;
        for (std::size_t t = 0; t < rules.types.size(); ++t) {
            evaluate(u.types[t], rules.types[t].target, u.villages, u.population);
        }
        out.push_back(std::move(u));
    }
    return out;
}

}  // namespace scicov::gaps
