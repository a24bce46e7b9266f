/**
 * Counters for tinybench. The group is read once before and once after each task's
 * measured phase (tinybench's beforeAll/afterAll hooks) and divided by the task's
 * runs: per-call reads would cost more than a sub-microsecond task itself.
 * What is counted per op therefore includes tinybench's own per-iteration work
 * (timer reads, sample bookkeeping); compare with an empty task to see that floor.
 */
import type { Bench, FnOptions, Task } from 'tinybench';
import { type CounterOptions, type CounterValue, type Counters, openCounters } from './counters.js';
import { expectFunction, expectString } from './validate.js';
import { CallgrindTasks, sampleBackend } from './callgrind.js';

/** Counters per op for one task. */
export interface TaskCounters {
  task: string;
  runs: number;
  /** Scaled count per op, or null when not counted / unsupported. */
  perOp: Record<string, number | null>;
  /** The whole-phase counts, with states and reasons. */
  window: Record<string, CounterValue>;
}

/**
 * A tinybench Bench whose tasks are counted. Add tasks through it (not through the
 * bench), run it, then read `results`. Close it when done (or `using`).
 */
export class CountedBench implements Disposable {
  readonly bench: Bench;
  /** The perf_event group; null on the callgrind backend. */
  readonly group: Counters | null;
  /** Set on the callgrind backend (options.backend 'callgrind'): run() counts instead of timing. */
  private readonly callgrind: CallgrindTasks | null = null;
  /** Counts over each task's measured phase; divided by its runs once tinybench has set them. */
  private readonly windows = new Map<string, Record<string, CounterValue>>();

  /**
   * options.backend 'callgrind' (in a process under valgrind --tool=callgrind --instr-atstart=no):
   * run() calls each task a few times inside callgrind's counted block instead of timing it, and
   * perOp holds "instructions (simulated by callgrind)" (src/callgrind.ts, CallgrindTasks).
   */
  constructor(bench: Bench, events: readonly string[], options?: CounterOptions & { backend?: 'perf_event' | 'callgrind' }) {
    this.bench = bench;
    if (sampleBackend(options) === 'callgrind') {
      this.callgrind = new CallgrindTasks(events);
      this.group = null;
      return;
    }
    const { backend: _backend, ...counterOptions } = options ?? {};
    this.group = openCounters(events, options === undefined ? undefined : counterOptions);
    this.group.enable();
  }

  /** Same as bench.add(), with the counter hooks wrapped around the user's. */
  add(name: string, fn: () => unknown, fnOpts: FnOptions = {}): this {
    expectString('name', name);
    expectFunction('fn', fn);
    if (this.callgrind) {
      this.callgrind.add(name, fn);
      this.bench.add(name, fn, fnOpts);
      return this;
    }
    const group = this.group!, windows = this.windows;
    let before = group.snapshot();
    this.bench.add(name, fn, {
      ...fnOpts,
      async beforeAll(this: Task, mode) {
        if (fnOpts.beforeAll) await fnOpts.beforeAll.call(this, mode);
        if (mode === 'run') before = group.snapshot();
      },
      async afterAll(this: Task, mode) {
        if (mode === 'run') windows.set(name, group.delta(before, group.snapshot()));
        if (fnOpts.afterAll) await fnOpts.afterAll.call(this, mode);
      },
    });
    return this;
  }

  /** Runs the bench; returns counters per task in the order added. */
  async run(): Promise<TaskCounters[]> {
    if (this.callgrind) return this.callgrind.run();
    await this.bench.run();
    return this.counters();
  }

  /** Counters per task so far, in the order added. */
  counters(): TaskCounters[] {
    return this.bench.tasks.map((t) => {
      const window = this.windows.get(t.name) ?? {};
      const runs = t.runs; // tinybench sets it after afterAll, so divide here rather than in the hook
      const perOp: Record<string, number | null> = {};
      for (const [event, v] of Object.entries(window)) perOp[event] = v.value === null || runs === 0 ? null : v.value / runs;
      return { task: t.name, runs, perOp, window };
    });
  }

  close(): void {
    this.group?.close();
  }

  [Symbol.dispose](): void {
    this.close();
  }
}
