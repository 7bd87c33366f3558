// 规划点位清单: the plan's sites as a list a county can act on, one row per proposed site, as
// XLSX (GDAL's XLSX driver) or CSV with a UTF-8 BOM (GDAL's CSV driver, WRITE_BOM) so that Excel
// reads the Chinese headers and names.
#include <algorithm>
#include <array>
#include <cstdint>

#include <cpl_vsi.h>

#include "output/writer.hpp"

namespace scicov::output::detail {

namespace {

template <typename Units>
std::string name_of(const Units& units, const std::string& code) {
    const auto it = std::lower_bound(units.begin(), units.end(), code,
                                     [](const auto& u, const std::string& c) { return u.code < c; });
    return it != units.end() && it->code == code ? it->name : std::string();
}

const model::Village* village_of(const model::Inputs& in, const std::string& code) {
    const auto it = std::lower_bound(in.villages.begin(), in.villages.end(), code,
                                     [](const model::Village& v, const std::string& c) { return v.code < c; });
    return it != in.villages.end() && it->code == code ? &*it : nullptr;
}

}  // namespace

std::string site_list_bytes(const SiteList& target, const analysis::Analysis& a, const rules::Rules& rules,
                            const planning::Result& plan) {
    const bool xlsx = target.format == SiteListFormat::xlsx;
    // Written in memory: GDAL's /vsizip/ (under XLSX) splits a path at its first ".xlsx", which
    // the temporary's name "<target>.tmp-<pid>-<n>.xlsx" holds twice.
    const std::string memory = "/vsimem/scicov_site_list_" + std::to_string(reinterpret_cast<std::uintptr_t>(&plan)) +
                               (xlsx ? ".xlsx" : ".csv");
    auto ds = gdal::Dataset::create(memory, xlsx ? "XLSX" : "CSV");
    const std::vector<std::string> options =
        xlsx ? std::vector<std::string>{} : std::vector<std::string>{"WRITE_BOM=YES", "LINEFORMAT=CRLF"};
    auto& layer = ds.create_layer(xlsx ? "规划点位清单" : target.path.stem().string(), nullptr, wkbNone, options);
    for (const auto& c : site_list_columns()) {
        const OGRFieldType type = c.kind == SiteListColumn::Kind::integer ? OFTInteger
                                  : c.kind == SiteListColumn::Kind::real  ? OFTReal
                                                                          : OFTString;
        const std::string header = std::string(c.zh) + " " + std::string(c.key);
        gdal::add_field(layer, header.c_str(), type);
    }
    int no = 0;
    for (const auto& s : plan.sites) {
        const auto* type = rules.find(s.type);
        const auto* village = village_of(a.inputs, s.village_code);
        const std::string village_name = village != nullptr ? village->name : std::string();
        const std::string host = site_host_name(village_name, s.host_kind, s.candidate_id);
        const std::vector<std::pair<int, std::string>> texts{{1, s.county_code},
                                                             {2, name_of(a.counties, s.county_code)},
                                                             {3, name_of(a.townships, s.township_code)},
                                                             {4, village_name},
                                                             {5, s.village_code},
                                                             {6, type != nullptr ? type->name_zh : s.type},
                                                             {7, host},
                                                             {8, s.host_kind},
                                                             {10, s.beyond_horizon ? "远期" : ""},
                                                             {17, s.id},
                                                             {18, s.candidate_id}};
        gdal::FeaturePtr f(OGRFeature::CreateFeature(layer.GetLayerDefn()));
        f->SetField(0, ++no);
        for (const auto& [i, text] : texts) f->SetField(i, text.c_str());
        if (s.year > 0) f->SetField(9, s.year);
        f->SetField(11, s.rank);
        f->SetField(12, s.gain_population);
        f->SetField(13, static_cast<int>(s.gain_villages));
        f->SetField(14, s.cost);
        f->SetField(15, s.location.lon);
        f->SetField(16, s.location.lat);
        gdal::create_feature(layer, *f);
    }
    ds.close();
    vsi_l_offset size = 0;
    GByte* bytes = VSIGetMemFileBuffer(memory.c_str(), &size, FALSE);
    if (bytes == nullptr)
        throw Error(ErrorKind::io, "the site list was not written", Context{target.path.string(), {}, {}, {}});
    std::string out(reinterpret_cast<const char*>(bytes), static_cast<std::size_t>(size));
    VSIUnlink(memory.c_str());
    return out;
}

}  // namespace scicov::output::detail

namespace scicov::output {

std::span<const SiteListColumn> site_list_columns() {
    using K = SiteListColumn::Kind;
    static constexpr std::array<SiteListColumn, 19> k_columns{{{"序号", "no", K::integer},
                                                               {"县代码", "county_code", K::text},
                                                               {"县(市、区)", "county", K::text},
                                                               {"乡镇(街道)", "township", K::text},
                                                               {"村(社区)", "village", K::text},
                                                               {"村(社区)代码", "village_code", K::text},
                                                               {"设施类型", "type", K::text},
                                                               {"依托场所名称", "host_name", K::text},
                                                               {"依托场所类型", "host_kind", K::text},
                                                               {"建设年份", "year", K::integer},
                                                               {"远期", "beyond_horizon", K::text},
                                                               {"顺序", "rank", K::integer},
                                                               {"新增覆盖人口", "people_new", K::real},
                                                               {"新增覆盖村数", "villages_new", K::integer},
                                                               {"成本", "cost", K::real},
                                                               {"经度", "lon", K::real},
                                                               {"纬度", "lat", K::real},
                                                               {"编号", "id", K::text},
                                                               {"候选点编号", "candidate_id", K::text}}};
    return k_columns;
}

std::string site_host_name(const std::string& village_name, const std::string& host_kind,
                           const std::string& candidate_id) {
    // The candidates carry a kind, not a name: the host is named by its village and kind.
    return candidate_id.rfind("village:", 0) == 0 ? village_name + "(村委会驻地)" : village_name + host_kind;
}

}  // namespace scicov::output
