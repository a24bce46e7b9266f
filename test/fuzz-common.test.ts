/**
 * The error plumbing: PerfError's constructor, and setErrorClass, which the addon
 * accepts once per environment and only for a class that makes PerfErrors. A fresh
 * environment is a worker thread (it loads its own instance of the addon), so the
 * refusals of bad classes are tested there, where no class has been handed over yet.
 */
import { Worker } from 'node:worker_threads';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { PerfError } from '../src/core/errors.js';
import { type CoreNative, addonPath, nativeAddon } from '../src/core/native.js';
import { RUNS, arg, badInteger, callCounts, fuzzTarget, hostileProxies, notNumber, notString, printCounts } from './fuzz-bad-values.js';

afterAll(() => printCounts('error plumbing'));

describe('PerfError(message, details)', () => {
  it('new PerfError("x") is a TypeError saying what details must be, not a failed read of "cause"', () => {
    // Before: "Cannot read properties of undefined (reading 'cause')".
    expect(() => new PerfError('x', undefined as never)).toThrow(/PerfError\(message, details\): details must be an object, got undefined/);
    expect(() => new PerfError('x', {} as never)).toThrow(/details.code must be a non-empty string/);
    const e = new PerfError('x', { code: 'X', errno: 2, syscall: 'open', cause: 'why' });
    expect([e.code, e.errno, e.syscall, e.cause, e.name, e instanceof Error]).toEqual(['X', 2, 'open', 'why', 'PerfError', true]);
  });

  it('bad calls', () => {
    fuzzTarget('PerfError', [
      { name: 'message', bad: notString },
      { name: 'details', bad: fc.oneof(notNumber.filter((v) => typeof v !== 'object' || v === null || Array.isArray(v)), fc.double()) },
      { name: 'details.code', bad: fc.oneof(notString, fc.constant('')) },
      { name: 'details.errno', bad: badInteger(-(2 ** 31), 2 ** 31).filter((v) => v !== undefined && !Number.isInteger(v)) },
      { name: 'details.syscall', bad: notString.filter((v) => v !== undefined) },
      { name: 'details.', says: /details/, bad: hostileProxies },
    ], (slot, value) => {
      const details = slot === 'details' || slot === 'details.' ? value : { code: 'CODE', [slot.slice('details.'.length)]: value };
      return new PerfError(arg(slot, value, 'message', 'm') as string, details as never);
    });
  });
});

/** A bad "error class" as data, so it can cross into a worker: the worker builds it. */
const badClass = fc.oneof(
  fc.record({ kind: fc.constant('value'), value: fc.oneof(fc.double(), fc.string(), fc.boolean(), fc.constant(null)) }),
  fc.record({ kind: fc.constantFrom('plain function', 'arrow', 'async', 'generator', 'throws', 'proxy construct throws', 'returns object', 'getter name throws', 'not an Error') }),
  fc.record({ kind: fc.constant('wrong name'), name: fc.string({ maxLength: 12 }).filter((n) => n !== 'PerfError') }),
  fc.record({ kind: fc.constant('drops code'), code: fc.oneof(fc.string({ maxLength: 8 }), fc.constant(undefined)) }),
);

/** Builds each case in a fresh environment, hands it to setErrorClass, and reports what was thrown. */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const addon = require(workerData.path);
function build(c) {
  switch (c.kind) {
    case 'value': return c.value;
    case 'plain function': return function () {};
    case 'arrow': return () => {};
    case 'async': return async function () {};
    case 'generator': return function* () {};
    case 'throws': return class extends Error { constructor() { throw new Error('constructor threw'); } };
    case 'proxy construct throws': return new Proxy(function () {}, { construct() { throw new Error('trap threw'); } });
    case 'returns object': return function () { return { name: 'PerfError', code: 'ERROR_CLASS_PROBE' }; };
    case 'getter name throws': return class extends Error { get name() { throw new Error('getter threw'); } };
    case 'not an Error': return class { constructor(m, d) { this.name = 'PerfError'; this.code = d.code; } };
    case 'wrong name': return class extends Error { constructor(m, d) { super(m); this.name = c.name; this.code = d.code; } };
    case 'drops code': return class extends Error { constructor(m) { super(m); this.name = 'PerfError'; this.code = c.code; } };
  }
  throw new Error('unknown case ' + c.kind);
}
const out = [];
for (const c of workerData.cases) {
  try {
    addon.setErrorClass(build(c));
    out.push({ kind: c.kind, accepted: true });
  } catch (e) {
    out.push({ kind: c.kind, accepted: false, isTypeError: e instanceof TypeError, message: String(e && e.message) });
  }
}
// After every refusal the slot is still free: the real class is taken once, then no other.
class PerfError extends Error { constructor(m, d) { super(m); this.name = 'PerfError'; this.code = d.code; } }
addon.setErrorClass(PerfError);
let unknown;
try { new addon.CounterGroup(['no-such-event'], {}); } catch (e) { unknown = { isPerfError: e instanceof PerfError, code: e.code }; }
let second;
try { addon.setErrorClass(PerfError); } catch (e) { second = { isPerfError: e instanceof PerfError, code: e.code }; }
parentPort.postMessage({ out, unknown, second });
`;

describe('setErrorClass(ctor)', () => {
  it('in a fresh environment: refuses every class that does not make PerfErrors, then takes the real one once', async () => {
    const cases = fc.sample(badClass, { numRuns: RUNS });
    // Before: setErrorClass(function () {}) was taken, and native errors became plain objects.
    cases.push({ kind: 'plain function' } as never);
    const worker = new Worker(WORKER, { eval: true, workerData: { path: addonPath(), cases } });
    const result = await new Promise<{ out: { kind: string; accepted: boolean; isTypeError?: boolean; message?: string }[]; unknown: unknown; second: unknown }>(
      (resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      });
    await worker.terminate();
    callCounts.set('setErrorClass (fresh environment)', result.out.length);
    expect(result.out).toHaveLength(cases.length);
    for (const r of result.out) {
      expect(r, `a ${r.kind} class`).toMatchObject({ accepted: false, isTypeError: true });
      expect(r.message).toMatch(/^setErrorClass\(ctor\): ctor must be the PerfError class/);
    }
    expect(result.unknown).toEqual({ isPerfError: true, code: 'UNKNOWN_EVENT' });
    expect(result.second).toEqual({ isPerfError: true, code: 'ERROR_CLASS_ALREADY_SET' });
  });

  it('in this environment: already handed over at load, so any call is refused', () => {
    const native = nativeAddon<CoreNative>();
    expect(() => native.setErrorClass(PerfError)).toThrow(/can be set only once/);
    expect(callCounts.size).toBeGreaterThan(0);
  });
});
