/**
 * What `compare` measures on every run of a build: the metrics, how each is read from a
 * run record, how a block's two runs of a build become one level, and which of them the
 * regression gate looks at.
 */
import { SYSCALL_TRACEPOINTS, type SyscallKind } from '../runner/events.js';
import type { RunRecord } from '../runner/spawn.js';

/** One metric of a whole run. */
export interface CompareMetric {
  id: string;
  unit: string;
  /** What it is, for the table's notes. */
  what: string;
  /**
   * How a block's runs of one build become its level. 'geomean' for every metric: prtip's
   * own run-to-run variation (its threads on two busy cores) dominates the machine's, so
   * the fastest run of a block is not the least disturbed one but a noisier statistic: in
   * 80 A/A blocks of syn-scan-1k here (load 4.7) the block log ratios' sd was 0.227 with
   * the geometric mean against 0.262 with the minimum (CPU: 0.111 against 0.138).
   */
  level: 'geomean' | 'geomean';
  /** --fail-on-regression and --bisect look at it (what a user means by "slower"). */
  gated: boolean;
  /** A noise threshold of its own (fraction) when the metric moves between identical builds by more than the default. */
  noiseFloor?: number;
  read(r: RunRecord): number | null;
}

const counter = (r: RunRecord, event: string): number | null => {
  const c = r.counters[event];
  return c && c.state === 'counted' && typeof c.value === 'number' ? c.value : null;
};

/** Syscall kinds shown per kind besides the total (the strace tables' kinds). */
const SYSCALL_KINDS: readonly SyscallKind[] = ['futex', 'connect', 'sendto', 'sendmmsg', 'recvfrom', 'recvmmsg', 'brk', 'mmap'];

export const COMPARE_METRICS: readonly CompareMetric[] = [
  { id: 'wall', unit: 'ns', what: 'wall time from releasing the child to reaping it', level: 'geomean', gated: true, read: (r) => r.wallNs },
  { id: 'cpu', unit: 'ns', what: 'user + system CPU of the program and everything it started (wait4)', level: 'geomean', gated: true, read: (r) => r.userNs + r.sysNs },
  { id: 'user', unit: 'ns', what: 'user CPU', level: 'geomean', gated: false, read: (r) => r.userNs },
  { id: 'sys', unit: 'ns', what: 'system CPU', level: 'geomean', gated: false, read: (r) => r.sysNs },
  { id: 'peak-rss', unit: 'B', what: 'peak resident set (VmHWM of the program, or wait4\'s ru_maxrss)', level: 'geomean', gated: true, read: (r) => r.maxRssBytes,
    // Two copies of one binary differed by 1.5% in peak RSS here (interval -2.1 … -1.0%, 90 blocks): its
    // file-backed pages depend on how the page cache holds each copy, not on the code. 3% sits above that.
    noiseFloor: 0.03 },
  { id: 'context-switches', unit: 'count', what: 'context switches (software event, inherited)', level: 'geomean', gated: false, read: (r) => counter(r, 'context-switches') },
  { id: 'page-faults', unit: 'count', what: 'page faults (software event, inherited)', level: 'geomean', gated: false, read: (r) => counter(r, 'page-faults') },
  { id: 'instructions', unit: 'count', what: 'instructions retired (hardware PMU; absent without one)', level: 'geomean', gated: false, read: (r) => counter(r, 'instructions') },
  { id: 'syscalls', unit: 'count', what: 'all syscalls (raw_syscalls:sys_enter tracepoint)', level: 'geomean', gated: false, read: (r) => counter(r, SYSCALL_TRACEPOINTS.total) },
  ...SYSCALL_KINDS.map((k): CompareMetric => ({
    id: `syscalls/${k}`, unit: 'count', what: `${k} calls (${SYSCALL_TRACEPOINTS[k]})`, level: 'geomean', gated: false, read: (r) => counter(r, SYSCALL_TRACEPOINTS[k]),
  })),
];

/** The metric by id (RangeError naming the known ones otherwise). */
export function compareMetric(id: string): CompareMetric {
  const m = COMPARE_METRICS.find((x) => x.id === id);
  if (!m) throw new RangeError(`unknown metric "${id}"; expected one of ${COMPARE_METRICS.map((x) => x.id).join(', ')}`);
  return m;
}
