// A sampling perf event on a child process: PERF_SAMPLE_IP|TID|TIME|CALLCHAIN into mmap
// ring buffers, with the side-band records that turn addresses into places (MMAP2 for the
// executable mappings, COMM for names, FORK so a forked process inherits its parent's
// mappings) and LOST counts. Opened on the child before it execs (enable_on_exec, inherit
// to its threads and children), drained by the run's thread while it runs and once more
// after it ends. Plain data in and out (no N-API here).
//
// One event and ring per online CPU, as perf record does: the kernel refuses to mmap an
// inherited per-task event that follows the task across CPUs (cpu == -1), since all its
// children would write one ring. Rings are drained in turn, so side-band records (whose
// order matters: a fork copies the mappings its parent had) are kept with their times and
// applied in time order when the sampler closes.
#pragma once
#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "../counters/events.h"

namespace prtip {

struct SamplerRequest {
  EventSpec event;
  uint64_t frequency_hz = 1000;
  // false: the same events fire at the same rate on the same threads but record nothing
  // (no ring, no side-band records). Beside a recording run, this separates what the
  // sampling interrupt itself costs the program (a machine's, or a VM's, price) from what
  // recording the samples adds.
  bool record = true;
};

struct ProfileMappingRecord {
  uint32_t pid;
  uint64_t start, end, pgoff;
  std::string filename;
};

struct ProfileCommRecord {
  uint32_t pid, tid;
  std::string comm;
};

// Everything read from the ring. Samples are stored flat: sample i's frames are
// frames[frame_begin[i] .. frame_begin[i] + frame_count[i]), leaf first, markers removed.
struct ProfileData {
  std::vector<uint32_t> pid, tid;
  std::vector<uint64_t> time_ns;
  std::vector<uint32_t> frame_begin, frame_count, kernel_frames;
  std::vector<uint64_t> frames;
  std::vector<ProfileMappingRecord> mappings;
  std::vector<ProfileCommRecord> comms;
  uint64_t lost = 0;          // PERF_RECORD_LOST: records the kernel dropped (ring full)
  uint64_t lost_samples = 0;  // PERF_RECORD_LOST_SAMPLES: samples dropped before reaching the ring
  uint64_t throttles = 0;     // PERF_RECORD_THROTTLE: times the kernel throttled the event (too many samples)
  uint64_t truncated = 0;     // records skipped because this profile reached its size bound
  uint64_t event_count = 0;   // the events' own count at the end (for cpu-clock: ns of CPU they were armed for), all CPUs
  bool kernel_frames_available = false;
  std::string kernel_frames_reason;  // why kernel frames are missing, or what limits naming them
};

class Sampler {
 public:
  Sampler() = default;
  Sampler(const Sampler&) = delete;
  Sampler& operator=(const Sampler&) = delete;
  ~Sampler() { Close(); }

  // Opens the event on pid (disabled until its next execve) and maps its ring. On failure
  // returns false with *err (errno) and *reason (for people); nothing stays open.
  bool Open(const SamplerRequest& request, pid_t pid, int* err, std::string* reason);
  bool active() const { return !rings_.empty(); }
  bool recording() const { return active() && record_; }
  // How often the run's thread should drain: a ring takes an eighth of its size between
  // drains at 1 KiB per sample (deep stacks), from 5 ms to 100 ms. Rarely, since every wakeup
  // of the run's thread on a busy machine can preempt the sampled program.
  uint64_t drain_interval_ns() const { return drain_interval_ns_; }
  // Moves every complete record from the rings into data(). Safe to call any time.
  void Drain();
  // Drains, unmaps, closes, and applies the side-band records in time order. Idempotent.
  void Close();
  ProfileData& data() { return data_; }

 private:
  struct Ring {
    int fd = -1;
    void* base = nullptr;  // header page + data; nullptr when the sampler records nothing
  };
  // A MMAP2 / COMM / FORK record, kept until Close orders them by time.
  struct SideBand {
    uint64_t time;
    uint16_t type;
    uint32_t pid, tid, ppid;
    uint64_t start, len, pgoff;
    std::string text;  // filename or comm
  };
  void DrainRing(Ring& ring);
  void Consume(const uint8_t* record, uint16_t type, uint16_t misc, size_t size);
  void ApplySideBand();

  std::vector<Ring> rings_;
  size_t ring_bytes_ = 0;  // header page + data
  size_t data_bytes_ = 0;
  uint64_t drain_interval_ns_ = 10000000;
  bool record_ = true;
  std::vector<uint8_t> scratch_;  // a record that wraps the ring's end, copied whole
  std::vector<SideBand> side_band_;
  ProfileData data_;
};

// The kernel's upper bound for sample frequencies (kernel.perf_event_max_sample_rate), 0 if unreadable.
uint64_t MaxSampleRate();

}  // namespace prtip
