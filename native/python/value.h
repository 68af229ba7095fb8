#pragma once

// Python.h first: it may change system headers' feature macros.
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <napi.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace l2l_python {

// A value crossing between JS and Python, held in plain C++ while it waits for the other side's thread:
// JS values are read on the JS thread, Python objects on the Python thread, never both at once.
// Typed arrays cross without copying: they become writable memoryviews over the JS memory, valid for
// the duration of one call (the interpreter releases them afterwards); bytes are copied.
class Value {
 public:
  enum class Kind { kNone, kBool, kInt, kFloat, kString, kBytes, kView, kList, kDict };

  Value() = default;

  // JS thread. Typed arrays are appended to `keep` so their memory outlives the call.
  static Value FromJs(const Napi::Value& v, std::vector<Napi::ObjectReference>& keep, int depth = 0);
  // Python thread, GIL held. Throws std::runtime_error for a type that has no JS counterpart.
  static Value FromPython(PyObject* o, int depth = 0);

  // Python thread, GIL held: a new reference, or nullptr with a Python exception set. Every memoryview
  // made over JS memory is appended to `views` so the caller can release it after the call.
  PyObject* ToPython(std::vector<PyObject*>& views) const;
  // JS thread.
  Napi::Value ToJs(Napi::Env env) const;

 private:
  Kind kind_ = Kind::kNone;
  bool bool_ = false;
  int64_t int_ = 0;
  double float_ = 0;
  std::string text_;  // kString (UTF-8) and kBytes
  // kView: a typed array's memory, its element format (struct module code) and size
  void* data_ = nullptr;
  Py_ssize_t items_ = 0;
  Py_ssize_t itemsize_ = 0;
  const char* format_ = nullptr;
  std::vector<Value> list_;
  std::vector<std::pair<std::string, Value>> dict_;
};

}  // namespace l2l_python
