#include "fsops_napi.h"

#include <linux/limits.h>

#include "../common/args.h"
#include "../common/errors.h"
#include "cache.h"
#include "exchange.h"

namespace prtip {

using namespace args;  // common/args.h
namespace {

// A path the kernel accepts: non-empty, no NUL, shorter than PATH_MAX with its terminator.
std::string PathArg(const Napi::Value& value, const std::string& name) {
  std::string path = StringArg(value, name, PATH_MAX - 1);
  if (path.empty()) ThrowOutOfRange(value, name, "a non-empty path");
  return path;
}

// renameExchange(a, b): the two entries swap names in one step (renameat2 RENAME_EXCHANGE).
// A failure is a PerfError whose .code is the errno's name (EXDEV, EINVAL, ENOSYS, ENOENT ...).
Napi::Value RenameExchangeJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() != 2) ThrowRangeError(env, "renameExchange takes two arguments (a, b), got " + std::to_string(info.Length()));
  std::string a = PathArg(info[0], "renameExchange: a");
  std::string b = PathArg(info[1], "renameExchange: b");
  int err = ExchangePaths(a.c_str(), b.c_str());
  if (err != 0) {
    ThrowError(env, ErrnoName(err), "renameExchange(" + a + ", " + b + ") failed", err, "renameat2");
  }
  return env.Undefined();
}

// evictFromPageCache(path): writes back and drops the file's pages, so the next run reads it anew.
// A failure is a PerfError whose .code is the errno's name (ENOENT, EACCES, EISDIR, EINVAL ...).
Napi::Value EvictFromPageCacheJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() != 1) ThrowRangeError(env, "evictFromPageCache takes one argument (path), got " + std::to_string(info.Length()));
  std::string path = PathArg(info[0], "evictFromPageCache: path");
  int err = EvictFromPageCache(path.c_str());
  if (err != 0) ThrowError(env, ErrnoName(err), "evictFromPageCache(" + path + ") failed", err, "posix_fadvise");
  return env.Undefined();
}

}  // namespace

void InitFsOps(Napi::Env env, Napi::Object exports) {
  exports.Set("renameExchange", Napi::Function::New(env, RenameExchangeJs, "renameExchange"));
  exports.Set("evictFromPageCache", Napi::Function::New(env, EvictFromPageCacheJs, "evictFromPageCache"));
}

}  // namespace prtip
