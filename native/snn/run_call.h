// One run of a Network off the JS thread (l2l::LongCall): the options are read and checked on the JS
// thread, the Simulation runs on a worker thread, and the result (spikes, counts, sampled potentials)
// is built back on the JS thread.
#pragma once

#include <napi.h>

#include <memory>

#include "../common/long_call.h"
#include "network_spec.h"
#include "simulation.h"

namespace l2l_snn {

class RunCall : public l2l::LongCall {
 public:
  RunCall(const Napi::CallbackInfo& info, std::shared_ptr<const NetworkSpec> spec, Napi::Function error_class);

 protected:
  void Compute(l2l::CallControl& control) override;
  Napi::Value Result(Napi::Env env) override;

 private:
  // A per-run array of `length` values, for all instances or one set per instance (its typed array is kept).
  PerInstance PerInstanceField(const Napi::Object& o, const char* key, int64_t length, const std::string& where);

  std::shared_ptr<const NetworkSpec> spec_;
  RunSpec run_;
  RunOutput out_;
};

}  // namespace l2l_snn
