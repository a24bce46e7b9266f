#include "errors.h"

#include <cerrno>
#include <cstring>

#include "args.h"

namespace prtip {

using namespace args;  // common/args.h
namespace {

// One per environment (worker threads each load the addon), so keep it in the
// instance data rather than a global.
struct ErrorClassHolder {
  Napi::FunctionReference ctor;
};

}  // namespace

namespace {

// Constructs one instance the way MakeError will and checks it is a real Error that
// keeps the code, so no later native failure turns into a plain object or a throw
// from inside the constructor.
bool ProducesPerfErrors(Napi::Env env, const Napi::Function& ctor, std::string* why) {
  const char* kProbeCode = "ERROR_CLASS_PROBE";
  try {
    Napi::Object details = Napi::Object::New(env);
    details.Set("code", kProbeCode);
    Napi::Value made = ctor.New({Napi::String::New(env, "probe"), details});
    bool is_error = false;
    napi_is_error(env, made, &is_error);
    if (!is_error) {
      *why = "new ctor(message, {code}) gave " + DescribeValue(made) + ", not an Error";
      return false;
    }
    Napi::Object o = made.As<Napi::Object>();
    Napi::Value name = o.Get("name"), code = o.Get("code");
    if (!name.IsString() || name.As<Napi::String>().Utf8Value() != "PerfError") {
      *why = "its instances are not named PerfError (name is " + DescribeValue(name) + ")";
      return false;
    }
    if (!code.IsString() || code.As<Napi::String>().Utf8Value() != kProbeCode) {
      *why = "its instances do not keep details.code (code is " + DescribeValue(code) + ")";
      return false;
    }
    return true;
  } catch (const Napi::Error&) {
    *why = "new ctor(message, {code}) threw";
    return false;
  }
}

}  // namespace

// better-sqlite3's pattern: the loader hands over the error class once; after that the
// class is fixed for this environment, so user code cannot swap it for something else.
Napi::Value SetErrorClass(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto* holder = env.GetInstanceData<ErrorClassHolder>();
  if (holder != nullptr && !holder->ctor.IsEmpty()) {
    ThrowError(env, "ERROR_CLASS_ALREADY_SET",
               "setErrorClass(ctor): the error class was already handed over when the addon was loaded (src/core/native.ts); "
               "it can be set only once");
  }
  if (!info[0].IsFunction()) {
    ThrowTypeError(env, "setErrorClass(ctor): ctor must be the PerfError class (src/core/errors.ts), got " + DescribeValue(info[0]));
  }
  Napi::Function ctor = info[0].As<Napi::Function>();
  std::string why;
  if (!ProducesPerfErrors(env, ctor, &why)) {
    ThrowTypeError(env, "setErrorClass(ctor): ctor must be the PerfError class (src/core/errors.ts): " + why);
  }
  if (holder == nullptr) {
    holder = new ErrorClassHolder();
    env.SetInstanceData(holder);
  }
  holder->ctor = Napi::Persistent(ctor);
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
    case EXDEV: return "EXDEV";
    case ENODEV: return "ENODEV";
    case ENOTDIR: return "ENOTDIR";
    case EISDIR: return "EISDIR";
    case EINVAL: return "EINVAL";
    case ENFILE: return "ENFILE";
    case EMFILE: return "EMFILE";
    case ENOSPC: return "ENOSPC";
    case EROFS: return "EROFS";
    case EPIPE: return "EPIPE";
    case ERANGE: return "ERANGE";
    case ENOSYS: return "ENOSYS";
    case ENOTEMPTY: return "ENOTEMPTY";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    case ELOOP: return "ELOOP";
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
    // Only reachable when the addon is used without src/core/native.ts.
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
