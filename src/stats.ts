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
