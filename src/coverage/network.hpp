// The roads as a graph for travel-time rules (one travel mode): junctions where lines share a
// point, not where they merely cross; every village joined at the nearest point of the nearest
// road it may use (the segment split there); searches from sites joined the same way at query
// time. Held by coverage::Rule through a shared pointer, read-only once built, searched from
// several threads at once (each search borrows a workspace from a pool).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <boost/graph/compressed_sparse_row_graph.hpp>

#include "core/rtree.hpp"
#include "crs/geodesic.hpp"
#include "scicov/coverage.hpp"

namespace scicov::coverage {

/// What every mode's network needs of the roads, measured once for all of them: per road, the
/// geodesic metres of each segment (one per pair of consecutive points) and the point of each
/// vertex, numbered once for all roads (one number for points with equal coordinates).
struct RoadGeometry {
    std::vector<std::vector<double>> metres;
    std::vector<std::vector<std::int32_t>> points;
    std::size_t point_count = 0;
};
RoadGeometry road_geometry(const model::Inputs& in, unsigned threads);

class RoadNetwork {
public:
    /// Where a point joins the network: the nearest point of the nearest segment the mode may use
    /// (segment -1: none), at fraction t from its first point, and the time to walk there.
    struct Access {
        std::int32_t segment = -1;
        double t = 0;
        double off_road_s = 0;
    };
    /// A village a search reached, with its travel time in seconds (village to site).
    struct Reached {
        std::int32_t village;
        double seconds;
    };
    /// A stretch of road (or a point: a == b) from which a site is reachable within a limit, with
    /// the seconds to spare at either end (the limit less the time to the site), linear between.
    struct Piece {
        crs::LonLat a, b;
        double a_spare_s, b_spare_s;
    };

    /// `roads`: road_geometry(index.inputs(), …).
    RoadNetwork(const VillageIndex& index, const rules::Speeds& speeds, rules::TravelMode mode,
                const RoadGeometry& roads);
    RoadNetwork(const RoadNetwork&) = delete;
    RoadNetwork& operator=(const RoadNetwork&) = delete;
    ~RoadNetwork();

    rules::TravelMode mode() const noexcept { return m_mode; }
    /// Road classes the speed table lacks (not used), with how many lines have each.
    const std::map<std::string, std::size_t>& unknown_classes() const noexcept { return m_unknown; }
    std::size_t segments() const noexcept { return m_segments.size(); }
    std::size_t junctions() const noexcept { return m_junctions; }
    const Access& village_access(std::size_t village) const { return m_village_access[village]; }
    double off_road_mps() const noexcept { return m_off_road_mps; }
    /// The fastest speed of the network (roads the mode may use, and off road): how far a search
    /// within a limit can get from its site.
    double fastest_mps() const noexcept { return m_fastest_mps; }

    Access access(crs::LonLat p) const;
    /// The villages whose travel time to a site at `site` (geocentric `at`) is at most limit_s:
    /// over the roads, or straight across at the off-road speed, whichever is quicker. Ascending
    /// by village.
    void reach(crs::LonLat site, const Geocentric& at, double limit_s, std::vector<Reached>& out) const;
    /// Seconds from every village to the nearest of `sites` (infinity when none is reachable), by
    /// one search from all of them; `straight_m` as Rule::nearest_minutes takes it.
    std::vector<double> nearest_s(std::span<const crs::LonLat> sites, std::span<const double> straight_m = {}) const;
    /// The roads from which one of `sites` is reachable within limit_s, as reach() measures time,
    /// by one search from all of them: every stretch cut where the time runs out, with the seconds
    /// to spare for the nearest site (the most of any site's: a stretch enters once however many
    /// sites reach it), each road vertex reached (a point piece: its seconds to spare widen it),
    /// and each site itself with all of limit_s to spare (straight across). The sites first, then in
    /// segment order, then by vertex: the same sites give the same pieces.
    void reachable_roads(std::span<const crs::LonLat> sites, double limit_s, std::vector<Piece>& out) const;

private:
    struct EdgeTime {
        double seconds = 0;
    };
    // 32-bit vertex and edge indices: half the memory of the default size_t on a national network.
    using Graph = boost::compressed_sparse_row_graph<boost::directedS, boost::no_property, EdgeTime, boost::no_property,
                                                     std::uint32_t, std::uint32_t>;
    using Vertex = boost::graph_traits<Graph>::vertex_descriptor;
    /// One straight piece of a road the mode may use: its end nodes and points, and the travel
    /// time each way (infinity where a one-way road forbids it).
    struct Segment {
        std::int32_t a, b;
        std::int32_t road, at;  ///< its points: the road's points `at` and `at + 1` (not copied: 24 bytes less)
        double forward_s, backward_s;
    };
    const crs::LonLat& pa(const Segment& s) const;
    const crs::LonLat& pb(const Segment& s) const;
    /// The point a share t of the way from pa to pb (straight in lon/lat).
    crs::LonLat point_at(const Segment& s, double t) const;
    /// point_at, but a segment's ends exactly (t = 0, 1): the isochrone's pieces meet at road
    /// vertices at bit-equal points (gaps::widened_union joins them there).
    crs::LonLat stop_point(const Segment& s, double t) const;
    struct Workspace;
    using Entry = std::pair<core::Box2, std::int32_t>;

    void add_segments(const model::Inputs& in, const rules::Speeds& speeds, const RoadGeometry& roads);
    void build_graph(std::size_t nodes);
    /// The graph vertices where a search from `site` starts, with their initial seconds.
    std::vector<std::pair<Vertex, double>> sources(crs::LonLat site) const;
    std::vector<std::pair<Vertex, double>> sources(const Access& a) const;
    /// The pieces of one segment reached within limit_s, from the seconds of its stops.
    /// `on_segment`: the sites that join this segment; `widened` gets the stops a stretch starts from.
    template <class SecondsOf>
    void pieces_of(std::int32_t segment, std::span<const Access> on_segment, double limit_s, SecondsOf seconds_of,
                   std::vector<Piece>& out, std::vector<Vertex>& widened) const;
    /// Dijkstra from the sources over the reversed roads (so times are towards the site), stopping
    /// past limit_s; calls settled(vertex, seconds) for each vertex within the limit.
    template <class Settled>
    void search(std::span<const std::pair<Vertex, double>> starts, double limit_s, Settled settled) const;
    std::unique_ptr<Workspace> borrow() const;
    void give_back(std::unique_ptr<Workspace> w) const;

    const VillageIndex& m_index;
    rules::TravelMode m_mode;
    double m_off_road_mps;
    double m_fastest_mps;
    crs::Geodesic m_geod;
    std::vector<Segment> m_segments;
    core::RTree<Entry> m_tree;
    std::map<std::string, std::size_t> m_unknown;
    std::size_t m_junctions = 0;
    std::vector<Access> m_village_access;
    /// Per segment, the vertices along it in order of t (its ends and the villages' joins):
    /// m_stops[m_stop_offsets[s] .. m_stop_offsets[s + 1]).
    std::vector<std::int64_t> m_stop_offsets;
    std::vector<std::pair<double, Vertex>> m_stops;
    /// Per road vertex, the segments it lies on: m_on[m_on_offsets[v] .. m_on_offsets[v + 1]).
    std::vector<std::int64_t> m_on_offsets;
    std::vector<std::int32_t> m_on;
    Vertex m_first_village = 0;  ///< village v is vertex m_first_village + v
    Graph m_graph;
    mutable std::mutex m_pool_mutex;
    mutable std::vector<std::unique_ptr<Workspace>> m_pool;
};

/// Whether any road may be quicker than walking straight across for `mode`: when none is (every
/// class of the mode's table at most the off-road speed; drive never, as a road's maxspeed may
/// exceed its class's), no road path beats the straight line (its legs are geodesics, so their
/// sum is no shorter), travel times are straight-line times at the off-road speed and a site's
/// isochrone is its disc: coverage::Rule then needs no network.
bool roads_can_beat_straight(const rules::Speeds& speeds, rules::TravelMode mode);

/// Throws Error(input) naming the missing layer when there are no roads (travel-time rules).
void require_roads(const model::Inputs& in);

/// The villages whose time straight across to `site` (geocentric `at`) at `mps` is at most
/// limit_s, appended to `out` with their seconds.
void straight_reach(const VillageIndex& index, const crs::Geodesic& geod, crs::LonLat site, const Geocentric& at,
                    double limit_s, double mps, std::vector<RoadNetwork::Reached>& out);

/// The networks of several modes (build_network for each), built side by side on up to `threads`
/// threads from one measurement of the roads; warnings in the order of `modes`.
std::map<rules::TravelMode, std::shared_ptr<const RoadNetwork>> build_networks(
    const VillageIndex& index, const rules::Speeds& speeds, const std::vector<rules::TravelMode>& modes,
    unsigned threads, Diagnostics& diagnostics);

}  // namespace scicov::coverage
