/**
 * Small, explicit statistics. Medians and MAD are the defaults everywhere: on a
 * noisy shared VM a mean is dragged by one preempted run.
 */

export function sum(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}

export function mean(xs: readonly number[]): number {
  return xs.length === 0 ? NaN : sum(xs) / xs.length;
}

/** Sample standard deviation (n - 1); 0 for a single value. */
export function stddev(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  let s = 0;
  for (const x of xs) s += (x - m) ** 2;
  return Math.sqrt(s / (xs.length - 1));
}

/** Linear-interpolated quantile, q in [0, 1]. */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos), hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export function median(xs: readonly number[]): number {
  return quantile(xs, 0.5);
}

export function min(xs: readonly number[]): number {
  return xs.length === 0 ? NaN : xs.reduce((a, b) => (b < a ? b : a));
}

export function max(xs: readonly number[]): number {
  return xs.length === 0 ? NaN : xs.reduce((a, b) => (b > a ? b : a));
}

/** Median absolute deviation (unscaled). */
export function mad(xs: readonly number[]): number {
  const m = median(xs);
  return median(xs.map((x) => Math.abs(x - m)));
}

/** The usual summary of a set of measurements. */
export interface Summary {
  n: number;
  mean: number;
  stddev: number;
  median: number;
  min: number;
  max: number;
  mad: number;
}

export function summarize(xs: readonly number[]): Summary {
  return { n: xs.length, mean: mean(xs), stddev: stddev(xs), median: median(xs), min: min(xs), max: max(xs), mad: mad(xs) };
}

// ---------------------------------------------------------------------------
// Significance tests, ratios and outliers (for A-vs-B comparisons and baselines).

/** Result of Welch's unequal-variance t-test (two-sided). */
export interface WelchResult {
  t: number;
  /** Welch–Satterthwaite degrees of freedom. */
  df: number;
  /** Two-sided p-value; NaN when either sample has fewer than 2 values. */
  p: number;
}

/**
 * Welch's t-test of "mean(a) = mean(b)". Two samples with zero variance give
 * p = 1 when the means are equal and p = 0 otherwise (the t statistic is ±Infinity).
 */
export function welchTTest(a: readonly number[], b: readonly number[]): WelchResult {
  if (a.length < 2 || b.length < 2) return { t: NaN, df: NaN, p: NaN };
  const va = stddev(a) ** 2 / a.length;
  const vb = stddev(b) ** 2 / b.length;
  const diff = mean(a) - mean(b);
  const se2 = va + vb;
  if (se2 === 0) {
    return diff === 0 ? { t: 0, df: a.length + b.length - 2, p: 1 } : { t: Math.sign(diff) * Infinity, df: a.length + b.length - 2, p: 0 };
  }
  const t = diff / Math.sqrt(se2);
  const df = se2 ** 2 / (va ** 2 / (a.length - 1) + vb ** 2 / (b.length - 1));
  return { t, df, p: studentTTwoSidedP(t, df) };
}

/** Result of the Mann–Whitney U test (two-sided, normal approximation with tie correction). */
export interface MannWhitneyResult {
  /** U statistic of sample a. */
  u: number;
  z: number;
  /** Two-sided p-value; NaN when a sample is empty. */
  p: number;
}

/**
 * Mann–Whitney U test of "a and b come from the same distribution", using average
 * ranks for ties, the tie-corrected variance and a continuity correction.
 */
export function mannWhitneyU(a: readonly number[], b: readonly number[]): MannWhitneyResult {
  const n1 = a.length, n2 = b.length;
  if (n1 === 0 || n2 === 0) return { u: NaN, z: NaN, p: NaN };
  const all = [...a.map((v) => ({ v, fromA: true })), ...b.map((v) => ({ v, fromA: false }))].sort((x, y) => x.v - y.v);
  const n = all.length;
  let rankSumA = 0;
  let tieTerm = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && all[j + 1]!.v === all[i]!.v) j++;
    const avgRank = (i + j) / 2 + 1;
    const tied = j - i + 1;
    if (tied > 1) tieTerm += tied ** 3 - tied;
    for (let k = i; k <= j; k++) if (all[k]!.fromA) rankSumA += avgRank;
    i = j + 1;
  }
  const u = rankSumA - (n1 * (n1 + 1)) / 2;
  const mu = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (variance <= 0) return { u, z: 0, p: 1 };
  const delta = u - mu;
  const corrected = Math.max(0, Math.abs(delta) - 0.5);
  const z = Math.sign(delta) * corrected / Math.sqrt(variance);
  return { u, z, p: Math.min(1, 2 * (1 - normalCdf(Math.abs(z)))) };
}

/** A ratio with its propagated standard deviation: "x ± y times". */
export interface Ratio {
  ratio: number;
  stddev: number;
}

/**
 * How many times slower `slower` is than `faster` (mean ratio), with the spread
 * propagated from both samples' standard deviations, as hyperfine reports
 * "A ran x ± y times faster than B".
 */
export function ratioWithUncertainty(slower: readonly number[], faster: readonly number[]): Ratio {
  const ms = mean(slower), mf = mean(faster);
  const ratio = ms / mf;
  const rel = Math.sqrt((stddev(slower) / ms) ** 2 + (stddev(faster) / mf) ** 2);
  return { ratio, stddev: Number.isFinite(rel) ? ratio * rel : NaN };
}

/** Scale that makes the MAD a consistent estimator of σ for normal data. */
export const MAD_TO_SIGMA = 1.4826;

/**
 * Indices of values whose modified z-score |x - median| / (1.4826 · MAD) exceeds
 * `threshold` (default 14, hyperfine's choice: it flags only gross outliers such
 * as a run interrupted by another process). With MAD = 0 nothing is flagged.
 */
export function madOutliers(xs: readonly number[], threshold = 14): number[] {
  const m = median(xs);
  const scaled = MAD_TO_SIGMA * mad(xs);
  if (!(scaled > 0)) return [];
  const out: number[] = [];
  xs.forEach((x, i) => {
    if (Math.abs(x - m) / scaled > threshold) out.push(i);
  });
  return out;
}

/**
 * Standard normal cumulative distribution function, via the Chebyshev erfc of
 * Numerical Recipes (relative error < 1.2e-7 everywhere, so small tail p-values stay accurate).
 */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * x);
  const erfc = t * Math.exp(-x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
    t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return z >= 0 ? 1 - 0.5 * erfc : 0.5 * erfc;
}

/**
 * The standard normal quantile: the z with normalCdf(z) = p, for 0 < p < 1 (by bisection on
 * normalCdf, so it is exactly as accurate as normalCdf, far into the tails).
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`p: expected a probability strictly between 0 and 1, got ${String(p)}`);
  let lo = -40, hi = 40;
  for (let i = 0; i < 100 && hi - lo > 1e-12; i++) {
    const mid = (lo + hi) / 2;
    if (normalCdf(mid) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Two-sided p-value of Student's t with `df` degrees of freedom: I_{df/(df+t²)}(df/2, 1/2). */
export function studentTTwoSidedP(t: number, df: number): number {
  if (!Number.isFinite(t)) return Number.isNaN(t) ? NaN : 0;
  if (!(df > 0)) return NaN;
  return regularizedIncompleteBeta(df / (df + t * t), df / 2, 0.5);
}

function logGamma(x: number): number {
  // Lanczos approximation (g = 7, n = 9).
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  x -= 1;
  let a = c[0]!;
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Regularized incomplete beta I_x(a, b) by its continued fraction (Numerical Recipes' betacf). */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  if (x > (a + 1) / (a + b + 2)) return 1 - regularizedIncompleteBeta(1 - x, b, a);
  const lnFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x);
  const tiny = 1e-300;
  let c = 1, d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d; if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c; if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d; h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d; if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c; if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-14) break;
  }
  return (Math.exp(lnFront) * h) / a;
}

/**
 * Distribution-free 95% interval for the median: order statistics k and n-k+1, with
 * k the largest index whose binomial(n, 1/2) tail stays within 2.5%. null below n = 6.
 */
export function medianInterval(xs: readonly number[]): [number, number] | null {
  const n = xs.length;
  if (n < 6) return null;
  const sorted = [...xs].sort((a, b) => a - b);
  let k = 0, tail = 0, term = 0.5 ** n; // term = C(n, i) / 2^n
  for (let i = 0; i < n; i++) {
    if (tail + term > 0.025) break;
    tail += term;
    k = i + 1;
    term = (term * (n - i)) / (i + 1);
  }
  if (k === 0) return null;
  return [sorted[k - 1]!, sorted[n - k]!];
}

// ---------------------------------------------------------------------------
// Between-process statistics. On a VM the process is the largest source of variation
// (where its buffers land, the CPU it runs on, its JIT, the neighbours): samples from
// one process are not independent evidence, so intervals and tests treat the process
// (a fork) as the unit of replication.

/** Most bootstrap resamples accepted: above this the cost grows with no gain in precision. */
export const MAX_BOOTSTRAP_RESAMPLES = 100_000;

/** Checks a bootstrap resample count: an integer from 100 to MAX_BOOTSTRAP_RESAMPLES. */
export function validateResamples(resamples: unknown, param = 'resamples'): number {
  if (typeof resamples !== 'number' || !Number.isInteger(resamples) || resamples < 100 || resamples > MAX_BOOTSTRAP_RESAMPLES) {
    throw new RangeError(`${param}: expected an integer from 100 to ${MAX_BOOTSTRAP_RESAMPLES}, got ${String(resamples)}`);
  }
  return resamples;
}

/** mulberry32 seeded from a string (FNV-1a): the same inputs always give the same interval. */
export function seededRandom(seedText: string): () => number {
  let seed = 2166136261;
  for (let i = 0; i < seedText.length; i++) seed = Math.imul(seed ^ seedText.charCodeAt(i), 16777619);
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Coefficient of variation (sample σ / mean) in %; NaN with fewer than 2 values or a zero mean. */
export function cvPercent(xs: readonly number[]): number {
  if (xs.length < 2) return NaN;
  const m = mean(xs);
  return m === 0 ? NaN : (100 * stddev(xs)) / Math.abs(m);
}

/** Options of hierarchicalBootstrap. */
export interface HierarchicalBootstrapOptions {
  /** Resamples (default 2000; 100 … MAX_BOOTSTRAP_RESAMPLES). */
  resamples?: number;
  /** Two-sided confidence (default 0.95). */
  confidence?: number;
  /** Seed text for the generator (default "prtip-perf"). */
  seed?: string;
  /** Samples per group used, at most (a quantile grid of larger groups; default 101). */
  maxSamplesPerGroup?: number;
}

/** Result of hierarchicalBootstrap: the statistic and its percentile interval. */
export interface HierarchicalInterval {
  /** Median of the group medians. */
  estimate: number;
  low: number;
  high: number;
  /** Groups (processes) with at least one finite sample. */
  groups: number;
}

function gridOf(xs: readonly number[], max: number): number[] {
  const sorted = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (sorted.length <= max) return sorted;
  return Array.from({ length: max }, (_, i) => sorted[Math.round((i / (max - 1)) * (sorted.length - 1))]!);
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

/** Median of `a` (reorders it). */
export function medianInPlace(a: Float64Array): number {
  const n = a.length;
  const upper = select(a, n >> 1);
  return n % 2 === 1 ? upper : (upper + select(a, (n >> 1) - 1)) / 2;
}

/** Resamples groups and then samples within each; returns the median of the group medians. */
class TwoLevelResampler {
  private readonly groupMedians: Float64Array;
  private readonly scratch: Float64Array;
  constructor(private readonly data: readonly number[][], private readonly random: () => number) {
    this.groupMedians = new Float64Array(data.length);
    this.scratch = new Float64Array(Math.max(...data.map((g) => g.length)));
  }
  next(): number {
    const { data, random } = this;
    for (let g = 0; g < data.length; g++) {
      const group = data[Math.floor(random() * data.length)]!;
      const view = this.scratch.subarray(0, group.length);
      for (let i = 0; i < group.length; i++) view[i] = group[Math.floor(random() * group.length)]!;
      this.groupMedians[g] = medianInPlace(view);
    }
    return medianInPlace(this.groupMedians);
  }
}

function checkedOptions(options: HierarchicalBootstrapOptions): { resamples: number; tail: number; maxPer: number; seed: string } {
  const resamples = validateResamples(options.resamples ?? 2000);
  const confidence = options.confidence ?? 0.95;
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence: expected a number between 0 and 1 (exclusive), got ${String(confidence)}`);
  const maxPer = options.maxSamplesPerGroup ?? 101;
  if (!Number.isInteger(maxPer) || maxPer < 1 || maxPer > 10_000) throw new RangeError(`maxSamplesPerGroup: expected an integer from 1 to 10000, got ${String(maxPer)}`);
  return { resamples, tail: (1 - confidence) / 2, maxPer, seed: options.seed ?? 'prtip-perf' };
}

function percentiles(stats: Float64Array, tail: number): [number, number] {
  stats.sort();
  const n = stats.length;
  const at = (q: number): number => stats[Math.min(n - 1, Math.max(0, Math.round(q * (n - 1))))]!;
  return [at(tail), at(1 - tail)];
}

/**
 * Percentile interval of "the median of the per-process medians" by a two-level
 * bootstrap: each resample draws the processes with replacement, then the samples
 * within each drawn process with replacement, and takes the median of those medians.
 * Both levels of variation reach the interval; with one process only the within-process
 * level is left, and `groups` says so. Null when no group has data.
 */
export function hierarchicalBootstrap(groups: readonly (readonly number[])[], options: HierarchicalBootstrapOptions = {}): HierarchicalInterval | null {
  const { resamples, tail, maxPer, seed } = checkedOptions(options);
  const data = groups.map((g) => gridOf(g, maxPer)).filter((g) => g.length > 0);
  if (data.length === 0) return null;
  const resampler = new TwoLevelResampler(data, seededRandom(seed));
  const stats = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) stats[r] = resampler.next();
  const [low, high] = percentiles(stats, tail);
  return { estimate: median(data.map((g) => median(g))), low, high, groups: data.length };
}

/**
 * Interval of the % change of the median of process medians from `base` to `current`,
 * each side resampled on two levels (processes, then samples) independently.
 * Null when a side has no data or the baseline statistic is 0 in most resamples.
 */
export function hierarchicalChangeInterval(base: readonly (readonly number[])[], current: readonly (readonly number[])[], options: HierarchicalBootstrapOptions = {}): [number, number] | null {
  const { resamples, tail, maxPer, seed } = checkedOptions(options);
  const b = base.map((g) => gridOf(g, maxPer)).filter((g) => g.length > 0);
  const c = current.map((g) => gridOf(g, maxPer)).filter((g) => g.length > 0);
  if (b.length === 0 || c.length === 0) return null;
  const random = seededRandom(seed);
  const rb = new TwoLevelResampler(b, random), rc = new TwoLevelResampler(c, random);
  const stats = new Float64Array(resamples);
  let n = 0;
  for (let r = 0; r < resamples; r++) {
    const mb = rb.next(), mc = rc.next();
    if (mb !== 0) stats[n++] = (mc / mb - 1) * 100;
  }
  if (n < resamples / 2) return null;
  return percentiles(stats.subarray(0, n), tail);
}

/** Quantile of Student's t with `df` degrees of freedom (two-sided level via p = 1 − α/2), by bisection. */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1) || !(df > 0)) return NaN;
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  // two-sided p-value of t equals 2(1 − p) at the quantile
  const target = 2 * (1 - p);
  let lo = 0, hi = 1;
  while (studentTTwoSidedP(hi, df) > target) hi *= 2;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (studentTTwoSidedP(mid, df) > target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** A comparison of two sets of per-process medians. */
export interface ProcessComparison {
  /** Processes on each side. */
  nBase: number;
  nCurrent: number;
  /** % change of the geometric mean of the process medians (current vs base). */
  changePct: number;
  /** Welch's t interval of that change at `confidence`, back-transformed from the log scale. */
  ci: [number, number] | null;
  /** Two-sided Welch p-value on the log medians. */
  p: number;
}

/**
 * Welch's t-test on the logarithms of per-process medians: the process is the unit,
 * so the test's noise is the between-process noise; logs make a change a ratio and the
 * spread relative. Needs at least two processes with positive medians on each side
 * (null otherwise: one process says nothing about the next).
 */
export function compareProcessMedians(base: readonly number[], current: readonly number[], confidence = 0.95): ProcessComparison | null {
  const lb = base.filter((x) => Number.isFinite(x) && x > 0).map(Math.log);
  const lc = current.filter((x) => Number.isFinite(x) && x > 0).map(Math.log);
  if (lb.length < 2 || lc.length < 2) return null;
  const w = welchTTest(lc, lb);
  const diff = mean(lc) - mean(lb);
  const se = Math.sqrt(stddev(lc) ** 2 / lc.length + stddev(lb) ** 2 / lb.length);
  let ci: [number, number] | null;
  if (se === 0) ci = [(Math.exp(diff) - 1) * 100, (Math.exp(diff) - 1) * 100];
  else {
    const t = studentTQuantile(1 - (1 - confidence) / 2, w.df);
    ci = Number.isFinite(t) ? [(Math.exp(diff - t * se) - 1) * 100, (Math.exp(diff + t * se) - 1) * 100] : null;
  }
  return { nBase: lb.length, nCurrent: lc.length, changePct: (Math.exp(diff) - 1) * 100, ci, p: w.p };
}
