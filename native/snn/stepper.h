// A network stepped in closed loop: one instance, one step at a time, its inputs set between steps
// from what the previous steps produced (an agent's brain: sensors in, motor spikes out, the world
// moving in between). Each Step is exactly a step of simulation.h (update with the currents of t_k,
// the synaptic decay and the arrivals of step k, threshold, reset, propagation), so a Stepper driven
// with constant inputs produces Simulation's spike train one for one (the tests hold it to that).
//
// Between steps the caller may
//   - set a neuron's constant current (SetCurrent, pA or the network's current unit): it acts from
//     the next step on, as a step current starting at that step does in a Simulation;
//   - emit a spike from a neuron (Emit) as if it had fired in the coming step: its synapses carry it
//     to their targets with their delays, the way a spike generator or a parrot neuron relays a given
//     spike train (the neuron's own state is untouched).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "network_spec.h"

namespace l2l_snn {

struct InstanceState;

class Stepper {
 public:
  // The network's own weights (the network outlives the stepper).
  explicit Stepper(const NetworkSpec& net);
  ~Stepper();
  Stepper(Stepper&&) noexcept;
  Stepper& operator=(Stepper&&) = delete;

  // Back to rest: V at E_L, no currents, no spikes in flight, the constant currents the network's
  // own, the step counter at 0.
  void Reset();
  // Neuron i's constant current from the next step on (replacing what it was).
  void SetCurrent(int32_t i, double amplitude);
  // A spike of neuron i in the coming step, through i's synapses (relayed, not fired: i is not reset).
  void Emit(int32_t i);
  // One step; the neurons that fired in it, in order, replace `spiking`'s contents.
  void Step(std::vector<int32_t>& spiking);

  int64_t steps() const { return k_; }
  // Membrane potential of neuron i, absolute (mV).
  double V(int32_t i) const;

 private:
  const NetworkSpec& net_;
  std::unique_ptr<InstanceState> s_;
  const SynapsePart* syn_;
  std::shared_ptr<const std::vector<SynapsePart>> parts_;
  std::vector<double> current_;  // the constant currents set, per neuron
  std::vector<int32_t> emitted_;
  int64_t k_ = 0;
};

}  // namespace l2l_snn
