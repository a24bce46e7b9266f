/**
 * `prtip-perf compare`: the analysis on synthetic blocks (seeded, so deterministic: no timing
 * in any assertion), the builds' checks and the CLI's usage errors (exit 2), the gate and
 * --bisect statuses, the exporters, and one run of the whole command on two fake prtip-like
 * scripts inside the harness's namespaces (skipped, with the reason, where it cannot create them).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, linkSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { analyseMetric, type BlockValues, DEFAULT_VERDICT_OPTIONS, judgeMetric } from '../src/analyse/compare/analyse.js';
import { checkBuildFiles, defaultBuildName, parseBuildArgument } from '../src/measure/compare/builds.js';
import { compareCriterion, criterionSides } from '../src/analyse/compare/criterion.js';
import { BISECT_EXIT, COMPARE_EXIT, gateStatus, parseCompareArgs } from '../src/cli/commands/compare.js';
import { formatCompareHtml, formatCompareMarkdown, formatCompareText, ranFaster } from '../src/report/compare.js';
import { analyseScenario, type CompareResult, type Comparison } from '../src/analyse/compare/result.js';
import { UsageError } from '../src/cli/program.js';
import { canCreateNamespaces } from '../src/measure/netns.js';
import type { RunRecord } from '../src/measure/runner/spawn.js';
import { seededRandom } from '../src/core/stats.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist', 'bench', 'cli.js');
const tmp = mkdtempSync(join(tmpdir(), 'prtip-compare-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Normal deviates from a seeded generator (Box-Muller). */
function normals(seed: string): () => number {
  const u = seededRandom(seed);
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

/**
 * Blocks of lognormal runs (two a build, as the mirrored schedule gives) around 50 ms, with
 * a block effect shared by the builds (the machine's drift), per-run noise `sd`, and NEW and
 * OLD′ scaled by `shift` and `primeShift`.
 */
function blocks(n: number, seed: string, opts: { sd?: number; shift?: number; primeShift?: number } = {}): BlockValues[] {
  const z = normals(seed), sd = opts.sd ?? 0.2;
  return Array.from({ length: n }, () => {
    const drift = 0.3 * z();
    const runs = (scale: number): number[] => [0, 1].map(() => 50e6 * scale * Math.exp(drift + sd * z()));
    return { old: runs(1), oldPrime: runs(1 + (opts.primeShift ?? 0)), new: runs(1 + (opts.shift ?? 0)) };
  });
}

describe('compare: the analysis on synthetic blocks', () => {
  it('A/A: over 200 simulated comparisons of 90 blocks, under 5% say faster or slower, and none of the others a verdict beyond cannot-tell/no-difference', () => {
    let verdicts = 0;
    for (let i = 0; i < 200; i++) {
      const j = judgeMetric(analyseMetric(blocks(90, `aa-${i}`), 'geomean'));
      expect(['faster', 'slower', 'no-difference', 'cannot-tell']).toContain(j.verdict);
      if (j.verdict === 'faster' || j.verdict === 'slower') verdicts++;
    }
    expect(verdicts).toBeLessThan(10);
  });

  it('a 10% slower NEW is "slower" with its interval above 1, and the null control stays quiet', () => {
    const a = analyseMetric(blocks(60, 'shift', { sd: 0.05, shift: 0.1 }), 'geomean');
    const j = judgeMetric(a);
    expect(j.verdict).toBe('slower');
    expect(a.real.interval![0]).toBeGreaterThan(1.01);
    expect(a.real.ratio).toBeGreaterThan(1.05);
    expect(a.nullControl.differs).toBe(false);
  });

  it('a 10% faster NEW is "faster"; with tight noise and no shift it is "no-difference", saying the detectable change', () => {
    expect(judgeMetric(analyseMetric(blocks(60, 'fast', { sd: 0.05, shift: -0.1 }), 'geomean')).verdict).toBe('faster');
    const j = judgeMetric(analyseMetric(blocks(60, 'same', { sd: 0.02 }), 'geomean'));
    expect(j.verdict).toBe('no-difference');
    expect(j.reason).toMatch(/no difference larger than ±\d+\.\d%/);
  });

  it('too few, too noisy blocks are "cannot-tell" with the blocks that would decide it', () => {
    const j = judgeMetric(analyseMetric(blocks(5, 'noisy', { sd: 0.3 }), 'geomean'));
    expect(j.verdict).toBe('cannot-tell');
    expect(j.blocksNeeded).toBeGreaterThan(5);
    expect(judgeMetric(analyseMetric(blocks(1, 'one'), 'geomean')).verdict).toBe('cannot-tell');
  });

  it('a null control that differs downgrades a clear "slower" to cannot-tell, and says so', () => {
    const a = analyseMetric(blocks(60, 'null', { sd: 0.05, shift: 0.15, primeShift: 0.1 }), 'geomean');
    expect(a.nullControl.differs).toBe(true);
    const j = judgeMetric(a, DEFAULT_VERDICT_OPTIONS, 'the null control differs');
    expect(j.verdict).toBe('cannot-tell');
    expect(j.reason).toMatch(/downgraded from "slower": the null control differs/);
  });

  it('rejects blocks with a zero or missing value (no ratio exists)', () => {
    expect(() => analyseMetric([{ old: [1], oldPrime: [0], new: [1] }], 'geomean')).toThrow(RangeError);
  });
});

/** A run record with the given wall and CPU time (ns), 10 MiB RSS and a few counters. */
function record(wallNs: number, cpuNs: number): RunRecord {
  const counted = (value: number) => ({ kind: 'software' as const, state: 'counted' as const, value, enabledNs: 1, runningNs: 1, reason: '' });
  return {
    pid: 1, wallNs, userNs: cpuNs / 2, sysNs: cpuNs / 2, maxRssBytes: 10 * 2 ** 20, maxRssSource: 'wait4' as RunRecord['maxRssSource'],
    exitCode: 0, signal: null, timedOut: false, cancelled: false, leftoversKilled: false, containment: 'cgroup' as RunRecord['containment'], containmentNote: '',
    counters: { 'page-faults': counted(700), 'context-switches': counted(800), instructions: { ...counted(0), state: 'unsupported', value: null, reason: 'no PMU' } },
  } as RunRecord;
}

function scenarioBlocks(n: number, seed: string, shift: number, primeShift = 0): Record<string, RunRecord[]>[] {
  return blocks(n, seed, { sd: 0.03, shift, primeShift }).map((b) => ({
    old: b.old.map((w) => record(w, w)), 'old′': b.oldPrime.map((w) => record(w, w)), new: b.new.map((w) => record(w, w)),
  }));
}

describe('compare: a scenario from run records', () => {
  it('compares every metric that was counted, leaves out the rest with why, and gates wall, cpu and peak-rss', () => {
    const s = analyseScenario('syn-scan-1k', scenarioBlocks(30, 'sc', 0.1), 'old', 'old′', ['new'], DEFAULT_VERDICT_OPTIONS);
    const wall = s.comparisons.find((c) => c.metric === 'wall')!;
    expect(wall.verdict).toBe('slower');
    expect(s.comparisons.find((c) => c.metric === 'peak-rss')!.verdict).toBe('no-difference');
    expect(s.comparisons.filter((c) => c.gated).map((c) => c.metric).sort()).toEqual(['cpu', 'peak-rss', 'wall']);
    expect(s.skipped).toContainEqual({ metric: 'instructions', why: 'not counted here' });
    expect(s.nullControl.differs).toBe(false);
  });

  it('several candidates: each is compared with OLD, and they share OLD′, the one null control', () => {
    const blocks = scenarioBlocks(30, 'three', 0.1).map((b) => ({ ...b, new2: b['old']!.map((r) => record(r.wallNs * 0.85, r.wallNs * 0.85)) }));
    const s = analyseScenario('syn-scan-1k', blocks, 'old', 'old′', ['new', 'new2'], DEFAULT_VERDICT_OPTIONS);
    const wall = (cand: string) => s.comparisons.find((c) => c.metric === 'wall' && c.candidate === cand)!;
    expect(wall('new').verdict).toBe('slower');
    expect(wall('new2').verdict).toBe('faster');
    expect(wall('new').nullControl).toEqual(wall('new2').nullControl);
  });

  it('a null control that differs on one metric makes every verdict of the scenario cannot-tell', () => {
    const s = analyseScenario('syn-scan-1k', scenarioBlocks(30, 'sc-null', 0.1, 0.1), 'old', 'old′', ['new'], DEFAULT_VERDICT_OPTIONS);
    expect(s.nullControl.differs).toBe(true);
    expect(s.nullControl.why).toMatch(/null control .* differs from OLD/);
    expect(new Set(s.comparisons.map((c) => c.verdict))).toEqual(new Set(['cannot-tell']));
  });
});

function fakeResult(comparisons: Partial<Comparison>[]): CompareResult {
  const full = comparisons.map((c): Comparison => ({
    scenario: 'syn-scan-1k', baseline: 'old', candidate: 'new', metric: 'wall', unit: 'ns', gated: true, old: 50e6, new: 55e6, ratio: 1.1, interval: [1.06, 1.14], p: 0.001,
    verdict: 'slower', reason: '', mde: 0.03, blocks: 40, blocksNeeded: null, nullControl: { ratio: 1, interval: [0.98, 1.02], differs: false }, ...c,
  }));
  return {
    version: 1, startedAt: new Date(0).toISOString(), durationMs: 1, builds: [{ name: 'old', path: '/a', version: 'prtip 0.5.9' }, { name: 'new', path: '/b', version: 'prtip 0.5.9' }],
    blocksRequested: 40, options: DEFAULT_VERDICT_OPTIONS, load: { start: [1, 1, 1], end: [1, 1, 1], cores: 2 }, interrupted: false,
    scenarios: [{ scenario: 'syn-scan-1k', blocks: 40, nullControl: { differs: false, why: 'quiet' }, skipped: [], comparisons: full }], comparisons: full,
  };
}

describe('compare: the gate, --bisect and the exporters', () => {
  const quiet = (): void => {};
  it('exits 3 when a gated metric is slower with its whole interval beyond PCT, 0 when the interval reaches below PCT', () => {
    expect(gateStatus(fakeResult([{}]), 5, false, quiet)).toBe(COMPARE_EXIT.regression);
    expect(gateStatus(fakeResult([{}]), 10, false, quiet)).toBe(COMPARE_EXIT.ok);
    expect(gateStatus(fakeResult([{ gated: false, metric: 'syscalls' }]), 5, false, quiet)).toBe(COMPARE_EXIT.ok);
    expect(gateStatus(fakeResult([{}]), undefined, false, quiet)).toBe(COMPARE_EXIT.ok);
  });

  it('--bisect: 1 for a regression of PCT, 0 when every gated interval rules it out, 125 when one cannot (or the null control differs)', () => {
    expect(gateStatus(fakeResult([{}]), 5, true, quiet)).toBe(BISECT_EXIT.bad);
    expect(gateStatus(fakeResult([{ verdict: 'cannot-tell' }]), 5, true, quiet)).toBe(BISECT_EXIT.skip);
    expect(gateStatus(fakeResult([{ verdict: 'no-difference', ratio: 1, interval: [0.98, 1.02] }]), 5, true, quiet)).toBe(BISECT_EXIT.good);
    expect(gateStatus(fakeResult([{ verdict: 'faster', ratio: 0.9, interval: [0.86, 0.94] }]), 5, true, quiet)).toBe(BISECT_EXIT.good);
    // cannot-tell against the margin, but the interval rules out +5%: good for bisect; one reaching +5% is skipped.
    expect(gateStatus(fakeResult([{ verdict: 'cannot-tell', ratio: 1, interval: [0.96, 1.04] }]), 5, true, quiet)).toBe(BISECT_EXIT.good);
    expect(gateStatus(fakeResult([{ verdict: 'cannot-tell', ratio: 1, interval: [0.96, 1.06] }]), 5, true, quiet)).toBe(BISECT_EXIT.skip);
    expect(gateStatus(fakeResult([{ verdict: 'slower', ratio: 1.04, interval: [1.02, 1.07] }]), 5, true, quiet)).toBe(BISECT_EXIT.skip);
    const distrusted = fakeResult([{ verdict: 'cannot-tell', ratio: 1, interval: [0.98, 1.02] }]);
    distrusted.scenarios[0]!.nullControl.differs = true;
    expect(gateStatus(distrusted, 5, true, quiet)).toBe(BISECT_EXIT.skip);
  });

  it('the HTML page charts each gated metric\'s change with its interval as a whisker, offline (no script, no external resource)', () => {
    const html = formatCompareHtml(fakeResult([{}, { metric: 'cpu', ratio: 1.02, interval: [0.99, 1.05], verdict: 'cannot-tell' }]));
    expect(html).toMatch(/<svg[^>]*>/);
    expect(html).toContain('syn-scan-1k');
    expect(html).toMatch(/class="whisker"/);
    expect(html).not.toMatch(/<script|<link|src="https?:/);
  });

  it('says "X ran r ± h times faster than Y" as hyperfine does, from the faster side', () => {
    expect(ranFaster(fakeResult([{}]).comparisons[0]!)).toBe('old ran 1.10 ± 0.04 times faster than new');
    expect(ranFaster(fakeResult([{ ratio: 0.8, interval: [0.75, 0.85] }]).comparisons[0]!)).toMatch(/^new ran 1\.25 ± 0\.08 times faster than old$/);
  });

  it('the Markdown is a short table for a pull-request comment; the text has the sentence and the null control', () => {
    const r = fakeResult([{}, { metric: 'cpu', ratio: 1.02, interval: [0.99, 1.05], verdict: 'cannot-tell' }]);
    const md = formatCompareMarkdown(r);
    expect(md).toMatch(/\| syn-scan-1k \| 🔴 1\.100 \(\+6\.0% … \+14\.0%\) slower \|/);
    expect(md.split('\n').length).toBeLessThan(20);
    const text = formatCompareText(r);
    expect(text).toMatch(/old ran 1\.10 ± 0\.04 times faster than new/);
    expect(text).toMatch(/null control: quiet/);
  });
});

describe('compare: the builds and the command line', () => {
  const script = (name: string, body: string): string => {
    const p = join(tmp, name);
    writeFileSync(p, `#!/bin/sh\n${body}\n`);
    chmodSync(p, 0o755);
    return p;
  };
  const fakeA = script('fake-a', 'if [ "$1" = --version ]; then echo "fakeprtip 0.0.1"; exit 0; fi\nexit 0');
  const fakeB = script('fake-b', 'if [ "$1" = --version ]; then echo "fakeprtip 0.0.2"; exit 0; fi\nexit 0');
  const noVersion = script('no-version', 'exit 1');
  const plain = join(tmp, 'not-executable');
  writeFileSync(plain, 'data');
  const link = join(tmp, 'fake-a-link');
  linkSync(fakeA, link);

  it('takes PATH or name=PATH, with old/new/new2 as default names', () => {
    expect(parseBuildArgument('main=/x/prtip', 'old')).toEqual({ name: 'main', path: '/x/prtip' });
    expect(parseBuildArgument('/x/a=b', 'old')).toEqual({ name: 'old', path: '/x/a=b' });
    expect([0, 1, 2].map((i) => defaultBuildName(i, 3))).toEqual(['old', 'new', 'new2']);
  });

  it('refuses a file that is missing or not executable, the same file twice (also through a hard link) and duplicate names', () => {
    expect(() => checkBuildFiles([{ name: 'old', path: fakeA }, { name: 'new', path: plain }])).toThrow(/new: .* is not executable/);
    expect(() => checkBuildFiles([{ name: 'old', path: fakeA }, { name: 'new', path: join(tmp, 'missing') }])).toThrow(/does not exist/);
    expect(() => checkBuildFiles([{ name: 'old', path: fakeA }, { name: 'new', path: link }])).toThrow(/old and new are the same file/);
    expect(() => checkBuildFiles([{ name: 'a', path: fakeA }, { name: 'a', path: fakeB }])).toThrow(/given twice/);
    expect(() => checkBuildFiles([{ name: 'old', path: fakeA }])).toThrow(/at least two builds/);
  });

  it('usage errors are UsageErrors naming the option (exit 2 at the CLI)', () => {
    expect(() => parseCompareArgs([fakeA])).toThrow(UsageError);
    expect(() => parseCompareArgs(['--scenario', 'nope', fakeA, fakeB])).toThrow(/unknown scenario "nope"/);
    expect(() => parseCompareArgs(['--blocks', '1', fakeA, fakeB])).toThrow(/--blocks/);
    expect(() => parseCompareArgs(['--fail-on-regression', 'x', fakeA, fakeB])).toThrow(/--fail-on-regression/);
    const ok = parseCompareArgs(['--quick', '--fail-on-regression', '5', fakeA, `b=${fakeB}`]);
    expect(ok).toMatchObject({ scenarios: ['syn-scan-1k'], blocks: 70, margin: 0.05, failPct: 5, builds: [{ name: 'old' }, { name: 'b' }] });
  });

  const run = (args: string[]) => spawnSync(process.execPath, [cli, 'compare', ...args], { encoding: 'utf8', timeout: 120_000 });

  it('the CLI exits 2 with a clear message for a non-executable file, the same file twice, or a missing build', () => {
    for (const [args, message] of [[[fakeA, plain], /is not executable/], [[fakeA, fakeA], /are the same file/], [[fakeA], /needs two builds/]] as const) {
      const r = run([...args]);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  });

  const netns = canCreateNamespaces();
  it.skipIf(!netns.ok)(`a build whose --version fails is exit 2; under --bisect every failure is 125 (needs network namespaces${netns.ok ? '' : `: ${netns.reason}`})`, () => {
    const r = run([fakeA, noVersion]);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/--version` exited 1: not a prtip-like program/);
    expect(run(['--bisect', fakeA, noVersion]).status).toBe(125);
  });

  it.skipIf(!netns.ok)(`a build that fails a scenario: that scenario did not run, exit 1 (needs network namespaces${netns.ok ? '' : `: ${netns.reason}`})`, () => {
    const crash = script('crash', 'if [ "$1" = --version ]; then echo "fakeprtip 0.0.3"; exit 0; fi\nexit 4');
    const r = run(['--scenario', 'syn-scan-1k', '--blocks', '2', fakeA, crash]);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/syn-scan-1k did not run: .*exited with code 4/);
  });

  it.skipIf(!netns.ok)(`runs two fake prtip-like scripts interleaved in the harness's namespaces and writes the JSON (needs network namespaces${netns.ok ? '' : `: ${netns.reason}`})`, () => {
    const md = join(tmp, 'summary.md');
    const r = run(['--scenario', 'syn-scan-1k', '--blocks', '3', '--json', '-', '--export-markdown', md, `a=${fakeA}`, `b=${fakeB}`]);
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as CompareResult;
    expect(out.builds.map((b) => b.version)).toEqual(['fakeprtip 0.0.1', 'fakeprtip 0.0.2']);
    expect(out.scenarios[0]!.blocks).toBe(3);
    const wall = out.comparisons.find((c) => c.metric === 'wall')!;
    expect(wall).toMatchObject({ scenario: 'syn-scan-1k', baseline: 'a', candidate: 'b', blocks: 3 });
    expect(['faster', 'slower', 'no-difference', 'cannot-tell']).toContain(wall.verdict);
    for (const k of ['ratio', 'interval', 'verdict', 'mde', 'nullControl'] as const) expect(wall).toHaveProperty(k);
    expect(r.stderr).toMatch(/ran [\d.]+ ± [\d.]+ times faster than/);
  });
});

/** A criterion directory (criterion 0.5's layout) with one benchmark per id at `ns` per iteration, ±2%. */
function criterionDir(name: string, benchmarks: Record<string, number>, baseline = 'new'): string {
  const root = join(tmp, name);
  for (const [id, ns] of Object.entries(benchmarks)) {
    const dir = join(root, ...id.split('/'), baseline);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'benchmark.json'), JSON.stringify({ group_id: id.split('/')[0], function_id: null, value_str: id.split('/').at(-1), full_id: id, directory_name: id, title: id, throughput: null }));
    const est = (x: number) => ({ confidence_interval: { confidence_level: 0.95, lower_bound: x * 0.98, upper_bound: x * 1.02 }, point_estimate: x, standard_error: x * 0.01 });
    writeFileSync(join(dir, 'estimates.json'), JSON.stringify({ mean: est(ns), median: est(ns), median_abs_dev: est(ns * 0.01), slope: est(ns), std_dev: est(ns * 0.02) }));
    writeFileSync(join(dir, 'sample.json'), JSON.stringify({ sampling_mode: 'Linear', iters: [1, 2, 3], times: [1, 2, 3].map((i) => i * ns) }));
  }
  return root;
}

describe('compare --criterion: prtip\'s criterion runs side by side', () => {
  it('pairs benchmarks by id; one process a side cannot tell a change inside the between-process band, only one beyond it', () => {
    const old = criterionDir('crit-old', { 'tcp/1000': 100, 'udp/1000': 100, 'only-old/1': 5 });
    const neu = criterionDir('crit-new', { 'tcp/1000': 110, 'udp/1000': 300 });
    const s = compareCriterion([old, neu], []);
    const tcp = s.comparisons.find((c) => c.id === 'tcp/1000')!;
    expect(tcp.ratio).toBeCloseTo(1.1, 9);
    expect(tcp.verdict).toBe('cannot-tell');
    expect(tcp.reason).toMatch(/one cargo bench process a side/);
    expect(s.comparisons.find((c) => c.id === 'udp/1000')!.verdict).toBe('slower');
    expect(s.notes).toContain('only-old/1: only in OLD');
  });

  it('takes two directories, or one directory with two baselines; anything else names the options', () => {
    expect(criterionSides(['/a', '/b'], [])).toEqual([{ dir: '/a', baseline: 'new' }, { dir: '/b', baseline: 'new' }]);
    expect(criterionSides(['/a'], ['main', 'pr'])).toEqual([{ dir: '/a', baseline: 'main' }, { dir: '/a', baseline: 'pr' }]);
    expect(() => criterionSides(['/a'], [])).toThrow(/--criterion: give OLD_DIR and NEW_DIR/);
    const dir = criterionDir('crit-two', { 'tcp/1': 10 }, 'main');
    criterionDir('crit-two', { 'tcp/1': 12 }, 'pr');
    expect(compareCriterion([dir], ['main', 'pr']).comparisons[0]!.ratio).toBeCloseTo(1.2, 9);
  });

  it('a missing criterion directory is a usage error before anything runs', () => {
    expect(() => parseCompareArgs(['--criterion', join(tmp, 'nope'), '--criterion', join(tmp, 'nope2'), '/bin/true', '/bin/false'])).toThrow(/--criterion \(OLD\): .* does not exist/);
    expect(() => parseCompareArgs(['--criterion-baseline', 'x', '/bin/true', '/bin/false'])).toThrow(/--criterion-baseline needs --criterion/);
  });
});
