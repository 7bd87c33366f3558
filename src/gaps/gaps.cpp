// Gap geometry per county, in the county's Gauss-Krueger zone, spread over the cores.
#include "scicov/gaps.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <set>

#include "core/parallel.hpp"
#include "core/rtree.hpp"
#include "core/geos.hpp"
#include "core/proj.hpp"

namespace scicov::gaps {

namespace {

using namespace scicov::core;  // the R-tree types
using Entry = std::pair<Point2, std::size_t>;
using Tree = RTree<Entry>;

/// Gap polygons smaller than this are dropped: what is left of a village after subtracting a
/// disc that covers it can be a sliver of 1e-6 m² made of floating-point noise.
constexpr double k_min_gap_m2 = 1.0;

/// Transforms every coordinate of a GEOS geometry through PROJ (GEOS's own coordinate walk).
geos::GeomPtr project(const geos::GeosContext& ctx, const GEOSGeometry& g, const proj::Transformer& t, bool inverse) {
    struct Job {
        PJ* pj;
        PJ_DIRECTION dir;
    } job{t.get(), inverse ? PJ_INV : PJ_FWD};
    auto callback = [](double* x, double* y, void* userdata) -> int {
        auto* j = static_cast<Job*>(userdata);
        PJ_COORD c = proj_coord(*x, *y, 0, 0);
        c = proj_trans(j->pj, j->dir, c);
        if (!std::isfinite(c.xy.x) || !std::isfinite(c.xy.y)) return 0;
        *x = c.xy.x;
        *y = c.xy.y;
        return 1;
    };
    return ctx.own(GEOSGeom_transformXY_r(ctx.handle(), &g, callback, &job), "coordinate transformation");
}

/// A county's share of the work and of the result.
struct CountyJob {
    std::string code;
    std::vector<std::int32_t> villages;  // ascending
};

struct CountyResult {
    std::vector<GapFeature> gaps;
    std::vector<ServiceArea> service_areas;
    std::vector<model::AdminUnit> townships;
    model::AdminUnit county;
};

class Worker {
public:
    Worker(const model::Inputs& in, const coverage::Coverage& cov, const rules::Rules& rules,
           const std::vector<Tree>& trees, const std::set<std::string>& given, const Options& options, Result& result)
        : m_in(in), m_cov(cov), m_rules(rules), m_trees(trees), m_given(given), m_options(options), m_result(result) {}

    CountyResult run(const CountyJob& job) {
        CountyResult out;
        const auto& villages = job.villages;
        // The county's zone: the one whose central meridian is nearest the middle of the county's
        // east-west extent, which keeps the worst scale error of the county smallest.
        // Lon/lat extent of the county: west, south, east, north.
        std::vector<geos::GeomPtr> polys;
        polys.reserve(villages.size());
        std::array<double, 4> extent{180, 90, -180, -90};
        for (auto v : villages) {
            polys.push_back(m_ctx.from_wkb(m_in.villages[static_cast<std::size_t>(v)].geometry));
            const auto b = m_ctx.bounds(*polys.back());
            extent = {std::min(extent[0], b[0]), std::min(extent[1], b[1]), std::max(extent[2], b[2]),
                      std::max(extent[3], b[3])};
        }
        const proj::Transformer& zone = transformer(crs::gk_zone_epsg(0.5 * (extent[0] + extent[2])));
        for (std::size_t k = 0; k < villages.size(); ++k) {
            polys[k] = project(m_ctx, *polys[k], zone, false);
            m_result.village_area_m2[static_cast<std::size_t>(villages[k])] = m_ctx.area(*polys[k]);
        }
        // Townships: runs of consecutive villages (they arrive sorted by code).
        std::vector<std::pair<std::size_t, std::size_t>> towns;
        for (std::size_t a = 0; a < villages.size();) {
            const auto& town = m_in.villages[static_cast<std::size_t>(villages[a])].township_code;
            std::size_t b = a;
            while (b < villages.size() && m_in.villages[static_cast<std::size_t>(villages[b])].township_code == town)
                ++b;
            towns.emplace_back(a, b);
            a = b;
        }
        // Dissolved townships and county (valid even when a layer gives them too: used for
        // clipping, and as the gap of a township or the service area of a county that is whole).
        std::vector<geos::GeomPtr> town_polys;
        for (const auto& [a, b] : towns) town_polys.push_back(union_of(polys, a, b, [](std::size_t) { return true; }));
        auto county = merge(town_polys);
        const auto county_prepared = m_ctx.prepare(*county);
        // Their output geometry only where the townships / counties layer has none.
        out.county.code = job.code;
        if (!m_given.count(job.code)) out.county.geometry = to_output(*county, zone);
        for (std::size_t i = 0; i < towns.size(); ++i) {
            model::AdminUnit t;
            t.code = m_in.villages[static_cast<std::size_t>(villages[towns[i].first])].township_code;
            t.parent_code = job.code;
            if (!m_given.count(t.code)) t.geometry = to_output(*town_polys[i], zone);
            out.townships.push_back(std::move(t));
        }

        std::vector<double> gap_area(villages.size());
        for (std::size_t t = 0; t < m_rules.types.size(); ++t) {
            const auto& type = m_rules.types[t];
            const auto& tc = m_cov.types[t];
            auto& fraction = m_result.covered_fraction[t];
            auto& covered = m_result.covered[t];
            const auto village = [&](std::size_t k) { return static_cast<std::size_t>(villages[k]); };
            geos::GeomPtr service;
            if (type.rule.kind == rules::CoverageKind::radius) {
                // Villages are tested against the union of the discs (`merged`), not its part in
                // the county: the same for a village, and the county's border is not an edge.
                geos::GeomPtr merged, edge;
                geos::PreparedPtr in_discs, on_edge;
                if (auto discs = discs_near(extent, t, type.rule.radius_m, zone, m_ctx.bounds(*county), *county_prepared); !discs.empty()) {
                    merged = m_ctx.unary_union(*m_ctx.collection(GEOS_MULTIPOLYGON, std::move(discs)));
                    service = m_ctx.polygonal(*m_ctx.intersection(*merged, *county));
                    if (m_ctx.is_empty(*service)) service.reset();
                }
                if (service) {
                    in_discs = m_ctx.prepare(*merged);
                    edge = m_ctx.own(GEOSBoundary_r(m_ctx.handle(), merged.get()), "boundary");
                    on_edge = m_ctx.prepare(*edge);
                }
                // A township at a time: the service area's part around the township is cut out
                // once, and its villages are cut from that part (not from the county's whole).
                for (std::size_t i = 0; i < towns.size(); ++i) {
                    const auto [a, b] = towns[i];
                    const bool touched =
                        service && GEOSPreparedIntersects_r(m_ctx.handle(), in_discs.get(), town_polys[i].get()) == 1;
                    geos::GeomPtr near_town = touched ? clip(*merged, m_ctx.bounds(*town_polys[i])) : nullptr;
                    const GEOSGeometry* local = near_town ? near_town.get() : merged.get();
                    for (std::size_t k = a; k < b; ++k) {
                        const GEOSGeometry& p = *polys[k];
                        const double area = m_result.village_area_m2[village(k)];
                        double inside = 0;
                        if (!touched || GEOSPreparedIntersects_r(m_ctx.handle(), in_discs.get(), &p) == 0) {
                            inside = 0;
                        } else if (GEOSGetNumGeometries_r(m_ctx.handle(), &p) == 1 &&
                                   GEOSPreparedIntersects_r(m_ctx.handle(), on_edge.get(), &p) == 0) {
                            inside = area;  // one connected piece that meets the discs but not their edge
                        } else {
                            inside = std::max(0.0, area - m_ctx.area(*outside(p, *local)));
                        }
                        gap_area[k] = area - inside;
                        fraction[village(k)] = area > 0 ? std::min(1.0, inside / area) : 0.0;
                        covered[village(k)] = type.rule.min_area_fraction
                                                  ? (fraction[village(k)] >= *type.rule.min_area_fraction - 1e-12)
                                                  : tc.reached[village(k)];
                    }
                    if (std::all_of(gap_area.begin() + static_cast<std::ptrdiff_t>(a),
                                    gap_area.begin() + static_cast<std::ptrdiff_t>(b),
                                    [](double g) { return g <= 0; })) {
                        continue;
                    }
                    // The township less the service area is the union of its villages' gaps.
                    auto gap = touched ? m_ctx.polygonal(*m_ctx.difference(*town_polys[i], *local))
                                       : m_ctx.clone(*town_polys[i]);
                    add_gap(job, type.key, a, b, gap_area, std::move(gap), zone, out);
                }
            } else {
                for (std::size_t k = 0; k < villages.size(); ++k) {
                    covered[village(k)] = tc.reached[village(k)];
                    fraction[village(k)] = covered[village(k)] ? 1.0 : 0.0;
                    gap_area[k] = covered[village(k)] ? 0.0 : m_result.village_area_m2[village(k)];
                }
                // Unions of whole villages, a township at a time, then of the townships' parts.
                const auto uncovered = [&](std::size_t k) { return covered[village(k)] == 0; };
                const auto is_covered = [&](std::size_t k) { return covered[village(k)] != 0; };
                std::vector<geos::GeomPtr> served;
                bool whole = true;
                for (std::size_t i = 0; i < towns.size(); ++i) {
                    const auto [a, b] = towns[i];
                    std::size_t open = 0;
                    for (std::size_t k = a; k < b; ++k) open += uncovered(k) ? 1 : 0;
                    whole = whole && open == 0;
                    if (open == 0) {
                        served.push_back(m_ctx.clone(*town_polys[i]));
                        continue;
                    }
                    if (open < b - a) served.push_back(union_of(polys, a, b, is_covered));
                    auto gap = open == b - a ? m_ctx.clone(*town_polys[i]) : union_of(polys, a, b, uncovered);
                    add_gap(job, type.key, a, b, gap_area, std::move(gap), zone, out);
                }
                if (whole) {
                    service = m_ctx.clone(*county);
                } else if (!served.empty()) {
                    service = merge(served);
                }
            }
            if (service && !m_ctx.is_empty(*service)) {
                out.service_areas.push_back(ServiceArea{type.key, job.code, to_output(*service, zone)});
            }
        }
        return out;
    }

private:
    const proj::Transformer& transformer(int epsg) {
        auto it = m_zones.find(epsg);
        if (it == m_zones.end()) {
            it = m_zones.emplace(epsg, std::make_unique<proj::Transformer>(crs::k_output_crs, crs::epsg(epsg))).first;
        }
        return *it->second;
    }

    /// The union of neighbouring townships (or parts of them): GEOS's general union, as their
    /// villages are cut differently on the two sides of a township border (T-junctions), which
    /// a coverage union cannot dissolve.
    geos::GeomPtr merge(const std::vector<geos::GeomPtr>& parts) {
        std::vector<geos::GeomPtr> copies;
        for (const auto& p : parts) copies.push_back(m_ctx.clone(*p));
        return m_ctx.polygonal(*m_ctx.unary_union(*m_ctx.collection(GEOS_MULTIPOLYGON, std::move(copies))));
    }

    /// The union of the villages [a, b) of one township that `keep` accepts (they tile).
    template <class Keep>
    geos::GeomPtr union_of(const std::vector<geos::GeomPtr>& polys, std::size_t a, std::size_t b, Keep keep) {
        std::vector<geos::GeomPtr> parts;
        for (std::size_t i = a; i < b; ++i)
            if (keep(i)) parts.push_back(m_ctx.clone(*polys[i]));
        return m_ctx.union_of_tiles(std::move(parts));
    }

    /// The part of a county's service area in a box around one village or township, when GEOS's
    /// rectangle clipping gives a valid geometry (a difference with the whole service area would
    /// clip all of its rings again for every village); null otherwise.
    geos::GeomPtr clip(const GEOSGeometry& service, const std::array<double, 4>& b) const {
        auto part = m_ctx.own_nullable(GEOSClipByRect_r(m_ctx.handle(), &service, b[0], b[1], b[2], b[3]));
        if (part && GEOSisValid_r(m_ctx.handle(), part.get()) != 1) part.reset();
        return part;
    }

    /// a less the service area, through the service area's part around a.
    geos::GeomPtr outside(const GEOSGeometry& a, const GEOSGeometry& service) const {
        const auto part = clip(service, m_ctx.bounds(a));
        return m_ctx.polygonal(*m_ctx.difference(a, part ? static_cast<const GEOSGeometry&>(*part) : service));
    }

    /// The service discs of type t that meet the county: regular polygons of 4 × circle_segments
    /// vertices on the circle of radius_m around each facility (what GEOS's buffer of a point
    /// gives, without its noding), in facility order. `box` is the county's extent in the zone.
    std::vector<geos::GeomPtr> discs_near(const std::array<double, 4>& extent, std::size_t t, double radius_m,
                                          const proj::Transformer& zone, const std::array<double, 4>& box,
                                          const GEOSPreparedGeometry& county) {
        std::vector<geos::GeomPtr> out;
        // Facilities within the radius of the county's extent (a generous lon/lat box).
        const auto [minx, miny, maxx, maxy] = extent;
        const double dlat = radius_m / 110'000.0 * 1.05;
        const double dlon =
            radius_m /
            (111'320.0 * std::cos(std::min(89.0, std::max(std::abs(miny), std::abs(maxy)) + dlat) * M_PI / 180.0)) *
            1.05;
        std::vector<Entry> hits;
        m_trees[t].query(bgi::intersects(Box2(Point2(minx - dlon, miny - dlat), Point2(maxx + dlon, maxy + dlat))),
                         std::back_inserter(hits));
        if (hits.empty()) return out;
        std::sort(hits.begin(), hits.end(), [](const Entry& a, const Entry& b) { return a.second < b.second; });
        std::vector<double> x, y;
        for (const auto& [pt, i] : hits) {
            const auto& f = m_in.facilities[i];
            x.push_back(f.location.lon);
            y.push_back(f.location.lat);
        }
        zone.forward(x, y);
        const auto n = static_cast<std::size_t>(4 * std::max(1, m_options.circle_segments));
        std::vector<double> unit(2 * (n + 1)), ring(2 * (n + 1));
        for (std::size_t k = 0; k <= n; ++k) {
            const double angle = 2.0 * M_PI * static_cast<double>(k % n) / static_cast<double>(n);
            unit[2 * k] = radius_m * std::cos(angle);
            unit[2 * k + 1] = radius_m * std::sin(angle);
        }
        for (std::size_t i = 0; i < x.size(); ++i) {
            // A disc that does not meet the county changes nothing in it. Farther than the radius
            // from the county's extent it cannot; a centre in the county always does; otherwise
            // the disc is tested (prepared, indexed; GEOS 3.11's prepared distance is not).
            const double dx = std::max({box[0] - x[i], 0.0, x[i] - box[2]});
            const double dy = std::max({box[1] - y[i], 0.0, y[i] - box[3]});
            if (dx * dx + dy * dy > radius_m * radius_m) continue;
            for (std::size_t k = 0; k <= n; ++k) {
                ring[2 * k] = x[i] + unit[2 * k];
                ring[2 * k + 1] = y[i] + unit[2 * k + 1];
            }
            auto disc = m_ctx.polygon(ring);
            if (GEOSPreparedIntersects_r(m_ctx.handle(), &county, m_ctx.point(x[i], y[i]).get()) != 1 &&
                GEOSPreparedIntersects_r(m_ctx.handle(), &county, disc.get()) != 1) {
                continue;
            }
            out.push_back(std::move(disc));
        }
        return out;
    }

    /// One gap feature: the township's uncovered area, with the people of its villages' gaps.
    void add_gap(const CountyJob& job, const std::string& type, std::size_t a, std::size_t b,
                 const std::vector<double>& gap_area, geos::GeomPtr gap, const proj::Transformer& zone,
                 CountyResult& out) {
        const double gap_m2 = m_ctx.area(*gap);
        if (gap_m2 < k_min_gap_m2) return;  // empty, or floating-point slivers along disc edges
        double people = 0;
        for (std::size_t k = a; k < b; ++k) {
            const auto v = static_cast<std::size_t>(job.villages[k]);
            const double area = m_result.village_area_m2[v];
            if (area > 0 && gap_area[k] > 0) people += m_in.villages[v].population * std::min(1.0, gap_area[k] / area);
        }
        const auto& town = m_in.villages[static_cast<std::size_t>(job.villages[a])].township_code;
        out.gaps.push_back(GapFeature{type, job.code, town, to_output(*gap, zone), gap_m2, people});
    }

    model::Wkb to_output(const GEOSGeometry& projected, const proj::Transformer& zone) {
        return m_ctx.to_wkb(*project(m_ctx, projected, zone, true));
    }

    const model::Inputs& m_in;
    const coverage::Coverage& m_cov;
    const rules::Rules& m_rules;
    const std::vector<Tree>& m_trees;
    const std::set<std::string>& m_given;  // township and county codes whose layer has a geometry
    const Options& m_options;
    Result& m_result;  // per-village vectors only; each county writes its own villages
    geos::GeosContext m_ctx;
    std::map<int, std::unique_ptr<proj::Transformer>> m_zones;
};

}  // namespace

Result compute(const model::Inputs& in, const coverage::Coverage& cov, const rules::Rules& rules,
               const Options& options, const Reporter& reporter) {
    Result result;
    const std::size_t n = in.villages.size();
    result.village_area_m2.assign(n, 0.0);
    result.covered_fraction.assign(rules.types.size(), std::vector<double>(n, 0.0));
    result.covered.assign(rules.types.size(), std::vector<std::uint8_t>(n, 0));

    // One lon/lat R-tree of existing facilities per type, shared read-only by the workers.
    std::vector<Tree> trees;
    for (const auto& tc : cov.types) {
        std::vector<Entry> entries;
        for (auto i : tc.facilities)
            entries.emplace_back(Point2(in.facilities[i].location.lon, in.facilities[i].location.lat), i);
        trees.emplace_back(entries.begin(), entries.end());
    }

    std::vector<CountyJob> jobs;
    for (std::size_t v = 0; v < n; ++v) {
        const auto& code = in.villages[v].county_code;
        if (jobs.empty() || jobs.back().code != code) jobs.push_back(CountyJob{code, {}});
        jobs.back().villages.push_back(static_cast<std::int32_t>(v));
    }
    std::set<std::string> given;
    for (const auto* units : {&in.townships, &in.counties})
        for (const auto& u : *units)
            if (!u.geometry.empty()) given.insert(u.code);
    std::vector<CountyResult> results(jobs.size());
    const auto order = largest_first(jobs.size(), [&](std::size_t j) { return jobs[j].villages.size(); });
    parallel_for(
        jobs.size(), options.threads,
        [&] {
            return [&, worker = std::make_shared<Worker>(in, cov, rules, trees, given, options, result)](std::size_t i) {
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

    for (auto& r : results) {
        for (auto& g : r.gaps) result.gaps.push_back(std::move(g));
        for (auto& s : r.service_areas) result.service_areas.push_back(std::move(s));
        for (auto& t : r.townships) result.dissolved_townships.push_back(std::move(t));
        result.dissolved_counties.push_back(std::move(r.county));
    }
    auto by_type = [&](const std::string& key) {
        for (std::size_t t = 0; t < rules.types.size(); ++t)
            if (rules.types[t].key == key) return t;
        return rules.types.size();
    };
    std::stable_sort(result.gaps.begin(), result.gaps.end(), [&](const GapFeature& a, const GapFeature& b) {
        return std::tuple(by_type(a.type), a.county_code, a.township_code) <
               std::tuple(by_type(b.type), b.county_code, b.township_code);
    });
    std::stable_sort(result.service_areas.begin(), result.service_areas.end(),
                     [&](const ServiceArea& a, const ServiceArea& b) {
                         return std::tuple(by_type(a.type), a.county_code) < std::tuple(by_type(b.type), b.county_code);
                     });
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
