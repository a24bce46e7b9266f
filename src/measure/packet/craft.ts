/**
 * Crafting probe packets (L3, from the IP header on) with ProRT-IP's three
 * strategies, all byte-identical: alloc (heap block per packet), reuse (field by
 * field into a preallocated slot) and template (masscan's copy, patch, RFC 1624).
 */
import { constants } from 'node:buffer';
import { describe, expectBoolean, expectInteger, expectNoArguments, expectOneOf, nearNames, readOptions } from '../../core/validate.js';
import { type Family, type L4Protocol, loopback, parseAddress } from './address.js';
import { type NativePacketSpec, packetNative } from './native.js';

/** How packets are built. */
export const CRAFT_STRATEGIES = ['alloc', 'reuse', 'template'] as const;
export type CraftStrategy = (typeof CRAFT_STRATEGIES)[number];
/** Most packets one craftPackets() call makes. */
export const MAX_CRAFT_COUNT = 1e8;

/** What to craft. Every field is optional; the default is a bare IPv4 SYN 127.0.0.1 → 127.0.0.1. */
export interface PacketOptions {
  /** 4 (default) or 6. */
  family?: Family;
  /** 'tcp' (a SYN, default) or 'udp' (empty payload). */
  protocol?: L4Protocol;
  /**
   * TCP options, TCP only: false (default, none), true (MSS 1460 + window scale 7 + SACK permitted:
   * ProRT-IP's packet_with_options bench) or 'mss' (MSS 1460 alone: its tcp_packet_* benches).
   */
  tcpOptions?: boolean | 'mss';
  /** Source address literal; default the family's loopback. */
  src?: string;
  /** Destination address literal; default the family's loopback. */
  dst?: string;
  /** Default 40000. */
  srcPort?: number;
  /** Destination port of packet 0; packet i gets firstDstPort + i, wrapping 65535 → 1. Default 1. */
  firstDstPort?: number;
  /** Sequence number of packet i: seqBase + i * seqStep (mod 2^32). Defaults 0 and 2654435761. */
  seqBase?: number;
  seqStep?: number;
  /** TCP window; default 65535. */
  window?: number;
  /** IPv4 TTL / IPv6 hop limit; default 64. */
  ttl?: number;
}

/** Options for craftPackets(). */
export interface CraftOptions extends PacketOptions {
  /** Default 'template'. */
  strategy?: CraftStrategy;
  /** Packets to make, 1..1e8. Default 1. */
  count?: number;
}

/** Crafted packets back to back. */
export interface CraftedPackets {
  /** All packets, L3 (starting at the IP header), back to back. */
  buffer: Buffer;
  /** Where packet i starts in buffer. */
  offsets: Uint32Array;
  /** Bytes per packet (all packets of one call have the same length). */
  packetLength: number;
  count: number;
}

const PACKET_KEYS = ['family', 'protocol', 'tcpOptions', 'src', 'dst', 'srcPort', 'firstDstPort', 'seqBase', 'seqStep', 'window', 'ttl'];

function rejectUnknownKeys(param: string, o: Record<string, unknown>, known: readonly string[]): void {
  for (const key of Object.keys(o)) {
    if (known.includes(key)) continue;
    const near = nearNames(key, known);
    throw new RangeError(`${param}.${key} is not an option${near.length ? ` (did you mean ${near.join(' or ')}?)` : ''}; known: ${known.join(', ')}`);
  }
}

/** tcpOptions other than 'mss': a boolean (default false); a string is named with what it may be. */
function tcpOptionsFlag(param: string, value: unknown): boolean {
  if (typeof value === 'string') throw new RangeError(`${param} must be a boolean or "mss", got ${describe(value)}`);
  return expectBoolean(param, value ?? false);
}

/** Validates packet options (param names the caller's parameter) into the native spec. */
export function packetSpec(param: string, options: unknown, extraKeys: readonly string[] = []): NativePacketSpec {
  const o = options === undefined ? {} : readOptions(param, options);
  rejectUnknownKeys(param, o, [...PACKET_KEYS, ...extraKeys]);
  const family = expectOneOf(`${param}.family`, o.family ?? 4, [4, 6] as const);
  const protocol = expectOneOf(`${param}.protocol`, o.protocol ?? 'tcp', ['tcp', 'udp'] as const);
  const tcpOptions = o.tcpOptions === 'mss' ? 'mss' : tcpOptionsFlag(`${param}.tcpOptions`, o.tcpOptions);
  if (tcpOptions !== false && protocol !== 'tcp') throw new RangeError(`${param}.tcpOptions applies to TCP only, got protocol ${describe(protocol)}`);
  return {
    family,
    protocol,
    tcpOptions,
    src: parseAddress(`${param}.src`, family, o.src ?? loopback(family)),
    dst: parseAddress(`${param}.dst`, family, o.dst ?? loopback(family)),
    srcPort: expectInteger(`${param}.srcPort`, o.srcPort ?? 40000, 0, 65535),
    firstDstPort: expectInteger(`${param}.firstDstPort`, o.firstDstPort ?? 1, 1, 65535),
    seqBase: expectInteger(`${param}.seqBase`, o.seqBase ?? 0, 0, 0xffffffff),
    seqStep: expectInteger(`${param}.seqStep`, o.seqStep ?? 2654435761, 0, 0xffffffff),
    window: expectInteger(`${param}.window`, o.window ?? 65535, 0, 65535),
    ttl: expectInteger(`${param}.ttl`, o.ttl ?? 64, 0, 255),
  };
}

/** Validates a strategy name and returns its native index. */
export function strategyIndex(param: string, value: unknown): number {
  if (typeof value === 'string' && !(CRAFT_STRATEGIES as readonly string[]).includes(value)) {
    const near = nearNames(value, CRAFT_STRATEGIES);
    throw new RangeError(`${param} must be one of ${CRAFT_STRATEGIES.map((s) => JSON.stringify(s)).join(', ')}, got ${describe(value)}${near.length ? ` (did you mean ${near.join(' or ')}?)` : ''}`);
  }
  return CRAFT_STRATEGIES.indexOf(expectOneOf(param, value, CRAFT_STRATEGIES));
}

/** Bytes of one packet of these options (IPv4 SYN 40, with MSS 44, with MSS/WS/SACK 52, IPv6 SYN 60, UDP 28/48). */
export function packetLength(options?: PacketOptions): number {
  return packetNative().packetLength(packetSpec('options', options));
}

/** Destination port of packet i under these options. */
export function dstPortAt(firstDstPort: number, i: number): number {
  return 1 + ((firstDstPort - 1 + i) % 65535);
}

/** Sequence number of packet i under these options. */
export function seqAt(seqBase: number, seqStep: number, i: number): number {
  return Number((BigInt(seqBase) + BigInt(i) * BigInt(seqStep)) & 0xffffffffn);
}

/**
 * Crafts `count` packets into one Buffer. Packet i goes to port firstDstPort + i
 * with sequence number seqBase + i * seqStep. Checksums are complete and correct.
 */
export function craftPackets(options?: CraftOptions): CraftedPackets {
  // One read of the caller's object: getters run once, and a throwing one names its key.
  const o = options === undefined ? {} : readOptions('options', options);
  const spec = packetSpec('options', o, ['strategy', 'count']);
  const strategy = strategyIndex('options.strategy', o.strategy ?? 'template');
  const count = expectInteger('options.count', o.count ?? 1, 1, MAX_CRAFT_COUNT);
  const native = packetNative();
  const length = native.packetLength(spec);
  const limit = Math.min(constants.MAX_LENGTH, 0xffffffff);
  if (count * length > limit) {
    throw new RangeError(`options.count must be at most ${Math.floor(limit / length)} for ${length}-byte packets (one Buffer holds ${limit} bytes), got ${describe(count)}`);
  }
  const buffer = native.craftPackets(spec, strategy, count);
  const offsets = new Uint32Array(count);
  for (let i = 0; i < count; i++) offsets[i] = i * length;
  return { buffer, offsets, packetLength: length, count };
}

/** Calls through the alloc strategy's counting allocation wrapper on this thread so far. */
export function craftAllocations(): number {
  expectNoArguments('craftAllocations', arguments);
  return packetNative().craftAllocations();
}
