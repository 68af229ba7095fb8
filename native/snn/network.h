// The JS class Network: a network's static part (NetworkSpec) built once from typed arrays, and
// run(options, control?) -> Promise, which simulates instances of it off the JS thread (RunCall), and
// loop(), one instance of it stepped in closed loop on the JS thread (loop.h).
#pragma once

#include <napi.h>

#include <memory>

#include "network_spec.h"

namespace l2l_snn {

class Network : public Napi::ObjectWrap<Network> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit Network(const Napi::CallbackInfo& info);

  // The error class failed runs reject with (KernelError), set once by init().
  static Napi::FunctionReference error_class;

 private:
  Napi::Value Run(const Napi::CallbackInfo& info);
  Napi::Value MakeLoop(const Napi::CallbackInfo& info);
  Napi::Value Neurons(const Napi::CallbackInfo& info);
  Napi::Value Synapses(const Napi::CallbackInfo& info);
  Napi::Value MaxDelay(const Napi::CallbackInfo& info);

  std::shared_ptr<const NetworkSpec> spec_;
};

}  // namespace l2l_snn
