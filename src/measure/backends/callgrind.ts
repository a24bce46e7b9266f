/**
 * The callgrind backend: instructions (and, with cache simulation, I1/D1/LL misses) simulated by
 * valgrind --tool=callgrind, read through valgrind's client requests (src/measure/callgrind.ts).
 * No PMU needed; counts repeat run to run.
 *  - sample(): a process running under callgrind counts its own calls (sampleCallgrind).
 *  - CountedBench: each task a few times in one counted block (CallgrindTasks). That needs the
 *    task's function, which tinybench keeps private, so only tasks added with `cb.add()` count.
 *  - `stat --counters callgrind -- CMD`: a whole binary's count, run N times. Meant for a
 *    scanner's own CI: the count repeats within a small fraction of a percent on a busy shared
 *    runner, where times do not.
 */
import type { Bench } from 'tinybench';
import { CALLGRIND_EVENTS, CALLGRIND_SOURCE, CallgrindTasks, callgrindLabel, callgrindStatus, runCallgrind, sampleCallgrind } from '../callgrind.js';
import type { BackendTasks, CommandCount, CommandCounting, CounterBackend, FloorCounters, TaskCounters } from './types.js';

const command: CommandCounting = {
  source: CALLGRIND_SOURCE,
  how: 'under valgrind --tool=callgrind: all threads, user space only',
  switches: [
    { name: 'cache-sim', help: "also callgrind's simulated I1/D1/LL misses" },
    { name: 'trace-children', help: "follow exec'd children (valgrind --trace-children=yes)" },
  ],
  description: `Runs the command under valgrind --tool=callgrind (instrumented from its first instruction,
every thread) and reports the instructions it executed: ${CALLGRIND_SOURCE}, not a PMU count.
Counts repeat for the same binary and inputs whatever else the machine does.`,
  label: callgrindLabel,
  eventName: (event) => CALLGRIND_EVENTS[event] ?? event,
  countOnce: async (argv, options): Promise<CommandCount> => {
    const run = await runCallgrind(argv, {
      cacheSim: options.switches['cache-sim'] === true, traceChildren: options.switches['trace-children'] === true,
      timeoutMs: options.timeoutMs, inherit: options.showOutput,
    });
    const log = `${run.valgrindLog}\n${run.stderr}`.trim().split('\n').filter((l) => l.trim() !== '').slice(-3).join(' | ');
    return {
      exitCode: run.exitCode, signal: run.signal, timedOut: run.timedOut, wallMs: run.wallMs,
      totals: run.final?.totals ?? null,
      failure: run.final === null ? `callgrind wrote no dump: ${log || `exit ${run.exitCode ?? run.signal}`}` : '',
    };
  },
};

export const callgrindBackend = {
  name: 'callgrind',
  summary: `instructions ${CALLGRIND_SOURCE} (valgrind --tool=callgrind; no PMU needed, deterministic)`,
  status: () => {
    const s = callgrindStatus();
    return { available: s.inProcess || s.canRunCommands, reason: s.reason };
  },
  sample: (fn, options) => sampleCallgrind(fn, options),
  tasks: (bench, events): BackendTasks => new CallgrindBenchTasks(bench, events),
  command,
} as const satisfies CounterBackend<'callgrind'>;

/** CountedBench on callgrind: no timing runs (under valgrind times mean nothing). */
class CallgrindBenchTasks implements BackendTasks {
  private readonly counted: CallgrindTasks;
  private results: TaskCounters[] = [];

  constructor(private readonly bench: Bench, events: readonly string[]) {
    this.counted = new CallgrindTasks(events);
  }

  /** The columns: "instructions (simulated by callgrind)" and so on, once counted. */
  get events(): readonly string[] {
    return Object.keys(this.results[0]?.perOp ?? {});
  }

  add(name: string, fn: () => unknown): void {
    this.counted.add(name, fn);
  }

  async run(): Promise<{ tasks: TaskCounters[]; floor: FloorCounters | null }> {
    const added = new Set(this.counted.names());
    const other = this.bench.tasks.find((t) => !added.has(t.name));
    if (other) throw new TypeError(`task "${other.name}" was added with bench.add(); on the callgrind backend add tasks with cb.add(name, fn), since tinybench does not expose a task's function to count it`);
    this.results = (await this.counted.run()).map((c) => ({ ...c, netPerOp: Object.fromEntries(Object.keys(c.perOp).map((k) => [k, null])) }));
    return { tasks: this.counters(), floor: null };
  }

  counters(): TaskCounters[] {
    return [...this.results];
  }

  close(): void {}
}
