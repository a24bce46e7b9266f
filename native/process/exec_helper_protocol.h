/* What the exec helper (exec_helper.c, built as build/Release/prtip-perf-exec) and the
 * spawner (spawn.cc) say to each other. Plain C so both can include it.
 *
 * argv of the helper:
 *   prtip-perf-exec REPORT_FD GO_FD CGROUP_DIR PATH ARGC ARG... ENVC ENV...
 * REPORT_FD: write end of a pipe to the spawner; GO_FD: read end of the "go" pipe;
 * CGROUP_DIR: the run's cgroup ("" when the run has none), killed if the spawner dies;
 * PATH: the program to exec; then its argv and its environment, each preceded by a count.
 * The helper itself runs with an empty environment, so nothing in the program's
 * environment (LD_PRELOAD, MALLOC_*) changes the helper. */
#ifndef PRTIP_EXEC_HELPER_PROTOCOL_H
#define PRTIP_EXEC_HELPER_PROTOCOL_H

#include <stdint.h>
#include <sys/resource.h>

#define PRTIP_HELPER_MAGIC 0x70726568u /* "preh" */
#define PRTIP_HELPER_NAME "prtip-perf-exec"

/* Message kinds, in the order they can arrive. */
enum prtip_helper_kind {
  PRTIP_MSG_READY = 1, /* pid: the program's process, stopped before execve, in its own process group */
  PRTIP_MSG_FAIL = 2,  /* stage + err: a step before the program ran failed (then EXIT may follow) */
  PRTIP_MSG_EXIT = 3   /* pid, status (wait4's), leftovers, usage: the program ended and was reaped */
};

/* READY flags. IN_CGROUP: the program was born in CGROUP_DIR (clone3 with CLONE_INTO_CGROUP),
 * so the spawner need not move it there (a move through cgroup.procs takes the cgroup
 * threadgroup lock for writing, which waits for an RCU grace period: milliseconds per run). */
#define PRTIP_READY_IN_CGROUP 1u

/* Where a failure happened; PRTIP_STAGE_NAMES below names them. */
enum prtip_helper_stage {
  PRTIP_STAGE_SETPGID = 0,
  PRTIP_STAGE_SETNS,
  PRTIP_STAGE_DUP2,
  PRTIP_STAGE_CHDIR,
  PRTIP_STAGE_READ_GO,
  PRTIP_STAGE_EXECVE,
  PRTIP_STAGE_HELPER_EXEC, /* the spawner's child could not exec the helper */
  PRTIP_STAGE_HELPER_ARGS, /* the helper was given arguments it does not understand */
  PRTIP_STAGE_FORK,
  PRTIP_STAGE_COUNT
};

#define PRTIP_STAGE_NAMES \
  { "setpgid", "setns", "dup2", "chdir", "read", "execve", "execve (exec helper)", "exec helper arguments", "fork" }

/* One message per write, smaller than PIPE_BUF, so each arrives whole. */
struct prtip_helper_msg {
  uint32_t magic;
  uint32_t kind;
  int32_t pid;
  int32_t stage;
  int32_t err;
  int32_t status;
  /* Descendants of the program still alive after it ended (re-parented to the helper,
   * which is a child subreaper) that the helper killed. */
  uint32_t leftovers;
  uint32_t flags; /* READY: PRTIP_READY_* */
  struct rusage usage;
};

#endif
