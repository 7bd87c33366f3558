#include "core/gdal.hpp"

#include <cctype>
#include <cstdio>
#include <mutex>
#include <system_error>

#include <cpl_conv.h>
#include <cpl_string.h>

namespace scicov::core::gdal {

void ensure_registered() {
    static std::once_flag once;
    std::call_once(once, [] { GDALAllRegister(); });
}

// CPLConfigOptionSetter sets the option with CPLSetThreadLocalConfigOption and restores the
// thread's previous value when destroyed; GDAL reads thread-local options before global ones.
FixedGpkgDate::FixedGpkgDate() : m_setter("OGR_CURRENT_DATE", "2000-01-01T00:00:00.000Z", false) {}

ErrorCapture::ErrorCapture() {
    CPLPushErrorHandlerEx(&ErrorCapture::handler, this);
}

ErrorCapture::~ErrorCapture() {
    CPLPopErrorHandler();
}

void CPL_STDCALL ErrorCapture::handler(CPLErr level, CPLErrorNum /*num*/, const char* msg) {
    auto* self = static_cast<ErrorCapture*>(CPLGetErrorHandlerUserData());
    if (self == nullptr) return;
    if (level >= CE_Failure) {
        self->m_last_error = msg ? msg : "";
    } else if (level == CE_Warning) {
        self->m_warnings.emplace_back(msg ? msg : "");
    }
}

namespace {

std::string with_reason(std::string what, const std::string& gdal_message) {
    if (!gdal_message.empty()) what += " (GDAL: " + gdal_message + ")";
    return what;
}

}  // namespace

Dataset Dataset::open_as(const std::string& path, const std::string& name, const std::vector<std::string>& options,
                         const std::vector<std::string>& drivers) {
    ensure_registered();
    ErrorCapture capture;
    CPLStringList open_options, allowed;
    for (const auto& o : options) open_options.AddString(o.c_str());
    for (const auto& d : drivers) allowed.AddString(d.c_str());
    GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY,
                                              drivers.empty() ? nullptr : allowed.List(), open_options.List()));
    if (!ds) {
        throw Error(ErrorKind::input, with_reason("cannot open as a vector dataset", capture.last_error()),
                    Context{name, {}, {}, {}});
    }
    return Dataset(std::move(ds), name);
}

Dataset Dataset::open(const std::string& name, Access access) {
    ensure_registered();
    ErrorCapture capture;
    const unsigned flags = GDAL_OF_VECTOR | (access == Access::update ? GDAL_OF_UPDATE : GDAL_OF_READONLY);
    CPLStringList open_options;
    std::string lower = name;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower.size() > 4 && lower.compare(lower.size() - 4, 4, ".csv") == 0) {
        // Points from lon/lat columns, under the names planners use.
        open_options.AddString("X_POSSIBLE_NAMES=lon,lng,long,longitude,x,经度");
        open_options.AddString("Y_POSSIBLE_NAMES=lat,latitude,y,纬度");
        open_options.AddString("KEEP_GEOM_COLUMNS=NO");
        open_options.AddString("AUTODETECT_TYPE=YES");
    }
    GDALDatasetUniquePtr ds(GDALDataset::Open(name.c_str(), flags, nullptr, open_options.List()));
    if (!ds) {
        std::error_code ec;
        const bool is_path = name.rfind("PG:", 0) != 0 && name.rfind("/vsi", 0) != 0;
        if (is_path && !std::filesystem::exists(name, ec)) {
            throw Error(ErrorKind::input, "no such file or folder", Context{name, {}, {}, {}});
        }
        throw Error(ErrorKind::input, with_reason("cannot open as a vector dataset", capture.last_error()),
                    Context{name, {}, {}, {}});
    }
    return Dataset(std::move(ds), name);
}

Dataset Dataset::create(const std::string& name, const std::string& driver_name) {
    ensure_registered();
    ErrorCapture capture;
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName(driver_name.c_str());
    if (driver == nullptr) {
        throw Error(ErrorKind::io, "GDAL has no driver '" + driver_name + "'", Context{name, {}, {}, {}});
    }
    GDALDatasetUniquePtr ds(driver->Create(name.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    if (!ds) {
        throw Error(ErrorKind::io, with_reason("cannot create " + driver_name + " dataset", capture.last_error()),
                    Context{name, {}, {}, {}});
    }
    return Dataset(std::move(ds), name);
}

std::vector<std::string> Dataset::layer_names() const {
    std::vector<std::string> names;
    names.reserve(static_cast<std::size_t>(m_dataset->GetLayerCount()));
    for (int i = 0; i < m_dataset->GetLayerCount(); ++i) names.emplace_back(m_dataset->GetLayer(i)->GetName());
    return names;
}

OGRLayer* Dataset::find_layer(std::string_view layer) const {
    return m_dataset->GetLayerByName(std::string(layer).c_str());
}

OGRLayer& Dataset::layer(std::string_view layer) const {
    OGRLayer* found = find_layer(layer);
    if (found == nullptr) {
        std::string have;
        for (const auto& n : layer_names()) have += (have.empty() ? "" : ", ") + n;
        throw Error(ErrorKind::input, "no such layer (the dataset has: " + (have.empty() ? "none" : have) + ")",
                    context(layer));
    }
    return *found;
}

OGRLayer& Dataset::create_layer(const std::string& layer, const OGRSpatialReference* srs, OGRwkbGeometryType type,
                                const std::vector<std::string>& options) {
    ErrorCapture capture;
    CPLStringList opts;
    for (const auto& o : options) opts.AddString(o.c_str());
    // GDAL 3.6 takes a non-const SRS but only clones it.
    OGRLayer* created = m_dataset->CreateLayer(layer.c_str(), const_cast<OGRSpatialReference*>(srs), type, opts.List());
    if (created == nullptr) {
        throw Error(ErrorKind::io, with_reason("cannot create layer", capture.last_error()), context(layer));
    }
    return *created;
}

void Dataset::start_transaction() {
    ErrorCapture capture;
    if (m_dataset->StartTransaction(TRUE) != OGRERR_NONE) {
        throw Error(ErrorKind::io, with_reason("cannot start a transaction", capture.last_error()), context());
    }
}

void Dataset::commit_transaction() {
    ErrorCapture capture;
    if (m_dataset->CommitTransaction() != OGRERR_NONE) {
        throw Error(ErrorKind::io, with_reason("cannot commit the transaction", capture.last_error()), context());
    }
}

void Dataset::close() {
    if (!m_dataset) return;
    ErrorCapture capture;
    CPLErrorReset();
    GDALClose(GDALDataset::ToHandle(m_dataset.release()));
    if (CPLGetLastErrorType() >= CE_Failure || !capture.last_error().empty()) {
        throw Error(ErrorKind::io, with_reason("closing failed", capture.last_error()), context());
    }
}

Context Dataset::context(std::string_view layer) const {
    return Context{m_name, std::string(layer), {}, {}};
}

void add_field(OGRLayer& layer, const char* name, OGRFieldType type, int width, OGRFieldSubType subtype) {
    OGRFieldDefn defn(name, type);
    defn.SetWidth(width);
    defn.SetSubType(subtype);
    ErrorCapture capture;
    if (layer.CreateField(&defn) != OGRERR_NONE) {
        throw Error(ErrorKind::io, with_reason("cannot create field", capture.last_error()),
                    Context{{}, layer.GetName(), {}, name});
    }
}

void create_feature(OGRLayer& layer, OGRFeature& feature) {
    ErrorCapture capture;
    if (layer.CreateFeature(&feature) != OGRERR_NONE) {
        throw Error(ErrorKind::io, with_reason("cannot write feature", capture.last_error()),
                    Context{{}, layer.GetName(), feature.GetFID(), {}});
    }
}

OGRSpatialReference srs_from_user_input(const std::string& definition) {
    OGRSpatialReference srs;
    ErrorCapture capture;
    if (srs.SetFromUserInput(definition.c_str()) != OGRERR_NONE) {
        throw Error(ErrorKind::crs, with_reason("unknown CRS '" + definition + "'", capture.last_error()));
    }
    srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    return srs;
}

namespace {

Dataset create_gpkg(const AtomicFile& file) {
    std::error_code ec;
    std::filesystem::remove(file.temporary(), ec);  // a crashed run's, should its pid come again
    try {
        return Dataset::create(file.temporary().string(), "GPKG");
    } catch (Error& e) {
        throw Error(e.kind(), e.message(), Context{file.target().string(), {}, {}, {}});
    }
}

}  // namespace

AtomicGpkg::AtomicGpkg(std::filesystem::path target) : m_file(std::move(target)), m_dataset(create_gpkg(m_file)) {}

AtomicGpkg::~AtomicGpkg() {
    try {
        m_dataset.close();  // before m_file removes the temporary, and under m_date
    } catch (const Error&) {
        // The run already failed; the temporary file is removed either way.
    }
}

AtomicFile AtomicGpkg::finish() {
    m_dataset.close();
    return std::move(m_file);
}

void AtomicGpkg::commit() {
    finish().commit();
}

}  // namespace scicov::core::gdal
