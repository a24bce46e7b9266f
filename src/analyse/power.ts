/**
 * Statistics for interleaved A-vs-B comparisons of whole programs: a paired test on
 * per-block log ratios, a same-command null control, honest power (the smallest
 * difference the run counts could have detected, and how many blocks would decide a
 * claim), and a three-way verdict with a "cannot tell" band between "holds" and
 * "does not hold".
 *
 * Why paired log ratios: each block runs every condition in mirrored order, so slow
 * drift of the machine (load from neighbours, thermal, caches) hits every condition of
 * a block alike and cancels in the block's log ratio; what is left varies between
 * blocks only, and blocks are independent processes. Logs make the ratio symmetric
 * (B/A and A/B give the same interval) and turn a multiplicative slowdown into a shift.
 */
import type { Verdict } from '../model/result.js';
import { mean, normalCdf, stddev, studentTQuantile, studentTTwoSidedP } from '../core/stats.js';

export type { Verdict };

/** Student's t two-sided critical value: P(|T| > t) = alpha with `df` degrees of freedom. */
export function tCritical(df: number, alpha = 0.05): number {
  if (!(df > 0)) throw new RangeError(`df must be a positive number, got ${df}`);
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must lie strictly between 0 and 1, got ${alpha}`);
  return studentTQuantile(1 - alpha / 2, df);
}

/** One-sample t-test on paired differences (H0: their mean is 0), with a two-sided interval. */
export interface PairedTest {
  n: number;
  mean: number;
  /** Sample standard deviation of the differences. */
  sd: number;
  df: number;
  t: number;
  /** Two-sided p-value; NaN below 2 differences. */
  p: number;
  /** (1 - alpha) interval for the mean difference; null below 2 differences. */
  interval: [number, number] | null;
}

export function pairedTTest(differences: readonly number[], alpha = 0.05): PairedTest {
  if (!Array.isArray(differences) || differences.some((d) => typeof d !== 'number' || !Number.isFinite(d))) {
    throw new TypeError(`differences must be an array of finite numbers, got ${JSON.stringify(differences)?.slice(0, 80)}`);
  }
  const n = differences.length;
  const m = mean(differences), sd = stddev(differences);
  if (n < 2) return { n, mean: m, sd, df: NaN, t: NaN, p: NaN, interval: null };
  const se = sd / Math.sqrt(n);
  const df = n - 1;
  if (se === 0) return { n, mean: m, sd, df, t: m === 0 ? 0 : Math.sign(m) * Infinity, p: m === 0 ? 1 : 0, interval: [m, m] };
  const t = m / se;
  const half = tCritical(df, alpha) * se;
  return { n, mean: m, sd, df, t, p: studentTTwoSidedP(t, df), interval: [m - half, m + half] };
}

/**
 * Power of the two-sided one-sample (paired) t-test at level alpha when the true mean
 * is `ncp` standard errors from 0 (ncp = effect / (sd / sqrt(n))), with `df` degrees of
 * freedom: exact for normal differences, by integrating the noncentral t over the
 * distribution of the sample standard deviation (u = sqrt(chi-square_df)).
 */
export function pairedPower(ncp: number, df: number, alpha = 0.05): number {
  if (!(df >= 1)) throw new RangeError(`df must be at least 1, got ${df}`);
  return powerAtCritical(ncp, df, tCritical(df, alpha));
}

/** pairedPower with the critical value given (the searches below call it many times for one df). */
function powerAtCritical(ncp: number, df: number, c: number): number {
  const a = Math.abs(ncp);
  // Density of u = sqrt(V), V ~ chi-square(df): proportional to u^(df-1) exp(-u^2/2), a
  // peak at sqrt(df-1) of width about 0.7; normalised numerically over the same grid, so
  // no Gamma function is needed. 12 on either side of the peak leaves out < 1e-30.
  const mode = Math.sqrt(df - 1);
  const from = Math.max(0, mode - 12), to = mode + 12;
  const steps = 1000; // even, for Simpson's rule
  const h = (to - from) / steps;
  const logDensity = (u: number): number => (u === 0 ? (df === 1 ? 0 : -Infinity) : (df - 1) * Math.log(u) - (u * u) / 2);
  const peak = logDensity(mode);
  let mass = 0, hit = 0;
  for (let i = 0; i <= steps; i++) {
    const u = from + i * h;
    const w = (i === 0 || i === steps ? 1 : i % 2 === 1 ? 4 : 2) * Math.exp(logDensity(u) - peak);
    if (w === 0) continue;
    const s = u / Math.sqrt(df);
    mass += w;
    hit += w * (normalCdf(a - c * s) + normalCdf(-a - c * s));
  }
  return hit / mass;
}

/**
 * The smallest true mean difference a paired t-test on `n` blocks detects with the
 * given power (default 80%) at level alpha (default 0.05, two-sided), when the
 * per-block differences have standard deviation `sd`. Same units as `sd`.
 */
export function minimumDetectableEffect(sd: number, n: number, options: { alpha?: number; power?: number } = {}): number {
  const alpha = options.alpha ?? 0.05, power = options.power ?? 0.8;
  if (!(sd >= 0) || !Number.isFinite(sd)) throw new RangeError(`sd must be a finite number ≥ 0, got ${sd}`);
  if (!Number.isInteger(n) || n < 2) throw new RangeError(`n must be an integer ≥ 2 (blocks), got ${n}`);
  if (!(power > alpha && power < 1)) throw new RangeError(`power must lie between alpha (${alpha}) and 1, got ${power}`);
  return (detectableNcp(n, alpha, power) * sd) / Math.sqrt(n);
}

/** The noncentrality (effect in standard errors) detected with `power`; it depends on n, alpha and power only. */
const ncpCache = new Map<string, number>();
function detectableNcp(n: number, alpha: number, power: number): number {
  const key = `${n}|${alpha}|${power}`;
  const known = ncpCache.get(key);
  if (known !== undefined) return known;
  const c = tCritical(n - 1, alpha);
  let lo = 0, hi = 1;
  while (powerAtCritical(hi, n - 1, c) < power) hi *= 2;
  for (let i = 0; i < 40; i++) {
    const mid = (lo + hi) / 2;
    if (powerAtCritical(mid, n - 1, c) < power) lo = mid;
    else hi = mid;
  }
  ncpCache.set(key, hi);
  return hi;
}

/**
 * The fewest blocks at which a difference of `effect` (same units as `sd`) is detected
 * with the given power; null when more than `maxBlocks` would be needed (or the effect is 0).
 */
export function blocksNeeded(effect: number, sd: number, options: { alpha?: number; power?: number; maxBlocks?: number } = {}): number | null {
  const maxBlocks = options.maxBlocks ?? 10_000;
  const target = Math.abs(effect);
  if (!Number.isFinite(target)) throw new RangeError(`effect must be a finite number, got ${effect}`);
  if (target === 0) return null;
  if (!(sd >= 0) || !Number.isFinite(sd)) throw new RangeError(`sd must be a finite number ≥ 0, got ${sd}`);
  if (sd === 0) return 2;
  // The t-test needs at least the blocks the z-test would ((z(1-α/2) + z(power)) σ/δ)²;
  // from there the first n that reaches the effect is a few steps up.
  const alpha = options.alpha ?? 0.05, power = options.power ?? 0.8;
  const zFor = (p: number): number => {
    let lo = -10, hi = 10;
    for (let i = 0; i < 60; i++) { const mid = (lo + hi) / 2; if (normalCdf(mid) < p) lo = mid; else hi = mid; }
    return (lo + hi) / 2;
  };
  const zBlocks = ((zFor(1 - alpha / 2) + zFor(power)) * sd / target) ** 2;
  if (zBlocks > maxBlocks) return null;
  for (let n = Math.max(2, Math.floor(zBlocks)); n <= maxBlocks; n++) {
    if (minimumDetectableEffect(sd, n, options) <= target) return n;
  }
  return null;
}

/** The wall times (or any positive figure) of one block's runs, per condition. */
export interface BlockRuns {
  a: readonly number[];
  /** A′: the same command as A, run in the same block (the null control). */
  aPrime: readonly number[];
  b: readonly number[];
}

/** A change B/A - 1 with its interval (fractions: 0.05 = +5%). */
export interface Change {
  change: number;
  interval: [number, number] | null;
  p: number;
  /** Per-block log ratios the test ran on. */
  logRatios: number[];
  /** Their standard deviation (the noise between blocks). */
  sdLog: number;
}

export interface InterleavedComparison {
  blocks: number;
  alpha: number;
  /** B against A. */
  real: Change;
  /** A′ against A: the same command, so any difference is the procedure's. */
  nullControl: Change & { showsDifference: boolean; why: string };
  /** Smallest change (±, as a fraction) these blocks detect with 80% power; null below 2 blocks. */
  mde: number | null;
  /** The noise threshold the null control was held to (fraction). */
  noiseThreshold: number;
  /** Each condition's level in a block: geometric mean of its runs, or its fastest run. */
  perBlock: 'geomean' | 'min';
}

function positive(xs: readonly number[], what: string): readonly number[] {
  if (!Array.isArray(xs) || xs.length === 0 || xs.some((x) => !(x > 0) || !Number.isFinite(x))) throw new RangeError(`${what} must be non-empty positive finite numbers, got ${JSON.stringify(xs)}`);
  return xs;
}
const logMean = (xs: readonly number[], what: string): number => mean(positive(xs, what).map(Math.log));
const logMin = (xs: readonly number[], what: string): number => Math.log(Math.min(...positive(xs, what)));

function change(logRatios: number[], alpha: number): Change {
  const t = pairedTTest(logRatios, alpha);
  return { change: Math.expm1(t.mean), interval: t.interval ? [Math.expm1(t.interval[0]), Math.expm1(t.interval[1])] : null, p: t.p, logRatios, sdLog: t.sd };
}

/**
 * B against A over interleaved blocks, paired by block on log geometric means, with
 * A′ against A as the null control. The null control "shows a difference" when it is
 * significant at alpha or its estimate is beyond both `noiseThreshold` (a fraction) and
 * the smallest change these blocks detect with 80% power: then
 * the same command differs from itself under this schedule by as much as the claims
 * are judged on, and no verdict from the real comparison can be trusted.
 */
export function analyseInterleaved(blocks: readonly BlockRuns[], options: { alpha?: number; noiseThreshold: number; perBlock?: 'geomean' | 'min' }): InterleavedComparison {
  const alpha = options.alpha ?? 0.05;
  const perBlock = options.perBlock ?? 'geomean';
  if (perBlock !== 'geomean' && perBlock !== 'min') throw new RangeError(`options.perBlock must be "geomean" or "min", got ${JSON.stringify(perBlock)}`);
  // "min": on a shared machine preemption only ever adds time, so a condition's fastest
  // run in a block is its least disturbed one; A, A′ and B are treated alike, so the
  // null control still checks the whole procedure.
  const level = perBlock === 'min' ? logMin : logMean;
  const threshold = options.noiseThreshold;
  if (!Array.isArray(blocks)) throw new TypeError(`blocks must be an array of { a, aPrime, b } wall times, got ${typeof blocks}`);
  if (!(threshold > 0 && threshold < 1)) throw new RangeError(`options.noiseThreshold must be a fraction in (0, 1), got ${threshold}`);
  const real: number[] = [], nul: number[] = [];
  blocks.forEach((blk, i) => {
    const la = level(blk.a, `blocks[${i}].a`);
    real.push(level(blk.b, `blocks[${i}].b`) - la);
    nul.push(level(blk.aPrime, `blocks[${i}].aPrime`) - la);
  });
  const r = change(real, alpha), n0 = change(nul, alpha);
  const mde = blocks.length >= 2 ? Math.expm1(minimumDetectableEffect(r.sdLog, blocks.length, { alpha })) : null;
  // A null estimate smaller than what these blocks can detect is noise, not a finding:
  // holding it to the bare threshold tripped about half the runs at ~25% block noise.
  const bound = Math.max(threshold, mde ?? 0);
  const significant = n0.p < alpha, beyond = Math.abs(n0.change) > bound;
  const f = (x: number): string => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}%`;
  const why = significant || beyond
    ? `the null control (the same command run as A′ in the same blocks) differs from A by ${f(n0.change)}` +
      (significant ? ` (p = ${n0.p.toPrecision(2)} < ${alpha})` : '') + (beyond ? ` (beyond ±${(100 * bound).toFixed(1)}%, the larger of the noise threshold and the smallest change these blocks detect)` : '') +
      ': this schedule makes identical runs look different, so the comparison cannot be trusted'
    : `the null control (A′ vs A, same command) shows ${f(n0.change)}${n0.p === n0.p ? ` (p = ${n0.p.toPrecision(2)})` : ''}, within noise`;
  return {
    blocks: blocks.length, alpha, real: r,
    nullControl: { ...n0, showsDifference: significant || beyond, why },
    mde,
    noiseThreshold: threshold,
    perBlock,
  };
}

/**
 * How a claim is judged on the change's interval: it holds when the interval lies
 * inside [low, high] (either may be infinite); it does not hold when the interval
 * lies entirely outside [low - guard, high + guard]. Between the two is "cannot tell",
 * so two runs whose intervals differ by less than the guard can never give opposite verdicts.
 */
export interface BandRule {
  low: number;
  high: number;
  guard: number;
}

export interface Judgement {
  verdict: Verdict;
  /** Why, in words: the interval against the band, the null control, power and runs needed. */
  reason: string;
  /** Blocks that would decide it (80% power, if the true change is the estimate); null when none or already decided. */
  blocksNeeded: number | null;
}

const pc = (x: number): string => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}%`;
const bandText = (lo: number, hi: number): string => (lo === -Infinity ? `below ${pc(hi)}` : hi === Infinity ? `above ${pc(lo)}` : `${pc(lo)} … ${pc(hi)}`);

/**
 * The verdict for one claim from an interleaved comparison: the band rule on the real
 * change's interval, downgraded to "cannot tell" when the null control shows a
 * difference; a "cannot tell" says the detectable difference and the blocks needed.
 */
export function judge(c: InterleavedComparison, rule: BandRule, runsPerBlock = 1): Judgement {
  const { low, high, guard } = rule;
  if (!(low < high) || !(guard >= 0)) throw new RangeError(`rule needs low < high and guard ≥ 0, got ${JSON.stringify(rule)}`);
  const ci = c.real.interval;
  const mdeText = c.mde === null ? '' : `; at ${c.blocks} blocks only a change beyond ±${(100 * c.mde).toFixed(1)}% is detected with 80% power (α = ${c.alpha})`;
  if (ci === null) return { verdict: 'cannot-tell', reason: `${c.blocks} block(s): at least 2 are needed for an interval`, blocksNeeded: null };
  const inside = ci[0] >= low && ci[1] <= high;
  const outside = ci[1] < low - guard || ci[0] > high + guard;
  const ciText = `95% interval ${pc(ci[0])} … ${pc(ci[1])}`;
  if ((inside || outside) && c.nullControl.showsDifference) {
    return { verdict: 'cannot-tell', reason: `downgraded from "${inside ? 'holds' : 'does not hold'}": ${c.nullControl.why}`, blocksNeeded: null };
  }
  if (inside) return { verdict: 'holds', reason: `the ${ciText} lies within ${bandText(low, high)}; ${c.nullControl.why}`, blocksNeeded: null };
  if (outside) return { verdict: 'does-not-hold', reason: `the ${ciText} lies outside ${bandText(low - guard, high + guard)} (the claim's band ${bandText(low, high)} widened by ${(100 * guard).toFixed(1)} points); ${c.nullControl.why}`, blocksNeeded: null };
  // Undecided: the edge whose clearing would decide it, nearest to the estimate; the
  // interval must shrink to the estimate's distance from it (in the log space of the test).
  const est = c.real.change;
  const edges = est >= low && est <= high ? [low, high] : est < low - guard ? [low - guard] : est > high + guard ? [high + guard] : [];
  const finite = edges.filter((e) => Number.isFinite(e) && e > -1);
  const logDistance = finite.length === 0 ? 0 : Math.min(...finite.map((e) => Math.abs(Math.log1p(est) - Math.log1p(e))));
  const need = logDistance > 0 && c.real.sdLog > 0 ? blocksNeeded(logDistance, c.real.sdLog, { alpha: c.alpha }) : null;
  const needText = logDistance === 0
    ? `the estimate (${pc(est)}) lies in the margin between holding (${bandText(low, high)}) and not holding (outside ${bandText(low - guard, high + guard)}), so more runs decide it only if the true change is elsewhere`
    : need === null
      ? `deciding it would take more than 10,000 blocks at this noise`
      : `about ${need} blocks (${need * runsPerBlock} runs) would decide it with 80% power if the true change is the estimate ${pc(est)}`;
  return {
    verdict: 'cannot-tell',
    reason: `the ${ciText} crosses an edge of the claim's band ${bandText(low, high)} or of its ±${(100 * guard).toFixed(1)}-point margin${mdeText}; ${needText}` +
      (c.nullControl.showsDifference ? `; and ${c.nullControl.why}` : ''),
    blocksNeeded: need,
  };
}
