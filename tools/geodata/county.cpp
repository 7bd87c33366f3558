// One county: real boundary, synthetic townships and villages (nested Voronoi cells),
// populations, existing facilities and candidate host buildings.
#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "internal.hpp"

namespace scicov::geodata::detail {

using geos::GeomPtr;
using geos::GeosContext;

namespace {

/// Polygon parts smaller than this (square degrees, ~10 m²) left by overlap removal are dropped.
constexpr double k_min_part_area = 1e-9;
/// Two seeds closer than this (degrees, ~0.1 m) would merge into one Voronoi cell.
constexpr double k_min_seed_distance = 1e-6;

struct XY {
    double x = 0;
    double y = 0;
};

double dist2(XY a, XY b) {
    return (a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y);
}

void collect_polygons(const GeosContext& ctx, const GEOSGeometry& g, double min_area, std::vector<GeomPtr>& out) {
    const int type = GEOSGeomTypeId_r(ctx.handle(), &g);
    if (type == GEOS_POLYGON) {
        if (!ctx.is_empty(g) && (min_area <= 0 || ctx.area(g) >= min_area)) out.push_back(ctx.clone(g));
        return;
    }
    if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION) {
        const int n = GEOSGetNumGeometries_r(ctx.handle(), &g);
        for (int i = 0; i < n; ++i) collect_polygons(ctx, *GEOSGetGeometryN_r(ctx.handle(), &g, i), min_area, out);
    }
}

/// A polygonal region with a prepared form for fast point tests.
class Region {
public:
    Region(const GeosContext& ctx, const GEOSGeometry& g) : m_ctx(ctx), m_geom(g), m_prepared(ctx.prepare(g)) {
        const auto b = ctx.bounds(g);
        m_min = {b[0], b[1]};
        m_max = {b[2], b[3]};
    }
    bool contains(XY p) const {
        const GeomPtr point = m_ctx.point(p.x, p.y);
        return GEOSPreparedContains_r(m_ctx.handle(), m_prepared.get(), point.get()) == 1;
    }
    bool contains(const GEOSGeometry& g) const {
        return GEOSPreparedContains_r(m_ctx.handle(), m_prepared.get(), &g) == 1;
    }
    const GEOSGeometry& geometry() const { return m_geom; }
    XY min() const { return m_min; }
    XY max() const { return m_max; }

private:
    const GeosContext& m_ctx;
    const GEOSGeometry& m_geom;
    geos::PreparedPtr m_prepared;
    XY m_min;
    XY m_max;
};

XY uniform_in_box(Rng& rng, const Region& r) {
    return {rng.uniform(r.min().x, r.max().x), rng.uniform(r.min().y, r.max().y)};
}

/// How strongly seeds crowd towards the centre: the radius is R·u^k. k = 0.5 is uniform over
/// the disc, k = 1 thins out as 1/r, k = 2 crowds hard. Only sqrt and products: portable.
enum class Spread { uniform, mild, central, dense };

double radius_fraction(Rng& rng, Spread spread) {
    const double u = rng.uniform();
    switch (spread) {
        case Spread::mild:
            return std::sqrt(u);
        case Spread::central:
            return u;
        case Spread::dense:
            return u * u;
        case Spread::uniform:
            break;
    }
    return std::sqrt(u);
}

/// A unit direction, uniform over angles, by rejection in the unit disc (no trigonometry).
XY direction(Rng& rng) {
    for (;;) {
        const double a = rng.uniform(-1, 1);
        const double b = rng.uniform(-1, 1);
        const double l2 = a * a + b * b;
        if (l2 > 1e-12 && l2 <= 1) {
            const double l = std::sqrt(l2);
            return {a / l, b / l};
        }
    }
}

/// A seed point inside `region`, apart from every point in `taken`. Proposals come from around
/// `centre` (unless spread is uniform), then uniformly from the bounding box; both bounded. The
/// last resort is GEOS's point on the surface of what is left free.
XY sample_point(const GeosContext& ctx, const Region& region, Rng& rng, XY centre, Spread spread,
                const std::vector<XY>& taken) {
    auto free = [&](XY p) {
        for (const auto& t : taken) {
            if (dist2(p, t) < k_min_seed_distance * k_min_seed_distance) return false;
        }
        return region.contains(p);
    };
    if (spread != Spread::uniform) {
        double reach = 0;
        for (const XY corner :
             {region.min(), region.max(), XY{region.min().x, region.max().y}, XY{region.max().x, region.min().y}}) {
            reach = std::max(reach, std::sqrt(dist2(corner, centre)));
        }
        for (int attempt = 0; attempt < 400; ++attempt) {
            const double r = reach * radius_fraction(rng, spread);
            const XY d = direction(rng);
            const XY p{centre.x + r * d.x, centre.y + r * d.y};
            if (free(p)) return p;
        }
    }
    for (int attempt = 0; attempt < 4000; ++attempt) {
        const XY p = uniform_in_box(rng, region);
        if (free(p)) return p;
    }
    // Last resort (thin slivers): the surface point of the region minus small discs around the
    // points already placed.
    GeomPtr rest = ctx.clone(region.geometry());
    if (!taken.empty()) {
        std::vector<GeomPtr> discs;
        for (const auto& t : taken) discs.push_back(ctx.buffer(*ctx.point(t.x, t.y), 2 * k_min_seed_distance, 4));
        rest = ctx.difference(*rest, *ctx.unary_union(*ctx.collection(GEOS_MULTIPOLYGON, std::move(discs))));
    }
    if (ctx.is_empty(*rest)) throw Error(ErrorKind::geometry, "no room left for another seed point");
    const auto [x, y] = ctx.xy(*ctx.point_on_surface(*rest));
    return {x, y};
}

/// Divides `region` into one Voronoi cell per seed (GEOS), each clipped to the region; only
/// polygonal parts are kept. Cell i belongs to seed i.
std::vector<GeomPtr> partition(const GeosContext& ctx, const Region& region, const std::vector<XY>& seeds) {
    std::vector<GeomPtr> cells(seeds.size());
    if (seeds.size() == 1) {
        cells[0] = polygonal(ctx, region.geometry());
        return cells;
    }
    std::vector<GeomPtr> points;
    points.reserve(seeds.size());
    for (const auto& s : seeds) points.push_back(ctx.point(s.x, s.y));
    const GeomPtr sites = ctx.collection(GEOS_MULTIPOINT, std::move(points));
    const GeomPtr diagram =
        ctx.own(GEOSVoronoiDiagram_r(ctx.handle(), sites.get(), &region.geometry(), 0.0, 0), "Voronoi diagram");
    const int n = GEOSGetNumGeometries_r(ctx.handle(), diagram.get());
    for (int i = 0; i < n; ++i) {
        const GEOSGeometry* cell = GEOSGetGeometryN_r(ctx.handle(), diagram.get(), i);
        const auto b = ctx.bounds(*cell);
        std::size_t owner = seeds.size();
        for (std::size_t j = 0; j < seeds.size(); ++j) {
            const XY s = seeds[j];
            if (cells[j] || s.x < b[0] || s.x > b[2] || s.y < b[1] || s.y > b[3]) continue;
            const GeomPtr p = ctx.point(s.x, s.y);
            if (GEOSIntersects_r(ctx.handle(), cell, p.get()) == 1) {
                owner = j;
                break;
            }
        }
        if (owner == seeds.size()) continue;  // a cell without a seed cannot arise; be safe
        cells[owner] = region.contains(*cell) ? polygonal(ctx, *cell)
                                              : polygonal(ctx, *ctx.intersection(*cell, region.geometry()));
    }
    for (auto& c : cells) {
        if (!c) c = ctx.collection(GEOS_MULTIPOLYGON, {});
    }
    return cells;
}

/// Keeps cells contiguous where the region allows: a cell that a concave region cut into pieces
/// keeps the piece holding its seed; every other piece joins the neighbouring cell it shares
/// the longest border with (pieces without a neighbour, e.g. islands, stay). The cells still
/// tile the region: pieces only move between cells.
void merge_strays(const GeosContext& ctx, std::vector<GeomPtr>& cells, const std::vector<XY>& seeds) {
    const GEOSContextHandle_t h = ctx.handle();
    for (std::size_t i = 0; i < cells.size(); ++i) {
        const int n = GEOSGetNumGeometries_r(h, cells[i].get());
        if (n <= 1) continue;
        const GeomPtr seed = ctx.point(seeds[i].x, seeds[i].y);
        int home = -1;
        double home_area = -1;
        for (int k = 0; k < n; ++k) {
            const GEOSGeometry* part = GEOSGetGeometryN_r(h, cells[i].get(), k);
            if (GEOSIntersects_r(h, part, seed.get()) == 1) {
                home = k;
                break;
            }
            if (const double a = ctx.area(*part); a > home_area) {
                home_area = a;
                home = k;
            }
        }
        std::vector<GeomPtr> kept;
        std::vector<GeomPtr> strays;
        for (int k = 0; k < n; ++k) {
            GeomPtr part = ctx.clone(*GEOSGetGeometryN_r(h, cells[i].get(), k));
            (k == home ? kept : strays).push_back(std::move(part));
        }
        for (auto& stray : strays) {
            const auto b = ctx.bounds(*stray);
            std::size_t best = cells.size();
            double best_length = 0;
            for (std::size_t j = 0; j < cells.size(); ++j) {
                if (j == i || ctx.is_empty(*cells[j])) continue;
                const auto c = ctx.bounds(*cells[j]);
                if (c[0] > b[2] || b[0] > c[2] || c[1] > b[3] || b[1] > c[3]) continue;
                const double shared = ctx.length(*ctx.intersection(*stray, *cells[j]));
                if (shared > best_length) {
                    best_length = shared;
                    best = j;
                }
            }
            if (best == cells.size()) {
                kept.push_back(std::move(stray));
                continue;
            }
            std::vector<GeomPtr> both;
            both.push_back(std::move(cells[best]));
            both.push_back(std::move(stray));
            cells[best] = polygonal(ctx, *ctx.unary_union(*ctx.collection(GEOS_GEOMETRYCOLLECTION, std::move(both))));
        }
        cells[i] = kept.size() == 1
                       ? polygonal(ctx, *kept[0])
                       : polygonal(ctx, *ctx.unary_union(*ctx.collection(GEOS_MULTIPOLYGON, std::move(kept))));
    }
}

gdal::GeometryPtr to_ogr(const GeosContext& ctx, const GEOSGeometry& g) {
    auto converted = ctx.to_ogr(g);
    return gdal::GeometryPtr(converted.release());
}

bool has(std::string_view s, std::string_view part) {
    return s.find(part) != std::string_view::npos;
}

Spread township_spread(std::string_view name) {
    if (has(name, "街道")) return Spread::dense;  // urban sub-districts crowd round the centre
    if (has(name, "镇")) return Spread::mild;
    return Spread::uniform;  // 乡, 苏木, farms: spread over the county
}

std::string four_digits(std::size_t n) {
    std::string s = std::to_string(n);
    return std::string(s.size() < 4 ? 4 - s.size() : 0, '0') + s;
}

/// A random point inside a village (rejection in its box), else its surface point.
PointOut point_in(Rng& rng, const Region& village, XY fallback) {
    for (int attempt = 0; attempt < 200; ++attempt) {
        const XY p = uniform_in_box(rng, village);
        if (village.contains(p)) return {p.x, p.y};
    }
    return {fallback.x, fallback.y};
}

constexpr std::array<std::string_view, 12> k_base_themes = {
    "农业", "生态", "青少年科技", "气象", "防震减灾", "中医药", "林业", "水利", "航天", "消防安全", "地质", "天文"};

}  // namespace

GeomPtr polygonal(const GeosContext& ctx, const GEOSGeometry& g, double min_area) {
    std::vector<GeomPtr> parts;
    collect_polygons(ctx, g, min_area, parts);
    return ctx.collection(GEOS_MULTIPOLYGON, std::move(parts));
}

GeomPtr clean_boundary(const GeosContext& ctx, const OGRGeometry& g, bool& repaired) {
    GeomPtr geom = ctx.from_ogr(g);
    if (GeomPtr deduplicated = ctx.own_nullable(GEOSRemoveRepeatedPoints_r(ctx.handle(), geom.get(), 0.0))) {
        geom = std::move(deduplicated);
    }
    repaired = !ctx.is_valid(*geom);
    if (repaired) geom = ctx.make_valid(*geom);
    GeomPtr out = polygonal(ctx, *geom);
    // Parts of a repaired collection may touch along edges; dissolve them into one valid whole.
    if (!ctx.is_valid(*out)) out = polygonal(ctx, *ctx.unary_union(*out));
    return out;
}

CountyOut build_county(const GeosContext& ctx, const CountyInput& input, std::uint64_t seed) {
    const DivisionCounty& county = *input.county;
    CountyOut out;
    out.code = county.code;
    out.name = county.name;
    out.city = input.city;
    out.province = input.province;

    // The boundary, minus every lower-code neighbour it overlaps: no two counties overlap.
    GeomPtr boundary = polygonal(ctx, *ctx.from_ogr(*input.boundary));
    {
        const geos::PreparedPtr prepared = ctx.prepare(*boundary);
        std::vector<GeomPtr> overlapping;
        for (const OGRGeometry* n : input.lower_neighbours) {
            GeomPtr g = ctx.from_ogr(*n);
            if (GEOSPreparedIntersects_r(ctx.handle(), prepared.get(), g.get()) == 1)
                overlapping.push_back(std::move(g));
        }
        if (!overlapping.empty()) {
            const GeomPtr others = ctx.unary_union(*ctx.collection(GEOS_GEOMETRYCOLLECTION, std::move(overlapping)));
            const double before = ctx.area(*boundary);
            boundary = polygonal(ctx, *ctx.difference(*boundary, *others), k_min_part_area);
            const double removed = before - ctx.area(*boundary);
            if (removed > 0.01 * before) {  // smaller overlaps are the sources' ~100 m quantisation
                out.warnings.push_back(county.code + " " + county.name + ": " +
                                       std::to_string(std::lround(100.0 * removed / before)) +
                                       "% of the polygon overlapped lower-code neighbours and went to them");
            }
        }
    }
    if (ctx.is_empty(*boundary)) {
        out.warnings.push_back(county.code + " " + county.name + ": nothing left after removing overlaps");
        return out;
    }
    XY centre;
    if (input.centre) {
        centre = {input.centre->first, input.centre->second};
    } else {
        const auto [x, y] = ctx.xy(*ctx.point_on_surface(*boundary));
        centre = {x, y};
    }
    out.centre_lon = centre.x;
    out.centre_lat = centre.y;
    out.geometry = to_ogr(ctx, *boundary);
    if (county.townships.empty()) return out;

    // Townships: one seed each, 街道 crowding the centre, 乡 spread out.
    const Region county_region(ctx, *boundary);
    std::vector<XY> township_seeds;
    {
        Rng rng(stream_seed(seed, county.code, "townships"));
        for (const auto& t : county.townships) {
            township_seeds.push_back(
                sample_point(ctx, county_region, rng, centre, township_spread(t.name), township_seeds));
        }
    }
    std::vector<GeomPtr> township_cells = partition(ctx, county_region, township_seeds);
    merge_strays(ctx, township_cells, township_seeds);

    // Villages: communities near the county centre (the nearest of three tries), 村 anywhere.
    std::vector<GeomPtr> village_cells;  // in village code order, across townships
    std::vector<const DivisionVillage*> villages;
    std::vector<const DivisionTownship*> village_township;
    for (std::size_t ti = 0; ti < county.townships.size(); ++ti) {
        const auto& t = county.townships[ti];
        const GEOSGeometry& cell = *township_cells[ti];
        if (ctx.is_empty(cell)) {
            out.warnings.push_back(t.code + " " + t.name + ": township cell is empty; its villages are skipped");
            continue;
        }
        out.townships.push_back(TownshipOut{t.code, t.name, to_ogr(ctx, cell)});
        if (t.villages.empty()) continue;
        const Region region(ctx, cell);
        Rng rng(stream_seed(seed, t.code, "villages"));
        std::vector<XY> seeds;
        for (const auto& v : t.villages) {
            XY p = sample_point(ctx, region, rng, centre, Spread::uniform, seeds);
            if (is_community(v.name)) {
                for (int k = 0; k < 2; ++k) {
                    const XY q = sample_point(ctx, region, rng, centre, Spread::uniform, seeds);
                    if (dist2(q, centre) < dist2(p, centre)) p = q;
                }
            }
            seeds.push_back(p);
        }
        std::vector<GeomPtr> cells = partition(ctx, region, seeds);
        merge_strays(ctx, cells, seeds);
        for (std::size_t vi = 0; vi < t.villages.size(); ++vi) {
            if (ctx.is_empty(*cells[vi])) {
                out.warnings.push_back(t.villages[vi].code + " " + t.villages[vi].name +
                                       ": empty village cell, skipped");
                continue;
            }
            village_cells.push_back(std::move(cells[vi]));
            villages.push_back(&t.villages[vi]);
            village_township.push_back(&t);
        }
    }

    // Populations: communities thousands to tens of thousands, villages hundreds to thousands.
    {
        Rng rng(stream_seed(seed, county.code, "population"));
        for (std::size_t i = 0; i < villages.size(); ++i) {
            const double u1 = rng.uniform();
            const double u2 = rng.uniform();
            const double u3 = rng.uniform();
            // Skewed towards the small end, like real ones: communities 1,500–35,000 (mean ~5,700),
            // villages 250–3,500 (mean ~1,060); China's total comes out near its real 1.4 billion.
            const double people =
                is_community(villages[i]->name) ? 1500.0 + 33500.0 * u1 * u2 * u3 : 250.0 + 3250.0 * u1 * u2;
            out.villages.push_back(VillageOut{villages[i]->code, villages[i]->name, village_township[i]->code,
                                              static_cast<std::int64_t>(std::floor(people + 0.5)),
                                              to_ogr(ctx, *village_cells[i])});
        }
    }
    if (villages.empty()) return out;

    std::vector<Region> village_regions;
    std::vector<XY> village_points;  // representative points (point on surface)
    village_regions.reserve(villages.size());
    for (const auto& cell : village_cells) {
        village_regions.emplace_back(ctx, *cell);
        const auto [x, y] = ctx.xy(*ctx.point_on_surface(*cell));
        village_points.push_back({x, y});
    }

    // Existing facilities.
    {
        Rng rng(stream_seed(seed, county.code, "facilities"));
        struct Pending {
            std::size_t village;
            std::string name;
            std::string grade;
        };
        auto add = [&](const std::string& type, std::vector<Pending> items) {
            std::sort(items.begin(), items.end(),
                      [](const Pending& a, const Pending& b) { return a.village < b.village; });
            std::size_t number = 0;
            for (auto& item : items) {
                out.facilities.push_back(FacilityOut{
                    county.code + "-" + type + "-" + four_digits(++number), type, std::move(item.name),
                    std::move(item.grade), point_in(rng, village_regions[item.village], village_points[item.village])});
            }
        };
        auto place_name = [&](std::size_t v) {
            return village_township[v]->name + short_village_name(villages[v]->name);
        };

        // A science museum in about three counties of four, in the most central village.
        std::vector<Pending> museums;
        if (rng.chance(0.75)) {
            std::size_t central = 0;
            for (std::size_t v = 1; v < villages.size(); ++v) {
                if (dist2(village_points[v], centre) < dist2(village_points[central], centre)) central = v;
            }
            museums.push_back({central, county.name + "科技馆", ""});
        }
        // One to four certified science-education bases.
        std::vector<Pending> bases;
        {
            const std::size_t count = std::min(villages.size(), 1 + rng.index(4));
            const auto order = rng.permutation(villages.size());
            for (std::size_t k = 0; k < count; ++k) {
                const double g = rng.uniform();
                const std::string grade = g < 0.15 ? "national" : g < 0.5 ? "provincial" : "city";
                const std::string theme(k_base_themes[rng.index(k_base_themes.size())]);
                bases.push_back({order[k], village_township[order[k]]->name + theme + "科普教育基地", grade});
            }
        }
        // Science e-stations in a share of the villages, communities first.
        std::vector<Pending> stations;
        {
            const double share = rng.uniform(0.3, 0.95);
            const auto count = static_cast<std::size_t>(std::floor(share * static_cast<double>(villages.size()) + 0.5));
            std::vector<std::pair<double, std::size_t>> keyed;
            for (std::size_t v = 0; v < villages.size(); ++v) {
                keyed.emplace_back(rng.uniform() - (is_community(villages[v]->name) ? 0.4 : 0.0), v);
            }
            std::sort(keyed.begin(), keyed.end());
            for (std::size_t k = 0; k < count; ++k) {
                const std::size_t v = keyed[k].second;
                stations.push_back({v, place_name(v) + "科普e站", ""});
            }
        }
        // Science rooms: every village in about one county of four, 55–98% elsewhere.
        std::vector<Pending> rooms;
        {
            const double share = rng.chance(0.25) ? 1.0 : rng.uniform(0.55, 0.98);
            const auto count = static_cast<std::size_t>(std::floor(share * static_cast<double>(villages.size()) + 0.5));
            const auto order = rng.permutation(villages.size());
            for (std::size_t k = 0; k < count; ++k) rooms.push_back({order[k], place_name(order[k]) + "科普室", ""});
        }
        add("e_station", std::move(stations));
        add("science_base", std::move(bases));
        add("science_museum", std::move(museums));
        add("science_room", std::move(rooms));
        std::sort(out.facilities.begin(), out.facilities.end(),
                  [](const FacilityOut& a, const FacilityOut& b) { return a.id < b.id; });
    }

    // Candidate host buildings: the party–public service centre at every village's point; some
    // civilisation-practice stations, schools and libraries.
    {
        Rng rng(stream_seed(seed, county.code, "candidates"));
        for (std::size_t v = 0; v < villages.size(); ++v) {
            const bool community = is_community(villages[v]->name);
            int number = 0;
            auto add = [&](const char* kind, double cost, PointOut p) {
                out.candidates.push_back(
                    CandidateOut{villages[v]->code + "-" + std::to_string(++number), kind, cost, villages[v]->code, p});
            };
            add("党群服务中心", 0.6, PointOut{village_points[v].x, village_points[v].y});
            if (rng.chance(0.45)) add("新时代文明实践站", 0.5, point_in(rng, village_regions[v], village_points[v]));
            if (rng.chance(community ? 0.5 : 0.3))
                add("学校", 0.8, point_in(rng, village_regions[v], village_points[v]));
            if (rng.chance(community ? 0.35 : 0.06)) {
                add("图书馆", 0.7, point_in(rng, village_regions[v], village_points[v]));
            }
        }
    }
    return out;
}

}  // namespace scicov::geodata::detail
