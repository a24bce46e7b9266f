/**
 * Counters for tinybench. The group is read once before and once after each task's
 * measured phase and divided by the task's runs: per-call reads would cost more than a
 * sub-microsecond task itself.
 *
 * The window is the Bench's own per-task setup/teardown hooks (mode 'run'), which
 * CountedBench wraps around the user's. That is why every task of the bench is counted,
 * whether it was added with `cb.add()` or straight with `bench.add()`: tinybench offers
 * no way to wrap a task's hooks after it was added, but it calls the bench's hooks for
 * every task. The window holds tinybench's own per-iteration work (timer reads, sample
 * bookkeeping) and the task's beforeAll/afterAll; the empty-task floor (`floor`, measured
 * by `run()` the same way in the same process) is that cost, and `netPerOp` subtracts it.
 *
 * On the callgrind backend (`backend: 'callgrind'`, in a process under valgrind) run() counts
 * each task's instructions instead (src/measure/callgrind.ts, CallgrindTasks). That needs the task's
 * function, which tinybench keeps private, so there only tasks added with `cb.add()` can be
 * counted, and run() refuses a bench with others.
 */
import { Bench, type Hook, type HookMode, type Task } from 'tinybench';
import { type CounterOptions, type CounterSnapshot, type CounterValue, type Counters, openCounters, validateCounterOptions } from './counters.js';
import { eventUnit, formatCount } from './counter-format.js';
import { formatTable } from '../core/text.js';
import { expectBoolean, expectFunction, expectObject, expectString, readOptions } from '../core/validate.js';
import { CallgrindTasks, sampleBackend } from './callgrind.js';

/** Counters per op for one task, keyed by the bench's event names (E). */
export interface TaskCounters<E extends string = string> {
  task: string;
  runs: number;
  /** Scaled count per op, or null when not counted / unsupported. */
  perOp: Record<E, number | null>;
  /**
   * perOp minus the empty task's perOp (the floor), clamped at 0; null when either is
   * null (not counted, or no floor was measured: `subtractFloor: false`, or the bench was
   * run directly rather than through `run()`).
   */
  netPerOp: Record<E, number | null>;
  /** The whole-phase counts, with states and reasons. */
  window: Record<E, CounterValue>;
}

/**
 * What run() returns: the tasks' counters in the order added (an array, as before), and
 * `byTask`, the same keyed by task name. A name added with cb.add() is known to the compiler,
 * so `byTask.fstat` is a TaskCounters, never undefined; one added with bench.add() may be.
 */
export type CountedResults<E extends string = string, T extends string = never> = TaskCounters<E>[] & {
  readonly byTask: Record<T, TaskCounters<E>> & Partial<Record<string, TaskCounters<E>>>;
};

/** The array with its non-enumerable byTask (so it still compares and prints as an array). */
function withByTask<E extends string, T extends string>(tasks: TaskCounters<E>[]): CountedResults<E, T> {
  const byTask = Object.fromEntries(tasks.map((t) => [t.task, t])) as CountedResults<E, T>['byTask'];
  return Object.defineProperty(tasks, 'byTask', { value: byTask, enumerable: false }) as CountedResults<E, T>;
}

/** The empty task's counts per op, measured by run() just before the bench's tasks. */
export interface FloorCounters {
  /** How many runs of the empty task tinybench made. */
  runs: number;
  /** Per op; null when not counted. */
  perOp: Record<string, number | null>;
}

/** Options of CountedBench: the group's CounterOptions plus the floor switch. */
export interface CountedBenchOptions extends CounterOptions {
  /** Measure an empty task before the bench's tasks and report netPerOp. Default true (perf_event only). */
  subtractFloor?: boolean;
  /**
   * 'callgrind' (in a process under valgrind --tool=callgrind --instr-atstart=no): run() calls
   * each task a few times inside callgrind's counted block instead of timing it, and perOp holds
   * "instructions (simulated by callgrind)". Default 'perf_event'.
   */
  backend?: 'perf_event' | 'callgrind';
}

/** One row of `CountedBench.table()`: tinybench's `bench.table()` row plus a column per event. */
export type CountedTableRow = Record<string, string | number | undefined>;

/** The name the floor's empty task runs under (in its own Bench, never in the user's). */
export const FLOOR_TASK = '(empty task)';

/**
 * A tinybench Bench whose tasks are counted. Run it with `run()` (which also measures
 * the empty-task floor), then read the results; `table()` and `format()` print them with
 * units. Close it when done (or `using`).
 */
export class CountedBench<const E extends string = string, T extends string = never> implements Disposable {
  readonly bench: Bench;
  /** The perf_event group; null on the callgrind backend. */
  readonly group: Counters<E> | null;
  /** Set on the callgrind backend: run() counts instructions instead of timing. */
  private readonly callgrind: CallgrindTasks | null = null;
  private callgrindResults: TaskCounters[] = [];
  /** The empty task's counts, once run() has measured them (null before, or with subtractFloor: false). */
  floor: FloorCounters | null = null;
  private readonly subtractFloor: boolean;
  /** Counts over each task's measured phase; divided by its runs once tinybench has set them. */
  private readonly windows = new Map<string, Record<string, CounterValue>>();
  private readonly userSetup: Bench['setup'];
  private readonly userTeardown: Bench['teardown'];

  constructor(bench: Bench, events: readonly E[], options?: CountedBenchOptions) {
    if (!(bench instanceof Bench)) throw new TypeError(`bench must be a tinybench Bench (new Bench(...)), got ${bench === null ? 'null' : typeof bench}`);
    const { subtractFloor, backend: _backend, ...counterOptions } = options === undefined ? {} : readOptions('options', options);
    this.subtractFloor = subtractFloor === undefined ? true : expectBoolean('options.subtractFloor', subtractFloor);
    this.bench = bench;
    this.userSetup = bench.setup;
    this.userTeardown = bench.teardown;
    if (sampleBackend(options) === 'callgrind') {
      this.callgrind = new CallgrindTasks(events);
      this.group = null;
      return;
    }
    this.group = openCounters(events, validateCounterOptions(counterOptions, 'options'));
    this.group.enable();
    const hooks = windowHooks(this.group, this.windows, bench, this.userSetup, this.userTeardown);
    // Bench declares them readonly for users; they are plain fields, called for every task.
    Object.assign(bench, hooks);
  }

  /**
   * bench.add() with its arguments checked; a task added with bench.add() is counted the same,
   * but only a name added here is known to the type of run()'s `byTask`.
   */
  add<const N extends string>(name: N, fn: () => unknown, fnOpts: Parameters<Bench['add']>[2] = {}): CountedBench<E, T | N> {
    expectString('name', name);
    expectFunction('fn', fn);
    expectObject('fnOpts', fnOpts);
    this.callgrind?.add(name, fn);
    this.bench.add(name, fn, fnOpts);
    return this as unknown as CountedBench<E, T | N>;
  }

  /**
   * Measures the empty-task floor (unless subtractFloor: false), then runs the bench;
   * returns counters per task in the order added.
   */
  async run(): Promise<CountedResults<E, T>> {
    if (this.bench.concurrency !== null) {
      throw new RangeError(`CountedBench needs bench.concurrency null (tasks one after another), got "${this.bench.concurrency}": counters count the whole thread, so overlapping tasks would count each other`);
    }
    if (this.callgrind) {
      const added = new Set(this.callgrind.names());
      const other = this.bench.tasks.find((t) => !added.has(t.name));
      if (other) throw new TypeError(`task "${other.name}" was added with bench.add(); on the callgrind backend add tasks with cb.add(name, fn), since tinybench does not expose a task's function to count it`);
      this.callgrindResults = (await this.callgrind.run()).map((c) => ({ ...c, netPerOp: Object.fromEntries(Object.keys(c.perOp).map((k) => [k, null])) }));
      return withByTask([...this.counters()]);
    }
    if (this.subtractFloor) this.floor = await this.measureFloor();
    await this.bench.run();
    return withByTask(this.counters());
  }

  /** An empty task, in a Bench with the user's bench's timing, counted through the same hooks. */
  private async measureFloor(): Promise<FloorCounters> {
    const b = this.bench, group = this.group!;
    const windows = new Map<string, Record<string, CounterValue>>();
    const floorBench = new Bench({
      time: b.time, iterations: b.iterations, warmup: b.warmup, warmupTime: b.warmupTime, warmupIterations: b.warmupIterations,
      timestampProvider: b.timestampProvider, throws: true, ...(b.signal ? { signal: b.signal } : {}),
      ...windowHooks(group, windows, undefined, noHook, noHook),
    });
    floorBench.add(FLOOR_TASK, () => {});
    await floorBench.run();
    const task = floorBench.tasks[0]!;
    return { runs: task.runs, perOp: perOpOf(windows.get(FLOOR_TASK) ?? {}, task.runs) };
  }

  /** Counters per task so far, in the order added. */
  counters(): TaskCounters<E>[] {
    if (this.callgrind) return this.callgrindResults as TaskCounters<E>[];
    return this.bench.tasks.map((t) => {
      const window = this.windows.get(t.name) ?? {};
      const runs = t.runs; // tinybench sets it after teardown, so divide here rather than in the hook
      const perOp = perOpOf(window, runs);
      const netPerOp: Record<string, number | null> = {};
      for (const [event, v] of Object.entries(perOp)) {
        const floor = this.floor?.perOp[event];
        netPerOp[event] = v === null || floor === null || floor === undefined ? null : Math.max(0, v - floor);
      }
      return { task: t.name, runs, perOp, netPerOp, window } as TaskCounters<E>;
    });
  }

  /**
   * tinybench's `bench.table()` with the counters merged in: per task, a column
   * "EVENT (UNIT/op)" for each event, net of the floor when one was measured
   * (the column then says "above empty task"), and the floor itself in a last row.
   */
  table(): CountedTableRow[] {
    const counted = new Map(this.counters().map((c) => [c.task, c]));
    const net = this.floor !== null;
    const column = (event: string): string => `${event} (${eventUnit(event)}/op${net ? ', above empty task' : ''})`;
    const events = (this.group?.events ?? Object.keys(this.callgrindResults[0]?.perOp ?? {})) as readonly E[];
    const rows: CountedTableRow[] = this.bench.table().map((row) => {
      const out: CountedTableRow = { ...(row ?? {}) };
      const c = counted.get(String(out['Task name']));
      for (const event of events) {
        const v = c ? (net ? c.netPerOp[event] : c.perOp[event]) : null;
        out[column(event)] = formatCount(v ?? null, eventUnit(event));
      }
      return out;
    });
    if (this.floor) {
      const floorRow: CountedTableRow = { 'Task name': `${FLOOR_TASK}: the floor subtracted above` };
      for (const event of events) floorRow[column(event)] = formatCount(this.floor.perOp[event] ?? null, eventUnit(event));
      rows.push(floorRow);
    }
    return rows;
  }

  /** table() as aligned plain text, one column per field, for a terminal or a test's log. */
  format(): string {
    const rows = this.table();
    const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
    const window: Record<string, CounterValue> = this.counters()[0]?.window ?? {};
    const unsupported = Object.values(window).filter((v) => v.state === 'unsupported');
    return formatTable({
      title: 'tinybench with counters per op',
      columns,
      rows: rows.map((r) => columns.map((c) => (r[c] === undefined ? null : r[c]!))),
      notes: unsupported.map((v) => `${v.name}: unsupported (${v.reason})`),
    });
  }

  close(): void {
    Object.assign(this.bench, { setup: this.userSetup, teardown: this.userTeardown });
    this.group?.close();
  }

  [Symbol.dispose](): void {
    this.close();
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
