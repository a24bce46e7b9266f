/**
 * `strace -c` as ProRT-IP's documents used it: run a command under `strace -f -c -o FILE`
 * (inside the caller's isolation, e.g. a fresh network namespace) and parse the summary
 * table strace writes at exit.
 *
 * What "% time" means (strace 6.x, src/count.c): by default each syscall is charged the
 * system CPU time that wait4's rusage reports between its entry and exit stops. On Linux
 * that rusage is the whole process's (RUSAGE_BOTH over the thread group), so a thread
 * blocked in futex is charged the kernel time its sibling threads spend meanwhile: long
 * waits dominate. With -w it is the wall time from entry to exit instead. Either way it
 * is a share of time spent inside syscalls as strace sees it, not of run time or CPU, and
 * ptrace stops slow the program down.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchmarkCommand, type RunEnvironment, tracedEnvironment } from './benchmark.js';
import { describe } from '../../core/validate.js';

/** One row of the summary (or its total line, whose syscall is "total"). */
export interface StraceRow {
  syscall: string;
  /** strace's "% time" column, as printed. */
  percentTime: number;
  seconds: number;
  usecsPerCall: number;
  calls: number;
  errors: number;
}

/** A parsed `strace -c` summary. */
export interface StraceSummary {
  /** Rows in strace's order (by time, largest first, unless -S said otherwise). */
  rows: StraceRow[];
  total: StraceRow;
  /**
   * How many tables were merged (strace prints one per personality, e.g. 64- and
   * 32-bit). With more than one, rows are summed by name and "% time" is recomputed
   * from seconds.
   */
  tables: number;
}

const COLUMNS: Record<string, keyof StraceRow> = {
  '% time': 'percentTime',
  seconds: 'seconds',
  'usecs/call': 'usecsPerCall',
  calls: 'calls',
  errors: 'errors',
  syscall: 'syscall',
};
const REQUIRED: (keyof StraceRow)[] = ['percentTime', 'seconds', 'usecsPerCall', 'calls', 'syscall'];

const isDivider = (line: string): boolean => /^-+( +-+)*\s*$/.test(line) && line.includes('-');

/** Column extents from the dashed divider under the header: [start, end) per column. */
function columnExtents(divider: string): [number, number][] {
  const out: [number, number][] = [];
  for (const m of divider.matchAll(/-+/g)) out.push([m.index!, m.index! + m[0].length]);
  return out;
}

function parseTable(lines: string[], headerAt: number): { rows: StraceRow[]; total: StraceRow; end: number } {
  const header = lines[headerAt]!, divider = lines[headerAt + 1] ?? '';
  if (!isDivider(divider)) throw new RangeError(`strace summary: line ${headerAt + 2} should be the dashed divider under the header, got ${describe(divider)}`);
  const extents = columnExtents(divider);
  // Headers are right-aligned over numeric columns and left-aligned over the last (syscall).
  const fields = extents.map(([s, e], i) => {
    const name = (i === extents.length - 1 ? header.slice(s) : header.slice(s, e)).trim();
    return COLUMNS[name] ?? null;
  });
  for (const f of REQUIRED) {
    if (!fields.includes(f)) throw new RangeError(`strace summary: header ${describe(header)} lacks the ${Object.keys(COLUMNS).find((k) => COLUMNS[k] === f)} column`);
  }
  const rows: StraceRow[] = [];
  let dividers = 1;
  for (let i = headerAt + 2; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    if (isDivider(line)) {
      dividers++;
      continue;
    }
    const row: StraceRow = { syscall: '', percentTime: 0, seconds: 0, usecsPerCall: 0, calls: 0, errors: 0 };
    extents.forEach(([s, e], c) => {
      const field = fields[c];
      if (!field) return;
      const cell = (c === extents.length - 1 ? line.slice(s) : line.slice(s, e)).trim();
      if (field === 'syscall') {
        if (!/^[A-Za-z_][\w:?]*$/.test(cell)) throw new RangeError(`strace summary: line ${i + 1} has no syscall name: ${describe(line)}`);
        row.syscall = cell;
        return;
      }
      // strace leaves "errors" blank when there were none.
      if (cell === '' && field === 'errors') return;
      if (!/^\d+(\.\d+)?$/.test(cell)) throw new RangeError(`strace summary: line ${i + 1}, column ${Object.keys(COLUMNS).find((k) => COLUMNS[k] === field)}: expected a number, got ${describe(cell)} in ${describe(line)}`);
      row[field] = Number(cell);
    });
    if (dividers === 2) {
      if (row.syscall !== 'total') throw new RangeError(`strace summary: expected the total line after the second divider, got ${describe(line)}`);
      return { rows, total: row, end: i + 1 };
    }
    rows.push(row);
  }
  throw new RangeError('strace summary: no total line (was the output cut short?)');
}

function checkTotals(rows: StraceRow[], total: StraceRow): void {
  const calls = rows.reduce((a, r) => a + r.calls, 0), errors = rows.reduce((a, r) => a + r.errors, 0);
  if (calls !== total.calls || errors !== total.errors) {
    throw new RangeError(`strace summary: rows add up to ${calls} calls / ${errors} errors but the total line says ${total.calls} / ${total.errors}`);
  }
}

/**
 * Parses the summary `strace -c` prints (its -o file, or stderr). Lines before the
 * header (strace's own messages) are skipped. Throws TypeError for a non-string and
 * RangeError, naming the line, when there is no table or it is malformed or truncated.
 */
export function parseStraceSummary(text: unknown): StraceSummary {
  if (typeof text !== 'string') throw new TypeError(`text must be the output of strace -c (a string), got ${describe(text)}`);
  const lines = text.split(/\r?\n/);
  const tables: { rows: StraceRow[]; total: StraceRow }[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^\s*% time\s/.test(lines[i]!)) continue;
    const t = parseTable(lines, i);
    checkTotals(t.rows, t.total);
    tables.push(t);
    i = t.end - 1;
  }
  if (tables.length === 0) throw new RangeError(`text has no strace -c summary table (no "% time" header) in ${describe(text.slice(0, 80))}`);
  if (tables.length === 1) return { ...tables[0]!, tables: 1 };
  return mergeTables(tables);
}

function mergeTables(tables: { rows: StraceRow[]; total: StraceRow }[]): StraceSummary {
  const byName = new Map<string, StraceRow>();
  for (const t of tables) {
    for (const r of t.rows) {
      const m = byName.get(r.syscall) ?? { syscall: r.syscall, percentTime: 0, seconds: 0, usecsPerCall: 0, calls: 0, errors: 0 };
      m.seconds += r.seconds;
      m.calls += r.calls;
      m.errors += r.errors;
      byName.set(r.syscall, m);
    }
  }
  const rows = [...byName.values()];
  const seconds = rows.reduce((a, r) => a + r.seconds, 0);
  for (const r of rows) {
    r.percentTime = seconds > 0 ? (100 * r.seconds) / seconds : 0;
    r.usecsPerCall = r.calls > 0 ? Math.floor((1e6 * r.seconds) / r.calls) : 0;
  }
  rows.sort((a, b) => b.seconds - a.seconds);
  const calls = rows.reduce((a, r) => a + r.calls, 0);
  const total: StraceRow = { syscall: 'total', percentTime: 100, seconds, usecsPerCall: calls > 0 ? Math.floor((1e6 * seconds) / calls) : 0, calls, errors: rows.reduce((a, r) => a + r.errors, 0) };
  return { rows, total, tables: tables.length };
}

/**
 * A syscall's share of syscall time (0..1) as strace's "% time" column prints it, or
 * null when strace measured no time at all. A syscall absent from the table has share 0.
 */
export function timeShare(summary: StraceSummary, syscall: string): number | null {
  if (summary.total.seconds === 0) return null;
  return (summary.rows.find((r) => r.syscall === syscall)?.percentTime ?? 0) / 100;
}

/** A syscall's share of all calls (0..1), or null when there were none. */
export function callShare(summary: StraceSummary, syscall: string): number | null {
  if (summary.total.calls === 0) return null;
  return (summary.rows.find((r) => r.syscall === syscall)?.calls ?? 0) / summary.total.calls;
}

/** The n rows with the most time (ties keep strace's order). */
export function topByTime(summary: StraceSummary, n: number): StraceRow[] {
  return [...summary.rows].sort((a, b) => b.seconds - a.seconds).slice(0, Math.max(0, n));
}

/** How one run under strace went. */
export interface StraceRun {
  /** system-time: plain `strace -c` (the documents' method); wall-clock: with -w. */
  mode: 'system-time' | 'wall-clock';
  /** all: -f (every thread and child); main: the main thread only (no -f, as the documents). */
  threads: 'all' | 'main';
  summary: StraceSummary;
  /** Wall time of strace and the traced program together, ns. */
  wallNs: number;
  exitCode: number | null;
}

/** Options of runUnderStrace. */
export interface StraceRunOptions {
  /** The strace binary. */
  strace: string;
  /** The isolation to run in (its command is what gets traced), fresh per call. */
  environment: () => Promise<RunEnvironment>;
  /** Add -w: time from syscall entry to exit instead of system CPU time (the default, as the documents ran it). */
  wallClock?: boolean;
  /**
   * Follow threads and children (-f, the default) or trace the main thread only, as the
   * documents ran it (002: `strace -c -o FILE prtip ...`, no -f): tokio's workers go unseen.
   */
  followThreads?: boolean;
  timeoutMs: number;
  signal?: AbortSignal;
}

/**
 * Runs the environment's command once as `strace [-f] -c [-w] -o FILE command...`, in that
 * environment (its network namespace, if any), and parses the summary. No counters are
 * attached: the run is a cross-check on time inside syscalls, not a timing.
 */
export async function runUnderStrace(options: StraceRunOptions): Promise<StraceRun> {
  const dir = mkdtempSync(join(tmpdir(), 'prtip-perf-strace-'));
  const out = join(dir, 'summary.txt');
  const follow = options.followThreads !== false;
  const prefix = [options.strace, ...(follow ? ['-f'] : []), '-c', ...(options.wallClock ? ['-w'] : []), '-o', out];
  try {
    let name = '';
    const environment = tracedEnvironment(options.environment, prefix, 'strace -c', 'runUnderStrace', (n) => (name = n));
    const result = await benchmarkCommand({ argv: [options.strace] }, {
      warmup: 0, minRuns: 1, maxRuns: 1, minTimeMs: 0, events: [], rssIntervalMs: 0,
      timeoutMs: options.timeoutMs, environment, ...(options.signal ? { signal: options.signal } : {}),
    });
    const run = result.runs[0]!;
    let text: string;
    try {
      text = readFileSync(out, 'utf8');
    } catch {
      throw new Error(`strace wrote no summary for ${name} (exit ${run.exitCode}${run.timedOut ? ', timed out' : ''})`);
    }
    return { mode: options.wallClock ? 'wall-clock' : 'system-time', threads: follow ? 'all' : 'main', summary: parseStraceSummary(text), wallNs: run.wallNs, exitCode: run.exitCode };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
