#pragma once

#include <mpi.h>
#include <napi.h>

namespace l2l_mpi {

// A nonblocking collective (ibarrier, ibcast) that JS polls with test(); never waits.
class Request : public Napi::ObjectWrap<Request> {
 public:
  static Napi::Function Define(Napi::Env env);
  // keep_alive is the buffer MPI reads or writes until completion (undefined for a barrier).
  static Napi::Object Create(Napi::Env env, MPI_Request request, Napi::Value keep_alive);

  explicit Request(const Napi::CallbackInfo& info);
  ~Request() override;

 private:
  Napi::Value Test(const Napi::CallbackInfo& info);

  MPI_Request request_ = MPI_REQUEST_NULL;
  Napi::Reference<Napi::Value> buffer_;
  bool done_ = false;
};

}  // namespace l2l_mpi
