import { describe, expect, it } from 'vitest';
import { judgeInterval, relativeBand, spanOf } from '../src/judge/rule.js';

const band = { low: 10, high: 20, margin: 5, unit: 'count' as const, reading: 'test' };

describe('judgeInterval: three outcomes from an interval against a band', () => {
  it('holds when the whole interval lies inside the band (edges included)', () => {
    expect(judgeInterval({ low: 12, high: 18 }, band).verdict).toBe('holds');
    expect(judgeInterval({ low: 10, high: 20 }, band).verdict).toBe('holds');
  });
  it('does not hold only when the whole interval lies outside the band widened by its margin', () => {
    expect(judgeInterval({ low: 1, high: 4.9 }, band).verdict).toBe('does-not-hold');
    expect(judgeInterval({ low: 25.1, high: 40 }, band).verdict).toBe('does-not-hold');
  });
  it('cannot tell in the margin, across an edge, or without data', () => {
    expect(judgeInterval({ low: 6, high: 9 }, band).verdict).toBe('cannot-tell');
    expect(judgeInterval({ low: 21, high: 24 }, band).verdict).toBe('cannot-tell');
    expect(judgeInterval({ low: 15, high: 22 }, band).verdict).toBe('cannot-tell');
    expect(judgeInterval({ low: 1, high: 40 }, band).verdict).toBe('cannot-tell');
    expect(judgeInterval(null, band).verdict).toBe('cannot-tell');
    expect(judgeInterval({ low: NaN, high: 3 }, band).verdict).toBe('cannot-tell');
  });
  it('takes one-sided bounds: a lower bound [L, ∞) refutes an upper-bounded claim, and an upper bound confirms it', () => {
    const atMost = { low: 0, high: 20e6, margin: 4e6, unit: 'bytes' as const, reading: '< 20 MB' };
    expect(judgeInterval({ low: 236e6, high: Infinity }, atMost).verdict).toBe('does-not-hold');
    expect(judgeInterval({ low: 0, high: 15e6 }, atMost).verdict).toBe('holds');
    expect(judgeInterval({ low: 0, high: 30e6 }, atMost).verdict).toBe('cannot-tell');
  });
  it('cannot flip between holds and does-not-hold for intervals closer than the margin', () => {
    for (let x = 0; x <= 30; x += 0.25) {
      const a = judgeInterval({ low: x, high: x + 1 }, band).verdict, b = judgeInterval({ low: x + 4.9, high: x + 5.9 }, band).verdict;
      expect([a, b].sort().join()).not.toBe('does-not-hold,holds');
    }
  });
  it('refuses a malformed band with a RangeError naming it', () => {
    expect(() => judgeInterval({ low: 1, high: 2 }, { ...band, low: 30 })).toThrow(/band: expected low ≤ high/);
    expect(() => judgeInterval({ low: 1, high: 2 }, { ...band, margin: -1 })).toThrow(RangeError);
  });
});

describe('helpers', () => {
  it('spanOf spans every value and refuses non-finite ones', () => {
    expect(spanOf([3, 1, 2])).toEqual({ low: 1, high: 3, point: 2 });
    expect(spanOf([])).toBeNull();
    expect(spanOf([1, Infinity])).toBeNull();
  });
  it('relativeBand', () => {
    const b = relativeBand(100, 0.15, 0.1, 'ns', 'r');
    expect([b.low, b.high, b.margin].map((x) => Number(x.toFixed(9)))).toEqual([85, 115, 10]);
  });
});
