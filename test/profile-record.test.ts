/**
 * The sampler (native/profile) through recordCommand and `prtip-perf record`: what a
 * profile holds, its kernel / user / library split against perf's own, clear errors for
 * bad input, and no fd or mapping left behind over 1,000 recordings.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { PerfError } from '../src/core/errors.js';
import { nativeAddon, packageRoot } from '../src/core/native.js';
import { isKernelDso, parsePerfReportDso, perfRecordShares } from '../src/measure/profile/perf-compare.js';
import { KERNEL_LIBRARY, MappingIndex, libraryName, maxSampleRate, profileToJson, recordCommand, sharesByLibrary } from '../src/measure/profile/record.js';
import { measureSamplerOverhead } from '../src/measure/profile/overhead.js';
import type { RawProfile } from '../src/measure/profile/types.js';
import { findExecutable, spawnSampled } from '../src/measure/runner/spawn.js';
import { RUNS, badInteger, fuzzTarget, notString, printCounts } from './fuzz-bad-values.js';

const cli = join(packageRoot(), 'dist', 'bench', 'cli.js');
const python = findExecutable('python3.11', '/usr/bin:/bin') ?? findExecutable('python3', '/usr/bin:/bin');
// A CPU-bound command with a known library split: zlib, OpenSSL's sha256, the interpreter.
const cpuScript = (scale: number): string =>
  `import zlib,hashlib\nd=bytes(range(256))*4000\nfor _ in range(${20 * scale}): zlib.compress(d)\nfor _ in range(${100 * scale}): hashlib.sha256(d).digest()\nsum(i*i for i in range(${700000 * scale}))\n`;

describe('recordCommand', () => {
  it.runIf(python !== null)('samples a CPU-bound command: frames, mappings of the exec\'d image, comms, shares that add up', async () => {
    const r = await recordCommand([python!, '-c', cpuScript(1)], { frequencyHz: 2000 });
    const p = r.profile;
    expect(r.exit.exitCode).toBe(0);
    expect(p.event).toBe('cpu-clock');
    expect(p.frequencyHz).toBe(2000);
    expect(p.samples.length).toBeGreaterThan(20);
    expect(p.lost).toBe(0);
    // The program's own image and the dynamic loader come from the MMAP2 records after execve.
    const files = p.mappings.map((m) => m.filename);
    expect(files).toContain(python);
    expect(files.some((f) => f.includes('ld-linux'))).toBe(true);
    expect(p.comms.some((c) => c.comm.startsWith('python3'))).toBe(true);
    for (const s of p.samples) {
      expect(s.frames.length).toBeGreaterThan(0);
      expect(s.kernelFrames).toBeLessThanOrEqual(s.frames.length);
      expect(typeof s.frames[0]).toBe('bigint');
      // Kernel addresses are in the upper half on x86-64; user ones below.
      if (s.kernelFrames > 0) expect(s.frames[0]! >= 0xffff800000000000n).toBe(true);
      else expect(s.frames[0]! < 0x800000000000n).toBe(true);
    }
    const shares = sharesByLibrary(p);
    expect(shares.kernel + shares.user).toBeCloseTo(1, 9);
    expect(Object.values(shares.byLibrary).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    expect(shares.byLibrary['libz.so.1'] ?? Object.entries(shares.byLibrary).find(([k]) => k.startsWith('libz'))?.[1]).toBeGreaterThan(0.05);
    // Almost every user sample lands in a known mapping.
    expect(shares.byLibrary['[unknown]'] ?? 0).toBeLessThan(0.05);
    // JSON-able with addresses as hex strings.
    const json = JSON.parse(JSON.stringify(profileToJson(p))) as { samples: { frames: string[] }[] };
    expect(json.samples[0]!.frames[0]).toMatch(/^0x[0-9a-f]+$/);
  });

  it.runIf(python !== null)('follows child processes: each forked process\'s samples resolve through the mappings it inherited or made', async () => {
    const py = `${python} -c 'sum(i*i for i in range(600000))'`;
    const r = await recordCommand(['/bin/sh', '-c', `${py} & ${py} & wait`], { frequencyHz: 2000 });
    const pids = new Set(r.profile.samples.map((s) => s.pid));
    expect(pids.size).toBeGreaterThanOrEqual(2);
    const shares = sharesByLibrary(r.profile);
    expect(shares.byLibrary['[unknown]'] ?? 0).toBeLessThan(0.05);
  });

  it.runIf(python !== null)('a command killed at its timeout keeps the samples taken until then', async () => {
    const r = await recordCommand([python!, '-c', 'while True: pass'], { timeoutMs: 300 });
    expect(r.exit.timedOut).toBe(true);
    expect(r.profile.samples.length).toBeGreaterThan(0);
    expect(Object.keys(sharesByLibrary(r.profile).byLibrary)).toContain(python!.split('/').pop());
  });

  it('a command that exits at once: a profile without samples and a warning that says why', async () => {
    const r = await recordCommand(['/bin/true']);
    expect(r.exit.exitCode).toBe(0);
    // The kernel accounts CPU time by ticks, so /bin/true can read as a whole period (1.00 ms at 1 kHz): the
    // warning then says that no sample landed; below a period, that it ran for less than one. Both say why.
    if (r.profile.samples.length === 0) expect(r.warnings.join('\n')).toMatch(/0 samples: the program used [\d.]+ ms of CPU .*(less than one sampling period|yet no cpu-clock sample landed)/);
    const shares = sharesByLibrary(r.profile);
    expect(Number.isFinite(shares.kernel)).toBe(true);
  });

  it('bad input: clear errors naming the parameter, before anything runs', async () => {
    const max = maxSampleRate();
    expect(max).toBeGreaterThan(0);
    await expect(recordCommand(['/bin/true'], { event: 'cpu-clok' })).rejects.toThrow(/options\.event: unknown event "cpu-clok".*did you mean "cpu-clock"/);
    await expect(recordCommand(['/bin/true'], { frequencyHz: 0 })).rejects.toThrow(RangeError);
    await expect(recordCommand(['/bin/true'], { frequencyHz: max + 1 })).rejects.toThrow(new RegExp(`options\\.frequencyHz must be an integer from 1 to ${max} Hz \\(kernel\\.perf_event_max_sample_rate\\), got ${max + 1}`));
    await expect(recordCommand(['/bin/true'], { frequencyHz: 1.5 })).rejects.toThrow(/options\.frequencyHz/);
    await expect(recordCommand([], {})).rejects.toThrow(/argv must not be empty/);
    await expect(recordCommand(['no-such-command-here'])).rejects.toSatisfy((e: unknown) => e instanceof PerfError && e.code === 'ENOENT' && /no-such-command-here/.test(e.message));
    await expect(recordCommand(['/bin/true'], { stdout: 'file' as never })).rejects.toThrow(/options\.stdout/);
  });

  it('an event this machine cannot sample: PerfError SAMPLER_OPEN with the reason, and the command never runs', async () => {
    const events = nativeAddon<{ namedEvents(): { name: string }[] }>().namedEvents().map((e) => e.name);
    expect(events).toContain('cycles');
    try {
      const r = await recordCommand(['/bin/sh', '-c', 'i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done'], { event: 'cycles' });
      // A machine with a PMU samples cycles.
      expect(r.profile.samples.length).toBeGreaterThan(0);
    } catch (err) {
      expect(err).toBeInstanceOf(PerfError);
      expect((err as PerfError).code).toBe('SAMPLER_OPEN');
      expect((err as PerfError).message).toMatch(/cannot sample cycles: no PMU/);
    }
  });

  it('no fd or mapping is left behind over 1,000 recordings', async () => {
    const fds = (): number => readdirSync('/proc/self/fd').length;
    const maps = (): number => readFileSync('/proc/self/maps', 'utf8').split('\n').length;
    // One recording first: lazily created things (the addon's threads' stacks, tracefs probes) are not leaks.
    await recordCommand(['/bin/true']);
    const fd0 = fds(), map0 = maps();
    // Every tenth run opens the events without rings (record: false, as --overhead's interrupt-only runs do).
    for (let i = 0; i < 1000; i++) {
      if (i % 10 === 9) await spawnSampled({ argv: ['/bin/true'] }, { event: 'cpu-clock', frequencyHz: 1000, record: false });
      else await recordCommand(['/bin/true']);
    }
    // Node itself opens and maps a little now and then (libuv, V8 heap growth): a leak would be ≥ 1,000 (one per run) or several per run.
    expect(fds() - fd0).toBeLessThan(10);
    expect(maps() - map0).toBeLessThan(50);
  }, 300_000);
});

describe('sharesByLibrary', () => {
  const profile = (samples: RawProfile['samples'], mappings: RawProfile['mappings']): RawProfile => ({
    event: 'cpu-clock', frequencyHz: 1000, samples, mappings, comms: [], lost: 0, kernelFrames: { available: true }, wallNs: 1,
  });
  it('counts leaf frames: kernel, each library by basename, [unknown] outside every mapping; later mappings win', () => {
    const m = (pid: number, start: bigint, end: bigint, filename: string) => ({ pid, start, end, pgoff: 0n, filename });
    const s = (pid: number, frames: bigint[], kernelFrames = 0) => ({ pid, tid: pid, timeNs: 0, frames, kernelFrames });
    const p = profile(
      [s(1, [0xffffffff81000000n, 0x1000n], 1), s(1, [0x1000n]), s(1, [0x2500n]), s(1, [0x9000n]), s(2, [0x1000n])],
      [m(1, 0x1000n, 0x2000n, '/usr/bin/prog'), m(1, 0x2000n, 0x3000n, '/lib/libc.so.6'), m(2, 0x1000n, 0x2000n, '/old'), m(2, 0x1000n, 0x2000n, '[vdso]')],
    );
    const shares = sharesByLibrary(p);
    expect(shares).toEqual({ kernel: 0.2, user: 0.8, byLibrary: { [KERNEL_LIBRARY]: 0.2, prog: 0.2, 'libc.so.6': 0.2, '[unknown]': 0.2, '[vdso]': 0.2 } });
    expect(new MappingIndex(p.mappings).find(2, 0x1800n)?.filename).toBe('[vdso]');
    expect(libraryName('')).toBe('[unknown]');
    expect(sharesByLibrary(profile([], []))).toEqual({ kernel: 0, user: 0, byLibrary: {} });
  });
});

describe('perf report --sort dso parsing', () => {
  it('folds kernel modules into the kernel, keeps user pseudo dsos as user', () => {
    const text = '# Samples: 100  of event \'cpu-clock\'\n#\n    80.00%  [kernel.kallsyms]\n     5.00%  [nf_conntrack]\n    10.00%  prtip\n     5.00%  [vdso]\n';
    const s = parsePerfReportDso(text);
    expect(s.samples).toBe(100);
    expect(s.kernel).toBeCloseTo(0.85, 9);
    expect(s.user).toBeCloseTo(0.15, 9);
    expect(Object.keys(s.byLibrary)).toEqual([KERNEL_LIBRARY, 'prtip', '[vdso]']);
    expect(s.byLibrary[KERNEL_LIBRARY]).toBeCloseTo(0.85, 9);
    expect(s.byLibrary.prtip).toBeCloseTo(0.1, 9);
    expect(isKernelDso('[unknown]')).toBe(false);
  });
});

// The target is 3 points; measured in docs/record.md. Here, on a busy machine and with fewer
// samples, 5 points (over 3 standard errors of the difference at ~2,000 samples each). The two
// tools record separate runs, and on a loaded machine a neighbour can slow one phase of one run
// (CI once saw libcrypto at 51.2 % under perf against 44.3 % here; idle runs agree within 1
// point), so each side is the median of three alternating runs.
describe.runIf(python !== null && findExecutable('perf') !== null)('the shares agree with perf record + perf report --sort dso', () => {
  it('on a CPU-bound command', async () => {
    const argv = [python!, '-c', cpuScript(3)];
    const ours: { kernel: number; byLibrary: Record<string, number> }[] = [], theirs: typeof ours = [];
    for (let i = 0; i < 3; i++) {
      ours.push(sharesByLibrary((await recordCommand(argv, { frequencyHz: 4000 })).profile));
      theirs.push(await perfRecordShares(argv, { frequencyHz: 4000 }));
    }
    const median3 = (xs: number[]): number => [...xs].sort((a, b) => a - b)[1]!;
    expect(Math.abs(median3(ours.map((r) => r.kernel)) - median3(theirs.map((r) => r.kernel)))).toBeLessThan(0.05);
    const libs = new Set([...ours, ...theirs].flatMap((r) => Object.keys(r.byLibrary)));
    for (const lib of libs) {
      const a = median3(ours.map((r) => r.byLibrary[lib] ?? 0)), b = median3(theirs.map((r) => r.byLibrary[lib] ?? 0));
      if (Math.abs(a - b) >= 0.05) throw new Error(`${lib}: ours ${a}, perf ${b} (medians of 3 runs each)`);
    }
  }, 180_000);
});

describe('prtip-perf record (CLI)', () => {
  const run = (args: string[]) => spawnSync(process.execPath, [cli, 'record', ...args], { encoding: 'utf8', timeout: 60_000 });
  it.runIf(python !== null)('--json - prints samples, lost, shares.kernel, shares.user and byLibrary on stdout', () => {
    const r = run(['--json', '-', '-F', '2000', '--', python!, '-c', 'print("hidden"); ' + 'sum(i*i for i in range(800000))']);
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout) as { samples: number; lost: number; shares: { kernel: number; user: number }; byLibrary: Record<string, number> };
    expect(j.samples).toBeGreaterThan(0);
    expect(j.lost).toBe(0);
    expect(j.shares.kernel + j.shares.user).toBeCloseTo(1, 9);
    expect(Object.keys(j.byLibrary).length).toBeGreaterThan(0);
  });
  it.runIf(python !== null && process.getuid?.() === 0 && findExecutable('setpriv') !== null)(
    'unprivileged (nobody, perf_event_paranoid 2): user samples only, shares.kernel null and the reason', () => {
      const paranoid = Number(readFileSync('/proc/sys/kernel/perf_event_paranoid', 'utf8'));
      const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', '--inh-caps=-all', process.execPath, cli, 'record', '--json', '-', '-F', '2000', '--',
        python!, '-c', 'sum(i*i for i in range(800000))'], { encoding: 'utf8', timeout: 60_000 });
      expect(r.status, r.stderr).toBe(0);
      const j = JSON.parse(r.stdout) as { shares: { kernel: number | null; user: number }; kernelFrames: { available: boolean; reason?: string } };
      if (paranoid >= 2) {
        expect(j.kernelFrames.available).toBe(false);
        expect(j.kernelFrames.reason).toMatch(/perf_event_paranoid is \d+ and this process is not privileged/);
        expect(j.shares.kernel).toBeNull();
        expect(j.shares.user).toBe(1);
      } else {
        expect(j.kernelFrames.available).toBe(true);
      }
    });
  it('usage errors exit 2 and say what was wrong', () => {
    for (const [args, says] of [
      [['-F', '0', '--', 'true'], /-F must be an integer from 1 to/],
      [['-F', 'lots', '--', 'true'], /-F must be a number of samples per second/],
      [['-e', 'cpu-clok', '--', 'true'], /did you mean "cpu-clock"/],
      [['--bogus', '--', 'true'], /unknown option '--bogus'/],
      [[], /no command given/],
      [['-t', '0', '--', 'true'], /-t must be a positive number of seconds/],
      [['--overhead', '0', '--', 'true'], /--overhead must be a number of blocks from 1 to 10000, got "0"/],
    ] as const) {
      const r = run([...args]);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toMatch(says);
    }
  });
  it.runIf(python !== null)('--overhead N --json -: the unsampled, interrupt-only and sampled runs of each block, the median overhead and its split', () => {
    // -e is the event of both the interrupt-only and the sampled runs (it was once dropped in this mode).
    const r = run(['--overhead', '1', '-e', 'task-clock', '--json', '-', '--', python!, '-c', 'sum(i*i for i in range(300000))']);
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as {
      blocks: number; cpuNs: { plain: number[]; interrupt: number[]; sampled: number[] }; overhead: number; blockOverheads: number[];
      interruptOverhead: number; recordingOverhead: number; samples: number; interrupts: number; event: string; frequencyHz: number;
    };
    expect(j.event).toBe('task-clock');
    expect(j.frequencyHz).toBe(1000);
    expect(j.blocks).toBe(1);
    for (const runs of [j.cpuNs.plain, j.cpuNs.interrupt, j.cpuNs.sampled]) {
      expect(runs).toHaveLength(2);
      expect(runs.every((ns) => ns > 0)).toBe(true);
    }
    expect(j.blockOverheads).toHaveLength(1);
    expect(j.overhead).toBe(j.blockOverheads[0]);
    // One block: the floor and what recording adds are the two parts of the whole.
    expect(j.interruptOverhead + j.recordingOverhead).toBeCloseTo(j.overhead, 12);
    // The interrupt-only events were armed for the child's CPU time: about one interrupt per ms of it.
    const cpuMs = (j.cpuNs.interrupt[0]! + j.cpuNs.interrupt[1]!) / 2 / 1e6;
    expect(j.interrupts).toBeGreaterThan(0.5 * cpuMs);
    expect(j.interrupts).toBeLessThan(1.5 * cpuMs + 2);
    expect(j.samples).toBeGreaterThan(0);
  });
  it('measureSamplerOverhead refuses bad options by name before anything runs', async () => {
    for (const [options, says] of [
      [{ blocks: 0 }, /options\.blocks/],
      [{ frequencyHz: 0 }, /options\.frequencyHz must be an integer from 1/],
      [{ event: 'no-such-event' }, /options\.event/],
      [{ timeoutMs: -1 }, /options\.timeoutMs/],
    ] as const) {
      await expect(measureSamplerOverhead(['/bin/true'], options as never)).rejects.toThrow(says);
    }
  });
  it('a missing command exits 1 with the reason; an idle program is a normal finish: "0 samples: the program used N ms of CPU", exit 0', () => {
    const missing = run(['--', 'no-such-command-here']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/"no-such-command-here" not found on PATH/);
    const idle = run(['--', 'sleep', '1']);
    expect(idle.status, idle.stderr).toBe(0);
    if (!/^\s*[1-9]\d* samples/m.test(idle.stdout)) expect(idle.stderr).toMatch(/0 samples: the program used [\d.]+ ms of CPU/);
  });
});

// ---- the native boundary: options.sample of spawnCounted, and maxSampleRate() ----
describe('native: bad sample options are refused before anything starts', () => {
  afterAll(() => printCounts('sampler exports'));
  const native = nativeAddon<{ spawnCounted(o: unknown): unknown; maxSampleRate(...a: unknown[]): number }>();
  const valid = { file: '/bin/true', argv: ['/bin/true'], env: [] as string[] };
  const unknownEvent = fc.string({ minLength: 1, maxLength: 20 }).filter((s) => !s.includes(':') && !s.startsWith('r') && !s.includes('\0') && !/^[a-zA-Z0-9-]+$/.test(s));
  it(`spawnCounted({..., sample}) (${RUNS} bad calls)`, () => {
    fuzzTarget('spawnCounted sample', [
      { name: 'options.sample', bad: fc.oneof(fc.constantFrom(null, 1, 'cpu-clock', [], true)) },
      { name: 'options.sample.event', bad: fc.oneof(notString.filter((v) => v !== undefined), fc.constant(''), fc.constant('x\0y'), unknownEvent) },
      { name: 'options.sample.frequencyHz', bad: badInteger(1, maxSampleRate()) },
      { name: 'options.sample.record', bad: fc.constantFrom(null, 0, 1, 'false', [], {}) },
    ], (slot, value) => {
      const sample: Record<string, unknown> = { event: 'cpu-clock', frequencyHz: 1000 };
      if (slot === 'options.sample.event') sample.event = value;
      if (slot === 'options.sample.frequencyHz') sample.frequencyHz = value;
      if (slot === 'options.sample.record') sample.record = value;
      return native.spawnCounted({ ...valid, sample: slot === 'options.sample' ? value : sample });
    });
  });
  it('maxSampleRate() takes no arguments', () => {
    expect(() => native.maxSampleRate(1)).toThrow(/maxSampleRate\(\) takes no arguments/);
    expect(native.maxSampleRate()).toBe(Number(readFileSync('/proc/sys/kernel/perf_event_max_sample_rate', 'utf8')));
  });
});
