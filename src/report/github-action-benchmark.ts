/**
 * github-action-benchmark's "customSmallerIsBetter" and "customBiggerIsBetter" inputs:
 * JSON arrays of {name, unit, value, range?, extra?}, split by each Metric's `better`.
 * Point the action's `tool` at the matching file.
 */
import { quantile } from '../stats.js';
import type { BenchResult, Metric } from './result.js';

/** One entry of a github-action-benchmark custom array. */
export interface ActionBenchmarkEntry {
  name: string;
  unit: string;
  value: number;
  /** Half the interquartile range of the samples, e.g. "± 1.3". */
  range?: string;
  extra?: string;
}

function entry(suite: string, m: Metric): ActionBenchmarkEntry {
  const samples = m.samples.filter((x) => Number.isFinite(x));
  const e: ActionBenchmarkEntry = { name: m.name, unit: m.unit, value: m.value };
  if (samples.length >= 2) {
    const halfIqr = (quantile(samples, 0.75) - quantile(samples, 0.25)) / 2;
    e.range = `± ${Number(halfIqr.toPrecision(3))}`;
  }
  e.extra = `suite: ${suite}; ${samples.length} samples; median`;
  return e;
}

/** Both arrays; metrics whose value is not finite are left out (the action rejects them). */
export function actionBenchmarkArrays(r: BenchResult): { smaller: ActionBenchmarkEntry[]; bigger: ActionBenchmarkEntry[] } {
  const smaller: ActionBenchmarkEntry[] = [];
  const bigger: ActionBenchmarkEntry[] = [];
  for (const s of r.suites) {
    for (const m of s.metrics) {
      if (!Number.isFinite(m.value)) continue;
      (m.better === 'smaller' ? smaller : bigger).push(entry(s.suite, m));
    }
  }
  return { smaller, bigger };
}
