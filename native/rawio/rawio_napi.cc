// JS surface of the raw-socket benchmark: start a run on the run thread (a promise
// plus a cancel function), probe for CAP_NET_RAW, and SipHash for tests. Every field
// of a run's config is checked here, whoever calls (src/measure/rawio.ts checks first, with
// friendlier messages); where a run may send is checked on the run thread (guard.h).
#include "rawio_napi.h"

#include <dlfcn.h>
#include <net/if.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <memory>
#include <mutex>

#include "../common/args.h"
#include "../common/errors.h"
#include "../counters/events.h"
#include "run.h"
#include "run_thread.h"
#include "siphash.h"

namespace prtip {

namespace {

constexpr double kMaxCount = 1e9;
constexpr double kMaxTimeLimitNs = 600e9;  // 10 minutes
constexpr double kMaxDrainNs = 60e9;
constexpr size_t kMaxPath = 4095;

using args::BooleanArg;
using args::ChoiceArg;
using args::DenseArrayArg;
using args::ElementOf;
using args::FieldOf;
using args::FixedBytesArg;
using args::IntegerArg;
using args::StringArg;
using args::ThrowOutOfRange;
using args::ThrowWrongType;

std::string Name(const char* key) { return std::string("config.") + key; }

// config[key]; a getter that throws becomes a TypeError naming config.key.
Napi::Value Field(const Napi::Object& o, const char* key) { return FieldOf(o, key, "config"); }

// Optional fields: absent (undefined) gives the fallback.
double OptionalInteger(const Napi::Object& o, const char* key, double min, double max, double fallback) {
  Napi::Value v = Field(o, key);
  return v.IsUndefined() ? fallback : IntegerArg(v, Name(key), min, max);
}

bool OptionalBool(const Napi::Object& o, const char* key, bool fallback) {
  return args::OptionalBooleanArg(Field(o, key), Name(key), fallback);
}

std::string OptionalChoice(const Napi::Object& o, const char* key, const char* a, const char* b) {
  Napi::Value v = Field(o, key);
  return v.IsUndefined() ? a : ChoiceArg(v, Name(key), {a, b});
}

std::string OptionalString(const Napi::Object& o, const char* key, size_t max_bytes) {
  Napi::Value v = Field(o, key);
  return v.IsUndefined() ? std::string() : StringArg(v, Name(key), max_bytes);
}

RunConfig ParseConfig(const Napi::Object& o) {
  Napi::Env env = o.Env();
  RunConfig cfg;
  Napi::Value family = Field(o, "family");
  if (!family.IsNumber()) ThrowWrongType(family, "config.family", "4 or 6");
  const double family_value = family.As<Napi::Number>().DoubleValue();
  if (family_value != 4 && family_value != 6) ThrowOutOfRange(family, "config.family", "4 or 6");
  cfg.family = static_cast<int>(family_value);
  FixedBytesArg(Field(o, "src"), "config.src", cfg.src_addr, 16);
  FixedBytesArg(Field(o, "dst"), "config.dst", cfg.dst_addr, 16);
  // Both bounds are required: a run without a packet count or a time limit is refused.
  cfg.count = static_cast<uint64_t>(IntegerArg(Field(o, "count"), "config.count", 1, kMaxCount));
  cfg.time_limit_ns = static_cast<uint64_t>(IntegerArg(Field(o, "timeLimitNs"), "config.timeLimitNs", 1, kMaxTimeLimitNs));
  cfg.open_port = OptionalBool(o, "openPort", false);
  Napi::Value ports = Field(o, "ports");
  auto arr = DenseArrayArg(ports, "config.ports", 65535);
  for (uint32_t i = 0; i < arr.Length(); ++i) {
    const std::string name = "config.ports[" + std::to_string(i) + "]";
    cfg.ports.push_back(static_cast<uint16_t>(IntegerArg(ElementOf(arr, i, "config.ports"), name, 1, 65535)));
  }
  if (cfg.ports.empty() && !cfg.open_port) ThrowOutOfRange(ports, "config.ports", "a non-empty array unless config.openPort is true");
  cfg.src_port_base = static_cast<uint16_t>(OptionalInteger(o, "srcPortBase", 1, 65535, 20000));
  // The source ports base .. base+count-1 must stay within 1..65535.
  const double port_room = 65536.0 - cfg.src_port_base;
  cfg.src_port_count = static_cast<uint16_t>(OptionalInteger(o, "srcPortCount", 1, port_room, std::min(4096.0, port_room)));
  cfg.batch_size = static_cast<int>(OptionalInteger(o, "batchSize", 1, kMaxBatch, 64));
  Napi::Value method = Field(o, "method");
  const std::string method_name =
      method.IsUndefined() ? "sendmmsg" : ChoiceArg(method, "config.method", {"sendmmsg", "sendto", "tx-ring", "io-uring", "af-xdp", "bare-sendmmsg"});
  cfg.method = method_name == "sendto"          ? SendMethod::Sendto
               : method_name == "tx-ring"       ? SendMethod::TxRing
               : method_name == "io-uring"      ? SendMethod::Uring
               : method_name == "af-xdp"        ? SendMethod::Xdp
               : method_name == "bare-sendmmsg" ? SendMethod::BareSendmmsg
                                                : SendMethod::Sendmmsg;
  cfg.link = OptionalChoice(o, "link", "ip", "packet") == "packet" ? LinkKind::Packet : LinkKind::Ip;
  // The ring methods write Ethernet frames: they go out of one interface, so the guard
  // checks them as AF_PACKET (lo, or a veth into a harness namespace).
  if ((cfg.method == SendMethod::TxRing || cfg.method == SendMethod::Xdp) && cfg.link != LinkKind::Packet) {
    ThrowOutOfRange(Field(o, "link"), "config.link", "\"packet\" with method \"" + method_name + "\" (it sends Ethernet frames)");
  }
  if (cfg.link == LinkKind::Packet) {
    Napi::Value ifname = Field(o, "ifname");
    cfg.ifname = StringArg(ifname, "config.ifname", IFNAMSIZ - 1);
    if (cfg.ifname.empty()) ThrowOutOfRange(ifname, "config.ifname", "an interface name with link \"packet\"");
    Napi::Value src_mac = Field(o, "srcMac");
    if (!src_mac.IsUndefined()) FixedBytesArg(src_mac, "config.srcMac", cfg.src_mac, 6);
    Napi::Value dst_mac = Field(o, "dstMac");
    if (!dst_mac.IsUndefined()) FixedBytesArg(dst_mac, "config.dstMac", cfg.dst_mac, 6);
  }
  cfg.qdisc_bypass = OptionalBool(o, "qdiscBypass", false);
  cfg.receive = OptionalBool(o, "receive", true);
  cfg.drain_ns = static_cast<uint64_t>(OptionalInteger(o, "drainNs", 0, kMaxDrainNs, 300e6));
  cfg.rcvbuf_bytes = static_cast<int>(OptionalInteger(o, "rcvbufBytes", 4096, 1 << 30, 64 << 20));
  cfg.netns_path = OptionalString(o, "netnsPath", kMaxPath);
  cfg.target_netns_path = OptionalString(o, "targetNetnsPath", kMaxPath);
  Napi::Value events = Field(o, "events");
  if (!events.IsUndefined()) {
    auto list = DenseArrayArg(events, "config.events", 64);
    for (uint32_t i = 0; i < list.Length(); ++i) {
      const std::string name = "config.events[" + std::to_string(i) + "]";
      const std::string event = StringArg(ElementOf(list, i, "config.events"), name, 256);
      EventSpec spec;
      std::string code, message;
      if (!ResolveEvent(event, &spec, &code, &message)) ThrowError(env, code, name + ": " + message);
      cfg.events.push_back(spec);
    }
  }
  uint8_t key[16];
  FixedBytesArg(Field(o, "key"), "config.key", key, 16);
  std::memcpy(&cfg.key.k0, key, 8);
  std::memcpy(&cfg.key.k1, key + 8, 8);
  return cfg;
}

Napi::Object ResultToJs(Napi::Env env, const RunResult& r) {
  Napi::Object o = Napi::Object::New(env);
  auto n = [&](const char* key, double v) { o.Set(key, Napi::Number::New(env, v)); };
  n("sent", static_cast<double>(r.sent));
  n("accepted", static_cast<double>(r.accepted));
  n("sendErrors", static_cast<double>(r.send_errors));
  n("lastSendErrno", r.last_send_errno);
  n("sendCalls", static_cast<double>(r.send_calls));
  n("replies", static_cast<double>(r.replies));
  n("rst", static_cast<double>(r.rst));
  n("synack", static_cast<double>(r.synack));
  n("unmatched", static_cast<double>(r.unmatched));
  n("rxOverflow", static_cast<double>(r.rx_overflow));
  n("recvCalls", static_cast<double>(r.recv_calls));
  n("openPort", r.open_port);
  n("sendNs", static_cast<double>(r.send_ns));
  n("drainNs", static_cast<double>(r.drain_ns));
  n("userNs", static_cast<double>(r.user_ns));
  n("sysNs", static_cast<double>(r.sys_ns));
  n("packetBytes", static_cast<double>(r.packet_bytes));
  n("craftNs", static_cast<double>(r.craft_ns));
  o.Set("timedOut", Napi::Boolean::New(env, r.timed_out));
  o.Set("cancelled", Napi::Boolean::New(env, r.cancelled));
  Napi::Array counters = Napi::Array::New(env, r.counters.size());
  for (size_t i = 0; i < r.counters.size(); ++i) {
    Napi::Object c = Napi::Object::New(env);
    c.Set("name", r.counters[i].name);
    c.Set("opened", Napi::Boolean::New(env, r.counters[i].opened));
    c.Set("errno", Napi::Number::New(env, r.counters[i].err));
    c.Set("reason", r.counters[i].reason);
    c.Set("value", Napi::Number::New(env, static_cast<double>(r.counters[i].value)));
    counters.Set(static_cast<uint32_t>(i), c);
  }
  o.Set("counters", counters);
  Napi::Object net = Napi::Object::New(env);
  for (const auto& [key, value] : r.net_deltas) net.Set(key, Napi::Number::New(env, static_cast<double>(value)));
  o.Set("netDeltas", net);
  return o;
}

// One run as JS sees it. It completes through a thread-safe function: the run thread
// queues the result and the JS thread settles the promise. If the environment goes
// away first (a worker is terminated), its cleanup hook cancels the run and nothing is
// ever resolved, rejected or thrown into the dying environment.
struct Job {
  std::shared_ptr<std::atomic<bool>> cancel = std::make_shared<std::atomic<bool>>(false);
  napi_env env = nullptr;
  napi_deferred deferred = nullptr;
  napi_threadsafe_function tsfn = nullptr;
  std::mutex mutex;
  bool tsfn_alive = true;  // cleared by the tsfn's finalizer
  bool env_dying = false;  // set by the environment's cleanup hook
  bool hook_added = false;
  std::shared_ptr<Job> self_for_hook;  // keeps the job alive while the cleanup hook may run
  RunResult result;
};

void OnEnvCleanup(void* arg) {
  auto* job = static_cast<Job*>(arg);
  std::shared_ptr<Job> keep;  // released after the lock, never inside it
  std::lock_guard<std::mutex> lock(job->mutex);
  keep = std::move(job->self_for_hook);
  job->env_dying = true;
  job->hook_added = false;
  job->cancel->store(true);
}

void OnTsfnFinalize(napi_env, void* data, void*) {
  auto* holder = static_cast<std::shared_ptr<Job>*>(data);
  {
    std::lock_guard<std::mutex> lock((*holder)->mutex);
    (*holder)->tsfn_alive = false;
  }
  delete holder;
}

// On the JS thread. env is null when the tsfn is torn down with the environment.
void SettleOnJsThread(napi_env env, napi_value, void* context, void*) {
  auto* job = static_cast<Job*>(context);
  if (env == nullptr) return;
  std::shared_ptr<Job> keep;  // outlives the lock below
  {
    std::lock_guard<std::mutex> lock(job->mutex);
    if (job->env_dying) return;
    if (job->hook_added) napi_remove_env_cleanup_hook(env, OnEnvCleanup, job);
    job->hook_added = false;
    keep = std::move(job->self_for_hook);
  }
  // Nothing may escape into node's C code: an exception here would be std::terminate.
  try {
    Napi::Env e(env);
    Napi::HandleScope scope(e);
    const RunResult& r = job->result;
    if (!r.error_code.empty()) {
      napi_reject_deferred(env, job->deferred, MakeError(e, r.error_code, r.error_message, r.error_errno, r.error_syscall).Value());
    } else {
      napi_resolve_deferred(env, job->deferred, ResultToJs(e, r));
    }
  } catch (...) {
    // The environment refused (it is stopping): the promise can no longer be observed.
  }
}

// On the run thread, once the run is over.
void CompleteFromRunThread(const std::shared_ptr<Job>& job, RunJobSpec& spec) {
  std::lock_guard<std::mutex> lock(job->mutex);
  job->result = std::move(spec.result);
  // The finalizer (which frees the tsfn right after) waits on this mutex, so the tsfn
  // is alive for both calls.
  if (!job->tsfn_alive) return;
  napi_call_threadsafe_function(job->tsfn, nullptr, napi_tsfn_nonblocking);
  napi_release_threadsafe_function(job->tsfn, napi_tsfn_release);
}

// start(config) -> { promise, cancel() }
Napi::Value Start(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object config = args::ObjectArg(info[0], "config");  // info[i] past the end is undefined
  auto spec = std::make_unique<RunJobSpec>();
  spec->cfg = ParseConfig(config);

  auto job = std::make_shared<Job>();
  job->env = env;
  napi_value promise;
  NAPI_THROW_IF_FAILED(env, napi_create_promise(env, &job->deferred, &promise), Napi::Value());
  auto* holder = new std::shared_ptr<Job>(job);
  napi_status status = napi_create_threadsafe_function(env, nullptr, nullptr, Napi::String::New(env, "prtip.rawio.run"), 0, 1,
                                                       holder, OnTsfnFinalize, job.get(), SettleOnJsThread, &job->tsfn);
  if (status != napi_ok) {
    delete holder;
    ThrowError(env, "RUN_START_FAILED", "cannot create the completion callback of a run");
  }
  napi_add_env_cleanup_hook(env, OnEnvCleanup, job.get());
  job->hook_added = true;
  job->self_for_hook = job;

  spec->cancel = job->cancel;
  spec->done = [job](RunJobSpec& s) { CompleteFromRunThread(job, s); };
  PostToRunThread(std::move(spec));

  Napi::Object handle = Napi::Object::New(env);
  handle.Set("promise", promise);
  auto cancel = job->cancel;
  handle.Set("cancel", Napi::Function::New(
                           env, [cancel](const Napi::CallbackInfo& ci) -> Napi::Value {
                             cancel->store(true);
                             return ci.Env().Undefined();
                           },
                           "cancel"));
  return handle;
}

Napi::Value Probe(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), ProbeRawSocket()); }

// sipHash24(key: Buffer(16), data: Buffer) -> bigint
Napi::Value SipHash(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint8_t key[16];
  FixedBytesArg(info[0], "key", key, 16);  // info[i] past the end is undefined
  Napi::Value data = info[1];
  if (!data.IsTypedArray() || data.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
    args::ThrowWrongType(data, "data", "a Buffer");
  }
  auto bytes = data.As<Napi::Uint8Array>();
  SipKey k;
  std::memcpy(&k.k0, key, 8);
  std::memcpy(&k.k1, key + 8, 8);
  // A detached buffer holds no bytes (BufferArg would refuse it): it hashes as empty input,
  // from a valid pointer, as an empty one does.
  static const uint8_t kNone = 0;
  const uint8_t* p = bytes.ElementLength() > 0 && bytes.Data() != nullptr ? bytes.Data() : &kNone;
  const size_t n = bytes.Data() != nullptr ? bytes.ElementLength() : 0;
  return Napi::BigInt::New(env, SipHash24(k, p, n));
}

}  // namespace

void InitRawIo(Napi::Env env, Napi::Object exports) {
  // Node unloads an addon when the last environment that loaded it goes away (a
  // terminated worker). The run thread and the namespace registry outlive any one
  // environment, so the library must stay mapped: mark it never-unload once.
  static const bool pinned = [] {
    Dl_info self{};
    return dladdr(reinterpret_cast<void*>(&InitRawIo), &self) != 0 && self.dli_fname != nullptr &&
           dlopen(self.dli_fname, RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE) != nullptr;
  }();
  (void)pinned;
  exports.Set("rawioStart", Napi::Function::New(env, Start, "rawioStart"));
  exports.Set("rawioProbe", Napi::Function::New(env, Probe, "rawioProbe"));
  exports.Set("rawioSipHash24", Napi::Function::New(env, SipHash, "rawioSipHash24"));
}

}  // namespace prtip
