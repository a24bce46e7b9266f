/**
 * Bencher Metric Format (BMF, https://bencher.dev/docs/reference/bencher-metric-format/):
 * `{ [benchmark]: { [measure]: { value, lower_value?, upper_value? } } }`, what
 * `bencher run --adapter json --file bencher.json` reads. One benchmark per Metric (its
 * name), one measure per unit (a slug of it: "ns/op" → "ns-op", "pps" → "pps"), so a
 * history per metric builds up as github-action-benchmark's does.
 */
import type { BenchResult, Metric } from './result.js';

/** One measure of one benchmark: the median, and the spread it came from. */
export interface BencherMetric {
  value: number;
  /** The lowest sample (for forked metrics: the lowest fork median). */
  lower_value?: number;
  /** The highest sample (for forked metrics: the highest fork median). */
  upper_value?: number;
}

/** A whole BMF document: benchmark name → measure slug → metric. */
export type BencherMetricFormat = Record<string, Record<string, BencherMetric>>;

/** The measure slug for a unit: lower case, runs of other characters as one hyphen. */
export function bencherMeasure(unit: string): string {
  return unit.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'value';
}

/**
 * The spread of a metric as Bencher's bounds: between processes when it ran in forks (the
 * value is the median of the fork medians, so its bounds are theirs), else its samples.
 */
function bounds(m: Metric): { lower_value?: number; upper_value?: number } {
  const values = (m.forks && m.forks.length > 0 ? m.forks.map((f) => f.median) : m.samples).filter((v) => Number.isFinite(v));
  if (values.length === 0) return {};
  return { lower_value: Math.min(...values), upper_value: Math.max(...values) };
}

/** Every suite's metrics as one BMF document; metrics whose value is not finite are left out (Bencher refuses them). */
export function bencherMetricFormat(r: BenchResult): BencherMetricFormat {
  const out: BencherMetricFormat = {};
  for (const s of r.suites) {
    for (const m of s.metrics) {
      if (!Number.isFinite(m.value)) continue;
      (out[m.name] ??= {})[bencherMeasure(m.unit)] = { value: m.value, ...bounds(m) };
    }
  }
  return out;
}
