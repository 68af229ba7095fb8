// The Arbor side of a build made without Arbor (native/arbor/CMakeLists.txt found no arbor package):
// status() says so and what to do, mechanisms() is empty, run() rejects with that reason.
#include "arbor_backend.h"

namespace l2l_arbor {

BackendStatus Status() {
  BackendStatus s;
  s.reason = "this build has no Arbor: CMake found no arbor package; install Arbor and rebuild with ARBOR_DIR=<its prefix> (npm run build:native)";
  return s;
}

std::vector<std::pair<std::string, std::vector<std::string>>> DensityMechanisms() { return {}; }

Napi::Value Run(const Napi::CallbackInfo& info, Napi::Function error_class) {
  Napi::Env env = info.Env();
  auto deferred = Napi::Promise::Deferred::New(env);
  deferred.Reject(error_class.New({Napi::String::New(env, Status().reason)}));
  return deferred.Promise();
}

}  // namespace l2l_arbor
