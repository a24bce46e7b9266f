/**
 * Bencher Metric Format (BMF, https://bencher.dev/docs/reference/bencher-metric-format/):
 * `{ [benchmark]: { [measure]: { value, lower_value?, upper_value? } } }`, what
 * `bencher run --adapter json --file bencher.json` reads. One benchmark per Metric (its
 * name, unique as in the github-action-benchmark files), one measure per unit, so a history
 * per metric builds up as github-action-benchmark's does.
 *
 * Times go to Bencher's built-in `latency` measure (nanoseconds) and rates to its built-in
 * `throughput` (operations / second), converted where the unit is ms or Mpps, so they chart
 * with Bencher's own units. Every other unit gets a measure slug of its own (lower case, runs
 * of other characters as one hyphen: "B/cycle" → "b-cycle"), which Bencher creates on first
 * use; docs/bencher.md lists them with a name and unit to create them with once.
 */
import { uniquelyNamedMetrics } from './github-action-benchmark.js';
import type { BenchResult, Metric } from '../model/result.js';

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

/** Units that go to Bencher's built-in measures, and the factor into that measure's unit. */
const BUILT_IN: Readonly<Record<string, { measure: 'latency' | 'throughput'; factor: number }>> = {
  ns: { measure: 'latency', factor: 1 },
  'ns/op': { measure: 'latency', factor: 1 },
  'ns/call': { measure: 'latency', factor: 1 },
  'ns/packet': { measure: 'latency', factor: 1 },
  ms: { measure: 'latency', factor: 1e6 },
  pps: { measure: 'throughput', factor: 1 },
  'ops/s': { measure: 'throughput', factor: 1 },
  Mpps: { measure: 'throughput', factor: 1e6 },
};

/** The measure slug for a unit: `latency`/`throughput` for times and rates, else a slug of the unit. */
export function bencherMeasure(unit: string): string {
  const builtIn = BUILT_IN[unit];
  if (builtIn) return builtIn.measure;
  if (unit === '%') return 'percent';
  return unit.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'value';
}

/**
 * The spread of a metric as Bencher's bounds: between processes when it ran in forks (the
 * value is the median of the fork medians, so its bounds are theirs), else its samples.
 */
function bounds(m: Metric, factor: number): { lower_value?: number; upper_value?: number } {
  const values = (m.forks && m.forks.length > 0 ? m.forks.map((f) => f.median) : m.samples).filter((v) => Number.isFinite(v));
  if (values.length === 0) return {};
  return { lower_value: Math.min(...values) * factor, upper_value: Math.max(...values) * factor };
}

/** Every suite's metrics as one BMF document; metrics whose value is not finite are left out (Bencher refuses them). */
export function bencherMetricFormat(r: BenchResult): BencherMetricFormat {
  const out: BencherMetricFormat = {};
  for (const { name, metric: m } of uniquelyNamedMetrics(r)) {
    if (!Number.isFinite(m.value)) continue;
    const factor = BUILT_IN[m.unit]?.factor ?? 1;
    (out[name] ??= {})[bencherMeasure(m.unit)] = { value: m.value * factor, ...bounds(m, factor) };
  }
  return out;
}
