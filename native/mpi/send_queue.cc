#include "send_queue.h"

#include "error_reporter.h"

namespace l2l_mpi {

SendQueue::~SendQueue() {
  // Dropped while sends are still in flight (the communicator was garbage-collected, or MPI was
  // finalized first): MPI may still read those bytes, so the buffers are leaked, never freed.
  for (auto& buffer : buffers_) buffer.SuppressDestruct();
}

void SendQueue::Add(MPI_Request request, const Napi::Value& keep_alive) {
  requests_.push_back(request);
  buffers_.push_back(Napi::Persistent(keep_alive));
}

int SendQueue::Progress(Napi::Env env) {
  if (requests_.empty()) return 0;
  const int count = static_cast<int>(requests_.size());
  indices_.resize(count);
  statuses_.resize(count);
  int completed = 0;
  int rc = MPI_Testsome(count, requests_.data(), &completed, indices_.data(), statuses_.data());
  if (rc == MPI_ERR_IN_STATUS) {
    for (int i = 0; i < completed; ++i) {
      if (statuses_[i].MPI_ERROR != MPI_SUCCESS) rc = statuses_[i].MPI_ERROR;
    }
  }
  if (completed == MPI_UNDEFINED) completed = 0;
  // Completed requests are now MPI_REQUEST_NULL; compact both vectors in one pass, keeping order.
  size_t kept = 0;
  for (size_t i = 0; i < requests_.size(); ++i) {
    if (requests_[i] == MPI_REQUEST_NULL) continue;
    if (kept != i) {
      requests_[kept] = requests_[i];
      buffers_[kept] = std::move(buffers_[i]);
    }
    ++kept;
  }
  requests_.resize(kept);
  buffers_.resize(kept);
  ErrorReporter::Check(env, rc, "MPI_Testsome");
  return static_cast<int>(kept);
}

}  // namespace l2l_mpi
