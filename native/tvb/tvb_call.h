// simulate(options, control?) -> Promise<{observed, samples, finished}>: the options checked and copied
// on the JS thread, the run (simulation.h) on a worker thread (native/common/long_call.h).
#pragma once

#include <napi.h>

#include "../common/long_call.h"
#include "simulation.h"

namespace l2l_tvb {

class TvbCall : public l2l::LongCall {
 public:
  TvbCall(const Napi::CallbackInfo& info, Napi::Function error_class);

 protected:
  void Compute(l2l::CallControl& control) override;
  Napi::Value Result(Napi::Env env) override;

 private:
  // A Float64Array option of `per` values for all instances or `per` x instances, kept alive for the call.
  PerInstance PerInstanceField(const Napi::Object& o, const char* key, int64_t per, const std::string& where);

  RunSpec run_;
  RunOutput out_;
};

}  // namespace l2l_tvb
