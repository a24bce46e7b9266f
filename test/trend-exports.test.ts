/**
 * The trend-tool exports as those tools read them: github-action-benchmark matches entries by
 * name and alerts on a ratio, Bencher has built-in `latency` (ns) and `throughput` (ops/s)
 * measures and creates any other slug as "Measure (units)". So: unique names, no 0 or negative
 * value in a gated file, times and rates in the built-in measures, every other measure documented.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CALLGRIND_EVENTS, CALLGRIND_SOURCE } from '../src/measure/callgrind.js';
import { bencherMeasure, bencherMetricFormat } from '../src/report/bencher.js';
import { actionBenchmarkArrays, uniquelyNamedMetrics } from '../src/report/github-action-benchmark.js';
import { BENCH_RESULT_VERSION, type BenchResult, type Metric, type SuiteResult } from '../src/model/result.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function suite(name: string, metrics: Metric[]): SuiteResult {
  return { suite: name, title: name, status: 'ok', durationMs: 1, tables: [], metrics, claims: [], warnings: [] };
}
function result(suites: SuiteResult[]): BenchResult {
  return {
    kind: 'prtip-perf/bench-result', version: BENCH_RESULT_VERSION, startedAt: '2026-01-01T00:00:00.000Z', durationMs: 1,
    options: { quick: true, suites: suites.map((s) => s.suite), prtip: null }, interrupted: false, machine: {} as BenchResult['machine'], suites, claims: [],
  };
}
const metric = (name: string, unit: string, value: number, better: 'smaller' | 'bigger' = 'smaller'): Metric => ({ name, unit, value, better, samples: [value, value] });

describe('github-action-benchmark files', () => {
  const r = result([
    suite('checksum', [metric('checksum/incremental/20B', 'ns/op', 5), metric('checksum/incremental/20B', 'ns/op', 5), metric('checksum/table3', 'ns/op', 7), metric('checksum/table3', 'ns/op', 8)]),
    suite('batch-size', [metric('send/user-ns-per-packet', 'ns/packet', 0), metric('send/pps', 'pps', 0, 'bigger'), metric('shared', 'ns', 1)]),
    suite('prtip', [metric('prtip/runner/counting-cost', 'ratio', -0.028), metric('shared', 'ns', 2), metric('nan', 'ns', NaN)]),
  ]);
  const { smaller, bigger, ungated } = actionBenchmarkArrays(r);

  it('every name is unique within and across the files; a metric reported twice is kept once', () => {
    const names = [...smaller, ...bigger, ...ungated].map((e) => e.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names.filter((n) => n.startsWith('checksum/incremental/20B'))).toEqual(['checksum/incremental/20B']);
    expect(names).toEqual(expect.arrayContaining(['checksum/table3', 'checksum/table3 #2', 'shared [batch-size]', 'shared [prtip]']));
  });

  it('no 0 or negative value in the smaller file, no negative one in the bigger; they are ungated with the reason', () => {
    for (const e of smaller) expect(e.value).toBeGreaterThan(0);
    for (const e of bigger) expect(e.value).toBeGreaterThanOrEqual(0);
    expect(ungated.map((e) => e.name).sort()).toEqual(['prtip/runner/counting-cost', 'send/user-ns-per-packet']);
    expect(ungated.find((e) => e.name === 'send/user-ns-per-packet')!.extra).toMatch(/^not gated: 0 in a smaller-is-better series/);
    expect(ungated.find((e) => e.name === 'prtip/runner/counting-cost')!.extra).toMatch(/^not gated: negative \(-0\.028\)/);
    // a throughput of 0 is a real fall (the alert is right), so it stays gated
    expect(bigger.map((e) => e.name)).toEqual(['send/pps']);
    expect([...smaller, ...bigger, ...ungated].some((e) => e.name === 'nan')).toBe(false);
  });

  it('names are the same from run to run for the same suites', () => {
    expect(uniquelyNamedMetrics(r).map((x) => x.name)).toEqual(uniquelyNamedMetrics(r).map((x) => x.name));
  });
});

describe('bencher.json', () => {
  it("times go to Bencher's latency (ns) and rates to throughput (ops/s), converted from ms and Mpps", () => {
    const bmf = bencherMetricFormat(result([suite('s', [
      metric('a', 'ns/op', 42), metric('b', 'ns/packet', 3), metric('c', 'ms', 2), metric('d', 'pps', 1e6, 'bigger'), metric('e', 'Mpps', 1.5, 'bigger'), metric('f', 'B/cycle', 18, 'bigger'),
    ])]));
    expect(bmf).toEqual({
      a: { latency: { value: 42, lower_value: 42, upper_value: 42 } },
      b: { latency: { value: 3, lower_value: 3, upper_value: 3 } },
      c: { latency: { value: 2e6, lower_value: 2e6, upper_value: 2e6 } },
      d: { throughput: { value: 1e6, lower_value: 1e6, upper_value: 1e6 } },
      e: { throughput: { value: 1.5e6, lower_value: 1.5e6, upper_value: 1.5e6 } },
      f: { 'b-cycle': { value: 18, lower_value: 18, upper_value: 18 } },
    });
  });

  it('every measure a suite can write is latency, throughput, or listed in docs/bencher.md (slug ≤ 64 characters)', () => {
    const doc = readFileSync(join(root, 'docs', 'bencher.md'), 'utf8');
    const units = new Set<string>();
    const benchFiles = ['bench', join('bench', 'suites')].flatMap((d) => readdirSync(join(root, d)).filter((f) => f.endsWith('.ts')).map((f) => join(d, f)));
    for (const f of benchFiles) {
      const text = readFileSync(join(root, f), 'utf8');
      for (const m of text.matchAll(/\bunit: '([^']*)'/g)) if (/metrics\.push|Metric/.test(text)) units.add(m[1]!);
    }
    const callgrind = ['instructions/op', 'instructions/packet', 'instructions/packet outside malloc/free', 'instructions/byte'];
    const slugs = [...units].map(bencherMeasure).concat(callgrind.map((u) => bencherMeasure(`${u} (${CALLGRIND_SOURCE})`)));
    for (const e of Object.values(CALLGRIND_EVENTS)) for (const per of ['op', 'packet']) {
      const slug = bencherMeasure(`${e}/${per} (${CALLGRIND_SOURCE})`);
      expect(slug.length).toBeLessThanOrEqual(64);
      expect(doc).toContain(`\`${slug.replace(/-(op|packet)-simulated-by-callgrind$/, '')}`);
    }
    expect(units.has('ns/op')).toBe(true);
    for (const slug of slugs) {
      expect(slug.length, slug).toBeLessThanOrEqual(64);
      if (slug !== 'latency' && slug !== 'throughput') expect(doc, `docs/bencher.md lists ${slug}`).toContain(`\`${slug}\``);
    }
  });
});
