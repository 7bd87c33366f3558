// The pieces of the extension module `scicov._scicov`, one per part of the library it exposes.
// The Python package (python/scicov/__init__.py) wraps them in the documented API.
#pragma once

#include <pybind11/pybind11.h>

namespace scicov::python {

/// scicov.Error (a RuntimeError with kind, message, file, layer, feature, field) and the
/// translator that turns every scicov::Error into it.
void bind_errors(pybind11::module_& m);
/// The geography-free solver: _Problem, Solution, the solves, the sweep and phasing.
void bind_cover(pybind11::module_& m);
/// The pipeline: RunArgs, PlanArgs, analyze, plan, the default rules.
void bind_pipeline(pybind11::module_& m);

}  // namespace scicov::python
