/**
 * Network namespaces the harness owns. Every packet that is not for loopback, and
 * every whole scanner run, goes into one of these: a fresh namespace (named
 * `prtip-perf-<pid>-<n>-<random>`, lo up), optionally joined by a veth pair to a
 * second namespace of its own, with addresses from a private /30 (and a /126 for
 * IPv6) that exist only inside those two namespaces. Nothing is ever added to the
 * namespace the harness runs in.
 *
 * Removal is guaranteed three ways: `close()` (use `withNamespace`, which calls it
 * in a finally), process 'exit'/'SIGINT'/'SIGTERM' handlers that delete whatever is
 * still open, and a sweep of `prtip-perf-*` namespaces whose creating process is
 * gone (a run killed with SIGKILL), done before each creation.
 *
 * Namespaces are created and removed by native code (netnsCreate/netnsRemove: unshare
 * plus a bind mount at /run/netns/NAME, as `ip netns add` does), which records each one
 * by inode. The native sender only enters or targets namespaces in that record, so a
 * namespace cannot be forged from JS; `ip` still configures links and addresses inside.
 *
 * Needs root or CAP_SYS_ADMIN and iproute2's `ip`; without them creation fails with
 * PerfError code NETNS_NO_PRIVILEGE or NETNS_NO_IPROUTE2 (see canCreateNamespaces()).
 */
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { PerfError } from '../core/errors.js';
import type { CoreNative } from '../core/native.js';
import { nativeAddon } from '../core/native.js';
import { describe, expectBoolean, expectInteger, expectObject, expectString } from '../core/validate.js';

/** Every namespace this harness creates starts with this; the sweep only touches these. */
export const NAMESPACE_PREFIX = 'prtip-perf-';
const NETNS_DIR = '/run/netns';
const CAP_SYS_ADMIN = 21;

/** One end of the veth pair. */
export interface VethEnd {
  /** Interface name inside its namespace. */
  ifname: string;
  /** IPv4 address (no prefix length). */
  address: string;
  /** IPv6 address (no prefix length), when `ipv6` was asked for. */
  address6?: string;
  /** The namespace this end lives in. */
  namespace: string;
  /** Its MAC address ("aa:bb:..."). */
  mac?: string;
}

/** The veth pair joining the namespace to its peer namespace. */
export interface Veth {
  /** The end inside the main namespace (`ns.name`). */
  local: VethEnd;
  /** The end inside the peer namespace (`ns.peer.name`). */
  remote: VethEnd;
  /** The IPv4 /30 both addresses come from, e.g. "10.237.0.0/30". */
  subnet: string;
  /** The IPv6 /126, when `ipv6` was asked for. */
  subnet6?: string;
}

/** Options for createNamespace / withNamespace. */
export interface NamespaceOptions {
  /** Also create a peer namespace and a veth pair between the two. Default false. */
  veth?: boolean;
  /** The IPv4 /30 network for the veth pair (base address). Default "10.237.0.0". */
  subnet?: string;
  /** Give the veth ends IPv6 addresses from fd70:7274:6970::/126 too. Default true. */
  ipv6?: boolean;
  /**
   * Set route_localnet=1 and accept_local=1 inside the namespace, so frames to
   * 127.0.0.1 injected on its lo with AF_PACKET are not dropped as martians.
   * Never applied outside the namespace. Default false.
   */
  localnet?: boolean;
  /**
   * With `veth`: leave the peer's end down. Our end then has no carrier, and packets
   * sent to the peer are dropped at our end's queue: a send run measures the send
   * path alone (IP output, neighbour, queue), with no receive path and no replies.
   * Default false.
   */
  peerDown?: boolean;
  /** Time limit for each `ip` command, ms. Default 10000. */
  commandTimeoutMs?: number;
}

/** Options for Namespace.exec. */
export interface ExecOptions {
  /** Kill the command after this many ms. Default 30000. */
  timeoutMs?: number;
  /** Resolve even when the command exits non-zero (default: reject with NETNS_EXEC_FAILED). */
  allowFailure?: boolean;
}

/** What a command run inside a namespace produced. */
export interface ExecResult {
  /** Exit code, or null when killed by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Whether this process can create namespaces, and if not, why and how to fix it. */
export interface NamespaceSupport {
  ok: boolean;
  /** Empty when ok; otherwise what is missing and how to grant it. */
  reason: string;
  /** PerfError code createNamespace would fail with ("" when ok). */
  code: string;
}

/** A namespace the harness created; `close()` removes it (and its peer and veth). */
export interface Namespace {
  /** e.g. "prtip-perf-1234-1-a1b2c3". */
  readonly name: string;
  /** The bind-mounted namespace file (/run/netns/NAME): open it and setns(fd, CLONE_NEWNET) to enter. */
  readonly path: string;
  /** The peer namespace at the other end of the veth pair, when `veth` was asked for. */
  readonly peer?: Namespace;
  /** The veth pair, when `veth` was asked for. */
  readonly veth?: Veth;
  /** True when the veth peer's end was left down (see NamespaceOptions.peerDown). */
  readonly peerDown: boolean;
  /** argv that runs `argv` inside this namespace (for spawn): ["ip", "netns", "exec", name, ...argv]. */
  command(argv: readonly string[]): string[];
  /** Runs a command inside the namespace (`ip netns exec`). */
  exec(argv: readonly string[], options?: ExecOptions): Promise<ExecResult>;
  /** Removes the namespace (and its peer). Idempotent. */
  close(): Promise<void>;
  /** Synchronous close, for exit paths. Idempotent. */
  closeSync(): void;
  /** `await using ns = await createNamespace()`: closed at the end of the block. */
  [Symbol.asyncDispose](): Promise<void>;
  /** True once closed. */
  readonly closed: boolean;
}

function hasCapability(bit: number): boolean {
  try {
    const line = readFileSync('/proc/self/status', 'utf8').split('\n').find((l) => l.startsWith('CapEff:'));
    if (!line) return false;
    return ((BigInt('0x' + line.split(/\s+/)[1]) >> BigInt(bit)) & 1n) === 1n;
  } catch {
    return false;
  }
}

function ipBinaryWorks(): boolean {
  try {
    execFileSync('ip', ['-V'], { stdio: 'ignore', timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}

/**
 * Reports whether namespaces can be created here: needs root or CAP_SYS_ADMIN and
 * iproute2's `ip` on PATH. Cheap; does not create anything.
 */
export function canCreateNamespaces(): NamespaceSupport {
  if (process.platform !== 'linux') return { ok: false, code: 'NETNS_UNSUPPORTED', reason: 'network namespaces need Linux' };
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot && !hasCapability(CAP_SYS_ADMIN)) {
    return {
      ok: false,
      code: 'NETNS_NO_PRIVILEGE',
      reason: 'creating a network namespace needs root or CAP_SYS_ADMIN: run as root (sudo), or grant it with ' +
        '"sudo setcap cap_sys_admin,cap_net_admin,cap_net_raw+ep $(readlink -f $(which node))"',
    };
  }
  if (!ipBinaryWorks()) {
    return { ok: false, code: 'NETNS_NO_IPROUTE2', reason: 'iproute2\'s "ip" command is not on PATH: install iproute2 (apt-get install iproute2)' };
  }
  return { ok: true, code: '', reason: '' };
}

interface NetnsNative extends CoreNative {
  /** Creates /run/netns/NAME holding a new namespace and records it natively; returns the path. */
  netnsCreate(name: string): string;
  /** Forgets, unmounts and unlinks /run/netns/NAME (absent is fine). */
  netnsRemove(name: string): void;
}

const native = (): NetnsNative => nativeAddon<NetnsNative>();

/** What rawio trusts about a namespace: copied at creation, frozen, never read back from the object. */
export interface HarnessNamespaceState {
  readonly name: string;
  readonly path: string;
  readonly peerPath?: string;
  readonly veth?: Readonly<Veth>;
  readonly peerDown: boolean;
}

// Only namespaces made by createNamespace are here: a look-alike object is not.
const genuine = new WeakMap<object, HarnessNamespaceState>();

/** The frozen state of a Namespace from createNamespace(), or undefined for anything else. */
export function harnessNamespaceState(value: unknown): HarnessNamespaceState | undefined {
  return typeof value === 'object' && value !== null ? genuine.get(value) : undefined;
}

// ---- process-wide registry: what must be removed on exit or signal ----

const live = new Set<NamespaceImpl>();
let handlersInstalled = false;
let sequence = 0;

function deleteSync(name: string): void {
  try {
    native().netnsRemove(name);
  } catch {
    // already gone, or the unmount failed: nothing more can be done on an exit path
  }
}

function closeAllSync(): void {
  for (const ns of [...live]) ns.closeSync();
}

function onSignal(signal: NodeJS.Signals): void {
  // Others listening (e.g. a suite's abort handler) will unwind through finally blocks,
  // and the 'exit' handler still catches what remains. Alone, we are the default action:
  // clean up, then die of the same signal.
  if (process.listenerCount(signal) > 1) return;
  closeAllSync();
  process.removeListener(signal, signalHandlers[signal]!);
  process.kill(process.pid, signal);
}

const signalHandlers: Partial<Record<NodeJS.Signals, () => void>> = {
  SIGINT: () => onSignal('SIGINT'),
  SIGTERM: () => onSignal('SIGTERM'),
  // A closed terminal or ssh session: as SIGTERM (it left 2 namespaces and their mounts in 3 of 3 trials).
  SIGHUP: () => onSignal('SIGHUP'),
};

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', closeAllSync);
  for (const [signal, handler] of Object.entries(signalHandlers)) process.on(signal, handler!);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes `prtip-perf-*` namespaces whose creating process no longer runs (left by a
 * killed run). Returns the names removed. Never touches any other namespace.
 */
export function sweepStaleNamespaces(): string[] {
  if (!existsSync(NETNS_DIR)) return [];
  const removed: string[] = [];
  for (const name of readdirSync(NETNS_DIR)) {
    const match = /^prtip-perf-(\d+)-/.exec(name);
    if (!match) continue;
    const pid = Number(match[1]);
    // Our own pid may be shared by worker threads with their own registries: never ours.
    if (pid === process.pid || pidAlive(pid)) continue;
    deleteSync(name);
    removed.push(name);
  }
  return removed;
}

/** Names of the `prtip-perf-*` namespaces that exist now (for tests and diagnostics). */
export function listHarnessNamespaces(): string[] {
  if (!existsSync(NETNS_DIR)) return [];
  return readdirSync(NETNS_DIR).filter((n) => n.startsWith(NAMESPACE_PREFIX));
}

function run(argv: readonly string[], timeoutMs: number): Promise<ExecResult> {
  return new Promise((resolve) => {
    execFile(argv[0]!, argv.slice(1), { timeout: timeoutMs, maxBuffer: 16 << 20, encoding: 'utf8' }, (error, stdout, stderr) => {
      const err = error as (NodeJS.ErrnoException & { code?: number | string; signal?: NodeJS.Signals }) | null;
      if (err && typeof err.code === 'string') {
        // spawn failure (ENOENT ...): no exit code
        resolve({ code: null, signal: null, stdout, stderr: stderr + String(err.message) });
        return;
      }
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, signal: err?.signal ?? null, stdout, stderr });
    });
  });
}

async function ipOrThrow(args: readonly string[], timeoutMs: number, what: string): Promise<void> {
  const result = await run(['ip', ...args], timeoutMs);
  if (result.code !== 0) {
    throw new PerfError(`${what} failed: "ip ${args.join(' ')}" exited ${result.code ?? result.signal}: ${result.stderr.trim()}`, { code: 'NETNS_CREATE_FAILED' });
  }
}

class NamespaceImpl implements Namespace {
  closed = false;
  peer?: NamespaceImpl;
  veth?: Veth;
  peerDown = false;
  readonly path: string;

  constructor(readonly name: string) {
    this.path = `${NETNS_DIR}/${name}`;
  }

  command(argv: readonly string[]): string[] {
    return ['ip', 'netns', 'exec', this.name, ...argv];
  }

  async exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    if (!Array.isArray(argv) || argv.length === 0 || argv.some((a) => typeof a !== 'string')) {
      throw new TypeError(`argv must be a non-empty array of strings, got ${describe(argv)}`);
    }
    const withNul = argv.findIndex((a) => a.includes('\0'));
    if (withNul >= 0) throw new TypeError(`argv[${withNul}] must not contain NUL bytes (a C string would be cut there), got ${describe(argv[withNul])}`);
    expectObject('options', options);
    const timeoutMs = options.timeoutMs === undefined ? 30_000 : expectInteger('options.timeoutMs', options.timeoutMs, 1, 3_600_000);
    if (options.allowFailure !== undefined) expectBoolean('options.allowFailure', options.allowFailure);
    if (this.closed) throw new PerfError(`namespace ${this.name} is closed`, { code: 'NETNS_CLOSED' });
    const result = await run(this.command(argv), timeoutMs);
    if (result.code !== 0 && !options.allowFailure) {
      throw new PerfError(`"${argv.join(' ')}" in namespace ${this.name} exited ${result.code ?? result.signal}: ${result.stderr.trim()}`, {
        code: 'NETNS_EXEC_FAILED',
      });
    }
    return result;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    live.delete(this);
    // Deleting either namespace destroys the veth pair with it.
    deleteSync(this.name);
    if (this.peer) await this.peer.close();
  }

  closeSync(): void {
    if (this.closed) return;
    this.closed = true;
    live.delete(this);
    deleteSync(this.name);
    this.peer?.closeSync();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

function uniqueName(): string {
  sequence += 1;
  return `${NAMESPACE_PREFIX}${process.pid}-${sequence}-${randomBytes(3).toString('hex')}`;
}

function parseSubnet(subnet: string): number[] {
  const parts = subnet.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255) || (parts[3]! & 3) !== 0 ) {
    throw new RangeError(`options.subnet must be the base address of an IPv4 /30 (last byte a multiple of 4, at most 252), got ${JSON.stringify(subnet)}`);
  }
  return parts;
}

async function newNamespace(timeoutMs: number): Promise<NamespaceImpl> {
  const ns = new NamespaceImpl(uniqueName());
  // Registered before creation so an exit in between still removes it.
  live.add(ns);
  try {
    native().netnsCreate(ns.name);
    await ipOrThrow(['-n', ns.name, 'link', 'set', 'lo', 'up'], timeoutMs, `bringing lo up in ${ns.name}`);
  } catch (error) {
    ns.closeSync();
    throw error;
  }
  return ns;
}

/**
 * Creates a namespace the harness owns (lo up), optionally with a veth pair into a
 * peer namespace of its own. The caller must `close()` it; prefer withNamespace().
 * @throws PerfError NETNS_NO_PRIVILEGE / NETNS_NO_IPROUTE2 / NETNS_CREATE_FAILED
 */
export async function createNamespace(options: NamespaceOptions = {}): Promise<Namespace> {
  expectObject('options', options);
  const veth = options.veth === undefined ? false : expectBoolean('options.veth', options.veth);
  const ipv6 = options.ipv6 === undefined ? true : expectBoolean('options.ipv6', options.ipv6);
  const localnet = options.localnet === undefined ? false : expectBoolean('options.localnet', options.localnet);
  const peerDown = options.peerDown === undefined ? false : expectBoolean('options.peerDown', options.peerDown);
  if (peerDown && !veth) throw new RangeError('options.peerDown needs options.veth: true');
  const subnet = parseSubnet(options.subnet === undefined ? '10.237.0.0' : expectString('options.subnet', options.subnet));
  const timeoutMs = options.commandTimeoutMs === undefined ? 10_000 : expectInteger('options.commandTimeoutMs', options.commandTimeoutMs, 100, 600_000);

  const support = canCreateNamespaces();
  if (!support.ok) throw new PerfError(support.reason, { code: support.code });
  installHandlers();
  sweepStaleNamespaces();

  const ns = await newNamespace(timeoutMs);
  try {
    if (localnet) {
      await ns.exec(['sysctl', '-q', '-w', 'net.ipv4.conf.all.route_localnet=1', 'net.ipv4.conf.lo.route_localnet=1',
        'net.ipv4.conf.all.accept_local=1', 'net.ipv4.conf.lo.accept_local=1'], { timeoutMs });
    }
    if (veth) {
      const peer = await newNamespace(timeoutMs);
      ns.peer = peer;
      const tag = randomBytes(3).toString('hex');
      const base = subnet.slice(0, 3).join('.');
      const local: VethEnd = { ifname: `ppv${tag}a`, address: `${base}.${subnet[3]! + 1}`, namespace: ns.name };
      const remote: VethEnd = { ifname: `ppv${tag}b`, address: `${base}.${subnet[3]! + 2}`, namespace: peer.name };
      if (ipv6) {
        local.address6 = 'fd70:7274:6970::1';
        remote.address6 = 'fd70:7274:6970::2';
      }
      // Created inside ns with its peer end moved straight into peer: it never exists in ours.
      await ipOrThrow(['-n', ns.name, 'link', 'add', local.ifname, 'type', 'veth', 'peer', 'name', remote.ifname, 'netns', peer.name], timeoutMs, 'creating the veth pair');
      for (const end of [local, remote]) {
        await ipOrThrow(['-n', end.namespace, 'addr', 'add', `${end.address}/30`, 'dev', end.ifname], timeoutMs, `addressing ${end.ifname}`);
        if (end.address6) await ipOrThrow(['-n', end.namespace, 'addr', 'add', `${end.address6}/126`, 'dev', end.ifname, 'nodad'], timeoutMs, `addressing ${end.ifname}`);
        if (peerDown && end === remote) continue;
        await ipOrThrow(['-n', end.namespace, 'link', 'set', end.ifname, 'up'], timeoutMs, `bringing ${end.ifname} up`);
      }
      // Permanent neighbours both ways: no ARP/NDP, so the first packets are not queued
      // (or dropped) while an address resolves.
      const macs = await Promise.all([local, remote].map(async (end) => {
        const shown = await run(['ip', '-j', '-n', end.namespace, 'link', 'show', 'dev', end.ifname], timeoutMs);
        const mac = (JSON.parse(shown.stdout || '[]') as { address?: string }[])[0]?.address;
        if (!mac) throw new PerfError(`cannot read the MAC address of ${end.ifname}: ${shown.stderr.trim()}`, { code: 'NETNS_CREATE_FAILED' });
        return mac;
      }));
      const pairs: [VethEnd, VethEnd, string][] = [[local, remote, macs[1]!], [remote, local, macs[0]!]];
      for (const [from, to, mac] of pairs) {
        for (const address of [to.address, to.address6]) {
          if (address === undefined) continue;
          await ipOrThrow(['-n', from.namespace, 'neigh', 'replace', address, 'lladdr', mac, 'dev', from.ifname, 'nud', 'permanent'], timeoutMs, `adding a neighbour on ${from.ifname}`);
        }
      }
      local.mac = macs[0]!;
      remote.mac = macs[1]!;
      ns.peerDown = peerDown;
      ns.veth = { local, remote, subnet: `${subnet.join('.')}/30`, ...(ipv6 ? { subnet6: 'fd70:7274:6970::/126' } : {}) };
    }
  } catch (error) {
    await ns.close();
    throw error;
  }
  seal(ns);
  return ns;
}

function freezeVeth(veth: Veth): Readonly<Veth> {
  Object.freeze(veth.local);
  Object.freeze(veth.remote);
  return Object.freeze(veth);
}

// Records the namespace as genuine and makes its public fields read-only copies of that state.
function seal(ns: NamespaceImpl): void {
  if (ns.peer) seal(ns.peer);
  const veth = ns.veth ? freezeVeth(ns.veth) : undefined;
  genuine.set(ns, Object.freeze({
    name: ns.name,
    path: ns.path,
    ...(ns.peer ? { peerPath: ns.peer.path } : {}),
    ...(veth ? { veth } : {}),
    peerDown: ns.peerDown,
  }));
  for (const key of ['name', 'path', 'peer', 'veth', 'peerDown'] as const) {
    Object.defineProperty(ns, key, { value: ns[key], writable: false, configurable: false, enumerable: true });
  }
}

/**
 * Runs `fn` with a fresh namespace and always removes it afterwards, also when `fn`
 * throws. Resolves to what `fn` resolves to.
 */
export async function withNamespace<T>(options: NamespaceOptions, fn: (ns: Namespace) => Promise<T> | T): Promise<T> {
  const ns = await createNamespace(options);
  try {
    return await fn(ns);
  } finally {
    await ns.close();
  }
}
