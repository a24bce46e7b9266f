/**
 * What the judges read: every suite's result of one run and prtip's criterion runs. Claims are
 * judged once, after the suites, from these; a suite never judges.
 */
import type { CriterionResults } from '../measure/criterion.js';
import type { Metric, SuiteResult } from '../model/result.js';

export interface Measurements {
  /** The suites of this run by name, whatever their status. */
  suites: ReadonlyMap<string, SuiteResult>;
  /** Every criterion run given (--criterion DIR, repeatable), in the order given. */
  criterion: readonly CriterionResults[];
}

/** Measurements from a run's suite results and criterion runs. */
export function measurementsOf(suites: readonly SuiteResult[], criterion: readonly CriterionResults[] = []): Measurements {
  return { suites: new Map(suites.map((s) => [s.suite, s])), criterion };
}

/** Why `suite` has nothing to judge on, or null when it ran. */
export function suiteMissing(m: Measurements, suite: string): string | null {
  const s = m.suites.get(suite);
  if (!s) return `the ${suite} suite was not run`;
  if (s.status === 'ok') return null;
  return `the ${suite} suite ${s.status === 'failed' ? 'failed' : 'was skipped'}${s.reason ? `: ${s.reason}` : ''}`;
}

/** A metric of a suite that ran, or undefined. */
export function metricOf(m: Measurements, suite: string, name: string): Metric | undefined {
  const s = m.suites.get(suite);
  return s?.status === 'ok' ? s.metrics.find((x) => x.name === name) : undefined;
}

/**
 * A metric's value in each process that measured it: the fork medians when it ran in forks,
 * else its samples (each a separate process run of a whole binary).
 */
export function perProcess(metric: Metric | undefined): number[] {
  if (!metric) return [];
  return metric.forks ? metric.forks.map((f) => f.median) : [...metric.samples];
}

/** Per fork (by fork number) a metric's own samples, for figures paired inside one process. */
export function forkSamples(metric: Metric | undefined): Map<number, number[]> {
  return new Map((metric?.forks ?? []).map((f) => [f.fork, f.samples]));
}
