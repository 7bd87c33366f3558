// Synthetic roads of one county: a plausible hierarchy from the real county seat outwards.
// Trunk roads run from the seat halfway to each neighbouring seat (the neighbour builds the other
// half from its own side, so a county's roads do not depend on what else is built); county roads
// join the township centres to the seat and village roads each village to its township centre,
// both as trees that branch towards their centre. Every link is a detour: midpoints displaced sideways, more in
// mountain provinces. Links start and end on shared vertices, so they meet at junctions.
#include <algorithm>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cells.hpp"
#include "internal.hpp"

namespace scicov::geodata::detail {

namespace {

using Point = std::pair<double, double>;

/// Two counties are neighbours when their cleaned polygons come this close (degrees, ~500 m):
/// the sources' ~100 m quantisation leaves slivers and overlaps along shared borders.
constexpr double k_neighbour_deg = 0.005;
/// Metres per degree of latitude (mean); lengths here only steer the shape of a detour.
constexpr double k_m_per_deg = 111'320.0;
/// A link is split in halves until its pieces are shorter than this (and at most k_max_depth times).
constexpr double k_piece_m = 400.0;
constexpr int k_max_depth = 5;
/// The second carriageway of a divided trunk road lies twice this to the side (degrees of latitude:
/// ~24 m).
constexpr double k_carriageway_deg = 12.0 / k_m_per_deg;

enum class Terrain { plain, hilly, mountain };

/// By province (the first two digits of the code): the southwest and the Qinghai–Tibet and
/// Loess plateaus are mountain; the southern hills, Shanxi, Shaanxi, Ningxia and Xinjiang hilly.
Terrain terrain_of(std::string_view county_code) {
    const std::string_view province = county_code.substr(0, 2);
    for (const char* p : {"50", "51", "52", "53", "54", "62", "63"}) {
        if (province == p) return Terrain::mountain;
    }
    for (const char* p : {"14", "33", "35", "36", "42", "43", "44", "45", "46", "61", "64", "65"}) {
        if (province == p) return Terrain::hilly;
    }
    return Terrain::plain;
}

/// The largest sideways displacement of a midpoint, as a share of its piece's length.
double detour_share(Terrain t) {
    switch (t) {
        case Terrain::mountain:
            return 0.40;
        case Terrain::hilly:
            return 0.26;
        case Terrain::plain:
            return 0.18;
    }
    return 0.18;
}

/// cos(latitude) by its Taylor series: products only, so the same bits on every platform (the
/// builder's rule, see Rng).
double cos_deg(double deg) {
    const double x = deg * 3.14159265358979323846 / 180.0;
    const double x2 = x * x;
    double term = 1.0;
    double sum = 1.0;
    for (int k = 1; k <= 9; ++k) {
        term *= -x2 / static_cast<double>((2 * k - 1) * (2 * k));
        sum += term;
    }
    return sum;
}

/// Metres between two points in the local plane at latitude factor `kx` (cos latitude).
double metres(Point a, Point b, double kx) {
    const double dx = (b.first - a.first) * kx;
    const double dy = b.second - a.second;
    return std::sqrt(dx * dx + dy * dy) * k_m_per_deg;
}

/// Appends the points after `a` up to `b`: midpoint displacement, each midpoint moved sideways
/// by a random share of its piece's length.
void detour(Rng& rng, Point a, Point b, double share, double kx, int depth, std::vector<Point>& out) {
    if (depth == 0 || metres(a, b, kx) < k_piece_m) {
        out.push_back(b);
        return;
    }
    const double s = rng.uniform(-share, share);
    const double dx = (b.first - a.first) * kx;
    const double dy = b.second - a.second;
    const Point mid{(a.first + b.first) / 2 - dy * s / kx, (a.second + b.second) / 2 + dx * s};
    detour(rng, a, mid, share, kx, depth - 1, out);
    detour(rng, mid, b, share, kx, depth - 1, out);
}

gdal::GeometryPtr line(const std::vector<Point>& points) {
    auto l = std::make_unique<OGRLineString>();
    l->setNumPoints(static_cast<int>(points.size()));
    for (std::size_t i = 0; i < points.size(); ++i) {
        l->setPoint(static_cast<int>(i), points[i].first, points[i].second);
    }
    return gdal::GeometryPtr(l.release());
}

/// Draws roads of one county: its stream, its terrain, its latitude.
class Drawer {
public:
    Drawer(const CountyInput& input, std::uint64_t seed, CountyOut& out)
        : m_rng(stream_seed(seed, input.county->code, "roads")),
          m_share(detour_share(terrain_of(input.county->code))),
          m_kx(cos_deg(input.seat.second)),
          m_out(out) {}

    Rng& rng() { return m_rng; }
    double kx() const { return m_kx; }

    /// The link's points, from `a` to `b`.
    std::vector<Point> path(Point a, Point b) {
        std::vector<Point> points{a};
        detour(m_rng, a, b, m_share, m_kx, k_max_depth, points);
        return points;
    }

    void add(std::string road_class, int maxspeed_kmh, std::string oneway, const std::vector<Point>& points) {
        m_out.roads.push_back(RoadOut{std::move(road_class), maxspeed_kmh, std::move(oneway), line(points)});
    }

private:
    Rng m_rng;
    double m_share;
    double m_kx;
    CountyOut& m_out;
};

/// The other carriageway of a divided road: the same ends, the inner points moved sideways.
std::vector<Point> carriageway(const std::vector<Point>& points, double kx) {
    std::vector<Point> other = points;
    const Point a = points.front();
    const Point b = points.back();
    const double dx = (b.first - a.first) * kx;
    const double dy = b.second - a.second;
    const double length = std::sqrt(dx * dx + dy * dy);
    if (length == 0) return other;
    for (std::size_t i = 1; i + 1 < other.size(); ++i) {
        other[i].first += -dy / length * 2 * k_carriageway_deg / kx;
        other[i].second += dx / length * 2 * k_carriageway_deg;
    }
    return other;
}

/// Trunk roads from the seat halfway to each neighbouring seat. Class, speed limit and divided
/// carriageways come from the pair's own stream, so both halves agree.
void add_trunk_roads(const geos::GeosContext& ctx, const CountyInput& input, const RoadNodes& nodes, std::uint64_t seed,
                     Drawer& drawer) {
    const geos::GeomPtr own = ctx.from_ogr(*input.boundary);
    const geos::PreparedPtr prepared = ctx.prepare(*own);
    for (const auto& n : input.neighbours) {
        const geos::GeomPtr other = ctx.from_ogr(*n.boundary);
        if (GEOSPreparedDistanceWithin_r(ctx.handle(), prepared.get(), other.get(), k_neighbour_deg) != 1) continue;
        const std::string& code = input.county->code;
        Rng pair(stream_seed(seed, std::min(code, n.code) + std::max(code, n.code), "trunk"));
        const bool national = pair.chance(0.45);
        const bool limited = pair.chance(0.3);
        const bool divided = national && pair.chance(0.3);
        const Point halfway{(input.seat.first + n.seat.first) / 2, (input.seat.second + n.seat.second) / 2};
        const std::vector<Point> points = drawer.path(nodes.seat, halfway);
        const std::string road_class = national ? "国道" : "省道";
        const int maxspeed = limited ? (national ? 80 : 60) : 0;
        if (divided) {
            drawer.add(road_class, maxspeed, "F", points);
            drawer.add(road_class, maxspeed, "T", carriageway(points, drawer.kx()));
        } else {
            drawer.add(road_class, maxspeed, "B", points);
        }
    }
}

/// How much a link's length counts against the road distance back to the root: 0 is a minimum
/// spanning tree (long snakes), 1 a star; in between, roads branch towards the centre.
constexpr double k_tradeoff = 0.8;

/// A Prim–Dijkstra trade-off tree (Alpert et al. 1995) of the points, rooted at point 0: Prim's
/// growth where joining point j through connected point i costs k_tradeoff * road(i) + |ij|. The
/// parent of each other point. O(n²) on a township's villages or a county's townships.
std::vector<std::size_t> branching_tree(const std::vector<Point>& points, double kx) {
    const std::size_t n = points.size();
    std::vector<std::size_t> parent(n, 0);
    std::vector<double> key(n);
    std::vector<double> road(n, 0.0);
    std::vector<char> joined(n, 0);
    joined[0] = 1;
    for (std::size_t j = 1; j < n; ++j) key[j] = metres(points[0], points[j], kx);
    for (std::size_t step = 1; step < n; ++step) {
        std::size_t next = 0;
        for (std::size_t j = 1; j < n; ++j) {
            if (joined[j] == 0 && (next == 0 || key[j] < key[next])) next = j;
        }
        joined[next] = 1;
        road[next] = road[parent[next]] + metres(points[parent[next]], points[next], kx);
        for (std::size_t j = 1; j < n; ++j) {
            if (joined[j] != 0) continue;
            const double k = k_tradeoff * road[next] + metres(points[next], points[j], kx);
            if (k < key[j]) {
                key[j] = k;
                parent[j] = next;
            }
        }
    }
    return parent;
}

/// Joins the points to point 0 along a branching tree, each link drawn from parent to child;
/// `classify(parent, child)` gives the class and the speed limit.
template <typename Classify>
std::vector<std::size_t> add_tree(const std::vector<Point>& points, Drawer& drawer, Classify&& classify) {
    std::vector<std::size_t> parent = branching_tree(points, drawer.kx());
    for (std::size_t v = 1; v < points.size(); ++v) {
        const Point a = points[parent[v]];
        const Point b = points[v];
        if (a == b) continue;
        const auto [road_class, maxspeed] = classify(parent[v], v);
        drawer.add(road_class, maxspeed, "B", drawer.path(a, b));
    }
    return parent;
}

/// Loops: about half the township centres get a township road (乡道) to the nearest centre they
/// are not already linked to, so a trip need not go round by the county seat.
void add_cross_links(const std::vector<Point>& centres, const std::vector<std::size_t>& parent, Drawer& drawer) {
    std::set<std::pair<std::size_t, std::size_t>> linked;
    for (std::size_t v = 1; v < centres.size(); ++v) linked.emplace(std::min(v, parent[v]), std::max(v, parent[v]));
    for (std::size_t i = 1; i < centres.size(); ++i) {
        if (!drawer.rng().chance(0.5)) continue;
        std::size_t best = 0;
        for (std::size_t j = 1; j < centres.size(); ++j) {
            if (j == i || linked.count({std::min(i, j), std::max(i, j)}) > 0 || centres[j] == centres[i]) continue;
            if (best == 0 ||
                metres(centres[i], centres[j], drawer.kx()) < metres(centres[i], centres[best], drawer.kx())) {
                best = j;
            }
        }
        if (best == 0) continue;
        linked.emplace(std::min(i, best), std::max(i, best));
        drawer.add("乡道", 0, "B", drawer.path(centres[i], centres[best]));
    }
}

/// An access road (村道, straight) to every site from the nearest village point, unless it
/// stands there.
void add_access_roads(const RoadNodes& nodes, Drawer& drawer) {
    std::vector<Point> villages;
    for (const auto& t : nodes.townships) villages.insert(villages.end(), t.villages.begin(), t.villages.end());
    if (villages.empty()) return;
    for (const Point& site : nodes.sites) {
        std::size_t nearest = 0;
        for (std::size_t v = 1; v < villages.size(); ++v) {
            if (metres(site, villages[v], drawer.kx()) < metres(site, villages[nearest], drawer.kx())) nearest = v;
        }
        if (villages[nearest] == site) continue;
        drawer.add("村道", 0, "B", {villages[nearest], site});  // short: a straight driveway
    }
}

}  // namespace

Point county_seat(const geos::GeosContext& ctx, const std::optional<Point>& cp, const OGRGeometry& cleaned) {
    if (cp) return *cp;
    return ctx.xy(*ctx.point_on_surface(*ctx.from_ogr(cleaned)));
}

void add_roads(const geos::GeosContext& ctx, const CountyInput& input, const RoadNodes& nodes, std::uint64_t seed,
               CountyOut& out) {
    Drawer drawer(input, seed, out);
    add_trunk_roads(ctx, input, nodes, seed, drawer);

    std::vector<Point> centres{nodes.seat};
    for (const auto& t : nodes.townships) centres.push_back(t.centre);
    const auto parent = add_tree(centres, drawer, [&](std::size_t, std::size_t) {
        return std::pair<std::string, int>{"县道", drawer.rng().chance(0.2) ? 50 : 0};
    });
    add_cross_links(centres, parent, drawer);

    add_access_roads(nodes, drawer);
    for (const auto& t : nodes.townships) {
        std::vector<Point> points{t.centre};
        points.insert(points.end(), t.villages.begin(), t.villages.end());
        add_tree(points, drawer, [&](std::size_t from, std::size_t) {
            if (from == 0) return std::pair<std::string, int>{"乡道", 0};
            return std::pair<std::string, int>{"村道", drawer.rng().chance(0.1) ? 30 : 0};
        });
    }
}

}  // namespace scicov::geodata::detail
