// One call of the ants kernel off the JS thread (l2l::LongCall): run(options, control?). The options
// are read and checked here on the JS thread (TypeError for a wrong type, RangeError for a wrong
// value, each naming its field), the result's typed arrays are made here too and written in place by
// the Simulation on worker threads, and Result() hands them to JS.
#pragma once

#include <napi.h>

#include <string>
#include <vector>

#include "../common/long_call.h"
#include "run_spec.h"

namespace l2l_ants {

class RunCall : public l2l::LongCall {
 public:
  RunCall(const Napi::CallbackInfo& info, Napi::Function error_class);

 protected:
  void Compute(l2l::CallControl& control) override;
  Napi::Value Result(Napi::Env env) override;

 private:

  RunSpec run_;
  RunOutput out_;
  Napi::ObjectReference result_;
};

}  // namespace l2l_ants
