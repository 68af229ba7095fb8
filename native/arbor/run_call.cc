#include "run_call.h"

#include <algorithm>

namespace l2l_arbor {

RunCall::RunCall(const Napi::CallbackInfo& info, Napi::Function error_class) : l2l::LongCall(info.Env(), info[2], error_class) {
  if (info.Length() < 2) throw Napi::TypeError::New(info.Env(), "run(spec, options, control?): expected a cell and options");
  spec_ = ReadCellSpec(info[0]);
  options_ = ReadRunOptions(info[1], spec_);
}

void RunCall::Compute(l2l::CallControl& control) { SimulateCells(spec_, options_, control, out_); }

Napi::Value RunCall::Result(Napi::Env env) {
  auto traces = Napi::Float64Array::New(env, out_.traces.size());
  std::copy(out_.traces.begin(), out_.traces.end(), traces.Data());
  auto finished = Napi::Uint8Array::New(env, out_.finished.size());
  std::copy(out_.finished.begin(), out_.finished.end(), finished.Data());
  auto result = Napi::Object::New(env);
  result.Set("traces", traces);
  result.Set("finished", finished);
  return result;
}

}  // namespace l2l_arbor
