/**
 * The events the runner counts on a child by default: software events and
 * syscall tracepoints everywhere, hardware events where a PMU exists (they are
 * reported "unsupported" with the reason otherwise, never as zeros).
 */

/** Syscall kinds the documents' strace tables used, mapped to their enter tracepoints. */
export const SYSCALL_TRACEPOINTS = {
  total: 'raw_syscalls:sys_enter',
  futex: 'syscalls:sys_enter_futex',
  sendto: 'syscalls:sys_enter_sendto',
  sendmmsg: 'syscalls:sys_enter_sendmmsg',
  recvfrom: 'syscalls:sys_enter_recvfrom',
  recvmmsg: 'syscalls:sys_enter_recvmmsg',
  connect: 'syscalls:sys_enter_connect',
  brk: 'syscalls:sys_enter_brk',
  mmap: 'syscalls:sys_enter_mmap',
} as const;

/** A syscall kind the runner breaks counts down by. */
export type SyscallKind = keyof typeof SYSCALL_TRACEPOINTS;

/** The kinds that count as network I/O in the documents' "network syscalls" share. */
export const NETWORK_SYSCALLS: readonly SyscallKind[] = ['sendto', 'sendmmsg', 'recvfrom', 'recvmmsg', 'connect'];

export const SOFTWARE_EVENTS = ['task-clock', 'context-switches', 'cpu-migrations', 'page-faults'] as const;
export const HARDWARE_EVENTS = ['cycles', 'instructions'] as const;

/** Everything counted by default: 15 events, one group. */
export const DEFAULT_RUN_EVENTS: readonly string[] = [
  ...SOFTWARE_EVENTS,
  ...HARDWARE_EVENTS,
  ...Object.values(SYSCALL_TRACEPOINTS),
];

/** Per-kind syscall counts from a run's counters (null where the tracepoint was not counted). */
export function syscallsByKind(counters: Record<string, { value: number | null }>): Record<SyscallKind, number | null> {
  const out = {} as Record<SyscallKind, number | null>;
  for (const [kind, tp] of Object.entries(SYSCALL_TRACEPOINTS) as [SyscallKind, string][]) out[kind] = counters[tp]?.value ?? null;
  return out;
}
