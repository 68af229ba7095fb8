// The state of one instance of a network as the simulator steps it (membranes, synaptic currents,
// refractory counts, ring buffers of delayed spikes), and the three parts of a step on it: Update
// (steps 1 and 2 of simulation.h, and the threshold test), Fire (reset) and Propagate (a spike into
// its targets' currents or ring slots). Simulation runs trials from rest on it; Stepper (stepper.h)
// steps it in closed loop, one step at a time, with inputs set between steps.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "network_spec.h"
#include "simulation.h"
#include "update_kernels.h"

namespace l2l_snn {

// The external inputs of the current step (Poisson sources, listed spikes), gathered before the update
// and delivered with the step's arrivals; one per thread.
struct Pending {
  std::vector<int32_t> target;
  std::vector<uint8_t> receptor;
  std::vector<double> weight;
  void Add(int32_t post, uint8_t r, double w) {
    target.push_back(post);
    receptor.push_back(r);
    weight.push_back(w);
  }
  void Clear() {
    target.clear();
    receptor.clear();
    weight.clear();
  }
};

// The state of one instance. The constants of the update come from the network's groups
// (consecutive neurons with identical parameters), so the neuron loop streams only the state. The
// arrays run past the last neuron to a whole chunk of the update's lanes and one more (update_kernels.h).
struct InstanceState {
  const NetworkSpec& net;
  int32_t n;
  int32_t stride;  // the arrays' length, and the ring buffers' slot size
  int32_t ring;    // slots of the ring buffers: max delay + 1 (1: no delayed synapse, no ring)
  bool alpha;
  bool has_drive = false;  // some neuron has a constant or step current
  std::vector<double> v, iex, iin, jex, jin, drive;
  // Updates still to skip (a whole number, held as a double so the neuron loop is all doubles and vectorizes).
  std::vector<double> ref;
  std::vector<double> ring_ex, ring_in;  // ring slots * stride, slot-major; empty without delays
  std::vector<double> jumpx, jumpi;      // per neuron: what a spike of weight 1 adds (alpha: e / tau_s)

  explicit InstanceState(const NetworkSpec& network)
      : net(network), n(network.n()), stride((network.n() + 7) / 8 * 8 + 8), ring(network.max_delay() + 1), alpha(network.alpha()) {
    const size_t N = static_cast<size_t>(stride);
    v.assign(N, 0);
    iex.assign(N, 0);
    iin.assign(N, 0);
    if (alpha) {
      jex.assign(N, 0);
      jin.assign(N, 0);
    }
    drive.assign(N, 0);
    ref.assign(N, 0.0);
    if (ring > 1) {
      ring_ex.assign(N * ring, 0);
      ring_in.assign(N * ring, 0);
    }
    jumpx.resize(n);
    jumpi.resize(n);
    for (int32_t i = 0; i < n; i++) {
      jumpx[i] = net.ex()[i].jump;
      jumpi[i] = net.in()[i].jump;
    }
  }

  // Back to the start of a run: V from v0 (absolute, or E_L), everything else at rest.
  void Reset(const RunSpec& run, int32_t instance) {
    const auto& p = net.params();
    has_drive = false;
    for (int32_t i = 0; i < n; i++) {
      v[i] = run.v0.data ? run.v0.At(instance, i) - p.e_l[i] : 0.0;
      drive[i] = run.i_e.data ? run.i_e.At(instance, i) : p.i_e[i];
      has_drive = has_drive || drive[i] != 0.0;
    }
    std::fill(iex.begin(), iex.end(), 0.0);
    std::fill(iin.begin(), iin.end(), 0.0);
    std::fill(jex.begin(), jex.end(), 0.0);
    std::fill(jin.begin(), jin.end(), 0.0);
    std::fill(ref.begin(), ref.end(), 0.0);
    std::fill(ring_ex.begin(), ring_ex.end(), 0.0);
    std::fill(ring_in.begin(), ring_in.end(), 0.0);
  }

  // Back to rest with the network's own constant currents (no RunSpec: the closed loop of stepper.h).
  void Reset() {
    RunSpec none;
    Reset(none, 0);
  }

  // A step current starts (or, negative, ends) for neuron i.
  void AddCurrent(int32_t i, double amplitude) {
    drive[i] += amplitude;
    has_drive = true;
  }

  // Steps 1 and 2 for neurons [lo, hi) (the membrane, then the currents with the delayed arrivals of
  // step k), and step 3's threshold: the neurons that spike, in order, are appended to `spiking`.
  // The update may rewrite (unchanged) the neurons up to `writable`, which no other thread touches.
  void Update(int32_t lo, int32_t hi, int32_t writable, int64_t k, std::vector<int32_t>& spiking, Pending& inputs) {
    const size_t slot = static_cast<size_t>(k % ring) * stride;
    const bool strict = net.strict_threshold();
    StateArrays a{v.data(), iex.data(), iin.data(), jex.data(), jin.data(), ref.data(), has_drive ? drive.data() : nullptr,
                  ring > 1 ? ring_ex.data() + slot : nullptr, ring > 1 ? ring_in.data() + slot : nullptr};
    for (const Group& g : net.groups()) {
      const int32_t a0 = std::max(lo, g.lo), b0 = std::min(hi, g.hi);
      if (a0 >= b0) continue;
      if (alpha) {
        const AlphaConstants c{g.ex.mm, g.ex.ie, g.ex.sm, g.in.sm, g.ex.jm, g.in.jm, g.ex.js, g.in.js, g.ex.ss, g.in.ss, g.th, g.ex.jump, g.in.jump};
        UpdateAlphaRange(c, a, a0, b0, writable, strict, spiking);
      } else {
        const ExpConstants c{g.ex.mm, g.ex.ie, g.ex.sm, g.in.sm, g.ex.ss, g.in.ss, g.th, g.ex.jump, g.in.jump};
        UpdateExpRange(c, a, a0, b0, writable, strict, spiking);
      }
    }
    // the external inputs of this step arrive with the step's spikes
    for (size_t e = 0; e < inputs.target.size(); e++) DeliverNow(inputs.target[e], inputs.receptor[e], inputs.weight[e]);
    inputs.Clear();
  }

  // A spiking neuron's own step 3: reset and the refractory count.
  void Fire(int32_t i) {
    const Group& g = GroupOf(i);
    v[i] = g.reset;
    ref[i] = static_cast<double>(g.ref_steps);
  }

  const Group& GroupOf(int32_t i) const {
    const auto& gs = net.groups();
    if (gs.size() == 1) return gs[0];
    auto it = std::upper_bound(gs.begin(), gs.end(), i, [](int32_t x, const Group& g) { return x < g.lo; });
    return *(it - 1);
  }

  // Neuron i's spike of step k through the synapses of `syn` (weights `w`, in syn's order): a synapse
  // of delay 0 adds to its target's current now (seen by the next update), one of delay d to the
  // ring slot of step k + d.
  void Propagate(const SynapsePart& syn, const double* w, int32_t i, int64_t k) {
    const int64_t e0 = syn.start[i], e1 = syn.start[i + 1];
    const int32_t* post = syn.post.data();
    const uint8_t* receptor = syn.receptor.data();
    if (ring == 1) {
      if (!alpha) {
        // the common case, no delays and exponential synapses: straight into the currents
        double* targets[2] = {iex.data(), iin.data()};
        for (int64_t e = e0; e < e1; e++) targets[receptor[e]][post[e]] += w[e];
      } else {
        for (int64_t e = e0; e < e1; e++) DeliverNow(post[e], receptor[e], w[e]);
      }
      return;
    }
    const int32_t* delay = syn.delay.data();
    const int32_t now = static_cast<int32_t>(k % ring);
    double* rings[2] = {ring_ex.data(), ring_in.data()};
    for (int64_t e = e0; e < e1; e++) {
      const int32_t d = delay[e];
      if (d == 0) {
        DeliverNow(post[e], receptor[e], w[e]);
        continue;
      }
      int32_t slot = now + d;  // d < ring
      if (slot >= ring) slot -= ring;
      rings[receptor[e]][static_cast<size_t>(slot) * stride + post[e]] += w[e];
    }
  }

  // What a spike of weight w does to target `post` through receptor `r` at once.
  void DeliverNow(int32_t post, uint8_t r, double w) {
    if (alpha) (r == 0 ? jex : jin)[post] += (r == 0 ? jumpx : jumpi)[post] * w;
    else (r == 0 ? iex : iin)[post] += w;
  }

};

}  // namespace l2l_snn
