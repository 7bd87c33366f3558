// The one palette of scicov's maps: the Cairo map (map.cpp) and the QGIS styles (styles.cpp)
// draw with these values, so a layer looks the same in the PNG and in QGIS. Internal header.
#pragma once

#include <array>
#include <string_view>

namespace scicov::output::palette {

inline constexpr unsigned covered = 0xcfe6c1;    // light green
inline constexpr unsigned uncovered = 0xf6d5c3;  // light salmon
inline constexpr unsigned gap = 0xb03a2e;        // hatching
inline constexpr unsigned county = 0x2b2b2b;
inline constexpr unsigned township = 0x8f8f8f;
inline constexpr unsigned text = 0x1f1f1f;

/// Plan years, first to last: light yellow-orange to dark red.
inline constexpr std::array<unsigned, 5> year_ramp = {0xfed976, 0xfd8d3c, 0xe31a1c, 0xb10026, 0x5e001f};

enum class Symbol { square, triangle, diamond, circle };

struct TypeMark {
    Symbol symbol;
    unsigned colour;
};

/// Each facility type's marker; types beyond the four defaults get a green circle.
constexpr TypeMark mark_of(std::string_view type) {
    if (type == "science_museum") return {Symbol::square, 0x1f4e9c};
    if (type == "science_base") return {Symbol::triangle, 0x7b3294};
    if (type == "e_station") return {Symbol::diamond, 0x0f7d83};
    return {Symbol::circle, 0x2e6b2e};
}

}  // namespace scicov::output::palette
