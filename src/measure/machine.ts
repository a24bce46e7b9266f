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
import { packageRoot } from '../core/native.js';
import type { MachineInfo } from '../model/machine.js';

export { type MachineInfo, machineSummary } from '../model/machine.js';

/** CPU vulnerabilities directory: one file per issue, text like "Mitigation: Retpolines". */
const VULNERABILITIES_DIR = '/sys/devices/system/cpu/vulnerabilities';
const ADDON_FILE = join('build', 'Release', 'prtip_perf.node');

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
