/**
 * github-action-benchmark's "customSmallerIsBetter" and "customBiggerIsBetter" inputs:
 * JSON arrays of {name, unit, value, range?, extra?}, split by each Metric's `better`.
 * Point the action's `tool` at the matching file.
 *
 * The action matches entries by name and alerts on current/previous (smaller is better) or
 * previous/current (bigger is better). So every name is unique in a file, and a value that
 * makes that ratio meaningless is not charted: a zero or negative value in the smaller file
 * (a user time split from scheduler ticks reads 0; a cost that is a difference can be
 * negative), a negative one in the bigger file. Those go to a third, ungated array with the
 * reason in `extra`, so nothing is lost silently.
 */
import { quantile } from '../core/stats.js';
import type { BenchResult, Metric } from '../model/result.js';

/** One entry of a github-action-benchmark custom array. */
export interface ActionBenchmarkEntry {
  name: string;
  unit: string;
  value: number;
  /** Half the interquartile range of the samples, e.g. "± 1.3". */
  range?: string;
  extra?: string;
}

/** A metric with the name it is exported under (unique among the exported ones). */
export interface NamedMetric {
  suite: string;
  name: string;
  metric: Metric;
}

/**
 * Every metric once, under a unique name. The same metric reported twice (same name, unit and
 * value) is kept once; different metrics sharing a name get what tells them apart appended: the
 * suite ("x [checksum]"), else the unit ("x (ns/op)"), else the later ones a number ("x #2").
 * Deterministic for a given set of suites, so a series keeps its name from run to run.
 */
export function uniquelyNamedMetrics(r: BenchResult): NamedMetric[] {
  const all: NamedMetric[] = [];
  for (const s of r.suites) {
    for (const m of s.metrics) {
      const twin = all.find((x) => x.metric.name === m.name && x.metric.unit === m.unit && Object.is(x.metric.value, m.value));
      if (twin === undefined) all.push({ suite: s.suite, name: m.name, metric: m });
    }
  }
  const groups = new Map<string, NamedMetric[]>();
  for (const x of all) groups.set(x.name, [...(groups.get(x.name) ?? []), x]);
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    const distinct = (key: (x: NamedMetric) => string): boolean => new Set(group.map(key)).size === group.length;
    if (distinct((x) => x.suite)) for (const x of group) x.name = `${x.name} [${x.suite}]`;
    else if (distinct((x) => x.metric.unit)) for (const x of group) x.name = `${x.name} (${x.metric.unit})`;
    else group.forEach((x, i) => { if (i > 0) x.name = `${x.name} #${i + 1}`; });
  }
  return all;
}

function entry(x: NamedMetric): ActionBenchmarkEntry {
  const m = x.metric;
  const samples = m.samples.filter((v) => Number.isFinite(v));
  const e: ActionBenchmarkEntry = { name: x.name, unit: m.unit, value: m.value };
  if (samples.length >= 2) {
    const halfIqr = (quantile(samples, 0.75) - quantile(samples, 0.25)) / 2;
    e.range = `± ${Number(halfIqr.toPrecision(3))}`;
  }
  e.extra = `suite: ${x.suite}; ${samples.length} samples; median`;
  return e;
}

/** Why a finite value cannot be charted in its file, or null when it can. */
function unchartable(m: Metric): string | null {
  if (m.better === 'smaller' && m.value === 0) return 'not gated: 0 in a smaller-is-better series (a ratio against 0 is infinite; e.g. a user time split from scheduler ticks)';
  if (m.value < 0) return `not gated: negative (${m.value}) in a ${m.better}-is-better series (a ratio of it means nothing)`;
  return null;
}

/**
 * The two gated arrays, and `ungated`: metrics whose value would make the action's ratio
 * meaningless, with the reason in `extra`. Not-finite values are left out (the action rejects them).
 */
export function actionBenchmarkArrays(r: BenchResult): { smaller: ActionBenchmarkEntry[]; bigger: ActionBenchmarkEntry[]; ungated: ActionBenchmarkEntry[] } {
  const smaller: ActionBenchmarkEntry[] = [];
  const bigger: ActionBenchmarkEntry[] = [];
  const ungated: ActionBenchmarkEntry[] = [];
  for (const x of uniquelyNamedMetrics(r)) {
    if (!Number.isFinite(x.metric.value)) continue;
    const why = unchartable(x.metric);
    if (why !== null) ungated.push({ ...entry(x), extra: `${why}; ${entry(x).extra}` });
    else (x.metric.better === 'smaller' ? smaller : bigger).push(entry(x));
  }
  return { smaller, bigger, ungated };
}
