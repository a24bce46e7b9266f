/**
 * sample(fn, {events}): counters around each call of a function, per call and in total. The
 * counting is the backend's (`options.backend`, a name in src/measure/backends/index.ts):
 * perf_event by default (src/measure/perf-event-sample.ts), callgrind's simulated instructions in
 * a process under valgrind (src/measure/callgrind.ts).
 *
 * Async functions are awaited inside the bracket, so whatever else the event loop runs meanwhile
 * (timers, I/O callbacks, GC) is counted too. That is the honest cost of the call in this
 * process, not of the function alone.
 */
import type { CallgrindSampleResult } from './callgrind.js';
import { backendOf, type CounterBackendName } from './backends/index.js';
import type { PerfEventSampleOptions, SampleResult } from './perf-event-sample.js';

export { type BracketOverhead, calibrateBracket, type SampleCounter, type SampleResult } from './perf-event-sample.js';

/**
 * Options for sample(). E is the union of the event names when the compiler knows them (a
 * literal list or one `as const`): the result's counters then have exactly those keys.
 */
export interface SampleOptions<E extends string = string> extends PerfEventSampleOptions<E> {
  /**
   * Where counts come from: 'perf_event' (default) or 'callgrind' (instructions simulated by
   * callgrind, in a process run under valgrind --tool=callgrind --instr-atstart=no; returns a
   * CallgrindSampleResult, see src/measure/callgrind.ts). The names are src/measure/backends/index.ts's.
   */
  backend?: CounterBackendName;
}

/**
 * What sample() returns for a function returning R: a Promise for a function that
 * returns a promise (async), the result itself for one that does not. A function whose
 * return type is `unknown` or `any`, or a union of both kinds, may be either, so it gets
 * the union: declare its return type to get one of them.
 */
export type SampleReturn<R, T = SampleResult> = 0 extends 1 & R
  ? T | Promise<T> // R is any
  : unknown extends R
    ? T | Promise<T>
    : [R] extends [PromiseLike<unknown>]
      ? Promise<T>
      : [R] extends [Exclude<R, PromiseLike<unknown>>] ? T : T | Promise<T>;

/**
 * Runs `fn` `iterations` times with the backend's counters around the calls. Returns a
 * promise when `fn` is async (returns a thenable on its first call), else the result.
 */
export function sample(fn: () => PromiseLike<unknown>, options: SampleOptions & { backend: 'callgrind' }): Promise<CallgrindSampleResult>;
export function sample<R>(fn: () => R, options: SampleOptions & { backend: 'callgrind' }): SampleReturn<R, CallgrindSampleResult>;
export function sample<const E extends string>(fn: () => PromiseLike<unknown>, options: SampleOptions<E>): Promise<SampleResult<E>>;
export function sample<R, const E extends string>(fn: () => R, options: SampleOptions<E>): SampleReturn<R, SampleResult<E>>;
export function sample(fn: () => unknown, options: SampleOptions): unknown {
  return backendOf(options).sample(fn, options);
}
