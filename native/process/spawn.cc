#include "spawn.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "../timing/clock.h"
#include "cgroup.h"
#include "exec_helper_protocol.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#endif

namespace prtip {
namespace {

// Clears ASan's shadow for the child's mmap'd stack before it is unmapped (a no-op in a
// normal build): the child wrote its frames there through our shadow memory.
void UnpoisonChildStack(void* stack, size_t bytes) {
#if defined(__SANITIZE_ADDRESS__)
  __asan_unpoison_memory_region(stack, bytes);
#else
  (void)stack;
  (void)bytes;
#endif
}

const char* const kStageNames[] = PRTIP_STAGE_NAMES;
static_assert(sizeof(kStageNames) / sizeof(kStageNames[0]) == PRTIP_STAGE_COUNT, "a name per stage");
static_assert(sizeof(prtip_helper_msg) <= 512, "a message must fit one atomic pipe write");

bool IsExecutableFile(const std::string& path, int* err) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    *err = errno;
    return false;
  }
  if (!S_ISREG(st.st_mode) || access(path.c_str(), X_OK) != 0) {
    *err = EACCES;
    return false;
  }
  return true;
}

uint64_t TimevalNs(const timeval& tv) {
  return static_cast<uint64_t>(tv.tv_sec) * 1000000000ull + static_cast<uint64_t>(tv.tv_usec) * 1000ull;
}

void CloseFd(int* fd) {
  if (*fd >= 0) close(*fd);
  *fd = -1;
}

void Fail(SpawnResult* result, const std::string& code, const std::string& message, int err, const std::string& syscall) {
  result->error_code = code;
  result->error_message = message;
  result->error_errno = err;
  result->error_syscall = syscall;
}

// Reads VmRSS / VmHWM / RssAnon (kB). False once the process is gone (or a zombie without mm).
bool ReadRss(pid_t pid, RssSample* sample) {
  char path[64];
  std::snprintf(path, sizeof(path), "/proc/%d/status", static_cast<int>(pid));
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  char buf[4096];
  ssize_t n = read(fd, buf, sizeof(buf) - 1);
  close(fd);
  if (n <= 0) return false;
  buf[n] = '\0';
  bool any = false;
  auto field = [&](const char* name, uint64_t* out) {
    const char* at = std::strstr(buf, name);
    if (at == nullptr) return;
    unsigned long long kb = 0;
    if (std::sscanf(at + std::strlen(name), " %llu", &kb) == 1) {
      *out = kb;
      any = true;
    }
  };
  field("VmRSS:", &sample->rss_kb);
  field("VmHWM:", &sample->hwm_kb);
  field("RssAnon:", &sample->anon_kb);
  return any;
}

// Everything the cloned child needs, prepared before clone (it may not allocate).
struct ChildArgs {
  const char* helper_path;
  char* const* argv;  // the helper's: the program's argv and environment travel in it
  char* const* envp;  // the helper's own: empty
  const char* cwd;
  int netns_fd, null_fd;
  StdioMode stdin_mode, stdout_mode, stderr_mode;
  int report_write;  // the helper's report pipe; set-up failures here are reported on it too
  int go_read;       // one byte "counters attached: exec now", read by the program's process
};

// The child between clone and the helper's execve. It shares the parent's memory and the
// (see UnpoisonChildStack below for the sanitizer's view of the child's stack)
// parent thread waits until it execs or exits (CLONE_VM | CLONE_VFORK, as posix_spawn does:
// no page tables to copy), so it runs on its own stack, calls only async-signal-safe
// functions and writes nothing but its own stack.
int ChildMain(void* raw) {
  const ChildArgs& a = *static_cast<const ChildArgs*>(raw);
  auto die = [&](int stage) {
    prtip_helper_msg msg;
    std::memset(&msg, 0, sizeof(msg));
    msg.magic = PRTIP_HELPER_MAGIC;
    msg.kind = PRTIP_MSG_FAIL;
    msg.stage = stage;
    msg.err = errno;
    ssize_t ignored = write(a.report_write, &msg, sizeof(msg));
    (void)ignored;
    _exit(127);
  };
  // A group of its own, so a terminal's Ctrl-C to Node's group does not kill the helper
  // (Node cancels the run itself). The program gets its own group from the helper.
  if (setpgid(0, 0) != 0) die(PRTIP_STAGE_SETPGID);
  if (a.netns_fd >= 0 && setns(a.netns_fd, CLONE_NEWNET) != 0) die(PRTIP_STAGE_SETNS);
  const StdioMode modes[3] = {a.stdin_mode, a.stdout_mode, a.stderr_mode};
  for (int fd = 0; fd < 3; ++fd) {
    if (modes[fd] == StdioMode::Null) {
      if (dup2(a.null_fd, fd) < 0) die(PRTIP_STAGE_DUP2);
    } else if (fcntl(fd, F_SETFD, 0) != 0 && errno != EBADF) {
      // Node opens its stdio close-on-exec: passed on as it is, the program would find
      // fds 0-2 closed (echo fails with EBADF).
      die(PRTIP_STAGE_DUP2);
    }
  }
  if (a.cwd != nullptr && chdir(a.cwd) != 0) die(PRTIP_STAGE_CHDIR);
  // Node ignores SIGPIPE and worker threads block signals; both would be inherited by the program.
  // (Without CLONE_SIGHAND the child has its own copy of the handler table.)
  struct sigaction dfl;
  std::memset(&dfl, 0, sizeof(dfl));
  dfl.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sig != SIGKILL && sig != SIGSTOP) sigaction(sig, &dfl, nullptr);
  }
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  // The helper keeps these two across its execve (it marks them close-on-exec again).
  if (fcntl(a.report_write, F_SETFD, 0) != 0 || fcntl(a.go_read, F_SETFD, 0) != 0) die(PRTIP_STAGE_DUP2);
  execve(a.helper_path, a.argv, a.envp);
  die(PRTIP_STAGE_HELPER_EXEC);
  return 127;
}

constexpr size_t kChildStackBytes = 64 * 1024;

int PidfdOpen(pid_t pid) { return static_cast<int>(syscall(SYS_pidfd_open, pid, 0)); }

// One message from the helper: 1, or 0 at EOF, or -1 for a read error or a garbled message.
// Each message is one write smaller than PIPE_BUF, so a read of its size gets it whole.
int ReadMsg(int fd, prtip_helper_msg* msg) {
  ssize_t got;
  do {
    got = read(fd, msg, sizeof(*msg));
  } while (got < 0 && errno == EINTR);
  if (got == 0) return 0;
  if (got != static_cast<ssize_t>(sizeof(*msg)) || msg->magic != PRTIP_HELPER_MAGIC) return -1;
  return 1;
}

void FailFromHelper(SpawnResult* result, const prtip_helper_msg& failure, const std::string& path) {
  int stage = failure.stage >= 0 && failure.stage < PRTIP_STAGE_COUNT ? failure.stage : PRTIP_STAGE_EXECVE;
  std::string code = stage == PRTIP_STAGE_SETNS ? "NETNS_ENTER"
                     : stage == PRTIP_STAGE_EXECVE ? (failure.err == EACCES ? "EACCES" : failure.err == ENOENT ? "ENOENT" : "EXEC_FAILED")
                     : stage == PRTIP_STAGE_HELPER_EXEC || stage == PRTIP_STAGE_HELPER_ARGS ? "EXEC_HELPER"
                                                                                             : "SPAWN_CHILD";
  Fail(result, code, std::string("the child could not start: ") + kStageNames[stage] + " failed for " + path + ": " +
       std::strerror(failure.err), failure.err, kStageNames[stage]);
}

}  // namespace

const std::string& ExecHelperPath() {
  // Never destroyed: a run thread may still use it while the process exits.
  static const std::string& path = *new std::string([] {
    Dl_info info;
    std::memset(&info, 0, sizeof(info));
    if (dladdr(reinterpret_cast<void*>(&ExecHelperPath), &info) == 0 || info.dli_fname == nullptr) return std::string();
    std::string self = info.dli_fname;
    size_t slash = self.rfind('/');
    std::string candidate = (slash == std::string::npos ? std::string(".") : self.substr(0, slash)) + "/" PRTIP_HELPER_NAME;
    return access(candidate.c_str(), X_OK) == 0 ? candidate : std::string();
  }());
  return path;
}

std::string ResolveExecutable(const std::string& file, const std::string& path_env, int* err) {
  *err = 0;
  if (file.empty()) {
    *err = ENOENT;
    return "";
  }
  if (file.find('/') != std::string::npos) {
    return IsExecutableFile(file, err) ? file : "";
  }
  std::string search = path_env.empty() ? "/usr/local/bin:/usr/bin:/bin" : path_env;
  bool saw_eacces = false;
  size_t start = 0;
  while (start <= search.size()) {
    size_t end = search.find(':', start);
    if (end == std::string::npos) end = search.size();
    std::string dir = search.substr(start, end - start);
    if (dir.empty()) dir = ".";
    std::string candidate = dir + "/" + file;
    int e = 0;
    if (IsExecutableFile(candidate, &e)) return candidate;
    if (e == EACCES) saw_eacces = true;
    start = end + 1;
  }
  *err = saw_eacces ? EACCES : ENOENT;
  return "";
}

void SpawnAndWait(const SpawnRequest& request, SpawnResult* result) {
  std::string path_env;
  for (const auto& kv : request.env) {
    if (kv.rfind("PATH=", 0) == 0) path_env = kv.substr(5);
  }
  int err = 0;
  result->resolved_path = ResolveExecutable(request.file, path_env, &err);
  if (result->resolved_path.empty()) {
    Fail(result, err == EACCES ? "EACCES" : "ENOENT",
         err == EACCES ? "\"" + request.file + "\" is not an executable file"
                       : "\"" + request.file + "\" not found" +
                             (request.file.find('/') == std::string::npos ? " on PATH" : ""),
         err, "execve");
    return;
  }
  const std::string& helper = ExecHelperPath();
  if (helper.empty()) {
    Fail(result, "EXEC_HELPER_MISSING",
         "the exec helper " PRTIP_HELPER_NAME " is not built next to the addon; rebuild with \"npm run build:addon\"", 0, "");
    return;
  }

  // The run's cgroup, made before anything starts; without one, say why.
  RunCgroup cgroup;
  std::string no_cgroup_reason;
  if (!request.use_cgroup) {
    no_cgroup_reason = "cgroups were turned off for this run";
  } else {
    cgroup.Create(request.run_id, &no_cgroup_reason);
  }

  int netns_fd = -1, null_fd = -1;
  int report_pipe[2] = {-1, -1}, go_pipe[2] = {-1, -1};
  auto cleanup_fds = [&]() {
    CloseFd(&netns_fd);
    CloseFd(&null_fd);
    for (int* p : {report_pipe, go_pipe}) {
      CloseFd(&p[0]);
      CloseFd(&p[1]);
    }
  };
  if (!request.netns_path.empty()) {
    netns_fd = open(request.netns_path.c_str(), O_RDONLY | O_CLOEXEC);
    if (netns_fd < 0) {
      Fail(result, "NETNS_OPEN", "cannot open network namespace " + request.netns_path, errno, "open");
      return;
    }
  }
  null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null_fd < 0 || pipe2(report_pipe, O_CLOEXEC) != 0 || pipe2(go_pipe, O_CLOEXEC) != 0) {
    Fail(result, "SPAWN_SETUP", "cannot create the pipes for the child", errno, "pipe2");
    cleanup_fds();
    return;
  }

  // The helper's argv carries the program's argv and environment (see exec_helper_protocol.h).
  std::vector<std::string> helper_args = {helper, std::to_string(report_pipe[1]), std::to_string(go_pipe[0]), cgroup.dir(),
                                          result->resolved_path, std::to_string(request.argv.size())};
  helper_args.insert(helper_args.end(), request.argv.begin(), request.argv.end());
  helper_args.push_back(std::to_string(request.env.size()));
  helper_args.insert(helper_args.end(), request.env.begin(), request.env.end());
  std::vector<char*> helper_argv;
  for (const auto& a : helper_args) helper_argv.push_back(const_cast<char*>(a.c_str()));
  helper_argv.push_back(nullptr);
  char* no_env[] = {nullptr};

  void* stack = mmap(nullptr, kChildStackBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  if (stack == MAP_FAILED) {
    Fail(result, "SPAWN_SETUP", "cannot map the child's stack", errno, "mmap");
    cleanup_fds();
    return;
  }
  ChildArgs args{helper.c_str(), helper_argv.data(), no_env, request.cwd.empty() ? nullptr : request.cwd.c_str(),
                 netns_fd, null_fd, request.stdin_mode, request.stdout_mode, request.stderr_mode,
                 report_pipe[1], go_pipe[0]};
  // Returns once the child has exec'd the helper or died.
  pid_t helper_pid = clone(ChildMain, static_cast<char*>(stack) + kChildStackBytes, CLONE_VM | CLONE_VFORK | SIGCHLD, &args);
  int clone_errno = errno;
  // The child ran ChildMain on this stack in our address space (CLONE_VM), so ASan poisoned
  // its frames' redzones in our shadow memory; unmapped as is, that poison would stay and
  // fire on whatever V8 maps at these addresses next (a stack-buffer-underflow in Array.from).
  UnpoisonChildStack(stack, kChildStackBytes);
  munmap(stack, kChildStackBytes);
  if (helper_pid < 0) {
    Fail(result, "SPAWN_CLONE", "clone failed", clone_errno, "clone");
    cleanup_fds();
    return;
  }
  CloseFd(&report_pipe[1]);
  CloseFd(&go_pipe[0]);
  CloseFd(&netns_fd);
  CloseFd(&null_fd);
  auto reap_helper = [&]() {
    int status;
    while (waitpid(helper_pid, &status, 0) < 0 && errno == EINTR) {
    }
  };

  // The program's process, forked by the helper, in its own process group, waiting for "go".
  prtip_helper_msg msg;
  int got = ReadMsg(report_pipe[0], &msg);
  if (got != 1 || msg.kind != PRTIP_MSG_READY || msg.pid <= 0) {
    // Closing "go" first: a program still waiting for it then gives up, and the helper exits.
    cleanup_fds();
    if (got != 1 || msg.kind != PRTIP_MSG_FAIL) kill(helper_pid, SIGKILL);
    reap_helper();
    if (got == 1 && msg.kind == PRTIP_MSG_FAIL) {
      FailFromHelper(result, msg, result->resolved_path);
    } else {
      Fail(result, "SPAWN_CHILD", "the exec helper ended before starting the program, without saying why", 0, "");
    }
    return;
  }
  const pid_t pid = msg.pid;
  result->pid = pid;

  // Into the run's cgroup before it execs: all it starts is born there. The helper
  // usually forked it there already (CLONE_INTO_CGROUP); else it is moved now.
  const bool born_in_cgroup = (msg.flags & PRTIP_READY_IN_CGROUP) != 0;
  if (cgroup.active() && !born_in_cgroup && !cgroup.AddProcess(pid, &no_cgroup_reason)) cgroup.Remove();
  if (cgroup.active()) {
    result->containment = "cgroup";
  } else {
    result->containment = "process-group";
    result->containment_note = no_cgroup_reason +
        "; descendants are killed with the program's process group, and orphaned ones by the exec helper (a child "
        "subreaper): one that leaves both, e.g. started through a service manager, may survive";
  }

  int pidfd = PidfdOpen(pid);
  bool killed = false;
  uint64_t kill_deadline = 0;
  auto kill_program = [&]() {
    if (killed) return;
    killed = true;
    cgroup.StartKill();
    kill(-pid, SIGKILL);
    kill(pid, SIGKILL);
    // SIGKILL ends it at once; the helper then reports. If it does not, stop waiting.
    kill_deadline = MonotonicNs() + 10000000000ull;
  };

  // Counters on the program, armed to start at its execve and to follow its threads and children.
  // Events with the same EventSpec::group are one perf_event group (perf's {a,b}), each group
  // read with one read() at the end; members[k] lists group k's indices into request.events.
  std::vector<std::unique_ptr<PerfGroup>> groups;
  std::vector<std::vector<size_t>> members;
  if (!request.events.empty()) {
    GroupOptions options;
    options.pid = pid;
    options.inherit = true;
    options.enable_on_exec = true;
    std::vector<int> numbers;
    for (size_t i = 0; i < request.events.size(); ++i) {
      auto at = std::find(numbers.begin(), numbers.end(), request.events[i].group);
      if (at == numbers.end()) {
        numbers.push_back(request.events[i].group);
        members.emplace_back();
        at = numbers.end() - 1;
      }
      members[static_cast<size_t>(at - numbers.begin())].push_back(i);
    }
    for (const auto& indices : members) {
      std::vector<EventSpec> specs;
      for (size_t i : indices) specs.push_back(request.events[i]);
      groups.push_back(std::make_unique<PerfGroup>());
      groups.back()->Open(specs, options);
    }
  }
  // The sampling event, armed the same way; if it cannot open, the program is never released.
  Sampler sampler;
  int sampler_errno = 0;
  std::string sampler_reason;
  bool sampler_failed = request.sample && !sampler.Open(request.sampler, pid, &sampler_errno, &sampler_reason);

  uint64_t t0 = MonotonicNs();
  char byte = 1;
  bool released = !sampler_failed && write(go_pipe[1], &byte, 1) == 1;
  int release_errno = errno;
  CloseFd(&go_pipe[1]);
  if (!released) kill_program();

  uint64_t deadline = request.timeout_ns > 0 ? t0 + request.timeout_ns : 0;
  uint64_t next_sample = request.rss_interval_ns > 0 ? t0 : 0;
  uint64_t t1 = 0;
  bool program_ended = false, have_exit = false, helper_gone = false, exec_failed = false;
  prtip_helper_msg exit_msg, fail_msg;
  std::memset(&exit_msg, 0, sizeof(exit_msg));
  std::memset(&fail_msg, 0, sizeof(fail_msg));
  while (!have_exit && !helper_gone) {
    uint64_t now = MonotonicNs();
    if (!program_ended && next_sample != 0 && now >= next_sample) {
      RssSample s{now - t0, 0, 0, 0};
      if (ReadRss(pid, &s)) result->rss.push_back(s);
      next_sample += request.rss_interval_ns;
      if (next_sample <= now) next_sample = now + request.rss_interval_ns;
      // Bound the timeline: a long run keeps the first 100k samples.
      if (result->rss.size() >= 100000) next_sample = 0;
    }
    if (!program_ended && !killed && deadline != 0 && now >= deadline) {
      result->timed_out = true;
      kill_program();
    }
    if (killed && now >= kill_deadline) {
      kill(helper_pid, SIGKILL);  // its pipe then closes: helper_gone
      kill_deadline = UINT64_MAX;
    }
    uint64_t wake = UINT64_MAX;
    if (!program_ended && !killed && deadline != 0) wake = deadline;
    if (!program_ended && next_sample != 0 && next_sample < wake) wake = next_sample;
    if (killed && kill_deadline < wake) wake = kill_deadline;
    // The sample rings (one per CPU) are drained on a timer rather than polled (Sampler::drain_interval_ns).
    if (sampler.recording() && now + sampler.drain_interval_ns() < wake) wake = now + sampler.drain_interval_ns();
    timespec ts;
    timespec* tsp = nullptr;
    if (wake != UINT64_MAX) {
      uint64_t d = wake > now ? wake - now : 0;
      ts.tv_sec = static_cast<time_t>(d / 1000000000ull);
      ts.tv_nsec = static_cast<long>(d % 1000000000ull);
      tsp = &ts;
    }
    pollfd fds[3];
    int nfds = 0;
    fds[nfds++] = {report_pipe[0], POLLIN, 0};
    int pidfd_slot = -1, cancel_slot = -1;
    if (pidfd >= 0 && !program_ended) {
      pidfd_slot = nfds;
      fds[nfds++] = {pidfd, POLLIN, 0};
    }
    if (request.cancel_fd >= 0 && !killed && !program_ended) {
      cancel_slot = nfds;
      fds[nfds++] = {request.cancel_fd, POLLIN, 0};
    }
    int ready = ppoll(fds, nfds, tsp, nullptr);
    sampler.Drain();
    if (ready < 0 && errno != EINTR) {
      kill_program();
      break;
    }
    if (ready <= 0) continue;
    if (pidfd_slot >= 0 && fds[pidfd_slot].revents != 0) {
      // The program ended (a zombie until the helper reaps it): the wall time stops here.
      program_ended = true;
      t1 = MonotonicNs();
    }
    if (cancel_slot >= 0 && fds[cancel_slot].revents != 0 && !program_ended) {
      result->cancelled = true;
      kill_program();
    }
    if (fds[0].revents != 0) {
      prtip_helper_msg m;
      int r = ReadMsg(report_pipe[0], &m);
      if (r <= 0) {
        helper_gone = true;
      } else if (m.kind == PRTIP_MSG_FAIL && !exec_failed) {
        exec_failed = true;
        fail_msg = m;
      } else if (m.kind == PRTIP_MSG_EXIT) {
        have_exit = true;
        exit_msg = m;
      }
    }
  }
  if (t1 == 0) t1 = MonotonicNs();
  if (!have_exit) {
    // The helper is gone or stuck: nobody else will end the program.
    kill_program();
    kill(helper_pid, SIGKILL);
  }
  reap_helper();
  if (pidfd >= 0) close(pidfd);
  cleanup_fds();
  sampler.Close();  // drains what the program's last moments wrote
  result->profile = std::move(sampler.data());

  // Whatever is left of the program's tree dies with its run.
  bool leftovers = have_exit && exit_msg.leftovers > 0;
  if (cgroup.Remove()) leftovers = true;
  if (have_exit && kill(-pid, 0) == 0) {
    leftovers = true;
    kill(-pid, SIGKILL);
  }
  result->leftovers_killed = leftovers;

  if (sampler_failed) {
    Fail(result, "SAMPLER_OPEN", "cannot sample " + request.sampler.event.name + ": " + sampler_reason, sampler_errno,
         "perf_event_open");
    return;
  }
  if (!released) {
    Fail(result, "SPAWN_RELEASE", "cannot release the child", release_errno, "write");
    return;
  }
  if (exec_failed) {
    FailFromHelper(result, fail_msg, result->resolved_path);
    return;
  }
  if (!have_exit) {
    Fail(result, "EXEC_HELPER_DIED", "the exec helper ended without reporting how the program ended", 0, "");
    return;
  }
  if (exit_msg.err != 0) {
    Fail(result, "WAIT_FAILED", "wait4 on the program failed", exit_msg.err, "wait4");
    return;
  }
  const rusage& usage = exit_msg.usage;
  result->wall_ns = t1 - t0;
  result->user_ns = TimevalNs(usage.ru_utime);
  result->sys_ns = TimevalNs(usage.ru_stime);
  // The program's own peak: forked from the small helper, not from Node (see exec_helper.c).
  result->max_rss_kb = usage.ru_maxrss > 0 ? static_cast<uint64_t>(usage.ru_maxrss) : 0;
  int status = exit_msg.status;
  if (WIFEXITED(status)) {
    result->exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result->term_signal = WTERMSIG(status);
  }
  const size_t n = request.events.size();
  result->values.assign(n, 0);
  result->counter_enabled_ns.assign(n, 0);
  result->counter_running_ns.assign(n, 0);
  result->counters.resize(n);
  for (size_t k = 0; k < groups.size(); ++k) {
    PerfGroup& group = *groups[k];
    std::vector<uint64_t> values(group.counters().size(), 0);
    uint64_t enabled = 0, running = 0;
    if (!group.closed()) {
      int read_err = group.Read(&enabled, &running, values.data());
      if (read_err != 0) {
        Fail(result, "PERF_READ", "reading the child's counters failed", read_err, "read");
        return;
      }
    }
    if (k == 0) {
      result->enabled_ns = enabled;
      result->running_ns = running;
    }
    for (size_t j = 0; j < members[k].size(); ++j) {
      const size_t i = members[k][j];
      result->values[i] = values[j];
      result->counter_enabled_ns[i] = enabled;
      result->counter_running_ns[i] = running;
      result->counters[i] = group.counters()[j];
    }
    group.Close();
  }
}

}  // namespace prtip
