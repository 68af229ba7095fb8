#include "environment.h"

#include <mpi.h>

#include <cstdlib>
#include <string>

#include "addon_data.h"
#include "communicator.h"
#include "error_reporter.h"

namespace l2l_mpi {

namespace {

// The Node environment whose init() started MPI: only its cleanup hook may finalize, so a worker
// thread that loaded the addon and exits does not finalize MPI under the main thread.
napi_env g_owner = nullptr;
bool g_finalized_by_us = false;
// Cached so the hot path (tryRecv, testSends) does not query MPI's bootstrap lock on every call.
bool g_active = false;

const char* const kLevels[] = {"single", "funneled", "serialized", "multiple"};
const int kLevelValues[] = {MPI_THREAD_SINGLE, MPI_THREAD_FUNNELED, MPI_THREAD_SERIALIZED,
                            MPI_THREAD_MULTIPLE};

const char* LevelName(int value) {
  for (int i = 0; i < 4; ++i) {
    if (kLevelValues[i] == value) return kLevels[i];
  }
  return "single";
}

bool IsInitialized() {
  int flag = 0;
  MPI_Initialized(&flag);
  return flag != 0;
}

bool IsFinalized() {
  int flag = 0;
  MPI_Finalized(&flag);
  return flag != 0;
}

}  // namespace

void Environment::Register(Napi::Env env, Napi::Object exports) {
  exports.Set("init", Napi::Function::New<Init>(env, "init"));
  exports.Set("initialized", Napi::Function::New<Initialized>(env, "initialized"));
  exports.Set("finalized", Napi::Function::New<Finalized>(env, "finalized"));
  exports.Set("finalize", Napi::Function::New<Finalize>(env, "finalize"));
  exports.Set("processorName", Napi::Function::New<ProcessorName>(env, "processorName"));
  exports.Set("libraryVersion", Napi::Function::New<LibraryVersion>(env, "libraryVersion"));
  exports.Set("wtime", Napi::Function::New<Wtime>(env, "wtime"));
  exports.Set("world", Napi::Function::New<World>(env, "world"));
  exports.Set("ANY_SOURCE", Napi::Number::New(env, MPI_ANY_SOURCE));
  exports.Set("ANY_TAG", Napi::Number::New(env, MPI_ANY_TAG));
}

void Environment::RequireActive(Napi::Env env) {
  if (g_active) return;
  if (g_finalized_by_us || IsFinalized()) ErrorReporter::Usage(env, "MPI has been finalized");
  ErrorReporter::Usage(env, "MPI is not initialized: call init() first");
}

Napi::Value Environment::Init(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsString()) throw Napi::TypeError::New(env, "threadLevel must be a string");
  if (!info[1].IsFunction()) throw Napi::TypeError::New(env, "errorClass must be a constructor");
  std::string level = info[0].As<Napi::String>();
  int required = -1;
  for (int i = 0; i < 4; ++i) {
    if (level == kLevels[i]) required = kLevelValues[i];
  }
  if (required < 0) {
    throw Napi::RangeError::New(env, "threadLevel must be single, funneled, serialized or multiple");
  }
  if (IsFinalized()) ErrorReporter::Usage(env, "MPI has been finalized and cannot be initialized again");

  AddonData& data = AddonData::Of(env);
  data.error_class = Napi::Persistent(info[1].As<Napi::Function>());
  // A second init, or MPI started by another library in this process (mpi4py, NEURON), is adopted.
  if (!IsInitialized()) Start(env, required);
  if (data.world.IsEmpty()) Adopt(env);
  g_active = true;

  int provided = MPI_THREAD_SINGLE;
  ErrorReporter::Check(env, MPI_Query_thread(&provided), "MPI_Query_thread");
  return Napi::String::New(env, LevelName(provided));
}

void Environment::Start(Napi::Env env, int required) {
  int provided = 0;
  // MPI_Init runs under MPI_ERRORS_ARE_FATAL; a failure here aborts inside MPI, as it must.
  ErrorReporter::Check(env, MPI_Init_thread(nullptr, nullptr, required, &provided), "MPI_Init_thread");
  g_owner = env;
  // Last resort for process.exit() with no JS 'exit' handler: Node then skips environment cleanup
  // hooks, and a rank that exits unfinalized makes mpirun print its banner and fail the job.
  std::atexit(FinalizeOnce);
  AddonData& data = AddonData::Of(env);
  if (!data.cleanup_hook_added) {
    data.cleanup_hook_added = true;
    NAPI_THROW_IF_FAILED_VOID(env, napi_add_env_cleanup_hook(env, [](void* arg) {
      OnEnvironmentCleanup(static_cast<napi_env>(arg));
    }, static_cast<void*>(static_cast<napi_env>(env))));
  }
}

void Environment::Adopt(Napi::Env env) {
  AddonData& data = AddonData::Of(env);
  ErrorReporter::Check(env, MPI_Comm_set_errhandler(MPI_COMM_SELF, MPI_ERRORS_RETURN),
                       "MPI_Comm_set_errhandler");
  ErrorReporter::Check(env, MPI_Comm_rank(MPI_COMM_WORLD, &data.world_rank), "MPI_Comm_rank");
  ErrorReporter::Check(env, MPI_Comm_size(MPI_COMM_WORLD, &data.world_size), "MPI_Comm_size");
  char name[MPI_MAX_PROCESSOR_NAME];
  int length = 0;
  ErrorReporter::Check(env, MPI_Get_processor_name(name, &length), "MPI_Get_processor_name");
  data.host.assign(name, length);
  // The Communicator constructor installs MPI_ERRORS_RETURN on MPI_COMM_WORLD.
  data.world = Napi::Persistent(Communicator::Create(env, MPI_COMM_WORLD, false));
}

Napi::Value Environment::Initialized(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), IsInitialized());
}

Napi::Value Environment::Finalized(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), g_finalized_by_us || IsFinalized());
}

Napi::Value Environment::Finalize(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!IsInitialized()) ErrorReporter::Usage(env, "MPI is not initialized: nothing to finalize");
  // Finalizing twice is erroneous in MPI; the second call (JS exit handler, cleanup hook) is a no-op.
  if (g_finalized_by_us || IsFinalized()) return env.Undefined();
  g_finalized_by_us = true;
  g_active = false;
  ErrorReporter::Check(env, MPI_Finalize(), "MPI_Finalize");
  return env.Undefined();
}

void Environment::FinalizeOnce() {
  if (g_finalized_by_us || !IsInitialized() || IsFinalized()) return;
  g_finalized_by_us = true;
  g_active = false;
  MPI_Finalize();
}

void Environment::OnEnvironmentCleanup(napi_env env) {
  if (env == g_owner) FinalizeOnce();
}

Napi::Value Environment::ProcessorName(const Napi::CallbackInfo& info) {
  RequireActive(info.Env());
  return Napi::String::New(info.Env(), AddonData::Of(info.Env()).host);
}

Napi::Value Environment::LibraryVersion(const Napi::CallbackInfo& info) {
  char version[MPI_MAX_LIBRARY_VERSION_STRING];
  int length = 0;
  // Allowed before MPI_Init, so callers can report the library even when init fails.
  ErrorReporter::Check(info.Env(), MPI_Get_library_version(version, &length), "MPI_Get_library_version");
  while (length > 0 && (version[length - 1] == '\n' || version[length - 1] == '\0')) --length;
  return Napi::String::New(info.Env(), version, length);
}

Napi::Value Environment::Wtime(const Napi::CallbackInfo& info) {
  RequireActive(info.Env());
  return Napi::Number::New(info.Env(), MPI_Wtime());
}

Napi::Value Environment::World(const Napi::CallbackInfo& info) {
  RequireActive(info.Env());
  AddonData& data = AddonData::Of(info.Env());
  if (data.world.IsEmpty()) ErrorReporter::Usage(info.Env(), "MPI is not initialized: call init() first");
  return data.world.Value();
}

}  // namespace l2l_mpi
