// JS surface of the spawner: spawnCounted(options) → {id, promise}, cancelRun(id),
// resolveExecutable(file, PATH).
//
// Each run happens on a thread of its own (a run can last hours; it must not hold one of
// libuv's four pool threads), and its result comes back through a thread-safe function.
// That function's finalizer, which Node also runs when the environment is torn down
// (a worker thread terminated, the process exiting), cancels the run and joins the thread:
// terminate() returns in milliseconds, no child is left, and nothing is resolved into,
// or thrown into, an environment that is going away.
#include "process_napi.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <climits>
#include <cmath>
#include <cstdint>
#include <map>
#include <mutex>
#include <system_error>
#include <thread>

#include "../common/errors.h"
#include "../counters/counters_napi.h"
#include "../counters/perf_group.h"
#include "spawn.h"

namespace prtip {
namespace {

// Limits on what a caller may pass; beyond them execve would refuse anyway (E2BIG).
constexpr uint32_t kMaxArgs = 1u << 16;
constexpr uint32_t kMaxEnv = 1u << 16;
constexpr uint32_t kMaxEvents = 64;
constexpr size_t kMaxPathBytes = PATH_MAX;
constexpr size_t kMaxStringBytes = 128 * 1024;  // MAX_ARG_STRLEN
constexpr double kMaxNs = 9007199254740991.0;    // 2^53 - 1: exact in a double, ~104 days

// Runs in flight, by id, so cancelRun can wake a run's thread. The thread removes its entry
// (under the lock) before closing the eventfd, so cancel never writes to a stale fd.
// Never destroyed: run threads may still use it while the process exits.
struct RunRegistry {
  std::mutex mutex;
  std::map<uint32_t, int> cancel_fds;
  uint32_t next_id = 1;
};
RunRegistry& Registry() {
  static RunRegistry& registry = *new RunRegistry();
  return registry;
}

bool CancelById(uint32_t id) {
  RunRegistry& r = Registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  auto it = r.cancel_fds.find(id);
  if (it == r.cancel_fds.end()) return false;
  uint64_t one = 1;
  ssize_t ignored = write(it->second, &one, sizeof(one));
  (void)ignored;
  return true;
}

// ---- argument checks: every message names the parameter and says what was given ----

std::string Describe(const Napi::Value& v) {
  if (v.IsUndefined()) return "undefined";
  if (v.IsNull()) return "null";
  if (v.IsBoolean()) return v.As<Napi::Boolean>().Value() ? "true" : "false";
  if (v.IsNumber()) return "the number " + v.ToString().Utf8Value();
  if (v.IsString()) return "a string";
  if (v.IsArray()) return "an array";
  if (v.IsFunction()) return "a function";
  if (v.IsBigInt()) return "a bigint";
  if (v.IsSymbol()) return "a symbol";
  return "an object";
}

[[noreturn]] void ThrowType(Napi::Env env, const std::string& what, const std::string& expected, const Napi::Value& got) {
  throw Napi::TypeError::New(env, what + " must be " + expected + ", got " + Describe(got));
}

// A string without NUL bytes (execve would cut it there) and of bounded size.
std::string CheckedString(Napi::Env env, const Napi::Value& v, const std::string& what, size_t max_bytes, bool allow_empty) {
  if (!v.IsString()) ThrowType(env, what, "a string", v);
  std::string s = v.As<Napi::String>().Utf8Value();
  if (s.find('\0') != std::string::npos) throw Napi::TypeError::New(env, what + " must not contain NUL bytes");
  if (!allow_empty && s.empty()) throw Napi::RangeError::New(env, what + " must not be empty");
  if (s.size() > max_bytes) {
    throw Napi::RangeError::New(env, what + " must be at most " + std::to_string(max_bytes) + " bytes, got " + std::to_string(s.size()));
  }
  return s;
}

std::vector<std::string> StringArray(Napi::Env env, const Napi::Value& v, const std::string& what, uint32_t max_items,
                                     bool allow_empty_strings) {
  if (!v.IsArray()) ThrowType(env, what, "an array of strings", v);
  Napi::Array a = v.As<Napi::Array>();
  uint32_t n = a.Length();
  if (n > max_items) throw Napi::RangeError::New(env, what + " may have at most " + std::to_string(max_items) + " items, got " + std::to_string(n));
  std::vector<std::string> out;
  out.reserve(n);
  for (uint32_t i = 0; i < n; ++i) {
    out.push_back(CheckedString(env, a.Get(i), what + "[" + std::to_string(i) + "]", kMaxStringBytes, allow_empty_strings));
  }
  return out;
}

// Present and not undefined?
bool Given(const Napi::Object& o, const char* key) { return o.Has(key) && !o.Get(key).IsUndefined(); }

StdioMode ParseStdio(Napi::Env env, const Napi::Object& o, const char* key) {
  if (!Given(o, key)) return StdioMode::Null;
  std::string what = std::string("options.") + key;
  Napi::Value v = o.Get(key);
  if (!v.IsString()) ThrowType(env, what, "\"null\" or \"inherit\"", v);
  std::string mode = v.As<Napi::String>().Utf8Value();
  if (mode == "null") return StdioMode::Null;
  if (mode == "inherit") return StdioMode::Inherit;
  throw Napi::RangeError::New(env, what + " must be \"null\" or \"inherit\", got another string");
}

// A duration in ns: a finite number from 0 to 2^53-1 (so the conversion is exact, never UB).
uint64_t OptionalNs(Napi::Env env, const Napi::Object& o, const char* key) {
  if (!Given(o, key)) return 0;
  std::string what = std::string("options.") + key;
  Napi::Value v = o.Get(key);
  if (!v.IsNumber()) ThrowType(env, what, "a number of nanoseconds", v);
  double d = v.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(d) || d < 0 || d > kMaxNs) {
    throw Napi::RangeError::New(env, what + " must be a number of nanoseconds from 0 to 2^53-1, got " + v.ToString().Utf8Value());
  }
  return static_cast<uint64_t>(d);
}

// ---- one run on its own thread ----

struct Run {
  uint32_t id = 0;
  SpawnRequest request;
  SpawnResult result;
  napi_deferred deferred = nullptr;
  napi_threadsafe_function tsfn = nullptr;
  std::thread thread;
};

Napi::Object ResultToJs(Napi::Env env, const SpawnResult& r) {
  Napi::Object o = Napi::Object::New(env);
  auto num = [&](double v) { return Napi::Number::New(env, v); };
  o.Set("path", r.resolved_path);
  o.Set("pid", num(r.pid));
  o.Set("wallNs", num(static_cast<double>(r.wall_ns)));
  o.Set("userNs", num(static_cast<double>(r.user_ns)));
  o.Set("sysNs", num(static_cast<double>(r.sys_ns)));
  o.Set("maxRssBytes", num(static_cast<double>(r.max_rss_kb) * 1024.0));
  o.Set("exitCode", r.exit_code >= 0 ? num(r.exit_code) : env.Null());
  o.Set("signal", r.term_signal != 0 ? num(r.term_signal) : env.Null());
  o.Set("timedOut", Napi::Boolean::New(env, r.timed_out));
  o.Set("cancelled", Napi::Boolean::New(env, r.cancelled));
  o.Set("leftoversKilled", Napi::Boolean::New(env, r.leftovers_killed));
  o.Set("containment", r.containment);
  o.Set("containmentNote", r.containment_note);
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

// On the JS thread, with the run finished. env is null when the environment is being torn
// down: then there is no one to tell, and nothing may be called.
void DeliverResult(napi_env raw_env, napi_value /*js_callback*/, void* /*context*/, void* data) {
  Run* run = static_cast<Run*>(data);
  if (raw_env == nullptr || run == nullptr || run->deferred == nullptr) return;
  napi_deferred deferred = run->deferred;
  run->deferred = nullptr;
  // No C++ exception may leave a C callback; a failed resolve (the environment stopping)
  // is dropped rather than thrown into it.
  try {
    Napi::Env env(raw_env);
    Napi::HandleScope scope(env);
    const SpawnResult& r = run->result;
    if (!r.error_code.empty()) {
      napi_reject_deferred(raw_env, deferred, MakeError(env, r.error_code, r.error_message, r.error_errno, r.error_syscall).Value());
    } else {
      napi_resolve_deferred(raw_env, deferred, ResultToJs(env, r));
    }
  } catch (...) {
    bool pending = false;
    if (napi_is_exception_pending(raw_env, &pending) == napi_ok && pending) {
      napi_value ignored;
      napi_get_and_clear_last_exception(raw_env, &ignored);
    }
  }
}

// When the thread-safe function is destroyed: after the thread released it, or at
// environment teardown while the run may still be going. Either way: stop it, join, free.
void FinalizeRun(napi_env /*env*/, void* data, void* /*hint*/) {
  Run* run = static_cast<Run*>(data);
  CancelById(run->id);
  if (run->thread.joinable()) run->thread.join();
  delete run;
}

void RunThread(Run* run) {
  SpawnAndWait(run->request, &run->result);
  {
    RunRegistry& r = Registry();
    std::lock_guard<std::mutex> lock(r.mutex);
    r.cancel_fds.erase(run->id);
    if (run->request.cancel_fd >= 0) close(run->request.cancel_fd);
    run->request.cancel_fd = -1;
  }
  // napi_closing: the environment is going away and the function must not be touched again.
  if (napi_call_threadsafe_function(run->tsfn, run, napi_tsfn_blocking) != napi_closing) {
    napi_release_threadsafe_function(run->tsfn, napi_tsfn_release);
  }
}

// spawnCounted({file, argv, env, cwd?, netnsPath?, events?, timeoutNs?, rssIntervalNs?, stdin?, stdout?, stderr?, cgroup?})
// The TS layer checks first; this checks again, since a wrong value here is a wrong program run.
Napi::Value SpawnCounted(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsObject() || info[0].IsArray() || info[0].IsFunction()) {
    ThrowType(env, "spawnCounted(options): options", "an object", info.Length() < 1 ? env.Undefined() : info[0]);
  }
  Napi::Object o = info[0].As<Napi::Object>();
  SpawnRequest request;
  request.file = CheckedString(env, o.Get("file"), "options.file", kMaxPathBytes, false);
  request.argv = StringArray(env, o.Get("argv"), "options.argv", kMaxArgs, true);
  if (request.argv.empty()) throw Napi::RangeError::New(env, "options.argv must not be empty");
  request.env = StringArray(env, o.Get("env"), "options.env", kMaxEnv, false);
  for (size_t i = 0; i < request.env.size(); ++i) {
    if (request.env[i].find('=') == std::string::npos || request.env[i][0] == '=') {
      throw Napi::RangeError::New(env, "options.env[" + std::to_string(i) + "] must be \"NAME=value\" with a non-empty NAME");
    }
  }
  if (Given(o, "cwd")) request.cwd = CheckedString(env, o.Get("cwd"), "options.cwd", kMaxPathBytes, false);
  if (Given(o, "netnsPath")) request.netns_path = CheckedString(env, o.Get("netnsPath"), "options.netnsPath", kMaxPathBytes, false);
  if (Given(o, "events")) {
    Napi::Value events = o.Get("events");
    if (!events.IsArray()) ThrowType(env, "options.events", "an array of event names", events);
    uint32_t n = events.As<Napi::Array>().Length();
    if (n > kMaxEvents) {
      throw Napi::RangeError::New(env, "options.events may name at most " + std::to_string(kMaxEvents) + " events, got " + std::to_string(n));
    }
    for (uint32_t i = 0; i < n; ++i) {
      CheckedString(env, events.As<Napi::Array>().Get(i), "options.events[" + std::to_string(i) + "]", 256, false);
    }
    request.events = ResolveEventsOrThrow(env, events.As<Napi::Array>());
  }
  request.timeout_ns = OptionalNs(env, o, "timeoutNs");
  request.rss_interval_ns = OptionalNs(env, o, "rssIntervalNs");
  if (request.rss_interval_ns != 0 && request.rss_interval_ns < 100000) {
    throw Napi::RangeError::New(env, "options.rssIntervalNs must be 0 (no timeline) or at least 100000 (0.1 ms), got " +
                                         std::to_string(request.rss_interval_ns));
  }
  request.stdin_mode = ParseStdio(env, o, "stdin");
  request.stdout_mode = ParseStdio(env, o, "stdout");
  request.stderr_mode = ParseStdio(env, o, "stderr");
  if (Given(o, "cgroup")) {
    Napi::Value v = o.Get("cgroup");
    if (!v.IsBoolean()) ThrowType(env, "options.cgroup", "a boolean", v);
    request.use_cgroup = v.As<Napi::Boolean>().Value();
  }

  int cancel_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (cancel_fd < 0) ThrowError(env, "SPAWN_SETUP", "cannot create the cancel eventfd", errno, "eventfd");
  auto run = std::make_unique<Run>();
  request.cancel_fd = cancel_fd;
  {
    RunRegistry& r = Registry();
    std::lock_guard<std::mutex> lock(r.mutex);
    run->id = r.next_id++;
    if (r.next_id == 0) r.next_id = 1;  // ids stay in 1..2^32-1
    r.cancel_fds[run->id] = cancel_fd;
  }
  request.run_id = run->id;
  run->request = std::move(request);
  auto unregister = [&]() {
    RunRegistry& r = Registry();
    std::lock_guard<std::mutex> lock(r.mutex);
    r.cancel_fds.erase(run->id);
    close(cancel_fd);
  };

  napi_value promise;
  if (napi_create_promise(env, &run->deferred, &promise) != napi_ok) {
    unregister();
    ThrowError(env, "SPAWN_SETUP", "cannot create the run's promise");
  }
  napi_value name = Napi::String::New(env, "prtip.spawnCounted");
  if (napi_create_threadsafe_function(env, nullptr, nullptr, name, 0, 1, run.get(), FinalizeRun, run.get(), DeliverResult,
                                      &run->tsfn) != napi_ok) {
    unregister();
    ThrowError(env, "SPAWN_SETUP", "cannot create the run's thread-safe function");
  }
  // From here the finalizer owns the run.
  Run* owned = run.release();
  try {
    owned->thread = std::thread(RunThread, owned);
  } catch (const std::system_error& e) {
    {
      RunRegistry& r = Registry();
      std::lock_guard<std::mutex> lock(r.mutex);
      r.cancel_fds.erase(owned->id);
      close(cancel_fd);
      owned->request.cancel_fd = -1;
    }
    napi_reject_deferred(env, owned->deferred, MakeError(env, "SPAWN_THREAD", std::string("cannot start the run's thread: ") + e.what()).Value());
    owned->deferred = nullptr;
    napi_release_threadsafe_function(owned->tsfn, napi_tsfn_release);
  }
  Napi::Object out = Napi::Object::New(env);
  out.Set("id", Napi::Number::New(env, owned->id));
  out.Set("promise", promise);
  return out;
}

// cancelRun(id): kills that run's processes (it resolves with cancelled: true). False if it already ended.
Napi::Value CancelRun(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Value v = info.Length() < 1 ? env.Undefined() : info[0];
  if (!v.IsNumber()) ThrowType(env, "cancelRun(id): id", "a run id (an integer from 1 to 4294967295)", v);
  double d = v.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(d) || d != std::floor(d) || d < 1 || d > 4294967295.0) {
    throw Napi::RangeError::New(env, "cancelRun(id): id must be an integer from 1 to 4294967295, got " + v.ToString().Utf8Value());
  }
  return Napi::Boolean::New(env, CancelById(static_cast<uint32_t>(d)));
}

// resolveExecutable(file, pathEnv) → {path, code, errno}: the parent's PATH search.
Napi::Value ResolveExecutableJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string file = CheckedString(env, info.Length() < 1 ? env.Undefined() : info[0], "resolveExecutable: file", kMaxPathBytes, false);
  std::string path_env = CheckedString(env, info.Length() < 2 ? env.Undefined() : info[1], "resolveExecutable: pathEnv", kMaxStringBytes, true);
  int err = 0;
  std::string path = ResolveExecutable(file, path_env, &err);
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
