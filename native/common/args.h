// Argument checks for native exports. The TS layer checks first, but the addon can be
// loaded and called directly, so every export re-checks what it is given: a bad
// argument is a TypeError (wrong type, code ERR_INVALID_ARG_TYPE) or RangeError
// (right type, bad value, code ERR_OUT_OF_RANGE) whose message names the parameter,
// what was expected and what was given. No double is cast to an integer type before
// it is known to be an integer in range (out-of-range casts are undefined behaviour).
#pragma once
#include <napi.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <initializer_list>
#include <string_view>

namespace prtip {
namespace args {

// What a value is, for messages, without running any JS (no getters, no toString).
std::string DescribeValue(const Napi::Value& value);

[[noreturn]] void ThrowTypeError(Napi::Env env, const std::string& message);
[[noreturn]] void ThrowRangeError(Napi::Env env, const std::string& message);
// "<name> must be <expected>, got <what value is>": TypeError for a value of the wrong type,
// RangeError for a value of the right type that is not allowed.
[[noreturn]] void ThrowWrongType(const Napi::Value& value, const std::string& name, const std::string& expected);
[[noreturn]] void ThrowOutOfRange(const Napi::Value& value, const std::string& name, const std::string& expected);

// Zero-argument exports refuse arguments, so a call that meant something else fails loudly.
void ExpectNoArguments(const Napi::CallbackInfo& info, const char* function);

// An integer-valued number in [min, max] (max at most 2^53).
double IntegerArg(const Napi::Value& value, std::string_view name, double min, double max);
// A number in [min, max], not necessarily an integer (a duration in ns from ms * 1e6).
double NumberArg(const Napi::Value& value, const std::string& name, double min, double max);
// A boolean.
bool BooleanArg(const Napi::Value& value, const std::string& name);
// A boolean; undefined gives fallback.
bool OptionalBooleanArg(const Napi::Value& value, const std::string& name, bool fallback);
// A string of at most max_bytes UTF-8 bytes with no NUL (names reach C APIs and file paths).
std::string StringArg(const Napi::Value& value, const std::string& name, size_t max_bytes);
// One of choices (a string).
std::string ChoiceArg(const Napi::Value& value, const std::string& name, std::initializer_list<const char*> choices);
// A plain object (not null, an array or a function).
Napi::Object ObjectArg(const Napi::Value& value, const std::string& name);
// An array of at most max_length elements, every index present (no holes).
Napi::Array DenseArrayArg(const Napi::Value& value, const std::string& name, uint32_t max_length);
// object[key]; a getter that throws becomes a TypeError naming name.key (with the original as .cause).
Napi::Value FieldOf(const Napi::Object& object, const char* key, const std::string& name);
// array[index] of a dense array; a throwing getter becomes a TypeError naming name[index].
Napi::Value ElementOf(const Napi::Array& array, uint32_t index, const std::string& name);

// The bytes of a Buffer (any Uint8Array). A detached one is refused. data is never
// null, even for length 0, so it can go to memcpy and the kernels as is.
struct ByteView {
  const uint8_t* data;
  size_t length;
};
ByteView BufferArg(const Napi::Value& value, const std::string& name, size_t max_length = SIZE_MAX);
// A Buffer of exactly size bytes (an address, a key), copied to out.
void FixedBytesArg(const Napi::Value& value, const std::string& name, uint8_t* out, size_t size);

}  // namespace args
}  // namespace prtip
