import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ForkOutcome, disagreeingMetrics, forkMeasureScale, mergeForkResults } from '../bench/fork.js';
import { benchCommand, parseBenchArgs } from '../bench/index.js';
import { loadBaseline } from '../src/analyse/baseline.js';
import { parseBenchResult } from '../src/model/json.js';
import type { ClaimRow, Metric, SuiteResult } from '../src/model/result.js';
import { schemaErrors } from '../src/model/schema-check.js';

function suiteResult(metrics: Metric[], claims: ClaimRow[] = [], warnings: string[] = []): SuiteResult {
  return { suite: 's', title: 'S', status: 'ok', durationMs: 5, tables: [{ title: 'T', columns: ['a'], rows: [[1]] }], metrics, claims, warnings, data: { x: 1 } };
}

function outcome(fork: number, result: SuiteResult | undefined, error?: string): ForkOutcome {
  return { meta: { fork, pid: 1000 + fork, envPadBytes: 100 + fork, heapPadBytes: 64 * fork, cpu: fork % 2, durationMs: 10 }, ...(result ? { result } : {}), ...(error ? { error } : {}) };
}

const metric = (name: string, value: number, samples: number[]): Metric => ({ name, unit: 'ns/op', value, better: 'smaller', samples });
const claim = (verdict: ClaimRow['verdict']): ClaimRow => ({ id: 'c', claim: 'x is y', source: 'doc', measured: 'm', verdict, reason: 'because' });

describe('merging forks', () => {
  const outcomes = [
    outcome(0, suiteResult([metric('k', 10, [9, 10, 11]), metric('dup', 1, [1]), metric('dup', 2, [2])], [claim('holds')], ['busy'])),
    outcome(1, suiteResult([metric('k', 20, [19, 20, 21]), metric('dup', 1, [1]), metric('dup', 2, [2])], [claim('holds')], ['busy'])),
    outcome(2, suiteResult([metric('k', 12, [12, 12]), metric('dup', 1, [1]), metric('dup', 2, [2])], [claim('holds')])),
    outcome(3, undefined, 'the fork exited (status 1) without a result'),
  ];
  const merged = mergeForkResults('s', 'S', outcomes);

  it('keeps per-fork summaries with each fork\'s randomized layout, and the median of the fork medians', () => {
    const k = merged.metrics.find((m) => m.name === 'k')!;
    expect(k.value).toBe(12);
    expect(k.forks!.map((f) => [f.fork, f.median, f.n, f.min, f.max, f.envPadBytes, f.heapPadBytes])).toEqual([
      [0, 10, 3, 9, 11, 100, 0], [1, 20, 3, 19, 21, 101, 64], [2, 12, 2, 12, 12, 102, 128],
    ]);
    expect(k.forks![1]!.samples).toEqual([19, 20, 21]);
    expect([...k.samples].sort((a, b) => a - b)).toEqual([9, 10, 11, 12, 12, 19, 20, 21]);
  });

  it('keeps a name reported twice as two metrics, each with its own forks', () => {
    const dups = merged.metrics.filter((m) => m.name === 'dup');
    expect(dups.map((m) => m.value)).toEqual([1, 2]);
    expect(dups.map((m) => m.forks!.length)).toEqual([3, 3]);
  });

  it('reports the failed fork, keeps each warning once and records every fork in data', () => {
    expect(merged.status).toBe('ok');
    expect(merged.warnings.filter((w) => w === 'busy')).toHaveLength(1);
    expect(merged.warnings.join('\n')).toMatch(/fork 4: the fork exited \(status 1\) without a result \(left out of the merge\)/);
    const forks = (merged.data as { forks: { fork: number; status: string; heapPadBytes: number }[] }).forks;
    expect(forks.map((f) => [f.fork, f.status, f.heapPadBytes])).toEqual([[0, 'ok', 0], [1, 'ok', 64], [2, 'ok', 128], [3, 'failed', 192]]);
    expect(merged.tables.at(-1)!.title).toBe('Between processes (3 forks)');
    // fork 3 (median 12) is the most typical one: its tables are shown, and a note says so
    expect(merged.tables[0]!.notes!.join(' ')).toMatch(/fork 3 of 4, the one closest to the median/);
  });

  it('judges no claim per fork: claims are judged once after every suite, on the merged metrics', () => {
    expect(merged.claims).toEqual([]);
  });

  it('warns when fork medians disagree beyond the ratio: the machine, not the code', () => {
    expect(disagreeingMetrics(merged.metrics).map((d) => d.metric.name)).toEqual(['k']);
    expect(merged.warnings.join('\n')).toMatch(/the processes disagree: on 1 metric\(s\).*k 10 … 20 ns\/op \(2\.00x\)/);
  });

  it('all forks skipped is a skipped suite; all failed is a failed one', () => {
    const skipped = mergeForkResults('s', 'S', [outcome(0, { ...suiteResult([]), status: 'skipped', reason: 'no raw sockets' })]);
    expect([skipped.status, skipped.reason]).toEqual(['skipped', 'no raw sockets']);
    const failed = mergeForkResults('s', 'S', [outcome(0, undefined, 'boom')]);
    expect([failed.status, failed.reason]).toEqual(['failed', 'fork 1: boom']);
  });

  it('each fork measures about 1/N of the single-process time', () => {
    expect(forkMeasureScale(1)).toBe(1);
    expect(forkMeasureScale(5)).toBeCloseTo(0.24, 9);
  });
});

describe('--forks', () => {
  it('parses, and rejects what is not a fork count', () => {
    expect(parseBenchArgs(['--forks', '3']).forks).toBe(3);
    expect(parseBenchArgs([]).forks).toBeUndefined();
    expect(() => parseBenchArgs(['--forks', '0'])).toThrow(/--forks: expected an integer from 1 to 100, got "0"/);
    expect(() => parseBenchArgs(['--forks=2.5'])).toThrow(/--forks/);
  });

  it('a real run in 2 forks: each metric holds both processes, with different layouts, and the saved baseline keeps them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'forks-run-'));
    const log = console.log;
    console.log = () => {};
    let code: number;
    try {
      code = await benchCommand(['--quick', '--suite', 'counters', '--forks', '2', '--out', join(dir, 'out'), '--save-baseline', 'two', '--baseline-dir', dir]);
    } finally {
      console.log = log;
    }
    expect(code).toBe(0);
    const json = JSON.parse(readFileSync(join(dir, 'out', 'bench.json'), 'utf8')) as unknown;
    expect(await schemaErrors(json)).toEqual([]);
    const result = parseBenchResult(JSON.stringify(json));
    const counters = result.suites[0]!;
    const forks = (counters.data as { forks: { pid: number; envPadBytes: number; heapPadBytes: number }[] }).forks;
    expect(forks).toHaveLength(2);
    expect(forks[0]!.pid).not.toBe(forks[1]!.pid);
    expect(forks[0]!.pid).not.toBe(process.pid);
    for (const m of counters.metrics) {
      expect(m.forks, m.name).toHaveLength(2);
      expect(m.forks!.map((f) => f.fork)).toEqual([0, 1]);
      expect(m.forks!.map((f) => f.envPadBytes)).toEqual(forks.map((f) => f.envPadBytes));
      expect(m.forks!.map((f) => f.heapPadBytes)).toEqual(forks.map((f) => f.heapPadBytes));
      expect(m.value).toBeCloseTo((m.forks![0]!.median + m.forks![1]!.median) / 2, 6);
    }
    const saved = loadBaseline('two', dir).suites[0]!.metrics[0]!;
    expect(saved.forks).toHaveLength(2);
    expect(saved.forks![0]!.samples.length).toBeGreaterThan(1);
  }, 120_000);
});

describe('the test-only slowdown switch', () => {
  const script = `
    import { checksum } from ${JSON.stringify(new URL('../dist/src/measure/packet/index.js', import.meta.url).href)};
    let x = 7, bad = 0;
    for (const size of [20, 40, 60, 1500, 4000]) for (let k = 0; k < 50; k++) {
      const b = Buffer.alloc(size);
      for (let i = 0; i < size; i++) { x = (x * 1103515245 + 12345) >>> 0; b[i] = x >>> 24; }
      if (checksum(b, { variant: 'scalar16' }) !== checksum(b, { variant: 'wide64' })) bad++;
    }
    console.log('mismatches', bad);`;
  const runWith = (value: string): { stdout: string; stderr: string } => {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, PRTIP_PERF_INJECT_SLOWDOWN: value }, encoding: 'utf8' });
    return { stdout: r.stdout, stderr: r.stderr };
  };

  it('slows the named variant without changing its checksums, and says so', () => {
    const r = runWith('scalar16:10');
    expect(r.stdout).toContain('mismatches 0');
    expect(r.stderr).toMatch(/TEST-ONLY slowdown injected: checksum variant scalar16 does ~10% more work/);
  });

  it('a malformed value is named and ignored', () => {
    const r = runWith('scalar17:10');
    expect(r.stdout).toContain('mismatches 0');
    expect(r.stderr).toMatch(/PRTIP_PERF_INJECT_SLOWDOWN: expected VARIANT:PERCENT\[:time\] .* got "scalar17:10"; ignored/);
    expect(runWith('scalar16:10:tim').stderr).toMatch(/got "scalar16:10:tim"; ignored/);
  });

  it('":time" calibrates the extra work to a share of the time, still without changing a checksum', () => {
    const r = runWith('scalar16:10:time');
    expect(r.stdout).toContain('mismatches 0');
    expect(r.stderr).toMatch(/checksum variant scalar16 takes ~10% longer per call \(calibrated per length/);
  });
});
