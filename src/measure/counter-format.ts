/**
 * Printing counter results with their units: a SampleResult as a text table
 * (formatSample), and the unit of each event (eventUnit). Counts are plain numbers in
 * the results; the unit of an event is fixed by perf's definition of it, so it is
 * derived here from the name rather than stored in every result.
 */
import type { SampleResult } from './sample.js';
import type { Table } from '../model/result.js';
import { formatTable } from '../core/text.js';

/** Events perf reports as durations: their counts are nanoseconds. */
const NANOSECOND_EVENTS = new Set(['task-clock', 'cpu-clock', 'duration_time', 'user_time', 'system_time']);

/**
 * The unit of one event's count: "ns" for the clock events (task-clock, cpu-clock, …),
 * else what is counted ("syscalls" for syscall tracepoints, "faults", "switches",
 * "migrations", or "events" for anything else: cycles, instructions, cache misses).
 */
export function eventUnit(event: string): string {
  if (NANOSECOND_EVENTS.has(event)) return 'ns';
  if (/^(raw_)?syscalls:sys_enter/.test(event)) return 'syscalls';
  if (/faults$/.test(event)) return 'faults';
  if (event === 'context-switches' || event === 'cs') return 'switches';
  if (event === 'cpu-migrations' || event === 'migrations') return 'migrations';
  if (event === 'cycles' || event === 'ref-cycles' || event === 'bus-cycles' || event.startsWith('stalled-cycles')) return 'cycles';
  if (event === 'instructions') return 'instructions';
  return 'events';
}

/** The counted units eventUnit() gives, by their singular ("1 fault", not "1 faults"). */
const SINGULAR: Readonly<Record<string, string>> = {
  syscalls: 'syscall', faults: 'fault', switches: 'switch', migrations: 'migration', cycles: 'cycle', instructions: 'instruction', events: 'event',
};

/** A count for display: integers grouped, fractions to 3 significant digits, with the unit (singular for exactly 1). */
export function formatCount(value: number | null, unit: string): string {
  if (value === null) return '—';
  if (!Number.isFinite(value)) return `${value} ${unit}`;
  const text = Number.isInteger(value)
    ? value.toLocaleString('en-US')
    : Math.abs(value) >= 1000 ? Math.round(value).toLocaleString('en-US') : Number(value.toPrecision(3)).toString();
  return `${text} ${text === '1' ? (SINGULAR[unit] ?? unit) : unit}`;
}

/** A SampleResult as a Table: one row per event (median and total per call, state), then wall time. */
export function sampleTable(r: SampleResult, title = `sample(): ${r.iterations} call${r.iterations === 1 ? '' : 's'}${r.async ? ', async' : ''}`): Table {
  const rows: Table['rows'] = [];
  for (const c of Object.values(r.counters)) {
    const unit = eventUnit(c.name);
    rows.push([c.name, formatCount(c.median, unit), formatCount(c.total, unit), c.state === 'counted' ? 'counted' : `${c.state}: ${c.reason || c.code}`]);
  }
  rows.push(['wall time', formatCount(r.wallNs.median, 'ns'), formatCount(r.wallNs.total, 'ns'), `min ${formatCount(r.wallNs.min, 'ns')}, max ${formatCount(r.wallNs.max, 'ns')}`]);
  const notes = [
    r.overheadSubtracted
      ? `the empty bracket's own cost (median of ${r.overhead.brackets}) is subtracted from every call`
      : 'the empty bracket\'s own cost is included (subtractOverhead: false)',
  ];
  if (r.excludeKernel) notes.push('user-mode work only: kernel counting is not allowed here (perf_event_paranoid)');
  return { title, columns: ['event', 'median per call', 'total', 'state'], rows, notes };
}

/** A SampleResult as aligned plain text with units, for a terminal or a test's log. */
export function formatSample(r: SampleResult): string {
  return formatTable(sampleTable(r));
}
