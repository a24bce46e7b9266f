import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { benchCommand } from '../bench/index.js';
import {
  DEFAULT_NOISE_THRESHOLD_PCT, bootstrapChangeInterval, changeVerdict, compareResults, comparisonTable, listBaselines, loadBaseline, regressionsBeyond, saveBaseline, tooNoisyToGate, verdictCounts,
} from '../src/analyse/baseline.js';
import { machineInfo } from '../src/measure/machine.js';
import { parseBenchResult, stringifyBenchResult } from '../src/model/json.js';
import { BENCH_RESULT_VERSION, type BenchResult, type ForkSummary, type Metric } from '../src/model/result.js';
import { seededRandom } from '../src/core/stats.js';
import { DEFAULT_FORKS } from '../bench/index.js';

const machine = await machineInfo();

/** n samples around `center` with ±spread relative noise (deterministic). */
function samples(center: number, spread = 0.01, n = 60, seed = 1): number[] {
  let s = seed;
  const rand = (): number => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  return Array.from({ length: n }, () => center * (1 + spread * (rand() + rand() + rand() - 1.5)));
}

/**
 * A metric measured in 5 forks of 12 samples each: the cross-run gate judges only metrics
 * with processes of their own (samples of one invocation are one replicate across invocations).
 */
function metric(name: string, center: number, better: Metric['better'], seed: number, spread = 0.01): Metric {
  const xs = samples(center, spread, 60, seed);
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = (ys: number[]): number => { const o = [...ys].sort((a, b) => a - b); return (o[5]! + o[6]!) / 2; };
  const forks: ForkSummary[] = Array.from({ length: 5 }, (_, i) => {
    const part = xs.slice(12 * i, 12 * i + 12);
    return { fork: i, median: mid(part), n: 12, min: Math.min(...part), max: Math.max(...part), envPadBytes: i, heapPadBytes: 64 * i, samples: part };
  });
  return { name, unit: better === 'smaller' ? 'ns/op' : 'pps', value: (sorted[29]! + sorted[30]!) / 2, better, samples: xs, forks };
}

function run(metrics: Metric[]): BenchResult {
  return {
    kind: 'prtip-perf/bench-result', version: BENCH_RESULT_VERSION, startedAt: '2026-01-01T00:00:00.000Z', durationMs: 1,
    options: { quick: true, suites: ['s'], prtip: null }, interrupted: false, machine,
    // A quiet machine in every synthetic run: the guard for a busier one has its own tests (machine-load.test.ts).
    machineLoad: { cpus: 2, otherCores: 0.02, ownCores: 1, loadavgStart: 1, loadavgEnd: 1, suites: {} },
    suites: [{ suite: 's', title: 'S', status: 'ok', durationMs: 1, tables: [], metrics, claims: [], warnings: [] }], claims: [],
  };
}

// The baseline and today's run: each metric moved in a way that has one right verdict.
const baseline = run([
  metric('slower-ns', 100, 'smaller', 1), // 20% slower now → regressed
  metric('faster-ns', 100, 'smaller', 2), // 20% faster now → improved
  metric('more-pps', 1e6, 'bigger', 3), // 20% more pps → improved
  metric('fewer-pps', 1e6, 'bigger', 4), // 20% fewer pps → regressed
  metric('tiny-shift', 100, 'smaller', 5), // +1%: inside the 5% noise threshold → no change
  metric('noisy', 100, 'smaller', 6, 0.6), // +5% on ±60% noise: not significant → no change
  metric('dropped', 1, 'smaller', 7), // gone now → missing
  { name: 'single', unit: 'ms', value: 10, better: 'smaller', samples: [10] }, // one sample a side: never gated
]);
const current = run([
  metric('slower-ns', 120, 'smaller', 11),
  metric('faster-ns', 80, 'smaller', 12),
  metric('more-pps', 1.2e6, 'bigger', 13),
  metric('fewer-pps', 0.8e6, 'bigger', 14),
  metric('tiny-shift', 101, 'smaller', 15),
  metric('noisy', 105, 'smaller', 16, 0.6),
  metric('added', 3, 'smaller', 17),
  { name: 'single', unit: 'ms', value: 13, better: 'smaller', samples: [13] },
]);
const comparison = compareResults(baseline, current, 'synthetic');
const row = (name: string) => comparison.rows.find((r) => r.name === name)!;

describe('comparing with a baseline', () => {
  it('gives each metric the right verdict, respecting `better`', () => {
    expect(row('slower-ns').verdict).toBe('regressed');
    expect(row('faster-ns').verdict).toBe('improved');
    expect(row('more-pps').verdict).toBe('improved');
    expect(row('fewer-pps').verdict).toBe('regressed');
    expect(row('tiny-shift').verdict).toBe('no change');
    expect(row('noisy').verdict).toBe('no change');
    expect(row('added').verdict).toBe('new');
    expect(row('dropped').verdict).toBe('missing');
    expect(row('single').verdict).toBe('cannot tell');
    expect(row('single').crossRun).toBe('never');
    expect(verdictCounts(comparison)).toEqual({ improved: 2, regressed: 2, 'no change': 2, 'too noisy': 0, 'cannot tell': 1, new: 1, missing: 1 });
  });

  it('reports change %, a confidence interval around it and a p-value', () => {
    const r = row('slower-ns');
    expect(r.changePct).toBeGreaterThan(17);
    expect(r.changePct).toBeLessThan(23);
    expect(r.ci![0]).toBeLessThanOrEqual(r.changePct!);
    expect(r.ci![1]).toBeGreaterThanOrEqual(r.changePct!);
    expect(r.ci![0]).toBeGreaterThan(10);
    expect(r.p).toBeLessThan(1e-6);
    const noisy = row('noisy');
    expect(noisy.p).toBeGreaterThan(0.05);
    expect(noisy.ci![0]).toBeLessThan(0);
    expect(noisy.ci![1]).toBeGreaterThan(0);
    expect(row('single').p).toBeNull();
    expect(row('single').ci).toBeNull();
    expect(row('single').changePct).toBeCloseTo(30, 9);
  });

  it('the noise threshold is adjustable', () => {
    const strict = compareResults(baseline, current, 'synthetic', { noiseThresholdPct: 0.1 });
    expect(strict.rows.find((r) => r.name === 'tiny-shift')!.verdict).toBe('regressed');
    const lax = compareResults(baseline, current, 'synthetic', { noiseThresholdPct: 25 });
    expect(lax.rows.find((r) => r.name === 'slower-ns')!.verdict).toBe('no change');
  });

  it('changeVerdict: threshold, significance and direction', () => {
    expect(changeVerdict(5, 0.001, 'smaller', 2, 0.05)).toBe('regressed');
    expect(changeVerdict(5, 0.001, 'bigger', 2, 0.05)).toBe('improved');
    expect(changeVerdict(-5, null, 'smaller', 2, 0.05)).toBe('improved');
    expect(changeVerdict(5, 0.2, 'smaller', 2, 0.05)).toBe('no change');
    expect(changeVerdict(1.9, 0, 'smaller', 2, 0.05)).toBe('no change');
    // criterion's rule: the interval, not only the point estimate, must clear the threshold.
    expect(changeVerdict(5, 0.001, 'smaller', 2, 0.05, [1.5, 8.5])).toBe('no change');
    expect(changeVerdict(5, 0.001, 'smaller', 2, 0.05, [2.5, 8.5])).toBe('regressed');
    expect(changeVerdict(-5, 0.001, 'smaller', 2, 0.05, [-8.5, -2.5])).toBe('improved');
    expect(changeVerdict(-5, 0.001, 'smaller', 2, 0.05, [-8.5, -1.5])).toBe('no change');
  });

  it('the bootstrap interval is deterministic and needs two samples a side', () => {
    const a = samples(100, 0.02, 500, 3), b = samples(110, 0.02, 500, 4);
    const ci = bootstrapChangeInterval(a, b);
    expect(ci).toEqual(bootstrapChangeInterval(a, b));
    expect(ci![0]).toBeGreaterThan(8);
    expect(ci![1]).toBeLessThan(12);
    expect(bootstrapChangeInterval([1], [1, 2])).toBeNull();
  });

  it('the gate picks regressions at or beyond PCT; the table shows all of it', () => {
    expect(regressionsBeyond(comparison, 15).map((r) => r.name).sort()).toEqual(['fewer-pps', 'slower-ns']);
    expect(regressionsBeyond(comparison, 25).map((r) => r.name)).toEqual([]);
    expect(regressionsBeyond(comparison, 50)).toEqual([]);
    const t = comparisonTable(comparison);
    expect(t.columns).toEqual(['metric', 'unit', 'better', 'baseline', 'now', 'change', '95% CI', 'p', 'processes', 'noise', 'verdict']);
    expect(t.rows.find((r) => r[0] === 'slower-ns')![10]).toBe('regressed');
    expect(String(t.rows.find((r) => r[0] === 'slower-ns')![5])).toMatch(/^\+\d+\.\d%$/);
  });

  it('across invocations, whole-binary runs of one invocation a side are "cannot tell", never gated, and the table says compare can judge them', () => {
    // As the issue measured on identical code: 48 runs a side, one invocation each, +15% apart.
    const runs = (center: number, seed: number): Metric => ({ name: 'prtip/prtip/syn-scan-1k/cpu', unit: 'ns', value: center, better: 'smaller', samples: samples(center, 0.05, 48, seed) });
    const cost = (v: number): Metric => ({ name: 'prtip/runner/counting-cost', unit: 'ratio', value: v, better: 'smaller', samples: [v] });
    const c = compareResults(run([runs(60e6, 1), cost(0.05), metric('in-process', 100, 'smaller', 2)]),
      run([runs(69e6, 2), cost(-0.06), metric('in-process', 110, 'smaller', 3)]), 'aa', { gatePct: 10 });
    const whole = c.rows.find((r) => r.name.endsWith('/cpu'))!;
    expect(whole).toMatchObject({ verdict: 'cannot tell', crossRun: 'compare-only', p: null, ci: null });
    expect(c.rows.find((r) => r.name.endsWith('counting-cost'))).toMatchObject({ verdict: 'cannot tell', crossRun: 'never' });
    // The in-process metric keeps its sensitivity: +10% over 5 forks a side is still a regression.
    expect(c.rows.find((r) => r.name === 'in-process')!.verdict).toBe('regressed');
    expect(regressionsBeyond(c, 5).map((r) => r.name)).toEqual(['in-process']);
    expect(tooNoisyToGate(c, 5)).toEqual([]);
    const t = comparisonTable(c);
    expect(t.notes!.join('\n')).toMatch(/only `prtip-perf compare OLD_PRTIP NEW_PRTIP` .* can judge them: prtip\/prtip\/syn-scan-1k\/cpu/);
    expect(t.notes!.join('\n')).toMatch(/never gated .*counting-cost/);
    expect(t.rows.find((r) => r[0] === 'prtip/prtip/syn-scan-1k/cpu')![10]).toMatch(/cannot tell across runs/);
  });

  it('warns when the machines differ', () => {
    const other = structuredClone(baseline);
    other.machine.cpu.model = 'Some Other CPU';
    other.options.quick = false;
    const c = compareResults(other, current, 'other');
    expect(c.machineWarnings.join('\n')).toMatch(/CPU differs/);
    expect(c.machineWarnings.join('\n')).toMatch(/--quick/);
  });
});

/** A metric measured in forks: one median per process (and a few samples around it). */
function forked(name: string, medians: number[], better: Metric['better'] = 'smaller'): Metric {
  const forks: ForkSummary[] = medians.map((m, i) => ({ fork: i, median: m, n: 3, min: m * 0.99, max: m * 1.01, envPadBytes: i, heapPadBytes: 64 * i, samples: [m * 0.99, m, m * 1.01] }));
  const sorted = [...medians].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return { name, unit: 'ns/op', better, value: sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2, samples: forks.flatMap((f) => f.samples), forks };
}

describe('comparisons between processes', () => {
  // Each trial is one metric in a baseline and a current run; the between-process noise σ
  // is known (log-normal, 4%), and the current run is shifted by a known amount.
  const simulate = (forks: number, shift: number, options: { noiseThresholdPct: number }): { flagged: number; regressed: number } => {
    const random = seededRandom(`simulation-${forks}-${shift}`);
    const normal = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    const sigma = 0.04, trials = 2000;
    const draw = (by: number): number[] => Array.from({ length: forks }, () => 100 * Math.exp(by + sigma * normal()));
    const base: Metric[] = [], cur: Metric[] = [];
    for (let t = 0; t < trials; t++) {
      base.push(forked(`m${t}`, draw(0)));
      cur.push(forked(`m${t}`, draw(shift)));
    }
    const c = compareResults(run(base), run(cur), 'sim', { resamples: 100, ...options });
    const count = (pick: (v: string) => boolean): number => c.rows.filter((r) => pick(r.verdict)).length / trials;
    return { flagged: count((v) => v === 'regressed' || v === 'improved'), regressed: count((v) => v === 'regressed') };
  };

  it('simulation, the test alone (no noise threshold): false positives ≤ 5% at α = 0.05 and a 3σ shift is found ≥ 90% of the time', () => {
    for (const forks of [DEFAULT_FORKS.quick, DEFAULT_FORKS.full]) {
      const sigma = 0.04;
      expect(simulate(forks, 0, { noiseThresholdPct: 0 }).flagged, `${forks} forks: false-positive rate`).toBeLessThanOrEqual(0.05);
      expect(simulate(forks, 3 * sigma, { noiseThresholdPct: 0 }).regressed, `${forks} forks: detection of a 3σ shift`).toBeGreaterThanOrEqual(0.9);
    }
  }, 120_000);

  it('simulation, with the default noise threshold: the interval must clear it, so false positives fall and a shift of threshold + 3σ is still found ≥ 90%', () => {
    for (const forks of [DEFAULT_FORKS.quick, DEFAULT_FORKS.full]) {
      const sigma = 0.04, threshold = DEFAULT_NOISE_THRESHOLD_PCT;
      const none = simulate(forks, 0, { noiseThresholdPct: threshold }).flagged;
      expect(none, `${forks} forks: false-positive rate`).toBeLessThanOrEqual(0.01);
      // Right at the threshold, half the point estimates lie beyond it, but the interval rarely clears it.
      expect(simulate(forks, Math.log1p(threshold / 100), { noiseThresholdPct: threshold }).regressed, `${forks} forks: a change of exactly the threshold`).toBeLessThanOrEqual(0.05);
      const big = Math.log1p(threshold / 100) + 3 * sigma;
      expect(simulate(forks, big, { noiseThresholdPct: threshold }).regressed, `${forks} forks: threshold + 3σ`).toBeGreaterThanOrEqual(0.9);
    }
  }, 120_000);

  it('overdispersion: when each run moves each metric beyond what its processes say, λ says so (a diagnostic, the rows stay as they are)', () => {
    const random = seededRandom('overdispersion');
    const normal = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    const sigma = 0.01, runEffect = 0.03, metrics = 300, forks = 5;
    const side = (effect: () => number): Metric[] => Array.from({ length: metrics }, (_, t) => {
      const shift = effect();
      return forked(`m${t}`, Array.from({ length: forks }, () => 100 * Math.exp(shift + sigma * normal())));
    });
    const withRunState = compareResults(run(side(() => runEffect * normal())), run(side(() => runEffect * normal())), 'od', { noiseThresholdPct: 0 });
    expect(withRunState.overdispersion!.lambda).toBeGreaterThan(4);
    expect(withRunState.machineWarnings.join(' ')).toMatch(/scatter .* more .* than their processes predict/);
    const clean = compareResults(run(side(() => 0)), run(side(() => 0)), 'od', { noiseThresholdPct: 0 });
    expect(clean.overdispersion!.lambda).toBeLessThan(1.5);
    expect(clean.machineWarnings.join(' ')).not.toMatch(/scatter/);
    // A change common to every metric is a change, not scatter.
    const shifted = compareResults(run(side(() => 0)), run(side(() => 0.1)), 'od', { noiseThresholdPct: 0 });
    expect(shifted.overdispersion!.lambda).toBeLessThan(1.5);
    // Too few tested metrics to estimate it.
    expect(compareResults(run(side(() => 0).slice(0, 10)), run(side(() => 0).slice(0, 10)), 'od').overdispersion).toBeNull();
  });

  it('uses the fork medians, not the pooled samples: tight processes that disagree are not a change', () => {
    // Every process is precise (±1%), but the processes differ by ±20%: the same code.
    const a = forked('layout', [80, 120, 100, 90, 110]), b = forked('layout', [118, 82, 101, 112, 88]);
    const c = compareResults(run([a]), run([b]), 'aa');
    expect(c.rows[0]!.verdict).toBe('no change');
    expect(c.rows[0]!.processes).toEqual({ baseline: 5, current: 5 });
    expect(c.rows[0]!.noisePct).toBeGreaterThan(10);
  });

  it('a metric noisier than the gate is "too noisy to gate", never a gate failure', () => {
    const base = forked('noisy', [100, 130, 80, 115, 90]), cur = forked('noisy', [300, 390, 240, 345, 270]);
    const quiet = forked('quiet', [100, 101, 99, 100, 100]), quietSlower = forked('quiet', [150, 151, 149, 150, 150]);
    const c = compareResults(run([base, quiet]), run([cur, quietSlower]), 'gate', { gatePct: 10 });
    const noisy = c.rows.find((r) => r.name === 'noisy')!;
    expect(noisy.verdict).toBe('too noisy');
    expect(comparisonTable(c).rows.find((r) => r[0] === 'noisy')![10]).toBe('too noisy to gate at 10%');
    expect(regressionsBeyond(c, 10).map((r) => r.name)).toEqual(['quiet']);
    expect(tooNoisyToGate(c, 10).map((r) => r.name)).toEqual(['noisy']);
    // Without the gate it is a plain regression, and the gate function still leaves it out.
    const plain = compareResults(run([base, quiet]), run([cur, quietSlower]), 'gate');
    expect(plain.rows.find((r) => r.name === 'noisy')!.verdict).toBe('regressed');
    expect(regressionsBeyond(plain, 10).map((r) => r.name)).toEqual(['quiet']);
  });

  it('notes when the whole machine drifted: every time metric moved together', () => {
    const names = Array.from({ length: 8 }, (_, i) => `k${i}`);
    const base = names.map((n) => forked(n, [100, 101, 99, 100])), cur = names.map((n) => forked(n, [96.5, 97.5, 95.5, 96.5]));
    const c = compareResults(run(base), run(cur), 'drift');
    expect(c.machineWarnings.join('\n')).toMatch(/the machine as a whole ran faster than at the baseline: the median time metric changed by -3\.5%/);
    expect(c.rows.every((r) => r.verdict === 'no change')).toBe(true);
    expect(compareResults(run(base), run(base), 'same').machineWarnings).toEqual([]);
  });

  it('one process a side cannot tell, whatever its samples say', () => {
    const c = compareResults(run([forked('one', [100])]), run([forked('one', [150])]), 'one');
    expect(c.rows[0]!.verdict).toBe('cannot tell');
    expect(c.rows[0]!.p).toBeNull();
  });

  it('rejects an unbounded resample count, naming it', () => {
    expect(() => compareResults(baseline, current, 'x', { resamples: 1e9 })).toThrow(/resamples: expected an integer from 100 to 100000, got 1000000000/);
    expect(() => compareResults(baseline, current, 'x', { gatePct: -1 })).toThrow(/gatePct/);
    expect(() => bootstrapChangeInterval([1, 2], [1, 2], 1e9)).toThrow(/resamples/);
  });
});

describe('baseline files', () => {
  it('an older baseline (before fork summaries) is a clear error saying how to re-create it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'baselines-old-'));
    writeFileSync(join(dir, 'old.json'), stringifyBenchResult(baseline).replace(`"version": ${BENCH_RESULT_VERSION}`, '"version": 1'));
    expect(() => loadBaseline('old', dir)).toThrow(/version 1, saved before per-process \(fork\) summaries existed.*--save-baseline old/);
  });

  it('keeps the per-fork summaries of a saved run', () => {
    const dir = mkdtempSync(join(tmpdir(), 'baselines-forks-'));
    const withForks = run([forked('f', [10, 11, 12])]);
    saveBaseline(withForks, 'forks', dir);
    const back = loadBaseline('forks', dir).suites[0]!.metrics[0]!;
    expect(back.forks).toEqual(withForks.suites[0]!.metrics[0]!.forks);
  });

  it('saves, lists and loads by name; a missing name lists what exists', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'baselines-')), 'nested');
    const file = saveBaseline(baseline, 'main', dir);
    expect(existsSync(file)).toBe(true);
    expect(listBaselines(dir)).toEqual(['main']);
    const back = loadBaseline('main', dir);
    expect(back.suites[0]!.metrics[0]).toEqual(baseline.suites[0]!.metrics[0]);
    expect(() => loadBaseline('mian', dir)).toThrow(/baseline "mian" not found.*have: main; did you mean main\?/);
    expect(() => loadBaseline('x', join(dir, 'none'))).toThrow(/no baselines in .* yet/);
    expect(() => saveBaseline(baseline, '../escape', dir)).toThrow(RangeError);
  });
});

describe('the CI gate end to end (a real counters run against synthetic baselines)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gate-'));
  const quiet = async (argv: string[]): Promise<{ code: number; out: string }> => {
    const lines: string[] = [];
    const log = console.log, err = console.error;
    console.log = (...a: unknown[]) => lines.push(a.join(' '));
    console.error = (...a: unknown[]) => lines.push(a.join(' '));
    try {
      return { code: await benchCommand(argv), out: lines.join('\n') };
    } finally {
      console.log = log;
      console.error = err;
    }
  };

  it('--save-baseline writes a loadable baseline of the run', async () => {
    const { code, out } = await quiet(['--quick', '--suite', 'counters', '--out', join(dir, 'r0'), '--save-baseline', 'real', '--baseline-dir', dir]);
    expect(code).toBe(0);
    expect(out).toMatch(/saved baseline "real"/);
    expect(loadBaseline('real', dir).suites[0]!.suite).toBe('counters');
  }, 60_000);

  it('exits 3 when today is far slower than the baseline, 0 when it is faster, and writes comparison.csv', async () => {
    const real = parseBenchResult(readFileSync(join(dir, 'real.json'), 'utf8'));
    const scaled = (factor: number): BenchResult => {
      const b = structuredClone(real);
      // The gate's mechanics, not the machine-state guard (machine-load.test.ts): on a busy test
      // machine the two runs' loads differ, which would rightly make every metric "cannot tell".
      delete b.machineLoad;
      for (const s of b.suites) for (const m of s.metrics) {
        m.value *= factor;
        m.samples = m.samples.map((x) => x * factor);
        for (const f of m.forks ?? []) {
          f.median *= factor; f.min *= factor; f.max *= factor;
          f.samples = f.samples.map((x) => x * factor);
        }
      }
      return b;
    };
    // Baseline 10× faster than now: every ns/op metric regressed by ~900%.
    writeFileSync(join(dir, 'fast.json'), stringifyBenchResult(scaled(0.1)));
    // Baseline 10× slower: everything improved.
    writeFileSync(join(dir, 'slow.json'), stringifyBenchResult(scaled(10)));

    const bad = await quiet(['--quick', '--suite', 'counters', '--out', join(dir, 'r1'), '--baseline', 'fast', '--baseline-dir', dir, '--fail-on-regression', '50']);
    expect(bad.code).toBe(3);
    expect(bad.out).toMatch(/regression gate: \d+ metric\(s\) regressed by 50% or more against "fast"/);
    expect(readFileSync(join(dir, 'r1', 'comparison.csv'), 'utf8')).toMatch(/,regressed\r\n/);
    expect(readFileSync(join(dir, 'r1', 'bench.md'), 'utf8')).toContain('Against baseline "fast"');

    const good = await quiet(['--quick', '--suite', 'counters', '--out', join(dir, 'r2'), '--baseline', 'slow', '--baseline-dir', dir, '--fail-on-regression', '50']);
    expect(good.code).toBe(0);
    expect(good.out).toMatch(/regression gate: no metric regressed/);
    expect(readFileSync(join(dir, 'r2', 'comparison.csv'), 'utf8')).not.toMatch(/,regressed\r\n/);
  }, 120_000);

  it('a missing baseline is a usage error (exit 2) before anything runs', async () => {
    const { code, out } = await quiet(['--baseline', 'nope', '--baseline-dir', dir]);
    expect(code).toBe(2);
    expect(out).toMatch(/baseline "nope" not found/);
  });
});
