/**
 * Bad arguments for the property-based boundary tests (fast-check), and the runner
 * that checks each bad call ends in a TypeError, RangeError or PerfError whose
 * message names the parameter.
 *
 * A target lists its parameters ("slots"), each with an arbitrary of values that are
 * wrong for it; a case corrupts exactly one slot and keeps every other argument
 * valid, so the call must fail and the error must name that slot. Valid defaults are
 * cheap (no call here ever does real work when it wrongly succeeds).
 *
 * A crash (SIGSEGV, an ASan report, std::terminate) kills the vitest fork that runs
 * the file, and vitest reports the file as failed: a crash fails the test.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { PerfError } from '../src/core/errors.js';

/** Bad calls per export and API (the issue asks for at least 1,000). */
export const RUNS = Number(process.env.PRTIP_FUZZ_RUNS ?? 1000);

/** A fresh Buffer whose ArrayBuffer has been transferred away (its length then reads 0). */
export function detachedBuffer(bytes = 16): Buffer {
  const arrayBuffer = new ArrayBuffer(bytes);
  const view = Buffer.from(arrayBuffer);
  structuredClone(arrayBuffer, { transfer: [arrayBuffer] });
  return view;
}

/**
 * A value made only when the call is made. fast-check inspects what arbitraries
 * produce (e.g. `cloneMethod in value`), which a throwing or revoked Proxy would
 * answer with an exception inside fast-check itself.
 */
export class Lazy {
  constructor(readonly make: () => unknown) {}
}
const lazy = (...makers: (() => unknown)[]): fc.Arbitrary<unknown> => fc.constantFrom(...makers).map((make) => new Lazy(make));

/** The call's real value: Lazy values made, short arrays and plain records resolved one level down. */
export function resolve(value: unknown): unknown {
  if (value instanceof Lazy) return value.make();
  if (Array.isArray(value) && value.length <= 64) return value.map(resolve); // map keeps holes
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype &&
    Object.values(value).some((v) => v instanceof Lazy)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v)]));
  }
  return value;
}

const boom = (): never => {
  throw new Error('a trap or getter threw');
};
const throwingHandler: ProxyHandler<object> = {
  get: boom, has: boom, ownKeys: boom, getOwnPropertyDescriptor: boom, getPrototypeOf: boom, set: boom, defineProperty: boom,
};

/** Proxies whose every trap throws, and revoked proxies: fresh each time. */
export const hostileProxies: fc.Arbitrary<unknown> = lazy(
    () => new Proxy({}, throwingHandler),
    () => new Proxy([], throwingHandler),
    () => new Proxy(Buffer.alloc(8), throwingHandler),
    () => new Proxy(new Float64Array(8), throwingHandler),
    () => {
      const { proxy, revoke } = Proxy.revocable({}, {});
      revoke();
      return proxy;
    },
    () => {
      const { proxy, revoke } = Proxy.revocable([], {});
      revoke();
      return proxy;
    },
  );

/** The proxies, and objects whose conversions (valueOf, toString, toPrimitive) throw. */
export const hostile: fc.Arbitrary<unknown> = fc.oneof(
  hostileProxies,
  lazy(
    () => Object.defineProperty({}, 'valueOf', { get: boom }),
    () => ({ [Symbol.toPrimitive]: boom, toString: boom, valueOf: boom }),
  ),
);

const primitivesNotNumber: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
  fc.constant(Symbol('bad')),
);

const objectsNotNumber: fc.Arbitrary<unknown> = fc.oneof(
  fc.object({ maxDepth: 1, maxKeys: 3 }),
  fc.array(fc.integer(), { maxLength: 4 }),
  fc.constant(() => 1),
  fc.constant(Object(1) as unknown),
  fc.constant(new Date(0) as unknown),
);

/** Anything that is not a number (primitives, objects, hostile objects). */
export const notNumber: fc.Arbitrary<unknown> = fc.oneof(primitivesNotNumber, objectsNotNumber, hostile);

/** Anything that is not a string. */
export const notString: fc.Arbitrary<unknown> = fc.oneof(
  fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.constant(Symbol('bad')), objectsNotNumber, hostile,
  fc.constant(Object('tcp') as unknown),
);

/** Anything that is not a boolean. */
export const notBoolean: fc.Arbitrary<unknown> = fc.oneof(
  fc.double(), fc.string({ maxLength: 8 }), fc.constant(null), fc.constant(0), fc.constant(1), objectsNotNumber, hostile,
  fc.constant(Object(true) as unknown),
);

/**
 * Values that are not an integer in [min, max]: wrong types, NaN, ±Infinity,
 * fractions, just outside either end, huge, and values that wrap to a valid one
 * under a 32-bit cast.
 */
export function badInteger(min: number, max: number): fc.Arbitrary<unknown> {
  const invalid = (d: number): boolean => !(Number.isInteger(d) && d >= min && d <= max);
  return fc.oneof(
    notNumber,
    fc.constantFrom(Number.NaN, Infinity, -Infinity, 1e30, -1e30, 2 ** 32 + min, 2 ** 32 + max, 2 ** 64, -(2 ** 31), 2 ** 53 + 2,
      Number.MAX_VALUE, -Number.MAX_VALUE, Number.MIN_VALUE, min - 1, max + 1, min + 0.5, max - 0.5, min - 1e-9, max + 1e-9).filter(invalid),
    fc.double({ noNaN: true }).filter(invalid),
    fc.double({ min: max + 1, max: 1e300, noNaN: true }),
    fc.double({ min: -1e300, max: min - 1, noNaN: true }),
    fc.double({ min, max, noNaN: true }).filter((d) => !Number.isInteger(d)),
  );
}

/** Values that are neither of the allowed strings (or numbers). */
export function badChoice(allowed: readonly (string | number)[]): fc.Arbitrary<unknown> {
  return fc.oneof(
    notString.filter((v) => !allowed.includes(v as string | number)),
    fc.string({ maxLength: 10 }).filter((s) => !allowed.includes(s)),
    fc.constantFrom(...allowed.map((a) => `${String(a).toUpperCase()} `), ...allowed.map((a) => `${a}\0`)),
  );
}

/** Not a Buffer for the TS API: wrong types, typed arrays other than Buffer, detached Buffers. */
export const notBufferTs: fc.Arbitrary<unknown> = fc.oneof(
  notNumber,
  fc.double(),
  fc.constantFrom<(() => unknown)[]>(
    () => new Uint8Array(8), () => new Uint16Array(4), () => new ArrayBuffer(8), () => new DataView(new ArrayBuffer(8)),
    () => detachedBuffer(), () => 'abcd',
  ).map((make) => make()),
);

/** Not a Buffer for the native exports (any Uint8Array is one there; a detached one is not). */
export const notBufferNative: fc.Arbitrary<unknown> = fc.oneof(
  notNumber,
  fc.double(),
  fc.constantFrom<(() => unknown)[]>(
    () => new Uint16Array(4), () => new Float64Array(2), () => new ArrayBuffer(8), () => new DataView(new ArrayBuffer(8)),
    () => detachedBuffer(),
  ).map((make) => make()),
);

/** A Buffer of a length other than `length` (for fixed-size addresses). */
export function wrongLengthBuffer(length: number): fc.Arbitrary<unknown> {
  return fc.integer({ min: 0, max: 64 }).filter((n) => n !== length).map((n) => Buffer.alloc(n));
}

/** Not a dense array of at most maxLength elements: not arrays, holes, too long, proxies. */
export function badArrayShape(maxLength: number, validElement: () => unknown): fc.Arbitrary<unknown> {
  return fc.oneof(
    notNumber.filter((v) => !Array.isArray(v)),
    fc.string({ minLength: 1, maxLength: 8 }),
    lazy(() => new Array(maxLength + 1), () => new Array(2 ** 16), () => new Array(2 ** 32 - 1)),
    fc.constantFrom(maxLength + 1, maxLength + 7).map((n) => Array.from({ length: n }, validElement)),
    fc.integer({ min: 1, max: Math.min(5, maxLength) }).chain((n) =>
      fc.integer({ min: 0, max: n - 1 }).map((hole) => {
        const a: unknown[] = Array.from({ length: n }, validElement);
        delete a[hole];
        return a;
      }),
    ),
    lazy(() => {
      const a = [validElement()];
      Object.defineProperty(a, 0, { get: boom, enumerable: true });
      return a;
    }),
  );
}

/** One parameter of a target: its name (as the error must say it) and what is wrong for it. */
export interface Slot {
  name: string;
  bad: fc.Arbitrary<unknown>;
  /** What the message must contain, when not the slot name itself (e.g. the class for `this`). */
  says?: RegExp;
}

/** What each target got, for the summary the suite prints. */
export const callCounts = new Map<string, number>();

const isExpectedError = (e: unknown): e is Error => e instanceof TypeError || e instanceof RangeError || e instanceof PerfError;

/**
 * Runs `runs` bad calls of one target: call(slot, value) must make the call with
 * that slot set to value and everything else valid. Returns the number of calls.
 */
export function fuzzTarget(label: string, slots: Slot[], call: (slot: string, value: unknown) => unknown, runs = RUNS): number {
  let calls = 0;
  const cases = fc.oneof(...slots.map((slot) => slot.bad.map((value) => ({ slot, value }))));
  fc.assert(
    fc.property(cases, ({ slot, value }) => {
      calls++;
      let thrown: unknown;
      let threw = false;
      try {
        call(slot.name, resolve(value));
      } catch (e) {
        threw = true;
        thrown = e;
      }
      if (!threw) throw new Error(`${label}: a bad ${slot.name} was accepted`);
      if (!isExpectedError(thrown)) {
        throw new Error(`${label}: a bad ${slot.name} threw ${Object.prototype.toString.call(thrown)}, not a TypeError, RangeError or PerfError: ${String((thrown as Error)?.message)}`);
      }
      const says = slot.says ?? new RegExp(slot.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
      if (!says.test(thrown.message)) throw new Error(`${label}: the error for a bad ${slot.name} does not name it: ${thrown.name}: ${thrown.message}`);
    }),
    { numRuns: runs, endOnFailure: true },
  );
  callCounts.set(label, (callCounts.get(label) ?? 0) + calls);
  expect(calls).toBeGreaterThanOrEqual(runs);
  return calls;
}

/** The value of `slot` in a case: the bad value when it is the corrupted one, else the valid default. */
export function arg(slot: string, value: unknown, name: string, valid: unknown): unknown {
  return slot === name ? value : valid;
}

/** A copy of `valid` with key set to value when slot is `${prefix}.${key}` for one of its keys. */
export function withField(slot: string, value: unknown, prefix: string, valid: Record<string, unknown>): Record<string, unknown> {
  const out = { ...valid };
  if (slot.startsWith(`${prefix}.`)) out[slot.slice(prefix.length + 1)] = value;
  return out;
}

/** Prints the number of bad calls per target (the figure). */
export function printCounts(title: string): void {
  const rows = [...callCounts].map(([label, n]) => `  ${label}: ${n}`).join('\n');
  const total = [...callCounts.values()].reduce((a, b) => a + b, 0);
  console.log(`${title}: ${total} bad calls\n${rows}`);
}
