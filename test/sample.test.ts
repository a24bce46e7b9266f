import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Bench } from 'tinybench';
import { describe, expect, it } from 'vitest';
import { type CoreNative, nativeAddon, packageRoot } from '../src/core/native.js';
import { type SampleResult, sample } from '../src/measure/sample.js';
import { CountedBench } from '../src/measure/tinybench-counters.js';

const native = nativeAddon<CoreNative>();

describe('sample()', () => {
  it('counts per call and in total, sync', () => {
    const r = sample(() => native.touchFreshPages(100), { events: ['page-faults', 'task-clock'], iterations: 5 }) as SampleResult;
    expect(r.async).toBe(false);
    expect(r.iterations).toBe(5);
    const pf = r.counters['page-faults']!;
    expect(pf.state).toBe('counted');
    expect(pf.perCall).toHaveLength(5);
    for (const v of pf.perCall) expect(v).toBeGreaterThanOrEqual(100);
    expect(pf.total).toBeGreaterThanOrEqual(500);
    expect(r.wallNs.perCall).toHaveLength(5);
    expect(r.wallNs.median).toBeGreaterThan(0);
    expect(r.overheadSubtracted).toBe(true);
    expect(r.overhead.brackets).toBeGreaterThan(100);
  });

  it('reports unsupported events as such, next to counted ones', () => {
    const r = sample(() => native.busyLoop(1000), { events: ['cycles', 'task-clock'] }) as SampleResult;
    if (r.counters.cycles!.state === 'unsupported') {
      expect(r.counters.cycles!.total).toBeNull();
      expect(r.counters.cycles!.reason).not.toBe('');
    }
    expect(r.counters['task-clock']!.state).toBe('counted');
  });

  it('measures async functions, event-loop work included', async () => {
    const r = await sample(() => new Promise((resolve) => setTimeout(resolve, 5)), { events: ['task-clock', 'context-switches'], iterations: 3 });
    expect(r.async).toBe(true);
    expect(r.iterations).toBe(3);
    for (const w of r.wallNs.perCall) expect(w).toBeGreaterThanOrEqual(4e6);
  });

  it('subtracting the calibrated overhead never makes a count negative', () => {
    const r = sample(() => undefined, { events: ['task-clock'], iterations: 50 }) as SampleResult;
    for (const v of r.counters['task-clock']!.perCall) expect(v).toBeGreaterThanOrEqual(0);
    const raw = sample(() => undefined, { events: ['task-clock'], iterations: 50, subtractOverhead: false }) as SampleResult;
    expect(raw.overheadSubtracted).toBe(false);
    expect(raw.counters['task-clock']!.median!).toBeGreaterThanOrEqual(r.counters['task-clock']!.median!);
  });

  it('rejects bad input with the parameter named', () => {
    expect(() => sample('x' as never, { events: ['task-clock'] })).toThrow(/fn must be a function/);
    expect(() => sample(() => 0, undefined as never)).toThrow(/options must be an object/);
    expect(() => sample(() => 0, { events: ['task-clock'], iterations: 0 })).toThrow(RangeError);
    expect(() => sample(() => 0, { events: ['task-clock'], iterations: 1.5 })).toThrow(/options.iterations/);
    expect(() => sample(() => 0, { events: [] })).toThrow(/options.events must name at least one event/);
    // A sparse events array and a throwing getter name the hole and the key (before: the hole passed,
    // and the getter's own error came out unexplained).
    const sparse = ['task-clock'];
    sparse.length = 2;
    expect(() => sample(() => 0, { events: sparse })).toThrow(/options.events\[1\] is a hole/);
    const throwing = Object.defineProperty({ events: ['task-clock'] }, 'iterations', { enumerable: true, get() { throw new Error('boom'); } });
    expect(() => sample(() => 0, throwing)).toThrow(/options.iterations could not be read: boom/);
  });
});

describe('CountedBench (tinybench)', () => {
  it('adds counters per op, read around the whole batch', async () => {
    using counted = new CountedBench(new Bench({ time: 50, warmupTime: 10 }), ['page-faults', 'task-clock']);
    counted.add('touch 10 pages', () => native.touchFreshPages(10));
    counted.add('noop', () => native.noop());
    const [touch, noop] = await counted.run();
    expect(touch!.runs).toBeGreaterThan(0);
    expect(touch!.perOp['page-faults']).toBeGreaterThanOrEqual(10);
    expect(noop!.perOp['page-faults']).toBeLessThan(1);
    expect(touch!.perOp['task-clock']).toBeGreaterThan(noop!.perOp['task-clock']!);
  });
});

describe('CLI', () => {
  const cli = join(packageRoot(), 'dist', 'bench', 'cli.js');
  it.skipIf(!existsSync(cli))('events --json prints every event with its state and reason', () => {
    const out = spawnSync(process.execPath, [cli, 'events', '--json'], { encoding: 'utf8' });
    expect(out.status).toBe(0);
    const events = JSON.parse(out.stdout) as { name: string; kind: string; supported: boolean; reason: string }[];
    expect(events.find((e) => e.name === 'task-clock')).toMatchObject({ kind: 'software', supported: true, reason: '' });
    const cycles = events.find((e) => e.name === 'cycles')!;
    expect(cycles.kind).toBe('hardware');
    if (!cycles.supported) expect(cycles.reason).toMatch(/PMU/);
    for (const e of events) expect(Object.keys(e).sort()).toEqual(['kind', 'name', 'reason', 'supported']);
  });
  it.skipIf(!existsSync(cli))('an unknown option is a clear error', () => {
    const out = spawnSync(process.execPath, [cli, 'events', '--jsn'], { encoding: 'utf8' });
    expect(out.status).toBe(2); // a usage error, as in stat and bench (issue 12)
    expect(out.stderr).toMatch(/unknown option '--jsn'/);
  });
});
