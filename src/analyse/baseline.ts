/**
 * Baselines: a saved BenchResult that later runs are compared with, metric by metric,
 * and the CI gate on top. The unit of replication is the process: for metrics measured
 * in forks, the test is Welch's t on the log fork medians and the interval of the change
 * a hierarchical bootstrap (forks, then samples within each). Whole-binary metrics are runs
 * of one invocation, which share its machine state: across invocations they are one
 * replicate, so they are "cannot tell across runs" (`prtip-perf compare` judges two builds
 * in one invocation), and a metric with one sample a side or a ratio that can change sign
 * is never gated (see CrossRun). A change counts only when it is both larger than the
 * noise threshold and significant; a metric whose between-process noise exceeds the
 * gate's threshold is "too noisy to gate", never "regressed".
 */
import { existsSync, mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { checkedBenchResult, MAX_BASELINE_BYTES, readRegularFile } from '../core/inputs.js';
import { join, resolve } from 'node:path';
import { parseBenchResult, stringifyBenchResult } from '../model/json.js';
import { BENCH_RESULT_VERSION, type BenchResult, type Metric, type Table } from '../model/result.js';
import { compareProcessMedians, cvPercent, hierarchicalChangeInterval, medianInPlace, normalQuantile, seededRandom, validateResamples } from '../core/stats.js';
import { nearNames } from '../core/validate.js';

/** Where baselines live unless --baseline-dir says otherwise (relative to the working directory). */
export const DEFAULT_BASELINE_DIR = '.prtip-perf/baselines';
/**
 * Changes smaller than this (in %) are noise, whatever the p-value. Forks measure the
 * variation between processes within one run; whole runs minutes apart on a shared VM
 * also drift together by a few % (A/A runs here: every kernel 3-4 % faster in one run
 * than in the other), which no single run can see. 5 % sits above that drift.
 */
export const DEFAULT_NOISE_THRESHOLD_PCT = 5;
/**
 * For deterministic metrics (exact counts: callgrind's simulated instructions) a change is any
 * difference beyond this, in %, with no noise model and no p-value. Native kernels' counts repeat
 * exactly between runs (0 difference in every A/A here); whole-binary counts of a deterministic
 * command move by less than 0.01 % (environment and path lengths). 0.1 % sits ten times above
 * that and ten times below the smallest regression worth catching (1 % more instructions).
 */
export const DEFAULT_DETERMINISTIC_THRESHOLD_PCT = 0.1;
/** A run-wide median change beyond this (in %) is reported as drift of the machine. */
const DRIFT_NOTE_PCT = 1;
/** Significance level for the p-value. */
export const DEFAULT_ALPHA = 0.05;
/** Metrics with a test needed before a comparison estimates the runs' overdispersion. */
export const OVERDISPERSION_MIN_METRICS = 30;
/**
 * Above this the comparison warns: below it, the estimate is within its own sampling noise
 * (λ from 0.9 to 1.35 over 300 simulated metrics without any run effect).
 */
export const OVERDISPERSION_WARN_ABOVE = 1.5;

/**
 * Whether the cross-run gate can judge a metric at all. Across two invocations the unit
 * is the invocation (with its machine state), so:
 * - 'judged': processes of their own (forks), or exact counts: judged as before;
 * - 'compare-only': runs of one invocation a side (whole binaries): they share that
 *   invocation's state, so across invocations they are one replicate, and nothing tells
 *   a change from the drift between invocations (identical code moved by up to +20% here).
 *   Two builds are compared in one invocation instead: `prtip-perf compare OLD NEW`;
 * - 'never': one sample a side, or values that are not all positive (a ratio that can
 *   change sign, such as a cost measured as a difference): nothing to gate on;
 * - 'machine-differs': forks of their own, but other work took MACHINE_LOAD_DIFFERENCE_CORES
 *   more CPU in one invocation than in the other while the metric's suite ran. The forks of
 *   one invocation share that state, so their p-value cannot see it: a busy loop on the other
 *   core moved an in-process checksum +11 % and `npm test` alongside moved sendmmsg's system
 *   time +23 % on identical code. Exact counts stay judged.
 */
export type CrossRun = 'judged' | 'compare-only' | 'never' | 'machine-differs';

/**
 * How much more CPU (in cores) other work may take in one invocation than in the other
 * before their in-process metrics are not compared. A quarter of a core is far above what
 * a quiet machine shows between runs (0.0-0.1 here) and far below one busy neighbour (≈ 1).
 */
export const MACHINE_LOAD_DIFFERENCE_CORES = 0.25;

/** Why the two invocations' machine states make `suite`'s samples incomparable, or null. */
export function machineLoadWhy(baseline: BenchResult, current: BenchResult, suite: string): string | null {
  const b = baseline.machineLoad, c = current.machineLoad;
  if (b === undefined || c === undefined) return null;
  const bs = b.suites[suite] ?? b.otherCores, cs = c.suites[suite] ?? c.otherCores;
  if (!(Math.abs(bs - cs) >= MACHINE_LOAD_DIFFERENCE_CORES)) return null;
  const [busier, more, less] = bs > cs ? ['baseline', bs, cs] : ['current', cs, bs];
  return `the machine was busier during the ${busier} run: other work used ${more.toFixed(2)} of ${c.cpus} cores while ${suite} ran, against ${less.toFixed(2)}; ` +
    `the forks of one run share that state, so across runs cannot tell: rerun on a quiet machine, or compare two builds in one invocation (${COMPARE_HINT})`;
}

/** A warning when either run did not record its machine load (results from before it was recorded). */
function machineLoadWarnings(baseline: BenchResult, current: BenchResult): string[] {
  const missing = [baseline.machineLoad === undefined ? 'the baseline' : '', current.machineLoad === undefined ? 'this run' : ''].filter((x) => x !== '');
  return missing.length === 0 ? [] : [`${missing.join(' and ')} did not record how busy the machine was with other work, so a difference in machine state between the runs cannot be ruled out`];
}

/** What happened to one metric since the baseline. */
export type ChangeVerdict = 'improved' | 'regressed' | 'no change' | 'too noisy' | 'cannot tell' | 'new' | 'missing';

/** One metric against its baseline. */
export interface MetricComparison {
  name: string;
  suite: string;
  unit: string;
  better: Metric['better'];
  baseline: number | null;
  current: number | null;
  /**
   * % change: of the geometric mean of the process medians when both sides have two or
   * more processes, else of the two values; null when either side is missing.
   */
  changePct: number | null;
  /** 95% interval of the change: hierarchical bootstrap (processes, then samples); null without data on both sides. */
  ci: [number, number] | null;
  /** Two-sided Welch p-value on the log process medians; null with fewer than two processes a side. */
  p: number | null;
  /** Processes (forks, or whole-binary runs) behind each side. */
  processes: { baseline: number; current: number };
  /** Between-process noise: the larger side's coefficient of variation of the process medians, %; null below two processes. */
  noisePct: number | null;
  /** The gate threshold this row was judged against (for "too noisy to gate at x %"), if any. */
  gatePct: number | null;
  /** An exact count on both sides (Metric.deterministic): judged by the deterministic threshold alone. */
  deterministic: boolean;
  /** Whether a comparison across invocations can judge it (see CrossRun); 'never' and 'compare-only' rows are "cannot tell". */
  crossRun: CrossRun;
  /** Why it is not judged across runs ("" when judged). */
  crossRunWhy: string;
  verdict: ChangeVerdict;
}

/**
 * How much more the metrics scatter between these two runs than their processes predict.
 * Forks see the variation between processes within a run; a second run minutes later adds
 * its own state (the host, a neighbour, the load), which moves metrics up and down beyond
 * that, differently for each. Each row's test is turned into a signed z; without such an
 * effect the z values spread as N(0, 1), so λ = (robust spread of z)² measures it (the MAD,
 * and around the median, so a change common to every metric does not count).
 * It is a diagnostic, never applied to the rows: real changes in many metrics at once raise
 * it too (a 10 % slowdown of 18 of 55 rows, at 1.5 % between-process noise, gave λ = 4.5, from
 * 2.5 to 9.1, over 20 simulated comparisons), and widening every row by it would hide them.
 */
export interface Overdispersion {
  /** The variance inflation λ (≥ 0; 1 = the runs scatter as their processes say). */
  lambda: number;
  /** Rows it was estimated from (those with a test: two or more processes a side). */
  metrics: number;
}

/** A whole run against a baseline. */
export interface BaselineComparison {
  baselineName: string;
  baselineStartedAt: string;
  baselineCommit: string | null;
  noiseThresholdPct: number;
  /** The threshold deterministic metrics were judged by, %. */
  deterministicThresholdPct: number;
  alpha: number;
  rows: MetricComparison[];
  /** The runs' overdispersion, a diagnostic (null with fewer than OVERDISPERSION_MIN_METRICS tested rows). */
  overdispersion: Overdispersion | null;
  /** Differences between the two machines that make the comparison doubtful. */
  machineWarnings: string[];
}

/** Options of compareResults. */
export interface CompareOptions {
  noiseThresholdPct?: number;
  alpha?: number;
  /** Bootstrap resamples (default 2000; 100 … 100000). */
  resamples?: number;
  /**
   * The CI gate's threshold (--fail-on-regression), %: a regression on a metric whose
   * between-process noise exceeds it becomes "too noisy" (it cannot be gated at that level).
   */
  gatePct?: number;
  /** Deterministic metrics: a difference beyond this many % is a change (default DEFAULT_DETERMINISTIC_THRESHOLD_PCT). */
  deterministicThresholdPct?: number;
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
  const text = readRegularFile(file, MAX_BASELINE_BYTES); // a FIFO or a 1 GB file is refused, not waited on
  const version = (/"version"\s*:\s*(\d+)/.exec(text) ?? [])[1];
  if (version !== undefined && Number(version) < BENCH_RESULT_VERSION) {
    throw new RangeError(`baseline "${name}" (${file}) is bench result version ${version}, saved before per-process (fork) summaries existed; ` +
      `comparisons now test the variation between processes, which it does not hold. Re-create it: npm run bench -- --save-baseline ${name}`);
  }
  return checkedBenchResult(parseBenchResult(text, file), file);
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
  validateResamples(resamples);
  if (base.length < 2 || cur.length < 2) return null;
  const b = bounded(base, MAX_BOOTSTRAP_SAMPLES), c = bounded(cur, MAX_BOOTSTRAP_SAMPLES);
  const random = seededRandom(seed);
  const bb = new Float64Array(b.length), cc = new Float64Array(c.length);
  const changes = new Float64Array(resamples);
  let n = 0;
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < bb.length; i++) bb[i] = b[Math.floor(random() * b.length)]!;
    for (let i = 0; i < cc.length; i++) cc[i] = c[Math.floor(random() * c.length)]!;
    const mb = medianInPlace(bb);
    if (mb === 0) continue;
    changes[n++] = (medianInPlace(cc) / mb - 1) * 100;
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
 * The verdict for one change, by criterion's rule: a change counts only when it is
 * significant (p < alpha) and its 95 % interval lies wholly beyond ±noiseThresholdPct (not
 * merely its point estimate): "changed by more than the noise, with 97.5 % confidence".
 * Without an interval (one sample a side, whole-binary metrics) the point estimate is used.
 * improved or regressed then follows the metric's `better`.
 */
export function changeVerdict(changePct: number, p: number | null, better: Metric['better'], noiseThresholdPct: number, alpha: number, ci: readonly [number, number] | null = null): ChangeVerdict {
  if (!Number.isFinite(changePct) || Math.abs(changePct) <= noiseThresholdPct) return 'no change';
  if (p !== null && !(p < alpha)) return 'no change';
  if (ci !== null) {
    const beyond = changePct > 0 ? ci[0] > noiseThresholdPct : ci[1] < -noiseThresholdPct;
    if (!beyond) return 'no change';
  }
  const worse = better === 'smaller' ? changePct > 0 : changePct < 0;
  return worse ? 'regressed' : 'improved';
}

/** The processes behind a metric: fork summaries, or (whole-binary metrics) one sample per run. */
function processesOf(m: Metric): { medians: number[]; groups: number[][]; forked: boolean } {
  if (m.forks !== undefined) {
    const forks = m.forks.filter((f) => typeof f.median === 'number' && Number.isFinite(f.median));
    return { medians: forks.map((f) => f.median), groups: forks.map((f) => finite(f.samples ?? [])), forked: true };
  }
  const xs = finite(m.samples);
  return { medians: xs, groups: xs.map((x) => [x]), forked: false };
}

/** How a comparison across invocations may use a (non-deterministic) metric: see CrossRun. */
function crossRunOf(pb: ReturnType<typeof processesOf>, pc: ReturnType<typeof processesOf>, values: readonly number[]): { crossRun: CrossRun; crossRunWhy: string } {
  const all = [...pb.medians, ...pc.medians, ...values];
  if (all.some((x) => !(x > 0))) return { crossRun: 'never', crossRunWhy: 'values not all positive: a ratio that can change sign is never gated' };
  if (!pb.forked || !pc.forked) {
    if (pb.medians.length < 2 || pc.medians.length < 2) return { crossRun: 'never', crossRunWhy: 'one sample a side: nothing to gate on' };
    return { crossRun: 'compare-only', crossRunWhy: `runs of one invocation a side: across runs cannot tell; compare the two builds in one invocation (${COMPARE_HINT})` };
  }
  return { crossRun: 'judged', crossRunWhy: '' };
}

/** The command that answers what the cross-run gate cannot. */
export const COMPARE_HINT = 'prtip-perf compare OLD_PRTIP NEW_PRTIP';

function compareMetric(suite: string, base: Metric | undefined, cur: Metric | undefined, noise: number, alpha: number, resamples: number, gatePct: number | null, exactPct = DEFAULT_DETERMINISTIC_THRESHOLD_PCT, loadWhy: string | null = null): MetricComparison {
  const m = (cur ?? base)!;
  const pb = base ? processesOf(base) : undefined, pc = cur ? processesOf(cur) : undefined;
  const row: MetricComparison = {
    name: m.name, suite, unit: m.unit, better: m.better,
    baseline: base && Number.isFinite(base.value) ? base.value : null,
    current: cur && Number.isFinite(cur.value) ? cur.value : null,
    changePct: null, ci: null, p: null,
    processes: { baseline: pb?.medians.length ?? 0, current: pc?.medians.length ?? 0 },
    noisePct: null, gatePct,
    deterministic: base?.deterministic === true && cur?.deterministic === true,
    crossRun: 'judged', crossRunWhy: '',
    verdict: base === undefined ? 'new' : cur === undefined ? 'missing' : 'no change',
  };
  if (base === undefined || cur === undefined || row.baseline === null || row.current === null || !pb || !pc) return row;
  if (row.baseline === 0) return row;
  row.changePct = (row.current / row.baseline - 1) * 100;
  if (row.deterministic) {
    // Exact counts: no noise to model, so no test; any difference beyond the threshold is a change.
    row.verdict = changeVerdict(row.changePct, null, m.better, exactPct, alpha);
    return row;
  }
  const noiseB = cvPercent(pb.medians), noiseC = cvPercent(pc.medians);
  const noiseMax = Math.max(Number.isFinite(noiseB) ? noiseB : -1, Number.isFinite(noiseC) ? noiseC : -1);
  row.noisePct = noiseMax >= 0 ? noiseMax : null;
  const crossRun = crossRunOf(pb, pc, [base.value, cur.value]);
  const across = crossRun.crossRun === 'judged' && loadWhy !== null ? { crossRun: 'machine-differs' as const, crossRunWhy: loadWhy } : crossRun;
  if (across.crossRun !== 'judged') {
    // No p-value and no interval: the samples of one invocation are not replicates across invocations.
    Object.assign(row, across, { verdict: 'cannot tell' });
    return row;
  }
  const test = compareProcessMedians(pb.medians, pc.medians, 1 - alpha);
  if (test !== null) {
    row.changePct = test.changePct;
    row.p = Number.isNaN(test.p) ? null : test.p;
    // The test's own interval (Welch's t on the log process medians), so that verdict, p and
    // interval agree. A percentile bootstrap over 4-5 processes is ~25 % narrower than the
    // t interval (it has neither the t quantile nor the n-1), which let A/A runs of the same
    // commit cross the noise threshold; the hierarchical bootstrap stays each metric's own
    // interval in the suites' between-process tables.
    row.ci = test.ci ?? hierarchicalChangeInterval(pb.groups, pc.groups, { resamples, seed: m.name });
  } else if (pb.forked || pc.forked) {
    // Forked metrics with one process on a side: the samples of one process are not
    // independent evidence, so no test is made.
    row.verdict = 'cannot tell';
    return row;
  }
  judge(row, noise, alpha);
  return row;
}

function judge(row: MetricComparison, noise: number, alpha: number): void {
  row.verdict = changeVerdict(row.changePct!, row.p, row.better, noise, alpha, row.ci);
  if (row.verdict === 'regressed' && row.gatePct !== null && row.noisePct !== null && row.noisePct > row.gatePct) row.verdict = 'too noisy';
}

function median(xs: number[]): number {
  return medianInPlace(Float64Array.from(xs));
}

/** A row's test as a signed z: the normal quantile of its two-sided p, with the change's sign. */
function signedZ(r: MetricComparison): number {
  const p = Math.min(1 - 1e-16, Math.max(r.p!, 1e-300));
  return Math.sign(r.changePct!) * -normalQuantile(p / 2);
}

/** See Overdispersion. */
function estimateOverdispersion(rows: MetricComparison[]): Overdispersion | null {
  const tested = rows.filter((r) => r.p !== null && r.changePct !== null && Number.isFinite(r.changePct) && r.verdict !== 'cannot tell');
  if (tested.length < OVERDISPERSION_MIN_METRICS) return null;
  const z = tested.map(signedZ);
  const centre = median(z);
  const spread = 1.4826 * median(z.map((x) => Math.abs(x - centre)));
  return { lambda: spread * spread, metrics: tested.length };
}

function overdispersionWarning(o: Overdispersion | null): string[] {
  if (o === null || !(o.lambda > OVERDISPERSION_WARN_ABOVE)) return [];
  return [`between these runs the metrics scatter ${o.lambda.toFixed(1)}× more (in variance) than their processes predict (λ over ${o.metrics} metrics): ` +
    'the state of each run, not only of each process, moved them (or many metrics really changed); the p-values and intervals, which see only the processes, are then too optimistic'];
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

/**
 * The run-wide shift: the median change of the smaller-is-better metrics (times). When the
 * whole machine ran faster or slower than at the baseline, every metric moves by about this
 * much; a single metric changed by about the same amount is drift, not the code.
 */
export function runWideShiftPct(rows: readonly MetricComparison[]): number | null {
  const changes = rows.filter((r) => r.better === 'smaller' && r.changePct !== null && Number.isFinite(r.changePct)).map((r) => r.changePct!);
  if (changes.length < 5) return null;
  const sorted = [...changes].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function driftWarning(rows: readonly MetricComparison[]): string[] {
  const shift = runWideShiftPct(rows);
  if (shift === null || Math.abs(shift) <= DRIFT_NOTE_PCT) return [];
  return [`the machine as a whole ran ${shift < 0 ? 'faster' : 'slower'} than at the baseline: the median time metric changed by ${shift >= 0 ? '+' : ''}${shift.toFixed(1)}%; ` +
    'a metric that moved by about that much moved with the machine (a neighbour, the host), not with the code'];
}

/** Compares every metric of `current` with the same-named metric of `baseline`. */
export function compareResults(baseline: BenchResult, current: BenchResult, baselineName: string, options: CompareOptions = {}): BaselineComparison {
  const noise = options.noiseThresholdPct ?? DEFAULT_NOISE_THRESHOLD_PCT;
  const alpha = options.alpha ?? DEFAULT_ALPHA;
  const resamples = validateResamples(options.resamples ?? 2000, 'resamples');
  const gatePct = options.gatePct ?? null;
  const exactPct = options.deterministicThresholdPct ?? DEFAULT_DETERMINISTIC_THRESHOLD_PCT;
  if (!(Number.isFinite(exactPct) && exactPct >= 0)) throw new RangeError(`deterministicThresholdPct: expected a percentage ≥ 0, got ${String(exactPct)}`);
  if (gatePct !== null && !(Number.isFinite(gatePct) && gatePct >= 0)) throw new RangeError(`gatePct: expected a percentage ≥ 0, got ${String(gatePct)}`);
  const index = (r: BenchResult): Map<string, { suite: string; metric: Metric }> => {
    const map = new Map<string, { suite: string; metric: Metric }>();
    for (const s of r.suites) for (const metric of s.metrics) if (!map.has(metric.name)) map.set(metric.name, { suite: s.suite, metric });
    return map;
  };
  const base = index(baseline), cur = index(current);
  const ranSuites = new Set(current.suites.filter((s) => s.status === 'ok').map((s) => s.suite));
  const rows: MetricComparison[] = [];
  for (const [name, c] of cur) rows.push(compareMetric(c.suite, base.get(name)?.metric, c.metric, noise, alpha, resamples, gatePct, exactPct, machineLoadWhy(baseline, current, c.suite)));
  // A metric that disappeared from a suite that did run is worth a line; a suite left out with --suite is not.
  for (const [name, b] of base) if (!cur.has(name) && ranSuites.has(b.suite)) rows.push(compareMetric(b.suite, b.metric, undefined, noise, alpha, resamples, gatePct, exactPct));
  const overdispersion = estimateOverdispersion(rows);
  return {
    baselineName,
    baselineStartedAt: baseline.startedAt,
    baselineCommit: baseline.machine.git?.commit ?? null,
    noiseThresholdPct: noise,
    deterministicThresholdPct: exactPct,
    alpha,
    rows,
    overdispersion,
    machineWarnings: [...machineWarnings(baseline, current), ...machineLoadWarnings(baseline, current), ...driftWarning(rows), ...overdispersionWarning(overdispersion)],
  };
}

/** True when a row's between-process noise is above `failPct`: the gate cannot trust a change of that size. */
function tooNoisyFor(r: MetricComparison, failPct: number): boolean {
  return r.noisePct !== null && r.noisePct > failPct;
}

/**
 * The CI gate: significant regressions of `failPct` percent or more, on metrics whose
 * between-process noise is within `failPct` (the rest are in tooNoisyToGate).
 */
export function regressionsBeyond(comparison: BaselineComparison, failPct: number): MetricComparison[] {
  return comparison.rows.filter((r) => r.verdict === 'regressed' && r.changePct !== null && Math.abs(r.changePct) >= failPct && !tooNoisyFor(r, failPct));
}

/**
 * Metrics the gate at `failPct` does not trust: they changed for the worse by `failPct` or
 * more (significantly or not), but their processes disagree among themselves by more
 * than that (CV of the process medians), so the change cannot be told from the noise
 * at this threshold. Printed, never failing the gate.
 */
export function tooNoisyToGate(comparison: BaselineComparison, failPct: number): MetricComparison[] {
  return comparison.rows.filter((r) => {
    if (r.changePct === null || !tooNoisyFor(r, failPct)) return false;
    const worse = r.better === 'smaller' ? r.changePct >= failPct : r.changePct <= -failPct;
    return worse && (r.verdict === 'regressed' || r.verdict === 'too noisy' || r.verdict === 'no change');
  });
}

function pct(x: number): string {
  return `${x >= 0 ? '+' : ''}${x.toFixed(1)}%`;
}

function verdictText(r: MetricComparison): string {
  if (r.verdict === 'too noisy') return `too noisy to gate at ${r.gatePct}%`;
  if (r.crossRun === 'compare-only') return 'cannot tell across runs (one invocation a side): use compare';
  if (r.crossRun === 'never') return `not gated (${r.crossRunWhy.split(':')[0]})`;
  if (r.crossRun === 'machine-differs') return 'cannot tell across runs (the machine was busier in one)';
  if (r.verdict === 'cannot tell') return `cannot tell (${Math.min(r.processes.baseline, r.processes.current)} process)`;
  return r.verdict;
}

/** Which metrics the cross-run gate can judge, and which only `compare` can. */
export function crossRunNotes(rows: readonly MetricComparison[]): string[] {
  const only = rows.filter((r) => r.crossRun === 'compare-only'), never = rows.filter((r) => r.crossRun === 'never');
  const busier = rows.filter((r) => r.crossRun === 'machine-differs');
  const judged = rows.filter((r) => r.crossRun === 'judged' && r.changePct !== null).length;
  if (only.length === 0 && never.length === 0 && busier.length === 0) return [];
  const list = (xs: readonly MetricComparison[]): string => xs.slice(0, 8).map((r) => r.name).join(', ') + (xs.length > 8 ? `, and ${xs.length - 8} more` : '');
  return [
    `the cross-run gate judges ${judged} metric(s) measured in processes of their own (forks) or as exact counts` +
      (only.length > 0 ? `; ${only.length} whole-binary metric(s) are runs of one invocation a side, one replicate across invocations, so only \`${COMPARE_HINT}\` (both builds interleaved in one invocation) can judge them: ${list(only)}` : '') +
      (never.length > 0 ? `; never gated (one sample a side, or a ratio that can change sign): ${list(never)}` : ''),
    ...[...new Set(busier.map((r) => r.suite))].map((suite) => {
      const first = busier.find((r) => r.suite === suite)!;
      return `${busier.filter((r) => r.suite === suite).length} metric(s) of ${suite} not judged across runs: ${first.crossRunWhy}`;
    }),
  ];
}

/** The comparison as a Table, for the terminal and every export. */
export function comparisonTable(c: BaselineComparison): Table {
  const notes = [
    `baseline "${c.baselineName}" from ${c.baselineStartedAt}${c.baselineCommit ? ` (commit ${c.baselineCommit.slice(0, 10)})` : ''}`,
    'the unit is the process: "processes" = forks (in-process suites) behind baseline/now; whole-binary runs (runs under processes) share their invocation, so across invocations they are one replicate a side and are not judged here; ' +
      'change of the geometric mean of the process medians; 95% interval by a hierarchical bootstrap (processes, then samples within each); ' +
      'p from Welch\'s t on the log process medians',
    `noise = between-process coefficient of variation of the process medians (the larger side); a change counts only when p < ${c.alpha} and its 95% interval (Welch's t on the log process medians) lies wholly beyond ±${c.noiseThresholdPct}% (criterion's rule), else "no change"; ` +
      'a regression on a metric noisier than the gate\'s threshold is "too noisy to gate" and does not fail it; with one process a side a forked metric is "cannot tell"',
    ...(c.rows.some((r) => r.deterministic)
      ? [`deterministic metrics (exact counts, simulated by callgrind; "exact" under processes): ${c.rows.filter((r) => r.deterministic).length} of ${c.rows.length}; ` +
        `a difference beyond ±${c.deterministicThresholdPct}% is a change, with no p-value or noise model (the same code repeats the same count)`]
      : []),
    ...crossRunNotes(c.rows),
    ...c.machineWarnings.map((w) => `warning: ${w}`),
  ];
  return {
    title: `Against baseline "${c.baselineName}"`,
    columns: ['metric', 'unit', 'better', 'baseline', 'now', 'change', '95% CI', 'p', 'processes', 'noise', 'verdict'],
    rows: c.rows.map((r) => [
      r.name, r.unit, r.better, r.baseline, r.current,
      r.changePct === null ? null : pct(r.changePct),
      r.ci === null ? null : `${pct(r.ci[0])} … ${pct(r.ci[1])}`,
      r.p === null ? null : r.p < 0.001 ? '<0.001' : r.p.toFixed(3),
      r.deterministic ? 'exact' : `${r.processes.baseline}/${r.processes.current}`,
      r.noisePct === null ? null : `${r.noisePct.toFixed(1)}%`,
      verdictText(r),
    ]),
    notes,
  };
}

/** Counts per verdict, for a one-line summary. */
export function verdictCounts(c: BaselineComparison): Record<ChangeVerdict, number> {
  const counts: Record<ChangeVerdict, number> = { improved: 0, regressed: 0, 'no change': 0, 'too noisy': 0, 'cannot tell': 0, new: 0, missing: 0 };
  for (const r of c.rows) counts[r.verdict]++;
  return counts;
}
