/**
 * Baselines: a saved BenchResult that later runs are compared with, metric by metric,
 * and the CI gate on top. A change counts only when it is both larger than the noise
 * threshold and statistically significant (Mann-Whitney U over the Metric samples);
 * the confidence interval of the change comes from a bootstrap of the two medians.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseBenchResult, stringifyBenchResult } from './report/json.js';
import type { BenchResult, Metric, Table } from './report/result.js';
import { mannWhitneyU } from './stats.js';
import { nearNames } from './validate.js';

/** Where baselines live unless --baseline-dir says otherwise (relative to the working directory). */
export const DEFAULT_BASELINE_DIR = '.prtip-perf/baselines';
/** Changes smaller than this (in %) are noise, whatever the p-value. */
export const DEFAULT_NOISE_THRESHOLD_PCT = 2;
/** Significance level for the p-value. */
export const DEFAULT_ALPHA = 0.05;

/** What happened to one metric since the baseline. */
export type ChangeVerdict = 'improved' | 'regressed' | 'no change' | 'new' | 'missing';

/** One metric against its baseline. */
export interface MetricComparison {
  name: string;
  suite: string;
  unit: string;
  better: Metric['better'];
  baseline: number | null;
  current: number | null;
  /** (current − baseline) / baseline × 100, from the medians; null when either side is missing. */
  changePct: number | null;
  /** 95% bootstrap interval of changePct; null without samples on both sides. */
  ci: [number, number] | null;
  /** Two-sided Mann-Whitney U p-value of the samples; null without samples on both sides. */
  p: number | null;
  verdict: ChangeVerdict;
}

/** A whole run against a baseline. */
export interface BaselineComparison {
  baselineName: string;
  baselineStartedAt: string;
  baselineCommit: string | null;
  noiseThresholdPct: number;
  alpha: number;
  rows: MetricComparison[];
  /** Differences between the two machines that make the comparison doubtful. */
  machineWarnings: string[];
}

/** Options of compareResults. */
export interface CompareOptions {
  noiseThresholdPct?: number;
  alpha?: number;
  /** Bootstrap resamples (default 2000). */
  resamples?: number;
}

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
/** Above this many samples the bootstrap works on a quantile grid of them (bounded cost). */
const MAX_BOOTSTRAP_SAMPLES = 401;

/** Checks a baseline name: letters, digits, '.', '_', '-' (it becomes a file name). */
export function validateBaselineName(name: unknown, param = 'name'): string {
  if (typeof name !== 'string' || !NAME_PATTERN.test(name)) {
    throw new RangeError(`${param}: expected a baseline name of letters, digits, ".", "_" or "-" (starting with a letter or digit), got ${JSON.stringify(name)}`);
  }
  return name;
}

function baselinePath(dir: string, name: string): string {
  return join(resolve(dir), `${validateBaselineName(name)}.json`);
}

/** The baselines saved in `dir`, by name. */
export function listBaselines(dir = DEFAULT_BASELINE_DIR): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .filter((n) => NAME_PATTERN.test(n))
    .sort();
}

/** Saves `result` as baseline `name` in `dir` (created if needed; replaces an older one atomically). Returns the file. */
export function saveBaseline(result: BenchResult, name: string, dir = DEFAULT_BASELINE_DIR): string {
  const file = baselinePath(dir, name);
  mkdirSync(resolve(dir), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, stringifyBenchResult(result));
  renameSync(tmp, file);
  return file;
}

/** Loads baseline `name` from `dir`; a missing one is a RangeError listing what exists. */
export function loadBaseline(name: string, dir = DEFAULT_BASELINE_DIR): BenchResult {
  const file = baselinePath(dir, name);
  if (!existsSync(file)) {
    const have = listBaselines(dir);
    const near = nearNames(name, have);
    const hint = have.length === 0 ? `no baselines in ${resolve(dir)} yet (save one with --save-baseline ${name})` : `have: ${have.join(', ')}${near.length ? `; did you mean ${near.join(' or ')}?` : ''}`;
    throw new RangeError(`baseline "${name}" not found (${file}); ${hint}`);
  }
  return parseBenchResult(readFileSync(file, 'utf8'), file);
}

/** mulberry32: a small seeded generator, so the same two runs give the same interval. */
function seededRandom(seedText: string): () => number {
  let seed = 2166136261;
  for (let i = 0; i < seedText.length; i++) seed = Math.imul(seed ^ seedText.charCodeAt(i), 16777619);
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** k-th smallest of `a` (reorders it): Hoare's quickselect, O(n) expected. */
function select(a: Float64Array, k: number): number {
  let lo = 0, hi = a.length - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >>> 1]!;
    let i = lo, j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!; a[i] = a[j]!; a[j] = t;
        i++; j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k]!;
  }
  return a[k]!;
}

function medianOf(a: Float64Array): number {
  const n = a.length;
  const upper = select(a, n >> 1);
  if (n % 2 === 1) return upper;
  return (upper + select(a, (n >> 1) - 1)) / 2;
}

/** At most `max` values: the sorted samples themselves, or an even quantile grid of them. */
function bounded(xs: readonly number[], max: number): number[] {
  if (xs.length <= max) return [...xs];
  const sorted = [...xs].sort((a, b) => a - b);
  return Array.from({ length: max }, (_, i) => sorted[Math.round((i / (max - 1)) * (sorted.length - 1))]!);
}

/**
 * 95% percentile-bootstrap interval of the % change of the median from `base` to `cur`.
 * Null when either side has fewer than 2 samples or the baseline median is 0.
 */
export function bootstrapChangeInterval(base: readonly number[], cur: readonly number[], resamples = 2000, seed = 'prtip-perf'): [number, number] | null {
  if (base.length < 2 || cur.length < 2) return null;
  const b = bounded(base, MAX_BOOTSTRAP_SAMPLES), c = bounded(cur, MAX_BOOTSTRAP_SAMPLES);
  const random = seededRandom(seed);
  const bb = new Float64Array(b.length), cc = new Float64Array(c.length);
  const changes = new Float64Array(resamples);
  let n = 0;
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < bb.length; i++) bb[i] = b[Math.floor(random() * b.length)]!;
    for (let i = 0; i < cc.length; i++) cc[i] = c[Math.floor(random() * c.length)]!;
    const mb = medianOf(bb);
    if (mb === 0) continue;
    changes[n++] = (medianOf(cc) / mb - 1) * 100;
  }
  if (n < resamples / 2) return null;
  const sorted = changes.subarray(0, n).sort();
  const at = (q: number): number => sorted[Math.min(n - 1, Math.max(0, Math.round(q * (n - 1))))]!;
  return [at(0.025), at(0.975)];
}

function finite(xs: readonly (number | null)[]): number[] {
  return xs.filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
}

/**
 * The verdict for one change: "no change" inside the noise threshold or when the samples
 * do not differ significantly; otherwise improved or regressed, by the metric's `better`.
 */
export function changeVerdict(changePct: number, p: number | null, better: Metric['better'], noiseThresholdPct: number, alpha: number): ChangeVerdict {
  if (!Number.isFinite(changePct) || Math.abs(changePct) <= noiseThresholdPct) return 'no change';
  if (p !== null && !(p < alpha)) return 'no change';
  const worse = better === 'smaller' ? changePct > 0 : changePct < 0;
  return worse ? 'regressed' : 'improved';
}

function compareMetric(suite: string, base: Metric | undefined, cur: Metric | undefined, noise: number, alpha: number, resamples: number): MetricComparison {
  const m = (cur ?? base)!;
  const row: MetricComparison = {
    name: m.name, suite, unit: m.unit, better: m.better,
    baseline: base && Number.isFinite(base.value) ? base.value : null,
    current: cur && Number.isFinite(cur.value) ? cur.value : null,
    changePct: null, ci: null, p: null,
    verdict: base === undefined ? 'new' : cur === undefined ? 'missing' : 'no change',
  };
  if (base === undefined || cur === undefined || row.baseline === null || row.current === null) return row;
  if (row.baseline === 0) return row;
  row.changePct = (row.current / row.baseline - 1) * 100;
  const bs = finite(base.samples), cs = finite(cur.samples);
  if (bs.length >= 2 && cs.length >= 2) {
    row.p = mannWhitneyU(cs, bs).p;
    if (Number.isNaN(row.p)) row.p = null;
    row.ci = bootstrapChangeInterval(bs, cs, resamples, m.name);
  }
  row.verdict = changeVerdict(row.changePct, row.p, m.better, noise, alpha);
  return row;
}

function machineWarnings(baseline: BenchResult, current: BenchResult): string[] {
  const out: string[] = [];
  const a = baseline.machine, b = current.machine;
  if (a.cpu.model !== b.cpu.model) out.push(`CPU differs: baseline ${a.cpu.model}, now ${b.cpu.model}`);
  if (a.cpu.cores !== b.cpu.cores) out.push(`core count differs: baseline ${a.cpu.cores}, now ${b.cpu.cores}`);
  if (a.kernel !== b.kernel) out.push(`kernel differs: baseline ${a.kernel}, now ${b.kernel}`);
  if (a.versions.node !== b.versions.node) out.push(`Node differs: baseline ${a.versions.node}, now ${b.versions.node}`);
  if (baseline.options.quick !== current.options.quick) out.push(`baseline was ${baseline.options.quick ? '' : 'not '}a --quick run, this one is${current.options.quick ? '' : ' not'}`);
  return out;
}

/** Compares every metric of `current` with the same-named metric of `baseline`. */
export function compareResults(baseline: BenchResult, current: BenchResult, baselineName: string, options: CompareOptions = {}): BaselineComparison {
  const noise = options.noiseThresholdPct ?? DEFAULT_NOISE_THRESHOLD_PCT;
  const alpha = options.alpha ?? DEFAULT_ALPHA;
  const resamples = options.resamples ?? 2000;
  const index = (r: BenchResult): Map<string, { suite: string; metric: Metric }> => {
    const map = new Map<string, { suite: string; metric: Metric }>();
    for (const s of r.suites) for (const metric of s.metrics) if (!map.has(metric.name)) map.set(metric.name, { suite: s.suite, metric });
    return map;
  };
  const base = index(baseline), cur = index(current);
  const ranSuites = new Set(current.suites.filter((s) => s.status === 'ok').map((s) => s.suite));
  const rows: MetricComparison[] = [];
  for (const [name, c] of cur) rows.push(compareMetric(c.suite, base.get(name)?.metric, c.metric, noise, alpha, resamples));
  // A metric that disappeared from a suite that did run is worth a line; a suite left out with --suite is not.
  for (const [name, b] of base) if (!cur.has(name) && ranSuites.has(b.suite)) rows.push(compareMetric(b.suite, b.metric, undefined, noise, alpha, resamples));
  return {
    baselineName,
    baselineStartedAt: baseline.startedAt,
    baselineCommit: baseline.machine.git?.commit ?? null,
    noiseThresholdPct: noise,
    alpha,
    rows,
    machineWarnings: machineWarnings(baseline, current),
  };
}

/** The CI gate: regressions worse than `failPct` percent. */
export function regressionsBeyond(comparison: BaselineComparison, failPct: number): MetricComparison[] {
  return comparison.rows.filter((r) => r.verdict === 'regressed' && r.changePct !== null && Math.abs(r.changePct) >= failPct);
}

function pct(x: number): string {
  return `${x >= 0 ? '+' : ''}${x.toFixed(1)}%`;
}

/** The comparison as a Table, for the terminal and every export. */
export function comparisonTable(c: BaselineComparison): Table {
  const notes = [
    `baseline "${c.baselineName}" from ${c.baselineStartedAt}${c.baselineCommit ? ` (commit ${c.baselineCommit.slice(0, 10)})` : ''}`,
    `change of the median; 95% bootstrap interval; Mann-Whitney U p-value; changes within ±${c.noiseThresholdPct}% or with p ≥ ${c.alpha} are "no change"`,
    ...c.machineWarnings.map((w) => `warning: ${w}`),
  ];
  return {
    title: `Against baseline "${c.baselineName}"`,
    columns: ['metric', 'unit', 'better', 'baseline', 'now', 'change', '95% CI', 'p', 'verdict'],
    rows: c.rows.map((r) => [
      r.name, r.unit, r.better, r.baseline, r.current,
      r.changePct === null ? null : pct(r.changePct),
      r.ci === null ? null : `${pct(r.ci[0])} … ${pct(r.ci[1])}`,
      r.p === null ? null : r.p < 0.001 ? '<0.001' : r.p.toFixed(3),
      r.verdict,
    ]),
    notes,
  };
}

/** Counts per verdict, for a one-line summary. */
export function verdictCounts(c: BaselineComparison): Record<ChangeVerdict, number> {
  const counts: Record<ChangeVerdict, number> = { improved: 0, regressed: 0, 'no change': 0, new: 0, missing: 0 };
  for (const r of c.rows) counts[r.verdict]++;
  return counts;
}
