#include "run_options.h"

#include <cmath>
#include <string>

#include "../common/typed_fields.h"
#include "snn_brain.h"
#include "world.h"

namespace l2l_ants {

bool Given(const Napi::Object& o, const char* key) { return o.Has(key) && !o.Get(key).IsUndefined() && !o.Get(key).IsNull(); }

int64_t IntegerField(const Napi::Object& o, const char* key, int64_t lo, int64_t hi, const std::string& where) {
  const double v = l2l::NumberField(o, key, where);
  if (!std::isfinite(v) || v != std::floor(v) || v < static_cast<double>(lo) || v > static_cast<double>(hi)) {
    throw Napi::RangeError::New(o.Env(), where + "." + key + ": expected an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
  }
  return static_cast<int64_t>(v);
}

std::vector<double> RateField(const Napi::Object& o, const char* key, double fallback, int32_t instances) {
  const std::string name = std::string(kWhere) + "." + key;
  std::vector<double> rates(static_cast<size_t>(instances), fallback);
  if (!Given(o, key)) return rates;
  const Napi::Value v = o.Get(key);
  if (v.IsNumber()) {
    rates.assign(rates.size(), v.As<Napi::Number>().DoubleValue());
  } else if (v.IsTypedArray() && v.As<Napi::TypedArray>().TypedArrayType() == napi_float64_array) {
    auto a = v.As<Napi::Float64Array>();
    if (static_cast<int64_t>(a.ElementLength()) != instances) throw Napi::RangeError::New(o.Env(), name + ": expected one value per colony (" + std::to_string(instances) + ")");
    rates.assign(a.Data(), a.Data() + a.ElementLength());
  } else {
    throw Napi::TypeError::New(o.Env(), name + ": expected a number or a Float64Array (one per colony)");
  }
  for (double r : rates) {
    if (!(r >= 0 && r <= 100)) throw Napi::RangeError::New(o.Env(), name + ": expected a percentage in [0, 100]");
  }
  return rates;
}

void ReadSnnDrive(const Napi::Object& o, SnnParams& p) {
  Napi::Env env = o.Env();
  const std::string where = std::string(kWhere) + ".snn";
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
}

void ReadSnn(const Napi::Object& o, RunSpec& run) {
  Napi::Env env = o.Env();
  const std::string where = std::string(kWhere) + ".snn";
  constexpr int32_t G = SnnBrain::kGenes;
  auto weights = l2l::Float64Field(o, "weights", where.c_str());
  auto delays = l2l::Int32Field(o, "delays", where.c_str());
  const int64_t len = static_cast<int64_t>(weights.ElementLength());
  const int64_t genomes = len / G;
  if (len == 0 || len % G != 0 || run.instances % genomes != 0) {
    throw Napi::RangeError::New(env, where + ".weights: expected " + std::to_string(G) + " values per genome, and a number of genomes that divides the colonies (" + std::to_string(run.instances) + ")");
  }
  if (static_cast<int64_t>(delays.ElementLength()) != len) throw Napi::RangeError::New(env, where + ".delays: expected one per weight (" + std::to_string(len) + ")");
  for (int64_t k = 0; k < len; k++) {
    if (!std::isfinite(weights.Data()[k])) throw Napi::RangeError::New(env, where + ".weights[" + std::to_string(k) + "]: expected a finite number");
    if (delays.Data()[k] < 1 || delays.Data()[k] > 7) throw Napi::RangeError::New(env, where + ".delays[" + std::to_string(k) + "]: expected an integer in [1, 7] (steps of 1 ms), got " + std::to_string(delays.Data()[k]));
  }
  ReadSnnDrive(o, run.snn);
  for (int64_t g = 0; g < genomes; g++) run.networks.push_back(SnnBrain::Network(run.snn, weights.Data() + g * G, delays.Data() + g * G));
}

void ReadColonyOptions(const Napi::Object& o, RunSpec& run, const std::function<void(Napi::Value)>& keep, bool stepped) {
  Napi::Env env = o.Env();
  run.instances = static_cast<int32_t>(IntegerField(o, "instances", 1, 1 << 24));
  if (!stepped) run.ticks = IntegerField(o, "ticks", 0, 2147483647);
  if (Given(o, "population")) run.population = static_cast<int32_t>(IntegerField(o, "population", 0, 1 << 20));
  if (Given(o, "max_pxcor")) run.max_pxcor = static_cast<int32_t>(IntegerField(o, "max_pxcor", 1, 500));
  if (Given(o, "threads")) run.threads = static_cast<int32_t>(IntegerField(o, "threads", 1, 1024));
  if (stepped) {
    // the brains are the caller's; options.snn, if given, says how their motors move the ants
    run.brain = BrainKind::kExternal;
    if (Given(o, "snn")) {
      if (!o.Get("snn").IsObject()) throw Napi::TypeError::New(env, std::string(kWhere) + ".snn: expected an object");
      ReadSnnDrive(o.Get("snn").As<Napi::Object>(), run.snn);
    }
  } else if (Given(o, "brain")) {
    const std::string brain = l2l::StringField(o, "brain", kWhere);
    if (brain == "netlogo") run.brain = BrainKind::kNetlogo;
    else if (brain == "snn") run.brain = BrainKind::kSnn;
    else throw Napi::RangeError::New(env, std::string(kWhere) + ".brain: expected 'netlogo' or 'snn', got '" + brain + "'");
  }
  if (run.brain == BrainKind::kSnn) {
    if (!Given(o, "snn") || !o.Get("snn").IsObject()) throw Napi::TypeError::New(env, std::string(kWhere) + ".snn: expected an object (the genomes) with brain 'snn'");
    ReadSnn(o.Get("snn").As<Napi::Object>(), run);
  }
  auto seeds = l2l::Uint32Field(o, "seeds", kWhere);
  if (static_cast<int64_t>(seeds.ElementLength()) != run.instances) throw Napi::RangeError::New(env, std::string(kWhere) + ".seeds: expected one seed per colony (" + std::to_string(run.instances) + ")");
  run.seeds.assign(seeds.Data(), seeds.Data() + seeds.ElementLength());
  run.diffusion_rate = RateField(o, "diffusion_rate", 50, run.instances);
  run.evaporation_rate = RateField(o, "evaporation_rate", 10, run.instances);
  const int64_t side = 2 * static_cast<int64_t>(run.max_pxcor) + 1;
  const int64_t patches = side * side;
  if (Given(o, "initial_chemical")) {
    auto c = l2l::Float64Field(o, "initial_chemical", kWhere);
    const int64_t len = static_cast<int64_t>(c.ElementLength());
    if (len == patches) run.initial_chemical_stride = 0;
    else if (len == patches * run.instances) run.initial_chemical_stride = patches;
    else throw Napi::RangeError::New(env, std::string(kWhere) + ".initial_chemical: expected " + std::to_string(patches) + " values (the patches), or that many per colony");
    for (int64_t k = 0; k < len; k++) {
      if (!(c.Data()[k] >= 0) || !std::isfinite(c.Data()[k])) throw Napi::RangeError::New(env, std::string(kWhere) + ".initial_chemical: expected finite values >= 0");
    }
    run.initial_chemical = c.Data();
    keep(c);
  }
}

}  // namespace l2l_ants
