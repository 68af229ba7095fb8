// l2l_linalg: dense kernels for the optimizers' linear algebra (kernels.h), called synchronously: the
// largest (an ensemble Kalman update of 1,300 members and 1,260 parameters) take tens of milliseconds,
// less than handing them to a thread would save. src/native/linalg.ts is the typed facade and
// src/math/dense.ts the layer the optimizers use.
#include <napi.h>

#include <cstdint>
#include <string>

#include "kernels.h"

namespace l2l_linalg {

namespace {

// A Float64Array argument of exactly `length` elements.
Napi::Float64Array Array(const Napi::CallbackInfo& info, size_t index, int64_t length, const char* fn, const char* name) {
  if (info.Length() <= index || !info[index].IsTypedArray() || info[index].As<Napi::TypedArray>().TypedArrayType() != napi_float64_array) {
    throw Napi::TypeError::New(info.Env(), std::string(fn) + ": " + name + " must be a Float64Array");
  }
  auto a = info[index].As<Napi::Float64Array>();
  if (static_cast<int64_t>(a.ElementLength()) != length) {
    throw Napi::RangeError::New(info.Env(), std::string(fn) + ": " + name + " has " + std::to_string(a.ElementLength()) + " elements, expected " + std::to_string(length));
  }
  return a;
}

// A non-negative integer argument.
int64_t Size(const Napi::CallbackInfo& info, size_t index, const char* fn, const char* name) {
  if (info.Length() <= index || !info[index].IsNumber()) throw Napi::TypeError::New(info.Env(), std::string(fn) + ": " + name + " must be a number");
  const double x = info[index].As<Napi::Number>().DoubleValue();
  if (!(x >= 0 && x <= 9007199254740991.0) || x != static_cast<double>(static_cast<int64_t>(x))) {
    throw Napi::RangeError::New(info.Env(), std::string(fn) + ": " + name + " must be a non-negative integer");
  }
  return static_cast<int64_t>(x);
}

// mul(a, b, m, k, p) -> Float64Array (m x p) = A (m x k) B (k x p)
Napi::Value MulJs(const Napi::CallbackInfo& info) {
  const int64_t m = Size(info, 2, "mul", "m"), k = Size(info, 3, "mul", "k"), p = Size(info, 4, "mul", "p");
  auto a = Array(info, 0, m * k, "mul", "a");
  auto b = Array(info, 1, k * p, "mul", "b");
  auto c = Napi::Float64Array::New(info.Env(), static_cast<size_t>(m * p));
  Mul(a.Data(), b.Data(), c.Data(), m, k, p);
  return c;
}

// transposeMul(a, b, r, m, p) -> Float64Array (m x p) = A^T B for A (r x m), B (r x p)
Napi::Value TransposeMulJs(const Napi::CallbackInfo& info) {
  const int64_t r = Size(info, 2, "transposeMul", "r"), m = Size(info, 3, "transposeMul", "m"), p = Size(info, 4, "transposeMul", "p");
  auto a = Array(info, 0, r * m, "transposeMul", "a");
  auto b = Array(info, 1, r * p, "transposeMul", "b");
  auto c = Napi::Float64Array::New(info.Env(), static_cast<size_t>(m * p));
  TransposeMul(a.Data(), b.Data(), c.Data(), r, m, p);
  return c;
}

// choleskySolve(l, b, dim, count): b (dim x count) <- (L L^T)^-1 b, in place
Napi::Value CholeskySolveJs(const Napi::CallbackInfo& info) {
  const int64_t dim = Size(info, 2, "choleskySolve", "dim"), count = Size(info, 3, "choleskySolve", "count");
  auto l = Array(info, 0, dim * dim, "choleskySolve", "l");
  auto b = Array(info, 1, dim * count, "choleskySolve", "b");
  CholeskySolve(l.Data(), b.Data(), dim, count);
  return info.Env().Undefined();
}

}  // namespace

Napi::Object Register(Napi::Env env, Napi::Object exports) {
  exports.Set("mul", Napi::Function::New(env, MulJs, "mul"));
  exports.Set("transposeMul", Napi::Function::New(env, TransposeMulJs, "transposeMul"));
  exports.Set("choleskySolve", Napi::Function::New(env, CholeskySolveJs, "choleskySolve"));
  return exports;
}

}  // namespace l2l_linalg

namespace {
Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return l2l_linalg::Register(env, exports); }
}  // namespace

NODE_API_MODULE(l2l_linalg, InitModule)
