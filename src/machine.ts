/**
 * What machine a result was measured on. Numbers from a 2-core VM without a PMU and
 * from a bare-metal box with AVX-512 are not comparable; the result says which is which.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import si from 'systeminformation';
import { counterPrivileges, listEvents, tracefsStatus } from './counters.js';
import { packageRoot } from './native.js';

/** CPU vulnerabilities directory: one file per issue, text like "Mitigation: Retpolines". */
const VULNERABILITIES_DIR = '/sys/devices/system/cpu/vulnerabilities';
const ADDON_FILE = join('build', 'Release', 'prtip_perf.node');

/** The machine, kernel and toolchain facts recorded with every result. */
export interface MachineInfo {
  cpu: {
    /** e.g. "AMD EPYC" */
    model: string;
    vendor: string;
    /** Logical CPUs. */
    cores: number;
    physicalCores: number;
    /** Every flag /proc/cpuinfo lists. */
    flags: string[];
    avx2: boolean;
    /** AVX-512 foundation and byte/word (what the checksum kernels need). */
    avx512: boolean;
    cacheBytes: { l1d: number | null; l2: number | null; l3: number | null };
  };
  memoryBytes: number;
  os: { platform: string; distro: string; release: string; arch: string };
  kernel: string;
  /** Whether we run in a VM or container, and under what (e.g. "KVM"), "" when unknown. */
  virtualization: { virtual: boolean; host: string };
  perf: {
    /** /proc/sys/kernel/perf_event_paranoid, null when unreadable. */
    paranoid: number | null;
    /** Whether hardware counters open here (the `cycles` event). */
    pmu: boolean;
    /** Why not, when they do not. */
    pmuReason: string;
    /** The mounted tracefs, "" when none. */
    tracefs: string;
    /**
     * "tracefs was not mounted; mounted it at /sys/kernel/tracing" when this process mounted it;
     * why there is none (and the mount command) when tracepoints cannot be counted; "" otherwise.
     */
    tracefsNote?: string;
  };
  /** /sys/devices/system/cpu/vulnerabilities: issue → kernel's status line. */
  mitigations: Record<string, string>;
  versions: {
    node: string;
    /** N-API version the running Node offers. */
    napi: string;
    v8: string;
    /** prtip-perf's package version. */
    package: string;
    /** The built addon: a hash of its file and its build time (null when not built). */
    addon: { sha256: string; builtAt: string } | null;
  };
  /** The project's git commit and whether the tree had changes, null outside a git checkout. */
  git: { commit: string; dirty: boolean } | null;
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return null;
  }
}

/** Every CPU vulnerability file and its status; empty where the kernel does not say. */
export function cpuMitigations(dir = VULNERABILITIES_DIR): Record<string, string> {
  if (!existsSync(dir)) return {};
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) {
    const text = readText(join(dir, name));
    if (text !== null) out[name] = text;
  }
  return out;
}

function perfFacts(): MachineInfo['perf'] {
  const paranoidText = readText('/proc/sys/kernel/perf_event_paranoid');
  let paranoid = paranoidText === null ? null : Number.parseInt(paranoidText, 10);
  if (paranoid !== null && Number.isNaN(paranoid)) paranoid = null;
  let pmu = false;
  let pmuReason = 'not probed';
  let tracefs = '';
  let tracefsNote = '';
  try {
    paranoid ??= counterPrivileges().paranoid;
    const cycles = listEvents().find((e) => e.name === 'cycles');
    pmu = cycles?.supported ?? false;
    pmuReason = cycles === undefined ? 'the addon does not know the cycles event' : cycles.reason;
    // Probing the suites' tracepoints above has already mounted tracefs where that is allowed.
    ({ root: tracefs, note: tracefsNote } = tracefsStatus());
  } catch (err) {
    // No addon: the result still says what it can.
    pmuReason = `cannot probe: ${(err as Error).message}`;
  }
  return { paranoid, pmu, pmuReason, tracefs, tracefsNote };
}

function gitFacts(root: string): MachineInfo['git'] {
  try {
    const opts = { cwd: root, encoding: 'utf8' as const, stdio: ['ignore', 'pipe', 'ignore'] as ['ignore', 'pipe', 'ignore'], timeout: 5000 };
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], opts).trim();
    const status = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], opts).trim();
    return /^[0-9a-f]{40}$/.test(commit) ? { commit, dirty: status.length > 0 } : null;
  } catch {
    return null;
  }
}

function addonFacts(root: string): MachineInfo['versions']['addon'] {
  const file = join(root, ADDON_FILE);
  if (!existsSync(file)) return null;
  const sha256 = createHash('sha256').update(readFileSync(file)).digest('hex');
  return { sha256, builtAt: statSync(file).mtime.toISOString() };
}

function packageVersion(root: string): string {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: string };
  return pkg.version ?? 'unknown';
}

function cacheSize(v: unknown): number | null {
  return typeof v === 'number' && v > 0 ? v : null;
}

/** Collects the machine facts (about 0.1-0.3 s, most of it systeminformation). */
export async function machineInfo(): Promise<MachineInfo> {
  const [cpu, mem, os, system] = await Promise.all([si.cpu(), si.mem(), si.osInfo(), si.system()]);
  const flags = (cpu.flags || (await si.cpuFlags())).split(/\s+/).filter((f) => f.length > 0);
  const has = (f: string): boolean => flags.includes(f);
  const root = packageRoot();
  return {
    cpu: {
      model: [cpu.manufacturer, cpu.brand].filter((s) => s).join(' ') || 'unknown',
      vendor: cpu.vendor || cpu.manufacturer || 'unknown',
      cores: cpu.cores,
      physicalCores: cpu.physicalCores,
      flags,
      avx2: has('avx2'),
      avx512: has('avx512f') && has('avx512bw'),
      cacheBytes: { l1d: cacheSize(cpu.cache?.l1d), l2: cacheSize(cpu.cache?.l2), l3: cacheSize(cpu.cache?.l3) },
    },
    memoryBytes: mem.total,
    os: { platform: os.platform, distro: os.distro, release: os.release, arch: os.arch },
    kernel: os.kernel,
    virtualization: { virtual: Boolean(system.virtual), host: system.virtualHost ?? '' },
    perf: perfFacts(),
    mitigations: cpuMitigations(),
    versions: {
      node: process.versions.node,
      napi: process.versions.napi ?? 'unknown',
      v8: process.versions.v8,
      package: packageVersion(root),
      addon: addonFacts(root),
    },
    git: gitFacts(root),
  };
}

/** One line for logs and report headers. */
export function machineSummary(m: MachineInfo): string {
  const simd = m.cpu.avx512 ? 'AVX-512' : m.cpu.avx2 ? 'AVX2' : 'no AVX2';
  const virt = m.virtualization.virtual ? `virtual (${m.virtualization.host || 'unknown host'})` : 'bare metal';
  const pmu = m.perf.pmu ? 'PMU' : 'no PMU';
  const gib = (m.memoryBytes / 2 ** 30).toFixed(1);
  return `${m.cpu.model}, ${m.cpu.cores} cores, ${simd}, ${gib} GiB, ${m.os.distro} ${m.os.release}, kernel ${m.kernel}, ${virt}, ${pmu}, ` +
    `perf_event_paranoid ${m.perf.paranoid ?? '?'}, Node ${m.versions.node}` +
    // Mounting tracefs changes the machine, so the run says it did (as the JSON does).
    (m.perf.tracefsNote ? `; ${m.perf.tracefsNote}` : m.perf.tracefs ? '' : '; no tracefs: tracepoints unsupported');
}
