#pragma once

#include <mpi.h>
#include <napi.h>

#include "receive_queue.h"
#include "send_queue.h"

namespace l2l_mpi {

// One MPI communicator. Point-to-point is nonblocking only: isend + testSends, and tryRecv
// (MPI_Improbe + MPI_Imrecv, handing out a message once it is complete; see ReceiveQueue). split and dup are the only
// calls that wait for other ranks; they are setup collectives, which the TS layer enters after
// a polled ibarrier so that no rank sits in them long.
class Communicator : public Napi::ObjectWrap<Communicator> {
 public:
  static Napi::Function Define(Napi::Env env);
  // owned: the handle was created by split/dup and may be freed; the world communicator is not.
  static Napi::Object Create(Napi::Env env, MPI_Comm comm, bool owned);

  explicit Communicator(const Napi::CallbackInfo& info);
  ~Communicator() override;

 private:
  Napi::Value Rank(const Napi::CallbackInfo& info);
  Napi::Value Size(const Napi::CallbackInfo& info);
  Napi::Value Isend(const Napi::CallbackInfo& info);
  Napi::Value TestSends(const Napi::CallbackInfo& info);
  Napi::Value PendingReceives(const Napi::CallbackInfo& info);
  Napi::Value TryRecv(const Napi::CallbackInfo& info);
  Napi::Value Ibarrier(const Napi::CallbackInfo& info);
  Napi::Value Ibcast(const Napi::CallbackInfo& info);
  Napi::Value Split(const Napi::CallbackInfo& info);
  Napi::Value Dup(const Napi::CallbackInfo& info);
  Napi::Value Free(const Napi::CallbackInfo& info);
  Napi::Value Abort(const Napi::CallbackInfo& info);

  // Throws unless MPI is active and this communicator has not been freed.
  void RequireUsable(Napi::Env env) const;
  Napi::Value Wrap(Napi::Env env, MPI_Comm created);

  MPI_Comm comm_ = MPI_COMM_NULL;
  bool owned_ = false;
  int rank_ = -1;
  int size_ = 0;
  SendQueue sends_;
  ReceiveQueue receives_;
};

}  // namespace l2l_mpi
