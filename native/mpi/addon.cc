// Entry point of the l2l_mpi addon: registers the classes and the module-level functions.
#include <napi.h>

#include "addon_data.h"
#include "communicator.h"
#include "environment.h"
#include "request.h"

namespace l2l_mpi {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  auto* data = new AddonData();
  env.SetInstanceData(data);  // deleted by node-addon-api when this environment is torn down
  data->communicator_ctor = Napi::Persistent(Communicator::Define(env));
  data->request_ctor = Napi::Persistent(Request::Define(env));
  Environment::Register(env, exports);
  return exports;
}

}  // namespace l2l_mpi

namespace {
Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return l2l_mpi::Init(env, exports); }
}  // namespace

NODE_API_MODULE(l2l_mpi, InitModule)
