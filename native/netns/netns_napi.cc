// JS surface of the namespace registry: netnsCreate(name) -> path, netnsRemove(name).
// Synchronous: both are a handful of syscalls (creation on a short-lived thread).
#include "netns_napi.h"

#include <cstring>

#include "../common/args.h"
#include "../common/errors.h"
#include "registry.h"

namespace prtip {

namespace {

std::string NameArg(const Napi::CallbackInfo& info) {
  const Napi::Value v = info[0];  // undefined when not given
  const std::string expected = std::string("a namespace name such as \"") + kNetnsPrefix + "1234-1-abcdef\"";
  if (!v.IsString()) args::ThrowWrongType(v, "name", expected);
  const std::string name = v.As<Napi::String>().Utf8Value();
  const std::string problem = NetnsNameProblem(name);
  if (!problem.empty()) args::ThrowOutOfRange(v, "name", expected + " (it " + problem + ")");
  return name;
}

Napi::Value Create(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::string name = NameArg(info);
  std::string syscall;
  const int rc = NetnsCreate(name, &syscall);
  if (rc < 0) {
    const int err = -rc;
    const std::string code = err == EEXIST ? "NETNS_EXISTS" : err == EPERM ? "NETNS_NO_PRIVILEGE" : "NETNS_CREATE_FAILED";
    ThrowError(env, code, "cannot create network namespace " + name + " (name)", err, syscall);
  }
  return Napi::String::New(env, std::string(kNetnsRunDir) + "/" + name);
}

Napi::Value Remove(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::string name = NameArg(info);
  std::string syscall;
  const int rc = NetnsRemove(name, &syscall);
  if (rc < 0) ThrowError(env, "NETNS_REMOVE_FAILED", "cannot remove network namespace " + name + " (name)", -rc, syscall);
  return env.Undefined();
}

}  // namespace

void InitNetns(Napi::Env env, Napi::Object exports) {
  exports.Set("netnsCreate", Napi::Function::New(env, Create, "netnsCreate"));
  exports.Set("netnsRemove", Napi::Function::New(env, Remove, "netnsRemove"));
}

}  // namespace prtip
