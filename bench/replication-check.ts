/**
 * Does a result survive a second run? Measures the replication targets (not a timed test):
 *
 *  - A/A: runs of the same commit compared with --baseline: % of metrics flagged
 *    (improved or regressed), and the exit code of --fail-on-regression 10.
 *  - Stability: no claim is "holds" in one run and "does not hold" in another.
 *  - Sensitivity: runs with a known, test-only 10 % slowdown of one checksum variant
 *    (PRTIP_PERF_INJECT_SLOWDOWN) against the clean baseline: how often it is flagged.
 *  - Quick vs full: each metric's --quick median against the full run's interval.
 *
 * usage: node dist/bench/replication-check.js [--quick] [--runs N] [--sensitivity N] [--forks N]
 *                                             [--full-result FILE] [--out DIR]
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_NOISE_THRESHOLD_PCT, compareResults, loadBaseline, runWideShiftPct } from '../src/analyse/baseline.js';
import { parseBenchResult } from '../src/model/json.js';
import type { BenchResult, Metric } from '../src/model/result.js';
import { formatTable } from '../src/core/text.js';
import { hierarchicalBootstrap } from '../src/core/stats.js';

const USAGE = `usage: node dist/bench/replication-check.js [options]

  --quick               judge --quick runs (A/A target: ≤ 5 % flagged; full runs: ≤ 2 %)
  --runs N              runs of the same commit: the first is the baseline (default 3)
  --sensitivity N       runs with a 10 % slowdown injected into scalar16 (default 10; 0 to skip)
  --forks N             passed to npm run bench (default: its own default)
  --suite LIST          suites to run (default counters,checksum,packet-crafting,batch-size)
  --full-result FILE    a full run's bench.json, for the quick-vs-full check (with --quick);
                        without --quick, the first full run is compared with one extra --quick run
  --quick-result FILE   with --full-result: only compare these two results (no runs)
  --out DIR             where runs and replication.json go (default results/replication)`;

const IN_PROCESS_SUITES = 'counters,checksum,packet-crafting,batch-size';
/** Time-calibrated (":time", see native/packet/inject.h): the slowdown is 10 % of each call's time, per length, in every process. */
const INJECTED = { variant: 'scalar16', percent: 10, mode: 'time' };
/** Where the injected slowdown is the size asked for (see native/packet/inject.h). */
const INJECTED_METRICS = ['checksum/scalar16/1500B', 'checksum/scalar16/65536B'];
const GATE_PCT = 10;
/** A 10 % slowdown sits right at a 10 % gate; the sensitivity runs are also judged at this one. */
const SENSITIVITY_GATE_PCT = 5;

interface Options { quick: boolean; runs: number; sensitivity: number; forks?: number; suites: string; fullResult?: string; quickResult?: string; out: string }

function parse(argv: readonly string[]): Options {
  const o: Options = { quick: false, runs: 3, sensitivity: 10, suites: IN_PROCESS_SUITES, out: 'results/replication' };
  const count = (name: string, text: string | undefined, lo: number, hi: number): number => {
    const v = Number(text);
    if (text === undefined || !Number.isInteger(v) || v < lo || v > hi) throw new RangeError(`${name}: expected an integer from ${lo} to ${hi}, got "${text}"`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--quick') o.quick = true;
    else if (a === '--runs') o.runs = count(a, argv[++i], 2, 20);
    else if (a === '--sensitivity') o.sensitivity = count(a, argv[++i], 0, 50);
    else if (a === '--forks') o.forks = count(a, argv[++i], 1, 100);
    else if (a === '--suite') o.suites = argv[++i] ?? '';
    else if (a === '--full-result') o.fullResult = argv[++i];
    else if (a === '--quick-result') o.quickResult = argv[++i];
    else if (a === '--out') o.out = argv[++i] ?? o.out;
    else if (a === '-h' || a === '--help') { console.log(USAGE); process.exit(0); }
    else throw new RangeError(`unknown option "${a}"; see --help`);
  }
  return o;
}

const benchScript = join(fileURLToPath(import.meta.url), '..', 'index.js');

/** Runs npm run bench's entry point with `args`; returns its exit code (output goes to `log`). */
async function bench(args: string[], log: string, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const started = Date.now();
  const child = spawn(process.execPath, [benchScript, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout.on('data', (d: Buffer) => { text += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { text += d.toString(); });
  const code = await new Promise<number>((r) => child.once('close', (c) => r(c ?? 1)));
  writeFileSync(log, text);
  console.log(`  bench ${args.join(' ')} -> exit ${code} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return code;
}

const read = (file: string): BenchResult => parseBenchResult(readFileSync(file, 'utf8'), file);
const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

async function main(): Promise<void> {
  const o = parse(process.argv.slice(2));
  if (o.quickResult !== undefined) {
    if (o.fullResult === undefined) throw new RangeError('--quick-result needs --full-result FILE');
    quickVsFull(read(o.quickResult), read(o.fullResult));
    return;
  }
  const out = resolve(o.out);
  const baselineDir = join(out, 'baselines');
  mkdirSync(baselineDir, { recursive: true });
  const common = ['--suite', o.suites, ...(o.quick ? ['--quick'] : []), ...(o.forks ? ['--forks', String(o.forks)] : []), '--baseline-dir', baselineDir];
  const report: Record<string, unknown> = { quick: o.quick, suites: o.suites, startedAt: new Date().toISOString() };

  // ---- A/A ----
  console.log(`A/A: ${o.runs} ${o.quick ? '--quick ' : ''}runs of the same commit`);
  await bench([...common, '--out', join(out, 'run1'), '--save-baseline', 'aa'], join(out, 'run1.log'));
  const baseline = loadBaseline('aa', baselineDir);
  const aa: { run: number; compared: number; flagged: number; names: string[]; gateExit: number; tooNoisy: number }[] = [];
  const results: BenchResult[] = [baseline];
  for (let r = 2; r <= o.runs; r++) {
    const gateExit = await bench([...common, '--out', join(out, `run${r}`), '--baseline', 'aa', '--fail-on-regression', String(GATE_PCT)], join(out, `run${r}.log`));
    const current = read(join(out, `run${r}`, 'bench.json'));
    results.push(current);
    const c = compareResults(baseline, current, 'aa', { gatePct: GATE_PCT });
    const compared = c.rows.filter((x) => x.verdict !== 'new' && x.verdict !== 'missing');
    const flagged = compared.filter((x) => x.verdict === 'improved' || x.verdict === 'regressed');
    aa.push({ run: r, compared: compared.length, flagged: flagged.length, names: flagged.map((x) => `${x.name} ${x.changePct!.toFixed(1)}% (p ${x.p?.toPrecision(2)})`), gateExit, tooNoisy: compared.filter((x) => x.verdict === 'too noisy').length });
  }
  const aaLimit = o.quick ? 0.05 : 0.02;
  console.log('\n' + formatTable({
    title: `A/A: runs 2..${o.runs} against run 1 (target: ≤ ${pct(aaLimit)} flagged, gate at ${GATE_PCT}% exits 0)`,
    columns: ['run', 'metrics compared', 'flagged', 'share', 'too noisy to gate', 'gate exit', 'target'],
    rows: aa.map((x) => [x.run, x.compared, x.flagged, pct(x.flagged / Math.max(1, x.compared)), x.tooNoisy, x.gateExit, x.flagged / Math.max(1, x.compared) <= aaLimit && x.gateExit === 0 ? 'met' : 'missed']),
    notes: aa.flatMap((x) => x.names.map((n) => `run ${x.run} flagged ${n}`)),
  }));
  report.aa = aa;

  // ---- stability of claims ----
  const verdicts = new Map<string, string[]>();
  for (const r of results) for (const c of r.claims) verdicts.set(c.id, [...(verdicts.get(c.id) ?? []), c.verdict]);
  const flips = [...verdicts.entries()].filter(([, v]) => v.includes('holds') && v.includes('does-not-hold'));
  console.log(`\nclaims: ${verdicts.size} judged in ${results.length} runs; ${flips.length} flip between "holds" and "does not hold"${flips.length ? `: ${flips.map(([id, v]) => `${id} (${v.join(', ')})`).join('; ')}` : ''}`);
  const changed = [...verdicts.entries()].filter(([, v]) => new Set(v).size > 1);
  if (changed.length) console.log(`  verdicts that differ between runs (via "cannot tell"): ${changed.map(([id, v]) => `${id} (${v.join(', ')})`).join('; ')}`);
  report.claims = Object.fromEntries(verdicts);

  // ---- sensitivity ----
  if (o.sensitivity > 0) {
    console.log(`\nsensitivity: ${o.sensitivity} checksum runs with PRTIP_PERF_INJECT_SLOWDOWN=${INJECTED.variant}:${INJECTED.percent}:${INJECTED.mode}, against run 1`);
    const rows: (string | number)[][] = [];
    const sens: unknown[] = [];
    const env = { ...process.env, PRTIP_PERF_INJECT_SLOWDOWN: `${INJECTED.variant}:${INJECTED.percent}:${INJECTED.mode}` };
    const sensArgs = ['--suite', 'checksum', ...(o.quick ? ['--quick'] : []), ...(o.forks ? ['--forks', String(o.forks)] : []), '--baseline-dir', baselineDir];
    for (let i = 1; i <= o.sensitivity; i++) {
      const dir = join(out, `inject${i}`);
      const gateExit = await bench([...sensArgs, '--out', dir, '--baseline', 'aa', '--fail-on-regression', String(SENSITIVITY_GATE_PCT)], `${dir}.log`, env);
      const current = read(join(dir, 'bench.json'));
      const c = compareResults(baseline, current, 'aa', { gatePct: SENSITIVITY_GATE_PCT });
      const targets = c.rows.filter((x) => INJECTED_METRICS.includes(x.name));
      const gate10 = compareResults(baseline, current, 'aa', { gatePct: GATE_PCT }).rows.filter((x) => INJECTED_METRICS.includes(x.name) && x.verdict === 'regressed' && x.changePct! >= GATE_PCT);
      const others = c.rows.filter((x) => x.suite === 'checksum' && !x.name.includes(INJECTED.variant) && (x.verdict === 'regressed' || x.verdict === 'improved'));
      sens.push({ run: i, gateExit, targets: targets.map((t) => ({ name: t.name, changePct: t.changePct, p: t.p, noisePct: t.noisePct, verdict: t.verdict })), gate10: gate10.length, otherFlagged: others.map((x) => x.name) });
      rows.push([i, ...targets.map((t) => `${t.changePct!.toFixed(1)}% p=${t.p?.toPrecision(2)} ${t.verdict}`), gate10.length, gateExit, others.length]);
    }
    const runs = sens as { targets: { verdict: string }[]; gateExit: number; gate10: number }[];
    const perMetric = INJECTED_METRICS.map((name) => `${name} ${runs.filter((r) => r.targets.some((t) => (t as { name?: string }).name === name && t.verdict === 'regressed')).length} of ${runs.length}`).join(', ');
    console.log('\n' + formatTable({
      title: `Sensitivity: a ${INJECTED.percent}% slowdown of ${INJECTED.variant} (target: flagged in ≥ 9 of 10)`,
      columns: ['run', ...INJECTED_METRICS, `≥ ${GATE_PCT}% and regressed`, `gate at ${SENSITIVITY_GATE_PCT}% exit`, 'other checksum metrics flagged'],
      rows,
      notes: [`flagged as regressed: ${perMetric}; the ${SENSITIVITY_GATE_PCT}% gate failed (exit 3) in ${runs.filter((r) => r.gateExit === 3).length} of ${runs.length}; a true 10% change crosses a 10% gate only about half the time, by construction`],
    }));
    report.sensitivity = sens;
  }

  // ---- quick vs full ----
  let quickRun: BenchResult | undefined, fullRun: BenchResult | undefined;
  if (o.quick && o.fullResult) {
    quickRun = baseline;
    fullRun = read(o.fullResult);
  } else if (!o.quick) {
    fullRun = baseline;
    const quickArgs = ['--suite', o.suites, '--quick', '--out', join(out, 'quick')];
    await bench(quickArgs, join(out, 'quick.log'));
    quickRun = read(join(out, 'quick', 'bench.json'));
  }
  if (quickRun && fullRun) report.quickVsFull = quickVsFull(quickRun, fullRun);
  else console.log('\nquick vs full: skipped (give a full run\'s bench.json with --full-result, or run without --quick)');

  writeFileSync(join(out, 'replication.json'), JSON.stringify(report, null, 2) + '\n');
  console.log(`\nwrote ${join(out, 'replication.json')}`);
}

/** Why a suite's quick and full medians can differ beyond both intervals. */
const SYSTEMATIC: Record<string, string> = {
  'batch-size': '--quick sends 2-3k packets per run instead of 20k: short runs sit in a different regime (queue and start-up effects), most of all on the send-path series',
  counters: '--quick measures each task 4x shorter per fork, so its median includes more of the start of each task',
  checksum: '--quick warms each kernel up for 10 ms instead of 50 ms and measures it 5x shorter per fork',
  'packet-crafting': '--quick warms each strategy up for 10 ms instead of 40 ms and measures it 5x shorter per fork',
};

/**
 * Each metric's quick median against the full run's 95% between-process interval. That
 * interval covers the processes of one run, not the drift between runs minutes apart, so
 * the count is also given with the interval widened by the default noise threshold.
 */
function quickVsFull(quick: BenchResult, full: BenchResult): unknown {
  const index = (r: BenchResult): Map<string, { suite: string; metric: Metric }> => new Map(r.suites.flatMap((s) => s.metrics.map((m) => [m.name, { suite: s.suite, metric: m }] as const)));
  const q = index(quick), f = index(full);
  let within = 0, withinDrift = 0, overlapping = 0;
  const disjoint = new Map<string, string[]>();
  const interval = (m: Metric): [number, number] | null => {
    const h = hierarchicalBootstrap((m.forks ?? [{ samples: m.samples }]).map((x) => x.samples), { resamples: 1000, seed: m.name });
    return h ? [h.low, h.high] : null;
  };
  const allowance = DEFAULT_NOISE_THRESHOLD_PCT / 100;
  for (const [name, { suite, metric: fm }] of f) {
    const qm = q.get(name)?.metric;
    if (!qm) continue;
    const fi = interval(fm), qi = interval(qm);
    if (!fi || !qi) continue;
    if (qm.value >= fi[0] && qm.value <= fi[1]) within++;
    if (qm.value >= fi[0] * (1 - allowance) && qm.value <= fi[1] * (1 + allowance)) withinDrift++;
    else if (qi[0] <= fi[1] * (1 + allowance) && qi[1] >= fi[0] * (1 - allowance)) overlapping++;
    else disjoint.set(suite, [...(disjoint.get(suite) ?? []), `${name}: quick ${qm.value.toPrecision(4)} vs full ${fi[0].toPrecision(4)} … ${fi[1].toPrecision(4)} ${fm.unit}`]);
  }
  const total = [...f.keys()].filter((n) => q.has(n)).length;
  const comparison = compareResults(full, quick, 'full');
  const shift = runWideShiftPct(comparison.rows);
  const disjointCount = [...disjoint.values()].reduce((a, d) => a + d.length, 0);
  console.log(`\nquick vs full: ${within} of ${total} quick medians inside the full run's 95% interval; ${withinDrift} inside it widened by ±${DEFAULT_NOISE_THRESHOLD_PCT}% ` +
    `(the run-to-run drift a single run cannot see; between these two runs the median time metric moved ${shift === null ? 'n/a' : `${shift.toFixed(1)}%`}); ` +
    `of the rest, ${overlapping} have overlapping intervals (the quick run's own uncertainty) and ${disjointCount} are disjoint:`);
  for (const [suite, lines] of disjoint) {
    console.log(`  ${suite} (${lines.length}): ${SYSTEMATIC[suite] ?? 'a systematic difference between the modes'}`);
    for (const d of lines.slice(0, 8)) console.log(`    ${d}`);
  }
  return { total, within, withinDrift, overlapping, runWideShiftPct: shift, disjoint: Object.fromEntries(disjoint) };
}

await main();
