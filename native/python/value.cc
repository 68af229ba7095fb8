#include "value.h"

#include <cmath>
#include <cstring>
#include <stdexcept>

namespace l2l_python {

namespace {

// Deeper nesting is a cycle or a mistake; either way, not a message for a simulation.
constexpr int kMaxDepth = 64;

const char* FormatOf(napi_typedarray_type t, Py_ssize_t* itemsize) {
  switch (t) {
    case napi_int8_array: *itemsize = 1; return "b";
    case napi_uint8_array:
    case napi_uint8_clamped_array: *itemsize = 1; return "B";
    case napi_int16_array: *itemsize = 2; return "h";
    case napi_uint16_array: *itemsize = 2; return "H";
    case napi_int32_array: *itemsize = 4; return "i";
    case napi_uint32_array: *itemsize = 4; return "I";
    case napi_float32_array: *itemsize = 4; return "f";
    case napi_float64_array: *itemsize = 8; return "d";
    case napi_bigint64_array: *itemsize = 8; return "q";
    case napi_biguint64_array: *itemsize = 8; return "Q";
  }
  return nullptr;
}

std::string Utf8(PyObject* s) {
  Py_ssize_t n = 0;
  const char* p = PyUnicode_AsUTF8AndSize(s, &n);
  if (p == nullptr) {
    PyErr_Clear();
    throw std::runtime_error("a str that is not valid UTF-8");
  }
  return std::string(p, static_cast<size_t>(n));
}

}  // namespace

Value Value::FromJs(const Napi::Value& v, std::vector<Napi::ObjectReference>& keep, int depth) {
  if (depth > kMaxDepth) throw Napi::TypeError::New(v.Env(), "argument nested too deeply (a cycle?)");
  Value out;
  if (v.IsNull() || v.IsUndefined()) return out;
  if (v.IsBoolean()) {
    out.kind_ = Kind::kBool;
    out.bool_ = v.As<Napi::Boolean>().Value();
    return out;
  }
  if (v.IsNumber()) {
    double d = v.As<Napi::Number>().DoubleValue();
    // Integers stay integers (Python int), so indices and counts need no int() on the Python side.
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) <= 9007199254740992.0) {
      out.kind_ = Kind::kInt;
      out.int_ = static_cast<int64_t>(d);
    } else {
      out.kind_ = Kind::kFloat;
      out.float_ = d;
    }
    return out;
  }
  if (v.IsString()) {
    out.kind_ = Kind::kString;
    out.text_ = v.As<Napi::String>().Utf8Value();
    return out;
  }
  if (v.IsTypedArray()) {
    auto ta = v.As<Napi::TypedArray>();
    out.kind_ = Kind::kView;
    out.format_ = FormatOf(ta.TypedArrayType(), &out.itemsize_);
    out.items_ = static_cast<Py_ssize_t>(ta.ElementLength());
    out.data_ = static_cast<uint8_t*>(ta.ArrayBuffer().Data()) + ta.ByteOffset();
    keep.push_back(Napi::Persistent(ta.As<Napi::Object>()));
    return out;
  }
  if (v.IsArray()) {
    auto a = v.As<Napi::Array>();
    out.kind_ = Kind::kList;
    out.list_.reserve(a.Length());
    for (uint32_t i = 0; i < a.Length(); i++) out.list_.push_back(FromJs(a.Get(i), keep, depth + 1));
    return out;
  }
  if (v.IsObject() && !v.IsFunction()) {
    auto o = v.As<Napi::Object>();
    auto names = o.GetPropertyNames();
    out.kind_ = Kind::kDict;
    for (uint32_t i = 0; i < names.Length(); i++) {
      Napi::Value key = names.Get(i);
      out.dict_.emplace_back(key.ToString().Utf8Value(), FromJs(o.Get(key), keep, depth + 1));
    }
    return out;
  }
  throw Napi::TypeError::New(v.Env(), "cannot pass a function, symbol or bigint to Python");
}

Value Value::FromPython(PyObject* o, int depth) {
  if (depth > kMaxDepth) throw std::runtime_error("a result nested too deeply (a cycle?)");
  Value out;
  if (o == Py_None) return out;
  if (PyBool_Check(o)) {
    out.kind_ = Kind::kBool;
    out.bool_ = o == Py_True;
    return out;
  }
  if (PyLong_Check(o)) {
    int overflow = 0;
    long long i = PyLong_AsLongLongAndOverflow(o, &overflow);
    if (overflow != 0 || i > 9007199254740992LL || i < -9007199254740992LL) {
      out.kind_ = Kind::kFloat;  // beyond a double's exact integers: JS sees the nearest number
      out.float_ = PyLong_AsDouble(o);
      if (PyErr_Occurred()) {
        PyErr_Clear();
        out.float_ = overflow < 0 ? -HUGE_VAL : HUGE_VAL;
      }
    } else {
      out.kind_ = Kind::kInt;
      out.int_ = i;
    }
    return out;
  }
  if (PyFloat_Check(o)) {
    out.kind_ = Kind::kFloat;
    out.float_ = PyFloat_AS_DOUBLE(o);
    return out;
  }
  if (PyUnicode_Check(o)) {
    out.kind_ = Kind::kString;
    out.text_ = Utf8(o);
    return out;
  }
  if (PyBytes_Check(o) || PyByteArray_Check(o)) {
    out.kind_ = Kind::kBytes;
    if (PyBytes_Check(o)) out.text_.assign(PyBytes_AS_STRING(o), static_cast<size_t>(PyBytes_GET_SIZE(o)));
    else out.text_.assign(PyByteArray_AS_STRING(o), static_cast<size_t>(PyByteArray_GET_SIZE(o)));
    return out;
  }
  if (PyList_Check(o) || PyTuple_Check(o)) {
    out.kind_ = Kind::kList;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(o);
    PyObject** items = PySequence_Fast_ITEMS(o);
    out.list_.reserve(static_cast<size_t>(n));
    for (Py_ssize_t i = 0; i < n; i++) out.list_.push_back(FromPython(items[i], depth + 1));
    return out;
  }
  if (PyDict_Check(o)) {
    out.kind_ = Kind::kDict;
    PyObject* key = nullptr;
    PyObject* val = nullptr;
    Py_ssize_t pos = 0;
    while (PyDict_Next(o, &pos, &key, &val)) {
      if (!PyUnicode_Check(key)) throw std::runtime_error("a dict with a key that is not a str");
      out.dict_.emplace_back(Utf8(key), FromPython(val, depth + 1));
    }
    return out;
  }
  throw std::runtime_error(std::string("a result of type '") + Py_TYPE(o)->tp_name +
                           "' (expected None, bool, int, float, str, bytes, list, tuple or dict)");
}

PyObject* Value::ToPython(std::vector<PyObject*>& views) const {
  switch (kind_) {
    case Kind::kNone: Py_RETURN_NONE;
    case Kind::kBool: return PyBool_FromLong(bool_ ? 1 : 0);
    case Kind::kInt: return PyLong_FromLongLong(int_);
    case Kind::kFloat: return PyFloat_FromDouble(float_);
    case Kind::kString: return PyUnicode_FromStringAndSize(text_.data(), static_cast<Py_ssize_t>(text_.size()));
    case Kind::kBytes: return PyBytes_FromStringAndSize(text_.data(), static_cast<Py_ssize_t>(text_.size()));
    case Kind::kView: {
      // A one-dimensional, writable buffer over the JS memory; memoryview copies shape and strides.
      Py_ssize_t shape = items_;
      Py_ssize_t stride = itemsize_;
      Py_buffer b{};
      b.buf = data_;
      b.len = items_ * itemsize_;
      b.itemsize = itemsize_;
      b.readonly = 0;
      b.ndim = 1;
      b.format = const_cast<char*>(format_);
      b.shape = &shape;
      b.strides = &stride;
      PyObject* mv = PyMemoryView_FromBuffer(&b);
      if (mv != nullptr) {
        Py_INCREF(mv);
        views.push_back(mv);
      }
      return mv;
    }
    case Kind::kList: {
      PyObject* l = PyList_New(static_cast<Py_ssize_t>(list_.size()));
      if (l == nullptr) return nullptr;
      for (size_t i = 0; i < list_.size(); i++) {
        PyObject* item = list_[i].ToPython(views);
        if (item == nullptr) {
          Py_DECREF(l);
          return nullptr;
        }
        PyList_SET_ITEM(l, static_cast<Py_ssize_t>(i), item);  // steals the reference
      }
      return l;
    }
    case Kind::kDict: {
      PyObject* d = PyDict_New();
      if (d == nullptr) return nullptr;
      for (const auto& [key, val] : dict_) {
        PyObject* item = val.ToPython(views);
        if (item == nullptr || PyDict_SetItemString(d, key.c_str(), item) != 0) {
          Py_XDECREF(item);
          Py_DECREF(d);
          return nullptr;
        }
        Py_DECREF(item);
      }
      return d;
    }
  }
  Py_RETURN_NONE;
}

Napi::Value Value::ToJs(Napi::Env env) const {
  switch (kind_) {
    case Kind::kNone: return env.Null();
    case Kind::kBool: return Napi::Boolean::New(env, bool_);
    case Kind::kInt: return Napi::Number::New(env, static_cast<double>(int_));
    case Kind::kFloat: return Napi::Number::New(env, float_);
    case Kind::kString: return Napi::String::New(env, text_);
    case Kind::kBytes: {
      // A fresh ArrayBuffer of its own: offset 0, so a Float64Array view of it is always aligned.
      auto ab = Napi::ArrayBuffer::New(env, text_.size());
      if (!text_.empty()) std::memcpy(ab.Data(), text_.data(), text_.size());
      return Napi::Uint8Array::New(env, text_.size(), ab, 0);
    }
    case Kind::kView: return env.Null();  // never produced from Python
    case Kind::kList: {
      auto a = Napi::Array::New(env, list_.size());
      for (size_t i = 0; i < list_.size(); i++) a.Set(static_cast<uint32_t>(i), list_[i].ToJs(env));
      return a;
    }
    case Kind::kDict: {
      auto o = Napi::Object::New(env);
      for (const auto& [key, val] : dict_) o.Set(key, val.ToJs(env));
      return o;
    }
  }
  return env.Null();
}

}  // namespace l2l_python
