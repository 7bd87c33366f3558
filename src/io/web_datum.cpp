// Facilities copied from a Chinese web map without saying so: GCJ-02 (Amap, Tencent) or BD-09
// (Baidu) points lie some 300–700 m off, enough to flip verdicts silently. A facility named after a
// village ("红格村科普室") should lie in that village; when many more do once shifted back from
// GCJ-02 or BD-09 than as given, say so with the numbers and the flag.
#include <algorithm>
#include <array>
#include <cstdio>
#include <map>
#include <memory>
#include <unordered_map>

#include <ogr_geometry.h>

#include "core/gdal.hpp"
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

/// The villages whose name (stem) is the longest one the facility's name contains.
const std::vector<std::size_t>* named_villages(const std::string& name,
                                               const std::unordered_map<std::string, std::vector<std::size_t>>& stems) {
    constexpr std::size_t k_min_bytes = 6;  // two Chinese characters
    for (std::size_t len = name.size(); len >= k_min_bytes; --len) {
        for (std::size_t at = 0; at + len <= name.size(); ++at) {
            if (auto it = stems.find(name.substr(at, len)); it != stems.end()) return &it->second;
        }
    }
    return nullptr;
}

}  // namespace

void check_web_datum(const model::Inputs& inputs, const ReadOptions& options, Diagnostics& diagnostics) {
    if (!options.datum.empty() || inputs.facilities.empty()) return;
    std::unordered_map<std::string, std::vector<std::size_t>> stems;
    for (std::size_t i = 0; i < inputs.villages.size(); ++i) {
        const std::string s = stem(inputs.villages[i].name);
        if (s.size() >= 6) stems[s].push_back(i);
    }
    std::map<std::size_t, gdal::GeometryPtr> polygons;  // parsed when first needed
    auto inside = [&](std::size_t v, crs::LonLat p) {
        auto& g = polygons[v];
        if (!g) {
            OGRGeometry* parsed = nullptr;  // (a village whose WKB fails here was checked at read)
            const auto& wkb = inputs.villages[v].geometry;
            if (OGRGeometryFactory::createFromWkb(wkb.data(), nullptr, &parsed, wkb.size()) != OGRERR_NONE)
                return false;
            g.reset(parsed);
        }
        const OGRPoint point(p.lon, p.lat);
        return g->Contains(&point) != FALSE;
    };
    std::size_t named = 0;
    std::array<std::size_t, 3> fits{};  // as given, from GCJ-02, from BD-09
    constexpr std::array<crs::Datum, 3> k_readings{crs::Datum::wgs84, crs::Datum::gcj02, crs::Datum::bd09};
    // Near: within ~2 km of the village's box, well beyond any web-map offset; a namesake
    // village far away (another county's 新村) is no evidence either way.
    constexpr double k_near_deg = 0.02;
    auto near = [&](std::size_t v, crs::LonLat p) {
        (void)inside(v, p);  // parses the polygon
        if (!polygons[v]) return false;
        OGREnvelope env;
        polygons[v]->getEnvelope(&env);
        return p.lon >= env.MinX - k_near_deg && p.lon <= env.MaxX + k_near_deg && p.lat >= env.MinY - k_near_deg &&
               p.lat <= env.MaxY + k_near_deg;
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
