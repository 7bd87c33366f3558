// Who covers whom, per facility type. `Rule` is the one place that says which villages a site of a
// type covers (an existing facility or a candidate) and whether a village ends up covered; a new
// coverage kind is added there. Also: the village index every stage shares, the nearest facility
// of each type to every village, and where each facility lies. Distances are geodesic on the
// CGCS2000 ellipsoid; areas are measured in the CGCS2000 Gauss-Krueger zone of the village's county.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "scicov/core.hpp"
#include "scicov/crs.hpp"
#include "scicov/model.hpp"
#include "scicov/rules.hpp"

namespace scicov::coverage {

/// Sparse incidence: site i reaches villages[offsets[i] .. offsets[i+1]) (indices into
/// Inputs::villages, ascending).
struct Incidence {
    std::vector<std::int64_t> offsets{0};
    std::vector<std::int32_t> villages;

    std::size_t sites() const noexcept { return offsets.size() - 1; }
    std::span<const std::int32_t> of(std::size_t site) const {
        return {villages.data() + offsets[site], villages.data() + offsets[site + 1]};
    }
};

/// Geocentric (ECEF, metres) coordinates of a lon/lat point, as radius queries take them.
struct Geocentric {
    double x = 0, y = 0, z = 0;
};

/// Where a site stands (an existing facility or a candidate) and the village holding it (-1: none).
struct Site {
    crs::LonLat location;
    std::int32_t village = -1;
};

/// Spatial indexes over the villages of one Inputs, built once per run and handed to every stage.
/// It refers to `inputs`, which must outlive it and not change (analysis::Analysis holds both).
/// Queries taking geocentric coordinates from the caller, villages_at, and Rule::reach may run on
/// several threads at once; the others use the index's own handles (one thread at a time).
class VillageIndex {
public:
    explicit VillageIndex(const model::Inputs& inputs);
    ~VillageIndex();
    VillageIndex(const VillageIndex&) = delete;
    VillageIndex& operator=(const VillageIndex&) = delete;

    const model::Inputs& inputs() const noexcept;
    /// Index of the village whose polygon holds the point, or -1. Ties (shared borders) go to
    /// the lowest code.
    std::int32_t village_at(crs::LonLat p) const;
    /// village_at for many points, spread over `threads` threads (0: one per core).
    std::vector<std::int32_t> villages_at(std::span<const crs::LonLat> points, unsigned threads) const;
    /// Villages whose representative point lies within `radius_m` (geodesic) of p, ascending.
    void villages_within(crs::LonLat p, double radius_m, std::vector<std::int32_t>& out) const;
    void villages_within(crs::LonLat p, const Geocentric& at, double radius_m, std::vector<std::int32_t>& out) const;
    /// Villages whose lon/lat bounding box meets the box [west, south, east, north], ascending.
    void villages_meeting(const std::array<double, 4>& box, std::vector<std::int32_t>& out) const;
    /// Geocentric coordinates of lon/lat points on the CGCS2000 ellipsoid (through PROJ).
    std::vector<Geocentric> geocentric(std::span<const crs::LonLat> points) const;
    /// Villages of a county / township (by code), ascending; empty when unknown.
    std::span<const std::int32_t> villages_of_county(const std::string& code) const;
    std::span<const std::int32_t> villages_of_township(const std::string& code) const;
    /// Lon/lat extent [west, south, east, north] of a county's villages (all zero when unknown).
    std::array<double, 4> county_extent(const std::string& code) const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

/// The roads as a graph for one travel mode (travel-time rules), with every village joined to it.
class RoadNetwork;

/// The network of `index`'s roads for `mode` at `speeds` (see docs/rules.md, "Travel time"). Road
/// classes the speed table lacks are warned about. Throws Error(input) when there are no roads.
std::shared_ptr<const RoadNetwork> build_network(const VillageIndex& index, const rules::Speeds& speeds,
                                                 rules::TravelMode mode, Diagnostics& diagnostics);

struct Options {
    unsigned threads = 0;      ///< 0: one per core
    int circle_segments = 32;  ///< per quarter circle of a service disc (area-share rules)
};

/// One facility type's coverage rule over the villages of an index. Small and copyable; it refers
/// to the index, which must outlive it.
///
/// What a site covers on its own (reach), by kind:
///  - contains: the village holding the site;
///  - radius: the villages whose representative point lies within radius_m (geodesic);
///  - admin: every village of the county (or township) holding the site;
///  - travel_time: the villages from whose representative point the site is at most `minutes`
///    away over the roads (each point joins the nearest road it may use, off-road speed to it),
///    or straight across at the off-road speed;
///  - radius with min_area_fraction (area share): the villages with at least that share of their
///    area inside the site's own service disc (a regular polygon of 4 × circle_segments vertices
///    of radius radius_m in the Gauss-Krueger zone of the village's county);
///  - a radius rule with covers_own_village also covers the village holding the site, whatever
///    the distance (village-level facilities such as e-stations).
/// The verdict for a set of existing sites: a village is covered when some site reaches it; for an
/// area-share rule, when at least min_area_fraction of its area lies inside the union of all the
/// sites' discs (as gaps measures it), so several discs may cover a village none covers alone,
/// or when it holds a site and covers_own_village is set (gaps then count all of its area served).
/// A candidate is planned with its reach, which the verdict never contradicts: a plan meets its
/// target on re-analysis with its sites as facilities.
class Rule {
public:
    Rule(const rules::FacilityType& type, const VillageIndex& index, const Options& options);
    /// A travel-time rule: over `network`, built for the rule's mode; or, when the mode's roads
    /// cannot beat walking straight across (roads_can_beat_straight, network null), straight
    /// across at `speeds`' off-road speed, which is then the same time.
    Rule(const rules::FacilityType& type, const VillageIndex& index, const Options& options,
         const rules::Speeds& speeds, std::shared_ptr<const RoadNetwork> network);

    const std::string& type() const noexcept { return m_type; }
    const rules::CoverageRule& rule() const noexcept { return m_rule; }
    /// True when the service area of a site is a disc (radius rules): gaps then measure area shares.
    bool has_discs() const noexcept { return m_rule.kind == rules::CoverageKind::radius; }
    bool area_share() const noexcept { return has_discs() && m_rule.min_area_fraction.has_value(); }
    int circle_segments() const noexcept { return m_circle_segments; }
    bool travel_time() const noexcept { return m_rule.kind == rules::CoverageKind::travel_time; }
    /// The road network of a travel-time rule (null for other kinds, and where the roads cannot
    /// beat walking straight across): gaps draws its isochrones.
    const RoadNetwork* network() const noexcept { return m_network.get(); }
    /// A travel-time rule whose times are straight-line times at the off-road speed: its reach is
    /// the geodesic circle of straight_radius_m() and its service areas are discs of that radius.
    bool straight_across() const noexcept { return travel_time() && !m_network; }
    double straight_radius_m() const noexcept { return m_rule.minutes * 60.0 * m_off_road_mps; }

    /// The villages each site covers on its own (see above), ascending per site. Safe to call from
    /// several threads at once; `threads` spreads one call's sites (0: one per core).
    Incidence reach(std::span<const Site> sites, unsigned threads = 1) const;
    /// The same with the sites' geocentric coordinates given (VillageIndex::geocentric).
    Incidence reach(std::span<const Site> sites, std::span<const Geocentric> sites_geocentric) const;
    /// The verdict per village for existing sites and their reach (see above).
    std::vector<std::uint8_t> covered(std::span<const Site> sites, const Incidence& reach, unsigned threads = 0) const;
    /// Travel-time rules: minutes from every village to the nearest of `sites` (infinity when
    /// none is reachable), measured as reach() measures them. `straight_m`, when given, is every
    /// village's distance to the nearest site (nearest_distance_m), not measured again.
    std::vector<double> nearest_minutes(std::span<const Site> sites, std::span<const double> straight_m = {}) const;

private:
    std::string m_type;
    rules::CoverageRule m_rule;
    const VillageIndex* m_index;
    int m_circle_segments;
    std::shared_ptr<const RoadNetwork> m_network;  ///< travel-time rules whose roads may beat walking straight
    double m_off_road_mps = 0;                     ///< travel-time rules only
};

/// Nearest-site distances: for every village, the geodesic distance from its representative point
/// to the nearest of `sites` (infinity when there is none).
std::vector<double> nearest_distance_m(const model::Inputs& inputs, std::span<const crs::LonLat> sites,
                                       unsigned threads = 0);

/// Coverage of one facility type by the existing facilities.
struct TypeCoverage {
    Rule rule;
    std::vector<std::size_t> facilities;  ///< indices into Inputs::facilities of this type
    Incidence incidence;                  ///< facility (in `facilities` order) → villages it reaches
    std::vector<std::uint8_t> covered;    ///< per village: the rule's verdict
    std::vector<double> nearest_m;        ///< per village
    std::vector<double> nearest_min;      ///< per village: travel minutes (travel-time rules only, else empty)
};

struct Coverage {
    std::vector<TypeCoverage> types;             ///< in rules order
    std::vector<std::int32_t> facility_village;  ///< per facility: its village, or -1
};

/// The village holding each facility (-1: none), warning about those outside every village.
std::vector<std::int32_t> locate_facilities(const VillageIndex& index, Diagnostics& diagnostics, unsigned threads);

/// Coverage of every type of the rules by the existing facilities (planned ones are ignored).
/// Facilities outside every village are warned about (they still reach villages by radius).
Coverage compute(const VillageIndex& index, const rules::Rules& rules, const Options& options, Diagnostics& diagnostics,
                 const Reporter& reporter);

inline constexpr double k_no_facility = std::numeric_limits<double>::infinity();

}  // namespace scicov::coverage
