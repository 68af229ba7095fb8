#include "network.h"

#include <stdexcept>
#include <string>

#include "../common/typed_fields.h"
#include "loop.h"
#include "run_call.h"

namespace l2l_snn {

using l2l::Copy;
using l2l::Float64Field;
using l2l::Int32Field;
using l2l::NumberField;
using l2l::Uint32Field;
using l2l::Uint8Field;

Napi::FunctionReference Network::error_class;

Napi::Function Network::Define(Napi::Env env) {
  return DefineClass(env, "Network", {
    InstanceMethod<&Network::Run>("run"),
    InstanceMethod<&Network::MakeLoop>("loop"),
    InstanceAccessor<&Network::Neurons>("neurons"),
    InstanceAccessor<&Network::Synapses>("synapses"),
    InstanceAccessor<&Network::MaxDelay>("maxDelay"),
  });
}

Network::Network(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Network>(info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsObject()) throw Napi::TypeError::New(env, "new Network(spec): expected a spec object");
  const auto o = info[0].As<Napi::Object>();
  const std::string where = "network";
  const int32_t n = static_cast<int32_t>(NumberField(o, "n", where));
  const double dt = NumberField(o, "dt", where);
  const std::string model = o.Get("model").ToString().Utf8Value();
  if (model != "exp" && model != "alpha") throw Napi::TypeError::New(env, "network.model: expected 'exp' or 'alpha'");
  const std::string threshold = o.Get("threshold").ToString().Utf8Value();
  if (threshold != "gt" && threshold != "ge") throw Napi::TypeError::New(env, "network.threshold: expected 'gt' (V > V_th) or 'ge' (V >= V_th)");
  if (!o.Get("params").IsObject()) throw Napi::TypeError::New(env, "network.params: expected an object of per-neuron arrays");
  if (!o.Get("synapses").IsObject()) throw Napi::TypeError::New(env, "network.synapses: expected an object of per-synapse arrays");
  const auto p = o.Get("params").As<Napi::Object>();
  const std::string pw = where + ".params";
  NeuronParams params;
  params.tau_m = Copy<double>(Float64Field(p, "tau_m", pw));
  params.c_m = Copy<double>(Float64Field(p, "C_m", pw));
  params.tau_ex = Copy<double>(Float64Field(p, "tau_syn_ex", pw));
  params.tau_in = Copy<double>(Float64Field(p, "tau_syn_in", pw));
  params.e_l = Copy<double>(Float64Field(p, "E_L", pw));
  params.v_th = Copy<double>(Float64Field(p, "V_th", pw));
  params.v_reset = Copy<double>(Float64Field(p, "V_reset", pw));
  params.i_e = Copy<double>(Float64Field(p, "I_e", pw));
  params.ref_steps = Copy<int32_t>(Int32Field(p, "ref_steps", pw));
  const auto s = o.Get("synapses").As<Napi::Object>();
  const std::string sw = where + ".synapses";
  try {
    spec_ = std::make_shared<NetworkSpec>(n, dt, model == "alpha", threshold == "gt", std::move(params),
                                          Copy<int32_t>(Int32Field(s, "pre", sw)), Copy<int32_t>(Int32Field(s, "post", sw)),
                                          Copy<int32_t>(Int32Field(s, "delay", sw)), Copy<uint8_t>(Uint8Field(s, "receptor", sw)),
                                          Copy<double>(Float64Field(s, "weight", sw)));
  } catch (const std::invalid_argument& e) {
    throw Napi::RangeError::New(env, std::string("network: ") + e.what());
  }
}

Napi::Value Network::Run(const Napi::CallbackInfo& info) {
  if (error_class.IsEmpty()) throw Napi::Error::New(info.Env(), "run: call init(errorClass) first");
  auto* call = new RunCall(info, spec_, error_class.Value());
  return call->Start();
}

Napi::Value Network::MakeLoop(const Napi::CallbackInfo& info) { return Loop::New(info.Env(), spec_); }

Napi::Value Network::Neurons(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), spec_->n()); }
Napi::Value Network::Synapses(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), static_cast<double>(spec_->synapses())); }
Napi::Value Network::MaxDelay(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), spec_->max_delay()); }

}  // namespace l2l_snn
