#pragma once

#include <mpi.h>
#include <napi.h>

#include <vector>

namespace l2l_mpi {

// Sends in flight on one communicator, each paired with a reference that keeps its buffer alive
// until MPI reports the send complete (MPI_Isend reads the caller's bytes in place, no copy).
class SendQueue {
 public:
  SendQueue() = default;
  SendQueue(const SendQueue&) = delete;
  SendQueue& operator=(const SendQueue&) = delete;
  ~SendQueue();

  void Add(MPI_Request request, const Napi::Value& keep_alive);

  // Completes every finished send (MPI_Testsome), drops its reference; returns how many remain.
  int Progress(Napi::Env env);

  int pending() const { return static_cast<int>(requests_.size()); }

 private:
  std::vector<MPI_Request> requests_;
  std::vector<Napi::Reference<Napi::Value>> buffers_;
  std::vector<int> indices_;
  std::vector<MPI_Status> statuses_;
};

}  // namespace l2l_mpi
