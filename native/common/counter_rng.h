// A counter-based uniform in [0, 1): a hash of four keys (say a seed, a trial, a source and an event
// number), so a draw is the same whichever thread makes it and in whatever order; the kernels key their
// random streams by what the numbers belong to, never by who computes them.
#pragma once

#include <cstdint>

// CUDA sources take the same stream on the device.
#ifdef __CUDACC__
#define L2L_HOST_DEVICE __host__ __device__
#else
#define L2L_HOST_DEVICE
#endif

namespace l2l {

L2L_HOST_DEVICE inline double CounterUniform(uint64_t k0, uint64_t k1, uint64_t k2, uint64_t k3) {
  uint64_t x = k0 * 0x9E3779B97F4A7C15ULL + (k2 + 1) * 0xBF58476D1CE4E5B9ULL + (k3 + 1) * 0x94D049BB133111EBULL;
  x ^= (k1 + 1) * 0xD6E8FEB86659FD93ULL;
  x ^= x >> 30;
  x *= 0xBF58476D1CE4E5B9ULL;
  x ^= x >> 27;
  x *= 0x94D049BB133111EBULL;
  x ^= x >> 31;
  return static_cast<double>(x >> 11) * 0x1.0p-53;
}

}  // namespace l2l
