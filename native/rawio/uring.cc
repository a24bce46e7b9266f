// io_uring: one batch of IORING_OP_SENDMSG SQEs (one per packet, each a msghdr into the
// batch slots of a raw IP socket) submitted and waited for with a single
// io_uring_enter(to_submit = n, min_complete = n, GETEVENTS). Raw syscalls and
// <linux/io_uring.h>, no liburing: the setup is two mmaps and the loop a few stores.
// A send the socket cannot take at once is finished by an io-wq kernel worker, whose
// CPU time is not the sending thread's: the suite reports it as it is measured.
#include <linux/io_uring.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "../timing/clock.h"
#include "send_path.h"
#include "sockets.h"

namespace prtip {

namespace {

int UringSetup(unsigned entries, io_uring_params* p) { return static_cast<int>(syscall(__NR_io_uring_setup, entries, p)); }
int UringEnter(int fd, unsigned submit, unsigned complete, unsigned flags) {
  return static_cast<int>(syscall(__NR_io_uring_enter, fd, submit, complete, flags, nullptr, 0));
}

class UringPath : public SendPath {
 public:
  UringPath(int sock, const SendSetup& setup) : sock_(sock), setup_(setup), slots_(static_cast<size_t>(setup.batch) * kSlotStride, 0),
                                                msgs_(setup.batch), iovs_(setup.batch) {
    for (int k = 0; k < setup.batch; ++k) {
      uint8_t* slot = slots_.data() + static_cast<size_t>(k) * kSlotStride;
      if (setup.l2 == 14) std::memcpy(slot, setup.l2_header, 14);
      iovs_[k] = {slot, setup.length};
      msghdr& h = msgs_[k];
      std::memset(&h, 0, sizeof h);
      h.msg_name = &setup_.dst;
      h.msg_namelen = setup_.dst_len;
      h.msg_iov = &iovs_[k];
      h.msg_iovlen = 1;
    }
  }
  ~UringPath() override {
    if (sq_ptr_ != MAP_FAILED) munmap(sq_ptr_, sq_bytes_);
    if (cq_ptr_ != MAP_FAILED && cq_ptr_ != sq_ptr_) munmap(cq_ptr_, cq_bytes_);
    if (sqes_ != MAP_FAILED) munmap(sqes_, sqes_bytes_);
    if (ring_ >= 0) close(ring_);
    close(sock_);
  }

  // 0 on success, else errno (with *call naming the syscall).
  int Open(const char** call) {
    io_uring_params p{};
    ring_ = UringSetup(static_cast<unsigned>(setup_.batch), &p);
    if (ring_ < 0) {
      *call = "io_uring_setup";
      return errno;
    }
    sq_bytes_ = p.sq_off.array + p.sq_entries * sizeof(unsigned);
    cq_bytes_ = p.cq_off.cqes + p.cq_entries * sizeof(io_uring_cqe);
    const bool single = (p.features & IORING_FEAT_SINGLE_MMAP) != 0;
    if (single) sq_bytes_ = cq_bytes_ = std::max(sq_bytes_, cq_bytes_);
    *call = "mmap";
    sq_ptr_ = mmap(nullptr, sq_bytes_, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, ring_, IORING_OFF_SQ_RING);
    if (sq_ptr_ == MAP_FAILED) return errno;
    cq_ptr_ = single ? sq_ptr_ : mmap(nullptr, cq_bytes_, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, ring_, IORING_OFF_CQ_RING);
    if (cq_ptr_ == MAP_FAILED) return errno;
    sqes_bytes_ = p.sq_entries * sizeof(io_uring_sqe);
    sqes_ = mmap(nullptr, sqes_bytes_, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, ring_, IORING_OFF_SQES);
    if (sqes_ == MAP_FAILED) return errno;
    auto* sq = static_cast<uint8_t*>(sq_ptr_);
    auto* cq = static_cast<uint8_t*>(cq_ptr_);
    sq_tail_ = reinterpret_cast<unsigned*>(sq + p.sq_off.tail);
    sq_mask_ = *reinterpret_cast<unsigned*>(sq + p.sq_off.ring_mask);
    sq_array_ = reinterpret_cast<unsigned*>(sq + p.sq_off.array);
    cq_head_ = reinterpret_cast<unsigned*>(cq + p.cq_off.head);
    cq_tail_ = reinterpret_cast<unsigned*>(cq + p.cq_off.tail);
    cq_mask_ = *reinterpret_cast<unsigned*>(cq + p.cq_off.ring_mask);
    cqes_ = reinterpret_cast<io_uring_cqe*>(cq + p.cq_off.cqes);
    return 0;
  }

  int Reserve(int n, uint64_t) override { return n; }
  uint8_t* PacketAt(int k) override { return slots_.data() + static_cast<size_t>(k) * kSlotStride; }

  void Send(int n, RunResult* out) override {
    unsigned tail = *sq_tail_;
    auto* sqes = static_cast<io_uring_sqe*>(sqes_);
    for (int k = 0; k < n; ++k) {
      const unsigned index = tail & sq_mask_;
      io_uring_sqe* sqe = &sqes[index];
      std::memset(sqe, 0, sizeof *sqe);
      sqe->opcode = IORING_OP_SENDMSG;
      sqe->fd = sock_;
      sqe->addr = reinterpret_cast<uint64_t>(&msgs_[k]);
      sqe->len = 1;
      sqe->user_data = static_cast<uint64_t>(k);
      sq_array_[index] = index;
      ++tail;
    }
    __atomic_store_n(sq_tail_, tail, __ATOMIC_RELEASE);
    int submitted = 0;
    unsigned pending = static_cast<unsigned>(n);
    while (pending > 0) {
      const unsigned to_submit = static_cast<unsigned>(n - submitted);
      const int r = UringEnter(ring_, to_submit, pending, IORING_ENTER_GETEVENTS);
      out->send_calls++;
      if (r < 0) {
        if (errno == EINTR || errno == EAGAIN || errno == EBUSY) {
          Reap(&pending, out);
          continue;
        }
        // The ring itself failed: the unsubmitted and unfinished packets are lost to it.
        out->send_errors += pending;
        out->last_send_errno = errno;
        return;
      }
      submitted += r;
      Reap(&pending, out);
    }
  }

 private:
  void Reap(unsigned* pending, RunResult* out) {
    unsigned head = *cq_head_;
    const unsigned tail = __atomic_load_n(cq_tail_, __ATOMIC_ACQUIRE);
    for (; head != tail; ++head) {
      const io_uring_cqe& c = cqes_[head & cq_mask_];
      if (c.res > 0) {
        out->accepted++;
      } else {
        out->send_errors++;
        out->last_send_errno = c.res < 0 ? -c.res : EIO;
      }
      --*pending;
    }
    __atomic_store_n(cq_head_, head, __ATOMIC_RELEASE);
  }

  int sock_;
  SendSetup setup_;
  std::vector<uint8_t> slots_;
  std::vector<msghdr> msgs_;
  std::vector<iovec> iovs_;
  int ring_ = -1;
  void* sq_ptr_ = MAP_FAILED;
  void* cq_ptr_ = MAP_FAILED;
  void* sqes_ = MAP_FAILED;
  size_t sq_bytes_ = 0, cq_bytes_ = 0, sqes_bytes_ = 0;
  unsigned* sq_tail_ = nullptr;
  unsigned* sq_array_ = nullptr;
  unsigned sq_mask_ = 0;
  unsigned* cq_head_ = nullptr;
  unsigned* cq_tail_ = nullptr;
  unsigned cq_mask_ = 0;
  io_uring_cqe* cqes_ = nullptr;
};

}  // namespace

std::unique_ptr<SendPath> OpenUringPath(const RunConfig& cfg, const SendSetup& setup, PathError* error) {
  std::string syscall;
  int sock;
  if (cfg.link == LinkKind::Packet) {
    int ifindex = 0;
    sock = OpenPacketSender(cfg.ifname, cfg.qdisc_bypass, &ifindex, &syscall);
  } else {
    sock = OpenRawSender(cfg.family, &syscall);
  }
  if (sock < 0) {
    *error = SocketError(cfg.link == LinkKind::Packet ? "an AF_PACKET socket" : "a raw IP socket", -sock, syscall.c_str());
    return nullptr;
  }
  auto path = std::make_unique<UringPath>(sock, setup);
  const char* call = "";
  const int err = path->Open(&call);
  if (err != 0) {
    const bool refused = err == ENOSYS || err == EPERM || err == EACCES;
    *error = {refused ? "METHOD_UNSUPPORTED" : "URING_FAILED",
              refused ? std::string("io_uring is refused here (") + std::strerror(err) +
                            (err == ENOSYS ? "): the kernel is built without it" : "): check /proc/sys/kernel/io_uring_disabled and the seccomp/LSM policy")
                      : std::string("cannot set up the io_uring: ") + std::strerror(err),
              err, call};
    return nullptr;
  }
  return path;
}

}  // namespace prtip
