#pragma once

#include <mpi.h>
#include <napi.h>

namespace l2l_mpi {

// The one place where MPI return codes become JS exceptions. Every communicator runs with
// MPI_ERRORS_RETURN, so a failed call comes back here instead of aborting the job.
class ErrorReporter {
 public:
  // Throws an instance of the JS error class given to init() unless rc is MPI_SUCCESS.
  static void Check(Napi::Env env, int rc, const char* call) {
    if (rc != MPI_SUCCESS) Raise(env, rc, call);
  }

  [[noreturn]] static void Raise(Napi::Env env, int rc, const char* call);

  // Errors that are not MPI's (calls before init, after finalize, on a freed communicator).
  [[noreturn]] static void Usage(Napi::Env env, const char* message);

  static const char* ClassName(int error_class);
};

}  // namespace l2l_mpi
