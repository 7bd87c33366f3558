// libFuzzer target: villages and facilities as GeoJSON through the whole analysis (read, checks,
// coverage, gaps, summaries). The input is the villages file, optionally followed by a line
// "----" and the facilities file; without one, a fixed valid facilities file is used. Files go
// through GDAL's in-memory file system, as a planner's files go through GDAL.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <cpl_vsi.h>

#include "scicov/analysis.hpp"
#include "scicov/core.hpp"
#include "scicov/rules.hpp"

namespace {

constexpr std::string_view k_facilities = R"({"type": "FeatureCollection", "name": "facilities", "features": [
{"type": "Feature", "properties": {"id": "f1", "type": "science_room", "name": "科普室", "status": "existing"},
 "geometry": {"type": "Point", "coordinates": [102.025, 26.525]}},
{"type": "Feature", "properties": {"id": "f2", "type": "e_station", "name": "e站", "status": "existing"},
 "geometry": {"type": "Point", "coordinates": [102.06, 26.52]}},
{"type": "Feature", "properties": {"id": "f3", "type": "science_base", "name": "基地", "status": "existing"},
 "geometry": {"type": "Point", "coordinates": [102.05, 26.55]}}]})";

/// An in-memory file that exists for the scope of one run.
class MemFile {
public:
    MemFile(std::string path, std::string_view bytes) : m_path(std::move(path)) {
        VSILFILE* f = VSIFileFromMemBuffer(m_path.c_str(), reinterpret_cast<GByte*>(const_cast<char*>(bytes.data())),
                                           static_cast<vsi_l_offset>(bytes.size()), FALSE);
        if (f != nullptr) VSIFCloseL(f);
    }
    ~MemFile() { VSIUnlink(m_path.c_str()); }
    MemFile(const MemFile&) = delete;
    MemFile& operator=(const MemFile&) = delete;
    const std::string& path() const { return m_path; }

private:
    std::string m_path;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const auto split = input.find("\n----\n");
    const std::string_view villages = input.substr(0, split);
    const std::string_view facilities = split == std::string_view::npos ? k_facilities : input.substr(split + 6);
    const MemFile villages_file("/vsimem/fuzz/villages.geojson", villages);
    const MemFile facilities_file("/vsimem/fuzz/facilities.geojson", facilities);
    scicov::analysis::Options options;
    options.read.layers["villages"] = {villages_file.path(), ""};
    options.read.layers["facilities"] = {facilities_file.path(), ""};
    options.gaps.threads = 1;
    try {
        const auto rules = scicov::rules::default_rules();
        (void)scicov::analysis::run(options, rules, scicov::Reporter{});
    } catch (const scicov::Error&) {
        // Bad data is answered with a message naming file, layer, feature and field.
    }
    return 0;
}
