#include "receive_queue.h"

#include <algorithm>
#include <vector>

#include "error_reporter.h"

namespace l2l_mpi {

namespace {

// Bounds the work of one call; the caller polls again.
constexpr int kProbesPerCall = 16;

}  // namespace

ReceiveQueue::~ReceiveQueue() {
  // MPI may still write into the buffers of receives in flight: leak them rather than free them.
  for (Entry& entry : entries_) {
    if (!entry.done) entry.buffer.SuppressDestruct();
  }
}

bool ReceiveQueue::Matches(const Entry& entry, int source, int tag) {
  return (source == MPI_ANY_SOURCE || entry.source == source) && (tag == MPI_ANY_TAG || entry.tag == tag);
}

bool ReceiveQueue::HasQueued(int source, int tag) const {
  return std::any_of(entries_.begin(), entries_.end(),
                     [&](const Entry& entry) { return entry.source == source && Matches(entry, source, tag); });
}

Napi::Value ReceiveQueue::Message(Napi::Env env, int source, int tag, Napi::Value data) {
  Napi::Object message = Napi::Object::New(env);
  message.Set("source", source);
  message.Set("tag", tag);
  message.Set("data", data);
  return message;
}

Napi::Value ReceiveQueue::Next(Napi::Env env, MPI_Comm comm, int source, int tag) {
  if (!entries_.empty()) {
    Napi::Value queued = TakeQueued(env, source, tag);
    if (!queued.IsNull()) return queued;
  }
  return Probe(env, comm, source, tag);
}

Napi::Value ReceiveQueue::TakeQueued(Napi::Env env, int source, int tag) {
  std::vector<int> blocked;  // sources whose oldest matching message is still in flight
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (!Matches(*it, source, tag)) continue;
    if (std::find(blocked.begin(), blocked.end(), it->source) != blocked.end()) continue;
    if (!it->done) {
      int flag = 0;
      ErrorReporter::Check(env, MPI_Test(&it->request, &flag, MPI_STATUS_IGNORE), "MPI_Test");
      it->done = flag != 0;
    }
    if (!it->done) {
      blocked.push_back(it->source);
      continue;
    }
    Napi::Value message = Message(env, it->source, it->tag, it->buffer.Value());
    entries_.erase(it);
    return message;
  }
  return env.Null();
}

Napi::Value ReceiveQueue::Probe(Napi::Env env, MPI_Comm comm, int source, int tag) {
  for (int i = 0; i < kProbesPerCall; ++i) {
    int flag = 0;
    MPI_Message handle;
    MPI_Status status;
    ErrorReporter::Check(env, MPI_Improbe(source, tag, comm, &flag, &handle, &status), "MPI_Improbe");
    if (!flag) break;
    int count = 0;
    ErrorReporter::Check(env, MPI_Get_count(&status, MPI_BYTE, &count), "MPI_Get_count");
    Napi::Buffer<uint8_t> data = Napi::Buffer<uint8_t>::New(env, count);
    MPI_Request request;
    ErrorReporter::Check(env, MPI_Imrecv(data.Data(), count, MPI_BYTE, &handle, &request), "MPI_Imrecv");
    int done = 0;
    ErrorReporter::Check(env, MPI_Test(&request, &done, MPI_STATUS_IGNORE), "MPI_Test");
    // Eager messages complete at once; hand them out unless an older one from that source waits.
    if (done && !HasQueued(status.MPI_SOURCE, tag)) return Message(env, status.MPI_SOURCE, status.MPI_TAG, data);
    entries_.push_back(Entry{request, status.MPI_SOURCE, status.MPI_TAG, Napi::Persistent(data), done != 0});
  }
  return env.Null();
}

}  // namespace l2l_mpi
