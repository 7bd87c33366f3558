// The map's legend, in the column right of the frame: coverage, boundaries, existing facilities,
// proposed sites by year, and key figures for the counties in view.
#include <algorithm>
#include <array>
#include <cmath>
#include <functional>

#include "core/text.hpp"
#include "report/map_scene.hpp"

namespace scicov::report::detail {

namespace {

std::string percent(double share) {
    return core::fixed(share * 100.0, 1) + "%";
}

/// Draws a swatch into the box (x, y, width, height).
using Swatch = std::function<void(double, double, double, double)>;

/// The legend's pen: rows, headings and lines of text one under another.
class Legend {
public:
    explicit Legend(const MapScene& scene)
        : m_cr(scene.cr), m_p(scene.p), m_u(scene.lay.u), m_x(scene.lay.legend_x), m_y(scene.lay.frame_y + 8 * m_u) {}

    double u() const { return m_u; }
    cairo_t* cr() const { return m_cr; }
    const Painter& painter() const { return m_p; }

    void title(const std::string& s) {
        m_p.text(m_x, m_y + 18 * m_u, s, 19 * m_u, k_text, Anchor::start, Weight::bold);
        m_y += 30 * m_u;
    }
    void heading(const std::string& s) {
        m_y += 10 * m_u;
        m_p.text(m_x, m_y + 14 * m_u, s, 15.5 * m_u, k_text, Anchor::start, Weight::bold);
        m_y += 30 * m_u;
    }
    void row(const std::string& label, const Swatch& draw_swatch) {
        const double sw = 30 * m_u, sh = 18 * m_u;
        draw_swatch(m_x, m_y, sw, sh);
        m_p.text(m_x + sw + 10 * m_u, m_y + sh * 0.5 + k_size * m_u * 0.36, label, k_size * m_u, k_text);
        m_y += 30 * m_u;
    }
    /// A line of text, `advance` (base units) high.
    void line(const std::string& s, double size, Rgb colour, double advance) {
        m_p.text(m_x, m_y + 12 * m_u, s, size * m_u, colour);
        m_y += advance * m_u;
    }
    static constexpr double k_size = 14;  // base units

    Swatch fill(Rgb c) const {
        return [this, c](double sx, double sy, double w, double hh) {
            cairo_rectangle(m_cr, sx, sy, w, hh);
            m_p.colour(c);
            cairo_fill_preserve(m_cr);
            m_p.colour(k_frame, 0.6);
            cairo_set_line_width(m_cr, 0.8 * m_u);
            cairo_stroke(m_cr);
        };
    }
    Swatch border(Rgb c, double width, bool dashed) const {
        return [this, c, width, dashed](double sx, double sy, double w, double hh) {
            cairo_move_to(m_cr, sx, sy + hh / 2);
            cairo_line_to(m_cr, sx + w, sy + hh / 2);
            m_p.colour(c);
            cairo_set_line_width(m_cr, width * m_u);
            const std::array<double, 2> dash = {4 * m_u, 2.5 * m_u};
            if (dashed) cairo_set_dash(m_cr, dash.data(), 2, 0);
            cairo_stroke(m_cr);
            if (dashed) cairo_set_dash(m_cr, nullptr, 0, 0);
        };
    }

private:
    cairo_t* m_cr;
    Painter& m_p;
    double m_u, m_x, m_y;
};

struct VillageCount {
    std::size_t covered = 0, all = 0;
};

VillageCount villages_in_view(const MapScene& scene) {
    VillageCount n;
    for (const auto& v : scene.out.villages) {
        if (!scene.in_focus(v.county_code)) continue;
        ++n.all;
        const auto it = v.covered.find(scene.options.type);
        if (it != v.covered.end() && it->second != 0) ++n.covered;
    }
    return n;
}

/// What "covered" means for the type, in the run's rules: "30 分钟车程", "服务半径 20 km" …
std::string rule_text(const rules::FacilityType& type) {
    const rules::CoverageRule& r = type.rule;
    const auto number = [](double v) { return core::fixed(v, std::abs(v - std::round(v)) < 1e-9 ? 0 : 1); };
    switch (r.kind) {
        case rules::CoverageKind::travel_time:
            return number(r.minutes) + (r.mode == rules::TravelMode::drive ? " 分钟车程" : " 分钟步行");
        case rules::CoverageKind::radius:
            return "服务半径 " + number(r.radius_m / 1000.0) + " km";
        case rules::CoverageKind::contains:
            return "村(社区)内设有即覆盖";
        case rules::CoverageKind::admin:
            return r.admin_level == rules::AdminLevel::county ? "县(市、区)内有即覆盖" : "乡镇(街道)内有即覆盖";
    }
    return {};
}

void coverage_rows(Legend& legend, const MapScene& scene, const VillageCount& n) {
    cairo_t* cr = legend.cr();
    const double u = legend.u();
    legend.heading("覆盖 Coverage · " + scene.out.type_name(scene.options.type));
    if (const rules::FacilityType* type = scene.out.rules.find(scene.options.type)) {
        legend.line("覆盖规则: " + rule_text(*type), 12.5, k_muted, 24);
    }
    // Only classes the map shows: no "(0)" rows.
    if (n.covered > 0) legend.row("已覆盖 covered (" + std::to_string(n.covered) + ")", legend.fill(k_covered));
    if (n.all > n.covered) {
        legend.row("未覆盖 not covered (" + std::to_string(n.all - n.covered) + ")", legend.fill(k_uncovered));
    }
    const bool gaps = std::any_of(scene.out.gaps.begin(), scene.out.gaps.end(), [&scene](const Output::Gap& g) {
        return g.type == scene.options.type && scene.visible(g.rings);
    });
    if (gaps)
        legend.row("覆盖缺口 gap (区域)", [&](double sx, double sy, double w, double hh) {
            cairo_rectangle(cr, sx, sy, w, hh);
            cairo_set_source_rgb(cr, 1, 1, 1);
            cairo_fill(cr);
            cairo_rectangle(cr, sx, sy, w, hh);
            hatch(legend.painter(), 6 * u, 0.9 * u);
            cairo_rectangle(cr, sx, sy, w, hh);
            legend.painter().colour(k_gap, 0.7);
            cairo_set_line_width(cr, 0.8 * u);
            cairo_stroke(cr);
        });
    legend.heading("界线 Boundaries");
    legend.row("县(市、区)界 county", legend.border(k_county, 2.2, false));
    if (std::any_of(scene.out.townships.begin(), scene.out.townships.end(),
                    [&scene](const Output::Unit& t) { return scene.visible(t.rings); })) {
        legend.row("乡镇(街道)界 township", legend.border(k_township, 0.9, true));
    }
}

void facility_rows(Legend& legend, const MapScene& scene) {
    legend.heading("现有设施 Existing");
    for (const auto& ty : scene.drawn_types()) {
        std::size_t n = 0;
        for (const auto& f : scene.out.facilities) {
            if (f.type == ty && f.status != "planned" && scene.in_focus(f.county_code)) ++n;
        }
        if (n == 0) continue;  // no empty classes
        const TypeStyle st = style_of(ty);
        legend.row(scene.out.type_name(ty) + " (" + std::to_string(n) + ")",
                   [&](double sx, double sy, double w, double hh) {
                       draw_symbol(legend.painter(), st, sx + w / 2, sy + hh / 2);
                   });
    }
}

/// The plan_horizon sentence of each focus county for the map's type, as the plan wrote it (the
/// year the target is met at the yearly budget, the budget that meets it by the horizon); at most
/// four counties, the rest are in the report.
void horizon_lines(Legend& legend, const MapScene& scene) {
    std::vector<std::pair<std::string, std::string>> lines;  // county name, sentence
    for (const auto& row : scene.out.plan_horizon) {
        const auto get = [&row](const char* k) {
            const auto it = row.find(k);
            return it == row.end() ? std::string() : it->second;
        };
        if (get("type") != scene.options.type || !scene.in_focus(get("county_code")) || get("sentence_zh").empty()) {
            continue;
        }
        lines.emplace_back(get("county_name"), get("sentence_zh"));
    }
    const std::size_t shown = lines.size() <= 4 ? lines.size() : 3;
    for (std::size_t i = 0; i < shown; ++i) {
        const auto& [county, sentence] = lines[i];
        const bool named = scene.focus.counties.size() > 1;
        // Two lines, split after the first clause: the legend column is narrow.
        const std::size_t cut = sentence.find("；");
        const std::string first = cut == std::string::npos ? sentence : sentence.substr(0, cut + 3);
        const std::string rest = cut == std::string::npos ? std::string() : sentence.substr(cut + 3);
        if (named) legend.line(county, 12.5, k_text, 18);
        legend.line(first, 12.5, k_text, 18);
        if (!rest.empty()) legend.line(rest, 12.5, k_text, 22);
    }
    if (shown < lines.size()) {
        legend.line("另 " + std::to_string(lines.size() - shown) + " 个县见报告", 12.5, k_muted, 22);
    }
}

/// Up to six classes of years, equal steps; a site's colour follows its year on the ramp.
void site_rows(Legend& legend, const MapScene& scene, const SiteYears& years) {
    cairo_t* cr = legend.cr();
    const double u = legend.u();
    const int all = years.in_view + years.beyond;
    if (all == 0 && scene.out.plan_summary.empty()) return;  // not a plan's output
    if (all == 0) {
        legend.heading("规划新增 Proposed");
        legend.line("无 none", Legend::k_size, k_muted, 30);
        horizon_lines(legend, scene);
        return;
    }
    legend.heading("规划新增 Proposed (" + std::to_string(all) + ")");
    const int span = years.last - years.first + 1;
    const int classes = std::min(span, 6);
    for (int k = 0; k < classes; ++k) {
        const int y0 = years.first + span * k / classes;
        const int y1 = years.first + span * (k + 1) / classes - 1;
        std::size_t n = 0;
        for (const auto& s : scene.out.sites) {
            n += s.type == scene.options.type && scene.in_focus(s.county_code) && !s.beyond_horizon && s.year >= y0 &&
                 s.year <= y1;
        }
        if (n == 0) continue;  // a class without sites
        const std::string label = (y0 == y1 ? std::to_string(y0) : std::to_string(y0) + "–" + std::to_string(y1)) +
                                  " 年 (" + std::to_string(n) + ")";
        const Rgb c = year_colour(y0, years.first, years.last);
        legend.row(label, [&](double sx, double sy, double w, double hh) {
            cairo_new_path(cr);
            cairo_arc(cr, sx + w / 2, sy + hh / 2, 5.2 * u, 0, 2 * M_PI);
            legend.painter().colour(c);
            cairo_fill_preserve(cr);
            cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
            cairo_set_line_width(cr, 1.1 * u);
            cairo_stroke(cr);
        });
    }
    if (years.beyond > 0) {
        const std::string after = years.horizon_year > 0 ? std::to_string(years.horizon_year) + " 年后" : "规划期后";
        legend.row("远期 (" + after + ") (" + std::to_string(years.beyond) + ")",
                   [&](double sx, double sy, double w, double hh) {
                       cairo_new_path(cr);
                       cairo_arc(cr, sx + w / 2, sy + hh / 2, 5.2 * u, 0, 2 * M_PI);
                       cairo_set_source_rgb(cr, 1, 1, 1);
                       cairo_fill_preserve(cr);
                       legend.painter().colour(k_beyond);
                       cairo_set_line_width(cr, 2.0 * u);
                       cairo_stroke(cr);
                   });
    }
    if (years.labelled()) legend.line("数字: 建设顺序 rank", 12.5, k_muted, 22);
    horizon_lines(legend, scene);
}

/// Key figures for the counties in view.
void figure_lines(Legend& legend, const MapScene& scene, const VillageCount& n) {
    const std::string& type = scene.options.type;
    legend.heading("指标 Figures");
    int met = 0, met_after = 0, counties_with_plan = 0;
    for (const auto& c : scene.out.counties) {
        if (!scene.in_focus(c.code)) continue;
        const auto get = [&c](const std::string& k, double fallback) {
            const auto it = c.values.find(k);
            return it == c.values.end() ? fallback : it->second;
        };
        counties_with_plan += c.values.count("share_after_" + type) > 0 ? 1 : 0;
        met += get("met_" + type, 0) != 0 ? 1 : 0;
        met_after += get("met_after_" + type, get("met_" + type, 0)) != 0 ? 1 : 0;
    }
    const std::string n_counties = std::to_string(scene.focus.counties.size());
    legend.line("村(社区)覆盖 " + percent(n.all ? double(n.covered) / double(n.all) : 0.0), Legend::k_size, k_text, 24);
    legend.line("达标县 met: " + std::to_string(met) + " / " + n_counties, Legend::k_size, k_text, 24);
    if (counties_with_plan > 0) {
        legend.line("规划后达标 after: " + std::to_string(met_after) + " / " + n_counties, Legend::k_size, k_text, 24);
    }
}

}  // namespace

void draw_legend(const MapScene& scene, const SiteYears& years) {
    Legend legend(scene);
    const VillageCount n = villages_in_view(scene);
    legend.title("图例 Legend");
    coverage_rows(legend, scene, n);
    facility_rows(legend, scene);
    site_rows(legend, scene, years);
    figure_lines(legend, scene, n);
}

}  // namespace scicov::report::detail
