#include "errors.h"

#include <cerrno>
#include <cstring>

namespace prtip {
namespace {

// One per environment (worker threads each load the addon), so keep it in the
// instance data rather than a global.
struct ErrorClassHolder {
  Napi::FunctionReference ctor;
};

}  // namespace

Napi::Value SetErrorClass(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsFunction()) {
    throw Napi::TypeError::New(env, "setErrorClass(ctor): ctor must be a function");
  }
  auto* holder = env.GetInstanceData<ErrorClassHolder>();
  if (holder == nullptr) {
    holder = new ErrorClassHolder();
    env.SetInstanceData(holder);
  }
  holder->ctor = Napi::Persistent(info[0].As<Napi::Function>());
  return env.Undefined();
}

std::string ErrnoName(int errnum) {
  switch (errnum) {
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case ESRCH: return "ESRCH";
    case EINTR: return "EINTR";
    case EIO: return "EIO";
    case E2BIG: return "E2BIG";
    case ENOEXEC: return "ENOEXEC";
    case EBADF: return "EBADF";
    case ECHILD: return "ECHILD";
    case EAGAIN: return "EAGAIN";
    case ENOMEM: return "ENOMEM";
    case EACCES: return "EACCES";
    case EFAULT: return "EFAULT";
    case EBUSY: return "EBUSY";
    case EEXIST: return "EEXIST";
    case ENODEV: return "ENODEV";
    case ENOTDIR: return "ENOTDIR";
    case EISDIR: return "EISDIR";
    case EINVAL: return "EINVAL";
    case ENFILE: return "ENFILE";
    case EMFILE: return "EMFILE";
    case ENOSPC: return "ENOSPC";
    case EPIPE: return "EPIPE";
    case ERANGE: return "ERANGE";
    case ENOSYS: return "ENOSYS";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    case EAFNOSUPPORT: return "EAFNOSUPPORT";
    case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
    case ENETUNREACH: return "ENETUNREACH";
    case ENOBUFS: return "ENOBUFS";
    case ECONNREFUSED: return "ECONNREFUSED";
    case EMSGSIZE: return "EMSGSIZE";
    case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
    default: return "E" + std::to_string(errnum);
  }
}

Napi::Error MakeError(Napi::Env env, const std::string& code, const std::string& message,
                      int errnum, const std::string& syscall) {
  std::string full = message;
  if (errnum != 0) {
    full += " (" + ErrnoName(errnum) + ": " + std::strerror(errnum) + ")";
  }
  auto* holder = env.GetInstanceData<ErrorClassHolder>();
  if (holder == nullptr || holder->ctor.IsEmpty()) {
    // Only reachable when the addon is used without src/native.ts.
    Napi::Error plain = Napi::Error::New(env, full);
    plain.Set("code", Napi::String::New(env, code));
    if (errnum != 0) plain.Set("errno", Napi::Number::New(env, errnum));
    return plain;
  }
  Napi::Object details = Napi::Object::New(env);
  details.Set("code", Napi::String::New(env, code));
  if (errnum != 0) details.Set("errno", Napi::Number::New(env, errnum));
  if (!syscall.empty()) details.Set("syscall", Napi::String::New(env, syscall));
  Napi::Object err = holder->ctor.New({Napi::String::New(env, full), details});
  return Napi::Error(env, err);
}

void ThrowError(Napi::Env env, const std::string& code, const std::string& message, int errnum,
                const std::string& syscall) {
  throw MakeError(env, code, message, errnum, syscall);
}

}  // namespace prtip
