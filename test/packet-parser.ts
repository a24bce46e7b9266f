/**
 * A small, independent parser for the tests: reads an L3 packet back into fields
 * and verifies its checksums with a plain TypeScript reference (no native code).
 */

/** Bytewise RFC 1071 sum (folded, not inverted) of the given byte arrays in sequence. */
export function referenceSum(...parts: Uint8Array[]): number {
  let sum = 0;
  let position = 0;
  for (const part of parts) {
    for (const byte of part) {
      sum += position % 2 === 0 ? byte << 8 : byte;
      position++;
    }
  }
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return sum;
}

export interface TcpOption {
  kind: number;
  data: number[];
}

export interface ParsedPacket {
  family: 4 | 6;
  length: number;
  ttl: number;
  protocol: number;
  src: string;
  dst: string;
  ipv4?: { ihl: number; totalLength: number; id: number; flags: number; checksum: number; checksumOk: boolean };
  ipv6?: { payloadLength: number; trafficClass: number; flowLabel: number };
  srcPort: number;
  dstPort: number;
  l4ChecksumOk: boolean;
  l4Checksum: number;
  tcp?: { seq: number; ack: number; dataOffset: number; flags: number; window: number; urgent: number; options: TcpOption[] };
  udp?: { length: number };
}

function address(bytes: Uint8Array): string {
  if (bytes.length === 4) return [...bytes].join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  return groups.join(':');
}

function parseOptions(bytes: Uint8Array): TcpOption[] {
  const options: TcpOption[] = [];
  for (let i = 0; i < bytes.length; ) {
    const kind = bytes[i]!;
    if (kind === 0) break;
    if (kind === 1) {
      options.push({ kind, data: [] });
      i++;
      continue;
    }
    const length = bytes[i + 1]!;
    if (length < 2 || i + length > bytes.length) throw new Error(`bad TCP option length ${length} at ${i}`);
    options.push({ kind, data: [...bytes.subarray(i + 2, i + length)] });
    i += length;
  }
  return options;
}

/** Parses one packet; throws on anything structurally wrong. */
export function parsePacket(packet: Uint8Array): ParsedPacket {
  const view = new DataView(packet.buffer, packet.byteOffset, packet.byteLength);
  const version = packet[0]! >> 4;
  let l4: Uint8Array, pseudo: Uint8Array, base: Omit<ParsedPacket, 'srcPort' | 'dstPort' | 'l4ChecksumOk' | 'l4Checksum'>;
  if (version === 4) {
    const ihl = (packet[0]! & 0x0f) * 4;
    const totalLength = view.getUint16(2);
    if (totalLength !== packet.length) throw new Error(`IPv4 total length ${totalLength} != ${packet.length}`);
    const src = packet.subarray(12, 16), dst = packet.subarray(16, 20);
    l4 = packet.subarray(ihl);
    pseudo = new Uint8Array([...src, ...dst, 0, packet[9]!, l4.length >> 8, l4.length & 0xff]);
    base = {
      family: 4, length: packet.length, ttl: packet[8]!, protocol: packet[9]!, src: address(src), dst: address(dst),
      ipv4: { ihl, totalLength, id: view.getUint16(4), flags: view.getUint16(6), checksum: view.getUint16(10), checksumOk: referenceSum(packet.subarray(0, ihl)) === 0xffff },
    };
  } else if (version === 6) {
    const payloadLength = view.getUint16(4);
    if (payloadLength + 40 !== packet.length) throw new Error(`IPv6 payload length ${payloadLength} + 40 != ${packet.length}`);
    const src = packet.subarray(8, 24), dst = packet.subarray(24, 40);
    l4 = packet.subarray(40);
    const len = l4.length;
    pseudo = new Uint8Array([...src, ...dst, len >>> 24, (len >>> 16) & 0xff, (len >>> 8) & 0xff, len & 0xff, 0, 0, 0, packet[6]!]);
    const word = view.getUint32(0);
    base = {
      family: 6, length: packet.length, ttl: packet[7]!, protocol: packet[6]!, src: address(src), dst: address(dst),
      ipv6: { payloadLength, trafficClass: (word >>> 20) & 0xff, flowLabel: word & 0xfffff },
    };
  } else {
    throw new Error(`IP version ${version}`);
  }
  const l4view = new DataView(l4.buffer, l4.byteOffset, l4.byteLength);
  const common = { srcPort: l4view.getUint16(0), dstPort: l4view.getUint16(2), l4ChecksumOk: referenceSum(pseudo, l4) === 0xffff };
  if (base.protocol === 6) {
    const dataOffset = (l4[12]! >> 4) * 4;
    if (dataOffset < 20 || dataOffset > l4.length) throw new Error(`TCP data offset ${dataOffset}`);
    return {
      ...base, ...common, l4Checksum: l4view.getUint16(16),
      tcp: { seq: l4view.getUint32(4), ack: l4view.getUint32(8), dataOffset, flags: l4[13]!, window: l4view.getUint16(14), urgent: l4view.getUint16(18), options: parseOptions(l4.subarray(20, dataOffset)) },
    };
  }
  if (base.protocol === 17) {
    const length = l4view.getUint16(4);
    if (length !== l4.length) throw new Error(`UDP length ${length} != ${l4.length}`);
    return { ...base, ...common, l4Checksum: l4view.getUint16(6), udp: { length } };
  }
  throw new Error(`protocol ${base.protocol}`);
}
