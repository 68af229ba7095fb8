#include "tvb_call.h"

#include <algorithm>
#include <stdexcept>

#include "../common/typed_fields.h"

namespace l2l_tvb {

using l2l::Copy;
using l2l::Float32Field;
using l2l::Float64Field;
using l2l::Int32Field;
using l2l::NumberField;
using l2l::StringField;

PerInstance TvbCall::PerInstanceField(const Napi::Object& o, const char* key, int64_t per, const std::string& where) {
  auto a = Float64Field(o, key, where);
  const int64_t len = static_cast<int64_t>(a.ElementLength());
  if (len != per && len != per * run_.instances) {
    throw Napi::RangeError::New(o.Env(), where + "." + key + ": expected " + std::to_string(per) + " values, or " + std::to_string(per) + " per instance (" + std::to_string(per * run_.instances) + "), got " + std::to_string(len));
  }
  Keep(a);
  return PerInstance{a.Data(), len == per && run_.instances > 1 ? 0 : per};
}

TvbCall::TvbCall(const Napi::CallbackInfo& info, Napi::Function error_class) : l2l::LongCall(info.Env(), info[1], error_class) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsObject()) throw Napi::TypeError::New(env, "simulate(options, control?): expected an options object");
  const auto o = info[0].As<Napi::Object>();
  const std::string where = "simulate options";
  run_.model = StringField(o, "model", where);
  const auto models = Models();
  const auto model = std::find_if(models.begin(), models.end(), [&](const ModelInfo& m) { return run_.model == m.name; });
  if (model == models.end()) throw Napi::RangeError::New(env, "simulate: unknown model '" + run_.model + "'");
  run_.nodes = static_cast<int32_t>(NumberField(o, "nodes", where));
  run_.instances = static_cast<int32_t>(NumberField(o, "instances", where));
  run_.steps = static_cast<int64_t>(NumberField(o, "steps", where));
  run_.threads = static_cast<int32_t>(NumberField(o, "threads", where));
  run_.dt = NumberField(o, "dt", where);
  if (run_.nodes < 1 || run_.instances < 1 || run_.steps < 0 || run_.threads < 1 || !(run_.dt > 0)) throw Napi::RangeError::New(env, "simulate: nodes, instances, threads >= 1, steps >= 0, dt > 0");
  const int32_t n = run_.nodes;
  if (!o.Get("connectome").IsObject()) throw Napi::TypeError::New(env, "simulate options.connectome: expected an object");
  const auto c = o.Get("connectome").As<Napi::Object>();
  const std::string cw = where + ".connectome";
  run_.row_start = Copy<int32_t>(Int32Field(c, "row_start", cw));
  run_.source = Copy<int32_t>(Int32Field(c, "source", cw));
  run_.weight = Copy<float>(Float32Field(c, "weight", cw));
  run_.length = Copy<double>(Float64Field(c, "length", cw));
  run_.max_length = NumberField(c, "max_length", cw);
  const size_t e = run_.source.size();
  if (run_.row_start.size() != static_cast<size_t>(n) + 1 || run_.row_start[0] != 0 || static_cast<size_t>(run_.row_start[n]) != e || run_.weight.size() != e || run_.length.size() != e) {
    throw Napi::RangeError::New(env, "simulate: connectome.row_start needs nodes + 1 offsets from 0 to the number of edges, and source, weight and length one value per edge");
  }
  for (int32_t i = 0; i < n; i++) {
    if (run_.row_start[i + 1] < run_.row_start[i]) throw Napi::RangeError::New(env, "simulate: connectome.row_start must not decrease");
    for (int32_t k = run_.row_start[i]; k < run_.row_start[i + 1]; k++) {
      if (run_.source[k] < 0 || run_.source[k] >= n || (k > run_.row_start[i] && run_.source[k] <= run_.source[k - 1])) throw Napi::RangeError::New(env, "simulate: connectome sources must be nodes, ascending within a row");
      if (!(run_.length[k] >= 0) || run_.length[k] > run_.max_length) throw Napi::RangeError::New(env, "simulate: tract lengths must be >= 0 and at most max_length");
    }
  }
  const std::string coupling = StringField(o, "coupling", where);
  if (coupling == "linear") run_.coupling = Coupling::kLinear;
  else if (coupling == "kuramoto") run_.coupling = Coupling::kKuramoto;
  else if (coupling == "sigmoidal") run_.coupling = Coupling::kSigmoidal;
  else throw Napi::RangeError::New(env, "simulate: coupling must be linear, kuramoto or sigmoidal, got " + coupling);
  run_.speed = PerInstanceField(o, "speed", 1, where);
  run_.coupling_params = PerInstanceField(o, "coupling_params", CouplingParamCount(run_.coupling), where);
  if (o.Has("engine") && !o.Get("engine").IsUndefined()) {
    const std::string engine = StringField(o, "engine", where);
    if (engine == "cpu") run_.engine = Engine::kCpu;
    else if (engine == "cuda") run_.engine = Engine::kCuda;
    else if (engine == "cuda-code-on-cpu") run_.engine = Engine::kCudaCodeOnCpu;
    else throw Napi::RangeError::New(env, "simulate: engine must be cpu, cuda or cuda-code-on-cpu, got " + engine);
  }
  if (o.Has("lanes") && !o.Get("lanes").IsUndefined()) {
    run_.lanes = static_cast<int32_t>(NumberField(o, "lanes", where));
    if (run_.lanes != 0 && run_.lanes != 1 && run_.lanes != 8 && run_.lanes != 32) throw Napi::RangeError::New(env, "simulate: lanes must be 0 (by the instance count), 1, 8 or 32, got " + std::to_string(run_.lanes));
  }
  if (run_.engine == Engine::kCuda) {
    const GpuStatus gpu = CudaStatus();
    if (gpu.devices == 0) throw Napi::RangeError::New(env, "simulate: engine cuda: " + gpu.reason);
  }
  run_.params = PerInstanceField(o, "params", model->params, where);
  run_.x0 = PerInstanceField(o, "x0", static_cast<int64_t>(model->state) * n, where);
  if (o.Has("noise") && !o.Get("noise").IsUndefined()) {
    if (!o.Get("noise").IsObject()) throw Napi::TypeError::New(env, "simulate options.noise: expected {nsig, seeds}");
    const auto z = o.Get("noise").As<Napi::Object>();
    run_.nsig = PerInstanceField(z, "nsig", model->state, where + ".noise");
    auto seeds = l2l::Uint32Field(z, "seeds", where + ".noise");
    if (static_cast<int64_t>(seeds.ElementLength()) != run_.instances) throw Napi::RangeError::New(env, "simulate: noise.seeds needs one value per instance");
    run_.seeds.assign(seeds.Data(), seeds.Data() + seeds.ElementLength());
    for (int32_t p = 0; p < run_.instances; p++) {
      for (int s = 0; s < model->state; s++) if (!(run_.nsig.At(p)[s] >= 0)) throw Napi::RangeError::New(env, "simulate: noise.nsig must be >= 0");
    }
  }
  if (!o.Get("record").IsObject()) throw Napi::TypeError::New(env, "simulate options.record: expected {every, state}");
  const auto r = o.Get("record").As<Napi::Object>();
  run_.record_every = static_cast<int32_t>(NumberField(r, "every", where + ".record"));
  run_.record_state = Copy<int32_t>(Int32Field(r, "state", where + ".record"));
  if (run_.record_every < 1) throw Napi::RangeError::New(env, "simulate: record.every must be at least 1");
  if (o.Has("fc") && !o.Get("fc").IsUndefined()) {
    if (!o.Get("fc").IsObject()) throw Napi::TypeError::New(env, "simulate options.fc: expected {from, flat}");
    const auto f = o.Get("fc").As<Napi::Object>();
    run_.fc_from = static_cast<int64_t>(NumberField(f, "from", where + ".fc"));
    run_.fc_flat = NumberField(f, "flat", where + ".fc");
    if (run_.fc_from < 0 || run_.record_state.empty()) throw Napi::RangeError::New(env, "simulate: fc.from must be at least 0, and record.state name the variable");
    if (run_.steps / run_.record_every - run_.fc_from < 3) throw Napi::RangeError::New(env, "simulate: fc needs at least 3 samples from fc.from");
  }
  for (int32_t s : run_.record_state) if (s < 0 || s >= model->state) throw Napi::RangeError::New(env, "simulate: record.state names a state variable the model does not have");
}

void TvbCall::Compute(l2l::CallControl& control) { Simulate(run_, control, out_); }

namespace {

// A Float64Array over the vector's own memory (moved, not copied: a call's samples can be gigabytes),
// freed when the array is collected.
Napi::Float64Array Adopt(Napi::Env env, std::vector<double>&& v) {
  if (v.empty()) return Napi::Float64Array::New(env, 0);
  auto* owned = new std::vector<double>(std::move(v));
  auto buffer = Napi::ArrayBuffer::New(env, owned->data(), owned->size() * sizeof(double), [](Napi::Env, void*, std::vector<double>* hint) { delete hint; }, owned);
  return Napi::Float64Array::New(env, owned->size(), buffer, 0);
}

}  // namespace

Napi::Value TvbCall::Result(Napi::Env env) {
  auto result = Napi::Object::New(env);
  auto finished = Napi::Uint8Array::New(env, out_.finished.size());
  std::copy(out_.finished.begin(), out_.finished.end(), finished.Data());
  result.Set("observed", Adopt(env, std::move(out_.observed)));
  result.Set("samples", Napi::Number::New(env, static_cast<double>(out_.samples)));
  result.Set("finished", finished);
  if (run_.fc_from >= 0) {
    auto flat = Napi::Uint8Array::New(env, out_.flat.size());
    std::copy(out_.flat.begin(), out_.flat.end(), flat.Data());
    result.Set("fc", Adopt(env, std::move(out_.fc)));
    result.Set("flat", flat);
  }
  return result;
}

}  // namespace l2l_tvb
