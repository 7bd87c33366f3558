// scicov._scicov: the extension module behind the `scicov` Python package.
#include <exception>

#include "bindings.hpp"
#include "scicov/core.hpp"

namespace py = pybind11;

namespace scicov::python {

void bind_errors(py::module_& m) {
    // Created once per process and never freed, as pybind11's own exception types are: the type
    // must outlive every module object that may still raise it.
    static PyObject* const error_type = PyErr_NewExceptionWithDoc(
        "scicov.Error",
        "An error from scicov: bad input data, rules, a solver failure, I/O. str(e) is the full message "
        "with its context; e.kind is 'input', 'geometry', 'crs', 'rules', 'solver', 'io', 'usage' or "
        "'internal'; e.message is the bare message; e.file, e.layer, e.feature and e.field say where "
        "(None when unknown).",
        PyExc_RuntimeError, nullptr);
    if (error_type == nullptr) throw py::error_already_set();
    m.attr("Error") = py::handle(error_type);

    py::register_exception_translator([](std::exception_ptr p) {
        try {
            if (p) std::rethrow_exception(p);
        } catch (const Error& e) {
            const auto optional_text = [](const std::string& s) -> py::object {
                return s.empty() ? py::none() : py::object(py::str(s));
            };
            py::object exc = py::handle(error_type)(e.what());
            exc.attr("kind") = core::to_string(e.kind());
            exc.attr("message") = e.message();
            exc.attr("file") = optional_text(e.context().file);
            exc.attr("layer") = optional_text(e.context().layer);
            exc.attr("feature") = e.context().feature ? py::object(py::int_(*e.context().feature)) : py::none();
            exc.attr("field") = optional_text(e.context().field);
            PyErr_SetObject(error_type, exc.ptr());
        }
    });
}

}  // namespace scicov::python

PYBIND11_MODULE(_scicov, m) {
    m.doc() = "scicov's C++ library: the geography-free cover solver and the analyze/plan pipeline";
    m.attr("__version__") = SCICOV_VERSION;
    scicov::python::bind_errors(m);
    scicov::python::bind_cover(m);
    scicov::python::bind_pipeline(m);
}
