/** IP address literals to bytes, for packet specs and pseudo headers. */
import { isIPv4, isIPv6 } from 'node:net';
import { describe } from '../../core/validate.js';

/** IP version. */
export type Family = 4 | 6;
/** Transport protocol of a crafted packet. */
export type L4Protocol = 'tcp' | 'udp';

/** The loopback address of a family, the default for crafted packets. */
export function loopback(family: Family): string {
  return family === 4 ? '127.0.0.1' : '::1';
}

/** Bytes of an address literal (4 or 16); throws naming param when it is not one of family. */
export function parseAddress(param: string, family: Family, value: unknown): Buffer {
  if (typeof value !== 'string') throw new TypeError(`${param} must be an IPv${family} address string, got ${describe(value)}`);
  if (family === 4) {
    if (!isIPv4(value)) throw new RangeError(`${param} must be an IPv4 address, got ${describe(value)}`);
    return Buffer.from(value.split('.').map(Number));
  }
  if (!isIPv6(value)) throw new RangeError(`${param} must be an IPv6 address, got ${describe(value)}`);
  // A zone id names an interface (::1%eth0): packets go to loopback only, and a header has no zone.
  if (value.includes('%')) throw new RangeError(`${param} must be an IPv6 address without a zone id (%interface), got ${describe(value)}`);
  let text = value;
  // A dotted IPv4 tail ("::ffff:1.2.3.4") becomes two hex groups.
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const b = dotted[1]!.split('.').map(Number);
    text = text.slice(0, dotted.index) + `${((b[0]! << 8) | b[1]!).toString(16)}:${((b[2]! << 8) | b[3]!).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const groups = (s: string | undefined): string[] => (s ? s.split(':') : []);
  const left = groups(head), right = groups(tail);
  const all = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  const out = Buffer.alloc(16);
  all.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}
