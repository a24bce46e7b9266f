/**
 * Does the gate work on callgrind's instruction counts? Counts the checksum suite under
 * callgrind once as the baseline, then N more times clean (A/A: nothing may be flagged) and
 * N times with PRTIP_PERF_INJECT_SLOWDOWN=VARIANT:PERCENT (the variant's kernels must be
 * flagged every time), each compared with the baseline by src/analyse/baseline.ts.
 *
 *   node dist/bench/callgrind-gate-check.js [--runs N] [--inject wide64:1] [--suite checksum]
 */
import { loadavg } from 'node:os';
import { compareResults } from '../src/analyse/baseline.js';
import { BENCH_RESULT_VERSION, type BenchResult, type SuiteResult } from '../src/model/result.js';
import { machineInfo } from '../src/measure/machine.js';
import { runSuiteUnderCallgrind } from './callgrind.js';
import type { SuiteContext } from './suite.js';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

const runs = Number(option('--runs', '10'));
const inject = option('--inject', 'wide64:1');
const suite = option('--suite', 'checksum');
const variant = inject.split(':')[0]!;
if (!Number.isInteger(runs) || runs < 1 || runs > 100) throw new RangeError(`--runs: expected 1 … 100, got ${option('--runs', '')}`);

const ctx: SuiteContext = { quick: true, signal: new AbortController().signal, progress: () => {}, previous: new Map() };
const machine = await machineInfo();

async function once(env: string | undefined): Promise<BenchResult> {
  const saved = process.env['PRTIP_PERF_INJECT_SLOWDOWN'];
  if (env === undefined) delete process.env['PRTIP_PERF_INJECT_SLOWDOWN'];
  else process.env['PRTIP_PERF_INJECT_SLOWDOWN'] = env;
  let result: SuiteResult;
  try {
    result = await runSuiteUnderCallgrind(suite, ctx, { cacheSim: false });
  } finally {
    if (saved === undefined) delete process.env['PRTIP_PERF_INJECT_SLOWDOWN'];
    else process.env['PRTIP_PERF_INJECT_SLOWDOWN'] = saved;
  }
  if (result.status !== 'ok') throw new Error(`${suite} under callgrind: ${result.status}: ${result.reason}`);
  return { kind: 'prtip-perf/bench-result', version: BENCH_RESULT_VERSION, startedAt: new Date().toISOString(), durationMs: result.durationMs,
    options: { quick: true, suites: [suite], prtip: null }, interrupted: false, machine, suites: [result], claims: [] };
}

const started = Date.now();
const load = loadavg()[0]!;
const baseline = await once(undefined);
let aaFlagged = 0, aaIdentical = 0;
const injected: { flagged: number; kernelsFlagged: string[]; smallestPct: number }[] = [];
for (let k = 0; k < runs; k++) {
  const aa = compareResults(baseline, await once(undefined), 'aa');
  aaFlagged += aa.rows.filter((r) => r.verdict === 'regressed' || r.verdict === 'improved').length;
  if (aa.rows.every((r) => r.changePct === 0)) aaIdentical++;
  const slow = compareResults(baseline, await once(inject), 'injected');
  const ofVariant = slow.rows.filter((r) => r.name.startsWith(`callgrind/checksum/${variant}/`) && r.name.endsWith('/instructions'));
  const flagged = ofVariant.filter((r) => r.verdict === 'regressed');
  const others = slow.rows.filter((r) => !r.name.startsWith(`callgrind/checksum/${variant}/`) && r.verdict !== 'no change');
  injected.push({ flagged: flagged.length === ofVariant.length && others.length === 0 ? 1 : 0, kernelsFlagged: flagged.map((r) => `${r.name.split('/')[3]} +${r.changePct!.toFixed(2)}%`), smallestPct: Math.min(...flagged.map((r) => r.changePct!)) });
  console.log(`comparison ${k + 1}: A/A ${aa.rows.filter((r) => r.verdict !== 'no change').length} flagged; ${inject}: ${flagged.length}/${ofVariant.length} ${variant} sizes flagged (${injected[k]!.kernelsFlagged.join(', ')}), ${others.length} other metrics moved`);
}
console.log(`\nA/A: ${aaFlagged} metric(s) flagged over ${runs} comparisons; ${aaIdentical}/${runs} runs identical to the baseline in every metric`);
console.log(`${inject}: flagged in ${injected.reduce((n, x) => n + x.flagged, 0)} of ${runs} comparisons (every ${variant} size regressed, nothing else moved); smallest flagged change ${Math.min(...injected.map((x) => x.smallestPct)).toFixed(2)}%`);
console.log(`took ${((Date.now() - started) / 1000).toFixed(0)} s, 1-min load ${load.toFixed(1)} at the start`);
