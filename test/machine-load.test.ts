/**
 * The machine-state guard of the cross-run gate (issue 21): forks of one invocation share its
 * machine state, so when other work took a quarter of a core more in one run than in the other,
 * in-process metrics are "cannot tell across runs" and never gated; exact counts stay judged.
 * And the meter's parsing of /proc/stat and /proc/self/stat, on fixtures.
 */
import { describe, expect, it } from 'vitest';
import { compareResults, MACHINE_LOAD_DIFFERENCE_CORES, machineLoadWhy, regressionsBeyond } from '../src/analyse/baseline.js';
import { machineInfo } from '../src/measure/machine.js';
import { coresBetween, MachineLoadMeter, parseOwnTicks, parseProcStat } from '../src/measure/machine-load.js';
import { BENCH_RESULT_VERSION, type BenchResult, type MachineLoad, type Metric } from '../src/model/result.js';

const machine = await machineInfo();

/** A metric measured in 5 forks with the given medians (±1 % inside each). */
function forked(name: string, medians: number[], deterministic = false): Metric {
  const forks = medians.map((m, i) => ({ fork: i, median: m, n: 3, min: m * 0.99, max: m * 1.01, envPadBytes: i, heapPadBytes: 64 * i, samples: [m * 0.99, m, m * 1.01] }));
  const sorted = [...medians].sort((a, b) => a - b);
  return { name, unit: 'ns/op', better: 'smaller', value: sorted[sorted.length >> 1]!, samples: forks.flatMap((f) => f.samples), forks, ...(deterministic ? { deterministic: true } : {}) };
}

function run(metrics: Metric[], load?: Partial<MachineLoad>): BenchResult {
  return {
    kind: 'prtip-perf/bench-result', version: BENCH_RESULT_VERSION, startedAt: '2026-01-01T00:00:00.000Z', durationMs: 1,
    options: { quick: true, suites: ['checksum'], prtip: null }, interrupted: false, machine,
    ...(load ? { machineLoad: { cpus: 2, otherCores: 0, ownCores: 1, loadavgStart: 1, loadavgEnd: 1, suites: {}, ...load } } : {}),
    suites: [{ suite: 'checksum', title: 'C', status: 'ok', durationMs: 1, tables: [], metrics, claims: [], warnings: [] }], claims: [],
  };
}

const same = [100, 101, 99, 100, 100];
const slower = same.map((x) => x * 1.1);

describe('the cross-run gate and the machine state', () => {
  it('a 10 % slowdown on forked metrics is regressed and gated when both runs had the machine to themselves', () => {
    const c = compareResults(run([forked('checksum/scalar16/1500B', same)], { otherCores: 0.02 }), run([forked('checksum/scalar16/1500B', slower)], { otherCores: 0.05 }), 'aa', { gatePct: 5 });
    expect(c.rows[0]!.verdict).toBe('regressed');
    expect(regressionsBeyond(c, 5)).toHaveLength(1);
  });

  it('the same slowdown with other work on one core in one run is "cannot tell across runs", never gated, and says why', () => {
    const c = compareResults(run([forked('checksum/empty/65536B', same)], { otherCores: 0.98 }), run([forked('checksum/empty/65536B', slower)], { otherCores: 0.03 }), 'busy', { gatePct: 5 });
    const r = c.rows[0]!;
    expect([r.verdict, r.crossRun]).toEqual(['cannot tell', 'machine-differs']);
    expect(r.changePct).toBeCloseTo(10, 0); // the change is still shown
    expect(r.crossRunWhy).toMatch(/busier during the baseline run: other work used 0\.98 of 2 cores while checksum ran, against 0\.03/);
    expect(regressionsBeyond(c, 5)).toHaveLength(0);
  });

  it('judges each suite by the load while it ran, when the runs recorded it', () => {
    const base = run([forked('m', same)], { otherCores: 0.3, suites: { checksum: 0.01 } });
    expect(machineLoadWhy(base, run([forked('m', same)], { otherCores: 0.0, suites: { checksum: 0.02 } }), 'checksum')).toBeNull();
    expect(machineLoadWhy(base, run([forked('m', same)], { otherCores: 0.0, suites: { checksum: 0.01 + MACHINE_LOAD_DIFFERENCE_CORES } }), 'checksum')).toMatch(/busier during the current run/);
  });

  it('exact counts stay judged whatever the load: the same code repeats the same count', () => {
    const base = run([forked('instructions', [1000, 1000, 1000, 1000, 1000], true)], { otherCores: 1.0 });
    const cur = run([forked('instructions', [1100, 1100, 1100, 1100, 1100], true)], { otherCores: 0.0 });
    expect(compareResults(base, cur, 'exact').rows[0]!.verdict).toBe('regressed');
  });

  it('a run that did not record its load is judged as before, with a warning that the state is unknown', () => {
    const c = compareResults(run([forked('m', same)]), run([forked('m', slower)], { otherCores: 0 }), 'old');
    expect(c.rows[0]!.verdict).toBe('regressed');
    expect(c.machineWarnings.join('\n')).toMatch(/the baseline did not record how busy the machine was/);
  });
});

describe('the machine-load meter', () => {
  it('reads busy ticks (user, nice, system, irq, softirq, steal) and the CPU count from /proc/stat', () => {
    const text = 'cpu  100 5 50 1000 7 3 2 40 0 0\ncpu0 50 2 25 500 3 1 1 20 0 0\ncpu1 50 3 25 500 4 2 1 20 0 0\nintr 1 2 3\n';
    expect(parseProcStat(text)).toEqual({ busyTicks: 100 + 5 + 50 + 3 + 2 + 40, cpus: 2 });
    expect(() => parseProcStat('intr 1\n')).toThrow(RangeError);
  });

  it('reads utime, stime, cutime and cstime of a stat line whose name holds spaces and parentheses', () => {
    const line = '1234 (node (a) b) S 1 1234 1234 0 -1 4194304 100 0 0 0 70 30 5 15 20 0 11 0 1000 100000 2000';
    expect(parseOwnTicks(line)).toBe(70 + 30 + 5 + 15);
  });

  it('other work = all busy CPU minus our own, in cores, never below 0 or above the CPU count', () => {
    const a = { atMs: 0, busyTicks: 1000, ownTicks: 500, cpus: 2 };
    expect(coresBetween(a, { atMs: 1000, busyTicks: 1150, ownTicks: 550, cpus: 2 })).toEqual({ otherCores: 1, ownCores: 0.5 });
    expect(coresBetween(a, { atMs: 1000, busyTicks: 1010, ownTicks: 600, cpus: 2 }).otherCores).toBe(0);
  });

  it('measures this machine: per suite and for the run, within 0 … cpus; a suite under a second keeps the run\'s figure', () => {
    const meter = new MachineLoadMeter();
    meter.beginSuite();
    meter.endSuite('instant'); // a skipped suite: 10 ms ticks say nothing over a millisecond
    meter.beginSuite();
    let x = 0;
    for (const end = Date.now() + 1100; Date.now() < end;) x += Math.sqrt(x + 1);
    meter.endSuite('spin');
    const load = meter.finish()!;
    expect(x).toBeGreaterThan(0);
    expect(load.cpus).toBeGreaterThanOrEqual(1);
    expect(load.suites['instant']).toBeUndefined();
    for (const v of [load.otherCores, load.ownCores, load.suites['spin']!]) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(load.cpus);
    }
  });
});
