#pragma once

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <napi.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "python_failure.h"
#include "value.h"

namespace l2l_python {

// The embedded CPython of this process: one interpreter, run by one thread of its own (the "Python
// thread"), which initialises it, so Python sees it as its main thread. JS hands it calls of the bridge
// module's functions; each resolves a Promise through a thread-safe function, so the JS thread never
// waits for Python and keeps serving MPI while a simulation runs. Calls run one at a time, in order.
// The interpreter is never finalised (numpy cannot be initialised twice, and finalising costs a
// quarter of a second at exit).
class Interpreter {
 public:
  struct Options {
    std::vector<std::string> paths;  // prepended to sys.path
    std::string bridge;              // the module whose functions call() names
  };

  // JS thread. Starts the Python thread; the Promise resolves with {version, executable} once the
  // interpreter is up and the bridge is imported, or rejects with the error class.
  static Napi::Value Start(const Napi::CallbackInfo& info);
  // JS thread. call(name, args[]) -> Promise of bridge.<name>(*args) converted to JS.
  static Napi::Value Call(const Napi::CallbackInfo& info);
  // JS thread. interrupt(guard, token, exception): on a helper thread, with the GIL, if
  // bridge.<guard>(token) is true, raises bridge.<exception> in the running call. Never blocks.
  static Napi::Value Interrupt(const Napi::CallbackInfo& info);
  // At exit(): true if the Python thread is exiting during a call (a simulator's exit()), said on stderr.
  static bool ExitHook();

 private:
  struct Job {
    std::string function;  // empty: the start job
    std::vector<Value> args;
    std::vector<Napi::ObjectReference> keep;  // typed arrays lent to Python for this call
    Napi::Promise::Deferred deferred;
    bool ok = false;
    bool leak = false;  // Python still uses `keep` after the call: never let them go
    Value result;
    PythonFailure failure;
    explicit Job(Napi::Env env) : deferred(Napi::Promise::Deferred::New(env)) {}
  };

  Interpreter(Options options, Napi::Env env, Napi::Function error_class);

  void Enqueue(Napi::Env env, std::unique_ptr<Job> job);
  void Run();  // the Python thread's loop
  bool Initialize(Job& job);
  void Execute(Job& job);
  static void Complete(Napi::Env env, Napi::Function, Job* job);
  void RaiseIf(std::string guard, int64_t token, std::string exception);

  Options options_;
  Napi::ThreadSafeFunction done_;
  Napi::FunctionReference error_class_;
  size_t pending_ = 0;  // JS thread only

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::unique_ptr<Job>> queue_;
  std::atomic<int> queued_{0};  // queue_.size(), readable without the mutex

  // Python thread state; bridge_ is set once the interpreter is up.
  PyObject* bridge_ = nullptr;
  PyThreadState* saved_ = nullptr;
  std::atomic<unsigned long> thread_id_{0};
  std::atomic<bool> ready_{false};
  std::atomic<bool> running_{false};  // a call is executing (read by interrupt helpers under the GIL)
  std::string running_function_;      // its name (Python thread)
  std::thread::id python_thread_;
  std::vector<Napi::ObjectReference> leaked_;  // JS thread: arrays Python kept views of
};

}  // namespace l2l_python
