// l2l_relax: the smallest simulator kernel, and the template the simulators' addons follow
// (native/common/long_call.h): a long call off the JS thread that returns a Promise, reports its
// progress, and stops between steps when asked.
//
// The model: n independent instances, each relaxing dim variables v towards the instance's
// parameters x with time constant tau,
//     dv/dt = (x - v) / tau,   v(0) = 0,
// integrated exactly on the time grid (the propagator exp(-dt/tau), as NEST integrates its linear
// neuron models): v_{k+1} = x + (v_k - x) * exp(-dt / tau). After T = steps * dt the analytic solution
// is v(T) = x * (1 - exp(-T / tau)); the grid values equal it up to rounding (test/native/relax.test.ts).
#include <napi.h>

#include "relax_call.h"

namespace l2l_relax {

namespace {

Napi::FunctionReference error_class;

// init(KernelError): the JS error class a failed kernel rejects with.
Napi::Value Init(const Napi::CallbackInfo& info) {
  if (info.Length() < 1 || !info[0].IsFunction()) throw Napi::TypeError::New(info.Env(), "init(errorClass): expected a class");
  error_class = Napi::Persistent(info[0].As<Napi::Function>());
  return info.Env().Undefined();
}

// relax(options, out, control?) -> Promise<{finished: Uint8Array}>
Napi::Value Relax(const Napi::CallbackInfo& info) {
  if (error_class.IsEmpty()) throw Napi::Error::New(info.Env(), "relax: call init(errorClass) first");
  auto* call = new RelaxCall(info, error_class.Value());
  return call->Start();
}

}  // namespace

Napi::Object Register(Napi::Env env, Napi::Object exports) {
  exports.Set("init", Napi::Function::New(env, Init, "init"));
  exports.Set("relax", Napi::Function::New(env, Relax, "relax"));
  return exports;
}

}  // namespace l2l_relax

namespace {
Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return l2l_relax::Register(env, exports); }
}  // namespace

NODE_API_MODULE(l2l_relax, InitModule)
