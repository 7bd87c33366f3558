// Text encodings of a planner's files: GBK Shapefiles without a .cpg and Excel-saved CSVs are
// detected (not UTF-8, but clean GB18030) and recoded by GDAL (CPLRecode, iconv), with a warning;
// --encoding makes it explicit. Never garbled names flowing on.
#include <cstdint>
#include <filesystem>
#include <memory>

#include <cpl_conv.h>
#include <cpl_string.h>
#include <cpl_vsi.h>

#include "io/input.hpp"

namespace scicov::io::detail {

namespace {

constexpr const char* k_detected = "GB18030";

std::string recode(const std::string& bytes, const char* from, const char* to) {
    gdal::ErrorCapture capture;  // iconv's "could not be converted" warning is judged by the round trip
    const std::unique_ptr<char, decltype(&CPLFree)> out(CPLRecode(bytes.c_str(), from, to), &CPLFree);
    return out ? std::string(out.get()) : std::string();
}

/// Text that is not UTF-8: GB18030 when it reads cleanly as that (a warning naming --encoding),
/// else an error naming it. `what` names the text ("the text").
void detect_gb18030(const std::string& bytes, const std::string& role, const Context& where, const std::string& what,
                    Diagnostics& diag) {
    const std::string flag = "--encoding " + (role.empty() ? std::string() : role + "=");
    if (!decodes_as(bytes, k_detected)) {
        throw Error(
            ErrorKind::input,
            what + " is neither UTF-8 nor GBK/GB18030; save it as UTF-8 or name its encoding with " + flag + "ENCODING",
            where);
    }
    diag.warning(where,
                 what + " is not UTF-8 but reads cleanly as GBK/GB18030 (as Excel and many Shapefiles save Chinese), " +
                     "so it is read as GB18030; say so with " + flag + "GBK (or save it as UTF-8) to silence this");
}

}  // namespace

TempFiles::~TempFiles() {
    for (const auto& p : m_paths) VSIUnlink(p.c_str());
}

std::string TempFiles::make(const std::string& file_name, const std::string& bytes) {
    const std::string path = "/vsimem/scicov-" + std::to_string(reinterpret_cast<std::uintptr_t>(this)) + "-" +
                             std::to_string(m_paths.size()) + "/" + file_name;
    const std::unique_ptr<VSILFILE, decltype(&VSIFCloseL)> out(VSIFOpenL(path.c_str(), "wb"), &VSIFCloseL);
    if (!out || VSIFWriteL(bytes.data(), 1, bytes.size(), out.get()) != bytes.size()) {
        throw Error(ErrorKind::io, "cannot make an in-memory copy of " + file_name);
    }
    m_paths.push_back(path);
    return path;
}

std::string encoding_for(const ReadOptions& options, const std::string& role) {
    if (auto it = options.encoding.find(role); !role.empty() && it != options.encoding.end()) return it->second;
    if (auto it = options.encoding.find(""); it != options.encoding.end()) return it->second;
    return {};
}

bool decodes_as(const std::string& bytes, const char* encoding) {
    const std::string utf8 = recode(bytes, encoding, CPL_ENC_UTF8);
    return CPLIsUTF8(utf8.c_str(), -1) && recode(utf8, CPL_ENC_UTF8, encoding) == bytes;
}

std::string text_as_utf8(const std::string& bytes, const std::string& encoding, const std::string& role,
                         const Context& where, Diagnostics& diag) {
    if (!encoding.empty()) {
        if (!decodes_as(bytes, encoding.c_str())) {
            throw Error(ErrorKind::input, "the text does not read as " + encoding + " (--encoding)", where);
        }
        return recode(bytes, encoding.c_str(), CPL_ENC_UTF8);
    }
    if (CPLIsUTF8(bytes.c_str(), static_cast<int>(bytes.size()))) return bytes;
    detect_gb18030(bytes, role, where, "the text", diag);
    return recode(bytes, k_detected, CPL_ENC_UTF8);
}

std::vector<std::string> shapefile_options(const std::string& path, const std::string& encoding,
                                           const std::string& role, Diagnostics& diag) {
    if (!encoding.empty()) return {"ENCODING=" + encoding};
    std::error_code ec;
    if (std::filesystem::exists(std::filesystem::path(path).replace_extension(".cpg"), ec) ||
        std::filesystem::exists(std::filesystem::path(path).replace_extension(".CPG"), ec)) {
        return {};
    }
    // No .cpg: GDAL passes the bytes through (or recodes by the .dbf's language driver id).
    // Gather every field name and text value that is not UTF-8 and see whether GB18030 reads it.
    const gdal::Dataset raw = gdal::Dataset::open_as(path, path, {}, {"ESRI Shapefile"});
    std::string odd;
    for (const auto& name : raw.layer_names()) {
        OGRLayer& layer = raw.layer(name);
        const OGRFeatureDefn& defn = *layer.GetLayerDefn();
        std::vector<int> text_fields;
        for (int i = 0; i < defn.GetFieldCount(); ++i) {
            const char* field = defn.GetFieldDefn(i)->GetNameRef();
            if (!CPLIsUTF8(field, -1)) odd += std::string(field) + '\n';
            if (defn.GetFieldDefn(i)->GetType() == OFTString) text_fields.push_back(i);
        }
        layer.ResetReading();
        while (gdal::FeaturePtr f{layer.GetNextFeature()}) {
            for (const int i : text_fields) {
                const char* value = f->GetFieldAsString(i);
                if (!CPLIsUTF8(value, -1)) odd += std::string(value) + '\n';
            }
        }
        layer.ResetReading();
    }
    if (odd.empty()) return {};
    detect_gb18030(odd, role, Context{path, {}, {}, {}}, "the Shapefile's text (there is no .cpg file)", diag);
    return {std::string("ENCODING=") + k_detected};
}

}  // namespace scicov::io::detail
