#include "valgrind_napi.h"

#include "../common/args.h"
#include "../common/errors.h"
#include "valgrind.h"

namespace prtip {

using namespace args;  // common/args.h
namespace {

// Labels go into callgrind's dump file headers: printable ASCII, short.
constexpr size_t kMaxLabelBytes = 200;

std::string LabelArg(const Napi::Value& value, const std::string& name) {
  std::string label = StringArg(value, name, kMaxLabelBytes);
  for (char c : label) {
    if (c < 0x20 || c > 0x7e) ThrowOutOfRange(value, name, "printable ASCII (it goes into callgrind's dump header)");
  }
  if (label.empty()) ThrowOutOfRange(value, name, "a non-empty string");
  return label;
}

// -> { headers, runningOnValgrind, avx512Blocked: reason | null }
Napi::Value ValgrindStatusJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ExpectNoArguments(info, "valgrindStatus");
  Napi::Object o = Napi::Object::New(env);
  o.Set("headers", ValgrindHeadersBuiltIn());
  o.Set("runningOnValgrind", RunningOnValgrind());
  const char* blocked = Avx512BlockedReason();
  o.Set("avx512Blocked", blocked ? Napi::Value(Napi::String::New(env, blocked)) : env.Null());
  return o;
}

// (label): the next native measured block (a kernel's run loop) is counted and dumped as label.
Napi::Value CallgrindArmJs(const Napi::CallbackInfo& info) {
  std::string label = LabelArg(info[0], "callgrindArm: label");
  if (info.Length() > 1) ThrowRangeError(info.Env(), "callgrindArm takes one argument (label), got " + std::to_string(info.Length()));
  ArmMeasuredBlock(label.c_str());
  return info.Env().Undefined();
}

// () -> true when an armed block had not run (and is now disarmed): the caller's function ran no kernel.
Napi::Value CallgrindDisarmJs(const Napi::CallbackInfo& info) {
  ExpectNoArguments(info, "callgrindDisarm");
  return Napi::Boolean::New(info.Env(), DisarmMeasuredBlock());
}

// (label, fn): fn() counted from start to end, JS included, dumped as label; returns fn's result.
// The counts stop and are dumped even when fn throws, and the exception goes on.
Napi::Value CallgrindMeasureJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string label = LabelArg(info[0], "callgrindMeasure: label");
  if (!info[1].IsFunction()) ThrowWrongType(info[1], "callgrindMeasure: fn", "a function");
  if (MeasuredBlockArmed()) ThrowError(env, "BUSY", "callgrindMeasure: a native measured block is armed and has not run yet (callgrindArm without a kernel call)");
  Napi::Function fn = info[1].As<Napi::Function>();
  CallgrindBegin();
  Napi::Value result;
  try {
    result = fn.Call(env.Undefined(), {});
  } catch (...) {
    CallgrindEnd(label.c_str());
    throw;
  }
  CallgrindEnd(label.c_str());
  return result;
}

}  // namespace

void InitValgrind(Napi::Env env, Napi::Object exports) {
  exports.Set("valgrindStatus", Napi::Function::New(env, ValgrindStatusJs, "valgrindStatus"));
  exports.Set("callgrindArm", Napi::Function::New(env, CallgrindArmJs, "callgrindArm"));
  exports.Set("callgrindDisarm", Napi::Function::New(env, CallgrindDisarmJs, "callgrindDisarm"));
  exports.Set("callgrindMeasure", Napi::Function::New(env, CallgrindMeasureJs, "callgrindMeasure"));
}

}  // namespace prtip
