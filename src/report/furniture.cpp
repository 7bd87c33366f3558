// The map's furniture around the frame: title, frame, north arrow, scale bar, source line.
#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <set>
#include <sstream>

#include "core/text.hpp"
#include "report/map_scene.hpp"

namespace scicov::report::detail {

namespace {

using core::fixed;

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

/// "1:250 000": the ratio scale with thin spaces between thousands, as printed maps write it.
std::string ratio_text(double n) {
    std::string digits = fixed(n, 0), out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ' ';
        out += digits[i];
    }
    return "1:" + out;
}

/// The data sources: the run's inputs (file names) and role overrides, as the run table holds them.
std::string sources_text(const Output& out) {
    std::string sources;
    for (const char* key : {"inputs", "layer_overrides"}) {
        std::istringstream words(out.run_value(key));
        for (std::string w; words >> w;) {
            const std::size_t eq = w.find('=');
            const std::string role = eq == std::string::npos ? "" : w.substr(0, eq + 1);
            const std::string path = eq == std::string::npos ? w : w.substr(eq + 1);
            sources += (sources.empty() ? "" : "、") + role + std::filesystem::path(path).filename().string();
        }
    }
    return sources.empty() ? std::filesystem::path(out.file).filename().string() : sources;
}

}  // namespace

/// White background; title, the type and projection, the date.
void draw_title(const MapScene& scene) {
    cairo_t* cr = scene.cr;
    Painter& p = scene.p;
    const Layout& lay = scene.lay;
    const double u = lay.u;
    const Focus& focus = scene.focus;
    const std::string& type = scene.options.type;
    const int zone = scene.zone;
    const MapOptions& options = scene.options;
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    const std::string title =
        options.title.empty() ? focus.place + " " + scene.out.type_name(type) + "覆盖现状与规划布点图" : options.title;
    p.text(lay.frame_x, 40 * u, title, 26 * u, k_text, Anchor::start, Weight::bold);
    p.text(lay.frame_x, 68 * u,
           type + " · " + std::to_string(focus.counties.size()) + " 个县(市、区) · " + "CGCS2000 3° Gauss-Krüger CM " +
               fixed(crs::gk_central_meridian(zone), 0) + "°E (EPSG:" + std::to_string(zone) + ")",
           14 * u, k_muted);
}

void draw_frame(const MapScene& scene) {
    cairo_t* cr = scene.cr;
    const Painter& p = scene.p;
    const Layout& lay = scene.lay;
    const double u = lay.u;
    cairo_rectangle(cr, lay.frame_x, lay.frame_y, lay.frame_w, lay.frame_h);
    p.colour(k_frame);
    cairo_set_line_width(cr, 1.2 * u);
    cairo_stroke(cr);
}

/// Points to true north (grid convergence of the zone at the centre).
void draw_north_arrow(const MapScene& scene) {
    cairo_t* cr = scene.cr;
    Painter& p = scene.p;
    const Layout& lay = scene.lay;
    const double u = lay.u;
    const Box& projected = scene.projected;
    const proj::Transformer& t = scene.t;
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

/// True length in the Gauss-Krueger plane (scale error ≤ 0.1% within a zone).
void draw_scale_bar(const MapScene& scene) {
    cairo_t* cr = scene.cr;
    Painter& p = scene.p;
    const Layout& lay = scene.lay;
    const double u = lay.u;
    const View& view = scene.view;
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
    p.text(x, y + h + 14 * u,
           lay.scale_n > 0 ? "比例尺 " + ratio_text(lay.scale_n) : std::string("比例尺 Scale (Gauss-Krüger)"), 10.5 * u,
           k_muted);
}

/// The locator: the focus counties (dark) among the other counties of their cities, or of the
/// whole file when the focus spans several cities, in the frame's lower right corner. Drawn on a
/// local plane (longitude scaled by the cosine of the latitude): it shows where, not how far.
void draw_locator(const MapScene& scene) {
    const Output& out = scene.out;
    if (scene.focus.counties.size() >= out.counties.size()) return;  // the map shows every county already
    std::set<std::string> cities;
    for (const auto& c : scene.focus.counties) cities.insert(c.substr(0, 4));
    // The whole file when the focus spans several cities or is a whole city: red on red says nothing.
    const bool whole_city = std::all_of(out.counties.begin(), out.counties.end(), [&](const Output::Unit& c) {
        return cities.count(c.code.substr(0, 4)) == 0 || scene.in_focus(c.code);
    });
    const bool whole_file = cities.size() > 1 || whole_city;
    const auto shown = [&](const Output::Unit& c) { return whole_file || cities.count(c.code.substr(0, 4)) != 0; };
    Box ll;
    for (const auto& c : out.counties) {
        const Box b = box_of(c.rings);
        if (!shown(c) || b.empty()) continue;
        ll.add(b.min_x, b.min_y);
        ll.add(b.max_x, b.max_y);
    }
    if (ll.empty()) return;
    cairo_t* cr = scene.cr;
    Painter& p = scene.p;
    const Layout& lay = scene.lay;
    const double u = lay.u;
    const double k = std::cos((ll.min_y + ll.max_y) / 2 * M_PI / 180.0);
    const double side = 190 * u, margin = 10 * u;
    const double sx = side / ((ll.max_x - ll.min_x) * k), sy = side / (ll.max_y - ll.min_y);
    const double s = std::min(sx, sy);
    const double top = 18 * u;  // the caption's line
    const double w = (ll.max_x - ll.min_x) * k * s + 2 * margin, h = (ll.max_y - ll.min_y) * s + 2 * margin + top;
    const double x0 = lay.frame_x + lay.frame_w - w - 10 * u, y0 = lay.frame_y + lay.frame_h - h - 10 * u;
    cairo_rectangle(cr, x0, y0, w, h);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_fill_preserve(cr);
    p.colour(k_frame);
    cairo_set_line_width(cr, 1.0 * u);
    cairo_stroke(cr);
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
    for (const bool focus_pass : {false, true}) {
        for (const auto& c : out.counties) {
            if (!shown(c) || scene.in_focus(c.code) != focus_pass) continue;
            cairo_new_path(cr);
            for (const auto& ring : c.rings) {
                for (std::size_t i = 0; i < ring.size(); ++i) {
                    const double x = x0 + margin + (ring[i].lon - ll.min_x) * k * s;
                    const double y = y0 + top + margin + (ll.max_y - ring[i].lat) * s;
                    i == 0 ? cairo_move_to(cr, x, y) : cairo_line_to(cr, x, y);
                }
                cairo_close_path(cr);
            }
            p.colour(focus_pass ? k_gap : hex(0xdcdcdc));
            cairo_fill_preserve(cr);
            cairo_set_source_rgb(cr, 1, 1, 1);
            cairo_set_line_width(cr, 0.6 * u);
            cairo_stroke(cr);
        }
    }
    p.text(x0 + 6 * u, y0 + 14 * u, whole_file ? "位置 全部县(市、区)" : "位置 所在市", 10.5 * u, k_muted);
}

void draw_footer(const MapScene& scene) {
    Painter& p = scene.p;
    const Layout& lay = scene.lay;
    const double u = lay.u;
    const Output& out = scene.out;
    const MapOptions& options = scene.options;
    const std::string org = options.org.empty() ? "＿＿＿＿＿＿＿＿＿＿＿＿" : options.org;
    std::string first = "制图单位: " + org + "    制图日期: " + options.date;
    if (lay.scale_n > 0) first += "    比例尺 " + ratio_text(lay.scale_n);
    p.text(lay.frame_x, lay.height - 34 * u, first, 12.5 * u, k_text);
    p.text(lay.frame_x, lay.height - 14 * u,
           "数据来源: " + sources_text(out) + " · 成果: " + std::filesystem::path(out.file).filename().string() +
               " · scicov " + SCICOV_VERSION + " · 边界为示意, 不作为权属争议依据",
           11 * u, k_muted);
}

}  // namespace scicov::report::detail
