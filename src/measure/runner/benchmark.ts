/**
 * The benchmark loop, hyperfine's way: per command, setup once, warm-ups, then
 * runs (prepare → run → conclude each) until both a minimum count and a minimum
 * time are reached, bounded by a maximum count; cleanup once. Statistics and
 * warnings come from the runs; two commands compare as "A ran x ± y times faster".
 */
import { constants as osConstants } from 'node:os';
import { PerfError } from '../../core/errors.js';
import { madOutliers, mannWhitneyU, median, type Ratio, ratioWithUncertainty, type Summary, summarize, welchTTest } from '../../core/stats.js';
import { describe, expectBoolean, expectInteger, expectNumber, expectObject } from '../../core/validate.js';
import { DEFAULT_RUN_EVENTS, type SyscallKind, syscallsByKind } from './events.js';
import { type CommandSpec, commandName, type Executor, NativeExecutor } from './executor.js';
import { type RunRecord, validateArgv } from './spawn.js';

/** A hook around runs: another command (run without counters) or a function. */
export type Hook = CommandSpec | ((info: { command: string; runIndex: number }) => Promise<void> | void);

/** An isolated place for one run (e.g. a fresh network namespace); closed after the run. */
export interface RunEnvironment {
  netnsPath?: string;
  /** Replaces the command for this run (e.g. arguments naming this run's own interface). */
  command?: CommandSpec;
  close(): Promise<void> | void;
}

/**
 * `environment` with its command run under a tracer (strace, valgrind): `prefix` goes before
 * the command's argv and the run is named "`label` COMMAND". `onName` gets the command's own
 * name, for messages about the traced run. `caller` names the function in the error for an
 * environment that supplies no command.
 */
export function tracedEnvironment(
  environment: () => Promise<RunEnvironment>, prefix: readonly string[], label: string, caller: string, onName: (name: string) => void,
): () => Promise<RunEnvironment> {
  return async () => {
    const env = await environment();
    if (!env.command) {
      await env.close();
      throw new RangeError(`${caller}: the environment must supply the command to run under ${label.split(' ')[0]}`);
    }
    const name = env.command.name ?? env.command.argv.join(' ');
    onName(name);
    return { ...env, command: { ...env.command, argv: [...prefix, ...env.command.argv], name: `${label} ${name}` } };
  };
}

/** Options of benchmark(); every field has hyperfine's default. */
export interface BenchmarkOptions {
  /** Runs before measuring (default 1). */
  warmup?: number;
  /** At least this many measured runs (default 10). */
  minRuns?: number;
  /** At most this many (default 10 000). */
  maxRuns?: number;
  /** Keep running until this much wall time has been measured (default 3000 ms). */
  minTimeMs?: number;
  /** Per-run limit; the whole process group is killed (default 0: none). */
  timeoutMs?: number;
  /** Non-zero exit codes are recorded instead of failing (default false). */
  ignoreFailure?: boolean;
  /** Counted on every run (default DEFAULT_RUN_EVENTS). */
  events?: readonly string[];
  /** One perf_event group number per event (perf's {a,b}, see parseEventGroups); absent: one group for all. */
  eventGroups?: readonly number[];
  /** RSS timeline sampling interval (default 5 ms; 0 turns it off). */
  rssIntervalMs?: number;
  prepare?: Hook;
  conclude?: Hook;
  setup?: Hook;
  cleanup?: Hook;
  /** A fresh environment per run (warm-ups included), e.g. a network namespace. */
  environment?: () => Promise<RunEnvironment>;
  /** The child's stdout/stderr: "null" (default) or "inherit". */
  output?: 'null' | 'inherit';
  signal?: AbortSignal;
  /** Called after every measured run. */
  onRun?: (command: string, runIndex: number, record: RunRecord) => void;
  executor?: Executor;
}

/** Warnings about a command's runs, as hyperfine types them. */
export enum RunWarning {
  /** The first run was a gross outlier (cold caches); consider more warm-ups or --prepare. */
  SlowFirstRun = 'slow-first-run',
  /** Other runs were gross outliers (MAD-based modified z-score > 14). */
  Outliers = 'outliers',
  /** Some runs exited non-zero (only with ignoreFailure). */
  NonZeroExit = 'non-zero-exit',
  /** Runs under 5 ms: process start-up dominates what is measured. */
  FastExecution = 'fast-execution',
  /** Some counters were multiplexed (scaled estimates). */
  Multiplexed = 'counters-multiplexed',
  /** Some runs hit the timeout and were killed. */
  TimedOut = 'timed-out',
  /** Processes the command started outlived it and were killed (its cgroup, or its process group and orphans). */
  LeftoversKilled = 'leftovers-killed',
}

/** Per-command statistics. Times in ns, sizes in bytes; counters by event (medians and summaries). */
export interface CommandSummary {
  wall: Summary;
  user: Summary;
  sys: Summary;
  /** user + sys per run. */
  cpu: Summary;
  maxRss: Summary;
  counters: Record<string, Summary | null>;
  syscalls: Record<SyscallKind, number | null>;
  exitCodes: Record<string, number>;
}

/** One command's benchmark. */
export interface CommandResult {
  command: string;
  argv: string[];
  runs: RunRecord[];
  warmupRuns: number;
  summary: CommandSummary;
  warnings: RunWarning[];
  /** Indices of runs flagged as outliers (wall time). */
  outliers: number[];
}

/** "A ran x ± y times faster than B" with a significance test on wall time. */
export interface Comparison {
  faster: string;
  slower: string;
  ratio: Ratio;
  welch: { t: number; df: number; p: number };
  mannWhitney: { u: number; z: number; p: number };
  /** Which test the sentence quotes: Welch for n ≥ 30 each, Mann–Whitney otherwise (no normality assumed). */
  test: 'welch' | 'mann-whitney';
  p: number;
  sentence: string;
}

interface ResolvedOptions {
  warmup: number;
  minRuns: number;
  maxRuns: number;
  minTimeMs: number;
  timeoutMs: number;
  ignoreFailure: boolean;
  events: readonly string[];
  rssIntervalMs: number;
}

function resolveOptions(options: BenchmarkOptions): ResolvedOptions {
  expectObject('options', options);
  const warmup = options.warmup === undefined ? 1 : expectInteger('options.warmup', options.warmup, 0, 10_000);
  const minRuns = options.minRuns === undefined ? 10 : expectInteger('options.minRuns', options.minRuns, 1, 1_000_000);
  const maxRuns = options.maxRuns === undefined ? Math.max(10_000, minRuns) : expectInteger('options.maxRuns', options.maxRuns, 1, 1_000_000);
  if (maxRuns < minRuns) throw new RangeError(`options.maxRuns (${maxRuns}) must be at least options.minRuns (${minRuns})`);
  const minTimeMs = options.minTimeMs === undefined ? 3000 : expectNumber('options.minTimeMs', options.minTimeMs, 0, 24 * 3600e3);
  const timeoutMs = options.timeoutMs === undefined ? 0 : expectNumber('options.timeoutMs', options.timeoutMs, 0, 24 * 3600e3);
  const ignoreFailure = options.ignoreFailure === undefined ? false : expectBoolean('options.ignoreFailure', options.ignoreFailure);
  const rssIntervalMs = options.rssIntervalMs === undefined ? 5 : expectNumber('options.rssIntervalMs', options.rssIntervalMs, 0, 3600e3);
  if (options.events !== undefined && !Array.isArray(options.events)) throw new TypeError(`options.events must be an array of event names, got ${describe(options.events)}`);
  return { warmup, minRuns, maxRuns, minTimeMs, timeoutMs, ignoreFailure, events: options.events ?? DEFAULT_RUN_EVENTS, rssIntervalMs };
}

function checkCommand(command: unknown, name: string): CommandSpec {
  const c = expectObject(name, command) as unknown as CommandSpec;
  validateArgv(c.argv, `${name}.argv`);
  if (c.shell !== undefined) expectBoolean(`${name}.shell`, c.shell);
  return c;
}

async function runHook(hook: Hook | undefined, command: string, runIndex: number, executor: Executor, netnsPath: string | undefined, signal?: AbortSignal): Promise<void> {
  if (hook === undefined) return;
  if (typeof hook === 'function') {
    await hook({ command, runIndex });
    return;
  }
  const r = await executor.run(hook, { events: [], timeoutMs: 0, rssIntervalMs: 0, ...(netnsPath ? { netnsPath } : {}), ...(signal ? { signal } : {}) });
  if (r.exitCode !== 0) {
    throw new PerfError(`hook "${commandName(hook)}" for "${command}" failed (exit ${r.exitCode ?? `signal ${r.signal}`})`, { code: 'HOOK_FAILED' });
  }
}

/** Runs one command per the options and returns its runs and statistics. */
export async function benchmarkCommand(command: CommandSpec, options: BenchmarkOptions = {}): Promise<CommandResult> {
  const spec = checkCommand(command, 'command');
  const o = resolveOptions(options);
  const executor = options.executor ?? new NativeExecutor();
  const name = commandName(spec);
  const runs: RunRecord[] = [];
  const output = options.output ?? 'null';

  const oneRun = async (runIndex: number): Promise<RunRecord> => {
    const env = options.environment ? await options.environment() : undefined;
    try {
      await runHook(options.prepare, name, runIndex, executor, env?.netnsPath, options.signal);
      const record = await executor.run(env?.command ?? spec, {
        events: o.events,
        ...(options.eventGroups ? { eventGroups: options.eventGroups } : {}),
        timeoutMs: o.timeoutMs,
        rssIntervalMs: o.rssIntervalMs,
        stdout: output,
        stderr: output,
        ...(env?.netnsPath ? { netnsPath: env.netnsPath } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
      await runHook(options.conclude, name, runIndex, executor, env?.netnsPath, options.signal);
      return record;
    } finally {
      await env?.close();
    }
  };

  const check = (record: RunRecord, runIndex: number): void => {
    if (record.cancelled) throw new PerfError(`"${name}" was cancelled`, { code: 'ABORTED' });
    const failed = record.exitCode !== 0;
    if (failed && !o.ignoreFailure) {
      const how = record.timedOut ? `timed out after ${o.timeoutMs} ms` : record.exitCode === null ? `was killed by signal ${record.signal}` : `exited with code ${record.exitCode}`;
      throw new PerfError(`"${name}" ${how} (run ${runIndex + 1}); use --ignore-failure to keep measuring`, { code: 'COMMAND_FAILED' });
    }
  };

  await runHook(options.setup, name, -1, executor, undefined, options.signal);
  try {
    for (let i = 0; i < o.warmup; i++) {
      if (options.signal?.aborted) break;
      check(await oneRun(-1 - i), -1 - i);
    }
    let measuredNs = 0;
    while (runs.length < o.maxRuns && (runs.length < o.minRuns || measuredNs < o.minTimeMs * 1e6)) {
      if (options.signal?.aborted) break;
      const record = await oneRun(runs.length);
      check(record, runs.length);
      runs.push(record);
      measuredNs += record.wallNs;
      options.onRun?.(name, runs.length - 1, record);
    }
  } finally {
    await runHook(options.cleanup, name, -1, executor, undefined, options.signal);
  }
  if (runs.length === 0) throw new PerfError(`"${name}": no run completed (aborted)`, { code: 'ABORTED' });
  return analyse(name, [...spec.argv], runs, o.warmup);
}

/**
 * The runs that are samples: a run killed at the timeout (kept with --ignore-failure) lasted
 * as long as the timeout, not as long as the command, so its time and counts describe nothing.
 */
export function sampledRuns(runs: readonly RunRecord[]): RunRecord[] {
  return runs.filter((r) => !r.timedOut);
}

/**
 * Statistics and warnings for a set of runs (exported for tests and for merged results).
 * Every run is kept in `runs`; the statistics cover the sampled ones (see sampledRuns).
 */
export function analyse(command: string, argv: string[], allRuns: RunRecord[], warmupRuns: number): CommandResult {
  const runs = sampledRuns(allRuns);
  if (runs.length === 0) {
    throw new PerfError(`"${command}": all ${allRuns.length} run(s) hit the timeout, so none measured the command; raise --timeout`, { code: 'NO_SAMPLES' });
  }
  const wall = runs.map((r) => r.wallNs);
  const events = new Set(runs.flatMap((r) => Object.keys(r.counters)));
  const counters: Record<string, Summary | null> = {};
  for (const ev of events) {
    const vals = runs.map((r) => r.counters[ev]?.value).filter((v): v is number => typeof v === 'number');
    counters[ev] = vals.length > 0 ? summarize(vals) : null;
  }
  const perRunSyscalls = runs.map((r) => syscallsByKind(r.counters));
  const syscalls = {} as Record<SyscallKind, number | null>;
  for (const kind of Object.keys(perRunSyscalls[0] ?? {}) as SyscallKind[]) {
    const vals = perRunSyscalls.map((s) => s[kind]).filter((v): v is number => v !== null);
    syscalls[kind] = vals.length > 0 ? median(vals) : null;
  }
  const exitCodes: Record<string, number> = {};
  for (const r of allRuns) {
    const key = r.timedOut ? 'timeout' : r.exitCode === null ? `signal ${r.signal}` : String(r.exitCode);
    exitCodes[key] = (exitCodes[key] ?? 0) + 1;
  }
  const summary: CommandSummary = {
    wall: summarize(wall),
    user: summarize(runs.map((r) => r.userNs)),
    sys: summarize(runs.map((r) => r.sysNs)),
    cpu: summarize(runs.map((r) => r.userNs + r.sysNs)),
    maxRss: summarize(runs.map((r) => r.maxRssBytes)),
    counters,
    syscalls,
    exitCodes,
  };
  const outliers = madOutliers(wall);
  const warnings: RunWarning[] = [];
  if (outliers.includes(0)) warnings.push(RunWarning.SlowFirstRun);
  if (outliers.some((i) => i !== 0)) warnings.push(RunWarning.Outliers);
  if (runs.some((r) => r.exitCode !== 0)) warnings.push(RunWarning.NonZeroExit);
  if (summary.wall.mean < 5e6) warnings.push(RunWarning.FastExecution);
  if (runs.some((r) => Object.values(r.counters).some((c) => c.state === 'counted' && c.runningNs < c.enabledNs))) warnings.push(RunWarning.Multiplexed);
  if (allRuns.some((r) => r.timedOut)) warnings.push(RunWarning.TimedOut);
  if (allRuns.some((r) => r.leftoversKilled)) warnings.push(RunWarning.LeftoversKilled);
  return { command, argv, runs: allRuns, warmupRuns, summary, warnings, outliers };
}

/** People-readable text for a warning. */
export function warningText(w: RunWarning, result: CommandResult): string {
  switch (w) {
    case RunWarning.SlowFirstRun:
      return `the first run of "${result.command}" was much slower than the rest (cold caches?): add warm-ups (-w) or a --prepare command`;
    case RunWarning.Outliers:
      return `"${result.command}" had ${result.outliers.length} statistical outlier(s) (MAD modified z > 14): another process or the VM host may have interfered`;
    case RunWarning.NonZeroExit:
      return `"${result.command}" exited non-zero in some runs: ${exitCodesText(result.summary.exitCodes)}`;
    case RunWarning.FastExecution:
      return `"${result.command}" took under 5 ms: process start-up dominates; the numbers describe exec more than the program`;
    case RunWarning.Multiplexed:
      return `some counters on "${result.command}" were multiplexed: values are scaled estimates`;
    case RunWarning.TimedOut: {
      const n = result.summary.exitCodes['timeout'] ?? 0;
      return `"${result.command}" hit the timeout in ${n} of ${result.runs.length} runs (killed with everything it started); those runs are not counted as samples`;
    }
    case RunWarning.LeftoversKilled:
      return `processes started by "${result.command}" outlived it and were killed when it ended`;
  }
}

/** "signal 9" → "signal 9 (SIGKILL)". */
function signalText(key: string): string {
  const number = Number(/^signal (\d+)$/.exec(key)?.[1]);
  const name = Object.entries(osConstants.signals).find(([, n]) => n === number)?.[0];
  return name ? `${key} (${name})` : key;
}

/** Exit statuses for people: "exit code 3 in 2 runs, signal 9 in 1 run" (keys as in CommandSummary.exitCodes). */
export function exitCodesText(exitCodes: Readonly<Record<string, number>>): string {
  return Object.entries(exitCodes)
    .map(([key, n]) => `${/^-?\d+$/.test(key) ? `exit code ${key}` : key === 'timeout' ? 'timed out' : signalText(key)} in ${n} run${n === 1 ? '' : 's'}`)
    .join(', ');
}

/**
 * Compares two commands' wall times: which is faster, by how much (ratio of means,
 * σ propagated), and whether the difference is significant.
 */
export function compare(a: CommandResult, b: CommandResult): Comparison {
  const wa = sampledRuns(a.runs).map((r) => r.wallNs), wb = sampledRuns(b.runs).map((r) => r.wallNs);
  const aFaster = a.summary.wall.mean <= b.summary.wall.mean;
  const [fast, slow] = aFaster ? [a, b] : [b, a];
  const ratio = ratioWithUncertainty(aFaster ? wb : wa, aFaster ? wa : wb);
  const welch = welchTTest(wa, wb);
  const mw = mannWhitneyU(wa, wb);
  const test = wa.length >= 30 && wb.length >= 30 ? 'welch' : 'mann-whitney';
  const p = test === 'welch' ? welch.p : mw.p;
  const sentence = `"${fast.command}" ran ${ratio.ratio.toFixed(2)} ± ${ratio.stddev.toFixed(2)} times faster than "${slow.command}" ` +
    `(${test === 'welch' ? "Welch's t" : 'Mann-Whitney U'} p = ${formatP(p)}${p < 0.05 ? '' : ', not significant at 0.05'})`;
  return { faster: fast.command, slower: slow.command, ratio, welch, mannWhitney: mw, test, p, sentence };
}

function formatP(p: number): string {
  if (Number.isNaN(p)) return 'n/a';
  return p < 1e-4 ? p.toExponential(1) : p.toFixed(4);
}
