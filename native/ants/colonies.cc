#include "colonies.h"

#include <algorithm>
#include <string>

#include "run_options.h"

namespace l2l_ants {

Napi::Function Colonies::Define(Napi::Env env) {
  return DefineClass(env, "Colonies", {
    InstanceMethod<&Colonies::Sense>("sense"),
    InstanceMethod<&Colonies::Act>("act"),
    InstanceMethod<&Colonies::State>("state"),
    InstanceAccessor<&Colonies::Ticks>("ticks"),
  });
}

Colonies::Colonies(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Colonies>(info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsObject()) throw Napi::TypeError::New(env, "new Colonies(options): expected an options object");
  // initial_chemical is copied by Setup below: nothing to keep
  ReadColonyOptions(info[0].As<Napi::Object>(), run_, [](Napi::Value) {}, /*stepped=*/true);
  for (int32_t i = 0; i < run_.instances; i++) {
    ColonyParams p;
    p.population = run_.population;
    p.diffusion_rate = run_.diffusion_rate[i];
    p.evaporation_rate = run_.evaporation_rate[i];
    p.seed = run_.seeds[i];
    p.brain = BrainKind::kExternal;
    p.snn = run_.snn;
    p.initial_chemical = run_.initial_chemical ? run_.initial_chemical + run_.initial_chemical_stride * i : nullptr;
    colonies_.push_back(std::make_unique<Colony>(run_.max_pxcor));
    colonies_.back()->Setup(p);
  }
}

Napi::Value Colonies::Sense(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (sensed_) throw Napi::Error::New(env, "sense(): the tick's sensors were read already; act(counts) ends the tick first");
  const size_t P = static_cast<size_t>(run_.population);
  auto out = Napi::Uint32Array::New(env, colonies_.size() * P);
  for (size_t i = 0; i < colonies_.size(); i++) colonies_[i]->Sense(out.Data() + i * P);
  sensed_ = true;
  return out;
}

Napi::Value Colonies::Act(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!sensed_) throw Napi::Error::New(env, "act(counts): sense() first (a tick is sense, the brains, act)");
  const size_t P = static_cast<size_t>(run_.population), M = SnnBrain::kMotors;
  if (info.Length() < 1 || !info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_int32_array) {
    throw Napi::TypeError::New(env, "act(counts): expected an Int32Array of motor spike counts");
  }
  auto counts = info[0].As<Napi::Int32Array>();
  if (counts.ElementLength() != colonies_.size() * P * M) {
    throw Napi::RangeError::New(env, "act(counts): expected " + std::to_string(colonies_.size() * P * M) + " counts (colonies x ants x " + std::to_string(M) + " motors)");
  }
  for (size_t i = 0; i < colonies_.size(); i++) colonies_[i]->Act(counts.Data() + i * P * M);
  sensed_ = false;
  return env.Undefined();
}

// state(): the colonies as they stand: counters per colony, the ants (x, y, heading, carrying), the chemical.
Napi::Value Colonies::State(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const size_t n = colonies_.size(), P = static_cast<size_t>(run_.population);
  const size_t patches = static_cast<size_t>(colonies_[0]->world().patches());
  auto returned = Napi::Int32Array::New(env, n), picked = Napi::Int32Array::New(env, n);
  auto food_left = Napi::Int32Array::New(env, 3 * n);
  auto x = Napi::Float64Array::New(env, n * P), y = Napi::Float64Array::New(env, n * P), heading = Napi::Float64Array::New(env, n * P);
  auto carrying = Napi::Uint8Array::New(env, n * P);
  auto chemical = Napi::Float64Array::New(env, n * patches);
  for (size_t i = 0; i < n; i++) {
    const Colony& c = *colonies_[i];
    returned[i] = c.returned();
    picked[i] = c.picked();
    for (int32_t s = 1; s <= 3; s++) food_left[3 * i + s - 1] = c.food_left(s);
    std::copy(c.x(), c.x() + P, x.Data() + i * P);
    std::copy(c.y(), c.y() + P, y.Data() + i * P);
    std::copy(c.heading(), c.heading() + P, heading.Data() + i * P);
    std::copy(c.carrying(), c.carrying() + P, carrying.Data() + i * P);
    std::copy(c.world().chemical(), c.world().chemical() + patches, chemical.Data() + i * patches);
  }
  auto o = Napi::Object::New(env);
  o.Set("returned", returned);
  o.Set("picked", picked);
  o.Set("food_left", food_left);
  o.Set("x", x);
  o.Set("y", y);
  o.Set("heading", heading);
  o.Set("carrying", carrying);
  o.Set("chemical", chemical);
  return o;
}

Napi::Value Colonies::Ticks(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), static_cast<double>(colonies_[0]->ticks())); }

}  // namespace l2l_ants
