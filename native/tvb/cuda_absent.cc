// The CUDA engine of a build made without nvcc (native/tvb/CMakeLists.txt): says so.
#include <stdexcept>

#include "simulation.h"

namespace l2l_tvb {

GpuStatus CudaStatus() {
  GpuStatus s;
  s.reason = "this build of l2l_tvb has no CUDA kernel (CMake found no nvcc on PATH when it was built)";
  return s;
}

void SimulateCuda(const RunSpec&, l2l::CallControl&, RunOutput&) { throw std::runtime_error("engine cuda: " + CudaStatus().reason); }

}  // namespace l2l_tvb
