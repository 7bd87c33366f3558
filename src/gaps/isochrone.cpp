// Isochrone geometry: a stretch of road whose time to spare falls linearly from one end to the
// other is widened to the union of discs of linearly falling radius along it, which is the convex
// hull of its two end discs; a point with time to spare is one disc. The county's union of them
// all is its service area for the type (see docs/rules.md, "Isochrones").
#include "gaps/isochrone.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <tuple>

#include "core/rtree.hpp"
#include "coverage/network.hpp"

namespace scicov::gaps {

namespace detail = coverage::detail;

namespace {

/// Discs of any radius as regular polygons of 4 × segments vertices (as service discs are drawn).
class Discs {
public:
    explicit Discs(int segments) {
        const auto n = static_cast<std::size_t>(4 * std::max(1, segments));
        for (std::size_t k = 0; k <= n; ++k) {
            const double angle = 2.0 * M_PI * static_cast<double>(k % n) / static_cast<double>(n);
            m_unit.push_back(std::cos(angle));
            m_unit.push_back(std::sin(angle));
        }
        for (std::size_t k = 0; k < n; ++k) {
            const double angle = 2.0 * M_PI * (static_cast<double>(k) + 0.5) / static_cast<double>(n);
            m_normal.push_back(std::cos(angle));
            m_normal.push_back(std::sin(angle));
        }
        m_apothem = std::cos(M_PI / static_cast<double>(n));
    }
    std::size_t vertices() const noexcept { return m_unit.size() / 2 - 1; }
    /// Vertex k of the disc of radius r around c.
    crs::XY vertex(crs::XY c, double r, std::size_t k) const {
        return {c.x + r * m_unit[2 * k], c.y + r * m_unit[2 * k + 1]};
    }
    /// The outward unit normal of edge k (from vertex k to k + 1).
    crs::XY normal(std::size_t k) const { return {m_normal[2 * k], m_normal[2 * k + 1]}; }
    /// The apothem of the unit disc: edge k of the disc of radius r around c lies on the line
    /// normal(k) · p = normal(k) · c + r × apothem().
    double apothem() const noexcept { return m_apothem; }
    /// The closed ring of the disc of radius r around (x, y), appended to xy.
    void ring(double x, double y, double r, std::vector<double>& xy) const {
        for (std::size_t k = 0; k < m_unit.size(); k += 2) {
            xy.push_back(x + r * m_unit[k]);
            xy.push_back(y + r * m_unit[k + 1]);
        }
    }

private:
    std::vector<double> m_unit, m_normal;
    double m_apothem = 1;
};

/// The convex hull of a stretch's two discs, counter-clockwise, open, with which of its vertices
/// are the disc at a's (the rest are the disc at b's).
struct Hull {
    std::vector<crs::XY> ring;
    std::vector<std::uint8_t> of_a;

    /// The hull less the cap of the disc at a: its vertices of that disc but the first and last
    /// (the chord between them is a diagonal of the hull). Nothing when the hull is that disc.
    std::vector<crs::XY> without_cap_at_a() const {
        const auto m = of_a.size();
        std::vector<crs::XY> out;
        for (std::size_t k = 0; k < m; ++k)
            if (of_a[k] == 0 || of_a[(k + m - 1) % m] == 0 || of_a[(k + 1) % m] == 0) out.push_back(ring[k]);
        return out;
    }
};

/// The two discs are the same polygon scaled and moved (their vertices and edges point the same
/// ways), so in every direction the hull's extreme point is vertex k of one of them, k the same
/// for both: of a where a's support line lies farther out (`farther`: a's edge line beyond b's,
/// from the offsets of the edges on either side of vertex k), of b where it does not, and both in
/// turn where that changes within vertex k's directions: a bridge between the discs. O(vertices),
/// where a general hull sorts all 2 × vertices points (Boost.Geometry's: 23 µs a stretch).
Hull hull(const Discs& discs, const Stretch& s) {
    const auto n = discs.vertices();
    const double dx = s.a.x - s.b.x, dy = s.a.y - s.b.y, dr = (s.ra - s.rb) * discs.apothem();
    std::vector<std::uint8_t> farther(n);  // per edge k: a's edge line lies farther out than b's
    for (std::size_t k = 0; k < n; ++k) {
        const auto e = discs.normal(k);
        farther[k] = dx * e.x + dy * e.y + dr >= 0 ? 1 : 0;
    }
    Hull h;
    const auto add = [&](crs::XY p, bool of_a) {
        if (!h.ring.empty() && h.ring.back().x == p.x && h.ring.back().y == p.y) return;
        h.ring.push_back(p);
        h.of_a.push_back(of_a ? 1 : 0);
    };
    for (std::size_t k = 0; k < n; ++k) {
        const bool before = farther[(k + n - 1) % n] != 0, after = farther[k] != 0;
        if (before) add(discs.vertex(s.a, s.ra, k), true);
        if (before != after || !before) add(discs.vertex(s.b, s.rb, k), false);
        if (!before && after) add(discs.vertex(s.a, s.ra, k), true);
    }
    while (h.ring.size() > 1 && h.ring.back().x == h.ring.front().x && h.ring.back().y == h.ring.front().y) {
        h.ring.pop_back();
        h.of_a.pop_back();
    }
    return h;
}

/// A polygon of the open ring (null when it has no area: fewer than three vertices).
geos::GeomPtr polygon(const geos::GeosContext& ctx, const std::vector<crs::XY>& ring) {
    if (ring.size() < 3) return nullptr;
    std::vector<double> xy;
    xy.reserve(2 * ring.size() + 2);
    for (const auto& p : ring) xy.insert(xy.end(), {p.x, p.y});
    xy.insert(xy.end(), {ring.front().x, ring.front().y});
    return ctx.polygon(xy);
}

/// The union built so far, and the test of whether a stretch's widening lies inside it (then
/// it adds nothing and need not reach GEOS's union).
class Core {
public:
    explicit Core(const geos::GeosContext& ctx) : m_ctx(ctx) {}

    /// The union with `parts` (polygonal) added.
    void grow(std::vector<geos::GeomPtr> parts) {
        if (parts.empty()) return;
        if (m_union) parts.push_back(std::move(m_union));
        m_union = m_ctx.polygonal(*m_ctx.union_of_parts(std::move(parts)));
        m_inside = m_ctx.prepare(*m_union);
        m_edge = m_ctx.own(GEOSBoundary_r(m_ctx.handle(), m_union.get()), "isochrone edge");
        m_near_edge = m_ctx.prepare(*m_edge);
        m_box = m_ctx.bounds(*m_union);
    }

    /// Whether the stretch's widening lies inside the union, by a test that never says yes
    /// wrongly. Each disc polygon lies inside its circle, so the widening lies inside the circles
    /// of radius r(t) around the points a + t (b - a), r falling linearly from ra to rb. The room
    /// around such a circle, its distance from the union's edge less r(t), is known at the two
    /// ends; between them the distance falls by at most the length walked from an end, so the
    /// room stays above the higher of two lines. If that stays positive and a is inside, so is
    /// every circle (none meets the edge).
    bool holds(const Stretch& s) const {
        if (!m_union) return false;
        const double r = s.reach();
        const auto b = s.box();
        if (b[0] < m_box[0] || b[1] < m_box[1] || b[2] > m_box[2] || b[3] > m_box[3]) return false;
        const auto h = m_ctx.handle();
        const auto a = m_ctx.point(s.a.x, s.a.y);
        if (GEOSPreparedContains_r(h, m_inside.get(), a.get()) != 1) return false;
        const double round_off = 1e-6 + 1e-9 * r;  // on the safe side
        const auto room = [&](const GEOSGeometry& p, double radius) {
            double d = 0;
            return GEOSPreparedDistance_r(h, m_near_edge.get(), &p, &d) == 1 ? d - radius - round_off : -1.0;
        };
        const double room_a = room(*a, s.ra);
        if (!(room_a > 0)) return false;
        if (s.a.x == s.b.x && s.a.y == s.b.y) return s.rb <= s.ra;
        const double room_b = room(*m_ctx.point(s.b.x, s.b.y), s.rb);
        if (!(room_b > 0)) return false;
        // room(t) >= max(room_a - alpha t, room_b - beta (1 - t)): its least value on [0, 1] is
        // at an end or where the two lines cross.
        const double length = std::hypot(s.b.x - s.a.x, s.b.y - s.a.y);
        const double alpha = length + s.rb - s.ra, beta = length + s.ra - s.rb;
        const auto bound = [&](double t) { return std::max(room_a - alpha * t, room_b - beta * (1 - t)); };
        double least = std::min(bound(0), bound(1));
        if (alpha + beta > 0) {
            const double t = (room_a - room_b + beta) / (alpha + beta);
            if (t > 0 && t < 1) least = std::min(least, bound(t));
        }
        return least > 0;
    }

    geos::GeomPtr take() { return std::move(m_union); }

private:
    const geos::GeosContext& m_ctx;
    geos::GeomPtr m_union;
    geos::PreparedPtr m_inside;
    geos::GeomPtr m_edge;
    geos::PreparedPtr m_near_edge;
    std::array<double, 4> m_box{};
};

/// The discs the stretches start from (and the point pieces'), by centre and radius: every
/// stretch from one road vertex starts with the same disc there, and the stretches that end at
/// it end with a disc no larger.
class Centres {
public:
    explicit Centres(std::span<const Stretch> stretches) {
        for (std::size_t i = 0; i < stretches.size(); ++i)
            m_keys.push_back(Key{stretches[i].a.x, stretches[i].a.y, stretches[i].ra, static_cast<std::int32_t>(i)});
        std::sort(m_keys.begin(), m_keys.end());
        m_of.resize(stretches.size());
        for (std::size_t k = 0; k < m_keys.size(); ++k) {
            if (k == 0 || !same(m_keys[k - 1], m_keys[k])) m_first.push_back(k);
            m_of[static_cast<std::size_t>(m_keys[k].stretch)] = m_first.size() - 1;
        }
    }
    std::size_t size() const noexcept { return m_first.size(); }
    /// The disc stretch i starts with.
    std::size_t of(std::size_t stretch) const { return m_of[stretch]; }
    double radius(std::size_t d) const { return m_keys[m_first[d]].r; }
    /// The discs centred at p (bit for bit), any radius.
    template <class F>
    void at(crs::XY p, F f) const {
        auto k = std::lower_bound(m_keys.begin(), m_keys.end(), Key{p.x, p.y, -1.0, -1});
        for (; k != m_keys.end() && k->x == p.x && k->y == p.y; ++k) {
            const auto d = m_of[static_cast<std::size_t>(k->stretch)];
            if (m_first[d] == static_cast<std::size_t>(k - m_keys.begin())) f(d);
        }
    }

private:
    struct Key {
        double x, y, r;
        std::int32_t stretch;
        bool operator<(const Key& o) const { return std::tie(x, y, r, stretch) < std::tie(o.x, o.y, o.r, o.stretch); }
    };
    static bool same(const Key& p, const Key& q) { return p.x == q.x && p.y == q.y && p.r == q.r; }
    std::vector<Key> m_keys;
    std::vector<std::size_t> m_first;
    std::vector<std::size_t> m_of;
};

}  // namespace

geos::GeomPtr widened_union(const geos::GeosContext& ctx, std::vector<Stretch> stretches, int segments,
                            std::vector<geos::GeomPtr> served, const GEOSPreparedGeometry* near) {
    const auto h = ctx.handle();
    // A stretch whose box (its ends' box widened by its reach) misses `near` cannot meet it.
    if (near != nullptr) {
        std::erase_if(stretches, [&](const Stretch& s) {
            const auto b = s.box();
            const auto box = ctx.own(GEOSGeom_createRectangle_r(h, b[0], b[1], b[2], b[3]), "isochrone box");
            return GEOSPreparedIntersects_r(h, near, box.get()) != 1;
        });
    }
    for (auto& s : stretches) {  // the wider end first
        if (s.rb > s.ra) {
            std::swap(s.a, s.b);
            std::swap(s.ra, s.rb);
        }
    }
    // Two rounds. First the widest (the discs walked straight across from the sites) with the
    // villages served whole; then every other stretch that does not lie inside their union. Most
    // of an isochrone's stretches lie deep inside it; GEOS's union would spend as much on each of
    // them as on one that draws its edge. A round per band of reach was tried: somewhat fewer
    // parts, no faster, for the extra unions of the growing core (docs/benchmarks.md).
    std::stable_sort(stretches.begin(), stretches.end(),
                     [](const Stretch& p, const Stretch& q) { return p.reach() > q.reach(); });
    const Discs discs(segments);
    Core core(ctx);
    std::vector<geos::GeomPtr> parts = std::move(served);
    const double widest = stretches.empty() ? 0.0 : stretches.front().reach();
    std::vector<std::uint8_t> held(stretches.size(), 0);
    std::size_t next = 0;
    for (; next < stretches.size() && stretches[next].reach() >= widest; ++next) {
        held[next] = 1;
        if (auto part = polygon(ctx, hull(discs, stretches[next]).ring)) parts.push_back(std::move(part));
    }
    core.grow(std::move(parts));
    parts.clear();
    for (auto i = next; i < stretches.size(); ++i) held[i] = core.holds(stretches[i]) ? 1 : 0;

    // The rest, each stretch's hull without its disc at a where a stretch ending at a holds
    // that disc. The chord between the hull's first and last vertex of the disc at a is a
    // diagonal of the hull: it cuts the hull into the disc's cap (inside the disc) and the rest,
    // and only the rest enters. A stretch from a wider disc that ends at a with a disc no
    // smaller holds it (along a road: where the search came from); that stretch's own disc is
    // held likewise or enters with it, and each step of the chain widens, so the chain ends.
    // Along a road every stretch but the first enters as about half its hull. "No smaller" is
    // taken within 1e-12 of the radius and 1 nm: the two ends of one road vertex are the same
    // time summed in another order, so the disc at b may stand out of the hull by that much.
    const Centres centres(stretches);
    std::vector<std::uint8_t> provided(centres.size(), 0);
    for (const auto& s : stretches) {
        if (s.a.x == s.b.x && s.a.y == s.b.y) continue;
        centres.at(s.b, [&](std::size_t d) {
            const double r = centres.radius(d);
            if (s.ra > r && s.rb >= r * (1 - 1e-12) - 1e-9) provided[d] = 1;
        });
    }
    for (std::size_t i = next; i < stretches.size(); ++i) {
        if (held[i] != 0) continue;
        const auto hl = hull(discs, stretches[i]);  // a point's is its disc
        auto part = provided[centres.of(i)] != 0 ? polygon(ctx, hl.without_cap_at_a()) : polygon(ctx, hl.ring);
        if (part) parts.push_back(std::move(part));
    }
    core.grow(std::move(parts));
    return core.take();
}

detail::DiscUnion isochrones(detail::ZoneGeometry& geo, const detail::CountyGeometry& cg, const coverage::Rule& rule,
                             const detail::SiteTree& tree, std::span<const crs::LonLat> sites, detail::Served served) {
    const auto& net = *rule.network();
    const double limit_s = rule.rule().minutes * 60.0;
    // Sites that may reach the county: within the limit at the fastest speed of its extent.
    const double reach_m = limit_s * net.fastest_mps();
    const auto [minx, miny, maxx, maxy] = cg.extent;
    const double dlat = reach_m / 110'000.0 * 1.05;
    const double dlon =
        reach_m /
        (111'320.0 * std::cos(std::min(89.0, std::max(std::abs(miny), std::abs(maxy)) + dlat) * M_PI / 180.0)) * 1.05;
    std::vector<detail::SiteEntry> hits;
    tree.query(core::bgi::intersects(
                   core::Box2(core::Point2(minx - dlon, miny - dlat), core::Point2(maxx + dlon, maxy + dlat))),
               std::back_inserter(hits));
    std::sort(hits.begin(), hits.end(),
              [](const detail::SiteEntry& a, const detail::SiteEntry& b) { return a.second < b.second; });

    const auto& ctx = geo.ctx();
    std::vector<coverage::RoadNetwork::Piece> pieces;
    std::vector<crs::LonLat> from;
    for (const auto& hit : hits) from.push_back(sites[hit.second]);
    // One search from every site: a stretch enters the union once, widened by the time to spare
    // for its nearest site, which holds every other site's disc there (a search per site gave
    // GEOS each stretch once per site that reaches it, the same area many times over).
    net.reachable_roads(from, limit_s, pieces);
    std::vector<double> x, y;
    for (const auto& p : pieces) {
        x.insert(x.end(), {p.a.lon, p.b.lon});
        y.insert(y.end(), {p.a.lat, p.b.lat});
    }
    cg.zone->forward(x, y);
    std::vector<Stretch> stretches;
    for (std::size_t i = 0; i < pieces.size(); ++i) {
        const double ra = pieces[i].a_spare_s * net.off_road_mps(), rb = pieces[i].b_spare_s * net.off_road_mps();
        if (!(ra > 0) && !(rb > 0)) continue;  // no width: no area
        stretches.push_back(Stretch{{x[2 * i], y[2 * i]}, {x[2 * i + 1], y[2 * i + 1]}, ra, rb});
    }
    // Only the union's part that meets the county is measured or drawn: the stretches that
    // cannot meet it are left out. No centres: not discs, so no box is settled by arithmetic.
    auto merged = widened_union(ctx, std::move(stretches), rule.circle_segments(), std::move(served.parts),
                                cg.county_prepared.get());
    return geo.with_union(detail::DiscUnion{}, std::move(merged), std::move(served.boxes), cg);
}

}  // namespace scicov::gaps
