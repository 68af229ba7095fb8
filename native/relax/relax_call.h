// One call of the relaxation kernel (see addon.cc for the equations): n independent instances of dim
// variables each, integrated for `steps` steps on `threads` threads, off the JS thread (LongCall).
#pragma once

#include <napi.h>

#include <cstdint>
#include <vector>

#include "../common/long_call.h"

namespace l2l_relax {

class RelaxCall : public l2l::LongCall {
 public:
  // relax(options, out, control): checks every argument here, on the JS thread.
  RelaxCall(const Napi::CallbackInfo& info, Napi::Function error_class);

 protected:
  void Compute(l2l::CallControl& control) override;
  Napi::Value Result(Napi::Env env) override;

 private:
  // Integrates instances [first, last) to the end, or until a cancel; marks the finished ones.
  void RunInstances(l2l::CallControl& control, int64_t first, int64_t last);

  const double* x_ = nullptr;
  double* out_ = nullptr;
  int64_t n_ = 0;
  int64_t dim_ = 0;
  int64_t steps_ = 0;
  double dt_ = 0;
  double tau_ = 0;
  double spin_us_ = 0;
  int threads_ = 1;
  std::vector<uint8_t> finished_;
};

}  // namespace l2l_relax
