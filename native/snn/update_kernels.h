// The neuron loop of a step (steps 1 and 2 of simulation.h, with the step's delayed arrivals, and step
// 3's threshold test), for one group of neurons with shared constants: the hot path of the simulator.
//
// Written with GCC's vector extensions, eight neurons at a time, and compiled for AVX-512, AVX2 and
// plain x86-64 (target_clones; the loader picks the best the CPU has), so one binary runs anywhere and
// uses what it finds. Every lane does the scalar code's arithmetic in the scalar code's order (no fused
// multiply-add: -ffp-contract=off), so the results do not depend on the width: the tests hold the
// spike trains to Brian2's one for one.
//
// A group's last chunk of eight may reach past the group (into the next group, or the padding after
// the last neuron): those lanes are loaded and stored back unchanged, so the arrays must be readable
// and writable up to `writable` (at least the chunk's end), and nobody else may write them meanwhile;
// where a chunk would cross `writable` (another thread's neurons) the rest is done one neuron at a time.
#pragma once

#include <cstdint>
#include <vector>

namespace l2l_snn {

// One instance's state, and this step's slots of its ring buffers (null: no delayed synapses).
struct StateArrays {
  double *v, *x, *y, *jx, *jy, *r;  // jx, jy: alpha only
  const double* drive;              // constant and step currents; null when there are none
  double *ring_x, *ring_y;          // what arrives at this step (zeroed once taken)
};

struct ExpConstants {
  double mm, pie, smx, smi, ssx, ssi, th, jumpx, jumpy;
};

struct AlphaConstants {
  double mm, pie, smx, smi, jmx, jmi, jsx, jsi, ssx, ssi, th, jumpx, jumpy;
};

// Updates neurons [a, b): V (unless refractory), the refractory counts, the synaptic currents' decay,
// then the delayed spikes that arrive now (current += jump * ring slot; exp: into I, alpha: into J);
// appends, in order, the neurons that cross threshold (V > th, or >= when !strict) and are not
// refractory.
void UpdateExpRange(const ExpConstants& c, const StateArrays& s, int32_t a, int32_t b, int32_t writable, bool strict, std::vector<int32_t>& spiking);

void UpdateAlphaRange(const AlphaConstants& c, const StateArrays& s, int32_t a, int32_t b, int32_t writable, bool strict, std::vector<int32_t>& spiking);

}  // namespace l2l_snn
