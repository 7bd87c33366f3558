// PNG helpers of the report: decoding (for checks on rendered maps) and base64 (for embedding).
#include "report/png.hpp"

#include <algorithm>
#include <memory>

#include <cpl_conv.h>
#include <cpl_string.h>

#include "report/canvas.hpp"

namespace scicov::report::detail {

Raster decode_png(const std::vector<std::uint8_t>& png) {
    struct Reader {
        const std::vector<std::uint8_t>* bytes;
        std::size_t pos = 0;
    } reader{&png};
    const auto read = [](void* closure, unsigned char* data, unsigned int length) -> cairo_status_t {
        auto* r = static_cast<Reader*>(closure);
        if (r->pos + length > r->bytes->size()) return CAIRO_STATUS_READ_ERROR;
        std::copy_n(r->bytes->data() + r->pos, length, data);
        r->pos += length;
        return CAIRO_STATUS_SUCCESS;
    };
    const SurfacePtr surface(cairo_image_surface_create_from_png_stream(read, &reader));
    if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) {
        throw Error(ErrorKind::input,
                    std::string("not a PNG: ") + cairo_status_to_string(cairo_surface_status(surface.get())));
    }
    cairo_surface_flush(surface.get());
    Raster r;
    r.width = cairo_image_surface_get_width(surface.get());
    r.height = cairo_image_surface_get_height(surface.get());
    const int stride = cairo_image_surface_get_stride(surface.get());
    const unsigned char* data = cairo_image_surface_get_data(surface.get());
    r.pixels.reserve(static_cast<std::size_t>(r.width) * static_cast<std::size_t>(r.height));
    for (int y = 0; y < r.height; ++y) {
        const auto* row = reinterpret_cast<const std::uint32_t*>(data + static_cast<std::ptrdiff_t>(y) * stride);
        for (int x = 0; x < r.width; ++x) r.pixels.push_back(row[x] & 0xffffffu);
    }
    return r;
}

std::string base64(const std::vector<std::uint8_t>& bytes) {
    // GDAL's encoder; it returns a CPLMalloc'd string that CPLFree releases.
    std::unique_ptr<char, decltype(&CPLFree)> encoded(
        CPLBase64Encode(static_cast<int>(bytes.size()), reinterpret_cast<const GByte*>(bytes.data())), &CPLFree);
    return encoded ? std::string(encoded.get()) : std::string();
}

}  // namespace scicov::report::detail
