#include "error_reporter.h"

#include <string>

#include "addon_data.h"

namespace l2l_mpi {

namespace {

struct ClassEntry {
  int code;
  const char* name;
};

#define L2L_CLASS(c) {c, #c}
const ClassEntry kClasses[] = {
    L2L_CLASS(MPI_SUCCESS),         L2L_CLASS(MPI_ERR_BUFFER),      L2L_CLASS(MPI_ERR_COUNT),
    L2L_CLASS(MPI_ERR_TYPE),        L2L_CLASS(MPI_ERR_TAG),         L2L_CLASS(MPI_ERR_COMM),
    L2L_CLASS(MPI_ERR_RANK),        L2L_CLASS(MPI_ERR_REQUEST),     L2L_CLASS(MPI_ERR_ROOT),
    L2L_CLASS(MPI_ERR_GROUP),       L2L_CLASS(MPI_ERR_OP),          L2L_CLASS(MPI_ERR_TOPOLOGY),
    L2L_CLASS(MPI_ERR_DIMS),        L2L_CLASS(MPI_ERR_ARG),         L2L_CLASS(MPI_ERR_UNKNOWN),
    L2L_CLASS(MPI_ERR_TRUNCATE),    L2L_CLASS(MPI_ERR_OTHER),       L2L_CLASS(MPI_ERR_INTERN),
    L2L_CLASS(MPI_ERR_IN_STATUS),   L2L_CLASS(MPI_ERR_PENDING),     L2L_CLASS(MPI_ERR_NO_MEM),
    L2L_CLASS(MPI_ERR_KEYVAL),      L2L_CLASS(MPI_ERR_INFO),        L2L_CLASS(MPI_ERR_INFO_KEY),
    L2L_CLASS(MPI_ERR_INFO_VALUE),  L2L_CLASS(MPI_ERR_INFO_NOKEY),  L2L_CLASS(MPI_ERR_NAME),
    L2L_CLASS(MPI_ERR_PORT),        L2L_CLASS(MPI_ERR_SERVICE),     L2L_CLASS(MPI_ERR_SPAWN),
    L2L_CLASS(MPI_ERR_SIZE),        L2L_CLASS(MPI_ERR_WIN),         L2L_CLASS(MPI_ERR_BASE),
    L2L_CLASS(MPI_ERR_DISP),        L2L_CLASS(MPI_ERR_ASSERT),      L2L_CLASS(MPI_ERR_LOCKTYPE),
    L2L_CLASS(MPI_ERR_RMA_CONFLICT), L2L_CLASS(MPI_ERR_RMA_SYNC),   L2L_CLASS(MPI_ERR_RMA_RANGE),
    L2L_CLASS(MPI_ERR_RMA_ATTACH),  L2L_CLASS(MPI_ERR_RMA_SHARED),  L2L_CLASS(MPI_ERR_RMA_FLAVOR),
    L2L_CLASS(MPI_ERR_NOT_SAME),    L2L_CLASS(MPI_ERR_UNSUPPORTED_OPERATION),
    L2L_CLASS(MPI_ERR_IO),          L2L_CLASS(MPI_ERR_FILE),        L2L_CLASS(MPI_ERR_ACCESS),
    L2L_CLASS(MPI_ERR_AMODE),       L2L_CLASS(MPI_ERR_BAD_FILE),    L2L_CLASS(MPI_ERR_NO_SPACE),
    L2L_CLASS(MPI_ERR_NO_SUCH_FILE), L2L_CLASS(MPI_ERR_FILE_EXISTS), L2L_CLASS(MPI_ERR_FILE_IN_USE),
    L2L_CLASS(MPI_ERR_READ_ONLY),   L2L_CLASS(MPI_ERR_QUOTA),       L2L_CLASS(MPI_ERR_CONVERSION),
    L2L_CLASS(MPI_ERR_DUP_DATAREP), L2L_CLASS(MPI_ERR_UNSUPPORTED_DATAREP),
};
#undef L2L_CLASS

std::string ErrorString(int rc) {
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  if (MPI_Error_string(rc, text, &length) != MPI_SUCCESS) return "unknown MPI error";
  return std::string(text, length);
}

}  // namespace

const char* ErrorReporter::ClassName(int error_class) {
  for (const ClassEntry& entry : kClasses) {
    if (entry.code == error_class) return entry.name;
  }
  return "MPI_ERR_UNKNOWN";
}

void ErrorReporter::Raise(Napi::Env env, int rc, const char* call) {
  int error_class = MPI_ERR_UNKNOWN;
  if (MPI_Error_class(rc, &error_class) != MPI_SUCCESS) error_class = MPI_ERR_UNKNOWN;
  AddonData& data = AddonData::Of(env);
  std::string message = ErrorString(rc);

  Napi::Object info = Napi::Object::New(env);
  info.Set("errorClass", ClassName(error_class));
  info.Set("errorCode", error_class);
  info.Set("call", call);
  info.Set("rank", data.world_rank);
  info.Set("size", data.world_size);
  info.Set("host", data.host);

  if (data.error_class.IsEmpty()) {
    // Only reachable before init() stored the class; keep the fields so nothing is lost.
    Napi::Error fallback = Napi::Error::New(env, std::string(call) + ": " + message);
    fallback.Value().Set("info", info);
    throw fallback;
  }
  Napi::Value error = data.error_class.New({Napi::String::New(env, message), info});
  throw Napi::Error(env, error);
}

void ErrorReporter::Usage(Napi::Env env, const char* message) {
  throw Napi::Error::New(env, message);
}

}  // namespace l2l_mpi
