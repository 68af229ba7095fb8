#pragma once

#include <napi.h>

#include <string>

namespace l2l_mpi {

// Per-Node-environment state: constructors, the JS error class handed in at init, the world
// communicator object, and the identity that every error message carries. Kept per environment
// (not static) because each worker thread that loads the addon has its own JS heap.
struct AddonData {
  Napi::FunctionReference communicator_ctor;
  Napi::FunctionReference request_ctor;
  Napi::FunctionReference error_class;
  Napi::ObjectReference world;
  int world_rank = -1;
  int world_size = 0;
  std::string host;
  bool cleanup_hook_added = false;

  static AddonData& Of(Napi::Env env) { return *env.GetInstanceData<AddonData>(); }
};

}  // namespace l2l_mpi
