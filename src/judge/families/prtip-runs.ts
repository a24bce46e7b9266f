/**
 * What the prtip suite records for the syscalls and time families, read defensively: its
 * whole-binary runs one by one (each a separate process), the strace runs of the documents'
 * method (main thread, no -f) beside all threads (-f), and the interleaved comparison blocks.
 * A missing or malformed field gives a reason (→ "cannot tell"), never a throw.
 */
import { type Measurements, suiteMissing } from '../measurements.js';
import { type Band, type Interval, type Outcome, type Unit, bandText, formatIn, intervalText, judgeInterval, spanOf } from '../rule.js';
import type { Finding } from '../claim.js';
import type { Verdict } from '../../model/result.js';
import type { ComparisonGroupData, StraceRunData, WholeRun } from '../../model/prtip-runs.js';

export type { ComparisonGroupData, StraceCheckData, StraceRunData, WholeRun, WholeRunsData } from '../../model/prtip-runs.js';

export const SUITE = 'prtip';

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

function dataOf(m: Measurements): Record<string, unknown> | string {
  const missing = suiteMissing(m, SUITE);
  if (missing) return missing;
  const data = m.suites.get(SUITE)!.data;
  return isObject(data) ? data : 'the prtip suite ran but recorded no data';
}

/** The runs of `tool` `scenario`, or why there are none. */
export function wholeRuns(m: Measurements, scenario: string, tool = 'prtip'): WholeRun[] | string {
  const data = dataOf(m);
  if (typeof data === 'string') return data;
  const all = data['wholeRuns'];
  if (!isObject(all)) return 'the prtip suite ran but recorded no per-run figures';
  const runs = all[`${tool}/${scenario}`];
  if (!Array.isArray(runs) || runs.length === 0) return `the prtip suite ran but has no runs of ${tool} ${scenario}`;
  const ok = runs.filter((r): r is WholeRun => isObject(r) && finite(r['wallNs']) && finite(r['userNs']) && finite(r['sysNs']) && isObject(r['syscalls']));
  return ok.length === runs.length ? ok : `the prtip suite ran but its runs of ${tool} ${scenario} are malformed`;
}

function validStrace(r: unknown): r is StraceRunData {
  if (!isObject(r) || !finite(r['wallNs']) || !isObject(r['summary'])) return false;
  const s = r['summary'];
  return Array.isArray(s['rows']) && isObject(s['total']) && finite(s['total']['calls']) && finite(s['total']['seconds']) &&
    s['rows'].every((x) => isObject(x) && typeof x['syscall'] === 'string' && finite(x['calls']) && finite(x['seconds']) && finite(x['percentTime']));
}

/** The strace runs of `scenario` with `threads`, or why there are none. */
export function straceRuns(m: Measurements, scenario: string, threads: 'main' | 'all'): StraceRunData[] | string {
  const data = dataOf(m);
  if (typeof data === 'string') return data;
  const st = data['strace'];
  if (!isObject(st) || !Array.isArray(st['checks'])) return 'the prtip suite ran but recorded no strace runs';
  if (st['binary'] === null) return 'strace is not installed (apt-get install strace)';
  const check = st['checks'].find((c) => isObject(c) && c['scenario'] === scenario);
  if (!isObject(check)) return `strace did not trace ${scenario} (the full suite traces more scenarios than --quick)`;
  const runs = check[threads];
  if (!Array.isArray(runs) || runs.length === 0) {
    const note = typeof check['note'] === 'string' && check['note'] ? `: ${check['note']}` : '';
    return `no strace ${threads === 'main' ? '-c (main thread)' : '-f -c (all threads)'} run of ${scenario}${note}`;
  }
  return runs.every(validStrace) ? runs : `the strace runs of ${scenario} are malformed`;
}

/** The interleaved comparison groups, or why there are none. */
export function comparisonGroups(m: Measurements): ComparisonGroupData[] | string {
  const data = dataOf(m);
  if (typeof data === 'string') return data;
  const groups = data['comparisons'];
  if (!Array.isArray(groups)) return 'the prtip suite ran but recorded no interleaved comparisons';
  return groups.filter((g): g is ComparisonGroupData => isObject(g) && typeof g['a'] === 'string' && Array.isArray(g['bs']) && Array.isArray(g['blocks']) && finite(g['runsPerBlock']));
}

/** Calls of `syscall` in one strace run (0 when absent from its table). */
export const callsOf = (r: StraceRunData, syscall: string): number => r.summary.rows.find((x) => x.syscall === syscall)?.calls ?? 0;
/** "% time" of `syscall` (0..1) in one strace run, or NaN when strace measured no time. */
export const timeShareOf = (r: StraceRunData, syscall: string): number =>
  r.summary.total.seconds > 0 ? (r.summary.rows.find((x) => x.syscall === syscall)?.percentTime ?? 0) / 100 : NaN;

/** One part of a claim: values per run (separate processes) against a band. */
export interface Part {
  what: string;
  values: number[] | string;
  band: Band;
  /** Fewest runs for an interval (default 2). */
  minRuns?: number;
  /** Use this interval instead of the span of the values (e.g. a ratio of two sets of runs). */
  interval?: Interval | null;
  /** The values in words, when listing them would not read well. */
  shown?: string;
}

export interface PartOutcome {
  part: Part;
  outcome: Outcome;
  interval: Interval | null;
  measured: string;
}

export function judgePart(p: Part): PartOutcome {
  if (typeof p.values === 'string') return { part: p, interval: null, measured: `${p.what}: ${p.values}`, outcome: { verdict: 'cannot-tell', why: `${p.what}: ${p.values}` } };
  const need = p.minRuns ?? 2;
  const sorted = [...p.values].sort((a, b) => a - b), f = (x: number) => formatIn(x, p.band.unit);
  const shown = p.shown ?? (p.values.length <= 6 ? p.values.map(f).join(', ') : `${p.values.length} runs from ${f(sorted[0]!)} to ${f(sorted[sorted.length - 1]!)}, median ${f(sorted[sorted.length >> 1]!)}`);
  if (p.values.length < need) {
    return { part: p, interval: null, measured: `${p.what}: ${shown || 'no run'}`, outcome: { verdict: 'cannot-tell', why: `${p.what}: ${p.values.length} run(s); an interval between runs needs at least ${need}` } };
  }
  const iv = p.interval === undefined ? spanOf(p.values) : p.interval;
  const outcome = judgeInterval(iv, p.band);
  return { part: p, interval: iv, measured: `${p.what}: ${shown}`, outcome: { ...outcome, why: `${p.what}: ${outcome.why}` } };
}

/** A claim of several parts: holds when every part holds, does not hold when any part does not. */
export function combine(parts: readonly PartOutcome[]): Verdict {
  if (parts.some((p) => p.outcome.verdict === 'does-not-hold')) return 'does-not-hold';
  return parts.length > 0 && parts.every((p) => p.outcome.verdict === 'holds') ? 'holds' : 'cannot-tell';
}

/** The finding of a claim judged in parts, with what is shown beside it (never judged). */
export function findingOf(parts: readonly Part[], beside: string, decide: string): Finding {
  const judged = parts.map(judgePart);
  const verdict = combine(judged);
  const one = judged.length === 1 ? judged[0]! : null;
  const readings = [...new Set(parts.map((p) => p.band.reading))].join('; ');
  return {
    verdict,
    measured: judged.map((j) => j.measured).join('; ') + (beside ? `. Beside it, not judged: ${beside}` : ''),
    ...(one?.interval ? { interval: intervalText(one.interval, one.part.band.unit) } : judged.some((j) => j.interval) ? { interval: judged.filter((j) => j.interval).map((j) => `${j.part.what} ${intervalText(j.interval!, j.part.band.unit)}`).join('; ') } : {}),
    band: one ? bandText(one.part.band) : judged.map((j) => `${j.part.what} ${bandText(j.part.band)}`).join('; '),
    reason: `${judged.map((j) => j.outcome.why).join('; ')}. ${readings}`,
    ...(verdict === 'cannot-tell' ? { decideWith: decide } : {}),
  };
}

/**
 * A part on a/b − `offset` over two unpaired sets of runs (separate processes): the interval holds
 * every ratio of one run of each; each set needs 2 runs.
 */
export function ratioPart(what: string, a: number[] | string, b: number[] | string, band: Band, offset = 0): Part {
  if (typeof a === 'string' || typeof b === 'string') return { what, values: typeof a === 'string' ? a : (b as string), band };
  if (a.length < 2 || b.length < 2 || b.some((x) => !(x > 0))) return { what, values: `${a.length} and ${b.length} run(s); each side needs at least 2 for an interval`, band };
  const sa = spanOf(a)!, sb = spanOf(b)!;
  const iv = { low: sa.low / sb.high - offset, high: sa.high / sb.low - offset, point: sa.point! / sb.point! - offset };
  return { what, values: [iv.low, iv.point, iv.high], band, interval: iv, shown: `${formatIn(iv.point, band.unit)} (median over median), every pair of runs within ${intervalText(iv, band.unit)}` };
}

/** A band of ±`fraction` (relative) with a relative margin. */
export const around = (value: number, fraction: number, margin: number, unit: Unit, reading: string): Band =>
  ({ low: value * (1 - fraction), high: value * (1 + fraction), margin: value * margin, unit, reading });

/** A whole-binary claim's judge: "cannot tell" with the reason when the prtip suite did not run. */
export function unlessSuiteMissing(judge: (m: Measurements) => Finding, decide: string): (m: Measurements) => Finding {
  return (m) => {
    const missing = suiteMissing(m, SUITE);
    return missing ? { verdict: 'cannot-tell', measured: missing, reason: `${missing}; it measures this claim`, decideWith: decide } : judge(m);
  };
}
