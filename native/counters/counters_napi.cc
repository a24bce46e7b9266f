#include "counters_napi.h"

#include <cerrno>

#include "../common/errors.h"
#include "events.h"
#include "perf_group.h"

namespace prtip {

std::vector<EventSpec> ResolveEventsOrThrow(Napi::Env env, const Napi::Array& names) {
  std::vector<EventSpec> specs;
  for (uint32_t i = 0; i < names.Length(); ++i) {
    Napi::Value v = names.Get(i);
    if (!v.IsString()) throw Napi::TypeError::New(env, "events[" + std::to_string(i) + "] must be a string");
    EventSpec spec;
    std::string code, message;
    if (!ResolveEvent(v.As<Napi::String>().Utf8Value(), &spec, &code, &message)) ThrowError(env, code, message);
    specs.push_back(spec);
  }
  return specs;
}

Napi::Array DescribeCounters(Napi::Env env, const PerfGroup& group) {
  const auto& counters = group.counters();
  Napi::Array out = Napi::Array::New(env, counters.size());
  for (size_t i = 0; i < counters.size(); ++i) {
    const Counter& c = counters[i];
    Napi::Object o = Napi::Object::New(env);
    o.Set("name", c.spec.name);
    o.Set("kind", EventKindName(c.spec.kind));
    o.Set("opened", Napi::Boolean::New(env, c.err == 0));
    o.Set("errno", Napi::Number::New(env, c.err));
    o.Set("code", c.err == 0 ? std::string("") : ErrnoName(c.err));
    o.Set("reason", c.reason);
    out.Set(static_cast<uint32_t>(i), o);
  }
  return out;
}

namespace {

// A group owned by a JS object; the finalizer closes its fds if JS never does.
class CounterGroup : public Napi::ObjectWrap<CounterGroup> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "CounterGroup",
                       {
                           InstanceMethod<&CounterGroup::Enable>("enable"),
                           InstanceMethod<&CounterGroup::Disable>("disable"),
                           InstanceMethod<&CounterGroup::Reset>("reset"),
                           InstanceMethod<&CounterGroup::ReadInto>("readInto"),
                           InstanceMethod<&CounterGroup::Describe>("describe"),
                           InstanceMethod<&CounterGroup::Close>("close"),
                           InstanceAccessor<&CounterGroup::ExcludeKernel>("excludeKernel"),
                           InstanceAccessor<&CounterGroup::Size>("size"),
                       });
  }

  // new CounterGroup(names: string[], options: {pid?, inherit?, enableOnExec?, excludeKernel?})
  explicit CounterGroup(const Napi::CallbackInfo& info) : Napi::ObjectWrap<CounterGroup>(info) {
    Napi::Env env = info.Env();
    if (info.Length() < 1 || !info[0].IsArray()) throw Napi::TypeError::New(env, "events must be an array of strings");
    std::vector<EventSpec> specs = ResolveEventsOrThrow(env, info[0].As<Napi::Array>());
    GroupOptions options;
    if (info.Length() >= 2 && info[1].IsObject()) {
      Napi::Object o = info[1].As<Napi::Object>();
      if (o.Has("pid") && o.Get("pid").IsNumber()) options.pid = o.Get("pid").As<Napi::Number>().Int32Value();
      if (o.Has("inherit")) options.inherit = o.Get("inherit").ToBoolean();
      if (o.Has("enableOnExec")) options.enable_on_exec = o.Get("enableOnExec").ToBoolean();
      if (o.Has("excludeKernel") && o.Get("excludeKernel").IsBoolean()) {
        options.exclude_kernel = o.Get("excludeKernel").ToBoolean() ? 1 : 0;
      }
    }
    group_.Open(specs, options);
    // EMFILE is not a property of the event: the process is out of fds, so fail loudly.
    for (const auto& c : group_.counters()) {
      if (c.err == EMFILE || c.err == ENFILE) {
        group_.Close();
        ThrowError(env, "PERF_EMFILE", "cannot open counter \"" + c.spec.name + "\": " + c.reason, c.err,
                   "perf_event_open");
      }
    }
  }

 private:
  void Check(Napi::Env env, int err, const char* what) {
    if (err != 0) ThrowError(env, "PERF_IOCTL", std::string("counter group ") + what + " failed", err, "ioctl");
  }
  void EnsureOpen(Napi::Env env, const char* what) {
    if (closed_) ThrowError(env, "GROUP_CLOSED", std::string("cannot ") + what + ": the counter group is closed");
  }

  Napi::Value Enable(const Napi::CallbackInfo& info) {
    EnsureOpen(info.Env(), "enable");
    Check(info.Env(), group_.Enable(), "enable");
    return info.Env().Undefined();
  }
  Napi::Value Disable(const Napi::CallbackInfo& info) {
    EnsureOpen(info.Env(), "disable");
    Check(info.Env(), group_.Disable(), "disable");
    return info.Env().Undefined();
  }
  Napi::Value Reset(const Napi::CallbackInfo& info) {
    EnsureOpen(info.Env(), "reset");
    Check(info.Env(), group_.Reset(), "reset");
    return info.Env().Undefined();
  }

  // readInto(out: Float64Array): [time_enabled, time_running, v0, v1, ...]. No allocation,
  // so a read costs one syscall plus one N-API crossing.
  Napi::Value ReadInto(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    EnsureOpen(env, "read");
    if (info.Length() < 1 || !info[0].IsTypedArray() ||
        info[0].As<Napi::TypedArray>().TypedArrayType() != napi_float64_array) {
      throw Napi::TypeError::New(env, "readInto(out): out must be a Float64Array");
    }
    Napi::Float64Array out = info[0].As<Napi::Float64Array>();
    size_t n = group_.counters().size();
    if (out.ElementLength() < n + 2) {
      throw Napi::RangeError::New(env, "readInto(out): out must have at least " + std::to_string(n + 2) + " elements");
    }
    values_.resize(n);
    uint64_t enabled = 0, running = 0;
    int err = group_.Read(&enabled, &running, values_.data());
    if (err != 0) ThrowError(env, "PERF_READ", "reading the counter group failed", err, "read");
    double* dst = out.Data();
    dst[0] = static_cast<double>(enabled);
    dst[1] = static_cast<double>(running);
    for (size_t i = 0; i < n; ++i) dst[2 + i] = static_cast<double>(values_[i]);
    return env.Undefined();
  }

  Napi::Value Describe(const Napi::CallbackInfo& info) { return DescribeCounters(info.Env(), group_); }

  Napi::Value Close(const Napi::CallbackInfo& info) {
    group_.Close();
    closed_ = true;
    return info.Env().Undefined();
  }

  Napi::Value ExcludeKernel(const Napi::CallbackInfo& info) {
    return Napi::Boolean::New(info.Env(), group_.exclude_kernel());
  }
  Napi::Value Size(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), static_cast<double>(group_.counters().size()));
  }

  PerfGroup group_;
  std::vector<uint64_t> values_;
  bool closed_ = false;
};

Napi::Value NamedEventsJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto events = NamedEvents();
  Napi::Array out = Napi::Array::New(env, events.size());
  for (size_t i = 0; i < events.size(); ++i) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("name", events[i].name);
    o.Set("kind", EventKindName(events[i].kind));
    out.Set(static_cast<uint32_t>(i), o);
  }
  return out;
}

// probeEvents(names): opens each event alone on this thread and closes it again.
Napi::Value ProbeEventsJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsArray()) throw Napi::TypeError::New(env, "names must be an array of strings");
  Napi::Array names = info[0].As<Napi::Array>();
  Napi::Array out = Napi::Array::New(env, names.Length());
  for (uint32_t i = 0; i < names.Length(); ++i) {
    std::string name = names.Get(i).ToString().Utf8Value();
    Napi::Object o = Napi::Object::New(env);
    o.Set("name", name);
    EventSpec spec;
    std::string code, message;
    if (!ResolveEvent(name, &spec, &code, &message)) {
      o.Set("kind", name.find(':') != std::string::npos ? "tracepoint" : "unknown");
      o.Set("supported", false);
      o.Set("code", code);
      o.Set("reason", message);
    } else {
      PerfGroup group;
      group.Open({spec}, GroupOptions{});
      const Counter& c = group.counters()[0];
      o.Set("kind", EventKindName(spec.kind));
      o.Set("supported", Napi::Boolean::New(env, c.err == 0));
      o.Set("code", c.err == 0 ? std::string("") : ErrnoName(c.err));
      o.Set("reason", c.reason);
    }
    out.Set(i, o);
  }
  return out;
}

Napi::Value PrivilegesJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Privileges p = CurrentPrivileges();
  Napi::Object o = Napi::Object::New(env);
  o.Set("paranoid", Napi::Number::New(env, p.paranoid));
  o.Set("privileged", Napi::Boolean::New(env, p.privileged));
  o.Set("countKernel", Napi::Boolean::New(env, p.count_kernel));
  return o;
}

Napi::Value TracefsRootJs(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), TracefsRoot()); }

}  // namespace

void InitCounters(Napi::Env env, Napi::Object exports) {
  exports.Set("CounterGroup", CounterGroup::Define(env));
  exports.Set("namedEvents", Napi::Function::New(env, NamedEventsJs, "namedEvents"));
  exports.Set("probeEvents", Napi::Function::New(env, ProbeEventsJs, "probeEvents"));
  exports.Set("privileges", Napi::Function::New(env, PrivilegesJs, "privileges"));
  exports.Set("tracefsRoot", Napi::Function::New(env, TracefsRootJs, "tracefsRoot"));
}

}  // namespace prtip
