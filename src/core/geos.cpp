#include "core/geos.hpp"

#include <array>
#include <cmath>
#include <cstdlib>

#include <ogr_geometry.h>

namespace scicov::core::geos {

GeosContext::GeosContext() : m_handle(GEOS_init_r()) {
    if (m_handle == nullptr) throw Error(ErrorKind::internal, "GEOS_init_r failed");
    GEOSContext_setErrorMessageHandler_r(m_handle, &GeosContext::on_error, this);
    GEOSContext_setNoticeMessageHandler_r(m_handle, &GeosContext::on_notice, this);
    m_wkb_reader = GEOSWKBReader_create_r(m_handle);
    m_wkb_writer = GEOSWKBWriter_create_r(m_handle);
    if (m_wkb_reader == nullptr || m_wkb_writer == nullptr) {
        if (m_wkb_reader != nullptr) GEOSWKBReader_destroy_r(m_handle, m_wkb_reader);
        if (m_wkb_writer != nullptr) GEOSWKBWriter_destroy_r(m_handle, m_wkb_writer);
        GEOS_finish_r(m_handle);
        throw Error(ErrorKind::internal, "GEOS WKB reader/writer creation failed");
    }
    GEOSWKBWriter_setFlavor_r(m_handle, m_wkb_writer, GEOS_WKB_ISO);
    GEOSWKBWriter_setByteOrder_r(m_handle, m_wkb_writer, GEOS_WKB_NDR);
}

GeosContext::~GeosContext() {
    GEOSWKBReader_destroy_r(m_handle, m_wkb_reader);
    GEOSWKBWriter_destroy_r(m_handle, m_wkb_writer);
    GEOS_finish_r(m_handle);
}

GeomPtr GeosContext::from_wkb(const std::vector<unsigned char>& wkb) const {
    return own(GEOSWKBReader_read_r(m_handle, m_wkb_reader, wkb.data(), wkb.size()), "WKB read");
}

std::vector<unsigned char> GeosContext::to_wkb(const GEOSGeometry& g) const {
    std::size_t size = 0;
    unsigned char* buf = GEOSWKBWriter_write_r(m_handle, m_wkb_writer, &g, &size);
    if (buf == nullptr) throw Error(ErrorKind::geometry, "GEOS WKB write failed: " + m_last_error);
    std::vector<unsigned char> out(buf, buf + size);
    GEOSFree_r(m_handle, buf);
    return out;
}

GeomPtr GeosContext::polygonal(const GEOSGeometry& g) const {
    std::vector<GeomPtr> parts;
    const int type = GEOSGeomTypeId_r(m_handle, &g);
    if (type == GEOS_POLYGON) {
        parts.push_back(clone(g));
    } else if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION) {
        const int n = GEOSGetNumGeometries_r(m_handle, &g);
        for (int i = 0; i < n; ++i) {
            const GEOSGeometry* part = GEOSGetGeometryN_r(m_handle, &g, i);
            const int pt = GEOSGeomTypeId_r(m_handle, part);
            if (pt == GEOS_POLYGON) {
                if (!is_empty(*part)) parts.push_back(clone(*part));
            } else if (pt == GEOS_MULTIPOLYGON || pt == GEOS_GEOMETRYCOLLECTION) {
                auto sub = polygonal(*part);
                const int m = GEOSGetNumGeometries_r(m_handle, sub.get());
                for (int k = 0; k < m; ++k) parts.push_back(clone(*GEOSGetGeometryN_r(m_handle, sub.get(), k)));
            }
        }
    }
    return collection(GEOS_MULTIPOLYGON, std::move(parts));
}

void GeosContext::on_error(const char* message, void* userdata) {
    static_cast<GeosContext*>(userdata)->m_last_error = message ? message : "";
}

void GeosContext::on_notice(const char* /*message*/, void* /*userdata*/) {
    // Notices (e.g. from validity checks) are answered through return values; nothing to keep.
}

GeomPtr GeosContext::own(GEOSGeometry* g, const char* what) const {
    if (g == nullptr) {
        throw Error(ErrorKind::geometry,
                    std::string("GEOS ") + what + " failed" + (m_last_error.empty() ? "" : ": " + m_last_error));
    }
    return GeomPtr(g, GeomDeleter{m_handle});
}

PreparedPtr GeosContext::prepare(const GEOSGeometry& g) const {
    const GEOSPreparedGeometry* p = GEOSPrepare_r(m_handle, &g);
    if (p == nullptr) throw Error(ErrorKind::geometry, "GEOS prepare failed: " + m_last_error);
    return PreparedPtr(p, PreparedDeleter{m_handle});
}

GeomPtr GeosContext::clone(const GEOSGeometry& g) const {
    return own(GEOSGeom_clone_r(m_handle, &g), "clone");
}

GeomPtr GeosContext::point(double x, double y) const {
    return own(GEOSGeom_createPointFromXY_r(m_handle, x, y), "point");
}

GeomPtr GeosContext::polygon(const std::vector<double>& xy) const {
    const auto n = static_cast<unsigned>(xy.size() / 2);
    GEOSCoordSequence* seq = GEOSCoordSeq_copyFromBuffer_r(m_handle, xy.data(), n, 0, 0);
    if (seq == nullptr) throw Error(ErrorKind::geometry, "GEOS coordinate sequence failed: " + m_last_error);
    GEOSGeometry* ring = GEOSGeom_createLinearRing_r(m_handle, seq);  // takes seq
    if (ring == nullptr) throw Error(ErrorKind::geometry, "GEOS linear ring failed: " + m_last_error);
    return own(GEOSGeom_createPolygon_r(m_handle, ring, nullptr, 0), "polygon");  // takes ring
}

GeomPtr GeosContext::collection(int type, std::vector<GeomPtr> parts) const {
    std::vector<GEOSGeometry*> raw;
    raw.reserve(parts.size());
    for (auto& p : parts) raw.push_back(p.release());
    GEOSGeometry* c = GEOSGeom_createCollection_r(m_handle, type, raw.data(), static_cast<unsigned>(raw.size()));
    if (c == nullptr) {
        for (auto* p : raw) GEOSGeom_destroy_r(m_handle, p);
        throw Error(ErrorKind::geometry, "GEOS collection failed: " + m_last_error);
    }
    return GeomPtr(c, GeomDeleter{m_handle});
}

GeomPtr GeosContext::from_ogr(const OGRGeometry& g) const {
    return own(g.exportToGEOS(m_handle), "conversion from OGR");
}

std::unique_ptr<OGRGeometry, void (*)(OGRGeometry*)> GeosContext::to_ogr(const GEOSGeometry& g) const {
    // createFromGEOS copies; it does not take the GEOS geometry.
    OGRGeometry* out = OGRGeometryFactory::createFromGEOS(m_handle, const_cast<GEOSGeometry*>(&g));
    if (out == nullptr) throw Error(ErrorKind::geometry, "conversion from GEOS to OGR failed");
    return {out, [](OGRGeometry* p) { OGRGeometryFactory::destroyGeometry(p); }};
}

double GeosContext::area(const GEOSGeometry& g) const {
    double a = 0;
    if (GEOSArea_r(m_handle, &g, &a) == 0) throw Error(ErrorKind::geometry, "GEOS area failed: " + m_last_error);
    return a;
}

double GeosContext::length(const GEOSGeometry& g) const {
    double l = 0;
    if (GEOSLength_r(m_handle, &g, &l) == 0) throw Error(ErrorKind::geometry, "GEOS length failed: " + m_last_error);
    return l;
}

bool GeosContext::is_valid(const GEOSGeometry& g) const {
    return GEOSisValid_r(m_handle, &g) == 1;
}

std::string GeosContext::invalid_reason(const GEOSGeometry& g) const {
    char* r = GEOSisValidReason_r(m_handle, &g);
    if (r == nullptr) return "unknown";
    std::string out(r);
    GEOSFree_r(m_handle, r);
    return out;
}

bool GeosContext::is_empty(const GEOSGeometry& g) const {
    return GEOSisEmpty_r(m_handle, &g) == 1;
}

GeomPtr GeosContext::make_valid(const GEOSGeometry& g) const {
    GEOSMakeValidParams* params = GEOSMakeValidParams_create_r(m_handle);
    GEOSMakeValidParams_setMethod_r(m_handle, params, GEOS_MAKE_VALID_STRUCTURE);
    GEOSMakeValidParams_setKeepCollapsed_r(m_handle, params, 0);
    GEOSGeometry* out = GEOSMakeValidWithParams_r(m_handle, &g, params);
    GEOSMakeValidParams_destroy_r(m_handle, params);
    return own(out, "make-valid");
}

GeomPtr GeosContext::intersection(const GEOSGeometry& a, const GEOSGeometry& b) const {
    return own(GEOSIntersection_r(m_handle, &a, &b), "intersection");
}

GeomPtr GeosContext::difference(const GEOSGeometry& a, const GEOSGeometry& b) const {
    return own(GEOSDifference_r(m_handle, &a, &b), "difference");
}

GeomPtr GeosContext::unary_union(const GEOSGeometry& g) const {
    return own(GEOSUnaryUnion_r(m_handle, &g), "union");
}

GeomPtr GeosContext::union_of_parts(std::vector<GeomPtr> parts) const {
    std::vector<GeomPtr> polygons;
    polygons.reserve(parts.size());
    for (auto& p : parts) {
        if (GEOSGeomTypeId_r(m_handle, p.get()) == GEOS_POLYGON) {
            polygons.push_back(std::move(p));
            continue;
        }
        for (int i = 0, n = GEOSGetNumGeometries_r(m_handle, p.get()); i < n; ++i)
            polygons.push_back(clone(*GEOSGetGeometryN_r(m_handle, p.get(), i)));
    }
    return unary_union(*collection(GEOS_MULTIPOLYGON, std::move(polygons)));
}

GeomPtr GeosContext::union_of_tiles(std::vector<GeomPtr> parts) const {
    if (parts.empty()) return collection(GEOS_MULTIPOLYGON, {});
    double sum = 0;
    for (const auto& p : parts) sum += area(*p);
    auto all = collection(GEOS_MULTIPOLYGON, std::move(parts));
    if (auto fast = own_nullable(GEOSCoverageUnion_r(m_handle, all.get()))) {
        if (GEOSisValid_r(m_handle, fast.get()) == 1 && std::abs(area(*fast) - sum) <= 1e-9 * sum) {
            return polygonal(*fast);
        }
    }
    return polygonal(*unary_union(*all));
}

GeomPtr GeosContext::point_on_surface(const GEOSGeometry& g) const {
    return own(GEOSPointOnSurface_r(m_handle, &g), "point-on-surface");
}

GeomPtr GeosContext::buffer(const GEOSGeometry& g, double width, int quadrant_segments) const {
    return own(GEOSBuffer_r(m_handle, &g, width, quadrant_segments), "buffer");
}

std::pair<double, double> GeosContext::xy(const GEOSGeometry& point) const {
    double x = 0, y = 0;
    if (GEOSGeomGetX_r(m_handle, &point, &x) == 0 || GEOSGeomGetY_r(m_handle, &point, &y) == 0) {
        throw Error(ErrorKind::geometry, "not a point: " + m_last_error);
    }
    return {x, y};
}

std::array<double, 4> GeosContext::bounds(const GEOSGeometry& g) const {
    std::array<double, 4> b{};
    if (GEOSGeom_getExtent_r(m_handle, &g, &b[0], &b[1], &b[2], &b[3]) == 0) {
        throw Error(ErrorKind::geometry, "GEOS extent failed: " + m_last_error);
    }
    return b;
}

}  // namespace scicov::core::geos
