// l2l_ants: NetLogo's Ants model (Wilensky, 1997), many independent colonies per call, on threads, off
// the JS thread (native/common/long_call.h). The model's rules and the order of a tick are in
// colony.h; the per-ant decision is a brain (brain.h; NetLogo's rules in netlogo_brain.h); a call's
// colonies are run by simulation.h; src/native/ants.ts is the typed facade.
#include <napi.h>

#include "colonies.h"
#include "run_call.h"

namespace l2l_ants {

namespace {

Napi::FunctionReference error_class;

// init(KernelError): the JS error class a failed run rejects with.
Napi::Value Init(const Napi::CallbackInfo& info) {
  if (info.Length() < 1 || !info[0].IsFunction()) throw Napi::TypeError::New(info.Env(), "init(errorClass): expected a class");
  error_class = Napi::Persistent(info[0].As<Napi::Function>());
  return info.Env().Undefined();
}

// run(options, control?) -> Promise<AntsRunResult>
Napi::Value Run(const Napi::CallbackInfo& info) {
  if (error_class.IsEmpty()) throw Napi::Error::New(info.Env(), "run: call init(errorClass) first");
  auto* call = new RunCall(info, error_class.Value());
  return call->Start();
}

}  // namespace

Napi::Object Register(Napi::Env env, Napi::Object exports) {
  exports.Set("init", Napi::Function::New(env, Init, "init"));
  exports.Set("run", Napi::Function::New(env, Run, "run"));
  exports.Set("Colonies", Colonies::Define(env));
  auto brains = Napi::Array::New(env, 2);
  brains.Set(0u, Napi::String::New(env, "netlogo"));
  brains.Set(1u, Napi::String::New(env, "snn"));
  exports.Set("brains", brains);
  return exports;
}

}  // namespace l2l_ants

namespace {
Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return l2l_ants::Register(env, exports); }
}  // namespace

NODE_API_MODULE(l2l_ants, InitModule)
