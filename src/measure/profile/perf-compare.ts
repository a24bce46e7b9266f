/**
 * The reference for the sampler's shares: perf(1) itself. Records a command with
 * `perf record -e cpu-clock -F HZ -g` and reads `perf report --no-children --sort dso`
 * back as fractions of all samples, classified kernel / user the way sharesByLibrary is
 * (the kernel image and its modules are kernel; [vdso], [unknown] and files are user).
 * Used by `prtip-perf record --compare-perf` and the tests; needs perf on PATH.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { KERNEL_LIBRARY } from './record.js';
import type { LibraryShares } from './types.js';

const run = promisify(execFile);

/** The user-space pseudo dsos perf shows in brackets; any other bracketed dso is the kernel or a module. */
const USER_PSEUDO_DSOS = new Set(['[vdso]', '[vsyscall]', '[unknown]', '[heap]', '[stack]', '[anon]', '[uprobes]']);

/** Whether a dso name from perf report is kernel code (the image, "[kernel.kallsyms]", or a module, "[nf_conntrack]"). */
export function isKernelDso(dso: string): boolean {
  return dso.startsWith('[') && dso.endsWith(']') && !USER_PSEUDO_DSOS.has(dso);
}

/**
 * Parses `perf report --stdio --no-children --sort dso -g none` output into shares;
 * kernel modules are folded into "[kernel.kallsyms]", as the sampler reports them.
 */
export function parsePerfReportDso(text: string): LibraryShares & { samples: number } {
  const byLibrary: Record<string, number> = {};
  let kernel = 0, total = 0, samples = 0;
  for (const line of text.split('\n')) {
    const count = /^# Samples: (\d+)/.exec(line);
    if (count) samples += Number(count[1]);
    const m = /^\s+([\d.]+)%\s+(\S.*?)\s*$/.exec(line);
    if (!m) continue;
    const f = Number(m[1]) / 100;
    const dso = isKernelDso(m[2]!) ? KERNEL_LIBRARY : m[2]!;
    byLibrary[dso] = (byLibrary[dso] ?? 0) + f;
    if (dso === KERNEL_LIBRARY) kernel += f;
    total += f;
  }
  return { kernel, user: total - kernel, byLibrary, samples };
}

/** Options of perfRecordShares. */
export interface PerfCompareOptions {
  frequencyHz?: number;
  /** The sampling event (default cpu-clock). */
  event?: string;
  /** Run perf (and so the command) inside this network namespace file (`nsenter --net=PATH`), e.g. /run/netns/NAME. */
  netnsPath?: string;
  timeoutMs?: number;
}

/** Records argv with perf record (cpu-clock, -g) and returns perf report's dso shares. */
export async function perfRecordShares(argv: readonly string[], options: PerfCompareOptions = {}): Promise<LibraryShares & { samples: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'prtip-perf-record-'));
  const data = join(dir, 'perf.data');
  try {
    const record = ['perf', 'record', '-q', '-e', options.event ?? 'cpu-clock', '-F', String(options.frequencyHz ?? 1000), '-g', '-o', data, '--', ...argv];
    const cmd = options.netnsPath ? ['nsenter', `--net=${options.netnsPath}`, '--', ...record] : record;
    await run(cmd[0]!, cmd.slice(1), { timeout: options.timeoutMs ?? 120_000, maxBuffer: 64 << 20 });
    const { stdout } = await run('perf', ['report', '-i', data, '--stdio', '--no-children', '--sort', 'dso', '-g', 'none'], {
      timeout: 120_000,
      maxBuffer: 64 << 20,
    });
    return parsePerfReportDso(stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
