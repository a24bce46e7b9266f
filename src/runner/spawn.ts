/**
 * One counted run of a child process: the TypeScript side of native/process.
 * The child is forked, put in its own process group (optionally entered into a
 * network namespace), has a counter group attached with enable_on_exec + inherit
 * before it execs, and is waited for off the JS thread (wait4 rusage, an RSS
 * timeline from /proc/<pid>/status, a timeout that kills the whole group).
 */
import { scaleCount, type CounterState, type EventKind } from '../counters.js';
import { PerfError } from '../errors.js';
import { nativeAddon } from '../native.js';
import { describe, expectInteger, expectNumber, expectString } from '../validate.js';

/** What the native spawner returns for one run: a RunRecord's plain fields plus raw counters and RSS arrays. */
interface NativeRunResult extends Omit<RunRecord, 'counters' | 'rss'> {
  path: string;
  enabledNs: number;
  runningNs: number;
  counters: { name: string; kind: string; opened: boolean; code: string; reason: string; value: number }[];
  rss: { tNs: Float64Array; rssBytes: Float64Array; hwmBytes: Float64Array; anonBytes: Float64Array };
}

interface ProcessNative {
  spawnCounted(options: {
    file: string;
    argv: string[];
    env: string[];
    cwd?: string;
    netnsPath?: string;
    events: string[];
    timeoutNs?: number;
    rssIntervalNs?: number;
    stdin?: StdioMode;
    stdout?: StdioMode;
    stderr?: StdioMode;
  }): { id: number; promise: Promise<NativeRunResult> };
  cancelRun(id: number): boolean;
  resolveExecutable(file: string, pathEnv: string): { path: string; code: string; errno: number };
}

/**
 * Where maxRssBytes came from. The child is started like posix_spawn (CLONE_VM: it
 * shares the spawner's memory until execve), and execve then records the spawner's
 * own high-water RSS as the child's ru_maxrss. When wait4's figure is no larger than
 * that, it is discarded and the program's own peak (VmHWM, the last timeline sample)
 * is used: "sampled-vmhwm", which covers the main process only and can miss growth in
 * the last sampling interval (0 without a timeline).
 */
export type MaxRssSource = 'rusage' | 'sampled-vmhwm';

/** Where a child's standard streams go: /dev/null (the default, as hyperfine -N) or the parent's. */
export type StdioMode = 'null' | 'inherit';

/** One event's count over a whole run. */
export interface RunCounter {
  kind: EventKind;
  state: CounterState;
  /** Scaled for multiplexing; null unless counted. */
  value: number | null;
  enabledNs: number;
  runningNs: number;
  /** Why it is unsupported ("" otherwise). */
  reason: string;
}

/** The RSS timeline of the child's main process, sampled from /proc/<pid>/status. */
export interface RssTimeline {
  /** Sample times, ns since the child was released. */
  tNs: number[];
  /** VmRSS, bytes. */
  rssBytes: number[];
  /** VmHWM (peak RSS so far), bytes. */
  hwmBytes: number[];
  /** RssAnon (heap, stacks, anonymous maps: the closest to a heap profiler's figure), bytes. */
  anonBytes: number[];
}

/** One run of one command. */
export interface RunRecord {
  /** The child's pid (also its process group id). */
  pid: number;
  /** Monotonic wall time from releasing the child to reaping it, ns. */
  wallNs: number;
  userNs: number;
  sysNs: number;
  /** Peak RSS, bytes: wait4's ru_maxrss (the child and its reaped descendants) or the sampled VmHWM; see MaxRssSource. */
  maxRssBytes: number;
  maxRssSource: MaxRssSource;
  /** null when it was killed by a signal. */
  exitCode: number | null;
  signal: number | null;
  timedOut: boolean;
  cancelled: boolean;
  /** Members of its process group outlived it and were killed. */
  leftoversKilled: boolean;
  counters: Record<string, RunCounter>;
  rss?: RssTimeline;
}

/** How to run one child. */
export interface SpawnOptions {
  /** argv[0] is looked up on PATH (of `env`) unless it contains a slash. */
  argv: readonly string[];
  /** The child's whole environment; default: this process's. */
  env?: Readonly<Record<string, string | undefined>>;
  cwd?: string;
  /** A network namespace file to enter before exec, e.g. /run/netns/NAME. */
  netnsPath?: string;
  /** Events counted on the child (validated names; unsupported ones are reported, not fatal). */
  events?: readonly string[];
  /** Kill the whole process group after this long. 0 or absent: no limit. */
  timeoutMs?: number;
  /** RSS sampling interval; 0 or absent: no timeline. */
  rssIntervalMs?: number;
  stdin?: StdioMode;
  stdout?: StdioMode;
  stderr?: StdioMode;
  /** Aborting kills the child's process group; the run resolves with cancelled: true. */
  signal?: AbortSignal;
}

function processNative(): ProcessNative {
  return nativeAddon<ProcessNative>();
}

function checkStdio(name: string, v: unknown): StdioMode | undefined {
  if (v === undefined) return undefined;
  if (v !== 'null' && v !== 'inherit') throw new TypeError(`${name} must be "null" or "inherit", got ${describe(v)}`);
  return v;
}

/** Checks a command argv at the boundary: a non-empty array of strings, argv[0] non-empty. */
export function validateArgv(argv: unknown, name = 'argv'): string[] {
  if (!Array.isArray(argv)) throw new TypeError(`${name} must be an array of strings (the command), got ${describe(argv)}`);
  if (argv.length === 0) throw new RangeError(`${name} must not be empty: give the command to run`);
  argv.forEach((a, i) => {
    if (typeof a !== 'string') throw new TypeError(`${name}[${i}] must be a string, got ${describe(a)}`);
    if (a.includes('\0')) throw new RangeError(`${name}[${i}] contains a NUL byte`);
  });
  if (argv[0] === '') throw new RangeError(`${name}[0] must name a program, got an empty string`);
  return argv as string[];
}

/**
 * Finds an executable as the spawner will (PATH search in the parent).
 * Returns the path, or throws PerfError ENOENT / EACCES.
 */
export function resolveExecutable(file: string, pathEnv = process.env.PATH ?? ''): string {
  expectString('file', file);
  const r = processNative().resolveExecutable(file, pathEnv);
  if (r.path === '') {
    const what = r.code === 'EACCES' ? 'is not an executable file' : file.includes('/') ? 'does not exist' : 'was not found on PATH';
    throw new PerfError(`"${file}" ${what}`, { code: r.code || 'ENOENT', errno: r.errno, syscall: 'execve' });
  }
  return r.path;
}

/** Like resolveExecutable, but null instead of an error. */
export function findExecutable(file: string, pathEnv = process.env.PATH ?? ''): string | null {
  try {
    return resolveExecutable(file, pathEnv);
  } catch {
    return null;
  }
}

function envArray(env: Readonly<Record<string, string | undefined>>): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out.push(`${k}=${v}`);
  return out;
}

/** Runs the child once and returns its record. Native failures reject with a PerfError. */
export async function spawnCounted(options: SpawnOptions): Promise<RunRecord> {
  const argv = validateArgv(options.argv, 'options.argv');
  const timeoutMs = options.timeoutMs === undefined ? 0 : expectNumber('options.timeoutMs', options.timeoutMs, 0, 7 * 24 * 3600e3);
  const rssIntervalMs = options.rssIntervalMs === undefined ? 0 : expectNumber('options.rssIntervalMs', options.rssIntervalMs, 0, 3600e3);
  if (rssIntervalMs > 0 && rssIntervalMs < 0.1) throw new RangeError(`options.rssIntervalMs must be 0 (off) or at least 0.1, got ${rssIntervalMs}`);
  const events = [...(options.events ?? [])];
  if (options.signal?.aborted) throw new PerfError('the run was aborted before it started', { code: 'ABORTED' });
  // The native call completes on a worker thread, so its rejection has no JS stack of its own:
  // keep the caller's and graft it on.
  const callSite = new Error('spawnCounted called here');
  const native = processNative();
  const handle = native.spawnCounted({
    file: argv[0]!,
    argv,
    env: envArray(options.env ?? process.env),
    ...(options.cwd !== undefined ? { cwd: expectString('options.cwd', options.cwd) } : {}),
    ...(options.netnsPath !== undefined ? { netnsPath: expectString('options.netnsPath', options.netnsPath) } : {}),
    events,
    timeoutNs: timeoutMs * 1e6,
    rssIntervalNs: rssIntervalMs * 1e6,
    stdin: checkStdio('options.stdin', options.stdin) ?? 'null',
    stdout: checkStdio('options.stdout', options.stdout) ?? 'null',
    stderr: checkStdio('options.stderr', options.stderr) ?? 'null',
  });
  const onAbort = (): void => {
    native.cancelRun(handle.id);
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  let raw: NativeRunResult;
  try {
    raw = await handle.promise;
  } catch (err) {
    if (err instanceof Error && callSite.stack) err.stack = `${err.stack ?? err.message}\n    --- async call site ---\n${callSite.stack.split('\n').slice(1).join('\n')}`;
    throw err;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
  return toRecord(raw, rssIntervalMs > 0);
}

function toRecord(raw: NativeRunResult, withRss: boolean): RunRecord {
  const counters: Record<string, RunCounter> = {};
  for (const c of raw.counters) {
    if (!c.opened) {
      counters[c.name] = { kind: c.kind as EventKind, state: 'unsupported', value: null, enabledNs: 0, runningNs: 0, reason: c.reason };
      continue;
    }
    const scaled = scaleCount(c.value, raw.enabledNs, raw.runningNs);
    counters[c.name] = {
      kind: c.kind as EventKind,
      state: scaled.value === null ? 'not-counted' : 'counted',
      value: scaled.value,
      enabledNs: raw.enabledNs,
      runningNs: raw.runningNs,
      reason: '',
    };
  }
  // Field by field, so a field the native side adds never leaks into the JSON schema.
  const record: RunRecord = {
    pid: raw.pid,
    wallNs: raw.wallNs,
    userNs: raw.userNs,
    sysNs: raw.sysNs,
    maxRssBytes: raw.maxRssBytes,
    maxRssSource: raw.maxRssSource,
    exitCode: raw.exitCode,
    signal: raw.signal,
    timedOut: raw.timedOut,
    cancelled: raw.cancelled,
    leftoversKilled: raw.leftoversKilled,
    counters,
  };
  if (withRss) {
    record.rss = {
      tNs: Array.from(raw.rss.tNs),
      rssBytes: Array.from(raw.rss.rssBytes),
      hwmBytes: Array.from(raw.rss.hwmBytes),
      anonBytes: Array.from(raw.rss.anonBytes),
    };
  }
  return record;
}

/** Checks a run count at the boundary (runs ≤ 0 is a RangeError). */
export function expectRuns(name: string, value: unknown): number {
  return expectInteger(name, value, 1, 1_000_000);
}
