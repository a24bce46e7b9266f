/**
 * The processes a run starts: none outlives it (cgroup, process group, subreaper), signals
 * stop `prtip-perf stat` cleanly, npm passes SIGTERM on to the bench, the child's stdio,
 * peak RSS as GNU time measures it, worker-thread termination, and the JS/native boundary
 * of the process exports under fast-check.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { PerfError } from '../src/core/errors.js';
import { nativeAddon, packageRoot } from '../src/core/native.js';
import { findExecutable, resolveExecutable, spawnCounted } from '../src/measure/runner/spawn.js';
import { median } from '../src/core/stats.js';

const root = packageRoot();
const cli = join(root, 'dist', 'bench', 'cli.js');
const tmp = mkdtempSync(join(tmpdir(), 'prtip-processes-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A sleep duration no other process on the machine uses, to find exactly our sleeper in /proc. */
function marker(): string {
  return `${900 + Math.floor(Math.random() * 99)}.${String(Math.floor(Math.random() * 1e9)).padStart(9, '0')}`;
}

/** Live (non-zombie) processes whose argv is exactly `argv`. */
function processesRunning(argv: string[]): number[] {
  const want = argv.join('\0') + '\0';
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8') !== want) continue;
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z') out.push(Number(entry));
    } catch {
      // it ended while we looked
    }
  }
  return out;
}

/** Waits up to `ms` for no process with that argv to be left; returns those still there (and kills them, by pid). */
async function leftAfter(argv: string[], ms: number): Promise<number[]> {
  const t0 = performance.now();
  let left = processesRunning(argv);
  while (left.length > 0 && performance.now() - t0 < ms) {
    await sleep(50);
    left = processesRunning(argv);
  }
  for (const pid of left) process.kill(pid, 'SIGKILL');
  return left;
}

/** Processes (not zombies) in process group `pgid`, with their parent pid and argv. */
function groupMembers(pgid: number): { pid: number; ppid: number; argv: string }[] {
  const out: { pid: number; ppid: number; argv: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (f[0] === 'Z' || Number(f[2]) !== pgid) continue;
      out.push({ pid: Number(entry), ppid: Number(f[1]), argv: readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ').trim() });
    } catch {
      // it ended while we looked
    }
  }
  return out;
}

/** Collects a child's output and its end. */
function watch(child: ChildProcess): { out: () => string; err: () => string; closed: Promise<{ code: number | null; signal: NodeJS.Signals | null }> } {
  let out = '', err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => child.on('close', (code, signal) => res({ code, signal })));
  return { out: () => out, err: () => err, closed };
}

async function until(what: string, cond: () => boolean, ms: number): Promise<void> {
  const t0 = performance.now();
  while (!cond()) {
    if (performance.now() - t0 > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(50);
  }
}

const cgroupV2 = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').some((l) => l.includes(' - cgroup2 '));
if (!cgroupV2) console.log('processes: no cgroup v2 mounted here; runs fall back to the process group + subreaper (tested as such)');

describe('no descendant outlives its run', () => {
  for (const cgroup of [true, false]) {
    it(`a grandchild that calls setsid is killed when the command ends (${cgroup ? 'cgroup where available' : 'cgroups off: process group + subreaper'})`, async () => {
      const m = marker();
      const r = await spawnCounted({ argv: ['sh', '-c', `(setsid sleep ${m} &); sleep 0.2; exit 0`], cgroup });
      expect(r.exitCode).toBe(0);
      expect(r.leftoversKilled).toBe(true);
      expect(await leftAfter(['sleep', m], 2000)).toEqual([]);
      if (cgroup && cgroupV2) {
        expect(r.containment).toBe('cgroup');
        expect(r.containmentNote).toBe('');
      } else {
        expect(r.containment).toBe('process-group');
        // It says why, and what may survive.
        expect(r.containmentNote).toMatch(/may survive/);
      }
    });
  }

  it('a daemon (double fork + setsid) is killed at the timeout, with the command', async () => {
    const m = marker();
    const r = await spawnCounted({ argv: ['sh', '-c', `(setsid sh -c 'sleep ${m}' &); exec sleep ${m}`], timeoutMs: 500 });
    expect(r.timedOut).toBe(true);
    expect(r.signal).toBe(9);
    expect(await leftAfter(['sleep', m], 2000)).toEqual([]);
  });

  it('no run cgroup is left behind', async () => {
    await spawnCounted({ argv: ['sh', '-c', 'sleep 1000 & exit 0'] });
    const home = readFileSync('/proc/self/cgroup', 'utf8').split('\n').find((l) => l.startsWith('0::'));
    if (!cgroupV2 || home === undefined) return;
    const mount = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').find((l) => l.includes(' - cgroup2 '))!.split(' ')[4]!;
    const dir = join(mount, home.slice(3));
    const ours = readdirSync(dir).filter((n) => n.startsWith(`prtip-perf-${process.pid}-`));
    expect(ours).toEqual([]);
  });
});

describe.each([
  ['SIGTERM', 143],
  ['SIGHUP', 129],
] as const)('prtip-perf stat on %s', (signal, exitCode) => {
  it('kills the running command and all it started, and prints the summary of the finished runs', async () => {
    const m = marker();
    const counter = join(tmp, `runs-${signal}`);
    // Runs 1 and 2 end at once; run 3 starts a daemon and then sleeps "forever".
    const script = `n=$(cat ${counter} 2>/dev/null || echo 0); echo $((n+1)) > ${counter}; ` +
      `if [ "$n" -ge 2 ]; then (setsid sleep ${m} &); exec sleep ${m}; fi`;
    const child = spawn(process.execPath, [cli, 'stat', '-r', '50', '-w', '0', '-e', 'task-clock', '--shell', '--', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    const io = watch(child);
    try {
      await until('the third run to start its sleepers', () => processesRunning(['sleep', m]).length === 2, 60_000);
      child.kill(signal);
      const end = await Promise.race([io.closed, sleep(30_000).then(() => null)]);
      expect(end, `stat did not exit after ${signal}: ${io.err()}`).not.toBeNull();
      expect(end!.code).toBe(exitCode);
      expect(io.out()).toMatch(/2 runs/);
      expect(io.out()).toMatch(new RegExp(`interrupted by ${signal}`));
      expect(await leftAfter(['sleep', m], 3000)).toEqual([]);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 120_000);
});

describe('stat --show-output', () => {
  it('the command can write to stdout and stderr (Node opens its stdio close-on-exec)', () => {
    const m = marker();
    const res = spawnSync(process.execPath, [cli, 'stat', '-r', '1', '-w', '0', '-e', 'task-clock', '--show-output', '--shell', '--', `echo out-${m}; echo err-${m} >&2`], { encoding: 'utf8', timeout: 60_000 });
    expect(res.status, res.stderr).toBe(0);
    expect(res.stdout).toContain(`out-${m}`);
    expect(res.stderr).toContain(`err-${m}`);
  });
});

const gnuTime = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
describe.skipIf(gnuTime === null)(`max RSS agrees with GNU time (/usr/bin/time -f %M)${gnuTime === null ? ' (skipped: /usr/bin/time missing, Debian package "time")' : ''}`, () => {
  const cases: [string, string[]][] = [
    ['/bin/true', ['/bin/true']],
    ['ls', ['ls', '-l', root]],
    ['a program allocating and touching 200 MB', [process.execPath, '-e', 'Buffer.alloc(200 * 2 ** 20, 1)']],
  ];
  it.each(cases)('%s: within 10%', async (_name, argv) => {
    const ours: number[] = [];
    const theirs: number[] = [];
    // Both tools' own figures for /bin/true spread by ±10 % from run to run (900-1112 KiB: how many
    // pages ASLR's layout touches), so 5 runs each left the medians' gap at the mercy of that spread.
    for (let i = 0; i < 15; i++) {
      // No RSS timeline: the figure must come from wait4 itself, as GNU time's does.
      ours.push((await spawnCounted({ argv, events: ['task-clock'] })).maxRssBytes / 1024);
      const res = spawnSync(gnuTime!, ['-f', '%M', ...argv], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], timeout: 60_000 });
      expect(res.status).toBe(0);
      theirs.push(Number(res.stderr.trim().split('\n').at(-1)));
    }
    console.log(`max RSS of ${argv.join(' ').slice(0, 60)}: ours ${ours.join(', ')} KiB; GNU time ${theirs.join(', ')} KiB`);
    expect(Math.abs(median(ours) - median(theirs)) / median(theirs)).toBeLessThan(0.1);
  }, 120_000);

  it('the RSS timeline from /proc still works', async () => {
    const r = await spawnCounted({ argv: cases[2]![1], rssIntervalMs: 1 });
    expect(r.rss!.tNs.length).toBeGreaterThan(0);
    expect(Math.max(...r.rss!.hwmBytes)).toBeGreaterThan(0);
    expect(Math.max(...r.rss!.hwmBytes)).toBeLessThanOrEqual(r.maxRssBytes * 1.01);
  });
});

describe('a worker thread terminated while it runs spawnCounted', () => {
  it('leaves the process alive, no child behind, and terminate() returns promptly', () => {
    const m = marker();
    const script = join(tmp, 'terminate-worker.mjs');
    const spawnModule = join(root, 'dist', 'src', 'measure', 'runner', 'spawn.js');
    writeFileSync(script, `
import { Worker } from 'node:worker_threads';
import { readdirSync, readFileSync } from 'node:fs';
const running = () => readdirSync('/proc').filter((p) => /^\\d+$/.test(p)).filter((p) => {
  try { return readFileSync('/proc/' + p + '/cmdline', 'utf8') === 'sleep\\x00${m}\\x00'; } catch { return false; }
});
const worker = new Worker(\`import(\${JSON.stringify(${JSON.stringify(spawnModule)})}).then((m) => {
  m.spawnCounted({ argv: ['sleep', '${m}'] }).then(() => {}, () => {});
  require('node:worker_threads').parentPort.postMessage('started');
});\`, { eval: true });
await new Promise((res) => worker.once('message', res));
for (let i = 0; i < 1500 && running().length === 0; i++) await new Promise((r) => setTimeout(r, 20));
const before = running().length;
const t0 = performance.now();
await worker.terminate();
const terminateMs = performance.now() - t0;
let left = running();
for (let i = 0; i < 100 && left.length > 0; i++) { await new Promise((r) => setTimeout(r, 20)); left = running(); }
for (const pid of left) process.kill(Number(pid), 'SIGKILL');
console.log(JSON.stringify({ before, terminateMs, left: left.length }));
`);
    const res = spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 60_000 });
    // Before the fix: SIGABRT (std::terminate in OnWorkComplete), or a terminate() that waits out the sleep.
    expect(res.signal, res.stderr).toBeNull();
    expect(res.status, res.stderr).toBe(0);
    const out = JSON.parse(res.stdout.trim().split('\n').at(-1)!) as { before: number; terminateMs: number; left: number };
    expect(out.before).toBe(1);
    expect(out.left).toBe(0);
    // Generous: killing and reaping takes milliseconds; the sleep would take 15 minutes.
    expect(out.terminateMs).toBeLessThan(10_000);
    expect(processesRunning(['sleep', m])).toEqual([]);
  }, 120_000);
});

/**
 * The bench processes whose parent is not a bench process. The bench forks its suites' processes,
 * and between fork and exec such a child still shows the bench's argv (a busy machine once caught
 * one); it is the bench's own child, not a second bench, nor an orphan.
 */
function topBench(members: { pid: number; ppid: number; argv: string }[]): { pid: number; ppid: number; argv: string }[] {
  const bench = members.filter((p) => p.argv.includes('dist/bench/index.js'));
  const pids = new Set(bench.map((p) => p.pid));
  return bench.filter((p) => !pids.has(p.ppid));
}

describe('npm run bench and SIGTERM', () => {
  const npm = findExecutable('npm');
  it.skipIf(npm === null)('npm starts the bench itself, passes SIGTERM on, and no bench process outlives it', async () => {
    const out = join(tmp, 'bench-out');
    // --ignore-scripts skips only prebench (tsc), which would rewrite dist/ under tests running in parallel.
    const child = spawn(npm!, ['run', 'bench', '--ignore-scripts', '--', '--suite', 'counters', '--quick', '--out', out], { cwd: root, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const io = watch(child);
    const pgid = child.pid!;
    try {
      // "machine:" is printed once the bench runs.
      await until('the bench to start', () => /^machine:/m.test(io.out()), 120_000);
      const bench = topBench(groupMembers(pgid));
      expect(bench.length, JSON.stringify(groupMembers(pgid))).toBe(1);
      // No shell in between that would swallow the signal.
      expect(bench[0]!.ppid).toBe(child.pid);
      child.kill('SIGTERM');
      const t0 = performance.now();
      // Until the bench is gone, npm waits for it: it is never orphaned.
      for (;;) {
        const left = topBench(groupMembers(pgid));
        if (left.length === 0) break;
        expect(left.every((p) => p.ppid === child.pid), `orphaned: ${JSON.stringify(left)}`).toBe(true);
        expect(performance.now() - t0, 'the bench was still running 30 s after SIGTERM').toBeLessThan(30_000);
        await sleep(50);
      }
      await io.closed;
    } finally {
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }, 240_000);
});

// ---- the JS/native boundary: every bad call is a TypeError, RangeError or PerfError naming its parameter ----

interface ProcessNative {
  spawnCounted(options: unknown): { id: number; promise: Promise<unknown> };
  cancelRun(id: unknown): boolean;
  resolveExecutable(file: unknown, pathEnv: unknown): unknown;
}
const native = nativeAddon<ProcessNative>();

function expectNamedError(err: unknown, param: string): void {
  const ok = err instanceof TypeError || err instanceof RangeError || err instanceof PerfError;
  if (!ok) throw new Error(`expected TypeError/RangeError/PerfError naming ${param}, got ${String(err)}`);
  if (!(err as Error).message.includes(param)) throw new Error(`the error does not name ${param}: ${(err as Error).message}`);
}

const withNul = fc.tuple(fc.string(), fc.string()).map(([a, b]) => `${a}\0${b}`);
const notString = fc.anything().filter((v) => typeof v !== 'string');
const notArray = fc.anything().filter((v) => !Array.isArray(v));
const notNumber = fc.anything().filter((v) => typeof v !== 'number');
const badString = fc.oneof(notString, withNul);
const badNumber = fc.oneof(notNumber, fc.constantFrom(Number.NaN, -1, -1e-9, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e300));
const badStringArray = fc.oneof(
  notArray.filter((v) => v !== undefined),
  fc.constant([]),
  fc.array(badString, { minLength: 1, maxLength: 4 }),
  fc.tuple(fc.constant('true'), badString).map(([a, b]) => [a, b]),
  fc.constant(Object.assign(new Array(3), { 0: 'true' })), // sparse
);
const notUndefined = <T>(arb: fc.Arbitrary<T>) => arb.filter((v) => v !== undefined);

/** [parameter named in the error, the bad options]: one field of a valid call made bad. */
function badTsOptions(): fc.Arbitrary<[string, unknown]> {
  const base = { argv: ['true'] };
  const field = (name: string, arb: fc.Arbitrary<unknown>) => arb.map((v): [string, unknown] => [`options.${name}`, { ...base, [name]: v }]);
  return fc.oneof(
    fc.oneof(fc.constant(null), fc.integer(), fc.string(), fc.boolean(), fc.array(fc.anything()), fc.constant(undefined)).map((v): [string, unknown] => ['options', v]),
    field('argv', badStringArray.filter((v) => !(Array.isArray(v) && v.length > 0 && v[0] !== '' && Object.keys(v).length === v.length && v.every((x) => typeof x === 'string' && !x.includes('\0'))))),
    field('argv', fc.constant([''])),
    field('env', fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.array(fc.string(), { minLength: 0, maxLength: 2 }))),
    field('env', fc.tuple(fc.string({ minLength: 1 }).filter((k) => !k.includes('=') && !k.includes('\0')), fc.oneof(withNul, notUndefined(notString))).map(([k, v]) => ({ [k]: v }))),
    field('env', fc.oneof(withNul, fc.constant(''), fc.string().map((s) => `${s}=x`)).map((k) => ({ [k]: 'value' }))),
    field('cwd', notUndefined(fc.oneof(badString, fc.constant('')))),
    field('netnsPath', notUndefined(fc.oneof(badString, fc.constant('')))),
    field('events', notUndefined(fc.oneof(notArray, fc.array(fc.oneof(notString, withNul, fc.constant('')), { minLength: 1, maxLength: 3 }), fc.constant(new Array(65).fill('task-clock'))))),
    field('timeoutMs', notUndefined(badNumber)),
    field('rssIntervalMs', notUndefined(fc.oneof(badNumber, fc.double({ min: 1e-6, max: 0.099, noNaN: true })))),
    field('stdin', notUndefined(fc.anything().filter((v) => v !== 'null' && v !== 'inherit'))),
    field('stdout', notUndefined(fc.anything().filter((v) => v !== 'null' && v !== 'inherit'))),
    field('stderr', notUndefined(fc.anything().filter((v) => v !== 'null' && v !== 'inherit'))),
    field('signal', notUndefined(fc.anything())),
    field('cgroup', notUndefined(fc.anything().filter((v) => typeof v !== 'boolean'))),
  );
}

/** The same for the native export, whose options are already flattened (env as "K=V" strings, ns). */
function badNativeOptions(): fc.Arbitrary<[string, unknown]> {
  const base = { file: 'true', argv: ['true'], env: ['PATH=/usr/bin:/bin'], events: [] };
  const field = (name: string, arb: fc.Arbitrary<unknown>) => arb.map((v): [string, unknown] => [`options.${name}`, { ...base, [name]: v }]);
  return fc.oneof(
    fc.oneof(fc.constant(null), fc.integer(), fc.string(), fc.boolean(), fc.array(fc.anything()), fc.constant(undefined)).map((v): [string, unknown] => ['options', v]),
    field('file', fc.oneof(badString, fc.constant(''))),
    field('argv', badStringArray.filter((v) => !(Array.isArray(v) && v.length > 0 && Object.keys(v).length === v.length && v.every((x) => typeof x === 'string' && !x.includes('\0'))))),
    field('env', fc.oneof(notArray, fc.array(fc.oneof(badString, fc.constant(''), fc.constant('=x'), fc.string().filter((s) => !s.includes('='))), { minLength: 1, maxLength: 3 }))),
    field('cwd', notUndefined(fc.oneof(badString, fc.constant('')))),
    field('netnsPath', notUndefined(fc.oneof(badString, fc.constant('')))),
    field('events', notUndefined(fc.oneof(notArray, fc.array(fc.oneof(notString, withNul, fc.constant('')), { minLength: 1, maxLength: 3 }), fc.constant(new Array(65).fill('task-clock'))))),
    field('timeoutNs', notUndefined(fc.oneof(badNumber, fc.constant(2 ** 60)))),
    field('rssIntervalNs', notUndefined(fc.oneof(badNumber, fc.integer({ min: 1, max: 99_999 })))),
    field('stdin', notUndefined(fc.anything().filter((v) => v !== 'null' && v !== 'inherit'))),
    field('stdout', notUndefined(fc.anything().filter((v) => v !== 'null' && v !== 'inherit'))),
    field('stderr', notUndefined(fc.anything().filter((v) => v !== 'null' && v !== 'inherit'))),
    field('cgroup', notUndefined(fc.anything().filter((v) => typeof v !== 'boolean'))),
  );
}

describe('the process exports refuse bad calls (fast-check, 1,000 each)', () => {
  it('spawnCounted (TS): every bad option rejects before anything starts, naming it', async () => {
    await fc.assert(
      fc.asyncProperty(badTsOptions(), async ([param, options]) => {
        let err: unknown = null;
        try {
          await spawnCounted(options as never);
        } catch (e) {
          err = e;
        }
        expectNamedError(err, param);
      }),
      { numRuns: 1000 },
    );
  }, 120_000);

  it('spawnCounted (native): every bad option throws at once, naming it', () => {
    fc.assert(
      fc.property(badNativeOptions(), ([param, options]) => {
        let err: unknown = null;
        try {
          const handle = native.spawnCounted(options);
          native.cancelRun(handle.id);
        } catch (e) {
          err = e;
        }
        expectNamedError(err, param);
      }),
      { numRuns: 1000 },
    );
  }, 120_000);

  it('cancelRun (native): an id that is not an integer from 1 to 2^32-1 is refused', () => {
    fc.assert(
      fc.property(fc.oneof(notNumber, fc.constantFrom(Number.NaN, 0, -1, 0.5, 2 ** 32, Number.POSITIVE_INFINITY), fc.double({ noNaN: true }).filter((d) => !Number.isInteger(d) || d < 1 || d > 2 ** 32 - 1)), (id) => {
        let err: unknown = null;
        try {
          native.cancelRun(id);
        } catch (e) {
          err = e;
        }
        expectNamedError(err, 'id');
      }),
      { numRuns: 1000 },
    );
    // A well-formed id of no run is not an error: false.
    expect(native.cancelRun(2 ** 32 - 1)).toBe(false);
  });

  it('resolveExecutable (TS and native): a file or PATH that is not a NUL-free string is refused', () => {
    const bad = fc.oneof(
      fc.tuple(fc.oneof(badString, fc.constant('')), fc.constant('/usr/bin')).map(([f, p]): [string, unknown, unknown] => ['file', f, p]),
      fc.tuple(fc.constant('true'), badString.filter((p) => p !== undefined)).map(([f, p]): [string, unknown, unknown] => ['pathEnv', f, p]),
    );
    fc.assert(
      fc.property(bad, ([param, file, pathEnv]) => {
        for (const call of [() => native.resolveExecutable(file, pathEnv), () => resolveExecutable(file as string, pathEnv as string)]) {
          let err: unknown = null;
          try {
            call();
          } catch (e) {
            err = e;
          }
          expectNamedError(err, param);
        }
      }),
      { numRuns: 1000 },
    );
  }, 120_000);

  it('NUL bytes in env, cwd or argv are refused, not truncated: nothing runs', async () => {
    const m = marker();
    for (const options of [
      { argv: ['sleep', m], env: { PATH: '/usr/bin:/bin', X: 'a\0b' } },
      { argv: ['sleep', m], env: { 'X\0Y': 'a' } },
      { argv: ['sleep', m], cwd: '/tmp\0/nowhere' },
      { argv: ['sleep', `${m}\0extra`] },
    ]) {
      await expect(spawnCounted(options)).rejects.toThrow(TypeError);
    }
    expect(processesRunning(['sleep', m])).toEqual([]);
  });

  it('a bad signal is refused before the child starts', async () => {
    const m = marker();
    await expect(spawnCounted({ argv: ['sleep', m], signal: {} as AbortSignal })).rejects.toThrow(/options\.signal must be an AbortSignal/);
    await expect(spawnCounted({ argv: ['definitely-not-a-program-xyz'], signal: 'stop' as unknown as AbortSignal })).rejects.toThrow(TypeError);
    await sleep(100);
    expect(processesRunning(['sleep', m])).toEqual([]);
  });
});
