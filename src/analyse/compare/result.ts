/**
 * The objects `compare` returns (the CLI's --json, the library's compareBinaries), and
 * the step from one scenario's interleaved run records to its comparisons.
 */
import type { RunRecord } from '../../measure/runner/spawn.js';
import { analyseMetric, type BlockValues, type CompareVerdict, judgeMetric, type MetricAnalysis, nullControlWhy, type VerdictOptions } from './analyse.js';
import type { CriterionSideBySide } from './criterion.js';
import { COMPARE_METRICS, type CompareMetric } from '../../measure/compare/metrics.js';

export type { Build } from '../../measure/compare/builds.js';
import type { Build } from '../../measure/compare/builds.js';

/** One metric of one scenario: a candidate build against the first (OLD). */
export interface Comparison {
  scenario: string;
  /** OLD's name. */
  baseline: string;
  /** NEW's name. */
  candidate: string;
  metric: string;
  unit: string;
  /** Looked at by --fail-on-regression and --bisect. */
  gated: boolean;
  /** Geometric mean of the per-block levels (a block's fastest run for times). */
  old: number;
  new: number;
  /** NEW/OLD (below 1: NEW is faster or smaller). */
  ratio: number;
  interval: [number, number] | null;
  p: number | null;
  verdict: CompareVerdict;
  reason: string;
  /** Smallest change (fraction, ±) the blocks detect at 80% power. */
  mde: number | null;
  blocks: number;
  blocksNeeded: number | null;
  /** OLD′/OLD: OLD run again in the same blocks. */
  nullControl: { ratio: number; interval: [number, number] | null; differs: boolean };
}

/** One scenario: its comparisons and whether its null control let them stand. */
export interface ScenarioComparison {
  scenario: string;
  blocks: number;
  nullControl: { differs: boolean; why: string };
  /** Metrics left out, with why (not counted here, or zero in some runs: no ratio). */
  skipped: { metric: string; why: string }[];
  comparisons: Comparison[];
  /** Set when the scenario could not run (its builds failed); no comparisons then. */
  error?: string;
}

export interface CompareResult {
  /** Format version of this object. */
  version: 1;
  startedAt: string;
  durationMs: number;
  builds: Build[];
  /** Blocks asked for per scenario (a Ctrl-C may leave fewer). */
  blocksRequested: number;
  /** The wall-time budget of the blocks (ms; --quick), null when none: a scenario with fewer blocks than requested ran out of it. */
  timeBudgetMs: number | null;
  /** Thresholds, as fractions. */
  options: VerdictOptions;
  /** 1-, 5- and 15-minute load averages at the start and the end (the machine's business while measuring). */
  load: { start: number[]; end: number[]; cores: number };
  interrupted: boolean;
  scenarios: ScenarioComparison[];
  /** Every scenario's comparisons in one list. */
  comparisons: Comparison[];
  /** prtip's criterion runs side by side (--criterion), when given. */
  criterion?: CriterionSideBySide;
}

/** One metric's per-block values for a pair of builds; a string says why it has none. */
function valuesOf(metric: CompareMetric, blocks: readonly Record<string, RunRecord[]>[], oldId: string, primeId: string, newId: string): BlockValues[] | string {
  const out: BlockValues[] = [];
  for (const b of blocks) {
    const read = (id: string): (number | null)[] => (b[id] ?? []).map((r) => metric.read(r));
    const old = read(oldId), prime = read(primeId), neu = read(newId);
    const all = [...old, ...prime, ...neu];
    if (all.length === 0 || old.length === 0 || prime.length === 0 || neu.length === 0) return 'a block without runs of every build';
    if (all.some((x) => x === null)) return 'not counted here';
    if (all.some((x) => !(x! > 0))) return 'zero in some runs (no ratio)';
    out.push({ old: old as number[], oldPrime: prime as number[], new: neu as number[] });
  }
  return out;
}

function comparisonRow(scenario: string, metric: CompareMetric, old: string, candidate: string, a: MetricAnalysis, options: VerdictOptions, nullWhy: string | null): Comparison {
  const j = judgeMetric(a, options, nullWhy);
  return {
    scenario, baseline: old, candidate, metric: metric.id, unit: metric.unit, gated: metric.gated,
    old: a.oldLevel, new: a.newLevel, ratio: a.real.ratio, interval: a.real.interval, p: a.real.p,
    verdict: j.verdict, reason: j.reason, mde: a.mde, blocks: a.blocks, blocksNeeded: j.blocksNeeded,
    nullControl: { ratio: a.nullControl.ratio, interval: a.nullControl.interval, differs: a.nullControl.differs },
  };
}

/**
 * A scenario's comparisons from its interleaved blocks (per block: each condition's
 * records). `primeId` is OLD run again; every candidate is compared with `oldId`.
 */
export function analyseScenario(scenario: string, blocks: readonly Record<string, RunRecord[]>[], oldId: string, primeId: string, newIds: readonly string[], options: VerdictOptions): ScenarioComparison {
  const skipped: { metric: string; why: string }[] = [];
  const present: { metric: CompareMetric; candidate: string; values: BlockValues[] }[] = [];
  for (const metric of COMPARE_METRICS) {
    for (const candidate of newIds) {
      const values = valuesOf(metric, blocks, oldId, primeId, candidate);
      if (typeof values !== 'string') present.push({ metric, candidate, values });
      else if (!skipped.some((s) => s.metric === metric.id)) skipped.push({ metric: metric.id, why: values });
    }
  }
  const metrics = new Set(present.map((p) => p.metric.id)).size;
  const nullAlpha = options.alpha / Math.max(1, metrics);
  const analysed = present.map((p) => {
    const own = { ...options, noiseThreshold: Math.max(options.noiseThreshold, p.metric.noiseFloor ?? 0) };
    return { ...p, own, analysis: analyseMetric(p.values, p.metric.level, own, nullAlpha) };
  });
  // The null control is OLD′ against OLD: the same for every candidate, so one per metric.
  const perMetric = analysed.filter((x) => x.candidate === newIds[0]).map((x) => ({ metric: x.metric.id, analysis: x.analysis }));
  const why = nullControlWhy(perMetric, nullAlpha);
  return {
    scenario, blocks: blocks.length,
    nullControl: { differs: why !== null, why: why ?? `the null control (OLD′ against OLD, the same build) shows no difference on any of ${metrics} metrics` },
    skipped,
    comparisons: analysed.map((x) => comparisonRow(scenario, x.metric, oldId, x.candidate, x.analysis, x.own, why)),
  };
}
