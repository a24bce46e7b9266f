/**
 * Reading prtip's criterion output and judging the builder claims on it. Every criterion
 * directory here is written by the test itself, in criterion 0.5's layout.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { suite as criterionSuite } from '../bench/suites/criterion.bench.js';
import { EXIT, benchCommand, parseBenchArgs } from '../bench/index.js';
import { criterionOption } from '../bench/suite.js';
import { criterionRows, mapCriterionId, readCriterion } from '../src/measure/criterion.js';
import { CRITERION_CLAIMS } from '../src/judge/families/criterion.js';
import { judgeClaim, measurementsOf } from '../src/judge/index.js';
import type { ClaimRow, Metric, SuiteResult } from '../src/model/result.js';

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

interface Fake {
  id: string;
  /** ns per iteration (criterion's slope), or null to leave estimates.json out. */
  ns: number | null;
  elements?: number;
  baseline?: string;
  sample?: boolean;
  /** criterion's 95% interval as ± this fraction of the point (default 2 %). */
  halfWidth?: number;
}

/** A criterion directory with the given benchmarks. */
function criterionDir(benchmarks: Fake[]): string {
  const root = mkdtempSync(join(tmpdir(), 'prtip-perf-criterion-'));
  roots.push(root);
  for (const b of benchmarks) {
    const dir = join(root, ...b.id.split('/'), b.baseline ?? 'new');
    mkdirSync(dir, { recursive: true });
    const [group, ...rest] = b.id.split('/');
    writeFileSync(join(dir, 'benchmark.json'), JSON.stringify({
      group_id: group, function_id: rest.length > 1 ? rest[0] : null, value_str: rest.at(-1), full_id: b.id, directory_name: b.id, title: b.id,
      throughput: b.elements === undefined ? null : { Elements: b.elements },
    }));
    if (b.ns !== null) {
      const hw = b.halfWidth ?? 0.02;
      const est = (x: number) => ({ confidence_interval: { confidence_level: 0.95, lower_bound: x * (1 - hw), upper_bound: x * (1 + hw) }, point_estimate: x, standard_error: x * 0.01 });
      writeFileSync(join(dir, 'estimates.json'), JSON.stringify({ mean: est(b.ns * 1.01), median: est(b.ns), median_abs_dev: est(b.ns * 0.01), slope: est(b.ns), std_dev: est(b.ns * 0.02) }));
    }
    if (b.sample !== false) writeFileSync(join(dir, 'sample.json'), JSON.stringify({ sampling_mode: 'Linear', iters: [1, 2, 3], times: [1, 2, 3].map((i) => i * (b.ns ?? 1)) }));
  }
  return root;
}

/** prtip's crafting benchmarks with the zero-copy builder at `zeroNs` and the old API at `oldNs` per packet. */
function crafting(zeroNs: number, oldNs: number, halfWidth?: number): Fake[] {
  const hw = halfWidth === undefined ? {} : { halfWidth };
  return [
    ...[10, 100, 1000].map((n) => ({ id: `tcp_packet_zero_copy/${n}`, ns: zeroNs * n, elements: n, ...hw })),
    ...[10, 100, 1000].map((n) => ({ id: `tcp_packet_old_api/${n}`, ns: oldNs * n, elements: n, ...hw })),
    { id: 'packet_throughput/zero_copy_1k_packets', ns: zeroNs * 0.8 * 1000 },
    { id: 'packet_throughput/old_api_1k_packets', ns: oldNs * 0.9 * 1000 },
    { id: 'packet_with_options/zero_copy_with_options', ns: zeroNs * 1.2 * 100 },
    { id: 'packet_with_options/old_api_with_options', ns: oldNs * 1.3 * 100 },
    { id: 'sendmmsg_syscall/flush/64', ns: 64 * 160, elements: 64 },
    { id: 'packet_batch/create_and_fill/16', ns: 16 * 14, elements: 16 },
    { id: 'adaptive_batch_sizing/1000', ns: 300 },
  ];
}

function ok(name: string, metrics: Metric[]): SuiteResult {
  return { suite: name, title: name, status: 'ok', durationMs: 1, tables: [], metrics, claims: [], warnings: [] };
}
const metric = (name: string, value: number, unit = 'ns/packet'): Metric => ({ name, unit, value, better: 'smaller', samples: [value] });
/** What the packet-crafting and batch-size suites would have recorded. */
const previous = new Map<string, SuiteResult>([
  ['packet-crafting', ok('packet-crafting', [
    metric('packet-crafting/ipv4-syn-mss/reuse/x1000', 12), metric('packet-crafting/ipv4-syn-mss/template/x1000', 4),
    metric('packet-crafting/ipv4-syn-options/alloc/x1000', 30), metric('packet-crafting/ipv4-syn/reuse/x1000', 10), metric('packet-crafting/ipv4-syn/template/x1000', 3.5),
  ])],
  ['batch-size', ok('batch-size', [metric('batch-size/ipv4/b64/pps', 500_000, 'pps'), metric('batch-size/ipv4-send-path/b64/pps', 2_000_000, 'pps')])],
]);

/** The criterion suite on `dirs[0]`, and the builder claims judged after it on every dir (one criterion run each). */
async function judge(...dirs: string[]): Promise<{ result: SuiteResult; claims: ClaimRow[]; claim: (id: string) => ClaimRow }> {
  const runs = dirs.map((d) => readCriterion(d));
  const result = await criterionSuite.run({ quick: true, signal: new AbortController().signal, progress: () => {}, previous, ...(runs[0] ? { criterion: runs[0] } : {}) });
  const claims = CRITERION_CLAIMS.map((c) => judgeClaim(c, measurementsOf([result], runs)));
  return { result, claims, claim: (id) => claims.find((c) => c.id === id)! };
}

describe('reading criterion output', () => {
  it('reads every benchmark: criterion\'s slope with its interval, throughput and samples', () => {
    const r = readCriterion(criterionDir(crafting(58.8, 68.3)));
    expect(r.warnings).toEqual([]);
    const zero = r.benchmarks.find((b) => b.id === 'tcp_packet_zero_copy/1000')!;
    expect(zero).toMatchObject({ statistic: 'slope', elements: 1000, samples: 3, problems: [] });
    expect(zero.estimate!.point).toBeCloseTo(58_800);
    expect(zero.estimate!.low).toBeCloseTo(58_800 * 0.98);
  });

  it('refuses what is not a criterion directory, naming the option and the commands that make one', () => {
    expect(() => readCriterion('/nonexistent/criterion')).toThrow(/--criterion: "\/nonexistent\/criterion" does not exist.*cargo bench -p prtip-network --bench packet_crafting/);
    const empty = mkdtempSync(join(tmpdir(), 'prtip-perf-criterion-'));
    roots.push(empty);
    expect(() => readCriterion(empty)).toThrow(/--criterion: no criterion benchmark under .* for baseline "new"/);
    expect(() => readCriterion(42)).toThrow(TypeError);
    expect(() => readCriterion(empty, '../etc')).toThrow(/--criterion-baseline: expected/);
    const file = join(empty, 'file');
    writeFileSync(file, 'x');
    expect(() => readCriterion(file)).toThrow(/is not a directory/);
  });

  it('reads a named baseline, and names the baselines there when the one asked for is absent', () => {
    const dir = criterionDir([{ id: 'tcp_packet_zero_copy/1000', ns: 60_000, elements: 1000, baseline: 'phase3' }]);
    expect(readCriterion(dir, 'phase3').benchmarks[0]!.estimate!.point).toBe(60_000);
    expect(() => readCriterion(dir)).toThrow(/baselines there: phase3 \(choose one with --criterion-baseline NAME\)/);
  });

  it('keeps a partial benchmark (a file criterion did not write) with a warning, never a figure it does not have', () => {
    const dir = criterionDir([{ id: 'tcp_packet_zero_copy/1000', ns: null, elements: 1000, sample: false }, { id: 'tcp_packet_old_api/1000', ns: 68_300, elements: 1000 }]);
    writeFileSync(join(dir, 'broken.json'), '{'); // not inside a benchmark: not read
    mkdirSync(join(dir, 'junk', 'new'), { recursive: true });
    const r = readCriterion(dir);
    const zero = r.benchmarks.find((b) => b.id === 'tcp_packet_zero_copy/1000')!;
    expect(zero.estimate).toBeNull();
    expect(zero.problems).toEqual(['estimates.json missing', 'sample.json missing']);
    expect(r.warnings.join('\n')).toMatch(/tcp_packet_zero_copy\/1000 is partial \(estimates.json missing; sample.json missing\): it has no figure and judges nothing/);
  });

  it('refuses a file that is there but not what criterion writes, naming the option, the file and the field', () => {
    const cases: [string, string, RegExp][] = [
      ['benchmark.json', '{not json', /--criterion: .*tcp_packet_old_api\/1000\/new\/benchmark\.json: not valid JSON/],
      ['benchmark.json', '{"full_id": 7}', /benchmark\.json: full_id: expected the benchmark's id \(a non-empty string\), got 7/],
      ['benchmark.json', '{"full_id": "x", "throughput": {"Elements": "many"}}', /benchmark\.json: throughput\.Elements: expected a positive number, got "many"/],
      ['estimates.json', '[]', /estimates\.json: \(top level\): expected an object, got \[\]/],
      ['estimates.json', '{"mean": {"point_estimate": "fast"}}', /estimates\.json: mean\.point_estimate: expected a number, got "fast"/],
      ['estimates.json', '{"mean": {"point_estimate": 5, "confidence_interval": {"lower_bound": "a"}}}', /mean\.confidence_interval\.lower_bound: expected a number/],
      ['sample.json', '{"iters": [1, 2], "times": [1]}', /sample\.json: times: expected an array as long as iters \(2\), got "1 entries"/],
    ];
    for (const [file, text, message] of cases) {
      const dir = criterionDir([{ id: 'tcp_packet_old_api/1000', ns: 68_300, elements: 1000 }]);
      writeFileSync(join(dir, 'tcp_packet_old_api', '1000', 'new', file), text);
      expect(() => readCriterion(dir), `${file}: ${text}`).toThrow(message);
      expect(() => readCriterion(dir), `${file}: ${text}`).toThrow(RangeError);
    }
  });

  it('an absurd or non-finite estimate is a warning and no figure, never a refusal', () => {
    for (const point of ['1e308', '5e-324', '1e309', '-3']) {
      const dir = criterionDir([{ id: 'tcp_packet_old_api/1000', ns: 68_300, elements: 1000 }]);
      writeFileSync(join(dir, 'tcp_packet_old_api', '1000', 'new', 'estimates.json'), `{"mean": {"point_estimate": ${point}}, "slope": null}`);
      const r = readCriterion(dir);
      expect(r.benchmarks[0]!.estimate, point).toBeNull();
      expect(r.warnings.join('\n'), point).toMatch(/tcp_packet_old_api\/1000 is partial \(estimates\.json mean: /);
    }
  });

  it('--criterion / PRTIP_CRITERION / --criterion-baseline', () => {
    const dir = criterionDir(crafting(58.8, 68.3));
    expect(criterionOption([], undefined, {})).toEqual([]);
    expect(criterionOption([], undefined, { PRTIP_CRITERION: dir })[0]!.dir).toBe(dir);
    expect(criterionOption([], undefined, { PRTIP_CRITERION: `${dir}:${dir}` })).toHaveLength(2);
    expect(criterionOption([dir, dir], 'new,new', {})).toHaveLength(4);
    expect(criterionOption([dir], 'new', {})[0]!.benchmarks.length).toBe(13);
    expect(() => criterionOption([], undefined, { PRTIP_CRITERION: '/nope' })).toThrow(/PRTIP_CRITERION: "\/nope" does not exist/);
    expect(() => criterionOption([], 'x', {})).toThrow(/--criterion-baseline needs --criterion DIR/);
    expect(parseBenchArgs(['--criterion', dir, '--criterion-baseline', 'phase3'])).toMatchObject({ criterion: [dir], criterionBaseline: 'phase3' });
    expect(parseBenchArgs(['--criterion', dir, '--criterion', 'b']).criterion).toEqual([dir, 'b']);
  });

  it('bench exits with the usage status on a bad criterion directory, before running anything', async () => {
    const errors: string[] = [];
    const original = console.error;
    console.error = (m: string) => void errors.push(m);
    try {
      expect(await benchCommand(['--criterion', '/nonexistent/criterion', '--suite', 'counters'])).toBe(EXIT.usage);
    } finally {
      console.error = original;
    }
    expect(errors.join('\n')).toMatch(/--criterion: "\/nonexistent\/criterion" does not exist/);
  });
});

describe('mapping prtip\'s benchmarks to the same work', () => {
  it('per packet, per prtip\'s bench source: packets per iteration, options, ours and the floor', () => {
    // prtip's tcp_packet_* SYN carries MSS 1460 alone: reproduced exactly (44 B), at the same packets per call
    expect(mapCriterionId('tcp_packet_old_api/100')).toMatchObject({ packetsPerIteration: 100, ours: { metric: 'packet-crafting/ipv4-syn-mss/alloc/x100', match: 'exact' }, floor: { metric: 'packet-crafting/ipv4-syn-mss/template/x100', match: 'exact' } });
    expect(mapCriterionId('tcp_packet_zero_copy/1000')).toMatchObject({ packetsPerIteration: 1000, ours: { metric: 'packet-crafting/ipv4-syn-mss/reuse/x1000', match: 'exact' } });
    // a count we do not run per call is the nearest group, and says so
    expect(mapCriterionId('tcp_packet_zero_copy/500')).toMatchObject({ ours: { metric: 'packet-crafting/ipv4-syn-mss/reuse/x1000', match: 'nearest', note: expect.stringMatching(/1000 per call, not 500/) } });
    expect(mapCriterionId('packet_throughput/zero_copy_1k_packets')).toMatchObject({ packetsPerIteration: 1000, ours: { metric: 'packet-crafting/ipv4-syn/reuse/x1000', match: 'exact' }, floor: { metric: 'packet-crafting/ipv4-syn/template/x1000' } });
    expect(mapCriterionId('packet_with_options/old_api_with_options')).toMatchObject({ packetsPerIteration: 100, ours: { metric: 'packet-crafting/ipv4-syn-options/alloc/x100', match: 'exact' } });
    expect(mapCriterionId('sendmmsg_syscall/flush/32')).toMatchObject({ packetsPerIteration: 32, ours: { metric: 'batch-size/ipv4-send-path/b32/pps', unit: 'pps' }, floor: null });
    expect(mapCriterionId('packet_batch/reuse_with_clear/512')).toMatchObject({ packetsPerIteration: 512, ours: { match: 'nearest' } });
    expect(mapCriterionId('adaptive_batch_sizing/1000')).toBeNull();
  });

  it('side by side: prtip\'s figure and interval, ours, the floor and the headroom', () => {
    const r = readCriterion(criterionDir(crafting(58.8, 68.3)));
    const metrics = new Map([...previous.values()].flatMap((s) => s.metrics.map((m) => [m.name, m] as const)));
    const { rows, unmapped } = criterionRows(r, metrics);
    expect(unmapped).toEqual(['adaptive_batch_sizing/1000']);
    const zero = rows.find((x) => x.id === 'tcp_packet_zero_copy/1000')!;
    expect(zero.prtipNs).toBeCloseTo(58.8);
    expect(zero.prtipLowNs).toBeCloseTo(58.8 * 0.98);
    expect(zero).toMatchObject({ oursNs: 12, floorNs: 4, match: 'exact' });
    expect(zero.headroom).toBeCloseTo(58.8 / 4);
    const flush = rows.find((x) => x.id === 'sendmmsg_syscall/flush/64')!;
    expect(flush.prtipNs).toBeCloseTo(160);
    expect(flush.oursNs).toBeCloseTo(500);
    // AF_PACKET frames skip the IP stack: no floor here, so no headroom rather than a wrong one
    expect(flush.floorNs).toBeNull();
    expect(flush.headroom).toBeNull();
    // nothing of ours at 10 per call in this fake run: said, not invented
    const ten = rows.find((x) => x.id === 'tcp_packet_zero_copy/10')!;
    expect(ten.oursNs).toBeNull();
    expect(ten.ours).toMatch(/not measured/);
  });
});

describe('the builder claims, judged after the suites on prtip\'s numbers read from criterion directories', () => {
  it('one run at 58.8 / 68.3 ns: the figures hold; "15 % faster" stays open (one run cannot confirm it)', async () => {
    const { result, claim } = await judge(criterionDir(crafting(58.8, 68.3)));
    expect(result.status).toBe('ok');
    expect(result.claims).toEqual([]);
    expect(claim('zero-copy-58.8ns-17mpps')).toMatchObject({ subject: 'prtip-function', verdict: 'holds' });
    expect(claim('zero-copy-58.8ns-17mpps').measured).toMatch(/run 1 tcp_packet_zero_copy\/1000 58\.8 ns .*±10 % run-to-run allowance added/);
    expect(claim('old-api-68.3ns-14.6mpps').verdict).toBe('holds');
    expect(claim('zero-copy-15pct-faster').verdict).toBe('cannot-tell');
    expect(claim('zero-copy-15pct-faster').measureWith).toMatch(/--save-baseline runN/);
    // prtip v0.5.9 has no tcp_syn_packet: its SYN builder's bench (old API) is the same function, far from 850 ns
    expect(claim('tcp-syn-packet-850ns')).toMatchObject({ verdict: 'does-not-hold' });
    expect(claim('tcp-syn-packet-850ns').measured).toMatch(/tcp_packet_old_api\/1000/);
    // no UDP benchmark: the TCP ones are not its subject
    expect(claim('udp-packet-620ns').verdict).toBe('cannot-tell');
    expect(result.tables[0]!.rows.length).toBe(12);
    expect(result.data!['criterion']).toHaveLength(12);
  });

  it('three criterion runs that agree confirm "15 % faster"', async () => {
    const dirs = [0, 0.005, -0.005].map((f) => criterionDir(crafting(58.8 * (1 + f), 68.3 * (1 - f), 0.005)));
    const { claim } = await judge(...dirs);
    expect(claim('zero-copy-15pct-faster').verdict).toBe('holds');
    expect(claim('zero-copy-58.8ns-17mpps').verdict).toBe('holds');
  });

  it('58.8 ns does not hold when prtip\'s criterion says 250 ns', async () => {
    const { claim } = await judge(criterionDir(crafting(250, 300)));
    expect(claim('zero-copy-58.8ns-17mpps').verdict).toBe('does-not-hold');
    expect(claim('zero-copy-58.8ns-17mpps').reason).toMatch(/lies wholly outside .* widened by its margin/);
    expect(claim('zero-copy-58.8ns-17mpps').measureWith).toBeUndefined();
  });

  it('borderline: 50.3 ns in one run is "cannot tell", saying what would decide it', async () => {
    const { claim } = await judge(criterionDir(crafting(50.3, 68.5, 0.002)));
    const c = claim('zero-copy-58.8ns-17mpps');
    expect(c.verdict).toBe('cannot-tell');
    expect(c.measureWith).toMatch(/several times on a quiet machine.*--save-baseline runN/);
    expect(claim('old-api-68.3ns-14.6mpps').verdict).toBe('holds');
  });

  it('stable: across one-run figures spread by ±10 %, no claim is "holds" in one and "does not hold" in another', async () => {
    const verdicts = new Map<string, Set<string>>();
    for (let zero = 52.9; zero <= 64.7; zero += 0.4) {
      const { claims } = await judge(criterionDir(crafting(zero, 68.3, 0.01)));
      for (const c of claims) verdicts.set(c.id, (verdicts.get(c.id) ?? new Set()).add(c.verdict));
    }
    for (const [id, v] of verdicts) expect(v.has('holds') && v.has('does-not-hold'), `${id}: ${[...v].join(', ')}`).toBe(false);
  });

  it('"15 % faster" does not hold when the saving is far from 15 %', async () => {
    const { claim } = await judge(criterionDir(crafting(40, 68.3)));
    expect(claim('zero-copy-15pct-faster').verdict).toBe('does-not-hold');
    expect(claim('zero-copy-15pct-faster').measured).toMatch(/zero-copy 41\.4 % faster \[/);
  });

  it('without --criterion the suite is skipped and every builder claim is "cannot tell", with the command that would measure it', async () => {
    const { result, claims } = await judge();
    expect(result.status).toBe('skipped');
    for (const c of claims.filter((x) => x.id !== 'old-api-3-7-allocations')) {
      expect(c).toMatchObject({ subject: 'prtip-function', verdict: 'cannot-tell' });
      expect(c.measureWith).toMatch(/cargo bench/);
    }
  });

  it('a partial directory never yields a silent "holds"', async () => {
    const dir = criterionDir([{ id: 'tcp_packet_zero_copy/1000', ns: null, elements: 1000 }, { id: 'tcp_packet_old_api/1000', ns: 68_300, elements: 1000 }]);
    const { result, claim } = await judge(dir);
    expect(claim('zero-copy-58.8ns-17mpps').verdict).toBe('cannot-tell');
    expect(claim('zero-copy-15pct-faster').verdict).toBe('cannot-tell');
    expect(claim('old-api-68.3ns-14.6mpps').verdict).toBe('holds');
    expect(result.warnings.join('\n')).toMatch(/tcp_packet_zero_copy\/1000 is partial/);
  });

  it('a directory of other benchmarks warns that none is prtip\'s', async () => {
    const { result, claims } = await judge(criterionDir([{ id: 'my_bench/fast', ns: 5 }]));
    expect(result.warnings.join('\n')).toMatch(/none of the 1 benchmarks .* is one of prtip's mapped benchmarks/);
    expect(claims.every((c) => c.verdict === 'cannot-tell')).toBe(true);
  });
});
