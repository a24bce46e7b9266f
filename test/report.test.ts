import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { benchCommand, parseBenchArgs } from '../bench/index.js';
import { suite as countersSuite } from '../bench/suites/counters.bench.js';
import { standaloneContext } from '../bench/suite.js';
import { machineInfo } from '../src/measure/machine.js';
import { ProgressLine, progressEnabled } from '../src/core/progress.js';
import { claimsTable } from '../src/report/claims.js';
import { CLAIMS, judgeClaims, measurementsOf } from '../src/judge/index.js';
import { claimsCsv, comparisonCsv, metricsCsv, tableCsv, tablesCsv } from '../src/report/csv.js';
import { compareResults, comparisonTable } from '../src/analyse/baseline.js';
import type { ForkSummary, Metric } from '../src/model/result.js';
import { actionBenchmarkArrays } from '../src/report/github-action-benchmark.js';
import { hyperfineExport } from '../src/report/hyperfine.js';
import { parseBenchResult, stringifyBenchResult, stringifyReadable } from '../src/model/json.js';
import { markdownReport, markdownTable } from '../src/report/markdown.js';
import { BENCH_RESULT_VERSION, type BenchResult, type SuiteResult } from '../src/model/result.js';
import { attribute } from '../bench/suites/prtip.bench.js';
import type { CommandResult } from '../src/measure/runner/benchmark.js';
import { schemaErrors } from '../src/model/schema-check.js';
import { formatTable, wrapText } from '../src/core/text.js';

// These runs check exactly which suites ran: a PRTIP_CRITERION in the user's environment would add
// the criterion suite to them (criterion results, once given, are always judged).
delete process.env.PRTIP_CRITERION;

const machine = await machineInfo();

/** A suite result the way the micro-benchmark suites shape theirs, with a claim and both kinds of metric. */
function syntheticChecksum(): SuiteResult {
  return {
    suite: 'checksum', title: 'Checksum kernels', status: 'ok', durationMs: 1234,
    tables: [{ title: 'RFC 1071 checksum', columns: ['variant', 'size', 'ns/op', 'B/cycle'], rows: [['scalar16', 1500, 700.5, 1.07], ['avx512', 1500, 40.2, 18.6], ['avx2', 1500, null, null]], notes: ['avx2 "unavailable", here, | pipes'] }],
    metrics: [
      { name: 'checksum/avx512/1500B', unit: 'ns/op', value: 40.2, better: 'smaller', samples: [40, 40.2, 41] },
      { name: 'checksum/avx512/1500B-throughput', unit: 'B/cycle', value: 18.6, better: 'bigger', samples: [18.5, 18.6, 18.7] },
      { name: 'checksum/broken', unit: 'ns/op', value: NaN, better: 'smaller', samples: [NaN] },
    ],
    claims: [],
    warnings: ['synthetic'],
    data: { rows: [{ variant: 'scalar16', size: 1500, bytesPerCycle: 1.07 }] },
  };
}

/** The whole-binary suite's runs in the runner's per-run layout. */
function syntheticPrtip(): SuiteResult {
  const runs = (ms: number[]) => ms.map((m, i) => ({ wall_ns: m * 1e6, user_ns: m * 4e5, sys_ns: m * 3e5, max_rss_bytes: 3e6, exit_code: i === 2 ? 1 : 0, counters: {} }));
  return {
    suite: 'prtip', title: 'Whole-binary runs', status: 'ok', durationMs: 5000, tables: [], metrics: [], claims: [], warnings: [],
    data: { scenarios: [
      { scenario: 'syn-scan-1k', tool: 'prtip', command: ['prtip', '-sS', '-p', '1-1000', '127.0.0.1'], runs: runs([98, 100, 102, 99]) },
      { scenario: 'connect-scan-100', tool: 'nmap', command: ['nmap', '-sT', '-p', '1-100', "it's"], runs: runs([150, 160]) },
      { scenario: 'never-ran', tool: 'masscan', command: ['masscan'], runs: [] },
    ] },
  };
}

function benchResult(suites: SuiteResult[]): BenchResult {
  return {
    kind: 'prtip-perf/bench-result', version: BENCH_RESULT_VERSION, startedAt: new Date().toISOString(), durationMs: 10,
    options: { quick: true, suites: suites.map((s) => s.suite), prtip: null }, interrupted: false, machine, suites,
    // judged on these suites, with one verdict set by hand so that the exports have a decided row with quotes in it
    claims: judgeClaims(measurementsOf(suites)).map((c) => (c.id === 'checksum-simd-8x' ? { ...c, measured: '17.4× (avx512 vs scalar16 at 1500 B)', verdict: 'does-not-hold' as const, reason: 'faster than claimed, "8×" understates it' } : c)),
  };
}

const countersResult = await countersSuite.run({ ...standaloneContext([]), quick: true });
const result = benchResult([countersResult, syntheticChecksum(), syntheticPrtip()]);
const roundTripped = JSON.parse(stringifyBenchResult(result)) as unknown;

describe('the JSON result and its schema', () => {
  it('a real counters run plus synthetic suites validates against the schema', async () => {
    expect(countersResult.status).toBe('ok');
    expect(countersResult.metrics.length).toBeGreaterThan(0);
    expect(await schemaErrors(roundTripped)).toEqual([]);
  });

  it('the schema rejects what is not a BenchResult', async () => {
    const bad = structuredClone(roundTripped) as Record<string, any>;
    bad['version'] = 99;
    bad['suites'][0].status = 'fine';
    delete bad['machine'].cpu.avx2;
    bad['suites'][0].metrics[0].better = 'higher';
    const errors = await schemaErrors(bad);
    expect(errors.join('\n')).toMatch(/\/version/);
    expect(errors.join('\n')).toMatch(/\/suites\/0\/status/);
    expect(errors.join('\n')).toMatch(/avx2/);
    expect(errors.join('\n')).toMatch(/\/suites\/0\/metrics\/0\/better/);
  });

  it('writes NaN as null and reads it back as NaN; refuses a foreign file or version', () => {
    const text = stringifyBenchResult(result);
    expect(text).toContain('"value": null');
    const back = parseBenchResult(text);
    expect(back.suites[1]!.metrics[2]!.value).toBeNaN();
    expect(back.suites[1]!.metrics[0]!.value).toBe(40.2);
    expect(() => parseBenchResult('{"kind":"other"}', 'x.json')).toThrow(/x.json: not a prtip-perf bench result/);
    expect(() => parseBenchResult(text.replace(`"version": ${BENCH_RESULT_VERSION}`, '"version": 7'))).toThrow(/version 7/);
    expect(() => parseBenchResult('{', 'y.json')).toThrow(RangeError);
  });

  it('readable JSON: objects indented, arrays of plain values on one line, same data as JSON.stringify', () => {
    const value = { a: [1, NaN, null], b: { c: [[1, 'x'], [2, null]], d: [{ e: 1 }], f: undefined, g: Infinity }, h: [] };
    expect(stringifyReadable(value)).toBe('{\n  "a": [1,null,null],\n  "b": {\n    "c": [[1,"x"],[2,null]],\n    "d": [\n      {\n        "e": 1\n      }\n    ],\n    "g": null\n  },\n  "h": []\n}');
    expect(JSON.parse(stringifyBenchResult(result))).toEqual(JSON.parse(JSON.stringify(result, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v))));
  });

  it('npm run bench -- --quick --suite counters writes every format, and its JSON validates', async () => {
    const out = mkdtempSync(join(tmpdir(), 'prtip-bench-'));
    const code = await benchCommand(['--quick', '--suite', 'counters', '--out', out]);
    expect(code).toBe(0);
    const files = readdirSync(out).sort();
    expect(files).toEqual(['bench.html', 'bench.json', 'bench.md', 'bencher.json', 'claims.csv', 'github-action-benchmark-bigger.json', 'github-action-benchmark-smaller.json', 'github-action-benchmark-ungated.json', 'manifest.json', 'metrics.csv', 'tables.csv']);
    const json = JSON.parse(readFileSync(join(out, 'bench.json'), 'utf8')) as BenchResult;
    expect(await schemaErrors(json)).toEqual([]);
    expect(json.options).toEqual({ quick: true, suites: ['counters'], prtip: null });
    expect(json.suites.map((s) => s.suite)).toEqual(['counters']);
    expect(json.machine.cpu.cores).toBe(machine.cpu.cores);
    expect(readFileSync(join(out, 'bench.md'), 'utf8')).toContain('Cost of measuring');
    console.log(`bench --quick --suite counters wrote ${out}`);
  }, 60_000);
});

describe('options', () => {
  it('parses every option, repeatable --suite, and --opt=value', () => {
    const o = parseBenchArgs(['--quick', '--suite', 'counters', '--suite=checksum,prtip', '--prtip', '/bin/prtip', '--out', 'o', '--save-baseline', 'main', '--baseline', 'old', '--baseline-dir', 'd', '--fail-on-regression', '5', '--noise-threshold=3']);
    expect(o).toMatchObject({ quick: true, suites: ['counters', 'checksum', 'prtip'], prtip: '/bin/prtip', out: 'o', saveBaseline: 'main', baseline: 'old', baselineDir: 'd', failOnRegressionPct: 5, noiseThresholdPct: 3 });
    expect(parseBenchArgs([])).toMatchObject({ quick: false, suites: [], out: 'results', baselineDir: '.prtip-perf/baselines', noiseThresholdPct: 5 });
  });

  it('names what is wrong', () => {
    expect(() => parseBenchArgs(['--quik'])).toThrow(/unknown option '--quik' \(Did you mean --quick\?\)/);
    expect(() => parseBenchArgs(['--frobnicate'])).toThrow(/unknown option '--frobnicate'/);
    expect(() => parseBenchArgs(['--suite', 'checksums'])).toThrow(/unknown suite "checksums" \(did you mean checksum/);
    expect(() => parseBenchArgs(['--out'])).toThrow(/option '--out <dir>' argument missing/);
    expect(() => parseBenchArgs(['--fail-on-regression', 'x', '--baseline', 'b'])).toThrow(/--fail-on-regression: expected a percentage/);
    expect(() => parseBenchArgs(['--fail-on-regression', '5'])).toThrow(/needs --baseline/);
    expect(() => parseBenchArgs(['--save-baseline', '../etc'])).toThrow(/--save-baseline: expected a baseline name/);
    expect(() => parseBenchArgs(['--quick=yes'])).toThrow(/unknown option '--quick=yes'/);
  });

  it('an unknown option exits 2 before running anything; --help exits 0', async () => {
    const errors: string[] = [];
    const original = console.error;
    console.error = (m: string) => errors.push(m);
    try {
      expect(await benchCommand(['--bogus'])).toBe(2);
    } finally {
      console.error = original;
    }
    expect(errors.join('\n')).toContain("unknown option '--bogus'");
    expect(await benchCommand(['--help'])).toBe(0);
  });
});

describe('exports', () => {
  it('Markdown: machine, claims and every table, pipes escaped', () => {
    const md = markdownReport(result);
    expect(md).toContain('## Machine');
    expect(md).toContain(machine.kernel);
    expect(md).toContain('| checksum-simd-8x | checksum | the work (our floors) | SIMD makes the checksum about 8× faster than the scalar loop |');
    expect(md).toContain('### RFC 1071 checksum');
    expect(md).toContain('| scalar16 | 1,500 | 700.5 | 1.07 |');
    expect(md).toContain('| avx2 | 1,500 | — | — |');
    expect(md).toContain('- avx2 "unavailable", here, | pipes');
    expect(markdownTable({ title: 't', columns: ['a', 'n'], rows: [['x|y', 3]] })).toContain('| x\\|y | 3 |');
  });

  it('CSV: RFC 4180 quoting, metrics, claims and tables in long form', () => {
    expect(tableCsv({ title: 't', columns: ['a', 'b'], rows: [['he said "hi", twice', 1.5], [null, NaN]] })).toBe('a,b\r\n"he said ""hi"", twice",1.5\r\n,\r\n');
    const metrics = metricsCsv(result).split('\r\n');
    expect(metrics[0]).toBe('suite,metric,unit,better,value,samples');
    expect(metrics).toContain('checksum,checksum/avx512/1500B,ns/op,smaller,40.2,3');
    expect(metrics).toContain('checksum,checksum/broken,ns/op,smaller,,1');
    expect(claimsCsv(result)).toContain('checksum-simd-8x,checksum,the work (our floors),SIMD makes the checksum about 8× faster than the scalar loop,"003 Sprint 5.5.5 profiling analysis, Target 2: SIMD Checksums",// 8x faster than scalar loop');
    expect(claimsCsv(result)).toContain('"faster than claimed, ""8×"" understates it"');
    expect(tablesCsv(result).split('\r\n')).toContain('checksum,RFC 1071 checksum,1,B/cycle,18.6');
  });

  it('comparison CSV: processes per side, between-process noise and the too-noisy status, as in the terminal table', () => {
    const forked = (name: string, medians: number[]): Metric => {
      const forks: ForkSummary[] = medians.map((m, i) => ({ fork: i, median: m, n: 3, min: m * 0.99, max: m * 1.01, envPadBytes: i, heapPadBytes: 64 * i, samples: [m * 0.99, m, m * 1.01] }));
      return { name, unit: 'ns/op', better: 'smaller', value: [...medians].sort((a, b) => a - b)[medians.length >> 1]!, samples: forks.flatMap((f) => f.samples), forks };
    };
    const runOf = (metrics: Metric[]): BenchResult => ({ ...result, suites: [{ suite: 's', title: 'S', status: 'ok', durationMs: 1, tables: [], metrics, claims: [], warnings: [] }] });
    const base = runOf([forked('noisy', [100, 130, 80, 115, 90]), forked('quiet', [100, 101, 99, 100, 100]), forked('one', [50])]);
    const cur = runOf([forked('noisy', [300, 390, 240, 345, 270]), forked('quiet', [150, 151, 149, 150, 150]), forked('one', [60])]);
    const c = compareResults(base, cur, 'gate', { gatePct: 10 });
    const lines = comparisonCsv(c).trimEnd().split('\r\n').map((l) => l.split(','));
    const header = lines[0]!;
    expect(header).toEqual(['suite', 'metric', 'unit', 'better', 'baseline', 'current', 'change_pct', 'ci_low_pct', 'ci_high_pct', 'p',
      'processes_baseline', 'processes_current', 'noise_cv_pct', 'gate_pct', 'too_noisy_to_gate', 'verdict']);
    const row = (name: string): Record<string, string> => Object.fromEntries(header.map((h, i) => [h, lines.find((l) => l[1] === name)![i]!]));
    const table = comparisonTable(c);
    for (const name of ['noisy', 'quiet', 'one']) {
      const t = table.rows.find((r) => r[0] === name)!, r = row(name), m = c.rows.find((x) => x.name === name)!;
      // the same processes and noise as the terminal table, unrounded
      expect(`${r['processes_baseline']}/${r['processes_current']}`).toBe(t[8]);
      expect(r['noise_cv_pct']).toBe(m.noisePct === null ? '' : String(m.noisePct));
      if (m.noisePct !== null) expect(`${Number(r['noise_cv_pct']).toFixed(1)}%`).toBe(t[9]);
    }
    expect(row('noisy')).toMatchObject({ processes_baseline: '5', processes_current: '5', gate_pct: '10', too_noisy_to_gate: 'true', verdict: 'too noisy' });
    expect(Number(row('noisy')['noise_cv_pct'])).toBeGreaterThan(10);
    expect(row('quiet')).toMatchObject({ gate_pct: '10', too_noisy_to_gate: 'false', verdict: 'regressed' });
    expect(Number(row('quiet')['noise_cv_pct'])).toBeLessThan(2);
    // one process a side: no noise to speak of, so no too-noisy status either
    expect(row('one')).toMatchObject({ processes_baseline: '1', processes_current: '1', noise_cv_pct: '', too_noisy_to_gate: '', verdict: 'cannot tell' });
    // without a gate there is no threshold to be too noisy for
    const ungated = comparisonCsv(compareResults(base, cur, 'gate')).split('\r\n').find((l) => l.startsWith('s,noisy,'))!.split(',');
    expect(ungated.slice(-3)).toEqual(['', '', 'regressed']);
  });

  it('github-action-benchmark arrays split by `better`, non-finite values left out', () => {
    const { smaller, bigger } = actionBenchmarkArrays(result);
    const names = (xs: { name: string }[]) => xs.map((x) => x.name);
    expect(names(smaller)).toContain('checksum/avx512/1500B');
    expect(names(smaller)).not.toContain('checksum/broken');
    expect(names(bigger)).toEqual(['checksum/avx512/1500B-throughput']);
    expect(bigger[0]).toMatchObject({ unit: 'B/cycle', value: 18.6 });
    expect(bigger[0]!.range).toMatch(/^± /);
    const counted = countersResult.metrics.filter((m) => m.better === 'smaller').length;
    expect(smaller.length).toBe(counted + 1);
    for (const e of [...smaller, ...bigger]) expect(Number.isFinite(e.value)).toBe(true);
  });

  it('hyperfine JSON: every scenario with runs, times in seconds, exit codes, shell-quoted command', () => {
    const { results } = hyperfineExport(result);
    expect(results.map((r) => r.command)).toEqual(['prtip -sS -p 1-1000 127.0.0.1', "nmap -sT -p 1-100 'it'\\''s'"]);
    const syn = results[0]!;
    expect(syn.times).toEqual([0.098, 0.1, 0.102, 0.099]);
    expect(syn.mean).toBeCloseTo(0.09975, 9);
    expect(syn.median).toBeCloseTo(0.0995, 9);
    expect(syn.min).toBe(0.098);
    expect(syn.max).toBe(0.102);
    expect(syn.stddev).toBeCloseTo(0.00170783, 6);
    expect(syn.user).toBeCloseTo(0.0399, 6);
    expect(syn.system).toBeCloseTo(0.029925, 6);
    expect(syn.exit_codes).toEqual([0, 0, 1, 0]);
    expect(syn.parameters).toEqual({ scenario: 'syn-scan-1k', tool: 'prtip' });
    expect(hyperfineExport(benchResult([countersResult])).results).toEqual([]);
  });

  it('hyperfine JSON from the prtip suite\'s layout: summaries in data.runs, per-run wall times in its metrics', () => {
    const prtip: SuiteResult = {
      suite: 'prtip', title: 'Whole-binary runs', status: 'ok', durationMs: 1, tables: [], claims: [], warnings: [],
      metrics: [
        { name: 'prtip/prtip/syn-scan-1k/wall', unit: 'ns', value: 100e6, better: 'smaller', samples: [98e6, 100e6, 102e6] },
        { name: 'prtip/prtip/syn-scan-1k/cpu', unit: 'ns', value: 50e6, better: 'smaller', samples: [50e6, 50e6, 50e6] },
      ],
      data: { floors: {}, runs: [
        { tool: 'prtip', scenario: 'syn-scan-1k', note: '', summary: { user: { mean: 30e6 }, sys: { mean: 20e6 }, exitCodes: { '0': 2, 'signal 9': 1 } }, warnings: [] },
        { tool: 'masscan', scenario: 'syn-scan-1k', note: 'failed', summary: null, warnings: [] },
      ] },
    };
    const { results } = hyperfineExport(benchResult([prtip]));
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ command: 'prtip syn-scan-1k', times: [0.098, 0.1, 0.102], median: 0.1, min: 0.098, max: 0.102, user: 0.03, system: 0.02, exit_codes: [0, 0, null], parameters: { tool: 'prtip', scenario: 'syn-scan-1k' } });
    expect(results[0]!.mean).toBeCloseTo(0.1, 12);
    expect(results[0]!.stddev).toBeCloseTo(0.002, 12);
  });

  it('terminal tables: numbers right, text left, long text wrapped onto more lines', () => {
    expect(wrapText('aaa bbb ccc dddddddd e', 7)).toEqual(['aaa bbb', 'ccc', 'dddddddd', 'e']);
    const text = formatTable({ title: 'T', columns: ['name', 'n', 'why'], rows: [['a', 1234, 'short'], ['bb', 5, 'one two three four']], notes: ['note'] }, { maxCellWidth: 9 });
    expect(text.split('\n')).toEqual([
      'T',
      'name      n  why',
      '----  -----  -------',
      'a     1,234  short',
      'bb        5  one two',
      '             three',
      '             four',
      '  note',
    ]);
  });

  it('the claims table has every claim, family by family, with the document\'s words, the interval and the band', () => {
    const t = claimsTable(result.claims);
    expect(t.rows.map((r) => r[0])).toEqual(CLAIMS.map((c) => c.id));
    expect(t.columns).toEqual(['id', 'family', 'subject', 'claim', 'source', "the document's words", 'measured', 'interval', 'band', 'verdict', 'why', 'to decide it']);
    const simd = t.rows.find((r) => r[0] === 'checksum-simd-8x')!;
    expect(simd.slice(1, 3)).toEqual(['checksum', 'the work (our floors)']);
    expect(simd[5]).toBe('// 8x faster than scalar loop');
    // the criterion suite did not run: its claims are "cannot tell" with the command that would measure them
    const zeroCopy = result.claims.find((c) => c.id === 'zero-copy-58.8ns-17mpps')!;
    expect(zeroCopy).toMatchObject({ subject: 'prtip-function', verdict: 'cannot-tell' });
    expect(zeroCopy.measureWith).toMatch(/cargo bench -p prtip-network --bench packet_crafting/);
    // the prtip suite ran but judged nothing (no runs): its claims say so
    expect(result.claims.find((c) => c.id === 'whole-syn-1k-98ms')!.measured).toMatch(/prtip suite ran but/);
  });

  it('claims carry their subject in the JSON (schema-checked) and the CSV', async () => {
    const json = JSON.parse(stringifyBenchResult(result)) as BenchResult;
    expect(json.claims.every((c) => ['prtip-function', 'whole-binary', 'the-work'].includes(c.subject))).toBe(true);
    expect(await schemaErrors(json)).toEqual([]);
    const bad = { ...json, claims: [{ ...json.claims[0]!, subject: 'our-kernel' }] };
    expect((await schemaErrors(bad)).join('\n')).toMatch(/subject/);
    const missing = { ...json, claims: [{ ...json.claims[0]!, subject: undefined }] };
    expect((await schemaErrors(JSON.parse(JSON.stringify(missing)))).join('\n')).toMatch(/subject/);
    expect(claimsCsv(result).split('\r\n')[0]).toBe("id,family,subject,claim,source,the document's words,measured,interval,band,verdict,why,to decide it");
  });
});

describe('attribution of a tool\'s CPU at the floors', () => {
  const run = (sendto: number | null, sendmmsg: number, cpuMs: number): CommandResult => ({
    summary: { cpu: { median: cpuMs * 1e6 }, syscalls: { total: 5000, futex: 0, sendto, sendmmsg, recvfrom: 0, recvmmsg: 0, connect: 0, brk: 0, mmap: 0 } },
  }) as unknown as CommandResult;
  const floors = { craftNs: 4, craftFrom: 'c', checksumNs: 5, checksumFrom: 'k', sendNs: 600, sendFrom: 'b', sendtoNs: 2000, sendtoFrom: 't' };

  it('a row per run that sent packets, shares that add up, "other" the rest', () => {
    const rows = attribute([
      { tool: 'nmap', scenario: 'syn-scan-1k', result: run(1000, 0, 40) },
      { tool: 'masscan', scenario: 'syn-scan-1k', result: run(200, 10, 10) },
      { tool: 'prtip', scenario: 'syn-scan-1k', result: run(0, 0, 25) },
      { tool: 'prtip', scenario: 'syn-scan-10k', result: run(null, 0, 25) },
      { tool: 'nmap', scenario: 'failed', result: null },
    ], floors);
    expect(rows.map((r) => `${r.tool} ${r.scenario}`)).toEqual(['nmap syn-scan-1k', 'masscan syn-scan-1k']);
    const nmap = rows[0]!;
    expect(nmap.packets).toBe(1000);
    expect(nmap.shares.crafting).toBeCloseTo(1000 * 4 / 40e6);
    expect(nmap.shares.checksums).toBeCloseTo(1000 * 5 / 40e6);
    // one packet per sendto: the sendto floor
    expect(nmap.shares.sendPath).toBeCloseTo(1000 * 2000 / 40e6);
    const s = nmap.shares;
    expect(s.crafting! + s.checksums! + s.sendPath! + s.other!).toBeCloseTo(1);
    // a tool that used sendmmsg is judged on the batched floor
    expect(rows[1]!.shares.sendPath).toBeCloseTo(210 * 600 / 10e6);
    expect(rows[1]!.via).toBe('200 sendto + 10 sendmmsg');
  });

  it('an unmeasured floor leaves its share and the remainder unknown, never zero', () => {
    const [row] = attribute([{ tool: 'nmap', scenario: 'syn-scan-1k', result: run(1000, 0, 40) }], { ...floors, checksumNs: null });
    expect(row!.shares.checksums).toBeNull();
    expect(row!.shares.other).toBeNull();
    expect(row!.shares.crafting).not.toBeNull();
  });
});

describe('progress', () => {
  const tty = (columns = 80) => {
    const writes: string[] = [];
    return { stream: { isTTY: true, columns, write: (t: string) => writes.push(t) }, writes };
  };

  it('shows only on a TTY and not in CI', () => {
    expect(progressEnabled({ isTTY: true, write: () => true }, {})).toBe(true);
    expect(progressEnabled({ isTTY: false, write: () => true }, {})).toBe(false);
    expect(progressEnabled({ write: () => true }, {})).toBe(false);
    expect(progressEnabled({ isTTY: true, write: () => true }, { CI: 'true' })).toBe(false);
    expect(progressEnabled({ isTTY: true, write: () => true }, { CI: '1' })).toBe(false);
    expect(progressEnabled({ isTTY: true, write: () => true }, { CI: 'false' })).toBe(true);
    const { stream, writes } = tty();
    const quiet = new ProgressLine({ stream: { ...stream, isTTY: false }, env: {} });
    quiet.begin('1/5 counters');
    quiet.update('x', 1, 2);
    quiet.clear();
    expect(writes).toEqual([]);
  });

  it('says what runs, i of n and the elapsed time; throttles; clears', () => {
    let now = 1000;
    const { stream, writes } = tty();
    const line = new ProgressLine({ stream, env: {}, now: () => now, minIntervalMs: 100 });
    line.begin('4/5 batch-size');
    now += 2500;
    line.update('IPv4 batch 64', 3, 12);
    expect(writes.at(-1)).toBe('\r\x1b[2K[4/5 batch-size] IPv4 batch 64 · 3 of 12 · 2.5 s');
    const count = writes.length;
    now += 10;
    line.update('IPv4 batch 100', 4, 12);
    expect(writes.length).toBe(count);
    now += 10;
    line.update('IPv6 batch 1024', 12, 12);
    expect(writes.at(-1)).toContain('12 of 12 · 2.5 s');
    line.clear();
    expect(writes.at(-1)).toBe('\r\x1b[2K');
    expect(line.format('m', undefined, undefined, 125_000)).toBe('[4/5 batch-size] m · 2 min 5 s');
  });

  it('never writes a line wider than the terminal', () => {
    const { stream, writes } = tty(40);
    const line = new ProgressLine({ stream, env: {} });
    line.begin('x');
    line.update('a'.repeat(200));
    expect(writes.at(-1)!.replace('\r\x1b[2K', '').length).toBeLessThanOrEqual(39);
  });
});

describe('Ctrl-C', () => {
  const entry = 'dist/bench/index.js';
  it.each([['SIGINT', 130, 'Ctrl-C'], ['SIGTERM', 143, 'SIGTERM']] as const)('%s stops cleanly, exits %i, and still writes a valid result marking the run interrupted', async (signal, exitCode, said) => {
    expect(existsSync(entry), `${entry} is missing: run "npm run build:ts" (npm test does)`).toBe(true);
    const out = mkdtempSync(join(tmpdir(), 'prtip-sigint-'));
    const child = spawn(process.execPath, [entry, '--quick', '--suite', 'counters', '--suite', 'checksum', '--out', out], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: '1' } });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
    // Interrupt once the suites are running (the header line comes right before the first suite).
    const deadline = Date.now() + 20_000;
    while (!output.includes('machine:') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 300));
    child.kill(signal);
    const code = await Promise.race([exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 30_000))]);
    if (code === 'hung') child.kill('SIGKILL');
    expect(code, output).toBe(exitCode);
    expect(output).toContain(signal === 'SIGINT' ? 'interrupted' : 'got SIGTERM');
    const json = JSON.parse(readFileSync(join(out, 'bench.json'), 'utf8')) as BenchResult;
    expect(await schemaErrors(json)).toEqual([]);
    expect(json.interrupted).toBe(true);
    expect(json.suites.map((s) => s.suite)).toEqual(['counters', 'checksum']);
    // Where the signal lands depends on timing (the counters suite's synchronous tinybench
    // loop may hold it until it finishes): the next suite is either not started or stopped.
    const second = json.suites[1]!;
    const marked = second.status === 'ok' ? second.warnings.join('\n') : (second.reason ?? '');
    expect(marked).toMatch(new RegExp(`^not run: interrupted by ${said}$|interrupted`));
    expect(['ok', 'failed']).toContain(json.suites[0]!.status);
    expect(existsSync(join(out, 'bench.html'))).toBe(true);
  }, 60_000);
});
