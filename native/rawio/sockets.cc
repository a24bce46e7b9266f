#include "sockets.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#ifndef IPV6_HDRINCL
#define IPV6_HDRINCL 36
#endif
#ifndef PACKET_QDISC_BYPASS
#define PACKET_QDISC_BYPASS 20
#endif

namespace prtip {

namespace {

int Fail(int fd, const char* call, std::string* syscall) {
  int err = errno;
  if (fd >= 0) close(fd);
  *syscall = call;
  return -err;
}

}  // namespace

int OpenRawSender(int family, std::string* syscall) {
  int fd = socket(family == 6 ? AF_INET6 : AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
  if (fd < 0) return Fail(-1, "socket", syscall);
  int one = 1;
  int rc = family == 6 ? setsockopt(fd, IPPROTO_IPV6, IPV6_HDRINCL, &one, sizeof one)
                       : setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &one, sizeof one);
  if (rc != 0) return Fail(fd, "setsockopt", syscall);
  // A full send buffer would turn into ENOBUFS mid-batch; root may raise it past wmem_max.
  int sndbuf = 8 << 20;
  if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf, sizeof sndbuf) != 0) {
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
  }
  return fd;
}

int OpenPacketSender(const std::string& ifname, bool qdisc_bypass, int* ifindex, std::string* syscall) {
  unsigned index = if_nametoindex(ifname.c_str());
  if (index == 0) return Fail(-1, "if_nametoindex", syscall);
  *ifindex = static_cast<int>(index);
  int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
  if (fd < 0) return Fail(-1, "socket", syscall);
  if (qdisc_bypass) {
    int one = 1;
    if (setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof one) != 0) return Fail(fd, "setsockopt", syscall);
  }
  int sndbuf = 8 << 20;
  if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf, sizeof sndbuf) != 0) {
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
  }
  return fd;
}

int OpenRawReceiver(int family, uint16_t port_base, uint16_t port_count, int rcvbuf_bytes, std::string* syscall) {
  int fd = socket(family == 6 ? AF_INET6 : AF_INET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, IPPROTO_TCP);
  if (fd < 0) return Fail(-1, "socket", syscall);
  // IPv4 raw sockets see the IP header first (X = its length); IPv6 ones start at TCP (X = 0).
  const bool v6 = family == 6;
  const uint32_t first_port = port_base, end_port = static_cast<uint32_t>(port_base) + port_count;
  sock_filter code[] = {
      v6 ? sock_filter BPF_STMT(BPF_LDX | BPF_W | BPF_IMM, 0) : sock_filter BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0),
      BPF_STMT(BPF_LD | BPF_H | BPF_IND, 2),              // destination port
      BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, first_port, 0, 6),
      BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, end_port, 5, 0),
      BPF_STMT(BPF_LD | BPF_B | BPF_IND, 13),             // flags
      BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x04, 2, 0),   // RST
      BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0x12),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x12, 0, 1),    // SYN+ACK
      BPF_STMT(BPF_RET | BPF_K, 0xffff),
      BPF_STMT(BPF_RET | BPF_K, 0),
  };
  sock_fprog prog{static_cast<unsigned short>(sizeof code / sizeof code[0]), code};
  if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) != 0) return Fail(fd, "setsockopt", syscall);
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf_bytes, sizeof rcvbuf_bytes) != 0) {
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf_bytes, sizeof rcvbuf_bytes);
  }
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof one);
  return fd;
}

int OpenListener(int family, const uint8_t* addr, uint16_t* port, std::string* syscall) {
  int fd = socket(family == 6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Fail(-1, "socket", syscall);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_storage ss{};
  socklen_t len;
  if (family == 6) {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&ss);
    sin6->sin6_family = AF_INET6;
    std::memcpy(&sin6->sin6_addr, addr, 16);
    len = sizeof *sin6;
  } else {
    auto* sin = reinterpret_cast<sockaddr_in*>(&ss);
    sin->sin_family = AF_INET;
    std::memcpy(&sin->sin_addr, addr, 4);
    len = sizeof *sin;
  }
  if (bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) return Fail(fd, "bind", syscall);
  if (listen(fd, 4096) != 0) return Fail(fd, "listen", syscall);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return Fail(fd, "getsockname", syscall);
  *port = ntohs(family == 6 ? reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port : reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
  return fd;
}

}  // namespace prtip
