/**
 * What a counter backend provides (criterion's `trait Measurement` is the model): its name, whether
 * it can count here and why not, and the ways the harness counts with it:
 *  - `sample(fn, options)`: counts around calls of a function (the library's sample()).
 *  - `tasks(bench, events, options)`: counts per tinybench task (CountedBench).
 *  - `command` (optional): counts a whole command, run N times (`prtip-perf stat --counters NAME`).
 * Every backend implements the first two; sample() and CountedBench only look the backend up by
 * name and call it. Adding a backend is one file implementing CounterBackend plus one line in
 * ./index.ts.
 */
import type { Bench } from 'tinybench';
import type { CounterValue, Counters } from '../counters.js';

/** Whether a backend can count in this process and on this machine. */
export interface BackendStatus {
  available: boolean;
  /** Why not (with the package or setting that fixes it); "" when available. */
  reason: string;
}

/** Counters per op for one task, keyed by the bench's event names (E). */
export interface TaskCounters<E extends string = string> {
  task: string;
  runs: number;
  /** Count per op, or null when not counted / unsupported. */
  perOp: Record<E, number | null>;
  /**
   * perOp minus the empty task's perOp (the floor), clamped at 0; null when either is null (not
   * counted, or no floor was measured: `subtractFloor: false`, a backend that measures none, or the
   * bench was run directly rather than through `run()`).
   */
  netPerOp: Record<E, number | null>;
  /** The whole-phase counts, with states and reasons (perf_event; empty on other backends). */
  window: Record<E, CounterValue>;
}

/** The empty task's counts per op, measured by run() just before the bench's tasks. */
export interface FloorCounters {
  /** How many runs of the empty task tinybench made. */
  runs: number;
  /** Per op; null when not counted. */
  perOp: Record<string, number | null>;
}

/** CountedBench's counting on one backend, for one Bench. */
export interface BackendTasks {
  /** The event names the columns are labelled with. */
  readonly events: readonly string[];
  /** The perf_event group, on a backend that counts with one (CountedBench.group). */
  readonly group?: Counters;
  /** A task added through CountedBench.add() (a backend that calls tasks itself needs the function). */
  add(name: string, fn: () => unknown): void;
  /** Counts the bench's tasks (running the bench if the backend times it); the floor where it measures one. */
  run(subtractFloor: boolean): Promise<{ tasks: TaskCounters[]; floor: FloorCounters | null }>;
  /** The counts so far, in the order the tasks were added. */
  counters(): TaskCounters[];
  /** Gives back what it took (counters, the bench's hooks). */
  close(): void;
}

/** One run of a whole command on a backend. */
export interface CommandCount {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  /** Wall time of the run, ms (under a simulator: never a timing of the command). */
  wallMs: number;
  /** Totals per backend event (its own names, e.g. callgrind's Ir); null when the run produced none. */
  totals: Record<string, number> | null;
  /** Why there are no totals (the backend's own log, last lines); "" when there are. */
  failure: string;
}

/** A boolean option of the backend's `stat` form (`--NAME`), e.g. callgrind's --cache-sim. */
export interface BackendSwitch {
  /** The option's name without dashes, kebab-case. */
  name: string;
  /** One line for the help. */
  help: string;
}

/** How a backend counts a whole command (its `stat` form). */
export interface CommandCounting {
  /** What the figures are, said beside every one ("simulated by callgrind"). */
  readonly source: string;
  /** How a command runs and what it counts, for the first line ("under valgrind --tool=callgrind: all threads, user space only"). */
  readonly how: string;
  /** The backend's own options of `stat --counters NAME`. */
  readonly switches: readonly BackendSwitch[];
  /** What `stat --counters NAME --help` says the backend does, in a few lines. */
  readonly description: string;
  /** The label for a backend event (its own name → what we print). */
  label(event: string): string;
  /** Our name for a backend event (for the JSON), e.g. Ir → "instructions". */
  eventName(event: string): string;
  /** Counts one run of `command`. */
  countOnce(command: readonly string[], options: { timeoutMs: number; showOutput: boolean; switches: Readonly<Record<string, boolean>> }): Promise<CommandCount>;
}

export interface CounterBackend<N extends string = string> {
  /** The value of `backend:` (sample, CountedBench) and of `--counters` (stat, bench). */
  readonly name: N;
  /** One line for help and error messages: what it counts and how. */
  readonly summary: string;
  /** Whether it can count here, and why not. */
  status(): BackendStatus;
  /** sample(fn, options) on this backend; it checks `fn` and `options` itself. */
  sample(fn: () => unknown, options: unknown): unknown;
  /** CountedBench's counting of `bench`'s tasks on this backend; it checks `events` and `options` itself. */
  tasks(bench: Bench, events: readonly string[], options: Record<string, unknown>): BackendTasks;
  /** `prtip-perf stat --counters NAME -- CMD…`: absent for the default backend (stat's runner is its form). */
  readonly command?: CommandCounting;
}
