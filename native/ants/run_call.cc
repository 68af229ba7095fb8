#include "run_call.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "../common/typed_fields.h"
#include "simulation.h"
#include "world.h"

namespace l2l_ants {

namespace {

const char* const kWhere = "options";

bool Given(const Napi::Object& o, const char* key) { return o.Has(key) && !o.Get(key).IsUndefined() && !o.Get(key).IsNull(); }

// An integer option in [lo, hi]: TypeError when not a number, RangeError when out of range or fractional.
int64_t IntegerField(const Napi::Object& o, const char* key, int64_t lo, int64_t hi, const std::string& where = kWhere) {
  const double v = l2l::NumberField(o, key, where);
  if (!std::isfinite(v) || v != std::floor(v) || v < static_cast<double>(lo) || v > static_cast<double>(hi)) {
    throw Napi::RangeError::New(o.Env(), where + "." + key + ": expected an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
  }
  return static_cast<int64_t>(v);
}

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

std::vector<double> RunCall::RateField(const Napi::Object& o, const char* key, double fallback) {
  const std::string name = std::string(kWhere) + "." + key;
  std::vector<double> rates(static_cast<size_t>(run_.instances), fallback);
  if (!Given(o, key)) return rates;
  const Napi::Value v = o.Get(key);
  if (v.IsNumber()) {
    rates.assign(rates.size(), v.As<Napi::Number>().DoubleValue());
  } else if (v.IsTypedArray() && v.As<Napi::TypedArray>().TypedArrayType() == napi_float64_array) {
    auto a = v.As<Napi::Float64Array>();
    if (static_cast<int64_t>(a.ElementLength()) != run_.instances) throw Napi::RangeError::New(o.Env(), name + ": expected one value per colony (" + std::to_string(run_.instances) + ")");
    rates.assign(a.Data(), a.Data() + a.ElementLength());
  } else {
    throw Napi::TypeError::New(o.Env(), name + ": expected a number or a Float64Array (one per colony)");
  }
  for (double r : rates) {
    if (!(r >= 0 && r <= 100)) throw Napi::RangeError::New(o.Env(), name + ": expected a percentage in [0, 100]");
  }
  return rates;
}

void RunCall::ReadSnn(const Napi::Object& o) {
  Napi::Env env = o.Env();
  const std::string where = std::string(kWhere) + ".snn";
  constexpr int32_t G = SnnBrain::kGenes;
  auto weights = l2l::Float64Field(o, "weights", where.c_str());
  auto delays = l2l::Int32Field(o, "delays", where.c_str());
  const int64_t len = static_cast<int64_t>(weights.ElementLength());
  const int64_t genomes = len / G;
  if (len == 0 || len % G != 0 || run_.instances % genomes != 0) {
    throw Napi::RangeError::New(env, where + ".weights: expected " + std::to_string(G) + " values per genome, and a number of genomes that divides the colonies (" + std::to_string(run_.instances) + ")");
  }
  if (static_cast<int64_t>(delays.ElementLength()) != len) throw Napi::RangeError::New(env, where + ".delays: expected one per weight (" + std::to_string(len) + ")");
  for (int64_t k = 0; k < len; k++) {
    if (!std::isfinite(weights.Data()[k])) throw Napi::RangeError::New(env, where + ".weights[" + std::to_string(k) + "]: expected a finite number");
    if (delays.Data()[k] < 1 || delays.Data()[k] > 7) throw Napi::RangeError::New(env, where + ".delays[" + std::to_string(k) + "]: expected an integer in [1, 7] (steps of 1 ms), got " + std::to_string(delays.Data()[k]));
  }
  SnnParams& p = run_.snn;
  auto number = [&](const char* key, double lo, double hi, double fallback) {
    if (!Given(o, key)) return fallback;
    const double v = l2l::NumberField(o, key, where.c_str());
    if (!(v >= lo && v <= hi)) throw Napi::RangeError::New(env, where + "." + key + ": expected a number in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
    return v;
  };
  p.input_current = number("input_current", 0, 1e6, p.input_current);
  p.weight_scale = number("weight_scale", 0, 1e6, p.weight_scale);
  p.turn = number("turn", 0, 180, p.turn);
  p.deposit = number("deposit", 0, 1e6, p.deposit);
  if (Given(o, "steps_per_tick")) p.steps_per_tick = static_cast<int32_t>(IntegerField(o, "steps_per_tick", 1, 10000, where));
  if (Given(o, "heartbeat_every")) p.heartbeat_every = static_cast<int32_t>(IntegerField(o, "heartbeat_every", 1, 10000, where));
  if (Given(o, "wiggle")) {
    if (!o.Get("wiggle").IsBoolean()) throw Napi::TypeError::New(env, where + ".wiggle: expected a boolean");
    p.wiggle = o.Get("wiggle").As<Napi::Boolean>().Value();
  }
  for (int64_t g = 0; g < genomes; g++) run_.networks.push_back(SnnBrain::Network(p, weights.Data() + g * G, delays.Data() + g * G));
}

RunCall::RunCall(const Napi::CallbackInfo& info, Napi::Function error_class) : l2l::LongCall(info.Env(), info[1], error_class) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsObject()) throw Napi::TypeError::New(env, "run(options, control?): expected an options object");
  const auto o = info[0].As<Napi::Object>();
  run_.instances = static_cast<int32_t>(IntegerField(o, "instances", 1, 1 << 24));
  run_.ticks = IntegerField(o, "ticks", 0, 2147483647);
  if (Given(o, "population")) run_.population = static_cast<int32_t>(IntegerField(o, "population", 0, 1 << 20));
  if (Given(o, "max_pxcor")) run_.max_pxcor = static_cast<int32_t>(IntegerField(o, "max_pxcor", 1, 500));
  if (Given(o, "threads")) run_.threads = static_cast<int32_t>(IntegerField(o, "threads", 1, 1024));
  if (Given(o, "brain")) {
    const std::string brain = l2l::StringField(o, "brain", kWhere);
    if (brain == "netlogo") run_.brain = BrainKind::kNetlogo;
    else if (brain == "snn") run_.brain = BrainKind::kSnn;
    else throw Napi::RangeError::New(env, std::string(kWhere) + ".brain: expected 'netlogo' or 'snn', got '" + brain + "'");
  }
  if (run_.brain == BrainKind::kSnn) {
    if (!Given(o, "snn") || !o.Get("snn").IsObject()) throw Napi::TypeError::New(env, std::string(kWhere) + ".snn: expected an object (the genomes) with brain 'snn'");
    ReadSnn(o.Get("snn").As<Napi::Object>());
  }
  auto seeds = l2l::Uint32Field(o, "seeds", kWhere);
  if (static_cast<int64_t>(seeds.ElementLength()) != run_.instances) throw Napi::RangeError::New(env, std::string(kWhere) + ".seeds: expected one seed per colony (" + std::to_string(run_.instances) + ")");
  run_.seeds.assign(seeds.Data(), seeds.Data() + seeds.ElementLength());
  run_.diffusion_rate = RateField(o, "diffusion_rate", 50);
  run_.evaporation_rate = RateField(o, "evaporation_rate", 10);
  const int64_t side = 2 * static_cast<int64_t>(run_.max_pxcor) + 1;
  const int64_t patches = side * side;
  if (Given(o, "initial_chemical")) {
    auto c = l2l::Float64Field(o, "initial_chemical", kWhere);
    const int64_t len = static_cast<int64_t>(c.ElementLength());
    if (len == patches) run_.initial_chemical_stride = 0;
    else if (len == patches * run_.instances) run_.initial_chemical_stride = patches;
    else throw Napi::RangeError::New(env, std::string(kWhere) + ".initial_chemical: expected " + std::to_string(patches) + " values (the patches), or that many per colony");
    for (int64_t k = 0; k < len; k++) {
      if (!(c.Data()[k] >= 0) || !std::isfinite(c.Data()[k])) throw Napi::RangeError::New(env, std::string(kWhere) + ".initial_chemical: expected finite values >= 0");
    }
    run_.initial_chemical = c.Data();
    Keep(c);
  }
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
