// Argument checks for the native exports of rawio and netns. JS is not the only
// caller (the addon can be loaded directly), so every field is checked here too:
// type, integer-ness, finiteness and range. Every message names the parameter, says
// what was expected and what was given.
#pragma once
#include <napi.h>

#include <cstdint>
#include <string>
#include <vector>

namespace prtip {

// A short description of a JS value for messages: "the number -1", "a string of length 99", "undefined".
std::string DescribeValue(const Napi::Value& v);

[[noreturn]] void ThrowTypeError(Napi::Env env, const std::string& name, const std::string& expected, const Napi::Value& given);
[[noreturn]] void ThrowRangeError(Napi::Env env, const std::string& name, const std::string& expected, const Napi::Value& given);

// An integer in [min, max] (both within ±2^53). TypeError for a non-number, RangeError otherwise.
double IntegerArg(Napi::Env env, const std::string& name, const Napi::Value& v, double min, double max);

// A string without NUL bytes, at most max_bytes long in UTF-8.
std::string StringArg(Napi::Env env, const std::string& name, const Napi::Value& v, size_t max_bytes);

// A boolean.
bool BoolArg(Napi::Env env, const std::string& name, const Napi::Value& v);

// A Buffer (or Uint8Array) of exactly `size` bytes, copied out (never a null pointer into memcpy).
void FixedBytesArg(Napi::Env env, const std::string& name, const Napi::Value& v, uint8_t* out, size_t size);

}  // namespace prtip
