// Errors thrown from native code. The JS error class (PerfError, src/core/errors.ts)
// is handed to the addon once at load (setErrorClass); every native failure is
// thrown as an instance of it carrying a stable .code and, where a syscall
// failed, its .errno and .syscall. Bad arguments are TypeError/RangeError instead
// (common/args.h): checked at the TS boundary and again by every native export.
#pragma once
#include <napi.h>
#include <string>

namespace prtip {

// Stores the constructor; called once from src/core/native.ts. Refuses a second call and
// any constructor whose instances are not Errors named PerfError that keep .code.
Napi::Value SetErrorClass(const Napi::CallbackInfo& info);

// Builds (does not throw) a PerfError. errnum 0 means "not a syscall failure".
Napi::Error MakeError(Napi::Env env, const std::string& code, const std::string& message,
                      int errnum = 0, const std::string& syscall = "");

// Throws a PerfError as a C++ exception (node-addon-api turns it into a JS throw).
[[noreturn]] void ThrowError(Napi::Env env, const std::string& code, const std::string& message,
                             int errnum = 0, const std::string& syscall = "");

// Errno name as a string, e.g. "ENOENT", for messages and .code fallbacks.
std::string ErrnoName(int errnum);

}  // namespace prtip
