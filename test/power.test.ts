import { describe, expect, it } from 'vitest';
import {
  analyseInterleaved, type BandRule, blocksNeeded, type BlockRuns, judge, minimumDetectableEffect, pairedPower, pairedTTest, tCritical,
} from '../src/analyse/power.js';
import { rng } from './sim-rng.js';

describe('t distribution helpers', () => {
  it('tCritical matches tables', () => {
    expect(tCritical(1)).toBeCloseTo(12.7062, 3);
    expect(tCritical(4)).toBeCloseTo(2.7764, 3);
    expect(tCritical(9)).toBeCloseTo(2.2622, 3);
    expect(tCritical(1e6)).toBeCloseTo(1.95996, 4);
    expect(tCritical(9, 0.01)).toBeCloseTo(3.2498, 3);
  });
  it('rejects bad arguments by name', () => {
    expect(() => tCritical(0)).toThrow(/df/);
    expect(() => tCritical(3, 1.5)).toThrow(/alpha/);
    expect(() => minimumDetectableEffect(1, 1)).toThrow(/n must be an integer ≥ 2/);
    expect(() => minimumDetectableEffect(-1, 5)).toThrow(/sd/);
    expect(() => pairedTTest([1, Number.NaN])).toThrow(TypeError);
  });
});

describe('pairedTTest', () => {
  it('reproduces a hand computation', () => {
    // mean 3, sd sqrt(2.5), se 0.7071, t = 4.2426 on 4 df: p = 0.01324; interval 3 ± 2.7764 · 0.7071
    const r = pairedTTest([1, 2, 3, 4, 5]);
    expect(r.mean).toBe(3);
    expect(r.t).toBeCloseTo(4.2426, 3);
    expect(r.p).toBeCloseTo(0.01324, 4);
    expect(r.interval![0]).toBeCloseTo(3 - 1.9632, 3);
    expect(r.interval![1]).toBeCloseTo(3 + 1.9632, 3);
  });
  it('gives no interval below two differences, and a point for identical ones', () => {
    expect(pairedTTest([0.1]).interval).toBeNull();
    expect(Number.isNaN(pairedTTest([0.1]).p)).toBe(true);
    expect(pairedTTest([0.25, 0.25, 0.25])).toMatchObject({ p: 0, interval: [0.25, 0.25] });
    expect(pairedTTest([0, 0]).p).toBe(1);
  });
});

describe('power and minimum detectable effect (80%, α = 0.05)', () => {
  it('power equals α at no effect', () => {
    expect(pairedPower(0, 1)).toBeCloseTo(0.05, 6);
    expect(pairedPower(0, 7)).toBeCloseTo(0.05, 6);
  });
  it('matches G*Power: paired t, dz = 1, n = 10 → power 0.8031; dz = 0.5 needs n = 34', () => {
    expect(pairedPower(Math.sqrt(10), 9)).toBeCloseTo(0.8031, 3);
    expect(blocksNeeded(1, 1)).toBe(10);
    expect(blocksNeeded(0.5, 1)).toBe(34);
  });
  it('tends to the normal formula (z0.975 + z0.8) σ/√n for large n', () => {
    const n = 2000;
    expect(minimumDetectableEffect(1, n) * Math.sqrt(n) / (1.959964 + 0.841621)).toBeCloseTo(1, 2);
  });
  it('scales with σ and falls with n', () => {
    expect(minimumDetectableEffect(0.2, 8)).toBeCloseTo(0.2 * minimumDetectableEffect(1, 8), 10);
    expect(minimumDetectableEffect(1, 5)).toBeGreaterThan(minimumDetectableEffect(1, 6));
    expect(minimumDetectableEffect(0, 5)).toBe(0);
  });
  it('detects a shift of exactly the MDE in about 80% of simulated experiments (n = 5 blocks)', () => {
    const r = rng(7), sd = 0.04, n = 5, shift = minimumDetectableEffect(sd, n), trials = 4000;
    let rejected = 0;
    for (let t = 0; t < trials; t++) {
      const d = Array.from({ length: n }, () => shift + sd * r.normal());
      if (pairedTTest(d).p < 0.05) rejected++;
    }
    // binomial SE at 0.8 and 4000 trials: 0.0063; ±0.03 is about 5 SE
    expect(rejected / trials).toBeGreaterThan(0.77);
    expect(rejected / trials).toBeLessThan(0.83);
  });
  it('blocksNeeded is the first n whose MDE reaches the effect, null beyond the cap', () => {
    const n = blocksNeeded(0.03, 0.05)!;
    expect(minimumDetectableEffect(0.05, n)).toBeLessThanOrEqual(0.03);
    expect(minimumDetectableEffect(0.05, n - 1)).toBeGreaterThan(0.03);
    expect(blocksNeeded(1e-6, 1, { maxBlocks: 100 })).toBeNull();
    expect(blocksNeeded(0, 1)).toBeNull();
  });
});

/** Blocks whose A, A′ and B runs are base·(1+shift)·noise. */
function blocksOf(n: number, opts: { shiftB: number; shiftAPrime?: number; noise: number; seed: number }): BlockRuns[] {
  const r = rng(opts.seed);
  const run = (shift: number): number => 100 * (1 + shift) * Math.exp(opts.noise * r.normal());
  return Array.from({ length: n }, () => ({
    a: [run(0), run(0)], aPrime: [run(opts.shiftAPrime ?? 0), run(opts.shiftAPrime ?? 0)], b: [run(opts.shiftB), run(opts.shiftB)],
  }));
}

describe('analyseInterleaved and judge', () => {
  const parity: BandRule = { low: -0.05, high: 0.05, guard: 0.025 };
  it('pairs by block on log ratios: a constant factor is found exactly, whatever the block level', () => {
    const blocks = [1, 3, 0.5, 2].map((level) => ({ a: [100 * level], aPrime: [100 * level], b: [110 * level] }));
    const c = analyseInterleaved(blocks, { noiseThreshold: 0.02 });
    expect(c.real.change).toBeCloseTo(0.1, 12);
    expect(c.real.interval![0]).toBeCloseTo(0.1, 12);
    expect(c.nullControl.showsDifference).toBe(false);
  });
  it('"min" per block ignores one preempted run that the geometric mean would count', () => {
    const blocks = [0, 1, 2, 3].map((i) => ({ a: [100, 101], aPrime: [100, 101], b: i === 2 ? [100, 300] : [100, 101] }));
    expect(analyseInterleaved(blocks, { noiseThreshold: 0.02, perBlock: 'min' }).real.change).toBeCloseTo(0, 12);
    expect(analyseInterleaved(blocks, { noiseThreshold: 0.02 }).real.change).toBeGreaterThan(0.1);
    expect(() => analyseInterleaved(blocks, { noiseThreshold: 0.02, perBlock: 'max' as 'min' })).toThrow(/perBlock/);
  });
  it('holds for parity when the interval lies within the band, and says "no difference larger than"', () => {
    // A′ identical to A: the null control is exactly 0, so only the band decides
    const blocks = blocksOf(10, { shiftB: 0.01, noise: 0.005, seed: 1 }).map((b) => ({ ...b, aPrime: b.a }));
    const c = analyseInterleaved(blocks, { noiseThreshold: 0.02 });
    expect(c.nullControl.showsDifference).toBe(false);
    const j = judge(c, parity);
    expect(j.verdict).toBe('holds');
    expect(j.reason).toMatch(/lies within -5\.0% … \+5\.0%/);
  });
  it('does not hold when the interval lies beyond the band and its margin', () => {
    const c = analyseInterleaved(blocksOf(10, { shiftB: 0.3, noise: 0.01, seed: 2 }), { noiseThreshold: 0.02 });
    expect(judge(c, parity).verdict).toBe('does-not-hold');
  });
  it('downgrades to cannot tell when the null control shows a difference, and says why', () => {
    const c = analyseInterleaved(blocksOf(10, { shiftB: 0.3, shiftAPrime: 0.04, noise: 0.005, seed: 3 }), { noiseThreshold: 0.02 });
    expect(c.nullControl.showsDifference).toBe(true);
    const j = judge(c, parity);
    expect(j.verdict).toBe('cannot-tell');
    expect(j.reason).toMatch(/downgraded from "does not hold": the null control .* differs from A by \+\d\.\d%/);
  });
  it('the null control is significant by chance in about α of simulated A/A experiments (its false-alarm rate)', () => {
    let alarms = 0;
    for (let seed = 100; seed < 1100; seed++) {
      if (analyseInterleaved(blocksOf(6, { shiftB: 0, noise: 0.03, seed }), { noiseThreshold: 0.5 }).nullControl.showsDifference) alarms++;
    }
    expect(alarms / 1000).toBeGreaterThan(0.025);
    expect(alarms / 1000).toBeLessThan(0.08);
  });
  it('the null control trips on its noise threshold even when not significant', () => {
    // two blocks, noisy: p is large, but the estimate is far beyond the threshold
    const c = analyseInterleaved([{ a: [100], aPrime: [112], b: [100] }, { a: [100], aPrime: [104], b: [100] }], { noiseThreshold: 0.05 });
    expect(c.nullControl.p).toBeGreaterThan(0.05);
    expect(c.nullControl.showsDifference).toBe(true);
    expect(c.nullControl.why).toMatch(/beyond ±5\.0%, the larger of the noise threshold/);
  });
  it('a null estimate within what the blocks can detect is noise, not a trip', () => {
    // B is noisy block to block (MDE far above 5%); A′ moves 9% but not significantly.
    const blocks = [
      { a: [100], aPrime: [118], b: [130] }, { a: [100], aPrime: [92], b: [80] },
      { a: [100], aPrime: [104], b: [125] }, { a: [100], aPrime: [114], b: [85] },
    ];
    const c = analyseInterleaved(blocks, { noiseThreshold: 0.05 });
    expect(Math.abs(c.nullControl.change)).toBeGreaterThan(0.05);
    expect(c.nullControl.p).toBeGreaterThan(0.05);
    expect(c.mde!).toBeGreaterThan(Math.abs(c.nullControl.change));
    expect(c.nullControl.showsDifference).toBe(false);
  });
  it('an undecided comparison says what it could detect and how many blocks would decide it', () => {
    const c = analyseInterleaved(blocksOf(4, { shiftB: 0.02, noise: 0.03, seed: 4 }), { noiseThreshold: 0.5 });
    const j = judge(c, parity, 6);
    expect(j.verdict).toBe('cannot-tell');
    expect(j.reason).toMatch(/only a change beyond ±\d+\.\d% is detected with 80% power/);
    expect(j.reason).toMatch(/about \d+ blocks \(\d+ runs\) would decide it/);
    expect(j.blocksNeeded).toBeGreaterThan(4);
  });
  it('never gives opposite verdicts for intervals of the same width whose estimates lie within the margin of each other', () => {
    const rule: BandRule = { low: 0.43, high: 0.63, guard: 0.05 };
    const fake = (est: number, half: number) => ({
      blocks: 5, alpha: 0.05, mde: 0.1, noiseThreshold: 0.05,
      real: { change: est, interval: [est - half, est + half] as [number, number], p: 0.01, logRatios: [], sdLog: 0 },
      nullControl: { change: 0, interval: [-0.01, 0.01] as [number, number], p: 0.9, logRatios: [], sdLog: 0.01, showsDifference: false, why: 'ok' },
    });
    for (const half of [0, 0.005, 0.02, 0.1]) {
      for (let e1 = 0.2; e1 <= 0.9; e1 += 0.0025) {
        for (let e2 = e1; e2 <= e1 + rule.guard; e2 += 0.0025) {
          const pair = new Set([judge(fake(e1, half), rule).verdict, judge(fake(e2, half), rule).verdict]);
          expect(pair.has('holds') && pair.has('does-not-hold')).toBe(false);
        }
      }
    }
  });
  it('rejects bad input by name', () => {
    expect(() => analyseInterleaved([{ a: [0], aPrime: [1], b: [1] }], { noiseThreshold: 0.05 })).toThrow(/blocks\[0\]\.a must be non-empty positive/);
    expect(() => analyseInterleaved([], { noiseThreshold: 2 })).toThrow(/noiseThreshold/);
    const c = analyseInterleaved(blocksOf(3, { shiftB: 0, noise: 0.01, seed: 5 }), { noiseThreshold: 0.05 });
    expect(() => judge(c, { low: 1, high: 0, guard: 0 })).toThrow(/low < high/);
  });
});
