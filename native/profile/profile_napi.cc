#include "profile_napi.h"

#include <cstring>

#include "../common/args.h"
#include "../common/errors.h"

namespace prtip {
namespace {

template <typename T, typename Array>
Array CopyTyped(Napi::Env env, const std::vector<T>& v) {
  Array out = Array::New(env, v.size());
  if (!v.empty()) std::memcpy(out.Data(), v.data(), v.size() * sizeof(T));
  return out;
}

// maxSampleRate() → kernel.perf_event_max_sample_rate (0 when unreadable).
Napi::Value MaxSampleRateJs(const Napi::CallbackInfo& info) {
  args::ExpectNoArguments(info, "maxSampleRate");
  return Napi::Number::New(info.Env(), static_cast<double>(MaxSampleRate()));
}

}  // namespace

SamplerRequest SamplerRequestFromJs(Napi::Env env, const Napi::Value& value, const std::string& name) {
  Napi::Object o = args::ObjectArg(value, name);
  SamplerRequest request;
  std::string event = args::StringArg(args::FieldOf(o, "event", name), name + ".event", 256);
  if (event.empty()) args::ThrowOutOfRange(args::FieldOf(o, "event", name), name + ".event", "an event name such as \"cpu-clock\"");
  std::string code, message;
  if (!ResolveEvent(event, &request.event, &code, &message)) ThrowError(env, code, name + ".event: " + message);
  uint64_t max_rate = MaxSampleRate();
  double limit = max_rate > 0 ? static_cast<double>(max_rate) : 100000.0;
  Napi::Value hz = args::FieldOf(o, "frequencyHz", name);
  request.frequency_hz = static_cast<uint64_t>(args::IntegerArg(hz, name + ".frequencyHz", 1, limit));
  request.record = args::OptionalBooleanArg(args::FieldOf(o, "record", name), name + ".record", true);
  return request;
}

Napi::Object ProfileToJs(Napi::Env env, const ProfileData& p) {
  Napi::Object o = Napi::Object::New(env);
  Napi::Object samples = Napi::Object::New(env);
  samples.Set("pid", CopyTyped<uint32_t, Napi::Uint32Array>(env, p.pid));
  samples.Set("tid", CopyTyped<uint32_t, Napi::Uint32Array>(env, p.tid));
  Napi::Float64Array time = Napi::Float64Array::New(env, p.time_ns.size());
  for (size_t i = 0; i < p.time_ns.size(); ++i) time[i] = static_cast<double>(p.time_ns[i]);
  samples.Set("timeNs", time);
  samples.Set("frameBegin", CopyTyped<uint32_t, Napi::Uint32Array>(env, p.frame_begin));
  samples.Set("frameCount", CopyTyped<uint32_t, Napi::Uint32Array>(env, p.frame_count));
  samples.Set("kernelFrames", CopyTyped<uint32_t, Napi::Uint32Array>(env, p.kernel_frames));
  Napi::ArrayBuffer frames_buffer = Napi::ArrayBuffer::New(env, p.frames.size() * sizeof(uint64_t));
  if (!p.frames.empty()) std::memcpy(frames_buffer.Data(), p.frames.data(), p.frames.size() * sizeof(uint64_t));
  napi_value frames;
  if (napi_create_typedarray(env, napi_biguint64_array, p.frames.size(), frames_buffer, 0, &frames) != napi_ok) {
    ThrowError(env, "PROFILE_CONVERT", "cannot create the frames array");
  }
  samples.Set("frames", Napi::Value(env, frames));
  o.Set("samples", samples);
  Napi::Array mappings = Napi::Array::New(env, p.mappings.size());
  for (size_t i = 0; i < p.mappings.size(); ++i) {
    const ProfileMappingRecord& m = p.mappings[i];
    Napi::Object mo = Napi::Object::New(env);
    mo.Set("pid", Napi::Number::New(env, m.pid));
    mo.Set("start", Napi::BigInt::New(env, static_cast<uint64_t>(m.start)));
    mo.Set("end", Napi::BigInt::New(env, static_cast<uint64_t>(m.end)));
    mo.Set("pgoff", Napi::BigInt::New(env, static_cast<uint64_t>(m.pgoff)));
    mo.Set("filename", m.filename);
    mappings.Set(static_cast<uint32_t>(i), mo);
  }
  o.Set("mappings", mappings);
  Napi::Array comms = Napi::Array::New(env, p.comms.size());
  for (size_t i = 0; i < p.comms.size(); ++i) {
    Napi::Object co = Napi::Object::New(env);
    co.Set("pid", Napi::Number::New(env, p.comms[i].pid));
    co.Set("tid", Napi::Number::New(env, p.comms[i].tid));
    co.Set("comm", p.comms[i].comm);
    comms.Set(static_cast<uint32_t>(i), co);
  }
  o.Set("comms", comms);
  o.Set("lost", Napi::Number::New(env, static_cast<double>(p.lost)));
  o.Set("lostSamples", Napi::Number::New(env, static_cast<double>(p.lost_samples)));
  o.Set("throttles", Napi::Number::New(env, static_cast<double>(p.throttles)));
  o.Set("truncated", Napi::Number::New(env, static_cast<double>(p.truncated)));
  o.Set("eventCount", Napi::Number::New(env, static_cast<double>(p.event_count)));
  Napi::Object kernel = Napi::Object::New(env);
  kernel.Set("available", Napi::Boolean::New(env, p.kernel_frames_available));
  kernel.Set("reason", p.kernel_frames_reason);
  o.Set("kernelFrames", kernel);
  return o;
}

void InitProfile(Napi::Env env, Napi::Object exports) {
  exports.Set("maxSampleRate", Napi::Function::New(env, MaxSampleRateJs, "maxSampleRate"));
}

}  // namespace prtip
