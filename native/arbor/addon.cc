// l2l_arbor: single neuron cells simulated through Arbor's C++ API, many copies of one cell per call
// (each an individual's parameter values under one stimulus protocol), off the JS thread, following
// the long-call pattern of native/common/long_call.h. src/native/arbor.ts is the typed facade; the
// NEURON back end (python/l2l_cell.py) takes the very same arrays. What is simulated, and how it maps
// onto NEURON's discretization, is in cell_simulation.cc.
//
// The addon is always built; it has Arbor only where CMake found it (native/arbor/CMakeLists.txt):
// status() says which, and run() rejects in one line where it has none (arbor_absent.cc).
#include <napi.h>

#include "arbor_backend.h"

namespace l2l_arbor {

namespace {

Napi::FunctionReference error_class;

// init(KernelError): the JS error class a failed run rejects with.
Napi::Value Init(const Napi::CallbackInfo& info) {
  if (info.Length() < 1 || !info[0].IsFunction()) throw Napi::TypeError::New(info.Env(), "init(errorClass): expected a class");
  error_class = Napi::Persistent(info[0].As<Napi::Function>());
  return info.Env().Undefined();
}

// status() -> {built, version?, reason?}
Napi::Value StatusJs(const Napi::CallbackInfo& info) {
  const BackendStatus status = Status();
  auto o = Napi::Object::New(info.Env());
  o.Set("built", status.built);
  if (status.built) o.Set("version", status.version);
  else o.Set("reason", status.reason);
  return o;
}

// mechanisms() -> {name: [parameter names]}: the default catalogue's density mechanisms
Napi::Value MechanismsJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto o = Napi::Object::New(env);
  for (const auto& [name, params] : DensityMechanisms()) {
    auto list = Napi::Array::New(env, params.size());
    for (size_t k = 0; k < params.size(); k++) list.Set(static_cast<uint32_t>(k), params[k]);
    o.Set(name, list);
  }
  return o;
}

// run(spec, options, control?) -> Promise<{traces: Float64Array, finished: Uint8Array}>
Napi::Value RunJs(const Napi::CallbackInfo& info) {
  if (error_class.IsEmpty()) throw Napi::Error::New(info.Env(), "run: call init(errorClass) first");
  return Run(info, error_class.Value());
}

}  // namespace

Napi::Object Register(Napi::Env env, Napi::Object exports) {
  exports.Set("init", Napi::Function::New(env, Init, "init"));
  exports.Set("status", Napi::Function::New(env, StatusJs, "status"));
  exports.Set("mechanisms", Napi::Function::New(env, MechanismsJs, "mechanisms"));
  exports.Set("run", Napi::Function::New(env, RunJs, "run"));
  return exports;
}

}  // namespace l2l_arbor

namespace {
Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return l2l_arbor::Register(env, exports); }
}  // namespace

NODE_API_MODULE(l2l_arbor, InitModule)
