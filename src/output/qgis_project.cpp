// The QGIS project stored inside the output GeoPackage (issue 18): opening the file in QGIS shows a
// finished map instead of every layer stacked. The project is an XML tree built with GDAL's
// CPLXMLNode API, zipped into a .qgz with GDAL's zip writer and stored the way QGIS's GeoPackage
// project storage stores it: table qgis_projects(name, metadata, content), content = the zip's
// bytes as hex text. Styles are not written here: each layer takes the QML that
// write_layer_styles (src/output/styles.cpp) stored in layer_styles, adapted to its group's type.
#include "output/qgis_project.hpp"

#include <cpl_conv.h>
#include <cpl_minixml.h>
#include <cpl_string.h>
#include <cpl_vsi.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/text.hpp"

namespace scicov::output::detail {

namespace {

using core::fixed;

constexpr const char* k_project_name = "scicov";
constexpr const char* k_qgis_version = "3.22.0-Białowieża";  // the version the stored QML claims
// Fixed, as the styles' update_time: the same input gives the same bytes.
constexpr const char* k_metadata = R"({"last_modified_time": "2000-01-01T00:00:00", "last_modified_user": "scicov" })";

struct XmlDeleter {
    void operator()(CPLXMLNode* node) const noexcept { CPLDestroyXMLNode(node); }
};
using Xml = std::unique_ptr<CPLXMLNode, XmlDeleter>;

struct CplDeleter {
    void operator()(void* p) const noexcept { CPLFree(p); }
};

CPLXMLNode* element(CPLXMLNode* parent, const char* name) {
    return CPLCreateXMLNode(parent, CXT_Element, name);
}
CPLXMLNode* element(CPLXMLNode* parent, const char* name, const std::string& value) {
    return CPLCreateXMLElementAndValue(parent, name, value.c_str());
}
void attribute(CPLXMLNode* node, const char* name, const std::string& value) {
    CPLAddXMLAttributeAndValue(node, name, value.c_str());
}

/// A deep copy of one node (CPLCloneXMLTree alone would copy its following siblings too).
CPLXMLNode* clone_into(CPLXMLNode* parent, const CPLXMLNode* node) {
    CPLXMLNode* copy = CPLCreateXMLNode(parent, node->eType, node->pszValue);
    if (node->psChild != nullptr) copy->psChild = CPLCloneXMLTree(node->psChild);
    return copy;
}

/// Each layer's default QML as write_layer_styles stored it, parsed; the values are the documents,
/// whose <qgis> element `style_root` finds.
std::map<std::string, Xml> stored_styles(gdal::Dataset& dataset) {
    std::map<std::string, Xml> out;
    OGRLayer* table = dataset.find_layer("layer_styles");
    if (table == nullptr) return out;
    table->ResetReading();
    while (gdal::FeaturePtr f{table->GetNextFeature()}) {
        if (f->GetFieldAsInteger("useAsDefault") == 0) continue;
        Xml doc(CPLParseXMLString(f->GetFieldAsString("styleQML")));
        if (!doc) {
            throw Error(ErrorKind::io, "cannot parse a stored QGIS style",
                        Context{dataset.name(), "layer_styles", f->GetFID(), "styleQML"});
        }
        out[f->GetFieldAsString("f_table_name")] = std::move(doc);
    }
    table->ResetReading();
    return out;
}

const CPLXMLNode* style_root(const std::map<std::string, Xml>& styles, const std::string& table) {
    const auto it = styles.find(table);
    return it == styles.end() ? nullptr : CPLGetXMLNode(it->second.get(), "=qgis");
}

/// Direct element children of `node` named `name`.
std::vector<CPLXMLNode*> children(CPLXMLNode* node, const char* name) {
    std::vector<CPLXMLNode*> out;
    for (CPLXMLNode* c = node != nullptr ? node->psChild : nullptr; c != nullptr; c = c->psNext) {
        if (c->eType == CXT_Element && EQUAL(c->pszValue, name)) out.push_back(c);
    }
    return out;
}

struct FacilityType {
    std::string key;
    std::string label;  // "科普e站 e_station", the legend's label
};

/// The types in rules order, as the facilities style classifies them (a category per type).
std::vector<FacilityType> types_of(const CPLXMLNode* facilities_style) {
    std::vector<FacilityType> out;
    auto* categories = const_cast<CPLXMLNode*>(CPLGetXMLNode(facilities_style, "renderer-v2.categories"));
    for (const CPLXMLNode* c : children(categories, "category")) {
        out.push_back({CPLGetXMLValue(c, "value", ""), CPLGetXMLValue(c, "label", "")});
    }
    return out;
}

/// The type the stored villages style colours by (cov_<type>): the one shown first.
std::string focus_type(const CPLXMLNode* villages_style, const std::vector<FacilityType>& types) {
    const std::string attr = CPLGetXMLValue(villages_style, "renderer-v2.attr", "");
    if (attr.rfind("cov_", 0) == 0) return attr.substr(4);
    return types.empty() ? std::string() : types.front().key;
}

/// First and last plan year per type, read off proposed_sites.
std::map<std::string, std::pair<int, int>> plan_years(gdal::Dataset& dataset) {
    std::map<std::string, std::pair<int, int>> out;
    OGRLayer* sites = dataset.find_layer("proposed_sites");
    if (sites == nullptr) return out;
    const int type_index = sites->GetLayerDefn()->GetFieldIndex("type");
    const int year_index = sites->GetLayerDefn()->GetFieldIndex("year");
    if (type_index < 0 || year_index < 0) return out;
    sites->ResetReading();
    while (gdal::FeaturePtr f{sites->GetNextFeature()}) {
        if (!f->IsFieldSetAndNotNull(year_index)) continue;
        const int year = f->GetFieldAsInteger(year_index);
        auto [it, fresh] = out.try_emplace(f->GetFieldAsString(type_index), year, year);
        if (!fresh) it->second = {std::min(it->second.first, year), std::max(it->second.second, year)};
    }
    sites->ResetReading();
    return out;
}

std::string years_text(std::pair<int, int> years) {
    return years.first == years.second ? std::to_string(years.first) + " 年"
                                       : std::to_string(years.first) + "–" + std::to_string(years.second) + " 年";
}

void add_srs(CPLXMLNode* parent, const OGRSpatialReference* srs) {
    CPLXMLNode* node = element(parent, "spatialrefsys");
    std::string wkt;
    std::string proj4;
    std::string authid;
    if (srs != nullptr) {
        char* text = nullptr;
        const char* const wkt_options[] = {"FORMAT=WKT2_2019", nullptr};
        if (srs->exportToWkt(&text, wkt_options) == OGRERR_NONE && text != nullptr) wkt = text;
        CPLFree(text);
        text = nullptr;
        if (srs->exportToProj4(&text) == OGRERR_NONE && text != nullptr) proj4 = text;
        CPLFree(text);
        if (srs->GetAuthorityName(nullptr) != nullptr && srs->GetAuthorityCode(nullptr) != nullptr) {
            authid = std::string(srs->GetAuthorityName(nullptr)) + ":" + srs->GetAuthorityCode(nullptr);
        }
    }
    element(node, "wkt", wkt);
    element(node, "proj4", proj4);
    element(node, "srsid", "0");  // QGIS's own database id: unknown here, so QGIS reads the WKT
    element(node, "srid", srs != nullptr && srs->GetAuthorityCode(nullptr) ? srs->GetAuthorityCode(nullptr) : "0");
    element(node, "authid", authid);
    element(node, "description", srs != nullptr && srs->GetName() != nullptr ? srs->GetName() : "");
    element(node, "geographicflag", srs != nullptr && srs->IsGeographic() ? "true" : "false");
}

void add_rectangle(CPLXMLNode* node, const OGREnvelope& e) {
    element(node, "xmin", fixed(e.MinX, 9));
    element(node, "ymin", fixed(e.MinY, 9));
    element(node, "xmax", fixed(e.MaxX, 9));
    element(node, "ymax", fixed(e.MaxY, 9));
}

/// QGIS's names for a layer's geometry: (geometry attribute, wkbType attribute).
std::pair<const char*, const char*> geometry_names(OGRwkbGeometryType type) {
    switch (wkbFlatten(type)) {
        case wkbPoint:
            return {"Point", "Point"};
        case wkbMultiPoint:
            return {"Point", "MultiPoint"};
        case wkbLineString:
            return {"Line", "LineString"};
        case wkbMultiLineString:
            return {"Line", "MultiLineString"};
        case wkbPolygon:
            return {"Polygon", "Polygon"};
        case wkbMultiPolygon:
            return {"Polygon", "MultiPolygon"};
        default:
            return {"No geometry", "NoGeometry"};
    }
}

/// One layer of the project: a table of the GeoPackage, maybe restricted to one type.
struct LayerSpec {
    std::string table;
    std::string name;       // shown in the Layers panel
    std::string type;       // the group's facility type ("" outside the type groups)
    bool filtered = false;  // restricted to rows of `type`
    bool expanded = false;  // legend classes shown
};

/// The stored QML adapted to one type's group: villages and counties coloured by that type's
/// coverage and target, every gap class drawn (the layer holds one type's gaps), proposed sites
/// labelled with their year (the counties' label settings, on the year field, around the point).
void adapt_style(CPLXMLNode* style, const LayerSpec& spec, const CPLXMLNode* county_style) {
    CPLXMLNode* renderer = CPLGetXMLNode(style, "renderer-v2");
    const std::string attr = CPLGetXMLValue(renderer, "attr", "");
    if (spec.table == "villages" && attr.rfind("cov_", 0) == 0) {
        CPLSetXMLValue(renderer, "#attr", ("cov_" + spec.type).c_str());
    } else if (spec.table == "counties" && attr.rfind("met_", 0) == 0) {
        CPLSetXMLValue(renderer, "#attr", ("met_" + spec.type).c_str());
    } else if (spec.table == "gaps") {
        for (CPLXMLNode* c : children(CPLGetXMLNode(renderer, "categories"), "category")) {
            CPLSetXMLValue(c, "#render", "true");
        }
    } else if (spec.table == "proposed_sites" && county_style != nullptr &&
               CPLGetXMLNode(county_style, "labeling") != nullptr) {
        CPLXMLNode* labels = clone_into(style, CPLGetXMLNode(county_style, "labeling"));
        CPLSetXMLValue(labels, "settings.text-style.#fieldName", "year");
        CPLSetXMLValue(labels, "settings.text-style.#fontSize", "8.0");
        CPLSetXMLValue(labels, "settings.placement.#placement", "0");  // around the point
        CPLSetXMLValue(labels, "settings.placement.#dist", "1");
        CPLSetXMLValue(style, "#labelsEnabled", "1");
    }
}

class ProjectBuilder {
public:
    ProjectBuilder(gdal::Dataset& dataset, std::string file_name)
        : m_dataset(dataset), m_file_name(std::move(file_name)), m_styles(stored_styles(dataset)) {}

    Xml build();

private:
    const OGRSpatialReference* map_srs() const;
    void add_layer(CPLXMLNode* group, const LayerSpec& spec);
    void add_type_group(CPLXMLNode* parent, const FacilityType& type, bool visible);
    void add_map_view(CPLXMLNode* project);

    gdal::Dataset& m_dataset;
    std::string m_file_name;
    std::map<std::string, Xml> m_styles;
    std::map<std::string, std::pair<int, int>> m_years;
    CPLXMLNode* m_project_layers = nullptr;
};

const OGRSpatialReference* ProjectBuilder::map_srs() const {
    OGRLayer* villages = m_dataset.find_layer("villages");
    return villages != nullptr ? villages->GetSpatialRef() : nullptr;
}

void ProjectBuilder::add_layer(CPLXMLNode* group, const LayerSpec& spec) {
    OGRLayer* layer = m_dataset.find_layer(spec.table);
    if (layer == nullptr) return;
    const std::string id = (spec.type.empty() ? std::string() : spec.type + "_") + spec.table;
    std::string source = "./" + m_file_name + "|layername=" + spec.table;
    if (spec.filtered) {
        std::string quoted;
        for (char c : spec.type) quoted += c == '\'' ? std::string("''") : std::string(1, c);
        source += "|subset=\"type\" = '" + quoted + "'";
    }

    CPLXMLNode* entry = element(group, "layer-tree-layer");
    attribute(entry, "id", id);
    attribute(entry, "name", spec.name);
    attribute(entry, "source", source);
    attribute(entry, "providerKey", "ogr");
    attribute(entry, "checked", "Qt::Checked");
    attribute(entry, "expanded", spec.expanded ? "1" : "0");

    Xml style(CPLCreateXMLNode(nullptr, CXT_Element, "qgis"));
    if (const CPLXMLNode* stored = style_root(m_styles, spec.table)) style.reset(clone_into(nullptr, stored));
    adapt_style(style.get(), spec, style_root(m_styles, "counties"));

    CPLXMLNode* map_layer = element(m_project_layers, "maplayer");
    const auto [geometry, wkb_type] = geometry_names(layer->GetGeomType());
    attribute(map_layer, "type", "vector");
    attribute(map_layer, "geometry", geometry);
    attribute(map_layer, "wkbType", wkb_type);
    for (const CPLXMLNode* c = style->psChild; c != nullptr; c = c->psNext) {
        // The QML's layer-wide attributes (labelsEnabled, scale visibility, simplification).
        if (c->eType != CXT_Attribute || EQUAL(c->pszValue, "version") || EQUAL(c->pszValue, "styleCategories"))
            continue;
        attribute(map_layer, c->pszValue, CPLGetXMLValue(c, nullptr, ""));
    }
    OGREnvelope extent;
    if (layer->GetGeomType() != wkbNone && layer->GetExtent(&extent, TRUE) == OGRERR_NONE) {
        add_rectangle(element(map_layer, "extent"), extent);
    }
    element(map_layer, "id", id);
    element(map_layer, "datasource", source);
    element(map_layer, "layername", spec.name);
    if (layer->GetGeomType() != wkbNone) add_srs(element(map_layer, "srs"), layer->GetSpatialRef());
    attribute(element(map_layer, "provider", "ogr"), "encoding", "UTF-8");
    for (const CPLXMLNode* c = style->psChild; c != nullptr; c = c->psNext) {
        if (c->eType == CXT_Element) clone_into(map_layer, c);  // renderer, labels, aliases …
    }
}

/// Top to bottom: boundaries, proposed sites, existing facilities, gaps, service areas, villages
/// (the fills at the bottom, outlines and points over them).
void ProjectBuilder::add_type_group(CPLXMLNode* parent, const FacilityType& type, bool visible) {
    CPLXMLNode* group = element(parent, "layer-tree-group");
    attribute(group, "name", type.label.empty() ? type.key : type.label);
    attribute(group, "checked", visible ? "Qt::Checked" : "Qt::Unchecked");
    attribute(group, "expanded", visible ? "1" : "0");
    std::string sites = "规划新增站点 proposed sites";
    if (const auto it = m_years.find(type.key); it != m_years.end()) {
        sites = "规划新增站点 " + years_text(it->second) + " proposed sites";
    }
    const std::vector<LayerSpec> layers{
        {"counties", "县界 counties", type.key, false, false},
        {"townships", "乡镇界 townships", type.key, false, false},
        {"proposed_sites", sites, type.key, true, true},
        {"facilities", "现有设施 facilities", type.key, true, false},
        {"gaps", "覆盖缺口 gaps", type.key, true, false},
        {"service_areas", "服务范围 service areas", type.key, true, false},
        {"villages", "村(社区)覆盖 villages", type.key, false, true},
    };
    for (const auto& spec : layers) add_layer(group, spec);
}

/// The map canvas opens on all villages, in their CRS (also the project's CRS and default view).
void ProjectBuilder::add_map_view(CPLXMLNode* project) {
    OGREnvelope extent;
    OGRLayer* villages = m_dataset.find_layer("villages");
    if (villages == nullptr || villages->GetExtent(&extent, TRUE) != OGRERR_NONE) return;
    const double margin_x = (extent.MaxX - extent.MinX) * 0.03;
    const double margin_y = (extent.MaxY - extent.MinY) * 0.03;
    extent.MinX -= margin_x;
    extent.MaxX += margin_x;
    extent.MinY -= margin_y;
    extent.MaxY += margin_y;
    const OGRSpatialReference* srs = map_srs();

    CPLXMLNode* canvas = element(project, "mapcanvas");
    attribute(canvas, "name", "theMapCanvas");
    attribute(canvas, "annotationsVisible", "1");
    element(canvas, "units", srs != nullptr && srs->IsGeographic() ? "degrees" : "meters");
    add_rectangle(element(canvas, "extent"), extent);
    element(canvas, "rotation", "0");
    add_srs(element(canvas, "destinationsrs"), srs);

    CPLXMLNode* view = element(project, "ProjectViewSettings");
    attribute(view, "UseProjectScales", "0");
    attribute(view, "rotation", "0");
    element(view, "Scales");
    CPLXMLNode* default_view = element(view, "DefaultViewExtent");
    attribute(default_view, "xmin", fixed(extent.MinX, 9));
    attribute(default_view, "ymin", fixed(extent.MinY, 9));
    attribute(default_view, "xmax", fixed(extent.MaxX, 9));
    attribute(default_view, "ymax", fixed(extent.MaxY, 9));
    add_srs(default_view, srs);
}

Xml ProjectBuilder::build() {
    m_years = plan_years(m_dataset);
    const std::vector<FacilityType> types = types_of(style_root(m_styles, "facilities"));
    const std::string focus = focus_type(style_root(m_styles, "villages"), types);
    std::string title = "scicov 科普设施覆盖 science facility coverage";
    if (!m_years.empty()) {
        std::pair<int, int> all = m_years.begin()->second;
        for (const auto& [type, years] : m_years)
            all = {std::min(all.first, years.first), std::max(all.second, years.second)};
        title = "scicov 科普设施覆盖与规划 " + years_text(all) + " coverage and plan";
    }

    Xml project(CPLCreateXMLNode(nullptr, CXT_Element, "qgis"));
    attribute(project.get(), "projectname", title);
    attribute(project.get(), "version", k_qgis_version);
    attribute(element(project.get(), "homePath"), "path", "");
    element(project.get(), "title", title);
    add_srs(element(project.get(), "projectCrs"), map_srs());

    CPLXMLNode* tree = element(project.get(), "layer-tree-group");
    // The type groups under one parent that lets one be ticked at a time (QGIS's "mutually
    // exclusive group"): ticking another type unticks the shown one.
    CPLXMLNode* by_type = element(tree, "layer-tree-group");
    attribute(by_type, "name", "设施类型 facility types");
    attribute(by_type, "checked", "Qt::Checked");
    attribute(by_type, "expanded", "1");
    attribute(by_type, "mutually-exclusive", "1");
    m_project_layers = element(project.get(), "projectlayers");
    for (std::size_t i = 0; i < types.size(); ++i) {
        if (types[i].key == focus) attribute(by_type, "mutually-exclusive-child", std::to_string(i));
        add_type_group(by_type, types[i], types[i].key == focus);
    }
    CPLXMLNode* tables = element(tree, "layer-tree-group");
    attribute(tables, "name", "表格 tables");
    attribute(tables, "checked", "Qt::Checked");
    attribute(tables, "expanded", "0");
    add_layer(tables, {"plan_summary", "规划结果 plan summary", {}, false, false});
    add_layer(tables, {"run", "运行信息 run", {}, false, false});

    CPLXMLNode* paths = element(element(project.get(), "properties"), "Paths");
    attribute(element(paths, "Absolute", "false"), "type", "bool");
    add_map_view(project.get());
    return project;
}

/// The project as a .qgz (a zip holding one .qgs), in memory through GDAL's /vsimem/, as hex text.
std::string zipped_hex(const std::string& qgs, const void* owner) {
    const std::string path =
        "/vsimem/scicov-qgis-project-" + std::to_string(reinterpret_cast<std::uintptr_t>(owner)) + ".qgz";
    void* zip = CPLCreateZip(path.c_str(), nullptr);
    bool ok = zip != nullptr;
    if (ok) {
        ok = CPLCreateFileInZip(zip, "scicov.qgs", nullptr) == CE_None &&
             CPLWriteFileInZip(zip, qgs.data(), static_cast<int>(qgs.size())) == CE_None &&
             CPLCloseFileInZip(zip) == CE_None;
        ok = CPLCloseZip(zip) == CE_None && ok;
    }
    vsi_l_offset length = 0;
    std::unique_ptr<GByte, CplDeleter> bytes(VSIGetMemFileBuffer(path.c_str(), &length, TRUE));
    if (!ok || !bytes) throw Error(ErrorKind::io, "cannot zip the QGIS project");
    std::unique_ptr<char, CplDeleter> hex(CPLBinaryToHex(static_cast<int>(length), bytes.get()));
    return hex.get();
}

}  // namespace

void write_qgis_project(gdal::Dataset& dataset, const std::string& file_name) {
    if (dataset.find_layer("villages") == nullptr) return;
    Xml project = ProjectBuilder(dataset, file_name).build();
    std::unique_ptr<char, CplDeleter> text(CPLSerializeXMLTree(project.get()));
    const std::string hex = zipped_hex(text.get(), &dataset);

    // The table as QGIS creates it; the hex digits and fixed strings need no SQL quoting.
    const std::vector<std::string> statements{
        "CREATE TABLE IF NOT EXISTS qgis_projects(name TEXT PRIMARY KEY, metadata BLOB, content BLOB)",
        std::string("INSERT INTO qgis_projects VALUES ('") + k_project_name + "', '" + k_metadata + "', '" + hex +
            "')"};
    GDALDataset& ds = dataset.get();
    dataset.start_transaction();
    for (const auto& sql : statements) {
        gdal::ErrorCapture capture;
        ds.ExecuteSQL(sql.c_str(), nullptr, nullptr);
        if (!capture.last_error().empty()) {
            throw Error(ErrorKind::io, "cannot store the QGIS project: " + capture.last_error(),
                        Context{dataset.name(), "qgis_projects", {}, {}});
        }
    }
    dataset.commit_transaction();
}

}  // namespace scicov::output::detail
