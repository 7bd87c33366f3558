// Who reaches whom, per facility type: which villages each facility (or candidate site) reaches
// under the type's rule, the nearest facility of each type to every village, and where each
// facility lies. Distances are geodesic on the CGCS2000 ellipsoid.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "scicov/crs.hpp"
#include "scicov/core.hpp"
#include "scicov/model.hpp"
#include "scicov/rules.hpp"

namespace scicov::core::geos {
class GeosContext;  // private to the library (src/core/geos.hpp): a public header names it only
}

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

/// Spatial indexes over the villages of one Inputs, built once and shared by every query.
/// Queries that take their GEOS context or geocentric coordinates from the caller may run on
/// several threads at once; the others use the index's own handles (one thread at a time).
class VillageIndex {
public:
    explicit VillageIndex(const model::Inputs& inputs);
    ~VillageIndex();
    VillageIndex(const VillageIndex&) = delete;
    VillageIndex& operator=(const VillageIndex&) = delete;

    /// Index of the village whose polygon holds the point, or -1. Ties (shared borders) go to
    /// the lowest code.
    std::int32_t village_at(crs::LonLat p) const;
    std::int32_t village_at(crs::LonLat p, const core::geos::GeosContext& ctx) const;
    /// village_at for many points, spread over `threads` threads (0: one per core).
    std::vector<std::int32_t> villages_at(std::span<const crs::LonLat> points, unsigned threads) const;
    /// Villages whose representative point lies within `radius_m` (geodesic) of p, ascending.
    void villages_within(crs::LonLat p, double radius_m, std::vector<std::int32_t>& out) const;
    void villages_within(crs::LonLat p, const Geocentric& at, double radius_m, std::vector<std::int32_t>& out) const;
    /// Geocentric coordinates of lon/lat points on the CGCS2000 ellipsoid (through PROJ).
    std::vector<Geocentric> geocentric(std::span<const crs::LonLat> points) const;
    /// Villages of a county / township (by code), ascending; empty when unknown.
    std::span<const std::int32_t> villages_of_county(const std::string& code) const;
    std::span<const std::int32_t> villages_of_township(const std::string& code) const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

/// Which villages each site (a facility or a candidate point) reaches under `rule`. `site_village`
/// is each site's containing village (-1 when none), as from VillageIndex::village_at.
Incidence reach(const VillageIndex& index, const model::Inputs& inputs, const rules::CoverageRule& rule,
                std::span<const crs::LonLat> sites, std::span<const std::int32_t> site_village);
/// The same with the sites' geocentric coordinates given (VillageIndex::geocentric): safe to call
/// from several threads at once.
Incidence reach(const VillageIndex& index, const model::Inputs& inputs, const rules::CoverageRule& rule,
                std::span<const crs::LonLat> sites, std::span<const Geocentric> sites_geocentric,
                std::span<const std::int32_t> site_village);

/// Nearest-site distances: for every village, the geodesic distance from its representative point
/// to the nearest of `sites` (infinity when there is none).
std::vector<double> nearest_distance_m(const model::Inputs& inputs, std::span<const crs::LonLat> sites,
                                       unsigned threads = 0);

/// Coverage of one facility type before any area rule is applied.
struct TypeCoverage {
    std::string type;
    std::vector<std::size_t> facilities;  ///< indices into Inputs::facilities of this type
    Incidence incidence;                  ///< facility (in `facilities` order) → villages reached
    std::vector<std::uint8_t> reached;    ///< per village: reached by ≥ 1 facility
    std::vector<double> nearest_m;        ///< per village
};

struct Coverage {
    std::vector<TypeCoverage> types;             ///< in rules order
    std::vector<std::int32_t> facility_village;  ///< per facility: its village, or -1
};

/// Coverage of every type of the rules. Facilities outside every village are warned about (they
/// still reach villages by radius). Only existing facilities count; planned ones are ignored.
Coverage compute(const model::Inputs& inputs, const VillageIndex& index, const rules::Rules& rules,
                 Diagnostics& diagnostics, const Reporter& reporter, unsigned threads = 0);

inline constexpr double k_no_facility = std::numeric_limits<double>::infinity();

}  // namespace scicov::coverage
