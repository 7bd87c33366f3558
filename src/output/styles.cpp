// QGIS styles stored in the output GeoPackage (DESIGN "Output contract": "QGIS styles into
// layer_styles (applied on open)"). One QML document (QGIS 3) per layer, generated as text, with
// the Cairo map's palette (src/report/map.cpp) so QGIS and the PNG agree.
#include "output/palette.hpp"
#include "output/writer.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/text.hpp"

namespace scicov::output::detail {

namespace {

using core::fixed;
using core::xml_escape;

// --- palette: the same values as the maps (src/report/map.cpp) ---------------------------------------------

struct Rgb {
    unsigned r, g, b;
};
constexpr Rgb hex(unsigned v) {
    return {(v >> 16) & 0xffU, (v >> 8) & 0xffU, v & 0xffU};
}
constexpr Rgb k_covered = hex(palette::covered);
constexpr Rgb k_uncovered = hex(palette::uncovered);
constexpr Rgb k_gap = hex(palette::gap);
constexpr Rgb k_county = hex(palette::county);
constexpr Rgb k_township = hex(palette::township);
constexpr Rgb k_text = hex(palette::text);
constexpr Rgb k_white = hex(0xffffff);
constexpr const char* k_font = "Noto Sans CJK SC";
constexpr const char* k_update_time = "2000-01-01T00:00:00Z";  // fixed: same input, same bytes

/// QGIS's colour notation: "r,g,b,a".
std::string qcolor(Rgb c, unsigned alpha = 255) {
    return std::to_string(c.r) + "," + std::to_string(c.g) + "," + std::to_string(c.b) + "," + std::to_string(alpha);
}

struct TypeStyle {
    const char* shape;  // QGIS simple marker shape
    Rgb colour;
    double size_mm;
};
/// The map legend's symbol per facility type (square, triangle, diamond, circle).
TypeStyle type_style(const std::string& type) {
    const palette::TypeMark mark = palette::mark_of(type);
    switch (mark.symbol) {
        case palette::Symbol::square:
            return {"square", hex(mark.colour), 3.6};
        case palette::Symbol::triangle:
            return {"triangle", hex(mark.colour), 3.6};
        case palette::Symbol::diamond:
            return {"diamond", hex(mark.colour), 2.8};
        case palette::Symbol::circle:
            break;
    }
    return {"circle", hex(mark.colour), 2.2};
}

/// The map's ramp for plan years: light yellow-orange (first year) to dark red (last).
Rgb year_colour(int year, int first, int last) {
    constexpr std::array<Rgb, 5> ramp = {hex(palette::year_ramp[0]), hex(palette::year_ramp[1]),
                                         hex(palette::year_ramp[2]), hex(palette::year_ramp[3]),
                                         hex(palette::year_ramp[4])};
    const double t = last > first ? std::clamp(double(year - first) / double(last - first), 0.0, 1.0) : 0.0;
    const double pos = t * (ramp.size() - 1);
    const auto i = std::min<std::size_t>(static_cast<std::size_t>(pos), ramp.size() - 2);
    const double f = pos - double(i);
    auto mix = [f](unsigned a, unsigned b) {
        return static_cast<unsigned>(std::lround(double(a) + (double(b) - double(a)) * f));
    };
    return {mix(ramp[i].r, ramp[i + 1].r), mix(ramp[i].g, ramp[i + 1].g), mix(ramp[i].b, ramp[i + 1].b)};
}

// --- QML pieces -----------------------------------------------------------------------------------

using Props = std::vector<std::pair<std::string, std::string>>;

std::string options(const Props& props) {
    std::string o = "<Option type=\"Map\">";
    for (const auto& [k, v] : props) {
        o += "<Option name=\"" + xml_escape(k) + "\" value=\"" + xml_escape(v) + "\" type=\"QString\"/>";
    }
    return o + "</Option>";
}

/// QGIS 3.22 writes a symbol layer's properties twice, as an Option map and as legacy <prop>
/// elements (which older QGIS 3 releases read); so do we.
std::string symbol_layer(const std::string& cls, const Props& props, const std::string& sub = {}) {
    std::string o = "<layer class=\"" + cls + "\" enabled=\"1\" locked=\"0\" pass=\"0\">" + options(props);
    for (const auto& [k, v] : props) o += "<prop k=\"" + xml_escape(k) + "\" v=\"" + xml_escape(v) + "\"/>";
    return o + sub + "</layer>";
}

std::string symbol(const std::string& kind, const std::string& name, const std::vector<std::string>& layers) {
    std::string o = "<symbol type=\"" + kind + "\" name=\"" + xml_escape(name) +
                    "\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">";
    for (const auto& l : layers) o += l;
    return o + "</symbol>";
}

std::string simple_fill(Rgb fill, unsigned fill_alpha, Rgb outline, unsigned outline_alpha, double width_mm,
                        const char* outline_style = "solid", const char* style = "solid") {
    return symbol_layer("SimpleFill", {{"color", qcolor(fill, fill_alpha)},
                                       {"joinstyle", "round"},
                                       {"offset", "0,0"},
                                       {"offset_unit", "MM"},
                                       {"outline_color", qcolor(outline, outline_alpha)},
                                       {"outline_style", outline_style},
                                       {"outline_width", fixed(width_mm, 2)},
                                       {"outline_width_unit", "MM"},
                                       {"style", style}});
}

std::string simple_line(Rgb colour, unsigned alpha, double width_mm) {
    return symbol_layer("SimpleLine", {{"capstyle", "flat"},
                                       {"joinstyle", "round"},
                                       {"line_color", qcolor(colour, alpha)},
                                       {"line_style", "solid"},
                                       {"line_width", fixed(width_mm, 2)},
                                       {"line_width_unit", "MM"}});
}

/// Line pattern fill (hatching) at 45°, its line a sub-symbol.
std::string hatch(Rgb colour, unsigned alpha, double distance_mm, double width_mm) {
    return symbol_layer("LinePatternFill",
                        {{"angle", "45"},
                         {"color", qcolor(colour, alpha)},
                         {"distance", fixed(distance_mm, 2)},
                         {"distance_unit", "MM"},
                         {"line_width", fixed(width_mm, 2)},
                         {"line_width_unit", "MM"},
                         {"offset", "0"},
                         {"offset_unit", "MM"}},
                        symbol("line", "@0@0", {simple_line(colour, alpha, width_mm)}));
}

std::string marker(const char* shape, Rgb colour, double size_mm, unsigned alpha = 255) {
    return symbol_layer("SimpleMarker", {{"angle", "0"},
                                         {"color", qcolor(colour, alpha)},
                                         {"joinstyle", "miter"},
                                         {"name", shape},
                                         {"offset", "0,0"},
                                         {"offset_unit", "MM"},
                                         {"outline_color", qcolor(k_white, alpha)},
                                         {"outline_style", "solid"},
                                         {"outline_width", "0.3"},
                                         {"outline_width_unit", "MM"},
                                         {"scale_method", "diameter"},
                                         {"size", fixed(size_mm, 2)},
                                         {"size_unit", "MM"},
                                         {"vertical_anchor_point", "1"}});
}

struct Category {
    std::string value;
    std::string label;
    std::string kind;                 // fill, marker, line
    std::vector<std::string> layers;  // symbol layers
};

/// `hidden` values keep their class but start unticked in the legend.
std::string categorized(const std::string& attr, const std::vector<Category>& cats,
                        const std::set<std::string>& hidden = {}) {
    std::string o = "<renderer-v2 type=\"categorizedSymbol\" attr=\"" + xml_escape(attr) +
                    "\" symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\"><categories>";
    for (std::size_t i = 0; i < cats.size(); ++i) {
        o += std::string("<category render=\"") + (hidden.count(cats[i].value) ? "false" : "true") + "\" symbol=\"" +
             std::to_string(i) + "\" value=\"" + xml_escape(cats[i].value) + "\" label=\"" + xml_escape(cats[i].label) +
             "\"/>";
    }
    o += "</categories><symbols>";
    for (std::size_t i = 0; i < cats.size(); ++i) o += symbol(cats[i].kind, std::to_string(i), cats[i].layers);
    return o + "</symbols><rotation/><sizescale/></renderer-v2>";
}

std::string single(const std::string& kind, const std::vector<std::string>& layers) {
    return "<renderer-v2 type=\"singleSymbol\" symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\"><symbols>" +
           symbol(kind, "0", layers) + "</symbols><rotation/><sizescale/></renderer-v2>";
}

/// Plan years in up to six equal classes on the map's ramp (the map legend's classes), each a
/// range from half a year before its first year to half a year after its last.
std::string graduated_years(const std::string& attr, int first, int last) {
    const int span = last - first + 1;
    const int classes = std::min(span, 6);
    std::string ranges;
    std::string symbols;
    for (int k = 0; k < classes; ++k) {
        const int y0 = first + span * k / classes;
        const int y1 = first + span * (k + 1) / classes - 1;
        const std::string label =
            (y0 == y1 ? std::to_string(y0) : std::to_string(y0) + "–" + std::to_string(y1)) + " 年";
        ranges += "<range render=\"true\" symbol=\"" + std::to_string(k) + "\" lower=\"" + fixed(y0 - 0.5, 1) +
                  "\" upper=\"" + fixed(y1 + 0.5, 1) + "\" label=\"" + xml_escape(label) + "\"/>";
        symbols += symbol("marker", std::to_string(k), {marker("circle", year_colour(y0, first, last), 3.0)});
    }
    return "<renderer-v2 type=\"graduatedSymbol\" attr=\"" + xml_escape(attr) +
           "\" graduatedMethod=\"GraduatedColor\" symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\"><ranges>" +
           ranges + "</ranges><symbols>" + symbols +
           "</symbols><classificationMethod id=\"EqualInterval\"/><rotation/><sizescale/></renderer-v2>";
}

/// Simple labels on one field in Noto Sans CJK SC with a white halo, placed over the centroid.
std::string labeling(const std::string& field, double size_pt, bool bold) {
    return "<labeling type=\"simple\"><settings calloutType=\"simple\"><text-style fieldName=\"" + xml_escape(field) +
           "\" isExpression=\"0\" fontFamily=\"" + k_font + "\" namedStyle=\"" + (bold ? "Bold" : "Regular") +
           "\" fontWeight=\"" + (bold ? "75" : "50") + "\" fontItalic=\"0\" fontSize=\"" + fixed(size_pt, 1) +
           "\" fontSizeUnit=\"Point\" textColor=\"" + qcolor(k_text) +
           "\" textOpacity=\"1\" multilineHeight=\"1\" allowHtml=\"0\">"
           "<text-buffer bufferDraw=\"1\" bufferSize=\"0.8\" bufferSizeUnits=\"MM\" bufferColor=\"" +
           qcolor(k_white) +
           "\" bufferOpacity=\"0.85\" bufferJoinStyle=\"128\" bufferNoFill=\"1\" bufferBlendMode=\"0\"/>"
           "</text-style><text-format wrapChar=\"\" multilineAlign=\"3\" plussign=\"0\" formatNumbers=\"0\"/>"
           "<placement placement=\"1\" priority=\"5\" dist=\"0\" distUnits=\"MM\" offsetType=\"0\" quadOffset=\"4\" "
           "centroidWhole=\"0\" centroidInside=\"1\" fitInPolygonOnly=\"0\"/>"
           "<rendering obstacle=\"1\" scaleVisibility=\"0\" fontLimitPixelSize=\"0\" displayAll=\"0\" "
           "upsidedownLabels=\"0\" labelPerPart=\"0\" mergeLines=\"0\" limitNumLabels=\"0\" drawLabels=\"1\" "
           "zIndex=\"0\"/></settings></labeling>";
}

struct Field {
    std::string name;
    std::string alias;
};

/// A whole QML document. `aliases` become the layer's field aliases (QGIS counts the fid first).
std::string qml(const std::string& renderer, const std::string& label, bool labels_enabled,
                const std::vector<Field>& fields, int geometry_type) {
    std::string o =
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
        "<qgis version=\"3.22.0-Białowieża\" styleCategories=\"AllStyleCategories\" labelsEnabled=\"";
    o += labels_enabled ? "1" : "0";
    o += "\" hasScaleBasedVisibilityFlag=\"0\" minScale=\"100000000\" maxScale=\"0\" simplifyDrawingHints=\"1\" "
         "simplifyDrawingTol=\"1\" simplifyLocal=\"1\" simplifyAlgorithm=\"0\" simplifyMaxScale=\"1\">\n";
    o += renderer + "\n";
    if (!label.empty()) o += label + "\n";
    o += "<blendMode>0</blendMode>\n<featureBlendMode>0</featureBlendMode>\n<layerOpacity>1</layerOpacity>\n";
    o += "<aliases>";
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (fields[i].alias.empty()) continue;
        o += "<alias field=\"" + xml_escape(fields[i].name) + "\" index=\"" + std::to_string(i + 1) + "\" name=\"" +
             xml_escape(fields[i].alias) + "\"/>";
    }
    o += "</aliases>\n<layerGeometryType>" + std::to_string(geometry_type) + "</layerGeometryType>\n</qgis>\n";
    return o;
}

std::vector<Field> fields_of(OGRLayer& layer) {
    std::vector<Field> out;
    OGRFeatureDefn* defn = layer.GetLayerDefn();
    for (int i = 0; i < defn->GetFieldCount(); ++i) {
        const OGRFieldDefn* f = defn->GetFieldDefn(i);
        const char* alias = f->GetAlternativeNameRef();
        out.push_back({f->GetNameRef(), alias != nullptr ? alias : ""});
    }
    return out;
}

bool has_field(const std::vector<Field>& fields, const std::string& name) {
    return std::any_of(fields.begin(), fields.end(), [&](const Field& f) { return f.name == name; });
}

struct TypeName {
    std::string key;
    std::string zh;
};

/// The facility types in rules order, read off the counties layer's met_<type> fields (aliases
/// "<名称>达标").
std::vector<TypeName> types_of(const std::vector<Field>& county_fields) {
    std::vector<TypeName> out;
    const std::string suffix = "达标";
    for (const auto& f : county_fields) {
        if (f.name.rfind("met_", 0) != 0 || f.name.rfind("met_after_", 0) == 0) continue;
        std::string zh = f.alias;
        if (zh.size() >= suffix.size() && zh.compare(zh.size() - suffix.size(), suffix.size(), suffix) == 0) {
            zh.resize(zh.size() - suffix.size());
        }
        out.push_back({f.name.substr(4), zh});
    }
    return out;
}

std::string type_label(const TypeName& t) {
    return t.zh.empty() ? t.key : t.zh + " " + t.key;
}

struct Style {
    std::string layer;
    std::string qml;
};

/// Proposed sites graduated by year, on the map's ramp from the first year to the last.
std::string proposed_sites_style(OGRLayer& layer, const std::vector<Field>& fields) {
    std::string doc;
    std::set<int> years;
    const int year_index = layer.GetLayerDefn()->GetFieldIndex("year");
    layer.ResetReading();
    while (gdal::FeaturePtr f{layer.GetNextFeature()}) {
        if (year_index >= 0 && f->IsFieldSetAndNotNull(year_index)) years.insert(f->GetFieldAsInteger(year_index));
    }
    layer.ResetReading();
    if (years.empty()) {
        doc = qml(single("marker", {marker("circle", year_colour(0, 0, 0), 3.0)}), {}, false, fields, 0);
    } else {
        doc = qml(graduated_years("year", *years.begin(), *years.rbegin()), {}, false, fields, 0);
    }
    return doc;
}

/// Villages by coverage of the focus type.
std::string villages_style(const std::vector<Field>& fields, const std::string& focus) {
    const std::string attr = "cov_" + focus;
    if (focus.empty() || !has_field(fields, attr)) {
        return qml(single("fill", {simple_fill(k_covered, 255, k_white, 255, 0.1)}), labeling("name", 7, false), false,
                   fields, 2);
    }
    const std::vector<Category> cats{
        {"1", "已覆盖 covered", "fill", {simple_fill(k_covered, 255, k_white, 255, 0.1)}},
        {"0", "未覆盖 not covered", "fill", {simple_fill(k_uncovered, 255, k_white, 255, 0.1)}}};
    return qml(categorized(attr, cats), labeling("name", 7, false), false, fields, 2);
}

/// Counties outlined by whether they meet the focus type's target.
std::string counties_style(const std::vector<Field>& fields, const std::string& focus) {
    const std::string attr = "met_" + focus;
    if (focus.empty() || !has_field(fields, attr)) {
        return qml(single("fill", {simple_fill(k_county, 0, k_county, 255, 0.6, "solid", "no")}),
                   labeling("name", 10, true), true, fields, 2);
    }
    const std::vector<Category> cats{
        {"1", "达标 met", "fill", {simple_fill(k_county, 0, k_county, 255, 0.6, "solid", "no")}},
        {"0", "未达标 not met", "fill", {simple_fill(k_gap, 0, k_gap, 255, 0.8, "solid", "no")}}};
    return qml(categorized(attr, cats), labeling("name", 10, true), true, fields, 2);
}

/// One class per type, hatched; only the focus type is drawn at first (the map shows one type's
/// gaps; stacked hatching of all types is unreadable). Tick others in the legend.
std::string gaps_style(const std::vector<Field>& fields, const std::vector<TypeName>& types, const std::string& focus) {
    std::vector<Category> cats;
    std::set<std::string> hidden;
    for (const auto& t : types) {
        cats.push_back({t.key,
                        type_label(t),
                        "fill",
                        {hatch(k_gap, 200, 1.6, 0.3), simple_fill(k_gap, 0, k_gap, 180, 0.2, "solid", "no")}});
        if (t.key != focus) hidden.insert(t.key);
    }
    return qml(categorized("type", cats, hidden), {}, false, fields, 2);
}

enum class Geometry { point, polygon };

/// Facilities (markers) or service areas (pale fills) in each type's colour.
std::string by_type_style(const std::vector<Field>& fields, const std::vector<TypeName>& types, Geometry geometry) {
    std::vector<Category> cats;
    for (const auto& t : types) {
        const auto st = type_style(t.key);
        if (geometry == Geometry::point) {
            cats.push_back({t.key, type_label(t), "marker", {marker(st.shape, st.colour, st.size_mm)}});
        } else {
            cats.push_back({t.key, type_label(t), "fill", {simple_fill(st.colour, 50, st.colour, 140, 0.2)}});
        }
    }
    return qml(categorized("type", cats), {}, false, fields, geometry == Geometry::point ? 0 : 2);
}

/// The QML of one layer, or empty for tables without geometry (they keep QGIS's defaults).
/// `focus` is the type villages and counties are coloured by.
std::string style_of_layer(OGRLayer& layer, const std::vector<TypeName>& types, const std::string& focus) {
    const std::string name = layer.GetName();
    const std::vector<Field> fields = fields_of(layer);
    if (name == "villages") return villages_style(fields, focus);
    if (name == "gaps") return gaps_style(fields, types, focus);
    if (name == "townships") {
        return qml(single("fill", {simple_fill(k_township, 0, k_township, 230, 0.26, "dash", "no")}), {}, false, fields,
                   2);
    }
    if (name == "counties") return counties_style(fields, focus);
    if (name == "facilities") return by_type_style(fields, types, Geometry::point);
    if (name == "service_areas") return by_type_style(fields, types, Geometry::polygon);
    if (name == "proposed_sites") return proposed_sites_style(layer, fields);
    return {};
}

/// The layer_styles table as QGIS 3.22 creates it, with one default style per styled layer.
void write_styles_table(gdal::Dataset& dataset, const std::vector<Style>& styles) {
    GDALDataset& ds = dataset.get();
    OGRLayer& table = dataset.create_layer("layer_styles", nullptr, wkbNone, {"FID=id"});
    gdal::add_field(table, "f_table_catalog", OFTString, 256);
    gdal::add_field(table, "f_table_schema", OFTString, 256);
    gdal::add_field(table, "f_table_name", OFTString, 256);
    gdal::add_field(table, "f_geometry_column", OFTString, 256);
    gdal::add_field(table, "styleName", OFTString, 30);
    gdal::add_field(table, "styleQML", OFTString);
    gdal::add_field(table, "styleSLD", OFTString);
    gdal::add_field(table, "useAsDefault", OFTInteger, 0, OFSTBoolean);
    gdal::add_field(table, "description", OFTString);
    gdal::add_field(table, "owner", OFTString, 30);
    gdal::add_field(table, "ui", OFTString, 30);
    {
        OGRFieldDefn update_time("update_time", OFTDateTime);
        update_time.SetDefault("CURRENT_TIMESTAMP");
        if (table.CreateField(&update_time) != OGRERR_NONE) {
            throw Error(ErrorKind::io, "cannot create field",
                        Context{dataset.name(), "layer_styles", {}, "update_time"});
        }
    }

    dataset.start_transaction();
    for (const auto& s : styles) {
        OGRLayer& layer = *ds.GetLayerByName(s.layer.c_str());
        gdal::FeaturePtr f(OGRFeature::CreateFeature(table.GetLayerDefn()));
        f->SetField("f_table_catalog", "");
        f->SetField("f_table_schema", "");
        f->SetField("f_table_name", s.layer.c_str());
        f->SetField("f_geometry_column", layer.GetGeometryColumn());
        f->SetField("styleName", s.layer.c_str());
        f->SetField("styleQML", s.qml.c_str());
        f->SetField("styleSLD", "");
        f->SetField("useAsDefault", 1);
        f->SetField("description", "scicov 默认样式 (default style)");
        f->SetField("owner", "");
        f->SetField("ui", "");
        f->SetField("update_time", k_update_time);
        gdal::create_feature(table, *f);
    }
    dataset.commit_transaction();
}

}  // namespace

void write_layer_styles(gdal::Dataset& dataset) {
    GDALDataset& ds = dataset.get();
    OGRLayer* counties = dataset.find_layer("counties");
    const std::vector<TypeName> types = counties != nullptr ? types_of(fields_of(*counties)) : std::vector<TypeName>{};
    // The type villages and counties are coloured by: the village science room when the rules have it.
    std::string focus = types.empty() ? std::string() : types.front().key;
    for (const auto& t : types) {
        if (t.key == "science_room") focus = t.key;
    }
    std::vector<Style> styles;
    for (int i = 0; i < ds.GetLayerCount(); ++i) {
        OGRLayer& layer = *ds.GetLayer(i);
        std::string doc = style_of_layer(layer, types, focus);
        if (!doc.empty()) styles.push_back({layer.GetName(), std::move(doc)});
    }
    if (!styles.empty()) write_styles_table(dataset, styles);
}

}  // namespace scicov::output::detail
