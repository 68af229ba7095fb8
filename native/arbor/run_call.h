// run(spec, options, control?) -> Promise<{traces, finished}>: the cell and the options read and
// checked on the JS thread (cell_spec.h), the simulation (cell_simulation.h) on a worker thread
// (native/common/long_call.h).
#pragma once

#include <napi.h>

#include "../common/long_call.h"
#include "cell_simulation.h"
#include "cell_spec.h"

namespace l2l_arbor {

class RunCall : public l2l::LongCall {
 public:
  RunCall(const Napi::CallbackInfo& info, Napi::Function error_class);

 protected:
  void Compute(l2l::CallControl& control) override;
  Napi::Value Result(Napi::Env env) override;

 private:
  CellSpec spec_;
  CellRunOptions options_;
  CellRunOutput out_;
};

}  // namespace l2l_arbor
