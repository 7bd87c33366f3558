// scicov::cover for Python: a problem from flat arrays (the package builds them from a coverage
// matrix), the set-cover and max-cover solves, the budget sweep and phasing. Solves release the
// GIL: several problems may be solved from Python threads at once.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "bindings.hpp"
#include "scicov/cover.hpp"

namespace py = pybind11;

namespace scicov::python {
namespace {

template <typename T>
using Array = py::array_t<T, py::array::c_style | py::array::forcecast>;

template <typename T>
std::vector<T> to_vector(const Array<T>& a, const char* name) {
    if (a.ndim() != 1) throw py::value_error(std::string(name) + " must be one-dimensional");
    return std::vector<T>(a.data(), a.data() + a.size());
}

cover::CoverProblem make_problem(const Array<double>& measure, const Array<double>& weight,
                                 const Array<std::uint8_t>& covered, const Array<double>& cost,
                                 const Array<std::int32_t>& offsets, const Array<std::int32_t>& demands,
                                 const Array<std::int32_t>& group, const Array<std::int32_t>& conflicts) {
    cover::CoverProblem p;
    p.measure = to_vector(measure, "measure");
    p.weight = to_vector(weight, "weight");
    p.covered = to_vector(covered, "covered");
    p.cost = to_vector(cost, "cost");
    p.offsets = to_vector(offsets, "offsets");
    p.demands = to_vector(demands, "demands");
    p.group = to_vector(group, "group");
    if (conflicts.size() > 0) {
        if (conflicts.ndim() != 2 || conflicts.shape(1) != 2) throw py::value_error("conflicts must be pairs (k × 2)");
        for (py::ssize_t k = 0; k < conflicts.shape(0); ++k)
            p.conflicts.emplace_back(conflicts.at(k, 0), conflicts.at(k, 1));
    }
    cover::validate(p);
    return p;
}

cover::SolveOptions make_options(const std::string& objective, const std::string& solver, double time_limit_s,
                                 double relative_gap, bool presolve, int seed) {
    cover::SolveOptions o;
    if (objective == "sites") {
        o.objective = cover::Objective::sites;
    } else if (objective == "cost") {
        o.objective = cover::Objective::cost;
    } else {
        throw py::value_error("objective must be 'sites' or 'cost', not '" + objective + "'");
    }
    if (solver == "exact") {
        o.solver = cover::Solver::exact;
    } else if (solver == "heuristic") {
        o.solver = cover::Solver::heuristic;
    } else if (solver == "automatic") {
        o.solver = cover::Solver::automatic;
    } else {
        throw py::value_error("solver must be 'exact', 'heuristic' or 'automatic', not '" + solver + "'");
    }
    if (!(time_limit_s > 0)) throw py::value_error("time_limit must be positive");
    if (!(relative_gap >= 0)) throw py::value_error("gap must be ≥ 0");
    o.time_limit_s = time_limit_s;
    o.relative_gap = relative_gap;
    o.presolve = presolve;
    o.seed = seed;
    return o;
}

cover::GainBy gain_by(const std::string& by) {
    if (by == "measure") return cover::GainBy::measure;
    if (by == "weight") return cover::GainBy::weight;
    throw py::value_error("by must be 'measure' or 'weight', not '" + by + "'");
}

py::dict presolve_dict(const cover::PresolveStats& s) {
    py::dict d;
    d["demands_in"] = s.demands_in;
    d["demands_already_covered"] = s.demands_already_covered;
    d["demands_uncoverable"] = s.demands_uncoverable;
    d["demands_weightless"] = s.demands_weightless;
    d["demands_merged"] = s.demands_merged;
    d["demands_implied"] = s.demands_implied;
    d["demands_out"] = s.demands_out;
    d["candidates_in"] = s.candidates_in;
    d["candidates_useless"] = s.candidates_useless;
    d["candidates_dominated"] = s.candidates_dominated;
    d["candidates_fixed"] = s.candidates_fixed;
    d["candidates_excluded"] = s.candidates_excluded;
    d["candidates_out"] = s.candidates_out;
    return d;
}

py::dict step_dict(const cover::Step& s) {
    py::dict d;
    d["site"] = s.site;
    d["gain_measure"] = s.gain_measure;
    d["gain_weight"] = s.gain_weight;
    return d;
}

void bind_solution(py::module_& m) {
    using cover::Solution;
    py::class_<Solution>(m, "Solution", "The answer of one solve (see scicov.solve_set_cover, solve_max_cover)")
        .def_property_readonly(
            "status", [](const Solution& s) { return std::string(cover::to_string(s.status)); },
            "'optimal', 'feasible' (a gap remains), 'infeasible' or 'time_limit_no_solution'")
        .def_property_readonly(
            "method", [](const Solution& s) { return std::string(cover::to_string(s.method)); },
            "'exact' (CBC), 'heuristic' or 'trivial' (nothing to do)")
        .def_readonly("sites", &Solution::sites, "chosen site indices (columns), in marginal-gain order")
        .def_readonly("objective", &Solution::objective,
                      "set cover: sites or total cost; max cover: weight newly covered")
        .def_readonly("bound", &Solution::bound, "best bound (lower for set cover, upper for max cover)")
        .def_readonly("gap", &Solution::gap, "|objective − bound| / max(|objective|, 1e-9); 0 when optimal")
        .def_readonly("seconds", &Solution::seconds)
        .def_readonly("tie_break_optimal", &Solution::tie_break_optimal)
        .def_readonly("target", &Solution::target, "set cover: the target (absolute measure)")
        .def_readonly("measure", &Solution::measure, "already + newly covered measure")
        .def_readonly("new_measure", &Solution::new_measure)
        .def_readonly("new_weight", &Solution::new_weight)
        .def_readonly("cost", &Solution::cost, "total cost of the sites")
        .def_readonly("reachable_measure", &Solution::reachable_measure)
        .def_readonly("uncoverable", &Solution::uncoverable, "demands no site covers (and not already covered)")
        .def_property_readonly("presolve", [](const Solution& s) { return presolve_dict(s.presolve); })
        .def("__repr__", [](const Solution& s) {
            return "Solution(status='" + std::string(cover::to_string(s.status)) +
                   "', sites=" + std::to_string(s.sites.size()) +
                   ", objective=" + py::repr(py::float_(s.objective)).cast<std::string>() +
                   ", bound=" + py::repr(py::float_(s.bound)).cast<std::string>() +
                   ", gap=" + py::repr(py::float_(s.gap)).cast<std::string>() + ")";
        });
}

/// One solve as a module function: (problem, target or budget, the SolveOptions as keywords),
/// run without the GIL.
template <typename Amount, typename Result>
void def_solve(py::module_& m, const char* name,
               Result (*solve)(const cover::CoverProblem&, Amount, const cover::SolveOptions&), const char* amount) {
    m.def(
        name,
        [solve](const cover::CoverProblem& p, Amount value, const std::string& objective, const std::string& solver,
                double time_limit_s, double gap, bool presolve, int seed) {
            const auto o = make_options(objective, solver, time_limit_s, gap, presolve, seed);
            py::gil_scoped_release release;
            return solve(p, value, o);
        },
        py::arg("problem"), py::arg(amount), py::arg("objective") = "sites", py::arg("solver") = "automatic",
        py::arg("time_limit") = 60.0, py::arg("gap") = 0.0, py::arg("presolve") = true, py::arg("seed") = 1);
}

using CountyTuple = std::tuple<std::vector<double>, std::vector<double>, double, double>;

py::dict phase_city(const std::vector<CountyTuple>& counties, std::int32_t per_year, std::int32_t start_year) {
    std::vector<cover::CountySites> sites;
    for (const auto& [gain, measure_gain, base, target] : counties) {
        sites.push_back(cover::CountySites{gain, measure_gain, base, target, {}});
    }
    cover::CityPhasing r;
    {
        py::gil_scoped_release release;
        r = cover::phase_city(sites, per_year, start_year);
    }
    py::dict d;
    d["year"] = r.year;
    d["years"] = r.years;
    d["measure_after"] = r.measure_after;
    d["year_met"] = r.year_met;
    return d;
}

}  // namespace

void bind_cover(py::module_& m) {
    py::class_<cover::CoverProblem>(m, "_Problem", "scicov::cover::CoverProblem (built by scicov.CoverProblem)")
        .def(py::init(&make_problem), py::arg("measure"), py::arg("weight"), py::arg("covered"), py::arg("cost"),
             py::arg("offsets"), py::arg("demands"), py::arg("group"), py::arg("conflicts"))
        .def_property_readonly("demand_count", &cover::CoverProblem::demand_count)
        .def_property_readonly("candidate_count", &cover::CoverProblem::candidate_count);
    bind_solution(m);

    def_solve(m, "solve_set_cover", &cover::solve_set_cover, "target");
    def_solve(m, "solve_max_cover", &cover::solve_max_cover, "budget");
    def_solve(m, "sweep_max_cover", &cover::sweep_max_cover, "max_budget");
    m.def(
        "order_by_gain",
        [](const cover::CoverProblem& p, const std::vector<std::int32_t>& sites, const std::string& by) {
            const auto key = gain_by(by);
            std::vector<cover::Step> steps;
            {
                py::gil_scoped_release release;
                steps = cover::order_by_gain(p, sites, key);
            }
            py::list out;
            for (const auto& s : steps) out.append(step_dict(s));
            return out;
        },
        py::arg("problem"), py::arg("sites"), py::arg("by") = "measure");
    m.def(
        "phase",
        [](const cover::CoverProblem& p, const std::vector<std::int32_t>& sites, std::int32_t per_year,
           std::int32_t start_year, const std::string& by) {
            const auto key = gain_by(by);
            std::vector<cover::PhasedStep> steps;
            {
                py::gil_scoped_release release;
                steps = cover::phase(p, sites, per_year, start_year, key);
            }
            py::list out;
            for (const auto& s : steps) {
                py::dict d = step_dict(s.step);
                d["rank"] = s.rank;
                d["year"] = s.year;
                out.append(d);
            }
            return out;
        },
        py::arg("problem"), py::arg("sites"), py::arg("per_year"), py::arg("start_year"), py::arg("by") = "measure");
    m.def("phase_city", &phase_city, py::arg("counties"), py::arg("per_year"), py::arg("start_year"));
}

}  // namespace scicov::python
