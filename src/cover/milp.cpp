// The MILP back ends: CBC through its C API for integer solves, Clp for LP relaxations.
// One RAII owner per C handle; one thread, fixed seeds, no output.
#include <coin/Cbc_C_Interface.h>
#include <coin/ClpSimplex.hpp>

#include <algorithm>
#include <cmath>
#include <memory>
#include <mutex>
#include <string>

#include "cover/detail.hpp"
#include "scicov/core.hpp"

namespace scicov::cover::detail {

std::int32_t Milp::add_col(double objective, double lo, double hi, bool is_integer) {
    obj.push_back(objective);
    col_lo.push_back(lo);
    col_hi.push_back(hi);
    integer.push_back(is_integer ? 1 : 0);
    return n_cols++;
}

void Milp::add_row(const std::vector<std::int32_t>& index, const std::vector<double>& value, double lo, double hi) {
    row_index.insert(row_index.end(), index.begin(), index.end());
    row_value.insert(row_value.end(), value.begin(), value.end());
    row_start.push_back(static_cast<std::int32_t>(row_index.size()));
    row_lo.push_back(lo);
    row_hi.push_back(hi);
}

namespace {

struct CbcDeleter {
    void operator()(Cbc_Model* m) const noexcept { Cbc_deleteModel(m); }
};
using CbcPtr = std::unique_ptr<Cbc_Model, CbcDeleter>;

/// Column-major copy of the row-form matrix.
struct Columns {
    std::vector<CoinBigIndex> start;
    std::vector<int> index;
    std::vector<double> value;
};

Columns to_columns(const Milp& m) {
    Columns c;
    c.start.assign(static_cast<std::size_t>(m.n_cols) + 1, 0);
    for (auto j : m.row_index) ++c.start[static_cast<std::size_t>(j) + 1];
    for (std::size_t j = 1; j < c.start.size(); ++j) c.start[j] += c.start[j - 1];
    c.index.resize(m.row_index.size());
    c.value.resize(m.row_index.size());
    std::vector<CoinBigIndex> pos(c.start.begin(), c.start.end() - 1);
    for (std::int32_t r = 0; r < m.n_rows(); ++r)
        for (auto k = m.row_start[static_cast<std::size_t>(r)]; k < m.row_start[static_cast<std::size_t>(r) + 1]; ++k) {
            const auto j = static_cast<std::size_t>(m.row_index[static_cast<std::size_t>(k)]);
            const auto at = static_cast<std::size_t>(pos[j]++);
            c.index[at] = r;
            c.value[at] = m.row_value[static_cast<std::size_t>(k)];
        }
    return c;
}

std::string fmt(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.9g", v);
    return buf;
}

std::string fmt17(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
}

}  // namespace

namespace {

/// CBC 2.10's C interface runs every solve through CbcMain1, which parses its settings through
/// process-wide statics (CbcOrClpRead_mode, CbcOrClpReadCommand): two solves on two threads
/// interfere (seen as solves that end without a bound). This lock mirrors that library-global
/// state and is held for Cbc_solve only; model building, Clp LPs and everything else in
/// scicov::cover run concurrently.
std::mutex& cbc_solve_lock() {
    static std::mutex lock;
    return lock;
}

}  // namespace

MilpResult solve_milp(const Milp& m, std::optional<double> cutoff, double seconds, double relative_gap,
                      double absolute_gap, int seed, int max_nodes) {
    MilpResult res;
    CbcPtr model(Cbc_newModel());
    if (!model) throw Error(ErrorKind::solver, "CBC could not create a model");
    const Columns c = to_columns(m);
    std::vector<double> row_lo(m.row_lo), row_hi(m.row_hi);
    Cbc_loadProblem(model.get(), m.n_cols, m.n_rows(), c.start.data(), c.index.data(), c.value.data(), m.col_lo.data(),
                    m.col_hi.data(), m.obj.data(), row_lo.data(), row_hi.data());
    bool any_integer = false;
    for (std::int32_t j = 0; j < m.n_cols; ++j)
        if (m.integer[static_cast<std::size_t>(j)]) {
            Cbc_setInteger(model.get(), j);
            any_integer = true;
        }
    if (!any_integer) throw Error(ErrorKind::internal, "plan: MILP without integer columns");
    Cbc_setLogLevel(model.get(), 0);
    Cbc_setParameter(model.get(), "log", "0");
    Cbc_setParameter(model.get(), "slog", "0");
    Cbc_setParameter(model.get(), "threads", "0");
    Cbc_setParameter(model.get(), "timeMode", "elapsed");
    Cbc_setParameter(model.get(), "randomSeed", std::to_string(std::max(1, seed)).c_str());
    Cbc_setParameter(model.get(), "randomCbcSeed", std::to_string(std::max(1, seed)).c_str());
    Cbc_setParameter(model.get(), "sec", fmt(std::max(0.01, seconds)).c_str());
    Cbc_setParameter(model.get(), "ratioGap", fmt(std::max(0.0, relative_gap)).c_str());
    Cbc_setParameter(model.get(), "allowableGap", fmt(std::max(1e-9, absolute_gap)).c_str());
    // No MIP start: CBC 2.10's MIP start reads past the last column after preprocessing
    // ("Illegal index … in ClpModel::getColumnName", and with named columns an exception).
    // A cutoff works but slowed CBC 40× on the benchmarks; the callers pass none today.
    if (max_nodes > 0) Cbc_setParameter(model.get(), "maxNodes", std::to_string(max_nodes).c_str());
    if (cutoff) Cbc_setParameter(model.get(), "cutoff", fmt17(*cutoff - m.obj_offset).c_str());
    {
        const std::lock_guard lock(cbc_solve_lock());
        Cbc_solve(model.get());
    }

    const int status = Cbc_status(model.get());
    if (status == 2) throw Error(ErrorKind::solver, "CBC abandoned the model (numerical difficulties)");
    const double* best = Cbc_bestSolution(model.get());
    // Proven infeasible only when the search finished: with a cutoff, CBC 2.10 also reports
    // "proven infeasible" when it stopped on time before finding a solution below the cutoff.
    const bool finished = status == 0 && Cbc_isSecondsLimitReached(model.get()) == 0;
    res.infeasible = finished && Cbc_isProvenInfeasible(model.get()) != 0 && best == nullptr;
    if (best != nullptr) {
        res.has_solution = true;
        res.x.assign(best, best + m.n_cols);
        for (std::int32_t j = 0; j < m.n_cols; ++j)
            if (m.integer[static_cast<std::size_t>(j)])
                res.x[static_cast<std::size_t>(j)] = std::round(res.x[static_cast<std::size_t>(j)]);
        res.objective = Cbc_getObjValue(model.get()) + m.obj_offset;
        res.optimal = Cbc_isProvenOptimal(model.get()) != 0;
        const double b = Cbc_getBestPossibleObjValue(model.get());
        res.bound = (res.optimal ? std::min(b, res.objective - m.obj_offset) : b) + m.obj_offset;
        if (res.optimal && (!std::isfinite(b) || b > res.objective - m.obj_offset)) res.bound = res.objective;
    } else if (!res.infeasible) {
        const double b = Cbc_getBestPossibleObjValue(model.get());
        if (std::isfinite(b) && std::abs(b) < 1e29) res.bound = b + m.obj_offset;
    }
    return res;
}

std::optional<double> solve_lp(const Milp& m, double seconds) {
    // The C++ model, not Clp's C interface: only ClpModel sets a wall-clock limit. Clp's
    // maximumSeconds counts process CPU time, so on a machine loaded 10x a 10 s limit ran for
    // minutes of wall clock (5,000 x 1,000 partial targets, --time-limit 10: 270 s wall).
    ClpSimplex model;
    const Columns c = to_columns(m);
    model.loadProblem(m.n_cols, m.n_rows(), c.start.data(), c.index.data(), c.value.data(), m.col_lo.data(),
                      m.col_hi.data(), m.obj.data(), m.row_lo.data(), m.row_hi.data());
    model.setLogLevel(0);
    model.setMaximumSeconds(std::max(0.01, seconds));
    model.setMaximumWallSeconds(std::max(0.01, seconds));
    model.initialPrimalSolve();  // primal: 40× faster than dual on the max-cover LPs
    if (!model.isProvenOptimal()) return std::nullopt;
    return model.objectiveValue() + m.obj_offset;
}

}  // namespace scicov::cover::detail
