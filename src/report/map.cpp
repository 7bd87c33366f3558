// Maps with Cairo: villages coloured by coverage of one type, gap polygons hatched, county and
// township borders, facilities by type, proposed sites by year, county names in Noto Sans CJK SC,
// legend, true scale bar (drawn in the CGCS2000 Gauss-Krueger zone of the map's centre), north
// arrow, title and date. PNG and SVG bytes depend only on the input and the options.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <cairo.h>
#include <cpl_conv.h>
#include <cpl_string.h>

#include "scicov/core.hpp"
#include "core/proj.hpp"

#include "scicov/report.hpp"
#include "output/palette.hpp"
#include "core/text.hpp"

namespace scicov::report {

namespace {

using core::fixed;
using core::xml_escape;

// --- RAII over Cairo ---------------------------------------------------------------------------

struct SurfaceDeleter {
    void operator()(cairo_surface_t* s) const noexcept { cairo_surface_destroy(s); }
};
struct ContextDeleter {
    void operator()(cairo_t* c) const noexcept { cairo_destroy(c); }
};
using SurfacePtr = std::unique_ptr<cairo_surface_t, SurfaceDeleter>;
using CairoPtr = std::unique_ptr<cairo_t, ContextDeleter>;

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

// --- colours and styles ------------------------------------------------------------------------

struct Rgb {
    double r, g, b;
};
constexpr Rgb hex(unsigned v) {
    return {((v >> 16) & 0xff) / 255.0, ((v >> 8) & 0xff) / 255.0, (v & 0xff) / 255.0};
}
std::string css(Rgb c) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "#%02x%02x%02x", static_cast<unsigned>(std::lround(c.r * 255)),
                  static_cast<unsigned>(std::lround(c.g * 255)), static_cast<unsigned>(std::lround(c.b * 255)));
    return buf;
}

constexpr Rgb k_covered = hex(output::palette::covered);
constexpr Rgb k_uncovered = hex(output::palette::uncovered);
constexpr Rgb k_gap = hex(output::palette::gap);
constexpr Rgb k_county = hex(output::palette::county);
constexpr Rgb k_township = hex(output::palette::township);
constexpr Rgb k_text = hex(output::palette::text);
constexpr Rgb k_muted = hex(0x5a5a5a);
constexpr Rgb k_frame = hex(0x6b6b6b);

using output::palette::Symbol;
struct TypeStyle {
    Symbol symbol;
    Rgb colour;
    double size;  // radius in base units
};
TypeStyle style_of(const std::string& type) {
    const output::palette::TypeMark mark = output::palette::mark_of(type);
    const double size = mark.symbol == Symbol::square || mark.symbol == Symbol::triangle ? 6.5
                        : mark.symbol == Symbol::diamond                                 ? 4.2
                                                                                         : 3.4;
    return {mark.symbol, hex(mark.colour), size};
}

/// Sequential ramp for plan years: light yellow-orange (first year) to dark red (last).
Rgb year_colour(int year, int first, int last) {
    constexpr std::array<Rgb, 5> ramp = {hex(output::palette::year_ramp[0]), hex(output::palette::year_ramp[1]), hex(output::palette::year_ramp[2]),
                                         hex(output::palette::year_ramp[3]), hex(output::palette::year_ramp[4])};
    const double t = last > first ? std::clamp(double(year - first) / double(last - first), 0.0, 1.0) : 0.0;
    const double pos = t * (ramp.size() - 1);
    const auto i = std::min<std::size_t>(static_cast<std::size_t>(pos), ramp.size() - 2);
    const double f = pos - double(i);
    return {ramp[i].r + (ramp[i + 1].r - ramp[i].r) * f, ramp[i].g + (ramp[i + 1].g - ramp[i].g) * f,
            ramp[i].b + (ramp[i + 1].b - ramp[i].b) * f};
}

constexpr const char* k_font = "Noto Sans CJK SC";



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

    void text(double x, double y, const std::string& s, double size, Rgb c, Anchor a = Anchor::start,
              Weight w = Weight::normal, bool halo = false) {
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

    /// The SVG elements of the recorded text, in drawing order.
    std::string svg_texts() const {
        std::ostringstream o;
        o << "<g id=\"labels\" font-family=\"'" << k_font << "', 'Noto Sans CJK', 'Source Han Sans SC', sans-serif\">\n";
        for (const auto& t : m_texts) {
            o << "<text x=\"" << fixed(t.x, 2) << "\" y=\"" << fixed(t.y, 2) << "\" font-size=\"" << fixed(t.size, 2) << "\"";
            if (t.weight == Weight::bold) o << " font-weight=\"bold\"";
            if (t.anchor != Anchor::start) o << " text-anchor=\"" << (t.anchor == Anchor::middle ? "middle" : "end") << "\"";
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

Box box_of(const Rings& rings) {
    Box b;
    for (const auto& r : rings) {
        for (const auto& p : r) b.add(p.lon, p.lat);
    }
    return b;
}

class View {
public:
    View(const proj::Transformer& t, Box projected, double left, double top, double width, double height)
        : m_t(t) {
        const double sx = width / (projected.max_x - projected.min_x);
        const double sy = height / (projected.max_y - projected.min_y);
        m_scale = std::min(sx, sy);
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

void draw_symbol(const Painter& p, const TypeStyle& st, double x, double y, double alpha = 1.0, double scale = 1.0) {
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

/// 1, 2 or 5 × 10^k metres, at most `max_m`.
double nice_length(double max_m) {
    const double k = std::pow(10.0, std::floor(std::log10(max_m)));
    for (double f : {5.0, 2.0, 1.0}) {
        if (f * k <= max_m) return f * k;
    }
    return k;
}

std::string km_label(double m) {
    const double km = m / 1000.0;
    if (km >= 1) return fixed(km, 0) + " km";
    return fixed(m, 0) + " m";
}

std::string percent(double share) { return fixed(share * 100.0, 1) + "%"; }

struct Layout {
    int width = 0, height = 0;
    double u = 1;
    double frame_x = 0, frame_y = 0, frame_w = 0, frame_h = 0;
    double legend_x = 0;
};

/// The counties in view and the place name for the title.
struct Focus {
    std::set<std::string> counties;
    std::string place;
};

Focus focus_of(const Output& out, const std::string& prefix) {
    Focus f;
    std::vector<std::string> names;
    for (const auto& c : out.counties) {
        if (c.code.rfind(prefix, 0) == 0) {
            f.counties.insert(c.code);
            names.push_back(c.name);
        }
    }
    if (f.counties.empty()) {
        throw Error(ErrorKind::usage, "--county " + prefix + ": no county in " + out.file + " has a code starting so");
    }
    if (names.size() <= 3) {
        for (std::size_t i = 0; i < names.size(); ++i) f.place += (i ? "、" : "") + names[i];
    } else {
        f.place = names[0] + "、" + names[1] + "等 " + std::to_string(names.size()) + " 个县(市、区)";
    }
    return f;
}

void render(const Output& out, const MapOptions& options, cairo_t* cr, Painter& p, const Layout& lay, const Focus& focus,
            const proj::Transformer& t, const Box& projected, int zone) {
    const double u = lay.u;
    const std::string& type = options.type;
    const auto in_focus = [&focus](const std::string& county) { return focus.counties.count(county) > 0; };

    // Background and title.
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    const std::string title = options.title.empty() ? focus.place + " " + type_name_zh(type) + "覆盖现状与规划布点图"
                                                    : options.title;
    p.text(lay.frame_x, 40 * u, title, 26 * u, k_text, Anchor::start, Weight::bold);
    p.text(lay.frame_x, 68 * u,
           type + " · " + std::to_string(focus.counties.size()) + " 个县(市、区) · " + "CGCS2000 3° Gauss-Krüger CM " +
               fixed(crs::gk_central_meridian(zone), 0) + "°E (EPSG:" + std::to_string(zone) + ")",
           14 * u, k_muted);
    p.text(lay.legend_x + (lay.width - lay.legend_x - 24 * u), 68 * u, "制图日期 " + options.date, 14 * u, k_muted,
           Anchor::end);

    View view(t, projected, lay.frame_x, lay.frame_y, lay.frame_w, lay.frame_h);
    // Smaller symbols on small-scale maps (more than ~150 m a pixel at 1600 px), so places stay legible.
    const double detail = std::clamp(0.15 / (1.0 / view.px_per_m() / 1000.0 / u), 0.45, 1.0);
    Box view_ll;  // the lon/lat box of the frame, to skip what lies outside
    {
        const double padx = projected.max_x - projected.min_x, pady = projected.max_y - projected.min_y;
        std::array<double, 4> xs = {projected.min_x - padx, projected.max_x + padx, projected.min_x - padx, projected.max_x + padx};
        std::array<double, 4> ys = {projected.min_y - pady, projected.min_y - pady, projected.max_y + pady, projected.max_y + pady};
        t.inverse(xs, ys);
        for (std::size_t i = 0; i < 4; ++i) view_ll.add(xs[i], ys[i]);
    }
    const auto visible = [&view_ll](const Rings& r) { return view_ll.intersects(box_of(r)); };
    const auto visible_point = [&view_ll](crs::LonLat q) {
        return q.lon >= view_ll.min_x && q.lon <= view_ll.max_x && q.lat >= view_ll.min_y && q.lat <= view_ll.max_y;
    };

    cairo_save(cr);
    cairo_rectangle(cr, lay.frame_x, lay.frame_y, lay.frame_w, lay.frame_h);
    cairo_clip(cr);
    cairo_set_source_rgb(cr, 0.965, 0.969, 0.973);  // outside the data: pale grey
    cairo_paint(cr);

    // Villages by coverage.
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    for (const auto& v : out.villages) {
        if (!visible(v.rings)) continue;
        const auto it = v.covered.find(type);
        const bool covered = it != v.covered.end() && it->second != 0;
        cairo_new_path(cr);
        view.path(cr, v.rings);
        p.colour(covered ? k_covered : k_uncovered);
        cairo_fill_preserve(cr);
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_set_line_width(cr, 0.5 * u);
        cairo_stroke(cr);
    }
    // Gaps of the type, hatched.
    for (const auto& g : out.gaps) {
        if (g.type != type || !visible(g.rings)) continue;
        cairo_new_path(cr);
        view.path(cr, g.rings);
        hatch(p, 6 * u, 0.9 * u);
        cairo_new_path(cr);
        view.path(cr, g.rings);
        p.colour(k_gap, 0.7);
        cairo_set_line_width(cr, 0.7 * u);
        cairo_stroke(cr);
    }
    // Townships.
    for (const auto& tw : out.townships) {
        if (!visible(tw.rings)) continue;
        cairo_new_path(cr);
        view.path(cr, tw.rings);
        p.colour(k_township, 0.9);
        cairo_set_line_width(cr, 0.8 * u);
        const std::array<double, 2> dash = {4 * u, 2.5 * u};
        cairo_set_dash(cr, dash.data(), 2, 0);
        cairo_stroke(cr);
        cairo_set_dash(cr, nullptr, 0, 0);
    }
    // Counties outside the focus are veiled; every county border is drawn.
    for (const auto& c : out.counties) {
        if (in_focus(c.code) || !visible(c.rings)) continue;
        cairo_new_path(cr);
        view.path(cr, c.rings);
        cairo_set_source_rgba(cr, 1, 1, 1, 0.6);
        cairo_fill(cr);
    }
    for (const auto& c : out.counties) {
        if (!visible(c.rings)) continue;
        cairo_new_path(cr);
        view.path(cr, c.rings);
        cairo_set_line_width(cr, (in_focus(c.code) ? 2.2 : 1.2) * u);
        p.colour(k_county, in_focus(c.code) ? 1.0 : 0.5);
        cairo_stroke(cr);
    }

    // Existing facilities: the map's type, plus museums and bases (few, the anchors of a county).
    std::vector<std::string> drawn_types;
    for (const auto& ty : out.types) {
        if (ty == type || ty == "science_museum" || ty == "science_base") drawn_types.push_back(ty);
    }
    // Denser types first, so museums stay on top.
    for (auto it = drawn_types.rbegin(); it != drawn_types.rend(); ++it) {
        const TypeStyle st = style_of(*it);
        for (const auto& f : out.facilities) {
            if (f.type != *it || f.status == "planned" || !visible_point(f.at)) continue;
            const crs::XY d = view.device(f.at);
            draw_symbol(p, st, d.x, d.y, in_focus(f.county_code) ? 1.0 : 0.35, detail);
        }
    }

    // Proposed sites by year.
    int first_year = 0, last_year = 0, sites_in_view = 0;
    for (const auto& s : out.sites) {
        if (s.type != type || !in_focus(s.county_code)) continue;
        first_year = first_year == 0 ? s.year : std::min(first_year, s.year);
        last_year = std::max(last_year, s.year);
        ++sites_in_view;
    }
    const bool label_sites = sites_in_view > 0 && sites_in_view <= 80;
    {
        std::vector<const Output::Site*> order;
        for (const auto& s : out.sites) {
            if (s.type == type && in_focus(s.county_code)) order.push_back(&s);
        }
        // Later years below earlier ones.
        std::stable_sort(order.begin(), order.end(), [](auto* a, auto* b) { return a->year > b->year; });
        const double r = 5.2 * u * detail;
        for (const auto* s : order) {
            const crs::XY d = view.device(s->at);
            cairo_new_path(cr);
            cairo_arc(cr, d.x, d.y, r, 0, 2 * M_PI);
            p.colour(year_colour(s->year, first_year, last_year));
            cairo_fill_preserve(cr);
            cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
            cairo_set_line_width(cr, 1.1 * u * detail);
            cairo_stroke(cr);
        }
        if (label_sites) {
            // Ranks in order, each where it does not overlap one already placed (right, left, above, below).
            std::vector<Box> placed;
            std::vector<const Output::Site*> by_rank = order;
            std::stable_sort(by_rank.begin(), by_rank.end(), [](auto* a, auto* b) { return a->rank < b->rank; });
            const double fs = 11 * u;
            for (const auto* s : by_rank) {
                const crs::XY d = view.device(s->at);
                const std::string label = std::to_string(s->rank);
                const double w = p.text_width(label, fs, Weight::bold);
                const std::array<crs::XY, 4> spots = {crs::XY{d.x + r + 2 * u, d.y + fs * 0.35},
                                                      crs::XY{d.x - r - 2 * u - w, d.y + fs * 0.35},
                                                      crs::XY{d.x - w / 2, d.y - r - 2 * u},
                                                      crs::XY{d.x - w / 2, d.y + r + fs}};
                for (const auto& at : spots) {
                    Box b;
                    b.add(at.x, at.y - fs * 0.85);
                    b.add(at.x + w, at.y + fs * 0.15);
                    if (std::any_of(placed.begin(), placed.end(), [&b](const Box& o) { return o.intersects(b); })) continue;
                    placed.push_back(b);
                    p.text(at.x, at.y, label, fs, k_text, Anchor::start, Weight::bold, true);
                    break;
                }
            }
        }
    }

    // County names: focus counties first, each only where it does not overlap one already placed.
    {
        std::vector<Box> placed;
        for (const bool focus_pass : {true, false}) {
            for (const auto& c : out.counties) {
                const bool f = in_focus(c.code);
                if (f != focus_pass || !visible_point(c.label)) continue;
                const crs::XY d = view.device(c.label);
                const double size = (f ? 17 : 13) * u;
                const double w = p.text_width(c.name, size, Weight::bold);
                const double margin = 70 * u;
                if (!f && (d.x < lay.frame_x + margin || d.x > lay.frame_x + lay.frame_w - margin ||
                           d.y < lay.frame_y + margin || d.y > lay.frame_y + lay.frame_h - margin)) {
                    continue;  // a neighbour's name would be cut by the frame
                }
                Box b;
                b.add(d.x - w / 2 - 2 * u, d.y - size);
                b.add(d.x + w / 2 + 2 * u, d.y + size * 0.25);
                if (std::any_of(placed.begin(), placed.end(), [&b](const Box& o) { return o.intersects(b); })) continue;
                placed.push_back(b);
                p.text(d.x, d.y, c.name, size, f ? k_text : k_muted, Anchor::middle, Weight::bold, true);
            }
        }
    }
    cairo_restore(cr);

    // Frame.
    cairo_rectangle(cr, lay.frame_x, lay.frame_y, lay.frame_w, lay.frame_h);
    p.colour(k_frame);
    cairo_set_line_width(cr, 1.2 * u);
    cairo_stroke(cr);

    // North arrow, pointing to true north (grid convergence of the zone at the centre).
    {
        const double cx = lay.frame_x + lay.frame_w - 40 * u, cy = lay.frame_y + 58 * u;
        const double mx = (projected.min_x + projected.max_x) / 2, my = (projected.min_y + projected.max_y) / 2;
        std::array<double, 1> xs = {mx}, ys = {my};
        t.inverse(xs, ys);
        ys[0] += 0.05;
        t.forward(xs, ys);
        const double angle = std::atan2(xs[0] - mx, ys[0] - my);
        cairo_save(cr);
        cairo_translate(cr, cx, cy);
        cairo_set_source_rgba(cr, 1, 1, 1, 0.85);
        cairo_arc(cr, 0, 0, 24 * u, 0, 2 * M_PI);
        cairo_fill(cr);
        cairo_rotate(cr, angle);
        const double h = 18 * u, w = 8 * u;
        cairo_move_to(cr, 0, -h);
        cairo_line_to(cr, w, h * 0.6);
        cairo_line_to(cr, 0, h * 0.25);
        cairo_close_path(cr);
        p.colour(k_text);
        cairo_fill(cr);
        cairo_move_to(cr, 0, -h);
        cairo_line_to(cr, -w, h * 0.6);
        cairo_line_to(cr, 0, h * 0.25);
        cairo_close_path(cr);
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_fill_preserve(cr);
        p.colour(k_text);
        cairo_set_line_width(cr, 1.1 * u);
        cairo_stroke(cr);
        cairo_restore(cr);
        p.text(cx, cy - 27 * u, "N 北", 13 * u, k_text, Anchor::middle, Weight::bold, true);
    }

    // Scale bar: true length in the Gauss-Krueger plane (scale error ≤ 0.1% within a zone).
    {
        const double max_m = (lay.frame_w * 0.28) / view.px_per_m();
        const double len_m = nice_length(max_m);
        const double len_px = len_m * view.px_per_m();
        const double x = lay.frame_x + 22 * u, y = lay.frame_y + lay.frame_h - 30 * u, h = 7 * u;
        cairo_set_source_rgba(cr, 1, 1, 1, 0.85);
        cairo_rectangle(cr, x - 12 * u, y - 30 * u, len_px + 24 * u + 40 * u, 50 * u);
        cairo_fill(cr);
        for (int i = 0; i < 4; ++i) {
            cairo_rectangle(cr, x + len_px * i / 4, y, len_px / 4, h);
            if (i % 2 == 0) {
                p.colour(k_text);
            } else {
                cairo_set_source_rgb(cr, 1, 1, 1);
            }
            cairo_fill(cr);
        }
        cairo_rectangle(cr, x, y, len_px, h);
        p.colour(k_text);
        cairo_set_line_width(cr, 1.0 * u);
        cairo_stroke(cr);
        p.text(x, y - 6 * u, "0", 12 * u, k_text, Anchor::middle);
        p.text(x + len_px / 2, y - 6 * u, km_label(len_m / 2), 12 * u, k_text, Anchor::middle);
        p.text(x + len_px, y - 6 * u, km_label(len_m), 12 * u, k_text, Anchor::middle);
        p.text(x, y + h + 14 * u, "比例尺 Scale (Gauss-Krüger)", 10.5 * u, k_muted);
    }

    // Legend.
    double x = lay.legend_x, y = lay.frame_y + 8 * u;
    const double sw = 30 * u, sh = 18 * u, line = 30 * u, fs = 14 * u;
    const auto heading = [&](const std::string& s) {
        y += 10 * u;
        p.text(x, y + 14 * u, s, 15.5 * u, k_text, Anchor::start, Weight::bold);
        y += 30 * u;
    };
    const auto row = [&](const std::string& label, auto&& draw_swatch) {
        draw_swatch(x, y, sw, sh);
        p.text(x + sw + 10 * u, y + sh * 0.5 + fs * 0.36, label, fs, k_text);
        y += line;
    };
    const auto fill_swatch = [&](Rgb c) {
        return [&p, c, cr](double sx, double sy, double w, double hh) {
            cairo_rectangle(cr, sx, sy, w, hh);
            p.colour(c);
            cairo_fill_preserve(cr);
            p.colour(k_frame, 0.6);
            cairo_set_line_width(cr, 0.8 * p.u());
            cairo_stroke(cr);
        };
    };
    p.text(x, y + 18 * u, "图例 Legend", 19 * u, k_text, Anchor::start, Weight::bold);
    y += 30 * u;
    heading("覆盖 Coverage · " + type_name_zh(type));
    std::size_t n_cov = 0, n_all = 0;
    for (const auto& v : out.villages) {
        if (!in_focus(v.county_code)) continue;
        ++n_all;
        const auto it = v.covered.find(type);
        if (it != v.covered.end() && it->second != 0) ++n_cov;
    }
    row("已覆盖 covered (" + std::to_string(n_cov) + ")", fill_swatch(k_covered));
    row("未覆盖 not covered (" + std::to_string(n_all - n_cov) + ")", fill_swatch(k_uncovered));
    row("覆盖缺口 gap (区域)", [&](double sx, double sy, double w, double hh) {
        cairo_rectangle(cr, sx, sy, w, hh);
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_fill(cr);
        cairo_rectangle(cr, sx, sy, w, hh);
        hatch(p, 6 * u, 0.9 * u);
        cairo_rectangle(cr, sx, sy, w, hh);
        p.colour(k_gap, 0.7);
        cairo_set_line_width(cr, 0.8 * u);
        cairo_stroke(cr);
    });
    heading("界线 Boundaries");
    row("县(市、区)界 county", [&](double sx, double sy, double w, double hh) {
        cairo_move_to(cr, sx, sy + hh / 2);
        cairo_line_to(cr, sx + w, sy + hh / 2);
        p.colour(k_county);
        cairo_set_line_width(cr, 2.2 * u);
        cairo_stroke(cr);
    });
    row("乡镇(街道)界 township", [&](double sx, double sy, double w, double hh) {
        cairo_move_to(cr, sx, sy + hh / 2);
        cairo_line_to(cr, sx + w, sy + hh / 2);
        p.colour(k_township);
        cairo_set_line_width(cr, 0.9 * u);
        const std::array<double, 2> dash = {4 * u, 2.5 * u};
        cairo_set_dash(cr, dash.data(), 2, 0);
        cairo_stroke(cr);
        cairo_set_dash(cr, nullptr, 0, 0);
    });
    heading("现有设施 Existing");
    for (const auto& ty : drawn_types) {
        std::size_t n = 0;
        for (const auto& f : out.facilities) {
            if (f.type == ty && f.status != "planned" && in_focus(f.county_code)) ++n;
        }
        const TypeStyle st = style_of(ty);
        row(type_name_zh(ty) + " (" + std::to_string(n) + ")",
            [&](double sx, double sy, double w, double hh) { draw_symbol(p, st, sx + w / 2, sy + hh / 2); });
    }
    heading("规划新增 Proposed (" + std::to_string(sites_in_view) + ")");
    if (sites_in_view == 0) {
        p.text(x, y + 12 * u, "无 none", fs, k_muted);
        y += line;
    } else {
        // Up to six classes of years, equal steps; a site's colour follows its year on the ramp.
        const int span = last_year - first_year + 1;
        const int classes = std::min(span, 6);
        for (int k = 0; k < classes; ++k) {
            const int y0 = first_year + span * k / classes;
            const int y1 = first_year + span * (k + 1) / classes - 1;
            std::size_t n = 0;
            for (const auto& s : out.sites) {
                if (s.type == type && in_focus(s.county_code) && s.year >= y0 && s.year <= y1) ++n;
            }
            const std::string label = (y0 == y1 ? std::to_string(y0) : std::to_string(y0) + "–" + std::to_string(y1)) +
                                      " 年 (" + std::to_string(n) + ")";
            const Rgb c = year_colour(y0, first_year, last_year);
            row(label, [&](double sx, double sy, double w, double hh) {
                cairo_new_path(cr);
                cairo_arc(cr, sx + w / 2, sy + hh / 2, 5.2 * u, 0, 2 * M_PI);
                p.colour(c);
                cairo_fill_preserve(cr);
                cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
                cairo_set_line_width(cr, 1.1 * u);
                cairo_stroke(cr);
            });
        }
        if (label_sites) {
            p.text(x, y + 12 * u, "数字: 建设顺序 rank", 12.5 * u, k_muted);
            y += 22 * u;
        }
    }

    // Key figures for the counties in view.
    heading("指标 Figures");
    int met = 0, met_after = 0, counties_with_plan = 0;
    for (const auto& c : out.counties) {
        if (!in_focus(c.code)) continue;
        const auto get = [&c](const std::string& k, double fallback) {
            const auto it = c.values.find(k);
            return it == c.values.end() ? fallback : it->second;
        };
        counties_with_plan += c.values.count("share_after_" + type) > 0 ? 1 : 0;
        met += get("met_" + type, 0) != 0 ? 1 : 0;
        met_after += get("met_after_" + type, get("met_" + type, 0)) != 0 ? 1 : 0;
    }
    const std::string n_counties = std::to_string(focus.counties.size());
    p.text(x, y + 12 * u, "村(社区)覆盖 " + percent(n_all ? double(n_cov) / double(n_all) : 0.0), fs, k_text);
    y += 24 * u;
    p.text(x, y + 12 * u, "达标县 met: " + std::to_string(met) + " / " + n_counties, fs, k_text);
    y += 24 * u;
    if (counties_with_plan > 0) {
        p.text(x, y + 12 * u, "规划后达标 after: " + std::to_string(met_after) + " / " + n_counties, fs, k_text);
        y += 24 * u;
    }

    // Source line at the bottom.
    p.text(lay.frame_x, lay.height - 14 * u,
           "数据: " + std::filesystem::path(out.file).filename().string() + " · scicov " + SCICOV_VERSION +
               " · 覆盖规则与目标见报告 run 表 · 边界为示意, 不作为权属争议依据",
           11 * u, k_muted);
}

Layout layout_for(const Box& projected, int width) {
    Layout lay;
    lay.width = width;
    lay.u = width / 1600.0;
    const double u = lay.u;
    const double legend_w = 330 * u;
    lay.frame_x = 24 * u;
    lay.frame_y = 88 * u;
    lay.frame_w = width - legend_w - lay.frame_x - 24 * u;
    const double aspect = (projected.max_y - projected.min_y) / (projected.max_x - projected.min_x);
    lay.frame_h = std::clamp(lay.frame_w * aspect, 820 * u, lay.frame_w * 1.35);
    lay.legend_x = lay.frame_x + lay.frame_w + 24 * u;
    lay.height = static_cast<int>(std::lround(lay.frame_y + lay.frame_h + 36 * u));
    return lay;
}

/// Cairo's SVG surface numbers its surfaces from a process-wide counter; renumber them in order
/// of appearance so that the bytes depend on the map alone.
std::string renumber_svg_ids(const std::string& svg) {
    std::string out;
    out.reserve(svg.size());
    std::map<std::string, int> ids;
    const std::string key = "surface";
    std::size_t pos = 0;
    while (true) {
        const std::size_t hit = svg.find(key, pos);
        if (hit == std::string::npos) break;
        std::size_t end = hit + key.size();
        while (end < svg.size() && std::isdigit(static_cast<unsigned char>(svg[end]))) ++end;
        out.append(svg, pos, hit - pos);
        if (end == hit + key.size()) {
            out += key;
        } else {
            const std::string num = svg.substr(hit + key.size(), end - hit - key.size());
            const auto it = ids.emplace(num, static_cast<int>(ids.size()) + 1).first;
            out += key + std::to_string(it->second);
        }
        pos = end;
    }
    out.append(svg, pos, std::string::npos);
    return out;
}

}  // namespace

Format format_for(const std::filesystem::path& file) {
    std::string ext = file.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (ext == ".png") return Format::png;
    if (ext == ".svg") return Format::svg;
    if (ext == ".pdf") return Format::pdf;
    throw Error(ErrorKind::usage, "cannot tell the map format from '" + file.string() + "': use .png, .svg or .pdf");
}

std::vector<std::uint8_t> render_map(const Output& out, const MapOptions& options, Format format) {
    if (std::find(out.types.begin(), out.types.end(), options.type) == out.types.end()) {
        std::string known;
        for (const auto& t : out.types) known += (known.empty() ? "" : ", ") + t;
        throw Error(ErrorKind::usage, "--type " + options.type + ": not a type of " + out.file + " (" + known + ")");
    }
    if (options.width_px < 300 || options.width_px > 12000) {
        throw Error(ErrorKind::usage, "--width " + std::to_string(options.width_px) + ": use 300 to 12000 pixels");
    }
    const Focus focus = focus_of(out, options.county);

    // The extent: the focus counties (or, without polygons, their villages), in lon/lat.
    Box ll;
    for (const auto& c : out.counties) {
        if (focus.counties.count(c.code) == 0) continue;
        const Box b = box_of(c.rings);
        if (!b.empty()) {
            ll.add(b.min_x, b.min_y);
            ll.add(b.max_x, b.max_y);
        }
    }
    for (const auto& v : out.villages) {
        if (focus.counties.count(v.county_code) == 0) continue;
        const Box b = box_of(v.rings);
        if (!b.empty()) {
            ll.add(b.min_x, b.min_y);
            ll.add(b.max_x, b.max_y);
        }
    }
    if (ll.empty()) throw Error(ErrorKind::input, "nothing to draw: the counties in view have no geometry", Context{out.file, {}, {}, {}});
    const int zone = crs::gk_zone_epsg((ll.min_x + ll.max_x) / 2);
    const proj::Transformer t(crs::k_output_crs, crs::epsg(zone));
    Box projected;
    for (const auto& c : out.counties) {
        if (focus.counties.count(c.code) == 0) continue;
        for (const auto& r : c.rings) {
            std::vector<double> xs, ys;
            for (const auto& q : r) {
                xs.push_back(q.lon);
                ys.push_back(q.lat);
            }
            t.forward(xs, ys);
            for (std::size_t i = 0; i < xs.size(); ++i) projected.add(xs[i], ys[i]);
        }
    }
    if (projected.empty()) {
        std::array<double, 2> xs = {ll.min_x, ll.max_x}, ys = {ll.min_y, ll.max_y};
        t.forward(xs, ys);
        projected.add(xs[0], ys[0]);
        projected.add(xs[1], ys[1]);
    }
    // Pad by 4% (at least 500 m) so borders do not touch the frame.
    const double pad = std::max(500.0, 0.04 * std::max(projected.max_x - projected.min_x, projected.max_y - projected.min_y));
    projected.min_x -= pad;
    projected.min_y -= pad;
    projected.max_x += pad;
    projected.max_y += pad;

    const Layout lay = layout_for(projected, options.width_px);
    std::vector<std::uint8_t> bytes;
    SurfacePtr surface;
    switch (format) {
    case Format::png:
        surface.reset(cairo_image_surface_create(CAIRO_FORMAT_RGB24, lay.width, lay.height));
        break;
    case Format::svg:
        surface.reset(cairo_svg_surface_create_for_stream(append_bytes, &bytes, lay.width, lay.height));
        cairo_svg_surface_restrict_to_version(surface.get(), CAIRO_SVG_VERSION_1_1);
        break;
    case Format::pdf: {
        // Points: a page as many points wide as the map has pixels would be 56 cm; scale to A3-ish.
        surface.reset(cairo_pdf_surface_create_for_stream(append_bytes, &bytes, lay.width * 0.75, lay.height * 0.75));
        const std::string stamp = options.date.empty() ? "2000-01-01T00:00:00" : options.date + "T00:00:00";
        cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATE_DATE, stamp.c_str());
        cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_MOD_DATE, stamp.c_str());
        cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATOR, "scicov");
        cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_TITLE,
                                       (type_name_zh(options.type) + " " + focus.place).c_str());
        break;
    }
    }
    check(cairo_surface_status(surface.get()), "cannot create the map surface");
    std::string labels;
    {
        CairoPtr cr(cairo_create(surface.get()));
        check(cairo_status(cr.get()), "cannot draw the map");
        if (format == Format::pdf) cairo_scale(cr.get(), 0.75, 0.75);
        Painter painter(cr.get(), lay.u, format == Format::svg);
        render(out, options, cr.get(), painter, lay, focus, t, projected, zone);
        check(cairo_status(cr.get()), "cannot draw the map");
        if (format == Format::svg) labels = painter.svg_texts();
    }
    if (format == Format::png) {
        cairo_surface_flush(surface.get());
        check(cairo_surface_write_to_png_stream(surface.get(), append_bytes, &bytes), "cannot write the PNG");
        return bytes;
    }
    cairo_surface_finish(surface.get());
    check(cairo_surface_status(surface.get()), "cannot write the map");
    if (format == Format::svg) {
        std::string svg(bytes.begin(), bytes.end());
        svg = renumber_svg_ids(svg);
        const std::size_t close = svg.rfind("</svg>");
        if (close == std::string::npos) throw Error(ErrorKind::internal, "Cairo wrote an SVG without </svg>");
        svg.insert(close, labels);
        return {svg.begin(), svg.end()};
    }
    return bytes;
}

void write_map(const Output& out, const MapOptions& options, const std::filesystem::path& file) {
    const Format format = format_for(file);
    const std::vector<std::uint8_t> bytes = render_map(out, options, format);
    const std::filesystem::path tmp = file.string() + ".tmp-scicov";
    {
        std::ofstream o(tmp, std::ios::binary | std::ios::trunc);
        if (!o) throw Error(ErrorKind::io, "cannot write the map", Context{file.string(), {}, {}, {}});
        o.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
        o.close();
        if (!o) {
            std::error_code ec;
            std::filesystem::remove(tmp, ec);
            throw Error(ErrorKind::io, "cannot write the map", Context{file.string(), {}, {}, {}});
        }
    }
    std::error_code ec;
    std::filesystem::rename(tmp, file, ec);
    if (ec) {
        std::filesystem::remove(tmp, ec);
        throw Error(ErrorKind::io, "cannot write the map: " + ec.message(), Context{file.string(), {}, {}, {}});
    }
}

std::string resolve_date(const std::optional<std::string>& date, const char* source_date_epoch) {
    if (date) {
        int y = 0, m = 0, d = 0;
        char tail = 0;
        if (date->size() != 10 || std::sscanf(date->c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || m < 1 || m > 12 ||
            d < 1 || d > 31) {
            throw Error(ErrorKind::usage, "--date " + *date + ": use YYYY-MM-DD");
        }
        return *date;
    }
    std::time_t when = std::time(nullptr);
    if (source_date_epoch != nullptr && *source_date_epoch != '\0') {
        char* end = nullptr;
        const long long v = std::strtoll(source_date_epoch, &end, 10);
        if (end == nullptr || *end != '\0' || v < 0) {
            throw Error(ErrorKind::usage, std::string("SOURCE_DATE_EPOCH=") + source_date_epoch + ": not a number of seconds");
        }
        when = static_cast<std::time_t>(v);
    }
    std::tm tm{};
    gmtime_r(&when, &tm);
    char buf[16];
    std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
    return buf;
}

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
        throw Error(ErrorKind::input, std::string("not a PNG: ") + cairo_status_to_string(cairo_surface_status(surface.get())));
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

}  // namespace scicov::report
