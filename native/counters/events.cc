#include "events.h"

#include <cctype>

#include <linux/perf_event.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>

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

constexpr const char* kTracefsMountPoint = "/sys/kernel/tracing";
constexpr const char* kMountFix = "as root: mount -t tracefs nodev /sys/kernel/tracing";

std::string FindTracefs() {
  // /sys/kernel/tracing is the modern mount; debugfs's copy is the fallback on older systems.
  for (const char* root : {kTracefsMountPoint, "/sys/kernel/debug/tracing"}) {
    if (IsDirectory(std::string(root) + "/events")) return root;
  }
  return "";
}

// Why mount(2) of tracefs failed, for people.
std::string CannotMountReason(int err) {
  std::string why;
  switch (err) {
    case EPERM:
    case EACCES:
      why = "this process may not mount it (that needs root or CAP_SYS_ADMIN in its mount namespace)";
      break;
    case ENOENT:
    case ENOTDIR:
      why = std::string("there is no mount point ") + kTracefsMountPoint + " to mount it on";
      break;
    case ENODEV:
      why = "this kernel has no tracefs (built without CONFIG_TRACING)";
      break;
    default:
      why = std::string("mounting it at ") + kTracefsMountPoint + " failed: " + std::strerror(err);
  }
  return "tracefs is not mounted and " + why + "; " + kMountFix;
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

TracefsStatus Tracefs() {
  // One mount attempt per process: a failed one fails the same way again, and a success
  // is visible to every later lookup. The mutex keeps threads (run threads, workers) from
  // racing two mounts onto the same point.
  static std::mutex mutex;
  static bool tried = false;
  static bool mounted_here = false;
  static std::string failure;
  std::lock_guard<std::mutex> lock(mutex);
  TracefsStatus status;
  status.root = FindTracefs();
  if (status.root.empty() && !tried) {
    tried = true;
    // perf mounts tracefs itself when it is missing; do the same, with systemd's flags.
    if (mount("nodev", kTracefsMountPoint, "tracefs", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) == 0) {
      mounted_here = true;
      status.root = FindTracefs();
    } else {
      failure = CannotMountReason(errno);
    }
  }
  if (!status.root.empty()) {
    status.mounted_here = mounted_here && status.root == kTracefsMountPoint;
    if (status.mounted_here) {
      status.note = std::string("tracefs was not mounted; mounted it at ") + kTracefsMountPoint;
    }
  } else {
    // Still none: either the attempt failed, or a mount made by this process has gone since.
    status.note = !failure.empty() ? failure : std::string("tracefs is not mounted; ") + kMountFix;
  }
  return status;
}

std::string TracefsRoot() { return Tracefs().root; }

namespace {

bool IsNamedEvent(const std::string& name) {
  for (const auto& e : NamedEvents()) {
    if (e.name == name) return true;
  }
  return false;
}

bool LooksRaw(const std::string& name) {
  if (name.size() < 2 || name.size() > 17 || name[0] != 'r') return false;
  for (size_t i = 1; i < name.size(); i++) {
    if (!std::isxdigit(static_cast<unsigned char>(name[i]))) return false;
  }
  return true;
}

}  // namespace

bool ResolveEvent(const std::string& name, EventSpec* out, std::string* code, std::string* message) {
  // perf's modifiers after the last colon of a named event, a raw event or a tracepoint
  // ("task-clock:u", "r00c0:k", "raw_syscalls:sys_enter:u"). "category:u" alone stays a
  // tracepoint name: a tracepoint's own colon is not a modifier's.
  auto last = name.rfind(':');
  if (last != std::string::npos && last + 1 < name.size()) {
    std::string base = name.substr(0, last), modifiers = name.substr(last + 1);
    bool base_is_event = IsNamedEvent(base) || LooksRaw(base) || base.find(':') != std::string::npos;
    bool letters = true;
    for (char c : modifiers) letters = letters && std::isalpha(static_cast<unsigned char>(c));
    if (base_is_event && letters) {
      if (modifiers.find_first_not_of("uk") != std::string::npos) {
        *code = "UNKNOWN_EVENT";
        *message = "event \"" + name + "\": modifier \":" + modifiers + "\" is not supported; use :u (user space only) or :k (kernel only)";
        return false;
      }
      if (!ResolveEvent(base, out, code, message)) return false;
      out->name = name;
      out->exclude_kernel = modifiers.find('k') == std::string::npos;
      out->exclude_user = modifiers.find('u') == std::string::npos;
      return true;
    }
  }
  for (const auto& e : NamedEvents()) {
    if (e.name == name) {
      *out = e;
      return true;
    }
  }
  auto colon = name.find(':');
  if (colon != std::string::npos) {
    std::string category = name.substr(0, colon), event = name.substr(colon + 1);
    // Checked by spelling, not only against tracefs: without tracefs a name cannot be looked
    // up, and " : " must still be refused rather than reported as a missing mount.
    auto is_part = [](const std::string& part) {
      if (part.empty() || part[0] == '.') return false;
      for (char c : part) {
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.')) return false;
      }
      return true;
    };
    if (!is_part(category) || !is_part(event)) {
      *code = "UNKNOWN_EVENT";
      *message = "tracepoint \"" + name + "\" is not of the form category:name";
      return false;
    }
    TracefsStatus tracefs = Tracefs();
    const std::string& root = tracefs.root;
    if (root.empty()) {
      // Whether the tracepoint exists cannot be checked without tracefs: the counter is
      // unsupported, with the reason, and the rest of its group still counts.
      *out = {name, EventKind::Tracepoint, PERF_TYPE_TRACEPOINT, 0, "needs tracefs: " + tracefs.note};
      return true;
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
