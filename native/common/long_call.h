// The pattern every simulator kernel that runs for more than a millisecond follows (DESIGN.md,
// "Native layer"): the call runs on a worker thread of libuv's pool (Napi::AsyncWorker), so the rank's
// event loop keeps serving MPI and the coordinator; it returns a Promise; and it shares a small control
// block with JS through typed arrays, so that while it runs
//   - JS can ask it to stop (cancel[0] = 1, e.g. at evaluation.timeout_seconds): the kernel checks
//     between steps and returns what it finished, and
//   - the kernel reports how far it is (progress[0] units done of progress[1]), which JS reads at will.
// The typed arrays are held by references for the whole call, so their memory stays valid on the
// worker thread; the flag and the counter are read and written with atomic builtins (no torn values).
//
// Usage: derive from LongCall, parse and check arguments in the constructor (on the JS thread; throw
// Napi::TypeError there), do the work in Compute() (worker thread: no Napi calls; throw
// std::exception to reject with the addon's error class), build the result in Result() (JS thread).
#pragma once

#include <napi.h>

#include <atomic>
#include <cstdint>
#include <cstring>
#include <exception>
#include <string>

#include "call_control.h"

namespace l2l {

class LongCall : public Napi::AsyncWorker {
 public:
  // `control` is {cancel: Int32Array(>=1), progress: Float64Array(>=2)} or undefined; `error_class`
  // is the project's JS error class a failed Compute() rejects with.
  LongCall(Napi::Env env, Napi::Value control, Napi::Function error_class)
      : Napi::AsyncWorker(env), deferred_(Napi::Promise::Deferred::New(env)), error_class_(Napi::Persistent(error_class)) {
    if (control.IsUndefined() || control.IsNull()) return;
    if (!control.IsObject()) throw Napi::TypeError::New(env, "control: expected {cancel: Int32Array, progress: Float64Array}");
    auto object = control.As<Napi::Object>();
    auto cancel = object.Get("cancel");
    auto progress = object.Get("progress");
    if (!cancel.IsTypedArray() || cancel.As<Napi::TypedArray>().TypedArrayType() != napi_int32_array || cancel.As<Napi::TypedArray>().ElementLength() < 1) {
      throw Napi::TypeError::New(env, "control.cancel: expected an Int32Array of length >= 1");
    }
    if (!progress.IsTypedArray() || progress.As<Napi::TypedArray>().TypedArrayType() != napi_float64_array || progress.As<Napi::TypedArray>().ElementLength() < 2) {
      throw Napi::TypeError::New(env, "control.progress: expected a Float64Array of length >= 2");
    }
    keep_ = Napi::Persistent(object);
    control_.Bind(cancel.As<Napi::Int32Array>().Data(), progress.As<Napi::Float64Array>().Data());
  }

  // Queues the call and hands JS its promise.
  Napi::Promise Start() {
    auto promise = deferred_.Promise();
    Queue();
    return promise;
  }

 protected:
  // The work, on a worker thread: no Napi calls here.
  virtual void Compute(CallControl& control) = 0;
  // The resolved value, on the JS thread.
  virtual Napi::Value Result(Napi::Env env) = 0;

  // Keeps a JS value (an input or output typed array) alive until the call ends.
  void Keep(Napi::Value value) {
    auto kept = kept_.Value();
    kept.Set(kept.Length(), value);
  }

 private:
  void Execute() override {
    try {
      Compute(control_);
    } catch (const std::exception& e) {
      SetError(e.what());
    }
  }

  void OnOK() override {
    Napi::HandleScope scope(Env());
    try {
      deferred_.Resolve(Result(Env()));
    } catch (const Napi::Error& e) {
      deferred_.Reject(e.Value());
    }
  }

  void OnError(const Napi::Error& e) override {
    Napi::HandleScope scope(Env());
    deferred_.Reject(error_class_.Value().New({e.Message().size() ? Napi::String::New(Env(), e.Message()) : Napi::String::New(Env(), "kernel failed")}));
  }

  Napi::Promise::Deferred deferred_;
  Napi::FunctionReference error_class_;
  Napi::ObjectReference keep_;
  Napi::Reference<Napi::Array> kept_ = Napi::Persistent(Napi::Array::New(Env()));
  // Unbound (no cancel, no progress) when the caller passed no control block.
  CallControl control_;
};

}  // namespace l2l
