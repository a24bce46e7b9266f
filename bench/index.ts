/**
 * npm run bench (= prtip-perf bench): every suite in order, their tables and the claims
 * table on the terminal, and the results folder: JSON (schema-checked), Markdown, HTML,
 * CSV, github-action-benchmark arrays and hyperfine JSON. Optional baselines and a CI gate.
 */
import { setMaxListeners } from 'node:events';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  type BaselineComparison, DEFAULT_BASELINE_DIR, DEFAULT_NOISE_THRESHOLD_PCT, compareResults, comparisonTable, loadBaseline,
  COMPARE_HINT, regressionsBeyond, saveBaseline, tooNoisyToGate, validateBaselineName, verdictCounts,
} from '../src/analyse/baseline.js';
import { machineInfo, machineSummary } from '../src/measure/machine.js';
import { MachineLoadMeter } from '../src/measure/machine-load.js';
import { ProgressLine } from '../src/core/progress.js';
import { claimsTable } from '../src/report/claims.js';
import { judgeClaims, measurementsOf } from '../src/judge/index.js';
import { claimsCsv, comparisonCsv, metricsCsv, tablesCsv } from '../src/report/csv.js';
import { bencherMetricFormat } from '../src/report/bencher.js';
import { cleanSuite } from '../src/report/failures.js';
import { actionBenchmarkArrays } from '../src/report/github-action-benchmark.js';
import { htmlReport } from '../src/report/html.js';
import { hyperfineExport, hyperfineJson } from '../src/report/hyperfine.js';
import { stringifyBenchResult } from '../src/model/json.js';
import { markdownReport } from '../src/report/markdown.js';
import { exitStatusFor, sweepAndSay } from '../src/measure/leftovers.js';
import { checkResultsFolder, ResultsFolderError, writeResultsFolder } from '../src/report/results-folder.js';
import { BENCH_RESULT_VERSION, type BenchResult, type SuiteResult } from '../src/model/result.js';
import { formatTable } from '../src/core/text.js';
import { nearNames } from '../src/core/validate.js';
import type { CriterionResults } from '../src/measure/criterion.js';
import { COUNTER_BACKENDS, type CounterBackend, runSuiteUnderCallgrind } from './callgrind.js';
import { runSuiteInForks } from './fork.js';
import { type Suite, type SuiteContext, criterionOption, printSuite } from './suite.js';

/**
 * Every suite, in run order (the comparison suite, prtip, reads the earlier ones).
 * `forked`: an in-process suite, run in --forks fresh processes (bench/fork.ts); criterion
 * reads files and prtip runs whole binaries, each run already its own process.
 */
export const SUITES: readonly { name: string; forked: boolean; load: () => Promise<Suite> }[] = [
  { name: 'counters', forked: true, load: async () => (await import('./suites/counters.bench.js')).suite },
  { name: 'checksum', forked: true, load: async () => (await import('./suites/checksum.bench.js')).suite },
  { name: 'packet-crafting', forked: true, load: async () => (await import('./suites/packet-crafting.bench.js')).suite },
  { name: 'batch-size', forked: true, load: async () => (await import('./suites/batch-size.bench.js')).suite },
  { name: 'criterion', forked: false, load: async () => (await import('./suites/criterion.bench.js')).suite },
  { name: 'prtip', forked: false, load: async () => (await import('./suites/prtip.bench.js')).suite },
];

/** Forks per in-process suite unless --forks says otherwise: enough for a between-process test, within the time goals. */
export const DEFAULT_FORKS = { quick: 4, full: 5 } as const;

/** Exit codes, so CI can tell a regression from a broken run. */
export const EXIT = { ok: 0, suiteFailed: 1, usage: 2, regression: 3, interrupted: 130, terminated: 143 } as const;

const DEFAULT_OUT = 'results';
const GOAL_MS = { quick: 60_000, full: 300_000 };

const USAGE = `Usage: prtip-perf bench [options]      (also: npm run bench -- [options])

Runs every benchmark suite (${SUITES.map((s) => s.name).join(', ')}), prints their tables
and the claims table, and writes the results folder.

options:
  --quick                     shorter runs, for CI (about 30 s on an idle 2-core VM with prtip,
                              nmap and masscan; 48 s under a load of 8-10; the full run about 3½ minutes)
  --suite NAME[,NAME…]        run only these suites (repeatable)
  --counters BACKEND          perf_event (default: timings plus PMU/software counters) or callgrind:
                              re-run the suites that have a callgrind plan (checksum, packet-crafting)
                              under valgrind --tool=callgrind and report exact instructions per op,
                              labelled "simulated by callgrind" (no PMU needed; deterministic)
  --cache-sim                 with --counters callgrind: also callgrind's simulated I1/D1/LL misses
  --forks N                   run each in-process suite in N fresh processes (default ${DEFAULT_FORKS.full}, ${DEFAULT_FORKS.quick} with --quick);
                              intervals, comparisons and the gate use the variation between them
  --prtip PATH                the prtip binary for the whole-binary suite
  --criterion DIR             prtip's criterion output (its target/criterion, after
                              cargo bench -p prtip-network --bench packet_crafting / --bench batch_io;
                              also PRTIP_CRITERION): claims about prtip's builder are judged on it
  --criterion-baseline NAME   read criterion baseline NAME (cargo bench -- --save-baseline NAME)
                              instead of the last run ("new")
  --out DIR                   where results go (default ${DEFAULT_OUT}/)
  --save-baseline NAME        keep this run as baseline NAME
  --baseline NAME             compare every metric with baseline NAME
  --baseline-dir DIR          where baselines are kept (default ${DEFAULT_BASELINE_DIR})
  --noise-threshold PCT       a change counts only when its 95% interval lies wholly beyond ±PCT %
                              (criterion's rule; default ${DEFAULT_NOISE_THRESHOLD_PCT})
  --fail-on-regression PCT    exit ${EXIT.regression} when a metric regressed by PCT % or more (needs --baseline)
  -h, --help                  this text

files written to --out: bench.json (schema: src/model/bench-result.schema.json), bench.md,
bench.html, metrics.csv, claims.csv, tables.csv, comparison.csv (with --baseline),
github-action-benchmark-smaller.json / -bigger.json (customSmallerIsBetter /
customBiggerIsBetter), bencher.json (Bencher Metric Format), hyperfine.json (whole-binary
runs, when any ran), and manifest.json listing them with their sha256. --out is checked
before any suite runs (exit ${EXIT.usage} when unusable). A folder holding only prtip-perf's
files (or new, or empty) is built whole beside itself, fsynced and swapped in at once
(renameat2 RENAME_EXCHANGE); one holding anything else gets its files renamed into place
one by one, the manifest last, and a note says why. Files an earlier run wrote there
that this run did not (e.g. hyperfine.json) are removed only when unchanged since (their
hash); nothing else in the folder is touched.

exit status: 0 ok, ${EXIT.suiteFailed} a suite failed, ${EXIT.usage} bad options, ${EXIT.regression} regression beyond
--fail-on-regression, ${EXIT.interrupted} interrupted by Ctrl-C (${EXIT.terminated} by SIGTERM, 129 by SIGHUP); finished results are still written.`;

/** The parsed command line. */
export interface BenchOptions {
  help: boolean;
  quick: boolean;
  suites: string[];
  /** Processes per in-process suite; undefined = DEFAULT_FORKS. */
  forks?: number;
  prtip?: string;
  /** --criterion DIR, once per criterion run (repeatable). */
  criterion: string[];
  criterionBaseline?: string;
  out: string;
  saveBaseline?: string;
  baseline?: string;
  baselineDir: string;
  noiseThresholdPct: number;
  failOnRegressionPct?: number;
  /** Where counts come from: perf_event (timed suites) or callgrind (exact simulated instructions). */
  counters: CounterBackend;
  /** With callgrind: simulate the caches too. */
  cacheSim: boolean;
}

const VALUE_OPTIONS = ['--suite', '--counters', '--forks', '--prtip', '--criterion', '--criterion-baseline', '--out', '--save-baseline', '--baseline', '--baseline-dir', '--noise-threshold', '--fail-on-regression'];
const FLAG_OPTIONS = ['--quick', '--cache-sim', '--help', '-h'];

function percent(option: string, text: string): number {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v) || v < 0 || v > 1000) throw new RangeError(`${option}: expected a percentage between 0 and 1000, got "${text}"`);
  return v;
}

/** Parses bench's options; a RangeError names the offending option. */
export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  const o: BenchOptions = { help: false, quick: false, counters: 'perf_event', cacheSim: false, suites: [], criterion: [], out: DEFAULT_OUT, baselineDir: DEFAULT_BASELINE_DIR, noiseThresholdPct: DEFAULT_NOISE_THRESHOLD_PCT };
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i]!;
    let value: string | undefined;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq > 0) {
      value = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    if (FLAG_OPTIONS.includes(arg)) {
      if (value !== undefined) throw new RangeError(`${arg} takes no value (got "${value}")`);
      if (arg === '--quick') o.quick = true;
      else if (arg === '--cache-sim') o.cacheSim = true;
      else o.help = true;
      continue;
    }
    if (!VALUE_OPTIONS.includes(arg)) {
      const near = nearNames(arg, [...VALUE_OPTIONS, ...FLAG_OPTIONS]);
      throw new RangeError(`unknown option "${arg}"${near.length ? ` (did you mean ${near.join(' or ')}?)` : ''}; see --help`);
    }
    if (value === undefined) {
      value = argv[++i];
      if (value === undefined || (value.startsWith('--') && value.length > 2)) throw new RangeError(`${arg} needs a value`);
    }
    switch (arg) {
      case '--suite': {
        for (const name of value.split(',').filter((n) => n)) {
          const known = SUITES.map((s) => s.name);
          if (!known.includes(name)) {
            const near = nearNames(name, known);
            throw new RangeError(`--suite: unknown suite "${name}"${near.length ? ` (did you mean ${near.join(' or ')}?)` : ''}; suites: ${known.join(', ')}`);
          }
          if (!o.suites.includes(name)) o.suites.push(name);
        }
        break;
      }
      case '--forks': {
        const n = Number(value);
        if (value.trim() === '' || !Number.isInteger(n) || n < 1 || n > 100) throw new RangeError(`--forks: expected an integer from 1 to 100, got "${value}"`);
        o.forks = n;
        break;
      }
      case '--counters': {
        if (!(COUNTER_BACKENDS as readonly string[]).includes(value)) throw new RangeError(`--counters: expected one of ${COUNTER_BACKENDS.join(', ')}, got "${value}"`);
        o.counters = value as CounterBackend;
        break;
      }
      case '--prtip': o.prtip = value; break;
      case '--criterion': o.criterion.push(value); break;
      case '--criterion-baseline': o.criterionBaseline = value; break;
      case '--out': o.out = value; break;
      case '--save-baseline': o.saveBaseline = validateBaselineName(value, '--save-baseline'); break;
      case '--baseline': o.baseline = validateBaselineName(value, '--baseline'); break;
      case '--baseline-dir': o.baselineDir = value; break;
      case '--noise-threshold': o.noiseThresholdPct = percent(arg, value); break;
      case '--fail-on-regression': o.failOnRegressionPct = percent(arg, value); break;
    }
  }
  if (o.cacheSim && o.counters !== 'callgrind') throw new RangeError('--cache-sim needs --counters callgrind (the cache misses are callgrind\'s simulation)');
  if (o.failOnRegressionPct !== undefined && o.baseline === undefined && !o.help) {
    throw new RangeError('--fail-on-regression needs --baseline NAME (what would it compare with?)');
  }
  return o;
}

/**
 * Ctrl-C (and SIGTERM, e.g. a CI timeout) handling: the first signal aborts the suites and
 * lets them clean up; the third forces an exit (the netns module's exit hook still removes
 * its namespaces then). Returns the remover and which signal arrived.
 */
function interruptHandler(controller: AbortController, line: ProgressLine, running: () => string): { remove: () => void; signal: () => NodeJS.Signals | undefined } {
  let presses = 0;
  let first: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    presses++;
    first ??= signal;
    line.clear();
    if (presses === 1) {
      const now = running();
      console.error(`\nprtip-perf bench: ${signal === 'SIGINT' ? 'interrupted' : `got ${signal}`}; ${now ? `letting ${now} stop and clean up, then ` : ''}writing the finished results (Ctrl-C twice more to force)`);
      controller.abort(new Error(`interrupted by ${signal}`));
    } else if (presses === 2) {
      console.error(`prtip-perf bench: still waiting for ${running() || 'the current suite'} to stop; one more Ctrl-C exits at once (it may leave children behind)`);
    } else {
      process.exit(exitCodeFor(first));
    }
  };
  const onInt = (): void => onSignal('SIGINT');
  const onTerm = (): void => onSignal('SIGTERM');
  const onHup = (): void => onSignal('SIGHUP'); // a closed terminal: as SIGTERM
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  process.on('SIGHUP', onHup);
  return {
    remove: () => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      process.off('SIGHUP', onHup);
    },
    signal: () => first,
  };
}

/** One turn of the event loop with a timer, in which a signal that arrived meanwhile reaches its handler. */
function signalsDelivered(): Promise<void> {
  return new Promise((r) => setTimeout(r, 5));
}

/** 128 + the signal's number, as a shell reports a process killed by it. */
function exitCodeFor(signal: NodeJS.Signals | undefined): number {
  return signal === undefined ? EXIT.interrupted : exitStatusFor(signal);
}

function notRun(name: string, reason: string): SuiteResult {
  return { suite: name, title: name, status: 'skipped', reason, durationMs: 0, tables: [], metrics: [], claims: [], warnings: [] };
}

async function runSuite(entry: (typeof SUITES)[number], ctx: SuiteContext, forks: number): Promise<SuiteResult> {
  const started = Date.now();
  if (entry.forked) {
    try {
      return await runSuiteInForks(entry.name, entry.name, ctx, forks);
    } catch (err) {
      return { ...notRun(entry.name, ''), status: 'failed', durationMs: Date.now() - started, reason: `forks: ${(err as Error).message}` };
    }
  }
  let suite: Suite;
  try {
    suite = await entry.load();
  } catch (err) {
    return { ...notRun(entry.name, ''), status: 'failed', reason: `cannot load the suite: ${(err as Error).message}` };
  }
  try {
    const result = await suite.run(ctx);
    return ctx.signal.aborted && result.status === 'ok' ? { ...result, warnings: [...result.warnings, 'interrupted: this suite may be incomplete'] } : result;
  } catch (err) {
    const e = err as Error;
    if (!ctx.signal.aborted && e.stack) console.error(`prtip-perf bench: ${entry.name} failed: ${e.stack}`);
    return {
      ...notRun(entry.name, ''), title: suite.title, status: 'failed', durationMs: Date.now() - started,
      reason: ctx.signal.aborted ? `interrupted: ${e.message}` : `${e.name}: ${e.message}`,
      // The stack is for whoever debugs the suite (stderr), not for the report.
      warnings: [],
    };
  }
}

/**
 * Writes every export into `dir`, with manifest.json listing them; files an earlier run
 * left there that this one did not write (e.g. hyperfine.json after a run without the
 * prtip suite) are removed. Returns the files written and the stale ones removed.
 */
export function writeResults(dir: string, result: BenchResult, comparison?: BaselineComparison): ReturnType<typeof writeResultsFolder> {
  const files: [string, string][] = [
    ['bench.json', stringifyBenchResult(result)],
    ['bench.md', markdownReport(result, comparison)],
    ['bench.html', htmlReport(result, comparison)],
    ['metrics.csv', metricsCsv(result)],
    ['claims.csv', claimsCsv(result)],
    ['tables.csv', tablesCsv(result)],
  ];
  if (comparison) files.push(['comparison.csv', comparisonCsv(comparison)]);
  const { smaller, bigger, ungated } = actionBenchmarkArrays(result);
  files.push(['github-action-benchmark-smaller.json', JSON.stringify(smaller, null, 2) + '\n']);
  files.push(['github-action-benchmark-bigger.json', JSON.stringify(bigger, null, 2) + '\n']);
  // Values the action's ratio cannot read (0 or negative), with the reason: never point the action at this one.
  files.push(['github-action-benchmark-ungated.json', JSON.stringify(ungated, null, 2) + '\n']);
  files.push(['bencher.json', JSON.stringify(bencherMetricFormat(result), null, 2) + '\n']);
  const hyperfine = hyperfineExport(result);
  if (hyperfine.results.length > 0) files.push(['hyperfine.json', hyperfineJson(hyperfine)]);
  return writeResultsFolder(dir, result.startedAt, files);
}

/** --out checked before anything runs: the usage exit status and one line why, or undefined when usable. */
function refusedOut(out: string): number | undefined {
  try {
    for (const w of checkResultsFolder(out).warnings) console.error(`prtip-perf bench: warning: ${w}`);
    return undefined;
  } catch (err) {
    if (!(err instanceof ResultsFolderError)) throw err;
    console.error(`prtip-perf bench: ${err.message}`);
    return EXIT.usage;
  }
}

/** `prtip-perf bench`: returns the exit status (see USAGE). */
export async function benchCommand(argv: string[]): Promise<number> {
  let options: BenchOptions;
  try {
    options = parseBenchArgs(argv);
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    console.error(`prtip-perf bench: ${err.message}`);
    return EXIT.usage;
  }
  if (options.help) {
    console.log(USAGE);
    return EXIT.ok;
  }
  // perf stat refuses an unwritable -o before it runs the command: so does --out.
  const outRefused = refusedOut(options.out);
  if (outRefused !== undefined) return outRefused;
  await sweepAndSay('bench');
  let baseline: BenchResult | undefined;
  if (options.baseline !== undefined) {
    try {
      baseline = loadBaseline(options.baseline, options.baselineDir);
    } catch (err) {
      console.error(`prtip-perf bench: --baseline: ${(err as Error).message}`);
      return EXIT.usage;
    }
  }

  let criterionRuns: CriterionResults[];
  try {
    criterionRuns = criterionOption(options.criterion, options.criterionBaseline);
  } catch (err) {
    if (!(err instanceof RangeError) && !(err instanceof TypeError)) throw err;
    console.error(`prtip-perf bench: ${err.message}`);
    return EXIT.usage;
  }
  for (const c of criterionRuns) console.log(`criterion: ${c.benchmarks.length} benchmarks in ${c.dir} (baseline "${c.baseline}")`);
  // The side-by-side table shows the first run; the claims are judged on every run.
  const criterion = criterionRuns[0];

  const startedAt = new Date();
  const load = new MachineLoadMeter();
  // Criterion results given: their suite runs even when --suite did not name it.
  const wanted = criterion && options.suites.length > 0 && !options.suites.includes('criterion') ? [...options.suites, 'criterion'] : options.suites;
  const selected = SUITES.filter((s) => wanted.length === 0 || wanted.includes(s.name));
  const machine = await machineInfo();
  const forks = options.forks ?? (options.quick ? DEFAULT_FORKS.quick : DEFAULT_FORKS.full);
  const how = options.counters === 'callgrind' ? `--counters callgrind${options.cacheSim ? ' --cache-sim' : ''}: each under valgrind, instructions simulated by callgrind` : `in-process suites in ${forks} fork${forks === 1 ? '' : 's'} each`;
  console.log(`prtip-perf bench${options.quick ? ' --quick' : ''}: ${selected.map((s) => s.name).join(', ')} (${how})\nmachine: ${machineSummary(machine)}`);

  const line = new ProgressLine();
  const controller = new AbortController();
  // tinybench adds one abort listener per task; the default cap of 10 would warn about a leak that is not one.
  setMaxListeners(1000, controller.signal);
  // Every suite (and every tinybench task in it) listens on this one signal.
  setMaxListeners(1000, controller.signal);
  let running = '';
  const interrupts = interruptHandler(controller, line, () => running);
  const results = new Map<string, SuiteResult>();
  try {
    try {
      for (const [i, entry] of selected.entries()) {
        // A suite with synchronous loops blocks the event loop, so a Ctrl-C pressed during it
        // is only seen now: let it be handled before deciding to start the next suite.
        await signalsDelivered();
        if (controller.signal.aborted) {
          results.set(entry.name, notRun(entry.name, `not run: interrupted by ${interrupts.signal() === 'SIGINT' ? 'Ctrl-C' : interrupts.signal()}`));
          continue;
        }
        running = entry.name;
        line.begin(`${i + 1}/${selected.length} ${entry.name}`);
        const ctx: SuiteContext = {
          quick: options.quick,
          ...(options.prtip !== undefined ? { prtip: options.prtip } : {}),
          ...(criterion ? { criterion } : {}),
          signal: controller.signal,
          progress: (message, done, total) => line.update(message, done, total),
          previous: results,
        };
        load.beginSuite();
        const result = options.counters === 'callgrind' ? await runSuiteUnderCallgrind(entry.name, ctx, { cacheSim: options.cacheSim }) : await runSuite(entry, ctx, forks);
        load.endSuite(entry.name);
        running = '';
        line.clear();
        results.set(entry.name, result);
        printSuite(result);
      }
    } finally {
      running = '';
      line.clear();
    }
    // A suite whose loops are synchronous blocks the event loop, so a signal that came during the
    // last one has not been handled yet: the handlers stay installed, and this lets it through
    // before the result records whether the run was interrupted.
    await signalsDelivered();

    // Reports are read by people who did not write the harness: reasons and warnings without stack traces.
    const suites = [...results.values()].map(cleanSuite);
    const machineLoad = load.finish();
    const result: BenchResult = {
      kind: 'prtip-perf/bench-result',
      version: BENCH_RESULT_VERSION,
      startedAt: startedAt.toISOString(),
      durationMs: Date.now() - startedAt.getTime(),
      options: { quick: options.quick, suites: selected.map((s) => s.name), prtip: options.prtip ?? null },
      interrupted: controller.signal.aborted,
      machine,
      ...(machineLoad ? { machineLoad } : {}),
      suites,
      // Claims are judged once, here, on what the suites measured and on every criterion run.
      claims: judgeClaims(measurementsOf(suites, criterionRuns)),
    };

    console.log('\n' + formatTable(claimsTable(result.claims), { maxCellWidth: 40 }));
    if (result.claims.length === 0) console.log('  (no suite stated a claim in this run)');

    let comparison: BaselineComparison | undefined;
    if (baseline !== undefined && options.baseline !== undefined) {
      comparison = compareResults(baseline, result, options.baseline, {
        noiseThresholdPct: options.noiseThresholdPct,
        ...(options.failOnRegressionPct !== undefined ? { gatePct: options.failOnRegressionPct } : {}),
      });
      const counts = verdictCounts(comparison);
      console.log('\n' + formatTable(comparisonTable(comparison)));
      console.log(`  ${counts.improved} improved, ${counts.regressed} regressed, ${counts['too noisy']} too noisy to gate, ${counts['no change']} no change, ${counts['cannot tell']} cannot tell, ${counts.new} new, ${counts.missing} missing`);
    }

    const outDir = resolve(options.out);
    let wrote;
    try {
      wrote = writeResults(outDir, result, comparison);
    } catch (err) {
      console.error(`prtip-perf bench: cannot write the results to ${outDir} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); the folder still holds the previous run, untouched`);
      return EXIT.suiteFailed;
    }
    const { written, removed, warnings, note } = wrote;
    for (const w of warnings) console.error(`prtip-perf bench: warning: ${w}`);
    if (note !== undefined) console.error(`prtip-perf bench: note: ${note}`);
    console.log(`\nwrote ${written.length} files to ${outDir}: ${written.map((f) => f.slice(outDir.length + 1)).join(', ')}`);
    if (removed.length > 0) console.log(`removed what an earlier run wrote there (hash recorded in its manifest unchanged) and this one did not write: ${removed.join(', ')}`);

    if (options.saveBaseline !== undefined) {
      if (result.interrupted) console.error(`not saving baseline "${options.saveBaseline}": the run was interrupted, so it is incomplete`);
      else console.log(`saved baseline "${options.saveBaseline}" to ${saveBaseline(result, options.saveBaseline, options.baselineDir)}`);
    }

    const goal = options.quick ? GOAL_MS.quick : GOAL_MS.full;
    const selectedAll = selected.length === SUITES.length;
    console.log(`took ${(result.durationMs / 1000).toFixed(1)} s${selectedAll && !result.interrupted ? ` (goal ≤ ${goal / 1000} s: ${result.durationMs <= goal ? 'met' : 'missed'})` : ''}`);

    if (result.interrupted) return exitCodeFor(interrupts.signal());
    // A signal while the results were being written: they are complete, but the signal is still honoured.
    await signalsDelivered();
    const late = interrupts.signal();
    if (late !== undefined) {
      console.error(`prtip-perf bench: got ${late} after every suite had finished; the results above are complete and were written in full`);
      return exitCodeFor(late);
    }
    if (comparison && options.failOnRegressionPct !== undefined) {
      const noisy = tooNoisyToGate(comparison, options.failOnRegressionPct);
      if (noisy.length > 0) {
        console.log(`\nregression gate: ${noisy.length} metric(s) too noisy to gate at ${options.failOnRegressionPct}% (their processes differ by more than that; they do not fail the gate):`);
        for (const r of noisy) console.log(`  ${r.name}: ${r.changePct! >= 0 ? '+' : ''}${r.changePct!.toFixed(1)}%, between-process noise ${r.noisePct!.toFixed(1)}%`);
      }
      const bad = regressionsBeyond(comparison, options.failOnRegressionPct);
      if (bad.length > 0) {
        console.error(`\nregression gate: ${bad.length} metric(s) regressed by ${options.failOnRegressionPct}% or more against "${comparison.baselineName}":`);
        for (const r of bad) console.error(`  ${r.name}: ${r.changePct! >= 0 ? '+' : ''}${r.changePct!.toFixed(1)}% (${r.better} is better, p=${r.p === null ? 'n/a' : r.p.toPrecision(2)}, between-process noise ${r.noisePct === null ? 'n/a' : `${r.noisePct.toFixed(1)}%`})`);
        return EXIT.regression;
      }
      console.log(`regression gate: no metric regressed by ${options.failOnRegressionPct}% or more`);
      const compareOnly = comparison.rows.filter((r) => r.crossRun === 'compare-only').length;
      if (compareOnly > 0) console.log(`regression gate: ${compareOnly} whole-binary metric(s) cannot be judged across runs (one invocation a side); compare two builds in one invocation: ${COMPARE_HINT}`);
    }
    return suites.some((s) => s.status === 'failed') ? EXIT.suiteFailed : EXIT.ok;
  } finally {
    // only now: a signal up to the end of the run is handled by us, not lost
    interrupts.remove();
  }
}

if (process.argv[1] !== undefined && pathToFileURL(process.argv[1]).href === import.meta.url) {
  process.exitCode = await benchCommand(process.argv.slice(2));
}
