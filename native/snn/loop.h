// The JS class Loop: a network stepped in closed loop on the JS thread (stepper.h), made by
// network.loop(). Each step is microseconds of work for a small network, so the calls are synchronous:
// a JS agent sets currents or emits spikes, steps, reads which neurons fired, and decides the next
// inputs from them.
#pragma once

#include <napi.h>

#include <memory>
#include <vector>

#include "network_spec.h"
#include "stepper.h"

namespace l2l_snn {

class Loop : public Napi::ObjectWrap<Loop> {
 public:
  static Napi::Function Define(Napi::Env env);
  // A new Loop of `spec` (the constructor Define made).
  static Napi::Object New(Napi::Env env, std::shared_ptr<const NetworkSpec> spec);
  explicit Loop(const Napi::CallbackInfo& info);

 private:
  Napi::Value SetCurrent(const Napi::CallbackInfo& info);
  Napi::Value Emit(const Napi::CallbackInfo& info);
  Napi::Value Step(const Napi::CallbackInfo& info);
  Napi::Value Reset(const Napi::CallbackInfo& info);
  Napi::Value V(const Napi::CallbackInfo& info);
  Napi::Value Steps(const Napi::CallbackInfo& info);
  int32_t Neuron(const Napi::CallbackInfo& info, const char* where) const;

  static Napi::FunctionReference constructor_;
  std::shared_ptr<const NetworkSpec> spec_;
  std::unique_ptr<Stepper> stepper_;
  std::vector<int32_t> spiking_;
};

}  // namespace l2l_snn
