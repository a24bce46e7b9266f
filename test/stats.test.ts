import { describe, expect, it } from 'vitest';
import {
  MAX_BOOTSTRAP_RESAMPLES, compareProcessMedians, cvPercent, hierarchicalBootstrap, hierarchicalChangeInterval, madOutliers, mannWhitneyU, median,
  medianInterval, normalCdf, ratioWithUncertainty, regularizedIncompleteBeta, seededRandom, studentTQuantile, studentTTwoSidedP, validateResamples, welchTTest,
} from '../src/core/stats.js';

describe('distribution helpers', () => {
  it('normalCdf matches tabulated values', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-1)).toBeCloseTo(0.158655, 6);
    expect(normalCdf(-6) / 9.8659e-10).toBeCloseTo(1, 3);
  });
  it('Student t two-sided p matches tables', () => {
    expect(studentTTwoSidedP(2.228139, 10)).toBeCloseTo(0.05, 5);
    expect(studentTTwoSidedP(12.7062, 1)).toBeCloseTo(0.05, 4);
    expect(studentTTwoSidedP(0, 5)).toBeCloseTo(1, 10);
    expect(studentTTwoSidedP(1.959964, 1e7)).toBeCloseTo(0.05, 5);
  });
  it('regularized incomplete beta: I_x(1,1) = x and symmetry', () => {
    expect(regularizedIncompleteBeta(0.3, 1, 1)).toBeCloseTo(0.3, 10);
    expect(regularizedIncompleteBeta(0.3, 2, 5) + regularizedIncompleteBeta(0.7, 5, 2)).toBeCloseTo(1, 10);
  });
});

describe('welchTTest', () => {
  // Wikipedia "Welch's t-test", example 1: t = -2.46, df = 25.0, p = 0.021.
  const a1 = [27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4];
  const a2 = [27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4];
  it('reproduces the textbook example', () => {
    const r = welchTTest(a1, a2);
    expect(r.t).toBeCloseTo(-2.46, 2);
    expect(r.df).toBeCloseTo(25.0, 0);
    expect(r.p).toBeCloseTo(0.021, 3);
  });
  it('is antisymmetric in its arguments', () => {
    const r1 = welchTTest(a1, a2), r2 = welchTTest(a2, a1);
    expect(r2.t).toBeCloseTo(-r1.t, 12);
    expect(r2.p).toBeCloseTo(r1.p, 12);
  });
  it('handles degenerate samples', () => {
    expect(welchTTest([1], [2, 3]).p).toBeNaN();
    expect(welchTTest([1, 1], [1, 1]).p).toBe(1);
    expect(welchTTest([1, 1], [2, 2]).p).toBe(0);
  });
});

describe('mannWhitneyU', () => {
  it('fully separated samples: U = 0, asymptotic p = 0.0122', () => {
    const r = mannWhitneyU([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]);
    expect(r.u).toBe(0);
    expect(r.p).toBeCloseTo(0.01219, 4);
    expect(r.z).toBeLessThan(0);
  });
  it('identical samples are not significant', () => {
    const r = mannWhitneyU([1, 2, 3, 4], [1, 2, 3, 4]);
    expect(r.u).toBe(8);
    expect(r.p).toBeCloseTo(1, 6);
  });
  it('ties use average ranks', () => {
    // a ranks: 1.5, 3.5 → R = 5, U = 5 - 3 = 2 (= n1 n2 / 2: no evidence).
    const r = mannWhitneyU([1, 2], [1, 2]);
    expect(r.u).toBe(2);
  });
  it('empty input gives NaN', () => {
    expect(mannWhitneyU([], [1]).p).toBeNaN();
  });
});

describe('ratioWithUncertainty', () => {
  it('propagates relative errors', () => {
    const r = ratioWithUncertainty([20, 22, 18], [10, 11, 9]);
    expect(r.ratio).toBeCloseTo(2, 12);
    // Both have relative σ = 0.1 → combined √2 · 0.1 · 2.
    expect(r.stddev).toBeCloseTo(2 * Math.SQRT2 * 0.1, 10);
  });
});

describe('madOutliers', () => {
  it('flags a gross outlier only', () => {
    const xs = [10, 10.1, 9.9, 10.2, 9.8, 10, 10.1, 30];
    expect(madOutliers(xs)).toEqual([7]);
    expect(madOutliers(xs.slice(0, 7))).toEqual([]);
  });
  it('MAD = 0 flags nothing', () => {
    expect(madOutliers([1, 1, 1, 5])).toEqual([]);
  });
  it('the threshold is honoured', () => {
    expect(madOutliers([10, 11, 9, 10, 13], 2)).toEqual([4]);
  });
});

describe('medianInterval', () => {
  it('gives order statistics around the median, and null for too few values', () => {
    expect(medianInterval([1, 2, 3, 4, 5])).toBeNull();
    // n = 10: k = 2 (P(X <= 1) = 11/1024 <= 2.5% < P(X <= 2)), so the 2nd and 9th values.
    expect(medianInterval([10, 1, 9, 2, 8, 3, 7, 4, 6, 5])).toEqual([2, 9]);
  });
});

/** Normal deviates from a seeded generator (Box-Muller). */
function gaussian(random: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** `processes` groups of `perProcess` samples: each process's level drawn with `betweenSigma`, samples around it with `withinSigma` (relative). */
function nested(random: () => number, processes: number, perProcess: number, betweenSigma: number, withinSigma: number, center = 100): number[][] {
  const g = gaussian(random);
  return Array.from({ length: processes }, () => {
    const level = center * Math.exp(betweenSigma * g());
    return Array.from({ length: perProcess }, () => level * Math.exp(withinSigma * g()));
  });
}

describe('hierarchicalBootstrap', () => {
  it('is deterministic for a seed and brackets the median of the process medians', () => {
    const groups = nested(seededRandom('a'), 6, 30, 0.05, 0.01);
    const a = hierarchicalBootstrap(groups, { resamples: 500 });
    expect(a).toEqual(hierarchicalBootstrap(groups, { resamples: 500 }));
    expect(a!.groups).toBe(6);
    expect(a!.estimate).toBeCloseTo(median(groups.map((g) => median(g))), 12);
    expect(a!.low).toBeLessThanOrEqual(a!.estimate);
    expect(a!.high).toBeGreaterThanOrEqual(a!.estimate);
    expect(hierarchicalBootstrap([], { resamples: 500 })).toBeNull();
    expect(hierarchicalBootstrap([[NaN], []], { resamples: 500 })).toBeNull();
  });

  it('carries the between-process spread that a pooled bootstrap hides', () => {
    // 5% between processes, 0.5% within: the pooled samples look precise, the processes do not agree.
    const groups = nested(seededRandom('b'), 5, 100, 0.05, 0.005);
    const h = hierarchicalBootstrap(groups, { resamples: 1000 })!;
    const pooled = hierarchicalBootstrap([groups.flat()], { resamples: 1000 })!;
    expect((h.high - h.low) / h.estimate).toBeGreaterThan(0.03);
    expect((h.high - h.low) / (pooled.high - pooled.low)).toBeGreaterThan(5);
  });

  it('covers the true centre far more often than the pooled-sample interval does', () => {
    const random = seededRandom('coverage');
    let hierarchical = 0, pooled = 0;
    const trials = 150;
    for (let t = 0; t < trials; t++) {
      const groups = nested(random, 8, 20, 0.05, 0.01);
      const h = hierarchicalBootstrap(groups, { resamples: 300, seed: String(t) })!;
      const p = hierarchicalBootstrap([groups.flat()], { resamples: 300, seed: String(t) })!;
      if (h.low <= 100 && 100 <= h.high) hierarchical++;
      if (p.low <= 100 && 100 <= p.high) pooled++;
    }
    expect(hierarchical / trials).toBeGreaterThan(0.8);
    expect(pooled / trials).toBeLessThan(0.5);
  });

  it('the change interval brackets a known shift', () => {
    const random = seededRandom('c');
    const base = nested(random, 5, 50, 0.02, 0.01, 100);
    const cur = nested(random, 5, 50, 0.02, 0.01, 130);
    const ci = hierarchicalChangeInterval(base, cur, { resamples: 1000 })!;
    expect(ci[0]).toBeGreaterThan(15);
    expect(ci[1]).toBeLessThan(45);
    expect(hierarchicalChangeInterval([], cur, { resamples: 1000 })).toBeNull();
  });

  it('bounds resamples and the other options with RangeErrors naming them', () => {
    expect(() => hierarchicalBootstrap([[1, 2]], { resamples: 1e9 })).toThrow(/resamples: expected an integer from 100 to 100000, got 1000000000/);
    expect(() => hierarchicalBootstrap([[1, 2]], { resamples: 10.5 })).toThrow(RangeError);
    expect(() => hierarchicalBootstrap([[1, 2]], { confidence: 1 })).toThrow(/confidence/);
    expect(() => hierarchicalBootstrap([[1, 2]], { maxSamplesPerGroup: 0 })).toThrow(/maxSamplesPerGroup/);
    expect(validateResamples(MAX_BOOTSTRAP_RESAMPLES)).toBe(MAX_BOOTSTRAP_RESAMPLES);
    expect(() => validateResamples('2000', 'opts.resamples')).toThrow(/opts\.resamples/);
  });
});

describe('comparing process medians', () => {
  it('needs two processes a side', () => {
    expect(compareProcessMedians([1], [1, 2])).toBeNull();
    expect(compareProcessMedians([1, 2], [0, -1, 3])).toBeNull();
  });
  it('gives the change of the geometric mean, a t interval around it and Welch\'s p', () => {
    const c = compareProcessMedians([100, 102, 98, 101], [120, 123, 117, 121])!;
    expect(c.changePct).toBeGreaterThan(18);
    expect(c.changePct).toBeLessThan(22);
    expect(c.ci![0]).toBeLessThan(c.changePct);
    expect(c.ci![1]).toBeGreaterThan(c.changePct);
    expect(c.p).toBeLessThan(0.001);
    expect(compareProcessMedians([100, 110, 90], [101, 111, 91])!.p).toBeGreaterThan(0.5);
  });
  it('studentTQuantile inverts the two-sided p', () => {
    expect(studentTQuantile(0.975, 10)).toBeCloseTo(2.228, 3);
    expect(studentTQuantile(0.025, 10)).toBeCloseTo(-2.228, 3);
    expect(studentTQuantile(0.975, 1e6)).toBeCloseTo(1.96, 2);
  });
  it('cvPercent is σ/mean in %', () => {
    expect(cvPercent([9, 11])).toBeCloseTo((100 * Math.SQRT2) / 10, 9);
    expect(cvPercent([5])).toBeNaN();
  });
});
