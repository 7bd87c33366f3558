// Text helpers shared by the report's writers (SVG, HTML, QML): internal header.
#pragma once

#include <cstdio>
#include <memory>
#include <string>

#include <cpl_conv.h>
#include <cpl_string.h>

namespace scicov::core {

/// Escapes text for XML and HTML content and double-quoted attributes, with GDAL's escaper:
/// & < > " become entities; ' stays as it is (every attribute scicov writes is double-quoted);
/// control characters XML cannot hold are dropped.
inline std::string xml_escape(const std::string& s) {
    const std::unique_ptr<char, decltype(&CPLFree)> escaped(
        CPLEscapeString(s.c_str(), static_cast<int>(s.size()), CPLES_XML), &CPLFree);
    return escaped ? std::string(escaped.get()) : std::string();
}

/// A number with a fixed count of decimals ("%.*f"), the same on every machine.
inline std::string fixed(double v, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

}  // namespace scicov::core
