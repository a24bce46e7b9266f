/**
 * The counter engine's TypeScript side: event names, groups, and the arithmetic
 * that turns two cumulative group reads into honest per-window counts.
 *
 * Every counter is in one of three states, never a fake zero:
 * - "counted": opened and scheduled; `value` is scaled by enabled/running time;
 * - "not-counted": opened, but the kernel never scheduled it in this window (running time 0);
 * - "unsupported": it could not be opened here; `reason` says why and how to fix it.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { types } from 'node:util';
import { PerfError } from '../core/errors.js';
import { type CoreNative, type NativeCounterGroup, nativeAddon } from '../core/native.js';
import { describe, expectArray, expectBoolean, expectInteger, expectName, expectNoArguments, expectOneOf, nearNames, readOptions } from '../core/validate.js';

/** The kinds of event, as perf list groups them. */
export type EventKind = 'hardware' | 'hardware-cache' | 'software' | 'tracepoint' | 'raw';

/** One event as probed on this machine. */
export interface EventInfo {
  name: string;
  kind: EventKind;
  /** Whether it opened on this machine, for this process, just now. */
  supported: boolean;
  /** Why not, with the fix where there is one ("" when supported). */
  reason: string;
}

/** Where and how a group counts. */
export interface CounterOptions {
  /** Also count threads (and children) created after the group opens. Default false. */
  inherit?: boolean;
  /** Count another task instead of the calling thread. */
  pid?: number;
  /** Start counting at that task's next execve (for a child that has not exec'd yet). */
  enableOnExec?: boolean;
  /** Force user-only counting; by default kernel work is counted whenever allowed. */
  excludeKernel?: boolean;
}

/** The three states of a counter; see the module comment. */
export type CounterState = 'counted' | 'not-counted' | 'unsupported';

/** One event's count over one window. */
export interface CounterValue {
  name: string;
  kind: EventKind;
  state: CounterState;
  /** Scaled count (raw × enabled / running); null unless counted. */
  value: number | null;
  /** The unscaled delta; null when unsupported. */
  raw: number | null;
  /** Time the event was enabled in this window, ns. */
  enabledNs: number;
  /** Time it was actually on a counter in this window, ns. */
  runningNs: number;
  /** running / enabled: 1 means never multiplexed; null when not counted. */
  runningRatio: number | null;
  /** Why it is unsupported ("" otherwise). */
  reason: string;
  /** errno name for unsupported events, e.g. "ENOENT" ("" otherwise). */
  code: string;
}

/** One cumulative read of a group, as `Counters.snapshot()` returns it. */
export interface CounterSnapshot {
  enabledNs: number;
  runningNs: number;
  /** Raw cumulative values, one per native counter. */
  values: Float64Array;
}

/** perf's own limit on a group is the PMU's; this keeps fd use and read size sane. */
export const MAX_EVENTS = 32;

/** Tracepoints the suites use; listEvents() probes them beside the named table. */
export const SUITE_TRACEPOINTS = [
  'raw_syscalls:sys_enter',
  'syscalls:sys_enter_sendmmsg',
  'syscalls:sys_enter_sendto',
  'syscalls:sys_enter_recvmmsg',
  'syscalls:sys_enter_recvfrom',
  'syscalls:sys_enter_futex',
  'syscalls:sys_enter_connect',
  'syscalls:sys_enter_brk',
  'syscalls:sys_enter_mmap',
  'net:net_dev_xmit',
  'net:netif_receive_skb',
  'skb:kfree_skb',
] as const;

function core(): CoreNative {
  return nativeAddon<CoreNative>();
}

let namedCache: { name: string; kind: EventKind }[] | undefined;
function namedEvents(): { name: string; kind: EventKind }[] {
  namedCache ??= core().namedEvents() as { name: string; kind: EventKind }[];
  return namedCache;
}

/** The mounted tracefs ("" when none): /sys/kernel/tracing or the debugfs copy. */
export function tracefsRoot(): string {
  expectNoArguments('tracefsRoot', arguments);
  return core().tracefsRoot();
}

/**
 * Where tracefs is and how it got there. When none was mounted, the first call in a process
 * mounts it at /sys/kernel/tracing as perf does (root or CAP_SYS_ADMIN); `note` then says so,
 * or, when there is still none, says why and how to mount it.
 */
export function tracefsStatus(): { root: string; mountedHere: boolean; note: string } {
  expectNoArguments('tracefsStatus', arguments);
  return core().tracefsStatus();
}

/** The privilege facts that decide what may be counted. */
export function counterPrivileges(): { paranoid: number; privileged: boolean; countKernel: boolean } {
  expectNoArguments('counterPrivileges', arguments);
  return core().privileges();
}

/** Most extra names listEvents() probes (each is one perf_event_open). */
export const MAX_EXTRA_EVENTS = 1024;
/** Longest event name accepted (perf names and "category:name" tracepoints are far shorter). */
export const MAX_EVENT_NAME_LENGTH = 256;

/**
 * Every named event plus the suites' tracepoints (and any `extra` names), each opened
 * once on this thread to say whether it works here and, if not, why.
 */
export function listEvents(extra: readonly string[] = []): EventInfo[] {
  const extraNames = expectArray('extra', extra, MAX_EXTRA_EVENTS, (name, v) => expectName(name, v, MAX_EVENT_NAME_LENGTH, 'an event name (string)'));
  const names = [...namedEvents().map((e) => e.name), ...SUITE_TRACEPOINTS, ...extraNames];
  return core()
    .probeEvents([...new Set(names)])
    .map((p) => ({ name: p.name, kind: p.kind as EventKind, supported: p.supported, reason: p.reason }));
}

function isTracepointName(name: string): boolean {
  return /^[A-Za-z0-9_.-]+:[A-Za-z0-9_.-]+$/.test(name);
}

function isRawName(name: string): boolean {
  return /^r[0-9a-fA-F]{1,16}$/.test(name);
}

/**
 * Checks an event list at the boundary: an array of 1..MAX_EVENTS distinct known names.
 * Unknown names get a RangeError with near names; a tracepoint whose category exists
 * in tracefs but whose event does not is unknown too.
 */
export function validateEvents(events: unknown, param = 'events'): string[] {
  let isArray: boolean;
  try {
    isArray = Array.isArray(events);
  } catch {
    isArray = false; // a revoked Proxy
  }
  if (!isArray) throw new TypeError(`${param} must be an array of event names, got ${describe(events)}`);
  // expectArray checks the length (one fd each) before reading any element, and refuses holes.
  const names = expectArray(param, events, MAX_EVENTS, (name, v) => expectName(name, v, MAX_EVENT_NAME_LENGTH, 'an event name (string)'));
  if (names.length === 0) throw new RangeError(`${param} must name at least one event, got an empty array`);
  const seen = new Set<string>();
  const table = namedEvents().map((e) => e.name);
  const root = core().tracefsRoot();
  names.forEach((given, i) => {
    if (seen.has(given)) throw new RangeError(`${param}[${i}]: "${given}" is listed twice`);
    seen.add(given);
    const name = withoutModifier(given, table, param, i);
    if (table.includes(name) || isRawName(name)) return;
    if (isTracepointName(name)) {
      if (root === '') return; // cannot check here; it is reported unsupported with the reason
      const [category, event] = name.split(':') as [string, string];
      if (existsSync(join(root, 'events', category, event, 'id'))) return;
      throw new RangeError(`${param}[${i}]: no tracepoint "${name}" under ${join(root, 'events')}${suggest(name, tracepointNames(root, category))}`);
    }
    throw new RangeError(
      `${param}[${i}]: unknown event "${name}"; expected a perf event name (see "prtip-perf events"), ` +
        `"category:name" for a tracepoint, or rNNNN for a raw event${suggest(name, [...table, ...SUITE_TRACEPOINTS])}`,
    );
  });
  return names;
}

/**
 * perf's `:u` (user space only) and `:k` (kernel only) after a named event, a raw event or a
 * tracepoint: the event without it. "category:u" stays a tracepoint name, as in the native side.
 */
function withoutModifier(name: string, table: readonly string[], param: string, i: number): string {
  const m = /^(.+):([A-Za-z]+)$/.exec(name);
  if (!m) return name;
  const [, base, modifiers] = m as unknown as [string, string, string];
  if (!(table.includes(base) || isRawName(base) || base.includes(':'))) return name;
  if (!/^[uk]+$/.test(modifiers)) throw new RangeError(`${param}[${i}]: "${name}": modifier ":${modifiers}" is not supported; use :u (user space only) or :k (kernel only)`);
  return base;
}

/** Events as perf's -e gives them: names in order, and each one's perf_event group number. */
export interface EventGroups {
  events: string[];
  /** One per event: events with the same number are opened as one group (scheduled together). */
  groups: number[];
}

/**
 * Parses perf's -e syntax: comma-separated events, each a group of its own, and `{a,b}` for
 * events opened as one group, scheduled together (perf's group modifier `{a,b}:u` gives each
 * member `:u`). Names are checked as validateEvents checks them.
 */
export function parseEventGroups(text: string, param = 'events'): EventGroups {
  const events: string[] = [];
  const groups: number[] = [];
  let group = 0;
  let i = 0;
  const fail = (what: string): never => {
    throw new RangeError(`${param}: ${what} in "${text}"`);
  };
  while (i < text.length) {
    if (text[i] === ',') {
      i++;
      continue;
    }
    if (text[i] === '{') {
      const close = text.indexOf('}', i);
      if (close < 0) fail('"{" without its "}"');
      const members = text.slice(i + 1, close).split(',').map((s) => s.trim());
      if (members.some((s) => s === '' || s.includes('{'))) fail('an empty or nested event inside {...}');
      let end = close + 1;
      let modifier = '';
      const m = /^:([A-Za-z]+)/.exec(text.slice(end));
      if (m) {
        modifier = `:${m[1]}`;
        end += m[0].length;
      }
      if (end < text.length && text[end] !== ',') fail(`"${text.slice(end, end + 10)}" after a group's "}"`);
      for (const member of members) {
        events.push(member + modifier);
        groups.push(group);
      }
      group++;
      i = end;
      continue;
    }
    let end = text.indexOf(',', i);
    if (end < 0) end = text.length;
    const name = text.slice(i, end).trim();
    if (name.includes('}') || name.includes('{')) fail(`"${name}": a brace outside a {a,b} group`);
    if (name !== '') {
      events.push(name);
      groups.push(group++);
    }
    i = end;
  }
  return { events: validateEvents(events, param), groups };
}

function suggest(name: string, candidates: readonly string[]): string {
  const near = nearNames(name, candidates);
  return near.length > 0 ? ` (did you mean ${near.map((n) => `"${n}"`).join(' or ')}?)` : '';
}

function tracepointNames(root: string, category: string): string[] {
  try {
    return readdirSync(join(root, 'events', category)).map((e) => `${category}:${e}`);
  } catch {
    return []; // no such category: nothing to suggest
  }
}

/** Validates CounterOptions at the boundary. */
export function validateCounterOptions(options: unknown, param = 'options'): CounterOptions {
  if (options === undefined) return {};
  const o = readOptions(param, options);
  const out: CounterOptions = {};
  for (const key of Object.keys(o)) {
    if (!['inherit', 'pid', 'enableOnExec', 'excludeKernel'].includes(key)) {
      throw new RangeError(`${param}.${key} is not an option; expected inherit, pid, enableOnExec or excludeKernel`);
    }
  }
  if (o.inherit !== undefined) out.inherit = expectBoolean(`${param}.inherit`, o.inherit);
  if (o.pid !== undefined) out.pid = expectInteger(`${param}.pid`, o.pid, 1, 2 ** 22);
  if (o.enableOnExec !== undefined) out.enableOnExec = expectBoolean(`${param}.enableOnExec`, o.enableOnExec);
  if (o.excludeKernel !== undefined) out.excludeKernel = expectBoolean(`${param}.excludeKernel`, o.excludeKernel);
  return out;
}

/**
 * Scales a raw window count for multiplexing: value × enabled / running.
 * Returns null value/ratio when the counter never ran in the window.
 */
export function scaleCount(raw: number, enabledNs: number, runningNs: number): { value: number | null; ratio: number | null } {
  if (runningNs <= 0) return { value: null, ratio: null };
  if (enabledNs <= 0 || runningNs >= enabledNs) return { value: raw, ratio: 1 };
  return { value: (raw * enabledNs) / runningNs, ratio: runningNs / enabledNs };
}

interface Slot {
  name: string;
  kind: EventKind;
  /** Index into the native group's values, or -1 when unsupported. */
  nativeIndex: number;
  reason: string;
  code: string;
}

/**
 * An open counter group. Read it as often as needed; one read is one syscall.
 * Close it (or use `using`) to release its fds; a finalizer closes it otherwise.
 */
/**
 * E is the union of the event names when they are known to the compiler (a literal list, or one
 * `as const`), so delta()'s result has exactly those keys; with a string[] it is just string.
 */
export class Counters<E extends string = string> implements Disposable {
  /** Event names in the order given. */
  readonly events: readonly E[];
  /** Whether kernel-mode work is excluded (decided from perf_event_paranoid and privileges). */
  readonly excludeKernel: boolean;
  private readonly group: NativeCounterGroup | null;
  private readonly slots: Slot[];
  private readonly buffer: Float64Array;
  // Private (#) so that a method called on anything but a Counters is caught (see #check).
  #closed = false;

  /** @internal use openCounters() */
  constructor(events: string[], options: CounterOptions) {
    events = validateEvents(events);
    options = validateCounterOptions(options);
    this.events = Object.freeze([...events]) as readonly string[] as readonly E[];
    // Every event goes to the native group, which reports a tracepoint it cannot resolve
    // (no tracefs) as unsupported with the reason, the same way for every caller.
    const nativeNames = [...events];
    this.slots = events.map((name, i) => ({ name, kind: 'software' as EventKind, nativeIndex: i, reason: '', code: '' }));
    this.group = nativeNames.length > 0 ? new (core().CounterGroup)(nativeNames, options) : null;
    const infos = this.group?.describe() ?? [];
    for (const slot of this.slots) {
      if (slot.nativeIndex < 0) continue;
      const info = infos[slot.nativeIndex]!;
      slot.kind = info.kind as EventKind;
      if (!info.opened) {
        slot.reason = info.reason;
        slot.code = info.code;
        slot.nativeIndex = -1;
      }
    }
    this.excludeKernel = this.group?.excludeKernel ?? false;
    this.buffer = new Float64Array(nativeNames.length + 2);
  }

  /** Events that could not be opened here, with reasons. */
  get unsupported(): { name: string; code: string; reason: string }[] {
    Counters.#check(this, 'unsupported');
    return this.slots.filter((s) => s.nativeIndex < 0).map(({ name, code, reason }) => ({ name, code, reason }));
  }

  /** Starts counting (all members at once). */
  enable(): void {
    expectNoArguments('Counters.enable', arguments);
    Counters.#ensureOpen(this, 'enable');
    this.group?.enable();
  }

  /** Stops counting; values are kept. */
  disable(): void {
    expectNoArguments('Counters.disable', arguments);
    Counters.#ensureOpen(this, 'disable');
    this.group?.disable();
  }

  /** Zeroes the counts (time enabled/running keep running). */
  reset(): void {
    expectNoArguments('Counters.reset', arguments);
    Counters.#ensureOpen(this, 'reset');
    this.group?.reset();
  }

  /** One cumulative read of the whole group. */
  snapshot(): CounterSnapshot {
    expectNoArguments('Counters.snapshot', arguments);
    Counters.#ensureOpen(this, 'snapshot');
    this.group?.readInto(this.buffer);
    return { enabledNs: this.buffer[0]!, runningNs: this.buffer[1]!, values: this.buffer.slice(2) };
  }

  /** Zero-allocation read into a caller-owned array (length ≥ size + 2): [enabled, running, ...raw]. */
  readInto(out: Float64Array): void {
    Counters.#ensureOpen(this, 'readInto');
    if (!types.isFloat64Array(out)) throw new TypeError(`out must be a Float64Array, got ${describe(out)}`);
    if (out.length < this.buffer.length) {
      throw new RangeError(`out must have at least ${this.buffer.length} elements (readLength), got a Float64Array of length ${out.length}`);
    }
    this.group?.readInto(out);
  }

  /**
   * The floor readInto() and an enable/readInto/disable bracket are judged against:
   * `iterations` bare read()s of this group's fd, or bare enable + read + disable ioctls,
   * issued in one native loop (bench/suites/counters.bench.ts times them beside ours).
   */
  referenceLoop(kind: 'read' | 'bracket', iterations: number): void {
    Counters.#ensureOpen(this, 'referenceLoop');
    const k = expectOneOf('kind', kind, ['read', 'bracket'] as const);
    expectInteger('iterations', iterations, 0, 1e7);
    this.group?.referenceLoop(k === 'read' ? 0 : 1, iterations);
  }

  /** Length the array given to readInto() needs. */
  get readLength(): number {
    Counters.#check(this, 'readLength');
    return this.buffer.length;
  }

  /** The counts between two snapshots, keyed by event name, in the order given. */
  delta(before: CounterSnapshot, after: CounterSnapshot): Record<E, CounterValue> {
    Counters.#check(this, 'delta');
    this.expectSnapshot('before', before);
    this.expectSnapshot('after', after);
    return this.deltaFromRaw(
      after.enabledNs - before.enabledNs,
      after.runningNs - before.runningNs,
      (i) => after.values[i]! - before.values[i]!,
    );
  }

  /** Same as delta(), from raw per-native-index deltas (used by sample()). */
  deltaFromRaw(enabledNs: number, runningNs: number, rawDelta: (nativeIndex: number) => number): Record<string, CounterValue> {
    Counters.#check(this, 'deltaFromRaw');
    const out: Record<string, CounterValue> = {};
    for (const slot of this.slots) {
      if (slot.nativeIndex < 0) {
        out[slot.name] = {
          name: slot.name, kind: slot.kind, state: 'unsupported', value: null, raw: null,
          enabledNs: 0, runningNs: 0, runningRatio: null, reason: slot.reason, code: slot.code,
        };
        continue;
      }
      const raw = rawDelta(slot.nativeIndex);
      const { value, ratio } = scaleCount(raw, enabledNs, runningNs);
      out[slot.name] = {
        name: slot.name, kind: slot.kind, state: value === null ? 'not-counted' : 'counted', value, raw,
        enabledNs, runningNs, runningRatio: ratio, reason: '', code: '',
      };
    }
    return out;
  }

  /** Native index of an event (-1 when unsupported). */
  indexOf(name: string): number {
    Counters.#check(this, 'indexOf');
    const slot = this.slots.find((s) => s.name === name);
    return slot === undefined || slot.nativeIndex < 0 ? -1 : slot.nativeIndex;
  }

  /** Releases the fds. Safe to call twice. */
  close(): void {
    Counters.#check(this, 'close');
    if (this.#closed) return;
    this.#closed = true;
    this.group?.close();
  }

  [Symbol.dispose](): void {
    this.close();
  }

  static #check(self: unknown, member: string): asserts self is Counters {
    if (typeof self !== 'object' || self === null || !(#closed in self)) {
      throw new TypeError(`Counters.${member}: the receiver (this) must be a Counters from openCounters(), got ${describe(self)}`);
    }
  }

  static #ensureOpen(self: unknown, what: string): asserts self is Counters {
    Counters.#check(self, what);
    if (self.#closed) throw new PerfError(`cannot ${what}: the counter group is closed`, { code: 'GROUP_CLOSED' });
  }

  private expectSnapshot(param: string, value: unknown): void {
    const expected = this.buffer.length - 2;
    const fits = (): boolean => {
      const o = value as Partial<CounterSnapshot> | null;
      return typeof o === 'object' && o !== null && typeof o.enabledNs === 'number' && typeof o.runningNs === 'number' &&
        types.isFloat64Array(o.values) && o.values.length === expected;
    };
    let ok: boolean;
    try {
      ok = fits();
    } catch {
      ok = false; // a getter or Proxy trap threw
    }
    if (!ok) {
      throw new TypeError(`${param} must be a snapshot() of this group ({enabledNs, runningNs, values: Float64Array(${expected})}), got ${describe(value)}`);
    }
  }
}

/**
 * Opens a group counting `events` on the calling thread (or `options.pid`).
 * It starts disabled: call enable(), or use sample().
 */
export function openCounters<const E extends string>(events: readonly E[], options?: CounterOptions): Counters<E> {
  const names = validateEvents(events);
  const opts = validateCounterOptions(options);
  return new Counters<E>(names, opts);
}
