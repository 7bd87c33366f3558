// The geodata build's output: one GeoPackage layer after the other, one transaction each, in
// county code order.
#include <array>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <ogrsf_frmts.h>

#include "geodata.hpp"
#include "internal.hpp"

namespace scicov::geodata::detail {

namespace {

void set_field(OGRFeature& f, const char* name, const std::string& value) {
    f.SetField(name, value.c_str());
}

gdal::GeometryPtr to_multi(gdal::GeometryPtr g) {
    return gdal::GeometryPtr(OGRGeometryFactory::forceToMultiPolygon(g.release()));
}

/// Creates the layers of one dataset (EPSG:4490, fid and geom columns, spatial index) and
/// writes each in one transaction, reporting progress every 2048 features.
class Writer {
public:
    Writer(gdal::Dataset& ds, const OGRSpatialReference& srs, const Reporter& reporter, std::size_t total)
        : m_ds(ds), m_srs(srs), m_reporter(reporter), m_total(total) {}

    OGRLayer& layer(std::string_view name, OGRwkbGeometryType type,
                    const std::vector<std::pair<const char*, OGRFieldType>>& fields) {
        OGRLayer& l =
            m_ds.create_layer(std::string(name), &m_srs, type, {"FID=fid", "GEOMETRY_NAME=geom", "SPATIAL_INDEX=YES"});
        for (const auto& [field, ftype] : fields) gdal::add_field(l, field, ftype);
        return l;
    }

    /// `fill(put)` calls put(feature) for each feature of `layer`, in order.
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
            if (++m_written % 2048 == 0)
                m_reporter.step("write", static_cast<double>(m_written) / static_cast<double>(m_total));
        });
        m_ds.commit_transaction();
    }

private:
    gdal::Dataset& m_ds;
    const OGRSpatialReference& m_srs;
    const Reporter& m_reporter;
    std::size_t m_total;
    std::size_t m_written = 0;
};

void write_counties(Writer& writer, std::vector<CountyOut>& results, Summary& summary) {
    OGRLayer& layer = writer.layer(k_counties_layer, wkbMultiPolygon,
                                   {{"code", OFTString},
                                    {"name", OFTString},
                                    {"city", OFTString},
                                    {"province", OFTString},
                                    {"centre_lon", OFTReal},
                                    {"centre_lat", OFTReal}});
    writer.write(layer, [&](auto&& put) {
        for (auto& r : results) {
            if (!r.geometry) continue;
            gdal::FeaturePtr f(OGRFeature::CreateFeature(layer.GetLayerDefn()));
            set_field(*f, "code", r.code);
            set_field(*f, "name", r.name);
            set_field(*f, "city", r.city);
            set_field(*f, "province", r.province);
            f->SetField("centre_lon", r.centre_lon);
            f->SetField("centre_lat", r.centre_lat);
            f->SetGeometryDirectly(to_multi(std::move(r.geometry)).release());
            put(std::move(f));
            ++summary.counties;
        }
    });
}

void write_townships(Writer& writer, std::vector<CountyOut>& results, Summary& summary) {
    OGRLayer& layer = writer.layer(k_townships_layer, wkbMultiPolygon,
                                   {{"code", OFTString}, {"name", OFTString}, {"county_code", OFTString}});
    writer.write(layer, [&](auto&& put) {
        for (auto& r : results) {
            for (auto& t : r.townships) {
                gdal::FeaturePtr f(OGRFeature::CreateFeature(layer.GetLayerDefn()));
                set_field(*f, "code", t.code);
                set_field(*f, "name", t.name);
                set_field(*f, "county_code", r.code);
                f->SetGeometryDirectly(to_multi(std::move(t.geometry)).release());
                put(std::move(f));
                ++summary.townships;
            }
            r.townships.clear();
        }
    });
}

void write_villages(Writer& writer, std::vector<CountyOut>& results, Summary& summary) {
    OGRLayer& layer = writer.layer(k_villages_layer, wkbMultiPolygon,
                                   {{"code", OFTString},
                                    {"name", OFTString},
                                    {"township_code", OFTString},
                                    {"county_code", OFTString},
                                    {"population", OFTInteger}});
    writer.write(layer, [&](auto&& put) {
        for (auto& r : results) {
            for (auto& v : r.villages) {
                gdal::FeaturePtr f(OGRFeature::CreateFeature(layer.GetLayerDefn()));
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
            }
            r.villages.clear();
        }
    });
}

void write_facilities(Writer& writer, std::vector<CountyOut>& results, Summary& summary) {
    static constexpr std::array<std::string_view, 4> k_types = {"science_museum", "science_base", "e_station",
                                                                "science_room"};
    OGRLayer& layer = writer.layer(
        k_facilities_layer, wkbPoint,
        {{"id", OFTString}, {"type", OFTString}, {"name", OFTString}, {"grade", OFTString}, {"status", OFTString}});
    writer.write(layer, [&](auto&& put) {
        for (auto& r : results) {
            for (const auto& fa : r.facilities) {
                gdal::FeaturePtr f(OGRFeature::CreateFeature(layer.GetLayerDefn()));
                set_field(*f, "id", fa.id);
                set_field(*f, "type", fa.type);
                set_field(*f, "name", fa.name);
                set_field(*f, "grade", fa.grade);
                set_field(*f, "status", "existing");
                f->SetGeometryDirectly(new OGRPoint(fa.point.x, fa.point.y));
                put(std::move(f));
                ++summary.facilities;
                for (std::size_t k = 0; k < k_types.size(); ++k) {
                    if (fa.type == k_types[k]) ++summary.facilities_by_type[k];
                }
            }
            r.facilities.clear();
        }
    });
}

void write_candidates(Writer& writer, std::vector<CountyOut>& results, Summary& summary) {
    OGRLayer& layer =
        writer.layer(k_candidates_layer, wkbPoint,
                     {{"id", OFTString}, {"kind", OFTString}, {"cost", OFTReal}, {"village_code", OFTString}});
    writer.write(layer, [&](auto&& put) {
        for (auto& r : results) {
            for (const auto& c : r.candidates) {
                gdal::FeaturePtr f(OGRFeature::CreateFeature(layer.GetLayerDefn()));
                set_field(*f, "id", c.id);
                set_field(*f, "kind", c.kind);
                f->SetField("cost", c.cost);
                set_field(*f, "village_code", c.village_code);
                f->SetGeometryDirectly(new OGRPoint(c.point.x, c.point.y));
                put(std::move(f));
                ++summary.candidates;
            }
            r.candidates.clear();
        }
    });
}

void write_roads(Writer& writer, std::vector<CountyOut>& results, Summary& summary) {
    static constexpr std::array<std::string_view, 5> k_classes = {"国道", "省道", "县道", "乡道", "村道"};
    OGRLayer& layer = writer.layer(
        k_roads_layer, wkbLineString,
        {{"county_code", OFTString}, {"fclass", OFTString}, {"maxspeed", OFTInteger}, {"oneway", OFTString}});
    writer.write(layer, [&](auto&& put) {
        for (auto& r : results) {
            for (auto& road : r.roads) {
                gdal::FeaturePtr f(OGRFeature::CreateFeature(layer.GetLayerDefn()));
                set_field(*f, "county_code", r.code);
                set_field(*f, "fclass", road.road_class);
                f->SetField("maxspeed", road.maxspeed_kmh);
                set_field(*f, "oneway", road.oneway);
                f->SetGeometryDirectly(road.geometry.release());
                put(std::move(f));
                ++summary.roads;
                for (std::size_t k = 0; k < k_classes.size(); ++k) {
                    if (road.road_class == k_classes[k]) ++summary.roads_by_class[k];
                }
            }
            r.roads.clear();
        }
    });
}

}  // namespace

void write_geopackage(std::vector<CountyOut>& results, const std::filesystem::path& output, const Reporter& reporter,
                      Summary& summary) {
    gdal::AtomicGpkg gpkg(output);
    gdal::Dataset& ds = gpkg.dataset();
    const OGRSpatialReference srs = gdal::srs_from_user_input("EPSG:4490");
    std::size_t total = 0;
    for (const auto& r : results) {
        total +=
            1 + r.townships.size() + r.villages.size() + r.facilities.size() + r.candidates.size() + r.roads.size();
    }
    Writer writer(ds, srs, reporter, total);
    write_counties(writer, results, summary);
    write_townships(writer, results, summary);
    write_villages(writer, results, summary);
    write_facilities(writer, results, summary);
    write_candidates(writer, results, summary);
    write_roads(writer, results, summary);
    // Compact the file (the deferred spatial indexes leave free pages behind).
    ds.get().ExecuteSQL("VACUUM", nullptr, nullptr);
    gpkg.commit();
    reporter.step("write", 1.0);
}

}  // namespace scicov::geodata::detail
