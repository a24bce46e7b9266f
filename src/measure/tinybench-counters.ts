/**
 * Counters for tinybench: CountedBench counts each task of a Bench on a counter backend
 * (src/measure/backends/): on perf_event (the default) the group is read around each task's
 * measured phase and an empty-task floor is measured and subtracted; on callgrind (in a process
 * under valgrind) each task's instructions are counted instead, with no timing runs. How each
 * backend counts is in its file; this one holds the bench, the results and the table.
 */
import { Bench } from 'tinybench';
import { eventUnit, formatCount } from './counter-format.js';
import { formatTable } from '../core/text.js';
import { expectBoolean, expectFunction, expectObject, expectString, readOptions } from '../core/validate.js';
import { type BackendTasks, backendOf, type CounterBackendName, type FloorCounters, type TaskCounters } from './backends/index.js';
import type { CounterOptions, CounterValue, Counters } from './counters.js';
import { FLOOR_TASK } from './backends/perf-event.js';

export type { FloorCounters, TaskCounters } from './backends/index.js';
export { FLOOR_TASK } from './backends/perf-event.js';

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

/** Options of CountedBench: the group's CounterOptions plus the floor switch. */
export interface CountedBenchOptions extends CounterOptions {
  /** Measure an empty task before the bench's tasks and report netPerOp. Default true (perf_event only). */
  subtractFloor?: boolean;
  /**
   * A backend's name (src/measure/backends/index.ts). 'callgrind' (in a process under valgrind
   * --tool=callgrind --instr-atstart=no): run() calls each task a few times inside callgrind's
   * counted block instead of timing it, and perOp holds "instructions (simulated by callgrind)".
   * Default 'perf_event'.
   */
  backend?: CounterBackendName;
}

/** One row of `CountedBench.table()`: tinybench's `bench.table()` row plus a column per event. */
export type CountedTableRow = Record<string, string | number | undefined>;

/**
 * A tinybench Bench whose tasks are counted. Run it with `run()` (which also measures
 * the empty-task floor), then read the results; `table()` and `format()` print them with
 * units. Close it when done (or `using`).
 */
export class CountedBench<const E extends string = string, T extends string = never> implements Disposable {
  readonly bench: Bench;
  /** The perf_event group; null on another backend. */
  readonly group: Counters<E> | null;
  /** How the backend counts this bench's tasks. */
  private readonly counting: BackendTasks;
  /** The empty task's counts, once run() has measured them (null before, with subtractFloor: false, or on a backend without one). */
  floor: FloorCounters | null = null;
  private readonly subtractFloor: boolean;

  constructor(bench: Bench, events: readonly E[], options?: CountedBenchOptions) {
    if (!(bench instanceof Bench)) throw new TypeError(`bench must be a tinybench Bench (new Bench(...)), got ${bench === null ? 'null' : typeof bench}`);
    const { subtractFloor, backend, ...counterOptions } = options === undefined ? {} : readOptions('options', options);
    this.subtractFloor = subtractFloor === undefined ? true : expectBoolean('options.subtractFloor', subtractFloor);
    this.bench = bench;
    this.counting = backendOf({ backend }).tasks(bench, events, counterOptions); // the value read once above (a getter is read once)
    this.group = (this.counting.group as Counters<E> | undefined) ?? null;
  }

  /**
   * bench.add() with its arguments checked; a task added with bench.add() is counted the same
   * on perf_event, but only a name added here is known to the type of run()'s `byTask`.
   */
  add<const N extends string>(name: N, fn: () => unknown, fnOpts: Parameters<Bench['add']>[2] = {}): CountedBench<E, T | N> {
    expectString('name', name);
    expectFunction('fn', fn);
    expectObject('fnOpts', fnOpts);
    this.counting.add(name, fn);
    this.bench.add(name, fn, fnOpts);
    return this as unknown as CountedBench<E, T | N>;
  }

  /**
   * Measures the empty-task floor (perf_event, unless subtractFloor: false), then runs the bench;
   * returns counters per task in the order added.
   */
  async run(): Promise<CountedResults<E, T>> {
    if (this.bench.concurrency !== null) {
      throw new RangeError(`CountedBench needs bench.concurrency null (tasks one after another), got "${this.bench.concurrency}": counters count the whole thread, so overlapping tasks would count each other`);
    }
    const { tasks, floor } = await this.counting.run(this.subtractFloor);
    this.floor = floor;
    return withByTask(tasks as TaskCounters<E>[]);
  }

  /** Counters per task so far, in the order added. */
  counters(): TaskCounters<E>[] {
    return this.counting.counters() as TaskCounters<E>[];
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
    const events = this.counting.events as readonly E[];
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
    this.counting.close();
  }

  [Symbol.dispose](): void {
    this.close();
  }
}
