/**
 * The public TS API of counters, packet and timing, with at least RUNS bad calls per
 * export. See fuzz-bad-values.ts for the method.
 */
import fc from 'fast-check';
import { afterAll, describe, it } from 'vitest';
import { Counters, MAX_EVENTS, counterPrivileges, listEvents, openCounters, tracefsRoot, tracefsStatus } from '../src/measure/counters.js';
import { nativeAddon } from '../src/core/native.js';
import {
  CRAFT_STRATEGIES, ChecksumKernel, CraftKernel, SUM_VARIANTS, checksum, checksumSelfCheck, checksumUpdate, checksumVariants, craftAllocations,
  craftPackets, incrementalSelfCheck, onesComplementSum, packetLength, transportChecksum,
} from '../src/measure/packet/index.js';
import { monotonicNs, noop, tscHz } from '../src/measure/timing.js';
import {
  RUNS, type Slot, arg, badArrayShape, badChoice, badInteger, fuzzTarget, hostile, hostileProxies, notBoolean, notBufferTs, notNumber, notString,
  printCounts, withField,
} from './fuzz-bad-values.js';

afterAll(() => printCounts('public TS API'));

const extraArguments = fc.array(fc.anything(), { minLength: 1, maxLength: 4 });
const nullish = (v: unknown): boolean => v === undefined || v === null;
/** For optional fields, where undefined (and for `??` defaults, null) means "the default". */
const present = (a: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> => a.filter((v) => !nullish(v));
const notAnOptionsObject = fc.oneof(notNumber.filter((v) => typeof v !== 'object' || Array.isArray(v)), fc.double(), hostileProxies).filter((v) => v !== undefined);
const unknownKeys = (known: readonly string[]): fc.Arbitrary<unknown> =>
  fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }).filter((k) => !known.includes(k) && k !== '__proto__'), fc.anything(), { minKeys: 1, maxKeys: 3 });

describe('zero-argument functions refuse arguments', () => {
  const fns: Record<string, (...a: unknown[]) => unknown> = { noop, monotonicNs, tscHz, checksumVariants, craftAllocations, counterPrivileges, tracefsRoot, tracefsStatus };
  it.each(Object.keys(fns))('%s', (name) => {
    fuzzTarget(`${name} (TS)`, [{ name: 'arguments', bad: extraArguments, says: new RegExp(`^${name}\\(\\) takes no arguments`) }], (_, v) =>
      Reflect.apply(fns[name]!, undefined, v as unknown[]));
  });
});

// Names validateEvents refuses whatever the machine: not in the table, not tracepoint- or raw-shaped.
const table = new Set(nativeAddon().namedEvents().map((e) => e.name));
const unknownEventName = fc.string({ minLength: 1, maxLength: 20 }).filter((s) => !table.has(s) && !s.includes(':') && !/^r[0-9a-fA-F]{1,16}$/.test(s));
const badNameElement = fc.oneof(notString, fc.constant('task\0clock'), fc.constant('x'.repeat(300)));

describe('counters', () => {
  it('listEvents(extra)', () => {
    fuzzTarget('listEvents (TS)', [{ name: 'extra', bad: present(fc.oneof(badArrayShape(1024, () => 'task-clock'), fc.array(badNameElement, { minLength: 1, maxLength: 3 }))) }],
      (_, v) => listEvents(v as string[]));
  });

  it('openCounters(events, options) and the Counters it returns', () => {
    const group = openCounters(['task-clock']);
    const proto = Counters.prototype as object;
    const members = ['enable', 'disable', 'reset', 'snapshot', 'readInto', 'delta', 'deltaFromRaw', 'indexOf', 'close', 'unsupported', 'readLength'];
    const memberOf = (key: string): ((...a: unknown[]) => unknown) => {
      const d = Object.getOwnPropertyDescriptor(proto, key)!;
      return (d.get ?? d.value) as (...a: unknown[]) => unknown;
    };
    const slots: Slot[] = [
      { name: 'events', bad: fc.oneof(
        badArrayShape(MAX_EVENTS, () => 'task-clock'),
        fc.array(badNameElement, { minLength: 1, maxLength: 3 }),
        fc.array(unknownEventName, { minLength: 1, maxLength: 3 }),
        fc.constant(['task-clock', 'task-clock']),
        fc.constant([]),
      ) },
      { name: 'options', bad: fc.oneof(notAnOptionsObject, unknownKeys(['inherit', 'pid', 'enableOnExec', 'excludeKernel'])) },
      { name: 'options.pid', bad: present(badInteger(1, 2 ** 22)) },
      { name: 'options.inherit', bad: present(notBoolean) },
      { name: 'options.enableOnExec', bad: present(notBoolean) },
      { name: 'options.excludeKernel', bad: present(notBoolean) },
      { name: 'out', bad: fc.oneof(notNumber, fc.constantFrom<(() => unknown)[]>(() => new Float64Array(1), () => new Float32Array(8), () => [0, 0, 0]).map((m) => m())) },
      { name: 'before', bad: fc.oneof(notNumber, fc.constant({ enabledNs: 0, runningNs: 0, values: new Float64Array(5) })) },
      { name: 'arguments', says: /Counters\.\w+\(\) takes no arguments/,
        bad: fc.record({ member: fc.constantFrom('enable', 'disable', 'reset', 'snapshot'), args: extraArguments }) },
      { name: 'this', says: /Counters\.\w+: the receiver \(this\) must be a Counters/,
        bad: fc.record({ member: fc.constantFrom(...members), receiver: fc.oneof(notNumber, fc.constantFrom<(() => unknown)[]>(() => Object.create(proto), () => proto).map((m) => m())) }) },
    ];
    fuzzTarget('openCounters / Counters (TS)', slots, (slot, value) => {
      if (slot === 'out') return group.readInto(value as Float64Array);
      if (slot === 'before') return group.delta(value as never, group.snapshot());
      if (slot === 'arguments') {
        const { member, args } = value as { member: string; args: unknown[] };
        return Reflect.apply(memberOf(member), group, args);
      }
      if (slot === 'this') {
        const { member, receiver } = value as { member: string; receiver: unknown };
        return Reflect.apply(memberOf(member), receiver, []);
      }
      const events = arg(slot, value, 'events', ['task-clock']);
      const options = slot === 'options' ? value : withField(slot, value, 'options', {});
      return openCounters(events as string[], options as never);
    }, 3 * RUNS);
    group.close();
  });
});

const variantNames = [...SUM_VARIANTS, 'best'];
const badAddress = (family: 4 | 6): fc.Arbitrary<unknown> => fc.oneof(
  notString, fc.string({ maxLength: 12 }).filter((s) => !/^[0-9a-fA-F:.]+$/.test(s) || s === ''), fc.constantFrom(family === 4 ? '::1' : '127.0.0.1', '256.0.0.1', '1.2.3', '::g'),
);
const PACKET_FIELDS: [string, fc.Arbitrary<unknown>][] = [
  ['family', present(badChoice([4, 6]))],
  ['protocol', present(badChoice(['tcp', 'udp']))],
  ['tcpOptions', present(notBoolean)],
  ['src', present(badAddress(4))],
  ['dst', present(badAddress(4))],
  ['srcPort', present(badInteger(0, 65535))],
  ['firstDstPort', present(badInteger(1, 65535))],
  ['seqBase', present(badInteger(0, 2 ** 32 - 1))],
  ['seqStep', present(badInteger(0, 2 ** 32 - 1))],
  ['window', present(badInteger(0, 65535))],
  ['ttl', present(badInteger(0, 255))],
];
const packetSlots = (param: string, extraKeys: string[] = []): Slot[] => [
  { name: param, bad: fc.oneof(notAnOptionsObject.filter((v) => v !== null), unknownKeys([...PACKET_FIELDS.map(([k]) => k), ...extraKeys])) },
  ...PACKET_FIELDS.map(([key, bad]) => ({ name: `${param}.${key}`, bad })),
];

describe('packet', () => {
  it.each([['checksum', checksum], ['onesComplementSum', onesComplementSum]] as const)('%s(buf, options)', (name, fn) => {
    fuzzTarget(`${name} (TS)`, [
      { name: 'buf', bad: notBufferTs },
      { name: 'options', bad: fc.oneof(notAnOptionsObject.filter((v) => v !== null), unknownKeys(['variant'])) },
      { name: 'options.variant', bad: present(badChoice(variantNames)) },
    ], (s, v) => fn(arg(s, v, 'buf', Buffer.alloc(8)) as Buffer, (s === 'options' ? v : withField(s, v, 'options', {})) as never));
  });

  it('checksumUpdate(oldChecksum, oldWord, newWord)', () => {
    const names = ['oldChecksum', 'oldWord', 'newWord'];
    fuzzTarget('checksumUpdate (TS)', names.map((name) => ({ name, bad: badInteger(0, 0xffff) })), (s, v) =>
      Reflect.apply(checksumUpdate, undefined, names.map((n) => arg(s, v, n, 0))));
  });

  it('transportChecksum(segment, header, options)', () => {
    const header = { family: 4, src: '127.0.0.1', dst: '127.0.0.1', protocol: 'udp' };
    fuzzTarget('transportChecksum (TS)', [
      { name: 'segment', bad: notBufferTs },
      { name: 'header', bad: notAnOptionsObject.filter((v) => v !== null) },
      { name: 'header.family', bad: badChoice([4, 6]) },
      { name: 'header.src', bad: badAddress(4) },
      { name: 'header.dst', bad: badAddress(4) },
      { name: 'header.protocol', bad: badChoice(['tcp', 'udp']) },
      { name: 'options.variant', bad: present(badChoice(variantNames)) },
    ], (s, v) => transportChecksum(arg(s, v, 'segment', Buffer.alloc(8)) as Buffer, (s === 'header' ? v : withField(s, v, 'header', header)) as never,
      withField(s, v, 'options', {}) as never));
  });

  it('checksumSelfCheck(variant, options)', () => {
    const valid = { seed: 0, buffers: 0, maxLength: 0, directChecks: 0, deadlineMs: 1 };
    fuzzTarget('checksumSelfCheck (TS)', [
      { name: 'variant', bad: badChoice(variantNames) },
      { name: 'options', bad: notAnOptionsObject },
      { name: 'options.seed', bad: badInteger(0, Number.MAX_SAFE_INTEGER) },
      { name: 'options.buffers', bad: present(badInteger(0, 1e8)) },
      { name: 'options.maxLength', bad: present(badInteger(0, 2 ** 20)) },
      { name: 'options.directChecks', bad: present(badInteger(0, 1e8)) },
      { name: 'options.deadlineMs', bad: present(badInteger(1, 3.6e6)) },
    ], (s, v) => checksumSelfCheck(arg(s, v, 'variant', 'wide64') as never, (s === 'options' ? v : withField(s, v, 'options', valid)) as never));
  });

  it('incrementalSelfCheck(options)', () => {
    const valid = { seed: 0, cases: 0, deadlineMs: 1 };
    fuzzTarget('incrementalSelfCheck (TS)', [
      { name: 'options', bad: notAnOptionsObject },
      { name: 'options.seed', bad: badInteger(0, Number.MAX_SAFE_INTEGER) },
      { name: 'options.cases', bad: present(badInteger(0, 1e9)) },
      { name: 'options.deadlineMs', bad: present(badInteger(1, 3.6e6)) },
    ], (s, v) => incrementalSelfCheck((s === 'options' ? v : withField(s, v, 'options', valid)) as never));
  });

  it('packetLength(options)', () => {
    fuzzTarget('packetLength (TS)', packetSlots('options'), (s, v) => packetLength((s === 'options' ? v : withField(s, v, 'options', {})) as never));
  });

  it('craftPackets(options)', () => {
    fuzzTarget('craftPackets (TS)', [
      ...packetSlots('options', ['strategy', 'count']),
      { name: 'options.strategy', bad: present(badChoice(CRAFT_STRATEGIES)) },
      { name: 'options.count', bad: present(badInteger(1, 1e8)) },
    ], (s, v) => craftPackets((s === 'options' ? v : withField(s, v, 'options', {})) as never));
  });

  it('ChecksumKernel: constructor, run, receivers', () => {
    const kernel = new ChecksumKernel(Buffer.alloc(8), 'wide64');
    fuzzTarget('ChecksumKernel (TS)', [
      { name: 'data', bad: notBufferTs },
      { name: 'variant', bad: badChoice([...variantNames, 'incremental', 'empty']) },
      { name: 'alignOffset', bad: badInteger(0, 63).filter((v) => v !== undefined) },
      { name: 'iterations', bad: badInteger(0, 1e9) },
      { name: 'this', says: /ChecksumKernel\.run: the receiver \(this\) must be a ChecksumKernel/,
        bad: fc.oneof(notNumber, hostile, fc.constantFrom<(() => unknown)[]>(() => Object.create(ChecksumKernel.prototype), () => new CraftKernel({}, 'template', 1)).map((m) => m())) },
    ], (s, v) => {
      if (s === 'this') return Reflect.apply(kernel.run, v, [1]);
      if (s === 'iterations') return kernel.run(v as number);
      return new ChecksumKernel(arg(s, v, 'data', Buffer.alloc(8)) as Buffer, arg(s, v, 'variant', 'wide64') as string, arg(s, v, 'alignOffset', 0) as number);
    }, 3 * RUNS);
  });

  it('CraftKernel: constructor, run, batch, receivers', () => {
    const craft = new CraftKernel({}, 'template', 1);
    fuzzTarget('CraftKernel (TS)', [
      ...packetSlots('options'),
      { name: 'strategy', bad: badChoice(CRAFT_STRATEGIES) },
      { name: 'group', bad: badInteger(1, 1e6) },
      { name: 'calls', bad: badInteger(0, 1e6).filter((v) => v !== undefined) },
      { name: 'CraftKernel.batch() takes no arguments', bad: extraArguments },
      { name: 'this', says: /CraftKernel\.(run|batch): the receiver \(this\) must be a CraftKernel/,
        bad: fc.record({ member: fc.constantFrom('run', 'batch'), receiver: fc.oneof(notNumber, hostile, fc.constantFrom<(() => unknown)[]>(() => Object.create(CraftKernel.prototype), () => new ChecksumKernel(Buffer.alloc(2), 'wide64')).map((m) => m())) }) },
    ], (s, v) => {
      if (s === 'this') {
        const { member, receiver } = v as { member: 'run' | 'batch'; receiver: unknown };
        return Reflect.apply(craft[member], receiver, member === 'run' ? [1] : []);
      }
      if (s === 'calls') return craft.run(v as number);
      if (s.startsWith('CraftKernel.batch')) return Reflect.apply(craft.batch, craft, v as unknown[]);
      const options = s === 'options' ? v : withField(s, v, 'options', {});
      return new CraftKernel(options as never, arg(s, v, 'strategy', 'template') as never, arg(s, v, 'group', 1) as number);
    }, 3 * RUNS);
  });
});
