#include "relax_call.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <stdexcept>
#include <string>
#include <thread>

namespace l2l_relax {

namespace {

double NumberField(const Napi::Object& o, const char* key) {
  auto v = o.Get(key);
  if (!v.IsNumber()) throw Napi::TypeError::New(o.Env(), std::string("relax: options.") + key + ": expected a number");
  return v.As<Napi::Number>().DoubleValue();
}

Napi::Float64Array Float64Field(Napi::Value v, const std::string& what) {
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float64_array) {
    throw Napi::TypeError::New(v.Env(), "relax: " + what + ": expected a Float64Array");
  }
  return v.As<Napi::Float64Array>();
}

// Busy work standing in for an expensive step (the tests make calls last with it).
void Spin(double micros) {
  if (micros <= 0) return;
  const auto until = std::chrono::steady_clock::now() + std::chrono::nanoseconds(static_cast<int64_t>(micros * 1000));
  while (std::chrono::steady_clock::now() < until) {
  }
}

}  // namespace

RelaxCall::RelaxCall(const Napi::CallbackInfo& info, Napi::Function error_class)
    : l2l::LongCall(info.Env(), info[2], error_class) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsObject()) throw Napi::TypeError::New(env, "relax(options, out, control?): expected an options object");
  auto o = info[0].As<Napi::Object>();
  auto x = Float64Field(o.Get("x"), "options.x");
  auto out = Float64Field(info[1], "out");
  n_ = static_cast<int64_t>(NumberField(o, "n"));
  dim_ = static_cast<int64_t>(NumberField(o, "dim"));
  steps_ = static_cast<int64_t>(NumberField(o, "steps"));
  dt_ = NumberField(o, "dt");
  tau_ = NumberField(o, "tau");
  spin_us_ = o.Has("spinMicros") ? NumberField(o, "spinMicros") : 0;
  threads_ = o.Has("threads") ? static_cast<int>(NumberField(o, "threads")) : 1;
  if (n_ < 0 || dim_ < 1 || steps_ < 0 || threads_ < 1) throw Napi::RangeError::New(env, "relax: n >= 0, dim >= 1, steps >= 0 and threads >= 1");
  if (static_cast<int64_t>(x.ElementLength()) != n_ * dim_) throw Napi::RangeError::New(env, "relax: options.x must hold n * dim values");
  if (static_cast<int64_t>(out.ElementLength()) != n_ * dim_) throw Napi::RangeError::New(env, "relax: out must hold n * dim values");
  x_ = x.Data();
  out_ = out.Data();
  Keep(x);
  Keep(out);
  finished_.assign(static_cast<size_t>(n_), 0);
}

void RelaxCall::Compute(l2l::CallControl& control) {
  if (!(tau_ > 0) || !(dt_ > 0)) throw std::runtime_error("relax: dt and tau must be positive");
  control.SetTotal(static_cast<double>(n_) * static_cast<double>(steps_));
  const int threads = static_cast<int>(std::min<int64_t>(threads_, std::max<int64_t>(n_, 1)));
  if (threads == 1) {
    RunInstances(control, 0, n_);
    return;
  }
  std::vector<std::thread> pool;
  const int64_t per = (n_ + threads - 1) / threads;
  for (int t = 0; t < threads; t++) {
    const int64_t first = t * per;
    const int64_t last = std::min(n_, first + per);
    if (first >= last) break;
    pool.emplace_back([this, &control, first, last] { RunInstances(control, first, last); });
  }
  for (auto& th : pool) th.join();
}

void RelaxCall::RunInstances(l2l::CallControl& control, int64_t first, int64_t last) {
  // The exact propagator of dv/dt = (x - v) / tau over one step dt.
  const double decay = std::exp(-dt_ / tau_);
  constexpr int64_t kReportEvery = 64;
  for (int64_t i = first; i < last; i++) {
    const double* x = x_ + i * dim_;
    double* v = out_ + i * dim_;
    std::fill(v, v + dim_, 0.0);
    int64_t unreported = 0;
    bool stopped = false;
    for (int64_t s = 0; s < steps_; s++) {
      if (control.Cancelled()) {
        stopped = true;
        break;
      }
      for (int64_t j = 0; j < dim_; j++) v[j] = x[j] + (v[j] - x[j]) * decay;
      Spin(spin_us_);
      if (++unreported == kReportEvery) {
        control.Add(static_cast<uint64_t>(unreported));
        unreported = 0;
      }
    }
    if (unreported > 0) control.Add(static_cast<uint64_t>(unreported));
    if (stopped) return;  // this instance and the rest of the block stay unfinished
    finished_[static_cast<size_t>(i)] = 1;
  }
}

Napi::Value RelaxCall::Result(Napi::Env env) {
  auto finished = Napi::Uint8Array::New(env, finished_.size());
  std::copy(finished_.begin(), finished_.end(), finished.Data());
  auto result = Napi::Object::New(env);
  result.Set("finished", finished);
  return result;
}

}  // namespace l2l_relax
