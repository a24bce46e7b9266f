/**
 * ProRT-IP's documents' memory method: run a command once under `valgrind --tool=massif`
 * (heap peaks) or `--tool=memcheck --leak-check=full` (leaks), inside the caller's
 * isolation (a fresh network namespace), bounded by a time limit, and parse what valgrind
 * writes: massif's out file and memcheck's HEAP / LEAK SUMMARY.
 *
 * What massif's figures are (valgrind 3.x, ms_main.c): mem_heap_B is the bytes the program
 * asked malloc/new/realloc for and has not freed ("useful heap"), mem_heap_extra_B is
 * massif's estimate of the allocator's own overhead (headers and rounding to 8/16 bytes),
 * mem_stacks_B the stack bytes in use, counted only with --stacks=yes. ms_print's graph,
 * from which the documents read their "Peak Memory", is the largest heap + extra-heap
 * (+ stacks) of any snapshot, printed in units of 1024² bytes ("MB" = MiB).
 * Allocations are counted when made, touched or not, so massif's peak can exceed the
 * resident memory (RssAnon) of the same run without massif.
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchmarkCommand, type RunEnvironment, tracedEnvironment } from './benchmark.js';
import { findExecutable } from './spawn.js';
import { describe, expectInteger } from '../../core/validate.js';

/** One massif snapshot. */
export interface MassifSnapshot {
  index: number;
  /** In the file's time unit (see MassifProfile.timeUnit). */
  time: number;
  heapBytes: number;
  extraHeapBytes: number;
  stacksBytes: number;
  /** "peak" marks the snapshot massif took at the largest total it saw. */
  tree: 'empty' | 'detailed' | 'peak';
}

/** A parsed massif out file. */
export interface MassifProfile {
  /** The `cmd:` line: the profiled command. */
  command: string;
  /** massif's options as it recorded them (the `desc:` line). */
  description: string;
  /** i (instructions), ms or B. */
  timeUnit: string;
  snapshots: MassifSnapshot[];
  /**
   * The snapshot with the largest heap + extra-heap (+ stacks when counted), the figure
   * ms_print's graph peaks at; massif's own "peak" snapshot when it is that large.
   */
  peak: MassifSnapshot;
  /** The largest stack figure of any snapshot; null when massif ran without --stacks=yes. */
  stacksPeakBytes: number | null;
}

/** Bytes and blocks, as memcheck's summaries state them. */
export interface BytesInBlocks {
  bytes: number;
  blocks: number;
}

/** memcheck's end-of-run figures for the main process. */
export interface MemcheckSummary {
  /** HEAP SUMMARY: in use at exit. */
  inUseAtExit: BytesInBlocks;
  allocs: number;
  frees: number;
  bytesAllocated: number;
  /** LEAK SUMMARY; all zero when memcheck said "All heap blocks were freed -- no leaks are possible". */
  definitelyLost: BytesInBlocks;
  indirectlyLost: BytesInBlocks;
  possiblyLost: BytesInBlocks;
  stillReachable: BytesInBlocks;
  suppressed: BytesInBlocks;
  /** ERROR SUMMARY: errors found (invalid reads, uninitialised values, leaks reported as errors...). */
  errors: number;
}

const SNAPSHOT_FIELDS = ['time', 'mem_heap_B', 'mem_heap_extra_B', 'mem_stacks_B', 'heap_tree'] as const;

const total = (s: MassifSnapshot, withStacks: boolean): number => s.heapBytes + s.extraHeapBytes + (withStacks ? s.stacksBytes : 0);

/**
 * Parses a massif out file (massif.out.PID or --massif-out-file). Throws TypeError for a
 * non-string and RangeError, naming the line, when it is not massif's format or is cut
 * short (a snapshot without its fields, a number that is not one, no snapshot at all).
 */
export function parseMassifOut(text: unknown): MassifProfile {
  if (typeof text !== 'string') throw new TypeError(`text must be the contents of a massif out file (a string), got ${describe(text)}`);
  const lines = text.split(/\r?\n/);
  const header: Record<string, string> = {};
  const snapshots: MassifSnapshot[] = [];
  let current: Partial<Record<(typeof SNAPSHOT_FIELDS)[number], string>> & { index?: number; line?: number } | null = null;
  const finish = (): void => {
    if (!current) return;
    const missing = SNAPSHOT_FIELDS.filter((f) => current![f] === undefined);
    if (missing.length > 0) throw new RangeError(`massif out: snapshot ${current.index} (line ${current.line}) lacks ${missing.join(', ')} (was the file cut short?)`);
    const tree = current.heap_tree!;
    if (tree !== 'empty' && tree !== 'detailed' && tree !== 'peak') throw new RangeError(`massif out: snapshot ${current.index} has heap_tree=${tree}; expected empty, detailed or peak`);
    snapshots.push({
      index: current.index!, time: Number(current.time), heapBytes: Number(current.mem_heap_B), extraHeapBytes: Number(current.mem_heap_extra_B),
      stacksBytes: Number(current.mem_stacks_B), tree,
    });
    current = null;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '' || line.startsWith('#')) continue;
    // Heap tree lines ("n2: 1736 (heap allocation functions) ...", indented below) carry no totals.
    if (/^\s*n\d+:/.test(line)) continue;
    const head = /^(desc|cmd|time_unit): ?(.*)$/.exec(line);
    if (head) {
      header[head[1]!] = head[2]!;
      continue;
    }
    const kv = /^(\w+)=(.*)$/.exec(line);
    if (!kv) throw new RangeError(`massif out: line ${i + 1} is neither a header, a snapshot field nor a heap tree line: ${describe(line)}`);
    const [, key, value] = kv as unknown as [string, string, string];
    if (key === 'snapshot') {
      finish();
      if (!/^\d+$/.test(value)) throw new RangeError(`massif out: line ${i + 1}: snapshot number expected, got ${describe(value)}`);
      current = { index: Number(value), line: i + 1 };
      continue;
    }
    if (!current) throw new RangeError(`massif out: line ${i + 1} (${key}) comes before the first snapshot`);
    if (!(SNAPSHOT_FIELDS as readonly string[]).includes(key)) throw new RangeError(`massif out: line ${i + 1}: unknown snapshot field ${describe(key)}`);
    if (key !== 'heap_tree' && !/^\d+$/.test(value)) throw new RangeError(`massif out: line ${i + 1}: ${key} must be a whole number, got ${describe(value)}`);
    current[key as (typeof SNAPSHOT_FIELDS)[number]] = value;
  }
  finish();
  for (const h of ['desc', 'cmd', 'time_unit']) {
    if (header[h] === undefined) throw new RangeError(`text is not a massif out file: no "${h}:" header line in ${describe(text.slice(0, 80))}`);
  }
  if (snapshots.length === 0) throw new RangeError('massif out: no snapshot (massif stopped before its first one?)');
  const withStacks = /--stacks=yes/.test(header['desc']!);
  let peak = snapshots[0]!;
  for (const s of snapshots) if (total(s, withStacks) > total(peak, withStacks)) peak = s;
  // massif's own peak snapshot has the detailed tree; prefer it when it is as large.
  const marked = snapshots.find((s) => s.tree === 'peak');
  if (marked && total(marked, withStacks) >= total(peak, withStacks)) peak = marked;
  return {
    command: header['cmd']!, description: header['desc']!, timeUnit: header['time_unit']!, snapshots, peak,
    stacksPeakBytes: withStacks ? Math.max(...snapshots.map((s) => s.stacksBytes)) : null,
  };
}

const num = (s: string): number => Number(s.replace(/,/g, ''));

/**
 * Parses memcheck's end-of-run report (its --log-file, or stderr) for the first process
 * in it: HEAP SUMMARY, LEAK SUMMARY and ERROR SUMMARY. Throws TypeError for a non-string
 * and RangeError when a summary is missing (memcheck killed, or run without
 * --leak-check=summary/full).
 */
export function parseMemcheckLog(text: unknown): MemcheckSummary {
  if (typeof text !== 'string') throw new TypeError(`text must be memcheck's report (a string), got ${describe(text)}`);
  const bib = (label: string): BytesInBlocks | null => {
    const m = new RegExp(`${label}: ([\\d,]+) bytes in ([\\d,]+) blocks`).exec(text);
    return m ? { bytes: num(m[1]!), blocks: num(m[2]!) } : null;
  };
  const inUse = bib('in use at exit');
  const usage = /total heap usage: ([\d,]+) allocs, ([\d,]+) frees, ([\d,]+) bytes allocated/.exec(text);
  if (!inUse || !usage) throw new RangeError(`memcheck report: no HEAP SUMMARY (was memcheck killed before the program exited?) in ${describe(text.slice(0, 80))}`);
  const errors = /ERROR SUMMARY: ([\d,]+) errors? from/.exec(text);
  if (!errors) throw new RangeError('memcheck report: no ERROR SUMMARY line (was the report cut short?)');
  const zero = { bytes: 0, blocks: 0 };
  let leaks: Pick<MemcheckSummary, 'definitelyLost' | 'indirectlyLost' | 'possiblyLost' | 'stillReachable' | 'suppressed'>;
  if (/All heap blocks were freed -- no leaks are possible/.test(text)) {
    leaks = { definitelyLost: zero, indirectlyLost: zero, possiblyLost: zero, stillReachable: zero, suppressed: zero };
  } else {
    if (!/LEAK SUMMARY:/.test(text)) throw new RangeError('memcheck report: no LEAK SUMMARY (run memcheck with --leak-check=full or =summary)');
    const need = (label: string): BytesInBlocks => {
      const v = bib(label);
      if (!v) throw new RangeError(`memcheck report: the LEAK SUMMARY has no "${label}" line`);
      return v;
    };
    leaks = { definitelyLost: need('definitely lost'), indirectlyLost: need('indirectly lost'), possiblyLost: need('possibly lost'), stillReachable: need('still reachable'), suppressed: need('suppressed') };
  }
  return { inUseAtExit: inUse, allocs: num(usage[1]!), frees: num(usage[2]!), bytesAllocated: num(usage[3]!), ...leaks, errors: num(errors[1]!) };
}

/** Which valgrind tool a memory run uses. */
export type MemoryTool = 'massif' | 'memcheck';

/** Options of runUnderValgrind. */
export interface ValgrindMemoryOptions {
  /** The valgrind binary. */
  valgrind: string;
  tool: MemoryTool;
  /** The isolation to run in (its command is what gets profiled), fresh per call. */
  environment: () => Promise<RunEnvironment>;
  /** massif only: also count stacks (--stacks=yes; much slower, and a separate figure). */
  stacks?: boolean;
  /**
   * The run's time limit, ms. When coreutils `timeout` is on PATH the program gets SIGTERM
   * at the limit and valgrind still writes what it has (a partial profile, whose peak is
   * then a lower bound); 15 s later, or without `timeout`, everything is killed.
   */
  timeLimitMs: number;
  signal?: AbortSignal;
}

/** How one run under valgrind went. */
export interface ValgrindMemoryRun {
  tool: MemoryTool;
  stacks: boolean;
  /** massif's profile (null for memcheck, or when massif wrote none). */
  massif: MassifProfile | null;
  /** memcheck's summary (null for massif, or when memcheck printed none). */
  memcheck: MemcheckSummary | null;
  /** Wall time of valgrind and the program together, ns: a cost, never a timing of the program. */
  wallNs: number;
  /** CPU time (user + sys) of valgrind and the program together, ns: unlike wall time, not inflated by other load. */
  cpuNs: number;
  exitCode: number | null;
  /** The time limit stopped the program: figures cover only the part that ran. */
  limited: boolean;
  /** Why there are no figures (valgrind aborted, was killed, wrote nothing), else null. */
  failure: string | null;
  /** The last lines of valgrind's own messages (its log file). */
  logTail: string;
}

/** Exit status of coreutils `timeout` when it had to stop the command. */
const TIMEOUT_EXIT = 124;
const HARD_MARGIN_MS = 15_000;

/** valgrind's own complaint in its log ("Massif: ms_main.c:1573 (...): Assertion '...' failed."), if any. */
function valgrindAbort(log: string): string | null {
  const m = /^(?:==\d+== )?((?:\w+: )?\S+\.c:\d+ \([^)]*\): Assertion .* failed\.|valgrind: the 'impossible' happened:.*)$/m.exec(log);
  return m ? m[1]!.trim() : null;
}

/**
 * Runs the environment's command once under valgrind's massif or memcheck, in that
 * environment (its network namespace, if any), and parses the result. valgrind writes into
 * a fresh directory that any user may write to (mode 0733, not listable): a program that
 * drops privileges before it exits (prtip becomes `nobody`) still has massif's out file
 * written there. No counters are attached and the wall time is only the run's cost.
 */
export async function runUnderValgrind(options: ValgrindMemoryOptions): Promise<ValgrindMemoryRun> {
  if (options.tool !== 'massif' && options.tool !== 'memcheck') throw new RangeError(`options.tool must be "massif" or "memcheck", got ${describe(options.tool)}`);
  const limitMs = expectInteger('options.timeLimitMs', options.timeLimitMs, 1, 3_600_000);
  const stacks = options.tool === 'massif' && options.stacks === true;
  const dir = mkdtempSync(join(tmpdir(), `prtip-perf-${options.tool}-`));
  chmodSync(dir, 0o733);
  const out = join(dir, 'massif.out'), log = join(dir, 'valgrind.log');
  const timeout = findExecutable('timeout');
  const tool = options.tool === 'massif'
    ? ['--tool=massif', `--massif-out-file=${out}`, '--time-unit=ms', ...(stacks ? ['--stacks=yes'] : [])]
    : ['--tool=memcheck', '--leak-check=full', '--show-leak-kinds=all'];
  // --vgdb=no: no gdbserver FIFOs in /tmp, which a program that drops privileges could not remove.
  const prefix = [
    ...(timeout ? [timeout, '--signal=TERM', `--kill-after=${HARD_MARGIN_MS / 1000}`, `${limitMs / 1000}`] : []),
    options.valgrind, ...tool, '--vgdb=no', `--log-file=${log}`,
  ];
  try {
    let name = '';
    const environment = tracedEnvironment(options.environment, prefix, `valgrind --tool=${options.tool}`, 'runUnderValgrind', (n) => (name = n));
    const result = await benchmarkCommand({ argv: [prefix[0]!] }, {
      warmup: 0, minRuns: 1, maxRuns: 1, minTimeMs: 0, events: [], rssIntervalMs: 0, ignoreFailure: true,
      timeoutMs: limitMs + (timeout ? 2 * HARD_MARGIN_MS : 0), environment, ...(options.signal ? { signal: options.signal } : {}),
    });
    const run = result.runs[0]!;
    const limited = run.timedOut || (timeout !== null && run.exitCode === TIMEOUT_EXIT);
    const logText = existsSync(log) ? readFileSync(log, 'utf8') : '';
    const logTail = logText.split('\n').filter((l) => l.trim() !== '' && !/^==\d+==\s*$/.test(l)).slice(-12).join('\n');
    const aborted = valgrindAbort(logText);
    const base = { tool: options.tool, stacks, wallNs: run.wallNs, cpuNs: run.userNs + run.sysNs, exitCode: run.exitCode, limited, logTail };
    const how = `${name} (exit ${run.exitCode ?? `signal ${run.signal}`}${limited ? `, stopped at the ${limitMs} ms limit` : ''})`;
    if (aborted) return { ...base, massif: null, memcheck: null, failure: `valgrind ${options.valgrind} aborted on ${name}: ${aborted}` };
    if (options.tool === 'massif') {
      if (!existsSync(out)) return { ...base, massif: null, memcheck: null, failure: `massif wrote no profile for ${how}${logTail ? `; valgrind said: ${logTail.split('\n').slice(-3).join(' | ')}` : ''}` };
      return { ...base, massif: parseMassifOut(readFileSync(out, 'utf8')), memcheck: null, failure: null };
    }
    try {
      return { ...base, massif: null, memcheck: parseMemcheckLog(logText), failure: null };
    } catch (err) {
      return { ...base, massif: null, memcheck: null, failure: `memcheck gave no summary for ${how}: ${(err as Error).message}` };
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Where valgrind comes from when it is missing: the package, by distribution. */
export const VALGRIND_PACKAGE = 'the valgrind package (Debian/Ubuntu: apt-get install valgrind)';
