import { describe, expect, it } from 'vitest';
import { analyseInterleaved, judge } from '../src/analyse/power.js';
import { benchmarkCommand, compare } from '../src/measure/runner/benchmark.js';
import { MockExecutor } from '../src/measure/runner/executor.js';
import { MIN_BLOCKS, mirroredBlocks, runInterleaved } from '../src/measure/runner/interleave.js';
import { rng } from './sim-rng.js';

describe('mirroredBlocks', () => {
  it('runs each condition twice per block, the second half mirroring the first (ABBA)', () => {
    expect(mirroredBlocks(['A', 'B'], 2)).toEqual([['A', 'B', 'B', 'A'], ['B', 'A', 'A', 'B']]);
    expect(mirroredBlocks(['A', 'B', "A'"], 1)).toEqual([['A', 'B', "A'", "A'", 'B', 'A']]);
  });
  it('gives every condition the same mean position in every block, so linear drift cancels', () => {
    const conds = ['A', 'B1', 'B2', "A'"];
    for (const block of mirroredBlocks(conds, 7)) {
      const meanPos = conds.map((c) => block.reduce((s, x, i) => s + (x === c ? i : 0), 0) / 2);
      expect(new Set(meanPos)).toEqual(new Set([(block.length - 1) / 2]));
    }
  });
  it('rotates which condition runs first, so over a full cycle each takes every place', () => {
    const firsts = mirroredBlocks(['A', 'B', "A'"], 3).map((b) => b[0]);
    expect(new Set(firsts)).toEqual(new Set(['A', 'B', "A'"]));
  });
  it('rejects bad input by name', () => {
    expect(() => mirroredBlocks([], 2)).toThrow(/conditions must be a non-empty array/);
    expect(() => mirroredBlocks(['A', 'A'], 2)).toThrow(/distinct/);
    expect(() => mirroredBlocks(['A'], -1)).toThrow(/blocks/);
  });
});

/**
 * A machine that drifts: every run (of any command) is slower than the one before by
 * `drift` (a neighbour ramping up), with lognormal noise. A and B are the same program.
 */
function driftingMachine(seed: number, drift = 0.004, noise = 0.01, bFactor = 1): MockExecutor {
  const r = rng(seed);
  let t = 0;
  return new MockExecutor((command) => ({ wallMs: 20 * (1 + drift * t++) * (command.startsWith('B') ? bFactor : 1) * Math.exp(noise * r.normal()) }));
}

const conditionsFor = (executor: MockExecutor) => [
  { id: 'A', command: { argv: ['a'], name: 'A' }, options: { executor, events: [] } },
  { id: "A'", command: { argv: ['a'], name: "A'" }, options: { executor, events: [] } },
  { id: 'B', command: { argv: ['b'], name: 'B' }, options: { executor, events: [] } },
];

const blocksOf = (runs: Awaited<ReturnType<typeof runInterleaved>>) => runs.blocks.map((b) => ({ a: b.A!, aPrime: b["A'"]!, b: b.B! }));

describe('runInterleaved', () => {
  it('runs warm-ups first, then the mirrored schedule, and keeps each condition\'s runs apart', async () => {
    const exec = driftingMachine(1);
    const runs = await runInterleaved(conditionsFor(exec), { blocks: 2, warmup: 1 });
    expect(exec.calls.map((c) => c.command)).toEqual(['A', "A'", 'B', 'A', "A'", 'B', 'B', "A'", 'A', "A'", 'B', 'A', 'A', 'B', "A'"]);
    expect(runs.order).toEqual(exec.calls.slice(3).map((c) => c.command));
    expect(runs.completedBlocks).toBe(2);
    expect(runs.blocks[0]).toMatchObject({ A: [expect.any(Number), expect.any(Number)] });
    expect(runs.results.B!.runs).toHaveLength(4);
    expect(runs.results.B!.warmupRuns).toBe(1);
  });
  it('a deadline stops it between whole blocks (at least MIN_BLOCKS), and says it ran out of time', async () => {
    const past = await runInterleaved(conditionsFor(driftingMachine(2)), { blocks: 10, warmup: 0, deadline: Date.now() - 1 });
    expect([past.completedBlocks, past.outOfTime]).toEqual([MIN_BLOCKS, true]);
    expect(past.order).toHaveLength(MIN_BLOCKS * 6);
    const far = await runInterleaved(conditionsFor(driftingMachine(3)), { blocks: 10, warmup: 0, deadline: Date.now() + 3_600_000 });
    expect([far.completedBlocks, far.outOfTime]).toEqual([10, false]);
    await expect(runInterleaved(conditionsFor(driftingMachine(4)), { blocks: 2, deadline: Number.NaN })).rejects.toThrow(/options\.deadline: expected a time in ms/);
  });
  it('stops at an abort between runs and keeps only completed blocks', async () => {
    const controller = new AbortController();
    const exec = new MockExecutor(() => ({ wallMs: 1 }));
    let seen = 0;
    const runs = await runInterleaved(conditionsFor(exec), { blocks: 3, warmup: 0, signal: controller.signal, onRun: () => { if (++seen === 8) controller.abort(); } });
    expect(runs.completedBlocks).toBe(1);
    expect(runs.order).toHaveLength(7);
  });
  it('rejects bad options by name', async () => {
    await expect(runInterleaved(conditionsFor(new MockExecutor(() => ({ wallMs: 1 }))), { blocks: 0 })).rejects.toThrow(/options\.blocks/);
    await expect(runInterleaved([], { blocks: 1 })).rejects.toThrow(/conditions/);
  });
  it('a failing run fails the comparison (no half-measured answer)', async () => {
    const exec = new MockExecutor((c) => ({ wallMs: 1, exitCode: c === 'B' ? 2 : 0 }));
    await expect(runInterleaved(conditionsFor(exec), { blocks: 1, warmup: 0 })).rejects.toThrow(/exited with code 2/);
  });
});

describe('simulation: drift on a busy machine', () => {
  it('sequential A-then-B flags a false difference; mirrored blocks with a null control do not', async () => {
    // naive: all of A, then all of B (same program) on the drifting machine
    const naiveExec = driftingMachine(42);
    const a = await benchmarkCommand({ argv: ['a'], name: 'A' }, { executor: naiveExec, events: [], warmup: 0, minRuns: 12, maxRuns: 12, minTimeMs: 0 });
    const b = await benchmarkCommand({ argv: ['b'], name: 'B' }, { executor: naiveExec, events: [], warmup: 0, minRuns: 12, maxRuns: 12, minTimeMs: 0 });
    const naive = compare(a, b);
    expect(naive.p).toBeLessThan(0.05);
    expect(b.summary.wall.median / a.summary.wall.median - 1).toBeGreaterThan(0.03);

    // interleaved on the same drifting machine: 6 blocks of A B A′ A′ B A (rotated)
    const runs = await runInterleaved(conditionsFor(driftingMachine(42)), { blocks: 6, warmup: 0 });
    const c = analyseInterleaved(blocksOf(runs), { noiseThreshold: 0.02 });
    expect(c.real.interval![0]).toBeLessThan(0);
    expect(c.real.interval![1]).toBeGreaterThan(0);
    expect(c.nullControl.showsDifference).toBe(false);
    // a parity claim (±5%) is judged "holds" with the interval, never "does not hold"
    expect(judge(c, { low: -0.05, high: 0.05, guard: 0.025 }).verdict).toBe('holds');
  });
  it('over many simulated sessions: naive sequential flags nearly always, interleaved about α, and a real 5% shift is still found', async () => {
    const sessions = 60;
    let naiveFlags = 0, interleavedFlags = 0, detected = 0;
    for (let s = 0; s < sessions; s++) {
      const exec = driftingMachine(1000 + s, 0.003, 0.02);
      const a = await benchmarkCommand({ argv: ['a'], name: 'A' }, { executor: exec, events: [], warmup: 0, minRuns: 12, maxRuns: 12, minTimeMs: 0 });
      const b = await benchmarkCommand({ argv: ['b'], name: 'B' }, { executor: exec, events: [], warmup: 0, minRuns: 12, maxRuns: 12, minTimeMs: 0 });
      if (compare(a, b).p < 0.05) naiveFlags++;
      const same = analyseInterleaved(blocksOf(await runInterleaved(conditionsFor(driftingMachine(1000 + s, 0.003, 0.02)), { blocks: 6, warmup: 0 })), { noiseThreshold: 0.03 });
      if (same.real.p < 0.05 && !same.nullControl.showsDifference) interleavedFlags++;
      const shifted = analyseInterleaved(blocksOf(await runInterleaved(conditionsFor(driftingMachine(5000 + s, 0.003, 0.02, 1.05)), { blocks: 6, warmup: 0 })), { noiseThreshold: 0.03 });
      if (shifted.real.p < 0.05 && shifted.real.change > 0) detected++;
    }
    expect(naiveFlags / sessions).toBeGreaterThan(0.9);
    expect(interleavedFlags / sessions).toBeLessThanOrEqual(0.1);
    expect(detected / sessions).toBeGreaterThan(0.9);
  });
});
