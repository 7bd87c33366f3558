#include "report/canvas.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <sstream>

#include "core/text.hpp"

namespace scicov::report::detail {

using core::fixed;
using core::xml_escape;

void Painter::text(double x, double y, const std::string& s, double size, Rgb c, Anchor a, Weight w, bool halo) {
    if (s.empty()) return;
    if (m_svg) {
        m_texts.push_back({x, y, size, s, c, a, w, halo});
        return;
    }
    const double width = text_width(s, size, w);
    const double x0 = a == Anchor::start ? x : a == Anchor::middle ? x - width / 2 : x - width;
    cairo_save(m_cr);
    font(size, w);
    cairo_move_to(m_cr, x0, y);
    if (halo) {
        cairo_text_path(m_cr, s.c_str());
        cairo_set_source_rgba(m_cr, 1, 1, 1, 0.9);
        cairo_set_line_width(m_cr, std::max(2.0, size * 0.22));
        cairo_set_line_join(m_cr, CAIRO_LINE_JOIN_ROUND);
        cairo_stroke_preserve(m_cr);
        colour(c);
        cairo_fill(m_cr);
    } else {
        colour(c);
        cairo_show_text(m_cr, s.c_str());
    }
    cairo_restore(m_cr);
}

std::string Painter::svg_texts() const {
    std::ostringstream o;
    o << "<g id=\"labels\" font-family=\"'" << k_font << "', 'Noto Sans CJK', 'Source Han Sans SC', sans-serif\">\n";
    for (const auto& t : m_texts) {
        o << "<text x=\"" << fixed(t.x, 2) << "\" y=\"" << fixed(t.y, 2) << "\" font-size=\"" << fixed(t.size, 2)
          << "\"";
        if (t.weight == Weight::bold) o << " font-weight=\"bold\"";
        if (t.anchor != Anchor::start)
            o << " text-anchor=\"" << (t.anchor == Anchor::middle ? "middle" : "end") << "\"";
        o << " fill=\"" << css(t.colour) << "\"";
        if (t.halo) {
            o << " stroke=\"#ffffff\" stroke-opacity=\"0.9\" stroke-width=\"" << fixed(std::max(2.0, t.size * 0.22), 2)
              << "\" stroke-linejoin=\"round\" paint-order=\"stroke\"";
        }
        o << ">" << xml_escape(t.text) << "</text>\n";
    }
    o << "</g>\n";
    return o.str();
}

void check(cairo_status_t status, const char* what) {
    if (status != CAIRO_STATUS_SUCCESS) {
        throw Error(ErrorKind::io, std::string(what) + ": " + cairo_status_to_string(status));
    }
}

cairo_status_t append_bytes(void* closure, const unsigned char* data, unsigned int length) {
    auto* bytes = static_cast<std::vector<std::uint8_t>*>(closure);
    bytes->insert(bytes->end(), data, data + length);
    return CAIRO_STATUS_SUCCESS;
}

std::string css(Rgb c) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "#%02x%02x%02x", static_cast<unsigned>(std::lround(c.r * 255)),
                  static_cast<unsigned>(std::lround(c.g * 255)), static_cast<unsigned>(std::lround(c.b * 255)));
    return buf;
}

TypeStyle style_of(const std::string& type) {
    const output::palette::TypeMark mark = output::palette::mark_of(type);
    const double size = mark.symbol == Symbol::square || mark.symbol == Symbol::triangle ? 6.5
                        : mark.symbol == Symbol::diamond                                 ? 4.2
                                                                                         : 3.4;
    return {mark.symbol, hex(mark.colour), size};
}

/// Sequential ramp for plan years: light yellow-orange (first year) to dark red (last).
Rgb year_colour(int year, int first, int last) {
    constexpr std::array<Rgb, 5> ramp = {hex(output::palette::year_ramp[0]), hex(output::palette::year_ramp[1]),
                                         hex(output::palette::year_ramp[2]), hex(output::palette::year_ramp[3]),
                                         hex(output::palette::year_ramp[4])};
    const double t = last > first ? std::clamp(double(year - first) / double(last - first), 0.0, 1.0) : 0.0;
    const double pos = t * (ramp.size() - 1);
    const auto i = std::min<std::size_t>(static_cast<std::size_t>(pos), ramp.size() - 2);
    const double f = pos - double(i);
    return {ramp[i].r + (ramp[i + 1].r - ramp[i].r) * f, ramp[i].g + (ramp[i + 1].g - ramp[i].g) * f,
            ramp[i].b + (ramp[i + 1].b - ramp[i].b) * f};
}

void symbol(cairo_t* cr, Symbol s, double x, double y, double r) {
    switch (s) {
        case Symbol::square:
            cairo_rectangle(cr, x - r * 0.85, y - r * 0.85, r * 1.7, r * 1.7);
            break;
        case Symbol::triangle:
            cairo_move_to(cr, x, y - r * 1.1);
            cairo_line_to(cr, x + r, y + r * 0.7);
            cairo_line_to(cr, x - r, y + r * 0.7);
            cairo_close_path(cr);
            break;
        case Symbol::diamond:
            cairo_move_to(cr, x, y - r * 1.15);
            cairo_line_to(cr, x + r * 0.9, y);
            cairo_line_to(cr, x, y + r * 1.15);
            cairo_line_to(cr, x - r * 0.9, y);
            cairo_close_path(cr);
            break;
        case Symbol::circle:
            cairo_new_sub_path(cr);
            cairo_arc(cr, x, y, r, 0, 2 * M_PI);
            break;
    }
}

void draw_symbol(const Painter& p, const TypeStyle& st, double x, double y, double alpha, double scale) {
    cairo_t* cr = p.cr();
    symbol(cr, st.symbol, x, y, st.size * p.u() * scale);
    p.colour(st.colour, alpha);
    cairo_fill_preserve(cr);
    cairo_set_source_rgba(cr, 1, 1, 1, alpha);
    cairo_set_line_width(cr, 0.9 * p.u());
    cairo_stroke(cr);
}

/// Diagonal hatching of the current path (consumed), clipped to it.
void hatch(const Painter& p, double spacing, double width) {
    cairo_t* cr = p.cr();
    cairo_save(cr);
    cairo_clip(cr);
    double x1, y1, x2, y2;
    cairo_clip_extents(cr, &x1, &y1, &x2, &y2);
    if (x2 > x1 && y2 > y1) {
        // Lines x + y = c on a fixed grid (multiples of the spacing), so neighbouring gaps line up.
        const double c0 = std::floor((x1 + y1) / spacing) * spacing;
        for (double c = c0; c <= x2 + y2 + spacing; c += spacing) {
            cairo_move_to(cr, c - y1, y1);
            cairo_line_to(cr, c - y2, y2);
        }
        p.colour(k_gap, 0.6);
        cairo_set_line_width(cr, width);
        cairo_stroke(cr);
    }
    cairo_restore(cr);
}

}  // namespace scicov::report::detail
