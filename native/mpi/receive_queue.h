#pragma once

#include <mpi.h>
#include <napi.h>

#include <deque>

namespace l2l_mpi {

// Receives on one communicator, never waiting. A probed message is received with MPI_Imrecv, not
// MPI_Mrecv: past the eager limit (4 KiB by default) the payload only moves when the sender makes
// MPI progress, and a sender busy in JS would otherwise hold the receiver inside MPI_Mrecv
// (measured: 2 s for a 5 KB message whose sender computed for 2 s). Messages still in flight wait
// here and are handed out once complete, never ahead of an earlier message from the same source.
class ReceiveQueue {
 public:
  ReceiveQueue() = default;
  ReceiveQueue(const ReceiveQueue&) = delete;
  ReceiveQueue& operator=(const ReceiveQueue&) = delete;
  ~ReceiveQueue();

  // The next complete message matching (source, tag) as {source, tag, data}, or null.
  Napi::Value Next(Napi::Env env, MPI_Comm comm, int source, int tag);

  int pending() const { return static_cast<int>(entries_.size()); }

 private:
  struct Entry {
    MPI_Request request;
    int source;
    int tag;
    Napi::Reference<Napi::Buffer<uint8_t>> buffer;
    bool done;
  };

  Napi::Value TakeQueued(Napi::Env env, int source, int tag);
  Napi::Value Probe(Napi::Env env, MPI_Comm comm, int source, int tag);
  bool HasQueued(int source, int tag) const;
  static bool Matches(const Entry& entry, int source, int tag);
  static Napi::Value Message(Napi::Env env, int source, int tag, Napi::Value data);

  std::deque<Entry> entries_;
};

}  // namespace l2l_mpi
