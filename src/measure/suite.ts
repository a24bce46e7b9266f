/**
 * The suite contract: what every benchmark suite (bench/suites/*.bench.ts) is given and
 * returns. A suite measures and returns a SuiteResult; tables are built from it, and the
 * claims are judged once, after every suite (src/judge).
 */
import type { CriterionResults } from './criterion.js';
import type { SuiteResult } from '../model/result.js';

export interface SuiteContext {
  /** Shorter runs for CI (`--quick`). */
  quick: boolean;
  /** Explicit prtip binary (--prtip), if given. */
  prtip?: string;
  /** prtip's criterion results (--criterion DIR / PRTIP_CRITERION, --criterion-baseline NAME), read before any suite runs. */
  criterion?: CriterionResults;
  /** Aborted on Ctrl-C: suites stop and return what they have. */
  signal: AbortSignal;
  /** Progress line for long suites (quiet when not a TTY or in CI). */
  progress(message: string, done?: number, total?: number): void;
  /** Results of suites that already ran (the comparison uses the micro-benchmarks). */
  previous: ReadonlyMap<string, SuiteResult>;
  /** Set when this process is one fork of several (bench/fork.ts): the suite shortens its measuring by `measureScale`. */
  fork?: ForkInfo;
}

/** What a forked suite knows about its fork. */
export interface ForkInfo {
  /** 0-based fork number and how many forks the suite runs in. */
  index: number;
  count: number;
  /** Factor for the suite's measuring time (≈ 1/count, so N forks take about as long as one process did). */
  measureScale: number;
  /** The randomized layout of this process, recorded with every metric. */
  envPadBytes: number;
  heapPadBytes: number;
}

/** A suite's measuring time in ms, shortened in a fork but never below `floorMs`. */
export function scaledTime(ctx: SuiteContext, ms: number, floorMs = 10): number {
  return Math.max(floorMs, Math.round(ms * (ctx.fork?.measureScale ?? 1)));
}

/** A suite that did not run (status 'skipped', the reason said); a failure spreads it and sets status 'failed'. */
export function skippedSuite(name: string, title: string, reason: string): SuiteResult {
  return { suite: name, title, status: 'skipped', reason, durationMs: 0, tables: [], metrics: [], claims: [], warnings: [] };
}

export interface Suite {
  name: string;
  title: string;
  run(ctx: SuiteContext): Promise<SuiteResult>;
}
