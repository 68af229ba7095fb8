// l2l_snn: a spiking network simulator (leaky integrate-and-fire neurons with exponential or alpha
// current synapses, integrated exactly on the time grid; static synapses with integer delays; Poisson,
// spike-list and step-current inputs; many independent instances per call, on threads), following the
// long-call pattern of native/common/long_call.h. The equations are in propagators.h, the step in
// simulation.h; src/native/snn.ts is the typed facade.
#include <napi.h>

#include "loop.h"
#include "network.h"

namespace l2l_snn {

namespace {

// init(KernelError): the JS error class a failed run rejects with.
Napi::Value Init(const Napi::CallbackInfo& info) {
  if (info.Length() < 1 || !info[0].IsFunction()) throw Napi::TypeError::New(info.Env(), "init(errorClass): expected a class");
  Network::error_class = Napi::Persistent(info[0].As<Napi::Function>());
  return info.Env().Undefined();
}

}  // namespace

Napi::Object Register(Napi::Env env, Napi::Object exports) {
  exports.Set("init", Napi::Function::New(env, Init, "init"));
  exports.Set("Network", Network::Define(env));
  Loop::Define(env);  // made by network.loop() only
  return exports;
}

}  // namespace l2l_snn

namespace {
Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return l2l_snn::Register(env, exports); }
}  // namespace

NODE_API_MODULE(l2l_snn, InitModule)
