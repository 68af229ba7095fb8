#include "python_failure.h"

#include <utility>

namespace l2l_python {

namespace {

std::string Str(PyObject* o) {
  if (o == nullptr) return {};
  PyObject* s = PyObject_Str(o);
  if (s == nullptr) {
    PyErr_Clear();
    return "<str() failed>";
  }
  Py_ssize_t n = 0;
  const char* p = PyUnicode_AsUTF8AndSize(s, &n);
  std::string out = p != nullptr ? std::string(p, static_cast<size_t>(n)) : "<not UTF-8>";
  if (p == nullptr) PyErr_Clear();
  Py_DECREF(s);
  return out;
}

// "".join(traceback.format_exception(type, value, tb)); empty if the traceback module fails too.
std::string Format(PyObject* type, PyObject* value, PyObject* tb) {
  std::string out;
  PyObject* mod = PyImport_ImportModule("traceback");
  if (mod == nullptr) {
    PyErr_Clear();
    return out;
  }
  PyObject* lines = PyObject_CallMethod(mod, "format_exception", "OOO", type, value != nullptr ? value : Py_None,
                                        tb != nullptr ? tb : Py_None);
  Py_DECREF(mod);
  if (lines == nullptr) {
    PyErr_Clear();
    return out;
  }
  PyObject* empty = PyUnicode_FromString("");
  PyObject* joined = empty != nullptr ? PyUnicode_Join(empty, lines) : nullptr;
  out = Str(joined);
  Py_XDECREF(joined);
  Py_XDECREF(empty);
  Py_DECREF(lines);
  PyErr_Clear();
  return out;
}

}  // namespace

PythonFailure PythonFailure::Fetch() {
  PyObject* type = nullptr;
  PyObject* value = nullptr;
  PyObject* tb = nullptr;
  PyErr_Fetch(&type, &value, &tb);
  if (type == nullptr) return Of("SystemError", "a Python call failed without setting an exception");
  PyErr_NormalizeException(&type, &value, &tb);
  PythonFailure f;
  f.type = reinterpret_cast<PyTypeObject*>(type)->tp_name;
  f.message = Str(value);
  f.traceback = Format(type, value, tb);
  Py_XDECREF(type);
  Py_XDECREF(value);
  Py_XDECREF(tb);
  return f;
}

PythonFailure PythonFailure::Of(std::string type, std::string message) {
  PythonFailure f;
  f.type = std::move(type);
  f.message = std::move(message);
  return f;
}

}  // namespace l2l_python
