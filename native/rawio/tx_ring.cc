// AF_PACKET PACKET_TX_RING (PACKET_MMAP, TPACKET_V2): the packets are written straight
// into frames of a ring shared with the kernel, marked TP_STATUS_SEND_REQUEST, and one
// send() per batch asks the kernel to transmit every marked frame. The ring holds the
// batch (rounded up to whole pages of frames); "batch" is the frames per send().
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <poll.h>
#include <sched.h>
#include <sys/time.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <thread>

#include "../timing/clock.h"
#include "send_path.h"
#include "sockets.h"

namespace prtip {

namespace {

constexpr unsigned kFrameSize = 256;  // tpacket2_hdr (32 B aligned) + the longest frame (14 + 60 + 40 + ...)
constexpr unsigned kBlockSize = 4096;
constexpr unsigned kFramesPerBlock = kBlockSize / kFrameSize;
// Where a TPACKET_V2 TX frame's data starts without PACKET_TX_HAS_OFF.
constexpr size_t kDataOffset = TPACKET2_HDRLEN - sizeof(sockaddr_ll);

class TxRingPath : public SendPath {
 public:
  TxRingPath(int fd, uint8_t* ring, size_t ring_bytes, unsigned frames, const SendSetup& setup)
      : fd_(fd), ring_(ring), ring_bytes_(ring_bytes), frames_(frames), setup_(setup) {}
  ~TxRingPath() override {
    munmap(ring_, ring_bytes_);
    // Closing a packet socket waits out an RCU grace period (synchronize_net in
    // packet_release): tens of ms on a busy VM, per run. Nothing needs that wait: close
    // on a short-lived thread of its own so the next run does not pay it.
    const int fd = fd_;
    try {
      std::thread([fd] { close(fd); }).detach();
    } catch (...) {
      close(fd);
    }
  }

  int Reserve(int n, uint64_t deadline_ns) override {
    // A blocking send() returns once the kernel is done with every frame it took, so the
    // next frames are normally free; wait (bounded) only if one is still held.
    int free = 0;
    while (free < n) {
      if (Status(Header(head_ + static_cast<unsigned>(free))) != TP_STATUS_AVAILABLE) {
        if (free > 0) break;
        if (MonotonicNs() >= deadline_ns) return 0;
        pollfd p{fd_, POLLOUT, 0};
        poll(&p, 1, 1);
        continue;
      }
      ++free;
    }
    return free;
  }

  uint8_t* PacketAt(int k) override { return reinterpret_cast<uint8_t*>(Header(head_ + static_cast<unsigned>(k))) + kDataOffset; }

  void Send(int n, RunResult* out) override {
    for (int k = 0; k < n; ++k) {
      tpacket2_hdr* h = Header(head_ + static_cast<unsigned>(k));
      h->tp_len = static_cast<uint32_t>(setup_.length);
      __atomic_store_n(&h->tp_status, TP_STATUS_SEND_REQUEST, __ATOMIC_RELEASE);
    }
    head_ = (head_ + static_cast<unsigned>(n)) % frames_;
    int retries = 0;
    for (;;) {
      const ssize_t r = sendto(fd_, nullptr, 0, 0, reinterpret_cast<const sockaddr*>(&setup_.dst), setup_.dst_len);
      out->send_calls++;
      if (r >= 0) {
        out->accepted += static_cast<uint64_t>(r) / setup_.length;
        // Frames the kernel could not send carry TP_STATUS_WRONG_FORMAT: count and free them.
        for (int k = 0; k < n; ++k) {
          tpacket2_hdr* h = Header(head_ + frames_ - static_cast<unsigned>(n) + static_cast<unsigned>(k));
          if (Status(h) & TP_STATUS_WRONG_FORMAT) {
            out->send_errors++;
            out->last_send_errno = EINVAL;
            __atomic_store_n(&h->tp_status, TP_STATUS_AVAILABLE, __ATOMIC_RELEASE);
          }
        }
        return;
      }
      const int err = errno;
      if (err == EINTR) continue;
      if ((err == ENOBUFS || err == EAGAIN) && retries++ < kSendRetries) {
        sched_yield();
        continue;
      }
      out->send_errors += static_cast<uint64_t>(n);
      out->last_send_errno = err;
      // Take the frames back so the ring does not stall on them.
      for (int k = 0; k < n; ++k) {
        __atomic_store_n(&Header(head_ + frames_ - static_cast<unsigned>(n) + static_cast<unsigned>(k))->tp_status, TP_STATUS_AVAILABLE, __ATOMIC_RELEASE);
      }
      return;
    }
  }

  void Finish(uint64_t deadline_ns, RunResult*) override {
    // Frames still owned by the kernel (a send returned early): wait for them, bounded.
    for (unsigned i = 0; i < frames_; ++i) {
      while (Status(Header(i)) != TP_STATUS_AVAILABLE && (Status(Header(i)) & TP_STATUS_WRONG_FORMAT) == 0 && MonotonicNs() < deadline_ns) {
        pollfd p{fd_, POLLOUT, 0};
        poll(&p, 1, 1);
      }
    }
  }

 private:
  tpacket2_hdr* Header(unsigned i) const { return reinterpret_cast<tpacket2_hdr*>(ring_ + static_cast<size_t>(i % frames_) * kFrameSize); }
  static uint32_t Status(const tpacket2_hdr* h) { return __atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE); }

  int fd_;
  uint8_t* ring_;
  size_t ring_bytes_;
  unsigned frames_;
  SendSetup setup_;
  unsigned head_ = 0;
};

}  // namespace

std::unique_ptr<SendPath> OpenTxRingPath(const RunConfig& cfg, const SendSetup& setup, PathError* error) {
  static_assert(kFrameSize % TPACKET_ALIGNMENT == 0 && kBlockSize % kFrameSize == 0, "ring geometry");
  if (kDataOffset + setup.length > kFrameSize) {
    *error = {"BAD_TEMPLATE", "the packet does not fit a TX ring frame", 0, ""};
    return nullptr;
  }
  if (cfg.qdisc_bypass && !RequireCarrier(cfg.ifname, "PACKET_TX_RING with PACKET_QDISC_BYPASS", error)) return nullptr;
  std::string syscall;
  int ifindex = 0;
  const int fd = OpenPacketSender(cfg.ifname, cfg.qdisc_bypass, &ifindex, &syscall);
  if (fd < 0) {
    *error = SocketError("an AF_PACKET socket", -fd, syscall.c_str());
    return nullptr;
  }
  auto fail = [&](const char* what, const char* call) -> std::unique_ptr<SendPath> {
    const int err = errno;
    close(fd);
    *error = {"TX_RING_FAILED", std::string("cannot set up the PACKET_TX_RING: ") + what + ": " + std::strerror(err), err, call};
    return nullptr;
  };
  int version = TPACKET_V2;
  if (setsockopt(fd, SOL_PACKET, PACKET_VERSION, &version, sizeof version) != 0) return fail("PACKET_VERSION TPACKET_V2", "setsockopt");
  // Without PACKET_LOSS a frame the kernel cannot send stalls the ring (it stays
  // owned by the kernel); with it, the frame comes back marked TP_STATUS_WRONG_FORMAT.
  int one = 1;
  // A blocking send() waits for the kernel to release the frames it took; bound that
  // wait so no send can hang the run thread.
  timeval timeout{2, 0};
  if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout) != 0) return fail("SO_SNDTIMEO", "setsockopt");
  if (setsockopt(fd, SOL_PACKET, PACKET_LOSS, &one, sizeof one) != 0) return fail("PACKET_LOSS", "setsockopt");
  const unsigned blocks = (static_cast<unsigned>(setup.batch) + kFramesPerBlock - 1) / kFramesPerBlock;
  tpacket_req req{};
  req.tp_block_size = kBlockSize;
  req.tp_block_nr = blocks;
  req.tp_frame_size = kFrameSize;
  req.tp_frame_nr = blocks * kFramesPerBlock;
  if (setsockopt(fd, SOL_PACKET, PACKET_TX_RING, &req, sizeof req) != 0) return fail("PACKET_TX_RING", "setsockopt");
  const size_t bytes = static_cast<size_t>(blocks) * kBlockSize;
  void* ring = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, 0);
  if (ring == MAP_FAILED) return fail("mmap of the ring", "mmap");
  auto* base = static_cast<uint8_t*>(ring);
  // Every frame starts with the same Ethernet header; the crafter writes from L3 on.
  for (unsigned i = 0; i < req.tp_frame_nr; ++i) std::memcpy(base + static_cast<size_t>(i) * kFrameSize + kDataOffset, setup.l2_header, 14);
  return std::make_unique<TxRingPath>(fd, base, bytes, req.tp_frame_nr, setup);
}

}  // namespace prtip
