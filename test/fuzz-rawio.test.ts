/**
 * Property-based fuzzing (fast-check) of the rawio and netns exports: the TS API and the
 * raw native functions called straight through the addon. Every generated call is bad
 * in exactly one parameter, and must end in a TypeError, RangeError or PerfError whose
 * message names that parameter. A crash kills the test process (and so fails). Nothing
 * here sends for long: every call fails validation or the destination check before a
 * socket opens.
 */
import fc from 'fast-check';
import { isIP } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listEvents } from '../src/measure/counters.js';
import { PerfError } from '../src/core/errors.js';
import { type CoreNative, nativeAddon } from '../src/core/native.js';
import { type Namespace, canCreateNamespaces, createNamespace, withNamespace } from '../src/measure/netns.js';
import { FRAME_METHODS, SEND_METHODS, sendBatch, sipHash24 } from '../src/measure/rawio.js';

const EVENT_NAMES = new Set(listEvents().map((e) => e.name));
/** A name the native side accepts as an event: a listed one, or a raw rNNNN (hex) with :u/:k. */
const isValidEvent = (x: unknown): boolean => typeof x === 'string' && (EVENT_NAMES.has(x) || /^r[0-9a-fA-F]+(:[uk]+)?$/.test(x));

const RUNS = 1000;

interface FuzzNative extends CoreNative {
  rawioStart(config: unknown): { promise: Promise<unknown>; cancel(): void };
  rawioSipHash24(key: unknown, data: unknown): bigint;
  netnsCreate(name: unknown): string;
  netnsRemove(name: unknown): void;
}
const addon = (): FuzzNative => nativeAddon<FuzzNative>();

/** The error must be one of ours and name the parameter. */
function expectNamed(error: unknown, parameter: string): void {
  const ok = error instanceof TypeError || error instanceof RangeError || error instanceof PerfError;
  if (!ok) throw new Error(`expected TypeError, RangeError or PerfError for ${parameter}, got ${String(error)}`);
  if (!(error as Error).message.includes(parameter)) throw new Error(`message does not name ${parameter}: ${(error as Error).message}`);
}

async function failsNaming(call: () => unknown, parameter: string): Promise<void> {
  let result: unknown;
  try {
    result = call();
    // The native start hands back {promise}; the TS API a promise.
    const pending = result instanceof Promise ? result : (result as { promise?: Promise<unknown> } | undefined)?.promise;
    if (pending) await pending;
  } catch (error) {
    expectNamed(error, parameter);
    return;
  }
  throw new Error(`a bad ${parameter} was accepted: ${String(result)}`);
}

/** Any value but the ones listed (fast-check's anything plus some awkward numbers). */
const anythingBut = (...allowed: unknown[]): fc.Arbitrary<unknown> =>
  fc.oneof(fc.anything(), fc.double(), fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), fc.constantFrom(Number.NaN, Infinity, -Infinity, -0, 2 ** 53, 1e30))
    .filter((v) => !allowed.some((a) => Object.is(a, v)));
const notIntegerIn = (min: number, max: number, ...also: unknown[]): fc.Arbitrary<unknown> =>
  anythingBut(undefined, ...also).filter((v) => !(typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max));
const notBoolean = anythingBut(undefined).filter((v) => typeof v !== 'boolean');
const notLoopback4 = (v: unknown): boolean => !(typeof v === 'string' && isIP(v) === 4 && v.startsWith('127.'));

// ---- the TS API ----

// A valid one-packet run with one field broken: never sends.
const SEND_FIELDS: Record<string, fc.Arbitrary<unknown>> = {
  family: anythingBut(undefined, 4, 6),
  method: anythingBut(undefined, ...SEND_METHODS),
  link: anythingBut(undefined, 'ip', 'packet'),
  batchSize: notIntegerIn(1, 1024),
  count: notIntegerIn(1, 1e9),
  perPacketCounters: notBoolean,
  timeLimitMs: notIntegerIn(1, 600_000),
  drainMs: notIntegerIn(1, 60_000),
  receive: notBoolean,
  openPort: notBoolean,
  qdiscBypass: notBoolean,
  ports: fc.oneof(anythingBut(undefined).filter((v) => !Array.isArray(v)), fc.array(notIntegerIn(1, 65535), { minLength: 1, maxLength: 4 }), fc.constant([])),
  target: fc.oneof(anythingBut(undefined), fc.ipV4(), fc.ipV6(), fc.string()).filter(notLoopback4),
  source: fc.oneof(anythingBut(undefined), fc.ipV4(), fc.ipV6(), fc.string()).filter(notLoopback4),
  netns: fc.oneof(
    anythingBut(undefined, 'lo', 'veth', 'sink'),
    fc.record({ path: fc.string(), exec: fc.constant(() => {}), veth: fc.record({ local: fc.record({ ifname: fc.string(), address: fc.ipV4() }), remote: fc.record({ address: fc.ipV4() }) }) }),
  ),
  signal: anythingBut(undefined),
  allowNetwork: fc.anything(),
};

describe('fuzz: the TS API', () => {
  it(`sendBatch: ${RUNS} calls with one bad option each`, async () => {
    await fc.assert(fc.asyncProperty(fc.constantFrom(...Object.keys(SEND_FIELDS)).chain((field) => fc.tuple(fc.constant(field), SEND_FIELDS[field]!)), async ([field, value]) => {
      const options: Record<string, unknown> = { count: 1, timeLimitMs: 1, receive: false, [field]: value };
      await failsNaming(() => sendBatch(options as never), `options.${field}`);
    }), { numRuns: RUNS });
  });

  it(`sendBatch: ${RUNS} calls whose options are not an object`, async () => {
    await fc.assert(fc.asyncProperty(anythingBut(undefined).filter((v) => v === null || typeof v !== 'object' || Array.isArray(v)), async (value) => {
      await failsNaming(() => sendBatch(value as never), 'options');
    }), { numRuns: RUNS });
  });

  const NS_FIELDS: Record<string, fc.Arbitrary<unknown>> = {
    veth: notBoolean,
    ipv6: notBoolean,
    localnet: notBoolean,
    peerDown: notBoolean,
    subnet: fc.oneof(anythingBut(undefined), fc.ipV4(), fc.string()).filter((v) => !(typeof v === 'string' && /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.test(v) && v.split('.').every((p) => Number(p) <= 255) && Number(v.split('.')[3]) % 4 === 0)),
    commandTimeoutMs: notIntegerIn(100, 600_000),
  };
  for (const [name, fn] of [['createNamespace', createNamespace], ['withNamespace', (o: never) => withNamespace(o, () => undefined)]] as const) {
    it(`${name}: ${RUNS} calls with one bad option each`, async () => {
      await fc.assert(fc.asyncProperty(fc.constantFrom(...Object.keys(NS_FIELDS)).chain((field) => fc.tuple(fc.constant(field), NS_FIELDS[field]!)), async ([field, value]) => {
        await failsNaming(() => fn({ [field]: value } as never), `options.${field}`);
      }), { numRuns: RUNS });
    });
  }

  it(`sipHash24: ${RUNS} calls with a bad key or data`, async () => {
    const badKey = fc.oneof(anythingBut(undefined), fc.uint8Array({ maxLength: 40 }).filter((b) => b.length !== 16));
    const badData = anythingBut(undefined).filter((v) => !(v instanceof Uint8Array));
    await fc.assert(fc.asyncProperty(fc.boolean(), badKey, badData, async (breakKey, key, data) => {
      if (breakKey) await failsNaming(() => sipHash24(key as Buffer, Buffer.alloc(1)), 'key');
      else await failsNaming(() => sipHash24(Buffer.alloc(16), data as Buffer), 'data');
    }), { numRuns: RUNS });
  });

  describe.skipIf(!canCreateNamespaces().ok)('Namespace.exec', () => {
    let ns: Namespace;
    beforeAll(async () => { ns = await createNamespace(); });
    afterAll(async () => { await ns?.close(); });
    it(`${RUNS} calls with a bad argv or bad options`, async () => {
      const badArgv = fc.oneof(
        anythingBut(undefined).filter((v) => !Array.isArray(v)),
        fc.constant([]),
        fc.array(fc.anything(), { minLength: 1, maxLength: 4 }).filter((a) => a.some((x) => typeof x !== 'string')),
        fc.array(fc.string(), { minLength: 1, maxLength: 3 }).map((a) => [...a, 'a\0b']),
      );
      const badOptions = fc.oneof(
        anythingBut(undefined).filter((v) => v === null || typeof v !== 'object' || Array.isArray(v)).map((v) => ['options', v] as const),
        notIntegerIn(1, 3_600_000).map((v) => ['options.timeoutMs', { timeoutMs: v }] as const),
        notBoolean.map((v) => ['options.allowFailure', { allowFailure: v }] as const),
      );
      await fc.assert(fc.asyncProperty(fc.boolean(), badArgv, badOptions, async (breakArgv, argv, [parameter, options]) => {
        if (breakArgv) await failsNaming(() => ns.exec(argv as string[]), 'argv');
        else await failsNaming(() => ns.exec(['true'], options as never), parameter);
      }), { numRuns: RUNS });
    });
  });
});

// ---- the native exports, called directly ----

const v4 = (address: string): Buffer => Buffer.concat([Buffer.from(address.split('.').map(Number)), Buffer.alloc(12)]);
const base = (): Record<string, unknown> => ({
  family: 4, src: v4('127.0.0.1'), dst: v4('127.0.0.1'), ports: [9], count: 1, timeLimitNs: 1e6, receive: false, key: Buffer.alloc(16),
});
const notBytes = (size: number): fc.Arbitrary<unknown> =>
  fc.oneof(anythingBut(undefined), fc.uint8Array({ maxLength: 40 }).filter((b) => b.length !== size).map((b) => Buffer.from(b)));
const notLoopbackBytes = fc.uint8Array({ minLength: 16, maxLength: 16 }).filter((b) => b[0] !== 127).map((b) => Buffer.from(b));

const START_FIELDS: Record<string, fc.Arbitrary<unknown>> = {
  family: anythingBut(4, 6),
  src: fc.oneof(notBytes(16), notLoopbackBytes),
  dst: fc.oneof(notBytes(16), notLoopbackBytes),
  count: notIntegerIn(1, 1e9, undefined),
  timeLimitNs: notIntegerIn(1, 600e9, undefined),
  ports: fc.oneof(anythingBut().filter((v) => !Array.isArray(v)), fc.array(notIntegerIn(1, 65535, undefined), { minLength: 1, maxLength: 4 }), fc.constant([])),
  openPort: notBoolean,
  srcPortBase: notIntegerIn(1, 65535),
  srcPortCount: notIntegerIn(1, 45536),
  batchSize: notIntegerIn(1, 1024),
  method: anythingBut(undefined, ...SEND_METHODS),
  link: anythingBut(undefined, 'ip', 'packet'),
  ifname: fc.oneof(anythingBut(), fc.string({ maxLength: 30 })).filter((v) => v !== 'lo'),
  srcMac: notBytes(6),
  qdiscBypass: notBoolean,
  receive: notBoolean,
  drainNs: notIntegerIn(0, 60e9),
  rcvbufBytes: notIntegerIn(4096, 2 ** 30),
  // '' is valid for both paths (the caller's namespace / the run's own), as src/measure/rawio.ts passes it.
  netnsPath: fc.oneof(anythingBut(undefined, ''), fc.string({ minLength: 1 }), fc.constantFrom('/proc/self/ns/net', '/proc/1/ns/net', '/dev/null', '/')),
  targetNetnsPath: fc.oneof(anythingBut(undefined, ''), fc.string({ minLength: 1 }), fc.constantFrom('/proc/self/ns/net', '/proc/1/ns/net')),
  // A list whose every entry happens to be a valid event (a raw one like "r0", perf's syntax) is
  // not a bad value, so such draws are left out.
  events: fc.oneof(anythingBut(undefined).filter((v) => !Array.isArray(v)),
    fc.array(fc.oneof(fc.anything(), fc.string()), { minLength: 1, maxLength: 3 }).filter((xs) => !xs.every(isValidEvent))),
  key: notBytes(16),
};

describe('fuzz: the native exports', () => {
  it(`rawioStart: ${RUNS} configs with one bad field each`, async () => {
    await fc.assert(fc.asyncProperty(fc.constantFrom(...Object.keys(START_FIELDS)).chain((field) => fc.tuple(fc.constant(field), START_FIELDS[field]!)), async ([field, value]) => {
      // ifname and srcMac only count with link "packet"; a harmless empty port list with openPort.
      const config = { ...base(), ...(field === 'ifname' || field === 'srcMac' ? { link: 'packet', ifname: 'lo' } : {}), [field]: value };
      await failsNaming(() => addon().rawioStart(config), `config.${field}`);
    }), { numRuns: RUNS });
  });

  it(`rawioStart: ${RUNS} frame-method configs whose link is not "packet"`, async () => {
    // TX ring and AF_XDP send Ethernet frames: any link but "packet" (absent = "ip") is refused naming config.link.
    await fc.assert(fc.asyncProperty(fc.constantFrom(...FRAME_METHODS), anythingBut('packet'), async (method, link) => {
      const config: Record<string, unknown> = { ...base(), method, ifname: 'lo' };
      if (link !== undefined) config.link = link;
      await failsNaming(() => addon().rawioStart(config), 'config.link');
    }), { numRuns: RUNS });
  });

  it(`rawioStart: ${RUNS} calls whose config is not an object`, async () => {
    await fc.assert(fc.asyncProperty(anythingBut().filter((v) => v === null || typeof v !== 'object' || Array.isArray(v)), async (value) => {
      await failsNaming(() => addon().rawioStart(value), 'config');
    }), { numRuns: RUNS });
  });

  it(`rawioSipHash24: ${RUNS} calls with a bad key or data`, async () => {
    await fc.assert(fc.asyncProperty(fc.boolean(), notBytes(16), anythingBut().filter((v) => !(v instanceof Uint8Array)), async (breakKey, key, data) => {
      if (breakKey) await failsNaming(() => addon().rawioSipHash24(key, Buffer.alloc(1)), 'key');
      else await failsNaming(() => addon().rawioSipHash24(Buffer.alloc(16), data), 'data');
    }), { numRuns: RUNS });
  });

  const badName = fc.oneof(
    anythingBut(),
    fc.string({ maxLength: 80 }),
    fc.string({ maxLength: 70 }).map((s) => `prtip-perf-${s}`),
    fc.constantFrom('prtip-perf-', 'prtip-perf-../../etc', 'prtip-perf-a/b', 'default', '.', '..'),
  ).filter((v) => !(typeof v === 'string' && /^prtip-perf-[A-Za-z0-9_-]+$/.test(v) && v.length <= 64));
  for (const fn of ['netnsCreate', 'netnsRemove'] as const) {
    it(`${fn}: ${RUNS} bad names`, async () => {
      await fc.assert(fc.asyncProperty(badName, async (name) => {
        await failsNaming(() => addon()[fn](name), 'name');
      }), { numRuns: RUNS });
    });
  }
});
