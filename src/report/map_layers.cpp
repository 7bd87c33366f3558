// The map inside its frame: villages by coverage, gaps hatched, township and county borders,
// existing facilities, proposed sites by year with their ranks, county names.
#include <algorithm>
#include <array>

#include "report/map_scene.hpp"

namespace scicov::report::detail {

namespace {

void draw_areas(const MapScene& scene) {
    const Output& out = scene.out;
    const std::string& type = scene.options.type;
    cairo_t* cr = scene.cr;
    const Painter& p = scene.p;
    const double u = scene.lay.u;
    const View& view = scene.view;
    const auto visible = [&scene](const Rings& r) { return scene.visible(r); };
    const auto in_focus = [&scene](const std::string& county) { return scene.in_focus(county); };
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
}

void draw_facilities(const MapScene& scene) {
    const Output& out = scene.out;
    const Painter& p = scene.p;
    const std::vector<std::string> drawn_types = scene.drawn_types();
    // Denser types first, so museums stay on top.
    for (auto it = drawn_types.rbegin(); it != drawn_types.rend(); ++it) {
        const TypeStyle st = style_of(*it);
        for (const auto& f : out.facilities) {
            if (f.type != *it || f.status == "planned" || !scene.visible_point(f.at)) continue;
            const crs::XY d = scene.view.device(f.at);
            draw_symbol(p, st, d.x, d.y, scene.in_focus(f.county_code) ? 1.0 : 0.35, scene.detail);
        }
    }
}

/// The proposed sites of the type in the focus counties, later years below earlier ones.
std::vector<const Output::Site*> sites_in_view(const MapScene& scene) {
    std::vector<const Output::Site*> order;
    for (const auto& s : scene.out.sites) {
        if (s.type == scene.options.type && scene.in_focus(s.county_code)) order.push_back(&s);
    }
    std::stable_sort(order.begin(), order.end(), [](auto* a, auto* b) { return a->year > b->year; });
    return order;
}

/// Ranks in order, each where it does not overlap one already placed (right, left, above, below).
void draw_ranks(const MapScene& scene, const std::vector<const Output::Site*>& order, double r) {
    Painter& p = scene.p;
    const double u = scene.lay.u;
    const View& view = scene.view;
    std::vector<Box> placed;
    std::vector<const Output::Site*> by_rank = order;
    std::stable_sort(by_rank.begin(), by_rank.end(), [](auto* a, auto* b) { return a->rank < b->rank; });
    const double fs = 11 * u;
    for (const auto* s : by_rank) {
        const crs::XY d = view.device(s->at);
        const std::string label = std::to_string(s->rank);
        const double w = p.text_width(label, fs, Weight::bold);
        const std::array<crs::XY, 4> spots = {
            crs::XY{d.x + r + 2 * u, d.y + fs * 0.35}, crs::XY{d.x - r - 2 * u - w, d.y + fs * 0.35},
            crs::XY{d.x - w / 2, d.y - r - 2 * u}, crs::XY{d.x - w / 2, d.y + r + fs}};
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

void draw_sites(const MapScene& scene, const SiteYears& years) {
    cairo_t* cr = scene.cr;
    const Painter& p = scene.p;
    const double u = scene.lay.u;
    const View& view = scene.view;
    const std::vector<const Output::Site*> order = sites_in_view(scene);
    const double r = 5.2 * u * scene.detail;
    for (const auto* s : order) {
        const crs::XY d = view.device(s->at);
        cairo_new_path(cr);
        cairo_arc(cr, d.x, d.y, r, 0, 2 * M_PI);
        if (s->beyond_horizon) {  // 远期: hollow, apart from the years within the horizon
            cairo_set_source_rgb(cr, 1, 1, 1);
            cairo_fill_preserve(cr);
            p.colour(k_beyond);
            cairo_set_line_width(cr, 2.0 * u * scene.detail);
            cairo_stroke(cr);
            continue;
        }
        p.colour(year_colour(s->year, years.first, years.last));
        cairo_fill_preserve(cr);
        cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
        cairo_set_line_width(cr, 1.1 * u * scene.detail);
        cairo_stroke(cr);
    }
    if (years.labelled()) draw_ranks(scene, order, r);
}

/// Township names in the focus counties, smaller and grey, each where it fits: inside its
/// township's box on the map and clear of every name already placed (county names first). The
/// density follows the scale: a city-wide map names only the large townships, a county map most.
void draw_township_names(const MapScene& scene, std::vector<Box>& placed) {
    Painter& p = scene.p;
    const double u = scene.lay.u;
    const double size = 10.5 * u;
    for (const auto& tw : scene.out.townships) {
        if (tw.name.empty() || tw.code.size() < 6 || !scene.in_focus(tw.code.substr(0, 6)) ||
            !scene.visible_point(tw.label)) {
            continue;
        }
        const Box ll = box_of(tw.rings);
        const crs::XY a = scene.view.device({ll.min_x, ll.min_y}), b = scene.view.device({ll.max_x, ll.max_y});
        const double w = p.text_width(tw.name, size, Weight::normal);
        if (std::abs(b.x - a.x) < w * 1.2 || std::abs(b.y - a.y) < size * 2.5) continue;  // too small to name
        const crs::XY d = scene.view.device(tw.label);
        Box box;
        box.add(d.x - w / 2 - 2 * u, d.y - size);
        box.add(d.x + w / 2 + 2 * u, d.y + size * 0.3);
        if (std::any_of(placed.begin(), placed.end(), [&box](const Box& o) { return o.intersects(box); })) continue;
        placed.push_back(box);
        p.text(d.x, d.y, tw.name, size, k_muted, Anchor::middle, Weight::normal, true);
    }
}

/// County names: focus counties first, each only where it does not overlap one already placed;
/// then the township names where they fit.
void draw_names(const MapScene& scene) {
    const Output& out = scene.out;
    Painter& p = scene.p;
    const double u = scene.lay.u;
    const Layout& lay = scene.lay;
    const View& view = scene.view;
    std::vector<Box> placed;
    for (const bool focus_pass : {true, false}) {
        for (const auto& c : out.counties) {
            const bool f = scene.in_focus(c.code);
            if (f != focus_pass || !scene.visible_point(c.label)) continue;
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
    draw_township_names(scene, placed);
}

}  // namespace

void draw_inside_frame(const MapScene& scene, const SiteYears& years) {
    cairo_t* cr = scene.cr;
    const Layout& lay = scene.lay;
    cairo_save(cr);
    cairo_rectangle(cr, lay.frame_x, lay.frame_y, lay.frame_w, lay.frame_h);
    cairo_clip(cr);
    cairo_set_source_rgb(cr, 0.965, 0.969, 0.973);  // outside the data: pale grey
    cairo_paint(cr);
    draw_areas(scene);
    draw_facilities(scene);
    draw_sites(scene, years);
    draw_names(scene);
    cairo_restore(cr);
}

}  // namespace scicov::report::detail
