#pragma once

#include <napi.h>

namespace l2l_mpi {

// The bytes behind any ArrayBufferView (Buffer, Uint8Array, Float64Array, DataView...), seen in
// place: MPI reads or writes them directly, so the view must be kept alive while a request runs.
class ByteView {
 public:
  // Throws TypeError unless value is an ArrayBufferView, RangeError past MPI's int count.
  static ByteView From(const Napi::Value& value, const char* argument);

  void* data() const { return data_; }
  int count() const { return count_; }

 private:
  ByteView(void* data, int count) : data_(data), count_(count) {}

  void* data_;
  int count_;
};

}  // namespace l2l_mpi
