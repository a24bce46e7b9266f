/**
 * The perf_event backend of sample(fn, {events}): counters around each call of a function, per
 * call and in total, with wall time. The cost of an empty bracket (the reads and clock calls
 * themselves) is calibrated once per group and subtracted unless asked not to.
 *
 * Async functions are awaited inside the bracket, so whatever else the event loop
 * runs meanwhile (timers, I/O callbacks, GC) is counted too. That is the honest
 * cost of the call in this process, not of the function alone.
 */
import { type CounterOptions, type CounterState, type Counters, type EventKind, openCounters, validateCounterOptions, validateEvents } from './counters.js';
import { median } from '../core/stats.js';
import { expectBoolean, expectFunction, expectInteger, readOptions } from '../core/validate.js';

/**
 * Options for sample() on perf_event (sample.ts adds `backend`). E is the union of the event names when the compiler knows them (a
 * literal list or one `as const`): the result's counters then have exactly those keys.
 */
export interface PerfEventSampleOptions<E extends string = string> {
  /** Event names (perf's), tracepoints as "category:name". */
  events: readonly E[];
  /** Measured calls. Default 1. */
  iterations?: number;
  /** Unmeasured calls first. Default 0. */
  warmup?: number;
  /** Subtract the calibrated empty-bracket cost from every call. Default true. */
  subtractOverhead?: boolean;
  /** Group options (inherit, excludeKernel, ...). */
  counters?: CounterOptions;
}

/** One event over all measured calls. */
export interface SampleCounter {
  name: string;
  kind: EventKind;
  /** "counted" only if every call was counted. */
  state: CounterState;
  /** Sum over calls (overhead subtracted if enabled); null unless counted. */
  total: number | null;
  /** Per call; null for a call in which it was not counted. */
  perCall: (number | null)[];
  /** Median per call; null unless counted. */
  median: number | null;
  /** Lowest running/enabled ratio seen (1 = never multiplexed). */
  runningRatio: number | null;
  reason: string;
  code: string;
}

/** The cost of an empty bracket, measured at the start. */
export interface BracketOverhead {
  /** Median wall time of the clock pair, ns. */
  wallNs: number;
  /** Median count each event records for an empty bracket (its own reads). */
  counters: Record<string, number | null>;
  /** How many empty brackets the medians come from. */
  brackets: number;
}

/** What sample() returns; `counters` is keyed by the event names given (E). */
export interface SampleResult<E extends string = string> {
  iterations: number;
  async: boolean;
  wallNs: { total: number; median: number; min: number; max: number; perCall: number[] };
  counters: Record<E, SampleCounter>;
  overhead: BracketOverhead;
  overheadSubtracted: boolean;
  excludeKernel: boolean;
}

const CALIBRATION_BRACKETS = 201;
const now = (): number => Number(process.hrtime.bigint());

/**
 * Measures the empty bracket exactly as sample() brackets a call: read, clock,
 * clock, read. The group must be enabled.
 */
export function calibrateBracket(group: Counters, brackets = CALIBRATION_BRACKETS): BracketOverhead {
  const a = new Float64Array(group.readLength), b = new Float64Array(group.readLength);
  const wall: number[] = [];
  const perEvent: number[][] = group.events.map(() => []);
  const indices = group.events.map((e) => group.indexOf(e));
  for (let k = 0; k < brackets; k++) {
    group.readInto(a);
    const t0 = now();
    const t1 = now();
    group.readInto(b);
    wall.push(t1 - t0);
    indices.forEach((idx, e) => {
      if (idx >= 0) perEvent[e]!.push(b[2 + idx]! - a[2 + idx]!);
    });
  }
  const counters: Record<string, number | null> = {};
  group.events.forEach((name, e) => {
    counters[name] = indices[e]! >= 0 ? median(perEvent[e]!) : null;
  });
  return { wallNs: median(wall), counters, brackets };
}

function validateSampleOptions(options: unknown): Required<Omit<PerfEventSampleOptions, 'counters'>> & { counters: CounterOptions } {
  const o = readOptions('options', options); // one read each: a throwing getter names its key
  return {
    events: validateEvents(o.events, 'options.events'),
    iterations: o.iterations === undefined ? 1 : expectInteger('options.iterations', o.iterations, 1, 1e7),
    warmup: o.warmup === undefined ? 0 : expectInteger('options.warmup', o.warmup, 0, 1e7),
    subtractOverhead: o.subtractOverhead === undefined ? true : expectBoolean('options.subtractOverhead', o.subtractOverhead),
    counters: validateCounterOptions(o.counters, 'options.counters'),
  };
}

interface Raw {
  wall: number[];
  enabled: number[];
  running: number[];
  deltas: number[][]; // [call][nativeIndex]
}

/** Appends one call: wall time and the per-counter deltas between reads a and b. */
function recordCall(raw: Raw, a: Float64Array, b: Float64Array, t0: number, t1: number): void {
  raw.wall.push(t1 - t0);
  raw.enabled.push(b[0]! - a[0]!);
  raw.running.push(b[1]! - a[1]!);
  const d = new Array<number>(a.length - 2);
  for (let i = 2; i < a.length; i++) d[i - 2] = b[i]! - a[i]!;
  raw.deltas.push(d);
}

function summarise(group: Counters, raw: Raw, overhead: BracketOverhead, subtract: boolean, isAsync: boolean): SampleResult {
  const n = raw.wall.length;
  const wall = raw.wall.map((w) => (subtract ? Math.max(0, w - overhead.wallNs) : w));
  const counters: Record<string, SampleCounter> = {};
  for (let c = 0; c < n; c++) {
    const values = group.deltaFromRaw(raw.enabled[c]!, raw.running[c]!, (i) => raw.deltas[c]![i]!);
    for (const [name, v] of Object.entries(values)) {
      const entry = (counters[name] ??= {
        name, kind: v.kind, state: v.state, total: null, perCall: [], median: null, runningRatio: null, reason: v.reason, code: v.code,
      });
      let value = v.value;
      const cost = overhead.counters[name];
      if (value !== null && subtract && cost !== null && cost !== undefined) value = Math.max(0, value - cost);
      entry.perCall.push(value);
      if (v.state === 'not-counted' && entry.state === 'counted') entry.state = 'not-counted';
      if (v.runningRatio !== null) entry.runningRatio = Math.min(entry.runningRatio ?? 1, v.runningRatio);
    }
  }
  for (const entry of Object.values(counters)) {
    if (entry.state !== 'counted') continue;
    const vals = entry.perCall as number[];
    entry.total = vals.reduce((a, b) => a + b, 0);
    entry.median = median(vals);
  }
  return {
    iterations: n,
    async: isAsync,
    wallNs: { total: wall.reduce((a, b) => a + b, 0), median: median(wall), min: Math.min(...wall), max: Math.max(...wall), perCall: wall },
    counters,
    overhead,
    overheadSubtracted: subtract,
    excludeKernel: group.excludeKernel,
  };
}

/**
 * sample() on perf_event: runs `fn` `iterations` times with the counters read around each call.
 * Returns a promise when `fn` is async (returns a thenable on its first call), else the result.
 */
export function samplePerfEvent(fn: () => unknown, options: unknown): SampleResult | Promise<SampleResult> {
  expectFunction('fn', fn);
  const opts = validateSampleOptions(options);
  const group = openCounters(opts.events, opts.counters);
  let handedOff = false;
  try {
    group.enable();
    const overhead = calibrateBracket(group);
    const len = group.readLength;
    const a = new Float64Array(len), b = new Float64Array(len);
    const raw: Raw = { wall: [], enabled: [], running: [], deltas: [] };
    for (let w = 0; w < opts.warmup; w++) {
      const r = fn();
      if (isThenable(r)) {
        handedOff = true;
        return sampleAsync(fn, opts, group, overhead, r, w + 1);
      }
    }
    for (let k = 0; k < opts.iterations; k++) {
      group.readInto(a);
      const t0 = now();
      const r = fn();
      const t1 = now();
      group.readInto(b);
      if (isThenable(r)) {
        // Async after all: this call's bracket did not include its completion, so restart measured.
        handedOff = true;
        return sampleAsync(fn, opts, group, overhead, r, opts.warmup);
      }
      recordCall(raw, a, b, t0, t1);
    }
    return summarise(group, raw, overhead, opts.subtractOverhead, false);
  } finally {
    if (!handedOff) group.close();
  }
}

function isThenable(x: unknown): x is PromiseLike<unknown> {
  return x !== null && (typeof x === 'object' || typeof x === 'function') && typeof (x as { then?: unknown }).then === 'function';
}

async function sampleAsync(
  fn: () => unknown,
  opts: ReturnType<typeof validateSampleOptions>,
  group: Counters,
  overhead: BracketOverhead,
  pending: PromiseLike<unknown>,
  warmupsDone: number,
): Promise<SampleResult> {
  try {
    await pending;
    for (let w = warmupsDone; w < opts.warmup; w++) await fn();
    const len = group.readLength;
    const a = new Float64Array(len), b = new Float64Array(len);
    const raw: Raw = { wall: [], enabled: [], running: [], deltas: [] };
    for (let k = 0; k < opts.iterations; k++) {
      group.readInto(a);
      const t0 = now();
      await fn();
      const t1 = now();
      group.readInto(b);
      recordCall(raw, a, b, t0, t1);
    }
    return summarise(group, raw, overhead, opts.subtractOverhead, true);
  } finally {
    group.close();
  }
}
