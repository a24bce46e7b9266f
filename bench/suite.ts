/**
 * The contract every bench/*.bench.ts file follows: it exports a Suite, and runs it
 * (printing its tables) when executed directly. bench/index.ts runs them all.
 */
import { setMaxListeners } from 'node:events';
import { availableParallelism, loadavg } from 'node:os';
import { delimiter } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type CriterionResults, readCriterion } from '../src/measure/criterion.js';
import { PerfError } from '../src/core/errors.js';
import type { SuiteResult, Table } from '../src/model/result.js';
import { claimsTable } from '../src/report/claims.js';
import { CLAIMS, judgeClaims, measurementsOf } from '../src/judge/index.js';
import { formatTable } from '../src/core/text.js';
import { ProgressLine } from '../src/core/progress.js';

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

export interface Suite {
  name: string;
  title: string;
  run(ctx: SuiteContext): Promise<SuiteResult>;
}

/**
 * prtip's criterion runs from --criterion DIR (repeatable; else PRTIP_CRITERION, several
 * directories separated by ":") and --criterion-baseline NAME[,NAME…] (default "new"): every
 * baseline of every directory is one run. Empty when no directory is named.
 * Throws TypeError/RangeError naming the option for a bad directory or baseline.
 */
export function criterionOption(dirs: readonly string[], baseline: string | undefined, env: NodeJS.ProcessEnv = process.env): CriterionResults[] {
  const fromEnv = dirs.length === 0;
  const chosen = fromEnv ? (env['PRTIP_CRITERION'] ?? '').split(delimiter).filter((d) => d !== '') : dirs;
  if (chosen.length === 0) {
    if (baseline !== undefined) throw new RangeError('--criterion-baseline needs --criterion DIR (or PRTIP_CRITERION)');
    return [];
  }
  const baselines = (baseline ?? 'new').split(',');
  if (baselines.some((b) => b === '')) throw new RangeError(`--criterion-baseline: expected NAME or NAME,NAME,…, got "${baseline}"`);
  return chosen.flatMap((dir) => baselines.map((b) => readCriterion(dir, b, fromEnv ? 'PRTIP_CRITERION' : '--criterion')));
}

/**
 * A context for running one suite on its own: --quick, --prtip and --criterion from `argv`, Ctrl-C
 * aborts `signal`, progress goes to `line` (a TTY-only status line by default).
 */
export function standaloneContext(argv: readonly string[] = process.argv.slice(2), line: ProgressLine = new ProgressLine()): SuiteContext {
  const prtipAt = argv.indexOf('--prtip');
  const valueOf = (option: string): string | undefined => (argv.indexOf(option) >= 0 ? argv[argv.indexOf(option) + 1] : undefined);
  const dirs = argv.flatMap((a, i) => (a === '--criterion' && argv[i + 1] !== undefined ? [argv[i + 1]!] : []));
  const criterion = criterionOption(dirs, valueOf('--criterion-baseline'))[0];
  const controller = new AbortController();
  // tinybench adds one abort listener per task; the default cap of 10 would warn about a leak that is not one.
  setMaxListeners(1000, controller.signal);
  process.once('SIGINT', () => controller.abort());
  return {
    quick: argv.includes('--quick'),
    ...(prtipAt >= 0 && argv[prtipAt + 1] ? { prtip: argv[prtipAt + 1]! } : {}),
    ...(criterion ? { criterion } : {}),
    signal: controller.signal,
    progress: (message, done, total) => line.update(message, done, total),
    previous: new Map(),
  };
}

/** Prints a suite's heading, tables and warnings. */
export function printSuite(result: SuiteResult): void {
  console.log(`\n== ${result.title} (${result.status}${result.reason ? `: ${result.reason}` : ''}) ==`);
  for (const table of result.tables) console.log(formatTable(table as Table));
  for (const w of result.warnings) console.log(`warning: ${w}`);
}

/** Runs the suite when its module is the program's entry point. */
export async function runIfMain(moduleUrl: string, suite: Suite): Promise<void> {
  if (process.argv[1] === undefined || pathToFileURL(process.argv[1]).href !== moduleUrl) return;
  const line = new ProgressLine();
  line.begin(suite.name);
  const result = await suite.run(standaloneContext(process.argv.slice(2), line));
  line.clear();
  printSuite(result);
  // Run alone, a suite shows the claims judged on it; the main job judges every claim together.
  const mine = new Set(CLAIMS.filter((c) => c.needs.includes(suite.name)).map((c) => c.id));
  const claims = judgeClaims(measurementsOf([result])).filter((c) => mine.has(c.id));
  if (claims.length > 0) console.log('\n' + formatTable(claimsTable(claims)));
  if (result.status === 'failed') process.exitCode = 1;
}

/**
 * A warning when the 1-min load (the worse of before and now) exceeds the CPUs: other
 * processes then shared the cores and the suite's times are inflated and noisier.
 */
export function busyMachineWarning(loadBefore: number): string | null {
  const load = Math.max(loadBefore, loadavg()[0]!), cpus = availableParallelism();
  if (load <= cpus - 0.5) return null;
  return `the machine was busy (1-min load ${load.toFixed(1)} on ${cpus} CPUs): other processes shared the cores, so times are inflated and noisier than on an idle machine`;
}

/** A suite that reports itself skipped, with the loader's message, when the addon is not built. */
export function skipWhenAddonMissing(name: string, title: string, run: (ctx: SuiteContext) => Promise<SuiteResult>): Suite {
  return {
    name,
    title,
    run: async (ctx) => {
      try {
        return await run(ctx);
      } catch (error) {
        if (!(error instanceof PerfError) || error.code !== 'ADDON_NOT_BUILT') throw error;
        return { suite: name, title, status: 'skipped', reason: error.message, durationMs: 0, tables: [], metrics: [], claims: [], warnings: [] };
      }
    },
  };
}
