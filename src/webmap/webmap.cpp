// The page: the embedded template with Leaflet, the page's script and style, and the data
// inlined, so one file opens from file:// (or any static server) with no network.
#include "scicov/webmap.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <system_error>

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

/// Text that may sit inside <script> or <style>: a "</" could close the element early. In
/// JSON a '<' only occurs inside strings, where \u003c means the same character.
std::string script_safe(std::string_view text, std::string_view lt_replacement) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '<' && (lt_replacement == "\\u003c" || (i + 1 < text.size() && text[i + 1] == '/'))) {
            out += lt_replacement;
        } else {
            out += text[i];
        }
    }
    return out;
}

std::string html_escape(std::string_view text) {
    std::string out;
    for (char c : text) {
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
            default:
                out += c;
        }
    }
    return out;
}

std::string render_page(const detail::MapData& data, const Options& options) {
    std::string page(detail::asset("page.html"));
    std::string embedded =
        "<script type=\"application/json\" id=\"data-meta\">" + script_safe(data.meta_json, "\\u003c") + "</script>\n";
    for (const auto& layer : data.layers) {
        embedded += "<script type=\"application/json\" id=\"data-" + layer.name + "\">" +
                    script_safe(layer.geojson, "\\u003c") + "</script>\n";
    }
    fill(page, "{{title}}", html_escape(options.title.empty() ? "科普资源共建共享地图" : options.title));
    fill(page, "/*{{leaflet.css}}*/", script_safe(detail::asset("leaflet.css"), "\\3c "));
    fill(page, "/*{{webmap.css}}*/", script_safe(detail::asset("webmap.css"), "\\3c "));
    fill(page, "<!--{{data}}-->", embedded);
    fill(page, "/*{{leaflet.js}}*/", script_safe(detail::asset("leaflet.js"), "<\\"));
    fill(page, "/*{{webmap.js}}*/", script_safe(detail::asset("webmap.js"), "<\\"));
    return page;
}

void write_file(const std::filesystem::path& file, const std::string& bytes) {
    const std::filesystem::path tmp = file.string() + ".tmp-scicov";
    std::error_code ec;
    {
        std::ofstream o(tmp, std::ios::binary | std::ios::trunc);
        o.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        o.close();
        if (!o) {
            std::filesystem::remove(tmp, ec);
            throw Error(ErrorKind::io, "cannot write the web map", Context{file.string(), {}, {}, {}});
        }
    }
    std::filesystem::rename(tmp, file, ec);
    if (ec) {
        std::filesystem::remove(tmp, ec);
        throw Error(ErrorKind::io, "cannot rename the web map into place", Context{file.string(), {}, {}, {}});
    }
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
    write_file(page, render_page(data, options));
    reporter.step("webmap", 1.0);
    return page;
}

}  // namespace scicov::webmap
