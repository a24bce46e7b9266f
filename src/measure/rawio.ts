/**
 * Raw-socket send runs: the batch-size and send-methods benchmarks' engine. One call sends
 * `count` TCP SYNs at a fixed batch size by one of SEND_METHODS (sendmmsg, sendto one per
 * call, an AF_PACKET TX ring, io_uring, AF_XDP, or the bare sendmmsg reference loop),
 * counts the replies (RST from closed ports, SYN-ACK from an open one) by a SipHash
 * cookie in the sequence number, and reports what the kernel counted on the sending
 * thread: syscalls (raw_syscalls:sys_enter), sendmmsg/sendto entries, task-clock,
 * context switches, skb drops, plus user and system CPU apart (RUSAGE_THREAD).
 *
 * Safety: targets are loopback only (127.0.0.0/8, ::1), or the peer end of a veth
 * pair in namespaces this harness creates (`netns: 'veth'`) and removes. Any other
 * address is refused (PerfError NOT_LOOPBACK). The checks here are the friendly first
 * layer; the native sender repeats them from kernel facts (native/rawio/guard.h): it
 * enters only namespaces it created itself (NOT_HARNESS_NETNS otherwise) and sends
 * only to loopback or to addresses inside them. Needs CAP_NET_RAW (PerfError
 * NO_CAP_NET_RAW otherwise).
 */
import { randomBytes } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';
import type { CoreNative } from '../core/native.js';
import { nativeAddon } from '../core/native.js';
import { PerfError } from '../core/errors.js';
import { type HarnessNamespaceState, type Namespace, createNamespace, harnessNamespaceState } from './netns.js';
import { parseAddress } from './packet/address.js';
import { describe, expectBoolean, expectInteger, expectObject, expectOneOf, expectString } from '../core/validate.js';

/** sendmmsg's vlen is capped at UIO_MAXIOV by the kernel; a larger batch is a RangeError. */
export const MAX_BATCH = 1024;

/**
 * How packets reach the kernel (native/rawio/send_path.h):
 * - 'sendto': one packet per call (batch 1);
 * - 'sendmmsg': one call per batch;
 * - 'tx-ring': AF_PACKET PACKET_TX_RING (PACKET_MMAP, TPACKET_V2), a batch of frames marked then one send() (link 'packet');
 * - 'io-uring': a batch of IORING_OP_SENDMSG SQEs per io_uring_enter;
 * - 'af-xdp': AF_XDP copy (skb) mode, TX ring only; the kernel takes a few dozen frames per sendto() kick (link 'packet');
 * - 'bare-sendmmsg': the reference, sendmmsg in a loop with nothing else in it and no counters attached.
 */
export const SEND_METHODS = ['sendmmsg', 'sendto', 'tx-ring', 'io-uring', 'af-xdp', 'bare-sendmmsg'] as const;
/** One of SEND_METHODS. */
export type SendMethod = (typeof SEND_METHODS)[number];
/** Methods that write Ethernet frames, so need link 'packet' (and a namespace of our own). */
export const FRAME_METHODS: readonly SendMethod[] = ['tx-ring', 'af-xdp'];

/** The counters attached to every run (those that open here). */
export const RUN_EVENTS = [
  'raw_syscalls:sys_enter',
  'syscalls:sys_enter_sendmmsg',
  'syscalls:sys_enter_sendto',
  'context-switches',
  'task-clock',
  'skb:kfree_skb',
] as const;

/**
 * Counters that fire once or more per packet. Counting a tracepoint costs a few hundred
 * ns per event: skb:kfree_skb alone took ~20% off the send-path-only pps here (measured
 * against the bare loop), so it is counted only with `perPacketCounters: true`.
 */
export const PER_PACKET_EVENTS: readonly string[] = ['skb:kfree_skb'];

/** /proc/net counters whose growth during a run explains a missing reply. */
export const DROP_COUNTERS = [
  'Ip.InDiscards', 'Ip.OutDiscards', 'Ip.InHdrErrors', 'Ip.InAddrErrors', 'Ip.OutNoRoutes',
  'Tcp.InErrs', 'Tcp.InCsumErrors',
  'TcpExt.ListenOverflows', 'TcpExt.ListenDrops', 'TcpExt.TCPACKSkippedSynRecv', 'TcpExt.TCPReqQFullDrop',
  'TcpExt.TCPBacklogDrop', 'TcpExt.PFMemallocDrop', 'TcpExt.IPReversePathFilter',
  'Ip6InDiscards', 'Ip6OutDiscards', 'Ip6InAddrErrors', 'Ip6InNoRoutes', 'Ip6OutNoRoutes', 'Ip6InHdrErrors',
  'softnet.dropped', 'arp_cache.unresolved_discards', 'ndisc_cache.unresolved_discards',
] as const;

/** Where the packets go. */
export type NetnsMode =
  /** A fresh own namespace; send on its lo (route_localnet/accept_local set there). */
  | 'lo'
  /** A fresh own namespace with a veth pair; send across it to the peer namespace. */
  | 'veth'
  /** A fresh own namespace with a veth pair whose peer end is down: the send path alone, packets dropped at our queue, nothing answers (receive defaults to false). */
  | 'sink'
  /** An existing namespace from createNamespace() (reuse one across many runs). */
  | Namespace;

/** Options of one run. */
export interface SendBatchOptions {
  /** 4 or 6. Default 4. */
  family?: 4 | 6;
  /** Destination. Default 127.0.0.1 / ::1, the veth peer's address in a veth namespace, likewise in a 'sink' one. */
  target?: string;
  /** Source address written in the packets. Default: the target on loopback, the local veth end in a namespace. */
  source?: string;
  /** Target ports cycled through (closed ones answer RST). Default [9]. */
  ports?: number[];
  /** Also listen on the target (a kernel-chosen port) and probe it: SYN-ACKs. Default: `receive`. */
  openPort?: boolean;
  /** Packets per send call (sendmmsg vlen, TX-ring frames per send(), SQEs per io_uring_enter, AF_XDP descriptors per batch), 1..1024. Default 64; must be 1 with method 'sendto'. */
  batchSize?: number;
  /** How packets reach the kernel (SEND_METHODS). Default 'sendmmsg'. */
  method?: SendMethod;
  /** 'ip' (raw IP socket with IP_HDRINCL/IPV6_HDRINCL, default) or 'packet' (Ethernet frames; needs `netns`). Default 'packet' for 'tx-ring' and 'af-xdp', which only send frames. */
  link?: 'ip' | 'packet';
  /** AF_PACKET only: PACKET_QDISC_BYPASS. Default false. */
  qdiscBypass?: boolean;
  /** Packets to send, 1..1e9. Default 100000. */
  count?: number;
  /** Upper bound on the send loop, ms (1..600000). Default 10000. */
  timeLimitMs?: number;
  /** Count replies. Default true (false in a 'sink' namespace). */
  receive?: boolean;
  /** After the last send, wait this long without a new reply before giving up on the rest, ms. Default 300. */
  drainMs?: number;
  /** Send inside a namespace of the harness's own instead of the caller's loopback. */
  netns?: NetnsMode;
  /** Also count the per-packet tracepoints (PER_PACKET_EVENTS: skb:kfree_skb), which slow the send loop measurably. Default false. */
  perPacketCounters?: boolean;
  /** Aborting cancels the run; it then resolves with what was done so far (`cancelled: true`). */
  signal?: AbortSignal;
}

/** What one run measured. Per-packet figures divide by packets sent. */
export interface SendBatchResult {
  family: 4 | 6;
  method: SendMethod;
  link: 'ip' | 'packet';
  batchSize: number;
  target: string;
  /** Packets handed to send calls. */
  sent: number;
  /** Packets the kernel reported as sent. */
  accepted: number;
  /** Packets the kernel refused (errno of the last one in lastSendErrno). */
  sendErrors: number;
  lastSendErrno: number;
  /** Replies whose cookie matched what was sent (null without `receive`). */
  replies: number | null;
  rst: number | null;
  synAck: number | null;
  /** Filtered replies whose cookie did not match (not ours, or corrupted). */
  unmatched: number | null;
  /** accepted - replies (null without `receive`). */
  lost: number | null;
  lossPercent: number | null;
  /** Counters that grew during the run and explain lost replies (receive-buffer drops, /proc/net drops). */
  lossAttribution: Record<string, number>;
  /** Lost replies no counter accounts for. */
  unexplainedLoss: number | null;
  /** All syscalls the sending thread entered during the send loop (raw_syscalls:sys_enter); null if that tracepoint does not open here. */
  syscalls: number | null;
  syscallsPerPacket: number | null;
  sendmmsgCalls: number | null;
  sendtoCalls: number | null;
  /** Send calls as the loop itself counted them (a cross-check on the tracepoints). */
  loopSendCalls: number;
  /** Accepted packets per second over the send loop (wall clock: a preempted thread counts its waits). */
  pps: number;
  /** Accepted packets per second of the sending thread's CPU time (task-clock): what one core sustains, unmoved by preemption; null without task-clock. */
  ppsPerCore: number | null;
  durationMs: number;
  drainMs: number;
  userNsPerPacket: number;
  sysNsPerPacket: number;
  /** user / (user + sys) CPU of the send loop. getrusage splits by tick samples: pool many runs before trusting it. */
  userShare: number;
  /** User time (ns) and system time (ns) of the send loop, RUSAGE_THREAD. */
  userNs: number;
  sysNs: number;
  /** TSC-timed ns per packet spent writing packets into the batch slots (template copy, cookie, checksum patch). */
  craftNsPerPacket: number;
  taskClockNs: number | null;
  contextSwitches: number | null;
  /** skb:kfree_skb events on the sending thread (includes the normal "no socket" frees of SYNs to closed ports); null unless `perPacketCounters`. */
  kfreeSkb: number | null;
  /** Every counter by name (null when it did not open, see counterNotes). */
  counters: Record<string, number | null>;
  counterNotes: string[];
  /** /proc/net counters that moved during the run, in the run's namespace. */
  netDeltas: Record<string, number>;
  timedOut: boolean;
  cancelled: boolean;
  openPort: number | null;
  packetBytes: number;
  namespace: string | null;
}

interface NativeRunResult {
  sent: number; accepted: number; sendErrors: number; lastSendErrno: number; sendCalls: number;
  replies: number; rst: number; synack: number; unmatched: number; rxOverflow: number; recvCalls: number;
  openPort: number; sendNs: number; drainNs: number; userNs: number; sysNs: number; packetBytes: number; craftNs: number;
  timedOut: boolean; cancelled: boolean;
  counters: { name: string; opened: boolean; errno: number; reason: string; value: number }[];
  netDeltas: Record<string, number>;
}

interface RawIoNative extends CoreNative {
  rawioStart(config: Record<string, unknown>): { promise: Promise<NativeRunResult>; cancel(): void };
  rawioProbe(): number;
  rawioSipHash24(key: Buffer, data: Buffer): bigint;
}

const native = (): RawIoNative => nativeAddon<RawIoNative>();

/** Whether raw sockets open here: {ok, code, reason}; the reason says how to grant CAP_NET_RAW. */
export function rawSocketSupport(): { ok: boolean; code: string; reason: string } {
  let err: number;
  try {
    err = native().rawioProbe();
  } catch (error) {
    return { ok: false, code: (error as PerfError).code ?? 'ADDON', reason: (error as Error).message };
  }
  if (err === 0) return { ok: true, code: '', reason: '' };
  if (err === 1 || err === 13) {
    return {
      ok: false,
      code: 'NO_CAP_NET_RAW',
      reason: 'raw sockets need CAP_NET_RAW: run as root (sudo), or grant it with ' +
        '"sudo setcap cap_net_raw,cap_net_admin+ep $(readlink -f $(which node))"',
    };
  }
  return { ok: false, code: 'SOCKET_FAILED', reason: `socket(AF_INET, SOCK_RAW) failed with errno ${err}` };
}

/** SipHash-2-4 of data under a 16-byte key (the cookie function; exposed for tests). */
export function sipHash24(key: Buffer, data: Buffer): bigint {
  return native().rawioSipHash24(key, data);
}

let supportedEvents: string[] | undefined;

function runEvents(): string[] {
  if (supportedEvents === undefined) {
    supportedEvents = native().probeEvents([...RUN_EVENTS]).filter((p) => p.supported).map((p) => p.name);
  }
  return supportedEvents;
}

/** 16 bytes for the native spec (IPv4 in the first 4), from the packet module's parser. */
function addressBytes(param: string, family: 4 | 6, address: string): Buffer {
  const bytes = parseAddress(param, family, address);
  return family === 4 ? Buffer.concat([bytes, Buffer.alloc(12)]) : bytes;
}

function isLoopback(address: string, family: 4 | 6): boolean {
  if (family === 4) return isIPv4(address) && address.startsWith('127.');
  return isIPv6(address) && parseAddress('target', 6, address).equals(parseAddress('::1', 6, '::1'));
}

function macBytes(mac: string | undefined): Buffer {
  return Buffer.from((mac ?? '00:00:00:00:00:00').split(':').map((h) => parseInt(h, 16)));
}

interface Checked {
  family: 4 | 6;
  method: SendMethod;
  link: 'ip' | 'packet';
  batchSize: number;
  count: number;
  timeLimitMs: number;
  drainMs: number;
  receive: boolean;
  openPort: boolean;
  ports: number[];
  qdiscBypass: boolean;
  perPacketCounters: boolean;
}

function checkOptions(options: SendBatchOptions): Checked {
  expectObject('options', options);
  const family = options.family === undefined ? 4 : expectOneOf('options.family', options.family, [4, 6] as const);
  const method = options.method === undefined ? 'sendmmsg' : expectOneOf('options.method', options.method, SEND_METHODS);
  const frames = FRAME_METHODS.includes(method);
  const link = options.link === undefined ? (frames ? 'packet' : 'ip') : expectOneOf('options.link', options.link, ['ip', 'packet'] as const);
  if (frames && link !== 'packet') throw new RangeError(`options.link must be "packet" with method "${method}" (it sends Ethernet frames), got ${describe(link)}`);
  const batchSize = options.batchSize === undefined ? (method === 'sendto' ? 1 : 64) : expectInteger('options.batchSize', options.batchSize, 1, MAX_BATCH);
  if (method === 'sendto' && batchSize !== 1) throw new RangeError(`options.batchSize must be 1 with method "sendto" (one packet per call), got ${describe(batchSize)}`);
  const count = options.count === undefined ? 100_000 : expectInteger('options.count', options.count, 1, 1e9);
  const timeLimitMs = options.timeLimitMs === undefined ? 10_000 : expectInteger('options.timeLimitMs', options.timeLimitMs, 1, 600_000);
  const drainMs = options.drainMs === undefined ? 300 : expectInteger('options.drainMs', options.drainMs, 1, 60_000);
  const sink = options.netns === 'sink' || harnessNamespaceState(options.netns)?.peerDown === true;
  const receive = options.receive === undefined ? !sink : expectBoolean('options.receive', options.receive);
  const openPort = options.openPort === undefined ? receive : expectBoolean('options.openPort', options.openPort);
  if (sink && receive) throw new RangeError('options.receive must be false in a sink namespace (the veth peer is down): nothing answers there');
  const qdiscBypass = options.qdiscBypass === undefined ? false : expectBoolean('options.qdiscBypass', options.qdiscBypass);
  const perPacketCounters = options.perPacketCounters === undefined ? false : expectBoolean('options.perPacketCounters', options.perPacketCounters);
  let ports = [9];
  if (options.ports !== undefined) {
    if (!Array.isArray(options.ports)) throw new TypeError(`options.ports must be an array of port numbers, got ${describe(options.ports)}`);
    if (options.ports.length > 65535) throw new RangeError(`options.ports must hold at most 65535 ports, got ${options.ports.length}`);
    ports = options.ports.map((p, i) => expectInteger(`options.ports[${i}]`, p, 1, 65535));
  }
  if (ports.length === 0 && (!openPort || sink)) throw new RangeError('options.ports must not be empty unless openPort is true');
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) throw new TypeError(`options.signal must be an AbortSignal, got ${describe(options.signal)}`);
  return { family, method, link, batchSize, count, timeLimitMs, drainMs, receive, openPort, ports, qdiscBypass, perPacketCounters };
}

/**
 * Where a run may send, checked before anything is created: options.netns is "lo", "veth",
 * "sink" or an open Namespace from createNamespace(), and the state returned for one is the
 * frozen state recorded when it was made, never the object's (reassignable) fields.
 */
function checkPlace(options: SendBatchOptions, o: Checked): HarnessNamespaceState | undefined {
  const netns = options.netns;
  const given = harnessNamespaceState(netns);
  if (netns !== undefined && netns !== 'lo' && netns !== 'veth' && netns !== 'sink' && given === undefined) {
    throw new TypeError(`options.netns must be "lo", "veth", "sink" or a Namespace from createNamespace(), got ${describe(netns)}`);
  }
  if (given !== undefined && (netns as Namespace).closed) {
    throw new PerfError(`options.netns ${given.name} is closed: create a new namespace`, { code: 'NETNS_CLOSED' });
  }
  if ('allowNetwork' in options) {
    throw new TypeError('options.allowNetwork is no longer accepted: packets go only to loopback or into namespaces the harness created, and the native sender enforces it');
  }
  if (o.link === 'packet' && netns === undefined) {
    throw new PerfError(`link "packet"${o.method === 'sendmmsg' ? '' : ` (method "${o.method}")`} sends Ethernet frames and is only allowed inside a namespace of our own: pass netns: "lo" or "veth"`, { code: 'PACKET_NEEDS_NETNS' });
  }
  if (options.target !== undefined) expectString('options.target', options.target);
  if (options.source !== undefined) expectString('options.source', options.source);
  return given;
}

/**
 * Sends one run of TCP SYNs and resolves with what was sent, accepted and answered,
 * and what the kernel counted. Off the JS thread; bounded by `count` and
 * `timeLimitMs`; cancellable with `signal`.
 * @throws TypeError/RangeError for bad options (naming the option)
 * @throws PerfError NOT_LOOPBACK (target outside loopback/our namespace), NO_CAP_NET_RAW, NETNS_* and socket failures;
 *   METHOD_UNSUPPORTED when the kernel or the privileges refuse the method here (the message says why)
 */
export async function sendBatch(options: SendBatchOptions = {}): Promise<SendBatchResult> {
  // Captured now so a failure from the worker thread points at the caller.
  const callSite: { stack?: string } = {};
  Error.captureStackTrace(callSite, sendBatch);
  const o = checkOptions(options);
  const netns = options.netns;
  const given = checkPlace(options, o);

  let owned: Namespace | undefined;
  try {
    let ns: HarnessNamespaceState | undefined = given;
    if (netns === 'lo' || netns === 'veth' || netns === 'sink') {
      owned = await createNamespace({ veth: netns !== 'lo', peerDown: netns === 'sink', localnet: true });
      ns = harnessNamespaceState(owned);
    }
    const veth = ns?.veth;
    const loopbackDefault = o.family === 4 ? '127.0.0.1' : '::1';
    const peerAddress = veth ? (o.family === 4 ? veth.remote.address : veth.remote.address6) : undefined;
    const localAddress = veth ? (o.family === 4 ? veth.local.address : veth.local.address6) : undefined;
    const target = options.target ?? peerAddress ?? loopbackDefault;
    if (o.family === 4 ? !isIPv4(target) : !isIPv6(target)) {
      throw new TypeError(`options.target must be an IPv${o.family} address, got ${describe(target)}`);
    }
    // ::1%eth0 names eth0: refused, never reported as loopback (the native guard sees only 16 address bytes).
    if (target.includes('%')) throw new RangeError(`options.target must be an address without a zone id (%interface), got ${describe(target)}`);
    const allowedHere = isLoopback(target, o.family) || (peerAddress !== undefined && target === peerAddress);
    if (!allowedHere) {
      throw new PerfError(`refusing options.target ${target}: only loopback (127.0.0.0/8, ::1) or the peer of our own veth namespace is allowed`, { code: 'NOT_LOOPBACK' });
    }
    const useVeth = veth !== undefined && target === peerAddress;
    const source = options.source ?? (useVeth ? localAddress! : target);
    if (o.family === 4 ? !isIPv4(source) : !isIPv6(source)) throw new TypeError(`options.source must be an IPv${o.family} address, got ${describe(source)}`);
    if (!isLoopback(source, o.family) && source !== localAddress && source !== peerAddress) {
      // A foreign source would send the replies off loopback or out of our namespaces.
      throw new PerfError(`refusing options.source ${source}: only loopback or an address of our own veth pair is allowed`, { code: 'NOT_LOOPBACK' });
    }

    const config: Record<string, unknown> = {
      family: o.family,
      src: addressBytes('options.source', o.family, source),
      dst: addressBytes('options.target', o.family, target),
      ports: o.ports,
      openPort: o.openPort && allowedHere,
      batchSize: o.batchSize,
      method: o.method,
      link: o.link,
      qdiscBypass: o.qdiscBypass,
      count: o.count,
      timeLimitNs: o.timeLimitMs * 1e6,
      receive: o.receive,
      drainNs: o.drainMs * 1e6,
      netnsPath: ns?.path ?? '',
      targetNetnsPath: useVeth ? ns!.peerPath! : '',
      // The reference loop runs bare but for task-clock (a software counter read at context
      // switches, nothing per packet or per call), so pps per core compares across methods.
      events: o.method === 'bare-sendmmsg' ? runEvents().filter((e) => e === 'task-clock') : runEvents().filter((e) => o.perPacketCounters || !PER_PACKET_EVENTS.includes(e)),
      key: randomBytes(16),
    };
    if (o.link === 'packet') {
      config.ifname = useVeth ? veth!.local.ifname : 'lo';
      if (useVeth) {
        config.srcMac = macBytes(veth!.local.mac);
        config.dstMac = macBytes(veth!.remote.mac);
      }
    }
    if (options.signal?.aborted) throw new PerfError('the run was aborted before it started', { code: 'ABORTED' });
    const handle = native().rawioStart(config);
    const onAbort = (): void => handle.cancel();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    let raw: NativeRunResult;
    try {
      raw = await handle.promise;
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
    }
    return summarize(raw, o, target, ns?.name ?? null);
  } catch (error) {
    if (error instanceof Error && callSite.stack) {
      error.stack = `${error.name}: ${error.message}\n${callSite.stack.split('\n').slice(1).join('\n')}`;
    }
    throw error;
  } finally {
    if (owned) await owned.close();
  }
}

function summarize(raw: NativeRunResult, o: Checked, target: string, namespace: string | null): SendBatchResult {
  const counters: Record<string, number | null> = {};
  const counterNotes: string[] = [];
  for (const c of raw.counters) {
    counters[c.name] = c.opened ? c.value : null;
    if (!c.opened) counterNotes.push(`${c.name}: ${c.reason}`);
  }
  for (const name of RUN_EVENTS) {
    if (!(name in counters)) {
      counters[name] = null;
      counterNotes.push(
        o.method === 'bare-sendmmsg' ? `${name}: not counted (the bare reference loop counts task-clock only)`
          : !o.perPacketCounters && PER_PACKET_EVENTS.includes(name) ? `${name}: not counted (per-packet; pass perPacketCounters: true)`
            : `${name}: not available on this machine`,
      );
    }
  }
  const sent = raw.sent;
  const perPacket = (v: number | null): number | null => (v === null || sent === 0 ? null : v / sent);
  const lossAttribution: Record<string, number> = {};
  let lost: number | null = null;
  let unexplained: number | null = null;
  if (o.receive) {
    lost = Math.max(0, raw.accepted - raw.replies);
    if (raw.rxOverflow > 0) lossAttribution['receive buffer (SO_RXQ_OVFL)'] = raw.rxOverflow;
    for (const key of DROP_COUNTERS) {
      const d = raw.netDeltas[key];
      if (d !== undefined && d > 0) lossAttribution[key] = d;
    }
    const attributed = Object.values(lossAttribution).reduce((a, b) => a + b, 0);
    unexplained = Math.max(0, lost - attributed);
  }
  const cpu = raw.userNs + raw.sysNs;
  return {
    family: o.family,
    method: o.method,
    link: o.link,
    batchSize: o.batchSize,
    target,
    sent,
    accepted: raw.accepted,
    sendErrors: raw.sendErrors,
    lastSendErrno: raw.lastSendErrno,
    replies: o.receive ? raw.replies : null,
    rst: o.receive ? raw.rst : null,
    synAck: o.receive ? raw.synack : null,
    unmatched: o.receive ? raw.unmatched : null,
    lost,
    lossPercent: lost === null || raw.accepted === 0 ? null : (100 * lost) / raw.accepted,
    lossAttribution,
    unexplainedLoss: unexplained,
    syscalls: counters['raw_syscalls:sys_enter'] ?? null,
    syscallsPerPacket: perPacket(counters['raw_syscalls:sys_enter'] ?? null),
    sendmmsgCalls: counters['syscalls:sys_enter_sendmmsg'] ?? null,
    sendtoCalls: counters['syscalls:sys_enter_sendto'] ?? null,
    loopSendCalls: raw.sendCalls,
    pps: raw.sendNs > 0 ? (raw.accepted * 1e9) / raw.sendNs : 0,
    ppsPerCore: counters['task-clock'] ? (raw.accepted * 1e9) / counters['task-clock'] : null,
    durationMs: raw.sendNs / 1e6,
    drainMs: raw.drainNs / 1e6,
    userNsPerPacket: sent ? raw.userNs / sent : 0,
    sysNsPerPacket: sent ? raw.sysNs / sent : 0,
    userShare: cpu > 0 ? raw.userNs / cpu : 0,
    userNs: raw.userNs,
    sysNs: raw.sysNs,
    craftNsPerPacket: sent ? raw.craftNs / sent : 0,
    taskClockNs: counters['task-clock'] ?? null,
    contextSwitches: counters['context-switches'] ?? null,
    kfreeSkb: counters['skb:kfree_skb'] ?? null,
    counters,
    counterNotes,
    netDeltas: raw.netDeltas,
    timedOut: raw.timedOut,
    cancelled: raw.cancelled,
    openPort: raw.openPort || null,
    packetBytes: raw.packetBytes,
    namespace,
  };
}
