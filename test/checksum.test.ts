import { describe, expect, it } from 'vitest';
import { randomData } from '../bench/suites/checksum.bench.js';
import { PerfError } from '../src/core/errors.js';
import {
  ChecksumKernel, SUM_VARIANTS, checksum, checksumSelfCheck, checksumUpdate, checksumVariants, incrementalSelfCheck, packetNative,
  transportChecksum,
} from '../src/measure/packet/index.js';
import { packetSpec } from '../src/measure/packet/craft.js';

const craftSpec = () => packetSpec('options', {});
import { referenceSum } from './packet-parser.js';

const available = checksumVariants().filter((v) => v.available && v.name !== 'incremental').map((v) => v.name);
const unavailable = checksumVariants().filter((v) => !v.available).map((v) => v.name);
if (unavailable.length > 0) console.log(`checksum variants this CPU lacks (their checks are skipped): ${unavailable.join(', ')}`);
const referenceChecksum = (b: Uint8Array): number => ~referenceSum(b) & 0xffff;

describe('checksumVariants', () => {
  it('lists the four kernels and incremental, scalar ones always available', () => {
    const names = checksumVariants().map((v) => v.name);
    expect(names).toEqual([...SUM_VARIANTS, 'incremental']);
    for (const v of checksumVariants()) expect(typeof v.available).toBe('boolean');
    expect(available).toContain('scalar16');
    expect(available).toContain('wide64');
  });

  it('an unavailable variant is refused, never replaced', () => {
    for (const name of unavailable) {
      if (name === 'incremental') continue;
      expect(() => checksum(Buffer.alloc(20), { variant: name as never })).toThrow(PerfError);
    }
    // the check runs where something is unavailable; here it at least resolves every name
    for (const name of available) expect(checksum(Buffer.alloc(2, 0xff), { variant: name as never })).toBe(0);
  });
});

describe('known values', () => {
  it('textbook IPv4 headers: 0xb861 and 0xb1e6 with every variant; RFC 1071 example data', () => {
    const wikipedia = Buffer.from('45000073000040004011' + '0000' + 'c0a80001c0a800c7', 'hex');
    const other = Buffer.from('4500003c1c4640004006' + '0000' + 'ac100a63ac100a0c', 'hex');
    // RFC 1071 §3 example data: 00 01 f2 03 f4 f5 f6 f7 sums to 0xddf2
    const rfc = Buffer.from('0001f203f4f5f6f7', 'hex');
    for (const variant of available) {
      expect(checksum(wikipedia, { variant: variant as never })).toBe(0xb861);
      expect(checksum(other, { variant: variant as never })).toBe(0xb1e6);
      expect(checksum(rfc, { variant: variant as never })).toBe(~0xddf2 & 0xffff);
    }
  });
});

describe('carry cases', () => {
  it('zero length is 0xFFFF', () => {
    for (const variant of available) expect(checksum(Buffer.alloc(0), { variant: variant as never })).toBe(0xffff);
  });

  it('all-0xFF data checksums to 0 at every length and alignment', () => {
    const big = Buffer.alloc(4096 + 64, 0xff);
    for (const variant of available) {
      for (const length of [1, 2, 3, 31, 32, 33, 63, 64, 65, 127, 128, 129, 255, 256, 257, 1500, 4095, 4096]) {
        for (const offset of [0, 1, 7, 31, 63]) {
          const expected = length % 2 === 1 ? referenceChecksum(big.subarray(offset, offset + length)) : 0;
          expect(checksum(big.subarray(offset, offset + length), { variant: variant as never }), `${variant} ${length}@${offset}`).toBe(expected);
        }
      }
    }
  });

  it('odd lengths pad the last byte as a high byte, at every alignment', () => {
    const data = randomData(70000, 7);
    for (const variant of available) {
      for (let length = 1; length < 300; length += 2) {
        for (const offset of [0, 1, 2, 3, 5, 8, 33, 63]) {
          const b = data.subarray(offset, offset + length);
          expect(checksum(b, { variant: variant as never })).toBe(referenceChecksum(b));
        }
      }
      for (const length of [1499, 1501, 65535]) expect(checksum(data.subarray(1, 1 + length), { variant: variant as never })).toBe(referenceChecksum(data.subarray(1, 1 + length)));
    }
  });

  it('0x0000 and 0xFFFF words are the same number in ones complement', () => {
    const a = Buffer.from('1234abcd0000', 'hex'), b = Buffer.from('1234abcdffff', 'hex');
    for (const variant of available) expect(checksum(a, { variant: variant as never })).toBe(checksum(b, { variant: variant as never }));
    // a buffer holding its own checksum verifies to 0, whichever of the two forms is stored
    const withSum = Buffer.concat([a, Buffer.alloc(2)]);
    withSum.writeUInt16BE(checksum(a), 6);
    expect(checksum(withSum)).toBe(0);
  });

  it('a sum that wraps many times at 64 KiB', () => {
    const b = Buffer.alloc(65536, 0xfe);
    for (const variant of available) expect(checksum(b, { variant: variant as never })).toBe(referenceChecksum(b));
  });
});

describe('random buffers against the bytewise reference (native sweep)', () => {
  // 10^6 windows of uniform length 0..65535 at random offsets (so random alignment).
  for (const variant of SUM_VARIANTS) {
    it.skipIf(!available.includes(variant))(`${variant}: 10^6 random buffers, 0..65535 bytes, random alignment`, () => {
      const report = checksumSelfCheck(variant, { seed: 20251122 + SUM_VARIANTS.indexOf(variant), buffers: 1e6, maxLength: 65535, deadlineMs: 100000 });
      expect(report.timedOut).toBe(false);
      expect(report.buffers).toBe(1e6);
      expect(report.bytes).toBeGreaterThan(3e10); // mean length near 32 KiB
      expect(report.referenceMismatches).toBe(0);
      expect(report.referenceChecks).toBeGreaterThanOrEqual(2000);
      expect(report.first).toBeUndefined();
      expect(report.mismatches).toBe(0);
    }, 120000);
  }
});

describe('incremental (RFC 1624)', () => {
  it('equals full recomputation on 10^6 random headers and field changes (native sweep)', () => {
    const report = incrementalSelfCheck({ seed: 1624, cases: 1e6 });
    expect(report.timedOut).toBe(false);
    expect(report.cases).toBeGreaterThan(9e5);
    expect(report.mismatches).toBe(0);
  });

  it("RFC 1624's own example gives 0x0000, not eqn. 2's 0xFFFF", () => {
    expect(checksumUpdate(0xdd2f, 0x5555, 0x3285)).toBe(0x0000);
  });

  it('updating a TTL/protocol word of an IPv4 header equals recomputing it', () => {
    const header = Buffer.from('450000731c464000401100' + '00c0a80001c0a800c7', 'hex');
    let sum = checksum(header);
    for (let ttl = 0; ttl < 256; ttl++) {
      const old = header.readUInt16BE(8);
      header[8] = ttl;
      sum = checksumUpdate(sum, old, header.readUInt16BE(8));
      expect(sum).toBe(checksum(header));
    }
  });
});

describe('pseudo headers', () => {
  it('IPv4 and IPv6 TCP/UDP checksums match the reference', () => {
    const segment = randomData(33, 3);
    const v4 = Buffer.from([127, 0, 0, 1, 127, 0, 0, 2, 0, 6, 0, 33]);
    expect(transportChecksum(segment, { family: 4, src: '127.0.0.1', dst: '127.0.0.2', protocol: 'tcp' })).toBe(~referenceSum(v4, segment) & 0xffff);
    const v6 = Buffer.concat([Buffer.alloc(15), Buffer.from([1]), Buffer.from('fe800000000000000000000000000001', 'hex'), Buffer.from([0, 0, 0, 33, 0, 0, 0, 17])]);
    expect(transportChecksum(segment, { family: 6, src: '::1', dst: 'fe80::1', protocol: 'udp' })).toBe(~referenceSum(v6, segment) & 0xffff);
  });
});

describe('bad input', () => {
  it('non-Buffer data is a TypeError naming buf', () => {
    expect(() => checksum('abc' as never)).toThrow(TypeError);
    expect(() => checksum('abc' as never)).toThrow(/buf/);
    expect(() => checksum(new Uint8Array(4) as never)).toThrow(/buf must be a Buffer/);
  });

  it('unknown or misplaced variants are RangeErrors naming the variant', () => {
    expect(() => checksum(Buffer.alloc(4), { variant: 'avx513' as never })).toThrow(RangeError);
    expect(() => checksum(Buffer.alloc(4), { variant: 'avx513' as never })).toThrow(/options\.variant.*did you mean/);
    expect(() => checksum(Buffer.alloc(4), { variant: 'incremental' as never })).toThrow(/checksumUpdate/);
    expect(() => checksum(Buffer.alloc(4), { variant: 7 as never })).toThrow(TypeError);
    expect(() => checksum(Buffer.alloc(4), { varient: 'avx2' } as never)).toThrow(/options\.varient/);
  });

  it('out-of-range update words are RangeErrors naming the parameter', () => {
    expect(() => checksumUpdate(0x10000, 0, 0)).toThrow(/oldChecksum/);
    expect(() => checksumUpdate(0, -1, 0)).toThrow(RangeError);
    expect(() => checksumUpdate(0, 0, 1.5)).toThrow(/newWord/);
    expect(() => checksumUpdate(0, 0, '1' as never)).toThrow(TypeError);
  });

  it('a detached Buffer is refused by the TS API and by the native export, never read', () => {
    const arrayBuffer = new ArrayBuffer(16);
    const detached = Buffer.from(arrayBuffer);
    structuredClone(arrayBuffer, { transfer: [arrayBuffer] });
    expect(() => checksum(detached)).toThrow(/buf must be a Buffer whose memory is still attached/);
    expect(() => packetNative().checksumSum(detached, 1)).toThrow(/checksumSum: data must be a Buffer whose memory is still attached/);
    expect(() => new ChecksumKernel(detached, 'wide64')).toThrow(/data must be a Buffer whose memory is still attached/);
    expect(() => new (packetNative().ChecksumKernel)(detached, 1, 0)).toThrow(TypeError);
    // Empty but attached is fine: the checksum of nothing.
    expect(checksum(Buffer.alloc(0))).toBe(0xffff);
    expect(new (packetNative().ChecksumKernel)(Buffer.alloc(0), 1, 0).run(3)).toBe(0);
  });

  it('the native exports check integers themselves: no wrap-around, truncation or UB cast', () => {
    const native = packetNative();
    // Before: Int32Value(2**32) wrapped to variant 0, and 2**32 + 1 to 1.
    expect(() => native.checksumSum(Buffer.alloc(4), 2 ** 32)).toThrow(/checksumSum: variantIndex must be an integer from 0 to 3, got the number 4294967296/);
    expect(() => native.checksumSum(Buffer.alloc(4), 1.5)).toThrow(RangeError);
    // Before: Uint32Value(70000) silently became 4464.
    expect(() => native.checksumUpdate(70000, 0, 0)).toThrow(/checksumUpdate: oldChecksum must be an integer from 0 to 65535/);
    expect(() => native.pseudoHeaderSum(4, Buffer.alloc(4), Buffer.alloc(4), 6, -1)).toThrow(/l4Length/);
    // Before: static_cast<uint64_t>(NaN or -1) was undefined behaviour (UBSan: float-cast-overflow).
    expect(() => native.checksumSelfCheck(1, Number.NaN, 1, 1, 1, 1)).toThrow(/checksumSelfCheck: seed .*got NaN/);
    expect(() => native.checksumSelfCheck(1, 0, -1, 1, 1, 1)).toThrow(/checksumSelfCheck: buffers/);
    expect(() => native.incrementalSelfCheck(0, 1e30, 1)).toThrow(/incrementalSelfCheck: cases/);
    expect(() => native.incrementalSelfCheck(0, 1, Infinity)).toThrow(/incrementalSelfCheck: deadlineMs/);
  });

  it('kernel objects check their receiver: a foreign object is a TypeError naming the class', () => {
    const native = packetNative();
    const checksumKernel = new native.ChecksumKernel(Buffer.alloc(8), 1, 0);
    const craftKernel = new native.CraftKernel(craftSpec(), 2, 1);
    expect(() => Reflect.apply(native.CraftKernel.prototype.run, checksumKernel, [1])).toThrow(/CraftKernel.prototype.run: the receiver \(this\) must be a CraftKernel/);
    expect(() => Reflect.apply(native.ChecksumKernel.prototype.run, craftKernel, [1])).toThrow(/must be a ChecksumKernel/);
    expect(() => Reflect.apply(native.ChecksumKernel.prototype.run, Object.create(native.ChecksumKernel.prototype), [1])).toThrow(TypeError);
    const kernel = new ChecksumKernel(Buffer.alloc(8), 'wide64');
    expect(() => Reflect.apply(kernel.run, {}, [1])).toThrow(/ChecksumKernel.run: the receiver/);
    expect(() => kernel.run(-1)).toThrow(/iterations must be an integer/);
  });

  it('pseudo-header addresses must match the family', () => {
    expect(() => transportChecksum(Buffer.alloc(8), { family: 4, src: '::1', dst: '127.0.0.1', protocol: 'udp' })).toThrow(/header\.src/);
    expect(() => transportChecksum(Buffer.alloc(8), { family: 5 as never, src: '::1', dst: '::1', protocol: 'udp' })).toThrow(/header\.family/);
  });
});
