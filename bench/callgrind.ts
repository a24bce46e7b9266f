/**
 * `bench --counters callgrind`: each selected suite that has a callgrind plan
 * (bench/callgrind-plans.ts) is re-executed in a child under
 * `valgrind --tool=callgrind --instr-atstart=no`, and its counts become the suite's result.
 * Suites without a plan are skipped with that reason; without valgrind every suite is
 * skipped naming the package.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CALLGRIND_SOURCE, VALGRIND_PACKAGE, findValgrind, runCallgrind } from '../src/measure/callgrind.js';
import { packageRoot } from '../src/core/native.js';
import type { SuiteResult } from '../src/model/result.js';
import { openCounters } from '../src/measure/counters.js';
import { CALLGRIND_PLANS, type CallgrindChildInfo, type CallgrindPlan, type CallgrindTaskResult, type PmuSideBySide } from './callgrind-plans.js';
import { skippedSuite as skipped, type SuiteContext } from './suite.js';


/** Options of the callgrind pass. */
export interface CallgrindBenchOptions {
  /** Simulate the caches too (valgrind --cache-sim=yes). */
  cacheSim: boolean;
  /** Per suite (the child is killed after it). Default 5 min. */
  timeoutMs?: number;
}

/**
 * Node flags for the child: no V8 helper threads, so nothing but the measured block runs
 * while a native block is counted (callgrind counts every thread of the process).
 */
const CHILD_NODE_FLAGS = ['--single-threaded', '--v8-pool-size=0'];

/** The compiled child (next to this module once built; from dist/ when this runs from source, e.g. under vitest). */
function childScript(): string {
  const beside = join(dirname(fileURLToPath(import.meta.url)), 'callgrind-child.js');
  if (existsSync(beside)) return beside;
  const built = join(packageRoot(), 'dist', 'bench', 'callgrind-child.js');
  if (existsSync(built)) return built;
  throw new Error(`the callgrind child is not compiled (${built} is missing): run npx tsc -p src`);
}

/** Calls per task for the PMU figure beside callgrind's: the median call is taken. */
const PMU_CALLS = 5;

/** The same tasks on the hardware counter, in this process, where the PMU exists. */
export function pmuSideBySide(plan: CallgrindPlan, quick: boolean): PmuSideBySide {
  const perOp = new Map<string, number | null>();
  let group;
  try {
    group = openCounters(['instructions']);
  } catch (error) {
    return { perOp, reason: `the PMU could not be opened: ${(error as Error).message}` };
  }
  try {
    group.enable();
    let reason = '';
    for (const task of plan.tasks(quick)) {
      const call = task.make();
      call();
      const counts: number[] = [];
      for (let k = 0; k < PMU_CALLS; k++) {
        const before = group.snapshot();
        call();
        const v = group.delta(before, group.snapshot())['instructions']!;
        if (v.state !== 'counted' || v.value === null) {
          reason = `no PMU here (instructions ${v.state}${v.reason ? `: ${v.reason}` : ''})`;
          break;
        }
        counts.push(v.value);
      }
      if (reason !== '') break;
      counts.sort((a, b) => a - b);
      perOp.set(task.id, counts[counts.length >> 1]! / task.ops);
    }
    return { perOp: reason === '' ? perOp : new Map(), reason };
  } finally {
    group.close();
  }
}

/** Runs one suite's plan under callgrind; never throws for a failed child (the result says why). */
export async function runSuiteUnderCallgrind(name: string, ctx: SuiteContext, options: CallgrindBenchOptions): Promise<SuiteResult> {
  const plan = CALLGRIND_PLANS.get(name);
  if (plan === undefined) {
    return skipped(name, name, `no callgrind plan (suites with one: ${[...CALLGRIND_PLANS.keys()].join(', ')}); run it with --counters perf_event`);
  }
  if (findValgrind() === null) return skipped(name, plan.title, `callgrind is unsupported here: valgrind is not installed (Debian: apt-get install ${VALGRIND_PACKAGE})`);
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), `prtip-perf-cg-${name}-`));
  const outFile = join(dir, 'counts.json');
  const child = childScript();
  try {
    ctx.progress(`${name}: counting under callgrind`);
    const run = await runCallgrind([process.execPath, ...CHILD_NODE_FLAGS, child, name, outFile, ...(ctx.quick ? ['--quick'] : [])], {
      instrAtStart: false,
      cacheSim: options.cacheSim,
      timeoutMs: options.timeoutMs ?? 300_000,
      outDir: dir,
    });
    if (run.exitCode !== 0) {
      const why = run.timedOut ? `timed out after ${run.wallMs} ms` : `exited with ${run.exitCode ?? run.signal}`;
      return { ...skipped(name, plan.title, ''), status: 'failed', durationMs: Date.now() - started,
        reason: `the callgrind child ${why}: ${(run.stderr || run.valgrindLog).trim().split('\n').slice(-3).join(' | ')}` };
    }
    const { info, results } = JSON.parse(readFileSync(outFile, 'utf8')) as { info: CallgrindChildInfo; results: CallgrindTaskResult[] };
    const { tables, metrics, warnings } = plan.report(results, info, pmuSideBySide(plan, ctx.quick));
    const failed = results.filter((r) => r.totals === null).length;
    return {
      suite: name,
      title: plan.title,
      status: failed === results.length ? 'failed' : 'ok',
      ...(failed === results.length ? { reason: 'no task was counted' } : {}),
      durationMs: Date.now() - started,
      tables,
      metrics,
      claims: [],
      warnings,
      data: { backend: 'callgrind', source: CALLGRIND_SOURCE, cacheSim: options.cacheSim, tasks: results.length, valgrindWallMs: run.wallMs },
    };
  } catch (error) {
    return { ...skipped(name, plan.title, ''), status: 'failed', durationMs: Date.now() - started, reason: `callgrind: ${(error as Error).message}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
