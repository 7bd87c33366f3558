// One county: real boundary, synthetic townships and villages (nested Voronoi cells),
// populations, existing facilities and candidate host buildings. Each step draws from its own
// random stream (seed, code, step), so a step's output depends on nothing built elsewhere.
#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cells.hpp"
#include "internal.hpp"

namespace scicov::geodata::detail {

using geos::GeomPtr;
using geos::GeosContext;

namespace {

/// Polygon parts smaller than this (square degrees, ~10 m²) left by overlap removal are dropped.
constexpr double k_min_part_area = 1e-9;

constexpr std::array<std::string_view, 12> k_base_themes = {
    "农业", "生态", "青少年科技", "气象", "防震减灾", "中医药", "林业", "水利", "航天", "消防安全", "地质", "天文"};

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

/// The boundary, minus every lower-code neighbour it overlaps: no two counties overlap. Warns
/// when more than 1% goes (smaller overlaps are the sources' ~100 m quantisation).
GeomPtr cut_overlaps(const GeosContext& ctx, const CountyInput& input, CountyOut& out) {
    const DivisionCounty& county = *input.county;
    GeomPtr boundary = polygonal(ctx, *ctx.from_ogr(*input.boundary));
    std::vector<GeomPtr> overlapping;
    {
        const geos::PreparedPtr prepared = ctx.prepare(*boundary);
        for (const OGRGeometry* n : input.lower_neighbours) {
            GeomPtr g = ctx.from_ogr(*n);
            if (GEOSPreparedIntersects_r(ctx.handle(), prepared.get(), g.get()) == 1)
                overlapping.push_back(std::move(g));
        }
    }
    if (overlapping.empty()) return boundary;
    const GeomPtr others = ctx.unary_union(*ctx.collection(GEOS_GEOMETRYCOLLECTION, std::move(overlapping)));
    const double before = ctx.area(*boundary);
    boundary = polygonal(ctx, *ctx.difference(*boundary, *others), k_min_part_area);
    const double removed = before - ctx.area(*boundary);
    if (removed > 0.01 * before) {
        out.warnings.push_back(county.code + " " + county.name + ": " +
                               std::to_string(std::lround(100.0 * removed / before)) +
                               "% of the polygon overlapped lower-code neighbours and went to them");
    }
    return boundary;
}

/// The source's centre (echarts cp) when it has one, else a point on the surface.
XY county_centre(const GeosContext& ctx, const CountyInput& input, const GEOSGeometry& boundary) {
    if (input.centre) return {input.centre->first, input.centre->second};
    const auto [x, y] = ctx.xy(*ctx.point_on_surface(boundary));
    return {x, y};
}

/// Township cells: one seed each (into `seeds`), 街道 crowding the centre, 乡 spread out.
std::vector<GeomPtr> township_cells(const GeosContext& ctx, const Region& county_region, const DivisionCounty& county,
                                    XY centre, std::uint64_t seed, std::vector<XY>& seeds) {
    Rng rng(stream_seed(seed, county.code, "townships"));
    for (const auto& t : county.townships) {
        seeds.push_back(sample_point(ctx, county_region, rng, centre, township_spread(t.name), seeds));
    }
    std::vector<GeomPtr> cells = partition(ctx, county_region, seeds);
    merge_strays(ctx, cells, seeds);
    return cells;
}

/// Village seeds in a township: communities near the county centre (the nearest of three
/// tries), 村 anywhere.
std::vector<XY> village_seeds(const GeosContext& ctx, const Region& region, const DivisionTownship& township, XY centre,
                              std::uint64_t seed) {
    Rng rng(stream_seed(seed, township.code, "villages"));
    std::vector<XY> seeds;
    for (const auto& v : township.villages) {
        XY p = sample_point(ctx, region, rng, centre, Spread::uniform, seeds);
        if (is_community(v.name)) {
            for (int k = 0; k < 2; ++k) {
                const XY q = sample_point(ctx, region, rng, centre, Spread::uniform, seeds);
                if (dist2(q, centre) < dist2(p, centre)) p = q;
            }
        }
        seeds.push_back(p);
    }
    return seeds;
}

/// The villages that got a non-empty cell, in village code order across townships, and where
/// they are: their cells, prepared regions and representative points (point on surface).
struct Villages {
    std::vector<const DivisionVillage*> village;
    std::vector<const DivisionTownship*> township;
    std::vector<GeomPtr> cells;
    std::vector<Region> regions;
    std::vector<XY> points;

    std::size_t size() const { return village.size(); }
    std::string place_name(std::size_t v) const { return township[v]->name + short_village_name(village[v]->name); }
};

/// Townships into `out` and their village cells into `villages`; empty cells are skipped with a
/// warning.
void place_townships_and_villages(const GeosContext& ctx, const DivisionCounty& county,
                                  const std::vector<GeomPtr>& township_cells, XY centre, std::uint64_t seed,
                                  CountyOut& out, Villages& villages) {
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
        const std::vector<XY> seeds = village_seeds(ctx, region, t, centre, seed);
        std::vector<GeomPtr> cells = partition(ctx, region, seeds);
        merge_strays(ctx, cells, seeds);
        for (std::size_t vi = 0; vi < t.villages.size(); ++vi) {
            if (ctx.is_empty(*cells[vi])) {
                out.warnings.push_back(t.villages[vi].code + " " + t.villages[vi].name +
                                       ": empty village cell, skipped");
                continue;
            }
            villages.cells.push_back(std::move(cells[vi]));
            villages.village.push_back(&t.villages[vi]);
            villages.township.push_back(&t);
        }
    }
}

/// Populations: communities thousands to tens of thousands, villages hundreds to thousands.
void add_villages(const GeosContext& ctx, const DivisionCounty& county, const Villages& villages, std::uint64_t seed,
                  CountyOut& out) {
    Rng rng(stream_seed(seed, county.code, "population"));
    for (std::size_t i = 0; i < villages.size(); ++i) {
        const double u1 = rng.uniform();
        const double u2 = rng.uniform();
        const double u3 = rng.uniform();
        // Skewed towards the small end, like real ones: communities 1,500–35,000 (mean ~5,700),
        // villages 250–3,500 (mean ~1,060); China's total comes out near its real 1.4 billion.
        const double people =
            is_community(villages.village[i]->name) ? 1500.0 + 33500.0 * u1 * u2 * u3 : 250.0 + 3250.0 * u1 * u2;
        out.villages.push_back(
            VillageOut{villages.village[i]->code, villages.village[i]->name, villages.township[i]->code,
                       static_cast<std::int64_t>(std::floor(people + 0.5)), to_ogr(ctx, *villages.cells[i])});
    }
}

/// A facility to be placed in a village.
struct Pending {
    std::size_t village;
    std::string name;
    std::string grade;
};

/// A science museum in about three counties of four, in the most central village.
std::vector<Pending> choose_museums(Rng& rng, const DivisionCounty& county, const Villages& villages, XY centre) {
    std::vector<Pending> museums;
    if (rng.chance(0.75)) {
        std::size_t central = 0;
        for (std::size_t v = 1; v < villages.size(); ++v) {
            if (dist2(villages.points[v], centre) < dist2(villages.points[central], centre)) central = v;
        }
        museums.push_back({central, county.name + "科技馆", ""});
    }
    return museums;
}

/// One to four certified science-education bases.
std::vector<Pending> choose_bases(Rng& rng, const Villages& villages) {
    std::vector<Pending> bases;
    const std::size_t count = std::min(villages.size(), 1 + rng.index(4));
    const auto order = rng.permutation(villages.size());
    for (std::size_t k = 0; k < count; ++k) {
        const double g = rng.uniform();
        const std::string grade = g < 0.15 ? "national" : g < 0.5 ? "provincial" : "city";
        const std::string theme(k_base_themes[rng.index(k_base_themes.size())]);
        bases.push_back({order[k], villages.township[order[k]]->name + theme + "科普教育基地", grade});
    }
    return bases;
}

/// Science e-stations in a share of the villages, communities first.
std::vector<Pending> choose_stations(Rng& rng, const Villages& villages) {
    std::vector<Pending> stations;
    const double share = rng.uniform(0.3, 0.95);
    const auto count = static_cast<std::size_t>(std::floor(share * static_cast<double>(villages.size()) + 0.5));
    std::vector<std::pair<double, std::size_t>> keyed;
    for (std::size_t v = 0; v < villages.size(); ++v) {
        keyed.emplace_back(rng.uniform() - (is_community(villages.village[v]->name) ? 0.4 : 0.0), v);
    }
    std::sort(keyed.begin(), keyed.end());
    for (std::size_t k = 0; k < count; ++k) {
        const std::size_t v = keyed[k].second;
        stations.push_back({v, villages.place_name(v) + "科普e站", ""});
    }
    return stations;
}

/// Science rooms: every village in about one county of four, 55–98% elsewhere.
std::vector<Pending> choose_rooms(Rng& rng, const Villages& villages) {
    std::vector<Pending> rooms;
    const double share = rng.chance(0.25) ? 1.0 : rng.uniform(0.55, 0.98);
    const auto count = static_cast<std::size_t>(std::floor(share * static_cast<double>(villages.size()) + 0.5));
    const auto order = rng.permutation(villages.size());
    for (std::size_t k = 0; k < count; ++k) rooms.push_back({order[k], villages.place_name(order[k]) + "科普室", ""});
    return rooms;
}

/// Existing facilities, numbered per type in village order, each at a random point of its
/// village; sorted by id.
void add_facilities(const DivisionCounty& county, const Villages& villages, XY centre, std::uint64_t seed,
                    CountyOut& out) {
    Rng rng(stream_seed(seed, county.code, "facilities"));
    auto add = [&](const std::string& type, std::vector<Pending> items) {
        std::sort(items.begin(), items.end(), [](const Pending& a, const Pending& b) { return a.village < b.village; });
        std::size_t number = 0;
        for (auto& item : items) {
            out.facilities.push_back(FacilityOut{
                county.code + "-" + type + "-" + four_digits(++number), type, std::move(item.name),
                std::move(item.grade), point_in(rng, villages.regions[item.village], villages.points[item.village])});
        }
    };
    // the draws come in this order: choices first, then the points
    std::vector<Pending> museums = choose_museums(rng, county, villages, centre);
    std::vector<Pending> bases = choose_bases(rng, villages);
    std::vector<Pending> stations = choose_stations(rng, villages);
    std::vector<Pending> rooms = choose_rooms(rng, villages);
    add("e_station", std::move(stations));
    add("science_base", std::move(bases));
    add("science_museum", std::move(museums));
    add("science_room", std::move(rooms));
    std::sort(out.facilities.begin(), out.facilities.end(),
              [](const FacilityOut& a, const FacilityOut& b) { return a.id < b.id; });
}

/// Candidate host buildings: the party–public service centre at every village's point; some
/// civilisation-practice stations, schools and libraries.
void add_candidates(const DivisionCounty& county, const Villages& villages, std::uint64_t seed, CountyOut& out) {
    Rng rng(stream_seed(seed, county.code, "candidates"));
    for (std::size_t v = 0; v < villages.size(); ++v) {
        const auto& village = *villages.village[v];
        const bool community = is_community(village.name);
        int number = 0;
        auto add = [&](const char* kind, double cost, PointOut p) {
            out.candidates.push_back(
                CandidateOut{village.code + "-" + std::to_string(++number), kind, cost, village.code, p});
        };
        const XY point = villages.points[v];
        add("党群服务中心", 0.6, PointOut{point.x, point.y});
        if (rng.chance(0.45)) add("新时代文明实践站", 0.5, point_in(rng, villages.regions[v], point));
        if (rng.chance(community ? 0.5 : 0.3)) add("学校", 0.8, point_in(rng, villages.regions[v], point));
        if (rng.chance(community ? 0.35 : 0.06)) add("图书馆", 0.7, point_in(rng, villages.regions[v], point));
    }
}

/// The seat, the centre (seed) of every township that got a cell, its villages' points, and the
/// facilities and candidates.
RoadNodes road_nodes(const GeosContext& ctx, const DivisionCounty& county, const std::vector<GeomPtr>& township_cells,
                     const std::vector<XY>& township_seeds, const Villages& villages, XY centre, const CountyOut& out) {
    RoadNodes nodes;
    nodes.seat = {centre.x, centre.y};
    std::vector<const DivisionTownship*> placed;
    for (std::size_t ti = 0; ti < county.townships.size(); ++ti) {
        if (ctx.is_empty(*township_cells[ti])) continue;
        placed.push_back(&county.townships[ti]);
        nodes.townships.push_back({{township_seeds[ti].x, township_seeds[ti].y}, {}});
    }
    for (std::size_t v = 0; v < villages.size(); ++v) {
        const auto at = std::find(placed.begin(), placed.end(), villages.township[v]) - placed.begin();
        nodes.townships[static_cast<std::size_t>(at)].villages.emplace_back(villages.points[v].x, villages.points[v].y);
    }
    for (const auto& f : out.facilities) nodes.sites.emplace_back(f.point.x, f.point.y);
    for (const auto& c : out.candidates) nodes.sites.emplace_back(c.point.x, c.point.y);
    return nodes;
}

}  // namespace

CountyOut build_county(const GeosContext& ctx, const CountyInput& input, std::uint64_t seed) {
    const DivisionCounty& county = *input.county;
    CountyOut out;
    out.code = county.code;
    out.name = county.name;
    out.city = input.city;
    out.province = input.province;

    const GeomPtr boundary = cut_overlaps(ctx, input, out);
    if (ctx.is_empty(*boundary)) {
        out.warnings.push_back(county.code + " " + county.name + ": nothing left after removing overlaps");
        return out;
    }
    const XY centre = county_centre(ctx, input, *boundary);
    out.centre_lon = centre.x;
    out.centre_lat = centre.y;
    out.geometry = to_ogr(ctx, *boundary);
    if (county.townships.empty()) {
        add_roads(ctx, input, RoadNodes{{centre.x, centre.y}, {}, {}}, seed, out);
        return out;
    }

    const Region county_region(ctx, *boundary);
    std::vector<XY> township_seeds;
    const std::vector<GeomPtr> townships = township_cells(ctx, county_region, county, centre, seed, township_seeds);
    Villages villages;
    place_townships_and_villages(ctx, county, townships, centre, seed, out, villages);
    add_villages(ctx, county, villages, seed, out);

    villages.regions.reserve(villages.size());
    for (const auto& cell : villages.cells) {
        villages.regions.emplace_back(ctx, *cell);
        const auto [x, y] = ctx.xy(*ctx.point_on_surface(*cell));
        villages.points.push_back({x, y});
    }
    if (villages.size() > 0) {
        add_facilities(county, villages, centre, seed, out);
        add_candidates(county, villages, seed, out);
    }
    add_roads(ctx, input, road_nodes(ctx, county, townships, township_seeds, villages, centre, out), seed, out);
    return out;
}

}  // namespace scicov::geodata::detail
