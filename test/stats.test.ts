import { describe, expect, it } from 'vitest';
import {
  madOutliers, mannWhitneyU, medianInterval, normalCdf, ratioWithUncertainty, regularizedIncompleteBeta, studentTTwoSidedP, welchTTest,
} from '../src/stats.js';

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
