/**
 * The analysis of `compare`: per scenario and metric, NEW/OLD as a ratio with its 95%
 * interval, the null control (OLD against OLD again, in the same blocks), the smallest
 * change the blocks detect at 80% power, and a verdict word.
 *
 * The statistical unit is the block: each block runs every build twice in mirrored,
 * rotated order inside this one invocation (src/measure/runner/interleave.ts), so the machine's
 * drift hits all builds of a block alike and cancels from the block's log ratio. Runs
 * inside a block are never treated as independent replicates: they become one level
 * per build (their minimum for times, their geometric mean for counts), and the test
 * is a paired t-test on the blocks' log ratios (src/analyse/power.ts).
 */
import { blocksNeeded, minimumDetectableEffect, pairedTTest } from '../power.js';
import { mean } from '../../core/stats.js';

/** faster / slower: the interval lies wholly beyond ±noise threshold; no-difference: the interval and the detectable change lie within the margin. */
export type CompareVerdict = 'faster' | 'slower' | 'no-difference' | 'cannot-tell';

/** One metric's values in one block: every run of each build in that block. */
export interface BlockValues {
  old: readonly number[];
  /** OLD again (the null control), run in the same block. */
  oldPrime: readonly number[];
  new: readonly number[];
}

/** Thresholds of the verdicts, as fractions (0.01 = 1%). */
export interface VerdictOptions {
  /** A change counts as faster/slower only when its 95% interval lies wholly beyond ±this (criterion's noise threshold; default 0.01). */
  noiseThreshold: number;
  /** "no-difference" needs the interval, and the smallest change the blocks detect, within ±this (default 0.05). */
  margin: number;
  /** Two-sided level of the intervals (default 0.05). */
  alpha: number;
}

export const DEFAULT_VERDICT_OPTIONS: VerdictOptions = { noiseThreshold: 0.01, margin: 0.05, alpha: 0.05 };

/** A ratio NEW/OLD (or OLD′/OLD) with its interval, from the blocks' log ratios. */
export interface RatioEstimate {
  ratio: number;
  /** 95% interval of the ratio; null below 2 blocks. */
  interval: [number, number] | null;
  p: number | null;
  /** Standard deviation of the per-block log ratios: the noise between blocks. */
  sdLog: number;
}

/** One metric of one scenario, analysed (before the verdict). */
export interface MetricAnalysis {
  blocks: number;
  real: RatioEstimate;
  nullControl: RatioEstimate & { differs: boolean };
  /** Smallest change (a fraction, ±) these blocks detect with 80% power; null below 2 blocks. */
  mde: number | null;
  /** Geometric mean of the per-block levels, per side (in the metric's unit). */
  oldLevel: number;
  newLevel: number;
}

function levelOf(xs: readonly number[], how: 'min' | 'geomean', what: string): number {
  if (!Array.isArray(xs) || xs.length === 0 || xs.some((x) => !(x > 0) || !Number.isFinite(x))) {
    throw new RangeError(`${what} must be non-empty positive finite numbers, got ${JSON.stringify(xs)?.slice(0, 80)}`);
  }
  return how === 'min' ? Math.log(Math.min(...xs)) : mean(xs.map(Math.log));
}

function estimate(logRatios: number[], alpha: number): RatioEstimate {
  const t = pairedTTest(logRatios, alpha);
  return {
    ratio: Math.exp(t.mean),
    interval: t.interval ? [Math.exp(t.interval[0]), Math.exp(t.interval[1])] : null,
    p: Number.isNaN(t.p) ? null : t.p,
    sdLog: Number.isFinite(t.sd) ? t.sd : 0,
  };
}

/** True when the interval lies wholly beyond ±threshold: the rule that makes a verdict. */
export function beyondThreshold(interval: readonly [number, number] | null, noiseThreshold: number): 'above' | 'below' | null {
  if (interval === null) return null;
  if (interval[0] > 1 + noiseThreshold) return 'above';
  if (interval[1] < 1 / (1 + noiseThreshold)) return 'below';
  return null;
}

/**
 * Analyses one metric over the blocks. The null control "differs" when OLD′ against OLD
 * would itself have been called faster or slower by the verdict rule: then this schedule
 * makes identical builds look different, and no verdict from these blocks is trusted.
 * `nullAlpha` is the level of the null control's interval: a scenario checks it on every
 * metric, so analyseScenario splits alpha among them (Bonferroni) and a sound procedure
 * downgrades a scenario in at most alpha of runs, not in one per twenty metrics.
 */
export function analyseMetric(blocks: readonly BlockValues[], level: 'min' | 'geomean', options: VerdictOptions = DEFAULT_VERDICT_OPTIONS, nullAlpha = options.alpha): MetricAnalysis {
  if (!Array.isArray(blocks)) throw new TypeError(`blocks must be an array of { old, oldPrime, new } values, got ${typeof blocks}`);
  const real: number[] = [], nul: number[] = [], oldLevels: number[] = [], newLevels: number[] = [];
  blocks.forEach((b, i) => {
    const lo = levelOf(b.old, level, `blocks[${i}].old`), ln = levelOf(b.new, level, `blocks[${i}].new`);
    real.push(ln - lo);
    nul.push(levelOf(b.oldPrime, level, `blocks[${i}].oldPrime`) - lo);
    oldLevels.push(lo);
    newLevels.push(ln);
  });
  const r = estimate(real, options.alpha), n0 = estimate(nul, nullAlpha);
  const mde = blocks.length >= 2 ? Math.expm1(minimumDetectableEffect(r.sdLog, blocks.length, { alpha: options.alpha })) : null;
  return {
    blocks: blocks.length,
    real: r,
    nullControl: { ...n0, differs: beyondThreshold(n0.interval, options.noiseThreshold) !== null },
    mde,
    oldLevel: Math.exp(mean(oldLevels)),
    newLevel: Math.exp(mean(newLevels)),
  };
}

/** The verdict on one metric and why; `blocksNeeded` says how many blocks would decide a cannot-tell. */
export interface MetricJudgement {
  verdict: CompareVerdict;
  reason: string;
  blocksNeeded: number | null;
}

export const signedPct = (x: number): string => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}%`;
const intervalText = (ci: readonly [number, number]): string => `95% interval ${signedPct(ci[0] - 1)} … ${signedPct(ci[1] - 1)}`;

/**
 * The verdict word for a metric. `nullWhy` is set when the scenario's null control
 * differs (on this metric or another): every verdict is then downgraded to cannot-tell.
 */
export function judgeMetric(a: MetricAnalysis, options: VerdictOptions = DEFAULT_VERDICT_OPTIONS, nullWhy: string | null = null): MetricJudgement {
  const ci = a.real.interval;
  if (ci === null || a.mde === null) return { verdict: 'cannot-tell', reason: `${a.blocks} block(s): at least 2 are needed for an interval`, blocksNeeded: 2 };
  const side = beyondThreshold(ci, options.noiseThreshold);
  const mdeText = `the smallest change ${a.blocks} blocks detect at 80% power is ±${(100 * a.mde).toFixed(1)}%`;
  if (nullWhy !== null) {
    const would = side === 'above' ? 'slower' : side === 'below' ? 'faster' : null;
    return { verdict: 'cannot-tell', reason: `${would ? `downgraded from "${would}": ` : ''}${nullWhy}`, blocksNeeded: null };
  }
  if (side !== null) {
    return { verdict: side === 'above' ? 'slower' : 'faster', reason: `the ${intervalText(ci)} lies wholly beyond ±${(100 * options.noiseThreshold).toFixed(1)}% (the noise threshold)`, blocksNeeded: null };
  }
  const inMargin = a.mde <= options.margin && ci[0] >= 1 / (1 + options.margin) && ci[1] <= 1 + options.margin;
  if (inMargin) {
    return { verdict: 'no-difference', reason: `no difference larger than ±${(100 * a.mde).toFixed(1)}% (${mdeText}); ${intervalText(ci)}`, blocksNeeded: null };
  }
  const need = a.real.sdLog > 0 ? blocksNeeded(Math.log1p(options.margin), a.real.sdLog, { alpha: options.alpha }) : null;
  return {
    verdict: 'cannot-tell',
    reason: `the ${intervalText(ci)} is neither beyond ±${(100 * options.noiseThreshold).toFixed(1)}% nor within ±${(100 * options.margin).toFixed(1)}%, and ${mdeText}; ` +
      (need === null ? 'more than 10,000 blocks would be needed at this noise' : `about ${need} blocks would bring the detectable change within ±${(100 * options.margin).toFixed(1)}% (80% power)`),
    blocksNeeded: need,
  };
}

/** Why a scenario's null control downgrades its verdicts, or null when it shows no difference. */
export function nullControlWhy(byMetric: readonly { metric: string; analysis: MetricAnalysis }[], nullAlpha: number): string | null {
  const bad = byMetric.filter((m) => m.analysis.nullControl.differs);
  if (bad.length === 0) return null;
  const parts = bad.map((m) => `${m.metric} ${signedPct(m.analysis.nullControl.ratio - 1)} (${intervalText(m.analysis.nullControl.interval!).replace('95% ', '')})`);
  return `the null control (OLD run again as OLD′ in the same blocks) differs from OLD, its interval (${(100 * (1 - nullAlpha)).toFixed(1)}%: 95% shared among ${byMetric.length} metrics) wholly beyond the noise threshold, on ${parts.join(', ')}: ` +
    'this schedule made identical builds look different, so no verdict of this scenario is trusted';
}
