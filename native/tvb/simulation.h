// One call of the neural-mass network kernel: `instances` parameter sets of one model (a struct
// generated from native/tvb/models/<name>.yaml) on one connectome, each integrated on its own, as TVB
// integrates one (docs/tvb.md has the conventions and why):
//
//   delays     d_ij = rint((L_ij / speed) / dt) steps (per instance: the speed is a parameter);
//   history    a ring of float32 coupling variables, x(t <= 0) = x0; after the step that makes x(t_{n+1})
//              its slot (n + 1) mod H holds float32(x_cvar(t_{n+1}));
//   coupling   once per step, at t_n, for target i and coupling variable v:
//                s_i = sum over the non-zero sources j of row i, ascending, of float32 w_ij * pre,
//                pre = x_j(t_n - d_ij) (linear) or sin(x_j(t_n - d_ij) - x_i(t_n)) (Kuramoto), all in
//                float32, summed as numpy's add.reduceat sums (the first term, then numpy's pairwise sum
//                of the rest);  c_i = post(s_i) in float64: a s_i + b (linear), a s_i (Kuramoto), or
//                cmin + (cmax - cmin) / (1 + exp(-a (s_i - midpoint) / sigma)) (sigmoidal, TVB's Sigmoidal);
//   Heun       k1 = f(x_n, c); x~ = clip(x_n + dt k1); k2 = f(x~, c); x_{n+1} = clip(x_n + (k1 + k2) dt / 2),
//              the same c in both stages; clip to the model's bounds;
//   noise      (stochastic Heun, TVB's HeunStochastic with additive noise) one draw per step and state
//              variable and node, g z with g = sqrt(2 nsig) and z = sqrt(dt) N(0, 1), added to both
//              stages: x~ = clip(x_n + dt k1 + g z), x_{n+1} = clip(x_n + (k1 + k2) dt / 2 + g z).
//              N(0, 1) by Box-Muller from a counter-based stream keyed by (seed, step, state variable,
//              node), so a draw does not depend on the thread or the instance layout (TVB draws from
//              numpy's RandomState: the statistics agree, the samples cannot).
//
// Instances are independent, so threads take blocks of them (the numbers do not depend on the count).
// Engines: the CPU kernel (simulation.cc, vectorized across instances), the CUDA kernel
// (cuda_simulation.cu, a thread block per instance; instance_kernel.h), and that CUDA kernel's code run
// on the host (to test it where there is no GPU).
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "../common/call_control.h"

namespace l2l_tvb {

enum class Coupling { kLinear = 0, kKuramoto = 1, kSigmoidal = 2 };

// The coupling function's parameters, in order: linear {a, b}, kuramoto {a}, sigmoidal {cmin, cmax,
// midpoint, a, sigma}.
inline int CouplingParamCount(Coupling c) { return c == Coupling::kLinear ? 2 : c == Coupling::kKuramoto ? 1 : 5; }

enum class Engine { kCpu = 0, kCuda = 1, kCudaCodeOnCpu = 2 };

// A per-run array given once for all instances (stride 0) or per instance (stride = its length).
struct PerInstance {
  const double* data = nullptr;
  int64_t stride = 0;
  const double* At(int64_t instance) const { return data + instance * stride; }
};

struct RunSpec {
  std::string model;
  int32_t nodes = 0;
  int32_t instances = 1;
  int64_t steps = 0;
  int32_t threads = 1;
  double dt = 0.1;
  // the connectome, by target row: sources ascending, non-zero weights only (float32, as TVB holds them)
  std::vector<int32_t> row_start;  // nodes + 1
  std::vector<int32_t> source;
  std::vector<float> weight;
  std::vector<double> length;      // tract length of each of those edges (mm)
  double max_length = 0;           // over every pair, zero weights included (TVB's horizon)
  PerInstance speed;               // mm/ms, 1 value
  Coupling coupling = Coupling::kLinear;
  PerInstance coupling_params;     // CouplingParamCount(coupling) values
  Engine engine = Engine::kCpu;
  int32_t lanes = 0;               // the device layout's lanes per group (1, 8 or 32; 0: by the instance count)
  PerInstance params;              // the model's parameters, in the model file's order
  PerInstance x0;                  // state x nodes, state-major: the state at t <= 0
  PerInstance nsig;                // per state variable (null: deterministic Heun)
  std::vector<uint64_t> seeds;     // per instance, with nsig
  int32_t record_every = 1;        // steps between samples of the observables
  std::vector<int32_t> record_state;  // the state variables recorded
  // The functional connectivity of each finished instance, of the first recorded state variable over
  // samples [fc_from, samples) (-1: none), and which regions are flat (src/optimizees/tvb/fc.ts has the
  // definitions, and fc_flat is its FLAT)
  int64_t fc_from = -1;
  double fc_flat = 0;
};

// A tract's delay in steps, TVB's rounding: rint((length / speed) / dt). Every kernel computes its delays
// here, so that they agree on every edge.
inline int32_t DelaySteps(double length, double speed, double dt) {
  return static_cast<int32_t>(std::nearbyint((length / speed) / dt));
}

struct RunOutput {
  int64_t samples = 0;
  // instances x samples x record_state.size() x nodes: x at the end of every record_every-th step
  std::vector<double> observed;
  // per instance: 1 when integrated to the end (0: a cancel stopped it first)
  std::vector<uint8_t> finished;
  // with fc_from >= 0: instances x nodes x nodes, and instances x nodes (1: flat); zeros where unfinished
  std::vector<double> fc;
  std::vector<uint8_t> flat;
};

// The models this build knows (generated from native/tvb/models).
struct ModelInfo {
  const char* name;
  int state, cvar, params;
};
std::vector<ModelInfo> Models();

// Runs the call; throws std::exception with a one-line reason.
void Simulate(const RunSpec& run, l2l::CallControl& control, RunOutput& out);

// Whether this build has the CUDA kernel and this machine a device for it.
struct GpuStatus {
  bool built = false;     // compiled with nvcc
  int devices = 0;        // usable CUDA devices
  std::string device;     // the first one's name
  std::string reason;     // why there is none, when devices == 0
};
GpuStatus CudaStatus();

// Every finished instance's FC into out.fc and out.flat (run.fc_from >= 0; fc.cc), threads over instances.
void FunctionalConnectivity(const RunSpec& run, RunOutput& out);

// The CUDA engine (cuda_simulation.cu; without nvcc, cuda_absent.cc, which throws).
void SimulateCuda(const RunSpec& run, l2l::CallControl& control, RunOutput& out);

}  // namespace l2l_tvb
