// Where a run may send, decided in native code from kernel facts only (nothing JS
// says about a namespace is believed):
//  - the run's namespaces (netnsPath, targetNetnsPath) must be ones this process
//    created (netns/registry.h), checked by fstat on the fd that is then entered;
//  - in the caller's own namespace: loopback destinations (127.0.0.0/8, ::1) and
//    loopback sources only; AF_PACKET only on lo;
//  - in a harness namespace: every interface but lo must be a veth (driver from
//    ETHTOOL_GDRVINFO) whose peer sits in a harness namespace (IFLA_LINK_NETNSID,
//    compared with the ids this namespace gives the harness namespaces through
//    RTM_GETNSID); and a non-loopback destination or source must be an address
//    configured in a harness namespace.
// A refusal is a RunResult error (code NOT_HARNESS_NETNS or NOT_LOOPBACK) naming the
// config field, and nothing has been sent.
#pragma once
#include "run.h"

namespace prtip {

// Fds of the run's namespaces, verified as harness namespaces (-1 = the caller's own).
struct RunNamespaces {
  int send_fd = -1;
  int target_fd = -1;
  ~RunNamespaces();
};

// Opens and verifies cfg's namespaces into *ns. Run on the run thread while it is in
// its home namespace; may enter other namespaces and leaves the thread in the sending
// namespace (or home). False (with out's error set) on a refusal or failure.
bool GuardRun(const RunConfig& cfg, RunNamespaces* ns, RunResult* out);

// 127.0.0.0/8 for family 4, ::1 for family 6.
bool IsLoopbackAddress(int family, const uint8_t* addr);

}  // namespace prtip
