/**
 * The ONE table of whole-binary scenarios, taken from ProRT-IP's profiling documents,
 * with the arguments for prtip and for its peers (nmap takes the same flags; masscan
 * its own). Every scenario runs inside a network namespace the harness creates for
 * that run (src/measure/netns.ts); targets are that namespace's loopback, or for masscan
 * (which ignores lo) the far end of the harness's own veth pair.
 *
 * prtip's flags were checked against `prtip --help` of ProRT-IP v0.5.9:
 * -sS/-sT (nmap-style scan types), -p (no nmap "-p-": it rejects it, so 1-65535), -6/--ipv6, --max-rate, --sV (its own spelling;
 * it also accepts nmap's -sV), -y/--yes (no confirmation prompt for large scans).
 */
import { findExecutable } from './runner/spawn.js';

/** Which scanner. */
export type Tool = 'prtip' | 'nmap' | 'masscan';

/** Addresses a scenario may use, all owned by the harness for this one run. */
export interface Targets {
  /** Interface of the harness's veth end inside the scanner's namespace (for masscan -e). */
  ifname: string;
  /** The veth peer's IPv4 address (a namespace of the harness's own, nothing listens there). */
  peer4: string;
  /** The veth peer's MAC (masscan's --router-mac: otherwise it ARPs for a router that is not there). */
  peerMac: string;
}

/** One row of the table. */
export interface Scenario {
  id: string;
  /** What the documents ran and said about it. */
  description: string;
  /** How many ports (= probe packets for a stateless SYN scan) one run covers. */
  ports: number;
  ipv6: boolean;
  /** The harness starts HTTP, TLS and banner listeners on loopback inside the namespace. */
  listeners: boolean;
  /** A whole-binary run takes long: fewer runs. */
  heavy: boolean;
  /** Arguments per tool; null = that tool has no equivalent (with the reason). */
  args: Record<Tool, ((t: Targets, servicePorts: readonly number[]) => string[]) | { none: string }>;
}

/** Ports the service-detect listeners take inside the namespace: HTTP, TLS, banner. */
export const SERVICE_PORTS = { http: 8080, tls: 8443, banner: 2222 } as const;

/**
 * masscan never exits right after its last packet: it waits (default 10 s) for late
 * replies. Its runs end by rule: --wait 0 (stop when the sends are done), so its wall
 * time is the send phase only, and replies arriving after it are not counted.
 */
export const MASSCAN_RULE = 'masscan runs end by rule: --wait 0 (exit as soon as its sends are done; late replies are not awaited)';

const masscanBase = (t: Targets, ports: string, rate: number): string[] => ['-e', t.ifname, '--router-mac', t.peerMac, '-p', ports, '--rate', String(rate), '--wait', '0', t.peer4];

export const SCENARIOS: readonly Scenario[] = [
  {
    id: 'syn-scan-1k',
    description: 'SYN scan of 1,000 ports on loopback (documents: ~98 ms, 10,200 pps; 698 syscalls, futex 79.6% of time)',
    ports: 1000, ipv6: false, listeners: false, heavy: false,
    args: {
      prtip: () => ['-sS', '-p', '1-1000', '127.0.0.1'],
      nmap: () => ['-sS', '-p', '1-1000', '127.0.0.1'],
      masscan: (t) => masscanBase(t, '1-1000', 100_000),
    },
  },
  {
    id: 'connect-scan-100',
    description: 'TCP connect scan of 100 ports on loopback (documents: ~150 ms)',
    ports: 100, ipv6: false, listeners: false, heavy: false,
    args: {
      prtip: () => ['-sT', '-p', '1-100', '127.0.0.1'],
      nmap: () => ['-sT', '-p', '1-100', '127.0.0.1'],
      masscan: { none: 'masscan has no connect scan' },
    },
  },
  {
    id: 'connect-scan-1k',
    description: 'TCP connect scan of 1,000 ports (the hyperfine example: SYN 1.53 ± 0.04 times faster than this)',
    ports: 1000, ipv6: false, listeners: false, heavy: false,
    args: {
      prtip: () => ['-sT', '-p', '1-1000', '127.0.0.1'],
      nmap: () => ['-sT', '-p', '1-1000', '127.0.0.1'],
      masscan: { none: 'masscan has no connect scan' },
    },
  },
  {
    id: 'ipv6-scan-500',
    description: 'IPv6 SYN scan of 500 ports on ::1 (documents: +15% over IPv4, or parity)',
    ports: 500, ipv6: true, listeners: false, heavy: false,
    args: {
      prtip: () => ['-6', '-sS', '-p', '1-500', '::1'],
      nmap: () => ['-6', '-sS', '-p', '1-500', '::1'],
      masscan: { none: 'masscan ignores loopback and the harness gives it no IPv6 route here' },
    },
  },
  {
    id: 'syn-scan-10k',
    description: 'SYN scan of 10,000 ports (documents\' "Large" massif case: 12.34 MB peak, 739 ms, 918 syscalls)',
    ports: 10000, ipv6: false, listeners: false, heavy: true,
    args: {
      prtip: () => ['-y', '-sS', '-p', '1-10000', '127.0.0.1'],
      nmap: () => ['-sS', '-p', '1-10000', '127.0.0.1'],
      masscan: (t) => masscanBase(t, '1-10000', 100_000),
    },
  },
  {
    id: 'syn-scan-500',
    description: 'SYN scan of 500 ports on 127.0.0.1: the IPv4 twin of ipv6-scan-500, so the IPv6 claims compare equal work',
    ports: 500, ipv6: false, listeners: false, heavy: false,
    args: {
      prtip: () => ['-sS', '-p', '1-500', '127.0.0.1'],
      nmap: () => ['-sS', '-p', '1-500', '127.0.0.1'],
      masscan: { none: 'only the IPv6 comparison needs it, and masscan has no IPv6 run here' },
    },
  },
  {
    id: 'full-65535',
    description: 'SYN scan of all 65,535 ports (documents: futex 88% of time, 918 syscalls)',
    ports: 65535, ipv6: false, listeners: false, heavy: true,
    args: {
      prtip: () => ['-y', '-sS', '-p', '1-65535', '127.0.0.1'],
      nmap: () => ['-sS', '-p-', '127.0.0.1'],
      masscan: (t) => masscanBase(t, '1-65535', 1_000_000),
    },
  },
  {
    id: 'rate-limit-50k',
    description: 'SYN scan of 1,000 ports at --max-rate 50000 (documents: "negative overhead", -1.8%)',
    ports: 1000, ipv6: false, listeners: false, heavy: false,
    args: {
      prtip: () => ['--max-rate', '50000', '-sS', '-p', '1-1000', '127.0.0.1'],
      nmap: () => ['--max-rate', '50000', '-sS', '-p', '1-1000', '127.0.0.1'],
      masscan: (t) => masscanBase(t, '1-1000', 50_000),
    },
  },
  {
    id: 'service-detect',
    description: 'service detection on the harness\'s HTTP, TLS and banner listeners (documents: 3,429 brk calls, 1.97 GB peak)',
    ports: 3, ipv6: false, listeners: true, heavy: true,
    args: {
      prtip: (_t, ports) => ['-sV', '-p', ports.join(','), '127.0.0.1'],
      nmap: (_t, ports) => ['-sV', '-p', ports.join(','), '127.0.0.1'],
      masscan: { none: 'masscan --banners needs its own TCP stack and source address; not comparable' },
    },
  },
];

/** How each tool is found; a missing one is skipped with this hint. */
export const HOW_TO_PROVIDE: Record<Tool, string> = {
  prtip: 'give --prtip PATH or set PRTIP_BIN, or put prtip on PATH',
  nmap: 'install nmap (apt-get install nmap) to compare against it',
  masscan: 'install masscan (apt-get install masscan) to compare against it',
};

/** Where the binaries are: prtip from --prtip, else PRTIP_BIN, else PATH; peers from PATH. */
export function locateTools(explicitPrtip?: string): Record<Tool, string | null> {
  const prtip = explicitPrtip ?? process.env.PRTIP_BIN ?? 'prtip';
  return { prtip: findExecutable(prtip), nmap: findExecutable('nmap'), masscan: findExecutable('masscan') };
}

/** The scenario by id (RangeError naming the known ids otherwise). */
export function scenarioById(id: string): Scenario {
  const s = SCENARIOS.find((x) => x.id === id);
  if (!s) throw new RangeError(`unknown scenario "${id}"; expected one of ${SCENARIOS.map((x) => x.id).join(', ')}`);
  return s;
}

/** The argv for a tool in a scenario, or null with the reason when the tool has no equivalent. */
export function scenarioArgv(s: Scenario, tool: Tool, binary: string, targets: Targets): { argv: string[] } | { none: string } {
  const a = s.args[tool];
  if ('none' in a) return a;
  return { argv: [binary, ...a(targets, Object.values(SERVICE_PORTS))] };
}
