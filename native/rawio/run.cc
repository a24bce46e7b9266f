#include "run.h"

#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/sock_diag.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "../counters/perf_group.h"
#include "../packet/checksum.h"
#include "../packet/craft.h"
#include "../timing/clock.h"
#include "guard.h"
#include "net_stats.h"
#include "receiver.h"
#include "send_path.h"
#include "sockets.h"

namespace prtip {

namespace {

// After the loop's deadline, how long a ring may take to hand back its last frames.
constexpr uint64_t kFinishGraceNs = 1000000000;

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) close(fd);
  }
};

uint64_t TimevalNs(const timeval& tv) {
  return static_cast<uint64_t>(tv.tv_sec) * 1000000000ull + static_cast<uint64_t>(tv.tv_usec) * 1000ull;
}

void SetError(RunResult* out, const std::string& code, const std::string& message, int err = 0, const std::string& syscall = "") {
  out->error_code = code;
  out->error_message = message;
  out->error_errno = err;
  out->error_syscall = syscall;
}

std::string SocketErrorCode(int err) { return err == EPERM || err == EACCES ? "NO_CAP_NET_RAW" : "SOCKET_FAILED"; }

std::string SocketErrorMessage(const char* what, int err) {
  if (err == EPERM || err == EACCES) {
    return std::string(what) +
           " needs CAP_NET_RAW: run as root (sudo), or grant it to node with "
           "\"sudo setcap cap_net_raw,cap_net_admin+ep $(readlink -f $(which node))\"";
  }
  return std::string("cannot open ") + what + ": " + std::strerror(err);
}

// Rewrites the TCP source port of a finished packet and fixes its checksum incrementally.
inline void PatchSourcePort(uint8_t* tcp, uint16_t port) {
  const uint16_t old = static_cast<uint16_t>(tcp[0] << 8 | tcp[1]);
  if (old == port) return;
  tcp[0] = static_cast<uint8_t>(port >> 8);
  tcp[1] = static_cast<uint8_t>(port);
  const uint16_t check = ChecksumUpdate16(static_cast<uint16_t>(tcp[16] << 8 | tcp[17]), old, port);
  tcp[16] = static_cast<uint8_t>(check >> 8);
  tcp[17] = static_cast<uint8_t>(check);
}

// Writes the run's packets: template copy, SipHash cookie as sequence number, source port patch.
class Crafter {
 public:
  Crafter(const RunConfig& cfg, const std::vector<uint16_t>& ports, const PacketTemplate& tmpl, size_t l2, size_t l4)
      : cfg_(cfg), ports_(ports), tmpl_(tmpl), l2_(l2), l4_(l4), alen_(cfg.family == 6 ? 16 : 4) {}

  // Packet i of the run, into frame (which starts at the L2 header, if any).
  void Write(uint8_t* frame, uint64_t i) const {
    const uint16_t dst_port = ports_[i % ports_.size()];
    const uint16_t src_port = static_cast<uint16_t>(cfg_.src_port_base + (i / ports_.size()) % cfg_.src_port_count);
    const uint32_t seq = ProbeCookie(cfg_.key, cfg_.src_addr, cfg_.dst_addr, alen_, src_port, dst_port);
    uint8_t* ip = frame + l2_;
    tmpl_.Emit(ip, dst_port, seq);
    PatchSourcePort(ip + l4_, src_port);
  }

 private:
  const RunConfig& cfg_;
  const std::vector<uint16_t>& ports_;
  const PacketTemplate& tmpl_;
  size_t l2_, l4_, alen_;
};

// The reference: sendmmsg of the same packets at the same batch size in a loop with
// nothing else in it, as a plain C sender would be written (no TSC reads, cancel looked
// at only with the clock, no virtual calls). Its own socket and slots.
class BareSendmmsg {
 public:
  explicit BareSendmmsg(const SendSetup& setup) : setup_(setup) {}
  ~BareSendmmsg() {
    if (fd_ >= 0) close(fd_);
  }

  bool Open(const RunConfig& cfg, PathError* error) {
    std::string syscall;
    int ifindex = 0;
    fd_ = cfg.link == LinkKind::Packet ? OpenPacketSender(cfg.ifname, cfg.qdisc_bypass, &ifindex, &syscall) : OpenRawSender(cfg.family, &syscall);
    if (fd_ < 0) {
      *error = SocketError(cfg.link == LinkKind::Packet ? "an AF_PACKET socket" : "a raw IP socket", -fd_, syscall.c_str());
      return false;
    }
    BuildSlotMessages(setup_, &slots_, &msgs_, &iovs_);
    return true;
  }

  void Run(const RunConfig& cfg, const Crafter& crafter, uint64_t deadline, const std::atomic<bool>& cancel, RunResult* out) {
    const uint64_t batch = static_cast<uint64_t>(setup_.batch);
    const uint64_t clock_every = batch >= 256 ? 1 : 256 / batch;
    uint64_t next = 0, iteration = 0;
    while (next < cfg.count) {
      if (iteration++ % clock_every == 0) {
        if (MonotonicNs() >= deadline) {
          out->timed_out = true;
          break;
        }
        if (cancel.load(std::memory_order_relaxed)) {
          out->cancelled = true;
          break;
        }
      }
      const int n = static_cast<int>(std::min(batch, cfg.count - next));
      for (int k = 0; k < n; ++k) crafter.Write(slots_.data() + static_cast<size_t>(k) * kSlotStride, next + static_cast<uint64_t>(k));
      next += static_cast<uint64_t>(n);
      int done = 0, retries = 0;
      while (done < n) {
        const int r = sendmmsg(fd_, msgs_.data() + done, static_cast<unsigned>(n - done), 0);
        out->send_calls++;
        if (r > 0) {
          done += r;
          continue;
        }
        const int err = r < 0 ? errno : EIO;
        if (err == EINTR || ((err == ENOBUFS || err == EAGAIN) && retries++ < kSendRetries)) continue;
        out->send_errors++;
        out->last_send_errno = err;
        done++;
      }
      out->accepted += static_cast<uint64_t>(n);
    }
    out->sent = next;
    out->accepted -= out->send_errors;
  }

 private:
  int fd_ = -1;
  SendSetup setup_;
  std::vector<uint8_t> slots_;
  std::vector<mmsghdr> msgs_;
  std::vector<iovec> iovs_;
};

}  // namespace

int ProbeRawSocket() {
  int fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
  if (fd < 0) return errno;
  close(fd);
  return 0;
}

void ExecuteRun(const RunConfig& cfg, const std::atomic<bool>& cancel, PerfGroup* group, RunResult* out) {
  if (cancel.load()) {
    out->cancelled = true;  // cancelled while queued (or its environment is going away)
    return;
  }
  // Nothing is opened before the destination and the namespaces pass the native checks.
  RunNamespaces namespaces;
  if (!GuardRun(cfg, &namespaces, out)) return;
  std::string syscall;
  Fd listener;
  std::vector<uint16_t> ports = cfg.ports;
  if (cfg.open_port) {
    // The listener lives with the target (the peer namespace in veth mode).
    const int target_fd = namespaces.target_fd >= 0 ? namespaces.target_fd : namespaces.send_fd;
    if (target_fd >= 0 && setns(target_fd, CLONE_NEWNET) != 0) {
      return SetError(out, "NETNS_ENTER_FAILED", "cannot enter the target namespace: " + std::string(std::strerror(errno)), errno, "setns");
    }
    uint16_t port = 0;
    listener.fd = OpenListener(cfg.family, cfg.dst_addr, &port, &syscall);
    if (listener.fd < 0) {
      return SetError(out, "LISTEN_FAILED", std::string("cannot open the TCP listener for the open port: ") + std::strerror(-listener.fd), -listener.fd, syscall);
    }
    out->open_port = port;
    ports.push_back(port);
  }
  if (namespaces.send_fd >= 0 && setns(namespaces.send_fd, CLONE_NEWNET) != 0) {
    return SetError(out, "NETNS_ENTER_FAILED", "cannot enter namespace " + cfg.netns_path + ": " + std::strerror(errno), errno, "setns");
  }
  if (ports.empty()) return SetError(out, "NO_PORTS", "no target ports to send to");

  // The receive socket; the sender is opened below, once the packets are known.
  Fd receiver;
  int ifindex = 0;
  if (cfg.link == LinkKind::Packet) {
    ifindex = static_cast<int>(if_nametoindex(cfg.ifname.c_str()));
    if (ifindex == 0) return SetError(out, "NO_INTERFACE", "no interface " + cfg.ifname + " in the run's namespace", errno, "if_nametoindex");
  }
  if (cfg.receive) {
    receiver.fd = OpenRawReceiver(cfg.family, cfg.src_port_base, cfg.src_port_count, cfg.rcvbuf_bytes, &syscall);
    if (receiver.fd < 0) return SetError(out, SocketErrorCode(-receiver.fd), SocketErrorMessage("a raw TCP receive socket", -receiver.fd), -receiver.fd, syscall);
  }

  // Packets: one template, patched per packet straight into the send path's slots.
  PacketSpec spec;
  spec.family = cfg.family;
  spec.protocol = Protocol::Tcp;
  std::memcpy(spec.src_addr, cfg.src_addr, 16);
  std::memcpy(spec.dst_addr, cfg.dst_addr, 16);
  spec.src_port = cfg.src_port_base;
  PacketTemplate tmpl(spec);
  const size_t l3_len = tmpl.length();
  const size_t l2 = cfg.link == LinkKind::Packet ? 14 : 0;
  if (l3_len == 0 || l2 + l3_len > kSlotStride) return SetError(out, "BAD_TEMPLATE", "the packet template is empty or too long for a batch slot");
  const int batch = cfg.method == SendMethod::Sendto ? 1 : cfg.batch_size;
  // Learn the transport offset from a first packet (IPv4 IHL; IPv6 fixed header).
  uint8_t probe[kSlotStride] = {};
  tmpl.Emit(probe, ports[0], 0);
  const size_t l4 = cfg.family == 6 ? 40 : (probe[0] & 0x0f) * 4u;
  out->packet_bytes = l2 + l3_len;

  // Destination: one address (or link-layer address) shared by every message.
  SendSetup setup;
  setup.batch = batch;
  setup.l2 = l2;
  setup.length = l2 + l3_len;
  setup.ifindex = ifindex;
  uint8_t eth[14];
  std::memcpy(eth, cfg.dst_mac, 6);
  std::memcpy(eth + 6, cfg.src_mac, 6);
  eth[12] = cfg.family == 6 ? 0x86 : 0x08;
  eth[13] = cfg.family == 6 ? 0xdd : 0x00;
  setup.l2_header = eth;
  if (cfg.link == LinkKind::Packet) {
    auto* ll = reinterpret_cast<sockaddr_ll*>(&setup.dst);
    ll->sll_family = AF_PACKET;
    ll->sll_protocol = htons(cfg.family == 6 ? ETH_P_IPV6 : ETH_P_IP);
    ll->sll_ifindex = ifindex;
    ll->sll_halen = 6;
    std::memcpy(ll->sll_addr, cfg.dst_mac, 6);
    setup.dst_len = sizeof *ll;
  } else if (cfg.family == 6) {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&setup.dst);
    sin6->sin6_family = AF_INET6;
    std::memcpy(&sin6->sin6_addr, cfg.dst_addr, 16);
    setup.dst_len = sizeof *sin6;
  } else {
    auto* sin = reinterpret_cast<sockaddr_in*>(&setup.dst);
    sin->sin_family = AF_INET;
    std::memcpy(&sin->sin_addr, cfg.dst_addr, 4);
    setup.dst_len = sizeof *sin;
  }
  PathError path_error;
  std::unique_ptr<SendPath> path;
  BareSendmmsg bare(setup);
  if (cfg.method == SendMethod::BareSendmmsg) {
    if (!bare.Open(cfg, &path_error)) return SetError(out, path_error.code, path_error.message, path_error.err, path_error.syscall);
  } else {
    path = OpenSendPath(cfg, setup, &path_error);
    if (!path) return SetError(out, path_error.code, path_error.message, path_error.err, path_error.syscall);
  }
  Crafter crafter(cfg, ports, tmpl, l2, l4);

  ReplyCounts counts;
  ReceiverConfig rcfg;
  rcfg.fd = receiver.fd;
  rcfg.family = cfg.family;
  std::memcpy(rcfg.our_addr, cfg.src_addr, 16);
  std::memcpy(rcfg.target_addr, cfg.dst_addr, 16);
  rcfg.key = cfg.key;
  Receiver rx(rcfg, &counts);
  if (cfg.receive) rx.Start();

  const NetStats net_before = ReadNetStats();
  PerfGroup idle;  // stands in when no counters were asked for (no-ops)
  if (group == nullptr) group = &idle;

  // ---- the measured send loop ----
  rusage ru0, ru1;
  getrusage(RUSAGE_THREAD, &ru0);
  group->Reset();
  group->Enable();
  const uint64_t t0 = MonotonicNs();
  const uint64_t deadline = cfg.time_limit_ns ? t0 + cfg.time_limit_ns : UINT64_MAX;
  if (cfg.method == SendMethod::BareSendmmsg) {
    bare.Run(cfg, crafter, deadline, cancel, out);
  } else {
    // Look at the clock about every 256 packets: where the clocksource has no vDSO,
    // each look is a syscall, and it must not move syscalls/packet.
    const uint64_t clock_every = batch >= 256 ? 1 : 256 / static_cast<uint64_t>(batch);
    uint64_t next = 0, iteration = 0, craft_ticks = 0;
    while (next < cfg.count) {
      if (cancel.load(std::memory_order_relaxed)) {
        out->cancelled = true;
        break;
      }
      if (iteration++ % clock_every == 0 && MonotonicNs() >= deadline) {
        out->timed_out = true;
        break;
      }
      const int want = static_cast<int>(std::min<uint64_t>(static_cast<uint64_t>(batch), cfg.count - next));
      const int n = path->Reserve(want, deadline);
      if (n == 0) {
        out->timed_out = true;  // no room came free before the deadline
        break;
      }
      const uint64_t c0 = ReadTsc();
      for (int k = 0; k < n; ++k) crafter.Write(path->PacketAt(k), next + static_cast<uint64_t>(k));
      craft_ticks += ReadTsc() - c0;
      out->sent += static_cast<uint64_t>(n);
      next += static_cast<uint64_t>(n);
      path->Send(n, out);
    }
    const double hz = TscHz();
    out->craft_ns = hz > 0 ? static_cast<uint64_t>(static_cast<double>(craft_ticks) * 1e9 / hz) : 0;
  }
  // Rings finish asynchronously: the loop's time includes handing every packet over.
  if (path) path->Finish(MonotonicNs() + kFinishGraceNs, out);
  const uint64_t t1 = MonotonicNs();
  group->Disable();
  getrusage(RUSAGE_THREAD, &ru1);
  out->send_ns = t1 - t0;
  out->user_ns = TimevalNs(ru1.ru_utime) - TimevalNs(ru0.ru_utime);
  out->sys_ns = TimevalNs(ru1.ru_stime) - TimevalNs(ru0.ru_stime);

  if (!cfg.events.empty()) {
    const auto& counters = group->counters();
    std::vector<uint64_t> values(counters.size(), 0);
    uint64_t enabled = 0, running = 0;
    group->Read(&enabled, &running, values.data());
    for (size_t i = 0; i < counters.size(); ++i) {
      CounterReading reading;
      reading.name = counters[i].spec.name;
      reading.opened = counters[i].err == 0;
      reading.err = counters[i].err;
      reading.reason = counters[i].reason;
      reading.value = values[i];
      out->counters.push_back(reading);
    }
  }

  // ---- drain: wait for the last replies, bounded by idleness and a hard cap ----
  if (cfg.receive) {
    const uint64_t d0 = MonotonicNs();
    uint64_t last_progress = d0, seen = counts.replies.load() + counts.unmatched.load();
    while (!cancel.load(std::memory_order_relaxed)) {
      const uint64_t now = MonotonicNs();
      const uint64_t have = counts.replies.load() + counts.unmatched.load();
      if (counts.replies.load() >= out->accepted) break;
      if (have != seen) {
        seen = have;
        last_progress = now;
      }
      if (now - last_progress >= cfg.drain_ns || now - d0 >= 4 * cfg.drain_ns) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    rx.Stop();
    out->drain_ns = MonotonicNs() - d0;
    uint32_t meminfo[SK_MEMINFO_VARS] = {};
    socklen_t len = sizeof meminfo;
    uint64_t overflow = counts.overflow.load();
    if (getsockopt(receiver.fd, SOL_SOCKET, SO_MEMINFO, meminfo, &len) == 0 && len > SK_MEMINFO_DROPS * sizeof(uint32_t)) {
      overflow = std::max<uint64_t>(overflow, meminfo[SK_MEMINFO_DROPS]);
    }
    out->replies = counts.replies.load();
    out->rst = counts.rst.load();
    out->synack = counts.synack.load();
    out->unmatched = counts.unmatched.load();
    out->rx_overflow = overflow;
    out->recv_calls = counts.calls.load();
  }
  out->net_deltas = NetStatsDelta(net_before, ReadNetStats());
}

}  // namespace prtip
