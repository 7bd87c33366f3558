// Checks across layers and between villages that no single feature shows: villages on top of
// each other, villages outside or across their county's polygon, counties and townships without
// villages. Each problem class is one issue with a count and the first examples.
//
// What is an error and what a warning (docs/validate.md says the same to users):
// - identical polygons under two codes: an error. One of the two is certainly wrong, the same
//   land and its people are counted twice, and a facility inside belongs to one of them only.
// - overlapping villages (more than k_overlap_share of the smaller one): a warning. Coverage and
//   the summaries stay defined (a facility's village is one of them, distances do not care).
// - a village with less than half its area inside its county's polygon, or with
//   k_straddle_share or more of it inside another county's: a warning. Summaries count villages
//   by their code, so the numbers stay right; only maps disagree with the counties layer.
// - a county or township of those layers without villages: a warning. It has nothing to
//   summarise and is left out of the output; a province's counties with one city's villages is
//   an ordinary input (--county with no villages is an error where it is read).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <set>

#include "core/geos.hpp"
#include "core/parallel.hpp"
// Boost.Geometry's rescale policy trips GCC's -Wmaybe-uninitialized when inlined (a false
// positive in the library's header, which the pragma covers).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include "core/rtree.hpp"
#pragma GCC diagnostic pop
#include "scicov/io.hpp"

namespace scicov::io {

namespace {

constexpr std::size_t k_examples = 5;
constexpr double k_overlap_share = 0.01;     ///< of the smaller village: less is digitising noise
constexpr double k_identical_share = 0.999;  ///< of both villages: the same polygon
constexpr double k_inside_share = 0.5;       ///< of a village inside its own county's polygon
constexpr double k_straddle_share = 0.1;     ///< of a village inside another county's polygon
/// How far (degrees, about a centimetre) a point must lie inside a polygon to count: shared edges
/// stored twice differ in their last bits.
constexpr double k_margin_deg = 1e-7;

using Entry = std::pair<core::Box2, std::size_t>;

core::Box2 box_of(const geos::GeosContext& ctx, const GEOSGeometry& g) {
    const auto b = ctx.bounds(g);
    return core::Box2(core::Point2(b[0], b[1]), core::Point2(b[2], b[3]));
}

std::string percent(double share) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f%%", 100.0 * share);
    return buf;
}

/// Collects the examples of one problem class and reports it once.
class Finding {
public:
    explicit Finding(std::string what) : m_what(std::move(what)) {}
    void add(std::string example) {
        if (m_count++ < k_examples) m_examples.push_back(std::move(example));
    }
    void report(Diagnostics& diag, Severity severity, const Context& where) const {
        if (m_count == 0) return;
        std::string text = std::to_string(m_count) + " " + m_what + ": ";
        for (std::size_t i = 0; i < m_examples.size(); ++i) text += (i > 0 ? "; " : "") + m_examples[i];
        if (m_count > m_examples.size()) text += "; …";
        if (severity == Severity::error) {
            diag.error(where, std::move(text));
        } else {
            diag.warning(where, std::move(text));
        }
    }

private:
    std::string m_what;
    std::size_t m_count = 0;
    std::vector<std::string> m_examples;
};

std::string named(const model::Village& v) {
    return v.code + " " + v.name;
}

Context layer_of(const model::Source& s) {
    return Context{s.file, s.layer, {}, {}};
}

using Ring = core::bg::model::ring<core::Point2>;
using Polygon = core::bg::model::polygon<core::Point2>;
using MultiPolygon = core::bg::model::multi_polygon<Polygon>;

Ring ring_of(const geos::GeosContext& ctx, const GEOSGeometry& ring) {
    const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(ctx.handle(), &ring);
    unsigned int n = 0;
    GEOSCoordSeq_getSize_r(ctx.handle(), seq, &n);
    Ring out;
    out.reserve(n);
    for (unsigned int i = 0; i < n; ++i) {
        double x = 0, y = 0;
        GEOSCoordSeq_getXY_r(ctx.handle(), seq, i, &x, &y);
        out.emplace_back(x, y);
    }
    return out;
}

/// The polygon as Boost.Geometry's, corrected to its orientation (GEOS keeps any).
MultiPolygon boost_of(const geos::GeosContext& ctx, const GEOSGeometry& g) {
    MultiPolygon out;
    const int parts = GEOSGetNumGeometries_r(ctx.handle(), &g);
    for (int p = 0; p < parts; ++p) {
        const GEOSGeometry* part = GEOSGetGeometryN_r(ctx.handle(), &g, p);
        Polygon poly;
        poly.outer() = ring_of(ctx, *GEOSGetExteriorRing_r(ctx.handle(), part));
        const int holes = GEOSGetNumInteriorRings_r(ctx.handle(), part);
        for (int h = 0; h < holes; ++h)
            poly.inners().push_back(ring_of(ctx, *GEOSGetInteriorRingN_r(ctx.handle(), part, h)));
        out.push_back(std::move(poly));
    }
    core::bg::correct(out);
    return out;
}

/// Whether `pred` holds for a point where a village is probed for lying inside another polygon:
/// its representative point (well inside it), its vertices and the midpoints of its edges.
/// Generated from the polygon on each call: stored, they were the check's largest array.
template <typename Pred>
bool any_probe(const MultiPolygon& g, const crs::LonLat& rep, Pred&& pred) {
    if (pred(core::Point2(rep.lon, rep.lat))) return true;
    const auto ring = [&pred](const Ring& r) {
        for (std::size_t k = 0; k + 1 < r.size(); ++k) {
            if (pred(r[k])) return true;
            if (pred(core::Point2((r[k].get<0>() + r[k + 1].get<0>()) / 2, (r[k].get<1>() + r[k + 1].get<1>()) / 2)))
                return true;
        }
        return false;
    };
    for (const auto& poly : g) {
        if (ring(poly.outer())) return true;
        for (const auto& inner : poly.inners()) {
            if (ring(inner)) return true;
        }
    }
    return false;
}

/// True when p lies inside g by more than the margin: the interiors meet for certain, where a
/// shared edge digitised twice (coordinates that differ in the last bits) does not count. One
/// pass over the edges: the even-odd crossing count and the nearest edge together.
bool deep_inside(const core::Point2& p, const MultiPolygon& g) {
    const double px = p.get<0>(), py = p.get<1>();
    bool inside = false;
    const auto crossings = [&](const Ring& r) {
        for (std::size_t k = 0; k + 1 < r.size(); ++k) {
            const double ax = r[k].get<0>(), ay = r[k].get<1>();
            const double bx = r[k + 1].get<0>(), by = r[k + 1].get<1>();
            if ((ay > py) != (by > py) && px < ax + (py - ay) * (bx - ax) / (by - ay)) inside = !inside;
        }
    };
    for (const auto& poly : g) {
        crossings(poly.outer());
        for (const auto& inner : poly.inners()) crossings(inner);
    }
    if (!inside) return false;
    const double margin2 = k_margin_deg * k_margin_deg;
    const auto near = [&](const Ring& r) {
        for (std::size_t k = 0; k + 1 < r.size(); ++k) {
            const double ax = r[k].get<0>(), ay = r[k].get<1>();
            const double dx = r[k + 1].get<0>() - ax, dy = r[k + 1].get<1>() - ay;
            const double len2 = dx * dx + dy * dy;
            const double t = len2 > 0 ? std::clamp(((px - ax) * dx + (py - ay) * dy) / len2, 0.0, 1.0) : 0.0;
            const double ex = ax + t * dx - px, ey = ay + t * dy - py;
            if (ex * ex + ey * ey <= margin2) return true;
        }
        return false;
    };
    for (const auto& poly : g) {
        if (near(poly.outer())) return false;
        for (const auto& inner : poly.inners()) {
            if (near(inner)) return false;
        }
    }
    return true;
}

/// True when a probe of `probed` (whose representative point is `rep`) lies deep inside g (whose box is `box`).
bool probes_inside(const MultiPolygon& probed, const crs::LonLat& rep, const MultiPolygon& g, const core::Box2& box) {
    return any_probe(probed, rep, [&](const core::Point2& p) { return core::bg::within(p, box) && deep_inside(p, g); });
}

/// What both checks read of every village, shared between their threads. GEOS geometries are
/// not kept: the checks parse a village's WKB again for the few exact overlays they compute
/// (each its own copy: GEOS fills caches, such as envelopes, when a geometry is first read).
struct Shapes {
    std::vector<core::Box2> boxes;
    std::vector<MultiPolygon> boost;
    std::vector<double> areas;  ///< square degrees: only compared with each other, nearby
};

Shapes shapes_of(const geos::GeosContext& ctx, const std::vector<model::Village>& villages) {
    Shapes s;
    s.boxes.reserve(villages.size());
    s.boost.reserve(villages.size());
    s.areas.reserve(villages.size());
    for (const auto& v : villages) {
        const auto g = ctx.from_wkb(v.geometry);
        s.areas.push_back(ctx.area(*g));
        s.boxes.push_back(box_of(ctx, *g));
        s.boost.push_back(boost_of(ctx, *g));
    }
    return s;
}

double overlap_area(const geos::GeosContext& ctx, const GEOSGeometry& a, const GEOSGeometry& b) {
    GEOSGeometry* g = GEOSIntersection_r(ctx.handle(), &a, &b);
    if (g == nullptr) return 0;  // GEOS could not tell (a robustness failure): not our finding
    const auto owned = ctx.own_nullable(g);
    return ctx.area(*owned);
}

/// Pairs of villages whose boxes meet, found through an R-tree, compared by their common area.
void check_overlaps(const geos::GeosContext& ctx, const model::Inputs& in, const Shapes& s, Diagnostics& diag) {
    std::vector<Entry> entries;
    entries.reserve(s.boxes.size());
    for (std::size_t i = 0; i < s.boxes.size(); ++i) entries.emplace_back(s.boxes[i], i);
    const core::RTree<Entry> tree(entries.begin(), entries.end());
    Finding identical("villages have the same polygon as another village (one of each pair is wrong)");
    Finding overlapping("villages overlap another village");
    std::vector<Entry> hits;
    for (std::size_t i = 0; i < s.boxes.size(); ++i) {
        geos::GeomPtr gi;  // parsed when a pair needs the exact common area
        hits.clear();
        tree.query(core::bgi::intersects(entries[i].first), std::back_inserter(hits));
        std::sort(hits.begin(), hits.end(), [](const Entry& a, const Entry& b) { return a.second < b.second; });
        for (const auto& [box, j] : hits) {
            if (j <= i) continue;
            // Neighbours share edges, which give no area; the exact common area is computed
            // only where a probe point of one lies inside the other. Two thin villages crossing
            // without either's vertices, edge midpoints or representative point inside the
            // other would pass: a shape no division boundary has.
            const auto& a = in.villages[i];
            const auto& b = in.villages[j];
            if (!probes_inside(s.boost[j], b.rep, s.boost[i], entries[i].first) &&
                !probes_inside(s.boost[i], a.rep, s.boost[j], entries[j].first)) {
                continue;
            }
            if (!gi) gi = ctx.from_wkb(a.geometry);
            const double common = overlap_area(ctx, *gi, *ctx.from_wkb(b.geometry));
            const double smaller = std::min(s.areas[i], s.areas[j]);
            if (common >= k_identical_share * std::max(s.areas[i], s.areas[j])) {
                identical.add(named(a) + " = " + named(b));
            } else if (common > k_overlap_share * smaller) {
                overlapping.add(named(a) + " and " + named(b) + " (" + percent(common / smaller) + " of the smaller)");
            }
        }
    }
    const Context where = layer_of(in.villages.front().source);
    identical.report(diag, Severity::error, where);
    overlapping.report(diag, Severity::warning, where);
}

/// Each village against its own county's polygon, and against the others' where it leaves it.
void check_counties(const geos::GeosContext& ctx, const model::Inputs& in, const Shapes& s, Diagnostics& diag) {
    std::map<std::string, std::size_t> by_code;
    std::vector<geos::GeomPtr> county;
    std::vector<geos::PreparedPtr> prepared;
    std::vector<Entry> entries;
    std::vector<Entry> edges;  // the boxes of every county's boundary segments
    for (std::size_t c = 0; c < in.counties.size(); ++c) {
        by_code.emplace(in.counties[c].code, c);
        county.push_back(ctx.from_wkb(in.counties[c].geometry));
        prepared.push_back(ctx.prepare(*county.back()));
        entries.emplace_back(box_of(ctx, *county.back()), c);
        const auto add = [&](const Ring& r) {
            for (std::size_t k = 0; k + 1 < r.size(); ++k) {
                core::Box2 b(r[k], r[k]);
                core::bg::expand(b, r[k + 1]);
                edges.emplace_back(b, c);
            }
        };
        for (const auto& poly : boost_of(ctx, *county.back())) {
            add(poly.outer());
            for (const auto& inner : poly.inners()) add(inner);
        }
    }
    const core::RTree<Entry> tree(entries.begin(), entries.end());
    const core::RTree<Entry> edge_tree(edges.begin(), edges.end());
    Finding outside("villages lie mostly outside their county's polygon in the counties layer (less than " +
                    percent(k_inside_share) + " of their area inside)");
    Finding straddling("villages straddle two counties (" + percent(k_straddle_share) +
                       " or more of their area inside another county's polygon)");
    std::vector<Entry> hits;
    for (std::size_t v = 0; v < in.villages.size(); ++v) {
        const auto& village = in.villages[v];
        const auto own = by_code.find(village.county_code);
        if (own == by_code.end()) continue;  // reported by the reader (a county the layer lacks)
        const std::size_t c = own->second;
        // Far from its county's boundary (no boundary segment's box meets the village's box),
        // the village lies wholly inside or wholly outside: its representative point tells.
        const auto own_edge = [c](const Entry& e) { return e.second == c; };
        const bool near_edge =
            edge_tree.qbegin(core::bgi::intersects(s.boxes[v]) && core::bgi::satisfies(own_edge)) != edge_tree.qend();
        const auto rep = ctx.point(village.rep.lon, village.rep.lat);
        if (!near_edge && GEOSPreparedIntersects_r(ctx.handle(), prepared[c].get(), rep.get()) == 1) continue;
        // On the county's edge (a village clipped to its county): only a probe point outside by
        // more than the margin makes the exact shares worth computing.
        const bool leaves = !near_edge || any_probe(s.boost[v], village.rep, [&](const core::Point2& p) {
            const auto point = ctx.point(p.get<0>(), p.get<1>());
            if (GEOSPreparedIntersects_r(ctx.handle(), prepared[c].get(), point.get()) == 1) return false;
            double distance = 0;
            return GEOSPreparedDistance_r(ctx.handle(), prepared[c].get(), point.get(), &distance) == 1 &&
                   distance > k_margin_deg;
        });
        if (!leaves) continue;
        const auto own_geom = ctx.from_wkb(village.geometry);
        const GEOSGeometry& g = *own_geom;
        const double inside = s.areas[v] > 0 ? overlap_area(ctx, *county[c], g) / s.areas[v] : 1.0;
        if (1.0 - inside < k_straddle_share) continue;
        hits.clear();
        tree.query(core::bgi::intersects(s.boxes[v]), std::back_inserter(hits));
        std::sort(hits.begin(), hits.end(), [](const Entry& a, const Entry& b) { return a.second < b.second; });
        std::string elsewhere;
        for (const auto& [box, d] : hits) {
            if (d == c || GEOSPreparedIntersects_r(ctx.handle(), prepared[d].get(), &g) != 1) continue;
            const double share = overlap_area(ctx, *county[d], g) / s.areas[v];
            if (share >= k_straddle_share) {
                elsewhere += (elsewhere.empty() ? "" : ", ") + percent(share) + " in " + in.counties[d].code + " " +
                             in.counties[d].name;
            }
        }
        const std::string example = named(village) + " (" + percent(inside) + " in " + village.county_code +
                                    (elsewhere.empty() ? "" : ", " + elsewhere) + ")";
        if (inside < k_inside_share) {
            outside.add(example);
        } else if (!elsewhere.empty()) {
            straddling.add(example);
        }
    }
    const Context where = layer_of(in.villages.front().source);
    outside.report(diag, Severity::warning, where);
    straddling.report(diag, Severity::warning, where);
}

/// Units of a layer (counties or townships) that no village belongs to.
void check_empty_units(const model::Inputs& in, const std::vector<model::AdminUnit>& units, std::size_t digits,
                       const char* what, Diagnostics& diag) {
    if (units.empty()) return;
    std::set<std::string> used;
    for (const auto& v : in.villages) used.insert(model::code_prefix(v.code, digits));
    Finding empty(std::string(what) + " of the " + what + " layer have no villages and are left out of the output");
    for (const auto& u : units) {
        if (used.count(u.code) == 0) empty.add(u.code + " " + u.name);
    }
    empty.report(diag, Severity::warning, layer_of(units.front().source));
}

}  // namespace

void check_consistency(const model::Inputs& inputs, Diagnostics& diagnostics, unsigned threads) {
    if (inputs.villages.empty()) return;
    const geos::GeosContext ctx;
    const Shapes shapes = shapes_of(ctx, inputs.villages);
    const bool shaped = std::all_of(inputs.counties.begin(), inputs.counties.end(),
                                    [](const model::AdminUnit& u) { return !u.geometry.empty(); });
    // Villages against each other and against the counties, side by side (each with its own
    // GEOS context; the shapes are only read); the counties' issues follow the others'.
    Diagnostics county_issues;
    const auto overlaps = [&] { check_overlaps(ctx, inputs, shapes, diagnostics); };
    if (!inputs.counties.empty() && shaped) {
        core::beside(threads, overlaps, [&] {
            const geos::GeosContext own;
            check_counties(own, inputs, shapes, county_issues);
        });
    } else {
        overlaps();
    }
    diagnostics.merge(county_issues);
    check_empty_units(inputs, inputs.counties, model::k_county_digits, "counties", diagnostics);
    check_empty_units(inputs, inputs.townships, model::k_township_digits, "townships", diagnostics);
}

}  // namespace scicov::io
