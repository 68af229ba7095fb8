#include "arrays.h"

namespace l2l_snn {

namespace {

Napi::TypedArray Typed(const Napi::Object& o, const char* key, const std::string& where, napi_typedarray_type type, const char* name) {
  Napi::Value v = o.Get(key);
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != type) {
    throw Napi::TypeError::New(o.Env(), where + "." + key + ": expected a " + name);
  }
  return v.As<Napi::TypedArray>();
}

}  // namespace

Napi::Float64Array Float64Field(const Napi::Object& o, const char* key, const std::string& where) {
  return Typed(o, key, where, napi_float64_array, "Float64Array").As<Napi::Float64Array>();
}

Napi::Int32Array Int32Field(const Napi::Object& o, const char* key, const std::string& where) {
  return Typed(o, key, where, napi_int32_array, "Int32Array").As<Napi::Int32Array>();
}

Napi::Uint8Array Uint8Field(const Napi::Object& o, const char* key, const std::string& where) {
  return Typed(o, key, where, napi_uint8_array, "Uint8Array").As<Napi::Uint8Array>();
}

Napi::Uint32Array Uint32Field(const Napi::Object& o, const char* key, const std::string& where) {
  return Typed(o, key, where, napi_uint32_array, "Uint32Array").As<Napi::Uint32Array>();
}

double NumberField(const Napi::Object& o, const char* key, const std::string& where) {
  Napi::Value v = o.Get(key);
  if (!v.IsNumber()) throw Napi::TypeError::New(o.Env(), where + "." + key + ": expected a number");
  return v.As<Napi::Number>().DoubleValue();
}

}  // namespace l2l_snn
