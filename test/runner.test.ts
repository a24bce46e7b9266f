import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PerfError } from '../src/core/errors.js';
import { analyse, benchmarkCommand, compare, RunWarning } from '../src/measure/runner/benchmark.js';
import { MockExecutor, type MockRun } from '../src/measure/runner/executor.js';
import { findExecutable, spawnCounted } from '../src/measure/runner/spawn.js';
import { parseStatArgs, statCommand } from '../src/cli/commands/stat.js';
import { median } from '../src/core/stats.js';

const EVENTS = ['task-clock', 'page-faults', 'raw_syscalls:sys_enter'];
const tracefsMissing = !readdirSafe('/sys/kernel/tracing/events').includes('raw_syscalls');
const perfPath = findExecutable('perf');

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

const tmp = mkdtempSync(join(tmpdir(), 'prtip-runner-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Processes (not zombies) whose process group is `pgid`. */
function liveMembersOfGroup(pgid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSafe('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] !== 'Z' && Number(fields[2]) === pgid) out.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}

describe('benchmark loop (mock executor)', () => {
  const fixed = (wallMs: number): MockRun => ({ wallMs, counters: { 'task-clock': wallMs * 1e6 } });

  it('runs warm-ups, then at least minRuns and minTime, hooks in order', async () => {
    const order: string[] = [];
    const exec = new MockExecutor((cmd) => {
      order.push(`run:${cmd}`);
      return fixed(100);
    });
    const r = await benchmarkCommand({ argv: ['x'] }, {
      executor: exec, warmup: 2, minRuns: 3, minTimeMs: 1000, events: ['task-clock'],
      setup: () => void order.push('setup'), cleanup: () => void order.push('cleanup'),
      prepare: ({ runIndex }) => void order.push(`prepare:${runIndex}`), conclude: ({ runIndex }) => void order.push(`conclude:${runIndex}`),
    });
    // 1000 ms at 100 ms per run needs 10 measured runs, beyond minRuns = 3.
    expect(r.runs.length).toBe(10);
    expect(exec.calls.length).toBe(12);
    expect(order.slice(0, 4)).toEqual(['setup', 'prepare:-1', 'run:x', 'conclude:-1']);
    expect(order.at(-1)).toBe('cleanup');
    expect(order.filter((o) => o.startsWith('prepare')).length).toBe(12);
    expect(r.summary.wall.median).toBe(100e6);
    expect(r.summary.counters['task-clock']!.median).toBe(100e6);
  });

  it('stops at maxRuns and gives each run its own environment', async () => {
    let opened = 0, closed = 0;
    const exec = new MockExecutor(() => fixed(1));
    const r = await benchmarkCommand({ argv: ['x'] }, {
      executor: exec, warmup: 0, minRuns: 1, maxRuns: 4, minTimeMs: 1e6,
      environment: async () => ({ netnsPath: `/run/netns/t${opened++}`, close: () => void closed++ }),
    });
    expect(r.runs.length).toBe(4);
    expect(opened).toBe(4);
    expect(closed).toBe(4);
    expect(exec.calls.map((c) => c.netnsPath)).toEqual(['/run/netns/t0', '/run/netns/t1', '/run/netns/t2', '/run/netns/t3']);
  });

  it('fails on a non-zero exit unless ignoreFailure', async () => {
    const exec = () => new MockExecutor(() => ({ wallMs: 1, exitCode: 3 }));
    await expect(benchmarkCommand({ argv: ['x'] }, { executor: exec(), minRuns: 2, minTimeMs: 0 })).rejects.toMatchObject({ code: 'COMMAND_FAILED' });
    const r = await benchmarkCommand({ argv: ['x'] }, { executor: exec(), minRuns: 2, minTimeMs: 0, ignoreFailure: true });
    expect(r.summary.exitCodes).toEqual({ '3': 2 });
    expect(r.warnings).toContain(RunWarning.NonZeroExit);
  });

  it('warns about a slow first run and about outliers (MAD)', async () => {
    const walls = [50, 10, 10.1, 9.9, 10, 10.2, 9.8, 10, 10.1, 10];
    const r = await benchmarkCommand({ argv: ['x'] }, { executor: new MockExecutor((_, i) => ({ wallMs: walls[i - 1] ?? 10 })), minRuns: 10, minTimeMs: 0 });
    expect(r.warnings).toContain(RunWarning.SlowFirstRun);
    expect(r.warnings).not.toContain(RunWarning.Outliers);
    const later = [10, 10.1, 9.9, 10, 10.2, 9.8, 10, 80, 10.1, 10];
    const r2 = await benchmarkCommand({ argv: ['y'] }, { executor: new MockExecutor((_, i) => ({ wallMs: later[i - 1] ?? 10 })), minRuns: 10, minTimeMs: 0 });
    expect(r2.warnings).toContain(RunWarning.Outliers);
    expect(r2.outliers).toEqual([7]);
  });

  it('compares two commands: ratio, spread and significance', async () => {
    const a = await benchmarkCommand({ argv: ['fast'] }, { executor: new MockExecutor((_, i) => ({ wallMs: 10 + (i % 3) * 0.1 })), minRuns: 10, minTimeMs: 0, warmup: 0 });
    const b = await benchmarkCommand({ argv: ['slow'] }, { executor: new MockExecutor((_, i) => ({ wallMs: 15 + (i % 3) * 0.1 })), minRuns: 10, minTimeMs: 0, warmup: 0 });
    const c = compare(b, a);
    expect(c.faster).toBe('fast');
    expect(c.ratio.ratio).toBeCloseTo(15.1 / 10.1, 2);
    expect(c.p).toBeLessThan(0.001);
    expect(c.sentence).toMatch(/"fast" ran 1\.50 ± 0\.0\d times faster than "slow"/);
  });

  it('analyse() summarises syscalls by kind', () => {
    const run = (n: number) => ({
      pid: 1, wallNs: 1e6, userNs: 0, sysNs: 0, maxRssBytes: 0, maxRssSource: 'rusage' as const, exitCode: 0, signal: null,
      timedOut: false, cancelled: false, leftoversKilled: false,
      counters: { 'raw_syscalls:sys_enter': { kind: 'tracepoint' as const, state: 'counted' as const, value: n, enabledNs: 1, runningNs: 1, reason: '' } },
    });
    const r = analyse('x', ['x'], [run(10), run(30), run(20)], 0);
    expect(r.summary.syscalls.total).toBe(20);
    expect(r.summary.syscalls.futex).toBeNull();
  });
});

describe('bad input', () => {
  it('an empty command is a RangeError', async () => {
    await expect(spawnCounted({ argv: [] })).rejects.toThrow(RangeError);
    await expect(benchmarkCommand({ argv: [] })).rejects.toThrow(/argv must not be empty/);
    expect(() => parseStatArgs(['--'])).toThrow(RangeError);
  });
  it('runs ≤ 0 is a RangeError', async () => {
    expect(() => parseStatArgs(['-r', '0', '--', 'true'])).toThrow(/at least 1/);
    expect(() => parseStatArgs(['-r', '-2', '--', 'true'])).toThrow(RangeError);
    await expect(benchmarkCommand({ argv: ['true'] }, { minRuns: 0 })).rejects.toThrow(RangeError);
  });
  it('a missing binary is a PerfError ENOENT', async () => {
    const err = await spawnCounted({ argv: ['definitely-not-a-program-xyz'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PerfError);
    expect(err).toMatchObject({ code: 'ENOENT', errno: 2 });
    // The async rejection carries the caller's stack.
    expect((err as Error).stack).toMatch(/async call site/);
    await expect(spawnCounted({ argv: [join(tmp, 'missing')] })).rejects.toMatchObject({ code: 'ENOENT' });
  });
  it('a file that is not executable is a PerfError EACCES', async () => {
    const file = join(tmp, 'not-exec.sh');
    writeFileSync(file, '#!/bin/sh\nexit 0\n');
    chmodSync(file, 0o644);
    await expect(spawnCounted({ argv: [file] })).rejects.toMatchObject({ name: 'PerfError', code: 'EACCES', errno: 13 });
  });
  it('an unknown event is a RangeError naming it', () => {
    expect(() => parseStatArgs(['-e', 'task-clok', '--', 'true'])).toThrow(/task-clok.*task-clock/);
  });
});

describe('native runs', () => {
  it('true: exit 0, counted from its first instruction', async () => {
    const r = await spawnCounted({ argv: ['true'], events: EVENTS, rssIntervalMs: 1 });
    expect(r.exitCode).toBe(0);
    expect(r.signal).toBeNull();
    expect(r.wallNs).toBeGreaterThan(0);
    expect(r.wallNs).toBeLessThan(1e9);
    expect(r.counters['task-clock']!.state).toBe('counted');
    // Counting starts at exec: a dynamically linked `true` faults in dozens of pages, not the thousands of a Node fork.
    expect(r.counters['page-faults']!.value).toBeGreaterThan(10);
    expect(r.counters['page-faults']!.value).toBeLessThan(1000);
  });

  it.skipIf(tracefsMissing)('syscall tracepoints count the child only (true makes a few dozen)', async () => {
    const r = await spawnCounted({ argv: ['true'], events: EVENTS });
    const n = r.counters['raw_syscalls:sys_enter']!.value!;
    expect(n).toBeGreaterThan(5);
    expect(n).toBeLessThan(200);
  });

  it('a sleeper: wall ≥ its sleep, little CPU, an RSS timeline', async () => {
    const r = await spawnCounted({ argv: ['sleep', '0.2'], events: EVENTS, rssIntervalMs: 5 });
    expect(r.exitCode).toBe(0);
    expect(r.wallNs).toBeGreaterThanOrEqual(195e6);
    expect(r.userNs + r.sysNs).toBeLessThan(100e6);
    expect(r.counters['task-clock']!.value!).toBeLessThan(100e6);
    expect(r.rss!.tNs.length).toBeGreaterThan(10);
    expect(Math.max(...r.rss!.rssBytes)).toBeGreaterThan(100_000);
    expect(r.maxRssBytes).toBeGreaterThan(100_000);
  });

  it('exit 3 is reported, and fails the benchmark unless ignored', async () => {
    const r = await spawnCounted({ argv: ['sh', '-c', 'exit 3'] });
    expect(r.exitCode).toBe(3);
    await expect(benchmarkCommand({ argv: ['sh', '-c', 'exit 3'] }, { minRuns: 1, minTimeMs: 0, warmup: 0 })).rejects.toMatchObject({ code: 'COMMAND_FAILED' });
    const ok = await benchmarkCommand({ argv: ['sh', '-c', 'exit 3'] }, { minRuns: 2, minTimeMs: 0, warmup: 0, ignoreFailure: true });
    expect(ok.summary.exitCodes).toEqual({ '3': 2 });
  });

  it('a forking program: its children are counted too (inherit)', async () => {
    const one = await spawnCounted({ argv: ['sh', '-c', 'true'], events: EVENTS });
    const single = await spawnCounted({ argv: ['/bin/true'], events: EVENTS });
    const ten = await spawnCounted({ argv: ['sh', '-c', 'for i in 1 2 3 4 5 6 7 8 9 10; do /bin/true; done'], events: EVENTS });
    const pf = (r: typeof one) => r.counters['page-faults']!.value!;
    // Ten children each fault in about what one /bin/true does.
    expect(pf(ten) - pf(one)).toBeGreaterThan(10 * pf(single) * 0.7);
    if (!tracefsMissing) {
      const sc = (r: typeof one) => r.counters['raw_syscalls:sys_enter']!.value!;
      expect(sc(ten) - sc(one)).toBeGreaterThan(10 * sc(single) * 0.7);
    }
    expect(ten.counters['task-clock']!.value!).toBeGreaterThan(one.counters['task-clock']!.value!);
  });

  it('a never-ending program is killed at the timeout with its whole group, no orphan left', async () => {
    const t0 = performance.now();
    const r = await spawnCounted({ argv: ['sh', '-c', 'sleep 1000 & sleep 1000 & while :; do sleep 1; done'], timeoutMs: 300 });
    const elapsed = performance.now() - t0;
    expect(r.timedOut).toBe(true);
    expect(r.exitCode).toBeNull();
    expect(r.signal).toBe(9);
    expect(elapsed).toBeLessThan(3000);
    // The background sleeps were in the child's process group: SIGKILLed with it.
    let left = liveMembersOfGroup(r.pid);
    for (let i = 0; i < 40 && left.length > 0; i++) {
      await new Promise((res) => setTimeout(res, 50));
      left = liveMembersOfGroup(r.pid);
    }
    expect(left).toEqual([]);
  });

  it('an aborted run kills the child and resolves as cancelled', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const r = await spawnCounted({ argv: ['sleep', '30'], signal: controller.signal });
    expect(r.cancelled).toBe(true);
    expect(r.wallNs).toBeLessThan(5e9);
  });

  it('prtip-perf stat writes the JSON shape of the issue', async () => {
    const file = join(tmp, 'stat.json');
    const log = console.log;
    console.log = () => {};
    try {
      expect(await statCommand(['-r', '3', '-w', '0', '-e', 'task-clock,page-faults', '--json', file, '--', 'true'])).toBe(0);
    } finally {
      console.log = log;
    }
    const j = JSON.parse(readFileSync(file, 'utf8'));
    expect(j.command).toEqual(['true']);
    expect(j.runs).toHaveLength(3);
    for (const key of ['wall_ns', 'user_ns', 'sys_ns', 'max_rss_bytes', 'exit_code', 'counters']) expect(j.runs[0]).toHaveProperty(key);
    expect(Object.keys(j.runs[0].counters['task-clock']).sort()).toEqual(['enabled_ns', 'running_ns', 'state', 'value']);
    expect(j.summary.wall_ns.n).toBe(3);
  });
});

describe.skipIf(perfPath === null || tracefsMissing)(`agreement with perf stat -x, ${perfPath === null ? '(skipped: linux-perf not installed)' : ''}`, () => {
  it('task-clock, page-faults and raw_syscalls:sys_enter agree within tolerance', async () => {
    // A workload with a few hundred syscalls and page faults, deterministic in its counts.
    const argv = ['/bin/ls', '-la', '/usr/bin'];
    const perfRuns = { 'task-clock': [] as number[], 'page-faults': [] as number[], 'raw_syscalls:sys_enter': [] as number[] };
    // perf writes its CSV to stderr.
    for (let i = 0; i < 5; i++) {
      const res = spawnSync(perfPath!, ['stat', '-x,', '-e', EVENTS.join(','), '--', ...argv], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], timeout: 20_000 });
      for (const line of res.stderr.split('\n')) {
        const f = line.split(',');
        const name = f[2]?.replace(/:u$/, '');
        if (name && name in perfRuns) perfRuns[name as keyof typeof perfRuns].push(Number(f[0]) * (name === 'task-clock' ? 1e6 : 1));
      }
    }
    const ours = { 'task-clock': [] as number[], 'page-faults': [] as number[], 'raw_syscalls:sys_enter': [] as number[] };
    for (let i = 0; i < 5; i++) {
      const r = await spawnCounted({ argv, events: EVENTS });
      for (const k of Object.keys(ours) as (keyof typeof ours)[]) ours[k].push(r.counters[k]!.value!);
    }
    for (const k of Object.keys(ours) as (keyof typeof ours)[]) expect(perfRuns[k].length, `perf reported ${k}`).toBe(5);
    console.log('perf stat vs runner (medians):', Object.keys(ours).map((k) => `${k} ${median(perfRuns[k as keyof typeof ours])} vs ${median(ours[k as keyof typeof ours])}`).join('; '));
    const rel = (k: keyof typeof ours) => Math.abs(median(ours[k]) - median(perfRuns[k])) / median(perfRuns[k]);
    // Syscalls and page faults are nearly deterministic (same binary, same args): within 5%.
    expect(rel('raw_syscalls:sys_enter')).toBeLessThan(0.05);
    expect(rel('page-faults')).toBeLessThan(0.05);
    // CPU time varies run to run on a shared VM: within 35%.
    expect(rel('task-clock')).toBeLessThan(0.35);
  });
});
