// The web map's embedded files (cmake/WebLibs.cmake generates their definition at build time):
// Leaflet's leaflet.js and leaflet.css, and the page's own template, script and style.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "scicov/core.hpp"

namespace scicov::webmap::detail {

/// The bytes of the embedded file with this base name ("leaflet.js", "page.html", ...);
/// throws an internal error for a name that was not embedded.
std::string_view asset(std::string_view name);

}  // namespace scicov::webmap::detail
