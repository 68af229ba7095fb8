#include "loop.h"

#include <cmath>
#include <string>

namespace l2l_snn {

Napi::FunctionReference Loop::constructor_;

Napi::Function Loop::Define(Napi::Env env) {
  Napi::Function f = DefineClass(env, "Loop", {
    InstanceMethod<&Loop::SetCurrent>("setCurrent"),
    InstanceMethod<&Loop::Emit>("emit"),
    InstanceMethod<&Loop::Step>("step"),
    InstanceMethod<&Loop::Reset>("reset"),
    InstanceMethod<&Loop::V>("v"),
    InstanceAccessor<&Loop::Steps>("steps"),
  });
  constructor_ = Napi::Persistent(f);
  return f;
}

Napi::Object Loop::New(Napi::Env env, std::shared_ptr<const NetworkSpec> spec) {
  // the spec travels to the constructor in an External (a JS caller cannot make one of these)
  auto* held = new std::shared_ptr<const NetworkSpec>(std::move(spec));
  auto ext = Napi::External<std::shared_ptr<const NetworkSpec>>::New(env, held, [](Napi::Env, std::shared_ptr<const NetworkSpec>* p) { delete p; });
  return constructor_.New({ext});
}

Loop::Loop(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Loop>(info) {
  if (info.Length() < 1 || !info[0].IsExternal()) throw Napi::TypeError::New(info.Env(), "Loop: made by network.loop(), not by new");
  spec_ = *info[0].As<Napi::External<std::shared_ptr<const NetworkSpec>>>().Data();
  stepper_ = std::make_unique<Stepper>(*spec_);
}

int32_t Loop::Neuron(const Napi::CallbackInfo& info, const char* where) const {
  if (info.Length() < 1 || !info[0].IsNumber()) throw Napi::TypeError::New(info.Env(), std::string(where) + ": expected a neuron index");
  const double i = info[0].As<Napi::Number>().DoubleValue();
  if (!(i >= 0 && i < spec_->n() && i == std::floor(i))) throw Napi::RangeError::New(info.Env(), std::string(where) + ": expected a neuron index in [0, " + std::to_string(spec_->n()) + "), got " + std::to_string(i));
  return static_cast<int32_t>(i);
}

Napi::Value Loop::SetCurrent(const Napi::CallbackInfo& info) {
  const int32_t i = Neuron(info, "setCurrent(neuron, amplitude)");
  if (info.Length() < 2 || !info[1].IsNumber() || !std::isfinite(info[1].As<Napi::Number>().DoubleValue())) {
    throw Napi::TypeError::New(info.Env(), "setCurrent(neuron, amplitude): expected a finite amplitude");
  }
  stepper_->SetCurrent(i, info[1].As<Napi::Number>().DoubleValue());
  return info.Env().Undefined();
}

Napi::Value Loop::Emit(const Napi::CallbackInfo& info) {
  stepper_->Emit(Neuron(info, "emit(neuron)"));
  return info.Env().Undefined();
}

Napi::Value Loop::Step(const Napi::CallbackInfo& info) {
  stepper_->Step(spiking_);
  auto out = Napi::Int32Array::New(info.Env(), spiking_.size());
  std::copy(spiking_.begin(), spiking_.end(), out.Data());
  return out;
}

Napi::Value Loop::Reset(const Napi::CallbackInfo& info) {
  stepper_->Reset();
  return info.Env().Undefined();
}

Napi::Value Loop::V(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), stepper_->V(Neuron(info, "v(neuron)"))); }

Napi::Value Loop::Steps(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), static_cast<double>(stepper_->steps())); }

}  // namespace l2l_snn
