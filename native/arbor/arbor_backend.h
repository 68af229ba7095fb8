// What the addon's exports need from Arbor, in both builds (native/arbor/CMakeLists.txt): with
// Arbor, arbor_backend.cc answers through its C++ API; without it, arbor_absent.cc says so.
#pragma once

#include <napi.h>

#include <string>
#include <utility>
#include <vector>

namespace l2l_arbor {

struct BackendStatus {
  bool built = false;
  std::string version;  // Arbor's, when built
  std::string reason;   // why not, when not built: what to do about it
};

BackendStatus Status();

// The default catalogue's density mechanisms, by name, each with the names of the parameters run()
// can set (its PARAMETERs and GLOBALs, sorted).
std::vector<std::pair<std::string, std::vector<std::string>>> DensityMechanisms();

// run(spec, options, control?) -> Promise<{traces, finished}>; rejects with `error_class`.
Napi::Value Run(const Napi::CallbackInfo& info, Napi::Function error_class);

}  // namespace l2l_arbor
