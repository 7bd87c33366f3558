// PNG helpers of the report: internal header (the HTML report and the unit tests use it).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace scicov::report::detail {

/// A decoded PNG, one 0xRRGGBB value per pixel (alpha dropped), for checks on rendered maps.
struct Raster {
    int width = 0, height = 0;
    std::vector<std::uint32_t> pixels;  ///< row by row
    std::uint32_t at(int x, int y) const {
        return pixels[static_cast<std::size_t>(y) * static_cast<std::size_t>(width) + static_cast<std::size_t>(x)];
    }
};

/// Decodes PNG bytes (with Cairo); throws an input error when they are not a PNG.
Raster decode_png(const std::vector<std::uint8_t>& png);

/// Base64 of bytes (RFC 4648, with padding), by GDAL's encoder.
std::string base64(const std::vector<std::uint8_t>& bytes);

}  // namespace scicov::report::detail
