#include "perf_group.h"

#include <linux/perf_event.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>

namespace prtip {
namespace {

constexpr uint64_t kReadFormat =
    PERF_FORMAT_GROUP | PERF_FORMAT_ID | PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;

int PerfEventOpen(perf_event_attr* attr, pid_t pid, int cpu, int group_fd) {
  return static_cast<int>(syscall(SYS_perf_event_open, attr, pid, cpu, group_fd, PERF_FLAG_FD_CLOEXEC));
}

bool HasCapability(int cap) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("CapEff:", 0) == 0) {
      unsigned long long mask = std::stoull(line.substr(7), nullptr, 16);
      return (mask >> cap) & 1ull;
    }
  }
  return false;
}

// A zeroed attribute for the event, everything else left to the caller.
perf_event_attr AttrFor(const EventSpec& spec) {
  perf_event_attr attr;
  std::memset(&attr, 0, sizeof(attr));
  attr.size = sizeof(attr);
  attr.type = spec.type;
  attr.config = spec.config;
  return attr;
}

// Closing the last perf event on a tracepoint unregisters its probe, and registering one
// again waits out an RCU grace period (tens of ms each on a VM; nine syscall tracepoints made
// every counted child run ~340 ms slower). So the first time this process uses a tracepoint,
// one disabled event on it is opened and never closed: the probe stays registered and every
// later group with that tracepoint opens and closes in microseconds. A disabled event counts
// nothing; the cost is that the tracepoint stays switched on (a branch and an empty-list check
// per hit, machine-wide) until this process exits.
void KeepTracepointRegistered(const EventSpec& spec) {
  static std::mutex mutex;
  static std::set<uint64_t> kept;  // tracepoint ids
  std::lock_guard<std::mutex> lock(mutex);
  if (kept.count(spec.config) != 0) return;
  perf_event_attr attr = AttrFor(spec);
  attr.disabled = 1;
  // If this cannot open, the group's own open fails the same way and reports why.
  if (PerfEventOpen(&attr, 0, -1, -1) >= 0) kept.insert(spec.config);
}

}  // namespace

Privileges CurrentPrivileges() {
  Privileges p;
  std::ifstream paranoid("/proc/sys/kernel/perf_event_paranoid");
  if (!(paranoid >> p.paranoid)) p.paranoid = 2;
  constexpr int kCapSysAdmin = 21, kCapPerfmon = 38;
  p.privileged = geteuid() == 0 || HasCapability(kCapPerfmon) || HasCapability(kCapSysAdmin);
  // paranoid <= 1 lets any process count kernel work on its own tasks.
  p.count_kernel = p.privileged || p.paranoid <= 1;
  return p;
}

std::string ReasonForErrno(int err, const EventSpec& spec, const Privileges& privileges) {
  std::ostringstream out;
  switch (err) {
    case ENOENT:
    case EOPNOTSUPP:
      if (spec.kind == EventKind::Hardware || spec.kind == EventKind::HardwareCache || spec.kind == EventKind::Raw) {
        out << "no PMU for this event here (a VM without a virtual PMU? dmesg says \"software events only\")";
      } else {
        out << "the kernel does not support this event here";
      }
      break;
    case EACCES:
    case EPERM:
      out << "not permitted: kernel.perf_event_paranoid is " << privileges.paranoid
          << "; run as root, grant CAP_PERFMON (setcap cap_perfmon+ep $(which node)), or lower it with "
             "sysctl -w kernel.perf_event_paranoid=1 (tracepoints need -1 or CAP_PERFMON)";
      break;
    case EMFILE:
    case ENFILE:
      out << "out of file descriptors (one per counter): raise the limit with ulimit -n";
      break;
    case EINVAL:
      out << "the kernel rejected the event's attributes (bad config for this CPU or kernel)";
      break;
    case ENODEV:
      out << "this CPU has no such event";
      break;
    case E2BIG:
      out << "perf_event_attr size not understood by this kernel";
      break;
    case ESRCH:
      out << "the target task no longer exists";
      break;
    default:
      out << "perf_event_open failed: " << std::strerror(err);
  }
  return out.str();
}

void PerfGroup::Open(const std::vector<EventSpec>& specs, const GroupOptions& options) {
  Close();
  counters_.clear();
  Privileges privileges = CurrentPrivileges();
  exclude_kernel_ = options.exclude_kernel < 0 ? !privileges.count_kernel : options.exclude_kernel != 0;

  for (const auto& spec : specs) {
    Counter counter;
    counter.spec = spec;
    if (!spec.unavailable.empty()) {
      // Not resolvable here (a tracepoint without tracefs): the kernel would say ENOENT
      // for its id file; the reason says which mount is missing and how to add it.
      counter.err = ENOENT;
      counter.reason = spec.unavailable;
      counters_.push_back(std::move(counter));
      continue;
    }
    if (spec.exclude_user && exclude_kernel_) {
      // ":k" asks for kernel work only, which this process may not count: say so, not zero.
      counter.err = EACCES;
      counter.reason = "\":k\" counts kernel work only, which is excluded here: " + ReasonForErrno(EACCES, spec, privileges);
      counters_.push_back(std::move(counter));
      continue;
    }
    if (spec.kind == EventKind::Tracepoint) KeepTracepointRegistered(spec);
    perf_event_attr attr = AttrFor(spec);
    attr.read_format = kReadFormat;
    attr.inherit = options.inherit ? 1 : 0;
    attr.exclude_kernel = exclude_kernel_ || spec.exclude_kernel ? 1 : 0;
    attr.exclude_user = spec.exclude_user ? 1 : 0;
    // As perf does: a :u or :k modifier also leaves out the hypervisor.
    attr.exclude_hv = exclude_kernel_ || spec.exclude_kernel || spec.exclude_user ? 1 : 0;
    bool is_leader = leader_fd_ < 0;
    if (is_leader) {
      // Members follow the leader; starting disabled keeps set-up out of the counts.
      attr.disabled = 1;
      attr.enable_on_exec = options.enable_on_exec ? 1 : 0;
    }
    int fd = PerfEventOpen(&attr, options.pid, options.cpu, is_leader ? -1 : leader_fd_);
    if (fd < 0) {
      counter.err = errno;
      counter.reason = ReasonForErrno(counter.err, spec, privileges);
      bool on_pmu = spec.kind == EventKind::Hardware || spec.kind == EventKind::HardwareCache || spec.kind == EventKind::Raw;
      if (counter.err == EINVAL && on_pmu && !is_leader) {
        // x86 and arm PMUs validate that the whole group fits their counters when a member is added.
        counter.reason = "the PMU cannot count this many hardware events in one group: open fewer at once";
      }
    } else {
      counter.fd = fd;
      if (ioctl(fd, PERF_EVENT_IOC_ID, &counter.id) != 0) {
        counter.err = errno;
        counter.reason = "PERF_EVENT_IOC_ID failed: " + std::string(std::strerror(counter.err));
        if (is_leader) {
          close(fd);
          counter.fd = -1;
        } else {
          // A member fd must stay open until the group is closed, but it is not counted.
          counter.id = ~0ull;
        }
      } else if (is_leader) {
        leader_fd_ = fd;
      }
    }
    counters_.push_back(std::move(counter));
  }
  read_buf_.assign(3 + 2 * counters_.size(), 0);
  // The kernel returns the leader, then the members in the order they joined.
  slot_of_.clear();
  ids_in_order_.clear();
  for (size_t i = 0; i < counters_.size(); ++i) {
    if (counters_[i].fd >= 0) {
      slot_of_.push_back(counters_[i].err == 0 ? static_cast<int>(i) : -1);
      ids_in_order_.push_back(counters_[i].id);
    }
  }
}

size_t PerfGroup::opened() const {
  size_t n = 0;
  for (const auto& c : counters_) n += c.fd >= 0 && c.err == 0;
  return n;
}

// Only the leader is toggled: members were opened enabled, and a group whose leader
// is off is never scheduled, so they stop and start with it. PERF_IOC_FLAG_GROUP
// would instead make one cross-call per member (measured: +0.8 us per event here).
int PerfGroup::Enable() {
  if (leader_fd_ < 0) return 0;
  return ioctl(leader_fd_, PERF_EVENT_IOC_ENABLE, 0) == 0 ? 0 : errno;
}

int PerfGroup::Disable() {
  if (leader_fd_ < 0) return 0;
  return ioctl(leader_fd_, PERF_EVENT_IOC_DISABLE, 0) == 0 ? 0 : errno;
}

int PerfGroup::Reset() {
  if (leader_fd_ < 0) return 0;
  return ioctl(leader_fd_, PERF_EVENT_IOC_RESET, PERF_IOC_FLAG_GROUP) == 0 ? 0 : errno;
}

int PerfGroup::Read(uint64_t* time_enabled, uint64_t* time_running, uint64_t* values) {
  for (size_t i = 0; i < counters_.size(); ++i) values[i] = 0;
  *time_enabled = *time_running = 0;
  if (leader_fd_ < 0) return 0;
  ssize_t want = static_cast<ssize_t>(read_buf_.size() * sizeof(uint64_t));
  ssize_t got = read(leader_fd_, read_buf_.data(), want);
  if (got < 0) return errno;
  if (got < static_cast<ssize_t>(3 * sizeof(uint64_t))) return EIO;
  uint64_t nr = read_buf_[0];
  *time_enabled = read_buf_[1];
  *time_running = read_buf_[2];
  for (uint64_t k = 0; k < nr && 3 + 2 * k + 1 < read_buf_.size(); ++k) {
    uint64_t value = read_buf_[3 + 2 * k], id = read_buf_[3 + 2 * k + 1];
    for (size_t i = 0; i < counters_.size(); ++i) {
      if (counters_[i].err == 0 && counters_[i].fd >= 0 && counters_[i].id == id) {
        values[i] = value;
        break;
      }
    }
  }
  return 0;
}

int PerfGroup::ReferenceReadLoop(uint64_t iterations) {
  if (leader_fd_ < 0) return 0;
  const size_t bytes = read_buf_.size() * sizeof(uint64_t);
  for (uint64_t i = 0; i < iterations; ++i) {
    if (read(leader_fd_, read_buf_.data(), bytes) < 0) return errno;
  }
  return 0;
}

int PerfGroup::ReferenceBracketLoop(uint64_t iterations) {
  if (leader_fd_ < 0) return 0;
  const size_t bytes = read_buf_.size() * sizeof(uint64_t);
  for (uint64_t i = 0; i < iterations; ++i) {
    if (ioctl(leader_fd_, PERF_EVENT_IOC_ENABLE, 0) != 0) return errno;
    if (read(leader_fd_, read_buf_.data(), bytes) < 0) return errno;
    if (ioctl(leader_fd_, PERF_EVENT_IOC_DISABLE, 0) != 0) return errno;
  }
  return 0;
}

int PerfGroup::ReadInto(double* out) {
  const size_t n = counters_.size();
  for (size_t i = 0; i < n + 2; ++i) out[i] = 0;
  if (leader_fd_ < 0) return 0;
  ssize_t want = static_cast<ssize_t>(read_buf_.size() * sizeof(uint64_t));
  ssize_t got = read(leader_fd_, read_buf_.data(), want);
  if (got < 0) return errno;
  if (got < static_cast<ssize_t>(3 * sizeof(uint64_t))) return EIO;
  const uint64_t nr = read_buf_[0];
  out[0] = static_cast<double>(read_buf_[1]);
  out[1] = static_cast<double>(read_buf_[2]);
  for (uint64_t k = 0; k < nr && 3 + 2 * k + 1 < read_buf_.size(); ++k) {
    const uint64_t value = read_buf_[3 + 2 * k], id = read_buf_[3 + 2 * k + 1];
    if (k < ids_in_order_.size() && ids_in_order_[k] == id) {
      if (slot_of_[k] >= 0) out[2 + slot_of_[k]] = static_cast<double>(value);
      continue;
    }
    for (size_t i = 0; i < n; ++i) {
      if (counters_[i].err == 0 && counters_[i].fd >= 0 && counters_[i].id == id) {
        out[2 + i] = static_cast<double>(value);
        break;
      }
    }
  }
  return 0;
}

void PerfGroup::Close() {
  // Members first, leader last: closing the leader first would orphan the members into singleton groups.
  for (auto it = counters_.rbegin(); it != counters_.rend(); ++it) {
    if (it->fd >= 0 && it->fd != leader_fd_) close(it->fd);
    if (it->fd != leader_fd_) it->fd = -1;
  }
  if (leader_fd_ >= 0) close(leader_fd_);
  for (auto& c : counters_) c.fd = -1;
  leader_fd_ = -1;
}

}  // namespace prtip
