// RAII over GDAL/OGR. One owner per handle; failures throw scicov::Error with the dataset,
// layer, feature and field they concern, and GDAL's own message where it gave one.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <cpl_conv.h>
#include <gdal_priv.h>
#include <ogr_geometry.h>
#include <ogrsf_frmts.h>

#include "core/atomic_file.hpp"
#include "scicov/core.hpp"

namespace scicov::core::gdal {

/// Registers GDAL's drivers once per process (thread-safe, idempotent). Changes no setting.
void ensure_registered();

/// While alive, GeoPackages written on this thread carry a fixed date (OGR_CURRENT_DATE, in
/// gpkg_contents.last_change and the like) instead of the clock's, so the same input gives the
/// same bytes. A thread-local GDAL setting, restored on destruction: the host's own settings and
/// its other threads are never touched. Create and destroy it on one thread.
class FixedGpkgDate {
public:
    FixedGpkgDate();
    FixedGpkgDate(const FixedGpkgDate&) = delete;
    FixedGpkgDate& operator=(const FixedGpkgDate&) = delete;

private:
    CPLConfigOptionSetter m_setter;
};

/// While alive, GDAL errors and warnings raised on this thread are collected instead of being
/// printed to stderr; `last_error()` gives the newest failure message.
class ErrorCapture {
public:
    ErrorCapture();
    ~ErrorCapture();
    ErrorCapture(const ErrorCapture&) = delete;
    ErrorCapture& operator=(const ErrorCapture&) = delete;

    const std::string& last_error() const noexcept { return m_last_error; }
    const std::vector<std::string>& warnings() const noexcept { return m_warnings; }

private:
    static void CPL_STDCALL handler(CPLErr level, CPLErrorNum num, const char* msg);
    std::string m_last_error;
    std::vector<std::string> m_warnings;
};

using FeaturePtr = OGRFeatureUniquePtr;
using GeometryPtr = OGRGeometryUniquePtr;

/// Calls fn(feature, warnings) on every feature of the layer, in order; `warnings` are what GDAL
/// said while reading that feature (e.g. text in a numeric column read as 0). A read that GDAL
/// fails part-way (a damaged page, a lost connection) throws Error(input) with `where` and how
/// far it got — never a shorter layer; so does a count that differs from what the layer says it
/// holds. progress(n, expected) is called every 1024 features.
template <class Fn, class Progress>
void each_feature(OGRLayer& layer, const Context& where, Fn&& fn, Progress&& progress) {
    const GIntBig expected = layer.GetFeatureCount(TRUE);
    layer.ResetReading();
    GIntBig n = 0;
    for (;;) {
        FeaturePtr feat;
        std::string failure;
        std::vector<std::string> warnings;
        {
            ErrorCapture capture;
            feat.reset(layer.GetNextFeature());
            failure = capture.last_error();
            warnings = capture.warnings();
        }
        if (!failure.empty()) {
            throw Error(ErrorKind::input,
                        "reading stopped after " + std::to_string(n) + " of " + std::to_string(expected) +
                            " features: " + failure + " (is the file damaged or incomplete?)",
                        where);
        }
        if (!feat) break;
        ++n;
        fn(*feat, warnings);
        if ((n & 1023) == 0) progress(n, expected);
    }
    if (expected >= 0 && n != expected) {
        throw Error(ErrorKind::input,
                    "read " + std::to_string(n) + " features but the layer says it holds " + std::to_string(expected) +
                        " (is the file damaged or incomplete?)",
                    where);
    }
}

/// each_feature for a layer every feature of which must read whole (an output read back by map,
/// report or webmap): a feature GDAL could read only in part is an error naming it.
template <class Fn>
void each_whole_feature(OGRLayer& layer, const Context& where, Fn&& fn) {
    each_feature(
        layer, where,
        [&](OGRFeature& f, const std::vector<std::string>& warnings) {
            if (!warnings.empty()) {
                throw Error(ErrorKind::input, "GDAL could not read the feature as stored: " + warnings.front(),
                            Context{where.file, where.layer, f.GetFID(), {}});
            }
            fn(f);
        },
        [](GIntBig, GIntBig) {});
}

enum class Access { read, update };

/// An open dataset. Non-copyable; the layers it hands out live as long as it does.
class Dataset {
public:
    /// Opens any vector dataset GDAL can read (path or "PG:" string).
    static Dataset open(const std::string& name, Access access = Access::read);
    /// Opens `path` with GDAL open options (and, when given, only the named drivers), named
    /// `name` in messages (e.g. a /vsimem/ copy recoded to UTF-8, named as the user's file).
    static Dataset open_as(const std::string& path, const std::string& name, const std::vector<std::string>& options,
                           const std::vector<std::string>& drivers = {});
    /// Takes over a dataset built in memory, named `name` in messages.
    static Dataset adopt(GDALDatasetUniquePtr ds, std::string name) { return Dataset(std::move(ds), std::move(name)); }
    /// Creates a new dataset with the named driver ("GPKG", "ESRI Shapefile", ...).
    static Dataset create(const std::string& name, const std::string& driver);

    const std::string& name() const noexcept { return m_name; }
    GDALDataset& get() const noexcept { return *m_dataset; }

    std::vector<std::string> layer_names() const;
    /// The layer, or nullptr when there is none of that name.
    OGRLayer* find_layer(std::string_view layer) const;
    /// The layer; throws an input error naming the dataset when it is missing.
    OGRLayer& layer(std::string_view layer) const;

    /// Creates a layer. `srs` may be null for a table without geometry (wkbNone).
    OGRLayer& create_layer(const std::string& layer, const OGRSpatialReference* srs, OGRwkbGeometryType type,
                           const std::vector<std::string>& options = {});

    /// Runs work inside one dataset transaction (forced emulation where the driver has none).
    void start_transaction();
    void commit_transaction();

    /// Flushes and closes; throws when GDAL reports a failure. The object is empty afterwards.
    void close();

    /// Context for errors about this dataset (and optionally one of its layers).
    Context context(std::string_view layer = {}) const;

private:
    Dataset(GDALDatasetUniquePtr ds, std::string name) : m_dataset(std::move(ds)), m_name(std::move(name)) {}
    GDALDatasetUniquePtr m_dataset;
    std::string m_name;
};

/// Adds a field definition; throws with context on failure.
void add_field(OGRLayer& layer, const char* name, OGRFieldType type, int width = 0, OGRFieldSubType subtype = OFSTNone);

/// Inserts a feature; throws with context on failure.
void create_feature(OGRLayer& layer, OGRFeature& feature);

/// An SRS from an authority code ("EPSG:4490"), with the lon/lat axis order that GIS expects.
OGRSpatialReference srs_from_user_input(const std::string& definition);

/// A GeoPackage written under a temporary name beside the target (a core::AtomicFile) and
/// renamed onto the target by `commit()`. Destroyed without commit, it removes the temporary
/// file: a failed run leaves no output and never a half-written one. Every GDAL write to it,
/// from creation to close, happens under FixedGpkgDate; use it on one thread.
class AtomicGpkg {
public:
    explicit AtomicGpkg(std::filesystem::path target);
    ~AtomicGpkg();
    AtomicGpkg(const AtomicGpkg&) = delete;
    AtomicGpkg& operator=(const AtomicGpkg&) = delete;

    Dataset& dataset() noexcept { return m_dataset; }
    const std::filesystem::path& target() const noexcept { return m_file.target(); }
    const std::filesystem::path& temporary() const noexcept { return m_file.temporary(); }

    /// Closes the dataset and hands over the complete file, still under its temporary name, to be
    /// committed together with a run's other outputs (core::OutputSet).
    AtomicFile finish();
    /// Closes the dataset and renames it onto the target.
    void commit();

private:
    FixedGpkgDate m_date;  // first member: held from the creation to the close
    AtomicFile m_file;
    Dataset m_dataset;
};

}  // namespace scicov::core::gdal

namespace scicov {
// Modules name the wrappers as gdal::…, as they name the library itself.
namespace gdal = core::gdal;
}  // namespace scicov
