#include "send_path.h"

#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "sockets.h"

namespace prtip {

void BuildSlotMessages(const SendSetup& setup, std::vector<uint8_t>* slots, std::vector<mmsghdr>* msgs, std::vector<iovec>* iovs) {
  slots->assign(static_cast<size_t>(setup.batch) * kSlotStride, 0);
  msgs->assign(setup.batch, mmsghdr{});
  iovs->assign(setup.batch, iovec{});
  for (int k = 0; k < setup.batch; ++k) {
    uint8_t* slot = slots->data() + static_cast<size_t>(k) * kSlotStride;
    if (setup.l2 == 14) std::memcpy(slot, setup.l2_header, 14);
    (*iovs)[k] = {slot, setup.length};
    msghdr& h = (*msgs)[k].msg_hdr;
    h.msg_name = const_cast<sockaddr_storage*>(&setup.dst);
    h.msg_namelen = setup.dst_len;
    h.msg_iov = &(*iovs)[k];
    h.msg_iovlen = 1;
  }
}

namespace {

// sendto (one packet per call) or sendmmsg (one call per batch) on a raw IP socket
// (IP_HDRINCL / IPV6_HDRINCL) or an AF_PACKET socket (link "packet").
class SocketPath : public SendPath {
 public:
  SocketPath(int fd, bool per_packet, const SendSetup& setup)
      : fd_(fd), per_packet_(per_packet), setup_(setup) {
    BuildSlotMessages(setup_, &slots_, &msgs_, &iovs_);
  }
  ~SocketPath() override { close(fd_); }

  int Reserve(int n, uint64_t) override { return n; }
  uint8_t* PacketAt(int k) override { return slots_.data() + static_cast<size_t>(k) * kSlotStride; }

  void Send(int n, RunResult* out) override {
    int done = 0, retries = 0;
    while (done < n) {
      int r;
      if (per_packet_) {
        const ssize_t s = sendto(fd_, PacketAt(done), setup_.length, 0, reinterpret_cast<sockaddr*>(&setup_.dst), setup_.dst_len);
        r = s < 0 ? -1 : 1;
      } else {
        // A partial send returns how many went; the rest go in the next call.
        r = sendmmsg(fd_, msgs_.data() + done, static_cast<unsigned>(n - done), 0);
      }
      out->send_calls++;
      if (r > 0) {
        done += r;
        out->accepted += static_cast<uint64_t>(r);
        retries = 0;
        continue;
      }
      const int err = r < 0 ? errno : EIO;
      if (err == EINTR) continue;
      if ((err == ENOBUFS || err == EAGAIN) && retries++ < kSendRetries) {
        sched_yield();
        continue;
      }
      // The first remaining packet was refused: count it and go on with the rest.
      out->send_errors++;
      out->last_send_errno = err;
      done++;
      retries = 0;
    }
  }

 private:
  int fd_;
  bool per_packet_;
  SendSetup setup_;
  std::vector<uint8_t> slots_;
  std::vector<mmsghdr> msgs_;
  std::vector<iovec> iovs_;
};

}  // namespace

PathError SocketError(const char* what, int err, const char* syscall) {
  PathError e;
  e.err = err;
  e.syscall = syscall;
  if (err == EPERM || err == EACCES) {
    e.code = "NO_CAP_NET_RAW";
    e.message = std::string(what) +
                " needs CAP_NET_RAW: run as root (sudo), or grant it to node with "
                "\"sudo setcap cap_net_raw,cap_net_admin+ep $(readlink -f $(which node))\"";
  } else {
    e.code = "SOCKET_FAILED";
    e.message = std::string("cannot open ") + what + ": " + std::strerror(err);
  }
  return e;
}

bool RequireCarrier(const std::string& ifname, const char* method, PathError* error) {
  const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    *error = SocketError("a socket to read interface flags", errno, "socket");
    return false;
  }
  ifreq ifr{};
  std::strncpy(ifr.ifr_name, ifname.c_str(), IFNAMSIZ - 1);
  const int rc = ioctl(fd, SIOCGIFFLAGS, &ifr);
  const int err = errno;
  close(fd);
  if (rc != 0) {
    *error = {"NO_INTERFACE", "cannot read the flags of interface " + ifname + ": " + std::strerror(err), err, "ioctl"};
    return false;
  }
  if ((ifr.ifr_flags & IFF_RUNNING) == 0) {
    *error = {"METHOD_UNSUPPORTED",
              std::string(method) + " is unsupported on " + ifname +
                  ": the interface has no carrier (a veth whose peer is down) and this method hands frames straight to the driver, which refuses every one",
              0, ""};
    return false;
  }
  return true;
}

std::unique_ptr<SendPath> OpenSocketPath(const RunConfig& cfg, const SendSetup& setup, PathError* error) {
  std::string syscall;
  int ifindex = 0;
  int fd;
  if (cfg.link == LinkKind::Packet) {
    fd = OpenPacketSender(cfg.ifname, cfg.qdisc_bypass, &ifindex, &syscall);
    if (fd < 0) {
      *error = SocketError("an AF_PACKET socket", -fd, syscall.c_str());
      return nullptr;
    }
  } else {
    fd = OpenRawSender(cfg.family, &syscall);
    if (fd < 0) {
      *error = SocketError("a raw IP socket", -fd, syscall.c_str());
      return nullptr;
    }
  }
  return std::make_unique<SocketPath>(fd, cfg.method == SendMethod::Sendto, setup);
}

std::unique_ptr<SendPath> OpenSendPath(const RunConfig& cfg, const SendSetup& setup, PathError* error) {
  switch (cfg.method) {
    case SendMethod::Sendto:
    case SendMethod::Sendmmsg:
    case SendMethod::BareSendmmsg:
      return OpenSocketPath(cfg, setup, error);
    case SendMethod::TxRing:
      return OpenTxRingPath(cfg, setup, error);
    case SendMethod::Uring:
      return OpenUringPath(cfg, setup, error);
    case SendMethod::Xdp:
      return OpenXdpPath(cfg, setup, error);
  }
  error->code = "BAD_METHOD";
  error->message = "unknown send method";
  return nullptr;
}

}  // namespace prtip
