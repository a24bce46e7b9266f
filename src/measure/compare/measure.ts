/**
 * Runs the builds of a comparison: per scenario, OLD, every NEW and OLD again (OLD′, the
 * null control) in mirrored, rotated blocks (src/measure/runner/interleave.ts), each run in a
 * fresh network namespace of the harness's own with the scenario's listeners, exactly as
 * the prtip suite runs prtip (src/measure/runner/isolation.ts). Nothing else ever runs a build.
 */
import { makeTlsMaterial, scenarioEnvironment, type TlsMaterial } from '../runner/isolation.js';
import { runInterleaved } from '../runner/interleave.js';
import type { RunRecord } from '../runner/spawn.js';
import { SCENARIOS, scenarioById, type Scenario } from '../scenarios.js';
import type { Build } from './builds.js';

/** The scenarios compare runs by default: the prtip suite's that take under a second here. */
export const DEFAULT_SCENARIOS: readonly string[] = SCENARIOS.filter((s) => !s.heavy).map((s) => s.id);
/** --quick: the one scenario a developer asks about first. */
export const QUICK_SCENARIOS: readonly string[] = ['syn-scan-1k'];
/**
 * Blocks per scenario. At ~55 ms a prtip run (plus ~30 ms for its namespace), a block of
 * OLD, NEW and OLD′ twice each takes about half a second here. prtip's wall time varies
 * ~25% from run to run on this busy 2-core VM (its own threads' scheduling, which no
 * interleaving cancels), so the detectable change falls only with the square root of the
 * blocks: 90 blocks took 43-75 s at loads 4-9 and detected ±4.3-5.5% of syn-scan-1k's wall
 * (±2-3% of its CPU); 70 keep --quick under a minute at load 5 and detect about ±5-6%, below
 * the ~10% a 4 ms slower build costs. See docs/compare.md for the measured figures.
 */
export const DEFAULT_BLOCKS = { quick: 70, full: 60 } as const;

/**
 * --quick's budget for the blocks: 50 s, so that with the builds' --version checks, the warm-up
 * and the analysis the whole command stays under a minute on a loaded machine (at loads above
 * 10 here, 70 blocks of syn-scan-1k took up to 80 s); the blocks that fit are judged.
 */
export const QUICK_BUDGET_MS = 50_000;

/** The id of OLD run again in the same blocks. */
export const primeId = (old: string): string => `${old}′`;

/** One scenario's blocks: per block, each condition's two runs. */
export interface ScenarioRuns {
  scenario: string;
  blocks: Record<string, RunRecord[]>[];
  error?: string;
}

export interface MeasureOptions {
  blocks: number;
  signal?: AbortSignal;
  /** Called before every measured run (progress lines). */
  onRun?: (scenario: string, build: string, done: number, total: number) => void;
  /** No new block starts after this time (Date.now() ms): the --quick budget. */
  deadline?: number;
}

function conditionsFor(builds: readonly Build[], scenario: Scenario, tls: TlsMaterial | null) {
  const [old, ...news] = builds;
  const ids = [old!.name, ...news.map((b) => b.name), primeId(old!.name)];
  const pathOf = (id: string): string => (id === primeId(old!.name) ? old!.path : builds.find((b) => b.name === id)!.path);
  return ids.map((id) => ({
    id,
    command: { argv: [pathOf(id)], name: `${id} ${scenario.id}` },
    // Peak RSS sampled every 2 ms as in the prtip suite; a heavy scenario gets the suite's longer limit.
    options: { timeoutMs: scenario.heavy ? 60_000 : 20_000, rssIntervalMs: 2, environment: scenarioEnvironment(scenario, 'prtip', pathOf(id), tls) },
  }));
}

/** Runs one scenario's blocks; a failing build ends that scenario with its error, not the comparison. */
export async function measureScenario(builds: readonly Build[], scenarioId: string, options: MeasureOptions, tls: TlsMaterial | null): Promise<ScenarioRuns> {
  const scenario = scenarioById(scenarioId);
  try {
    const runs = await runInterleaved(conditionsFor(builds, scenario, tls), {
      blocks: options.blocks, warmup: 1,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.deadline !== undefined ? { deadline: options.deadline } : {}),
      onRun: (id, done, total) => options.onRun?.(scenarioId, id, done, total),
    });
    return { scenario: scenarioId, blocks: runs.blockRecords };
  } catch (err) {
    // The runner's hint (--ignore-failure) is stat's option, not compare's: a build that fails a scenario has no figure to compare.
    return { scenario: scenarioId, blocks: [], error: (err as Error).message.replace(/; use --ignore-failure to keep measuring$/, '') };
  }
}

/** Runs every scenario in turn, the TLS material made once when a scenario has listeners. */
export async function measureScenarios(builds: readonly Build[], scenarios: readonly string[], options: MeasureOptions): Promise<ScenarioRuns[]> {
  const tls = scenarios.some((id) => scenarioById(id).listeners) ? makeTlsMaterial() : null;
  try {
    const out: ScenarioRuns[] = [];
    for (const id of scenarios) {
      if (options.signal?.aborted) break;
      out.push(await measureScenario(builds, id, options, tls));
    }
    return out;
  } finally {
    tls?.dispose();
  }
}
