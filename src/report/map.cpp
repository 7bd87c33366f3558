// Maps with Cairo: villages coloured by coverage of one type, gap polygons hatched, county and
// township borders, facilities by type, proposed sites by year, county names in Noto Sans CJK SC,
// legend, true scale bar (drawn in the CGCS2000 Gauss-Krueger zone of the map's centre), north
// arrow, title and date. PNG and SVG bytes depend only on the input and the options. This file
// sets the map up (extent, layout, surface) and writes it; the parts are drawn by map_layers.cpp,
// legend.cpp and furniture.cpp.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <map>
#include <set>

#include <cairo-pdf.h>
#include <cairo-svg.h>

#include "core/atomic_file.hpp"
#include "core/text.hpp"
#include "report/map_scene.hpp"

namespace scicov::report {

namespace detail {

MapScene::MapScene(const Output& out_, const MapOptions& options_, cairo_t* cr_, Painter& p_, const Layout& lay_,
                   const Focus& focus_, const proj::Transformer& t_, const Box& projected_, int zone_)
    : out(out_),
      options(options_),
      cr(cr_),
      p(p_),
      lay(lay_),
      focus(focus_),
      t(t_),
      projected(projected_),
      zone(zone_),
      view(t_, projected_, lay_.frame_x, lay_.frame_y, lay_.frame_w, lay_.frame_h,
           lay_.scale_n > 0 ? lay_.px_per_mm * 1000.0 / lay_.scale_n : 0),
      // Smaller symbols on small-scale maps (more than ~150 m a pixel at 1600 px), so places stay legible.
      detail(std::clamp(0.15 / (1.0 / view.px_per_m() / 1000.0 / lay_.u), 0.45, 1.0)) {
    // The frame's extent padded by its size on every side, back in lon/lat.
    const double padx = projected.max_x - projected.min_x, pady = projected.max_y - projected.min_y;
    std::array<double, 4> xs = {projected.min_x - padx, projected.max_x + padx, projected.min_x - padx,
                                projected.max_x + padx};
    std::array<double, 4> ys = {projected.min_y - pady, projected.min_y - pady, projected.max_y + pady,
                                projected.max_y + pady};
    t.inverse(xs, ys);
    for (std::size_t i = 0; i < 4; ++i) view_ll.add(xs[i], ys[i]);
}

std::vector<std::string> MapScene::drawn_types() const {
    std::vector<std::string> types;
    for (const auto& ty : out.types) {
        if (ty == options.type || ty == "science_museum" || ty == "science_base") types.push_back(ty);
    }
    return types;
}

SiteYears MapScene::site_years() const {
    SiteYears years;
    for (const auto& s : out.sites) {
        if (s.type != options.type || !in_focus(s.county_code)) continue;
        if (s.beyond_horizon) {
            ++years.beyond;
            continue;
        }
        years.first = years.first == 0 ? s.year : std::min(years.first, s.year);
        years.last = std::max(years.last, s.year);
        ++years.in_view;
    }
    for (const auto& row : out.plan_horizon) {
        const auto it = row.find("horizon_year");
        if (it != row.end()) years.horizon_year = std::max(years.horizon_year, std::atoi(it->second.c_str()));
    }
    return years;
}

}  // namespace detail

namespace {

using namespace detail;

/// The codes of the counties one --county value names: a code prefix (digits) or a county's name.
std::vector<std::string> counties_named(const Output& out, const std::string& value) {
    std::vector<std::string> codes;
    const bool digits =  // empty: the prefix of every code
        std::all_of(value.begin(), value.end(), [](unsigned char ch) { return std::isdigit(ch) != 0; });
    std::vector<std::string> names;
    for (const auto& c : out.counties) {
        if (digits ? c.code.rfind(value, 0) == 0 : rules::fold_name(c.name) == rules::fold_name(value)) {
            codes.push_back(c.code);
        }
        names.push_back(c.name);
    }
    if (codes.empty()) {
        std::string hint;
        if (!digits) {
            const std::string near = rules::nearest_name(value, names);
            hint = near.empty() ? "" : "; did you mean " + near + "?";
        }
        throw Error(ErrorKind::usage, "--county " + value + ": no county in " + out.file +
                                          (digits ? " has a code starting so" : " has that name") + hint);
    }
    if (!digits && codes.size() > 1) {
        std::string list;
        for (const auto& c : codes) list += (list.empty() ? "" : ", ") + c;
        throw Error(ErrorKind::usage, "--county " + value + ": " + std::to_string(codes.size()) +
                                          " counties have that name (" + list + "); give the code");
    }
    return codes;
}

/// The counties in view: those --county names (comma-separated codes, prefixes or names), else all.
Focus focus_of(const Output& out, const std::string& county) {
    Focus f;
    std::size_t start = 0;
    do {
        const std::size_t end = std::min(county.find(',', start), county.size());
        const std::string value = rules::fold_name(county.substr(start, end - start));
        if (!value.empty() || county.empty()) {
            for (auto& code : counties_named(out, value)) f.counties.insert(std::move(code));
        }
        start = end + 1;
    } while (start <= county.size());
    std::vector<std::string> names;
    for (const auto& c : out.counties) {
        if (f.counties.count(c.code) != 0) names.push_back(c.name);
    }
    if (names.size() <= 3) {
        for (std::size_t i = 0; i < names.size(); ++i) f.place += (i ? "、" : "") + names[i];
    } else {
        f.place = names[0] + "、" + names[1] + "等 " + std::to_string(names.size()) + " 个县(市、区)";
    }
    return f;
}

/// The round ratio scale at or above `n`: 1, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 × 10^k (1:250 000,
/// 1:300 000 …), so the county fills most of the frame.
double round_scale(double n) {
    const double k = std::pow(10.0, std::floor(std::log10(n)));
    for (double f : {1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0}) {
        if (f * k >= n * (1 - 1e-9)) return f * k;
    }
    return 10 * k;
}

/// A print page: the paper in device units (PNG: the DPI; PDF and SVG: 96 a inch, PDF drawn at
/// 0.75 pt a unit, so the page is the paper exactly), the frame at the asked ratio scale or at the
/// round scale that fits the extent.
Layout print_layout(const Box& projected, const MapOptions& options, Format format) {
    Layout lay;
    const bool a3 = options.paper == Paper::a3;
    double w_mm = a3 ? 420 : 297, h_mm = a3 ? 297 : 210;
    if (options.orientation == Orientation::portrait) std::swap(w_mm, h_mm);
    lay.px_per_mm = (format == Format::png ? options.dpi : 96) / 25.4;
    lay.width = static_cast<int>(std::lround(w_mm * lay.px_per_mm));
    lay.height = static_cast<int>(std::lround(h_mm * lay.px_per_mm));
    // Text and symbols keep their size on paper: a base unit is 0.17 mm (14 units ≈ 6.7 pt).
    lay.u = lay.px_per_mm * 0.17;
    const double u = lay.u, margin = 10 * lay.px_per_mm;
    lay.frame_x = margin;
    lay.frame_y = 88 * u;
    lay.frame_w = lay.width - 330 * u - margin - 24 * u;
    lay.frame_h = lay.height - lay.frame_y - 62 * u;
    lay.legend_x = lay.frame_x + lay.frame_w + 24 * u;
    const double frame_w_m = lay.frame_w / lay.px_per_mm / 1000.0, frame_h_m = lay.frame_h / lay.px_per_mm / 1000.0;
    const double fit =
        std::max((projected.max_x - projected.min_x) / frame_w_m, (projected.max_y - projected.min_y) / frame_h_m);
    lay.scale_n = options.scale > 0 ? options.scale : round_scale(fit);
    return lay;
}

Layout layout_for(const Box& projected, const MapOptions& options, Format format) {
    if (options.paper != Paper::screen) return print_layout(projected, options, format);
    const int width = options.width_px;
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
    lay.height = static_cast<int>(std::lround(lay.frame_y + lay.frame_h + 58 * u));
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

/// TypeNames' "did you mean" when it has one (the known types are listed anyway).
std::string near_name(const std::string& suggestion) {
    return suggestion.rfind("; did you mean", 0) == 0 ? suggestion : std::string();
}

/// The options with the type as its key: --type takes any name the run's rules know the type by
/// (key, name_zh, aliases, the common forms such as e站), as the inputs' type column does.
MapOptions checked_request(const Output& out, MapOptions options) {
    const rules::TypeNames names(out.rules.types);
    const bool is_key = std::find(out.types.begin(), out.types.end(), options.type) != out.types.end();
    const std::optional<std::string> key = is_key ? options.type : names.key_of(options.type);
    if (!key || std::find(out.types.begin(), out.types.end(), *key) == out.types.end()) {
        std::string known;
        for (const auto& t : out.types) known += (known.empty() ? "" : ", ") + t + " " + out.type_name(t);
        throw Error(ErrorKind::usage, "--type " + options.type + ": not a type of " + out.file + " (" + known + ")" +
                                          (key ? "" : near_name(names.suggestion(options.type))));
    }
    options.type = *key;
    if (options.width_px < 300 || options.width_px > 12000) {
        throw Error(ErrorKind::usage, "--width " + std::to_string(options.width_px) + ": use 300 to 12000 pixels");
    }
    if (options.paper != Paper::screen && (options.dpi < 72 || options.dpi > 1200)) {
        throw Error(ErrorKind::usage, "--dpi " + std::to_string(options.dpi) + ": use 72 to 1200");
    }
    if (options.scale != 0 && !(options.scale >= 1000 && options.scale <= 1e8)) {
        throw Error(ErrorKind::usage, "--scale " + core::fixed(options.scale, 0) + ": use 1000 to 100000000 (1:N)");
    }
    if (options.scale != 0 && options.paper == Paper::screen) {
        throw Error(ErrorKind::usage, "--scale needs --paper A4 or A3: a ratio scale holds on paper, not on a screen");
    }
    return options;
}

using Ring = std::vector<crs::LonLat>;

/// A ring's area and box on a local plane (degrees, longitude scaled by cos(latitude)): enough to
/// tell a county's main body from a stray piece.
struct RingShape {
    double area = 0;
    Box box;
};

RingShape shape_of(const Ring& ring) {
    RingShape s;
    if (ring.empty()) return s;
    const double k = std::cos(ring.front().lat * M_PI / 180.0);
    double twice = 0;
    for (std::size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++) {
        twice += ring[j].lon * k * ring[i].lat - ring[i].lon * k * ring[j].lat;
        s.box.add(ring[i].lon * k, ring[i].lat);
    }
    s.area = std::abs(twice) / 2;
    return s;
}

/// The rings that frame a county: its largest part, the parts near it (within a quarter of its
/// diagonal) and parts of at least a tenth of its area. A 0.05 km² piece 80 km away would
/// otherwise set the map's scale and leave the county a small patch in a corner.
std::vector<const Ring*> main_body(const Rings& rings) {
    std::vector<RingShape> shapes;
    std::size_t largest = 0;
    for (std::size_t i = 0; i < rings.size(); ++i) {
        shapes.push_back(shape_of(rings[i]));
        if (shapes[i].area > shapes[largest].area) largest = i;
    }
    std::vector<const Ring*> body;
    if (rings.empty()) return body;
    const Box& main = shapes[largest].box;
    const double near = 0.25 * std::hypot(main.max_x - main.min_x, main.max_y - main.min_y);
    for (std::size_t i = 0; i < rings.size(); ++i) {
        const Box& b = shapes[i].box;
        const double dx = std::max({0.0, b.min_x - main.max_x, main.min_x - b.max_x});
        const double dy = std::max({0.0, b.min_y - main.max_y, main.min_y - b.max_y});
        if (std::hypot(dx, dy) <= near || shapes[i].area >= 0.1 * shapes[largest].area) body.push_back(&rings[i]);
    }
    return body;
}

/// The rings that frame the focus counties (their main bodies), or, for counties without
/// polygons, their villages'.
std::vector<const Ring*> frame_rings(const Output& out, const Focus& focus) {
    std::vector<const Ring*> rings;
    std::set<std::string> drawn;
    for (const auto& c : out.counties) {
        if (focus.counties.count(c.code) == 0 || c.rings.empty()) continue;
        const std::vector<const Ring*> body = main_body(c.rings);
        rings.insert(rings.end(), body.begin(), body.end());
        drawn.insert(c.code);
    }
    for (const auto& v : out.villages) {
        if (focus.counties.count(v.county_code) == 0 || drawn.count(v.county_code) != 0) continue;
        for (const auto& r : v.rings) rings.push_back(&r);
    }
    if (rings.empty()) {
        throw Error(ErrorKind::input, "nothing to draw: the counties in view have no geometry",
                    Context{out.file, {}, {}, {}});
    }
    return rings;
}

/// The extent of the rings in lon/lat.
Box lonlat_extent(const std::vector<const Ring*>& rings) {
    Box ll;
    for (const Ring* r : rings) {
        for (const auto& q : *r) ll.add(q.lon, q.lat);
    }
    return ll;
}

/// The extent in the Gauss-Krueger plane, padded by 4% (at least 500 m) so borders do not touch the frame.
Box projected_extent(const std::vector<const Ring*>& rings, const proj::Transformer& t) {
    Box projected;
    std::vector<double> xs, ys;
    for (const Ring* r : rings) {
        xs.clear();
        ys.clear();
        for (const auto& q : *r) {
            xs.push_back(q.lon);
            ys.push_back(q.lat);
        }
        t.forward(xs, ys);
        for (std::size_t i = 0; i < xs.size(); ++i) projected.add(xs[i], ys[i]);
    }
    const double pad =
        std::max(500.0, 0.04 * std::max(projected.max_x - projected.min_x, projected.max_y - projected.min_y));
    projected.min_x -= pad;
    projected.min_y -= pad;
    projected.max_x += pad;
    projected.max_y += pad;
    return projected;
}

/// The surface for the format; SVG and PDF stream into `bytes`.
SurfacePtr create_surface(Format format, const Layout& lay, const MapOptions& options, const std::string& title,
                          std::vector<std::uint8_t>& bytes) {
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
            surface.reset(
                cairo_pdf_surface_create_for_stream(append_bytes, &bytes, lay.width * 0.75, lay.height * 0.75));
            const std::string stamp = options.date.empty() ? "2000-01-01T00:00:00" : options.date + "T00:00:00";
            cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATE_DATE, stamp.c_str());
            cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_MOD_DATE, stamp.c_str());
            cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATOR, "scicov");
            cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_TITLE, title.c_str());
            break;
        }
    }
    check(cairo_surface_status(surface.get()), "cannot create the map surface");
    return surface;
}

/// Draws every part in order (later parts over earlier ones).
void render(const MapScene& scene) {
    draw_title(scene);
    const SiteYears years = scene.site_years();
    draw_inside_frame(scene, years);
    draw_frame(scene);
    draw_north_arrow(scene);
    draw_scale_bar(scene);
    draw_locator(scene);
    draw_legend(scene, years);
    draw_footer(scene);
}

/// The finished file's bytes; in SVG, the labels are inserted as text elements before </svg>.
std::vector<std::uint8_t> finish(Format format, cairo_surface_t* surface, std::vector<std::uint8_t>& bytes,
                                 const std::string& labels) {
    if (format == Format::png) {
        cairo_surface_flush(surface);
        check(cairo_surface_write_to_png_stream(surface, append_bytes, &bytes), "cannot write the PNG");
        return std::move(bytes);
    }
    cairo_surface_finish(surface);
    check(cairo_surface_status(surface), "cannot write the map");
    if (format == Format::svg) {
        std::string svg(bytes.begin(), bytes.end());
        svg = renumber_svg_ids(svg);
        const std::size_t close = svg.rfind("</svg>");
        if (close == std::string::npos) throw Error(ErrorKind::internal, "Cairo wrote an SVG without </svg>");
        svg.insert(close, labels);
        return {svg.begin(), svg.end()};
    }
    return std::move(bytes);
}

}  // namespace

Format format_for(const std::filesystem::path& file) {
    std::string ext = file.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (ext == ".png") return Format::png;
    if (ext == ".svg") return Format::svg;
    if (ext == ".pdf") return Format::pdf;
    throw Error(ErrorKind::usage, "cannot tell the map format from '" + file.string() + "': use .png, .svg or .pdf");
}

std::vector<std::uint8_t> render_map(const Output& out, const MapOptions& asked, Format format) {
    const MapOptions options = checked_request(out, asked);
    const Focus focus = focus_of(out, options.county);
    const std::vector<const Ring*> rings = frame_rings(out, focus);
    const Box ll = lonlat_extent(rings);
    const int zone = crs::gk_zone_epsg((ll.min_x + ll.max_x) / 2);
    const proj::Transformer t(crs::k_output_crs, crs::epsg(zone));
    const Box projected = projected_extent(rings, t);
    const Layout lay = layout_for(projected, options, format);
    std::vector<std::uint8_t> bytes;
    const SurfacePtr surface =
        create_surface(format, lay, options, out.type_name(options.type) + " " + focus.place, bytes);
    std::string labels;
    {
        CairoPtr cr(cairo_create(surface.get()));
        check(cairo_status(cr.get()), "cannot draw the map");
        if (format == Format::pdf) cairo_scale(cr.get(), 0.75, 0.75);
        Painter painter(cr.get(), lay.u, format == Format::svg);
        render(MapScene(out, options, cr.get(), painter, lay, focus, t, projected, zone));
        check(cairo_status(cr.get()), "cannot draw the map");
        if (format == Format::svg) labels = painter.svg_texts();
    }
    return finish(format, surface.get(), bytes, labels);
}

void write_map(const Output& out, const MapOptions& options, const std::filesystem::path& file) {
    const std::vector<std::uint8_t> bytes = render_map(out, options, format_for(file));
    core::write_file_atomically(file, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

std::string resolve_date(const std::optional<std::string>& date, const char* source_date_epoch) {
    if (date) {
        int y = 0, m = 0, d = 0;
        char tail = 0;
        if (date->size() != 10 || std::sscanf(date->c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || m < 1 ||
            m > 12 || d < 1 || d > 31) {
            throw Error(ErrorKind::usage, "--date " + *date + ": use YYYY-MM-DD");
        }
        return *date;
    }
    std::time_t when = std::time(nullptr);
    if (source_date_epoch != nullptr && *source_date_epoch != '\0') {
        char* end = nullptr;
        const long long v = std::strtoll(source_date_epoch, &end, 10);
        if (end == nullptr || *end != '\0' || v < 0) {
            throw Error(ErrorKind::usage,
                        std::string("SOURCE_DATE_EPOCH=") + source_date_epoch + ": not a number of seconds");
        }
        when = static_cast<std::time_t>(v);
    }
    std::tm tm{};
    gmtime_r(&when, &tm);
    char buf[16];
    std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
    return buf;
}

}  // namespace scicov::report
