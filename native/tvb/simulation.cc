#include "simulation.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <stdexcept>
#include <thread>

#include "instance_kernel.h"

namespace l2l_tvb {

namespace {

// numpy's pairwise summation of float32 values (numpy/core/src/umath/loops_utils.h.src, ufunc add's
// reduce inner loop), for P lanes at once: below 8 terms in turn from 0; up to 128 in eight
// interleaved partial sums combined as ((0+1)+(2+3))+((4+5)+(6+7)), then the rest in turn; above,
// the two halves (the first a multiple of 8) summed apart.
// a[k * P + p]: term k of lane p; `r` is scratch of 9 * P floats per level of the recursion.
void PairwiseLanes(const float* a, int64_t n, int32_t P, float* out, float* r) {
  if (n < 8) {
    for (int32_t p = 0; p < P; p++) out[p] = 0.0f;
    for (int64_t i = 0; i < n; i++) {
      const float* ai = a + i * P;
      for (int32_t p = 0; p < P; p++) out[p] += ai[p];
    }
    return;
  }
  if (n <= 128) {
    for (int j = 0; j < 8; j++) {
      for (int32_t p = 0; p < P; p++) r[j * P + p] = a[j * P + p];
    }
    int64_t i = 8;
    for (; i < n - (n % 8); i += 8) {
      for (int j = 0; j < 8; j++) {
        const float* ai = a + (i + j) * P;
        float* rj = r + j * P;
        for (int32_t p = 0; p < P; p++) rj[p] += ai[p];
      }
    }
    for (int32_t p = 0; p < P; p++) {
      out[p] = ((r[0 * P + p] + r[1 * P + p]) + (r[2 * P + p] + r[3 * P + p])) + ((r[4 * P + p] + r[5 * P + p]) + (r[6 * P + p] + r[7 * P + p]));
    }
    for (; i < n; i++) {
      const float* ai = a + i * P;
      for (int32_t p = 0; p < P; p++) out[p] += ai[p];
    }
    return;
  }
  int64_t n2 = n / 2;
  n2 -= n2 % 8;
  float* second = r + 8 * P;  // the next level's scratch holds the second half's sum first
  PairwiseLanes(a, n2, P, out, r + 9 * P);
  PairwiseLanes(a + n2 * P, n - n2, P, second, r + 9 * P);
  for (int32_t p = 0; p < P; p++) out[p] += second[p];
}

// How often a cancel is looked at and progress published, in steps.
constexpr int64_t kCheckEvery = 64;

template <class M>
class Block {
 public:
  // Instances [p0, p1) of the run. Every array is lane-major (the instance index innermost), so the
  // loops over instances are contiguous and vectorize; every lane still does its own arithmetic in
  // the order simulation.h states.
  Block(const RunSpec& run, int32_t p0, int32_t p1) : run_(run), p0_(p0), P_(p1 - p0), N_(run.nodes) {
    const int64_t E = static_cast<int64_t>(run.source.size());
    // delays per edge and instance, and the horizon over every pair (zero weights included)
    delay_.resize(E * P_);
    int32_t max_delay = 0;
    for (int32_t p = 0; p < P_; p++) {
      const double speed = run.speed.At(p0_ + p)[0];
      if (!(speed > 0)) throw std::invalid_argument("instance " + std::to_string(p0_ + p) + ": the conduction speed must be positive");
      for (int64_t e = 0; e < E; e++) delay_[e * P_ + p] = DelaySteps(run.length[e], speed, run.dt);
      max_delay = std::max(max_delay, DelaySteps(run.max_length, speed, run.dt));
    }
    // one speed for the block (a sweep of other parameters): one delay per edge, contiguous reads
    uniform_ = true;
    for (int64_t e = 0; e < E && uniform_; e++) {
      for (int32_t p = 1; p < P_; p++) uniform_ = uniform_ && delay_[e * P_ + p] == delay_[e * P_];
    }
    H_ = max_delay + 1;
    if (static_cast<double>(H_) * M::kCvar * N_ * P_ > 4e9) throw std::invalid_argument("the delay history would take more than 16 GB: fewer instances per call, or faster conduction");
    ring_.assign(static_cast<size_t>(H_) * M::kCvar * N_ * P_, 0.0f);
    x_.resize(static_cast<size_t>(M::kState) * N_ * P_);
    for (int32_t p = 0; p < P_; p++) {
      const double* x0 = run.x0.At(p0_ + p);
      for (int s = 0; s < M::kState; s++) {
        for (int32_t i = 0; i < N_; i++) X(s, i, p) = x0[s * N_ + i];
      }
    }
    for (int32_t h = 0; h < H_; h++) WriteRing(h);
    c_.resize(static_cast<size_t>(M::kCvar) * N_ * P_);
    terms_.resize(std::max<int64_t>(1, MaxRow()) * P_);
    sum_.resize(P_);
    scratch_.resize(static_cast<size_t>(9) * P_ * 40);
    // per-instance values, lane-major
    params_.resize(static_cast<size_t>(std::max(1, M::kParams)) * P_);
    for (int32_t p = 0; p < P_; p++) {
      for (int k = 0; k < M::kParams; k++) params_[static_cast<size_t>(k) * P_ + p] = run.params.At(p0_ + p)[k];
    }
    const int np = CouplingParamCount(run.coupling);
    cpl_.assign(static_cast<size_t>(P_) * kMaxCouplingParams, 0.0);
    for (int32_t p = 0; p < P_; p++) std::copy(run.coupling_params.At(p0_ + p), run.coupling_params.At(p0_ + p) + np, cpl_.begin() + static_cast<size_t>(p) * kMaxCouplingParams);
    noisy_ = run.nsig.data != nullptr;
    if (noisy_) {
      g_.resize(static_cast<size_t>(M::kState) * P_);
      for (int32_t p = 0; p < P_; p++) {
        for (int s = 0; s < M::kState; s++) g_[static_cast<size_t>(s) * P_ + p] = std::sqrt(2.0 * run.nsig.At(p0_ + p)[s]);
      }
    }
  }

  // Steps [0, steps); false if cancelled.
  bool Run(l2l::CallControl& control, RunOutput& out) {
    const RunSpec& run = run_;
    const size_t nobs = run.record_state.size();
    const int64_t samples = out.samples;
    const double dt = run.dt, sqrt_dt = std::sqrt(run.dt);
    int64_t unreported = 0;
    for (int64_t n = 0; n < run.steps; n++) {
      if (n % kCheckEvery == 0 && control.Cancelled()) return false;
      Couple(n);
      for (int32_t i = 0; i < N_; i++) {
        double* xi[M::kState];
        const double* ci[M::kCvar];
        for (int s = 0; s < M::kState; s++) xi[s] = &X(s, i, 0);
        for (int v = 0; v < M::kCvar; v++) ci[v] = &C(v, i, 0);
        for (int32_t p = 0; p < P_; p++) {
          double xs[M::kState], xt[M::kState], k1[M::kState], k2[M::kState], cs[M::kCvar], ps[M::kParams > 0 ? M::kParams : 1], gz[M::kState] = {};
          for (int s = 0; s < M::kState; s++) xs[s] = xi[s][p];
          for (int v = 0; v < M::kCvar; v++) cs[v] = ci[v][p];
          for (int k = 0; k < M::kParams; k++) ps[k] = params_[static_cast<size_t>(k) * P_ + p];
          M::Dfun(xs, cs, ps, k1);
          if (noisy_) {
            const uint64_t seed = run.seeds[p0_ + p];
            for (int s = 0; s < M::kState; s++) {
              const double g = g_[static_cast<size_t>(s) * P_ + p];
              gz[s] = g == 0.0 ? 0.0 : g * (sqrt_dt * Normal(seed, n, s, i));
              xt[s] = Clip(s, xs[s] + dt * k1[s] + gz[s]);
            }
          } else {
            for (int s = 0; s < M::kState; s++) xt[s] = Clip(s, xs[s] + dt * k1[s]);
          }
          M::Dfun(xt, cs, ps, k2);
          if (noisy_) {
            for (int s = 0; s < M::kState; s++) xi[s][p] = Clip(s, xs[s] + (k1[s] + k2[s]) * dt / 2.0 + gz[s]);
          } else {
            for (int s = 0; s < M::kState; s++) xi[s][p] = Clip(s, xs[s] + (k1[s] + k2[s]) * dt / 2.0);
          }
        }
      }
      WriteRing((n + 1) % H_);
      if ((n + 1) % run.record_every == 0 && (n + 1) / run.record_every <= samples) {
        const int64_t sample = (n + 1) / run.record_every - 1;
        for (int32_t p = 0; p < P_; p++) {
          double* o = out.observed.data() + ((static_cast<size_t>(p0_ + p) * samples + sample) * nobs) * N_;
          for (size_t r = 0; r < nobs; r++) {
            for (int32_t i = 0; i < N_; i++) o[r * N_ + i] = X(run.record_state[r], i, p);
          }
        }
      }
      unreported += P_;
      if (n % kCheckEvery == kCheckEvery - 1) {
        control.Add(static_cast<uint64_t>(unreported));
        unreported = 0;
      }
    }
    if (unreported > 0) control.Add(static_cast<uint64_t>(unreported));
    return true;
  }

 private:
  double& X(int s, int32_t i, int32_t p) { return x_[(static_cast<size_t>(s) * N_ + i) * P_ + p]; }
  double& C(int v, int32_t i, int32_t p) { return c_[(static_cast<size_t>(v) * N_ + i) * P_ + p]; }
  float* Ring(int32_t h, int v, int32_t i) { return ring_.data() + ((static_cast<size_t>(h) * M::kCvar + v) * N_ + i) * P_; }

  static double Clip(int s, double x) {
    if (!M::kBounded) return x;
    // numpy.clip's order: below the low bound, then above the high one
    if (x < M::kLow[s]) x = M::kLow[s];
    if (x > M::kHigh[s]) x = M::kHigh[s];
    return x;
  }

  int64_t MaxRow() const {
    int64_t m = 0;
    for (int32_t i = 0; i < N_; i++) m = std::max<int64_t>(m, run_.row_start[i + 1] - run_.row_start[i]);
    return m;
  }

  // The coupling variables of the state into history slot h, as float32.
  void WriteRing(int32_t h) {
    for (int v = 0; v < M::kCvar; v++) {
      for (int32_t i = 0; i < N_; i++) {
        float* r = Ring(h, v, i);
        const double* x = &X(M::kCvarState[v], i, 0);
        for (int32_t p = 0; p < P_; p++) r[p] = static_cast<float>(x[p]);
      }
    }
  }

  // The coupling terms of step n.
  void Couple(int64_t n) {
    const RunSpec& run = run_;
    const int32_t now = static_cast<int32_t>(n % H_);
    const bool kuramoto = run.coupling == Coupling::kKuramoto;
    for (int v = 0; v < M::kCvar; v++) {
      for (int32_t i = 0; i < N_; i++) {
        const int32_t e0 = run.row_start[i], e1 = run.row_start[i + 1];
        const int64_t K = e1 - e0;
        const float* xi = Ring(now, v, i);
        // terms_[k][p] = w * pre, float32
        for (int64_t k = 0; k < K; k++) {
          const int64_t e = e0 + k;
          const int32_t j = run.source[e];
          const float w = run.weight[e];
          const int32_t* d = delay_.data() + e * P_;
          float* t = terms_.data() + k * P_;
          if (uniform_) {
            int32_t slot = now - d[0];
            if (slot < 0) slot += H_;
            const float* xj = Ring(slot, v, j);
            // the history rows an edge reads are scattered over the ring: ask for a later edge's now
            if (k + 4 < K) {
              const int64_t f = e + 4;
              int32_t fs = now - delay_[f * P_];
              if (fs < 0) fs += H_;
              const char* row = reinterpret_cast<const char*>(Ring(fs, v, run.source[f]));
              for (int64_t off = 0; off < static_cast<int64_t>(P_ * sizeof(float)); off += 64) __builtin_prefetch(row + off);
            }
            if (kuramoto) {
              for (int32_t p = 0; p < P_; p++) t[p] = w * std::sin(xj[p] - xi[p]);
            } else {
              for (int32_t p = 0; p < P_; p++) t[p] = w * xj[p];
            }
            continue;
          }
          for (int32_t p = 0; p < P_; p++) {
            int32_t slot = now - d[p];
            if (slot < 0) slot += H_;
            const float xj = Ring(slot, v, j)[p];
            t[p] = w * (kuramoto ? std::sin(xj - xi[p]) : xj);
          }
        }
        // numpy's add.reduceat: the first term, plus the pairwise sum of the others
        double* c = &C(v, i, 0);
        const int kind = static_cast<int>(run.coupling);
        if (K == 0) {
          for (int32_t p = 0; p < P_; p++) c[p] = CouplingPost(kind, 0.0f, &cpl_[static_cast<size_t>(p) * kMaxCouplingParams]);
          continue;
        }
        PairwiseLanes(terms_.data() + P_, K - 1, P_, sum_.data(), scratch_.data());
        if (run.coupling == Coupling::kLinear) {
          for (int32_t p = 0; p < P_; p++) c[p] = cpl_[static_cast<size_t>(p) * kMaxCouplingParams] * static_cast<double>(terms_[p] + sum_[p]) + cpl_[static_cast<size_t>(p) * kMaxCouplingParams + 1];
        } else {
          for (int32_t p = 0; p < P_; p++) c[p] = CouplingPost(kind, terms_[p] + sum_[p], &cpl_[static_cast<size_t>(p) * kMaxCouplingParams]);
        }
      }
    }
  }

  const RunSpec& run_;
  const int32_t p0_, P_, N_;
  int32_t H_ = 1;
  bool uniform_ = false, noisy_ = false;
  std::vector<int32_t> delay_;   // edge x instance
  std::vector<float> ring_;      // slot x cvar x node x instance
  std::vector<double> x_;        // state x node x instance
  std::vector<double> c_;        // cvar x node x instance
  std::vector<float> terms_;     // edge of a row x instance
  std::vector<float> sum_, scratch_;
  std::vector<double> params_;   // parameter x instance
  std::vector<double> cpl_;      // instance x kMaxCouplingParams (instance-major: read once per target)
  std::vector<double> g_;        // state x instance: sqrt(2 nsig)
};

// Instances [p0, p1) one after another with the CUDA kernel's arithmetic (instance_kernel.h, one
// instance's arrays contiguous: W = 1), nodes one after another between the barriers. The CPU kernel
// takes this path for a block whose instances have different delays (a speed per instance): a
// lane-major ring then costs a scattered read per edge and lane over every instance's history, where
// one instance at a time reads its own, which stays in cache (about 1.3x faster, bench/RESULTS.md);
// the numbers are the same either way (test/native/tvb-cuda.test.ts). The coupling buffers its terms
// (CoupleNode): the device's sums, faster on a CPU.
template <class M>
void RunInstances(const RunSpec& run, int32_t p0, int32_t p1, l2l::CallControl& control, RunOutput& out) {
  InstanceHost<M> host(run, p0, p1);
  // one instance's ring at a time: the instance's slots are its own
  std::vector<float> ring(static_cast<size_t>(host.H) * M::kCvar * run.nodes);
  std::vector<double> cs(static_cast<size_t>(run.nodes) * M::kCvar);
  int32_t longest = 1;
  for (int32_t i = 0; i < run.nodes; i++) longest = std::max(longest, run.row_start[i + 1] - run.row_start[i]);
  std::vector<float> terms(longest);
  float* buffer = terms.data();
  InstanceView v = RunView(run, host.H, out.samples);
  v.ring = ring.data();
  for (int32_t p = 0; p < p1 - p0; p++) {
    // a view of this instance alone: its instance index 0
    v.delay = host.delay.data() + static_cast<size_t>(p) * v.edges;
    v.x = host.x.data() + static_cast<size_t>(p) * M::kState * run.nodes;
    v.params = host.params.data() + static_cast<size_t>(p) * M::kParams;
    v.cpl = host.cpl.data() + static_cast<size_t>(p) * kMaxCouplingParams;
    v.g = host.g.empty() ? nullptr : host.g.data() + static_cast<size_t>(p) * M::kState;
    v.seeds = host.seeds.empty() ? nullptr : host.seeds.data() + p;
    v.observed = out.observed.data() + static_cast<size_t>(p0 + p) * out.samples * run.record_state.size() * run.nodes;
    for (int32_t i = 0; i < run.nodes; i++) InitNode<M>(v, 0, i);
    int64_t unreported = 0;
    for (int64_t n = 0; n < run.steps; n++) {
      if (n % kCheckEvery == 0) {
        if (control.Cancelled()) return;
        control.Add(static_cast<uint64_t>(unreported));
        unreported = 0;
      }
      // every node's coupling first, then every node's Heun step (a loop the compiler may vectorize)
      for (int32_t i = 0; i < run.nodes; i++) CoupleNode<M>(v, 0, n, i, &cs[static_cast<size_t>(i) * M::kCvar], buffer);
      for (int32_t i = 0; i < run.nodes; i++) HeunNode<M>(v, 0, n, i, &cs[static_cast<size_t>(i) * M::kCvar]);
      for (int32_t i = 0; i < run.nodes; i++) StoreNode<M>(v, 0, n, i);
      unreported++;
    }
    control.Add(static_cast<uint64_t>(unreported));
    out.finished[p0 + p] = 1;
  }
}

// Engine cuda-code-on-cpu: the CUDA kernel as the device runs it, on one host thread: the device's
// layout (LaneHost: groups of W lanes, delay, ring and state interleaved), its streamed sums, and every
// thread of a group's block in turn between the barriers. A machine without a GPU tests the device's
// indexing and arithmetic with it (test/native/tvb-cuda.test.ts). Slow.
template <class M, int W>
void RunDeviceCodeOnHost(const RunSpec& run, l2l::CallControl& control, RunOutput& out) {
  for (int32_t p = 0; p < run.instances; p++) {
    if (!(run.speed.At(p)[0] > 0)) throw std::invalid_argument("instance " + std::to_string(p) + ": the conduction speed must be positive");
  }
  const InstanceHost<M> host(run, 0, run.instances);
  LaneHost<M, W> lanes(host);
  const int64_t nobs = static_cast<int64_t>(run.record_state.size());
  std::vector<float> ring(static_cast<size_t>(lanes.RingBytes(run) / sizeof(float)));
  // the padding lanes' samples land past the real ones and are dropped
  std::vector<double> observed(static_cast<size_t>(lanes.padded * out.samples * nobs * run.nodes));
  InstanceView v = RunView(run, lanes.H, out.samples);
  v.delay = lanes.delay.data();
  v.ring = ring.data();
  v.x = lanes.x.data();
  v.params = lanes.params.data();
  v.cpl = lanes.cpl.data();
  v.g = lanes.g.empty() ? nullptr : lanes.g.data();
  v.seeds = lanes.seeds.empty() ? nullptr : lanes.seeds.data();
  v.observed = observed.data();
  for (int64_t p0 = 0; p0 < lanes.padded; p0 += W) {
    const int32_t q0 = static_cast<int32_t>(p0);
    for (int32_t q = q0; q < q0 + W; q++) {
      for (int32_t i = 0; i < run.nodes; i++) InitNode<M, W>(v, q, i);
    }
    for (int64_t n = 0; n < run.steps; n++) {
      if (n % kCheckEvery == 0 && control.Cancelled()) return;
      for (int32_t q = q0; q < q0 + W; q++) {
        for (int32_t i = 0; i < run.nodes; i++) StepNode<M, W>(v, q, n, i);
      }
      // the barrier: every read of the ring for step n is done
      for (int32_t q = q0; q < q0 + W; q++) {
        for (int32_t i = 0; i < run.nodes; i++) StoreNode<M, W>(v, q, n, i);
      }
    }
    const int64_t real = std::min<int64_t>(W, run.instances - p0);
    control.Add(static_cast<uint64_t>(real * run.steps));
    const size_t per = static_cast<size_t>(out.samples * nobs * run.nodes);
    std::copy(observed.begin() + p0 * per, observed.begin() + (p0 + real) * per, out.observed.begin() + p0 * per);
    std::fill(out.finished.begin() + p0, out.finished.begin() + p0 + real, 1);
  }
}

// Whether instances [p0, p1) share every delay (then the lane-major kernel reads contiguous history).
bool UniformDelays(const RunSpec& run, int32_t p0, int32_t p1) {
  for (int32_t p = p0 + 1; p < p1; p++) {
    const double s0 = run.speed.At(p0)[0], s = run.speed.At(p)[0];
    if (s == s0) continue;
    if (DelaySteps(run.max_length, s, run.dt) != DelaySteps(run.max_length, s0, run.dt)) return false;
    for (size_t e = 0; e < run.length.size(); e++) {
      if (DelaySteps(run.length[e], s, run.dt) != DelaySteps(run.length[e], s0, run.dt)) return false;
    }
  }
  return true;
}

// Threads over blocks of instances, each block on the lane-major kernel (one set of delays) or one
// instance at a time (RunInstances: delays per instance).
template <class M>
void SimulateModel(const RunSpec& run, l2l::CallControl& control, RunOutput& out) {
  const int32_t threads = std::max(1, std::min(run.threads, run.instances));
  std::vector<std::exception_ptr> errors(threads);
  auto work = [&](int32_t t) {
    const int32_t p0 = static_cast<int32_t>(static_cast<int64_t>(run.instances) * t / threads);
    const int32_t p1 = static_cast<int32_t>(static_cast<int64_t>(run.instances) * (t + 1) / threads);
    try {
      for (int32_t p = p0; p < p1; p++) {
        if (!(run.speed.At(p)[0] > 0)) throw std::invalid_argument("instance " + std::to_string(p) + ": the conduction speed must be positive");
      }
      if (!UniformDelays(run, p0, p1)) {
        RunInstances<M>(run, p0, p1, control, out);
        return;
      }
      Block<M> block(run, p0, p1);
      if (block.Run(control, out)) std::fill(out.finished.begin() + p0, out.finished.begin() + p1, 1);
    } catch (...) {
      errors[t] = std::current_exception();
    }
  };
  std::vector<std::thread> pool;
  for (int32_t t = 1; t < threads; t++) pool.emplace_back(work, t);
  work(0);
  for (auto& th : pool) th.join();
  for (auto& e : errors) if (e) std::rethrow_exception(e);
}

template <class M>
void SimulateCudaCodeOnCpu(const RunSpec& run, l2l::CallControl& control, RunOutput& out) {
  // lanes by the instance count as on a device of kHostMultiprocessors
  const int32_t lanes = run.lanes != 0 ? run.lanes : DeviceLanes(run.instances, kHostMultiprocessors);
  if (lanes == 32) RunDeviceCodeOnHost<M, 32>(run, control, out);
  else if (lanes == 8) RunDeviceCodeOnHost<M, 8>(run, control, out);
  else RunDeviceCodeOnHost<M, 1>(run, control, out);
}

struct Entry {
  ModelInfo info;
  void (*simulate)(const RunSpec&, l2l::CallControl&, RunOutput&);
  void (*cuda_code_on_cpu)(const RunSpec&, l2l::CallControl&, RunOutput&);
};

const std::vector<Entry>& Table() {
#define L2L_TVB_ENTRY(S) Entry{ModelInfo{S::kName, S::kState, S::kCvar, S::kParams}, &SimulateModel<S>, &SimulateCudaCodeOnCpu<S>},
  static const std::vector<Entry> table = {L2L_TVB_MODELS(L2L_TVB_ENTRY)};
#undef L2L_TVB_ENTRY
  return table;
}

}  // namespace

std::vector<ModelInfo> Models() {
  std::vector<ModelInfo> out;
  for (const auto& e : Table()) out.push_back(e.info);
  return out;
}

void Simulate(const RunSpec& run, l2l::CallControl& control, RunOutput& out) {
  for (const auto& e : Table()) {
    if (run.model != e.info.name) continue;
    if (run.instances < 1 || run.nodes < 1 || run.steps < 0 || run.record_every < 1) throw std::invalid_argument("instances and nodes must be at least 1, steps at least 0, record_every at least 1");
    out.samples = run.steps / run.record_every;
    out.observed.assign(static_cast<size_t>(run.instances) * out.samples * run.record_state.size() * run.nodes, 0.0);
    out.finished.assign(run.instances, 0);
    control.SetTotal(static_cast<double>(run.steps) * run.instances);
    if (run.engine == Engine::kCuda) SimulateCuda(run, control, out);
    else if (run.engine == Engine::kCudaCodeOnCpu) e.cuda_code_on_cpu(run, control, out);
    else e.simulate(run, control, out);
    if (run.fc_from >= 0) FunctionalConnectivity(run, out);
    return;
  }
  throw std::invalid_argument("unknown model '" + run.model + "'");
}

}  // namespace l2l_tvb
