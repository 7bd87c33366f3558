// The data model: plain value types, no behaviour beyond what the codes themselves imply.
// Geometries are held as ISO WKB in EPSG:4490 (lon/lat degrees) so that they copy and move
// freely between threads; GEOS/OGR parse them where geometry work happens.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "scicov/crs.hpp"

namespace scicov::model {

/// Well-known binary of one geometry, EPSG:4490 lon/lat.
using Wkb = std::vector<unsigned char>;

/// Where a record came from, for messages ("villages.gpkg: layer 'villages': feature 17").
struct Source {
    std::string file;
    std::string layer;
    std::int64_t fid = -1;
};

/// 行政村 / 社区: the unit of demand.
struct Village {
    std::string code;  ///< 12-digit 统计用区划代码
    std::string name;
    std::string township_code;  ///< first 9 digits of code
    std::string county_code;    ///< first 6 digits of code
    double population = 0;
    double priority = 1.0;  ///< demand weight (1.5 for ethnic townships and remote villages by default)
    crs::LonLat rep;        ///< representative point: point-on-surface, never outside the polygon
    Wkb geometry;           ///< polygon or multipolygon
    Source source;
};

/// 社区 (urban community, 居委会) or 村 (rural village, 村委会), from the name.
enum class Settlement { community, village };
Settlement settlement_of(std::string_view village_name);

enum class FacilityStatus { existing, planned };

struct Facility {
    std::string id;
    std::string type;  ///< a key of the rules, e.g. "science_room"
    std::string name;
    crs::LonLat location;
    std::string grade;  ///< national / provincial / city, or empty
    FacilityStatus status = FacilityStatus::existing;
    Source source;
};

/// A township (乡/镇/街道) or county (县/区/县级市).
struct AdminUnit {
    std::string code;
    std::string name;
    std::string parent_code;  ///< county code of a township; empty for a county
    Wkb geometry;             ///< empty when the unit is dissolved from its villages
    Source source;
};

/// A place a new facility may be built: a host building or a village point.
struct Candidate {
    std::string id;
    crs::LonLat location;
    std::string kind;  ///< 党群服务中心, 新时代文明实践站, school, library, village point …
    double cost = 1.0;
    std::string village_code;  ///< the village it stands in, when known
    Source source;
};

/// Which way a road may be travelled, relative to the order of its points (Geofabrik's oneway:
/// B both, F forward, T backward).
enum class RoadDirection { both, forward, backward };

/// One line of the roads layer (a part of a multi-line), for travel-time rules.
struct Road {
    std::vector<crs::LonLat> points;  ///< at least two; shared points are junctions
    std::string road_class;           ///< a key of the rules' speed tables: fclass, 县道 …
    double maxspeed_kmh = 0;          ///< 0: not given
    RoadDirection direction = RoadDirection::both;
    Source source;
};

/// Everything read from the inputs.
struct Inputs {
    std::vector<Village> villages;      ///< sorted by code
    std::vector<Facility> facilities;   ///< sorted by type, then id
    std::vector<Candidate> candidates;  ///< sorted by id
    std::vector<AdminUnit> townships;   ///< sorted by code
    std::vector<AdminUnit> counties;    ///< sorted by code
    std::vector<Wkb> exclusions;
    std::vector<Road> roads;  ///< in the order read (features, then parts)
};

/// First `n` characters of a division code ("510402001002" → county "510402" with n = 6).
inline std::string code_prefix(std::string_view code, std::size_t n) {
    return std::string(code.substr(0, n));
}

inline constexpr std::size_t k_county_digits = 6;
inline constexpr std::size_t k_township_digits = 9;
inline constexpr std::size_t k_village_digits = 12;
/// Bounds of plausible values, to tell an input error (1e308 people, a cost of infinity) from data:
/// China's most populous communities hold some 100,000 people; a site's cost is in any unit the
/// planner likes (sites, 万元), but not beyond a trillion of them.
inline constexpr double k_max_village_population = 10'000'000;
inline constexpr double k_max_site_cost = 1e12;

}  // namespace scicov::model
