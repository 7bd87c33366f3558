// The page: the embedded template with Leaflet, the page's script and style, and the data
// inlined, so one file opens from file:// (or any static server) with no network.
#include "scicov/webmap.hpp"

#include <algorithm>
#include <cctype>
#include <system_error>

#include "core/atomic_file.hpp"
#include "core/text.hpp"
#include "webmap/assets.hpp"
#include "webmap/extract.hpp"

namespace scicov::webmap {

namespace {

/// Replaces every occurrence of `marker` in the template (a missing marker is a build bug).
void fill(std::string& page, std::string_view marker, std::string_view content) {
    auto at = page.find(marker);
    if (at == std::string::npos) {
        throw Error(ErrorKind::internal, "page template lacks " + std::string(marker));
    }
    while (at != std::string::npos) {
        page.replace(at, marker.size(), content);
        at = page.find(marker, at + content.size());
    }
}

enum class Embedded { json, code };

/// Text put inside <script> or <style>, where a "</" could end the element early. In JSON a
/// '<' occurs only inside strings, where \u003c is the same character; in script and style
/// code "<\/" reads as "</" wherever such a pair can legally occur (strings, regular expressions).
std::string embeddable(std::string_view text, Embedded kind) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '<' && kind == Embedded::json) {
            out += "\\u003c";
        } else if (text[i] == '<' && i + 1 < text.size() && text[i + 1] == '/') {
            out += "<\\";
        } else {
            out += text[i];
        }
    }
    return out;
}

std::string render_page(const detail::MapData& data, const Options& options) {
    std::string page(detail::asset("page.html"));
    std::string embedded = "<script type=\"application/json\" id=\"data-meta\">" +
                           embeddable(data.meta_json, Embedded::json) + "</script>\n";
    for (const auto& layer : data.layers) {
        embedded += "<script type=\"application/json\" id=\"data-" + layer.name + "\">" +
                    embeddable(layer.geojson, Embedded::json) + "</script>\n";
    }
    fill(page, "{{title}}", core::xml_escape(options.title.empty() ? "科普资源共建共享地图" : options.title));
    fill(page, "/*{{leaflet.css}}*/", embeddable(detail::asset("leaflet.css"), Embedded::code));
    fill(page, "/*{{webmap.css}}*/", embeddable(detail::asset("webmap.css"), Embedded::code));
    fill(page, "<!--{{data}}-->", embedded);
    fill(page, "/*{{leaflet.js}}*/", embeddable(detail::asset("leaflet.js"), Embedded::code));
    fill(page, "/*{{webmap.js}}*/", embeddable(detail::asset("webmap.js"), Embedded::code));
    return page;
}

}  // namespace

std::filesystem::path page_path(const std::filesystem::path& output) {
    std::string ext = output.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return ext == ".html" || ext == ".htm" ? output : output / "index.html";
}

std::filesystem::path write_webmap(const std::string& gpkg, const Options& options, const std::filesystem::path& output,
                                   const Reporter& reporter) {
    if (options.simplify_m < 0 || options.decimals < 0 || options.decimals > 9) {
        throw Error(ErrorKind::usage, "the tolerance must be ≥ 0 and the decimals within 0..9");
    }
    const std::filesystem::path page = page_path(output);
    const detail::MapData data = detail::extract(gpkg, options, reporter);
    if (page != output) {
        std::error_code ec;
        std::filesystem::create_directories(output, ec);
        if (ec)
            throw Error(ErrorKind::io, "cannot create the folder: " + ec.message(),
                        Context{output.string(), {}, {}, {}});
    }
    core::write_file_atomically(page, render_page(data, options));  // errors carry the reason
    reporter.step("webmap", 1.0);
    return page;
}

}  // namespace scicov::webmap
