// Reading the typed arrays JS hands over to a kernel: one checked accessor per element type, each
// throwing a Napi::TypeError that names the field when the value is not the array it should be.
// Header-only, shared by the kernels' addons.
#pragma once

#include <napi.h>

#include <cstdint>
#include <string>
#include <vector>

namespace l2l {

inline Napi::TypedArray TypedField(const Napi::Object& o, const char* key, const std::string& where, napi_typedarray_type type, const char* name) {
  Napi::Value v = o.Get(key);
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != type) {
    throw Napi::TypeError::New(o.Env(), where + "." + key + ": expected a " + name);
  }
  return v.As<Napi::TypedArray>();
}

inline Napi::Float64Array Float64Field(const Napi::Object& o, const char* key, const std::string& where) {
  return TypedField(o, key, where, napi_float64_array, "Float64Array").As<Napi::Float64Array>();
}

inline Napi::Float32Array Float32Field(const Napi::Object& o, const char* key, const std::string& where) {
  return TypedField(o, key, where, napi_float32_array, "Float32Array").As<Napi::Float32Array>();
}

inline Napi::Int32Array Int32Field(const Napi::Object& o, const char* key, const std::string& where) {
  return TypedField(o, key, where, napi_int32_array, "Int32Array").As<Napi::Int32Array>();
}

inline Napi::Uint8Array Uint8Field(const Napi::Object& o, const char* key, const std::string& where) {
  return TypedField(o, key, where, napi_uint8_array, "Uint8Array").As<Napi::Uint8Array>();
}

inline Napi::Uint32Array Uint32Field(const Napi::Object& o, const char* key, const std::string& where) {
  return TypedField(o, key, where, napi_uint32_array, "Uint32Array").As<Napi::Uint32Array>();
}

inline double NumberField(const Napi::Object& o, const char* key, const std::string& where) {
  Napi::Value v = o.Get(key);
  if (!v.IsNumber()) throw Napi::TypeError::New(o.Env(), where + "." + key + ": expected a number");
  return v.As<Napi::Number>().DoubleValue();
}

inline std::string StringField(const Napi::Object& o, const char* key, const std::string& where) {
  Napi::Value v = o.Get(key);
  if (!v.IsString()) throw Napi::TypeError::New(o.Env(), where + "." + key + ": expected a string");
  return v.As<Napi::String>().Utf8Value();
}

template <typename T, typename A>
std::vector<T> Copy(const A& a) {
  return std::vector<T>(a.Data(), a.Data() + a.ElementLength());
}

}  // namespace l2l
