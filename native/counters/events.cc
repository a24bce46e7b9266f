#include "events.h"

#include <linux/perf_event.h>
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>

namespace prtip {
namespace {

struct NamedConfig {
  const char* name;
  uint64_t config;
};

const NamedConfig kHardware[] = {
    {"cycles", PERF_COUNT_HW_CPU_CYCLES},
    {"instructions", PERF_COUNT_HW_INSTRUCTIONS},
    {"cache-references", PERF_COUNT_HW_CACHE_REFERENCES},
    {"cache-misses", PERF_COUNT_HW_CACHE_MISSES},
    {"branches", PERF_COUNT_HW_BRANCH_INSTRUCTIONS},
    {"branch-misses", PERF_COUNT_HW_BRANCH_MISSES},
    {"bus-cycles", PERF_COUNT_HW_BUS_CYCLES},
    {"stalled-cycles-frontend", PERF_COUNT_HW_STALLED_CYCLES_FRONTEND},
    {"stalled-cycles-backend", PERF_COUNT_HW_STALLED_CYCLES_BACKEND},
    {"ref-cycles", PERF_COUNT_HW_REF_CPU_CYCLES},
};

const NamedConfig kSoftware[] = {
    {"cpu-clock", PERF_COUNT_SW_CPU_CLOCK},
    {"task-clock", PERF_COUNT_SW_TASK_CLOCK},
    {"page-faults", PERF_COUNT_SW_PAGE_FAULTS},
    {"minor-faults", PERF_COUNT_SW_PAGE_FAULTS_MIN},
    {"major-faults", PERF_COUNT_SW_PAGE_FAULTS_MAJ},
    {"context-switches", PERF_COUNT_SW_CONTEXT_SWITCHES},
    {"cpu-migrations", PERF_COUNT_SW_CPU_MIGRATIONS},
    {"alignment-faults", PERF_COUNT_SW_ALIGNMENT_FAULTS},
    {"emulation-faults", PERF_COUNT_SW_EMULATION_FAULTS},
};

// perf's hardware-cache composites: cache id | (op << 8) | (result << 16).
struct CacheEvent {
  const char* name;
  uint32_t cache;
  uint32_t op;
  uint32_t result;
};

const CacheEvent kCache[] = {
    {"L1-dcache-loads", PERF_COUNT_HW_CACHE_L1D, PERF_COUNT_HW_CACHE_OP_READ, PERF_COUNT_HW_CACHE_RESULT_ACCESS},
    {"L1-dcache-load-misses", PERF_COUNT_HW_CACHE_L1D, PERF_COUNT_HW_CACHE_OP_READ, PERF_COUNT_HW_CACHE_RESULT_MISS},
    {"L1-dcache-stores", PERF_COUNT_HW_CACHE_L1D, PERF_COUNT_HW_CACHE_OP_WRITE, PERF_COUNT_HW_CACHE_RESULT_ACCESS},
    {"L1-icache-load-misses", PERF_COUNT_HW_CACHE_L1I, PERF_COUNT_HW_CACHE_OP_READ, PERF_COUNT_HW_CACHE_RESULT_MISS},
    {"LLC-loads", PERF_COUNT_HW_CACHE_LL, PERF_COUNT_HW_CACHE_OP_READ, PERF_COUNT_HW_CACHE_RESULT_ACCESS},
    {"LLC-load-misses", PERF_COUNT_HW_CACHE_LL, PERF_COUNT_HW_CACHE_OP_READ, PERF_COUNT_HW_CACHE_RESULT_MISS},
    {"LLC-stores", PERF_COUNT_HW_CACHE_LL, PERF_COUNT_HW_CACHE_OP_WRITE, PERF_COUNT_HW_CACHE_RESULT_ACCESS},
    {"LLC-store-misses", PERF_COUNT_HW_CACHE_LL, PERF_COUNT_HW_CACHE_OP_WRITE, PERF_COUNT_HW_CACHE_RESULT_MISS},
    {"dTLB-loads", PERF_COUNT_HW_CACHE_DTLB, PERF_COUNT_HW_CACHE_OP_READ, PERF_COUNT_HW_CACHE_RESULT_ACCESS},
    {"dTLB-load-misses", PERF_COUNT_HW_CACHE_DTLB, PERF_COUNT_HW_CACHE_OP_READ, PERF_COUNT_HW_CACHE_RESULT_MISS},
    {"iTLB-load-misses", PERF_COUNT_HW_CACHE_ITLB, PERF_COUNT_HW_CACHE_OP_READ, PERF_COUNT_HW_CACHE_RESULT_MISS},
    {"branch-loads", PERF_COUNT_HW_CACHE_BPU, PERF_COUNT_HW_CACHE_OP_READ, PERF_COUNT_HW_CACHE_RESULT_ACCESS},
    {"branch-load-misses", PERF_COUNT_HW_CACHE_BPU, PERF_COUNT_HW_CACHE_OP_READ, PERF_COUNT_HW_CACHE_RESULT_MISS},
};

bool IsDirectory(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

}  // namespace

const char* EventKindName(EventKind kind) {
  switch (kind) {
    case EventKind::Hardware: return "hardware";
    case EventKind::HardwareCache: return "hardware-cache";
    case EventKind::Software: return "software";
    case EventKind::Tracepoint: return "tracepoint";
    case EventKind::Raw: return "raw";
  }
  return "unknown";
}

std::vector<EventSpec> NamedEvents() {
  std::vector<EventSpec> out;
  for (const auto& e : kHardware) out.push_back({e.name, EventKind::Hardware, PERF_TYPE_HARDWARE, e.config});
  for (const auto& e : kCache) {
    uint64_t config = e.cache | (static_cast<uint64_t>(e.op) << 8) | (static_cast<uint64_t>(e.result) << 16);
    out.push_back({e.name, EventKind::HardwareCache, PERF_TYPE_HW_CACHE, config});
  }
  for (const auto& e : kSoftware) out.push_back({e.name, EventKind::Software, PERF_TYPE_SOFTWARE, e.config});
  return out;
}

std::string TracefsRoot() {
  // /sys/kernel/tracing is the modern mount; debugfs's copy is the fallback on older systems.
  for (const char* root : {"/sys/kernel/tracing", "/sys/kernel/debug/tracing"}) {
    if (IsDirectory(std::string(root) + "/events")) return root;
  }
  return "";
}

bool ResolveEvent(const std::string& name, EventSpec* out, std::string* code, std::string* message) {
  for (const auto& e : NamedEvents()) {
    if (e.name == name) {
      *out = e;
      return true;
    }
  }
  auto colon = name.find(':');
  if (colon != std::string::npos) {
    std::string category = name.substr(0, colon), event = name.substr(colon + 1);
    if (category.empty() || event.empty() || event.find('/') != std::string::npos ||
        category.find('/') != std::string::npos || category == ".." || event == "..") {
      *code = "UNKNOWN_EVENT";
      *message = "tracepoint \"" + name + "\" is not of the form category:name";
      return false;
    }
    std::string root = TracefsRoot();
    if (root.empty()) {
      *code = "NO_TRACEFS";
      *message = "tracepoint \"" + name +
                 "\" needs tracefs, which is not mounted (as root: mount -t tracefs nodev /sys/kernel/tracing)";
      return false;
    }
    std::ifstream id_file(root + "/events/" + category + "/" + event + "/id");
    unsigned long long id = 0;
    if (!(id_file >> id)) {
      *code = "UNKNOWN_TRACEPOINT";
      *message = "no tracepoint \"" + name + "\" under " + root + "/events (see: ls " + root + "/events/" +
                 category + ")";
      return false;
    }
    *out = {name, EventKind::Tracepoint, PERF_TYPE_TRACEPOINT, id};
    return true;
  }
  if (name.size() > 1 && name[0] == 'r') {
    char* end = nullptr;
    unsigned long long config = std::strtoull(name.c_str() + 1, &end, 16);
    if (end != nullptr && *end == '\0' && name.size() <= 17) {
      *out = {name, EventKind::Raw, PERF_TYPE_RAW, config};
      return true;
    }
    *code = "BAD_RAW_EVENT";
    *message = "raw event \"" + name + "\" must be r followed by 1-16 hex digits";
    return false;
  }
  *code = "UNKNOWN_EVENT";
  *message = "unknown event \"" + name + "\"";
  return false;
}

}  // namespace prtip
