#include "communicator.h"

#include <string>

#include "addon_data.h"
#include "byte_view.h"
#include "environment.h"
#include "error_reporter.h"
#include "request.h"

namespace l2l_mpi {

namespace {

int IntArgument(const Napi::CallbackInfo& info, size_t index, const char* name) {
  if (!info[index].IsNumber()) {
    throw Napi::TypeError::New(info.Env(), std::string(name) + " must be a number");
  }
  return info[index].As<Napi::Number>().Int32Value();
}

int OptionalIntArgument(const Napi::CallbackInfo& info, size_t index, const char* name, int fallback) {
  if (info[index].IsUndefined() || info[index].IsNull()) return fallback;
  return IntArgument(info, index, name);
}

}  // namespace

Napi::Function Communicator::Define(Napi::Env env) {
  return DefineClass(env, "Communicator",
                     {
                         InstanceAccessor<&Communicator::Rank>("rank"),
                         InstanceAccessor<&Communicator::Size>("size"),
                         InstanceMethod<&Communicator::Isend>("isend"),
                         InstanceMethod<&Communicator::TestSends>("testSends"),
                         InstanceMethod<&Communicator::TryRecv>("tryRecv"),
                         InstanceAccessor<&Communicator::PendingReceives>("pendingReceives"),
                         InstanceMethod<&Communicator::Ibarrier>("ibarrier"),
                         InstanceMethod<&Communicator::Ibcast>("ibcast"),
                         InstanceMethod<&Communicator::Split>("split"),
                         InstanceMethod<&Communicator::Dup>("dup"),
                         InstanceMethod<&Communicator::Free>("free"),
                         InstanceMethod<&Communicator::Abort>("abort"),
                     });
}

Napi::Object Communicator::Create(Napi::Env env, MPI_Comm comm, bool owned) {
  // JS cannot construct a Communicator: the constructor only accepts this internal External.
  return AddonData::Of(env).communicator_ctor.New(
      {Napi::External<MPI_Comm>::New(env, &comm), Napi::Boolean::New(env, owned)});
}

Communicator::Communicator(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Communicator>(info) {
  Napi::Env env = info.Env();
  if (!info[0].IsExternal()) throw Napi::TypeError::New(env, "Communicator is created by world(), split() or dup()");
  comm_ = *info[0].As<Napi::External<MPI_Comm>>().Data();
  owned_ = info[1].ToBoolean();
  // Every communicator returns errors instead of aborting, so ErrorReporter sees them all.
  ErrorReporter::Check(env, MPI_Comm_set_errhandler(comm_, MPI_ERRORS_RETURN), "MPI_Comm_set_errhandler");
  ErrorReporter::Check(env, MPI_Comm_rank(comm_, &rank_), "MPI_Comm_rank");
  ErrorReporter::Check(env, MPI_Comm_size(comm_, &size_), "MPI_Comm_size");
}

// A communicator collected without free() keeps its handle: MPI_Comm_free is collective and GC
// timing differs per rank, and after finalize the handle may not be touched at all.
Communicator::~Communicator() = default;

void Communicator::RequireUsable(Napi::Env env) const {
  Environment::RequireActive(env);
  if (comm_ == MPI_COMM_NULL) ErrorReporter::Usage(env, "communicator has been freed");
}

Napi::Value Communicator::Rank(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), rank_);
}

Napi::Value Communicator::Size(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), size_);
}

Napi::Value Communicator::Isend(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int dest = IntArgument(info, 0, "dest");
  int tag = IntArgument(info, 1, "tag");
  ByteView view = ByteView::From(info[2], "data");
  RequireUsable(env);
  MPI_Request request;
  ErrorReporter::Check(env, MPI_Isend(view.data(), view.count(), MPI_BYTE, dest, tag, comm_, &request),
                       "MPI_Isend");
  sends_.Add(request, info[2]);
  return env.Undefined();
}

Napi::Value Communicator::TestSends(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (sends_.pending() > 0) RequireUsable(env);
  return Napi::Number::New(env, sends_.Progress(env));
}

Napi::Value Communicator::TryRecv(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int source = OptionalIntArgument(info, 0, "source", MPI_ANY_SOURCE);
  int tag = OptionalIntArgument(info, 1, "tag", MPI_ANY_TAG);
  RequireUsable(env);
  return receives_.Next(env, comm_, source, tag);
}

Napi::Value Communicator::PendingReceives(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), receives_.pending());
}

Napi::Value Communicator::Ibarrier(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RequireUsable(env);
  MPI_Request request;
  ErrorReporter::Check(env, MPI_Ibarrier(comm_, &request), "MPI_Ibarrier");
  return Request::Create(env, request, env.Undefined());
}

Napi::Value Communicator::Ibcast(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ByteView view = ByteView::From(info[0], "buffer");
  int root = IntArgument(info, 1, "root");
  RequireUsable(env);
  MPI_Request request;
  ErrorReporter::Check(env, MPI_Ibcast(view.data(), view.count(), MPI_BYTE, root, comm_, &request),
                       "MPI_Ibcast");
  return Request::Create(env, request, info[0]);
}

Napi::Value Communicator::Wrap(Napi::Env env, MPI_Comm created) {
  if (created == MPI_COMM_NULL) return env.Null();
  return Create(env, created, true);
}

Napi::Value Communicator::Split(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int color = OptionalIntArgument(info, 0, "color", MPI_UNDEFINED);
  int key = IntArgument(info, 1, "key");
  RequireUsable(env);
  MPI_Comm created = MPI_COMM_NULL;
  ErrorReporter::Check(env, MPI_Comm_split(comm_, color, key, &created), "MPI_Comm_split");
  return Wrap(env, created);
}

Napi::Value Communicator::Dup(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RequireUsable(env);
  MPI_Comm created = MPI_COMM_NULL;
  ErrorReporter::Check(env, MPI_Comm_dup(comm_, &created), "MPI_Comm_dup");
  return Wrap(env, created);
}

Napi::Value Communicator::Free(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RequireUsable(env);
  if (!owned_) ErrorReporter::Usage(env, "the world communicator cannot be freed");
  if (sends_.Progress(env) > 0) ErrorReporter::Usage(env, "communicator has pending sends: flush them first");
  if (receives_.pending() > 0) ErrorReporter::Usage(env, "communicator has receives in flight: drain them first");
  ErrorReporter::Check(env, MPI_Comm_free(&comm_), "MPI_Comm_free");
  comm_ = MPI_COMM_NULL;
  return env.Undefined();
}

Napi::Value Communicator::Abort(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int code = OptionalIntArgument(info, 0, "code", 1);
  RequireUsable(env);
  ErrorReporter::Check(env, MPI_Abort(comm_, code), "MPI_Abort");
  return env.Undefined();
}

}  // namespace l2l_mpi
