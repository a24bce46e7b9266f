/* prtip-perf-exec: the small process between the spawner (inside Node) and the measured
 * program. Node starts it; it forks the program, which waits until the spawner has put it
 * into the run's cgroup and attached counters (enable_on_exec), then execs.
 *
 * Why a separate executable: wait4's ru_maxrss is the largest RSS the process ever had,
 * and the kernel counts the address space it leaves at execve (exec_mmap records the old
 * mm's high-water mark). A child forked or vforked straight from Node carries Node's
 * 50+ MB into every figure. Forked from this helper, the program starts from a few hundred
 * kB, as under GNU time, so its ru_maxrss is its own.
 *
 * It is also a child subreaper: descendants the program leaves behind (a daemon that
 * setsid()s, anything orphaned) are re-parented here, and killed when the program ends.
 * If the spawner dies, it kills the program's process group and cgroup.
 *
 * Plain C and libc only, no allocation after start, so its own footprint stays small. */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/sched.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "exec_helper_protocol.h"

static int g_report_fd = -1;

static void send_msg(struct prtip_helper_msg* msg) {
  msg->magic = PRTIP_HELPER_MAGIC;
  ssize_t n;
  do {
    n = write(g_report_fd, msg, sizeof(*msg));
  } while (n < 0 && errno == EINTR);
}

static void send_fail(int stage, int err) {
  struct prtip_helper_msg msg;
  memset(&msg, 0, sizeof(msg));
  msg.kind = PRTIP_MSG_FAIL;
  msg.pid = (int32_t)getpid();
  msg.stage = stage;
  msg.err = err;
  send_msg(&msg);
}

/* A whole decimal number in [min, max], or -1. */
static long parse_count(const char* s, long min, long max) {
  if (s == NULL || *s == '\0') return -1;
  char* end = NULL;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (errno != 0 || end == s || *end != '\0' || v < min || v > max) return -1;
  return v;
}

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Sends SIGKILL to every live child of this process. Returns how many were signalled. */
static unsigned kill_children(void) {
  unsigned signalled = 0;
  char path[64];
  snprintf(path, sizeof(path), "/proc/self/task/%d/children", (int)getpid());
  FILE* f = fopen(path, "re");
  if (f != NULL) {
    int child;
    while (fscanf(f, "%d", &child) == 1) {
      if (child > 0 && kill(child, SIGKILL) == 0) ++signalled;
    }
    fclose(f);
    return signalled;
  }
  /* Kernels without CONFIG_PROC_CHILDREN: find our children by their parent pid. */
  DIR* proc = opendir("/proc");
  if (proc == NULL) return 0;
  pid_t self = getpid();
  struct dirent* entry;
  while ((entry = readdir(proc)) != NULL) {
    if (!isdigit((unsigned char)entry->d_name[0])) continue;
    char stat_path[300], buf[512];
    snprintf(stat_path, sizeof(stat_path), "/proc/%s/stat", entry->d_name);
    int fd = open(stat_path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    ssize_t n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0) continue;
    buf[n] = '\0';
    /* "pid (comm) state ppid ...": comm may hold spaces and parentheses, so parse after the last ')'. */
    const char* after = strrchr(buf, ')');
    char state;
    int ppid;
    if (after == NULL || sscanf(after + 1, " %c %d", &state, &ppid) != 2 || ppid != self) continue;
    if (kill((pid_t)atoi(entry->d_name), SIGKILL) == 0) ++signalled;
  }
  closedir(proc);
  return signalled;
}

/* Kills and reaps every remaining child until none is left (killing one re-parents its own
 * children to us, so repeat). Returns how many were reaped: the descendants that outlived
 * the program. Bounded in time, so a fork bomb cannot keep us here. */
static unsigned kill_leftovers(void) {
  unsigned reaped = 0;
  double deadline = now_seconds() + 5.0;
  for (;;) {
    int status;
    pid_t w = waitpid(-1, &status, WNOHANG);
    if (w > 0) {
      ++reaped;
      continue;
    }
    if (w < 0) {
      if (errno == EINTR) continue;
      break; /* ECHILD: nobody left */
    }
    if (now_seconds() > deadline) break;
    if (kill_children() == 0) {
      /* Children exist but none could be signalled (already dying): wait a moment. */
      struct timespec ts = {0, 1000000};
      nanosleep(&ts, NULL);
      continue;
    }
    do {
      w = waitpid(-1, &status, 0);
    } while (w < 0 && errno == EINTR);
    if (w > 0) ++reaped;
  }
  return reaped;
}

/* fork(), but the child is born in the cgroup open at cgroup_fd (Linux 5.7+). -1 with errno
 * when the kernel cannot, and the caller forks plainly. Safe as a raw syscall: this process
 * has one thread and the child calls only async-signal-safe functions before execve. */
static pid_t fork_into_cgroup(int cgroup_fd) {
#if defined(SYS_clone3) && defined(CLONE_INTO_CGROUP)
  struct clone_args args;
  memset(&args, 0, sizeof(args));
  args.flags = CLONE_INTO_CGROUP;
  args.exit_signal = SIGCHLD;
  args.cgroup = (uint64_t)cgroup_fd;
  return (pid_t)syscall(SYS_clone3, &args, sizeof(args));
#else
  (void)cgroup_fd;
  errno = ENOSYS;
  return -1;
#endif
}

/* The spawner is gone (its end of the report pipe closed): nobody will stop the program. */
static void kill_program(pid_t pid, const char* cgroup_dir) {
  kill(-pid, SIGKILL);
  kill(pid, SIGKILL);
  if (cgroup_dir[0] != '\0') {
    char path[PATH_MAX];
    if (snprintf(path, sizeof(path), "%s/cgroup.kill", cgroup_dir) < (int)sizeof(path)) {
      int fd = open(path, O_WRONLY | O_CLOEXEC);
      if (fd >= 0) {
        ssize_t ignored = write(fd, "1", 1);
        (void)ignored;
        close(fd);
      }
    }
  }
}

int main(int argc, char** argv) {
  /* prtip-perf-exec REPORT_FD GO_FD CGROUP_DIR PATH ARGC ARG... ENVC ENV... */
  long report_fd = argc > 1 ? parse_count(argv[1], 3, INT_MAX) : -1;
  if (report_fd < 0) {
    fprintf(stderr, "%s: internal helper of prtip-perf, not meant to be run by hand\n", PRTIP_HELPER_NAME);
    return 127;
  }
  g_report_fd = (int)report_fd;
  long go_fd = argc > 2 ? parse_count(argv[2], 3, INT_MAX) : -1;
  long n_args = argc > 5 ? parse_count(argv[5], 1, argc) : -1;
  long n_env = n_args > 0 && 6 + n_args < argc ? parse_count(argv[6 + n_args], 0, argc) : -1;
  if (go_fd < 0 || n_args < 0 || n_env < 0 || 7 + n_args + n_env != argc) {
    send_fail(PRTIP_STAGE_HELPER_ARGS, EINVAL);
    return 127;
  }
  const char* cgroup_dir = argv[3];
  const char* path = argv[4];
  char** program_argv = &argv[6];
  char** program_env = &argv[7 + n_args];
  argv[6 + n_args] = NULL; /* ends program_argv where the environment count was */

  /* Neither pipe end may reach the program. */
  fcntl(g_report_fd, F_SETFD, FD_CLOEXEC);
  fcntl((int)go_fd, F_SETFD, FD_CLOEXEC);
  /* Orphaned descendants come to us, not to init, so none outlives the run. */
  prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);

  /* Born in the run's cgroup when the kernel allows it; else forked here and moved by the spawner. */
  unsigned ready_flags = 0;
  pid_t pid = -1;
  if (cgroup_dir[0] != '\0') {
    int cgroup_fd = open(cgroup_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (cgroup_fd >= 0) {
      pid = fork_into_cgroup(cgroup_fd);
      if (pid >= 0) ready_flags = PRTIP_READY_IN_CGROUP;
      close(cgroup_fd);
    }
  }
  if (pid < 0) pid = fork();
  if (pid < 0) {
    send_fail(PRTIP_STAGE_FORK, errno);
    return 127;
  }
  if (pid == 0) {
    /* Its own process group, so a timeout or cancel can kill it and what it starts. */
    if (setpgid(0, 0) != 0) {
      send_fail(PRTIP_STAGE_SETPGID, errno);
      _exit(127);
    }
    struct prtip_helper_msg ready;
    memset(&ready, 0, sizeof(ready));
    ready.kind = PRTIP_MSG_READY;
    ready.pid = (int32_t)getpid();
    ready.flags = ready_flags;
    send_msg(&ready);
    char byte = 0;
    ssize_t got;
    do {
      got = read((int)go_fd, &byte, 1);
    } while (got < 0 && errno == EINTR);
    if (got != 1) {
      send_fail(PRTIP_STAGE_READ_GO, got == 0 ? ECANCELED : errno);
      _exit(127);
    }
    execve(path, program_argv, program_env);
    send_fail(PRTIP_STAGE_EXECVE, errno);
    _exit(127);
  }
  close((int)go_fd);
  /* A report to a spawner that died must not kill us before we clean up. */
  signal(SIGPIPE, SIG_IGN);

  int spawner_gone = 0;
  int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
  if (pidfd >= 0) {
    for (;;) {
      /* events 0 on the write end: woken only by POLLERR, when the spawner's read end closed. */
      struct pollfd fds[2] = {{pidfd, POLLIN, 0}, {g_report_fd, 0, 0}};
      int ready = poll(fds, 2, -1);
      if (ready < 0) {
        if (errno == EINTR) continue;
        break;
      }
      if (fds[1].revents & (POLLERR | POLLHUP | POLLNVAL)) {
        kill_program(pid, cgroup_dir);
        spawner_gone = 1;
        break;
      }
      if (fds[0].revents != 0) break;
    }
    close(pidfd);
  }
  struct prtip_helper_msg done;
  memset(&done, 0, sizeof(done));
  int status = 0;
  pid_t waited;
  do {
    waited = wait4(pid, &status, 0, &done.usage);
  } while (waited < 0 && errno == EINTR);
  done.kind = PRTIP_MSG_EXIT;
  done.pid = (int32_t)pid;
  done.status = status;
  done.err = waited == pid ? 0 : errno;
  done.leftovers = kill_leftovers();
  if (spawner_gone) {
    /* Nobody else will remove the run's cgroup; it empties as the killed processes exit. */
    double deadline = now_seconds() + 2.0;
    while (cgroup_dir[0] != '\0' && rmdir(cgroup_dir) != 0 && errno == EBUSY && now_seconds() < deadline) {
      struct timespec ts = {0, 1000000};
      nanosleep(&ts, NULL);
    }
    return 0;
  }
  send_msg(&done);
  return 0;
}
