/**
 * Internet checksums (RFC 1071) computed by the native kernels, the RFC 1624
 * incremental update, and TCP/UDP checksums over IPv4/IPv6 pseudo headers.
 */
import { PerfError } from '../../core/errors.js';
import { describe, expectBuffer, expectInteger, expectNoArguments, expectOneOf, nearNames, readOptions } from '../../core/validate.js';
import { type Family, type L4Protocol, parseAddress } from './address.js';
import { type SumCheckReport, type UpdateCheckReport, packetNative } from './native.js';

/** Kernels that sum a whole buffer, in native index order. */
export const SUM_VARIANTS = ['scalar16', 'wide64', 'avx2', 'avx512'] as const;
/** A whole-buffer kernel. */
export type SumVariant = (typeof SUM_VARIANTS)[number];
/** Every checksum variant: the whole-buffer kernels and the RFC 1624 update. */
export type ChecksumVariant = SumVariant | 'incremental';
/** Longest buffer checksum() accepts (1 GiB). */
export const MAX_CHECKSUM_LENGTH = 1 << 30;

/** One variant and whether this CPU runs it. */
export interface ChecksumVariantInfo {
  name: ChecksumVariant;
  available: boolean;
}

/** Options for checksum(). */
export interface ChecksumOptions {
  /** Kernel to use; default 'best' (avx512, else avx2, else wide64). */
  variant?: SumVariant | 'best';
}

let variantCache: ChecksumVariantInfo[] | undefined;
let availableCache: Set<string> | undefined;

function cachedVariants(): ChecksumVariantInfo[] {
  variantCache ??= [
    ...packetNative().checksumVariants().map((v) => ({ name: v.name as SumVariant, available: v.available })),
    { name: 'incremental', available: true },
  ];
  return variantCache;
}

function availableVariants(): Set<string> {
  availableCache ??= new Set(cachedVariants().filter((v) => v.available).map((v) => v.name));
  return availableCache;
}

/** The checksum variants and whether this CPU has what each needs (avx2, avx512f+avx512bw). */
export function checksumVariants(): ChecksumVariantInfo[] {
  expectNoArguments('checksumVariants', arguments);
  return cachedVariants().map((v) => ({ ...v }));
}

/** The fastest available whole-buffer kernel. */
export function bestSumVariant(): SumVariant {
  const available = availableVariants();
  return available.has('avx512') ? 'avx512' : available.has('avx2') ? 'avx2' : 'wide64';
}

/** Validates a variant name (param names the caller's parameter) and returns its native index. */
export function sumVariantIndex(param: string, variant: unknown): number {
  if (variant === 'best') return SUM_VARIANTS.indexOf(bestSumVariant());
  if (variant === 'incremental') {
    throw new RangeError(`${param} "incremental" updates one 16-bit field of an existing checksum: use checksumUpdate(), not checksum()`);
  }
  if (typeof variant === 'string' && !(SUM_VARIANTS as readonly string[]).includes(variant)) {
    const near = nearNames(variant, [...SUM_VARIANTS, 'best']);
    throw new RangeError(`${param} must be one of ${[...SUM_VARIANTS, 'best'].map((v) => JSON.stringify(v)).join(', ')}, got ${describe(variant)}${near.length ? ` (did you mean ${near.join(' or ')}?)` : ''}`);
  }
  const name = expectOneOf(param, variant, SUM_VARIANTS);
  if (!availableVariants().has(name)) {
    throw new PerfError(`checksum variant ${name} needs CPU features this machine lacks (see checksumVariants())`, { code: 'VARIANT_UNAVAILABLE' });
  }
  return SUM_VARIANTS.indexOf(name);
}

function variantOption(options: unknown): unknown {
  if (options === undefined) return 'best';
  const o = readOptions('options', options);
  for (const key of Object.keys(o)) if (key !== 'variant') throw new RangeError(`options.${key} is not an option of checksum(); it takes { variant }`);
  return o.variant ?? 'best';
}

/**
 * The Internet checksum of buf: the ones'-complement of the ones'-complement sum of
 * its big-endian 16-bit words (odd length padded with a zero byte). Over data that
 * already holds a correct checksum it returns 0.
 */
export function checksum(buf: Buffer, options?: ChecksumOptions): number {
  expectBuffer('buf', buf, MAX_CHECKSUM_LENGTH);
  const index = sumVariantIndex('options.variant', variantOption(options));
  return ~packetNative().checksumSum(buf, index) & 0xffff;
}

/** The folded ones'-complement sum (not inverted) of buf, for combining partial sums. */
export function onesComplementSum(buf: Buffer, options?: ChecksumOptions): number {
  expectBuffer('buf', buf, MAX_CHECKSUM_LENGTH);
  return packetNative().checksumSum(buf, sumVariantIndex('options.variant', variantOption(options)));
}

/**
 * RFC 1624 eqn. 3: the checksum after one 16-bit field changes from oldWord to
 * newWord, HC' = ~(~HC + ~m + m'), without touching the rest of the data.
 */
export function checksumUpdate(oldChecksum: number, oldWord: number, newWord: number): number {
  expectInteger('oldChecksum', oldChecksum, 0, 0xffff);
  expectInteger('oldWord', oldWord, 0, 0xffff);
  expectInteger('newWord', newWord, 0, 0xffff);
  return packetNative().checksumUpdate(oldChecksum, oldWord, newWord);
}

/** Addresses and protocol of a TCP/UDP pseudo header. */
export interface PseudoHeader {
  family: Family;
  /** Literal address ("127.0.0.1", "::1"). */
  src: string;
  dst: string;
  protocol: L4Protocol;
}

const PROTOCOL_NUMBER: Record<L4Protocol, number> = { tcp: 6, udp: 17 };

/**
 * The TCP/UDP checksum of segment (header plus payload) under the pseudo header
 * (RFC 793/768 for IPv4, RFC 8200 §8.1 for IPv6). With the segment's checksum field
 * zero it is the value to write (UDP writes 0 as 0xFFFF); over a segment that
 * carries a correct checksum it returns 0.
 */
export function transportChecksum(segment: Buffer, header: PseudoHeader, options?: ChecksumOptions): number {
  const h = readOptions('header', header);
  const family = expectOneOf('header.family', h.family, [4, 6] as const);
  const protocol = expectOneOf('header.protocol', h.protocol, ['tcp', 'udp'] as const);
  expectBuffer('segment', segment, family === 4 ? 0xffff : 0xffffffff);
  const src = parseAddress('header.src', family, h.src);
  const dst = parseAddress('header.dst', family, h.dst);
  const native = packetNative();
  const pseudo = native.pseudoHeaderSum(family, src, dst, PROTOCOL_NUMBER[protocol], segment.length);
  const body = native.checksumSum(segment, sumVariantIndex('options.variant', variantOption(options)));
  let sum = pseudo + body;
  sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** Options for checksumSelfCheck(). */
export interface SelfCheckOptions {
  /** Seed of the native generator (lengths, offsets, bytes); same seed, same cases. */
  seed: number;
  /** Random buffers (windows) to check; default 1e6. */
  buffers?: number;
  /** Longest buffer, default 65535 (lengths are uniform in 0..maxLength). */
  maxLength?: number;
  /** Windows also checked against the plain bytewise loop; default 2000. */
  directChecks?: number;
  /** Wall-time bound; the report says timedOut when hit. Default 120000. */
  deadlineMs?: number;
}

/**
 * Runs a kernel against the bytewise reference on random buffers of random length
 * and alignment, in native code (seconds for 10^6 buffers, not minutes).
 */
export function checksumSelfCheck(variant: SumVariant, options: SelfCheckOptions): SumCheckReport {
  const index = sumVariantIndex('variant', variant);
  const o = readOptions('options', options);
  const seed = expectInteger('options.seed', o.seed, 0, Number.MAX_SAFE_INTEGER);
  const buffers = expectInteger('options.buffers', o.buffers ?? 1e6, 0, 1e8);
  const maxLength = expectInteger('options.maxLength', o.maxLength ?? 65535, 0, 1 << 20);
  const direct = expectInteger('options.directChecks', o.directChecks ?? 2000, 0, 1e8);
  const deadline = expectInteger('options.deadlineMs', o.deadlineMs ?? 120000, 1, 3.6e6);
  return packetNative().checksumSelfCheck(index, seed, buffers, maxLength, direct, deadline);
}

/** RFC 1624 updates against full recomputation on random headers, in native code. */
export function incrementalSelfCheck(options: { seed: number; cases?: number; deadlineMs?: number }): UpdateCheckReport {
  const o = readOptions('options', options);
  const seed = expectInteger('options.seed', o.seed, 0, Number.MAX_SAFE_INTEGER);
  const cases = expectInteger('options.cases', o.cases ?? 1e6, 0, 1e9);
  const deadline = expectInteger('options.deadlineMs', o.deadlineMs ?? 60000, 1, 3.6e6);
  return packetNative().incrementalSelfCheck(seed, cases, deadline);
}
