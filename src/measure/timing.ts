/**
 * Clocks and the N-API floor. TSC ticks are reference cycles at a fixed rate,
 * measured against CLOCK_MONOTONIC; they are not core cycles.
 */
import { type CoreNative, nativeAddon } from '../core/native.js';
import { expectNoArguments } from '../core/validate.js';

/** One N-API call that does nothing: the floor under every native measurement. */
export function noop(): void {
  expectNoArguments('noop', arguments);
  nativeAddon<CoreNative>().noop();
}

/** CLOCK_MONOTONIC in ns. */
export function monotonicNs(): number {
  expectNoArguments('monotonicNs', arguments);
  return nativeAddon<CoreNative>().monotonicNs();
}

/** Measured TSC rate in Hz (0 where there is no TSC). Cached after the first call (~100 ms). */
export function tscHz(): number {
  expectNoArguments('tscHz', arguments);
  return nativeAddon<CoreNative>().tscHz();
}
