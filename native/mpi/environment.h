#pragma once

#include <napi.h>

namespace l2l_mpi {

// Process lifetime of MPI: init, finalize, identity, clocks, and the world communicator.
// MPI state is per process, so the flags here are static; JS handles live in AddonData.
class Environment {
 public:
  static void Register(Napi::Env env, Napi::Object exports);

  // Throws a usage error unless MPI is initialized and not yet finalized.
  static void RequireActive(Napi::Env env);

 private:
  static Napi::Value Init(const Napi::CallbackInfo& info);
  static Napi::Value Initialized(const Napi::CallbackInfo& info);
  static Napi::Value Finalized(const Napi::CallbackInfo& info);
  static Napi::Value Finalize(const Napi::CallbackInfo& info);
  static Napi::Value ProcessorName(const Napi::CallbackInfo& info);
  static Napi::Value LibraryVersion(const Napi::CallbackInfo& info);
  static Napi::Value Wtime(const Napi::CallbackInfo& info);
  static Napi::Value World(const Napi::CallbackInfo& info);

  static void Start(Napi::Env env, int required);
  static void Adopt(Napi::Env env);
  static void FinalizeOnce();
  static void OnEnvironmentCleanup(napi_env env);
};

}  // namespace l2l_mpi
