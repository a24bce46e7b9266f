import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Bench } from 'tinybench';
import { describe, expect, it } from 'vitest';
import { runSuiteUnderCallgrind } from '../bench/callgrind.js';
import { linearFit } from '../bench/callgrind-plans.js';
import { parseBenchArgs } from '../bench/index.js';
import { DEFAULT_DETERMINISTIC_THRESHOLD_PCT, compareResults, comparisonTable, regressionsBeyond } from '../src/analyse/baseline.js';
import {
  ALLOCATOR_FUNCTIONS, CALLGRIND_SOURCE, allocatorCost, callgrindLabel, callgrindStatus, findValgrind, measureNativeBlock, parseCallgrindDump,
  runCallgrind, selfCostByFunction,
} from '../src/measure/callgrind.js';
import { takeCountersOption } from '../src/cli/commands/stat-backend.js';
import { backendOf } from '../src/measure/backends/index.js';
import { PerfError } from '../src/core/errors.js';
import { machineInfo } from '../src/measure/machine.js';
import { BENCH_RESULT_VERSION, type BenchResult, type Metric } from '../src/model/result.js';
import { sample } from '../src/measure/sample.js';
import { CountedBench } from '../src/measure/tinybench-counters.js';

const ROOT = resolve(import.meta.dirname, '..');
const valgrind = findValgrind();
const withValgrind = valgrind === null ? it.skip : it;
if (valgrind === null) console.warn(`callgrind tests that run valgrind are skipped: valgrind is not installed (Debian: apt-get install valgrind)`);

// A dump as callgrind 3.19 writes it for a client-request dump (trimmed), with a call whose
// inclusive cost must not count as the caller's own.
const DUMP = `# callgrind format
version: 1
creator: callgrind-3.19.0
pid: 4242
cmd:  node child.js
part: 3

desc: Trigger: Client Request: packet-crafting/ipv4-syn/alloc/x10

positions: line
events: Ir D1mr

ob=(2) /usr/lib/x86_64-linux-gnu/libc.so.6
fl=(3) ./malloc/malloc.c
fn=(14) malloc
3281 50 1
+7 20
cfn=(16) _int_malloc
calls=10 1338
* 2690 3
fn=(16)
100 2690 3
fn=(52) free
10 300
fl=(6) memmove.S
fn=(44) __memcpy_avx_unaligned_erms
264 120

ob=(11) prtip_perf.node
fn=(10) prtip::CraftBatch
5 400
cfn=(14)
calls=10 0
0 3060 4

totals: 3580 4
`;

describe('callgrind dumps', () => {
  it('parses the label, the events and the totals', () => {
    const d = parseCallgrindDump(DUMP, 'x');
    expect(d).toMatchObject({ label: 'packet-crafting/ipv4-syn/alloc/x10', trigger: 'Client Request', pid: 4242, part: 3, events: ['Ir', 'D1mr'], totals: { Ir: 3580, D1mr: 4 } });
  });

  it('reads missing trailing counts as 0 and refuses what is not a dump', () => {
    expect(parseCallgrindDump('# callgrind format\nevents: Ir I1mr\ntotals: 12\n').totals).toEqual({ Ir: 12, I1mr: 0 });
    expect(() => parseCallgrindDump('hello', 'f.txt')).toThrow(/f.txt is not a callgrind output file/);
    expect(() => parseCallgrindDump('# callgrind format\nevents: Ir\n', 'g')).toThrow(/no "totals:"\/"summary:" line/);
  });

  it('splits self cost per function, calls excluded, and finds the allocator part', () => {
    const self = selfCostByFunction(DUMP);
    expect(self.get('malloc')).toEqual({ Ir: 70, D1mr: 1 });
    expect(self.get('_int_malloc')).toEqual({ Ir: 2690, D1mr: 3 });
    expect(self.get('prtip::CraftBatch')).toEqual({ Ir: 400, D1mr: 0 });
    const sumIr = [...self.values()].reduce((a, c) => a + c['Ir']!, 0);
    expect(sumIr).toBe(3580); // the self costs add up to the totals
    expect(allocatorCost(DUMP)).toEqual({ Ir: 70 + 2690 + 300, D1mr: 4 });
    expect(ALLOCATOR_FUNCTIONS.test('__memcpy_avx_unaligned_erms')).toBe(false);
    expect(ALLOCATOR_FUNCTIONS.test('unlink_chunk.constprop.0')).toBe(true); // GCC's clone names, as in glibc 2.36's dumps
    expect(ALLOCATOR_FUNCTIONS.test('prtip::CountedAllocate(unsigned long)')).toBe(false);
  });

  it('labels every event as simulated by callgrind', () => {
    expect(callgrindLabel('Ir')).toBe(`instructions (${CALLGRIND_SOURCE})`);
    expect(callgrindLabel('D1mr')).toBe('D1 read misses (simulated by callgrind)');
  });
});

describe('callgrind options', () => {
  it('bench takes --counters callgrind, --cache-sim and --suite a,b', () => {
    expect(parseBenchArgs(['--counters', 'callgrind', '--cache-sim', '--suite', 'checksum,packet-crafting'])).toMatchObject({ counters: 'callgrind', cacheSim: true, suites: ['checksum', 'packet-crafting'] });
    expect(parseBenchArgs([]).counters).toBe('perf_event');
    expect(() => parseBenchArgs(['--counters', 'pmu'])).toThrow(/--counters: expected one of perf_event, callgrind, got "pmu"/);
    expect(() => parseBenchArgs(['--cache-sim'])).toThrow(/--cache-sim needs --counters callgrind/);
  });

  it('stat takes --counters before "--" only', () => {
    expect(takeCountersOption(['--counters', 'callgrind', '-r', '2', '--', 'ls'])).toMatchObject({ backend: { name: 'callgrind' }, rest: ['-r', '2', '--', 'ls'] });
    expect(takeCountersOption(['--', 'prog', '--counters', 'callgrind'])).toMatchObject({ backend: { name: 'perf_event' }, rest: ['--', 'prog', '--counters', 'callgrind'] });
    expect(() => takeCountersOption(['--counters=cycles', '--', 'ls'])).toThrow(/expected one of perf_event, (.*, )?callgrind(, .*)?, got "cycles"/);
  });

  it('sample and CountedBench refuse an unknown backend, and callgrind outside valgrind is unsupported with the reason', () => {
    expect(() => backendOf({ backend: 'pmu' })).toThrow(RangeError);
    expect(() => sample(() => 1, { events: ['instructions'], backend: 'pmu' as 'callgrind' })).toThrow(/options.backend must be "perf_event",? .*"callgrind".*, got "pmu"/);
    const status = callgrindStatus();
    expect(status.runningOnValgrind).toBe(false);
    expect(status.inProcess).toBe(false);
    expect(status.reason).toMatch(/does not run under valgrind --tool=callgrind/);
    let error: unknown;
    try {
      sample(() => 1, { events: ['instructions'], backend: 'callgrind' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PerfError);
    expect((error as PerfError).code).toBe('UNSUPPORTED');
    expect(() => sample(() => 1, { events: ['cycles'], backend: 'callgrind' })).toThrow(/"cycles" is not a callgrind event/);
    expect(() => new CountedBench(new Bench(), ['cycles'], { backend: 'callgrind' })).toThrow(/"cycles" is not counted by callgrind/);
    expect(() => measureNativeBlock('x', () => 1)).toThrow(/unsupported in this process/);
  });
});

describe('the gate on deterministic metrics', async () => {
  const machine = await machineInfo();
  const exact = (name: string, value: number): Metric => ({ name, unit: `instructions/op (${CALLGRIND_SOURCE})`, value, better: 'smaller', samples: [value], deterministic: true });
  const result = (metrics: Metric[]): BenchResult => ({
    kind: 'prtip-perf/bench-result', version: BENCH_RESULT_VERSION, startedAt: '2026-01-01T00:00:00.000Z', durationMs: 1,
    options: { quick: true, suites: ['checksum'], prtip: null }, interrupted: false, machine,
    suites: [{ suite: 'checksum', title: 'c', status: 'ok', durationMs: 1, tables: [], metrics, claims: [], warnings: [] }], claims: [],
  });
  const base = result([exact('a', 6063.25), exact('b', 634.25), exact('c', 100000), { name: 'timed', unit: 'ns/op', value: 10, better: 'smaller', samples: [10] }]);

  it('an A/A comparison flags nothing; 1 % more instructions is a regression; 0.05 % is not', () => {
    const aa = compareResults(base, base, 'aa');
    // The timed metric has one sample a side: never gated across runs (src/analyse/baseline.ts CrossRun), so "cannot tell".
    expect(aa.rows.every((r) => r.verdict === (r.name === 'timed' ? 'cannot tell' : 'no change'))).toBe(true);
    const now = result([exact('a', 6063.25 * 1.01), exact('b', 634.25 * 0.99), exact('c', 100050), { name: 'timed', unit: 'ns/op', value: 10.4, better: 'smaller', samples: [10.4] }]);
    const c = compareResults(base, now, 'base');
    const verdict = (n: string): string => c.rows.find((r) => r.name === n)!.verdict;
    expect(verdict('a')).toBe('regressed');
    expect(verdict('b')).toBe('improved');
    expect(verdict('c')).toBe('no change'); // +0.05 %, below the 0.1 % threshold
    expect(verdict('timed')).toBe('cannot tell'); // one timed sample a side: nothing to gate on
    expect(c.rows.find((r) => r.name === 'timed')!.crossRun).toBe('never');
    expect(c.rows.find((r) => r.name === 'a')!.deterministic).toBe(true);
    expect(c.rows.find((r) => r.name === 'timed')!.deterministic).toBe(false);
    expect(regressionsBeyond(c, 0.5).map((r) => r.name)).toEqual(['a']);
    const table = comparisonTable(c);
    expect(table.rows.find((r) => r[0] === 'a')![8]).toBe('exact');
    expect(table.notes!.join('\n')).toMatch(/deterministic metrics \(exact counts, simulated by callgrind; "exact" under processes\): 3 of 4/);
    expect(DEFAULT_DETERMINISTIC_THRESHOLD_PCT).toBe(0.1);
    expect(compareResults(base, now, 'base', { deterministicThresholdPct: 2 }).rows.find((r) => r.name === 'a')!.verdict).toBe('no change');
  });
});

describe('the native part without valgrind headers', () => {
  it('builds and reports itself absent (compiled here with PRTIP_PERF_NO_VALGRIND)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'prtip-perf-novg-'));
    const main = join(dir, 'main.cc');
    writeFileSync(main, '#include "valgrind/valgrind.h"\n#include <cstdio>\nint main() { prtip::ArmMeasuredBlock("x"); { prtip::MeasuredBlock b; } ' +
      'std::printf("%d %d %s %d\\n", prtip::ValgrindHeadersBuiltIn(), prtip::RunningOnValgrind(), prtip::Avx512BlockedReason() ? "blocked" : "free", prtip::MeasuredBlockArmed()); }\n');
    const exe = join(dir, 'novg');
    execFileSync('g++', ['-std=c++17', '-O1', '-DPRTIP_PERF_NO_VALGRIND', `-I${join(ROOT, 'native')}`, main, join(ROOT, 'native/valgrind/valgrind.cc'), '-o', exe]);
    expect(execFileSync(exe).toString().trim()).toBe('0 0 free 0');
  });
});

describe('under valgrind', () => {
  withValgrind('whole-binary counts of /bin/ls -la /usr/bin differ by < 0.1 % between runs', async () => {
    const a = await runCallgrind(['/bin/ls', '-la', '/usr/bin']);
    const b = await runCallgrind(['/bin/ls', '-la', '/usr/bin']);
    expect(a.exitCode).toBe(0);
    const ia = a.final!.totals['Ir']!, ib = b.final!.totals['Ir']!;
    expect(ia).toBeGreaterThan(100_000);
    expect(Math.abs(ia - ib) / ia).toBeLessThan(0.001);
  });

  withValgrind('a child counts native kernels exactly, twice alike, and sees AVX-512 blocked without faulting', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'prtip-perf-cgt-'));
    const script = join(dir, 'child.mjs');
    writeFileSync(script, `
      import { ChecksumKernel, checksumVariants } from ${JSON.stringify(join(ROOT, 'dist/src/measure/packet/index.js'))};
      import { avx512BlockedReason, measureNativeBlock } from ${JSON.stringify(join(ROOT, 'dist/src/measure/callgrind.js'))};
      const k = new ChecksumKernel(Buffer.alloc(1500, 7), 'wide64', 0);
      k.run(1);
      measureNativeBlock('warm-up', () => k.run(8));
      const a = measureNativeBlock('one', () => k.run(8)).totals.Ir, b = measureNativeBlock('two', () => k.run(8)).totals.Ir;
      let avx512 = 'constructed';
      try { new ChecksumKernel(Buffer.alloc(64), 'avx512', 0); } catch (e) { avx512 = e.code; }
      let none = '';
      try { measureNativeBlock('none', () => 1); } catch (e) { none = e.code; }
      console.log(JSON.stringify({ a, b, avx512, reason: avx512BlockedReason(), variants: checksumVariants(), none }));
    `);
    const run = await runCallgrind([process.execPath, '--single-threaded', script], { instrAtStart: false });
    expect(run.exitCode, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout.trim().split('\n').pop()!);
    expect(out.a).toBe(out.b);
    expect(out.a).toBeGreaterThan(8 * 300);
    expect(out.avx512).toBe('VARIANT_UNAVAILABLE');
    expect(out.reason).toMatch(/valgrind, which does not emulate AVX-512/);
    expect(out.variants.find((v: { name: string }) => v.name === 'avx512').available).toBe(false);
    expect(out.none).toBe('NO_MEASURED_BLOCK');
    expect(run.parts.map((p) => p.label)).toEqual(['warm-up', 'one', 'two']);
  }, 600_000);

  withValgrind('the checksum suite under callgrind: ranking and linear growth hold, AVX-512 is reported, metrics are deterministic', async () => {
    const result = await runSuiteUnderCallgrind('checksum', { quick: true, signal: new AbortController().signal, progress: () => {}, previous: new Map() }, { cacheSim: false });
    expect(result.status, result.reason).toBe('ok');
    const value = (name: string): number => result.metrics.find((m) => m.name === name)!.value;
    expect(value('callgrind/checksum/scalar16/1500B/instructions')).toBeGreaterThan(value('callgrind/checksum/wide64/1500B/instructions'));
    expect(value('callgrind/checksum/wide64/1500B/instructions')).toBeGreaterThan(value('callgrind/checksum/avx2/1500B/instructions'));
    expect(result.metrics.every((m) => m.deterministic === true && m.unit.includes(CALLGRIND_SOURCE))).toBe(true);
    const sanity = result.tables[1]!;
    for (const row of sanity.rows.filter((r) => r[0] !== 'empty')) expect(row[5]).toBe('R² > 0.99: met');
    expect(sanity.notes!.join(' ')).toMatch(/scalar16 > wide64 > avx2 .*: met/);
    expect(result.warnings.join(' ')).toMatch(/avx512 not counted: running under valgrind/);
  }, 600_000); // node under valgrind: ~15 s idle, several times that on a loaded 2-core machine
});

describe('linearFit', () => {
  it('fits a line exactly and measures scatter', () => {
    expect(linearFit([1, 2, 3], [3, 5, 7])).toEqual({ intercept: 1, slope: 2, r2: 1 });
    expect(linearFit([1, 2, 3, 4], [1, 3, 2, 4]).r2).toBeCloseTo(0.64, 2);
    expect(() => linearFit([1], [1])).toThrow(RangeError);
  });
});
