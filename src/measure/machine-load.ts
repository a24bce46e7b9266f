/**
 * How much CPU other work took while a run measured. The forks of one invocation share the
 * machine's state (a neighbour, a test suite, a busy loop on the other core), so a comparison
 * across invocations cannot see it in its samples; it is measured here instead, as the CPU
 * time /proc/stat counts on all CPUs (steal included: the hypervisor's neighbours) minus this
 * process tree's own (itself and its reaped children, from /proc/self/stat).
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import type { MachineLoad } from '../model/result.js';

/** USER_HZ: /proc/stat and /proc/<pid>/stat count in 1/100 s on every Linux architecture. */
const TICKS_PER_SECOND = 100;

/** The shortest suite that gets a figure of its own (see endSuite). */
const MIN_SUITE_WINDOW_MS = 1000;

/** Busy ticks (user, nice, system, irq, softirq, steal; guest is inside user) and the CPU count. */
export function parseProcStat(text: string): { busyTicks: number; cpus: number } {
  const lines = text.split('\n');
  const total = lines.find((l) => /^cpu\s/.test(l));
  if (total === undefined) throw new RangeError('/proc/stat: no "cpu" line');
  const f = total.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = f;
  return { busyTicks: user + nice + system + irq + softirq + steal, cpus: Math.max(1, lines.filter((l) => /^cpu\d+\s/.test(l)).length) };
}

/** utime + stime + cutime + cstime of a /proc/<pid>/stat line: a process and its reaped children. */
export function parseOwnTicks(text: string): number {
  // The command name (field 2) may hold spaces and parentheses: fields are counted after the last ')'.
  const f = text.slice(text.lastIndexOf(')') + 2).trim().split(/\s+/).map(Number);
  return (f[11] ?? 0) + (f[12] ?? 0) + (f[13] ?? 0) + (f[14] ?? 0);
}

interface Reading { atMs: number; busyTicks: number; ownTicks: number; cpus: number }

function read(): Reading | null {
  try {
    const stat = parseProcStat(readFileSync('/proc/stat', 'utf8'));
    return { atMs: performance.now(), busyTicks: stat.busyTicks, ownTicks: parseOwnTicks(readFileSync('/proc/self/stat', 'utf8')), cpus: stat.cpus };
  } catch {
    return null; // no /proc: the run says nothing of the machine's load
  }
}

/** Other work's and our own CPU between two readings, in cores. */
export function coresBetween(a: Reading, b: Reading): { otherCores: number; ownCores: number } {
  const seconds = Math.max((b.atMs - a.atMs) / 1000, 1e-3);
  const own = Math.max(0, b.ownTicks - a.ownTicks) / TICKS_PER_SECOND / seconds;
  const busy = Math.max(0, b.busyTicks - a.busyTicks) / TICKS_PER_SECOND / seconds;
  const round = (x: number): number => Math.round(Math.min(Math.max(x, 0), a.cpus) * 1000) / 1000;
  return { otherCores: round(busy - own), ownCores: round(own) };
}

/** Started when a run starts; `suite()` around each suite; `finish()` gives the run's MachineLoad. */
export class MachineLoadMeter {
  readonly #start = read();
  readonly #loadStart = loadavg()[0] ?? 0;
  readonly #suites: Record<string, number> = {};
  #suiteStart: Reading | null = null;

  beginSuite(): void {
    this.#suiteStart = read();
  }

  endSuite(name: string): void {
    const end = read();
    // /proc/stat counts in 10 ms ticks: over a window shorter than a second (a skipped suite)
    // one tick either way is a tenth of a core or more, so such a suite keeps the run's figure.
    if (this.#suiteStart !== null && end !== null && end.atMs - this.#suiteStart.atMs >= MIN_SUITE_WINDOW_MS) {
      this.#suites[name] = coresBetween(this.#suiteStart, end).otherCores;
    }
    this.#suiteStart = null;
  }

  /** The run's load; undefined where /proc cannot be read. */
  finish(): MachineLoad | undefined {
    const end = read();
    if (this.#start === null || end === null) return undefined;
    const round = (x: number): number => Math.round(x * 100) / 100;
    return { cpus: end.cpus, ...coresBetween(this.#start, end), loadavgStart: round(this.#loadStart), loadavgEnd: round(loadavg()[0] ?? 0), suites: { ...this.#suites } };
  }
}
