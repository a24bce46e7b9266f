/**
 * A SIGTERM or SIGINT that reaches `bench` late is still honoured. A suite whose loops are
 * synchronous blocks the event loop, so a signal sent during it is only handled once the loop
 * turns again; the bench used to remove its handlers right after the last suite, before that
 * turn, and such a signal was then lost (exit 0, results not marked interrupted).
 *
 * Each test runs the real bench (dist/bench/index.js, the criterion suite on a directory the
 * test writes) in a child process whose console.log blocks the main thread at a chosen line,
 * the way a long synchronous suite does, and sends the signal while it is blocked.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../src/core/native.js';

const root = packageRoot();
const benchJs = join(root, 'dist', 'bench', 'index.js');
const tmp = mkdtempSync(join(tmpdir(), 'prtip-bench-signals-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A one-benchmark criterion directory (criterion 0.5's layout). */
function criterionDir(): string {
  const dir = join(tmp, 'criterion');
  const b = join(dir, 'tcp_packet_zero_copy', '1000', 'new');
  mkdirSync(b, { recursive: true });
  writeFileSync(join(b, 'benchmark.json'), JSON.stringify({ full_id: 'tcp_packet_zero_copy/1000', throughput: { Elements: 1000 } }));
  const est = { confidence_interval: { confidence_level: 0.95, lower_bound: 58_000, upper_bound: 59_600 }, point_estimate: 58_800 };
  writeFileSync(join(b, 'estimates.json'), JSON.stringify({ slope: est, mean: est, median: est }));
  writeFileSync(join(b, 'sample.json'), JSON.stringify({ iters: [1, 2], times: [58_800, 117_600] }));
  return dir;
}

/**
 * The driver: runs benchCommand and, when console.log first prints a line containing BLOCK_AT,
 * tells the test on stderr and then holds the main thread (as a synchronous suite does) until
 * the test says it has sent the signal (SENT_FILE appears) or BLOCK_MS have passed, so the
 * signal arrives while nothing can handle it however slowly a busy machine passes it on.
 */
const DRIVER = `
import { existsSync, writeSync } from 'node:fs';
const { benchCommand } = await import(process.env.BENCH_JS_URL);
const log = console.log;
let blocked = false;
console.log = (...args) => {
  log(...args);
  if (!blocked && String(args[0]).includes(process.env.BLOCK_AT)) {
    blocked = true;
    writeSync(2, 'BLOCKING\\n');
    const cell = new Int32Array(new SharedArrayBuffer(4));
    const end = Date.now() + Number(process.env.BLOCK_MS);
    while (Date.now() < end && !existsSync(process.env.SENT_FILE)) Atomics.wait(cell, 0, 0, 10);
  }
};
process.exitCode = await benchCommand(process.argv.slice(2));
`;

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  out: string;
}

/** Runs the bench, sends `signal` (if any) once the driver blocks at `blockAt`, and waits for the end. */
async function runBench(name: string, blockAt: string, signal: NodeJS.Signals | null, blockMs = 60_000): Promise<Outcome> {
  const driver = join(tmp, 'driver.mjs');
  writeFileSync(driver, DRIVER);
  const out = join(tmp, `out-${name}`);
  const sentFile = join(tmp, `sent-${name}`);
  const child = spawn(process.execPath, [driver, '--suite', 'criterion', '--criterion', criterionDir(), '--quick', '--out', out], {
    cwd: root, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, BENCH_JS_URL: pathToFileURL(benchJs).href, BLOCK_AT: blockAt, BLOCK_MS: String(blockMs), SENT_FILE: sentFile, CI: '1' },
  });
  let stdout = '', stderr = '', sent = false;
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (signal !== null && !sent && stderr.includes('BLOCKING\n')) {
      sent = true;
      child.kill(signal);
      writeFileSync(sentFile, '');
    }
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 100_000);
  const [code, sig] = await new Promise<[number | null, NodeJS.Signals | null]>((r) => child.on('close', (c, s) => r([c, s])));
  clearTimeout(timer);
  if (signal !== null) expect(sent, `the driver never blocked at "${blockAt}"; stdout: ${stdout}\nstderr: ${stderr}`).toBe(true);
  return { code, signal: sig, stdout, stderr, out };
}

const benchJson = (o: Outcome): { interrupted: boolean; suites: { suite: string; status: string }[] } =>
  JSON.parse(readFileSync(join(o.out, 'bench.json'), 'utf8'));

// printSuite's header of the last (and only) suite: printed after it returned, before the bench moves on.
const LAST_SUITE_DONE = "== prtip's criterion results (ok";

describe('bench: a late signal is honoured', () => {
  it('dist/ is built (npm run build:ts)', () => {
    expect(existsSync(benchJs), `${benchJs} missing: run npm run build:ts`).toBe(true);
  });

  it('without a signal the same run ends 0 and is not interrupted (the control)', async () => {
    const o = await runBench('control', LAST_SUITE_DONE, null, 200);
    expect(o.code, o.stderr).toBe(0);
    expect(benchJson(o).interrupted).toBe(false);
  }, 120_000);

  it('SIGTERM during the last suite: exit 143, results written and marked interrupted', async () => {
    const o = await runBench('term', LAST_SUITE_DONE, 'SIGTERM');
    expect(o.signal).toBeNull();
    expect(o.code, `stdout: ${o.stdout}\nstderr: ${o.stderr}`).toBe(143);
    expect(o.stderr).toMatch(/got SIGTERM; writing the finished results/);
    const r = benchJson(o);
    expect(r.interrupted).toBe(true);
    // the suite itself had finished: its results are kept
    expect(r.suites).toEqual([expect.objectContaining({ suite: 'criterion', status: 'ok' })]);
  }, 120_000);

  it('SIGHUP during the last suite (a closed terminal): as SIGTERM, exit 129, marked interrupted', async () => {
    const o = await runBench('hup', LAST_SUITE_DONE, 'SIGHUP');
    expect(o.signal).toBeNull();
    expect(o.code, `stdout: ${o.stdout}\nstderr: ${o.stderr}`).toBe(129);
    expect(o.stderr).toMatch(/got SIGHUP; writing the finished results/);
    expect(benchJson(o).interrupted).toBe(true);
  }, 120_000);

  it('SIGINT during the last suite: exit 130, marked interrupted', async () => {
    const o = await runBench('int', LAST_SUITE_DONE, 'SIGINT');
    expect(o.code, `stdout: ${o.stdout}\nstderr: ${o.stderr}`).toBe(130);
    expect(o.stderr).toMatch(/interrupted; writing the finished results/);
    expect(benchJson(o).interrupted).toBe(true);
  }, 120_000);

  it('SIGTERM while the results are being written: they are complete, and the exit is still 143', async () => {
    const o = await runBench('writing', 'wrote ', 'SIGTERM');
    expect(o.code, `stdout: ${o.stdout}\nstderr: ${o.stderr}`).toBe(143);
    expect(o.stderr).toMatch(/got SIGTERM after every suite had finished; the results above are complete and were written in full/);
    expect(benchJson(o).interrupted).toBe(false);
  }, 120_000);
});
