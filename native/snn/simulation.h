// One run of a network: `instances` independent copies, each running `trials` trials of `steps` steps
// (the state back at rest at the start of every trial: an EnKF member shown a mini-batch of samples),
// on `threads` threads.
//
// Each step k (from t_k to t_k + dt), for every neuron (potentials relative to E_L):
//   1. the membrane, unless refractory (then the refractory count goes down instead), with the
//      synaptic currents of t_k:  V <- P_mm V + P_ie (I_e + I_stim) + P_sm_ex I_ex + P_sm_in I_in
//      (+ P_jm J for alpha synapses);
//   2. the synaptic currents decay over the step (alpha: I <- P_js J + P_ss I, J <- P_ss J; exp:
//      I <- P_ss I), then take what arrives at step k: spikes of delay d emitted at step k - d, and
//      the external inputs of step k (Poisson sources, spike lists);
//   3. threshold (V > V_th, or V >= V_th), tested only on non-refractory neurons: a spike at step k;
//      V <- V_reset and the neuron skips its next ref_steps updates; its synapses of delay 0 add to
//      their targets' currents at once (seen by the next step's update), the others are queued in the
//      targets' ring buffers for step k + d.
// This is NEST's order for iaf_psc_exp / iaf_psc_alpha with a spike of NEST delay D arriving as d = D,
// and Brian2's for its exact CUBA update with zero delay as d = 0 (update, threshold, propagation,
// reset). The convention (threshold >= or >, refractory steps, spike stamp t_k or t_k + dt) is the
// caller's to choose; the kernel counts in steps.
//
// Poisson sources: each is a Poisson process in continuous time (exponential gaps between events,
// drawn from a counter-based stream keyed by (seed, trial, source, event)); an event at time t arrives
// with the inputs of step floor(t / dt), so the count of a step is exactly Poisson(rate * dt) and the
// cost is per event, not per source and step.
//
// The (instance, trial) pairs run on threads of their own when there are at least two; a single
// trial of a single instance is split by neurons across the threads (each thread owns a range of
// targets and their incoming synapses, and one barrier per step), so every target receives its
// inputs in the same order at any thread count: the numbers do not depend on it.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "../common/call_control.h"
#include "network_spec.h"

namespace l2l_snn {

struct InstanceState;

// A per-run array given either once for all instances (stride 0) or per instance (stride = its length).
struct PerInstance {
  const double* data = nullptr;
  int64_t stride = 0;
  double At(int64_t instance, int64_t i) const { return data[instance * stride + i]; }
};

struct PoissonSources {
  std::vector<int32_t> target;
  std::vector<uint8_t> receptor;
  std::vector<double> weight;
  PerInstance rate_hz;  // per source
  // Optional, trials * sources: the rate of each source in each trial, for every instance (a sample's
  // pixels as rates); replaces rate_hz.
  const double* trial_rate_hz = nullptr;
};

// External spikes: (step, target, receptor, weight), sorted by step; for one instance, or all (-1).
struct SpikeInput {
  std::vector<int32_t> instance, step, target;
  std::vector<uint8_t> receptor;
  std::vector<double> weight;
};

// Step currents added to I_e: (instance or -1, target, first step, last step + 1, amplitude).
struct CurrentInput {
  std::vector<int32_t> instance, target, start, stop;
  std::vector<double> amplitude;
};

struct RunSpec {
  int32_t instances = 1;
  int32_t trials = 1;  // per instance, each of `steps` steps from rest
  int64_t steps = 0;
  int32_t threads = 1;
  PerInstance v0;       // absolute, per neuron; null: E_L
  PerInstance weights;  // per synapse, in the order given; null: the network's own
  PerInstance i_e;      // per neuron; null: the network's own
  std::vector<uint64_t> seeds;  // per instance (Poisson sources)
  PoissonSources poisson;
  SpikeInput spikes;
  CurrentInput currents;
  bool record_spikes = true;
  std::vector<int32_t> record_v;  // neurons whose V is sampled
  int32_t record_every = 1;       // steps between samples
  // Splitting one instance across threads costs a barrier per step: below this many neurons per thread
  // a step is too short for that to pay, and a single instance runs on one thread.
  int32_t min_split_neurons = 1000;
};

struct RunOutput {
  // Per (instance, trial), instance-major: spikes as (step of the trial, neuron), by step, then neuron.
  std::vector<std::vector<int32_t>> spike_steps, spike_neurons;
  std::vector<int32_t> counts;  // instances * trials * n
  std::vector<double> v;        // instances * trials * samples * record_v.size(), absolute mV
  int64_t samples = 0;          // per trial
  // Per instance: 1 when it ran all its trials (0: a cancel stopped it first).
  std::vector<uint8_t> finished;
};

class Simulation {
 public:
  Simulation(const NetworkSpec& net, const RunSpec& run);
  // Runs every instance to the end (or to a cancel); throws std::exception with a reason.
  void Run(l2l::CallControl& control, RunOutput& out);

 private:
  // One trial of one instance on the calling thread; false when a cancel stopped it.
  bool RunTrial(InstanceState& s, const SynapsePart& syn, const double* w, int32_t instance, int32_t trial, l2l::CallControl& control, RunOutput& out);
  void RunSplit(l2l::CallControl& control, RunOutput& out);

  const NetworkSpec& net_;
  const RunSpec& run_;
};

}  // namespace l2l_snn
