#include "request.h"

#include "addon_data.h"
#include "environment.h"
#include "error_reporter.h"

namespace l2l_mpi {

Napi::Function Request::Define(Napi::Env env) {
  return DefineClass(env, "Request", {InstanceMethod<&Request::Test>("test")});
}

Napi::Object Request::Create(Napi::Env env, MPI_Request request, Napi::Value keep_alive) {
  Napi::Object object = AddonData::Of(env).request_ctor.New({});
  Request* self = Unwrap(object);
  self->request_ = request;
  if (!keep_alive.IsUndefined()) self->buffer_ = Napi::Persistent(keep_alive);
  return object;
}

Request::Request(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Request>(info) {}

Request::~Request() {
  // Collected before completion: a nonblocking collective may not be freed (MPI 3.1, 5.12), and
  // MPI may still touch the buffer, so both are leaked rather than released under MPI's feet.
  if (!done_) buffer_.SuppressDestruct();
}

Napi::Value Request::Test(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!done_) {
    Environment::RequireActive(env);
    int flag = 0;
    ErrorReporter::Check(env, MPI_Test(&request_, &flag, MPI_STATUS_IGNORE), "MPI_Test");
    if (flag) {
      done_ = true;
      buffer_.Reset();
    }
  }
  return Napi::Boolean::New(env, done_);
}

}  // namespace l2l_mpi
