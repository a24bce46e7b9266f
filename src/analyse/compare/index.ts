/**
 * `compareBinaries`: did NEW make prtip faster or slower than OLD? Checks the builds, runs
 * them interleaved with a null control on each scenario, and analyses the blocks. The CLI
 * (src/cli/commands/compare.ts) and library users get the same CompareResult.
 */
import { availableParallelism, loadavg } from 'node:os';
import { expectInteger, expectObject } from '../../core/validate.js';
import { DEFAULT_VERDICT_OPTIONS, type VerdictOptions } from './analyse.js';
import { type BuildSpec, checkBuilds, defaultBuildName } from '../../measure/compare/builds.js';
import { DEFAULT_BLOCKS, DEFAULT_SCENARIOS, measureScenarios, primeId } from '../../measure/compare/measure.js';
import { analyseScenario, type Build, type CompareResult, type Comparison, type ScenarioComparison } from './result.js';
import { scenarioById } from '../../measure/scenarios.js';

export type { Build, CompareResult, Comparison, ScenarioComparison } from './result.js';
export type { CompareVerdict, VerdictOptions } from './analyse.js';
export { DEFAULT_BLOCKS, DEFAULT_SCENARIOS, QUICK_SCENARIOS } from '../../measure/compare/measure.js';

/** A build: its path, or { name, path }. */
export type BuildInput = string | BuildSpec;

export interface CompareBinariesOptions {
  /** OLD: the build every other is compared with. */
  a: BuildInput;
  /** NEW, or several candidates (each compared with `a`). */
  b: BuildInput | readonly BuildInput[];
  /** Scenario ids (default DEFAULT_SCENARIOS). */
  scenarios?: readonly string[];
  /** Blocks per scenario (default DEFAULT_BLOCKS.full). */
  blocks?: number;
  /** Verdict thresholds, as fractions (default DEFAULT_VERDICT_OPTIONS). */
  verdict?: Partial<VerdictOptions>;
  signal?: AbortSignal;
  onRun?: (scenario: string, build: string, done: number, total: number) => void;
  /** Wall time the blocks may take, ms, all scenarios together: no block starts after it (each scenario still runs 2). */
  timeBudgetMs?: number;
}

function specsOf(a: BuildInput, b: BuildInput | readonly BuildInput[]): BuildSpec[] {
  const all = [a, ...(Array.isArray(b) ? b : [b as BuildInput])];
  return all.map((x, i) => {
    if (typeof x === 'string') return { name: defaultBuildName(i, all.length), path: x };
    expectObject(i === 0 ? 'a' : 'b', x);
    return { name: x.name, path: x.path };
  });
}

function verdictOptions(v: Partial<VerdictOptions> | undefined): VerdictOptions {
  const o = { ...DEFAULT_VERDICT_OPTIONS, ...(v ?? {}) };
  for (const k of ['noiseThreshold', 'margin'] as const) {
    if (!(o[k] >= 0 && o[k] < 1)) throw new RangeError(`verdict.${k}: expected a fraction in [0, 1), got ${String(o[k])}`);
  }
  if (!(o.alpha > 0 && o.alpha < 1)) throw new RangeError(`verdict.alpha: expected a fraction in (0, 1), got ${String(o.alpha)}`);
  return o;
}

/** The scenario list, checked (RangeError naming the known ids). */
export function checkScenarios(ids: readonly string[]): string[] {
  if (!Array.isArray(ids) || ids.length === 0) throw new RangeError('scenarios: expected at least one scenario id');
  for (const id of ids) scenarioById(id);
  return [...new Set(ids)];
}

/** Runs and analyses the comparison. Bad builds or options throw before anything runs. */
export async function compareBinaries(options: CompareBinariesOptions): Promise<CompareResult> {
  expectObject('options', options);
  const verdict = verdictOptions(options.verdict);
  const scenarios = checkScenarios(options.scenarios ?? DEFAULT_SCENARIOS);
  const blocks = expectInteger('blocks', options.blocks ?? DEFAULT_BLOCKS.full, 2, 10_000);
  const builds: Build[] = await checkBuilds(specsOf(options.a, options.b));
  const budget = options.timeBudgetMs === undefined ? undefined : expectInteger('timeBudgetMs', options.timeBudgetMs, 1000, 86_400_000);
  const started = Date.now(), startLoad = loadavg();
  const runs = await measureScenarios(builds, scenarios, {
    blocks, ...(options.signal ? { signal: options.signal } : {}), ...(options.onRun ? { onRun: options.onRun } : {}),
    ...(budget !== undefined ? { deadline: started + budget } : {}),
  });
  const old = builds[0]!.name, news = builds.slice(1).map((b) => b.name);
  const analysed: ScenarioComparison[] = runs.map((r) => r.error !== undefined && r.blocks.length === 0
    ? { scenario: r.scenario, blocks: 0, nullControl: { differs: false, why: 'not run' }, skipped: [], comparisons: [], error: r.error }
    : analyseScenario(r.scenario, r.blocks, old, primeId(old), news, verdict));
  const round = (xs: number[]): number[] => xs.map((x) => Math.round(x * 100) / 100);
  return {
    version: 1,
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    builds, blocksRequested: blocks, timeBudgetMs: budget ?? null, options: verdict,
    load: { start: round(startLoad), end: round(loadavg()), cores: availableParallelism() },
    interrupted: options.signal?.aborted === true,
    scenarios: analysed,
    comparisons: analysed.flatMap((s) => s.comparisons),
  };
}

/** Gated comparisons that are slower with their whole 95% interval at least `pct` % above 1. */
export function regressions(result: CompareResult, pct: number): Comparison[] {
  return result.comparisons.filter((c) => c.gated && c.verdict === 'slower' && c.interval !== null && c.interval[0] >= 1 + pct / 100);
}

/** Gated comparisons without an answer (cannot-tell, or a scenario that did not run). */
export function undecided(result: CompareResult): string[] {
  return [
    ...result.comparisons.filter((c) => c.gated && c.verdict === 'cannot-tell').map((c) => `${c.scenario} ${c.metric} (${c.candidate})`),
    ...result.scenarios.filter((s) => s.error !== undefined).map((s) => `${s.scenario} (did not run: ${s.error})`),
  ];
}

/**
 * For `git bisect run`: gated comparisons that can neither be called a regression of `pct` %
 * nor ruled out as one: their interval reaches `pct` % above 1 without lying wholly beyond it,
 * there is no interval, or the scenario's null control differs (or it did not run). A
 * comparison whose interval stays below +pct % rules the regression out, whatever its verdict
 * word against the margin: bisect asks "a regression of pct % or not", nothing finer.
 */
export function undecidedAt(result: CompareResult, pct: number): string[] {
  const distrusted = new Set(result.scenarios.filter((s) => s.nullControl.differs).map((s) => s.scenario));
  const open = result.comparisons.filter((c) => c.gated && c.verdict !== 'slower' &&
    (c.interval === null || distrusted.has(c.scenario) || c.interval[1] >= 1 + pct / 100));
  const notSlowEnough = result.comparisons.filter((c) => c.gated && c.verdict === 'slower' && c.interval !== null && c.interval[0] < 1 + pct / 100 && c.interval[1] >= 1 + pct / 100);
  return [
    ...[...open, ...notSlowEnough].map((c) => `${c.scenario} ${c.metric} (${c.candidate}): ${c.interval ? `interval ${c.interval[0].toFixed(3)} … ${c.interval[1].toFixed(3)}` : 'no interval'}${distrusted.has(c.scenario) ? ', null control differs' : ''}`),
    ...result.scenarios.filter((s) => s.error !== undefined).map((s) => `${s.scenario} (did not run: ${s.error})`),
  ];
}
