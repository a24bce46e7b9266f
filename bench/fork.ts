/**
 * Forks: the unit of replication for the in-process suites is a fresh Node process,
 * as in JMH. On a VM the process moves a kernel's time more than anything inside it
 * (where its buffers land, the CPU it runs on, its JIT, the neighbours), so one process's
 * samples are not independent evidence. Each fork warms up and measures for a share of
 * the suite's time; what cannot be fixed is randomized per fork and recorded: the size of
 * the environment (a padding variable, as hyperfine randomizes it) and the heap offset of
 * the measured buffers (a random allocation made before them). The parent merges: per
 * metric the fork summaries, pooled samples, and the median of the fork medians.
 */
import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { FORK_DIR_PREFIX } from '../src/measure/leftovers.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ForkSummary, Metric, SuiteResult, Table } from '../src/model/result.js';
import { cvPercent, hierarchicalBootstrap, max, median, min, quantile } from '../src/core/stats.js';
import type { SuiteContext } from './suite.js';

/** The padding variable's name: its length (0 … ENV_PAD_MAX bytes) moves the initial stack. */
export const ENV_PAD_VARIABLE = 'PRTIP_PERF_ENV_PAD';
const ENV_PAD_MAX = 4095;
/** The heap padding: 0 … 64 KiB in 64-byte steps (below malloc's mmap threshold, so it shifts the heap). */
const HEAP_PAD_MAX = 65536;
const HEAP_PAD_STEP = 64;
/** Fork medians further apart than this factor make a warning: the process, not the code, moved the metric. */
export const FORK_DISAGREEMENT_RATIO = 1.25;
/** A fork that takes longer than this is killed (each suite's own bounds are far below it). */
const FORK_TIMEOUT_MS = 10 * 60_000;
/** Pooled samples are kept as at most this many quantiles. */
const POOLED_GRID = 101;

/** One fork's facts, recorded in the suite's data and in every metric's fork summary. */
export interface ForkMeta {
  fork: number;
  pid: number | null;
  envPadBytes: number;
  heapPadBytes: number;
  /** The CPU the fork was on when it finished (from /proc/self/stat), or null. */
  cpu: number | null;
  durationMs: number;
}

/** What one fork came back with: its suite result, or why there is none. */
export interface ForkOutcome {
  meta: ForkMeta;
  result?: SuiteResult;
  error?: string;
}

/** The message a fork child writes to its result file. */
export interface ForkMessage {
  result: SuiteResult;
  cpu: number | null;
}

/** The compiled child script: beside this module in dist/, or dist/bench/ when this runs from source (vitest). */
function childScript(): string {
  const here = fileURLToPath(import.meta.url);
  const candidates = here.endsWith('.ts') ? [join(here, '..', '..', 'dist', 'bench', 'fork-child.js')] : [join(here, '..', 'fork-child.js')];
  for (const c of candidates) if (existsSync(c)) return c;
  throw new Error(`cannot find the fork child script (looked for ${candidates.join(', ')}); run npm run build:ts`);
}

/** Non-finite numbers travel as null in JSON: restore them in metrics. */
function restoreNumbers(result: SuiteResult): SuiteResult {
  for (const m of result.metrics) {
    if (m.value === null) m.value = NaN;
    m.samples = m.samples.map((x) => (x === null ? NaN : x));
  }
  return result;
}

/** Runs one fork of suite `name`; never throws (a failure comes back as `error`). */
async function runFork(name: string, ctx: SuiteContext, index: number, count: number, measureScale: number): Promise<ForkOutcome> {
  const envPadBytes = randomInt(0, ENV_PAD_MAX + 1);
  const heapPadBytes = randomInt(0, HEAP_PAD_MAX / HEAP_PAD_STEP) * HEAP_PAD_STEP;
  const meta: ForkMeta = { fork: index, pid: null, envPadBytes, heapPadBytes, cpu: null, durationMs: 0 };
  // Our pid in the name: a later run's sweep removes it if this process is SIGKILLed.
  const dir = mkdtempSync(join(tmpdir(), `${FORK_DIR_PREFIX}${process.pid}-`));
  liveForkDirs.add(dir);
  const resultFile = join(dir, 'result.json');
  const args = [childScript(), '--suite', name, '--fork', String(index), '--forks', String(count), '--measure-scale', String(measureScale),
    '--heap-pad', String(heapPadBytes), '--env-pad', String(envPadBytes), '--result', resultFile];
  if (ctx.quick) args.push('--quick');
  if (ctx.prtip !== undefined) args.push('--prtip', ctx.prtip);
  const started = Date.now();
  try {
    const child = spawn(process.execPath, args, {
      env: { ...process.env, [ENV_PAD_VARIABLE]: 'x'.repeat(envPadBytes) },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    meta.pid = child.pid ?? null;
    let stderr = '';
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (d: string) => { if (stderr.length < 20_000) stderr += d; });
    // Ctrl-C: the child stops its suite (it cleans up its namespaces), then writes what it has.
    const onAbort = (): void => { child.kill('SIGINT'); };
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => child.kill('SIGKILL'), FORK_TIMEOUT_MS);
    const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>((resolve) => {
      child.once('error', (error) => resolve({ code: null, signal: null, error }));
      child.once('close', (code, signal) => resolve({ code, signal }));
    });
    clearTimeout(timer);
    ctx.signal.removeEventListener('abort', onAbort);
    meta.durationMs = Date.now() - started;
    if (exit.error) return { meta, error: `cannot start the fork: ${exit.error.message}` };
    if (!existsSync(resultFile)) {
      const last = stderr.trim().split('\n').slice(-3).join(' | ');
      return { meta, error: `the fork exited (${exit.signal ?? `status ${exit.code}`}) without a result${last ? `: ${last}` : ''}` };
    }
    const message = JSON.parse(readFileSync(resultFile, 'utf8')) as ForkMessage;
    meta.cpu = message.cpu;
    return { meta, result: restoreNumbers(message.result) };
  } catch (err) {
    meta.durationMs = Date.now() - started;
    return { meta, error: (err as Error).message };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    liveForkDirs.delete(dir);
  }
}

/** Fork folders in use, removed on every exit path that runs exit hooks (process.exit after a third Ctrl-C). */
const liveForkDirs = new Set<string>();
process.on('exit', () => { for (const d of liveForkDirs) rmSync(d, { recursive: true, force: true }); });

/** Runs suite `name` in `count` fresh processes, one after another, and merges them. */
export async function runSuiteInForks(name: string, title: string, ctx: SuiteContext, count: number): Promise<SuiteResult> {
  if (!Number.isInteger(count) || count < 1 || count > 100) throw new RangeError(`forks: expected an integer from 1 to 100, got ${String(count)}`);
  const started = Date.now();
  const outcomes: ForkOutcome[] = [];
  const measureScale = forkMeasureScale(count);
  for (let i = 0; i < count; i++) {
    if (ctx.signal.aborted) break;
    ctx.progress(`${name}: fork ${i + 1}/${count}`, i, count);
    outcomes.push(await runFork(name, ctx, i, count, measureScale));
  }
  const merged = mergeForkResults(name, title, outcomes);
  if (outcomes.length < count) merged.warnings.push(`interrupted: ${outcomes.length} of ${count} forks ran`);
  return { ...merged, durationMs: Date.now() - started };
}

/**
 * How much of the single-process measuring time each of `count` forks gets: the whole
 * for one fork, then about 1/count (each fork also pays its start-up and warm-up).
 */
export function forkMeasureScale(count: number): number {
  return count <= 1 ? 1 : Math.min(1, 1.2 / count);
}

function finite(xs: readonly (number | null)[]): number[] {
  return xs.filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
}

/** Pooled samples: all of them, or an even quantile grid when there are many. */
function pooled(xs: number[]): number[] {
  if (xs.length <= POOLED_GRID) return xs;
  return Array.from({ length: POOLED_GRID }, (_, q) => quantile(xs, q / (POOLED_GRID - 1)));
}

/** A metric measured by several forks: fork summaries, pooled samples, value = median of fork medians. */
export function mergeMetric(parts: readonly { meta: ForkMeta; metric: Metric }[]): Metric {
  const first = parts[0]!.metric;
  const forks: ForkSummary[] = parts.map(({ meta, metric }) => {
    const xs = finite(metric.samples);
    return {
      fork: meta.fork, median: metric.value, n: xs.length, min: xs.length ? min(xs) : NaN, max: xs.length ? max(xs) : NaN,
      envPadBytes: meta.envPadBytes, heapPadBytes: meta.heapPadBytes, samples: metric.samples,
    };
  });
  const medians = finite(forks.map((f) => f.median));
  return {
    name: first.name, unit: first.unit, better: first.better,
    value: medians.length ? median(medians) : NaN,
    samples: pooled(forks.flatMap((f) => finite(f.samples))),
    forks,
  };
}

/** The fork whose metrics sit closest to the merged values (its tables are the ones shown). */
function typicalFork(outcomes: readonly ForkOutcome[], merged: ReadonlyMap<string, Metric>): ForkOutcome {
  let best = outcomes[0]!, bestScore = Infinity;
  for (const o of outcomes) {
    const distances: number[] = [];
    for (const m of o.result!.metrics) {
      const all = merged.get(`${m.name}\u00000`);
      if (all && m.value > 0 && all.value > 0) distances.push(Math.abs(Math.log(m.value / all.value)));
    }
    const score = distances.length ? median(distances) : Infinity;
    if (score < bestScore) {
      bestScore = score;
      best = o;
    }
  }
  return best;
}

/** Between-process summary of every metric: the table the comparisons and gate stand on. */
function betweenProcessTable(metrics: readonly Metric[], forkCount: number): Table {
  const rows: Table['rows'] = [];
  for (const m of metrics) {
    const forks = m.forks ?? [];
    const medians = finite(forks.map((f) => f.median));
    const interval = hierarchicalBootstrap(forks.map((f) => f.samples), { resamples: 1000, seed: m.name });
    const cv = cvPercent(medians);
    rows.push([
      m.name, m.unit, round(m.value),
      interval && forks.length > 1 ? `${round(interval.low)} … ${round(interval.high)}` : null,
      medians.length ? `${round(min(medians))} … ${round(max(medians))}` : null,
      Number.isFinite(cv) ? `${cv.toFixed(1)}%` : null,
      medians.length,
    ]);
  }
  return {
    title: `Between processes (${forkCount} forks)`,
    columns: ['metric', 'unit', 'median of fork medians', '95% interval', 'fork medians min … max', 'CV of fork medians', 'forks'],
    rows,
    notes: [
      'each fork is a fresh process that warms up and then measures; environment size and heap offset are randomized per fork (recorded in bench.json)',
      '95% interval: hierarchical bootstrap (forks with replacement, then samples within each); baseline comparisons test the fork medians (Welch on logs)',
    ],
  };
}

function round(x: number): number {
  if (!Number.isFinite(x)) return x;
  const digits = Math.abs(x) >= 100 ? 1 : Math.abs(x) >= 1 ? 3 : 4;
  return Number(x.toFixed(digits));
}

/** Metrics whose fork medians disagree by more than FORK_DISAGREEMENT_RATIO, worst first. */
export function disagreeingMetrics(metrics: readonly Metric[], ratio = FORK_DISAGREEMENT_RATIO): { metric: Metric; ratio: number; low: number; high: number }[] {
  const out: { metric: Metric; ratio: number; low: number; high: number }[] = [];
  for (const m of metrics) {
    const medians = finite((m.forks ?? []).map((f) => f.median)).filter((x) => x > 0);
    if (medians.length < 2) continue;
    const low = min(medians), high = max(medians);
    if (high / low > ratio) out.push({ metric: m, ratio: high / low, low, high });
  }
  return out.sort((a, b) => b.ratio - a.ratio);
}

/**
 * Merges the forks of one suite. Metrics: by name, each with its fork summaries.
 * Tables and data: from the most typical fork (named in a note), plus a between-process
 * table. Warnings: each once.
 */
export function mergeForkResults(name: string, title: string, outcomes: readonly ForkOutcome[]): SuiteResult {
  const ok = outcomes.filter((o) => o.result !== undefined && o.result.status === 'ok');
  const failures = outcomes.filter((o) => o.result === undefined || o.result.status === 'failed');
  const forkData = outcomes.map((o) => ({ ...o.meta, status: o.result?.status ?? 'failed', ...(o.error ? { error: o.error } : {}) }));
  const failureText = (o: ForkOutcome): string => `fork ${o.meta.fork + 1}: ${o.error ?? o.result?.reason ?? 'failed'}`;
  if (ok.length === 0) {
    const skipped = outcomes.find((o) => o.result?.status === 'skipped');
    if (skipped && failures.length === 0) return { ...skipped.result!, data: { ...skipped.result!.data, forks: forkData } };
    return {
      suite: name, title, status: 'failed', reason: outcomes.length ? failures.map(failureText).join('; ') : 'no fork ran',
      durationMs: 0, tables: [], metrics: [], claims: [], warnings: [], data: { forks: forkData },
    };
  }

  // Keyed by name and occurrence, so a name a suite reports twice stays two metrics.
  const byName = new Map<string, { meta: ForkMeta; metric: Metric }[]>();
  for (const o of ok) {
    const seen = new Map<string, number>();
    for (const metric of o.result!.metrics) {
      const k = seen.get(metric.name) ?? 0;
      seen.set(metric.name, k + 1);
      const key = `${metric.name}\u0000${k}`;
      if (!byName.has(key)) byName.set(key, []);
      byName.get(key)!.push({ meta: o.meta, metric });
    }
  }
  const merged = new Map<string, Metric>();
  for (const [metricName, parts] of byName) merged.set(metricName, mergeMetric(parts));
  const metrics = [...merged.values()];
  const typical = typicalFork(ok, merged);


  const warnings = [...new Set(ok.flatMap((o) => o.result!.warnings))];
  for (const o of failures) warnings.push(`${failureText(o)} (left out of the merge)`);
  const disagree = disagreeingMetrics(metrics);
  if (disagree.length > 0) {
    const worst = disagree.slice(0, 4).map((d) => `${d.metric.name} ${round(d.low)} … ${round(d.high)} ${d.metric.unit} (${d.ratio.toFixed(2)}x)`).join('; ');
    // Which CPU each fork ended on, beside its median: a slow group on one CPU points at the host (a busy neighbour).
    const cpuOf = new Map(outcomes.map((o) => [o.meta.fork, o.meta.cpu]));
    const byFork = (disagree[0]!.metric.forks ?? []).map((f) => `${round(f.median)}@cpu${cpuOf.get(f.fork) ?? '?'}`).join(', ');
    warnings.push(`the processes disagree: on ${disagree.length} metric(s) the fork medians differ by more than ${FORK_DISAGREEMENT_RATIO}x (${worst}; worst by fork: ${byFork}). ` +
      'Within a process these kernels are stable, so this is the machine (which CPU and which neighbour a process lands on, its memory layout), not the code: trust the between-process interval, not one run');
  }

  const tables: Table[] = typical.result!.tables.map((t, i) => (i === 0
    ? { ...t, notes: [...(t.notes ?? []), `tables from fork ${typical.meta.fork + 1} of ${outcomes.length}, the one closest to the median of all forks; metric values are medians of fork medians`] }
    : t));
  if (ok.length > 1) tables.push(betweenProcessTable(metrics, ok.length));

  return {
    suite: name,
    title: typical.result!.title,
    status: 'ok',
    durationMs: outcomes.reduce((a, o) => a + o.meta.durationMs, 0),
    tables,
    metrics,
    // Claims are judged after every suite, on the merged metrics (src/judge/), not per fork.
    claims: [],
    warnings,
    data: { ...typical.result!.data, forks: forkData, typicalFork: typical.meta.fork },
  };
}
