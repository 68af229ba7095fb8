#include "run_call.h"

#include <stdexcept>

#include "../common/typed_fields.h"

namespace l2l_snn {

using l2l::Copy;
using l2l::Float64Field;
using l2l::Int32Field;
using l2l::NumberField;
using l2l::Uint32Field;
using l2l::Uint8Field;

RunCall::RunCall(const Napi::CallbackInfo& info, std::shared_ptr<const NetworkSpec> spec, Napi::Function error_class)
    : l2l::LongCall(info.Env(), info[1], error_class), spec_(std::move(spec)) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsObject()) throw Napi::TypeError::New(env, "run(options, control?): expected an options object");
  const auto o = info[0].As<Napi::Object>();
  const std::string where = "run options";
  const int32_t n = spec_->n();
  run_.instances = static_cast<int32_t>(NumberField(o, "instances", where));
  if (o.Has("trials") && !o.Get("trials").IsUndefined()) run_.trials = static_cast<int32_t>(NumberField(o, "trials", where));
  run_.steps = static_cast<int64_t>(NumberField(o, "steps", where));
  run_.threads = static_cast<int32_t>(NumberField(o, "threads", where));
  if (run_.instances < 1 || run_.trials < 1 || run_.steps < 0 || run_.threads < 1) throw Napi::RangeError::New(env, "run: instances >= 1, trials >= 1, steps >= 0, threads >= 1");
  if (static_cast<int64_t>(run_.instances) * run_.trials > (int64_t{1} << 30)) throw Napi::RangeError::New(env, "run: instances * trials must stay below 2^30");
  auto seeds = Uint32Field(o, "seeds", where);
  if (static_cast<int64_t>(seeds.ElementLength()) != run_.instances) throw Napi::RangeError::New(env, "run: seeds needs one value per instance");
  run_.seeds.assign(seeds.Data(), seeds.Data() + seeds.ElementLength());
  run_.v0 = PerInstanceField(o, "v0", n, where);
  run_.weights = PerInstanceField(o, "weights", spec_->synapses(), where);
  run_.i_e = PerInstanceField(o, "i_e", n, where);
  if (o.Has("poisson") && !o.Get("poisson").IsUndefined()) {
    const auto p = o.Get("poisson").As<Napi::Object>();
    const std::string pw = where + ".poisson";
    run_.poisson.target = Copy<int32_t>(Int32Field(p, "target", pw));
    run_.poisson.receptor = Copy<uint8_t>(Uint8Field(p, "receptor", pw));
    run_.poisson.weight = Copy<double>(Float64Field(p, "weight", pw));
    const size_t k = run_.poisson.target.size();
    if (run_.poisson.receptor.size() != k || run_.poisson.weight.size() != k) throw Napi::RangeError::New(env, "run: poisson target, receptor and weight need one value per source");
    for (int32_t t : run_.poisson.target) if (t < 0 || t >= n) throw Napi::RangeError::New(env, "run: a poisson target outside the network");
    run_.poisson.rate_hz = PerInstanceField(p, "rate_hz", static_cast<int64_t>(k), pw);
    if (!run_.poisson.rate_hz.data) throw Napi::TypeError::New(env, "run: poisson.rate_hz: expected a Float64Array");
    if (p.Has("trial_rate_hz") && !p.Get("trial_rate_hz").IsUndefined()) {
      auto tr = Float64Field(p, "trial_rate_hz", pw);
      if (static_cast<int64_t>(tr.ElementLength()) != static_cast<int64_t>(k) * run_.trials) {
        throw Napi::RangeError::New(env, "run: poisson.trial_rate_hz: expected trials * sources (" + std::to_string(static_cast<int64_t>(k) * run_.trials) + ") values");
      }
      run_.poisson.trial_rate_hz = tr.Data();
      Keep(tr);
    }
  }
  if (o.Has("spikes") && !o.Get("spikes").IsUndefined()) {
    const auto s = o.Get("spikes").As<Napi::Object>();
    const std::string sw = where + ".spikes";
    run_.spikes.instance = Copy<int32_t>(Int32Field(s, "instance", sw));
    run_.spikes.step = Copy<int32_t>(Int32Field(s, "step", sw));
    run_.spikes.target = Copy<int32_t>(Int32Field(s, "target", sw));
    run_.spikes.receptor = Copy<uint8_t>(Uint8Field(s, "receptor", sw));
    run_.spikes.weight = Copy<double>(Float64Field(s, "weight", sw));
    const size_t k = run_.spikes.step.size();
    if (run_.spikes.instance.size() != k || run_.spikes.target.size() != k || run_.spikes.receptor.size() != k || run_.spikes.weight.size() != k) {
      throw Napi::RangeError::New(env, "run: spikes needs instance, step, target, receptor and weight for every spike");
    }
    for (size_t e = 0; e < k; e++) {
      if (run_.spikes.target[e] < 0 || run_.spikes.target[e] >= n) throw Napi::RangeError::New(env, "run: a spike input's target outside the network");
      if (run_.spikes.instance[e] < -1 || run_.spikes.instance[e] >= run_.instances) throw Napi::RangeError::New(env, "run: a spike input's instance outside the run");
    }
  }
  if (o.Has("currents") && !o.Get("currents").IsUndefined()) {
    const auto c = o.Get("currents").As<Napi::Object>();
    const std::string cw = where + ".currents";
    run_.currents.instance = Copy<int32_t>(Int32Field(c, "instance", cw));
    run_.currents.target = Copy<int32_t>(Int32Field(c, "target", cw));
    run_.currents.start = Copy<int32_t>(Int32Field(c, "start", cw));
    run_.currents.stop = Copy<int32_t>(Int32Field(c, "stop", cw));
    run_.currents.amplitude = Copy<double>(Float64Field(c, "amplitude", cw));
    const size_t k = run_.currents.target.size();
    if (run_.currents.instance.size() != k || run_.currents.start.size() != k || run_.currents.stop.size() != k || run_.currents.amplitude.size() != k) {
      throw Napi::RangeError::New(env, "run: currents needs instance, target, start, stop and amplitude for every current");
    }
    for (size_t e = 0; e < k; e++) if (run_.currents.target[e] < 0 || run_.currents.target[e] >= n) throw Napi::RangeError::New(env, "run: a current's target outside the network");
  }
  if (o.Has("min_split_neurons") && !o.Get("min_split_neurons").IsUndefined()) {
    run_.min_split_neurons = static_cast<int32_t>(NumberField(o, "min_split_neurons", where));
    if (run_.min_split_neurons < 1) throw Napi::RangeError::New(env, "run: min_split_neurons must be at least 1");
  }
  if (o.Has("record") && !o.Get("record").IsUndefined()) {
    const auto r = o.Get("record").As<Napi::Object>();
    const std::string rw = where + ".record";
    if (r.Has("spikes")) run_.record_spikes = r.Get("spikes").ToBoolean().Value();
    if (r.Has("v") && !r.Get("v").IsUndefined()) run_.record_v = Copy<int32_t>(Int32Field(r, "v", rw));
    if (r.Has("every") && !r.Get("every").IsUndefined()) run_.record_every = static_cast<int32_t>(NumberField(r, "every", rw));
    for (int32_t i : run_.record_v) if (i < 0 || i >= n) throw Napi::RangeError::New(env, "run: a recorded neuron outside the network");
    if (run_.record_every < 1) throw Napi::RangeError::New(env, "run: record.every must be at least 1");
  }
}

PerInstance RunCall::PerInstanceField(const Napi::Object& o, const char* key, int64_t length, const std::string& where) {
  PerInstance p;
  if (!o.Has(key) || o.Get(key).IsUndefined() || o.Get(key).IsNull()) return p;
  auto a = Float64Field(o, key, where);
  const int64_t len = static_cast<int64_t>(a.ElementLength());
  if (len == length) p.stride = 0;
  else if (len == length * run_.instances) p.stride = length;
  else throw Napi::RangeError::New(o.Env(), where + "." + key + ": expected " + std::to_string(length) + " values, or that many per instance");
  p.data = a.Data();
  Keep(a);
  return p;
}

void RunCall::Compute(l2l::CallControl& control) {
  Simulation sim(*spec_, run_);
  sim.Run(control, out_);
}

Napi::Value RunCall::Result(Napi::Env env) {
  auto result = Napi::Object::New(env);
  auto spikes = Napi::Array::New(env, out_.spike_steps.size());
  for (size_t k = 0; k < out_.spike_steps.size(); k++) {
    auto one = Napi::Object::New(env);
    auto steps = Napi::Int32Array::New(env, out_.spike_steps[k].size());
    auto neurons = Napi::Int32Array::New(env, out_.spike_neurons[k].size());
    std::copy(out_.spike_steps[k].begin(), out_.spike_steps[k].end(), steps.Data());
    std::copy(out_.spike_neurons[k].begin(), out_.spike_neurons[k].end(), neurons.Data());
    one.Set("steps", steps);
    one.Set("neurons", neurons);
    spikes.Set(static_cast<uint32_t>(k), one);
  }
  result.Set("spikes", spikes);
  auto counts = Napi::Int32Array::New(env, out_.counts.size());
  std::copy(out_.counts.begin(), out_.counts.end(), counts.Data());
  result.Set("counts", counts);
  auto v = Napi::Float64Array::New(env, out_.v.size());
  std::copy(out_.v.begin(), out_.v.end(), v.Data());
  result.Set("v", v);
  result.Set("samples", Napi::Number::New(env, static_cast<double>(out_.samples)));
  auto finished = Napi::Uint8Array::New(env, out_.finished.size());
  std::copy(out_.finished.begin(), out_.finished.end(), finished.Data());
  result.Set("finished", finished);
  return result;
}

}  // namespace l2l_snn
