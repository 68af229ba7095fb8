// Reading the typed arrays JS hands over: one checked accessor per element type, each throwing a
// Napi::TypeError that names the field when the value is not the array it should be.
#pragma once

#include <napi.h>

#include <cstdint>
#include <string>
#include <vector>

namespace l2l_snn {

Napi::Float64Array Float64Field(const Napi::Object& o, const char* key, const std::string& where);
Napi::Int32Array Int32Field(const Napi::Object& o, const char* key, const std::string& where);
Napi::Uint8Array Uint8Field(const Napi::Object& o, const char* key, const std::string& where);
Napi::Uint32Array Uint32Field(const Napi::Object& o, const char* key, const std::string& where);
double NumberField(const Napi::Object& o, const char* key, const std::string& where);

template <typename T, typename A>
std::vector<T> Copy(const A& a) {
  return std::vector<T>(a.Data(), a.Data() + a.ElementLength());
}

}  // namespace l2l_snn
