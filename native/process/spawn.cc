#include "spawn.h"

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

#include <cerrno>
#include <cstdio>
#include <algorithm>
#include <cstring>

#include "../timing/clock.h"

namespace prtip {
namespace {

// What the child reports on its error pipe when it cannot reach execve.
struct ChildFailure {
  int stage;  // index into kStageNames
  int err;
};

const char* const kStageNames[] = {"setpgid", "setns", "dup2", "chdir", "read", "execve"};
enum Stage { kSetpgid, kSetns, kDup2, kChdir, kReadGo, kExecve };

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

// Everything the child needs, prepared by the parent before clone (the child may not allocate).
struct ChildArgs {
  const char* path;
  char* const* argv;
  char* const* envp;
  const char* cwd;
  int netns_fd, null_fd;
  StdioMode stdin_mode, stdout_mode, stderr_mode;
  int ready_write;  // one byte "set up, waiting" (so the parent opens counters only then)
  int go_read;      // one byte "counters attached: exec now"
  int err_write;    // a ChildFailure if anything fails; close-on-exec, so EOF means exec succeeded
};

// The child between clone and execve. It shares the parent's memory (CLONE_VM, as posix_spawn
// does: no page tables to copy, none to tear down at exec), so it runs on its own stack, calls
// only async-signal-safe functions, and writes nothing but its own stack. errno (thread-local,
// hence shared) is only touched while the parent is blocked reading a pipe from it.
int ChildMain(void* raw) {
  const ChildArgs& a = *static_cast<const ChildArgs*>(raw);
  auto die = [&](int stage) {
    ChildFailure failure{stage, errno};
    ssize_t ignored = write(a.err_write, &failure, sizeof(failure));
    (void)ignored;
    _exit(127);
  };
  // Its own process group, so a timeout can kill it and everything it started.
  if (setpgid(0, 0) != 0) die(kSetpgid);
  if (a.netns_fd >= 0 && setns(a.netns_fd, CLONE_NEWNET) != 0) die(kSetns);
  if (a.stdin_mode == StdioMode::Null && dup2(a.null_fd, 0) < 0) die(kDup2);
  if (a.stdout_mode == StdioMode::Null && dup2(a.null_fd, 1) < 0) die(kDup2);
  if (a.stderr_mode == StdioMode::Null && dup2(a.null_fd, 2) < 0) die(kDup2);
  if (a.cwd != nullptr && chdir(a.cwd) != 0) die(kChdir);
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
  char byte = 1;
  if (write(a.ready_write, &byte, 1) != 1) die(kReadGo);
  // Wait until the parent has attached the counters.
  ssize_t got;
  do {
    got = read(a.go_read, &byte, 1);
  } while (got < 0 && errno == EINTR);
  if (got != 1) {
    if (got == 0) errno = ECANCELED;
    die(kReadGo);
  }
  execve(a.path, a.argv, a.envp);
  die(kExecve);
  return 127;
}

constexpr size_t kChildStackBytes = 256 * 1024;

int PidfdOpen(pid_t pid) { return static_cast<int>(syscall(SYS_pidfd_open, pid, 0)); }

}  // namespace

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

  // Everything the child needs is built before clone: it may not allocate.
  std::vector<char*> argv, envp;
  for (const auto& a : request.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  for (const auto& e : request.env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);

  int netns_fd = -1, null_fd = -1;
  int ready_pipe[2] = {-1, -1}, go_pipe[2] = {-1, -1}, err_pipe[2] = {-1, -1};
  auto cleanup_fds = [&]() {
    CloseFd(&netns_fd);
    CloseFd(&null_fd);
    for (int* p : {ready_pipe, go_pipe, err_pipe}) {
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
  if (null_fd < 0 || pipe2(ready_pipe, O_CLOEXEC) != 0 || pipe2(go_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0) {
    Fail(result, "SPAWN_SETUP", "cannot create the pipes for the child", errno, "pipe2");
    cleanup_fds();
    return;
  }
  void* stack = mmap(nullptr, kChildStackBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  if (stack == MAP_FAILED) {
    Fail(result, "SPAWN_SETUP", "cannot map the child's stack", errno, "mmap");
    cleanup_fds();
    return;
  }
  auto free_stack = [&]() { munmap(stack, kChildStackBytes); };
  ChildArgs args{result->resolved_path.c_str(), argv.data(), envp.data(), request.cwd.empty() ? nullptr : request.cwd.c_str(),
                 netns_fd, null_fd, request.stdin_mode, request.stdout_mode, request.stderr_mode,
                 ready_pipe[1], go_pipe[0], err_pipe[1]};

  pid_t pid = clone(ChildMain, static_cast<char*>(stack) + kChildStackBytes, CLONE_VM | SIGCHLD, &args);
  if (pid < 0) {
    Fail(result, "SPAWN_CLONE", "clone failed", errno, "clone");
    free_stack();
    cleanup_fds();
    return;
  }
  result->pid = pid;
  CloseFd(&ready_pipe[1]);
  CloseFd(&go_pipe[0]);
  CloseFd(&err_pipe[1]);
  CloseFd(&netns_fd);
  CloseFd(&null_fd);

  auto reap = [&]() {
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
  };
  // Reports what the child wrote on the error pipe before it died (set-up or execve failed).
  auto report_failure = [&](const ChildFailure& failure) {
    reap();
    free_stack();
    cleanup_fds();
    const char* stage = kStageNames[failure.stage >= 0 && failure.stage <= kExecve ? failure.stage : kExecve];
    std::string code = failure.stage == kSetns ? "NETNS_ENTER"
                       : failure.stage == kExecve ? (failure.err == EACCES ? "EACCES" : failure.err == ENOENT ? "ENOENT" : "EXEC_FAILED")
                                                  : "SPAWN_CHILD";
    Fail(result, code, std::string("the child could not start: ") + stage + " failed for " + result->resolved_path + ": " +
         std::strerror(failure.err), failure.err, stage);
  };
  // The child failed during set-up: its report is on the error pipe.
  auto child_failed = [&]() {
    ChildFailure failure{kExecve, 0};
    ssize_t got;
    do {
      got = read(err_pipe[0], &failure, sizeof(failure));
    } while (got < 0 && errno == EINTR);
    if (got != static_cast<ssize_t>(sizeof(failure))) {
      reap();
      free_stack();
      cleanup_fds();
      Fail(result, "SPAWN_CHILD", "the child died before exec without saying why", 0, "");
      return;
    }
    report_failure(failure);
  };

  // Wait for "set up, waiting for go" (EOF: it failed during set-up).
  char byte = 0;
  ssize_t got;
  do {
    got = read(ready_pipe[0], &byte, 1);
  } while (got < 0 && errno == EINTR);
  CloseFd(&ready_pipe[0]);
  if (got != 1) {
    child_failed();
    return;
  }
  // Also from this side, so the group exists whatever the child did.
  setpgid(pid, pid);

  // Counters on the child, armed to start at its execve and to follow its threads and children.
  PerfGroup group;
  if (!request.events.empty()) {
    GroupOptions options;
    options.pid = pid;
    options.inherit = true;
    options.enable_on_exec = true;
    group.Open(request.events, options);
  }

  uint64_t t0 = MonotonicNs();
  byte = 1;
  if (write(go_pipe[1], &byte, 1) != 1) {
    Fail(result, "SPAWN_RELEASE", "cannot release the child", errno, "write");
    kill(pid, SIGKILL);
    reap();
    free_stack();
    cleanup_fds();
    return;
  }
  CloseFd(&go_pipe[1]);

  // EOF on the error pipe means execve succeeded (the write end was close-on-exec).
  ChildFailure failure{0, 0};
  do {
    got = read(err_pipe[0], &failure, sizeof(failure));
  } while (got < 0 && errno == EINTR);
  if (got > 0) {
    report_failure(failure);
    return;
  }
  CloseFd(&err_pipe[0]);
  // The child runs the new program now; its old stack (ours) is free.
  free_stack();

  int pidfd = PidfdOpen(pid);
  uint64_t deadline = request.timeout_ns > 0 ? t0 + request.timeout_ns : 0;
  uint64_t next_sample = request.rss_interval_ns > 0 ? t0 : 0;
  bool exited = false;
  while (!exited) {
    uint64_t now = MonotonicNs();
    if (next_sample != 0 && now >= next_sample) {
      RssSample s{now - t0, 0, 0, 0};
      if (ReadRss(pid, &s)) result->rss.push_back(s);
      next_sample += request.rss_interval_ns;
      if (next_sample <= now) next_sample = now + request.rss_interval_ns;
      // Bound the timeline: a long run keeps the first 100k samples.
      if (result->rss.size() >= 100000) next_sample = 0;
    }
    if (deadline != 0 && now >= deadline) {
      result->timed_out = true;
      break;
    }
    uint64_t wake = UINT64_MAX;
    if (deadline != 0) wake = deadline;
    if (next_sample != 0 && next_sample < wake) wake = next_sample;
    if (pidfd < 0) {
      // Old kernel without pidfd: poll the child every 200 us.
      if (wake == UINT64_MAX || wake > now + 200000) wake = now + 200000;
    }
    timespec ts;
    timespec* tsp = nullptr;
    if (wake != UINT64_MAX) {
      uint64_t d = wake > now ? wake - now : 0;
      ts.tv_sec = static_cast<time_t>(d / 1000000000ull);
      ts.tv_nsec = static_cast<long>(d % 1000000000ull);
      tsp = &ts;
    }
    pollfd fds[2];
    int nfds = 0;
    if (pidfd >= 0) fds[nfds++] = {pidfd, POLLIN, 0};
    if (request.cancel_fd >= 0) fds[nfds++] = {request.cancel_fd, POLLIN, 0};
    int ready = ppoll(nfds > 0 ? fds : nullptr, nfds, tsp, nullptr);
    if (ready < 0 && errno != EINTR) break;
    if (ready > 0) {
      for (int i = 0; i < nfds; ++i) {
        if (fds[i].revents == 0) continue;
        if (fds[i].fd == pidfd) exited = true;
        if (fds[i].fd == request.cancel_fd) result->cancelled = true;
      }
      if (result->cancelled && !exited) break;
    }
    if (pidfd < 0) {
      siginfo_t info;
      std::memset(&info, 0, sizeof(info));
      if (waitid(P_PID, pid, &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid == pid) exited = true;
    }
  }
  if (!exited) kill(-pid, SIGKILL);  // timeout or cancel: the whole group

  int status = 0;
  rusage usage;
  std::memset(&usage, 0, sizeof(usage));
  pid_t waited;
  do {
    waited = wait4(pid, &status, 0, &usage);
  } while (waited < 0 && errno == EINTR);
  uint64_t t1 = MonotonicNs();
  if (pidfd >= 0) close(pidfd);
  if (waited != pid) {
    Fail(result, "WAIT_FAILED", "wait4 on the child failed", errno, "wait4");
    return;
  }
  // Anything still in the child's group outlived it: no orphans are left behind.
  if (kill(-pid, 0) == 0) {
    result->leftovers_killed = true;
    kill(-pid, SIGKILL);
  }

  result->wall_ns = t1 - t0;
  result->user_ns = TimevalNs(usage.ru_utime);
  result->sys_ns = TimevalNs(usage.ru_stime);
  // Under CLONE_VM, execve records the *spawner's* high-water RSS into the child's maxrss (the
  // mm it leaves is ours), so ru_maxrss is at least our VmHWM. When it is no larger than that,
  // it says nothing about the program: use the program's own VmHWM from the timeline instead.
  RssSample self{0, 0, 0, 0};
  uint64_t ru_kb = static_cast<uint64_t>(usage.ru_maxrss);
  uint64_t sampled_kb = 0;
  for (const auto& sample : result->rss) sampled_kb = std::max(sampled_kb, sample.hwm_kb);
  if (ReadRss(getpid(), &self) && ru_kb <= self.hwm_kb) {
    result->max_rss_kb = sampled_kb;
    result->max_rss_sampled = true;
  } else {
    result->max_rss_kb = ru_kb;
  }
  if (WIFEXITED(status)) {
    result->exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result->term_signal = WTERMSIG(status);
  }
  result->values.assign(group.counters().size(), 0);
  if (!group.closed()) {
    int read_err = group.Read(&result->enabled_ns, &result->running_ns, result->values.data());
    if (read_err != 0) {
      Fail(result, "PERF_READ", "reading the child's counters failed", read_err, "read");
      return;
    }
  }
  result->counters = group.counters();
  group.Close();
}

}  // namespace prtip
