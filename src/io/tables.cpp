// Tables of points as planners keep them — CSV, XLSX and ODS with lon/lat columns under any of the
// usual names — read through GDAL's own drivers; field names and statuses in Chinese.
#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <string_view>

#include <cpl_vsi.h>
#include <gdal_priv.h>

#include "io/input.hpp"
#include "io/roads.hpp"
#include "scicov/rules.hpp"

namespace scicov::io::detail {

namespace {

// The usual names of lon/lat columns (GDAL compares them without case).
constexpr std::array<std::string_view, 10> k_lon_names{"lon",  "lng", "long",    "longitude", "经度",
                                                       "东经", "x",   "point_x", "x坐标",     "经度(°)"};
constexpr std::array<std::string_view, 9> k_lat_names{"lat",     "latitude", "纬度",    "北纬", "y",
                                                      "point_y", "y坐标",    "纬度(°)", "lati"};

/// Usual Chinese names of fields, by the default English name they stand in for.
struct FieldAliases {
    std::string_view name;
    std::array<std::string_view, 8> aliases;
};
constexpr std::array<FieldAliases, 12> k_field_aliases{{
    {"code", {"代码", "编码", "区划代码", "统计用区划代码", "行政区划代码", "村代码", "村编码"}},
    {"name", {"名称", "村名", "村名称", "行政村", "设施名称", "站点名称", "单位名称", "名字"}},
    {"population", {"人口", "总人口", "户籍人口", "常住人口", "人口数", "人口(人)"}},
    {"type", {"类型", "设施类型", "类别", "种类"}},
    {"status", {"状态", "建设状态", "现状"}},
    {"grade", {"级别", "等级"}},
    {"id", {"编号", "序号", "设施编号"}},
    {"kind", {"场所类型", "场所", "载体", "类别"}},
    {"cost", {"成本", "费用", "造价", "投资"}},
    {"village_code", {"村代码", "所在村代码", "村编码"}},
    {"township_code", {"乡镇代码", "乡镇编码"}},
    {"county_code", {"县代码", "区县代码", "县编码"}},
}};

std::string lower_extension(const std::string& name) {
    std::string ext = std::filesystem::path(name).extension().string();
    for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return ext;
}

/// The lon/lat column names to look for: the mapped ones (--field facilities.lon=…) or the usual.
std::pair<std::vector<std::string>, std::vector<std::string>> coordinate_names(const ReadOptions& o,
                                                                               const std::string& role) {
    const auto& f = o.fields;
    std::vector<std::string> lon, lat;
    auto add = [](std::vector<std::string>& to, const std::string& name) {
        if (!name.empty()) to.push_back(name);
    };
    if (role != k_role_candidates) add(lon, f.facility_lon), add(lat, f.facility_lat);
    if (role != k_role_facilities) add(lon, f.candidate_lon), add(lat, f.candidate_lat);
    if (lon.empty()) lon.assign(k_lon_names.begin(), k_lon_names.end());
    if (lat.empty()) lat.assign(k_lat_names.begin(), k_lat_names.end());
    return {lon, lat};
}

std::string joined(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "" : ",") + n;
    return out;
}

int find_any(const OGRFeatureDefn& defn, const std::vector<std::string>& names) {
    for (const auto& n : names) {
        if (const int i = defn.GetFieldIndex(n.c_str()); i >= 0) return i;
    }
    return -1;
}

/// A table of points without its coordinate columns: an error that lists the columns it has and
/// the names looked for, and how to name them — not "no CRS".
void require_coordinates(const OGRFeatureDefn& defn, const Context& where, const std::string& role,
                         const std::vector<std::string>& looked_for, Diagnostics& diag) {
    if (role != k_role_facilities && role != k_role_candidates) return;
    std::string have;
    for (int i = 0; i < defn.GetFieldCount(); ++i)
        have += (have.empty() ? "" : ", ") + std::string(defn.GetFieldDefn(i)->GetNameRef());
    diag.error(where, "no lon/lat columns (looked for " + joined(looked_for) + "; the table has: " + have +
                          "); name them with --field " + role + ".lon=COLUMN --field " + role + ".lat=COLUMN");
}

gdal::Dataset open_csv(const std::string& name, const std::string& role, const ReadOptions& o, Diagnostics& diag,
                       TempFiles& temps) {
    const Context where{name, {}, {}, {}};
    GByte* raw = nullptr;
    vsi_l_offset size = 0;
    constexpr GIntBig k_max_csv_bytes = GIntBig{1} << 30;
    if (!VSIIngestFile(nullptr, name.c_str(), &raw, &size, k_max_csv_bytes)) {
        throw Error(ErrorKind::input, "cannot read the file (missing, unreadable or over 1 GiB)", where);
    }
    std::string bytes(reinterpret_cast<const char*>(raw), static_cast<std::size_t>(size));
    VSIFree(raw);
    const std::string text = text_as_utf8(bytes, encoding_for(o, role), role, where, diag);
    const std::string path = text == bytes ? name : temps.make(std::filesystem::path(name).filename().string(), text);
    const auto [lon, lat] = coordinate_names(o, role);
    gdal::Dataset ds = gdal::Dataset::open_as(path, name,
                                              {"X_POSSIBLE_NAMES=" + joined(lon), "Y_POSSIBLE_NAMES=" + joined(lat),
                                               "KEEP_GEOM_COLUMNS=NO", "AUTODETECT_TYPE=YES"},
                                              {"CSV"});
    for (const auto& layer : ds.layer_names()) {
        if (ds.layer(layer).GetLayerDefn()->GetGeomFieldCount() == 0) {
            require_coordinates(*ds.layer(layer).GetLayerDefn(), Context{name, layer, {}, {}}, role, lon, diag);
        } else if ((role == k_role_facilities || role == k_role_candidates) && o.crs.count(role) == 0) {
            diag.warning(Context{name, layer, {}, {}},
                         "points from the lon/lat columns, taken as WGS84 lon/lat (say otherwise with --crs " + role +
                             "=EPSG:…, or --datum " + role + "=gcj02|bd09 for web-map coordinates)");
        }
    }
    return ds;
}

/// A copy of `src` with a point per row built from its lon/lat columns (taken as WGS84 lon/lat
/// unless --crs says otherwise), those columns left out. A row whose coordinates are not
/// numbers is an error naming it.
void copy_as_points(OGRLayer& src, int i_lon, int i_lat, GDALDataset& mem, const Context& where, Diagnostics& diag) {
    OGRSpatialReference wgs84 = gdal::srs_from_user_input("EPSG:4326");
    OGRLayer* dst = mem.CreateLayer(src.GetName(), &wgs84, wkbPoint, nullptr);
    if (dst == nullptr) throw Error(ErrorKind::internal, "cannot create an in-memory layer", where);
    const OGRFeatureDefn& defn = *src.GetLayerDefn();
    std::vector<int> map(static_cast<std::size_t>(defn.GetFieldCount()), -1);
    for (int i = 0, j = 0; i < defn.GetFieldCount(); ++i) {
        if (i == i_lon || i == i_lat) continue;
        OGRFieldDefn field(defn.GetFieldDefn(i));
        if (dst->CreateField(&field) != OGRERR_NONE) throw Error(ErrorKind::internal, "cannot copy a field", where);
        map[static_cast<std::size_t>(i)] = j++;
    }
    src.ResetReading();
    while (gdal::FeaturePtr f{src.GetNextFeature()}) {
        gdal::FeaturePtr out{OGRFeature::CreateFeature(dst->GetLayerDefn())};
        out->SetFrom(f.get(), map.data(), TRUE);
        out->SetFID(f->GetFID());
        const auto number = [&](int i) -> std::optional<double> {
            if (!f->IsFieldSetAndNotNull(i)) return std::nullopt;
            const std::string s = f->GetFieldAsString(i);
            char* end = nullptr;
            const double v = std::strtod(s.c_str(), &end);
            if (end == s.c_str() || *end != '\0' || !std::isfinite(v)) return std::nullopt;
            return v;
        };
        const auto x = number(i_lon);
        const auto y = number(i_lat);
        if (x && y) {
            out->SetGeometryDirectly(new OGRPoint(*x, *y));
        } else {
            diag.error(
                Context{where.file, src.GetName(), f->GetFID(), defn.GetFieldDefn(x ? i_lat : i_lon)->GetNameRef()},
                std::string("\"") + f->GetFieldAsString(x ? i_lat : i_lon) +
                    "\" is not a coordinate (a number of degrees)");
        }
        if (dst->CreateFeature(out.get()) != OGRERR_NONE) throw Error(ErrorKind::internal, "cannot copy a row", where);
    }
}

/// A spreadsheet (XLSX, ODS): GDAL reads its sheets as tables without geometry, so sheets with
/// lon/lat columns become point layers of an in-memory copy.
gdal::Dataset open_sheets(const std::string& name, const std::string& role, const ReadOptions& o, Diagnostics& diag) {
    const gdal::Dataset book = gdal::Dataset::open_as(name, name, {});
    const auto [lon, lat] = coordinate_names(o, role);
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("Memory");
    GDALDatasetUniquePtr mem(driver->Create("", 0, 0, 0, GDT_Unknown, nullptr));
    const Context where{name, {}, {}, {}};
    for (const auto& sheet : book.layer_names()) {
        OGRLayer& layer = book.layer(sheet);
        const int i_lon = find_any(*layer.GetLayerDefn(), lon);
        const int i_lat = find_any(*layer.GetLayerDefn(), lat);
        if (layer.GetLayerDefn()->GetGeomFieldCount() == 0 && i_lon >= 0 && i_lat >= 0) {
            copy_as_points(layer, i_lon, i_lat, *mem, where, diag);
            if (o.crs.count(role) > 0) continue;  // the user said what they are
            diag.warning(
                Context{name, sheet, {}, {}},
                std::string("points from the columns ") + layer.GetLayerDefn()->GetFieldDefn(i_lon)->GetNameRef() +
                    "/" + layer.GetLayerDefn()->GetFieldDefn(i_lat)->GetNameRef() +
                    ", taken as WGS84 lon/lat (say otherwise with --crs" +
                    (role.empty() ? std::string() : " " + role + "=EPSG:…") + ", or --datum for web-map coordinates)");
        } else if (mem->CopyLayer(&layer, sheet.c_str()) == nullptr) {
            throw Error(ErrorKind::internal, "cannot copy the sheet " + sheet, where);
        } else if (layer.GetLayerDefn()->GetGeomFieldCount() == 0 && book.layer_names().size() == 1) {
            require_coordinates(*layer.GetLayerDefn(), Context{name, sheet, {}, {}}, role, lon, diag);
        }
    }
    return gdal::Dataset::adopt(std::move(mem), name);
}

}  // namespace

gdal::Dataset open_input(const std::string& name, const std::string& role, const ReadOptions& options,
                         Diagnostics& diag, TempFiles& temps) {
    const std::string ext = lower_extension(name);
    if (name.rfind("/vsi", 0) != 0 && name.rfind("PG:", 0) != 0) {
        std::error_code ec;
        if (!std::filesystem::exists(name, ec)) return gdal::Dataset::open(name);  // its own message
        if (ext == ".csv") return open_csv(name, role, options, diag, temps);
        if (ext == ".pbf" || ext == ".osm") return open_osm(name, temps);
        if (ext == ".xlsx" || ext == ".ods" || ext == ".xls") return open_sheets(name, role, options, diag);
        if (ext == ".shp" || ext == ".dbf") {
            const auto open_options = shapefile_options(name, encoding_for(options, role), role, diag);
            if (!open_options.empty()) return gdal::Dataset::open_as(name, name, open_options, {"ESRI Shapefile"});
        }
    }
    return gdal::Dataset::open(name);
}

int alias_field_index(const OGRFeatureDefn& defn, const std::string& name) {
    for (const auto& entry : k_field_aliases) {
        if (entry.name != name) continue;
        for (const auto alias : entry.aliases) {
            if (alias.empty()) continue;
            if (const int i = defn.GetFieldIndex(std::string(alias).c_str()); i >= 0) return i;
        }
    }
    return -1;
}

std::optional<model::FacilityStatus> parse_status(std::string_view text) {
    static constexpr std::array<std::string_view, 9> k_existing{"",     "existing", "现有", "已建", "已建成",
                                                                "建成", "在用",     "运行", "开放"};
    static constexpr std::array<std::string_view, 8> k_planned{"planned", "规划", "拟建", "在建",
                                                               "计划",    "待建", "新建", "规划中"};
    const std::string folded = rules::fold_name(text);
    if (std::find(k_existing.begin(), k_existing.end(), folded) != k_existing.end()) {
        return model::FacilityStatus::existing;
    }
    if (std::find(k_planned.begin(), k_planned.end(), folded) != k_planned.end()) return model::FacilityStatus::planned;
    return std::nullopt;
}

}  // namespace scicov::io::detail
