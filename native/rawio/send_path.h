// The ways of handing a run's packets to the kernel, behind one interface so the run
// loop (run.cc) crafts, bounds, times and counts every method alike:
//  - sendto / sendmmsg on a raw IP (or AF_PACKET) socket  (send_path.cc)
//  - AF_PACKET PACKET_TX_RING, with or without PACKET_QDISC_BYPASS  (tx_ring.cc)
//  - io_uring, one batch of IORING_OP_SENDMSG SQEs per io_uring_enter  (uring.cc)
//  - AF_XDP in copy (skb) mode, TX ring only  (af_xdp.cc)
// A path is opened only after GuardRun (guard.h) accepted the run's destination and
// namespaces, on the run thread, inside the sending namespace.
#pragma once
#include <vector>
#include <sys/socket.h>

#include <cstdint>
#include <memory>
#include <string>

#include "run.h"

namespace prtip {

// What every path needs to know, fixed for the run.
struct SendSetup {
  int batch = 1;                 // packets per kick (sendmmsg vlen, ring frames per send, SQEs per enter)
  size_t l2 = 0;                 // 14 with an Ethernet header, else 0
  size_t length = 0;             // bytes per packet, L2 header included
  const uint8_t* l2_header = nullptr;  // the 14 bytes every frame starts with (l2 == 14)
  int ifindex = 0;               // link-layer paths
  sockaddr_storage dst{};        // sockaddr_in/in6, or sockaddr_ll for link-layer paths
  socklen_t dst_len = 0;
};

// A failure to open a path: code, message, errno, syscall (as RunResult's error fields).
// unsupported = the kernel or the privileges refuse the method here (not a bug).
struct PathError {
  std::string code;
  std::string message;
  int err = 0;
  std::string syscall;
};

class SendPath {
 public:
  virtual ~SendPath() = default;
  // Makes room for up to n packets (n <= batch) and says how many fit now (>= 1), or 0 if
  // none came free before deadline_ns (CLOCK_MONOTONIC).
  virtual int Reserve(int n, uint64_t deadline_ns) = 0;
  // Where packet k (0-based, < the last Reserve) of the current batch is written, L2 header first.
  virtual uint8_t* PacketAt(int k) = 0;
  // Hands the n packets written to the kernel; adds to out->accepted, send_calls,
  // send_errors, last_send_errno.
  virtual void Send(int n, RunResult* out) = 0;
  // After the loop: until deadline_ns, waits for the kernel to finish with every packet
  // handed over (rings complete asynchronously); counts what it learns.
  virtual void Finish(uint64_t deadline_ns, RunResult* out) { (void)deadline_ns, (void)out; }
};

// Opens the path for cfg.method, or returns null and fills *error.
std::unique_ptr<SendPath> OpenSendPath(const RunConfig& cfg, const SendSetup& setup, PathError* error);

// The per-method openers (each in its own file).
std::unique_ptr<SendPath> OpenSocketPath(const RunConfig& cfg, const SendSetup& setup, PathError* error);
std::unique_ptr<SendPath> OpenTxRingPath(const RunConfig& cfg, const SendSetup& setup, PathError* error);
std::unique_ptr<SendPath> OpenUringPath(const RunConfig& cfg, const SendSetup& setup, PathError* error);
std::unique_ptr<SendPath> OpenXdpPath(const RunConfig& cfg, const SendSetup& setup, PathError* error);

// Shared by the openers: "needs CAP_NET_RAW ..." for EPERM/EACCES, else "cannot open <what>: <strerror>".
PathError SocketError(const char* what, int err, const char* syscall);

// For methods that hand frames straight to the driver (PACKET_QDISC_BYPASS, AF_XDP): an
// interface without carrier (a veth whose peer is down) refuses every frame there, so
// the method is unsupported on it. True if ifname has carrier; else fills *error.
bool RequireCarrier(const std::string& ifname, const char* method, PathError* error);

// Bounded retry of a send refused for want of buffer space.
constexpr int kSendRetries = 4;
constexpr size_t kSlotStride = 192;  // >= 14-byte Ethernet header + the longest TCP SYN

// Slots of kSlotStride bytes for `setup.batch` packets (with the link header copied in where
// there is one) and the sendmmsg messages pointing at them and at setup.dst. Built once: a batch
// only rewrites the slots' contents. `setup` must outlive the messages (they point into it).
void BuildSlotMessages(const SendSetup& setup, std::vector<uint8_t>* slots, std::vector<mmsghdr>* msgs, std::vector<iovec>* iovs);

}  // namespace prtip
