// The static part of a spiking network, shared by every run and every instance: its neurons'
// parameters (and the exact propagators computed from them), and its synapses held by presynaptic
// neuron (CSR), with integer delays in steps. Built once from the typed arrays JS hands over
// (src/native/snn.ts documents them); what changes between runs (weights, rates, currents, initial
// potentials, the number of instances) comes with each run.
#pragma once

#include <cstdint>
#include <mutex>
#include <memory>
#include <string>
#include <vector>

#include "propagators.h"

namespace l2l_snn {

// The neuron's parameters, one value per neuron (potentials in mV, times in ms, C in the units the
// weights are in: pF for pA weights, or tau_m for weights in mV as Brian2's CUBA form has them).
struct NeuronParams {
  std::vector<double> tau_m, c_m, tau_ex, tau_in, e_l, v_th, v_reset, i_e;
  // Updates skipped after a spike (the spike's own step not counted).
  std::vector<int32_t> ref_steps;
};

// Consecutive neurons with identical parameters share one set of constants (the common case: a
// population), so the neuron loop reads state, not constants.
struct Group {
  int32_t lo, hi;
  Propagators ex, in;
  double th, reset;  // relative to E_L
  int32_t ref_steps;
};

// Synapses of the neurons [lo, hi) as targets, by presynaptic neuron: the part one thread applies.
struct SynapsePart {
  std::vector<int64_t> start;  // n + 1 offsets into the arrays below, by presynaptic neuron
  std::vector<int32_t> post;
  std::vector<int32_t> delay;
  std::vector<uint8_t> receptor;
  std::vector<int64_t> index;  // the synapse's number in the order JS gave them (its weight's place)
  std::vector<double> weight;  // the network's own weights, in this order
};

class NetworkSpec {
 public:
  // Checks and copies what JS gave; throws std::invalid_argument with a one-line reason.
  NetworkSpec(int32_t n, double dt, bool alpha, bool strict_threshold, NeuronParams params,
              std::vector<int32_t> pre, std::vector<int32_t> post, std::vector<int32_t> delay,
              std::vector<uint8_t> receptor, std::vector<double> weight);

  int32_t n() const { return n_; }
  double dt() const { return dt_; }
  bool alpha() const { return alpha_; }
  bool strict_threshold() const { return strict_; }
  int64_t synapses() const { return static_cast<int64_t>(weight_.size()); }
  int32_t max_delay() const { return max_delay_; }
  const NeuronParams& params() const { return params_; }
  const std::vector<double>& weight() const { return weight_; }
  // Per neuron: the propagators of its excitatory and inhibitory synapses.
  const std::vector<Propagators>& ex() const { return ex_; }
  const std::vector<Propagators>& in() const { return in_; }
  const std::vector<Group>& groups() const { return groups_; }

  // The synapses split by target range for `threads` threads (ranges of `bounds`), built once per
  // thread count and kept.
  std::shared_ptr<const std::vector<SynapsePart>> Parts(const std::vector<int32_t>& bounds) const;

 private:
  int32_t n_;
  double dt_;
  bool alpha_;
  bool strict_;
  int32_t max_delay_ = 0;
  NeuronParams params_;
  std::vector<int32_t> pre_, post_, delay_;
  std::vector<uint8_t> receptor_;
  std::vector<double> weight_;
  std::vector<Propagators> ex_, in_;
  std::vector<Group> groups_;
  mutable std::mutex parts_mutex_;
  mutable std::vector<std::pair<std::vector<int32_t>, std::shared_ptr<const std::vector<SynapsePart>>>> parts_;
};

}  // namespace l2l_snn
