#include "run_call.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "../common/typed_fields.h"
#include "run_options.h"
#include "simulation.h"
#include "world.h"

namespace l2l_ants {

namespace {

// The largest typed array a record may ask for (elements): 2^31 - 1, Int32 indices on the JS side.
constexpr double kMaxElements = 2147483647.0;

void CheckSize(Napi::Env env, const char* what, double elements) {
  if (elements > kMaxElements) throw Napi::RangeError::New(env, std::string(kWhere) + ".record." + what + ": the record would hold more than 2^31 - 1 values; run fewer colonies, ticks or ants per call");
}

template <typename A, typename T>
T* Make(Napi::Env env, Napi::Object into, const char* key, size_t length) {
  auto a = A::New(env, length);
  into.Set(key, a);
  return a.Data();
}

}  // namespace

RunCall::RunCall(const Napi::CallbackInfo& info, Napi::Function error_class) : l2l::LongCall(info.Env(), info[1], error_class) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsObject()) throw Napi::TypeError::New(env, "run(options, control?): expected an options object");
  const auto o = info[0].As<Napi::Object>();
  ReadColonyOptions(o, run_, [this](Napi::Value v) { Keep(v); });
  const int64_t side = 2 * static_cast<int64_t>(run_.max_pxcor) + 1;
  const int64_t patches = side * side;
  bool rec_returned = false, rec_food = false, rec_ants = false, rec_final = false;
  if (Given(o, "record")) {
    if (!o.Get("record").IsObject()) throw Napi::TypeError::New(env, std::string(kWhere) + ".record: expected an object");
    const auto r = o.Get("record").As<Napi::Object>();
    auto flag = [&](const char* key) {
      if (!Given(r, key)) return false;
      if (!r.Get(key).IsBoolean()) throw Napi::TypeError::New(env, std::string(kWhere) + ".record." + key + ": expected a boolean");
      return r.Get(key).As<Napi::Boolean>().Value();
    };
    rec_returned = flag("returned");
    rec_food = flag("food");
    rec_ants = flag("ants");
    rec_final = flag("final");
  }
  const double I = run_.instances, T = static_cast<double>(run_.ticks), P = run_.population;
  if (rec_returned) CheckSize(env, "returned", I * T);
  if (rec_food) CheckSize(env, "food", I * T * 3);
  if (rec_ants) CheckSize(env, "ants", I * T * P);
  if (rec_final) CheckSize(env, "final", I * static_cast<double>(patches));

  // the result's arrays, written in place by the worker threads
  auto result = Napi::Object::New(env);
  const size_t n = static_cast<size_t>(run_.instances);
  out_.finished = Make<Napi::Uint8Array, uint8_t>(env, result, "finished", n);
  out_.ticks_done = Make<Napi::Int32Array, int32_t>(env, result, "ticks_done", n);
  out_.returned = Make<Napi::Int32Array, int32_t>(env, result, "returned", n);
  out_.picked = Make<Napi::Int32Array, int32_t>(env, result, "picked", n);
  out_.food_initial = Make<Napi::Int32Array, int32_t>(env, result, "food_initial", 3 * n);
  out_.food_left = Make<Napi::Int32Array, int32_t>(env, result, "food_left", 3 * n);
  const size_t traced = n * static_cast<size_t>(run_.ticks);
  if (rec_returned) out_.returned_trace = Make<Napi::Int32Array, int32_t>(env, result, "returned_trace", traced);
  if (rec_food) out_.food_trace = Make<Napi::Int32Array, int32_t>(env, result, "food_trace", 3 * traced);
  if (rec_ants) {
    auto ants = Napi::Object::New(env);
    const size_t len = traced * static_cast<size_t>(run_.population);
    out_.ants_x = Make<Napi::Float64Array, double>(env, ants, "x", len);
    out_.ants_y = Make<Napi::Float64Array, double>(env, ants, "y", len);
    out_.ants_carrying = Make<Napi::Uint8Array, uint8_t>(env, ants, "carrying", len);
    result.Set("ants", ants);
  }
  if (rec_final) {
    auto fin = Napi::Object::New(env);
    const size_t cells = n * static_cast<size_t>(patches);
    const size_t ants = n * static_cast<size_t>(run_.population);
    out_.final_chemical = Make<Napi::Float64Array, double>(env, fin, "chemical", cells);
    out_.final_food = Make<Napi::Int32Array, int32_t>(env, fin, "food", cells);
    out_.final_x = Make<Napi::Float64Array, double>(env, fin, "x", ants);
    out_.final_y = Make<Napi::Float64Array, double>(env, fin, "y", ants);
    out_.final_heading = Make<Napi::Float64Array, double>(env, fin, "heading", ants);
    out_.final_carrying = Make<Napi::Uint8Array, uint8_t>(env, fin, "carrying", ants);
    // what every colony of the call shares: the world's layout
    const World world(run_.max_pxcor);
    auto nest = Napi::Uint8Array::New(env, static_cast<size_t>(patches));
    auto source = Napi::Uint8Array::New(env, static_cast<size_t>(patches));
    auto scent = Napi::Float64Array::New(env, static_cast<size_t>(patches));
    std::copy(world.nest(), world.nest() + patches, nest.Data());
    std::copy(world.source(), world.source() + patches, source.Data());
    std::copy(world.nest_scent(), world.nest_scent() + patches, scent.Data());
    fin.Set("nest", nest);
    fin.Set("source", source);
    fin.Set("nest_scent", scent);
    result.Set("final", fin);
  }
  result.Set("side", Napi::Number::New(env, static_cast<double>(side)));
  result_ = Napi::Persistent(result);
}

void RunCall::Compute(l2l::CallControl& control) {
  Simulation sim(run_, out_);
  sim.Run(control);
}

Napi::Value RunCall::Result(Napi::Env) { return result_.Value(); }

}  // namespace l2l_ants
