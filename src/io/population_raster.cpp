// People per village from a gridded population (WorldPop, GHS-POP: people per cell): the cells
// in each village, edge cells by the share of their area inside it. Computed in the raster's CRS,
// where a cell is a rectangle: in a geographic raster (WorldPop, EPSG:4326) the share of a 3"
// cell's area in degrees² differs from its share in m² by the change of scale across one cell
// (under 1e-5); in an equal-area one (GHS-POP, Mollweide) it is exact.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <memory>
#include <vector>

#include <geos_c.h>
#include <ogr_geometry.h>
#include <ogr_spatialref.h>

#include "core/gdal.hpp"
#include "core/geos.hpp"
#include "io/population.hpp"
#include "scicov/crs.hpp"

namespace scicov::io::detail {

namespace {

struct CtDeleter {
    void operator()(OGRCoordinateTransformation* ct) const noexcept { OGRCoordinateTransformation::DestroyCT(ct); }
};
using CtPtr = std::unique_ptr<OGRCoordinateTransformation, CtDeleter>;

/// What a village's cells add up to.
struct Tally {
    double people = 0;
    std::size_t negative = 0;  ///< cells that count with a value below 0
    double first_negative = 0;
};

/// A north-up raster's grid and its first band, read one village's window at a time.
class Grid {
public:
    Grid(GDALDataset& ds, const Context& where) : m_band(*ds.GetRasterBand(1)), m_where(where) {
        double gt[6];
        if (ds.GetGeoTransform(gt) != CE_None) {
            throw Error(ErrorKind::input, "the raster has no georeferencing (geotransform)", where);
        }
        if (gt[2] != 0 || gt[4] != 0 || gt[1] == 0 || gt[5] == 0) {
            throw Error(ErrorKind::input, "the raster is rotated or sheared; warp it north-up first (gdalwarp)", where);
        }
        std::copy(gt, gt + 6, m_gt);
        m_width = ds.GetRasterXSize();
        m_height = ds.GetRasterYSize();
        m_cell_area = std::fabs(gt[1] * gt[5]);
        m_masked = (m_band.GetMaskFlags() & GMF_ALL_VALID) == 0;
        int has = 0;
        const double scale = m_band.GetScale(&has);
        if (has != 0) m_scale = scale;
        const double offset = m_band.GetOffset(&has);
        if (has != 0) m_offset = offset;
        const double x0 = gt[0], x1 = gt[0] + gt[1] * m_width, y0 = gt[3], y1 = gt[3] + gt[5] * m_height;
        m_extent = {std::min(x0, x1), std::min(y0, y1), std::max(x0, x1), std::max(y0, y1)};
    }

    /// The raster's extent: min x, min y, max x, max y.
    const std::array<double, 4>& extent() const { return m_extent; }

    /// The cells under `g` (in the raster's CRS), each weighted by the share of its area in `g`.
    Tally sum(const geos::GeosContext& ctx, const GEOSGeometry& g) {
        const auto b = ctx.bounds(g);
        const auto [c0, c1] = span(b[0], b[2], m_gt[0], m_gt[1], m_width);
        const auto [r0, r1] = span(b[1], b[3], m_gt[3], m_gt[5], m_height);
        Tally t;
        if (c1 <= c0 || r1 <= r0) return t;
        read(c0, r0, c1 - c0, r1 - r0);
        const auto prepared = ctx.prepare(g);
        for (int r = r0; r < r1; ++r) {
            for (int c = c0; c < c1; ++c) {
                const std::size_t i = static_cast<std::size_t>(r - r0) * static_cast<std::size_t>(c1 - c0) +
                                      static_cast<std::size_t>(c - c0);
                const double v = m_values[i] * m_scale + m_offset;
                if ((m_masked && m_mask[i] == 0) || std::isnan(v) || v == 0) continue;
                const double xa = m_gt[0] + m_gt[1] * c, xb = xa + m_gt[1];
                const double ya = m_gt[3] + m_gt[5] * r, yb = ya + m_gt[5];
                const double share = cell_share(ctx, g, *prepared, std::min(xa, xb), std::min(ya, yb), std::max(xa, xb),
                                                std::max(ya, yb));
                if (share <= 0) continue;
                if (v < 0 && t.negative++ == 0) t.first_negative = v;
                t.people += v * share;
            }
        }
        return t;
    }

private:
    /// The cells [first, last) along one axis that [lo, hi] touches, clamped to the raster.
    static std::pair<int, int> span(double lo, double hi, double origin, double step, int n) {
        double a = (lo - origin) / step, b = (hi - origin) / step;
        if (a > b) std::swap(a, b);
        const double first = std::max(0.0, std::floor(a)), last = std::min(static_cast<double>(n), std::ceil(b));
        return {static_cast<int>(first), static_cast<int>(std::max(first, last))};
    }

    /// The share of the cell [x0, x1] × [y0, y1] inside `g`: 1 when it lies wholly inside, else
    /// the area of `g` clipped to the cell over the cell's area.
    double cell_share(const geos::GeosContext& ctx, const GEOSGeometry& g, const GEOSPreparedGeometry& prepared,
                      double x0, double y0, double x1, double y1) const {
        GEOSContextHandle_t h = ctx.handle();
        const auto cell = ctx.own(GEOSGeom_createRectangle_r(h, x0, y0, x1, y1), "a raster cell");
        if (GEOSPreparedContains_r(h, &prepared, cell.get()) == 1) return 1.0;
        if (GEOSPreparedIntersects_r(h, &prepared, cell.get()) != 1) return 0.0;
        const auto part = ctx.own(GEOSClipByRect_r(h, &g, x0, y0, x1, y1), "clipping to a raster cell");
        return std::min(1.0, ctx.area(*part) / m_cell_area);
    }

    void read(int c0, int r0, int w, int h) {
        const std::size_t n = static_cast<std::size_t>(w) * static_cast<std::size_t>(h);
        m_values.resize(n);
        gdal::ErrorCapture capture;
        if (m_band.RasterIO(GF_Read, c0, r0, w, h, m_values.data(), w, h, GDT_Float64, 0, 0, nullptr) != CE_None) {
            throw Error(ErrorKind::input, "cannot read the raster's cells: " + capture.last_error(), m_where);
        }
        if (!m_masked) return;
        m_mask.resize(n);
        if (m_band.GetMaskBand()->RasterIO(GF_Read, c0, r0, w, h, m_mask.data(), w, h, GDT_Byte, 0, 0, nullptr) !=
            CE_None) {
            throw Error(ErrorKind::input, "cannot read the raster's mask (nodata): " + capture.last_error(), m_where);
        }
    }

    GDALRasterBand& m_band;
    Context m_where;
    double m_gt[6] = {};
    int m_width = 0, m_height = 0;
    double m_cell_area = 1;
    bool m_masked = false;
    double m_scale = 1, m_offset = 0;
    std::array<double, 4> m_extent{};
    std::vector<double> m_values;
    std::vector<unsigned char> m_mask;
};

/// EPSG:4490 lon/lat → the raster's CRS (its own, or --crs population=…), or an input error.
CtPtr to_raster_crs(GDALDataset& ds, const ReadOptions& options, const Context& where) {
    OGRSpatialReference srs;
    if (auto it = options.crs.find(k_role_population); it != options.crs.end()) {
        srs = gdal::srs_from_user_input(it->second);
    } else if (const OGRSpatialReference* own = ds.GetSpatialRef(); own != nullptr && !own->IsEmpty()) {
        srs = *own;
    } else {
        throw Error(ErrorKind::input,
                    "the raster has no CRS; declare it with --crs population=EPSG:4326 (or the right code)", where);
    }
    srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    OGRSpatialReference lonlat = gdal::srs_from_user_input(crs::k_output_crs);
    lonlat.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    gdal::ErrorCapture capture;
    CtPtr ct(OGRCreateCoordinateTransformation(&lonlat, &srs));
    if (!ct)
        throw Error(ErrorKind::crs, "cannot transform villages to the raster's CRS: " + capture.last_error(), where);
    return ct;
}

/// The village's polygon in the raster's CRS.
geos::GeomPtr in_raster_crs(const geos::GeosContext& ctx, const model::Village& v, OGRCoordinateTransformation& ct,
                            const Context& where) {
    OGRGeometry* raw = nullptr;
    if (OGRGeometryFactory::createFromWkb(v.geometry.data(), nullptr, &raw, v.geometry.size()) != OGRERR_NONE) {
        throw Error(ErrorKind::internal, "a village's polygon cannot be read back", where);
    }
    gdal::GeometryPtr g(raw);
    if (g->transform(&ct) != OGRERR_NONE) {
        throw Error(ErrorKind::crs, "village " + v.code + " cannot be transformed to the raster's CRS", where);
    }
    return ctx.from_ogr(*g);
}

/// The share of `g`'s area inside the rectangle `e` (1 when its bounds lie inside).
double share_inside(const geos::GeosContext& ctx, const GEOSGeometry& g, const std::array<double, 4>& e) {
    const auto b = ctx.bounds(g);
    if (b[0] >= e[0] && b[1] >= e[1] && b[2] <= e[2] && b[3] <= e[3]) return 1.0;
    const auto part = ctx.own(GEOSClipByRect_r(ctx.handle(), &g, e[0], e[1], e[2], e[3]), "clipping to the raster");
    const double area = ctx.area(g);
    return area > 0 ? ctx.area(*part) / area : 0.0;
}

}  // namespace

void population_from_raster(GDALDataset& raster, const std::string& name, const ReadOptions& options,
                            std::vector<model::Village>& villages, Diagnostics& diag, const Reporter& reporter) {
    const Context where{name, {}, {}, {}};
    if (raster.GetRasterCount() > 1) {
        diag.warning(where, "the raster has " + std::to_string(raster.GetRasterCount()) +
                                " bands; people per cell are read from band 1");
    }
    Grid grid(raster, where);
    const CtPtr ct = to_raster_crs(raster, options, where);
    const geos::GeosContext ctx;
    std::vector<std::string> outside, partly;
    for (std::size_t i = 0; i < villages.size(); ++i) {
        auto& v = villages[i];
        const Context at{v.source.file, v.source.layer, v.source.fid, {}};
        const auto g = in_raster_crs(ctx, v, *ct, at);
        const double inside = share_inside(ctx, *g, grid.extent());
        if (inside <= 0) {
            outside.push_back(v.code);
            continue;
        }
        if (inside < 1 - 1e-9) partly.push_back(v.code);
        const Tally t = grid.sum(ctx, *g);
        if (t.negative > 0) {
            char buf[160];
            std::snprintf(buf, sizeof buf, "%zu cells of the raster in village %s hold a negative value (%g)",
                          t.negative, v.code.c_str(), t.first_negative);
            diag.error(where, buf);
        }
        v.population = std::max(0.0, t.people);
        if ((i & 255) == 0) reporter.step("population from the raster", static_cast<double>(i) / villages.size());
    }
    reporter.step("population from the raster", 1.0);
    if (!outside.empty()) {
        diag.error(where, std::to_string(outside.size()) + " villages lie wholly outside the raster (" +
                              listed_codes(outside) + "); use a raster that covers them");
    }
    if (!partly.empty()) {
        diag.warning(where, std::to_string(partly.size()) + " villages lie partly outside the raster (" +
                                listed_codes(partly) + "); the part outside counts no people");
    }
}

}  // namespace scicov::io::detail
