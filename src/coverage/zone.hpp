// Geometry in a county's Gauss-Krueger zone, shared by the area-share verdict (coverage) and the
// gap geometry (gaps): the county's villages projected, its townships and its outline, the
// service discs of sites around it and the part of each village's area inside their union.
// Both modules measure through these functions, so a verdict and the area shares written beside
// it are the same numbers.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/geos.hpp"
#include "core/proj.hpp"
#include "core/rtree.hpp"
#include "scicov/crs.hpp"
#include "scicov/model.hpp"

namespace scicov::coverage::detail {

/// Lon/lat points of sites in an R-tree, with their index into the caller's list.
using SiteEntry = std::pair<core::Point2, std::size_t>;
using SiteTree = core::RTree<SiteEntry>;
SiteTree site_tree(std::span<const crs::LonLat> sites);

/// A county's villages: a run of consecutive villages with one county code (they arrive sorted).
struct CountyVillages {
    std::string code;
    std::vector<std::int32_t> villages;  ///< ascending
};
std::vector<CountyVillages> county_runs(const model::Inputs& in);

/// The villages of one county in the zone of its centre (the zone whose central meridian is
/// nearest the middle of the county's east-west extent, which keeps the worst scale error of
/// the county smallest).
struct CountyGeometry {
    std::vector<std::int32_t> villages;  ///< ascending, so a township's villages are consecutive
    std::array<double, 4> extent{};      ///< lon/lat: west, south, east, north
    const proj::Transformer* zone = nullptr;
    std::vector<geos::GeomPtr> polys;                        ///< per village, projected
    std::vector<double> area_m2;                             ///< per village
    std::vector<std::pair<std::size_t, std::size_t>> towns;  ///< runs [a, b) of one township
    std::vector<geos::GeomPtr> town_polys;                   ///< dissolved townships
    geos::GeomPtr county;                                    ///< dissolved county
    geos::PreparedPtr county_prepared;
};

/// The union of the service discs meeting a county, with what tests against it need. Villages
/// are tested against the whole union, not its part in the county: the same for a village, and
/// the county's border is not an edge.
struct DiscUnion {
    geos::GeomPtr merged;   ///< null when no disc meets the county
    geos::GeomPtr service;  ///< merged ∩ county (null when empty)
    geos::PreparedPtr in_discs;
    geos::GeomPtr edge;
    geos::PreparedPtr on_edge;
    std::vector<crs::XY> centres;                     ///< of the discs in merged, projected
    std::vector<std::array<double, 4>> served_boxes;  ///< of the villages served whole in merged
    double outer_m = 0;  ///< the discs' circumradius: no disc reaches farther from its centre
    double inner_m = 0;  ///< their apothem: every disc holds the circle of this radius
};

/// A county's villages served whole whatever the discs (they hold a site whose rule covers its
/// own village): they are part of the service area, so they join its union, and every other
/// village's share is measured against the same set that is drawn (a village overlapping one
/// served whole is served there).
struct Served {
    std::vector<geos::GeomPtr> parts;          ///< unions of whole villages, a township's at a time
    std::vector<std::array<double, 4>> boxes;  ///< of each village served whole
};

/// A service disc: a regular polygon of 4 × segments vertices on the circle of radius_m (what
/// GEOS's buffer of a point gives, without its noding).
class DiscShape {
public:
    DiscShape(double radius_m, int segments);
    double radius_m() const noexcept { return m_radius_m; }
    /// The radius of the circle inscribed in the polygon (the apothem): inside it is inside the disc.
    double inner_m() const noexcept { return m_inner_m; }
    /// The closed ring around (x, y), in the zone's metres.
    std::vector<double> ring(double x, double y) const;

private:
    double m_radius_m;
    double m_inner_m;
    std::vector<double> m_unit;
};

/// One thread's geometry workshop: a GEOS context and the zone transformers met so far.
class ZoneGeometry {
public:
    const geos::GeosContext& ctx() const noexcept { return m_ctx; }
    /// Lon/lat (EPSG:4490) → the Gauss-Krueger zone `epsg`.
    const proj::Transformer& transformer(int epsg);
    /// The zone of a county whose villages span `extent` (lon/lat).
    const proj::Transformer& zone_of(const std::array<double, 4>& extent);

    /// The county's villages projected, its townships and its outline.
    CountyGeometry county(const model::Inputs& in, std::vector<std::int32_t> villages);
    /// The villages of the county that `whole` marks (by the county's village order).
    Served served(const CountyGeometry& cg, std::span<const std::uint8_t> whole) const;
    /// The union of the discs of radius_m (4 × segments vertices) around the sites that meet the
    /// county, and of the villages served whole.
    DiscUnion discs(const CountyGeometry& cg, const SiteTree& tree, std::span<const crs::LonLat> sites,
                    const DiscShape& shape, Served served);
    /// `du` (its disc centres, if discs) with `merged` the union of `parts` (discs, isochrones)
    /// and of the villages served whole, its part in the county and what tests against it need.
    /// Without disc centres, every box test is left to GEOS.
    DiscUnion service_union(DiscUnion du, std::vector<geos::GeomPtr> parts, Served served,
                            const CountyGeometry& cg) const;
    /// `du` with `merged` (a union already made: of isochrones and the villages served whole,
    /// whose boxes are `served_boxes`) and what service_union adds to it. Null `merged`: none.
    DiscUnion with_union(DiscUnion du, geos::GeomPtr merged, std::vector<std::array<double, 4>> served_boxes,
                         const CountyGeometry& cg) const;
    /// The area of each village of township `town` inside the discs (into inside_m2, by the
    /// county's village order); a village that `whole` marks (by the same order; none when
    /// empty) counts whole without being measured. Returns the part of the union around the
    /// township it measured against (null: the whole union, or nothing touched when `touched`
    /// comes back false).
    geos::GeomPtr inside_of_town(const CountyGeometry& cg, const DiscUnion& du, std::size_t town,
                                 std::vector<double>& inside_m2, bool& touched,
                                 std::span<const std::uint8_t> whole = {});
    /// The area of `village` (projected) inside one disc around `centre` (projected).
    double inside_disc(const GEOSGeometry& village, double area_m2, crs::XY centre, const DiscShape& shape);

    /// Projects a lon/lat geometry into the zone, and back.
    geos::GeomPtr project(const GEOSGeometry& g, const proj::Transformer& zone, bool inverse) const;
    /// The union of neighbouring townships (or parts of them): GEOS's general union, as their
    /// villages are cut differently on the two sides of a township border (T-junctions), which
    /// a coverage union cannot dissolve.
    geos::GeomPtr merge(const std::vector<geos::GeomPtr>& parts) const;
    /// The union of the villages [a, b) of one township that `keep` accepts (they tile).
    template <class Keep>
    geos::GeomPtr union_of(const std::vector<geos::GeomPtr>& polys, std::size_t a, std::size_t b, Keep keep) const {
        std::vector<geos::GeomPtr> parts;
        for (std::size_t i = a; i < b; ++i)
            if (keep(i)) parts.push_back(m_ctx.clone(*polys[i]));
        return m_ctx.union_of_tiles(std::move(parts));
    }
    /// The part of a service area in a box widened by margin_m on every side, when GEOS's rectangle clipping gives a
    /// valid geometry (a difference with the whole service area would clip all of its rings again for every village);
    /// null otherwise.
    geos::GeomPtr clip(const GEOSGeometry& service, const std::array<double, 4>& box, double margin_m) const;
    /// a less the service area, through the service area's part around a.
    geos::GeomPtr outside(const GEOSGeometry& a, const GEOSGeometry& service) const;

private:
    geos::GeosContext m_ctx;
    std::map<int, std::unique_ptr<proj::Transformer>> m_zones;
};

}  // namespace scicov::coverage::detail
