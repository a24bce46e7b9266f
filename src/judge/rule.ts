/**
 * The one rule every claim is judged by: an interval against a band, three outcomes.
 *  - holds: the whole interval lies inside the claim's band;
 *  - does not hold: the whole interval lies outside the band widened by its margin;
 *  - cannot tell: anything else (the interval touches the margin, or there is no interval).
 * Two measurements of the same code can give opposite verdicts only if they differ by more than
 * the margin, which is why every band has one. The interval is between processes or runs (never
 * the samples of one process), or a bound: a massif lower bound is [L, ∞), an RSS upper bound [0, U].
 */
import { median } from '../core/stats.js';
import type { Verdict } from '../model/result.js';

/** How a figure in the claim's unit is shown. */
export type Unit = 'ns' | 'ms' | 'bytes' | 'ratio' | 'share' | 'count' | 'batch';

export interface Interval {
  low: number;
  high: number;
  /** The central figure (a median), when there is one. */
  point?: number;
}

export interface Band {
  low: number;
  high: number;
  /** How far outside the band the whole interval must lie for "does not hold". */
  margin: number;
  unit: Unit;
  /** Why this band is a fair reading of the document's words, in one line. */
  reading: string;
}

export interface Outcome {
  verdict: Verdict;
  /** The interval against the band, in words. */
  why: string;
}

const trim = (x: number, digits: number): string => String(Number(x.toFixed(digits)));

/** `x` in `unit`, for reasons and tables. */
export function formatIn(x: number, unit: Unit): string {
  if (x === Infinity) return '∞';
  if (x === -Infinity) return '−∞';
  switch (unit) {
    case 'ns': return `${trim(x, x >= 100 ? 0 : 1)} ns`;
    case 'ms': return `${trim(x, x >= 100 ? 0 : 1)} ms`;
    case 'bytes': return Math.abs(x) >= 1e9 ? `${trim(x / 1e9, 2)} GB` : Math.abs(x) >= 1e6 ? `${trim(x / 1e6, 2)} MB` : `${trim(x / 1e3, 1)} kB`;
    case 'ratio': return `${trim(x, 2)}×`;
    case 'share': return `${trim(100 * x, Math.abs(x) < 0.1 ? 2 : 1)} %`;
    case 'count': return trim(x, 0);
    case 'batch': return `batch ${trim(x, 0)}`;
  }
}

/** "[a, b]" in `unit`. */
export function intervalText(iv: Interval, unit: Unit): string {
  return `[${formatIn(iv.low, unit)}, ${formatIn(iv.high, unit)}]`;
}

/** The band in words, e.g. "722 ns … 978 ns" or "below 20 MB". */
export function bandText(band: Pick<Band, 'low' | 'high' | 'unit'>): string {
  if (band.low === -Infinity || (band.low === 0 && band.unit === 'bytes')) return `at most ${formatIn(band.high, band.unit)}`;
  if (band.high === Infinity) return `at least ${formatIn(band.low, band.unit)}`;
  return `${formatIn(band.low, band.unit)} … ${formatIn(band.high, band.unit)}`;
}

/** A band of ±`fraction` around `value` (relative), with a relative margin. */
export function relativeBand(value: number, fraction: number, marginFraction: number, unit: Unit, reading: string): Band {
  return { low: value * (1 - fraction), high: value * (1 + fraction), margin: value * marginFraction, unit, reading };
}

function checkBand(band: Band): void {
  if (!(band.low <= band.high) || !(band.margin >= 0) || Number.isNaN(band.low) || Number.isNaN(band.high)) {
    throw new RangeError(`band: expected low ≤ high and margin ≥ 0, got ${JSON.stringify(band)}`);
  }
}

/** The three-outcome rule (see the module comment). `null` or a non-finite-width interval of NaN is "no data". */
export function judgeInterval(iv: Interval | null, band: Band): Outcome {
  checkBand(band);
  const b = bandText(band);
  if (iv === null || Number.isNaN(iv.low) || Number.isNaN(iv.high) || iv.low > iv.high) {
    return { verdict: 'cannot-tell', why: `nothing measured to set against ${b}` };
  }
  const ivText = intervalText(iv, band.unit);
  // A rounding error of the arithmetic never decides an edge.
  const eps = 1e-9 * Math.max(1, Math.abs(band.low === -Infinity ? 0 : band.low), Math.abs(band.high === Infinity ? 0 : band.high));
  if (iv.low >= band.low - eps && iv.high <= band.high + eps) {
    return { verdict: 'holds', why: `the interval ${ivText} lies inside the band ${b}` };
  }
  const outerLow = band.low - band.margin, outerHigh = band.high + band.margin;
  if (iv.high < outerLow - eps || iv.low > outerHigh + eps) {
    const widened = bandText({ low: outerLow, high: outerHigh, unit: band.unit });
    return { verdict: 'does-not-hold', why: `the interval ${ivText} lies wholly outside ${widened} (the band ${b} widened by its margin of ${formatIn(band.margin, band.unit)})` };
  }
  return { verdict: 'cannot-tell', why: `the interval ${ivText} reaches the band ${b} or its margin of ${formatIn(band.margin, band.unit)}: neither inside nor clear of it` };
}

/** The interval spanned by per-process (or per-run) values: every one of them lies in it. */
export function spanOf(values: readonly number[]): Interval | null {
  const finite = values.filter((x) => Number.isFinite(x));
  if (finite.length === 0 || finite.length < values.length) return null;
  return { low: Math.min(...finite), high: Math.max(...finite), point: median(finite) };
}
