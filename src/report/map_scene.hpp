// One map being drawn: what its parts (map_layers.cpp, legend.cpp, furniture.cpp) share.
// Internal header of the report module.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "report/canvas.hpp"

namespace scicov::report::detail {

/// Where the parts go, in device units (`u`: device units per base pixel of a 1600 px map).
struct Layout {
    int width = 0, height = 0;
    double u = 1;
    double frame_x = 0, frame_y = 0, frame_w = 0, frame_h = 0;
    double legend_x = 0;
    double px_per_mm = 0;  ///< print: device units per millimetre of paper; 0 on a screen map
    double scale_n = 0;    ///< print: the ratio scale 1:N drawn
};

/// The counties in view and the place name for the title.
struct Focus {
    std::set<std::string> counties;
    std::string place;
};

/// The map's proposed sites of its type in the focus counties: the years of those within the
/// plans' horizon, their count, and the count of those after it (远期, drawn apart).
struct SiteYears {
    int first = 0, last = 0, in_view = 0;
    int beyond = 0;
    int horizon_year = 0;  ///< the plans' horizon (plan_horizon's horizon_year), 0 when unknown
    /// Ranks are printed beside the sites when there are few enough to read.
    bool labelled() const { return in_view + beyond > 0 && in_view + beyond <= 80; }
};

struct MapScene {
    const Output& out;
    const MapOptions& options;
    cairo_t* cr;
    Painter& p;
    const Layout& lay;
    const Focus& focus;
    const proj::Transformer& t;
    const Box& projected;  ///< the extent in the Gauss-Krueger plane
    int zone;              ///< EPSG code of the Gauss-Krueger zone
    View view;
    double detail;  ///< symbol scale: smaller on small-scale maps
    Box view_ll;    ///< the lon/lat box of the frame (padded), to skip what lies outside

    MapScene(const Output& out, const MapOptions& options, cairo_t* cr, Painter& p, const Layout& lay,
             const Focus& focus, const proj::Transformer& t, const Box& projected, int zone);

    bool in_focus(const std::string& county) const { return focus.counties.count(county) > 0; }
    bool visible(const Rings& r) const { return view_ll.intersects(box_of(r)); }
    bool visible_point(crs::LonLat q) const {
        return q.lon >= view_ll.min_x && q.lon <= view_ll.max_x && q.lat >= view_ll.min_y && q.lat <= view_ll.max_y;
    }
    /// Existing facilities drawn: the map's type, plus museums and bases (few, the anchors of a county).
    std::vector<std::string> drawn_types() const;
    SiteYears site_years() const;
};

/// Inside the frame, clipped to it (map_layers.cpp): villages by coverage, gaps hatched, township
/// and county borders, existing facilities, proposed sites by year, county names.
void draw_inside_frame(const MapScene& scene, const SiteYears& years);

// Around the frame (furniture.cpp).
void draw_title(const MapScene& scene);  ///< also paints the white background
void draw_frame(const MapScene& scene);
void draw_north_arrow(const MapScene& scene);
void draw_scale_bar(const MapScene& scene);
/// The locator inset: the focus among the counties of its city (or of the file).
void draw_locator(const MapScene& scene);
/// The footer: 制图单位 (or a line to fill in), date, ratio scale, data sources from the run table.
void draw_footer(const MapScene& scene);

/// The legend, in the column right of the frame (legend.cpp).
void draw_legend(const MapScene& scene, const SiteYears& years);

}  // namespace scicov::report::detail
