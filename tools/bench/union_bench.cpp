// union-bench: the union of service discs — the gap stage's largest single step — by GEOS (what
// scicov uses) and by Boost.Geometry, on the same discs, to see whether another overlay engine
// at hand would change the national picture (docs/benchmarks.md, "Why 3× is blocked").
//
//   union-bench [--discs N] [--side-m 40000] [--radius-m 2000] [--segments 32] [--repeat 5] [--seed 1]
//
// Discs: regular polygons of 4 × segments vertices inscribed in circles around uniform random
// centres, as src/gaps builds them. Prints each engine's median seconds and the union's area.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include <boost/geometry.hpp>

#include "core/geos.hpp"

namespace {

namespace bg = boost::geometry;
using Point = bg::model::d2::point_xy<double>;
using Polygon = bg::model::polygon<Point>;
using MultiPolygon = bg::model::multi_polygon<Polygon>;

struct Spec {
    int discs = 300;
    double side_m = 40000;
    double radius_m = 2000;
    int segments = 32;
    int repeat = 5;
    unsigned seed = 1;
};

/// Closed rings, counter-clockwise, centres in a spatial order (strips of 5 km, then y).
std::vector<std::vector<double>> disc_rings(const Spec& s) {
    std::mt19937_64 rng(s.seed);
    std::uniform_real_distribution<double> u(0.0, s.side_m);
    std::vector<std::pair<double, double>> centres(static_cast<std::size_t>(s.discs));
    for (auto& c : centres) c = {u(rng), u(rng)};
    std::sort(centres.begin(), centres.end(), [](const auto& a, const auto& b) {
        return std::pair(std::floor(a.first / 5000), a.second) < std::pair(std::floor(b.first / 5000), b.second);
    });
    const int n = 4 * s.segments;
    std::vector<std::vector<double>> rings;
    for (const auto& [x, y] : centres) {
        std::vector<double> ring;
        for (int k = 0; k <= n; ++k) {
            const double a = 2.0 * M_PI * static_cast<double>(k % n) / static_cast<double>(n);
            ring.push_back(x + s.radius_m * std::cos(a));
            ring.push_back(y + s.radius_m * std::sin(a));
        }
        rings.push_back(std::move(ring));
    }
    return rings;
}

double geos_union(const std::vector<std::vector<double>>& rings, double& area) {
    const auto t0 = std::chrono::steady_clock::now();
    scicov::geos::GeosContext ctx;
    std::vector<scicov::geos::GeomPtr> parts;
    for (const auto& r : rings) parts.push_back(ctx.polygon(r));
    const auto u = ctx.unary_union(*ctx.collection(GEOS_MULTIPOLYGON, std::move(parts)));
    area = ctx.area(*u);
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

/// Pairwise union in a balanced tree over the spatially ordered discs (GEOS's cascaded union
/// does the same over its STR tree).
MultiPolygon cascade(const std::vector<MultiPolygon>& parts, std::size_t a, std::size_t b) {
    if (b - a == 1) return parts[a];
    const std::size_t m = (a + b) / 2;
    MultiPolygon out;
    bg::union_(cascade(parts, a, m), cascade(parts, m, b), out);
    return out;
}

double boost_union(const std::vector<std::vector<double>>& rings, double& area) {
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<MultiPolygon> parts;
    for (const auto& r : rings) {
        Polygon p;
        for (std::size_t k = 0; k + 1 < r.size(); k += 2) bg::append(p.outer(), Point(r[k], r[k + 1]));
        bg::correct(p);  // Boost's default polygon is clockwise
        parts.push_back(MultiPolygon{p});
    }
    const MultiPolygon u = cascade(parts, 0, parts.size());
    area = bg::area(u);
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
    Spec s;
    for (int a = 1; a + 1 < argc; a += 2) {
        const std::string arg = argv[a];
        const char* v = argv[a + 1];
        if (arg == "--discs")
            s.discs = std::atoi(v);
        else if (arg == "--side-m")
            s.side_m = std::atof(v);
        else if (arg == "--radius-m")
            s.radius_m = std::atof(v);
        else if (arg == "--segments")
            s.segments = std::atoi(v);
        else if (arg == "--repeat")
            s.repeat = std::atoi(v);
        else if (arg == "--seed")
            s.seed = static_cast<unsigned>(std::atoi(v));
        else {
            std::cerr << "union-bench: unknown option " << arg << '\n';
            return 2;
        }
    }
    if (s.discs < 1 || s.segments < 1 || s.repeat < 1 || argc % 2 == 0) {
        std::cerr
            << "usage: union-bench [--discs N] [--side-m M] [--radius-m R] [--segments Q] [--repeat K] [--seed S]\n";
        return 2;
    }
    const auto rings = disc_rings(s);
    std::vector<double> tg, tb;
    double ag = 0, ab = 0;
    for (int i = 0; i < s.repeat; ++i) {
        tg.push_back(geos_union(rings, ag));
        tb.push_back(boost_union(rings, ab));
    }
    std::cout << "discs " << s.discs << " radius " << s.radius_m << " m in " << s.side_m << " m, " << 4 * s.segments
              << " vertices: GEOS " << median(tg) << " s (area " << ag << "), Boost.Geometry " << median(tb)
              << " s (area " << ab << "), medians of " << s.repeat << '\n';
    return 0;
}
