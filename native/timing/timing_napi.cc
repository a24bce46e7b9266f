#include "timing_napi.h"

#include "../common/args.h"
#include "clock.h"

namespace prtip {

using namespace args;  // common/args.h
namespace {

// The floor every other native call is compared with: one N-API crossing.
// It still refuses arguments (info.Length() is already known, so this costs a compare).
Napi::Value Noop(const Napi::CallbackInfo& info) {
  ExpectNoArguments(info, "noop");
  return info.Env().Undefined();
}

Napi::Value MonotonicNsJs(const Napi::CallbackInfo& info) {
  ExpectNoArguments(info, "monotonicNs");
  return Napi::Number::New(info.Env(), static_cast<double>(MonotonicNs()));
}

Napi::Value TscHzJs(const Napi::CallbackInfo& info) {
  ExpectNoArguments(info, "tscHz");
  return Napi::Number::New(info.Env(), TscHz());
}

Napi::Value ReadTscJs(const Napi::CallbackInfo& info) {
  ExpectNoArguments(info, "readTsc");
  return Napi::Number::New(info.Env(), static_cast<double>(ReadTsc()));
}

}  // namespace

void InitTiming(Napi::Env env, Napi::Object exports) {
  exports.Set("noop", Napi::Function::New(env, Noop, "noop"));
  exports.Set("monotonicNs", Napi::Function::New(env, MonotonicNsJs, "monotonicNs"));
  exports.Set("tscHz", Napi::Function::New(env, TscHzJs, "tscHz"));
  exports.Set("readTsc", Napi::Function::New(env, ReadTscJs, "readTsc"));
  InitWorkloads(env, exports);
}

}  // namespace prtip
