// AF_XDP, TX only, in copy (generic/skb) mode: frames are written into a UMEM area
// shared with the kernel, their descriptors put on the TX ring, and sendto() kicks the
// kernel, which turns each descriptor into an skb and hands it to the driver
// (xsk_generic_xmit: at most a few dozen per kick). Finished frames come back on the
// completion ring. No XDP program is needed to transmit; the fill ring exists only
// because bind() requires one. Raw socket calls and <linux/if_xdp.h>, no libxdp.
#include <linux/if_xdp.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "../timing/clock.h"
#include "send_path.h"

#ifndef AF_XDP
#define AF_XDP 44
#endif
#ifndef SOL_XDP
#define SOL_XDP 283
#endif

namespace prtip {

namespace {

constexpr uint32_t kChunk = 2048;  // XDP_UMEM_MIN_CHUNK_SIZE: the smallest aligned frame
constexpr int kKickRetries = 64;
constexpr uint64_t kBindWaitNs = 2000000000;  // see Open()   // kicks without progress before the rest counts as refused

unsigned RoundUpPow2(unsigned v) {
  unsigned p = 1;
  while (p < v) p <<= 1;
  return p;
}

// One mmapped producer/consumer ring.
struct Ring {
  void* map = MAP_FAILED;
  size_t bytes = 0;
  uint32_t* producer = nullptr;
  uint32_t* consumer = nullptr;
  void* entries = nullptr;
  uint32_t mask = 0;
};

class XdpPath : public SendPath {
 public:
  XdpPath(int fd, const SendSetup& setup) : fd_(fd), setup_(setup) {}
  ~XdpPath() override {
    for (Ring* r : {&tx_, &cq_, &fq_}) {
      if (r->map != MAP_FAILED) munmap(r->map, r->bytes);
    }
    close(fd_);
    if (umem_ != MAP_FAILED) munmap(umem_, umem_bytes_);
  }

  // 0, or errno with *call and *what naming the step.
  int Open(const char** call, const char** what) {
    const unsigned ring = RoundUpPow2(std::max(64u, static_cast<unsigned>(setup_.batch)));
    frames_ = 2 * ring;
    umem_bytes_ = static_cast<size_t>(frames_) * kChunk;
    *call = "mmap";
    *what = "the UMEM area";
    umem_ = mmap(nullptr, umem_bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    if (umem_ == MAP_FAILED) return errno;
    xdp_umem_reg reg{};
    reg.addr = reinterpret_cast<uint64_t>(umem_);
    reg.len = umem_bytes_;
    reg.chunk_size = kChunk;
    *call = "setsockopt";
    *what = "XDP_UMEM_REG";
    if (setsockopt(fd_, SOL_XDP, XDP_UMEM_REG, &reg, sizeof reg) != 0) return errno;
    const unsigned fill = 64, comp = frames_;
    *what = "the ring sizes";
    if (setsockopt(fd_, SOL_XDP, XDP_UMEM_FILL_RING, &fill, sizeof fill) != 0 ||
        setsockopt(fd_, SOL_XDP, XDP_UMEM_COMPLETION_RING, &comp, sizeof comp) != 0 ||
        setsockopt(fd_, SOL_XDP, XDP_TX_RING, &ring, sizeof ring) != 0) {
      return errno;
    }
    xdp_mmap_offsets off{};
    socklen_t len = sizeof off;
    *call = "getsockopt";
    *what = "XDP_MMAP_OFFSETS";
    if (getsockopt(fd_, SOL_XDP, XDP_MMAP_OFFSETS, &off, &len) != 0) return errno;
    *call = "mmap";
    *what = "the rings";
    if (!Map(&tx_, off.tx, ring, sizeof(xdp_desc), XDP_PGOFF_TX_RING) || !Map(&cq_, off.cr, comp, sizeof(uint64_t), XDP_UMEM_PGOFF_COMPLETION_RING) ||
        !Map(&fq_, off.fr, fill, sizeof(uint64_t), XDP_UMEM_PGOFF_FILL_RING)) {
      return errno;
    }
    sockaddr_xdp sxdp{};
    sxdp.sxdp_family = AF_XDP;
    sxdp.sxdp_flags = XDP_COPY;
    sxdp.sxdp_ifindex = static_cast<uint32_t>(setup_.ifindex);
    sxdp.sxdp_queue_id = 0;
    *call = "bind";
    *what = "bind (copy mode, queue 0)";
    // The previous run's socket releases its hold on queue 0 asynchronously (deferred
    // UMEM release): until then bind() says EBUSY. Wait for it, bounded.
    const uint64_t give_up = MonotonicNs() + kBindWaitNs;
    while (bind(fd_, reinterpret_cast<sockaddr*>(&sxdp), sizeof sxdp) != 0) {
      if (errno != EBUSY || MonotonicNs() >= give_up) return errno;
      usleep(1000);
    }
    for (unsigned i = 0; i < frames_; ++i) {
      free_.push_back(static_cast<uint64_t>(i) * kChunk);
      std::memcpy(static_cast<uint8_t*>(umem_) + static_cast<size_t>(i) * kChunk, setup_.l2_header, 14);
    }
    batch_.resize(setup_.batch);
    return 0;
  }

  int Reserve(int n, uint64_t deadline_ns) override {
    Reclaim();
    while (free_.empty()) {
      if (MonotonicNs() >= deadline_ns) return 0;
      Kick(nullptr);
      Reclaim();
      if (free_.empty()) sched_yield();
    }
    const int k = std::min<int>(n, static_cast<int>(free_.size()));
    for (int i = 0; i < k; ++i) {
      batch_[i] = free_.back();
      free_.pop_back();
    }
    return k;
  }

  uint8_t* PacketAt(int k) override { return static_cast<uint8_t*>(umem_) + batch_[k]; }

  void Send(int n, RunResult* out) override {
    // The TX ring holds >= batch descriptors and is empty between batches (Send drains it).
    const uint32_t prod = *tx_.producer;
    auto* descs = static_cast<xdp_desc*>(tx_.entries);
    for (int k = 0; k < n; ++k) {
      xdp_desc& d = descs[(prod + static_cast<uint32_t>(k)) & tx_.mask];
      d.addr = batch_[k];
      d.len = static_cast<uint32_t>(setup_.length);
      d.options = 0;
    }
    __atomic_store_n(tx_.producer, prod + static_cast<uint32_t>(n), __ATOMIC_RELEASE);
    const uint32_t target = prod + static_cast<uint32_t>(n);
    uint64_t dropped = 0;
    int stalls = 0;
    uint32_t consumed_before = __atomic_load_n(tx_.consumer, __ATOMIC_ACQUIRE);
    while (__atomic_load_n(tx_.consumer, __ATOMIC_ACQUIRE) != target) {
      const int err = Kick(out);
      Reclaim();
      if (err == EBUSY) {
        // The driver dropped one frame (e.g. no carrier); its descriptor is consumed.
        ++dropped;
        out->last_send_errno = EBUSY;
      } else if (err != 0 && err != EAGAIN && err != ENOBUFS && err != EINTR) {
        out->last_send_errno = err;
        break;
      }
      const uint32_t now = __atomic_load_n(tx_.consumer, __ATOMIC_ACQUIRE);
      if (now == consumed_before) {
        if (++stalls > kKickRetries) break;
        sched_yield();
      } else {
        stalls = 0;
        consumed_before = now;
      }
    }
    const uint32_t consumed = __atomic_load_n(tx_.consumer, __ATOMIC_ACQUIRE) - prod;
    const uint64_t refused = static_cast<uint64_t>(n) - consumed;
    if (refused > 0) {
      // Take the unconsumed descriptors back so the ring is empty again.
      __atomic_store_n(tx_.producer, prod + consumed, __ATOMIC_RELEASE);
      for (int k = static_cast<int>(consumed); k < n; ++k) free_.push_back(batch_[k]);
      if (out->last_send_errno == 0) out->last_send_errno = EAGAIN;
    }
    out->accepted += consumed - dropped;
    out->send_errors += dropped + refused;
  }

  void Finish(uint64_t deadline_ns, RunResult*) override {
    // Every frame back from the kernel before the UMEM goes away, bounded.
    Reclaim();
    while (free_.size() < frames_ && MonotonicNs() < deadline_ns) {
      pollfd p{fd_, POLLOUT, 0};
      poll(&p, 1, 1);
      Reclaim();
    }
  }

 private:
  bool Map(Ring* r, const xdp_ring_offset& off, unsigned entries, size_t entry_size, uint64_t pgoff) {
    r->bytes = off.desc + entries * entry_size;
    r->map = mmap(nullptr, r->bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd_, static_cast<off_t>(pgoff));
    if (r->map == MAP_FAILED) return false;
    auto* base = static_cast<uint8_t*>(r->map);
    r->producer = reinterpret_cast<uint32_t*>(base + off.producer);
    r->consumer = reinterpret_cast<uint32_t*>(base + off.consumer);
    r->entries = base + off.desc;
    r->mask = entries - 1;
    return true;
  }

  // One sendto() kick: 0 or errno.
  int Kick(RunResult* out) {
    const ssize_t r = sendto(fd_, nullptr, 0, MSG_DONTWAIT, nullptr, 0);
    if (out != nullptr) out->send_calls++;
    return r < 0 ? errno : 0;
  }

  // Frames the kernel has finished with go back on the free list.
  void Reclaim() {
    uint32_t cons = *cq_.consumer;
    const uint32_t prod = __atomic_load_n(cq_.producer, __ATOMIC_ACQUIRE);
    const auto* addrs = static_cast<const uint64_t*>(cq_.entries);
    for (; cons != prod; ++cons) free_.push_back(addrs[cons & cq_.mask]);
    __atomic_store_n(cq_.consumer, cons, __ATOMIC_RELEASE);
  }

  int fd_;
  SendSetup setup_;
  void* umem_ = MAP_FAILED;
  size_t umem_bytes_ = 0;
  unsigned frames_ = 0;
  Ring tx_, cq_, fq_;
  std::vector<uint64_t> free_;
  std::vector<uint64_t> batch_;
};

}  // namespace

std::unique_ptr<SendPath> OpenXdpPath(const RunConfig& cfg, const SendSetup& setup, PathError* error) {
  if (!RequireCarrier(cfg.ifname, "AF_XDP", error)) return nullptr;
  const int fd = socket(AF_XDP, SOCK_RAW | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    const int err = errno;
    if (err == EAFNOSUPPORT || err == EINVAL) {
      *error = {"METHOD_UNSUPPORTED", std::string("AF_XDP sockets are refused by this kernel (") + std::strerror(err) + "): it is built without CONFIG_XDP_SOCKETS", err, "socket"};
    } else {
      *error = SocketError("an AF_XDP socket", err, "socket");
    }
    return nullptr;
  }
  auto path = std::make_unique<XdpPath>(fd, setup);
  const char* call = "";
  const char* what = "";
  const int err = path->Open(&call, &what);
  if (err != 0) {
    // The kernel refusing a step (a device without XDP, a size it will not take) is the
    // method being unsupported here, with the reason; a queue still busy after the wait is
    // a failure of this run, not of the method.
    *error = {err == EBUSY ? "AF_XDP_BUSY" : "METHOD_UNSUPPORTED",
              std::string("AF_XDP copy-mode TX on ") + cfg.ifname + " is refused here: " + what + " failed (" + std::strerror(err) + ")", err, call};
    return nullptr;
  }
  return path;
}

}  // namespace prtip
