// The interactive web map (科普资源共建共享地图) of an output GeoPackage of `scicov analyze` or
// `scicov plan`: one self-contained HTML page on Leaflet (embedded at build time) with the
// facilities by type, villages coloured by coverage, gaps, proposed sites by year, township and
// county boundaries, popups, search and downloads. It opens from file:// and needs no network;
// a basemap URL template is optional. Same input and options ⇒ same bytes.
#pragma once

#include <filesystem>
#include <string>

#include "scicov/core.hpp"

namespace scicov::webmap {

struct Options {
    /// Douglas-Peucker tolerance of the village, township and county borders, in metres; shared
    /// borders stay shared (each border between two places is simplified once). 0: none.
    double simplify_m = 30.0;
    /// Decimals kept in coordinates (5: about 1 m).
    int decimals = 5;
    /// Optional XYZ tile URL template, e.g. https://t0.tianditu.gov.cn/vec_w/wmts?…&tk=KEY with
    /// {z}/{x}/{y} (and {s}); empty: no basemap, the map draws on a plain background.
    std::string basemap;
    /// The attribution shown for the basemap (e.g. "© 天地图").
    std::string basemap_attribution;
    /// The page's title; empty: 科普资源共建共享地图.
    std::string title;
};

/// Where the page goes: a path ending in .html (any case) is the page itself; anything else is a
/// folder, created when missing, that receives index.html.
std::filesystem::path page_path(const std::filesystem::path& output);

/// Reads `gpkg`, writes the page (under a temporary name, renamed when complete) and returns its
/// path. Throws an input error when `gpkg` is not a scicov output, an io error when writing fails.
std::filesystem::path write_webmap(const std::string& gpkg, const Options& options, const std::filesystem::path& output,
                                   const Reporter& reporter = {});

}  // namespace scicov::webmap
