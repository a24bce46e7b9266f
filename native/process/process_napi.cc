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
#include <cstdint>
#include <map>
#include <mutex>
#include <system_error>
#include <thread>

#include "../common/args.h"
#include "../common/errors.h"
#include "../counters/counters_napi.h"
#include "../counters/perf_group.h"
#include "../profile/profile_napi.h"
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

using args::FieldOf;
using args::ThrowOutOfRange;
using args::ThrowWrongType;

// A string without NUL bytes (execve would cut it there) and of bounded size.
std::string CheckedString(const Napi::Value& v, const std::string& what, size_t max_bytes, bool allow_empty) {
  std::string s = args::StringArg(v, what, max_bytes);
  if (!allow_empty && s.empty()) ThrowOutOfRange(v, what, "a non-empty string");
  return s;
}

std::vector<std::string> StringArray(const Napi::Value& v, const std::string& what, uint32_t max_items, size_t max_bytes,
                                     bool allow_empty_strings) {
  Napi::Array a = args::DenseArrayArg(v, what, max_items);
  std::vector<std::string> out;
  out.reserve(a.Length());
  for (uint32_t i = 0; i < a.Length(); ++i) {
    out.push_back(CheckedString(args::ElementOf(a, i, what), what + "[" + std::to_string(i) + "]", max_bytes, allow_empty_strings));
  }
  return out;
}

std::string Option(const char* key) { return std::string("options.") + key; }

StdioMode ParseStdio(const Napi::Object& o, const char* key) {
  Napi::Value v = FieldOf(o, key, "options");
  if (v.IsUndefined()) return StdioMode::Null;
  return args::ChoiceArg(v, Option(key), {"null", "inherit"}) == "inherit" ? StdioMode::Inherit : StdioMode::Null;
}

// A duration in ns: a number from 0 to 2^53-1 (so the conversion is exact, never UB); ms * 1e6 may have a fraction.
uint64_t OptionalNs(const Napi::Object& o, const char* key) {
  Napi::Value v = FieldOf(o, key, "options");
  if (v.IsUndefined()) return 0;
  return static_cast<uint64_t>(args::NumberArg(v, Option(key), 0, kMaxNs));
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

Napi::Object ResultToJs(Napi::Env env, const SpawnResult& r, bool sampled) {
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
  if (sampled) o.Set("profile", ProfileToJs(env, r.profile));
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
      napi_resolve_deferred(raw_env, deferred, ResultToJs(env, r, run->request.sample));
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

// spawnCounted({file, argv, env, cwd?, netnsPath?, events?, timeoutNs?, rssIntervalNs?, stdin?, stdout?, stderr?, cgroup?, sample?})
// The TS layer checks first; this checks again, since a wrong value here is a wrong program run.
Napi::Value SpawnCounted(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = args::ObjectArg(info[0], "spawnCounted(options): options");  // info[0] is undefined when not given
  auto field = [&](const char* key) { return FieldOf(o, key, "options"); };
  SpawnRequest request;
  request.file = CheckedString(field("file"), "options.file", kMaxPathBytes, false);
  request.argv = StringArray(field("argv"), "options.argv", kMaxArgs, kMaxStringBytes, true);
  if (request.argv.empty()) ThrowOutOfRange(field("argv"), "options.argv", "a non-empty array of strings");
  request.env = StringArray(field("env"), "options.env", kMaxEnv, kMaxStringBytes, false);
  for (size_t i = 0; i < request.env.size(); ++i) {
    if (request.env[i].find('=') == std::string::npos || request.env[i][0] == '=') {
      args::ThrowRangeError(env, "options.env[" + std::to_string(i) + "] must be \"NAME=value\" with a non-empty NAME");
    }
  }
  Napi::Value cwd = field("cwd");
  if (!cwd.IsUndefined()) request.cwd = CheckedString(cwd, "options.cwd", kMaxPathBytes, false);
  Napi::Value netns_path = field("netnsPath");
  if (!netns_path.IsUndefined()) request.netns_path = CheckedString(netns_path, "options.netnsPath", kMaxPathBytes, false);
  Napi::Value events = field("events");
  if (!events.IsUndefined()) {
    StringArray(events, "options.events", kMaxEvents, 256, false);
    request.events = ResolveEventsOrThrow(env, events.As<Napi::Array>());
  }
  request.timeout_ns = OptionalNs(o, "timeoutNs");
  request.rss_interval_ns = OptionalNs(o, "rssIntervalNs");
  if (request.rss_interval_ns != 0 && request.rss_interval_ns < 100000) {
    ThrowOutOfRange(field("rssIntervalNs"), "options.rssIntervalNs", "0 (no timeline) or at least 100000 (0.1 ms)");
  }
  request.stdin_mode = ParseStdio(o, "stdin");
  request.stdout_mode = ParseStdio(o, "stdout");
  request.stderr_mode = ParseStdio(o, "stderr");
  request.use_cgroup = args::OptionalBooleanArg(field("cgroup"), "options.cgroup", request.use_cgroup);
  Napi::Value sample = field("sample");
  if (!sample.IsUndefined()) {
    request.sample = true;
    request.sampler = SamplerRequestFromJs(env, sample, "options.sample");
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
  double id = args::IntegerArg(info[0], "cancelRun(id): id", 1, 4294967295.0);  // info[0] is undefined when not given
  return Napi::Boolean::New(env, CancelById(static_cast<uint32_t>(id)));
}

// resolveExecutable(file, pathEnv) → {path, code, errno}: the parent's PATH search.
Napi::Value ResolveExecutableJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string file = CheckedString(info[0], "resolveExecutable: file", kMaxPathBytes, false);
  std::string path_env = CheckedString(info[1], "resolveExecutable: pathEnv", kMaxStringBytes, true);
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
