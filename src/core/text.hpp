// Text helpers shared by the report's writers (SVG, HTML, QML): internal header.
#pragma once

#include <cstdio>
#include <string>

namespace scicov::core {

/// Escapes the five characters XML and HTML give meaning to.
inline std::string xml_escape(const std::string& s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

/// A number with a fixed count of decimals ("%.*f"), the same on every machine.
inline std::string fixed(double v, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

}  // namespace scicov::core
