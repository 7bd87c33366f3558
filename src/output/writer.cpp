// The output GeoPackage: the writer's state (CRS, transformation, the temporary file), the run
// table, and the commit that adds styles and aliases before the rename.
#include "output/writer.hpp"

#include "core/atomic_file.hpp"
#include "core/gdal.hpp"
#include "output/qgis_project.hpp"
#include "scicov/output.hpp"

namespace scicov::output {

void add_fields(OGRLayer& layer, const std::vector<FieldSpec>& fields) {
    for (const auto& f : fields) {
        OGRFieldDefn defn(f.name.c_str(), f.type);
        if (!f.alias.empty()) defn.SetAlternativeName(f.alias.c_str());
        gdal::ErrorCapture capture;
        if (layer.CreateField(&defn) != OGRERR_NONE) {
            throw Error(ErrorKind::io,
                        "cannot create field" + (capture.last_error().empty() ? "" : ": " + capture.last_error()),
                        Context{{}, layer.GetName(), {}, f.name});
        }
    }
}

namespace detail {

WriterState::WriterState(const std::filesystem::path& target, const Options& options)
    : out(staging_path(target)),
      srs(gdal::srs_from_user_input(options.crs)),
      timings(options.timings),
      crs_name(options.crs) {
    if (is_postgis(target.string())) {
        postgis = PostgisTarget{target.string(), options.schema};
        core::remove_stale_temporaries(out.target());  // staging files of PostGIS runs that were killed
    }
    OGRSpatialReference cgcs = gdal::srs_from_user_input(crs::k_output_crs);
    if (!srs.IsSame(&cgcs)) {
        ct.reset(OGRCreateCoordinateTransformation(&cgcs, &srs));
        if (!ct) throw Error(ErrorKind::crs, "cannot transform EPSG:4490 to --out-crs " + options.crs);
    }
}

OGRLayer& WriterState::layer(const std::string& name, OGRwkbGeometryType type) {
    current_layer = name;
    return out.dataset().create_layer(name, type == wkbNone ? nullptr : &srs, type, {"SPATIAL_INDEX=YES", "FID=fid"});
}

gdal::GeometryPtr WriterState::from_wkb(const model::Wkb& wkb) const {
    OGRGeometry* g = nullptr;
    if (OGRGeometryFactory::createFromWkb(wkb.data(), nullptr, &g, wkb.size()) != OGRERR_NONE || g == nullptr) {
        throw Error(ErrorKind::geometry, "cannot decode a geometry for output");
    }
    gdal::GeometryPtr out_geom(g);
    if (wkbFlatten(out_geom->getGeometryType()) == wkbPolygon) {
        out_geom.reset(OGRGeometryFactory::forceToMultiPolygon(out_geom.release()));
    }
    if (ct) transform(*out_geom);
    out_geom->assignSpatialReference(const_cast<OGRSpatialReference*>(&srs));  // GDAL 3.6 only refs it
    return out_geom;
}

gdal::GeometryPtr WriterState::point(crs::LonLat p) const {
    gdal::GeometryPtr g(new OGRPoint(p.lon, p.lat));
    if (ct) transform(*g);
    g->assignSpatialReference(const_cast<OGRSpatialReference*>(&srs));
    return g;
}

void WriterState::transform(OGRGeometry& g) const {
    gdal::ErrorCapture capture;
    if (g.transform(ct.get()) != OGRERR_NONE) {
        throw Error(ErrorKind::crs,
                    "cannot transform a geometry into the output CRS " + crs_name +
                        (capture.last_error().empty() ? "" : " (" + capture.last_error() + ")"),
                    Context{out.target().string(), current_layer, {}, {}});
    }
}

void WriterState::write(OGRLayer& layer, OGRFeature& f) {
    try {
        gdal::create_feature(layer, f);
    } catch (Error& e) {
        e.with_file(out.target().string());
        throw;
    }
}

}  // namespace detail

Writer::Writer(const std::filesystem::path& target, const Options& options)
    : m_state(std::make_unique<detail::WriterState>(target, options)) {}
Writer::~Writer() = default;

void Writer::write_run(const std::vector<std::pair<std::string, std::string>>& rows) {
    auto& w = *m_state;
    w.out.dataset().start_transaction();
    auto& layer = w.layer("run", wkbNone);
    add_fields(layer, {{"key", OFTString, "项目"}, {"value", OFTString, "内容"}});
    for (const auto& [k, v] : rows) {
        gdal::FeaturePtr f(OGRFeature::CreateFeature(layer.GetLayerDefn()));
        f->SetField("key", k.c_str());
        f->SetField("value", v.c_str());
        w.write(layer, *f);
    }
    w.out.dataset().commit_transaction();
}

void Writer::commit(const std::vector<SideFile>& side_files) {
    detail::write_layer_styles(m_state->out.dataset());
    if (m_state->postgis) {
        // The side files are complete under temporary names before the transaction commits, and
        // renamed after it: a failure of either replaces nothing.
        core::OutputSet outputs;
        for (const auto& file : side_files) outputs.add(file.target, file.bytes);
        detail::write_postgis(m_state->out.dataset(), *m_state->postgis);  // the staging file goes with the state
        outputs.commit();
        return;
    }
    detail::write_data_columns(m_state->out.dataset());
    detail::write_qgis_project(m_state->out.dataset(), m_state->out.target().filename().string());
    core::OutputSet outputs;  // the GeoPackage replaces an older one only when every file is complete
    outputs.add(m_state->out.finish());
    for (const auto& file : side_files) outputs.add(file.target, file.bytes);
    outputs.commit();
}

}  // namespace scicov::output
