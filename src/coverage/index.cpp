// The village index and nearest-site distances. Villages' representative points and sites go into Boost.Geometry
// R-trees in geocentric (ECEF, metres) coordinates: the straight-line distance between two points never exceeds their
// geodesic distance, so a box of half-width r around a point holds every point within r geodesic metres; candidates are
// then measured exactly with PROJ's geodesic.
#include "scicov/coverage.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>

#include "core/geos.hpp"
#include "core/parallel.hpp"
#include "core/proj.hpp"
#include "core/rtree.hpp"
#include "crs/geodesic.hpp"

namespace scicov::coverage {

namespace {

using namespace scicov::core;  // the R-tree types
using Entry3 = std::pair<Point3, std::int32_t>;
using Entry2 = std::pair<Box2, std::int32_t>;
using Tree3 = RTree<Entry3>;
using Tree2 = RTree<Entry2>;

/// Lon/lat on the CGCS2000 ellipsoid to geocentric coordinates (EPSG:4479), via PROJ.
proj::Transformer make_geocentric() {
    return proj::Transformer("EPSG:4490", "EPSG:4479");
}

std::vector<Point3> to_ecef(const proj::Transformer& to_geocentric, std::span<const crs::LonLat> points) {
    std::vector<double> x(points.size()), y(points.size()), z(points.size(), 0.0);
    for (std::size_t i = 0; i < points.size(); ++i) {
        x[i] = points[i].lon;
        y[i] = points[i].lat;
    }
    to_geocentric.forward(x, y, z);
    std::vector<Point3> out;
    out.reserve(points.size());
    for (std::size_t i = 0; i < points.size(); ++i) out.emplace_back(x[i], y[i], z[i]);
    return out;
}

Box3 around(const Point3& p, double half) {
    return {Point3(p.get<0>() - half, p.get<1>() - half, p.get<2>() - half),
            Point3(p.get<0>() + half, p.get<1>() + half, p.get<2>() + half)};
}

Tree3 build_tree(const std::vector<Point3>& points) {
    std::vector<Entry3> entries;
    entries.reserve(points.size());
    for (std::size_t i = 0; i < points.size(); ++i) entries.emplace_back(points[i], static_cast<std::int32_t>(i));
    return Tree3(entries.begin(), entries.end());  // packed (STR) bulk load
}

}  // namespace

struct VillageIndex::Impl {
    const model::Inputs& inputs;
    std::vector<crs::LonLat> reps;
    Tree3 rep_tree;
    Tree2 bbox_tree;
    std::vector<Box2> village_boxes;  // lon/lat
    std::map<std::string, std::vector<std::int32_t>, std::less<>> by_county, by_township;
    std::map<std::string, std::array<double, 4>, std::less<>> county_extent;  // lon/lat
    crs::Geodesic geod;
    // Queries use these two C handles: a VillageIndex is queried from one thread at a time.
    geos::GeosContext geos;
    proj::Transformer geocentric = make_geocentric();

    explicit Impl(const model::Inputs& in) : inputs(in) {
        reps.reserve(in.villages.size());
        for (const auto& v : in.villages) reps.push_back(v.rep);
        rep_tree = build_tree(to_ecef(geocentric, reps));
        std::vector<Entry2> boxes;
        boxes.reserve(in.villages.size());
        for (std::size_t i = 0; i < in.villages.size(); ++i) {
            const auto& v = in.villages[i];
            auto g = geos.from_wkb(v.geometry);
            auto b = geos.bounds(*g);
            boxes.emplace_back(Box2(Point2(b[0], b[1]), Point2(b[2], b[3])), static_cast<std::int32_t>(i));
            village_boxes.push_back(boxes.back().first);
            auto [e, fresh] = county_extent.try_emplace(v.county_code, b);
            if (!fresh) {
                e->second = {std::min(e->second[0], b[0]), std::min(e->second[1], b[1]), std::max(e->second[2], b[2]),
                             std::max(e->second[3], b[3])};
            }
            by_county[v.county_code].push_back(static_cast<std::int32_t>(i));
            by_township[v.township_code].push_back(static_cast<std::int32_t>(i));
        }
        bbox_tree = Tree2(boxes.begin(), boxes.end());
    }

    std::int32_t village_at(crs::LonLat p, const geos::GeosContext& ctx) const {
        const Point2 q(p.lon, p.lat);
        std::vector<Entry2> hits;
        bbox_tree.query(bgi::intersects(q), std::back_inserter(hits));
        std::sort(hits.begin(), hits.end(), [](const Entry2& a, const Entry2& b) { return a.second < b.second; });
        auto point = ctx.point(p.lon, p.lat);
        for (const auto& [box, idx] : hits) {
            auto poly = ctx.from_wkb(inputs.villages[static_cast<std::size_t>(idx)].geometry);
            if (GEOSIntersects_r(ctx.handle(), poly.get(), point.get()) == 1) return idx;
        }
        return -1;
    }
};

VillageIndex::VillageIndex(const model::Inputs& inputs) : m_impl(std::make_unique<Impl>(inputs)) {}
VillageIndex::~VillageIndex() = default;

const model::Inputs& VillageIndex::inputs() const noexcept {
    return m_impl->inputs;
}

std::int32_t VillageIndex::village_at(crs::LonLat p) const {
    return m_impl->village_at(p, m_impl->geos);
}

std::vector<std::int32_t> VillageIndex::villages_at(std::span<const crs::LonLat> points, unsigned threads) const {
    std::vector<std::int32_t> out(points.size(), -1);
    if (points.empty()) return out;
    // Village by village: each polygon leaves its WKB once (prepared when several points lie in its
    // box) and meets the points in its box, rather than every point meeting, parsed anew, each
    // village whose box holds it. A point in several villages (on a shared border) goes to the
    // first by index, as village_at gives.
    using PointEntry = std::pair<Point2, std::int32_t>;
    std::vector<PointEntry> entries;
    entries.reserve(points.size());
    for (std::size_t i = 0; i < points.size(); ++i)
        entries.emplace_back(Point2(points[i].lon, points[i].lat), static_cast<std::int32_t>(i));
    const RTree<PointEntry> tree(entries.begin(), entries.end());
    const auto& villages = m_impl->inputs.villages;
    constexpr std::size_t chunk = 1024;
    std::vector<std::vector<std::pair<std::int32_t, std::int32_t>>> found((villages.size() + chunk - 1) / chunk);
    parallel_for_ranges(villages.size(), chunk, threads, [&] {
        return [&, ctx = std::make_shared<geos::GeosContext>()](std::size_t begin, std::size_t end) {
            auto& mine = found[begin / chunk];
            std::vector<PointEntry> hits;
            for (std::size_t v = begin; v < end; ++v) {
                hits.clear();
                tree.query(bgi::intersects(m_impl->village_boxes[v]), std::back_inserter(hits));
                if (hits.empty()) continue;
                const auto polygon = ctx->from_wkb(villages[v].geometry);
                const auto prepared = hits.size() > 2 ? ctx->prepare(*polygon) : nullptr;
                for (const auto& [pt, i] : hits) {
                    const auto point = ctx->point(pt.get<0>(), pt.get<1>());
                    const int meets = prepared ? GEOSPreparedIntersects_r(ctx->handle(), prepared.get(), point.get())
                                               : GEOSIntersects_r(ctx->handle(), polygon.get(), point.get());
                    if (meets == 1) mine.emplace_back(i, static_cast<std::int32_t>(v));
                }
            }
        };
    });
    for (const auto& part : found) {
        for (const auto& [i, v] : part) {
            auto& home = out[static_cast<std::size_t>(i)];
            if (home < 0 || v < home) home = v;
        }
    }
    return out;
}

void VillageIndex::villages_meeting(const std::array<double, 4>& box, std::vector<std::int32_t>& out) const {
    out.clear();
    std::vector<Entry2> hits;
    m_impl->bbox_tree.query(bgi::intersects(Box2(Point2(box[0], box[1]), Point2(box[2], box[3]))),
                            std::back_inserter(hits));
    for (const auto& hit : hits) out.push_back(hit.second);
    std::sort(out.begin(), out.end());
}

void VillageIndex::villages_within(crs::LonLat p, double radius_m, std::vector<std::int32_t>& out) const {
    villages_within(p, geocentric(std::span<const crs::LonLat>(&p, 1)).front(), radius_m, out);
}

std::vector<Geocentric> VillageIndex::geocentric(std::span<const crs::LonLat> points) const {
    std::vector<Geocentric> out;
    out.reserve(points.size());
    for (const auto& e : to_ecef(m_impl->geocentric, points)) out.push_back({e.get<0>(), e.get<1>(), e.get<2>()});
    return out;
}

void VillageIndex::villages_within(crs::LonLat p, const Geocentric& at, double radius_m,
                                   std::vector<std::int32_t>& out) const {
    out.clear();
    const Point3 centre(at.x, at.y, at.z);
    std::vector<Entry3> hits;
    m_impl->rep_tree.query(bgi::intersects(around(centre, radius_m)), std::back_inserter(hits));
    for (const auto& [pt, idx] : hits) {
        const double chord = std::sqrt(bg::comparable_distance(pt, centre));
        if (chord > radius_m) continue;  // the geodesic is longer still
        // The geodesic exceeds the chord by about chord³ / (24 R²) (on a sphere of radius R);
        // a bound 24 times that (R = 6,300 km, below every radius of curvature of the ellipsoid)
        // settles all but the points within centimetres of the circle, which are measured.
        const double slack = chord * std::max(1e-9, (chord / 6.3e6) * (chord / 6.3e6));
        if (chord + slack < radius_m ||
            m_impl->geod.distance_m(p, m_impl->reps[static_cast<std::size_t>(idx)]) <= radius_m) {
            out.push_back(idx);
        }
    }
    std::sort(out.begin(), out.end());
}

std::span<const std::int32_t> VillageIndex::villages_of_county(const std::string& code) const {
    auto it = m_impl->by_county.find(code);
    if (it == m_impl->by_county.end()) return {};
    return it->second;
}

std::array<double, 4> VillageIndex::county_extent(const std::string& code) const {
    auto it = m_impl->county_extent.find(code);
    if (it == m_impl->county_extent.end()) return {0, 0, 0, 0};
    return it->second;
}

std::span<const std::int32_t> VillageIndex::villages_of_township(const std::string& code) const {
    auto it = m_impl->by_township.find(code);
    if (it == m_impl->by_township.end()) return {};
    return it->second;
}

std::vector<double> nearest_distance_m(const model::Inputs& inputs, std::span<const crs::LonLat> sites,
                                       unsigned threads) {
    std::vector<double> out(inputs.villages.size(), k_no_facility);
    if (sites.empty()) return out;
    const proj::Transformer geocentric = make_geocentric();
    const auto site_ecef = to_ecef(geocentric, sites);
    const Tree3 tree = build_tree(site_ecef);
    std::vector<crs::LonLat> reps;
    reps.reserve(inputs.villages.size());
    for (const auto& v : inputs.villages) reps.push_back(v.rep);
    const auto rep_ecef = to_ecef(geocentric, reps);
    const crs::Geodesic geod;
    parallel_for_ranges(reps.size(), 4096, threads, [&] {
        return [&](std::size_t begin, std::size_t end) {
            std::vector<Entry3> hits;
            for (std::size_t v = begin; v < end; ++v) {
                hits.clear();
                tree.query(bgi::nearest(rep_ecef[v], 1), std::back_inserter(hits));
                double best = geod.distance_m(reps[v], sites[static_cast<std::size_t>(hits.front().second)]);
                // Anything geodesically nearer is also nearer in a straight line: search that box.
                hits.clear();
                tree.query(bgi::intersects(around(rep_ecef[v], best)), std::back_inserter(hits));
                for (const auto& [pt, idx] : hits)
                    best = std::min(best, geod.distance_m(reps[v], sites[static_cast<std::size_t>(idx)]));
                out[v] = best;
            }
        };
    });
    return out;
}

}  // namespace scicov::coverage
