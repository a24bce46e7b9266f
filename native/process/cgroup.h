// A cgroup v2 per run, so that everything a measured program starts can be killed at the
// end (cgroup.kill), whether or not it left the process group (setsid, daemons).
// Plain data, no N-API; safe to use from any thread.
#pragma once
#include <sys/types.h>

#include <cstdint>
#include <string>

namespace prtip {

// The cgroup v2 directory this process belongs to, e.g. /sys/fs/cgroup/unified/ on a
// v1/v2 hybrid or /sys/fs/cgroup/user.slice/... on a pure v2 machine. Found once from
// /proc/self/mountinfo (the cgroup2 mount) and /proc/self/cgroup (the "0::" line).
// dir is "" and reason says why when there is none.
struct CgroupV2Home {
  std::string dir;
  std::string reason;
};
const CgroupV2Home& OwnCgroupV2();

class RunCgroup {
 public:
  RunCgroup() = default;
  RunCgroup(const RunCgroup&) = delete;
  RunCgroup& operator=(const RunCgroup&) = delete;
  ~RunCgroup() { Remove(); }

  // mkdir <home>/prtip-perf-<our pid>-<id>. False with *reason when the machine does not
  // allow it (no cgroup v2, no permission, no cgroup.kill before Linux 5.14).
  bool Create(uint32_t id, std::string* reason);
  // Moves a process (not yet exec'd) into the cgroup; its descendants stay in it.
  bool AddProcess(pid_t pid, std::string* reason);
  // SIGKILLs every process in it (cgroup.kill) without waiting.
  void StartKill() const;
  // Kills everything in it, waits (bounded) until it is empty, rmdir. True if it held
  // processes. Idempotent.
  bool Remove();

  bool active() const { return !dir_.empty(); }
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
};

}  // namespace prtip
