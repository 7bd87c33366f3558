// The inputs every reading subcommand shares: datasets, rules, layer, CRS and datum overrides,
// and the counties to keep.
#include "input_options.hpp"

#include <iostream>

namespace scicov::cli {

void InputOptions::add_to(CLI::App& app) {
    app.add_option("inputs", inputs,
                   "GDAL datasets to read (GeoPackage, Shapefile, GeoJSON, FlatGeobuf, CSV with lon/lat, "
                   "\"PG:dbname=…\"). Layers are found by role name: villages, facilities (field 'type') or one "
                   "layer per type (science_museum, science_base, e_station, science_room), candidates, townships, "
                   "counties, exclusions");
    app.add_option("--rules", rules_file, "Rules file (TOML); `scicov rules` prints the defaults to start from")
        ->check(CLI::ExistingFile);
    app.add_option("--layer", layers,
                   "Where a role's layer is: ROLE=DATASET[:LAYER], e.g. villages=cun.shp or "
                   "facilities=poi.gpkg:kepu (repeatable). population=FILE gives the villages' people instead of "
                   "their field: a raster of people per cell (WorldPop/GHS-POP GeoTIFF; summed per village, edge "
                   "cells by area) or a table (CSV, XLSX) of village code and population joined by code");
    app.add_option("--crs", crs,
                   "Declare the CRS of a role's layer that has none (or a wrong one): ROLE=EPSG:4490 (repeatable)");
    app.add_option("--datum", datums,
                   "Point layers copied from Chinese web maps: ROLE=gcj02 (Amap, Tencent) or ROLE=bd09 (Baidu); "
                   "converted to WGS84 first (repeatable)");
    app.add_option("--county", counties, "Work only on this county (6-digit code; repeatable)");
    app.add_option("--field", fields,
                   "Field names for this run, as the rules file's [fields] tables: ROLE.FIELD=COLUMN, e.g. "
                   "villages.population=人口 or facilities.lon=东经 (repeatable)");
    app.add_option("--encoding", encodings,
                   "Text encoding of a role's data (Shapefile, CSV): ROLE=GBK, or GBK for every role; without it "
                   "UTF-8 is expected and GBK/GB18030 detected with a warning (repeatable)");
}

rules::Rules InputOptions::load_rules() const {
    rules::Rules rules = rules_file.empty() ? rules::default_rules() : rules::load_rules(rules_file);
    for (const auto& f : fields) {
        const auto assignment = split_assignment(f, "--field");
        checked("--field", [&] { rules::set_field(rules.fields, assignment.first, assignment.second); });
    }
    return rules;
}

std::pair<std::string, std::string> split_assignment(const std::string& text, const char* option) {
    const auto eq = text.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == text.size()) {
        throw Error(ErrorKind::usage, std::string(option) + " takes ROLE=VALUE, got '" + text + "'");
    }
    return {text.substr(0, eq), text.substr(eq + 1)};
}

io::ReadOptions InputOptions::read_options() const {
    io::ReadOptions o;
    o.inputs = inputs;
    for (const auto& l : layers) o.layers.insert(io::parse_layer_override(l));
    for (const auto& c : crs) o.crs.insert(split_assignment(c, "--crs"));
    for (const auto& d : datums) o.datum.insert(split_assignment(d, "--datum"));
    for (const auto& e : encodings) {
        if (e.find('=') == std::string::npos) {
            o.encoding[""] = e;
        } else {
            o.encoding.insert(split_assignment(e, "--encoding"));
        }
    }
    for (const auto& c : counties) {
        o.counties.push_back(checked("--county", [&] { return rules::parse_county_code("county", c); }));
    }
    if (o.inputs.empty() && o.layers.empty()) {
        throw Error(ErrorKind::usage, "no inputs: name at least one dataset (or --layer ROLE=DATASET)");
    }
    return o;
}

void print_issues(const Diagnostics& diagnostics) {
    for (const auto& i : diagnostics.grouped()) std::cerr << i.text() << '\n';
}

}  // namespace scicov::cli
