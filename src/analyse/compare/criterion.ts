/**
 * prtip's own criterion benchmarks in a comparison: two criterion runs (two directories, or
 * two baselines of one) side by side per benchmark, with the ratio NEW/OLD, the interval
 * the two runs' criterion intervals give, and compare's verdict words.
 *
 * Each criterion run is one `cargo bench` process, and criterion's interval covers the
 * samples of that process only. Between processes a kernel moves by up to 2× on these VMs
 * while staying stable inside one, so one process a side cannot tell a change smaller than
 * that from the process it ran in: the verdict is `faster`/`slower` only when the interval
 * lies wholly beyond that band, else `cannot-tell` saying so. (The harness never runs cargo.)
 */
import { type CriterionBenchmark, type CriterionResults, readCriterion } from '../../measure/criterion.js';
import type { CompareVerdict } from './analyse.js';

/** How far a benchmark moves between two processes of identical code on these VMs (a factor). */
export const BETWEEN_PROCESS_BAND = 2;

export interface CriterionComparison {
  /** criterion's full id. */
  id: string;
  /** The headline figure (slope or mean, ns per iteration) of each side. */
  old: number;
  new: number;
  statistic: 'slope' | 'mean';
  ratio: number;
  /** From the two criterion intervals, combined on logs (each side's own samples only). */
  interval: [number, number];
  verdict: CompareVerdict;
  reason: string;
}

export interface CriterionSideBySide {
  old: { dir: string; baseline: string };
  new: { dir: string; baseline: string };
  comparisons: CriterionComparison[];
  /** Benchmarks on one side only, and partial ones. */
  notes: string[];
}

/** The sides from the repeatable options: two directories, or one directory with two baselines. */
export function criterionSides(dirs: readonly string[], baselines: readonly string[]): [{ dir: string; baseline: string }, { dir: string; baseline: string }] {
  if (dirs.length === 2 && baselines.length <= 2) {
    const b = baselines.length === 2 ? baselines : [baselines[0] ?? 'new', baselines[0] ?? 'new'];
    return [{ dir: dirs[0]!, baseline: b[0]! }, { dir: dirs[1]!, baseline: b[1]! }];
  }
  if (dirs.length === 1 && baselines.length === 2) return [{ dir: dirs[0]!, baseline: baselines[0]! }, { dir: dirs[0]!, baseline: baselines[1]! }];
  throw new RangeError(`--criterion: give OLD_DIR and NEW_DIR (--criterion twice), or one directory with two --criterion-baseline names; got ${dirs.length} director${dirs.length === 1 ? 'y' : 'ies'} and ${baselines.length} baseline(s)`);
}

function compareOne(o: CriterionBenchmark, n: CriterionBenchmark): CriterionComparison | null {
  if (!o.estimate || !n.estimate || !(o.estimate.point > 0) || !(n.estimate.point > 0)) return null;
  // 95% half-widths on logs, as if each criterion interval were normal on the log scale.
  const half = (e: NonNullable<CriterionBenchmark['estimate']>): number => (Math.log(Math.max(e.high, e.point)) - Math.log(Math.max(Math.min(e.low, e.point), 1e-300))) / 2;
  const logRatio = Math.log(n.estimate.point / o.estimate.point);
  const h = Math.hypot(half(o.estimate), half(n.estimate));
  const interval: [number, number] = [Math.exp(logRatio - h), Math.exp(logRatio + h)];
  const pm = `${((interval[1] / interval[0] - 1) * 50).toFixed(1)}%`;
  let verdict: CompareVerdict = 'cannot-tell';
  let reason = `one cargo bench process a side: criterion's interval (about ±${pm}) covers that process's samples, not the variation between processes ` +
    `(up to ${BETWEEN_PROCESS_BAND}× here), so only a change beyond ${BETWEEN_PROCESS_BAND}× could be told; run each side in several processes, or compare the whole builds (prtip-perf compare OLD NEW)`;
  if (interval[0] > BETWEEN_PROCESS_BAND || interval[1] < 1 / BETWEEN_PROCESS_BAND) {
    verdict = interval[0] > 1 ? 'slower' : 'faster';
    reason = `the interval lies wholly beyond ${BETWEEN_PROCESS_BAND}×, the largest move between processes of identical code here`;
  }
  return { id: o.id, old: o.estimate.point, new: n.estimate.point, statistic: o.statistic ?? 'mean', ratio: Math.exp(logRatio), interval, verdict, reason };
}

/** The two runs side by side, by benchmark id. */
export function compareCriterionResults(old: CriterionResults, neu: CriterionResults): CriterionSideBySide {
  const byId = new Map(neu.benchmarks.map((b) => [b.id, b]));
  const comparisons: CriterionComparison[] = [];
  const notes = [...old.warnings, ...neu.warnings];
  for (const o of old.benchmarks) {
    const n = byId.get(o.id);
    if (!n) {
      notes.push(`${o.id}: only in OLD`);
      continue;
    }
    const c = compareOne(o, n);
    if (c) comparisons.push(c);
    else notes.push(`${o.id}: no estimate on one side`);
  }
  for (const n of neu.benchmarks) if (!old.benchmarks.some((o) => o.id === n.id)) notes.push(`${n.id}: only in NEW`);
  return { old: { dir: old.dir, baseline: old.baseline }, new: { dir: neu.dir, baseline: neu.baseline }, comparisons, notes };
}

/** Reads both sides (RangeError naming the option when one is missing) and compares them. */
export function compareCriterion(dirs: readonly string[], baselines: readonly string[]): CriterionSideBySide {
  const [o, n] = criterionSides(dirs, baselines);
  return compareCriterionResults(readCriterion(o.dir, o.baseline, '--criterion (OLD)'), readCriterion(n.dir, n.baseline, '--criterion (NEW)'));
}

/** The side-by-side table as text lines. */
export function formatCriterionText(s: CriterionSideBySide): string {
  const width = Math.max(10, ...s.comparisons.map((c) => c.id.length));
  const lines = [`prtip's criterion benchmarks: OLD ${s.old.dir} (${s.old.baseline}), NEW ${s.new.dir} (${s.new.baseline}); ns per iteration`,
    `  ${'benchmark'.padEnd(width)}  ${'OLD'.padStart(12)}  ${'NEW'.padStart(12)}  ${'ratio'.padStart(6)}  ${'interval'.padEnd(15)}  verdict`];
  for (const c of s.comparisons) {
    lines.push(`  ${c.id.padEnd(width)}  ${c.old.toFixed(1).padStart(12)}  ${c.new.toFixed(1).padStart(12)}  ${c.ratio.toFixed(3).padStart(6)}  ${`${c.interval[0].toFixed(3)} … ${c.interval[1].toFixed(3)}`.padEnd(15)}  ${c.verdict}`);
  }
  if (s.comparisons.some((c) => c.verdict === 'cannot-tell')) lines.push(`  cannot-tell: ${s.comparisons.find((c) => c.verdict === 'cannot-tell')!.reason}`);
  for (const n of s.notes) lines.push(`  note: ${n}`);
  return lines.join('\n');
}
