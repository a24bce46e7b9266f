// One send run: a sender (one of the send paths of send_path.h at a fixed batch size)
// and, optionally, a receiver thread counting the replies. Plain data in, plain data out, so it runs on a thread of its own with no JS in sight.
#pragma once
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "../counters/events.h"
#include "siphash.h"

namespace prtip {

constexpr int kMaxBatch = 1024;  // UIO_MAXIOV: sendmmsg silently caps vlen there

// How packets reach the kernel (send_path.h). BareSendmmsg is the reference: the same
// socket, packets and batches as Sendmmsg in a loop with nothing else in it (no TSC
// reads, no cancel check per batch, no counters), to price what the harness's loop adds.
enum class SendMethod { Sendmmsg, Sendto, TxRing, Uring, Xdp, BareSendmmsg };
enum class LinkKind { Ip, Packet };  // raw IP socket (HDRINCL) or AF_PACKET frames

struct RunConfig {
  int family = 4;
  uint8_t src_addr[16] = {};
  uint8_t dst_addr[16] = {};
  std::vector<uint16_t> ports;  // closed (or any) target ports, cycled
  bool open_port = false;       // also start a TCP listener on the target and probe it
  uint16_t src_port_base = 20000;
  uint16_t src_port_count = 4096;
  int batch_size = 64;
  SendMethod method = SendMethod::Sendmmsg;
  LinkKind link = LinkKind::Ip;
  std::string ifname;  // AF_PACKET: interface inside the run's namespace
  uint8_t src_mac[6] = {};
  uint8_t dst_mac[6] = {};
  bool qdisc_bypass = false;
  uint64_t count = 0;
  uint64_t time_limit_ns = 0;
  bool receive = true;
  uint64_t drain_ns = 300000000;  // wait for stragglers after the last send
  int rcvbuf_bytes = 64 << 20;
  std::string netns_path;         // "" = the caller's namespace
  std::string target_netns_path;  // where the listener lives ("" = netns_path)
  std::vector<EventSpec> events;  // counted on the sending thread
  SipKey key;
};

struct CounterReading {
  std::string name;
  bool opened = false;
  int err = 0;
  std::string reason;
  uint64_t value = 0;
};

struct RunResult {
  // setup failure (then nothing else is meaningful)
  std::string error_code;
  std::string error_message;
  int error_errno = 0;
  std::string error_syscall;

  uint64_t sent = 0;       // packets handed to send calls
  uint64_t accepted = 0;   // packets the kernel reported as sent
  uint64_t send_errors = 0;
  int last_send_errno = 0;
  uint64_t send_calls = 0;  // our own count of sendmmsg/sendto calls that returned
  uint64_t replies = 0;     // matched by cookie
  uint64_t rst = 0;
  uint64_t synack = 0;
  uint64_t unmatched = 0;   // passed the filter but the cookie did not match
  uint64_t rx_overflow = 0; // SO_RXQ_OVFL: dropped at our receive socket
  uint64_t recv_calls = 0;
  uint16_t open_port = 0;
  uint64_t send_ns = 0;     // wall time of the send loop
  uint64_t drain_ns = 0;    // wall time spent waiting for the last replies
  uint64_t user_ns = 0;     // RUSAGE_THREAD of the sending thread over the send loop
  uint64_t sys_ns = 0;
  uint64_t craft_ns = 0;   // TSC-timed: writing packets into the slots (the loop's user-space work)
  uint64_t packet_bytes = 0;
  bool timed_out = false;
  bool cancelled = false;
  std::vector<CounterReading> counters;
  std::map<std::string, int64_t> net_deltas;  // /proc/net counters that moved (in the run's namespace)
};

class PerfGroup;

// Runs to completion on the calling thread (creates a receiver thread when asked).
// Enters cfg.netns_path for the calling thread and does not leave it: the caller
// returns it (see run_thread.h). group, when given, was opened on this thread for
// cfg.events; it is reset, enabled around the send loop, and read.
void ExecuteRun(const RunConfig& cfg, const std::atomic<bool>& cancel, PerfGroup* group, RunResult* out);

// Tries to open a raw socket: 0, or the errno (EPERM without CAP_NET_RAW).
int ProbeRawSocket();

}  // namespace prtip
