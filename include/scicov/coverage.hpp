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
#include "scicov/diagnostics.hpp"
#include "scicov/model.hpp"
#include "scicov/progress.hpp"
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

/// Spatial indexes over the villages of one Inputs, built once and shared by every query.
class VillageIndex {
public:
    explicit VillageIndex(const model::Inputs& inputs);
    ~VillageIndex();
    VillageIndex(const VillageIndex&) = delete;
    VillageIndex& operator=(const VillageIndex&) = delete;

    /// Index of the village whose polygon holds the point, or -1. Ties (shared borders) go to
    /// the lowest code.
    std::int32_t village_at(crs::LonLat p) const;
    /// Villages whose representative point lies within `radius_m` (geodesic) of p, ascending.
    void villages_within(crs::LonLat p, double radius_m, std::vector<std::int32_t>& out) const;
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

/// Nearest-site distances: for every village, the geodesic distance from its representative point
/// to the nearest of `sites` (infinity when there is none).
std::vector<double> nearest_distance_m(const model::Inputs& inputs, std::span<const crs::LonLat> sites);

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
                 Diagnostics& diagnostics, const Reporter& reporter);

inline constexpr double k_no_facility = std::numeric_limits<double>::infinity();

}  // namespace scicov::coverage
