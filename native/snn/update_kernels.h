// The neuron loop of a step (steps 1 and 2 of simulation.h, and step 3's threshold test), for one
// group of neurons with shared constants: the hot path of the simulator.
//
// Written with GCC's vector extensions, eight neurons at a time, and compiled for AVX-512, AVX2 and
// plain x86-64 (target_clones; the loader picks the best the CPU has), so one binary runs anywhere and
// uses what it finds. Every lane does the scalar code's arithmetic in the scalar code's order (no fused
// multiply-add: -ffp-contract=off), so the results do not depend on the width: the tests hold the
// spike trains to Brian2's one for one.
#pragma once

#include <cstdint>
#include <vector>

namespace l2l_snn {

struct ExpConstants {
  double mm, pie, smx, smi, ssx, ssi, th;
};

struct AlphaConstants {
  double mm, pie, smx, smi, jmx, jmi, jsx, jsi, ssx, ssi, th;
};

// Updates neurons [a, b): V (unless refractory), the refractory counts, the synaptic currents' decay;
// appends, in order, the neurons that cross threshold (V > th, or >= when !strict) and are not
// refractory. drive may be null (no constant or step current anywhere).
void UpdateExpRange(const ExpConstants& c, double* v, double* x, double* y, double* r, const double* drive,
                    int32_t a, int32_t b, bool strict, std::vector<int32_t>& spiking);

void UpdateAlphaRange(const AlphaConstants& c, double* v, double* x, double* y, double* jx, double* jy, double* r,
                      const double* drive, int32_t a, int32_t b, bool strict, std::vector<int32_t>& spiking);

}  // namespace l2l_snn
