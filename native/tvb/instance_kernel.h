// The CUDA kernel's arithmetic (cuda_simulation.cu), written once for the device and the host: one
// parameter set (instance) per thread block, its nodes over the block's threads. Per step n:
//
//   StepNode   (each node i of the instance, in parallel) the coupling of target i at t_n from the
//              ring, then the Heun step of node i; writes x_i(t_{n+1}).
//   -- barrier: every read of the ring for step n is done --
//   StoreNode  (each node i) ring slot (n + 1) mod H = float32(x_cvar,i(t_{n+1})), and the sample.
//   -- barrier: the ring holds step n + 1 --
//
// Same equations, conventions and order of operations as the CPU kernel (simulation.h states them);
// the CPU kernel keeps its instances lane-major and sums numpy's pairwise way over lanes, this one
// sums each target's terms itself (Pairwise below), streaming the terms instead of storing them. The
// engine `cuda-code-on-cpu` runs exactly these functions on the host, block after block and node
// after node (slow), so that a machine without a GPU tests the kernel's indexing and arithmetic against
// the CPU kernel (test/native/tvb-cuda.test.ts). On the device, float32 and float64 + - * / and sqrt
// round as on the host (nvcc --fmad=false keeps a * b + c two roundings); exp, log, sin, cos and pow
// come from CUDA's math library, within 1-2 ulp of the C library's but not always equal.
//
// Layout (the template parameter W of the functions below): W = 1, each instance's arrays one after
// another (the CPU kernel's instance-at-a-time path); W > 1, instances in groups of W lanes, each
// group's arrays interleaved, element k of lane l at k * W + l (the device: a warp's threads are the W
// lanes of one node, so with one set of delays a gather from the ring reads W neighbouring floats, one
// transaction, and every lane runs the same edges). Lane layout changes where numbers live, never which
// numbers are computed or in which order.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "../common/counter_rng.h"
#include "simulation.h"

#ifdef __CUDACC__
#define L2L_TVB_DEVICE __host__ __device__
#else
#define L2L_TVB_DEVICE
#endif
#include "tvb_models.h"

namespace l2l_tvb {

// The most coupling parameters a coupling function has (sigmoidal: cmin, cmax, midpoint, a, sigma).
constexpr int kMaxCouplingParams = 5;

// The lanes of a group (W) for a call of P instances on a device of `sms` multiprocessors. Wider groups
// read the ring in fewer transactions and keep a warp's threads on one node (no divergence); narrower
// ones give a small call blocks enough to occupy the device. Measured on an H200 (132 multiprocessors,
// bench/RESULTS.md tvb-gpu): 32 lanes lead from about 2 blocks per multiprocessor (16,384 sets: 4.2 G
// node-steps/s against 3.0 G with 8 lanes, 1.9 G with 1), 8 lanes from about 1 block (1,024 sets:
// 2.3 G against 1.9 G with 1 lane; 4,096 sets, 1 block of 32: 3.0 G with 8 against 2.8 G with 32), and
// below that one instance per block (256 sets: 2.2 G against 0.9 G with 8 lanes).
constexpr int kHostMultiprocessors = 1;  // what cuda-code-on-cpu takes for the device, lanes by the count
inline int32_t DeviceLanes(int64_t P, int sms) {
  if (P >= 64LL * sms) return 32;
  if (P >= 6LL * sms) return 8;
  return 1;
}

// Where element k of instance p's array of `size` elements lives, for W lanes per group.
template <int W>
L2L_TVB_DEVICE inline int64_t LaneAt(int32_t p, int64_t size, int64_t k) {
  return (static_cast<int64_t>(p) / W) * size * W + k * W + (p % W);
}

// c = post(s): the coupling function applied to the float32 sum, in float64, as TVB's post() computes
// it (a numpy float32 array against float64 parameter arrays of shape (1,): float64).
//   linear     a s + b                       q = {a, b}
//   kuramoto   a s                           q = {a}  (as TVB's Kuramoto coupling: no division by N)
//   sigmoidal  cmin + (cmax - cmin) / (1 + exp(-a (s - midpoint) / sigma))   q = {cmin, cmax, midpoint, a, sigma}
L2L_TVB_DEVICE inline double CouplingPost(int coupling, float sum, const double* q) {
  const double s = static_cast<double>(sum);
  if (coupling == static_cast<int>(Coupling::kLinear)) return q[0] * s + q[1];
  if (coupling == static_cast<int>(Coupling::kKuramoto)) return q[0] * s;
  return q[0] + ((q[1] - q[0]) / (1.0 + std::exp(-q[3] * ((s - q[2]) / q[4]))));
}

// A standard normal from the counter-based stream (seed, step, state variable, node): Box-Muller on two
// uniforms (1 - u keeps the logarithm finite).
L2L_TVB_DEVICE inline double Normal(uint64_t seed, int64_t step, int s, int32_t node) {
  const double u1 = l2l::CounterUniform(seed, static_cast<uint64_t>(step), static_cast<uint64_t>(s) * 2, static_cast<uint64_t>(node));
  const double u2 = l2l::CounterUniform(seed, static_cast<uint64_t>(step), static_cast<uint64_t>(s) * 2 + 1, static_cast<uint64_t>(node));
  return std::sqrt(-2.0 * std::log(1.0 - u1)) * std::cos(6.283185307179586 * u2);
}

// numpy's pairwise summation of float32 values (see PairwiseLanes in simulation.cc) of the terms
// [k0, k0 + n) that `term` computes on demand: up to 128 terms in one pass (PairwiseBlock, inlined),
// above that the two halves (the first a multiple of 8) apart.
template <class Term>
L2L_TVB_DEVICE inline float PairwiseBlock(const Term& term, int64_t k0, int64_t n) {
  if (n < 8) {
    float res = 0.0f;
    for (int64_t k = 0; k < n; k++) res += term(k0 + k);
    return res;
  }
  float r[8];
  for (int j = 0; j < 8; j++) r[j] = term(k0 + j);
  int64_t k = 8;
  for (; k < n - (n % 8); k += 8) {
    for (int j = 0; j < 8; j++) r[j] += term(k0 + k + j);
  }
  float res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
  for (; k < n; k++) res += term(k0 + k);
  return res;
}

template <class Term>
L2L_TVB_DEVICE float Pairwise(const Term& term, int64_t k0, int64_t n) {
  if (n <= 128) return PairwiseBlock(term, k0, n);
  int64_t n2 = n / 2;
  n2 -= n2 % 8;
  const float first = Pairwise(term, k0, n2);
  return first + Pairwise(term, k0 + n2, n - n2);
}

// The terms of a buffer (the host's variant of CoupleNode).
struct ArrayTerm {
  const float* a;
  L2L_TVB_DEVICE float operator()(int64_t k) const { return a[k]; }
};

// What the kernel reads and writes; instance p is the launch's own index (0 .. instances - 1). The
// arrays read or written at every step (delay, ring, x) are laid out for W lanes (LaneAt); the small
// read-only ones (params, cpl, g, seeds) and the samples are instance-major whatever W.
struct InstanceView {
  int32_t nodes = 0, H = 1;
  int coupling = 0;
  double dt = 0, sqrt_dt = 0;
  const int32_t* row_start = nullptr;  // nodes + 1
  const int32_t* source = nullptr;     // edge
  const float* weight = nullptr;       // edge
  int64_t edges = 0;
  const int32_t* delay = nullptr;      // instance x edge, steps (lanes: LaneAt)
  float* ring = nullptr;               // instance x cvar x nodes x H: each node's history contiguous in time (lanes)
  double* x = nullptr;                 // instance x state x nodes (lanes)
  const double* params = nullptr;      // instance x the model's parameters
  const double* cpl = nullptr;         // instance x kMaxCouplingParams
  const double* g = nullptr;           // instance x state: sqrt(2 nsig); null: deterministic
  const uint64_t* seeds = nullptr;     // instance
  int32_t record_every = 1, nobs = 0;
  int64_t samples = 0;
  const int32_t* record_state = nullptr;
  double* observed = nullptr;          // instance x samples x nobs x nodes
};

// A view's fields that come from the run alone: sizes, steps, the connectome and the recorded variables
// (the host's arrays; the CUDA engine points these at its device copies). The per-instance arrays and
// the ring are the caller's.
inline InstanceView RunView(const RunSpec& run, int32_t H, int64_t samples) {
  InstanceView v;
  v.nodes = run.nodes;
  v.H = H;
  v.coupling = static_cast<int>(run.coupling);
  v.dt = run.dt;
  v.sqrt_dt = std::sqrt(run.dt);
  v.row_start = run.row_start.data();
  v.source = run.source.data();
  v.weight = run.weight.data();
  v.edges = static_cast<int64_t>(run.source.size());
  v.record_every = run.record_every;
  v.nobs = static_cast<int32_t>(run.record_state.size());
  v.samples = samples;
  v.record_state = run.record_state.data();
  return v;
}

// The float32 term of one edge: w * pre.
template <int W>
struct EdgeTerm {
  const float* weight;
  const int32_t* source;
  const int32_t* delay;  // this instance's: edge e's at delay[e * W]
  const float* ring;     // this instance's, of one coupling variable: node j's slot h at ring[(j * stride + h) * W]
  int64_t stride;
  int32_t now, H;
  bool kuramoto;
  float xi;
  L2L_TVB_DEVICE float operator()(int64_t e) const {
    int32_t slot = now - delay[e * W];
    if (slot < 0) slot += H;
    const float xj = ring[(source[e] * stride + slot) * W];
    return weight[e] * (kuramoto ? std::sin(xj - xi) : xj);
  }
};

template <class M>
L2L_TVB_DEVICE inline double Clamp(int s, double x) {
  if (!M::kBounded) return x;
  // numpy.clip's order: below the low bound, then above the high one
  if (x < M::Low(s)) x = M::Low(s);
  if (x > M::High(s)) x = M::High(s);
  return x;
}

// Every slot of instance p's ring from its initial state (x(t <= 0) = x0), for node i.
template <class M, int W = 1>
L2L_TVB_DEVICE void InitNode(const InstanceView& v, int32_t p, int32_t i) {
  const int64_t N = v.nodes, ring_size = M::kCvar * N * v.H;
  for (int32_t h = 0; h < v.H; h++) {
    for (int c = 0; c < M::kCvar; c++) {
      v.ring[LaneAt<W>(p, ring_size, (c * N + i) * v.H + h)] = static_cast<float>(v.x[LaneAt<W>(p, M::kState * N, M::CvarState(c) * N + i)]);
    }
  }
}

// The coupling terms of node i of instance p at step n (one per coupling variable), from the ring.
// The device streams each edge's term into the sum; with `buffer` (the host's instance-at-a-time path:
// room for the longest row) the terms go to the buffer first and are summed from there, the same sums
// in the same order, a tight gather loop and a vectorizable sum instead of a call per target.
template <class M, int W = 1>
L2L_TVB_DEVICE void CoupleNode(const InstanceView& v, int32_t p, int64_t n, int32_t i, double* cs, float* buffer = nullptr) {
  const int64_t N = v.nodes, ring_size = M::kCvar * N * v.H;
  const int32_t now = static_cast<int32_t>(n % v.H);
  const int32_t e0 = v.row_start[i], e1 = v.row_start[i + 1];
  const double* q = v.cpl + p * static_cast<int64_t>(kMaxCouplingParams);
  for (int c = 0; c < M::kCvar; c++) {
    const float* ring = v.ring + LaneAt<W>(p, ring_size, c * N * v.H);
    const int64_t stride = v.H;
    const EdgeTerm<W> term{v.weight, v.source, v.delay + LaneAt<W>(p, v.edges, 0), ring, stride, now, v.H, v.coupling == static_cast<int>(Coupling::kKuramoto), ring[(i * stride + now) * W]};
    // numpy's add.reduceat: the first term, plus the pairwise sum of the others
    float s = 0.0f;
    if (buffer != nullptr && e1 > e0) {
      for (int32_t e = e0; e < e1; e++) buffer[e - e0] = term(e);
      const int64_t rest = e1 - e0 - 1;
      s = buffer[0] + (rest <= 128 ? PairwiseBlock(ArrayTerm{buffer}, 1, rest) : Pairwise(ArrayTerm{buffer}, 1, rest));
    } else if (e1 > e0) {
      s = term(e0) + Pairwise(term, e0 + 1, e1 - e0 - 1);
    }
    cs[c] = CouplingPost(v.coupling, s, q);
  }
}

// The Heun step n of node i of instance p with its coupling terms: x_i(t_n) -> x_i(t_{n+1}); writes only x_i.
template <class M, int W = 1>
L2L_TVB_DEVICE void HeunNode(const InstanceView& v, int32_t p, int64_t n, int32_t i, const double* cs) {
  const int64_t N = v.nodes;
  double* x = v.x + LaneAt<W>(p, M::kState * N, 0);
  const double* ps = v.params + p * static_cast<int64_t>(M::kParams);
  const double dt = v.dt;
  double xs[M::kState], xt[M::kState], k1[M::kState], k2[M::kState], gz[M::kState] = {};
  for (int s = 0; s < M::kState; s++) xs[s] = x[(s * N + i) * W];
  M::Dfun(xs, cs, ps, k1);
  if (v.g != nullptr) {
    const uint64_t seed = v.seeds[p];
    for (int s = 0; s < M::kState; s++) {
      const double g = v.g[p * static_cast<int64_t>(M::kState) + s];
      gz[s] = g == 0.0 ? 0.0 : g * (v.sqrt_dt * Normal(seed, n, s, i));
      xt[s] = Clamp<M>(s, xs[s] + dt * k1[s] + gz[s]);
    }
  } else {
    for (int s = 0; s < M::kState; s++) xt[s] = Clamp<M>(s, xs[s] + dt * k1[s]);
  }
  M::Dfun(xt, cs, ps, k2);
  if (v.g != nullptr) {
    for (int s = 0; s < M::kState; s++) x[(s * N + i) * W] = Clamp<M>(s, xs[s] + (k1[s] + k2[s]) * dt / 2.0 + gz[s]);
  } else {
    for (int s = 0; s < M::kState; s++) x[(s * N + i) * W] = Clamp<M>(s, xs[s] + (k1[s] + k2[s]) * dt / 2.0);
  }
}

// Step n of node i of instance p: x_i(t_n) -> x_i(t_{n+1}); reads the ring, writes only x_i.
template <class M, int W = 1>
L2L_TVB_DEVICE void StepNode(const InstanceView& v, int32_t p, int64_t n, int32_t i) {
  double cs[M::kCvar];
  CoupleNode<M, W>(v, p, n, i, cs);
  HeunNode<M, W>(v, p, n, i, cs);
}

// After every node's step n: node i's coupling variables into ring slot (n + 1) mod H, and its sample.
template <class M, int W = 1>
L2L_TVB_DEVICE void StoreNode(const InstanceView& v, int32_t p, int64_t n, int32_t i) {
  const int64_t N = v.nodes, ring_size = M::kCvar * N * v.H;
  const int32_t slot = static_cast<int32_t>((n + 1) % v.H);
  const double* x = v.x + LaneAt<W>(p, M::kState * N, 0);
  for (int c = 0; c < M::kCvar; c++) v.ring[LaneAt<W>(p, ring_size, (c * N + i) * v.H + slot)] = static_cast<float>(x[(M::CvarState(c) * N + i) * W]);
  if ((n + 1) % v.record_every == 0 && (n + 1) / v.record_every <= v.samples) {
    const int64_t sample = (n + 1) / v.record_every - 1;
    double* o = v.observed + ((p * v.samples + sample) * v.nobs) * N;
    for (int r = 0; r < v.nobs; r++) o[r * N + i] = x[(v.record_state[r] * N + i) * W];
  }
}

// The host's copies of what a view of instances [p0, p1) points at (the CUDA path uploads them).
template <class M>
struct InstanceHost {
  std::vector<int32_t> delay;
  std::vector<double> x, params, cpl, g;
  std::vector<uint64_t> seeds;
  int32_t H = 1;
  int64_t P = 0;

  InstanceHost(const RunSpec& run, int32_t p0, int32_t p1) : P(p1 - p0) {
    const int64_t E = static_cast<int64_t>(run.source.size()), N = run.nodes;
    delay.resize(P * E);
    int32_t max_delay = 0;
    for (int64_t p = 0; p < P; p++) {
      const double speed = run.speed.At(p0 + p)[0];
      if (!(speed > 0)) throw std::invalid_argument("instance " + std::to_string(p0 + p) + ": the conduction speed must be positive");
      for (int64_t e = 0; e < E; e++) delay[p * E + e] = DelaySteps(run.length[e], speed, run.dt);
      max_delay = std::max(max_delay, DelaySteps(run.max_length, speed, run.dt));
    }
    H = max_delay + 1;
    x.resize(P * M::kState * N);
    params.resize(std::max<int64_t>(1, P * M::kParams));
    cpl.assign(P * kMaxCouplingParams, 0.0);
    const int np = CouplingParamCount(run.coupling);
    for (int64_t p = 0; p < P; p++) {
      std::copy(run.x0.At(p0 + p), run.x0.At(p0 + p) + M::kState * N, x.begin() + p * M::kState * N);
      std::copy(run.params.At(p0 + p), run.params.At(p0 + p) + M::kParams, params.begin() + p * M::kParams);
      std::copy(run.coupling_params.At(p0 + p), run.coupling_params.At(p0 + p) + np, cpl.begin() + p * kMaxCouplingParams);
    }
    if (run.nsig.data != nullptr) {
      g.resize(P * M::kState);
      for (int64_t p = 0; p < P; p++) {
        for (int s = 0; s < M::kState; s++) g[p * M::kState + s] = std::sqrt(2.0 * run.nsig.At(p0 + p)[s]);
      }
      seeds.assign(run.seeds.begin() + p0, run.seeds.begin() + p1);
    }
  }

  // Bytes of the ring for these instances.
  double RingBytes(const RunSpec& run) const { return static_cast<double>(H) * M::kCvar * run.nodes * sizeof(float) * P; }
};

// An InstanceHost's arrays for the device's layout: instances padded to whole groups of W lanes (the
// padding lanes copy the last instance, run with it and are never read back), delay and x interleaved
// (LaneAt), the rest instance-major.
template <class M, int W>
struct LaneHost {
  int64_t P = 0, padded = 0;
  int32_t H = 1;
  std::vector<int32_t> delay;
  std::vector<double> x, params, cpl, g;
  std::vector<uint64_t> seeds;

  explicit LaneHost(const InstanceHost<M>& h) : P(h.P), padded((h.P + W - 1) / W * W), H(h.H) {
    const int64_t E = P > 0 ? static_cast<int64_t>(h.delay.size()) / P : 0, X = P > 0 ? static_cast<int64_t>(h.x.size()) / P : 0;
    delay = Interleave(h.delay, E);
    x = Interleave(h.x, X);
    params = Pad(h.params, M::kParams);
    cpl = Pad(h.cpl, kMaxCouplingParams);
    if (!h.g.empty()) {
      g = Pad(h.g, M::kState);
      seeds = Pad(h.seeds, 1);
    }
  }

  double RingBytes(const RunSpec& run) const { return static_cast<double>(H) * M::kCvar * run.nodes * sizeof(float) * padded; }

 private:
  template <class T>
  std::vector<T> Interleave(const std::vector<T>& a, int64_t size) const {
    std::vector<T> out(static_cast<size_t>(padded * size));
    for (int64_t q = 0; q < padded; q++) {
      const int64_t p = std::min(q, P - 1);
      for (int64_t k = 0; k < size; k++) out[LaneAt<W>(static_cast<int32_t>(q), size, k)] = a[p * size + k];
    }
    return out;
  }
  template <class T>
  std::vector<T> Pad(const std::vector<T>& a, int64_t size) const {
    std::vector<T> out(a.begin(), a.begin() + P * size);
    for (int64_t q = P; q < padded; q++) out.insert(out.end(), a.begin() + (P - 1) * size, a.begin() + P * size);
    if (out.empty()) out.resize(1);
    return out;
  }
};

}  // namespace l2l_tvb
