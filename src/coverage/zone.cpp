// Geometry in a county's Gauss-Krueger zone (see zone.hpp).
#include "coverage/zone.hpp"

#include <algorithm>
#include <cmath>

namespace scicov::coverage::detail {

using namespace scicov::core;  // the R-tree types

namespace {

/// Where a box lies against the discs, by arithmetic alone: wholly outside every disc (farther
/// than the circumradius from each centre), wholly inside one (its far corners within the
/// apothem: the regular polygon holds its inscribed circle), or unknown (GEOS decides).
enum class BoxSide { outside, inside, unknown };

/// How much larger than a box the rectangles are that clip() cuts with (metres): a township's
/// part of the service area is cut wider than a village's part of that part, so that the second
/// cut never runs along the first (a village's box lies within its township's).
constexpr double k_town_clip_margin_m = 2.0;
constexpr double k_village_clip_margin_m = 1.0;

BoxSide box_side(const DiscUnion& du, const std::array<double, 4>& b) {
    // relative margins far above rounding: a doubtful box goes to GEOS, never the wrong way
    if (du.centres.empty()) return BoxSide::unknown;  // not discs (isochrones): GEOS decides
    const double outer2 = du.outer_m * du.outer_m * (1 + 1e-9);
    const double inner2 = du.inner_m * du.inner_m * (1 - 1e-9);
    bool near = false;
    for (const auto& c : du.centres) {
        const double dx = std::max({b[0] - c.x, 0.0, c.x - b[2]});
        const double dy = std::max({b[1] - c.y, 0.0, c.y - b[3]});
        if (dx * dx + dy * dy > outer2) continue;
        near = true;
        const double fx = std::max(std::abs(b[0] - c.x), std::abs(b[2] - c.x));
        const double fy = std::max(std::abs(b[1] - c.y), std::abs(b[3] - c.y));
        if (fx * fx + fy * fy <= inner2) return BoxSide::inside;
    }
    if (near) return BoxSide::unknown;
    for (const auto& s : du.served_boxes)  // a village served whole is in the union too
        if (s[0] <= b[2] && b[0] <= s[2] && s[1] <= b[3] && b[1] <= s[3]) return BoxSide::unknown;
    return BoxSide::outside;
}

}  // namespace

SiteTree site_tree(std::span<const crs::LonLat> sites) {
    std::vector<SiteEntry> entries;
    entries.reserve(sites.size());
    for (std::size_t i = 0; i < sites.size(); ++i) entries.emplace_back(Point2(sites[i].lon, sites[i].lat), i);
    return SiteTree(entries.begin(), entries.end());
}

std::vector<CountyVillages> county_runs(const model::Inputs& in) {
    std::vector<CountyVillages> out;
    for (std::size_t v = 0; v < in.villages.size(); ++v) {
        const auto& code = in.villages[v].county_code;
        if (out.empty() || out.back().code != code) out.push_back(CountyVillages{code, {}});
        out.back().villages.push_back(static_cast<std::int32_t>(v));
    }
    return out;
}

DiscShape::DiscShape(double radius_m, int segments) : m_radius_m(radius_m) {
    const auto n = static_cast<std::size_t>(4 * std::max(1, segments));
    m_inner_m = radius_m * std::cos(M_PI / static_cast<double>(n));
    m_unit.resize(2 * (n + 1));
    for (std::size_t k = 0; k <= n; ++k) {
        const double angle = 2.0 * M_PI * static_cast<double>(k % n) / static_cast<double>(n);
        m_unit[2 * k] = radius_m * std::cos(angle);
        m_unit[2 * k + 1] = radius_m * std::sin(angle);
    }
}

std::vector<double> DiscShape::ring(double x, double y) const {
    std::vector<double> out(m_unit.size());
    for (std::size_t k = 0; k < m_unit.size(); k += 2) {
        out[k] = x + m_unit[k];
        out[k + 1] = y + m_unit[k + 1];
    }
    return out;
}

const proj::Transformer& ZoneGeometry::transformer(int epsg) {
    auto it = m_zones.find(epsg);
    if (it == m_zones.end()) {
        it = m_zones.emplace(epsg, std::make_unique<proj::Transformer>(crs::k_output_crs, crs::epsg(epsg))).first;
    }
    return *it->second;
}

const proj::Transformer& ZoneGeometry::zone_of(const std::array<double, 4>& extent) {
    return transformer(crs::gk_zone_epsg(0.5 * (extent[0] + extent[2])));
}

geos::GeomPtr ZoneGeometry::project(const GEOSGeometry& g, const proj::Transformer& zone, bool inverse) const {
    // Every coordinate through PROJ, by GEOS's own coordinate walk.
    struct Job {
        PJ* pj;
        PJ_DIRECTION dir;
    } job{zone.get(), inverse ? PJ_INV : PJ_FWD};
    auto callback = [](double* x, double* y, void* userdata) -> int {
        auto* j = static_cast<Job*>(userdata);
        PJ_COORD c = proj_coord(*x, *y, 0, 0);
        c = proj_trans(j->pj, j->dir, c);
        if (!std::isfinite(c.xy.x) || !std::isfinite(c.xy.y)) return 0;
        *x = c.xy.x;
        *y = c.xy.y;
        return 1;
    };
    return m_ctx.own(GEOSGeom_transformXY_r(m_ctx.handle(), &g, callback, &job), "coordinate transformation");
}

CountyGeometry ZoneGeometry::county(const model::Inputs& in, std::vector<std::int32_t> villages) {
    CountyGeometry cg;
    cg.villages = std::move(villages);
    cg.polys.reserve(cg.villages.size());
    cg.extent = {180, 90, -180, -90};
    for (auto v : cg.villages) {
        cg.polys.push_back(m_ctx.from_wkb(in.villages[static_cast<std::size_t>(v)].geometry));
        const auto b = m_ctx.bounds(*cg.polys.back());
        cg.extent = {std::min(cg.extent[0], b[0]), std::min(cg.extent[1], b[1]), std::max(cg.extent[2], b[2]),
                     std::max(cg.extent[3], b[3])};
    }
    cg.zone = &zone_of(cg.extent);
    cg.area_m2.resize(cg.villages.size());
    for (std::size_t k = 0; k < cg.villages.size(); ++k) {
        cg.polys[k] = project(*cg.polys[k], *cg.zone, false);
        cg.area_m2[k] = m_ctx.area(*cg.polys[k]);
    }
    // Townships: runs of consecutive villages (they arrive sorted by code).
    const auto town_of = [&](std::size_t k) -> const std::string& {
        return in.villages[static_cast<std::size_t>(cg.villages[k])].township_code;
    };
    for (std::size_t a = 0; a < cg.villages.size();) {
        std::size_t b = a;
        while (b < cg.villages.size() && town_of(b) == town_of(a)) ++b;
        cg.towns.emplace_back(a, b);
        a = b;
    }
    for (const auto& [a, b] : cg.towns)
        cg.town_polys.push_back(union_of(cg.polys, a, b, [](std::size_t) { return true; }));
    cg.county = merge(cg.town_polys);
    cg.county_prepared = m_ctx.prepare(*cg.county);
    return cg;
}

Served ZoneGeometry::served(const CountyGeometry& cg, std::span<const std::uint8_t> whole) const {
    Served out;
    const auto is_whole = [&](std::size_t k) { return whole[k] != 0; };
    for (const auto& [a, b] : cg.towns) {
        if (std::none_of(whole.begin() + static_cast<std::ptrdiff_t>(a), whole.begin() + static_cast<std::ptrdiff_t>(b),
                         [](auto w) { return w != 0; })) {
            continue;
        }
        out.parts.push_back(union_of(cg.polys, a, b, is_whole));
        for (std::size_t k = a; k < b; ++k)
            if (whole[k]) out.boxes.push_back(m_ctx.bounds(*cg.polys[k]));
    }
    return out;
}

DiscUnion ZoneGeometry::discs(const CountyGeometry& cg, const SiteTree& tree, std::span<const crs::LonLat> sites,
                              const DiscShape& shape, Served served) {
    DiscUnion du;
    const double radius_m = shape.radius_m();
    // Sites within the radius of the county's extent (a generous lon/lat box).
    const auto [minx, miny, maxx, maxy] = cg.extent;
    const double dlat = radius_m / 110'000.0 * 1.05;
    const double dlon =
        radius_m /
        (111'320.0 * std::cos(std::min(89.0, std::max(std::abs(miny), std::abs(maxy)) + dlat) * M_PI / 180.0)) * 1.05;
    std::vector<SiteEntry> hits;
    tree.query(bgi::intersects(Box2(Point2(minx - dlon, miny - dlat), Point2(maxx + dlon, maxy + dlat))),
               std::back_inserter(hits));
    std::sort(hits.begin(), hits.end(), [](const SiteEntry& a, const SiteEntry& b) { return a.second < b.second; });
    std::vector<double> x, y;
    for (const auto& [pt, i] : hits) {
        x.push_back(sites[i].lon);
        y.push_back(sites[i].lat);
    }
    if (!x.empty()) cg.zone->forward(x, y);
    const auto box = m_ctx.bounds(*cg.county);
    // A disc inside the villages served whole adds nothing to the union: it is left out (its
    // centre stays, for the box tests: within it is within the union).
    std::vector<geos::PreparedPtr> in_served;
    std::vector<std::array<double, 4>> served_box;
    for (const auto& part : served.parts) {
        in_served.push_back(m_ctx.prepare(*part));
        served_box.push_back(m_ctx.bounds(*part));
    }
    const auto within_served = [&](const GEOSGeometry& disc, double cx, double cy) {
        const double r = shape.radius_m();
        for (std::size_t k = 0; k < in_served.size(); ++k) {
            const auto& b = served_box[k];
            if (cx - r < b[0] || cx + r > b[2] || cy - r < b[1] || cy + r > b[3]) continue;
            if (GEOSPreparedContains_r(m_ctx.handle(), in_served[k].get(), &disc) == 1) return true;
        }
        return false;
    };
    std::vector<geos::GeomPtr> discs;
    for (std::size_t i = 0; i < x.size(); ++i) {
        // A disc that does not meet the county changes nothing in it. Farther than the radius
        // from the county's extent it cannot; a centre in the county always does; otherwise
        // the disc is tested (prepared, indexed; GEOS 3.11's prepared distance is not).
        const double dx = std::max({box[0] - x[i], 0.0, x[i] - box[2]});
        const double dy = std::max({box[1] - y[i], 0.0, y[i] - box[3]});
        if (dx * dx + dy * dy > radius_m * radius_m) continue;
        auto disc = m_ctx.polygon(shape.ring(x[i], y[i]));
        const auto* county = cg.county_prepared.get();
        if (GEOSPreparedIntersects_r(m_ctx.handle(), county, m_ctx.point(x[i], y[i]).get()) != 1 &&
            GEOSPreparedIntersects_r(m_ctx.handle(), county, disc.get()) != 1) {
            continue;
        }
        du.centres.push_back(crs::XY{x[i], y[i]});
        if (!within_served(*disc, x[i], y[i])) discs.push_back(std::move(disc));
    }
    du.outer_m = radius_m;
    du.inner_m = shape.inner_m();
    return service_union(std::move(du), std::move(discs), std::move(served), cg);
}

DiscUnion ZoneGeometry::service_union(DiscUnion du, std::vector<geos::GeomPtr> parts, Served served,
                                      const CountyGeometry& cg) const {
    if (parts.empty() && served.parts.empty()) return {};
    for (auto& p : served.parts) parts.push_back(std::move(p));
    auto merged = m_ctx.union_of_parts(std::move(parts));
    return with_union(std::move(du), std::move(merged), std::move(served.boxes), cg);
}

DiscUnion ZoneGeometry::with_union(DiscUnion du, geos::GeomPtr merged, std::vector<std::array<double, 4>> served_boxes,
                                   const CountyGeometry& cg) const {
    if (!merged) return {};
    du.served_boxes = std::move(served_boxes);
    du.merged = std::move(merged);
    du.service = m_ctx.polygonal(*m_ctx.intersection(*du.merged, *cg.county));
    if (m_ctx.is_empty(*du.service)) {
        du.service.reset();
        return du;
    }
    du.in_discs = m_ctx.prepare(*du.merged);
    du.edge = m_ctx.own(GEOSBoundary_r(m_ctx.handle(), du.merged.get()), "boundary");
    du.on_edge = m_ctx.prepare(*du.edge);
    return du;
}

geos::GeomPtr ZoneGeometry::inside_of_town(const CountyGeometry& cg, const DiscUnion& du, std::size_t town,
                                           std::vector<double>& inside_m2, bool& touched,
                                           std::span<const std::uint8_t> whole) {
    // The union's part around the township is cut out once, and its villages are cut from that
    // part (not from the county's whole).
    const auto [a, b] = cg.towns[town];
    const auto h = m_ctx.handle();
    // Villages (and townships) whose box settles it by arithmetic never reach GEOS.
    const auto town_box = m_ctx.bounds(*cg.town_polys[town]);
    touched = du.service && box_side(du, town_box) != BoxSide::outside &&
              GEOSPreparedIntersects_r(h, du.in_discs.get(), cg.town_polys[town].get()) == 1;
    geos::GeomPtr near_town = touched ? clip(*du.merged, town_box, k_town_clip_margin_m) : nullptr;
    const GEOSGeometry* local = near_town ? near_town.get() : du.merged.get();
    for (std::size_t k = a; k < b; ++k) {
        const GEOSGeometry& p = *cg.polys[k];
        const double area = cg.area_m2[k];
        if (!whole.empty() && whole[k]) {
            inside_m2[k] = area;
            continue;
        }
        const BoxSide side = touched ? box_side(du, m_ctx.bounds(p)) : BoxSide::outside;
        if (side == BoxSide::inside) {
            inside_m2[k] = area;  // within one disc: what the overlay below gives, without it
        } else if (side == BoxSide::outside || GEOSPreparedIntersects_r(h, du.in_discs.get(), &p) == 0) {
            inside_m2[k] = 0;
        } else if (GEOSGetNumGeometries_r(h, &p) == 1 && GEOSPreparedIntersects_r(h, du.on_edge.get(), &p) == 0) {
            inside_m2[k] = area;  // one connected piece that meets the discs but not their edge
        } else {
            inside_m2[k] = std::max(0.0, area - m_ctx.area(*outside(p, *local)));
        }
    }
    return near_town;
}

double ZoneGeometry::inside_disc(const GEOSGeometry& village, double area_m2, crs::XY centre, const DiscShape& shape) {
    const auto disc = m_ctx.polygon(shape.ring(centre.x, centre.y));
    if (GEOSIntersects_r(m_ctx.handle(), disc.get(), &village) != 1) return 0.0;
    return std::max(0.0, area_m2 - m_ctx.area(*outside(village, *disc)));
}

geos::GeomPtr ZoneGeometry::merge(const std::vector<geos::GeomPtr>& parts) const {
    std::vector<geos::GeomPtr> copies;
    for (const auto& p : parts) copies.push_back(m_ctx.clone(*p));
    return m_ctx.polygonal(*m_ctx.union_of_parts(std::move(copies)));
}

geos::GeomPtr ZoneGeometry::clip(const GEOSGeometry& service, const std::array<double, 4>& b, double m) const {
    // The rectangle a little larger than the box: GEOS 3.11's rectangle clipping can lose most of
    // a polygon (and still return a valid geometry) when its edges run along the rectangle's
    // sides, as they do when the service area holds a whole village and the box is that
    // village's or its township's. The part is only used against what lies within the box.
    auto part = m_ctx.own_nullable(GEOSClipByRect_r(m_ctx.handle(), &service, b[0] - m, b[1] - m, b[2] + m, b[3] + m));
    if (part && GEOSisValid_r(m_ctx.handle(), part.get()) != 1) part.reset();
    return part;
}

geos::GeomPtr ZoneGeometry::outside(const GEOSGeometry& a, const GEOSGeometry& service) const {
    const auto part = clip(service, m_ctx.bounds(a), k_village_clip_margin_m);
    return m_ctx.polygonal(*m_ctx.difference(a, part ? static_cast<const GEOSGeometry&>(*part) : service));
}

}  // namespace scicov::coverage::detail
