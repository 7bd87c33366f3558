// Drawing maps with Cairo: internal header of the report module. RAII over Cairo, the palette
// (output/palette.hpp, shared with the QGIS styles), text that stays text in SVG, and the view
// from lon/lat through the Gauss-Krueger plane to the device.
#pragma once

#include <cmath>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <cairo.h>

#include "core/proj.hpp"
#include "output/palette.hpp"
#include "scicov/core.hpp"
#include "scicov/report.hpp"

namespace scicov::report::detail {

// --- RAII over Cairo ---------------------------------------------------------------------------

struct SurfaceDeleter {
    void operator()(cairo_surface_t* s) const noexcept { cairo_surface_destroy(s); }
};
struct ContextDeleter {
    void operator()(cairo_t* c) const noexcept { cairo_destroy(c); }
};
using SurfacePtr = std::unique_ptr<cairo_surface_t, SurfaceDeleter>;
using CairoPtr = std::unique_ptr<cairo_t, ContextDeleter>;

/// Throws an io error with Cairo's reason unless `status` is success.
void check(cairo_status_t status, const char* what);

/// A cairo_write_func_t appending to the std::vector<std::uint8_t> given as closure.
cairo_status_t append_bytes(void* closure, const unsigned char* data, unsigned int length);

// --- colours and styles ------------------------------------------------------------------------

struct Rgb {
    double r, g, b;
};
constexpr Rgb hex(unsigned v) {
    return {((v >> 16) & 0xff) / 255.0, ((v >> 8) & 0xff) / 255.0, (v & 0xff) / 255.0};
}
/// "#rrggbb".
std::string css(Rgb c);

inline constexpr Rgb k_covered = hex(output::palette::covered);
inline constexpr Rgb k_uncovered = hex(output::palette::uncovered);
inline constexpr Rgb k_gap = hex(output::palette::gap);
inline constexpr Rgb k_county = hex(output::palette::county);
inline constexpr Rgb k_township = hex(output::palette::township);
inline constexpr Rgb k_text = hex(output::palette::text);
inline constexpr Rgb k_muted = hex(0x5a5a5a);
inline constexpr Rgb k_frame = hex(0x6b6b6b);
inline constexpr Rgb k_beyond = hex(0x5b2a86);  ///< outline of sites after the plans' horizon (远期)

using output::palette::Symbol;
struct TypeStyle {
    Symbol symbol;
    Rgb colour;
    double size;  // radius in base units
};
/// Each facility type's marker at map size.
TypeStyle style_of(const std::string& type);

/// Sequential ramp for plan years: light yellow-orange (first year) to dark red (last).
Rgb year_colour(int year, int first, int last);

inline constexpr const char* k_font = "Noto Sans CJK SC";

// --- text: drawn by Cairo, or (SVG) kept as real <text> elements -------------------------------

enum class Anchor { start, middle, end };
enum class Weight { normal, bold };

struct TextItem {
    double x, y, size;
    std::string text;
    Rgb colour;
    Anchor anchor;
    Weight weight;
    bool halo;
};

class Painter {
public:
    Painter(cairo_t* cr, double unit, bool text_as_svg) : m_cr(cr), m_u(unit), m_svg(text_as_svg) {}

    cairo_t* cr() const { return m_cr; }
    double u() const { return m_u; }

    void colour(Rgb c, double alpha = 1.0) const { cairo_set_source_rgba(m_cr, c.r, c.g, c.b, alpha); }

    double text_width(const std::string& s, double size, Weight w) const {
        font(size, w);
        cairo_text_extents_t e;
        cairo_text_extents(m_cr, s.c_str(), &e);
        return e.x_advance;
    }

    /// Draws the text (PNG, PDF) or records it for svg_texts() (SVG).
    void text(double x, double y, const std::string& s, double size, Rgb c, Anchor a = Anchor::start,
              Weight w = Weight::normal, bool halo = false);

    /// The SVG elements of the recorded text, in drawing order.
    std::string svg_texts() const;

private:
    void font(double size, Weight w) const {
        cairo_select_font_face(m_cr, k_font, CAIRO_FONT_SLANT_NORMAL,
                               w == Weight::bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
        cairo_set_font_size(m_cr, size);
    }

    cairo_t* m_cr;
    double m_u;
    bool m_svg;
    std::vector<TextItem> m_texts;
};

// --- the view: lon/lat → Gauss-Krueger metres → device ------------------------------------------

struct Box {
    double min_x = HUGE_VAL, min_y = HUGE_VAL, max_x = -HUGE_VAL, max_y = -HUGE_VAL;
    void add(double x, double y) {
        min_x = std::min(min_x, x);
        min_y = std::min(min_y, y);
        max_x = std::max(max_x, x);
        max_y = std::max(max_y, y);
    }
    bool empty() const { return !(min_x <= max_x && min_y <= max_y); }
    bool intersects(const Box& o) const {
        return !empty() && !o.empty() && min_x <= o.max_x && o.min_x <= max_x && min_y <= o.max_y && o.min_y <= max_y;
    }
};

inline Box box_of(const Rings& rings) {
    Box b;
    for (const auto& r : rings) {
        for (const auto& p : r) b.add(p.lon, p.lat);
    }
    return b;
}

class View {
public:
    /// The extent centred in the frame at `px_per_m`, or (0) at the scale that fits it.
    View(const proj::Transformer& t, Box projected, double left, double top, double width, double height,
         double px_per_m = 0)
        : m_t(t) {
        const double sx = width / (projected.max_x - projected.min_x);
        const double sy = height / (projected.max_y - projected.min_y);
        m_scale = px_per_m > 0 ? px_per_m : std::min(sx, sy);
        // Centre the extent in the frame.
        m_x0 = left + (width - (projected.max_x - projected.min_x) * m_scale) / 2 - projected.min_x * m_scale;
        m_y0 = top + (height - (projected.max_y - projected.min_y) * m_scale) / 2 + projected.max_y * m_scale;
    }

    double px_per_m() const { return m_scale; }

    crs::XY device(double x, double y) const { return {m_x0 + x * m_scale, m_y0 - y * m_scale}; }

    crs::XY device(crs::LonLat p) const {
        double x = p.lon, y = p.lat;
        m_t.forward(std::span<double>(&x, 1), std::span<double>(&y, 1));
        return device(x, y);
    }

    /// Adds the rings to the current path (device coordinates).
    void path(cairo_t* cr, const Rings& rings) const {
        for (const auto& ring : rings) {
            m_x.resize(ring.size());
            m_y.resize(ring.size());
            for (std::size_t i = 0; i < ring.size(); ++i) {
                m_x[i] = ring[i].lon;
                m_y[i] = ring[i].lat;
            }
            m_t.forward(m_x, m_y);
            for (std::size_t i = 0; i < ring.size(); ++i) {
                const crs::XY d = device(m_x[i], m_y[i]);
                if (i == 0) {
                    cairo_move_to(cr, d.x, d.y);
                } else {
                    cairo_line_to(cr, d.x, d.y);
                }
            }
            cairo_close_path(cr);
        }
    }

private:
    const proj::Transformer& m_t;
    double m_scale = 1, m_x0 = 0, m_y0 = 0;
    mutable std::vector<double> m_x, m_y;
};

// --- symbols --------------------------------------------------------------------------------------

/// Adds a marker's outline to the current path.
void symbol(cairo_t* cr, Symbol s, double x, double y, double r);
/// A filled marker with a white outline.
void draw_symbol(const Painter& p, const TypeStyle& st, double x, double y, double alpha = 1.0, double scale = 1.0);
/// Diagonal hatching of the current path (consumed), clipped to it.
void hatch(const Painter& p, double spacing, double width);

}  // namespace scicov::report::detail
