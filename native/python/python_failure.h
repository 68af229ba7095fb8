#pragma once

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <string>

namespace l2l_python {

// A Python exception taken off the interpreter as plain text, so the JS thread can throw it later.
class PythonFailure {
 public:
  // Python thread, GIL held, an exception set: takes (and clears) it.
  static PythonFailure Fetch();
  static PythonFailure Of(std::string type, std::string message);

  std::string type;       // 'ValueError'
  std::string message;    // str(exception)
  std::string traceback;  // traceback.format_exception(...), joined; empty when there is none
};

}  // namespace l2l_python
