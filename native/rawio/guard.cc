#include "guard.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <linux/ethtool.h>
#include <linux/if_link.h>
#include <linux/net_namespace.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <set>

#include "../netns/registry.h"

namespace prtip {

namespace {

struct Fd {
  int fd = -1;
  Fd() = default;
  explicit Fd(int f) : fd(f) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd >= 0) close(fd);
  }
};

using Address = std::array<uint8_t, 17>;  // family (4 or 6), then 16 bytes

Address MakeAddress(int family, const uint8_t* bytes) {
  Address a{};
  a[0] = static_cast<uint8_t>(family);
  std::memcpy(a.data() + 1, bytes, family == 6 ? 16 : 4);
  return a;
}

std::string AddressText(int family, const uint8_t* bytes) {
  char text[INET6_ADDRSTRLEN] = {};
  inet_ntop(family == 6 ? AF_INET6 : AF_INET, bytes, text, sizeof text);
  return text;
}

bool Refuse(RunResult* out, const std::string& code, const std::string& message, int err = 0, const std::string& syscall = "") {
  out->error_code = code;
  out->error_message = message;
  out->error_errno = err;
  out->error_syscall = syscall;
  return false;
}

// Every IPv4/IPv6 address configured in the current namespace.
bool AddAddressesHere(std::set<Address>* addresses) {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return false;
  for (ifaddrs* i = list; i != nullptr; i = i->ifa_next) {
    if (i->ifa_addr == nullptr) continue;
    if (i->ifa_addr->sa_family == AF_INET) {
      addresses->insert(MakeAddress(4, reinterpret_cast<const uint8_t*>(&reinterpret_cast<sockaddr_in*>(i->ifa_addr)->sin_addr)));
    } else if (i->ifa_addr->sa_family == AF_INET6) {
      addresses->insert(MakeAddress(6, reinterpret_cast<const uint8_t*>(&reinterpret_cast<sockaddr_in6*>(i->ifa_addr)->sin6_addr)));
    }
  }
  freeifaddrs(list);
  return true;
}

struct Link {
  int index = 0;
  unsigned flags = 0;
  std::string name;
  bool has_peer_netnsid = false;
  int peer_netnsid = -1;
};

// Sends one rtnetlink request and hands each reply message to on_msg, until NLMSG_DONE
// (dumps) or the first reply (single requests). 0, or -errno.
template <typename OnMsg>
int NetlinkRequest(int sock, const void* req, size_t len, bool dump, OnMsg on_msg) {
  if (send(sock, req, len, 0) < 0) return -errno;
  std::vector<char> buf(64 << 10);
  for (;;) {
    const ssize_t n = recv(sock, buf.data(), buf.size(), 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return -errno;
    }
    int remaining = static_cast<int>(n);
    for (auto* h = reinterpret_cast<nlmsghdr*>(buf.data()); NLMSG_OK(h, remaining); h = NLMSG_NEXT(h, remaining)) {
      if (h->nlmsg_type == NLMSG_DONE) return 0;
      if (h->nlmsg_type == NLMSG_ERROR) {
        const auto* e = static_cast<const nlmsgerr*>(NLMSG_DATA(h));
        if (e->error != 0) return e->error;
        if (!dump) return 0;
        continue;
      }
      on_msg(h);
      if (!dump) return 0;
    }
  }
}

int ListLinks(int sock, std::vector<Link>* links) {
  struct {
    nlmsghdr h;
    ifinfomsg i;
  } req{};
  req.h.nlmsg_len = sizeof req;
  req.h.nlmsg_type = RTM_GETLINK;
  req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  req.i.ifi_family = AF_UNSPEC;
  return NetlinkRequest(sock, &req, sizeof req, true, [&](nlmsghdr* h) {
    if (h->nlmsg_type != RTM_NEWLINK) return;
    const auto* info = static_cast<const ifinfomsg*>(NLMSG_DATA(h));
    Link link;
    link.index = info->ifi_index;
    link.flags = info->ifi_flags;
    int len = static_cast<int>(IFLA_PAYLOAD(h));
    for (auto* a = IFLA_RTA(info); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
      if (a->rta_type == IFLA_IFNAME) {
        link.name.assign(static_cast<const char*>(RTA_DATA(a)), strnlen(static_cast<const char*>(RTA_DATA(a)), RTA_PAYLOAD(a)));
      } else if (a->rta_type == IFLA_LINK_NETNSID && RTA_PAYLOAD(a) >= sizeof(int32_t)) {
        link.has_peer_netnsid = true;
        std::memcpy(&link.peer_netnsid, RTA_DATA(a), sizeof(int32_t));
      }
    }
    links->push_back(link);
  });
}

// The id the current namespace gives the namespace behind fd (-1: none assigned).
int NsidOf(int sock, int ns_fd, int* nsid) {
  struct {
    nlmsghdr h;
    rtgenmsg g;
    char pad[3];
    rtattr a;
    uint32_t fd;
  } req{};
  req.h.nlmsg_len = sizeof req;
  req.h.nlmsg_type = RTM_GETNSID;
  req.h.nlmsg_flags = NLM_F_REQUEST;
  req.g.rtgen_family = AF_UNSPEC;
  req.a.rta_type = NETNSA_FD;
  req.a.rta_len = RTA_LENGTH(sizeof(uint32_t));
  req.fd = static_cast<uint32_t>(ns_fd);
  *nsid = -1;
  return NetlinkRequest(sock, &req, sizeof req, false, [&](nlmsghdr* h) {
    if (h->nlmsg_type != RTM_NEWNSID) return;
    int len = static_cast<int>(h->nlmsg_len - NLMSG_LENGTH(sizeof(rtgenmsg)));
    auto* a = reinterpret_cast<rtattr*>(reinterpret_cast<char*>(NLMSG_DATA(h)) + NLMSG_ALIGN(sizeof(rtgenmsg)));
    for (; RTA_OK(a, len); a = RTA_NEXT(a, len)) {
      if (a->rta_type == NETNSA_NSID && RTA_PAYLOAD(a) >= sizeof(int32_t)) std::memcpy(nsid, RTA_DATA(a), sizeof(int32_t));
    }
  });
}

// The driver behind an interface, as ethtool reports it ("veth", "e1000e", ...).
std::string DriverOf(int sock, const std::string& ifname) {
  ethtool_drvinfo info{};
  info.cmd = ETHTOOL_GDRVINFO;
  ifreq ifr{};
  std::strncpy(ifr.ifr_name, ifname.c_str(), IFNAMSIZ - 1);
  ifr.ifr_data = reinterpret_cast<char*>(&info);
  if (ioctl(sock, SIOCETHTOOL, &ifr) != 0) return "";
  return std::string(info.driver, strnlen(info.driver, sizeof info.driver));
}

bool IsLo(const Link& link) { return (link.flags & IFF_LOOPBACK) != 0 && link.index == 1; }

// Run inside a harness namespace: every interface but lo is a veth into a harness namespace.
bool CheckInterfacesHere(const std::vector<int>& registered, const std::string& ns_field, RunResult* out) {
  Fd nl(socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE));
  if (nl.fd < 0) return Refuse(out, "NETNS_CHECK_FAILED", "cannot open a netlink socket to check " + ns_field, errno, "socket");
  std::vector<Link> links;
  int rc = ListLinks(nl.fd, &links);
  if (rc < 0) return Refuse(out, "NETNS_CHECK_FAILED", "cannot list the interfaces of " + ns_field, -rc, "recv");
  std::set<int> harness_ids;
  for (int fd : registered) {
    int nsid = -1;
    if (NsidOf(nl.fd, fd, &nsid) == 0 && nsid >= 0) harness_ids.insert(nsid);
  }
  Fd ioc(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (ioc.fd < 0) return Refuse(out, "NETNS_CHECK_FAILED", "cannot open a socket to check " + ns_field, errno, "socket");
  for (const Link& link : links) {
    if (IsLo(link)) continue;
    const std::string driver = DriverOf(ioc.fd, link.name);
    if (driver != "veth") {
      return Refuse(out, "NOT_LOOPBACK",
                    "refusing to send from " + ns_field + ": its interface " + link.name + " is " +
                        (driver.empty() ? std::string("not a veth (no ethtool driver)") : "a " + driver + " device, not a veth") +
                        ", so packets could leave the harness's namespaces");
    }
    // No IFLA_LINK_NETNSID: both ends are in this (harness) namespace.
    if (link.has_peer_netnsid && harness_ids.count(link.peer_netnsid) == 0) {
      return Refuse(out, "NOT_LOOPBACK",
                    "refusing to send from " + ns_field + ": the peer of its veth " + link.name +
                        " is in a namespace the harness did not create");
    }
  }
  return true;
}

bool InterfaceIsLoopbackHere(const std::string& ifname) {
  Fd sock(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (sock.fd < 0) return false;
  ifreq ifr{};
  std::strncpy(ifr.ifr_name, ifname.c_str(), IFNAMSIZ - 1);
  if (ioctl(sock.fd, SIOCGIFFLAGS, &ifr) != 0) return false;
  return (ifr.ifr_flags & IFF_LOOPBACK) != 0 && if_nametoindex(ifname.c_str()) == 1;
}

// Opens path and checks it is a harness namespace; *fd keeps it for setns.
bool OpenHarnessNetns(const std::string& path, const std::string& field, int* fd, RunResult* out) {
  // O_NONBLOCK: a FIFO or a terminal named here must not hang the run thread.
  *fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (*fd < 0) return Refuse(out, "NETNS_ENTER_FAILED", "cannot open " + field + " " + path, errno, "open");
  if (!NetnsFdIsRegistered(*fd)) {
    return Refuse(out, "NOT_HARNESS_NETNS",
                  "refusing " + field + " " + path + ": it is not a network namespace this process created (createNamespace)");
  }
  return true;
}

}  // namespace

RunNamespaces::~RunNamespaces() {
  if (send_fd >= 0) close(send_fd);
  if (target_fd >= 0) close(target_fd);
}

bool IsLoopbackAddress(int family, const uint8_t* addr) {
  if (family == 4) return addr[0] == 127;
  static const uint8_t kLoopback6[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  return std::memcmp(addr, kLoopback6, 16) == 0;
}

bool GuardRun(const RunConfig& cfg, RunNamespaces* ns, RunResult* out) {
  if (!cfg.netns_path.empty() && !OpenHarnessNetns(cfg.netns_path, "config.netnsPath", &ns->send_fd, out)) return false;
  if (!cfg.target_netns_path.empty() && !OpenHarnessNetns(cfg.target_netns_path, "config.targetNetnsPath", &ns->target_fd, out)) return false;
  if (ns->send_fd < 0 && ns->target_fd >= 0) {
    return Refuse(out, "NOT_HARNESS_NETNS", "config.targetNetnsPath needs config.netnsPath: a listener in another namespace is only reachable from a harness namespace");
  }
  const bool dst_loopback = IsLoopbackAddress(cfg.family, cfg.dst_addr);
  const bool src_loopback = IsLoopbackAddress(cfg.family, cfg.src_addr);
  const std::string dst_text = AddressText(cfg.family, cfg.dst_addr), src_text = AddressText(cfg.family, cfg.src_addr);

  if (ns->send_fd < 0) {
    // The caller's own namespace: loopback, and nothing else, both ways.
    if (!dst_loopback) {
      return Refuse(out, "NOT_LOOPBACK", "refusing config.dst " + dst_text + ": in the caller's own namespace only loopback (127.0.0.0/8, ::1) is allowed");
    }
    if (!src_loopback) {
      return Refuse(out, "NOT_LOOPBACK", "refusing config.src " + src_text + ": in the caller's own namespace replies must stay on loopback (127.0.0.0/8, ::1)");
    }
    if (cfg.link == LinkKind::Packet && !InterfaceIsLoopbackHere(cfg.ifname)) {
      return Refuse(out, "NOT_LOOPBACK", "refusing config.ifname \"" + cfg.ifname + "\": in the caller's own namespace AF_PACKET may only use lo");
    }
    return true;
  }

  // A harness namespace. Addresses of every harness namespace, read inside each.
  Fd home(open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC));
  if (home.fd < 0) return Refuse(out, "NETNS_CHECK_FAILED", "cannot open the run thread's own namespace", errno, "open");
  std::vector<int> registered = RegisteredNetnsFds();
  struct Closer {
    std::vector<int>& fds;
    ~Closer() {
      for (int fd : fds) close(fd);
    }
  } closer{registered};
  std::set<Address> addresses;
  if (!dst_loopback || !src_loopback) {
    for (int fd : registered) {
      if (setns(fd, CLONE_NEWNET) != 0) return Refuse(out, "NETNS_CHECK_FAILED", "cannot enter a harness namespace to read its addresses", errno, "setns");
      if (!AddAddressesHere(&addresses)) return Refuse(out, "NETNS_CHECK_FAILED", "cannot read the addresses of a harness namespace", errno, "getifaddrs");
    }
    if (setns(home.fd, CLONE_NEWNET) != 0) return Refuse(out, "NETNS_CHECK_FAILED", "cannot return to the run thread's namespace", errno, "setns");
    if (!dst_loopback && addresses.count(MakeAddress(cfg.family, cfg.dst_addr)) == 0) {
      return Refuse(out, "NOT_LOOPBACK", "refusing config.dst " + dst_text + ": it is neither loopback nor an address of a namespace the harness created");
    }
    if (!src_loopback && addresses.count(MakeAddress(cfg.family, cfg.src_addr)) == 0) {
      return Refuse(out, "NOT_LOOPBACK", "refusing config.src " + src_text + ": it is neither loopback nor an address of a namespace the harness created");
    }
  }
  if (setns(ns->send_fd, CLONE_NEWNET) != 0) return Refuse(out, "NETNS_ENTER_FAILED", "cannot enter config.netnsPath " + cfg.netns_path, errno, "setns");
  if (!CheckInterfacesHere(registered, "config.netnsPath " + cfg.netns_path, out)) return false;
  // AF_PACKET frames go out of one interface whatever their IP header says: it must be
  // lo or one of the veths just checked.
  if (cfg.link == LinkKind::Packet && !InterfaceIsLoopbackHere(cfg.ifname)) {
    Fd ioc(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (ioc.fd < 0 || DriverOf(ioc.fd, cfg.ifname) != "veth") {
      return Refuse(out, "NOT_LOOPBACK", "refusing config.ifname \"" + cfg.ifname + "\": AF_PACKET may only use lo or a veth into a harness namespace");
    }
  }
  return true;
}

}  // namespace prtip
