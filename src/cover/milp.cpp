// The MILP back ends: CBC for integer solves (its CbcModel directly for small models, its C API,
// i.e. CbcMain's root machinery, for large ones), Clp for LP relaxations.
// One RAII owner per C handle; one thread, fixed seeds, no output.
#include <coin/Cbc_C_Interface.h>
#include <coin/CbcModel.hpp>
#include <coin/ClpSimplex.hpp>
#include <coin/OsiClpSolverInterface.hpp>

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

/// What a CBC solve ended with, from either entry point, in the model's own objective (no offset).
struct CbcEnd {
    int status = 0;                ///< 0 finished, 1 stopped on a limit, 2 abandoned
    const double* best = nullptr;  ///< the incumbent's columns, or null
    bool proven_optimal = false;
    bool proven_infeasible = false;
    bool seconds_reached = false;
    double objective = 0;      ///< the incumbent's objective
    double best_possible = 0;  ///< CBC's bound
};

MilpResult to_result(const Milp& m, const CbcEnd& e) {
    MilpResult res;
    if (e.status == 2) throw Error(ErrorKind::solver, "CBC abandoned the model (numerical difficulties)");
    // Proven infeasible only when the search finished: with a cutoff, CBC 2.10 also reports
    // "proven infeasible" when it stopped on time before finding a solution below the cutoff.
    const bool finished = e.status == 0 && !e.seconds_reached;
    res.infeasible = finished && e.proven_infeasible && e.best == nullptr;
    const double b = e.best_possible;
    if (e.best != nullptr) {
        res.has_solution = true;
        res.x.assign(e.best, e.best + m.n_cols);
        for (std::int32_t j = 0; j < m.n_cols; ++j)
            if (m.integer[static_cast<std::size_t>(j)])
                res.x[static_cast<std::size_t>(j)] = std::round(res.x[static_cast<std::size_t>(j)]);
        res.objective = e.objective + m.obj_offset;
        res.optimal = e.proven_optimal;
        res.bound = (res.optimal ? std::min(b, e.objective) : b) + m.obj_offset;
        if (res.optimal && (!std::isfinite(b) || b > e.objective)) res.bound = res.objective;
    } else if (!res.infeasible) {
        if (std::isfinite(b) && std::abs(b) < 1e29) res.bound = b + m.obj_offset;
    }
    return res;
}

/// Small models: branch and bound on a CbcModel of their own, without CbcMain's preprocessing,
/// root cuts and heuristics. Every CbcModel is independent, so these solves run on all threads
/// (no lock). On the national run's 4,377 county tie-break solves (≤ 775 columns) this took 104
/// CPU-s of plan stage against CbcMain's 129.5, with the same optima (docs/benchmarks.md).
MilpResult branch_and_bound(const Milp& m, std::optional<double> cutoff, double seconds, double relative_gap,
                            double absolute_gap, int seed, int max_nodes) {
    const Columns c = to_columns(m);
    OsiClpSolverInterface solver;
    solver.messageHandler()->setLogLevel(0);
    solver.getModelPtr()->setLogLevel(0);
    solver.loadProblem(m.n_cols, m.n_rows(), c.start.data(), c.index.data(), c.value.data(), m.col_lo.data(),
                       m.col_hi.data(), m.obj.data(), m.row_lo.data(), m.row_hi.data());
    for (std::int32_t j = 0; j < m.n_cols; ++j)
        if (m.integer[static_cast<std::size_t>(j)]) solver.setInteger(j);
    CbcModel model(solver);  // takes a copy of the solver
    model.setLogLevel(0);
    model.messageHandler()->setLogLevel(0);
    model.setUseElapsedTime(true);
    model.setMaximumSeconds(std::max(0.01, seconds));
    model.setAllowableFractionGap(std::max(0.0, relative_gap));
    model.setAllowableGap(std::max(1e-9, absolute_gap));
    model.setRandomSeed(std::max(1, seed));
    if (max_nodes > 0) model.setMaximumNodes(max_nodes);
    if (cutoff) model.setCutoff(*cutoff - m.obj_offset);
    model.initialSolve();
    model.branchAndBound();
    return to_result(m, CbcEnd{.status = model.status(),
                               .best = model.bestSolution(),
                               .proven_optimal = model.isProvenOptimal(),
                               .proven_infeasible = model.isProvenInfeasible(),
                               .seconds_reached = model.isSecondsLimitReached(),
                               .objective = model.getObjValue(),
                               .best_possible = model.getBestPossibleObjValue()});
}

/// CBC 2.10's C interface runs every solve through CbcMain1, which parses its settings through
/// process-wide statics (CbcOrClpRead_mode, CbcOrClpReadCommand): two solves on two threads
/// interfere (seen as solves that end without a bound). This lock mirrors that library-global
/// state and is held for Cbc_solve only; model building, Clp LPs, branch_and_bound and everything
/// else in scicov::cover run concurrently.
std::mutex& cbc_solve_lock() {
    static std::mutex lock;
    return lock;
}

/// Large models and the full-cover machinery: CbcMain with its preprocessing, cuts and heuristics
/// (they pay on the solver benchmark's 5,000 × 1,000 instances), one solve at a time.
MilpResult cbc_main(const Milp& m, std::optional<double> cutoff, double seconds, double relative_gap,
                    double absolute_gap, int seed, int max_nodes) {
    CbcPtr model(Cbc_newModel());
    if (!model) throw Error(ErrorKind::solver, "CBC could not create a model");
    const Columns c = to_columns(m);
    std::vector<double> row_lo(m.row_lo), row_hi(m.row_hi);
    Cbc_loadProblem(model.get(), m.n_cols, m.n_rows(), c.start.data(), c.index.data(), c.value.data(), m.col_lo.data(),
                    m.col_hi.data(), m.obj.data(), row_lo.data(), row_hi.data());
    for (std::int32_t j = 0; j < m.n_cols; ++j)
        if (m.integer[static_cast<std::size_t>(j)]) Cbc_setInteger(model.get(), j);
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
    const double* best = Cbc_bestSolution(model.get());
    return to_result(m, CbcEnd{.status = Cbc_status(model.get()),
                               .best = best,
                               .proven_optimal = Cbc_isProvenOptimal(model.get()) != 0,
                               .proven_infeasible = Cbc_isProvenInfeasible(model.get()) != 0,
                               .seconds_reached = Cbc_isSecondsLimitReached(model.get()) != 0,
                               .objective = best != nullptr ? Cbc_getObjValue(model.get()) : 0.0,
                               .best_possible = Cbc_getBestPossibleObjValue(model.get())});
}

}  // namespace

MilpResult solve_milp_below(const Milp& m, double incumbent, double improvement, double seconds, double absolute_gap,
                            int seed, double limit) {
    const double cutoff = incumbent - improvement;
    const Deadline deadline(std::min(seconds, limit));
    const Deadline outer(limit);
    if (m.n_cols <= k_branch_and_bound_columns)
        return branch_and_bound(m, cutoff, deadline.remaining(), 0.0, absolute_gap, seed, 0);
    // Larger models: branch and bound with the cutoff first, for a few nodes (it proves the easy
    // ones several times faster than CbcMain's preprocessing and cuts); what it does not prove
    // goes to CbcMain, without a cutoff, for the whole `seconds` again, so that the hard ones get
    // as long as CbcMain alone had (docs/benchmarks.md: the 2,000 × 500 weight stages).
    auto first = branch_and_bound(m, cutoff, deadline.remaining() * 0.5, 0.0, absolute_gap, seed, k_below_nodes);
    if (first.optimal || first.infeasible || outer.expired()) return first;
    auto res = cbc_main(m, std::nullopt, std::min(seconds, outer.remaining()), 0.0, absolute_gap, seed, 0);
    if (!res.optimal && first.has_solution && (!res.has_solution || first.objective < res.objective)) {
        res.has_solution = true;
        res.x = std::move(first.x);
        res.objective = first.objective;
        res.infeasible = false;
    }
    return res;
}

MilpResult solve_milp(const Milp& m, std::optional<double> cutoff, double seconds, double relative_gap,
                      double absolute_gap, int seed, int max_nodes, MilpEngine engine) {
    const bool any_integer = std::any_of(m.integer.begin(), m.integer.end(), [](std::uint8_t v) { return v != 0; });
    if (!any_integer) throw Error(ErrorKind::internal, "plan: MILP without integer columns");
    if (engine == MilpEngine::automatic)
        engine = m.n_cols <= k_branch_and_bound_columns ? MilpEngine::branch_and_bound : MilpEngine::cbc_main;
    return engine == MilpEngine::branch_and_bound
               ? branch_and_bound(m, cutoff, seconds, relative_gap, absolute_gap, seed, max_nodes)
               : cbc_main(m, cutoff, seconds, relative_gap, absolute_gap, seed, max_nodes);
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
