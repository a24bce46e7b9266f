import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CRAFT_STRATEGIES, type CraftOptions, CraftKernel, craftAllocations, craftPackets, dstPortAt, packetLength, packetNative, seqAt,
} from '../src/measure/packet/index.js';
import { packetSpec } from '../src/measure/packet/craft.js';
import { parsePacket } from './packet-parser.js';
import { writePcap } from './pcap.js';

const KINDS: { name: string; options: CraftOptions; length: number }[] = [
  { name: 'IPv4 TCP SYN', options: { family: 4, protocol: 'tcp' }, length: 40 },
  { name: 'IPv4 TCP SYN + options', options: { family: 4, protocol: 'tcp', tcpOptions: true }, length: 52 },
  { name: 'IPv4 TCP SYN + MSS', options: { family: 4, protocol: 'tcp', tcpOptions: 'mss' }, length: 44 },
  { name: 'IPv6 TCP SYN + MSS', options: { family: 6, protocol: 'tcp', tcpOptions: 'mss' }, length: 64 },
  { name: 'IPv6 TCP SYN', options: { family: 6, protocol: 'tcp' }, length: 60 },
  { name: 'IPv6 TCP SYN + options', options: { family: 6, protocol: 'tcp', tcpOptions: true }, length: 72 },
  { name: 'IPv4 UDP', options: { family: 4, protocol: 'udp' }, length: 28 },
  { name: 'IPv6 UDP', options: { family: 6, protocol: 'udp' }, length: 48 },
];
const COUNT = 70000; // more than 65535, so the port wraps and every checksum value range is hit

const slices = (c: { buffer: Buffer; offsets: Uint32Array; packetLength: number }): Buffer[] =>
  [...c.offsets].map((o) => c.buffer.subarray(o, o + c.packetLength));

describe.each(KINDS)('$name', ({ options, length }) => {
  const crafted = Object.fromEntries(CRAFT_STRATEGIES.map((s) => [s, craftPackets({ ...options, strategy: s, count: COUNT, firstDstPort: 1000, seqBase: 12345 })]));

  it('has the expected length and offsets', () => {
    expect(packetLength(options)).toBe(length);
    for (const s of CRAFT_STRATEGIES) {
      expect(crafted[s]!.packetLength).toBe(length);
      expect(crafted[s]!.buffer.length).toBe(COUNT * length);
      expect(crafted[s]!.offsets[COUNT - 1]).toBe((COUNT - 1) * length);
    }
  });

  it('alloc, reuse and template are byte-identical', () => {
    expect(crafted.alloc!.buffer.equals(crafted.reuse!.buffer)).toBe(true);
    expect(crafted.template!.buffer.equals(crafted.reuse!.buffer)).toBe(true);
  });

  it('every packet parses back with verified checksums and the expected fields', () => {
    // Problems are collected and compared once: 70,000 packets x a dozen expect() calls would take a minute.
    const problems: string[] = [];
    const check = (i: number, what: string, got: unknown, want: unknown): void => {
      if (JSON.stringify(got) !== JSON.stringify(want) && problems.length < 20) problems.push(`packet ${i} ${what}: ${JSON.stringify(got)} != ${JSON.stringify(want)}`);
    };
    let zeroUdpChecksums = 0;
    slices(crafted.template!).forEach((p, i) => {
      const parsed = parsePacket(p);
      check(i, 'family', parsed.family, options.family);
      check(i, 'ttl', parsed.ttl, 64);
      check(i, 'src', parsed.src, options.family === 4 ? '127.0.0.1' : '0:0:0:0:0:0:0:1');
      check(i, 'dst', parsed.dst, parsed.src);
      if (options.family === 4) check(i, 'IPv4 checksum ok', parsed.ipv4?.checksumOk, true);
      check(i, 'L4 checksum ok', parsed.l4ChecksumOk, true);
      check(i, 'src port', parsed.srcPort, 40000);
      check(i, 'dst port', parsed.dstPort, dstPortAt(1000, i));
      if (options.protocol === 'tcp') {
        const tcp = parsed.tcp!;
        check(i, 'protocol', parsed.protocol, 6);
        check(i, 'seq', tcp.seq, seqAt(12345, 2654435761, i));
        check(i, 'ack', tcp.ack, 0);
        check(i, 'flags', tcp.flags, 0x02);
        check(i, 'window', tcp.window, 65535);
        const mss = { kind: 2, data: [0x05, 0xb4] };
        const expectedOptions = options.tcpOptions === 'mss' ? [mss] : options.tcpOptions ? [mss, { kind: 3, data: [7] }, { kind: 4, data: [] }] : [];
        check(i, 'data offset', tcp.dataOffset, options.tcpOptions === 'mss' ? 24 : options.tcpOptions ? 32 : 20);
        check(i, 'options', tcp.options.filter((x) => x.kind !== 1), expectedOptions);
        // MSS alone needs no padding: no NOPs
        if (options.tcpOptions === 'mss') check(i, 'options with NOPs', tcp.options.length, 1);
      } else {
        check(i, 'protocol', parsed.protocol, 17);
        check(i, 'UDP length', parsed.udp?.length, 8);
        if (parsed.l4Checksum === 0) zeroUdpChecksums++; // UDP sends a computed 0 as 0xFFFF
      }
    });
    expect(problems).toEqual([]);
    expect(zeroUdpChecksums).toBe(0);
  }, 60000);
});

describe('the template (the raw-socket sender uses its slots)', () => {
  it('a CraftKernel continues the sequence across calls, identical to craftPackets', () => {
    const group = 100;
    const kernel = new CraftKernel({ family: 6, protocol: 'tcp', tcpOptions: true }, 'template', group);
    kernel.run(3);
    const lastBatch = kernel.batch();
    const all = craftPackets({ family: 6, protocol: 'tcp', tcpOptions: true, strategy: 'reuse', count: 3 * group });
    expect(lastBatch.equals(all.buffer.subarray(2 * group * 72))).toBe(true);
  });
});

describe('allocations per packet (counted through the alloc wrapper)', () => {
  it('alloc allocates once per packet; reuse and template never', () => {
    const counts: Record<string, number> = {};
    for (const s of CRAFT_STRATEGIES) {
      const before = craftAllocations();
      const kernel = new CraftKernel({}, s, 1000);
      kernel.run(5);
      counts[s] = craftAllocations() - before;
    }
    expect(counts).toEqual({ alloc: 5000, reuse: 0, template: 0 });
  });
});

describe('bad input', () => {
  it('names the parameter', () => {
    expect(() => craftPackets({ strategy: 'pool' as never })).toThrow(RangeError);
    expect(() => craftPackets({ strategy: 'temp1ate' as never })).toThrow(/options\.strategy.*did you mean "?template/);
    expect(() => craftPackets({ count: 0 })).toThrow(/options\.count/);
    expect(() => craftPackets({ count: -5 })).toThrow(RangeError);
    expect(() => craftPackets({ count: 1e8 + 1 })).toThrow(/options\.count/);
    expect(() => craftPackets({ count: 2.5 })).toThrow(RangeError);
    expect(() => craftPackets({ count: '10' as never })).toThrow(TypeError);
    expect(() => craftPackets({ family: 5 as never })).toThrow(/options\.family/);
    expect(() => craftPackets({ protocol: 'icmp' as never })).toThrow(/options\.protocol/);
    expect(() => craftPackets({ protocol: 'udp', tcpOptions: true })).toThrow(/options\.tcpOptions/);
    expect(() => craftPackets({ protocol: 'udp', tcpOptions: 'mss' })).toThrow(/options\.tcpOptions applies to TCP only/);
    expect(() => craftPackets({ tcpOptions: 'sack' as never })).toThrow(/options\.tcpOptions must be a boolean or "mss", got/);
    expect(() => craftPackets({ tcpOptions: 'sack' as never })).toThrow(RangeError);
    expect(() => craftPackets({ tcpOptions: 1 as never })).toThrow(TypeError);
    // the native side checks it too, whatever TS let through
    expect(() => packetNative().packetLength({ ...packetSpec('options', {}), tcpOptions: 'MSS' as never })).toThrow(/tcpOptions must be a boolean or "mss"/);
    expect(() => packetNative().packetLength({ ...packetSpec('options', {}), tcpOptions: 7 as never })).toThrow(TypeError);
    expect(() => craftPackets({ family: 6, src: '127.0.0.1' })).toThrow(/options\.src/);
    expect(() => craftPackets({ srcPort: 70000 })).toThrow(/options\.srcPort/);
    expect(() => craftPackets({ firstDstPort: 0 })).toThrow(/options\.firstDstPort/);
    expect(() => craftPackets({ cuont: 5 } as never)).toThrow(/options\.cuont.*count/);
    expect(() => craftPackets('tcp' as never)).toThrow(TypeError);
    // 1e8 IPv6 SYNs would need 6 GB: too big for one Buffer, refused before allocating
    expect(() => craftPackets({ family: 6, count: 1e8 })).toThrow(/options\.count must be at most/);
  });
  it('a getter that throws is a TypeError naming the option, read once', () => {
    let reads = 0;
    const options = Object.defineProperty({}, 'count', { enumerable: true, get() { reads++; return 1; } });
    expect(craftPackets(options).count).toBe(1);
    expect(reads).toBe(1);
    const throwing = Object.defineProperty({}, 'ttl', { enumerable: true, get() { throw new Error('boom'); } });
    expect(() => craftPackets(throwing)).toThrow(/options\.ttl could not be read: boom/);
    expect(() => craftPackets(new Proxy({}, { ownKeys() { throw new Error('trap'); } }))).toThrow(TypeError);
  });
  it('the native exports check the spec themselves (no silent truncation of 70000 to a port)', () => {
    const native = packetNative();
    const spec = packetSpec('options', {});
    expect(() => native.craftPackets({ ...spec, srcPort: 70000 }, 2, 1)).toThrow(/craftPackets: spec.srcPort must be an integer from 0 to 65535, got the number 70000/);
    expect(() => native.craftPackets({ ...spec, family: 5 as never }, 2, 1)).toThrow(RangeError);
    expect(() => native.craftPackets({ ...spec, src: Buffer.alloc(0) }, 2, 1)).toThrow(/spec.src and craftPackets: spec.dst must be 4-byte/);
    expect(() => native.craftPackets(spec, 2, -1)).toThrow(/craftPackets: count/);
    expect(() => native.packetLength({ ...spec, protocol: 'icmp' as never })).toThrow(/packetLength: spec.protocol/);
    expect(() => new native.CraftKernel(spec, 3, 1)).toThrow(/CraftKernel: strategyIndex/);
    const kernel = new native.CraftKernel(spec, 2, 1);
    expect(() => kernel.run(1e30)).toThrow(/CraftKernel.prototype.run: calls/);
    expect(() => Reflect.apply(kernel.batch, kernel, [1])).toThrow(/batch\(\) takes no arguments/);
  });
});

const TSHARK = '/usr/bin/tshark';
const hasTshark = existsSync(TSHARK);
if (!hasTshark) console.log(`skipping the tshark cross-check: ${TSHARK} is not installed (apt-get install tshark)`);

describe('tshark agrees', () => {
  const dir = mkdtempSync(join(tmpdir(), 'prtip-pcap-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Frames tshark reads, and those it flags malformed or with a bad checksum. */
  function tshark(file: string): { frames: number; flagged: string[]; statuses: string[] } {
    const prefs = ['-o', 'ip.check_checksum:TRUE', '-o', 'tcp.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE'];
    const run = (args: string[]): string =>
      execFileSync(TSHARK, ['-n', '-r', file, ...prefs, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60000 });
    const statuses = run(['-T', 'fields', '-E', 'separator=,', '-e', 'ip.checksum.status', '-e', 'tcp.checksum.status', '-e', 'udp.checksum.status']).trim().split('\n');
    const flagged = run(['-Y', '_ws.malformed || _ws.expert.severity >= error || ip.checksum.status == 0 || tcp.checksum.status == 0 || udp.checksum.status == 0', '-T', 'fields', '-e', 'frame.number', '-e', '_ws.expert.message'])
      .trim().split('\n').filter((l) => l !== '');
    return { frames: statuses.length, flagged, statuses };
  }

  it.skipIf(!hasTshark)('reads every crafted packet: none malformed, no bad checksum, all checksums good', () => {
    const packets = KINDS.flatMap((k) => slices(craftPackets({ ...k.options, strategy: 'template', count: 2000, firstDstPort: 64000 })));
    const file = join(dir, 'crafted.pcap');
    writePcap(file, packets);
    const result = tshark(file);
    expect(result.frames).toBe(packets.length);
    expect(result.flagged).toEqual([]);
    // status 1 = good; IPv6 has no header checksum so its first field is empty
    for (const s of result.statuses) {
      const fields = s.split(',').filter((f) => f !== '');
      expect(fields.length).toBeGreaterThanOrEqual(1);
      for (const f of fields) expect(f).toBe('1');
    }
  }, 120000);

  it.skipIf(!hasTshark)('reads the MSS-only SYN as prtip\'s tcp_packet_* bench builds it: a 24-byte header whose one option is MSS 1460', () => {
    const packets = [4, 6].flatMap((family) => slices(craftPackets({ family: family as 4 | 6, tcpOptions: 'mss', strategy: 'alloc', count: 50 })));
    const file = join(dir, 'mss.pcap');
    writePcap(file, packets);
    const fields = execFileSync(TSHARK, ['-n', '-r', file, '-T', 'fields', '-E', 'separator=,', '-e', 'tcp.hdr_len', '-e', 'tcp.options.mss_val', '-e', 'tcp.flags.syn', '-e', 'tcp.options.wscale.shift'],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60000 }).trim().split('\n');
    expect(fields.length).toBe(100);
    expect(new Set(fields)).toEqual(new Set(['24,1460,1,']));
  }, 60000);

  it.skipIf(!hasTshark)('flags corrupted copies (the check can fail)', () => {
    const good = craftPackets({ count: 3 });
    const [a, b, c] = slices(good).map((p) => Buffer.from(p));
    a![11]! ^= 0x01; // IPv4 header checksum
    b![36]! ^= 0x80; // TCP checksum
    const truncated = c!.subarray(0, 30); // cut inside the TCP header
    const file = join(dir, 'corrupt.pcap');
    writePcap(file, [a!, b!, truncated]);
    const result = tshark(file);
    expect(result.frames).toBe(3);
    expect(result.flagged.length).toBe(3);
  }, 60000);
});
