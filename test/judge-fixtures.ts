/** Synthetic measurements for the judges' tests: criterion runs, forked metrics, suite results. */
import type { CriterionResults } from '../src/measure/criterion.js';
import { type Measurements, measurementsOf } from '../src/judge/measurements.js';
import type { ForkSummary, Metric, SuiteResult } from '../src/model/result.js';

/** One criterion run: per benchmark id, [point, low, high] in ns per packet (per iteration for unmapped ids with `elements` 1). */
export function criterionRun(perPacket: Record<string, [number, number, number]>, perIteration: Record<string, number> = {}): CriterionResults {
  return {
    dir: '/synthetic', baseline: 'new', otherBaselines: [], warnings: [],
    benchmarks: Object.entries(perPacket).map(([id, [point, low, high]]) => {
      const n = perIteration[id] ?? (/\/(\d+)$/.exec(id) ? Number(/\/(\d+)$/.exec(id)![1]) : /1k_packets$/.test(id) ? 1000 : 1);
      const estimate = { point: point * n, low: low * n, high: high * n, confidence: 0.95 };
      return { id, path: id, estimate, statistic: 'slope' as const, median: estimate, elements: n, samples: 100, problems: [] };
    }),
  };
}

/** A figure within ±`spread` of `ns` for run `i` of a few (deterministic): the runs agree within 1 % by default. */
export const near = (ns: number, i: number, spread = 0.01): [number, number, number] => {
  const f = 1 + spread * [0, 0.6, -0.8, 0.3][i % 4]!;
  return [ns * f, ns * f * 0.995, ns * f * 1.005];
};

/** A metric measured in forks, one median per fork (its samples as given or the median alone). */
export function forked(name: string, medians: readonly number[], samples?: readonly (readonly number[])[]): Metric {
  const forks: ForkSummary[] = medians.map((median, fork) => {
    const s = [...(samples?.[fork] ?? [median])];
    return { fork, median, n: s.length, min: Math.min(...s), max: Math.max(...s), envPadBytes: 0, heapPadBytes: 0, samples: s };
  });
  return { name, unit: 'x', value: [...medians].sort((a, b) => a - b)[medians.length >> 1]!, better: 'smaller', samples: forks.flatMap((f) => f.samples), forks };
}

export function suite(name: string, metrics: Metric[], status: SuiteResult['status'] = 'ok'): SuiteResult {
  return { suite: name, title: name, status, durationMs: 1, tables: [], metrics, claims: [], warnings: [] };
}

export function measured(suites: SuiteResult[], criterion: CriterionResults[] = []): Measurements {
  return measurementsOf(suites, criterion);
}
