// The road network of travel-time rules: Boost.Graph's compressed sparse row graph and Dijkstra
// searches on it, Boost.Geometry's R-tree for the nearest road. Times run from a village to a
// site (people travel to the facility), so searches from a site go over the roads reversed.
#include "coverage/network.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <functional>
#include <limits>
#include <optional>
#include <unordered_map>

#include <boost/graph/dijkstra_shortest_paths.hpp>
#include <boost/property_map/property_map.hpp>

#include "core/parallel.hpp"

namespace scicov::coverage {

namespace {

constexpr double k_inf = std::numeric_limits<double>::infinity();
/// Metres per degree along the meridian and the parallel at a latitude on the GRS80 ellipsoid of
/// CGCS2000: a local plane around a point, conformal there (as a Gauss-Krueger zone is), where the
/// nearest point of a road is found.
std::pair<double, double> metres_per_degree(double lat_deg) {
    constexpr double a = 6'378'137.0, e2 = 0.006694380022900787;
    const double phi = lat_deg * M_PI / 180.0;
    const double w2 = 1.0 - e2 * std::sin(phi) * std::sin(phi);
    const double meridian = a * (1.0 - e2) / (w2 * std::sqrt(w2));  // M
    const double normal = a / std::sqrt(w2);                        // N
    return {normal * std::cos(phi) * M_PI / 180.0, meridian * M_PI / 180.0};
}
/// Segments the nearest-road search looks at, nearest first by their boxes in degrees.
constexpr unsigned k_nearest_boxes = 64;

/// km/h of a road class for a mode: the table's entry, else the entry of its name before the last
/// '_' (motorway_link → motorway, track_grade3 → track); nullopt when neither is there.
std::optional<double> class_speed(const std::map<std::string, double>& table, std::string road_class) {
    for (;;) {
        if (auto it = table.find(road_class); it != table.end()) return it->second;
        const auto cut = road_class.rfind('_');
        if (cut == std::string::npos || cut == 0) return std::nullopt;
        road_class.resize(cut);
    }
}

/// Coordinates as keys: their bits, each mixed by splitmix64's finaliser (libstdc++'s hash of a
/// double is its bits unmixed, and neighbouring vertices share most of theirs: long buckets).
struct PointHash {
    static std::uint64_t mix(double d) noexcept {
        auto z = std::bit_cast<std::uint64_t>(d);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    std::size_t operator()(const std::pair<double, double>& p) const noexcept {
        return static_cast<std::size_t>(mix(p.first) ^ (mix(p.second) * 0x9e3779b97f4a7c15ULL));
    }
};

/// Stops a bounded search at the first vertex beyond the limit (the way Boost.Graph's documentation
/// ends a search early: an exception from the visitor).
struct LimitReached {};

}  // namespace

/// One search's scratch space, reset after use to what it was: every distance infinite, every
/// vertex white and out of the heap. It holds the heap's index map as well: the overload of
/// dijkstra_shortest_paths_no_init that takes none allocates and fills one of every vertex for
/// each search, O(vertices) however few the search reaches (on the national network, ~30 M
/// vertices, that was the whole cost of a bounded search).
struct RoadNetwork::Workspace {
    static constexpr std::size_t k_out_of_heap = static_cast<std::size_t>(-1);
    std::vector<double> dist;
    std::vector<boost::default_color_type> color;
    std::vector<std::size_t> in_heap;
    std::vector<Vertex> touched;

    explicit Workspace(std::size_t n) : dist(n, k_inf), color(n, boost::white_color), in_heap(n, k_out_of_heap) {}
    void reset() {
        for (auto v : touched) {
            dist[v] = k_inf;
            color[v] = boost::white_color;
            in_heap[v] = k_out_of_heap;
        }
        touched.clear();
    }
};

RoadGeometry road_geometry(const model::Inputs& in, unsigned threads) {
    RoadGeometry out;
    out.metres.resize(in.roads.size());
    core::parallel_for_ranges(in.roads.size(), 1024, threads, [&] {
        return [&, geod = crs::Geodesic()](std::size_t a, std::size_t b) {
            for (std::size_t r = a; r < b; ++r) {
                const auto& points = in.roads[r].points;
                auto& m = out.metres[r];
                m.reserve(points.empty() ? 0 : points.size() - 1);
                for (std::size_t i = 0; i + 1 < points.size(); ++i)
                    m.push_back(geod.distance_m(points[i], points[i + 1]));
            }
        };
    });
    std::unordered_map<std::pair<double, double>, std::int32_t, PointHash> number;
    std::size_t points = 0;
    for (const auto& road : in.roads) points += road.points.size();
    number.reserve(points);
    out.points.resize(in.roads.size());
    for (std::size_t r = 0; r < in.roads.size(); ++r) {
        auto& ids = out.points[r];
        ids.reserve(in.roads[r].points.size());
        for (const auto& p : in.roads[r].points)
            ids.push_back(number.try_emplace({p.lon, p.lat}, static_cast<std::int32_t>(number.size())).first->second);
    }
    out.point_count = number.size();
    return out;
}

RoadNetwork::RoadNetwork(const VillageIndex& index, const rules::Speeds& speeds, rules::TravelMode mode,
                         const RoadGeometry& roads)
    : m_index(index), m_mode(mode), m_off_road_mps(speeds.off_road_kmh / 3.6), m_fastest_mps(m_off_road_mps) {
    const auto& in = index.inputs();
    if (roads.metres.size() != in.roads.size()) throw Error(ErrorKind::internal, "road geometry of other roads");
    add_segments(in, speeds, roads);
    std::vector<Entry> entries;
    entries.reserve(m_segments.size());
    for (std::size_t s = 0; s < m_segments.size(); ++s) {
        const auto& g = m_segments[s];
        const auto &ga = pa(g), &gb = pb(g);
        entries.emplace_back(core::Box2({std::min(ga.lon, gb.lon), std::min(ga.lat, gb.lat)},
                                        {std::max(ga.lon, gb.lon), std::max(ga.lat, gb.lat)}),
                             static_cast<std::int32_t>(s));
    }
    m_tree = core::RTree<Entry>(entries.begin(), entries.end());
    m_village_access.reserve(in.villages.size());
    for (const auto& v : in.villages) m_village_access.push_back(access(v.rep));
    std::size_t nodes = 0;
    for (const auto& s : m_segments)
        nodes = std::max<std::size_t>(nodes, static_cast<std::size_t>(std::max(s.a, s.b)) + 1);
    build_graph(nodes);
}

RoadNetwork::~RoadNetwork() = default;

const crs::LonLat& RoadNetwork::pa(const Segment& s) const {
    return m_index.inputs().roads[static_cast<std::size_t>(s.road)].points[static_cast<std::size_t>(s.at)];
}

const crs::LonLat& RoadNetwork::pb(const Segment& s) const {
    return m_index.inputs().roads[static_cast<std::size_t>(s.road)].points[static_cast<std::size_t>(s.at) + 1];
}

crs::LonLat RoadNetwork::point_at(const Segment& s, double t) const {
    const auto &a = pa(s), &b = pb(s);
    return crs::LonLat{a.lon + t * (b.lon - a.lon), a.lat + t * (b.lat - a.lat)};
}

crs::LonLat RoadNetwork::stop_point(const Segment& s, double t) const {
    return t == 0.0 ? pa(s) : t == 1.0 ? pb(s) : point_at(s, t);
}

void RoadNetwork::add_segments(const model::Inputs& in, const rules::Speeds& speeds, const RoadGeometry& roads) {
    const auto& table = speeds.of(m_mode);
    // The mode's vertices are numbered in the order its roads first use them.
    std::vector<std::int32_t> node_of(roads.point_count, -1);
    std::int32_t nodes = 0;
    std::vector<std::int32_t> last_road;  // per node: the last road using it, to count junctions
    const auto node = [&](std::int32_t point, std::int32_t road) {
        auto& id = node_of[static_cast<std::size_t>(point)];
        if (id < 0) {
            id = nodes++;
            last_road.push_back(road);
        } else if (last_road[static_cast<std::size_t>(id)] != road) {
            if (last_road[static_cast<std::size_t>(id)] >= 0) ++m_junctions;
            last_road[static_cast<std::size_t>(id)] = -1;  // counted once
        }
        return id;
    };
    for (std::size_t r = 0; r < in.roads.size(); ++r) {
        const auto& road = in.roads[r];
        const auto kmh = class_speed(table, road.road_class);
        if (!kmh) {
            ++m_unknown[road.road_class];
            continue;
        }
        // maxspeed, where given, replaces the class's drive speed; a class closed to the mode stays closed.
        const double speed =
            m_mode == rules::TravelMode::drive && road.maxspeed_kmh > 0 && *kmh > 0 ? road.maxspeed_kmh : *kmh;
        if (!(speed > 0)) continue;
        const double mps = speed / 3.6;
        m_fastest_mps = std::max(m_fastest_mps, mps);
        const bool one_way = m_mode == rules::TravelMode::drive;
        const bool forward = !one_way || road.direction != model::RoadDirection::backward;
        const bool backward = !one_way || road.direction != model::RoadDirection::forward;
        const auto& ids = roads.points[r];
        for (std::size_t i = 0; i + 1 < road.points.size(); ++i) {
            const double seconds = roads.metres[r][i] / mps;
            const auto id = static_cast<std::int32_t>(r);
            m_segments.push_back(Segment{node(ids[i], id), node(ids[i + 1], id), id, static_cast<std::int32_t>(i),
                                         forward ? seconds : k_inf, backward ? seconds : k_inf});
        }
    }
}

RoadNetwork::Access RoadNetwork::access(crs::LonLat p) const {
    Access best;
    double best_m = k_inf;
    const auto [kx, ky] = metres_per_degree(p.lat);
    // A lower bound of metres per degree near p, to know when no farther box can hold a nearer road.
    const double k_low = 0.99 * metres_per_degree(std::min(89.0, std::abs(p.lat) + 1.0)).first;
    const core::Point2 at(p.lon, p.lat);
    for (auto it = m_tree.qbegin(core::bgi::nearest(at, k_nearest_boxes)); it != m_tree.qend(); ++it) {
        if (core::bg::distance(at, it->first) * k_low > best_m) break;
        const auto& s = m_segments[static_cast<std::size_t>(it->second)];
        // The nearest point of the segment in a local plane around p (metres).
        const auto &sa = pa(s), &sb = pb(s);
        const double ax = (sa.lon - p.lon) * kx, ay = (sa.lat - p.lat) * ky;
        const double dx = (sb.lon - sa.lon) * kx, dy = (sb.lat - sa.lat) * ky;
        const double len2 = dx * dx + dy * dy;
        const double t = len2 > 0 ? std::clamp(-(ax * dx + ay * dy) / len2, 0.0, 1.0) : 0.0;
        const double m = std::hypot(ax + t * dx, ay + t * dy);
        if (m < best_m) {
            best_m = m;
            best = Access{it->second, t, 0};
        }
    }
    if (best.segment >= 0) {
        const auto& s = m_segments[static_cast<std::size_t>(best.segment)];
        best.off_road_s = m_geod.distance_m(p, point_at(s, best.t)) / m_off_road_mps;
    }
    return best;
}

void RoadNetwork::build_graph(std::size_t nodes) {
    // The stops along each segment: its ends and the points where villages join it.
    std::vector<std::vector<std::pair<double, std::int32_t>>> joins(m_segments.size());
    for (std::size_t v = 0; v < m_village_access.size(); ++v) {
        const auto& a = m_village_access[v];
        if (a.segment >= 0) joins[static_cast<std::size_t>(a.segment)].emplace_back(a.t, static_cast<std::int32_t>(v));
    }
    std::vector<std::pair<Vertex, Vertex>> edges;
    std::vector<EdgeTime> times;
    // Travel from x to y becomes the search edge y → x.
    const auto travel = [&](Vertex from, Vertex to, double seconds) {
        if (!std::isfinite(seconds)) return;
        edges.emplace_back(to, from);
        times.push_back(EdgeTime{seconds});
    };
    Vertex next = static_cast<Vertex>(nodes);
    std::vector<Vertex> village_stop(m_village_access.size());
    m_stop_offsets.assign(1, 0);
    for (std::size_t s = 0; s < m_segments.size(); ++s) {
        auto& j = joins[s];
        std::sort(j.begin(), j.end());
        const auto& seg = m_segments[s];
        const auto first = m_stops.size();
        m_stops.emplace_back(0.0, static_cast<Vertex>(seg.a));
        for (const auto& [t, v] : j) {
            if (t > m_stops.back().first && t < 1.0) m_stops.emplace_back(t, next++);
            village_stop[static_cast<std::size_t>(v)] = t >= 1.0 ? static_cast<Vertex>(seg.b) : m_stops.back().second;
        }
        m_stops.emplace_back(1.0, static_cast<Vertex>(seg.b));
        for (auto k = first; k + 1 < m_stops.size(); ++k) {
            const double share = m_stops[k + 1].first - m_stops[k].first;
            travel(m_stops[k].second, m_stops[k + 1].second, share * seg.forward_s);
            travel(m_stops[k + 1].second, m_stops[k].second, share * seg.backward_s);
        }
        m_stop_offsets.push_back(static_cast<std::int64_t>(m_stops.size()));
    }
    m_first_village = next;
    // The segments of each road vertex, for the isochrones (reachable_roads).
    m_on_offsets.assign(static_cast<std::size_t>(m_first_village) + 1, 0);
    for (std::size_t s = 0; s < m_segments.size(); ++s)
        for (auto k = m_stop_offsets[s]; k < m_stop_offsets[s + 1]; ++k)
            ++m_on_offsets[m_stops[static_cast<std::size_t>(k)].second + 1];
    for (std::size_t v = 0; v < static_cast<std::size_t>(m_first_village); ++v) m_on_offsets[v + 1] += m_on_offsets[v];
    m_on.resize(static_cast<std::size_t>(m_on_offsets.back()));
    std::vector<std::int64_t> fill(m_on_offsets.begin(), m_on_offsets.end() - 1);
    for (std::size_t s = 0; s < m_segments.size(); ++s)
        for (auto k = m_stop_offsets[s]; k < m_stop_offsets[s + 1]; ++k)
            m_on[static_cast<std::size_t>(fill[m_stops[static_cast<std::size_t>(k)].second]++)] =
                static_cast<std::int32_t>(s);
    for (std::size_t v = 0; v < m_village_access.size(); ++v) {
        const auto& a = m_village_access[v];
        if (a.segment >= 0) travel(m_first_village + v, village_stop[v], a.off_road_s);
    }
    const auto n = static_cast<std::size_t>(m_first_village) + m_village_access.size();
    if (n > std::numeric_limits<Vertex>::max() || edges.size() > std::numeric_limits<Vertex>::max()) {
        throw Error(ErrorKind::input, "roads: " + std::to_string(n) + " vertices and " + std::to_string(edges.size()) +
                                          " edges are more than the network's 32-bit indices hold");
    }
    m_graph = Graph(boost::edges_are_unsorted_multi_pass, edges.begin(), edges.end(), times.begin(), n);
}

std::vector<std::pair<RoadNetwork::Vertex, double>> RoadNetwork::sources(crs::LonLat site) const {
    return sources(access(site));
}

std::vector<std::pair<RoadNetwork::Vertex, double>> RoadNetwork::sources(const Access& a) const {
    std::vector<std::pair<Vertex, double>> out;
    if (a.segment < 0) return out;
    const auto& seg = m_segments[static_cast<std::size_t>(a.segment)];
    const auto* first = m_stops.data() + m_stop_offsets[static_cast<std::size_t>(a.segment)];
    const auto* last = m_stops.data() + m_stop_offsets[static_cast<std::size_t>(a.segment) + 1];
    // The stops on either side of the site: the last at or before t and the one after it.
    const auto* after = std::upper_bound(first, last, a.t, [](double t, const auto& s) { return t < s.first; });
    if (after == last) --after;  // t = 1: the segment's end
    const auto* before = after - 1;
    const double to_site_from_before = a.off_road_s + (a.t - before->first) * seg.forward_s;
    const double to_site_from_after = a.off_road_s + (after->first - a.t) * seg.backward_s;
    if (std::isfinite(to_site_from_before)) out.emplace_back(before->second, to_site_from_before);
    if (std::isfinite(to_site_from_after)) out.emplace_back(after->second, to_site_from_after);
    return out;
}

std::unique_ptr<RoadNetwork::Workspace> RoadNetwork::borrow() const {
    {
        std::lock_guard lock(m_pool_mutex);
        if (!m_pool.empty()) {
            auto w = std::move(m_pool.back());
            m_pool.pop_back();
            return w;
        }
    }
    return std::make_unique<Workspace>(boost::num_vertices(m_graph));
}

void RoadNetwork::give_back(std::unique_ptr<Workspace> w) const {
    w->reset();
    std::lock_guard lock(m_pool_mutex);
    m_pool.push_back(std::move(w));
}

template <class Settled>
void RoadNetwork::search(std::span<const std::pair<Vertex, double>> starts, double limit_s, Settled settled) const {
    auto w = borrow();
    std::vector<Vertex> from;
    for (const auto& [v, s] : starts) {
        if (s > limit_s) continue;
        if (w->dist[v] == k_inf) from.push_back(v);
        w->dist[v] = std::min(w->dist[v], s);
    }
    struct Visitor : boost::default_dijkstra_visitor {
        Workspace* ws;
        double limit;
        void discover_vertex(Vertex u, const Graph&) const { ws->touched.push_back(u); }
        void examine_vertex(Vertex u, const Graph&) const {
            if (ws->dist[u] > limit) throw LimitReached{};
        }
    } visitor;
    visitor.ws = w.get();
    visitor.limit = limit_s;
    const auto index = boost::get(boost::vertex_index, m_graph);
    const auto dist = boost::make_iterator_property_map(w->dist.begin(), index);
    try {
        // What dijkstra_shortest_paths_no_init(…, color) does (Boost 1.74), with the heap's index
        // map from the workspace instead of a new one filled for every vertex.
        const auto in_heap = boost::make_iterator_property_map(w->in_heap.begin(), index);
        using Queue = boost::d_ary_heap_indirect<Vertex, 4, decltype(in_heap), decltype(dist), std::less<double>>;
        Queue queue(dist, in_heap, std::less<double>());
        const auto weight = boost::get(&EdgeTime::seconds, m_graph);
        boost::detail::dijkstra_bfs_visitor<Visitor, Queue, decltype(weight), boost::dummy_property_map, decltype(dist),
                                            std::plus<double>, std::less<double>>
            bfs(visitor, queue, weight, boost::dummy_property_map(), dist, std::plus<double>(), std::less<double>(),
                0.0);
        boost::breadth_first_visit(m_graph, from.begin(), from.end(), queue, bfs,
                                   boost::make_iterator_property_map(w->color.begin(), index));
    } catch (const LimitReached&) {
        // every vertex within the limit is settled
    } catch (...) {
        give_back(std::move(w));
        throw;
    }
    for (auto v : w->touched) {
        if (w->dist[v] <= limit_s) settled(v, w->dist[v]);
    }
    give_back(std::move(w));
}

void RoadNetwork::reach(crs::LonLat site, const Geocentric& at, double limit_s, std::vector<Reached>& out) const {
    out.clear();
    const auto starts = sources(site);
    search(starts, limit_s, [&](Vertex v, double seconds) {
        if (v >= m_first_village) out.push_back(Reached{static_cast<std::int32_t>(v - m_first_village), seconds});
    });
    straight_reach(m_index, m_geod, site, at, limit_s, m_off_road_mps, out);
    std::sort(out.begin(), out.end(), [](const Reached& a, const Reached& b) {
        return std::pair(a.village, a.seconds) < std::pair(b.village, b.seconds);
    });
    out.erase(
        std::unique(out.begin(), out.end(), [](const Reached& a, const Reached& b) { return a.village == b.village; }),
        out.end());
}

std::vector<double> RoadNetwork::nearest_s(std::span<const crs::LonLat> sites,
                                           std::span<const double> straight_m) const {
    const auto& in = m_index.inputs();
    std::vector<double> out(in.villages.size(), k_inf);
    std::vector<std::pair<Vertex, double>> starts;
    for (const auto& site : sites) {
        const auto s = sources(site);
        starts.insert(starts.end(), s.begin(), s.end());
    }
    search(starts, k_inf, [&](Vertex v, double seconds) {
        if (v >= m_first_village) out[v - m_first_village] = seconds;
    });
    std::vector<double> measured;
    if (straight_m.empty()) {
        measured = nearest_distance_m(in, sites, 1);
        straight_m = measured;
    } else if (straight_m.size() != out.size()) {
        throw Error(ErrorKind::internal, "nearest_s: straight-line distances for another set of villages");
    }
    for (std::size_t v = 0; v < out.size(); ++v) out[v] = std::min(out[v], straight_m[v] / m_off_road_mps);
    return out;
}

namespace {

/// A piece along one segment, by its parameters: from ta with ra seconds to spare to tb with rb,
/// linear between (a point when ta == tb).
struct Span {
    double ta, ra, tb, rb;
    bool dropped = false;  ///< held by another piece of the stretch
    double spare_at(double t) const { return ta == tb ? ra : ra + (t - ta) / (tb - ta) * (rb - ra); }
    bool holds(double t) const { return std::min(ta, tb) <= t && t <= std::max(ta, tb); }
    /// Whether `o` lies within this one with no more time to spare anywhere: its area (the union
    /// of discs along it, of the same shape) is then inside this one's.
    bool dominates(const Span& o) const {
        return holds(o.ta) && holds(o.tb) && o.ra <= spare_at(o.ta) && o.rb <= spare_at(o.tb);
    }
};

}  // namespace

template <class SecondsOf>
void RoadNetwork::pieces_of(std::int32_t segment, std::span<const Access> on_segment, double limit_s,
                            SecondsOf seconds_of, std::vector<Piece>& out, std::vector<Vertex>& widened) const {
    const auto s = static_cast<std::size_t>(segment);
    const auto& seg = m_segments[s];
    const auto at = [&](double t) { return stop_point(seg, t); };
    std::vector<Span> spans;
    // From a point at t0 with `spare` seconds, along the segment towards t_end at `per_t` seconds
    // per unit of t (the time runs the other way: from the far point towards t0): cut where the
    // spare time is spent, never past t_end. Only stretches of some length; points are the vertices'.
    const auto stretch = [&](double t0, double spare, double t_end, double per_t) {
        if (!(spare > 0) || t_end == t0 || !std::isfinite(per_t)) return false;
        const double reach_t = per_t > 0 ? spare / per_t : k_inf;
        const double t1 = t_end > t0 ? std::min(t_end, t0 + reach_t) : std::max(t_end, t0 - reach_t);
        spans.push_back(Span{t0, spare, t1, spare - std::abs(t1 - t0) * per_t, false});
        return true;
    };
    const auto* first = m_stops.data() + m_stop_offsets[s];
    const auto* last = m_stops.data() + m_stop_offsets[s + 1];
    for (const auto* k = first; k + 1 < last; ++k) {
        const auto [t0, v0] = k[0];
        const auto [t1, v1] = k[1];
        spans.clear();
        // Towards stop k (backwards along the segment) from points after it, and towards stop k + 1.
        // A stop a stretch starts from needs no disc of its own: the stretch starts with it.
        if (stretch(t0, limit_s - seconds_of(v0), t1, seg.backward_s)) widened.push_back(v0);
        if (stretch(t1, limit_s - seconds_of(v1), t0, seg.forward_s)) widened.push_back(v1);
        // A site itself, when it joins this stretch: points before it drive forwards to it.
        for (const auto& site : on_segment) {
            if (!(t0 <= site.t && site.t <= t1 && (site.t < t1 || k + 2 == last))) continue;
            const double spare = limit_s - site.off_road_s;
            if (spare >= 0) spans.push_back(Span{site.t, spare, site.t, spare, false});
            stretch(site.t, spare, t0, seg.forward_s);
            stretch(site.t, spare, t1, seg.backward_s);
        }
        // Only the pieces no other piece here holds (a stretch reached through the other end of
        // the segment usually lies within the one that came that way): the same union, less work.
        for (auto& piece : spans) {
            piece.dropped = std::any_of(spans.begin(), spans.end(), [&](const Span& other) {
                return &other != &piece && !other.dropped && other.dominates(piece);
            });
            if (!piece.dropped) out.push_back(Piece{at(piece.ta), at(piece.tb), piece.ra, piece.rb});
        }
    }
}

void RoadNetwork::reachable_roads(std::span<const crs::LonLat> sites, double limit_s, std::vector<Piece>& out) const {
    out.clear();
    std::vector<Access> joined;  // the sites on the roads, by segment (then as given)
    std::vector<std::pair<Vertex, double>> starts;
    for (const auto& site : sites) {
        out.push_back(Piece{site, site, limit_s, limit_s});  // straight across at the off-road speed
        const Access a = access(site);
        if (a.segment < 0) continue;
        joined.push_back(a);
        const auto s = sources(a);
        starts.insert(starts.end(), s.begin(), s.end());
    }
    std::stable_sort(joined.begin(), joined.end(),
                     [](const Access& a, const Access& b) { return a.segment < b.segment; });
    std::vector<std::pair<Vertex, double>> settled;  // road vertices within the limit of the nearest site
    std::vector<std::int32_t> segments;
    for (const auto& a : joined) segments.push_back(a.segment);
    search(starts, limit_s, [&](Vertex v, double seconds) {
        if (v >= m_first_village) return;
        settled.emplace_back(v, seconds);
        const auto on = static_cast<std::size_t>(v);
        segments.insert(segments.end(), m_on.begin() + m_on_offsets[on], m_on.begin() + m_on_offsets[on + 1]);
    });
    std::sort(settled.begin(), settled.end());
    std::sort(segments.begin(), segments.end());
    segments.erase(std::unique(segments.begin(), segments.end()), segments.end());
    const auto seconds_of = [&](Vertex v) {
        const auto it = std::lower_bound(settled.begin(), settled.end(), std::pair(v, -k_inf));
        return it != settled.end() && it->first == v ? it->second : k_inf;
    };
    std::vector<Vertex> widened;  // stops some stretch starts from
    for (auto s : segments) {
        const auto [lo, hi] = std::equal_range(joined.begin(), joined.end(), Access{s, 0, 0},
                                               [](const Access& a, const Access& b) { return a.segment < b.segment; });
        pieces_of(s, std::span<const Access>(lo, hi), limit_s, seconds_of, out, widened);
    }
    std::sort(widened.begin(), widened.end());
    // Every vertex reached, widened by its spare time (one-way ends and dead ends have no stretch).
    for (const auto& [vertex, seconds] : settled) {
        const Vertex v = vertex;
        if (std::binary_search(widened.begin(), widened.end(), v)) continue;
        const auto s =
            static_cast<std::size_t>(m_on[static_cast<std::size_t>(m_on_offsets[static_cast<std::size_t>(v)])]);
        const auto& seg = m_segments[s];
        const auto* first = m_stops.data() + m_stop_offsets[s];
        const auto* last = m_stops.data() + m_stop_offsets[s + 1];
        const auto* stop = std::find_if(first, last, [v](const auto& st) { return st.second == v; });
        const double t = stop != last ? stop->first : 0.0;
        const crs::LonLat p = stop_point(seg, t);
        out.push_back(Piece{p, p, limit_s - seconds, limit_s - seconds});
    }
}

void straight_reach(const VillageIndex& index, const crs::Geodesic& geod, crs::LonLat site, const Geocentric& at,
                    double limit_s, double mps, std::vector<RoadNetwork::Reached>& out) {
    std::vector<std::int32_t> near;
    index.villages_within(site, at, limit_s * mps, near);
    const auto& villages = index.inputs().villages;
    for (auto v : near) {
        const double seconds = geod.distance_m(villages[static_cast<std::size_t>(v)].rep, site) / mps;
        if (seconds <= limit_s) out.push_back(RoadNetwork::Reached{v, seconds});
    }
}

bool roads_can_beat_straight(const rules::Speeds& speeds, rules::TravelMode mode) {
    if (mode == rules::TravelMode::drive) return true;
    const auto& table = speeds.of(mode);
    return std::any_of(table.begin(), table.end(), [&](const auto& c) { return c.second > speeds.off_road_kmh; });
}

void require_roads(const model::Inputs& in) {
    if (in.roads.empty()) {
        throw Error(
            ErrorKind::input,
            "travel-time rules need roads: a 'roads' line layer in the inputs, or --layer roads=DATASET[:LAYER]");
    }
}

namespace {

void warn_unknown_classes(const RoadNetwork& network, const model::Inputs& in, Diagnostics& diagnostics) {
    if (network.unknown_classes().empty()) return;
    std::string list;
    std::size_t lines = 0;
    for (const auto& [cls, n] : network.unknown_classes()) {
        if (list.size() < 200) list += (list.empty() ? "\"" : ", \"") + cls + "\" (" + std::to_string(n) + ")";
        lines += n;
    }
    const auto& first = in.roads.front().source;
    const auto mode = rules::to_string(network.mode());
    diagnostics.warning(Context{first.file, first.layer, {}, {}},
                        std::to_string(lines) + " roads of classes without a " + mode +
                            " speed in the rules' [speeds." + mode + "] are not used: " + list);
}

}  // namespace

std::shared_ptr<const RoadNetwork> build_network(const VillageIndex& index, const rules::Speeds& speeds,
                                                 rules::TravelMode mode, Diagnostics& diagnostics) {
    return build_networks(index, speeds, {mode}, 1, diagnostics).at(mode);
}

std::map<rules::TravelMode, std::shared_ptr<const RoadNetwork>> build_networks(
    const VillageIndex& index, const rules::Speeds& speeds, const std::vector<rules::TravelMode>& modes,
    unsigned threads, Diagnostics& diagnostics) {
    std::map<rules::TravelMode, std::shared_ptr<const RoadNetwork>> out;
    if (modes.empty()) return out;
    const auto& in = index.inputs();
    require_roads(in);
    const RoadGeometry roads = road_geometry(in, threads);
    std::vector<std::shared_ptr<const RoadNetwork>> built(modes.size());
    core::parallel_for_ranges(modes.size(), 1, threads, [&] {
        return [&](std::size_t a, std::size_t b) {
            for (std::size_t m = a; m < b; ++m)
                built[m] = std::make_shared<const RoadNetwork>(index, speeds, modes[m], roads);
        };
    });
    for (std::size_t m = 0; m < modes.size(); ++m) {
        warn_unknown_classes(*built[m], in, diagnostics);
        out.emplace(modes[m], std::move(built[m]));
    }
    return out;
}

}  // namespace scicov::coverage
