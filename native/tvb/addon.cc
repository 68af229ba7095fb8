// l2l_tvb: networks of neural-mass models on a connectome, many parameter sets per call (simulation.h),
// the models generated at build time from native/tvb/models/*.yaml (tools/tvb-codegen.ts), following
// the long-call pattern of native/common/long_call.h. src/native/tvb.ts is the typed facade.
#include <napi.h>

#include "tvb_call.h"

namespace l2l_tvb {

namespace {

Napi::FunctionReference error_class;

// init(KernelError): the JS error class a failed run rejects with.
Napi::Value Init(const Napi::CallbackInfo& info) {
  if (info.Length() < 1 || !info[0].IsFunction()) throw Napi::TypeError::New(info.Env(), "init(errorClass): expected a class");
  error_class = Napi::Persistent(info[0].As<Napi::Function>());
  return info.Env().Undefined();
}

// models() -> [{name, state, cvar, params}]: what this build was generated with
Napi::Value ModelsJs(const Napi::CallbackInfo& info) {
  const auto models = Models();
  auto out = Napi::Array::New(info.Env(), models.size());
  for (size_t k = 0; k < models.size(); k++) {
    auto m = Napi::Object::New(info.Env());
    m.Set("name", models[k].name);
    m.Set("state", models[k].state);
    m.Set("cvar", models[k].cvar);
    m.Set("params", models[k].params);
    out.Set(static_cast<uint32_t>(k), m);
  }
  return out;
}

// gpu() -> {built, devices, device, reason}: whether the CUDA engine can run here, and why not
Napi::Value GpuJs(const Napi::CallbackInfo& info) {
  const GpuStatus status = CudaStatus();
  auto o = Napi::Object::New(info.Env());
  o.Set("built", status.built);
  o.Set("devices", status.devices);
  o.Set("device", status.device);
  o.Set("reason", status.reason);
  return o;
}

// simulate(options, control?) -> Promise<{observed: Float64Array, samples, finished: Uint8Array}>
Napi::Value SimulateJs(const Napi::CallbackInfo& info) {
  if (error_class.IsEmpty()) throw Napi::Error::New(info.Env(), "simulate: call init(errorClass) first");
  auto* call = new TvbCall(info, error_class.Value());
  return call->Start();
}

}  // namespace

Napi::Object Register(Napi::Env env, Napi::Object exports) {
  exports.Set("init", Napi::Function::New(env, Init, "init"));
  exports.Set("models", Napi::Function::New(env, ModelsJs, "models"));
  exports.Set("gpu", Napi::Function::New(env, GpuJs, "gpu"));
  exports.Set("simulate", Napi::Function::New(env, SimulateJs, "simulate"));
  return exports;
}

}  // namespace l2l_tvb

namespace {
Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return l2l_tvb::Register(env, exports); }
}  // namespace

NODE_API_MODULE(l2l_tvb, InitModule)
