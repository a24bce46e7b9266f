/**
 * The perf_event backend, the default: perf_event_open through the native addon
 * (src/measure/counters.ts). Software events and tracepoints everywhere; cycles and
 * instructions where the machine has a PMU (elsewhere they are "unsupported", with the reason).
 *  - sample(): the group read around each call (src/measure/perf-event-sample.ts).
 *  - CountedBench: the group read once before and once after each task's measured phase and
 *    divided by the task's runs, since per-call reads would cost more than a sub-microsecond
 *    task. The window is the Bench's own per-task setup/teardown hooks (mode 'run'), wrapped
 *    around the user's: tinybench calls them for every task, however it was added. The window
 *    holds tinybench's own per-iteration work too; the empty-task floor, measured the same way
 *    in the same process, is that cost, and `netPerOp` subtracts it.
 *  - stat: the command runner (src/measure/runner/) counts with it; `stat` without --counters
 *    is its form, so it has no `command` hook.
 */
import { existsSync } from 'node:fs';
import { Bench, type Hook, type HookMode, type Task } from 'tinybench';
import { type CounterSnapshot, type CounterValue, type Counters, openCounters, validateCounterOptions } from '../counters.js';
import { samplePerfEvent } from '../perf-event-sample.js';
import type { BackendTasks, CounterBackend, FloorCounters, TaskCounters } from './types.js';

const PARANOID = '/proc/sys/kernel/perf_event_paranoid';

/** The name the floor's empty task runs under (in its own Bench, never in the user's). */
export const FLOOR_TASK = '(empty task)';

export const perfEventBackend = {
  name: 'perf_event',
  summary: 'perf_event_open counters (software events, tracepoints, hardware events where the machine has a PMU)',
  status: () => (existsSync(PARANOID)
    ? { available: true, reason: '' }
    : { available: false, reason: `this kernel has no perf_event_open (no ${PARANOID}; build it with CONFIG_PERF_EVENTS)` }),
  sample: samplePerfEvent,
  tasks: (bench, events, options): BackendTasks => new PerfEventTasks(bench, events, options),
} as const satisfies CounterBackend<'perf_event'>;

/** CountedBench on perf_event: one group, read around each task's measured phase. */
export class PerfEventTasks implements BackendTasks {
  readonly group: Counters;
  /** Counts over each task's measured phase; divided by its runs once tinybench has set them. */
  private readonly windows = new Map<string, Record<string, CounterValue>>();
  private floor: FloorCounters | null = null;
  private readonly userSetup: Bench['setup'];
  private readonly userTeardown: Bench['teardown'];

  constructor(private readonly bench: Bench, events: readonly string[], options: Record<string, unknown>) {
    this.userSetup = bench.setup;
    this.userTeardown = bench.teardown;
    this.group = openCounters(events, validateCounterOptions(options, 'options'));
    this.group.enable();
    // Bench declares them readonly for users; they are plain fields, called for every task.
    Object.assign(bench, windowHooks(this.group, this.windows, bench, this.userSetup, this.userTeardown));
  }

  get events(): readonly string[] {
    return this.group.events;
  }

  add(): void {} // the hooks count every task of the bench, however it was added

  async run(subtractFloor: boolean): Promise<{ tasks: TaskCounters[]; floor: FloorCounters | null }> {
    if (subtractFloor) this.floor = await this.measureFloor();
    await this.bench.run();
    return { tasks: this.counters(), floor: this.floor };
  }

  /** An empty task, in a Bench with the user's bench's timing, counted through the same hooks. */
  private async measureFloor(): Promise<FloorCounters> {
    const b = this.bench;
    const windows = new Map<string, Record<string, CounterValue>>();
    const floorBench = new Bench({
      time: b.time, iterations: b.iterations, warmup: b.warmup, warmupTime: b.warmupTime, warmupIterations: b.warmupIterations,
      timestampProvider: b.timestampProvider, throws: true, ...(b.signal ? { signal: b.signal } : {}),
      ...windowHooks(this.group, windows, undefined, noHook, noHook),
    });
    floorBench.add(FLOOR_TASK, () => {});
    await floorBench.run();
    const task = floorBench.tasks[0]!;
    return { runs: task.runs, perOp: perOpOf(windows.get(FLOOR_TASK) ?? {}, task.runs) };
  }

  counters(): TaskCounters[] {
    return this.bench.tasks.map((t) => {
      const window = this.windows.get(t.name) ?? {};
      const runs = t.runs; // tinybench sets it after teardown, so divide here rather than in the hook
      const perOp = perOpOf(window, runs);
      const netPerOp: Record<string, number | null> = {};
      for (const [event, v] of Object.entries(perOp)) {
        const floor = this.floor?.perOp[event];
        netPerOp[event] = v === null || floor === null || floor === undefined ? null : Math.max(0, v - floor);
      }
      return { task: t.name, runs, perOp, netPerOp, window };
    });
  }

  close(): void {
    Object.assign(this.bench, { setup: this.userSetup, teardown: this.userTeardown });
    this.group.close();
  }
}

const noHook = (): void => {};

function perOpOf(window: Record<string, CounterValue>, runs: number): Record<string, number | null> {
  const perOp: Record<string, number | null> = {};
  for (const [event, v] of Object.entries(window)) perOp[event] = v.value === null || runs === 0 ? null : v.value / runs;
  return perOp;
}

/**
 * Bench setup/teardown that snapshot the group around each task's measured phase ('run'
 * mode) and keep the delta under the task's name, calling the user's hooks outside it.
 * They stay synchronous when the user's are, so bench.runSync() works too.
 */
function windowHooks(
  group: Counters,
  windows: Map<string, Record<string, CounterValue>>,
  bench: Bench | undefined,
  userSetup: Bench['setup'],
  userTeardown: Bench['teardown'],
): { setup: Hook; teardown: Hook } {
  const before = new Map<string, CounterSnapshot>();
  const start = (task: Task | undefined, mode: HookMode | undefined): void => {
    if (task !== undefined && mode === 'run') before.set(task.name, group.snapshot());
  };
  const stop = (task: Task | undefined, mode: HookMode | undefined): void => {
    const b = task === undefined ? undefined : before.get(task.name);
    if (mode === 'run' && b !== undefined) windows.set(task!.name, group.delta(b, group.snapshot()));
  };
  return {
    setup: (task, mode) => {
      const r = userSetup.call(bench, task!, mode!);
      if (r instanceof Promise) return r.then(() => start(task, mode));
      start(task, mode);
    },
    teardown: (task, mode) => {
      stop(task, mode);
      return userTeardown.call(bench, task!, mode!);
    },
  };
}
