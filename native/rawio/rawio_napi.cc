// JS surface of the raw-socket benchmark: start a run off the JS thread (a promise
// plus a cancel function), probe for CAP_NET_RAW, and SipHash for tests. Arguments
// are checked in src/rawio.ts; here only what would corrupt memory is re-checked.
#include "rawio_napi.h"

#include <atomic>
#include <cstring>
#include <memory>
#include <thread>

#include "../common/errors.h"
#include "../counters/counters_napi.h"
#include "run.h"
#include "run_thread.h"
#include "siphash.h"

namespace prtip {

namespace {

void CopyBytes(const Napi::Object& o, const char* key, uint8_t* out, size_t size) {
  Napi::Value v = o.Get(key);
  if (!v.IsBuffer()) return;
  auto buf = v.As<Napi::Buffer<uint8_t>>();
  std::memcpy(out, buf.Data(), std::min(size, buf.Length()));
}

double Num(const Napi::Object& o, const char* key, double fallback) {
  Napi::Value v = o.Get(key);
  return v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : fallback;
}

bool Bool(const Napi::Object& o, const char* key, bool fallback) {
  Napi::Value v = o.Get(key);
  return v.IsBoolean() ? v.As<Napi::Boolean>().Value() : fallback;
}

std::string Str(const Napi::Object& o, const char* key) {
  Napi::Value v = o.Get(key);
  return v.IsString() ? v.As<Napi::String>().Utf8Value() : std::string();
}

RunConfig ParseConfig(Napi::Env env, const Napi::Object& o) {
  RunConfig cfg;
  cfg.family = static_cast<int>(Num(o, "family", 4));
  if (cfg.family != 4 && cfg.family != 6) throw Napi::RangeError::New(env, "family must be 4 or 6");
  CopyBytes(o, "src", cfg.src_addr, 16);
  CopyBytes(o, "dst", cfg.dst_addr, 16);
  Napi::Value ports = o.Get("ports");
  if (ports.IsArray()) {
    auto arr = ports.As<Napi::Array>();
    for (uint32_t i = 0; i < arr.Length(); ++i) cfg.ports.push_back(static_cast<uint16_t>(arr.Get(i).As<Napi::Number>().Uint32Value()));
  }
  cfg.open_port = Bool(o, "openPort", false);
  cfg.src_port_base = static_cast<uint16_t>(Num(o, "srcPortBase", 20000));
  cfg.src_port_count = static_cast<uint16_t>(Num(o, "srcPortCount", 4096));
  if (cfg.src_port_count == 0) cfg.src_port_count = 1;
  cfg.batch_size = static_cast<int>(Num(o, "batchSize", 64));
  if (cfg.batch_size < 1 || cfg.batch_size > kMaxBatch) throw Napi::RangeError::New(env, "batchSize must be 1..1024");
  cfg.method = Str(o, "method") == "sendto" ? SendMethod::Sendto : SendMethod::Sendmmsg;
  cfg.link = Str(o, "link") == "packet" ? LinkKind::Packet : LinkKind::Ip;
  cfg.ifname = Str(o, "ifname");
  CopyBytes(o, "srcMac", cfg.src_mac, 6);
  CopyBytes(o, "dstMac", cfg.dst_mac, 6);
  cfg.qdisc_bypass = Bool(o, "qdiscBypass", false);
  cfg.count = static_cast<uint64_t>(Num(o, "count", 0));
  cfg.time_limit_ns = static_cast<uint64_t>(Num(o, "timeLimitNs", 0));
  cfg.receive = Bool(o, "receive", true);
  cfg.drain_ns = static_cast<uint64_t>(Num(o, "drainNs", 300e6));
  cfg.rcvbuf_bytes = static_cast<int>(Num(o, "rcvbufBytes", 64 << 20));
  cfg.netns_path = Str(o, "netnsPath");
  cfg.target_netns_path = Str(o, "targetNetnsPath");
  Napi::Value events = o.Get("events");
  if (events.IsArray()) cfg.events = ResolveEventsOrThrow(env, events.As<Napi::Array>());
  uint8_t key[16] = {};
  CopyBytes(o, "key", key, 16);
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

// Runs one send run on the run thread (run_thread.h), so the libuv pool thread never
// changes namespace and tracepoint counters stay open between runs.
class RunWorker : public Napi::AsyncWorker {
 public:
  RunWorker(Napi::Env env, RunConfig cfg, std::shared_ptr<std::atomic<bool>> cancel)
      : Napi::AsyncWorker(env, "prtip.rawio.run"), deferred_(Napi::Promise::Deferred::New(env)), cfg_(std::move(cfg)),
        cancel_(std::move(cancel)) {}

  Napi::Promise Promise() const { return deferred_.Promise(); }

  void Execute() override {
    RunOnRunThread(cfg_, *cancel_, &result_);
  }

  void OnOK() override {
    Napi::Env env = Env();
    if (!result_.error_code.empty()) {
      deferred_.Reject(MakeError(env, result_.error_code, result_.error_message, result_.error_errno, result_.error_syscall).Value());
      return;
    }
    deferred_.Resolve(ResultToJs(env, result_));
  }

  void OnError(const Napi::Error& error) override { deferred_.Reject(error.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  RunConfig cfg_;
  std::shared_ptr<std::atomic<bool>> cancel_;
  RunResult result_;
};

// start(config) -> { promise, cancel() }
Napi::Value Start(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsObject()) throw Napi::TypeError::New(env, "config must be an object");
  RunConfig cfg = ParseConfig(env, info[0].As<Napi::Object>());
  auto cancel = std::make_shared<std::atomic<bool>>(false);
  auto* worker = new RunWorker(env, std::move(cfg), cancel);
  Napi::Object handle = Napi::Object::New(env);
  handle.Set("promise", worker->Promise());
  handle.Set("cancel", Napi::Function::New(
                           env, [cancel](const Napi::CallbackInfo& ci) -> Napi::Value {
                             cancel->store(true);
                             return ci.Env().Undefined();
                           },
                           "cancel"));
  worker->Queue();
  return handle;
}

Napi::Value Probe(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), ProbeRawSocket()); }

// sipHash24(key: Buffer(16), data: Buffer) -> bigint
Napi::Value SipHash(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsBuffer() || !info[1].IsBuffer()) throw Napi::TypeError::New(env, "sipHash24(key, data) takes two Buffers");
  auto key = info[0].As<Napi::Buffer<uint8_t>>();
  auto data = info[1].As<Napi::Buffer<uint8_t>>();
  if (key.Length() != 16) throw Napi::RangeError::New(env, "key must be 16 bytes");
  SipKey k;
  std::memcpy(&k.k0, key.Data(), 8);
  std::memcpy(&k.k1, key.Data() + 8, 8);
  return Napi::BigInt::New(env, SipHash24(k, data.Data(), data.Length()));
}

}  // namespace

void InitRawIo(Napi::Env env, Napi::Object exports) {
  exports.Set("rawioStart", Napi::Function::New(env, Start, "rawioStart"));
  exports.Set("rawioProbe", Napi::Function::New(env, Probe, "rawioProbe"));
  exports.Set("rawioSipHash24", Napi::Function::New(env, SipHash, "rawioSipHash24"));
}

}  // namespace prtip
