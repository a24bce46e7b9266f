/**
 * Interleaved runs of several commands in mirrored blocks, so that slow drift of the
 * machine cancels out of their comparison (src/analyse/power.ts analyses the blocks).
 *
 * A block runs every condition twice: once in a rotated order, then in the mirror of
 * that order (for A, B, A′: A B A′ | A′ B A). Every condition then sits at the same mean
 * position inside the block, so a drift that is linear over the block adds the same to
 * each, and the block's log ratios are free of it. The rotation moves each condition
 * through every place (first, doubled in the middle, last) over successive blocks,
 * so effects of position or of the run before also balance out.
 */
import { PerfError } from '../../core/errors.js';
import { expectInteger, expectObject, expectString } from '../../core/validate.js';
import { analyse, type BenchmarkOptions, benchmarkCommand, type CommandResult } from './benchmark.js';
import type { CommandSpec } from './executor.js';
import type { RunRecord } from './spawn.js';

/** The run order of `blocks` mirrored blocks over the conditions (one array per block). */
export function mirroredBlocks(conditions: readonly string[], blocks: number): string[][] {
  if (!Array.isArray(conditions) || conditions.length === 0) throw new RangeError(`conditions must be a non-empty array of names, got ${JSON.stringify(conditions)}`);
  if (new Set(conditions).size !== conditions.length) throw new RangeError(`conditions must be distinct, got ${JSON.stringify(conditions)}`);
  expectInteger('blocks', blocks, 0, 1_000_000);
  const k = conditions.length;
  return Array.from({ length: blocks }, (_, b) => {
    const half = Array.from({ length: k }, (_, i) => conditions[(i + b) % k]!);
    return [...half, ...[...half].reverse()];
  });
}

/** One condition: its id, command and the benchmark options its runs use (environment, timeout...). */
export interface InterleavedCondition {
  id: string;
  command: CommandSpec;
  /** Per-run options; warmup/minRuns/maxRuns/minTimeMs are set by the schedule. */
  options?: Omit<BenchmarkOptions, 'warmup' | 'minRuns' | 'maxRuns' | 'minTimeMs' | 'signal'>;
}

export interface InterleavedOptions {
  blocks: number;
  /** Unmeasured runs of each condition, in order, before the first block (default 1). */
  warmup?: number;
  signal?: AbortSignal;
  /** Called before each measured run (for progress lines). */
  onRun?: (id: string, done: number, total: number) => void;
  /**
   * A time (Date.now() ms) after which no new block starts: a time budget. Whole blocks
   * only, so the mirror stays balanced; at least MIN_BLOCKS run whatever the time.
   */
  deadline?: number;
}

/** Blocks that run even past a deadline: the fewest a paired test can use. */
export const MIN_BLOCKS = 2;

export interface InterleavedRuns {
  /** The ids in the order they ran, measured runs only. */
  order: string[];
  /** Blocks completed (an aborted block is left out of `blocks` but its runs stay in `results`). */
  completedBlocks: number;
  /** Per completed block: each condition's wall times (ns) in that block. */
  blocks: Record<string, number[]>[];
  /** Per completed block: each condition's whole run records in that block (CPU, RSS, counters besides wall). */
  blockRecords: Record<string, RunRecord[]>[];
  /** Every measured run of each condition, analysed as one command. */
  results: Record<string, CommandResult>;
  /** True when the deadline stopped it before `blocks` blocks. */
  outOfTime: boolean;
}

/**
 * Runs the conditions in mirrored blocks, one measured run at a time (each run is a
 * benchmarkCommand of exactly one run, so every option, environment and check applies).
 * A failing run throws, as benchmarkCommand does: a comparison with a broken side has no answer.
 */
export async function runInterleaved(conditions: readonly InterleavedCondition[], options: InterleavedOptions): Promise<InterleavedRuns> {
  expectObject('options', options);
  if (!Array.isArray(conditions) || conditions.length === 0) throw new RangeError('conditions must be a non-empty array');
  conditions.forEach((c, i) => {
    expectObject(`conditions[${i}]`, c);
    expectString(`conditions[${i}].id`, c.id);
  });
  const blocks = expectInteger('options.blocks', options.blocks, 1, 100_000);
  const warmup = options.warmup === undefined ? 1 : expectInteger('options.warmup', options.warmup, 0, 1000);
  if (options.deadline !== undefined && !Number.isFinite(options.deadline)) throw new RangeError(`options.deadline: expected a time in ms (Date.now()), got ${String(options.deadline)}`);
  const schedule = mirroredBlocks(conditions.map((c) => c.id), blocks);
  const byId = new Map(conditions.map((c) => [c.id, c]));
  const records = new Map<string, RunRecord[]>(conditions.map((c) => [c.id, []]));
  const runOnce = async (c: InterleavedCondition, warm: boolean): Promise<RunRecord> => {
    const r = await benchmarkCommand(c.command, { ...c.options, warmup: 0, minRuns: 1, maxRuns: 1, minTimeMs: 0, ...(options.signal ? { signal: options.signal } : {}) });
    if (!warm) records.get(c.id)!.push(r.runs[0]!);
    return r.runs[0]!;
  };
  for (let w = 0; w < warmup; w++) {
    for (const c of conditions) {
      if (options.signal?.aborted) break;
      try {
        await runOnce(c, true);
      } catch (err) {
        if (options.signal?.aborted && err instanceof PerfError && err.code === 'ABORTED') break;
        throw err;
      }
    }
  }
  const order: string[] = [];
  const perBlock: Record<string, number[]>[] = [];
  const perBlockRecords: Record<string, RunRecord[]>[] = [];
  const total = blocks * conditions.length * 2;
  let outOfTime = false;
  outer: for (const block of schedule) {
    if (options.deadline !== undefined && perBlock.length >= MIN_BLOCKS && Date.now() >= options.deadline) {
      outOfTime = true;
      break;
    }
    const walls: Record<string, number[]> = Object.fromEntries(conditions.map((c) => [c.id, []]));
    const recs: Record<string, RunRecord[]> = Object.fromEntries(conditions.map((c) => [c.id, []]));
    for (const id of block) {
      if (options.signal?.aborted) break outer;
      options.onRun?.(id, order.length, total);
      let r: RunRecord;
      try {
        r = await runOnce(byId.get(id)!, false);
      } catch (err) {
        // Ctrl-C: keep the blocks that completed, as the rest of the runner does.
        if (options.signal?.aborted && err instanceof PerfError && err.code === 'ABORTED') break outer;
        throw err;
      }
      order.push(id);
      walls[id]!.push(r.wallNs);
      recs[id]!.push(r);
    }
    perBlock.push(walls);
    perBlockRecords.push(recs);
  }
  const results: Record<string, CommandResult> = {};
  for (const c of conditions) {
    const runs = records.get(c.id)!;
    if (runs.length > 0) results[c.id] = analyse(c.command.name ?? c.command.argv.join(' '), [...c.command.argv], runs, warmup);
  }
  return { order, completedBlocks: perBlock.length, blocks: perBlock, blockRecords: perBlockRecords, results, outOfTime };
}
