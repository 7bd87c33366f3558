// Where the villages' people come from — their own field, a raster of people per cell, or a table
// joined by village code — and the check that a population target has people to count: 0 of 0
// people is not a target met.
#include <charconv>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include <cpl_string.h>

#include "core/gdal.hpp"
#include "io/input.hpp"
#include "io/population.hpp"
#include "scicov/io.hpp"

namespace scicov::io {

namespace detail {

namespace {

/// A column by its mapped name (--field villages.code=…), the usual name or a usual Chinese one.
int column(const OGRFeatureDefn& defn, const std::string& mapped, const std::string& usual) {
    for (const std::string& name : {mapped, usual}) {
        if (const int i = defn.GetFieldIndex(name.c_str()); i >= 0) return i;
        if (const int i = alias_field_index(defn, name); i >= 0) return i;
    }
    return -1;
}

/// The one layer of a table file, or the one --layer names, or "population".
OGRLayer& table_layer(const gdal::Dataset& ds, const LayerSpec& spec) {
    if (!spec.layer.empty()) return ds.layer(spec.layer);
    const auto names = ds.layer_names();
    if (names.size() == 1) return ds.layer(names.front());
    if (OGRLayer* l = ds.find_layer(k_role_population)) return *l;
    std::string all;
    for (const auto& n : names) all += (all.empty() ? "" : ", ") + n;
    throw Error(ErrorKind::input,
                "the file holds " + std::to_string(names.size()) + " tables (" + all +
                    "); name the one with the population: --layer population=" + spec.dataset + ":TABLE",
                ds.context());
}

/// A village code as written: digits (a code Excel stored as a number prints whole), trimmed.
std::string code_text(OGRFeature& f, int i) {
    if (!f.IsFieldSetAndNotNull(i)) return {};
    if (f.GetFieldDefnRef(i)->GetType() == OFTReal) {
        const double v = f.GetFieldAsDouble(i);
        if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1e15) {
            char buf[32];
            std::snprintf(buf, sizeof buf, "%.0f", v);
            return buf;
        }
    }
    return CPLString(f.GetFieldAsString(i)).Trim();
}

/// People as a number: a numeric field, or text that is a whole number in decimal; else nothing.
std::optional<double> people(OGRFeature& f, int i) {
    if (!f.IsFieldSetAndNotNull(i)) return std::nullopt;
    const OGRFieldType type = f.GetFieldDefnRef(i)->GetType();
    if (type == OFTInteger || type == OFTInteger64 || type == OFTReal) return f.GetFieldAsDouble(i);
    const std::string s = CPLString(f.GetFieldAsString(i)).Trim();
    double v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
    return v;
}

/// Code → people and the row that said so.
struct Row {
    double people = 0;
    GIntBig fid = 0;
};

std::map<std::string, Row> read_table(const gdal::Dataset& ds, OGRLayer& layer, const ReadOptions& o,
                                      Diagnostics& diag) {
    const OGRFeatureDefn& defn = *layer.GetLayerDefn();
    const Context where{ds.name(), layer.GetName(), {}, {}};
    const int i_code = column(defn, o.fields.village_code, "code");
    const int i_pop = column(defn, o.fields.village_population, "population");
    if (i_code < 0 || i_pop < 0) {
        std::string have;
        for (int i = 0; i < defn.GetFieldCount(); ++i)
            have += (i ? ", " : "") + std::string(defn.GetFieldDefn(i)->GetNameRef());
        throw Error(ErrorKind::input,
                    std::string("the population table has no ") + (i_code < 0 ? "village code" : "population") +
                        " column (it has: " + (have.empty() ? "none" : have) + "); name it with --field villages." +
                        (i_code < 0 ? "code" : "population") + "=COLUMN",
                    where);
    }
    const std::string code_field = defn.GetFieldDefn(i_code)->GetNameRef();
    const std::string pop_field = defn.GetFieldDefn(i_pop)->GetNameRef();
    std::map<std::string, Row> rows;
    gdal::each_feature(
        layer, where,
        [&](OGRFeature& f, const std::vector<std::string>& warnings) {
            const auto fid = f.GetFID();
            if (!warnings.empty()) {
                diag.error(Context{where.file, where.layer, fid, {}},
                           "GDAL could not read the row as stored: " + warnings.front());
                return;
            }
            const std::string code = code_text(f, i_code);
            if (code.size() != model::k_village_digits || code.find_first_not_of("0123456789") != std::string::npos) {
                diag.error(Context{where.file, where.layer, fid, code_field},
                           "\"" + code + "\" is not a 12-digit village code (统计用区划代码)");
                return;
            }
            const auto n = people(f, i_pop);
            if (!n || !std::isfinite(*n) || *n < 0 || *n > model::k_max_village_population) {
                diag.error(Context{where.file, where.layer, fid, pop_field},
                           "\"" + std::string(f.GetFieldAsString(i_pop)) + "\" is not a number of people (0 to " +
                               std::to_string(static_cast<long long>(model::k_max_village_population)) + ")");
                return;
            }
            if (auto [it, fresh] = rows.emplace(code, Row{*n, fid}); !fresh) {
                diag.error(Context{where.file, where.layer, fid, code_field},
                           "duplicate village code " + code + " (also row " + std::to_string(it->second.fid) + ")");
            }
        },
        [](GIntBig, GIntBig) {});
    return rows;
}

/// Every village's people from the table; a village missing from it is an error (listing them),
/// rows of no village a warning (rows of counties left out by --county are expected).
void population_from_table(const gdal::Dataset& ds, const LayerSpec& spec, const ReadOptions& o,
                           std::vector<model::Village>& villages, Diagnostics& diag) {
    OGRLayer& layer = table_layer(ds, spec);
    const Context where{ds.name(), layer.GetName(), {}, {}};
    const auto rows = read_table(ds, layer, o, diag);
    std::vector<std::string> missing;
    std::set<std::string> used;
    for (auto& v : villages) {
        const auto it = rows.find(v.code);
        if (it == rows.end()) {
            missing.push_back(v.code);
            continue;
        }
        v.population = it->second.people;
        used.insert(v.code);
    }
    if (!missing.empty()) {
        diag.error(where, std::to_string(missing.size()) + " of " + std::to_string(villages.size()) +
                              " villages are not in the population table (" + listed_codes(missing) +
                              "); add a row for each (0 for a village without people)");
    }
    std::vector<std::string> unused;
    for (const auto& [code, row] : rows) {
        const std::string county = model::code_prefix(code, model::k_county_digits);
        const bool wanted =
            o.counties.empty() || std::find(o.counties.begin(), o.counties.end(), county) != o.counties.end();
        if (wanted && used.count(code) == 0) unused.push_back(code);
    }
    if (!unused.empty()) {
        diag.warning(where, std::to_string(unused.size()) + " rows of the population table match no village (" +
                                listed_codes(unused) + "); they are not used");
    }
}

/// The file as a raster when GDAL opens it as one with at least one band; else null.
GDALDatasetUniquePtr open_raster(const std::string& name) {
    gdal::ErrorCapture capture;  // not a raster: read as a table below, with its own messages
    GDALDatasetUniquePtr ds(GDALDataset::Open(name.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
    if (ds && ds->GetRasterCount() > 0) return ds;
    return nullptr;
}

}  // namespace

std::string listed_codes(const std::vector<std::string>& codes) {
    constexpr std::size_t k_listed = 10;  // codes named before "…"
    std::string out;
    for (std::size_t i = 0; i < codes.size() && i < k_listed; ++i) out += (i ? ", " : "") + codes[i];
    return out + (codes.size() > k_listed ? ", …" : "");
}

bool population_layer_given(const ReadOptions& options) {
    return options.layers.count(k_role_population) > 0;
}

void read_population(const ReadOptions& options, std::vector<model::Village>& villages, Diagnostics& diag,
                     const Reporter& reporter) {
    const LayerSpec& spec = options.layers.at(k_role_population);
    if (auto raster = open_raster(spec.dataset)) {
        population_from_raster(*raster, spec.dataset, options, villages, diag, reporter);
        return;
    }
    TempFiles temps;  // before the dataset: it closes before its copies go
    const gdal::Dataset ds = open_input(spec.dataset, k_role_population, options, diag, temps);
    population_from_table(ds, spec, options, villages, diag);
}

}  // namespace detail

void check_population(const model::Inputs& inputs, const rules::Rules& rules, Diagnostics& diagnostics) {
    std::map<std::string, std::pair<double, std::size_t>> by_county;  // people, villages
    double people = 0;
    for (const auto& v : inputs.villages) {
        auto& c = by_county[v.county_code];
        c.first += v.population;
        ++c.second;
        people += v.population;
    }
    const std::string& field = rules.fields.village_population;
    const std::string fix =
        "; map the column that holds it with --field villages.population=COLUMN, or give it "
        "with --layer population=FILE (a raster of people per cell, or a table of village "
        "code and population)";
    for (const auto& t : rules.types) {
        if (t.target.measure != rules::Measure::population) continue;
        const std::string target = t.key + " (" + t.name_zh + ") has a population target (" +
                                   std::to_string(static_cast<int>(t.target.threshold * 100 + 0.5)) +
                                   "% of people per " + rules::to_string(t.target.unit) + ")";
        if (people <= 0 && !inputs.villages.empty()) {
            diagnostics.error(Context{{}, k_role_villages, {}, field}, target + ", but the population is 0 in all " +
                                                                           std::to_string(inputs.villages.size()) +
                                                                           " villages" + fix);
            continue;
        }
        for (const auto& [county, c] : by_county) {
            if (c.first > 0) continue;
            diagnostics.error(Context{{}, k_role_villages, {}, field}, target + ", but the population is 0 in all " +
                                                                           std::to_string(c.second) +
                                                                           " villages of county " + county);
        }
    }
}

}  // namespace scicov::io
