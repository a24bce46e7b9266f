/**
 * CountedBench: tasks added straight to the bench are counted, the empty-task floor is
 * measured and subtracted, and table()/format() carry the counters with units.
 * Also formatSample() for sample()'s result. No timing asserts: counts only, with wide margins.
 */
import { Bench } from 'tinybench';
import { describe, expect, it } from 'vitest';
import { eventUnit, formatCount, formatSample, sampleTable } from '../src/measure/counter-format.js';
import { type CoreNative, nativeAddon } from '../src/core/native.js';
import { sample } from '../src/measure/sample.js';
import { CountedBench, FLOOR_TASK } from '../src/measure/tinybench-counters.js';

const native = nativeAddon<CoreNative>();

describe('CountedBench', () => {
  it('counts a task added with bench.add() exactly as one added with cb.add()', async () => {
    const bench = new Bench({ time: 40, warmupTime: 5 });
    using cb = new CountedBench(bench, ['page-faults', 'task-clock']);
    cb.add('via cb.add', () => native.touchFreshPages(4));
    bench.add('via bench.add', () => native.touchFreshPages(4));
    const [viaCb, viaBench] = await cb.run();
    for (const t of [viaCb!, viaBench!]) {
      expect(t.runs).toBeGreaterThan(0);
      // Before: the bench.add task came back with perOp {}.
      expect(Object.keys(t.perOp).sort()).toEqual(['page-faults', 'task-clock']);
      expect(t.perOp['page-faults']).toBeGreaterThanOrEqual(4);
      expect(t.netPerOp['page-faults']).toBeGreaterThanOrEqual(3);
    }
  });

  it('keeps the user\'s bench setup/teardown and restores them on close', async () => {
    const calls: string[] = [];
    const setup = (task?: { name: string }, mode?: string): void => { calls.push(`setup ${task?.name} ${mode}`); };
    const teardown = async (task?: { name: string }, mode?: string): Promise<void> => { calls.push(`teardown ${task?.name} ${mode}`); };
    const bench = new Bench({ time: 10, warmupTime: 2, setup, teardown });
    const cb = new CountedBench(bench, ['task-clock'], { subtractFloor: false });
    bench.add('t', () => 0);
    const [t] = await cb.run();
    cb.close();
    expect(calls).toEqual(['setup t warmup', 'teardown t warmup', 'setup t run', 'teardown t run']);
    expect(t!.perOp['task-clock']).toBeGreaterThan(0);
    expect(cb.floor).toBeNull();
    expect(t!.netPerOp['task-clock']).toBeNull();
    expect(bench.setup).toBe(setup);
    expect(bench.teardown).toBe(teardown);
  });

  it('measures the empty-task floor in its own bench and subtracts it: an empty task nets to about 0', async () => {
    const bench = new Bench({ time: 60, warmupTime: 10 });
    using cb = new CountedBench(bench, ['task-clock', 'raw_syscalls:sys_enter']);
    bench.add('empty', () => {});
    bench.add('touch 1 page', () => native.touchFreshPages(1));
    const [empty] = await cb.run();
    expect(bench.tasks.map((t) => t.name)).toEqual(['empty', 'touch 1 page']); // the floor task is not added to the user's bench
    expect(cb.floor!.runs).toBeGreaterThan(0);
    const floorClock = cb.floor!.perOp['task-clock']!;
    expect(floorClock).toBeGreaterThan(0);
    // The same empty function measured the same way: its net is a small fraction of the floor
    // (both are medians of noisy per-op costs on a shared machine, so only a wide bound).
    expect(empty!.netPerOp['task-clock']!).toBeLessThan(floorClock * 1.5 + 200);
    if (cb.floor!.perOp['raw_syscalls:sys_enter'] !== null) {
      console.log(`floor per op: task-clock ${floorClock.toFixed(1)} ns, raw_syscalls:sys_enter ${cb.floor!.perOp['raw_syscalls:sys_enter']!.toPrecision(3)}; empty task net ${empty!.netPerOp['raw_syscalls:sys_enter']!.toPrecision(3)} (raw ${empty!.perOp['raw_syscalls:sys_enter']!.toPrecision(3)})`);
      expect(empty!.netPerOp['raw_syscalls:sys_enter']!).toBeLessThan(0.05);
    }
  });

  it('table() is bench.table() with a unit-labelled column per event and the floor row; format() prints it', async () => {
    const bench = new Bench({ time: 20, warmupTime: 2 });
    using cb = new CountedBench(bench, ['task-clock', 'page-faults', 'cycles']);
    bench.add('touch 2 pages', () => native.touchFreshPages(2));
    await cb.run();
    const rows = cb.table();
    expect(rows).toHaveLength(2);
    const tiny = bench.table()[0]!;
    for (const [k, v] of Object.entries(tiny)) expect(rows[0]![k]).toEqual(v);
    expect(rows[0]!['task-clock (ns/op, above empty task)']).toMatch(/^[\d,.]+ ns$/);
    expect(rows[0]!['page-faults (faults/op, above empty task)']).toMatch(/^[\d,.]+ faults$/);
    expect(String(rows[1]!['Task name'])).toContain(FLOOR_TASK);
    const text = cb.format();
    expect(text).toContain('touch 2 pages');
    expect(text).toContain('task-clock (ns/op, above empty task)');
    // An event that cannot be counted here is a dash with its reason in a note, never a 0.
    if (cb.counters()[0]!.window['cycles']!.state === 'unsupported') {
      expect(rows[0]!['cycles (cycles/op, above empty task)']).toBe('—');
      expect(text).toMatch(/cycles: unsupported \(/);
    }
  });

  it('refuses a concurrent bench and bad arguments with the parameter named', async () => {
    const bench = new Bench({ concurrency: 'bench', time: 5 });
    using cb = new CountedBench(bench, ['task-clock']);
    await expect(cb.run()).rejects.toThrow(/bench.concurrency null/);
    expect(() => new CountedBench({} as never, ['task-clock'])).toThrow(/bench must be a tinybench Bench/);
    expect(() => new CountedBench(new Bench(), ['task-clock'], { subtractFloor: 'yes' as never })).toThrow(/options.subtractFloor/);
    expect(() => new CountedBench(new Bench(), ['task-clock'], { bogus: 1 } as never)).toThrow(/options.bogus is not an option/);
    expect(() => cb.add(1 as never, () => 0)).toThrow(/name must be a string/);
  });
});

describe('formatSample()', () => {
  it('prints each event with its unit, states with reasons, and wall time', () => {
    const r = sample(() => native.touchFreshPages(3), { events: ['task-clock', 'page-faults', 'cycles'], iterations: 5 });
    const text = formatSample(r);
    expect(text).toMatch(/task-clock\s+[\d,.]+ ns/);
    expect(text).toMatch(/page-faults\s+[\d,.]+ faults/);
    expect(text).toMatch(/wall time\s+[\d,.]+ ns/);
    if (r.counters['cycles']!.state === 'unsupported') expect(text).toMatch(/cycles\s+—\s+—\s+unsupported: \S/);
    expect(sampleTable(r).notes!.join(' ')).toMatch(/subtracted/);
  });

  it('units follow perf\'s meaning of each event', () => {
    expect(eventUnit('task-clock')).toBe('ns');
    expect(eventUnit('raw_syscalls:sys_enter')).toBe('syscalls');
    expect(eventUnit('syscalls:sys_enter_sendmmsg')).toBe('syscalls');
    expect(eventUnit('minor-faults')).toBe('faults');
    expect(eventUnit('instructions')).toBe('instructions');
    expect(eventUnit('L1-dcache-load-misses')).toBe('events');
    expect(formatCount(1234567.8, 'ns')).toBe('1,234,568 ns');
    expect(formatCount(0.01234, 'syscalls')).toBe('0.0123 syscalls');
    expect(formatCount(null, 'ns')).toBe('—');
    // singular for exactly one, as people write it
    expect(formatCount(1, 'faults')).toBe('1 fault');
    expect(formatCount(1, 'syscalls')).toBe('1 syscall');
    expect(formatCount(1, 'switches')).toBe('1 switch');
    expect(formatCount(1, 'ns')).toBe('1 ns');
    expect(formatCount(2, 'faults')).toBe('2 faults');
    expect(formatCount(1.004, 'syscalls')).toBe('1 syscall');
    expect(formatCount(1.5, 'syscalls')).toBe('1.5 syscalls');
  });
});
