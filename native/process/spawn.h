// Runs one child with counters on it from its first instruction, and waits for it.
// Plain data in and out (no N-API here), so the whole run can happen off the JS thread.
//
// The program is not forked from Node: a small helper executable (exec_helper.c) is
// started first and forks it, so wait4's ru_maxrss is the program's own and not Node's
// (see there). Each run gets its own cgroup v2 where the machine allows it; everything
// left in it when the program ends (or at a timeout or cancel) is killed with cgroup.kill.
// Elsewhere the program's process group is killed, and the helper, a child subreaper,
// kills descendants that were orphaned.
#pragma once
#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "../counters/events.h"
#include "../counters/perf_group.h"
#include "../profile/sampler.h"

namespace prtip {

enum class StdioMode { Null, Inherit };

struct SpawnRequest {
  std::string file;               // argv[0] or a path; searched on PATH when it has no '/'
  std::vector<std::string> argv;  // argv[0] included
  std::vector<std::string> env;   // KEY=VALUE; used as the child's whole environment
  std::string cwd;                // "" keeps the parent's
  std::string netns_path;         // "" stays in the parent's network namespace
  std::vector<EventSpec> events;
  uint64_t timeout_ns = 0;       // 0: no timeout
  uint64_t rss_interval_ns = 0;  // 0: no RSS timeline
  StdioMode stdin_mode = StdioMode::Null;
  StdioMode stdout_mode = StdioMode::Null;
  StdioMode stderr_mode = StdioMode::Null;
  int cancel_fd = -1;  // readable means "stop now" (an eventfd owned by the caller)
  bool use_cgroup = true;  // false: process group + subreaper only (tests the fallback)
  uint32_t run_id = 0;     // names the run's cgroup
  bool sample = false;     // also record a sampled profile (native/profile/sampler.h)
  SamplerRequest sampler;
};

struct RssSample {
  uint64_t t_ns;  // since the child was released
  uint64_t rss_kb, hwm_kb, anon_kb;
};

struct SpawnResult {
  // Set when the run could not happen; then only these fields are meaningful.
  std::string error_code;
  std::string error_message;
  int error_errno = 0;
  std::string error_syscall;

  std::string resolved_path;
  pid_t pid = -1;
  uint64_t wall_ns = 0;
  uint64_t user_ns = 0, sys_ns = 0;
  uint64_t max_rss_kb = 0;  // wait4's ru_maxrss of the program (and its reaped descendants)
  int exit_code = -1;  // -1 when killed by a signal
  int term_signal = 0;
  bool timed_out = false;
  bool cancelled = false;
  bool leftovers_killed = false;  // descendants outlived the program and were killed
  // How descendants were contained: "cgroup" or "process-group" (then containment_note says
  // why there was no cgroup, and that descendants that leave the tree may survive).
  std::string containment;
  std::string containment_note;
  uint64_t enabled_ns = 0, running_ns = 0;
  std::vector<uint64_t> values;  // one per requested event (0 for unopened ones)
  std::vector<Counter> counters;  // what opened and why not (fds closed)
  std::vector<RssSample> rss;
  ProfileData profile;  // when request.sample
};

// PATH search as execvp does it, in the parent: "" and *err set (ENOENT/EACCES) when nothing fits.
std::string ResolveExecutable(const std::string& file, const std::string& path_env, int* err);

// The helper executable next to the addon (build/Release/prtip-perf-exec); "" if not found.
const std::string& ExecHelperPath();

// Starts the helper, which forks the program; moves it into the run's cgroup, opens the
// counter group on it before it execs, releases it, samples, waits, cleans up.
void SpawnAndWait(const SpawnRequest& request, SpawnResult* result);

}  // namespace prtip
