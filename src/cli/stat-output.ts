/**
 * `prtip-perf stat`'s text: hyperfine's timing lines, then perf stat's counter block (perf's
 * units, derived metrics and `( +- x% )`), or perf stat -x's CSV lines.
 *
 * As in perf, a counter's value is its mean over the runs and `( +- x% )` is the standard
 * error of that mean relative to it (stddev / √n / mean); task-clock and cpu-clock are shown
 * in msec with "CPUs utilized" (task-clock / elapsed), and other counts get a rate per second
 * of task-clock when task-clock is counted.
 */
import { type CommandResult, sampledRuns } from '../measure/runner/benchmark.js';
import type { Summary } from '../core/stats.js';

/** hyperfine's --time-unit choices (1.15). */
export const TIME_UNITS = ['millisecond', 'second'] as const;
/** A unit for times shown to people; unset means hyperfine's automatic choice. */
export type TimeUnit = (typeof TIME_UNITS)[number];

/** hyperfine's automatic unit: seconds from a mean of 1 s up, else milliseconds. */
export function chooseUnit(meanNs: number, unit?: TimeUnit): TimeUnit {
  return unit ?? (meanNs >= 1e9 ? 'second' : 'millisecond');
}

/** A time in the given unit with hyperfine's precision: "12.3 ms", "1.234 s". */
export function formatTime(ns: number, unit: TimeUnit): string {
  return unit === 'second' ? `${(ns / 1e9).toFixed(3)} s` : `${(ns / 1e6).toFixed(1)} ms`;
}

/** The event without perf's `:u`/`:k` modifier (only used to tell the clocks, shown in msec). */
function baseEvent(name: string): string {
  return name.replace(/:[uk]+$/, '');
}

const CLOCKS = new Set(['task-clock', 'cpu-clock']);

function isClock(name: string): boolean {
  return CLOCKS.has(baseEvent(name));
}

/** Standard error of the mean, as a percentage of the mean (perf's `( +- x% )`); 0 for one run. */
export function relativeStandardError(s: Summary): number {
  if (s.n < 2 || s.mean === 0) return 0;
  return (100 * s.stddev) / Math.sqrt(s.n) / Math.abs(s.mean);
}

/** perf's rate units: a count per second of task-clock. */
function rate(perSecond: number): { value: number; unit: string } {
  if (perSecond >= 1e9) return { value: perSecond / 1e9, unit: 'G/sec' };
  if (perSecond >= 1e6) return { value: perSecond / 1e6, unit: 'M/sec' };
  if (perSecond >= 1e3) return { value: perSecond / 1e3, unit: 'K/sec' };
  return { value: perSecond, unit: '/sec' };
}

/** One counter as perf stat shows it. */
export interface PerfCounterLine {
  event: string;
  /** "counted", or why there is no value: perf's `<not supported>` / `<not counted>`. */
  state: 'counted' | 'not supported' | 'not counted';
  /** Mean over the runs (msec for clocks, a count otherwise); null without a value. */
  value: number | null;
  /** "msec" for clocks, "" for counts. */
  unit: string;
  /** perf's `( +- x% )`. */
  noisePct: number;
  /** Mean time the counter ran, ns, and the share of its enabled time. */
  runningNs: number;
  runningPct: number;
  /** The derived metric: CPUs utilized, or a rate per second of task-clock. */
  metric: { value: number; unit: string } | null;
  /** Why it is not supported ("" otherwise). */
  reason: string;
}

/** Every counter of a command, in the order asked for, with perf's derived metrics. */
export function perfCounterLines(r: CommandResult): PerfCounterLine[] {
  const runs = sampledRuns(r.runs);
  const elapsedNs = r.summary.wall.mean;
  const clock = Object.keys(r.summary.counters).find((e) => baseEvent(e) === 'task-clock');
  const clockNs = clock ? r.summary.counters[clock]?.mean : undefined;
  return Object.entries(r.summary.counters).map(([event, s]) => {
    const perRun = runs.map((run) => run.counters[event]).filter((c) => c !== undefined);
    const running = perRun.map((c) => c.runningNs);
    const enabled = perRun.map((c) => c.enabledNs);
    const runningNs = running.length ? running.reduce((a, b) => a + b, 0) / running.length : 0;
    const enabledNs = enabled.length ? enabled.reduce((a, b) => a + b, 0) / enabled.length : 0;
    const first = perRun[0];
    if (s === null) {
      const unsupported = first?.state !== 'not-counted';
      return { event, state: unsupported ? 'not supported' : 'not counted', value: null, unit: '', noisePct: 0, runningNs: 0, runningPct: unsupported ? 100 : 0, metric: null, reason: first?.reason ?? '' };
    }
    const clockEvent = isClock(event);
    const metric = clockEvent
      ? elapsedNs > 0 ? { value: s.mean / elapsedNs, unit: 'CPUs utilized' } : null
      : clockNs !== undefined && clockNs > 0 ? rate(s.mean / (clockNs / 1e9)) : null;
    return {
      event,
      state: 'counted',
      value: clockEvent ? s.mean / 1e6 : s.mean,
      unit: clockEvent ? 'msec' : '',
      noisePct: relativeStandardError(s),
      runningNs,
      runningPct: enabledNs > 0 ? (100 * runningNs) / enabledNs : 100,
      metric,
      reason: '',
    };
  });
}

function counterValueText(line: PerfCounterLine): string {
  if (line.value === null) return `<${line.state}>`;
  return line.unit === 'msec' ? line.value.toFixed(2) : Math.round(line.value).toString();
}

/** perf stat's block: the counters, then "seconds time elapsed" with its `( +- x% )`. */
export function perfBlock(r: CommandResult, displayName: string): string {
  const runs = sampledRuns(r.runs).length;
  const quoted = displayName.includes("'") ? `"${displayName}"` : `'${displayName}'`;
  const out = [``, ` Performance counter stats for ${quoted}${runs > 1 ? ` (${runs} runs)` : ''}:`, ``];
  for (const line of perfCounterLines(r)) {
    let text = `${counterValueText(line).padStart(18)} ${line.unit.padEnd(4)} ${line.event.padEnd(32)}`;
    if (line.metric) text += ` # ${line.metric.value.toFixed(3).padStart(8)} ${line.metric.unit.padEnd(25)}`;
    else if (line.value !== null && line.noisePct > 0) text += ' '.repeat(37);
    if (line.value !== null && line.noisePct > 0) text += `( +-${line.noisePct.toFixed(2).padStart(6)}% )`;
    if (line.reason) text += `  (${line.reason})`;
    out.push(text.trimEnd());
  }
  const wall = r.summary.wall;
  out.push('');
  if (runs > 1) {
    out.push(`${(wall.mean / 1e9).toFixed(6).padStart(18)} +- ${(wall.stddev / Math.sqrt(wall.n) / 1e9).toFixed(6)} seconds time elapsed  ( +-${relativeStandardError(wall).toFixed(2).padStart(6)}% )`);
  } else {
    out.push(`${(wall.mean / 1e9).toFixed(9).padStart(18)} seconds time elapsed`);
    out.push('');
    out.push(`${(r.summary.user.mean / 1e9).toFixed(9).padStart(18)} seconds user`);
    out.push(`${(r.summary.sys.mean / 1e9).toFixed(9).padStart(18)} seconds sys`);
  }
  return out.join('\n');
}

/**
 * perf stat -x SEP: per counter value, unit, event, (with several runs) the `+-` percentage,
 * running time in ns, percentage running, metric value, metric unit.
 */
export function perfCsv(r: CommandResult, sep: string): string {
  const several = sampledRuns(r.runs).length > 1;
  return perfCounterLines(r)
    .map((line) => {
      const fields = [counterValueText(line), line.unit, line.event];
      if (several) fields.push(`${line.noisePct.toFixed(2)}%`);
      fields.push(Math.round(line.runningNs).toString(), line.runningPct.toFixed(2), line.metric ? line.metric.value.toFixed(3) : '', line.metric?.unit ?? '');
      return fields.join(sep);
    })
    .join('\n');
}

/** hyperfine's lines for one command: "Benchmark N: name", mean ± σ with user and system, range. */
export function hyperfineBlock(index: number, r: CommandResult, displayName: string, unit?: TimeUnit): string {
  const s = r.summary;
  const u = chooseUnit(s.wall.mean, unit);
  const t = (ns: number): string => formatTime(ns, u).padStart(10);
  const n = sampledRuns(r.runs).length;
  const cpu = `[User: ${formatTime(s.user.mean, u)}, System: ${formatTime(s.sys.mean, u)}]`;
  const rss = `Max RSS (median): ${(s.maxRss.median / 2 ** 20).toFixed(2)} MiB`;
  // One run has no spread: hyperfine then prints "Time (abs ≡)" and no range.
  const lines = n === 1
    ? [`Benchmark ${index}: ${displayName}`, `  Time (abs ≡):      ${t(s.wall.mean)}               ${cpu}`, `  ${rss}`]
    : [
        `Benchmark ${index}: ${displayName}`,
        `  Time (mean ± σ):   ${t(s.wall.mean)} ± ${t(s.wall.stddev)}    ${cpu}`,
        `  Range (min … max): ${t(s.wall.min)} … ${t(s.wall.max)}    ${n} runs`,
        `  Median:            ${t(s.wall.median)}    ${rss}`,
      ];
  const timedOut = r.runs.length - n;
  if (timedOut > 0) lines.push(`  ${timedOut} more run${timedOut === 1 ? '' : 's'} hit the timeout and ${timedOut === 1 ? 'is' : 'are'} not counted as samples`);
  return lines.join('\n');
}
