/** Turning tinybench tasks into our tables and metrics. */
import type { Task } from 'tinybench';
import type { Metric } from '../../src/model/result.js';

/** Latency of one task in ns: median, spread, and a 101-point quantile grid of the per-call samples. */
export interface TaskLatency {
  name: string;
  runs: number;
  medianNs: number;
  p75Ns: number;
  p99Ns: number;
  minNs: number;
  maxNs: number;
  /** Quantiles 0, 1%, …, 100% of the per-call latencies (ns), for baselines. */
  gridNs: number[];
}

export function taskLatency(task: Task): TaskLatency {
  const r = task.result as unknown as { state: string; latency?: { p50: number; p75: number; p99: number; min: number; max: number; samples?: number[] }; error?: Error };
  if (r.latency === undefined) {
    throw new Error(`tinybench task "${task.name}" has no result (${r.state}${r.error ? `: ${r.error.message}` : ''})`);
  }
  const s = r.latency.samples ?? [];
  const grid = s.length === 0 ? [] : Array.from({ length: 101 }, (_, q) => s[Math.min(s.length - 1, Math.round((q / 100) * (s.length - 1)))]! * 1e6);
  return {
    name: task.name,
    runs: task.runs,
    medianNs: r.latency.p50 * 1e6,
    p75Ns: r.latency.p75 * 1e6,
    p99Ns: r.latency.p99 * 1e6,
    minNs: r.latency.min * 1e6,
    maxNs: r.latency.max * 1e6,
    gridNs: grid,
  };
}

/** A smaller-is-better ns/op metric from a task, divided by `perCall` ops per call. */
export function latencyMetric(name: string, latency: TaskLatency, perCall = 1): Metric {
  return {
    name,
    unit: 'ns/op',
    value: latency.medianNs / perCall,
    better: 'smaller',
    samples: latency.gridNs.map((v) => v / perCall),
  };
}
