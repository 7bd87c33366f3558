// Opening a planner's files as they come: tables of points (CSV, XLSX, ODS), text in GBK, field
// and value names in Chinese. Internal to io; read.cpp's Reader calls these.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <ogr_feature.h>

#include "core/gdal.hpp"
#include "scicov/core.hpp"
#include "scicov/io.hpp"
#include "scicov/model.hpp"

namespace scicov::io::detail {

/// In-memory (/vsimem/) copies made while reading, removed when the reader is done.
class TempFiles {
public:
    TempFiles() = default;
    TempFiles(const TempFiles&) = delete;
    TempFiles& operator=(const TempFiles&) = delete;
    ~TempFiles();
    /// Writes `bytes` to a new /vsimem/ file ending in `file_name`; returns its path.
    std::string make(const std::string& file_name, const std::string& bytes);

private:
    std::vector<std::string> m_paths;
};

/// The encoding asked for a role's data: --encoding ROLE=X, else --encoding X (every role), else "".
std::string encoding_for(const ReadOptions& options, const std::string& role);

/// True when `bytes` read as `encoding` and written back give the same bytes (nothing lost or
/// replaced), by GDAL's CPLRecode (iconv).
bool decodes_as(const std::string& bytes, const char* encoding);

/// Text bytes as UTF-8: recoded from `encoding` when one is given; as they are when valid
/// UTF-8; else recoded from GB18030 when they decode as it (with a warning that says so and how
/// to make it explicit); else an input error that names the fix.
std::string text_as_utf8(const std::string& bytes, const std::string& encoding, const std::string& role,
                         const Context& where, Diagnostics& diag);

/// Shapefile open options: ENCODING=<given>, or the detected one for a Shapefile without .cpg
/// whose names and text are not UTF-8 but GB18030 (with a warning); none otherwise.
std::vector<std::string> shapefile_options(const std::string& path, const std::string& encoding,
                                           const std::string& role, Diagnostics& diag);

/// Opens an input as scicov reads it: a CSV in UTF-8 (recoded when it was not) with points from
/// its lon/lat columns; XLSX/ODS sheets with lon/lat columns as point layers; a Shapefile in its
/// declared, given or detected encoding; anything else as GDAL opens it.
gdal::Dataset open_input(const std::string& name, const std::string& role, const ReadOptions& options,
                         Diagnostics& diag, TempFiles& temps);

/// The index of a field under its usual Chinese names (名称, 类型, 人口, 代码 …) when `name` is
/// the default English name of a field and the layer lacks it; -1 otherwise.
int alias_field_index(const OGRFeatureDefn& defn, const std::string& name);

/// A facility status as planners write it (现有/已建/existing, 规划/拟建/planned …), folded.
std::optional<model::FacilityStatus> parse_status(std::string_view text);

}  // namespace scicov::io::detail
