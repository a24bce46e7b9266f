#include "net_stats.h"

#include <fstream>
#include <sstream>
#include <vector>

namespace prtip {

namespace {

std::vector<std::string> Split(const std::string& line) {
  std::vector<std::string> out;
  std::istringstream in(line);
  std::string word;
  while (in >> word) out.push_back(word);
  return out;
}

// "Ip: Forwarding DefaultTTL ...\nIp: 1 64 ..." pairs of header and value lines.
void ReadPairedFile(const char* path, NetStats* out) {
  std::ifstream in(path);
  std::string header, values;
  while (std::getline(in, header) && std::getline(in, values)) {
    std::vector<std::string> names = Split(header), nums = Split(values);
    if (names.empty() || nums.size() != names.size() || names[0] != nums[0]) continue;
    std::string group = names[0].substr(0, names[0].size() - 1);  // drop ':'
    for (size_t i = 1; i < names.size(); ++i) {
      try {
        (*out)[group + "." + names[i]] = std::stoll(nums[i]);
      } catch (...) {
      }
    }
  }
}

// "Ip6InReceives  123" one per line.
void ReadNameValueFile(const char* path, NetStats* out) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> parts = Split(line);
    if (parts.size() != 2) continue;
    try {
      (*out)[parts[0]] = std::stoll(parts[1]);
    } catch (...) {
    }
  }
}

// One line per CPU, hex columns; the second is packets dropped at the backlog queue.
void ReadSoftnet(NetStats* out) {
  std::ifstream in("/proc/net/softnet_stat");
  std::string line;
  int64_t dropped = 0, squeezed = 0;
  while (std::getline(in, line)) {
    std::vector<std::string> cols = Split(line);
    if (cols.size() < 3) continue;
    dropped += static_cast<int64_t>(std::stoull(cols[1], nullptr, 16));
    squeezed += static_cast<int64_t>(std::stoull(cols[2], nullptr, 16));
  }
  (*out)["softnet.dropped"] = dropped;
  (*out)["softnet.time_squeeze"] = squeezed;
}

// /proc/net/stat/{arp,ndisc}_cache: a header line, then one hex line per CPU; sums one column.
void ReadNeighbourCache(const char* path, const char* prefix, NetStats* out) {
  std::ifstream in(path);
  std::string line;
  if (!std::getline(in, line)) return;
  std::vector<std::string> names = Split(line);
  std::vector<int64_t> sums(names.size(), 0);
  while (std::getline(in, line)) {
    std::vector<std::string> cols = Split(line);
    for (size_t i = 0; i < cols.size() && i < names.size(); ++i) sums[i] += static_cast<int64_t>(std::stoull(cols[i], nullptr, 16));
  }
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == "unresolved_discards" || names[i] == "table_fulls") (*out)[std::string(prefix) + "." + names[i]] = sums[i];
  }
}

}  // namespace

NetStats ReadNetStats() {
  NetStats stats;
  ReadPairedFile("/proc/thread-self/net/snmp", &stats);
  ReadPairedFile("/proc/thread-self/net/netstat", &stats);
  ReadNameValueFile("/proc/thread-self/net/snmp6", &stats);
  ReadSoftnet(&stats);
  ReadNeighbourCache("/proc/thread-self/net/stat/arp_cache", "arp_cache", &stats);
  ReadNeighbourCache("/proc/thread-self/net/stat/ndisc_cache", "ndisc_cache", &stats);
  return stats;
}

std::map<std::string, int64_t> NetStatsDelta(const NetStats& before, const NetStats& after) {
  std::map<std::string, int64_t> delta;
  for (const auto& [key, value] : after) {
    auto it = before.find(key);
    int64_t d = value - (it == before.end() ? 0 : it->second);
    if (d != 0) delta[key] = d;
  }
  return delta;
}

}  // namespace prtip
