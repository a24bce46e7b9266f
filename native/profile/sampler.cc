#include "sampler.h"

#include <linux/perf_event.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "../counters/perf_group.h"

namespace prtip {
namespace {

// 128 data pages (512 KiB) + the header page: exactly kernel.perf_event_mlock_kb's default
// (516), so an unprivileged user can map it too. At 1 kHz with deep stacks a thread writes
// ~1 MB/s; the run's thread drains it on a timer (drain_interval_ns).
constexpr size_t kDataPages = 128;
// Bounds on one profile, so a long run cannot exhaust memory: 4M samples (over an hour of
// one thread at 1 kHz) and 64M frames (512 MiB). Records past them are counted in `truncated`.
constexpr size_t kMaxSamples = 4u << 20;
constexpr size_t kMaxFrames = 64u << 20;
constexpr size_t kMaxComms = 1u << 16;
constexpr size_t kMaxMappings = 1u << 20;

int PerfEventOpen(perf_event_attr* attr, pid_t pid, int cpu) {
  return static_cast<int>(syscall(SYS_perf_event_open, attr, pid, cpu, -1, PERF_FLAG_FD_CLOEXEC));
}

// The online CPUs, from /sys/devices/system/cpu/online ("0-3,6"); {0..n-1} from sysconf if unreadable.
std::vector<int> OnlineCpus() {
  std::vector<int> cpus;
  std::ifstream in("/sys/devices/system/cpu/online");
  std::string list;
  if (std::getline(in, list)) {
    std::stringstream ranges(list);
    std::string range;
    while (std::getline(ranges, range, ',')) {
      int lo = -1, hi = -1;
      if (std::sscanf(range.c_str(), "%d-%d", &lo, &hi) == 2) {
        for (int c = lo; c <= hi && c >= 0 && c < 65536; ++c) cpus.push_back(c);
      } else if (std::sscanf(range.c_str(), "%d", &lo) == 1 && lo >= 0) {
        cpus.push_back(lo);
      }
    }
  }
  if (cpus.empty()) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    for (int c = 0; c < (n > 0 ? n : 1); ++c) cpus.push_back(c);
  }
  return cpus;
}

int ReadIntFile(const char* path, int fallback) {
  std::ifstream in(path);
  int v = fallback;
  if (!(in >> v)) return fallback;
  return v;
}

// Why kernel frames are missing (exclude_kernel), or what will keep them from being named.
std::string KernelFramesNote(bool excluded, const Privileges& privileges) {
  std::ostringstream out;
  if (excluded) {
    out << "kernel frames are not recorded: kernel.perf_event_paranoid is " << privileges.paranoid
        << " and this process is not privileged; samples in the kernel are dropped by the kernel, so the shares "
           "are of user-space time only. Run as root, grant CAP_PERFMON, or sysctl -w kernel.perf_event_paranoid=1";
    return out.str();
  }
  int kptr = ReadIntFile("/proc/sys/kernel/kptr_restrict", 0);
  if (kptr >= 2 || (kptr == 1 && !privileges.privileged)) {
    out << "kernel frames are recorded, but kernel.kptr_restrict is " << kptr
        << ", so /proc/kallsyms shows zero addresses to this process and kernel functions cannot be named "
           "(sysctl -w kernel.kptr_restrict=0, or run as root with kptr_restrict 1)";
  }
  return out.str();
}

}  // namespace

uint64_t MaxSampleRate() {
  std::ifstream in("/proc/sys/kernel/perf_event_max_sample_rate");
  unsigned long long v = 0;
  if (!(in >> v)) return 0;
  return v;
}

bool Sampler::Open(const SamplerRequest& request, pid_t pid, int* err, std::string* reason) {
  Close();
  data_ = ProfileData();
  side_band_.clear();
  *err = 0;
  Privileges privileges = CurrentPrivileges();
  bool exclude_kernel = !privileges.count_kernel;
  if (!request.event.unavailable.empty()) {
    *err = ENOENT;
    *reason = request.event.unavailable;
    return false;
  }
  perf_event_attr attr;
  std::memset(&attr, 0, sizeof(attr));
  attr.size = sizeof(attr);
  attr.type = request.event.type;
  attr.config = request.event.config;
  attr.freq = 1;
  attr.sample_freq = request.frequency_hz;
  attr.disabled = 1;
  attr.enable_on_exec = 1;
  attr.inherit = 1;
  if (request.record) {
    attr.sample_type = PERF_SAMPLE_IP | PERF_SAMPLE_TID | PERF_SAMPLE_TIME | PERF_SAMPLE_CALLCHAIN;
    attr.sample_id_all = 1;  // side-band records end with {pid, tid, time}: they can be put in order
    attr.mmap = 1;           // executable mappings...
    attr.mmap2 = 1;          // ...as MMAP2 (with inode and prot)
    attr.comm = 1;
    attr.comm_exec = 1;
    attr.task = 1;  // FORK/EXIT: a forked process inherits its parent's mappings without MMAP records
  } else {
    // The overflow still runs at every period; with no ring mapped its output is refused at once.
    attr.sample_type = PERF_SAMPLE_IP;
  }
  attr.exclude_kernel = exclude_kernel ? 1 : 0;
  attr.exclude_hv = 1;
  attr.exclude_callchain_kernel = exclude_kernel ? 1 : 0;
  if (request.event.type == PERF_TYPE_TRACEPOINT) {
    // A tracepoint has no frequency: every hit is a sample.
    attr.freq = 0;
    attr.sample_period = 1;
  } else if (request.event.type == PERF_TYPE_SOFTWARE &&
             (request.event.config == PERF_COUNT_SW_CPU_CLOCK || request.event.config == PERF_COUNT_SW_TASK_CLOCK)) {
    // These count nanoseconds, so a fixed period of 1e9/HZ is exactly the frequency asked for;
    // in frequency mode the kernel re-estimates the period at every tick and every sample.
    attr.freq = 0;
    attr.sample_period = std::max<uint64_t>(1, 1'000'000'000ull / request.frequency_hz);
  }
  size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  data_bytes_ = kDataPages * page;
  ring_bytes_ = data_bytes_ + page;
  // Every CPU's event asks for side-band records: the kernel writes each one only to the
  // event of the CPU the task is on when it happens.
  for (int cpu : OnlineCpus()) {
    Ring ring;
    ring.fd = PerfEventOpen(&attr, pid, cpu);
    if (ring.fd < 0) {
      *err = errno;
      if (*err == EINVAL && request.frequency_hz > MaxSampleRate()) {
        *reason = "frequency " + std::to_string(request.frequency_hz) + " Hz is above kernel.perf_event_max_sample_rate (" +
                  std::to_string(MaxSampleRate()) + ")";
      } else {
        *reason = ReasonForErrno(*err, request.event, privileges);
      }
      Close();
      return false;
    }
    if (!request.record) {
      rings_.push_back(ring);
      continue;
    }
    ring.base = mmap(nullptr, ring_bytes_, PROT_READ | PROT_WRITE, MAP_SHARED, ring.fd, 0);
    if (ring.base == MAP_FAILED) {
      *err = errno;
      *reason = std::string("cannot map the sample ring buffer of CPU ") + std::to_string(cpu) + " (" + std::strerror(*err) +
                "): kernel.perf_event_mlock_kb (516 KiB per CPU by default) may be exhausted for this user; raise it or run as root";
      close(ring.fd);
      Close();
      return false;
    }
    rings_.push_back(ring);
  }
  double seconds = static_cast<double>(data_bytes_) / 8.0 / (static_cast<double>(request.frequency_hz) * 1024.0);
  drain_interval_ns_ = static_cast<uint64_t>(std::clamp(seconds, 0.005, 0.1) * 1e9);
  record_ = request.record;
  data_.kernel_frames_available = !exclude_kernel;
  data_.kernel_frames_reason = KernelFramesNote(exclude_kernel, privileges);
  return true;
}

void Sampler::Consume(const uint8_t* r, uint16_t type, uint16_t misc, size_t size) {
  const uint8_t* end = r + size;
  const uint8_t* p = r + sizeof(perf_event_header);
  auto u32 = [&](uint32_t* out) {
    if (p + 4 > end) return false;
    std::memcpy(out, p, 4);
    p += 4;
    return true;
  };
  auto u64 = [&](uint64_t* out) {
    if (p + 8 > end) return false;
    std::memcpy(out, p, 8);
    p += 8;
    return true;
  };
  // A side-band record's time: the last 8 bytes (sample_id_all with TID|TIME appends {pid, tid, time}).
  auto trailer_time = [&]() {
    uint64_t t = 0;
    if (size >= sizeof(perf_event_header) + 16) std::memcpy(&t, end - 8, 8);
    return t;
  };
  // A NUL-terminated string in the rest of the record (before the 16-byte trailer).
  auto text = [&]() {
    size_t room = static_cast<size_t>(end - p);
    room = room > 16 ? room - 16 : room;
    const char* c = reinterpret_cast<const char*>(p);
    return std::string(c, strnlen(c, room));
  };
  switch (type) {
    case PERF_RECORD_SAMPLE: {
      uint64_t ip = 0, time = 0, nr = 0;
      uint32_t pid = 0, tid = 0;
      if (!u64(&ip) || !u32(&pid) || !u32(&tid) || !u64(&time) || !u64(&nr)) return;
      if (nr > static_cast<uint64_t>(end - p) / 8) return;  // garbled: never read past the record
      if (data_.pid.size() >= kMaxSamples || data_.frames.size() + nr + 1 > kMaxFrames) {
        ++data_.truncated;
        return;
      }
      uint32_t begin = static_cast<uint32_t>(data_.frames.size());
      uint32_t kernel = 0;
      bool in_kernel = false;
      for (uint64_t i = 0; i < nr; ++i) {
        uint64_t a;
        std::memcpy(&a, p + 8 * i, 8);
        if (a >= PERF_CONTEXT_MAX) {  // a PERF_CONTEXT_* marker: the frames after it are in that context
          in_kernel = a == PERF_CONTEXT_KERNEL;
          continue;
        }
        data_.frames.push_back(a);
        if (in_kernel) ++kernel;
      }
      // The chain starts with the sample's ip; without a chain (or with kernel frames
      // excluded from it) the ip is the leaf.
      bool ip_in_kernel = (misc & PERF_RECORD_MISC_CPUMODE_MASK) == PERF_RECORD_MISC_KERNEL;
      if (data_.frames.size() == begin || data_.frames[begin] != ip) {
        data_.frames.insert(data_.frames.begin() + begin, ip);
        if (ip_in_kernel) ++kernel;
      }
      data_.pid.push_back(pid);
      data_.tid.push_back(tid);
      data_.time_ns.push_back(time);
      data_.frame_begin.push_back(begin);
      data_.frame_count.push_back(static_cast<uint32_t>(data_.frames.size() - begin));
      data_.kernel_frames.push_back(kernel);
      return;
    }
    case PERF_RECORD_MMAP2: {
      SideBand sb{trailer_time(), type, 0, 0, 0, 0, 0, 0, {}};
      uint32_t maj, min, prot, flags;
      uint64_t ino, gen;
      if (!u32(&sb.pid) || !u32(&sb.tid) || !u64(&sb.start) || !u64(&sb.len) || !u64(&sb.pgoff) || !u32(&maj) ||
          !u32(&min) || !u64(&ino) || !u64(&gen) || !u32(&prot) || !u32(&flags)) {
        return;
      }
      sb.text = text();
      side_band_.push_back(std::move(sb));
      return;
    }
    case PERF_RECORD_COMM: {
      SideBand sb{trailer_time(), type, 0, 0, 0, 0, 0, 0, {}};
      if (!u32(&sb.pid) || !u32(&sb.tid)) return;
      sb.text = text();
      side_band_.push_back(std::move(sb));
      return;
    }
    case PERF_RECORD_FORK: {
      SideBand sb{trailer_time(), type, 0, 0, 0, 0, 0, 0, {}};
      uint32_t ptid = 0;
      if (!u32(&sb.pid) || !u32(&sb.ppid) || !u32(&sb.tid) || !u32(&ptid)) return;
      if (sb.pid == sb.ppid) return;  // a new thread shares its process's mappings
      side_band_.push_back(std::move(sb));
      return;
    }
    case PERF_RECORD_LOST: {
      uint64_t id = 0, lost = 0;
      if (u64(&id) && u64(&lost)) data_.lost += lost;
      return;
    }
    case PERF_RECORD_LOST_SAMPLES: {
      uint64_t lost = 0;
      if (u64(&lost)) data_.lost_samples += lost;
      return;
    }
    case PERF_RECORD_THROTTLE:
      ++data_.throttles;
      return;
    default:
      return;  // EXIT, UNTHROTTLE and others carry nothing the profile uses
  }
}

void Sampler::ApplySideBand() {
  std::stable_sort(side_band_.begin(), side_band_.end(), [](const SideBand& a, const SideBand& b) { return a.time < b.time; });
  for (SideBand& sb : side_band_) {
    switch (sb.type) {
      case PERF_RECORD_MMAP2:
        if (data_.mappings.size() >= kMaxMappings) {
          ++data_.truncated;
          break;
        }
        data_.mappings.push_back({sb.pid, sb.start, sb.start + sb.len, sb.pgoff, std::move(sb.text)});
        break;
      case PERF_RECORD_COMM:
        if (data_.comms.size() >= kMaxComms) {
          ++data_.truncated;
          break;
        }
        data_.comms.push_back({sb.pid, sb.tid, std::move(sb.text)});
        break;
      case PERF_RECORD_FORK: {
        // A new process starts with a copy of its parent's address space: the parent's
        // mappings so far, now under the child's pid.
        size_t n = data_.mappings.size();
        for (size_t i = 0; i < n; ++i) {
          if (data_.mappings[i].pid != sb.ppid) continue;
          if (data_.mappings.size() >= kMaxMappings) {
            ++data_.truncated;
            break;
          }
          ProfileMappingRecord copy = data_.mappings[i];
          copy.pid = sb.pid;
          data_.mappings.push_back(std::move(copy));
        }
        break;
      }
      default:
        break;
    }
  }
  side_band_.clear();
}

void Sampler::DrainRing(Ring& ring) {
  if (ring.base == nullptr) return;
  auto* meta = static_cast<perf_event_mmap_page*>(ring.base);
  const uint8_t* base = static_cast<const uint8_t*>(ring.base) + (ring_bytes_ - data_bytes_);
  // The kernel publishes data_head after writing the records (a release store); the load
  // with acquire orders our reads of the records after it. Storing data_tail with release
  // tells the kernel the space is free only after we finished reading it.
  uint64_t head = __atomic_load_n(&meta->data_head, __ATOMIC_ACQUIRE);
  uint64_t tail = meta->data_tail;
  while (tail + sizeof(perf_event_header) <= head) {
    size_t off = static_cast<size_t>(tail % data_bytes_);
    perf_event_header h;
    if (off + sizeof(h) <= data_bytes_) {
      std::memcpy(&h, base + off, sizeof(h));
    } else {
      size_t first = data_bytes_ - off;
      std::memcpy(&h, base + off, first);
      std::memcpy(reinterpret_cast<uint8_t*>(&h) + first, base, sizeof(h) - first);
    }
    if (h.size < sizeof(h) || tail + h.size > head) break;  // 0 would loop forever; a partial one waits
    const uint8_t* record = base + off;
    if (off + h.size > data_bytes_) {
      // The record wraps the end of the ring: copy it whole.
      scratch_.resize(h.size);
      size_t first = data_bytes_ - off;
      std::memcpy(scratch_.data(), base + off, first);
      std::memcpy(scratch_.data() + first, base, h.size - first);
      record = scratch_.data();
    }
    Consume(record, h.type, h.misc, h.size);
    tail += h.size;
  }
  __atomic_store_n(&meta->data_tail, tail, __ATOMIC_RELEASE);
}

void Sampler::Drain() {
  for (Ring& ring : rings_) DrainRing(ring);
}

void Sampler::Close() {
  for (Ring& ring : rings_) ioctl(ring.fd, PERF_EVENT_IOC_DISABLE, 0);
  Drain();
  for (Ring& ring : rings_) {
    // The event's count, its inherited children's included: against the sample count it
    // shows whether the event really ran as long as the program did (and fired period by period).
    uint64_t count = 0;
    if (read(ring.fd, &count, sizeof(count)) == static_cast<ssize_t>(sizeof(count))) data_.event_count += count;
    if (ring.base != nullptr) munmap(ring.base, ring_bytes_);
    close(ring.fd);
  }
  rings_.clear();
  ApplySideBand();
}

}  // namespace prtip
