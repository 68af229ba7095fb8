// The CUDA engine of l2l_tvb: many parameter sets (instances) per launch, a thread block per group of
// W instances (its lanes), threadIdx.x the lane and threadIdx.y over the nodes: a warp's threads step
// one node of W instances (W = 32) or a few nodes of 8 (W = 8), or 32 nodes of one instance (W = 1,
// for calls too small to fill the device otherwise); the arithmetic is instance_kernel.h's (the
// equations, TVB's conventions and the order of operations are simulation.h's), with delay, ring and
// state interleaved over the lanes so that a warp's reads of the history coalesce. A launch runs up to
// kStepsPerLaunch steps, each two phases apart by __syncthreads (the coupling and Heun step of every
// node, then the ring and the samples), so a cancel is seen and progress published between launches.
// Built whenever CMake finds nvcc (native/tvb/CMakeLists.txt); without a device, CudaStatus() says why
// and the optimizee runs the CPU kernel.
#include <cuda_runtime.h>

#include <cstdlib>
#include <stdexcept>
#include <string>

#include "instance_kernel.h"

namespace l2l_tvb {

namespace {

constexpr int64_t kStepsPerLaunch = 2048;

void Check(cudaError_t e, const char* what) {
  if (e == cudaSuccess) return;
  cudaGetLastError();  // clear it, so the next call starts clean
  throw std::runtime_error(std::string("CUDA, ") + what + ": " + cudaGetErrorString(e));
}

// A device array, freed with its owner.
template <class T>
class DeviceArray {
 public:
  DeviceArray(size_t n, const char* what) : n_(n) {
    if (n_ > 0) Check(cudaMalloc(reinterpret_cast<void**>(&p_), n_ * sizeof(T)), what);
  }
  DeviceArray(const std::vector<T>& host, const char* what) : DeviceArray(host.size(), what) {
    if (n_ > 0) Check(cudaMemcpy(p_, host.data(), n_ * sizeof(T), cudaMemcpyHostToDevice), what);
  }
  DeviceArray(const DeviceArray&) = delete;
  DeviceArray& operator=(const DeviceArray&) = delete;
  ~DeviceArray() {
    if (p_ != nullptr) cudaFree(p_);
  }
  T* get() const { return p_; }

 private:
  size_t n_ = 0;
  T* p_ = nullptr;
};

template <class M, int W>
__global__ void InitKernel(InstanceView v) {
  const int32_t p = blockIdx.x * W + threadIdx.x;
  for (int32_t i = threadIdx.y; i < v.nodes; i += blockDim.y) InitNode<M, W>(v, p, i);
}

template <class M, int W>
__global__ void StepKernel(InstanceView v, int64_t n0, int64_t n1) {
  const int32_t p = blockIdx.x * W + threadIdx.x;
  for (int64_t n = n0; n < n1; n++) {
    for (int32_t i = threadIdx.y; i < v.nodes; i += blockDim.y) StepNode<M, W>(v, p, n, i);
    __syncthreads();  // every read of the ring for step n is done
    for (int32_t i = threadIdx.y; i < v.nodes; i += blockDim.y) StoreNode<M, W>(v, p, n, i);
    __syncthreads();  // the ring holds step n + 1
  }
}

// The device this rank uses: its local rank (Open MPI, Slurm) modulo the devices it sees.
int PickDevice(int count) {
  for (const char* name : {"OMPI_COMM_WORLD_LOCAL_RANK", "SLURM_LOCALID"}) {
    const char* v = std::getenv(name);
    if (v != nullptr && *v != '\0') return std::atoi(v) % count;
  }
  return 0;
}

template <class M, int W>
void SimulateCudaLanes(const RunSpec& run, l2l::CallControl& control, RunOutput& out) {
  const int32_t P = run.instances, N = run.nodes;
  const InstanceHost<M> instances(run, 0, P);
  const LaneHost<M, W> host(instances);
  const size_t nobs = run.record_state.size();
  // the padding lanes' samples land past the real ones and are not copied back
  const size_t observed_size = static_cast<size_t>(host.padded) * out.samples * nobs * N;
  const double need = host.RingBytes(run) + static_cast<double>(observed_size) * sizeof(double) +
                      static_cast<double>(host.x.size() + host.params.size() + host.cpl.size() + host.g.size()) * sizeof(double) +
                      static_cast<double>(host.delay.size()) * sizeof(int32_t);
  size_t free_bytes = 0, total_bytes = 0;
  Check(cudaMemGetInfo(&free_bytes, &total_bytes), "reading the free memory");
  if (need > 0.9 * static_cast<double>(free_bytes)) {
    throw std::runtime_error("engine cuda: this call needs " + std::to_string(need / 1e9) + " GB of device memory and " + std::to_string(free_bytes / 1e9) +
                             " GB are free: fewer instances per call (dispatch.batch), a longer sample_ms or a shorter duration");
  }
  DeviceArray<int32_t> row_start(run.row_start, "copying the connectome"), source(run.source, "copying the connectome");
  DeviceArray<float> weight(run.weight, "copying the connectome");
  DeviceArray<int32_t> delay(host.delay, "copying the delays");
  DeviceArray<double> x(host.x, "copying the initial state"), params(host.params, "copying the parameters"), cpl(host.cpl, "copying the coupling"), g(host.g, "copying the noise");
  DeviceArray<uint64_t> seeds(host.seeds, "copying the seeds");
  DeviceArray<int32_t> record_state(run.record_state, "copying the recorded state");
  DeviceArray<float> ring(static_cast<size_t>(host.RingBytes(run) / sizeof(float)), "allocating the history");
  DeviceArray<double> observed(observed_size, "allocating the samples");
  InstanceView v = RunView(run, host.H, out.samples);
  v.row_start = row_start.get();
  v.source = source.get();
  v.weight = weight.get();
  v.record_state = record_state.get();
  v.delay = delay.get();
  v.ring = ring.get();
  v.x = x.get();
  v.params = params.get();
  v.cpl = cpl.get();
  v.g = host.g.empty() ? nullptr : g.get();
  v.seeds = host.seeds.empty() ? nullptr : seeds.get();
  v.observed = observed.get();
  // W lanes by up to 256 / W threads over the nodes (W = 1: whole warps of nodes)
  const dim3 block(W, W == 1 ? std::min(256, (N + 31) / 32 * 32) : std::min(256 / W, N));
  const unsigned blocks = static_cast<unsigned>(host.padded / W);
  InitKernel<M, W><<<blocks, block>>>(v);
  Check(cudaGetLastError(), "starting the kernel");
  for (int64_t n0 = 0; n0 < run.steps; n0 += kStepsPerLaunch) {
    const int64_t n1 = std::min(run.steps, n0 + kStepsPerLaunch);
    StepKernel<M, W><<<blocks, block>>>(v, n0, n1);
    Check(cudaGetLastError(), "starting the kernel");
    Check(cudaDeviceSynchronize(), "running the kernel");
    control.Add(static_cast<uint64_t>(P) * static_cast<uint64_t>(n1 - n0));
    if (n1 < run.steps && control.Cancelled()) return;  // nothing finished: every instance is cut short
  }
  if (!out.observed.empty()) Check(cudaMemcpy(out.observed.data(), observed.get(), out.observed.size() * sizeof(double), cudaMemcpyDeviceToHost), "copying the samples back");
  std::fill(out.finished.begin(), out.finished.end(), 1);
}

template <class M>
void SimulateCudaModel(const RunSpec& run, l2l::CallControl& control, RunOutput& out) {
  const GpuStatus status = CudaStatus();
  if (status.devices == 0) throw std::runtime_error("engine cuda: " + status.reason);
  const int device = PickDevice(status.devices);
  Check(cudaSetDevice(device), "choosing the device");
  int sms = 1;
  Check(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device), "reading the multiprocessor count");
  const int32_t lanes = run.lanes != 0 ? run.lanes : DeviceLanes(run.instances, sms);
  if (lanes == 32) SimulateCudaLanes<M, 32>(run, control, out);
  else if (lanes == 8) SimulateCudaLanes<M, 8>(run, control, out);
  else SimulateCudaLanes<M, 1>(run, control, out);
}

struct CudaEntry {
  const char* name;
  void (*simulate)(const RunSpec&, l2l::CallControl&, RunOutput&);
};

}  // namespace

GpuStatus CudaStatus() {
  GpuStatus s;
  s.built = true;
  int count = 0;
  const cudaError_t e = cudaGetDeviceCount(&count);
  if (e != cudaSuccess) {
    cudaGetLastError();
    s.reason = std::string("no usable CUDA device (") + cudaGetErrorString(e) + ")";
    return s;
  }
  if (count == 0) {
    s.reason = "no CUDA device";
    return s;
  }
  cudaDeviceProp prop;
  if (cudaGetDeviceProperties(&prop, 0) == cudaSuccess) s.device = prop.name;
  s.devices = count;
  return s;
}

void SimulateCuda(const RunSpec& run, l2l::CallControl& control, RunOutput& out) {
#define L2L_TVB_CUDA_ENTRY(S) CudaEntry{S::kName, &SimulateCudaModel<S>},
  static const CudaEntry table[] = {L2L_TVB_MODELS(L2L_TVB_CUDA_ENTRY)};
#undef L2L_TVB_CUDA_ENTRY
  for (const auto& e : table) {
    if (run.model == e.name) return e.simulate(run, control, out);
  }
  throw std::invalid_argument("unknown model '" + run.model + "'");
}

}  // namespace l2l_tvb
