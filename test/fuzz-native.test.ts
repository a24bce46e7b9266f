/**
 * The raw native exports, called directly through the loaded addon (src/core/native.ts),
 * with at least RUNS bad calls each: the addon must check its own arguments and
 * receivers, whatever the TS layer does. See fuzz-bad-values.ts for the method.
 */
import fc from 'fast-check';
import { afterAll, describe, it } from 'vitest';
import { type CoreNative, nativeAddon } from '../src/core/native.js';
import { packetSpec } from '../src/measure/packet/craft.js';
import type { PacketNative } from '../src/measure/packet/native.js';
import {
  RUNS, type Slot, arg, badArrayShape, badChoice, badInteger, detachedBuffer, fuzzTarget, hostile, hostileProxies, notBoolean, notBufferNative, notNumber,
  notString, printCounts, withField, wrongLengthBuffer,
} from './fuzz-bad-values.js';

const native = nativeAddon<CoreNative & PacketNative>();
afterAll(() => printCounts('native exports'));

const extraArguments = fc.array(fc.anything(), { minLength: 1, maxLength: 4 });
const defined = (a: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> => a.filter((v) => v !== undefined);

describe('zero-argument exports refuse arguments', () => {
  const names = ['noop', 'monotonicNs', 'tscHz', 'readTsc', 'namedEvents', 'privileges', 'tracefsRoot', 'tracefsStatus', 'checksumVariants', 'craftAllocations'] as const;
  it.each(names)('%s', (name) => {
    const fn = (native as unknown as Record<string, (...a: unknown[]) => unknown>)[name]!;
    fuzzTarget(name, [{ name: 'arguments', bad: extraArguments, says: new RegExp(`^${name}\\(\\) takes no arguments`) }], (_, value) =>
      Reflect.apply(fn, undefined, value as unknown[]));
  });
});

describe('workloads', () => {
  it.each([['touchFreshPages', 2 ** 20], ['makeSyscalls', 1e8], ['busyLoop', 1e12]] as const)('%s(n)', (name, max) => {
    const fn = native[name];
    fuzzTarget(name, [{ name: `${name}: n`, bad: badInteger(0, max) }], (_, value) => fn(value as number));
  });
});

// Event names that no resolver accepts: not in the table, no ':' (tracepoint), no leading 'r' (raw).
const table = new Set(native.namedEvents().map((e) => e.name));
const unknownEventName = fc.string({ minLength: 1, maxLength: 20 }).filter((s) => !table.has(s) && !s.includes(':') && !s.startsWith('r') && !s.includes('\0'));
const badNameElement = fc.oneof(notString, fc.constant('task\0clock'), fc.constant('x'.repeat(600)));

describe('counters', () => {
  it('CounterGroup: constructor, methods, getters, receivers', () => {
    const group = new native.CounterGroup(['task-clock'], {});
    const kernel = new native.ChecksumKernel(Buffer.alloc(8), 1, 0);
    const proto = native.CounterGroup.prototype as object;
    const members = ['enable', 'disable', 'reset', 'readInto', 'describe', 'close', 'excludeKernel', 'size'];
    const memberOf = (key: string): ((...a: unknown[]) => unknown) => {
      const d = Object.getOwnPropertyDescriptor(proto, key)!;
      return (d.get ?? d.value) as (...a: unknown[]) => unknown;
    };
    const slots: Slot[] = [
      { name: 'events', bad: fc.oneof(
        badArrayShape(32, () => 'task-clock'),
        fc.array(badNameElement, { minLength: 1, maxLength: 3 }),
        fc.array(unknownEventName, { minLength: 1, maxLength: 3 }),
        fc.constant([]),
      ) },
      { name: 'options', bad: defined(fc.oneof(notNumber.filter((v) => typeof v !== 'object' || v === null || Array.isArray(v)), hostileProxies, fc.double())) },
      { name: 'options.pid', bad: defined(badInteger(0, 4194304)) },
      { name: 'options.inherit', bad: defined(notBoolean) },
      { name: 'options.enableOnExec', bad: defined(notBoolean) },
      { name: 'options.excludeKernel', bad: defined(notBoolean) },
      { name: 'readInto(out): out', bad: fc.oneof(notNumber, fc.constantFrom<(() => unknown)[]>(
        () => new Float64Array(1), () => new Float32Array(8), () => new Float64Array(new ArrayBuffer(16)).subarray(2),
        () => { const b = new ArrayBuffer(64); const a = new Float64Array(b); structuredClone(b, { transfer: [b] }); return a; },
      ).map((make) => make())) },
      { name: 'arguments', says: /CounterGroup\.prototype\.\w+\(\) takes no arguments/,
        bad: fc.record({ member: fc.constantFrom('enable', 'disable', 'reset', 'describe'), args: extraArguments }) },
      { name: 'this', says: /CounterGroup\.prototype\.\w+: the receiver \(this\) must be a CounterGroup/,
        bad: fc.record({
          member: fc.constantFrom(...members),
          receiver: fc.oneof(notNumber, fc.constantFrom<(() => unknown)[]>(() => kernel, () => Object.create(proto), () => proto, () => native.CounterGroup).map((m) => m())),
        }) },
    ];
    // A class is several exports in one (constructor, methods, getters): three times the runs.
    fuzzTarget('CounterGroup', slots, (slot, value) => {
      if (slot === 'readInto(out): out') return group.readInto(value as Float64Array);
      if (slot === 'arguments') {
        const { member, args } = value as { member: string; args: unknown[] };
        return Reflect.apply(memberOf(member), group, args);
      }
      if (slot === 'this') {
        const { member, receiver } = value as { member: string; receiver: unknown };
        return Reflect.apply(memberOf(member), receiver, [new Float64Array(8)]);
      }
      const events = arg(slot, value, 'events', ['task-clock']);
      const options = slot === 'options' ? value : withField(slot, value, 'options', {});
      return Reflect.construct(native.CounterGroup, [events, options]);
    }, 3 * RUNS);
    group.close();
  });

  it('probeEvents(names)', () => {
    fuzzTarget('probeEvents', [{ name: 'names', bad: fc.oneof(badArrayShape(4096, () => 'task-clock'), fc.array(badNameElement, { minLength: 1, maxLength: 3 })) }],
      (_, value) => native.probeEvents(value as string[]));
  });
});

const spec = packetSpec('options', {});
const byteArg = (slot: string, value: unknown, name: string, length: number): unknown => arg(slot, value, name, Buffer.alloc(length));

/** Slots of a native packet spec passed as parameter `param` (sequence fields only where they are read). */
function specSlots(param: string, withSequence: boolean): Slot[] {
  const slots: Slot[] = [
    { name: param, bad: fc.oneof(notNumber.filter((v) => typeof v !== 'object' || v === null || Array.isArray(v)), hostile, fc.object({ maxKeys: 2 })) },
    { name: `${param}.family`, bad: badChoice([4, 6]) },
    { name: `${param}.protocol`, bad: badChoice(['tcp', 'udp']) },
    { name: `${param}.tcpOptions`, bad: defined(notBoolean) },
    { name: `${param}.src`, bad: fc.oneof(notBufferNative, wrongLengthBuffer(4)) },
    { name: `${param}.dst`, bad: fc.oneof(notBufferNative, wrongLengthBuffer(4)) },
    { name: `${param}.srcPort`, bad: badInteger(0, 65535) },
    { name: `${param}.window`, bad: badInteger(0, 65535) },
    { name: `${param}.ttl`, bad: badInteger(0, 255) },
  ];
  if (withSequence) {
    slots.push(
      { name: `${param}.firstDstPort`, bad: badInteger(1, 65535) },
      { name: `${param}.seqBase`, bad: badInteger(0, 2 ** 32 - 1) },
      { name: `${param}.seqStep`, bad: badInteger(0, 2 ** 32 - 1) },
    );
  }
  return slots;
}
const specArg = (slot: string, value: unknown, param: string): unknown =>
  slot === param ? value : withField(slot, value, param, spec as unknown as Record<string, unknown>);

describe('packet', () => {
  it('checksumSum(data, variantIndex)', () => {
    fuzzTarget('checksumSum', [
      { name: 'checksumSum: data', bad: notBufferNative },
      { name: 'checksumSum: variantIndex', bad: badInteger(0, 3) },
    ], (s, v) => native.checksumSum(arg(s, v, 'checksumSum: data', Buffer.alloc(8)) as Buffer, arg(s, v, 'checksumSum: variantIndex', 1) as number));
  });

  it('checksumUpdate(oldChecksum, oldWord, newWord)', () => {
    const names = ['oldChecksum', 'oldWord', 'newWord'].map((n) => `checksumUpdate: ${n}`);
    fuzzTarget('checksumUpdate', names.map((name) => ({ name, bad: badInteger(0, 0xffff) })), (s, v) =>
      Reflect.apply(native.checksumUpdate, undefined, names.map((n) => arg(s, v, n, 0))));
  });

  it('pseudoHeaderSum(family, src, dst, protocol, l4Length)', () => {
    const p = 'pseudoHeaderSum: ';
    fuzzTarget('pseudoHeaderSum', [
      { name: `${p}family`, bad: badChoice([4, 6]) },
      { name: `${p}src`, bad: fc.oneof(notBufferNative, wrongLengthBuffer(4)) },
      { name: `${p}dst`, bad: fc.oneof(notBufferNative, wrongLengthBuffer(4)) },
      { name: `${p}protocol`, bad: badInteger(0, 255) },
      { name: `${p}l4Length`, bad: badInteger(0, 2 ** 32 - 1) },
    ], (s, v) => Reflect.apply(native.pseudoHeaderSum, undefined, [
      arg(s, v, `${p}family`, 4), byteArg(s, v, `${p}src`, 4), byteArg(s, v, `${p}dst`, 4), arg(s, v, `${p}protocol`, 6), arg(s, v, `${p}l4Length`, 20),
    ]));
  });

  it('checksumSelfCheck(variantIndex, seed, buffers, maxLength, directChecks, deadlineMs)', () => {
    const params: [string, number, number, number][] = [
      ['variantIndex', 0, 3, 1], ['seed', 0, Number.MAX_SAFE_INTEGER, 0], ['buffers', 0, 1e8, 0], ['maxLength', 0, 2 ** 20, 0],
      ['directChecks', 0, 1e8, 0], ['deadlineMs', 1, 3.6e6, 1],
    ];
    fuzzTarget('checksumSelfCheck', params.map(([n, min, max]) => ({ name: `checksumSelfCheck: ${n}`, bad: badInteger(min, max) })), (s, v) =>
      Reflect.apply(native.checksumSelfCheck, undefined, params.map(([n, , , valid]) => arg(s, v, `checksumSelfCheck: ${n}`, valid))));
  });

  it('incrementalSelfCheck(seed, cases, deadlineMs)', () => {
    const params: [string, number, number, number][] = [['seed', 0, Number.MAX_SAFE_INTEGER, 0], ['cases', 0, 1e9, 0], ['deadlineMs', 1, 3.6e6, 1]];
    fuzzTarget('incrementalSelfCheck', params.map(([n, min, max]) => ({ name: `incrementalSelfCheck: ${n}`, bad: badInteger(min, max) })), (s, v) =>
      Reflect.apply(native.incrementalSelfCheck, undefined, params.map(([n, , , valid]) => arg(s, v, `incrementalSelfCheck: ${n}`, valid))));
  });

  it('packetLength(spec)', () => {
    fuzzTarget('packetLength', specSlots('packetLength: spec', false), (s, v) => native.packetLength(specArg(s, v, 'packetLength: spec') as never));
  });

  it('craftPackets(spec, strategyIndex, count)', () => {
    fuzzTarget('craftPackets', [
      ...specSlots('craftPackets: spec', true),
      { name: 'craftPackets: strategyIndex', bad: badInteger(0, 2) },
      { name: 'craftPackets: count', bad: badInteger(1, 1e8) },
    ], (s, v) => native.craftPackets(specArg(s, v, 'craftPackets: spec') as never, arg(s, v, 'craftPackets: strategyIndex', 2) as number,
      arg(s, v, 'craftPackets: count', 1) as number));
  });

  it('ChecksumKernel: constructor, run, receivers', () => {
    const kernel = new native.ChecksumKernel(Buffer.alloc(8), 1, 0);
    const craft = new native.CraftKernel(spec, 2, 1);
    const proto = native.ChecksumKernel.prototype as object;
    fuzzTarget('ChecksumKernel', [
      { name: 'ChecksumKernel: data', bad: notBufferNative },
      { name: 'ChecksumKernel: mode', bad: badInteger(0, 6) },
      { name: 'ChecksumKernel: alignOffset', bad: badInteger(0, 63) },
      { name: 'ChecksumKernel.prototype.run: iterations', bad: badInteger(0, 1e9) },
      { name: 'this', says: /ChecksumKernel\.prototype\.run: the receiver \(this\) must be a ChecksumKernel/,
        bad: fc.oneof(notNumber, fc.constantFrom<(() => unknown)[]>(() => craft, () => Object.create(proto), () => proto).map((m) => m())) },
    ], (s, v) => {
      if (s === 'this') return Reflect.apply(kernel.run, v, [1]);
      if (s === 'ChecksumKernel.prototype.run: iterations') return kernel.run(v as number);
      return Reflect.construct(native.ChecksumKernel, [
        arg(s, v, 'ChecksumKernel: data', Buffer.alloc(8)), arg(s, v, 'ChecksumKernel: mode', 1), arg(s, v, 'ChecksumKernel: alignOffset', 0),
      ]);
    }, 3 * RUNS);
  });

  it('ChecksumKernel: the incremental mode needs 2 bytes; an empty or detached buffer is never read', () => {
    fuzzTarget('ChecksumKernel (incremental, short data)', [{ name: 'ChecksumKernel: data', bad: fc.oneof(
      fc.constantFrom<(() => unknown)[]>(() => Buffer.alloc(0), () => Buffer.alloc(1), () => detachedBuffer()).map((m) => m()),
    ) }], (_, v) => new native.ChecksumKernel(v as Buffer, 4, 0));
  });

  it('CraftKernel: constructor, run, batch, receivers', () => {
    const craft = new native.CraftKernel(spec, 2, 1);
    const kernel = new native.ChecksumKernel(Buffer.alloc(8), 1, 0);
    const proto = native.CraftKernel.prototype as object;
    fuzzTarget('CraftKernel', [
      ...specSlots('CraftKernel: spec', true),
      { name: 'CraftKernel: strategyIndex', bad: badInteger(0, 2) },
      { name: 'CraftKernel: group', bad: badInteger(1, 1e6) },
      { name: 'CraftKernel.prototype.run: calls', bad: badInteger(0, 1e6) },
      { name: 'CraftKernel.prototype.batch() takes no arguments', bad: extraArguments },
      { name: 'this', says: /CraftKernel\.prototype\.(run|batch): the receiver \(this\) must be a CraftKernel/,
        bad: fc.record({
          member: fc.constantFrom('run', 'batch'),
          receiver: fc.oneof(notNumber, fc.constantFrom<(() => unknown)[]>(() => kernel, () => Object.create(proto), () => proto).map((m) => m())),
        }) },
    ], (s, v) => {
      if (s === 'this') {
        const { member, receiver } = v as { member: 'run' | 'batch'; receiver: unknown };
        return Reflect.apply(craft[member], receiver, member === 'run' ? [1] : []);
      }
      if (s === 'CraftKernel.prototype.run: calls') return craft.run(v as number);
      if (s.startsWith('CraftKernel.prototype.batch')) return Reflect.apply(craft.batch, craft, v as unknown[]);
      return Reflect.construct(native.CraftKernel, [
        specArg(s, v, 'CraftKernel: spec'), arg(s, v, 'CraftKernel: strategyIndex', 2), arg(s, v, 'CraftKernel: group', 1),
      ]);
    }, 3 * RUNS);
  });
});

describe('common', () => {
  it('setErrorClass(ctor) after load: refused whatever it is given', () => {
    const setErrorClass = native.setErrorClass as (...a: unknown[]) => unknown;
    fuzzTarget('setErrorClass (after load)', [{ name: 'setErrorClass(ctor)', bad: fc.oneof(notNumber, fc.constant(class extends Error {})) }],
      (_, v) => setErrorClass(v));
  });
});
