#include "interpreter.h"

#include <dlfcn.h>
#include <unistd.h>

#include <chrono>

#include <cstdio>
#include <cstdlib>

#include <stdexcept>
#include <utility>

#ifndef L2L_PYTHON_EXECUTABLE
#define L2L_PYTHON_EXECUTABLE "/usr/bin/python3"
#endif

namespace l2l_python {

namespace {

// One interpreter per process, whatever the number of Node environments that load the addon.
Interpreter* g_interpreter = nullptr;
std::mutex g_start_mutex;

// Extension modules (numpy) look up libpython's symbols in the global namespace, but Node loads this
// addon, and with it libpython, with RTLD_LOCAL. Promote the already loaded libpython to RTLD_GLOBAL.
bool MakeLibpythonGlobal(std::string* where) {
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&Py_InitializeFromConfig), &info) == 0 || info.dli_fname == nullptr) return false;
  *where = info.dli_fname;
  return dlopen(info.dli_fname, RTLD_NOW | RTLD_GLOBAL | RTLD_NOLOAD) != nullptr;
}

// How long the Python thread looks for the next call before it sleeps.
constexpr int kSpinMicros = 200;

Napi::Error UsageError(Napi::Env env, const std::string& message) { return Napi::Error::New(env, message); }

}  // namespace

Interpreter::Interpreter(Options options, Napi::Env env, Napi::Function error_class)
    : options_(std::move(options)), error_class_(Napi::Persistent(error_class)) {
  done_ = Napi::ThreadSafeFunction::New(env, Napi::Function::New(env, [](const Napi::CallbackInfo&) {}),
                                        "l2l_python", 0, 1);
  done_.Unref(env);
}

Napi::Value Interpreter::Start(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsObject() || !info[1].IsFunction()) {
    throw Napi::TypeError::New(env, "start(options: {paths, bridge}, errorClass)");
  }
  auto o = info[0].As<Napi::Object>();
  Options options;
  auto paths = o.Get("paths");
  if (!paths.IsArray()) throw Napi::TypeError::New(env, "options.paths: expected an array of strings");
  for (uint32_t i = 0; i < paths.As<Napi::Array>().Length(); i++) {
    options.paths.push_back(paths.As<Napi::Array>().Get(i).ToString().Utf8Value());
  }
  options.bridge = o.Get("bridge").ToString().Utf8Value();
  {
    std::lock_guard<std::mutex> lock(g_start_mutex);
    if (g_interpreter != nullptr) throw UsageError(env, "embedded Python is already started in this process");
    g_interpreter = new Interpreter(std::move(options), env, info[1].As<Napi::Function>());  // lives as long as the process
  }
  auto job = std::make_unique<Job>(env);
  Napi::Promise promise = job->deferred.Promise();
  g_interpreter->Enqueue(env, std::move(job));
  std::thread([] { g_interpreter->Run(); }).detach();  // never joined: the process ends with it
  return promise;
}

Napi::Value Interpreter::Call(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (g_interpreter == nullptr) throw UsageError(env, "embedded Python is not started: call start() first");
  if (info.Length() < 2 || !info[0].IsString() || !info[1].IsArray()) {
    throw Napi::TypeError::New(env, "call(name: string, args: unknown[])");
  }
  auto job = std::make_unique<Job>(env);
  job->function = info[0].As<Napi::String>().Utf8Value();
  if (job->function.empty()) throw Napi::TypeError::New(env, "call(name): an empty name");
  auto args = info[1].As<Napi::Array>();
  for (uint32_t i = 0; i < args.Length(); i++) job->args.push_back(Value::FromJs(args.Get(i), job->keep));
  Napi::Promise promise = job->deferred.Promise();
  g_interpreter->Enqueue(env, std::move(job));
  return promise;
}

Napi::Value Interpreter::Interrupt(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (g_interpreter == nullptr || !g_interpreter->ready_) return Napi::Boolean::New(env, false);
  if (info.Length() < 3 || !info[0].IsString() || !info[1].IsNumber() || !info[2].IsString()) {
    throw Napi::TypeError::New(env, "interrupt(guard: string, token: number, exception: string)");
  }
  std::string guard = info[0].As<Napi::String>().Utf8Value();
  int64_t token = info[1].As<Napi::Number>().Int64Value();
  std::string exception = info[2].As<Napi::String>().Utf8Value();
  // Taking the GIL waits for the running call to let go of it: a thread of its own, never the JS one.
  std::thread([guard, token, exception] { g_interpreter->RaiseIf(guard, token, exception); }).detach();
  return Napi::Boolean::New(env, true);
}

void Interpreter::Enqueue(Napi::Env env, std::unique_ptr<Job> job) {
  if (pending_++ == 0) done_.Ref(env);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    queue_.push_back(std::move(job));
    queued_.fetch_add(1, std::memory_order_acq_rel);
  }
  wake_.notify_one();
}

void Interpreter::Run() {
  for (;;) {
    std::unique_ptr<Job> job;
    // Calls often come back to back (the next batch follows the last one's results): look for one
    // for a moment before sleeping, which saves a thread wake-up (tens of microseconds) per call.
    auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(kSpinMicros);
    while (queued_.load(std::memory_order_acquire) == 0 && std::chrono::steady_clock::now() < until) {
      std::this_thread::yield();
    }
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [this] { return !queue_.empty(); });
      queued_.fetch_sub(1, std::memory_order_acq_rel);
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    if (job->function.empty()) {
      if (Initialize(*job)) ready_ = true;
    } else if (!ready_) {
      job->failure = PythonFailure::Of("RuntimeError", "embedded Python did not start");
    } else {
      Execute(*job);
    }
    done_.BlockingCall(job.release(), Complete);
  }
}

// exit() called by a simulator on the Python thread during a call ends the whole rank: say why, and
// end at once with its status, before static destructors run under the JS thread's feet.
void ExitDuringCall(int status, void*) {
  if (Interpreter::ExitHook()) _exit(status);
}

bool Interpreter::Initialize(Job& job) {
  std::string libpython;
  if (!MakeLibpythonGlobal(&libpython)) {
    job.failure = PythonFailure::Of("ImportError", "cannot make libpython's symbols global (dlopen RTLD_GLOBAL of " +
                                                       (libpython.empty() ? std::string("libpython") : libpython) +
                                                       "): numpy and other extension modules would not load");
    return false;
  }
  PyConfig config;
  PyConfig_InitPythonConfig(&config);
  config.install_signal_handlers = 0;  // Node and MPI own the process's signals
  config.parse_argv = 0;
  // Without it, sys.executable and sys.prefix follow PATH's python3, which may be another installation.
  PyStatus status = PyConfig_SetBytesString(&config, &config.program_name, L2L_PYTHON_EXECUTABLE);
  if (!PyStatus_Exception(status)) status = Py_InitializeFromConfig(&config);
  PyConfig_Clear(&config);
  if (PyStatus_Exception(status)) {
    job.failure = PythonFailure::Of("SystemError", std::string("Python did not initialise: ") +
                                                       (status.err_msg != nullptr ? status.err_msg : "unknown reason"));
    return false;
  }
  thread_id_ = PyThread_get_thread_ident();
  python_thread_ = std::this_thread::get_id();
  on_exit(ExitDuringCall, nullptr);  // glibc: like atexit, with the exit status
  // From here on the GIL is held, except while this thread waits for work (below).
  PyObject* sys_path = PySys_GetObject("path");  // borrowed
  for (auto it = options_.paths.rbegin(); it != options_.paths.rend(); ++it) {
    PyObject* p = PyUnicode_FromString(it->c_str());
    if (p == nullptr || sys_path == nullptr || PyList_Insert(sys_path, 0, p) != 0) PyErr_Clear();
    Py_XDECREF(p);
  }
  bridge_ = PyImport_ImportModule(options_.bridge.c_str());
  bool ok = bridge_ != nullptr;
  if (ok) {
    PyObject* version = PySys_GetObject("version");    // borrowed
    PyObject* executable = PySys_GetObject("executable");  // borrowed
    PyObject* d = Py_BuildValue("{s:O,s:O,s:s}", "version", version ? version : Py_None, "executable",
                                executable ? executable : Py_None, "libpython", libpython.c_str());
    if (d != nullptr) {
      job.result = Value::FromPython(d);
      Py_DECREF(d);
    } else {
      PyErr_Clear();
    }
    job.ok = true;
  } else {
    job.failure = PythonFailure::Fetch();
  }
  saved_ = PyEval_SaveThread();
  return ok;
}

void Interpreter::Execute(Job& job) {
  PyEval_RestoreThread(saved_);
  std::vector<PyObject*> views;
  PyObject* fn = PyObject_GetAttrString(bridge_, job.function.c_str());
  PyObject* args = fn != nullptr ? PyTuple_New(static_cast<Py_ssize_t>(job.args.size())) : nullptr;
  bool built = args != nullptr;
  for (size_t i = 0; built && i < job.args.size(); i++) {
    PyObject* a = job.args[i].ToPython(views);
    if (a == nullptr) built = false;
    else PyTuple_SET_ITEM(args, static_cast<Py_ssize_t>(i), a);  // steals
  }
  PyObject* r = nullptr;
  if (built) {
    running_function_ = job.function;
    running_ = true;
    r = PyObject_CallObject(fn, args);
    running_ = false;
    // An interrupt that arrived after the call returned must not hit the next one.
    PyThreadState_SetAsyncExc(thread_id_, nullptr);
  }
  if (r == nullptr) {
    job.failure = PythonFailure::Fetch();
  } else {
    try {
      job.result = Value::FromPython(r);
      job.ok = true;
    } catch (const std::exception& e) {
      job.failure = PythonFailure::Of("TypeError", std::string("bridge.") + job.function + "() returned " + e.what());
    }
  }
  Py_XDECREF(r);
  Py_XDECREF(args);
  Py_XDECREF(fn);
  // The JS memory is lent for this call only: a view still held somewhere now raises instead of
  // reading freed memory. A view with a live export (a numpy array over it, kept by a reference
  // cycle, say) cannot be released: collect garbage once, and if that does not free it, keep the JS
  // arrays alive for good (a leak, said once) rather than let Python read freed memory.
  bool collected = false;
  for (PyObject* mv : views) {
    PyObject* res = PyObject_CallMethod(mv, "release", nullptr);
    if (res == nullptr && !collected) {
      PyErr_Clear();
      PyGC_Collect();
      collected = true;
      res = PyObject_CallMethod(mv, "release", nullptr);
    }
    if (res == nullptr) {
      PyErr_Clear();
      job.leak = true;
    }
    Py_XDECREF(res);
    Py_DECREF(mv);
  }
  saved_ = PyEval_SaveThread();
}

void Interpreter::RaiseIf(std::string guard, int64_t token, std::string exception) {
  PyGILState_STATE gil = PyGILState_Ensure();
  if (running_) {
    PyObject* r = PyObject_CallMethod(bridge_, guard.c_str(), "L", static_cast<long long>(token));
    bool yes = r != nullptr && PyObject_IsTrue(r) == 1;
    Py_XDECREF(r);
    PyErr_Clear();
    PyObject* exc = yes ? PyObject_GetAttrString(bridge_, exception.c_str()) : nullptr;
    if (exc != nullptr) {
      PyThreadState_SetAsyncExc(thread_id_, exc);
      Py_DECREF(exc);
    }
    PyErr_Clear();
  }
  PyGILState_Release(gil);
}

bool Interpreter::ExitHook() {
  Interpreter* self = g_interpreter;
  if (self == nullptr || !self->running_ || std::this_thread::get_id() != self->python_thread_) return false;
  std::fprintf(stderr, "l2l_python: the simulation called exit() during an evaluation (bridge.%s), which ends "
               "this worker rank; run it with evaluation.isolation: process to contain that\n",
               self->running_function_.c_str());
  std::fflush(stderr);
  return true;
}

void Interpreter::Complete(Napi::Env env, Napi::Function, Job* raw) {
  std::unique_ptr<Job> job(raw);
  Interpreter* self = g_interpreter;
  if (--self->pending_ == 0) self->done_.Unref(env);
  Napi::HandleScope scope(env);
  if (job->leak) {
    static bool said = false;
    if (!said) {
      said = true;
      std::fprintf(stderr, "l2l_python: bridge.%s() left a view of a JS array in use after the call; "
                   "those arrays are kept alive from now on (memory grows)\n", job->function.c_str());
    }
    for (auto& ref : job->keep) self->leaked_.push_back(std::move(ref));
  }
  if (job->ok) {
    job->deferred.Resolve(job->result.ToJs(env));
    return;
  }
  auto details = Napi::Object::New(env);
  details.Set("type", job->failure.type);
  details.Set("traceback", job->failure.traceback);
  Napi::Value err = self->error_class_.New({Napi::String::New(env, job->failure.message), details});
  job->deferred.Reject(err);
}

}  // namespace l2l_python
