// The control block a long call shares with JS (native/common/long_call.h has the pattern), as the
// kernel's worker threads see it: a cancel flag and a progress counter. Kept apart from long_call.h so
// that code compiled without Node's headers (a CUDA source) can take one.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstring>

namespace l2l {

// The view of the control block a kernel's worker threads use.
class CallControl {
 public:
  // Points the control at the typed arrays' memory (JS thread, before the call is queued).
  void Bind(int32_t* cancel, double* progress) {
    cancel_ = cancel;
    progress_ = progress;
  }

  // True once JS asked the call to stop; cheap enough to check every step.
  bool Cancelled() const { return cancel_ != nullptr && __atomic_load_n(cancel_, __ATOMIC_RELAXED) != 0; }

  // Records the total amount of work (progress[1]) before it starts.
  void SetTotal(double total) { Store(1, total); }

  // Adds finished units (thread-safe) and publishes the running total in progress[0].
  void Add(uint64_t units) {
    const uint64_t done = done_.fetch_add(units, std::memory_order_relaxed) + units;
    Store(0, static_cast<double>(done));
  }

 private:
  void Store(int at, double value) {
    if (progress_ == nullptr) return;
    uint64_t bits;
    std::memcpy(&bits, &value, sizeof bits);
    __atomic_store_n(reinterpret_cast<uint64_t*>(progress_ + at), bits, __ATOMIC_RELAXED);
  }

  int32_t* cancel_ = nullptr;
  double* progress_ = nullptr;
  std::atomic<uint64_t> done_{0};
};

}  // namespace l2l
