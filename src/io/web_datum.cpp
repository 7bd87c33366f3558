// Facilities copied from a Chinese web map without saying so: GCJ-02 (Amap, Tencent) or BD-09
// (Baidu) points lie some 300–700 m off, enough to flip verdicts silently. A facility named after a
// village ("红格村科普室") should lie in that village; when many more do once shifted back from
// GCJ-02 or BD-09 than as given, say so with the numbers and the flag.
#include <algorithm>
#include <array>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/geos.hpp"
#include "scicov/crs.hpp"
#include "scicov/io.hpp"

namespace scicov::io {

namespace {

constexpr std::size_t k_min_named = 20;       // fewer facilities named after a village: no verdict
constexpr double k_min_gain = 0.10;           // the shifted reading fits this many more of them …
constexpr double k_min_shifted_share = 0.85;  // … and fits most of them

/// A village's name without the committee suffix: "红格村" for 红格村村民委员会.
std::string stem(const std::string& name) {
    static constexpr std::array<std::string_view, 7> k_suffixes{"村民委员会", "居民委员会", "社区居委会", "村委会",
                                                                "居委会",     "委员会",     "村民小组"};
    for (const auto s : k_suffixes) {
        if (name.size() > s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0) {
            return name.substr(0, name.size() - s.size());
        }
    }
    return name;
}

constexpr std::size_t k_min_stem_bytes = 6;  // two Chinese characters

/// Village stems by their text, and by their first k_min_stem_bytes bytes the byte lengths of
/// the stems that start so (longest first): a facility's name is tried only where a stem
/// starts, and only at the lengths of those stems.
struct Stems {
    std::unordered_map<std::string_view, std::vector<std::size_t>> villages;  // views into `text`
    std::unordered_map<std::string_view, std::vector<std::size_t>> lengths;   // views into `text`
    std::vector<std::string> text;
};

Stems village_stems(const model::Inputs& inputs) {
    Stems s;
    s.text.reserve(inputs.villages.size());
    for (const auto& v : inputs.villages) s.text.push_back(stem(v.name));
    for (std::size_t i = 0; i < s.text.size(); ++i) {
        if (s.text[i].size() < k_min_stem_bytes) continue;
        s.villages[s.text[i]].push_back(i);
        s.lengths[std::string_view(s.text[i]).substr(0, k_min_stem_bytes)].push_back(s.text[i].size());
    }
    for (auto& [start, lengths] : s.lengths) {
        std::sort(lengths.begin(), lengths.end(), std::greater<>());
        lengths.erase(std::unique(lengths.begin(), lengths.end()), lengths.end());
    }
    return s;
}

/// The villages whose name (stem) is the longest one the facility's name contains (the leftmost
/// of that length), without copying the name's pieces.
const std::vector<std::size_t>* named_villages(std::string_view name, const Stems& stems) {
    const std::vector<std::size_t>* best = nullptr;
    std::size_t best_length = 0;
    for (std::size_t at = 0; at + k_min_stem_bytes <= name.size(); ++at) {
        const auto starting = stems.lengths.find(name.substr(at, k_min_stem_bytes));
        if (starting == stems.lengths.end()) continue;
        for (const std::size_t len : starting->second) {
            if (len <= best_length) break;  // a match here would be no longer than the one found
            if (at + len > name.size()) continue;
            if (auto it = stems.villages.find(name.substr(at, len)); it != stems.villages.end()) {
                best = &it->second;
                best_length = len;
                break;
            }
        }
    }
    return best;
}

}  // namespace

void check_web_datum(const model::Inputs& inputs, const ReadOptions& options, Diagnostics& diagnostics) {
    if (!options.datum.empty() || inputs.facilities.empty()) return;
    const Stems stems = village_stems(inputs);
    // Village polygons in GEOS, prepared, when first needed: the point test is GEOS's contains
    // (what OGRGeometry::Contains asks of GEOS for a multipolygon), without converting the
    // polygon again for every point.
    const geos::GeosContext ctx;
    struct Polygon {
        geos::GeomPtr geometry;
        geos::PreparedPtr prepared;
        std::array<double, 4> box{};
    };
    std::map<std::size_t, Polygon> polygons;
    auto polygon = [&](std::size_t v) -> const Polygon* {
        auto [it, fresh] = polygons.try_emplace(v);
        if (fresh) {
            const auto& wkb = inputs.villages[v].geometry;
            auto g = ctx.own_nullable(GEOSGeomFromWKB_buf_r(ctx.handle(), wkb.data(), wkb.size()));
            if (g &&
                GEOSisEmpty_r(ctx.handle(), g.get()) == 0) {  // (a village whose WKB fails here was checked at read)
                it->second.box = ctx.bounds(*g);
                it->second.prepared = ctx.prepare(*g);
                it->second.geometry = std::move(g);
            }
        }
        return it->second.prepared ? &it->second : nullptr;
    };
    auto inside = [&](std::size_t v, crs::LonLat p) {
        const Polygon* g = polygon(v);
        if (g == nullptr) return false;
        const auto point = ctx.point(p.lon, p.lat);
        return GEOSPreparedContains_r(ctx.handle(), g->prepared.get(), point.get()) == 1;
    };
    std::size_t named = 0;
    std::array<std::size_t, 3> fits{};  // as given, from GCJ-02, from BD-09
    constexpr std::array<crs::Datum, 3> k_readings{crs::Datum::wgs84, crs::Datum::gcj02, crs::Datum::bd09};
    // Near: within ~2 km of the village's box, well beyond any web-map offset; a namesake
    // village far away (another county's 新村) is no evidence either way.
    constexpr double k_near_deg = 0.02;
    auto near = [&](std::size_t v, crs::LonLat p) {
        const Polygon* g = polygon(v);
        if (g == nullptr) return false;
        const auto& b = g->box;
        return p.lon >= b[0] - k_near_deg && p.lon <= b[2] + k_near_deg && p.lat >= b[1] - k_near_deg &&
               p.lat <= b[3] + k_near_deg;
    };
    for (const auto& f : inputs.facilities) {
        const auto* villages = named_villages(f.name, stems);
        if (villages == nullptr) continue;
        if (std::none_of(villages->begin(), villages->end(), [&](std::size_t v) { return near(v, f.location); })) {
            continue;
        }
        ++named;
        for (std::size_t k = 0; k < k_readings.size(); ++k) {
            const crs::LonLat p = crs::to_wgs84(f.location, k_readings[k]);
            for (const auto v : *villages) {
                if (inside(v, p)) {
                    ++fits[k];
                    break;
                }
            }
        }
    }
    if (named < k_min_named) return;
    const auto share = [&](std::size_t k) { return static_cast<double>(fits[k]) / static_cast<double>(named); };
    const std::size_t best = share(1) >= share(2) ? 1 : 2;
    if (share(best) < k_min_shifted_share || share(best) - share(0) < k_min_gain) return;
    char text[512];
    std::snprintf(text, sizeof text,
                  "the facilities look like web-map coordinates: of %zu named after a village, %zu (%.1f%%) lie in "
                  "it as given, %zu (%.1f%%) when read as %s. If they came from %s, give --datum facilities=%s",
                  named, fits[0], 100.0 * share(0), fits[best], 100.0 * share(best), best == 1 ? "GCJ-02" : "BD-09",
                  best == 1 ? "Amap/Tencent (GCJ-02)" : "Baidu (BD-09)", best == 1 ? "gcj02" : "bd09");
    diagnostics.warning(Context{inputs.facilities.front().source.file, inputs.facilities.front().source.layer, {}, {}},
                        text);
}

}  // namespace scicov::io
