#include "core/proj.hpp"

#include <cmath>

namespace scicov::core::proj {

Transformer::Transformer(const std::string& source, const std::string& target)
    : m_source(source), m_target(target), m_context(proj_context_create()) {
    if (!m_context) throw Error(ErrorKind::crs, "cannot create a PROJ context");
    proj_log_level(m_context.get(), PJ_LOG_NONE);
    PJ* raw = proj_create_crs_to_crs(m_context.get(), source.c_str(), target.c_str(), nullptr);
    if (raw == nullptr) {
        const int err = proj_context_errno(m_context.get());
        throw Error(ErrorKind::crs, "PROJ cannot transform " + source + " to " + target + ": " +
                                        proj_context_errno_string(m_context.get(), err));
    }
    std::unique_ptr<PJ, PjDeleter> pj(raw);
    PJ* normalised = proj_normalize_for_visualization(m_context.get(), pj.get());
    if (normalised == nullptr) throw Error(ErrorKind::crs, "PROJ cannot normalise axis order of " + source);
    m_pj.reset(normalised);
}

void Transformer::forward(std::span<double> x, std::span<double> y) const {
    run(PJ_FWD, x, y, {});
}
void Transformer::inverse(std::span<double> x, std::span<double> y) const {
    run(PJ_INV, x, y, {});
}
void Transformer::forward(std::span<double> x, std::span<double> y, std::span<double> z) const {
    run(PJ_FWD, x, y, z);
}

void Transformer::run(PJ_DIRECTION direction, std::span<double> x, std::span<double> y, std::span<double> z) const {
    if (x.size() != y.size() || (!z.empty() && z.size() != x.size())) {
        throw Error(ErrorKind::internal, "coordinate arrays differ in length");
    }
    if (x.empty()) return;
    proj_trans_generic(m_pj.get(), direction, x.data(), sizeof(double), x.size(), y.data(), sizeof(double), y.size(),
                       z.empty() ? nullptr : z.data(), sizeof(double), z.size(), nullptr, 0, 0);
    for (std::size_t i = 0; i < x.size(); ++i) {
        if (!std::isfinite(x[i]) || !std::isfinite(y[i])) {
            throw Error(ErrorKind::crs, "PROJ could not transform point " + std::to_string(i) + " from " +
                                            (direction == PJ_FWD ? m_source : m_target) + " to " +
                                            (direction == PJ_FWD ? m_target : m_source));
        }
    }
}

double ellipsoidal_distance_m(double lon1, double lat1, double lon2, double lat2) {
    std::unique_ptr<PJ_CONTEXT, ContextDeleter> ctx(proj_context_create());
    std::unique_ptr<PJ, PjDeleter> pj(proj_create(ctx.get(), "+proj=longlat +ellps=GRS80"));
    if (!pj) throw Error(ErrorKind::crs, "PROJ cannot create the GRS80 ellipsoid");
    PJ_COORD a = proj_coord(proj_torad(lon1), proj_torad(lat1), 0, 0);
    PJ_COORD b = proj_coord(proj_torad(lon2), proj_torad(lat2), 0, 0);
    return proj_lp_dist(pj.get(), a, b);
}

}  // namespace scicov::core::proj
