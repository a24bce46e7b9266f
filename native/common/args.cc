#include "args.h"

#include <cmath>
#include <cstdio>
#include <cstring>

namespace prtip {
namespace args {
namespace {

const char* TypedArrayName(napi_typedarray_type type) {
  switch (type) {
    case napi_int8_array: return "Int8Array";
    case napi_uint8_array: return "Uint8Array";
    case napi_uint8_clamped_array: return "Uint8ClampedArray";
    case napi_int16_array: return "Int16Array";
    case napi_uint16_array: return "Uint16Array";
    case napi_int32_array: return "Int32Array";
    case napi_uint32_array: return "Uint32Array";
    case napi_float32_array: return "Float32Array";
    case napi_float64_array: return "Float64Array";
    case napi_bigint64_array: return "BigInt64Array";
    case napi_biguint64_array: return "BigUint64Array";
    default: return "typed array";
  }
}

bool IsDetached(napi_env env, napi_value arraybuffer) {
  bool detached = false;
  return napi_is_detached_arraybuffer(env, arraybuffer, &detached) == napi_ok && detached;
}

// Bounds as a person writes them: 65535, not 6.5535e+04.
std::string Bound(double x) {
  char text[40];
  if (std::fabs(x) < 1e21 && x == std::floor(x)) {
    std::snprintf(text, sizeof text, "%.0f", x);
  } else {
    std::snprintf(text, sizeof text, "%g", x);
  }
  return text;
}

Napi::Error WithCode(Napi::Error error, const char* code) {
  error.Set("code", Napi::String::New(error.Env(), code));
  return error;
}

}  // namespace

std::string DescribeValue(const Napi::Value& value) {
  napi_env env = value.Env();
  napi_valuetype type;
  if (napi_typeof(env, value, &type) != napi_ok) return "a value of unknown type";
  switch (type) {
    case napi_undefined: return "undefined";
    case napi_null: return "null";
    case napi_boolean: return value.As<Napi::Boolean>().Value() ? "true" : "false";
    case napi_number: return "the number " + value.ToString().Utf8Value();  // no user code for a number
    case napi_bigint: return "the bigint " + value.ToString().Utf8Value();
    case napi_symbol: return "a symbol";
    case napi_function: return "a function";
    case napi_external: return "an external";
    case napi_string: {
      size_t length = 0;
      napi_get_value_string_utf8(env, value, nullptr, 0, &length);
      if (length > 40) return "a string of length " + std::to_string(length);
      std::string s = value.As<Napi::String>().Utf8Value();
      if (s.find('\0') != std::string::npos) return "a string of length " + std::to_string(length) + " with a NUL";
      return "the string \"" + s + "\"";
    }
    case napi_object: break;
  }
  bool is = false;
  if (napi_is_array(env, value, &is) == napi_ok && is) {
    return "an array of length " + std::to_string(value.As<Napi::Array>().Length());
  }
  if (napi_is_typedarray(env, value, &is) == napi_ok && is) {
    napi_typedarray_type kind;
    size_t length = 0;
    napi_value arraybuffer;
    napi_get_typedarray_info(env, value, &kind, &length, nullptr, &arraybuffer, nullptr);
    if (IsDetached(env, arraybuffer)) return std::string("a ") + TypedArrayName(kind) + " over a detached ArrayBuffer";
    return std::string("a ") + TypedArrayName(kind) + " of length " + std::to_string(length);
  }
  if (napi_is_dataview(env, value, &is) == napi_ok && is) return "a DataView";
  if (napi_is_arraybuffer(env, value, &is) == napi_ok && is) return "an ArrayBuffer";
  if (napi_is_error(env, value, &is) == napi_ok && is) return "an Error object";
  if (napi_is_promise(env, value, &is) == napi_ok && is) return "a Promise";
  return "an object";
}

void ThrowTypeError(Napi::Env env, const std::string& message) {
  throw WithCode(Napi::TypeError::New(env, message), "ERR_INVALID_ARG_TYPE");
}

void ThrowRangeError(Napi::Env env, const std::string& message) {
  throw WithCode(Napi::RangeError::New(env, message), "ERR_OUT_OF_RANGE");
}

void ThrowWrongType(const Napi::Value& value, const std::string& name, const std::string& expected) {
  ThrowTypeError(value.Env(), name + " must be " + expected + ", got " + DescribeValue(value));
}

void ThrowOutOfRange(const Napi::Value& value, const std::string& name, const std::string& expected) {
  ThrowRangeError(value.Env(), name + " must be " + expected + ", got " + DescribeValue(value));
}

void ExpectNoArguments(const Napi::CallbackInfo& info, const char* function) {
  if (info.Length() != 0) {
    ThrowTypeError(info.Env(), std::string(function) + "() takes no arguments, got " + std::to_string(info.Length()) +
                                   " (the first is " + DescribeValue(info[0]) + ")");
  }
}

double IntegerArg(const Napi::Value& value, std::string_view name, double min, double max) {
  // The message is built only on failure: this sits on hot paths (kernel run()).
  auto message = [&](const std::string& given) {
    return std::string(name) + " must be an integer from " + Bound(min) + " to " + Bound(max) + ", got " + given;
  };
  if (!value.IsNumber()) ThrowTypeError(value.Env(), message(DescribeValue(value)));
  double d = value.As<Napi::Number>().DoubleValue();
  // NaN is a number of a wrong value (as in Node's own checks), so a RangeError too.
  if (std::isnan(d)) ThrowRangeError(value.Env(), message("NaN"));
  if (!(d >= min && d <= max) || d != std::floor(d)) ThrowRangeError(value.Env(), message(DescribeValue(value)));
  return d;
}

double NumberArg(const Napi::Value& value, const std::string& name, double min, double max) {
  const std::string expected = "a number from " + Bound(min) + " to " + Bound(max);
  if (!value.IsNumber()) ThrowWrongType(value, name, expected);
  double d = value.As<Napi::Number>().DoubleValue();
  if (!(d >= min && d <= max)) ThrowOutOfRange(value, name, expected);  // NaN fails here too
  return d;
}

bool BooleanArg(const Napi::Value& value, const std::string& name) {
  if (!value.IsBoolean()) ThrowWrongType(value, name, "a boolean");
  return value.As<Napi::Boolean>().Value();
}

bool OptionalBooleanArg(const Napi::Value& value, const std::string& name, bool fallback) {
  return value.IsUndefined() ? fallback : BooleanArg(value, name);
}

std::string ChoiceArg(const Napi::Value& value, const std::string& name, std::initializer_list<const char*> choices) {
  std::string expected;
  for (const char* choice : choices) {
    if (!expected.empty()) expected += " or ";
    expected += std::string("\"") + choice + "\"";
  }
  if (!value.IsString()) ThrowWrongType(value, name, expected);
  std::string s = value.As<Napi::String>().Utf8Value();
  for (const char* choice : choices) {
    if (s == choice) return s;
  }
  ThrowOutOfRange(value, name, expected);
}

std::string StringArg(const Napi::Value& value, const std::string& name, size_t max_bytes) {
  if (!value.IsString()) ThrowTypeError(value.Env(), name + " must be a string, got " + DescribeValue(value));
  size_t length = 0;
  napi_get_value_string_utf8(value.Env(), value, nullptr, 0, &length);
  if (length > max_bytes) {
    ThrowRangeError(value.Env(), name + " must be at most " + std::to_string(max_bytes) + " bytes, got " + DescribeValue(value));
  }
  std::string s = value.As<Napi::String>().Utf8Value();
  if (s.find('\0') != std::string::npos) {
    ThrowRangeError(value.Env(), name + " must not contain a NUL character, got " + DescribeValue(value));
  }
  return s;
}

Napi::Object ObjectArg(const Napi::Value& value, const std::string& name) {
  if (!value.IsObject() || value.IsArray() || value.IsFunction()) {
    ThrowTypeError(value.Env(), name + " must be an object, got " + DescribeValue(value));
  }
  return value.As<Napi::Object>();
}

Napi::Array DenseArrayArg(const Napi::Value& value, const std::string& name, uint32_t max_length) {
  Napi::Env env = value.Env();
  // A Proxy is not an array here (napi_is_array is false for it): its traps could run anything.
  if (!value.IsArray()) ThrowTypeError(env, name + " must be an array, got " + DescribeValue(value));
  Napi::Array array = value.As<Napi::Array>();
  uint32_t length = array.Length();
  if (length > max_length) {
    ThrowRangeError(env, name + " must have at most " + std::to_string(max_length) + " elements, got " + DescribeValue(value));
  }
  for (uint32_t i = 0; i < length; ++i) {
    bool present = false;
    napi_value key = Napi::String::New(env, std::to_string(i));
    if (napi_has_own_property(env, array, key, &present) != napi_ok || !present) {
      ThrowTypeError(env, name + "[" + std::to_string(i) + "] is a hole (sparse array); expected a dense array");
    }
  }
  return array;
}

Napi::Value FieldOf(const Napi::Object& object, const char* key, const std::string& name) {
  try {
    return object.Get(key);
  } catch (const Napi::Error& thrown) {
    Napi::Error error = Napi::TypeError::New(object.Env(), name + "." + key + " could not be read: its getter threw");
    error.Set("cause", thrown.Value());
    throw WithCode(error, "ERR_INVALID_ARG_TYPE");
  }
}

Napi::Value ElementOf(const Napi::Array& array, uint32_t index, const std::string& name) {
  try {
    return array.Get(index);
  } catch (const Napi::Error& thrown) {
    Napi::Error error =
        Napi::TypeError::New(array.Env(), name + "[" + std::to_string(index) + "] could not be read: its getter threw");
    error.Set("cause", thrown.Value());
    throw WithCode(error, "ERR_INVALID_ARG_TYPE");
  }
}

ByteView BufferArg(const Napi::Value& value, const std::string& name, size_t max_length) {
  static const uint8_t kEmpty[1] = {0};
  Napi::Env env = value.Env();
  bool is_typedarray = false;
  napi_is_typedarray(env, value, &is_typedarray);
  napi_typedarray_type kind = napi_int8_array;
  size_t length = 0;
  void* data = nullptr;
  napi_value arraybuffer = nullptr;
  if (is_typedarray) napi_get_typedarray_info(env, value, &kind, &length, &data, &arraybuffer, nullptr);
  if (!is_typedarray || kind != napi_uint8_array) ThrowTypeError(env, name + " must be a Buffer, got " + DescribeValue(value));
  if (IsDetached(env, arraybuffer)) {
    ThrowTypeError(env, name + " must be a Buffer whose memory is still attached, got " + DescribeValue(value));
  }
  if (length > max_length) {
    ThrowRangeError(env, name + " must be at most " + std::to_string(max_length) + " bytes, got " + DescribeValue(value));
  }
  if (length == 0 || data == nullptr) return ByteView{kEmpty, 0};
  return ByteView{static_cast<const uint8_t*>(data), length};
}

void FixedBytesArg(const Napi::Value& value, const std::string& name, uint8_t* out, size_t size) {
  const std::string expected = "a Buffer of " + std::to_string(size) + " bytes";
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
    ThrowWrongType(value, name, expected);
  }
  ByteView bytes = BufferArg(value, name);  // refuses detached memory

  if (bytes.length != size) ThrowOutOfRange(value, name, expected);
  std::memcpy(out, bytes.data, size);
}

}  // namespace args
}  // namespace prtip
