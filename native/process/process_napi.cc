// JS surface of the spawner: spawnCounted(options) → {id, promise}, cancelRun(id),
// resolveExecutable(file, PATH). The run happens in an AsyncWorker on a plain-data
// baton; the JS thread only converts arguments in and results out.
#include "process_napi.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdint>
#include <map>
#include <mutex>

#include "../common/errors.h"
#include "../counters/counters_napi.h"
#include "../counters/perf_group.h"
#include "spawn.h"

namespace prtip {
namespace {

// Runs in flight, by id, so cancelRun can wake a worker. The worker removes its entry
// (under the lock) before closing the eventfd, so cancel never writes to a stale fd.
std::mutex g_runs_mutex;
std::map<uint32_t, int> g_run_cancel_fds;
uint32_t g_next_run_id = 1;

std::vector<std::string> StringArray(Napi::Env env, const Napi::Value& v, const char* what) {
  if (!v.IsArray()) throw Napi::TypeError::New(env, std::string(what) + " must be an array of strings");
  Napi::Array a = v.As<Napi::Array>();
  std::vector<std::string> out;
  for (uint32_t i = 0; i < a.Length(); ++i) {
    Napi::Value item = a.Get(i);
    if (!item.IsString()) throw Napi::TypeError::New(env, std::string(what) + "[" + std::to_string(i) + "] must be a string");
    out.push_back(item.As<Napi::String>().Utf8Value());
  }
  return out;
}

StdioMode ParseStdio(const Napi::Object& o, const char* key) {
  if (!o.Has(key) || !o.Get(key).IsString()) return StdioMode::Null;
  return o.Get(key).As<Napi::String>().Utf8Value() == "inherit" ? StdioMode::Inherit : StdioMode::Null;
}

uint64_t OptionalNs(const Napi::Object& o, const char* key) {
  if (!o.Has(key) || !o.Get(key).IsNumber()) return 0;
  double v = o.Get(key).As<Napi::Number>().DoubleValue();
  return v > 0 ? static_cast<uint64_t>(v) : 0;
}

class SpawnWorker : public Napi::AsyncWorker {
 public:
  SpawnWorker(Napi::Env env, SpawnRequest request, uint32_t id)
      : Napi::AsyncWorker(env, "prtip.spawnCounted"), deferred_(Napi::Promise::Deferred::New(env)),
        request_(std::move(request)), id_(id) {}

  Napi::Promise Promise() { return deferred_.Promise(); }

  void Execute() override {
    SpawnAndWait(request_, &result_);
    std::lock_guard<std::mutex> lock(g_runs_mutex);
    g_run_cancel_fds.erase(id_);
    if (request_.cancel_fd >= 0) close(request_.cancel_fd);
    request_.cancel_fd = -1;
  }

  void OnOK() override {
    Napi::Env env = Env();
    Napi::HandleScope scope(env);
    if (!result_.error_code.empty()) {
      deferred_.Reject(MakeError(env, result_.error_code, result_.error_message, result_.error_errno, result_.error_syscall).Value());
      return;
    }
    deferred_.Resolve(ToJs(env));
  }

  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  Napi::Object ToJs(Napi::Env env) {
    const SpawnResult& r = result_;
    Napi::Object o = Napi::Object::New(env);
    auto num = [&](double v) { return Napi::Number::New(env, v); };
    o.Set("path", r.resolved_path);
    o.Set("pid", num(r.pid));
    o.Set("wallNs", num(static_cast<double>(r.wall_ns)));
    o.Set("userNs", num(static_cast<double>(r.user_ns)));
    o.Set("sysNs", num(static_cast<double>(r.sys_ns)));
    o.Set("maxRssBytes", num(static_cast<double>(r.max_rss_kb) * 1024.0));
    o.Set("maxRssSource", r.max_rss_sampled ? "sampled-vmhwm" : "rusage");
    o.Set("exitCode", r.exit_code >= 0 ? num(r.exit_code) : env.Null());
    o.Set("signal", r.term_signal != 0 ? num(r.term_signal) : env.Null());
    o.Set("timedOut", Napi::Boolean::New(env, r.timed_out));
    o.Set("cancelled", Napi::Boolean::New(env, r.cancelled));
    o.Set("leftoversKilled", Napi::Boolean::New(env, r.leftovers_killed));
    o.Set("enabledNs", num(static_cast<double>(r.enabled_ns)));
    o.Set("runningNs", num(static_cast<double>(r.running_ns)));
    Napi::Array counters = Napi::Array::New(env, r.counters.size());
    for (size_t i = 0; i < r.counters.size(); ++i) {
      const Counter& c = r.counters[i];
      Napi::Object co = Napi::Object::New(env);
      co.Set("name", c.spec.name);
      co.Set("kind", EventKindName(c.spec.kind));
      co.Set("opened", Napi::Boolean::New(env, c.err == 0));
      co.Set("code", c.err == 0 ? std::string("") : ErrnoName(c.err));
      co.Set("reason", c.reason);
      co.Set("value", num(i < r.values.size() ? static_cast<double>(r.values[i]) : 0.0));
      counters.Set(static_cast<uint32_t>(i), co);
    }
    o.Set("counters", counters);
    // The timeline as four parallel Float64Arrays: t (ns since release), VmRSS, VmHWM, RssAnon (bytes).
    size_t n = r.rss.size();
    Napi::Float64Array t = Napi::Float64Array::New(env, n), rss = Napi::Float64Array::New(env, n),
                       hwm = Napi::Float64Array::New(env, n), anon = Napi::Float64Array::New(env, n);
    for (size_t i = 0; i < n; ++i) {
      t[i] = static_cast<double>(r.rss[i].t_ns);
      rss[i] = static_cast<double>(r.rss[i].rss_kb) * 1024.0;
      hwm[i] = static_cast<double>(r.rss[i].hwm_kb) * 1024.0;
      anon[i] = static_cast<double>(r.rss[i].anon_kb) * 1024.0;
    }
    Napi::Object timeline = Napi::Object::New(env);
    timeline.Set("tNs", t);
    timeline.Set("rssBytes", rss);
    timeline.Set("hwmBytes", hwm);
    timeline.Set("anonBytes", anon);
    o.Set("rss", timeline);
    return o;
  }

  Napi::Promise::Deferred deferred_;
  SpawnRequest request_;
  SpawnResult result_;
  uint32_t id_;
};

// spawnCounted({file, argv, env, cwd?, netnsPath?, events, timeoutNs?, rssIntervalNs?, stdin?, stdout?, stderr?})
// TS has validated everything; this re-checks only types it would otherwise misread.
Napi::Value SpawnCounted(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsObject()) throw Napi::TypeError::New(env, "spawnCounted(options): options must be an object");
  Napi::Object o = info[0].As<Napi::Object>();
  SpawnRequest request;
  if (!o.Get("file").IsString()) throw Napi::TypeError::New(env, "options.file must be a string");
  request.file = o.Get("file").As<Napi::String>().Utf8Value();
  request.argv = StringArray(env, o.Get("argv"), "options.argv");
  if (request.argv.empty()) throw Napi::RangeError::New(env, "options.argv must not be empty");
  request.env = StringArray(env, o.Get("env"), "options.env");
  if (o.Has("cwd") && o.Get("cwd").IsString()) request.cwd = o.Get("cwd").As<Napi::String>().Utf8Value();
  if (o.Has("netnsPath") && o.Get("netnsPath").IsString()) request.netns_path = o.Get("netnsPath").As<Napi::String>().Utf8Value();
  if (o.Has("events")) {
    if (!o.Get("events").IsArray()) throw Napi::TypeError::New(env, "options.events must be an array of strings");
    request.events = ResolveEventsOrThrow(env, o.Get("events").As<Napi::Array>());
  }
  request.timeout_ns = OptionalNs(o, "timeoutNs");
  request.rss_interval_ns = OptionalNs(o, "rssIntervalNs");
  request.stdin_mode = ParseStdio(o, "stdin");
  request.stdout_mode = ParseStdio(o, "stdout");
  request.stderr_mode = ParseStdio(o, "stderr");

  int cancel_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (cancel_fd < 0) ThrowError(env, "SPAWN_SETUP", "cannot create the cancel eventfd", errno, "eventfd");
  request.cancel_fd = cancel_fd;
  uint32_t id;
  {
    std::lock_guard<std::mutex> lock(g_runs_mutex);
    id = g_next_run_id++;
    g_run_cancel_fds[id] = cancel_fd;
  }
  auto* worker = new SpawnWorker(env, std::move(request), id);
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  Napi::Object out = Napi::Object::New(env);
  out.Set("id", Napi::Number::New(env, id));
  out.Set("promise", promise);
  return out;
}

// cancelRun(id): kills that run's process group (it resolves with cancelled: true). False if it already ended.
Napi::Value CancelRun(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsNumber()) throw Napi::TypeError::New(env, "cancelRun(id): id must be a number");
  uint32_t id = info[0].As<Napi::Number>().Uint32Value();
  std::lock_guard<std::mutex> lock(g_runs_mutex);
  auto it = g_run_cancel_fds.find(id);
  if (it == g_run_cancel_fds.end()) return Napi::Boolean::New(env, false);
  uint64_t one = 1;
  ssize_t ignored = write(it->second, &one, sizeof(one));
  (void)ignored;
  return Napi::Boolean::New(env, true);
}

// resolveExecutable(file, pathEnv) → {path, code, errno}: the parent's PATH search.
Napi::Value ResolveExecutableJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsString() || !info[1].IsString()) {
    throw Napi::TypeError::New(env, "resolveExecutable(file, pathEnv): both must be strings");
  }
  int err = 0;
  std::string path = ResolveExecutable(info[0].As<Napi::String>().Utf8Value(), info[1].As<Napi::String>().Utf8Value(), &err);
  Napi::Object o = Napi::Object::New(env);
  o.Set("path", path);
  o.Set("code", err == 0 ? std::string("") : ErrnoName(err));
  o.Set("errno", Napi::Number::New(env, err));
  return o;
}

}  // namespace

void InitProcess(Napi::Env env, Napi::Object exports) {
  exports.Set("spawnCounted", Napi::Function::New(env, SpawnCounted, "spawnCounted"));
  exports.Set("cancelRun", Napi::Function::New(env, CancelRun, "cancelRun"));
  exports.Set("resolveExecutable", Napi::Function::New(env, ResolveExecutableJs, "resolveExecutable"));
}

}  // namespace prtip
