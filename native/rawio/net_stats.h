// Snapshots of the kernel's network counters as the calling thread's namespace sees
// them (/proc/thread-self/net/{snmp,netstat,snmp6}) plus softnet drops (all CPUs,
// global). Diffed around a run to attribute missing replies to where they died.
#pragma once
#include <cstdint>
#include <map>
#include <string>

namespace prtip {

using NetStats = std::map<std::string, int64_t>;

// Keys look like "Ip.InDiscards", "TcpExt.ListenDrops", "Ip6InDiscards", "softnet.dropped".
NetStats ReadNetStats();

// after - before, only the keys that changed.
std::map<std::string, int64_t> NetStatsDelta(const NetStats& before, const NetStats& after);

}  // namespace prtip
