/**
 * What the prtip suite records in its `data` for the judges and the report: its whole-binary
 * runs one by one, the strace runs of the documents' method beside all threads, the
 * interleaved comparison blocks and the recorded profiles. The suite writes these shapes; the
 * judges read them defensively (src/judge/families/prtip-runs.ts).
 */

/** One whole-binary run: times in ns, syscall counts by kind from tracepoints (all threads; null where not counted). */
export interface WholeRun {
  wallNs: number;
  userNs: number;
  sysNs: number;
  syscalls: Record<string, number | null>;
}

/** data.wholeRuns: per "tool/scenario", its measured runs (timed-out runs left out). */
export type WholeRunsData = Record<string, WholeRun[]>;

/** One strace -c run as the suite records it (src/measure/runner/strace.ts's StraceRun). */
export interface StraceRunData {
  threads: 'main' | 'all';
  mode: 'system-time' | 'wall-clock';
  wallNs: number;
  summary: { rows: { syscall: string; percentTime: number; seconds: number; calls: number; errors: number }[]; total: { seconds: number; calls: number; errors: number } };
}

/** data.strace.checks[i]: one scenario traced. */
export interface StraceCheckData {
  scenario: string;
  /** strace -c, no -f: the main thread, as the documents ran it (several runs). */
  main: StraceRunData[];
  /** strace -f -c: every thread (several runs, light scenarios only). */
  all: StraceRunData[];
  note: string;
}

/** data.comparisons[i]: one interleaved group (bench/suites/prtip.bench.ts runComparisonGroups). */
export interface ComparisonGroupData {
  id: string;
  a: string;
  bs: string[];
  blocks: Record<string, number[]>[];
  runsPerBlock: number;
}

/** One recorded profile a suite keeps for the report: who, what, and its folded stacks. */
export interface ReportProfile {
  tool: string;
  scenario: string;
  samples: number;
  folded: string;
}
