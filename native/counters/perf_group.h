// A perf_event group: one leader, members added, read with ONE read() per sample.
// Events that will not open are kept in the list with their errno and a reason;
// they never stop the others from being counted.
#pragma once
#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "events.h"

namespace prtip {

struct Privileges {
  int paranoid = 2;         // kernel.perf_event_paranoid, 2 if unreadable
  bool privileged = false;  // root, CAP_PERFMON or CAP_SYS_ADMIN
  bool count_kernel = false;  // may this process count kernel-mode work?
};

Privileges CurrentPrivileges();

struct GroupOptions {
  pid_t pid = 0;  // 0: the calling thread; >0: that task (e.g. a child before exec)
  int cpu = -1;
  bool inherit = false;         // also count threads/children created after opening
  bool enable_on_exec = false;  // start counting at the task's next execve
  int exclude_kernel = -1;      // -1: choose from privileges; 0/1 forces
};

struct Counter {
  EventSpec spec;
  int fd = -1;
  uint64_t id = 0;
  int err = 0;         // perf_event_open's errno; 0 when the counter is open
  std::string reason;  // why it could not be opened, for people
};

class PerfGroup {
 public:
  PerfGroup() = default;
  PerfGroup(const PerfGroup&) = delete;
  PerfGroup& operator=(const PerfGroup&) = delete;
  ~PerfGroup() { Close(); }

  void Open(const std::vector<EventSpec>& specs, const GroupOptions& options);
  // Each returns 0 or an errno. With no open counter they are no-ops.
  int Enable();
  int Disable();
  int Reset();
  // values has one slot per counter (unopened ones are left 0, callers use their state).
  int Read(uint64_t* time_enabled, uint64_t* time_running, uint64_t* values);
  // The same read into out[0] = time enabled, out[1] = time running, out[2 + i] = counter
  // i (size() + 2 doubles): what JS reads into its Float64Array, with no copy between.
  int ReadInto(double* out);
  void Close();

  // The floors Read and an enable/read/disable bracket are judged against: `iterations`
  // bare read() calls of the leader fd into a buffer of the group's size, or bare
  // ioctl(ENABLE) + read() + ioctl(DISABLE), nothing else. 0 or the first errno.
  int ReferenceReadLoop(uint64_t iterations);
  int ReferenceBracketLoop(uint64_t iterations);

  const std::vector<Counter>& counters() const { return counters_; }
  size_t opened() const;
  bool exclude_kernel() const { return exclude_kernel_; }
  bool closed() const { return leader_fd_ < 0; }

 private:
  std::vector<Counter> counters_;
  std::vector<uint64_t> read_buf_;
  // slot_of_[k]: the counter index of the k-th value the kernel returns (group order), or
  // -1; checked against the returned ids on every read, so a mismatch falls back to search.
  std::vector<int> slot_of_;
  std::vector<uint64_t> ids_in_order_;
  int leader_fd_ = -1;
  bool exclude_kernel_ = false;
};

// People-readable reason for a perf_event_open errno (states the fix where there is one).
std::string ReasonForErrno(int err, const EventSpec& spec, const Privileges& privileges);

}  // namespace prtip
