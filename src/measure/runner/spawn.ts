/**
 * One counted run of a child process: the TypeScript side of native/process.
 * A small exec helper forks the program (so wait4's peak RSS is the program's, not
 * Node's), in its own process group (optionally in a network namespace). Before it
 * execs, the program is moved into a cgroup v2 of its own where the machine allows it
 * and gets a counter group with enable_on_exec + inherit. It is waited for on a thread
 * of its own (wait4 rusage, an RSS timeline from /proc/<pid>/status, a timeout), and
 * whatever it leaves behind is killed when it ends: the whole cgroup, or, without one,
 * its process group and every orphaned descendant (the helper is a child subreaper).
 */
import { scaleCount, type CounterState, type EventKind } from '../counters.js';
import { PerfError } from '../../core/errors.js';
import { nativeAddon } from '../../core/native.js';
import { describe, expectArray, expectBoolean, expectInteger, expectNumber, expectObject } from '../../core/validate.js';

/** What the native spawner returns for one run: a RunRecord's plain fields plus raw counters and RSS arrays. */
interface NativeRunResult extends Omit<RunRecord, 'counters' | 'rss' | 'maxRssSource'> {
  path: string;
  enabledNs: number;
  runningNs: number;
  /** enabledNs/runningNs are the counter's own group's (see SpawnOptions.eventGroups). */
  counters: { name: string; kind: string; opened: boolean; code: string; reason: string; value: number; enabledNs: number; runningNs: number }[];
  rss: { tNs: Float64Array; rssBytes: Float64Array; hwmBytes: Float64Array; anonBytes: Float64Array };
  /** Present when a sampled profile was asked for (native/profile/profile_napi.h). */
  profile?: NativeProfile;
}

/** A sampled profile as the addon returns it: samples flat in typed arrays (src/measure/profile/record.ts unpacks them). */
export interface NativeProfile {
  samples: {
    pid: Uint32Array;
    tid: Uint32Array;
    timeNs: Float64Array;
    frameBegin: Uint32Array;
    frameCount: Uint32Array;
    kernelFrames: Uint32Array;
    frames: BigUint64Array;
  };
  mappings: { pid: number; start: bigint; end: bigint; pgoff: bigint; filename: string }[];
  comms: { pid: number; tid: number; comm: string }[];
  lost: number;
  lostSamples: number;
  throttles: number;
  truncated: number;
  /** The sampling events' own count at the end, all CPUs and inherited children (for cpu-clock: ns of CPU they were armed for). */
  eventCount: number;
  kernelFrames: { available: boolean; reason: string };
}

/** What to sample on the child (checked by the caller, src/measure/profile/record.ts). */
export interface NativeSampleRequest {
  event: string;
  frequencyHz: number;
  /** false: the events fire at the same rate but record nothing (no ring buffer): the sampling interrupt's own cost. Default true. */
  record?: boolean;
}

interface ProcessNative {
  spawnCounted(options: {
    file: string;
    argv: string[];
    env: string[];
    cwd?: string;
    netnsPath?: string;
    events: string[];
    eventGroups?: number[];
    timeoutNs?: number;
    rssIntervalNs?: number;
    stdin?: StdioMode;
    stdout?: StdioMode;
    stderr?: StdioMode;
    cgroup?: boolean;
    sample?: NativeSampleRequest;
  }): { id: number; promise: Promise<NativeRunResult> };
  cancelRun(id: number): boolean;
  resolveExecutable(file: string, pathEnv: string): { path: string; code: string; errno: number };
}

/**
 * Where maxRssBytes came from: wait4's ru_maxrss, as GNU time reports it. The program is
 * forked from the small exec helper, not from Node: execve records the address space a
 * process leaves as part of its peak, so a child of Node would carry Node's own RSS.
 */
export type MaxRssSource = 'rusage';

/**
 * How a run's descendants were contained. "cgroup": a cgroup v2 of its own, emptied with
 * cgroup.kill at the end, so nothing survives, daemonized or not. "process-group": no
 * cgroup here (RunRecord.containmentNote says why); the process group is killed and the
 * exec helper, a child subreaper, kills orphaned descendants, but a process that leaves
 * the program's tree entirely (e.g. started through a service manager) may survive.
 */
export type Containment = 'cgroup' | 'process-group';

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
  /** Peak RSS, bytes: wait4's ru_maxrss (the program and its reaped descendants); see MaxRssSource. */
  maxRssBytes: number;
  maxRssSource: MaxRssSource;
  /** null when it was killed by a signal. */
  exitCode: number | null;
  signal: number | null;
  timedOut: boolean;
  cancelled: boolean;
  /** Descendants outlived it and were killed. */
  leftoversKilled: boolean;
  containment: Containment;
  /** Without a cgroup: why, and what may therefore survive ("" with a cgroup). */
  containmentNote: string;
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
  /**
   * One group number per event: events with the same number are one perf_event group,
   * scheduled onto the PMU together (perf's {a,b}). Absent: all events are one group.
   */
  eventGroups?: readonly number[];
  /** Kill the program and all it started after this long. 0 or absent: no limit. */
  timeoutMs?: number;
  /** RSS sampling interval; 0 or absent: no timeline. */
  rssIntervalMs?: number;
  stdin?: StdioMode;
  stdout?: StdioMode;
  stderr?: StdioMode;
  /** Aborting kills the program and all it started; the run resolves with cancelled: true. */
  signal?: AbortSignal;
  /** Contain the run in a cgroup v2 of its own where possible (default true); false tests the fallback. */
  cgroup?: boolean;
}

function processNative(): ProcessNative {
  return nativeAddon<ProcessNative>();
}

function checkStdio(name: string, v: unknown): StdioMode | undefined {
  if (v === undefined) return undefined;
  if (v !== 'null' && v !== 'inherit') throw new TypeError(`${name} must be "null" or "inherit", got ${describe(v)}`);
  return v;
}

/** At most this many argv items or environment variables (execve's own limit on their total size is lower still). */
const MAX_ITEMS = 65536;
/** The native spawner's limit on events per run. */
const MAX_RUN_EVENTS = 64;

/** A string that execve can take whole: no NUL byte (it would silently cut the string there). */
function expectNulFree(name: string, value: unknown, { allowEmpty = true } = {}): string {
  if (typeof value !== 'string') throw new TypeError(`${name} must be a string, got ${describe(value)}`);
  if (value.includes('\0')) throw new TypeError(`${name} must not contain NUL bytes, got ${describe(value)}`);
  if (!allowEmpty && value === '') throw new RangeError(`${name} must not be empty`);
  return value;
}

/** Checks a command argv at the boundary: a non-empty dense array of strings without NUL bytes, argv[0] non-empty. */
export function validateArgv(argv: unknown, name = 'argv'): string[] {
  if (!Array.isArray(argv)) throw new TypeError(`${name} must be an array of strings (the command), got ${describe(argv)}`);
  if (argv.length === 0) throw new RangeError(`${name} must not be empty: give the command to run`);
  if (argv.length > MAX_ITEMS) throw new RangeError(`${name} may have at most ${MAX_ITEMS} items, got ${argv.length}`);
  // Index by index: forEach would skip the holes of a sparse array.
  for (let i = 0; i < argv.length; i++) {
    const a: unknown = argv[i];
    if (typeof a !== 'string') throw new TypeError(`${name}[${i}] must be a string, got ${describe(a)}`);
    if (a.includes('\0')) throw new TypeError(`${name}[${i}] must not contain NUL bytes, got ${describe(a)}`);
  }
  if (argv[0] === '') throw new RangeError(`${name}[0] must name a program, got an empty string`);
  return argv as string[];
}

/**
 * Finds an executable as the spawner will (PATH search in the parent).
 * Returns the path, or throws PerfError ENOENT / EACCES.
 */
export function resolveExecutable(file: string, pathEnv = process.env.PATH ?? ''): string {
  expectNulFree('file', file, { allowEmpty: false });
  expectNulFree('pathEnv', pathEnv);
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

/** The environment as execve takes it, refusing what it would mangle (as node's child_process does). */
function envArray(env: unknown, name: string): string[] {
  const o = expectObject(name, env);
  const out: string[] = [];
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined) continue;
    const key = `${name}[${JSON.stringify(k)}]`;
    if (k === '' || k.includes('=') || k.includes('\0')) {
      throw new TypeError(`${key}: a variable name must be non-empty, without "=" or NUL bytes`);
    }
    expectNulFree(key, v);
    out.push(`${k}=${v as string}`);
  }
  if (out.length > MAX_ITEMS) throw new RangeError(`${name} may have at most ${MAX_ITEMS} variables, got ${out.length}`);
  return out;
}

/** Event names by type only: a name the kernel lacks is reported per counter, never fatal to the run. */
function checkEventNames(events: unknown): string[] {
  if (events === undefined) return [];
  if (!Array.isArray(events)) throw new TypeError(`options.events must be an array of event names, got ${describe(events)}`);
  if (events.length > MAX_RUN_EVENTS) throw new RangeError(`options.events may name at most ${MAX_RUN_EVENTS} events, got ${events.length}`);
  for (let i = 0; i < events.length; i++) expectNulFree(`options.events[${i}]`, events[i], { allowEmpty: false });
  return [...(events as string[])];
}

/** The options, all checked before anything starts: a bad one must never surface after the child runs. */
function checkSpawnOptions(options: unknown) {
  const o = expectObject('options', options) as unknown as SpawnOptions;
  const argv = validateArgv(o.argv, 'options.argv');
  const env = envArray(o.env ?? process.env, 'options.env');
  const timeoutMs = o.timeoutMs === undefined ? 0 : expectNumber('options.timeoutMs', o.timeoutMs, 0, 7 * 24 * 3600e3);
  const rssIntervalMs = o.rssIntervalMs === undefined ? 0 : expectNumber('options.rssIntervalMs', o.rssIntervalMs, 0, 3600e3);
  if (rssIntervalMs > 0 && rssIntervalMs < 0.1) throw new RangeError(`options.rssIntervalMs must be 0 (off) or at least 0.1, got ${rssIntervalMs}`);
  const events = checkEventNames(o.events);
  const eventGroups = o.eventGroups === undefined ? undefined : expectArray('options.eventGroups', o.eventGroups, MAX_RUN_EVENTS, (name, v) => expectInteger(name, v, 0, MAX_RUN_EVENTS));
  if (eventGroups !== undefined && eventGroups.length !== events.length) {
    throw new RangeError(`options.eventGroups must have one group number per event (${events.length}), got ${eventGroups.length}`);
  }
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) throw new TypeError(`options.signal must be an AbortSignal, got ${describe(o.signal)}`);
  return {
    argv,
    env,
    ...(o.cwd !== undefined ? { cwd: expectNulFree('options.cwd', o.cwd, { allowEmpty: false }) } : {}),
    ...(o.netnsPath !== undefined ? { netnsPath: expectNulFree('options.netnsPath', o.netnsPath, { allowEmpty: false }) } : {}),
    events,
    ...(eventGroups !== undefined ? { eventGroups } : {}),
    timeoutMs,
    rssIntervalMs,
    stdin: checkStdio('options.stdin', o.stdin) ?? 'null',
    stdout: checkStdio('options.stdout', o.stdout) ?? 'null',
    stderr: checkStdio('options.stderr', o.stderr) ?? 'null',
    ...(o.cgroup !== undefined ? { cgroup: expectBoolean('options.cgroup', o.cgroup) } : {}),
    signal: o.signal,
  };
}

/** Runs the child once and returns its record. Bad options throw before anything starts; native failures reject with a PerfError. */
export async function spawnCounted(options: SpawnOptions): Promise<RunRecord> {
  return (await spawnNative(options)).record;
}

/** spawnCounted with a sampled profile of the child as well (src/measure/profile/record.ts). */
export async function spawnSampled(options: SpawnOptions, sample: NativeSampleRequest): Promise<{ record: RunRecord; profile: NativeProfile }> {
  const { record, profile } = await spawnNative(options, sample);
  if (profile === undefined) throw new PerfError('the addon returned no profile for a sampled run: rebuild it with "npm run build:addon"', { code: 'NO_PROFILE' });
  return { record, profile };
}

async function spawnNative(options: SpawnOptions, sample?: NativeSampleRequest): Promise<{ record: RunRecord; profile?: NativeProfile }> {
  const o = checkSpawnOptions(options);
  if (o.signal?.aborted) throw new PerfError('the run was aborted before it started', { code: 'ABORTED' });
  // The native call completes on another thread, so its rejection has no JS stack of its own:
  // keep the caller's and graft it on.
  const callSite = new Error('spawnCounted called here');
  const native = processNative();
  const handle = native.spawnCounted({
    file: o.argv[0]!,
    argv: o.argv,
    env: o.env,
    ...(o.cwd !== undefined ? { cwd: o.cwd } : {}),
    ...(o.netnsPath !== undefined ? { netnsPath: o.netnsPath } : {}),
    events: o.events,
    ...(o.eventGroups !== undefined ? { eventGroups: o.eventGroups } : {}),
    timeoutNs: o.timeoutMs * 1e6,
    rssIntervalNs: o.rssIntervalMs * 1e6,
    stdin: o.stdin,
    stdout: o.stdout,
    stderr: o.stderr,
    ...(o.cgroup !== undefined ? { cgroup: o.cgroup } : {}),
    ...(sample !== undefined ? { sample } : {}),
  });
  const onAbort = (): void => {
    native.cancelRun(handle.id);
  };
  o.signal?.addEventListener('abort', onAbort, { once: true });
  let raw: NativeRunResult;
  try {
    raw = await handle.promise;
  } catch (err) {
    if (err instanceof Error && callSite.stack) err.stack = `${err.stack ?? err.message}\n    --- async call site ---\n${callSite.stack.split('\n').slice(1).join('\n')}`;
    throw err;
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
  }
  return { record: toRecord(raw, o.rssIntervalMs > 0), ...(raw.profile !== undefined ? { profile: raw.profile } : {}) };
}

function toRecord(raw: NativeRunResult, withRss: boolean): RunRecord {
  const counters: Record<string, RunCounter> = {};
  for (const c of raw.counters) {
    if (!c.opened) {
      counters[c.name] = { kind: c.kind as EventKind, state: 'unsupported', value: null, enabledNs: 0, runningNs: 0, reason: c.reason };
      continue;
    }
    const scaled = scaleCount(c.value, c.enabledNs, c.runningNs);
    counters[c.name] = {
      kind: c.kind as EventKind,
      state: scaled.value === null ? 'not-counted' : 'counted',
      value: scaled.value,
      enabledNs: c.enabledNs,
      runningNs: c.runningNs,
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
    maxRssSource: 'rusage',
    exitCode: raw.exitCode,
    signal: raw.signal,
    timedOut: raw.timedOut,
    cancelled: raw.cancelled,
    leftoversKilled: raw.leftoversKilled,
    containment: raw.containment,
    containmentNote: raw.containmentNote,
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
