#include "counters_napi.h"

#include <cerrno>
#include <memory>

#include "../common/args.h"
#include "../common/errors.h"
#include "../common/tagged_class.h"
#include "events.h"
#include "perf_group.h"

namespace prtip {

using namespace args;  // common/args.h

namespace {

// One fd per event; perf's own limit on a group is the PMU's (src/measure/counters.ts MAX_EVENTS).
constexpr uint32_t kMaxGroupEvents = 32;
// probeEvents opens events one at a time, so it may take more; still bounded.
constexpr uint32_t kMaxProbeNames = 4096;
// Longer than any perf event or tracepoint name ("category:name", each a tracefs file name).
constexpr size_t kMaxEventNameBytes = 512;

std::string EventNameAt(const Napi::Array& names, uint32_t i, const std::string& param) {
  return StringArg(ElementOf(names, i, param), param + "[" + std::to_string(i) + "]", kMaxEventNameBytes);
}

}  // namespace

std::vector<EventSpec> ResolveEventsOrThrow(Napi::Env env, const Napi::Array& names) {
  const std::string param = "events";
  DenseArrayArg(names, param, kMaxGroupEvents);
  std::vector<EventSpec> specs;
  for (uint32_t i = 0; i < names.Length(); ++i) {
    EventSpec spec;
    std::string code, message;
    if (!ResolveEvent(EventNameAt(names, i, param), &spec, &code, &message)) {
      ThrowError(env, code, param + "[" + std::to_string(i) + "]: " + message);
    }
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
  static constexpr napi_type_tag kTypeTag = {0x6b1f0c2d9a4e4c11ull, 0xa3c55e0f7d2b9e01ull};
  static constexpr const char* kClassName = "CounterGroup";

  static Napi::Function Define(Napi::Env env) {
    return DefineTaggedClass<CounterGroup>(env,
                       {
                           TaggedMethod<CounterGroup, &CounterGroup::Enable>("enable"),
                           TaggedMethod<CounterGroup, &CounterGroup::Disable>("disable"),
                           TaggedMethod<CounterGroup, &CounterGroup::Reset>("reset"),
                           TaggedMethod<CounterGroup, &CounterGroup::ReadInto>("readInto"),
                           TaggedMethod<CounterGroup, &CounterGroup::Describe>("describe"),
                           TaggedMethod<CounterGroup, &CounterGroup::Close>("close"),
                           TaggedMethod<CounterGroup, &CounterGroup::ReferenceLoop>("referenceLoop"),
                           TaggedGetter<CounterGroup, &CounterGroup::ExcludeKernel>("excludeKernel"),
                           TaggedGetter<CounterGroup, &CounterGroup::Size>("size"),
                       });
  }

  // new CounterGroup(names: string[], options?: {pid?, inherit?, enableOnExec?, excludeKernel?})
  explicit CounterGroup(const Napi::CallbackInfo& info) : Napi::ObjectWrap<CounterGroup>(info) {
    Napi::Env env = info.Env();
    std::vector<EventSpec> specs = ResolveEventsOrThrow(env, DenseArrayArg(info[0], "events", kMaxGroupEvents));
    if (specs.empty()) ThrowRangeError(env, "events must name at least one event, got an empty array");
    GroupOptions options;
    if (!info[1].IsUndefined()) {
      const std::string param = "options";
      Napi::Object o = ObjectArg(info[1], param);
      Napi::Value pid = FieldOf(o, "pid", param);
      // The kernel's PID_MAX_LIMIT; 0 (the default) is the calling thread.
      if (!pid.IsUndefined()) options.pid = static_cast<pid_t>(IntegerArg(pid, "options.pid", 0, 4194304));
      options.inherit = OptionalBooleanArg(FieldOf(o, "inherit", param), "options.inherit", false);
      options.enable_on_exec = OptionalBooleanArg(FieldOf(o, "enableOnExec", param), "options.enableOnExec", false);
      Napi::Value exclude = FieldOf(o, "excludeKernel", param);
      if (!exclude.IsUndefined()) options.exclude_kernel = OptionalBooleanArg(exclude, "options.excludeKernel", false) ? 1 : 0;
    }
    group_->Open(specs, options);
    size_ = group_->counters().size();
    exclude_kernel_ = group_->exclude_kernel();
    // EMFILE is not a property of the event: the process is out of fds, so fail loudly.
    for (const auto& c : group_->counters()) {
      if (c.err == EMFILE || c.err == ENFILE) {
        group_->Close();
        ThrowError(env, "PERF_EMFILE", "cannot open counter \"" + c.spec.name + "\": " + c.reason, c.err,
                   "perf_event_open");
      }
    }
    TagInstance(info, kTypeTag);
  }

 private:
  void Check(Napi::Env env, int err, const char* what) {
    if (err != 0) ThrowError(env, "PERF_IOCTL", std::string("counter group ") + what + " failed", err, "ioctl");
  }
  void EnsureOpen(Napi::Env env, const char* what) {
    if (closed_) ThrowError(env, "GROUP_CLOSED", std::string("cannot ") + what + ": the counter group is closed");
  }

  Napi::Value Enable(const Napi::CallbackInfo& info) {
    ExpectNoArguments(info, "CounterGroup.prototype.enable");
    EnsureOpen(info.Env(), "enable");
    Check(info.Env(), group_->Enable(), "enable");
    return info.Env().Undefined();
  }
  Napi::Value Disable(const Napi::CallbackInfo& info) {
    ExpectNoArguments(info, "CounterGroup.prototype.disable");
    EnsureOpen(info.Env(), "disable");
    Check(info.Env(), group_->Disable(), "disable");
    return info.Env().Undefined();
  }
  Napi::Value Reset(const Napi::CallbackInfo& info) {
    ExpectNoArguments(info, "CounterGroup.prototype.reset");
    EnsureOpen(info.Env(), "reset");
    Check(info.Env(), group_->Reset(), "reset");
    return info.Env().Undefined();
  }

  // readInto(out: Float64Array): [time_enabled, time_running, v0, v1, ...]. No allocation,
  // so a read costs one syscall plus one N-API crossing. One napi_get_typedarray_info
  // gives type, length and data (node-addon-api's TypedArray/Float64Array wrappers ask
  // three times, ~40 ns each), and the values go straight into the array.
  Napi::Value ReadInto(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    EnsureOpen(env, "read");
    napi_typedarray_type type = napi_int8_array;
    size_t length = 0;
    void* data = nullptr;
    bool is_typed_array = false;
    napi_is_typedarray(env, info[0], &is_typed_array);
    if (is_typed_array) napi_get_typedarray_info(env, info[0], &type, &length, &data, nullptr, nullptr);
    if (!is_typed_array || type != napi_float64_array) {
      ThrowTypeError(env, "readInto(out): out must be a Float64Array, got " + DescribeValue(info[0]));
    }
    size_t n = size_;
    // A detached array has length 0, so this also refuses it.
    if (length < n + 2) {
      ThrowRangeError(env, "readInto(out): out must have at least " + std::to_string(n + 2) + " elements, got " +
                               DescribeValue(info[0]));
    }
    int err = group_->ReadInto(static_cast<double*>(data));
    if (err != 0) ThrowError(env, "PERF_READ", "reading the counter group failed", err, "read");
    return env.Undefined();
  }

  // referenceLoop(kind: 0 read | 1 bracket, iterations): the native floor of readInto and
  // of an enable/readInto/disable bracket on this group's own fd (perf_group.h).
  Napi::Value ReferenceLoop(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    auto kind = static_cast<int>(IntegerArg(info[0], "CounterGroup.prototype.referenceLoop: kind", 0, 1));
    auto iterations = static_cast<uint64_t>(IntegerArg(info[1], "CounterGroup.prototype.referenceLoop: iterations", 0, 1e7));
    EnsureOpen(env, "run a reference loop");
    int err = kind == 0 ? group_->ReferenceReadLoop(iterations) : group_->ReferenceBracketLoop(iterations);
    if (err != 0) ThrowError(env, "PERF_READ", "the reference loop on the counter group failed", err, kind == 0 ? "read" : "ioctl");
    return env.Undefined();
  }

  Napi::Value Describe(const Napi::CallbackInfo& info) {
    ExpectNoArguments(info, "CounterGroup.prototype.describe");
    EnsureOpen(info.Env(), "describe");
    return DescribeCounters(info.Env(), *group_);
  }

  Napi::Value Close(const Napi::CallbackInfo& info) {
    ExpectNoArguments(info, "CounterGroup.prototype.close");
    // Everything native goes now (fds, buffers, the counter list), not at the finalizer:
    // N-API runs that only when the event loop turns (a deferred finalizer in Node 20), so a
    // synchronous loop of open/close would otherwise pile them up. What waits for the GC and
    // the next turn is this small wrapper alone (docs/robustness.md has the figures).
    group_.reset();
    closed_ = true;
    return info.Env().Undefined();
  }

  Napi::Value ExcludeKernel(const Napi::CallbackInfo& info) {
    return Napi::Boolean::New(info.Env(), exclude_kernel_);
  }
  Napi::Value Size(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), static_cast<double>(size_));
  }

  // Owned apart from the wrapper so close() can free it at once; null once closed.
  std::unique_ptr<PerfGroup> group_ = std::make_unique<PerfGroup>();
  size_t size_ = 0;
  bool exclude_kernel_ = false;
  bool closed_ = false;
};

Napi::Value NamedEventsJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ExpectNoArguments(info, "namedEvents");
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
  const std::string param = "names";
  Napi::Array names = DenseArrayArg(info[0], param, kMaxProbeNames);
  // Every name is checked before the first is opened: a bad call probes nothing.
  std::vector<std::string> checked;
  for (uint32_t i = 0; i < names.Length(); ++i) checked.push_back(EventNameAt(names, i, param));
  Napi::Array out = Napi::Array::New(env, checked.size());
  for (uint32_t i = 0; i < checked.size(); ++i) {
    const std::string& name = checked[i];
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
  ExpectNoArguments(info, "privileges");
  Privileges p = CurrentPrivileges();
  Napi::Object o = Napi::Object::New(env);
  o.Set("paranoid", Napi::Number::New(env, p.paranoid));
  o.Set("privileged", Napi::Boolean::New(env, p.privileged));
  o.Set("countKernel", Napi::Boolean::New(env, p.count_kernel));
  return o;
}

Napi::Value TracefsRootJs(const Napi::CallbackInfo& info) {
  ExpectNoArguments(info, "tracefsRoot");
  return Napi::String::New(info.Env(), TracefsRoot());
}

Napi::Value TracefsStatusJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ExpectNoArguments(info, "tracefsStatus");
  TracefsStatus status = Tracefs();
  Napi::Object o = Napi::Object::New(env);
  o.Set("root", status.root);
  o.Set("mountedHere", Napi::Boolean::New(env, status.mounted_here));
  o.Set("note", status.note);
  return o;
}

}  // namespace

void InitCounters(Napi::Env env, Napi::Object exports) {
  exports.Set("CounterGroup", CounterGroup::Define(env));
  exports.Set("namedEvents", Napi::Function::New(env, NamedEventsJs, "namedEvents"));
  exports.Set("probeEvents", Napi::Function::New(env, ProbeEventsJs, "probeEvents"));
  exports.Set("privileges", Napi::Function::New(env, PrivilegesJs, "privileges"));
  exports.Set("tracefsRoot", Napi::Function::New(env, TracefsRootJs, "tracefsRoot"));
  exports.Set("tracefsStatus", Napi::Function::New(env, TracefsStatusJs, "tracefsStatus"));
}

}  // namespace prtip
