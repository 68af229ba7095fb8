#include "byte_view.h"

#include <climits>
#include <string>

namespace l2l_mpi {

namespace {

size_t ElementSize(napi_typedarray_type type) {
  switch (type) {
    case napi_int8_array:
    case napi_uint8_array:
    case napi_uint8_clamped_array:
      return 1;
    case napi_int16_array:
    case napi_uint16_array:
      return 2;
    case napi_int32_array:
    case napi_uint32_array:
    case napi_float32_array:
      return 4;
    default:
      return 8;  // float64, bigint64, biguint64
  }
}

}  // namespace

ByteView ByteView::From(const Napi::Value& value, const char* argument) {
  Napi::Env env = value.Env();
  void* data = nullptr;
  size_t bytes = 0;
  if (value.IsTypedArray()) {
    napi_typedarray_type type;
    size_t length = 0;
    // N-API returns data already advanced by the view's byte offset.
    NAPI_THROW_IF_FAILED(env,
                         napi_get_typedarray_info(env, value, &type, &length, &data, nullptr, nullptr),
                         ByteView(nullptr, 0));
    bytes = length * ElementSize(type);
  } else if (value.IsDataView()) {
    NAPI_THROW_IF_FAILED(env, napi_get_dataview_info(env, value, &bytes, &data, nullptr, nullptr),
                         ByteView(nullptr, 0));
  } else {
    throw Napi::TypeError::New(env, std::string(argument) + " must be a Buffer, TypedArray or DataView");
  }
  if (bytes > static_cast<size_t>(INT_MAX)) {
    throw Napi::RangeError::New(env, std::string(argument) + " is larger than 2^31-1 bytes");
  }
  return ByteView(data, static_cast<int>(bytes));
}

}  // namespace l2l_mpi
