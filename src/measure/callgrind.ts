/**
 * The callgrind counter backend: instruction counts (and, with --cache-sim, simulated cache
 * misses) from valgrind's callgrind, for machines without a hardware PMU.
 *
 * Callgrind runs the program on a synthetic CPU and counts every guest instruction it
 * executes (Ir). For the same binary and inputs the count repeats exactly, whatever else the
 * machine is doing. It does not count time in the kernel, waits, or any effect of the real
 * caches, branch predictor or frequency: its counts are *simulated by callgrind*, and are
 * labelled so everywhere, never mixed with or substituted for a PMU count.
 *
 * In process (under `valgrind --tool=callgrind --instr-atstart=no node …`) the addon brackets
 * exactly the measured block with callgrind's client requests (zero, start instrumentation,
 * stop, dump with a label) and this module reads the dump back. For a whole command,
 * runCallgrind() runs it under valgrind and parses the final dump (all threads).
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, delimiter, dirname, join, resolve } from 'node:path';
import { PerfError } from '../core/errors.js';
import { nativeAddon } from '../core/native.js';
import { expectFunction, expectInteger, expectString, readOptions } from '../core/validate.js';

/** The label every callgrind figure carries in tables, JSON and charts. */
export const CALLGRIND_SOURCE = 'simulated by callgrind';

/** Callgrind's event names and ours. Ir is always there; the rest need --cache-sim=yes. */
export const CALLGRIND_EVENTS: Readonly<Record<string, string>> = {
  Ir: 'instructions',
  I1mr: 'I1 misses',
  D1mr: 'D1 read misses',
  D1mw: 'D1 write misses',
  ILmr: 'LL instruction misses',
  DLmr: 'LL read misses',
  DLmw: 'LL write misses',
};

/** Our name for a callgrind event, with the source: "instructions (simulated by callgrind)". */
export function callgrindLabel(event: string): string {
  return `${CALLGRIND_EVENTS[event] ?? event} (${CALLGRIND_SOURCE})`;
}

/** The Debian package that provides valgrind and its client-request headers. */
export const VALGRIND_PACKAGE = 'valgrind';
/** Set by the harness in processes it runs under callgrind: the --callgrind-out-file base. */
export const CALLGRIND_OUT_ENV = 'PRTIP_PERF_CALLGRIND_OUT';

interface ValgrindNative {
  valgrindStatus(): { headers: boolean; runningOnValgrind: boolean; avx512Blocked: string | null };
  callgrindArm(label: string): void;
  callgrindDisarm(): boolean;
  callgrindMeasure(label: string, fn: () => unknown): unknown;
}

const native = (): ValgrindNative => nativeAddon<ValgrindNative>();

/** Whether the callgrind backend can count here, and why not. */
export interface CallgrindStatus {
  /** The addon was built with <valgrind/callgrind.h>. */
  headers: boolean;
  /** The valgrind executable on PATH (null when none). */
  valgrind: string | null;
  /** This process runs under valgrind now. */
  runningOnValgrind: boolean;
  /** Valgrind can run commands here (whole-binary counts, the bench's re-execution). */
  canRunCommands: boolean;
  /** This process can count its own blocks (it runs under callgrind and the addon has the headers). */
  inProcess: boolean;
  /** Why a capability is missing, with the package that provides it; "" when all are there. */
  reason: string;
}

/** The valgrind executable on PATH (or $VALGRIND), or null. */
export function findValgrind(env: NodeJS.ProcessEnv = process.env): string | null {
  const explicit = env['VALGRIND'];
  if (explicit) return isExecutable(explicit) ? resolve(explicit) : null;
  for (const dir of (env['PATH'] ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, 'valgrind');
    if (isExecutable(candidate)) return candidate;
  }
  return null;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** What the callgrind backend can do in this process and on this machine. */
export function callgrindStatus(): CallgrindStatus {
  const s = native().valgrindStatus();
  const valgrind = findValgrind();
  const reasons: string[] = [];
  if (!s.headers) reasons.push(`the addon was built without <valgrind/callgrind.h> (install the Debian package ${VALGRIND_PACKAGE} and rebuild: npm run build:addon)`);
  if (valgrind === null) reasons.push(`valgrind is not installed (Debian: apt-get install ${VALGRIND_PACKAGE})`);
  if (!s.runningOnValgrind) reasons.push('this process does not run under valgrind --tool=callgrind --instr-atstart=no');
  return {
    headers: s.headers,
    valgrind,
    runningOnValgrind: s.runningOnValgrind,
    canRunCommands: valgrind !== null,
    inProcess: s.headers && s.runningOnValgrind,
    reason: reasons.join('; '),
  };
}

/** Why the AVX-512 checksum kernels cannot run in this process (valgrind), or null. */
export function avx512BlockedReason(): string | null {
  return native().valgrindStatus().avx512Blocked;
}

/** One callgrind dump: the label it was triggered with and its event totals. */
export interface CallgrindDump {
  file: string;
  /** The client request's label ("Client Request: LABEL"), or the trigger text for other dumps. */
  label: string;
  /** "Program termination", "Client Request", … */
  trigger: string;
  pid: number | null;
  part: number | null;
  /** Callgrind's event names in file order (Ir first). */
  events: string[];
  /** Totals per callgrind event name over the dump (every thread unless --separate-threads). */
  totals: Record<string, number>;
}

/**
 * Parses the header and totals of a callgrind output file (format version 1). Throws a
 * PerfError (CALLGRIND_DUMP) naming the file when a required line is missing.
 */
export function parseCallgrindDump(text: string, file = '<text>'): CallgrindDump {
  let events: string[] | null = null;
  let totals: number[] | null = null;
  let summary: number[] | null = null;
  let trigger = '', label = '', pid: number | null = null, part: number | null = null;
  if (!/^(# callgrind format|version:)/.test(text)) throw new PerfError(`${file} is not a callgrind output file (no "# callgrind format" header)`, { code: 'CALLGRIND_DUMP' });
  for (const line of text.split('\n')) {
    if (line.startsWith('events:')) events = line.slice(7).trim().split(/\s+/);
    else if (line.startsWith('totals:')) totals = line.slice(7).trim().split(/\s+/).map(Number);
    else if (line.startsWith('summary:')) summary = line.slice(8).trim().split(/\s+/).map(Number);
    else if (line.startsWith('pid:')) pid = Number(line.slice(4));
    else if (line.startsWith('part:')) part = Number(line.slice(5));
    else if (line.startsWith('desc: Trigger:')) {
      trigger = line.slice('desc: Trigger:'.length).trim();
      const m = /^Client Request: (.*)$/.exec(trigger);
      label = m ? m[1]! : trigger;
      if (m) trigger = 'Client Request';
    }
  }
  // callgrind writes the block's counts in "totals:"; "summary:" is the whole run so far (0 with instrumentation off at start).
  const values = totals ?? summary;
  if (events === null || values === null) throw new PerfError(`${file}: no ${events === null ? '"events:"' : '"totals:"/"summary:"'} line; is it a complete callgrind dump?`, { code: 'CALLGRIND_DUMP' });
  const out: Record<string, number> = {};
  events.forEach((e, i) => {
    const v = values[i] ?? 0; // callgrind omits trailing zero counts
    if (!Number.isFinite(v)) throw new PerfError(`${file}: the count of ${e} is not a number`, { code: 'CALLGRIND_DUMP' });
    out[e] = v;
  });
  return { file, label, trigger, pid, part, events, totals: out };
}

/** The --callgrind-out-file base of this process: the harness's, else valgrind's default in the working directory. */
export function ownDumpBase(): string {
  return process.env[CALLGRIND_OUT_ENV] || resolve(`callgrind.out.${process.pid}`);
}

/** The numbered dumps of `base` (base.1, base.2, …), in order. */
export function dumpParts(base: string): { file: string; part: number }[] {
  const dir = dirname(base), name = basename(base);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.startsWith(name + '.') && /^\d+$/.test(f.slice(name.length + 1)))
    .map((f) => ({ file: join(dir, f), part: Number(f.slice(name.length + 1)) }))
    .sort((a, b) => a.part - b.part);
}

function requireInProcess(what: string): void {
  const s = callgrindStatus();
  if (!s.inProcess) {
    throw new PerfError(`${what}: the callgrind backend is unsupported in this process: ${s.reason}. ` +
      'Run it as: valgrind --tool=callgrind --instr-atstart=no node SCRIPT (prtip-perf bench --counters callgrind does this for its suites)', { code: 'UNSUPPORTED' });
  }
}

function latestDump(label: string, what: string): CallgrindDump {
  const base = ownDumpBase();
  const parts = dumpParts(base);
  const last = parts[parts.length - 1];
  if (last === undefined) throw new PerfError(`${what}: callgrind wrote no dump next to ${base}; set ${CALLGRIND_OUT_ENV} to the --callgrind-out-file you gave valgrind`, { code: 'CALLGRIND_DUMP' });
  const dump = parseCallgrindDump(readFileSync(last.file, 'utf8'), last.file);
  if (dump.label !== label) {
    throw new PerfError(`${what}: the newest dump ${last.file} is "${dump.label}", not "${label}"; set ${CALLGRIND_OUT_ENV} to the --callgrind-out-file you gave valgrind`, { code: 'CALLGRIND_DUMP' });
  }
  return dump;
}

/**
 * Counts `fn()` (JS included, synchronous) under callgrind in this process; returns the
 * dump's totals per callgrind event. Needs this process to run under callgrind.
 */
export function measureCallgrind(label: string, fn: () => unknown): CallgrindDump {
  expectString('label', label);
  expectFunction('fn', fn);
  requireInProcess('measureCallgrind');
  native().callgrindMeasure(label, fn);
  return latestDump(label, 'measureCallgrind');
}

/**
 * Counts exactly the next native measured block (a ChecksumKernel/CraftKernel run loop) that
 * `fn` starts, without the JS around it: the counts of the same kernel on the same data repeat
 * exactly. Throws when fn started none.
 */
export function measureNativeBlock(label: string, fn: () => unknown): CallgrindDump {
  expectString('label', label);
  expectFunction('fn', fn);
  requireInProcess('measureNativeBlock');
  native().callgrindArm(label);
  try {
    fn();
  } catch (error) {
    native().callgrindDisarm();
    throw error;
  }
  if (native().callgrindDisarm()) {
    throw new PerfError(`measureNativeBlock("${label}"): fn ran no native measured block (only ChecksumKernel.run and CraftKernel.run have one)`, { code: 'NO_MEASURED_BLOCK' });
  }
  return latestDump(label, 'measureNativeBlock');
}

/** sample(fn, {events, backend: 'callgrind'}): what one event came to. */
export interface CallgrindSampleCounter {
  /** Our event name ("instructions", "I1 misses", …). */
  name: string;
  /** Callgrind's event name (Ir, I1mr, …). */
  callgrindEvent: string;
  /** Always "simulated by callgrind": never a PMU count. */
  source: typeof CALLGRIND_SOURCE;
  state: 'counted' | 'unsupported';
  /** Sum over the measured calls; null unless counted. */
  total: number | null;
  /** Per call (total / iterations: the calls are counted together). */
  perCall: number | null;
  reason: string;
}

/** What sample() returns with backend 'callgrind'. */
export interface CallgrindSampleResult {
  backend: 'callgrind';
  iterations: number;
  counters: Record<string, CallgrindSampleCounter>;
}

const EVENT_BY_NAME: Record<string, string> = Object.fromEntries(Object.entries(CALLGRIND_EVENTS).map(([k, v]) => [v, k]));

/**
 * sample() on the callgrind backend: `iterations` calls counted together after `warmup`
 * uncounted ones (counts are exact, so a few calls suffice). Events: "instructions" and,
 * when valgrind runs with --cache-sim=yes, the cache-miss events of CALLGRIND_EVENTS.
 * An event callgrind does not provide is 'unsupported' with the reason.
 */
export function sampleCallgrind(fn: () => unknown, options: unknown): CallgrindSampleResult | Promise<CallgrindSampleResult> {
  expectFunction('fn', fn);
  const o = readOptions('options', options);
  const events = o.events;
  if (!Array.isArray(events) || events.length === 0 || events.some((e) => typeof e !== 'string')) {
    throw new TypeError(`options.events must be a non-empty array of event names, got ${JSON.stringify(events)}`);
  }
  for (const e of events as string[]) {
    if (!(e in EVENT_BY_NAME)) throw new RangeError(`options.events: "${e}" is not a callgrind event; it counts ${Object.values(CALLGRIND_EVENTS).map((x) => `"${x}"`).join(', ')}`);
  }
  const iterations = o.iterations === undefined ? 1 : expectInteger('options.iterations', o.iterations, 1, 1e7);
  const warmup = o.warmup === undefined ? 1 : expectInteger('options.warmup', o.warmup, 0, 1e7);
  requireInProcess('sample(backend: callgrind)');
  const label = `sample ${process.pid} ${Date.now()}`;
  const finish = (dump: CallgrindDump): CallgrindSampleResult => {
    const counters: Record<string, CallgrindSampleCounter> = {};
    for (const name of events as string[]) {
      const ev = EVENT_BY_NAME[name]!;
      const total = dump.totals[ev];
      counters[name] = total === undefined
        ? { name, callgrindEvent: ev, source: CALLGRIND_SOURCE, state: 'unsupported', total: null, perCall: null, reason: `callgrind counted only ${dump.events.join(', ')}; ${ev} needs valgrind --cache-sim=yes` }
        : { name, callgrindEvent: ev, source: CALLGRIND_SOURCE, state: 'counted', total, perCall: total / iterations, reason: '' };
    }
    return { backend: 'callgrind', iterations, counters };
  };
  const first = fn();
  if (isThenable(first)) return sampleCallgrindAsync(fn, first, warmup, iterations, label, finish);
  for (let w = 1; w < warmup; w++) fn();
  return finish(measureCallgrind(label, () => { for (let k = 0; k < iterations; k++) fn(); }));
}

async function sampleCallgrindAsync(fn: () => unknown, first: PromiseLike<unknown>, warmup: number, iterations: number, label: string,
  finish: (d: CallgrindDump) => CallgrindSampleResult): Promise<CallgrindSampleResult> {
  await first;
  for (let w = 1; w < warmup; w++) await fn();
  // Async calls cannot sit inside one synchronous client-request bracket: each is its own
  // bracket, whatever the event loop runs meanwhile included, and the totals are summed.
  const totals: Record<string, number> = {};
  let events: string[] = [];
  for (let k = 0; k < iterations; k++) {
    let pending: unknown;
    const d = measureCallgrind(`${label} #${k}`, () => { pending = fn(); });
    await pending;
    events = d.events;
    for (const [e, v] of Object.entries(d.totals)) totals[e] = (totals[e] ?? 0) + v;
  }
  return finish({ file: '', label, trigger: 'Client Request', pid: process.pid, part: null, events, totals });
}

function isThenable(x: unknown): x is PromiseLike<unknown> {
  return x !== null && (typeof x === 'object' || typeof x === 'function') && typeof (x as { then?: unknown }).then === 'function';
}

/** Options of runCallgrind(). */
export interface RunCallgrindOptions {
  /** Simulate the caches too (--cache-sim=yes): I1/D1/LL misses. Default false. */
  cacheSim?: boolean;
  /** Instrument from the start (true: a whole binary) or only between client requests (false). Default true. */
  instrAtStart?: boolean;
  /** Follow exec'd children (valgrind --trace-children). Default false. */
  traceChildren?: boolean;
  /** Kill the run after this many ms (SIGKILL). Default 600000. */
  timeoutMs?: number;
  /** Extra environment for the command. */
  env?: NodeJS.ProcessEnv;
  /** Arguments for valgrind itself, before the command. */
  valgrindArgs?: string[];
  /** Where dumps go (a directory that is kept); default a temporary one, removed afterwards. */
  outDir?: string;
  /** Pass the command's stdout/stderr through (default: collected). */
  inherit?: boolean;
}

/** A command's run under callgrind. */
export interface CallgrindRun {
  command: string[];
  exitCode: number | null;
  signal: string | null;
  wallMs: number;
  /** The final dump (program termination): all threads of the main process. */
  final: CallgrindDump | null;
  /** Numbered dumps from client requests, in order. */
  parts: CallgrindDump[];
  stdout: string;
  stderr: string;
  /** Valgrind's own log (its messages, never the command's). */
  valgrindLog: string;
  timedOut: boolean;
}

/** Runs `command` under valgrind --tool=callgrind and parses its dumps. */
export async function runCallgrind(command: readonly string[], options: RunCallgrindOptions = {}): Promise<CallgrindRun> {
  if (!Array.isArray(command) || command.length === 0 || command.some((c) => typeof c !== 'string')) {
    throw new TypeError(`command must be a non-empty array of strings, got ${JSON.stringify(command)}`);
  }
  const valgrind = findValgrind();
  if (valgrind === null) throw new PerfError(`callgrind is unsupported here: valgrind is not installed (Debian: apt-get install ${VALGRIND_PACKAGE})`, { code: 'UNSUPPORTED' });
  const timeoutMs = options.timeoutMs === undefined ? 600_000 : expectInteger('options.timeoutMs', options.timeoutMs, 1, 86_400_000);
  const ownDir = options.outDir === undefined;
  const dir = options.outDir ?? mkdtempSync(join(tmpdir(), 'prtip-perf-callgrind-'));
  const base = join(resolve(dir), 'callgrind.out');
  const log = join(resolve(dir), 'valgrind.log');
  const args = [
    '--tool=callgrind', `--callgrind-out-file=${base}`, `--log-file=${log}`,
    `--instr-atstart=${options.instrAtStart === false ? 'no' : 'yes'}`,
    `--cache-sim=${options.cacheSim ? 'yes' : 'no'}`,
    `--trace-children=${options.traceChildren ? 'yes' : 'no'}`,
    ...(options.valgrindArgs ?? []),
    '--', ...command,
  ];
  const started = Date.now();
  try {
    const child = spawn(valgrind, args, {
      env: { ...process.env, ...options.env, [CALLGRIND_OUT_ENV]: base },
      stdio: options.inherit ? ['ignore', 'inherit', 'inherit'] : ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '', stderr = '', timedOut = false;
    child.stdout?.on('data', (d: Buffer) => { if (stdout.length < 1 << 20) stdout += d.toString(); });
    child.stderr?.on('data', (d: Buffer) => { if (stderr.length < 1 << 20) stderr += d.toString(); });
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, timeoutMs);
    const [exitCode, signal] = await new Promise<[number | null, string | null]>((res, rej) => {
      child.on('error', rej);
      child.on('close', (code, sig) => res([code, sig]));
    }).finally(() => clearTimeout(timer));
    const parts = dumpParts(base).map((p) => parseCallgrindDump(readFileSync(p.file, 'utf8'), p.file));
    const final = existsSync(base) ? parseCallgrindDump(readFileSync(base, 'utf8'), base) : null;
    const valgrindLog = existsSync(log) ? readFileSync(log, 'utf8') : '';
    return { command: [...command], exitCode, signal, wallMs: Date.now() - started, final, parts, stdout, stderr, valgrindLog, timedOut };
  } finally {
    if (ownDir) rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * glibc's allocator internals, by function name. Their instruction counts depend on the heap
 * layout the process happened to build before the block (which bins hold what), so they differ
 * between runs of the same code; everything else in a native block repeats exactly. GCC's clone
 * suffixes (unlink_chunk.constprop.0) are part of the name in the dumps.
 */
export const ALLOCATOR_FUNCTIONS = /^((__libc_)?(malloc|free|cfree|calloc|realloc)|_int_(malloc|free|realloc)\w*|malloc_consolidate|unlink_chunk|sysmalloc|systrim|tcache_\w+|arena_\w+|alloc_perturb|free_perturb)(\.(constprop|isra|part|cold)\.\d+)*$/;

/**
 * Self cost per function (instructions spent in the function itself, calls excluded) of a
 * callgrind output file, summed over its objects and files: name → event → count.
 */
export function selfCostByFunction(text: string): Map<string, Record<string, number>> {
  const names = new Map<string, string>();
  const out = new Map<string, Record<string, number>>();
  let events: string[] = [];
  let positions = 1;
  let fn = '?';
  let skipNext = false;
  const nameOf = (spec: string): string => {
    const m = /^\((\d+)\)(?:\s+(.*))?$/.exec(spec.trim());
    if (!m) return spec.trim();
    if (m[2] !== undefined) names.set(m[1]!, m[2]);
    return names.get(m[1]!) ?? `(${m[1]})`;
  };
  for (const line of text.split('\n')) {
    const c = line.charCodeAt(0);
    if ((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 42) {
      if (skipNext) { skipNext = false; continue; } // the inclusive cost of the call just named
      const tokens = line.trim().split(/\s+/);
      const acc = (out.get(fn) ?? out.set(fn, {}).get(fn))!;
      for (let i = 0; i < events.length; i++) acc[events[i]!] = (acc[events[i]!] ?? 0) + Number(tokens[positions + i] ?? 0);
    } else if (line.startsWith('fn=')) fn = nameOf(line.slice(3));
    else if (line.startsWith('cfn=') || line.startsWith('cfnname=')) nameOf(line.slice(line.indexOf('=') + 1));
    else if (line.startsWith('calls=')) skipNext = true;
    else if (line.startsWith('events:')) events = line.slice(7).trim().split(/\s+/);
    else if (line.startsWith('positions:')) positions = line.slice(10).trim().split(/\s+/).length;
  }
  return out;
}

/** The instructions (per event) a dump spent inside glibc's allocator (ALLOCATOR_FUNCTIONS). */
export function allocatorCost(text: string): Record<string, number> {
  const total: Record<string, number> = {};
  for (const [name, costs] of selfCostByFunction(text)) {
    if (!ALLOCATOR_FUNCTIONS.test(name)) continue;
    for (const [e, v] of Object.entries(costs)) total[e] = (total[e] ?? 0) + v;
  }
  return total;
}

/** Counts per op for one task on the callgrind backend (the shape CountedBench returns). */
export interface CallgrindTaskCounters {
  task: string;
  /** Calls counted (after one uncounted warm-up call). */
  runs: number;
  /** Per op, keyed "instructions (simulated by callgrind)" etc., so they never pass for PMU counts. */
  perOp: Record<string, number | null>;
  /** Empty: callgrind has no perf_event window. */
  window: Record<string, never>;
}

/** Calls per task CountedBench counts on the callgrind backend: exact counts need few. */
export const CALLGRIND_TASK_CALLS = 10;

/**
 * CountedBench's callgrind backend: each task is called once uncounted, then
 * CALLGRIND_TASK_CALLS times inside one counted block (JS included), in the order added.
 * No timing runs: under valgrind times mean nothing.
 */
export class CallgrindTasks {
  private readonly tasks: { name: string; fn: () => unknown }[] = [];
  private readonly events: string[];

  constructor(events: readonly string[]) {
    if (!Array.isArray(events) || events.length === 0) throw new TypeError(`events must be a non-empty array of event names, got ${JSON.stringify(events)}`);
    for (const e of events) {
      if (typeof e !== 'string' || !(e in EVENT_BY_NAME)) {
        throw new RangeError(`events: ${JSON.stringify(e)} is not counted by callgrind; it counts ${Object.values(CALLGRIND_EVENTS).map((x) => `"${x}"`).join(', ')}`);
      }
    }
    this.events = [...events];
  }

  add(name: string, fn: () => unknown): void {
    this.tasks.push({ name, fn });
  }

  /** The tasks' names, in the order added. */
  names(): string[] {
    return this.tasks.map((t) => t.name);
  }

  async run(): Promise<CallgrindTaskCounters[]> {
    const out: CallgrindTaskCounters[] = [];
    for (const t of this.tasks) {
      const r = await sampleCallgrind(t.fn, { events: this.events, iterations: CALLGRIND_TASK_CALLS, warmup: 1 });
      const perOp: Record<string, number | null> = {};
      for (const c of Object.values(r.counters)) perOp[callgrindLabel(c.callgrindEvent)] = c.perCall;
      out.push({ task: t.name, runs: r.iterations, perOp, window: {} });
    }
    return out;
  }
}
