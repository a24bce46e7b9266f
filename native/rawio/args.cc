#include "args.h"

#include <cmath>
#include <cstring>
#include <sstream>

namespace prtip {

std::string DescribeValue(const Napi::Value& v) {
  if (v.IsUndefined()) return "undefined";
  if (v.IsNull()) return "null";
  if (v.IsBoolean()) return v.As<Napi::Boolean>().Value() ? "true" : "false";
  if (v.IsNumber()) {
    std::ostringstream s;
    s.precision(17);
    s << "the number " << v.As<Napi::Number>().DoubleValue();
    return s.str();
  }
  if (v.IsBigInt()) return "a bigint";
  if (v.IsString()) {
    const std::string s = v.As<Napi::String>().Utf8Value();
    if (s.size() > 40 || s.find('\0') != std::string::npos) return "a string of length " + std::to_string(s.size());
    return "the string \"" + s + "\"";
  }
  if (v.IsSymbol()) return "a symbol";
  if (v.IsFunction()) return "a function";
  if (v.IsBuffer()) return "a Buffer of length " + std::to_string(v.As<Napi::Buffer<uint8_t>>().Length());
  if (v.IsTypedArray()) return "a typed array of length " + std::to_string(v.As<Napi::TypedArray>().ElementLength());
  if (v.IsArray()) return "an array of length " + std::to_string(v.As<Napi::Array>().Length());
  return "an object";
}

void ThrowTypeError(Napi::Env env, const std::string& name, const std::string& expected, const Napi::Value& given) {
  throw Napi::TypeError::New(env, name + " must be " + expected + ", got " + DescribeValue(given));
}

void ThrowRangeError(Napi::Env env, const std::string& name, const std::string& expected, const Napi::Value& given) {
  throw Napi::RangeError::New(env, name + " must be " + expected + ", got " + DescribeValue(given));
}

static std::string Bound(double x) {
  std::ostringstream s;
  s.precision(17);
  s << x;
  return s.str();
}

double IntegerArg(Napi::Env env, const std::string& name, const Napi::Value& v, double min, double max) {
  const std::string expected = "an integer from " + Bound(min) + " to " + Bound(max);
  if (!v.IsNumber()) ThrowTypeError(env, name, expected, v);
  const double d = v.As<Napi::Number>().DoubleValue();
  // NaN and ±Infinity fail here too: every comparison with NaN is false.
  if (!(std::isfinite(d) && std::floor(d) == d && d >= min && d <= max)) ThrowRangeError(env, name, expected, v);
  return d;
}

std::string StringArg(Napi::Env env, const std::string& name, const Napi::Value& v, size_t max_bytes) {
  const std::string expected = "a string of at most " + std::to_string(max_bytes) + " bytes without NUL";
  if (!v.IsString()) ThrowTypeError(env, name, expected, v);
  std::string s = v.As<Napi::String>().Utf8Value();
  if (s.size() > max_bytes || s.find('\0') != std::string::npos) ThrowRangeError(env, name, expected, v);
  return s;
}

bool BoolArg(Napi::Env env, const std::string& name, const Napi::Value& v) {
  if (!v.IsBoolean()) ThrowTypeError(env, name, "a boolean", v);
  return v.As<Napi::Boolean>().Value();
}

void FixedBytesArg(Napi::Env env, const std::string& name, const Napi::Value& v, uint8_t* out, size_t size) {
  const std::string expected = "a Buffer of " + std::to_string(size) + " bytes";
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) ThrowTypeError(env, name, expected, v);
  auto bytes = v.As<Napi::Uint8Array>();
  // A detached buffer has length 0 and a null data pointer: refused by the length check.
  if (bytes.ElementLength() != size || bytes.Data() == nullptr) ThrowRangeError(env, name, expected, v);
  std::memcpy(out, bytes.Data(), size);
}

}  // namespace prtip
