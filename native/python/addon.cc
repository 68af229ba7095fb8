// Entry point of the l2l_python addon: the embedded CPython interpreter (see interpreter.h).
#include <napi.h>

#include "interpreter.h"

namespace l2l_python {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("start", Napi::Function::New(env, Interpreter::Start, "start"));
  exports.Set("call", Napi::Function::New(env, Interpreter::Call, "call"));
  exports.Set("interrupt", Napi::Function::New(env, Interpreter::Interrupt, "interrupt"));
  return exports;
}

}  // namespace l2l_python

namespace {
Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return l2l_python::Init(env, exports); }
}  // namespace

NODE_API_MODULE(l2l_python, InitModule)
