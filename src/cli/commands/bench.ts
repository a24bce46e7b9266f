/**
 * `prtip-perf bench` (= npm run bench): every suite in order, their tables and the claims
 * table on the terminal, and the results folder (one file per exporter, src/report/exporters.ts).
 * Optional baselines and a CI gate. The suites themselves live in bench/: the CLI entry
 * (bench/cli.ts) hands their registry in, so the library never imports its suites.
 */
import { setMaxListeners } from 'node:events';
import { resolve } from 'node:path';
import {
  type BaselineComparison, DEFAULT_BASELINE_DIR, DEFAULT_NOISE_THRESHOLD_PCT, compareResults, comparisonTable, loadBaseline,
  COMPARE_HINT, regressionsBeyond, saveBaseline, tooNoisyToGate, validateBaselineName, verdictCounts,
} from '../../analyse/baseline.js';
import { ProgressLine } from '../../core/progress.js';
import { formatTable } from '../../core/text.js';
import { nearNames } from '../../core/validate.js';
import { judgeClaims, measurementsOf } from '../../judge/index.js';
import { backendChoices, COUNTER_BACKENDS, type CounterBackendName, counterBackend, DEFAULT_COUNTER_BACKEND } from '../../measure/backends/index.js';
import { type CriterionResults, criterionOption } from '../../measure/criterion.js';
import { exitStatusFor, sweepAndSay } from '../../measure/leftovers.js';
import { MachineLoadMeter } from '../../measure/machine-load.js';
import { machineInfo, machineSummary } from '../../measure/machine.js';
import { skippedSuite, type SuiteContext } from '../../measure/suite.js';
import { BENCH_RESULT_VERSION, type BenchResult, type SuiteResult } from '../../model/result.js';
import { claimsTable } from '../../report/claims.js';
import { exportedFiles } from '../../report/exporters.js';
import { cleanSuite } from '../../report/failures.js';
import { checkResultsFolder, ResultsFolderError, writeResultsFolder } from '../../report/results-folder.js';
import { printSuite } from '../../report/suite-text.js';
import { checked, collect, EXIT, newCommand, parseCommandLine, UsageError } from '../program.js';

/** The suites, handed in by the CLI entry: their names in run order, the counter backends it runs them on, and how to run one. */
export interface SuiteRegistry {
  names: readonly string[];
  /** The values --counters takes: backends (src/measure/backends/) the suites can run on, the default first. */
  counters: readonly CounterBackendName[];
  run(name: string, ctx: SuiteContext, how: { forks: number; counters: CounterBackendName; cacheSim: boolean }): Promise<SuiteResult>;
}

/** Forks per in-process suite unless --forks says otherwise: enough for a between-process test, within the time goals. */
export const DEFAULT_FORKS = { quick: 4, full: 5 } as const;

const DEFAULT_OUT = 'results';
const GOAL_MS = { quick: 60_000, full: 300_000 };

function usage(suites: readonly string[]): string {
  return `Usage: prtip-perf bench [options]      (also: npm run bench -- [options])

Runs every benchmark suite (${suites.join(', ')}), prints their tables
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

exit status: 0 ok, ${EXIT.failure} a suite failed, ${EXIT.usage} bad options, ${EXIT.regression} regression beyond
--fail-on-regression, ${EXIT.interrupted} interrupted by Ctrl-C (${EXIT.terminated} by SIGTERM, 129 by SIGHUP); finished results are still written.`;
}

/** The parsed command line. */
export interface BenchOptions {
  /** --help or --version: the text to print instead of running. */
  print?: string;
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
  counters: CounterBackendName;
  /** With callgrind: simulate the caches too. */
  cacheSim: boolean;
}

function percent(option: string, text: string): number {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v) || v < 0 || v > 1000) throw new RangeError(`${option}: expected a percentage between 0 and 1000, got "${text}"`);
  return v;
}

/** The commander parser of bench's options; the help is USAGE, as it always was. */
function benchParser(suites: readonly string[], backends: readonly CounterBackendName[]): ReturnType<typeof newCommand> {
  const command = newCommand('bench', 'Runs the benchmark suites.')
    .option('--quick').option('--cache-sim')
    .option('--suite <names>', '', collect)
    .option('--counters <backend>', '', checked((v) => countersOption(v, backends)))
    .option('--forks <n>', '', checked((v) => {
      const n = Number(v);
      if (v.trim() === '' || !Number.isInteger(n) || n < 1 || n > 100) throw new RangeError(`--forks: expected an integer from 1 to 100, got "${v}"`);
      return n;
    }))
    .option('--prtip <path>').option('--criterion <dir>', '', collect).option('--criterion-baseline <name>').option('--out <dir>')
    .option('--save-baseline <name>', '', checked((v) => validateBaselineName(v, '--save-baseline')))
    .option('--baseline <name>', '', checked((v) => validateBaselineName(v, '--baseline')))
    .option('--baseline-dir <dir>')
    .option('--noise-threshold <pct>', '', checked((v) => percent('--noise-threshold', v)))
    .option('--fail-on-regression <pct>', '', checked((v) => percent('--fail-on-regression', v)));
  command.helpInformation = () => usage(suites) + '\n';
  return command;
}

/** --counters NAME: a backend the suites run on (a backend of the registry that bench cannot run on says so). */
function countersOption(value: string, backends: readonly CounterBackendName[]): CounterBackendName {
  if (!(COUNTER_BACKENDS as readonly string[]).includes(value)) throw new RangeError(`--counters: expected one of ${backends.join(', ')}, got "${value}"`);
  if (!(backends as readonly string[]).includes(value)) throw new RangeError(`--counters: bench runs its suites on ${backendChoices(backends)}; "${value}" is a counter backend without a suite runner (bench/index.ts RUNNERS)`);
  return value as CounterBackendName;
}

/** --suite NAME[,NAME…] (repeatable), each a known suite, in order, once. */
function suitesOption(values: readonly string[], known: readonly string[]): string[] {
  const chosen: string[] = [];
  for (const name of values.flatMap((v) => v.split(',')).filter((n) => n)) {
    if (!known.includes(name)) {
      const near = nearNames(name, known);
      throw new UsageError(`--suite: unknown suite "${name}"${near.length ? ` (did you mean ${near.join(' or ')}?)` : ''}; suites: ${known.join(', ')}`);
    }
    if (!chosen.includes(name)) chosen.push(name);
  }
  return chosen;
}

/** Parses bench's options; a UsageError (a RangeError) names the offending option. */
export function parseBenchArgs(argv: readonly string[], suites: readonly string[], backends: readonly CounterBackendName[] = [DEFAULT_COUNTER_BACKEND]): BenchOptions {
  const parsed = parseCommandLine(benchParser(suites, backends), argv);
  const base = { quick: false, counters: DEFAULT_COUNTER_BACKEND, cacheSim: false, suites: [], criterion: [], out: DEFAULT_OUT, baselineDir: DEFAULT_BASELINE_DIR, noiseThresholdPct: DEFAULT_NOISE_THRESHOLD_PCT };
  if (parsed.kind === 'print') return { ...base, print: parsed.text };
  if (parsed.operands.length > 0) throw new UsageError(`bench: takes no arguments, got "${parsed.operands[0]}" (see prtip-perf bench --help)`);
  const v = parsed.options as Record<string, string | string[] | number | boolean | undefined>;
  const o: BenchOptions = {
    ...base,
    quick: v['quick'] === true, cacheSim: v['cacheSim'] === true,
    suites: suitesOption((v['suite'] as string[] | undefined) ?? [], suites),
    criterion: (v['criterion'] as string[] | undefined) ?? [],
    ...(v['counters'] !== undefined ? { counters: v['counters'] as CounterBackendName } : {}),
    ...(v['forks'] !== undefined ? { forks: v['forks'] as number } : {}),
    ...(v['prtip'] !== undefined ? { prtip: v['prtip'] as string } : {}),
    ...(v['criterionBaseline'] !== undefined ? { criterionBaseline: v['criterionBaseline'] as string } : {}),
    ...(v['out'] !== undefined ? { out: v['out'] as string } : {}),
    ...(v['saveBaseline'] !== undefined ? { saveBaseline: v['saveBaseline'] as string } : {}),
    ...(v['baseline'] !== undefined ? { baseline: v['baseline'] as string } : {}),
    ...(v['baselineDir'] !== undefined ? { baselineDir: v['baselineDir'] as string } : {}),
    ...(v['noiseThreshold'] !== undefined ? { noiseThresholdPct: v['noiseThreshold'] as number } : {}),
    ...(v['failOnRegression'] !== undefined ? { failOnRegressionPct: v['failOnRegression'] as number } : {}),
  };
  const simulating = backends.filter((b) => counterBackend(b).command?.switches.some((s) => s.name === 'cache-sim'));
  if (o.cacheSim && !simulating.includes(o.counters)) throw new UsageError(`--cache-sim needs --counters ${simulating.join(' or ') || '(a backend that simulates caches)'} (the cache misses are its simulation)`);
  if (o.failOnRegressionPct !== undefined && o.baseline === undefined) throw new UsageError('--fail-on-regression needs --baseline NAME (what would it compare with?)');
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

/** Writes every export into `dir` (src/report/exporters.ts), with manifest.json listing them. */
export function writeResults(dir: string, result: BenchResult, comparison?: BaselineComparison): ReturnType<typeof writeResultsFolder> {
  return writeResultsFolder(dir, result.startedAt, exportedFiles(result, comparison));
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

/** What the door checks give the run: the baseline and criterion runs, or the exit status that refused it. */
async function atTheDoor(options: BenchOptions): Promise<{ baseline: BenchResult | undefined; criterionRuns: CriterionResults[] } | number> {
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
  try {
    const criterionRuns = criterionOption(options.criterion, options.criterionBaseline);
    for (const c of criterionRuns) console.log(`criterion: ${c.benchmarks.length} benchmarks in ${c.dir} (baseline "${c.baseline}")`);
    return { baseline, criterionRuns };
  } catch (err) {
    if (!(err instanceof RangeError) && !(err instanceof TypeError)) throw err;
    console.error(`prtip-perf bench: ${err.message}`);
    return EXIT.usage;
  }
}

/** One invocation's run: the interrupt handling, the machine's load, and each suite's result. */
interface Run {
  startedAt: Date;
  machine: Awaited<ReturnType<typeof machineInfo>>;
  selected: string[];
  results: Map<string, SuiteResult>;
  controller: AbortController;
  interrupts: ReturnType<typeof interruptHandler>;
  load: MachineLoadMeter;
}

/** Runs the selected suites in order, each printed as it ends; a signal stops the rest and lets the running one clean up. */
async function runSuites(options: BenchOptions, registry: SuiteRegistry, criterion: CriterionResults | undefined): Promise<Run> {
  const startedAt = new Date();
  const load = new MachineLoadMeter();
  // Criterion results given: their suite runs even when --suite did not name it.
  const wanted = criterion && options.suites.length > 0 && !options.suites.includes('criterion') ? [...options.suites, 'criterion'] : options.suites;
  const selected = registry.names.filter((s) => wanted.length === 0 || wanted.includes(s));
  const machine = await machineInfo();
  const forks = options.forks ?? (options.quick ? DEFAULT_FORKS.quick : DEFAULT_FORKS.full);
  const how = options.counters !== DEFAULT_COUNTER_BACKEND
    ? `--counters ${options.counters}${options.cacheSim ? ' --cache-sim' : ''}: ${counterBackend(options.counters).summary}`
    : `in-process suites in ${forks} fork${forks === 1 ? '' : 's'} each`;
  console.log(`prtip-perf bench${options.quick ? ' --quick' : ''}: ${selected.join(', ')} (${how})\nmachine: ${machineSummary(machine)}`);
  const line = new ProgressLine();
  const controller = new AbortController();
  // Every suite (and every tinybench task in it) listens on this one signal: the default cap of 10 would warn about a leak that is not one.
  setMaxListeners(1000, controller.signal);
  let running = '';
  const interrupts = interruptHandler(controller, line, () => running);
  const results = new Map<string, SuiteResult>();
  try {
    for (const [i, name] of selected.entries()) {
      // A suite with synchronous loops blocks the event loop, so a Ctrl-C pressed during it
      // is only seen now: let it be handled before deciding to start the next suite.
      await signalsDelivered();
      if (controller.signal.aborted) {
        results.set(name, skippedSuite(name, name, `not run: interrupted by ${interrupts.signal() === 'SIGINT' ? 'Ctrl-C' : interrupts.signal()}`));
        continue;
      }
      running = name;
      line.begin(`${i + 1}/${selected.length} ${name}`);
      const ctx: SuiteContext = {
        quick: options.quick,
        ...(options.prtip !== undefined ? { prtip: options.prtip } : {}),
        ...(criterion ? { criterion } : {}),
        signal: controller.signal,
        progress: (message, done, total) => line.update(message, done, total),
        previous: results,
      };
      load.beginSuite();
      const result = await registry.run(name, ctx, { forks, counters: options.counters, cacheSim: options.cacheSim });
      load.endSuite(name);
      running = '';
      line.clear();
      results.set(name, result);
      printSuite(result);
    }
  } finally {
    running = '';
    line.clear();
  }
  return { startedAt, machine, selected, results, controller, interrupts, load };
}

/** The run's result: the suites (reasons without stack traces), the machine, and every claim judged once. */
async function resultOf(run: Run, options: BenchOptions, criterionRuns: readonly CriterionResults[]): Promise<BenchResult> {
  // A suite whose loops are synchronous blocks the event loop, so a signal that came during the
  // last one has not been handled yet: this lets it through before the result records whether
  // the run was interrupted.
  await signalsDelivered();
  const suites = [...run.results.values()].map(cleanSuite);
  const machineLoad = run.load.finish();
  return {
    kind: 'prtip-perf/bench-result',
    version: BENCH_RESULT_VERSION,
    startedAt: run.startedAt.toISOString(),
    durationMs: Date.now() - run.startedAt.getTime(),
    options: { quick: options.quick, suites: run.selected, prtip: options.prtip ?? null },
    interrupted: run.controller.signal.aborted,
    machine: run.machine,
    ...(machineLoad ? { machineLoad } : {}),
    suites,
    // Claims are judged once, here, on what the suites measured and on every criterion run.
    claims: judgeClaims(measurementsOf(suites, criterionRuns)),
  };
}

/** The claims table, and the comparison with the baseline when there is one. */
function tabulate(result: BenchResult, baseline: BenchResult | undefined, options: BenchOptions): BaselineComparison | undefined {
  console.log('\n' + formatTable(claimsTable(result.claims), { maxCellWidth: 40 }));
  if (result.claims.length === 0) console.log('  (no suite stated a claim in this run)');
  if (baseline === undefined || options.baseline === undefined) return undefined;
  const comparison = compareResults(baseline, result, options.baseline, {
    noiseThresholdPct: options.noiseThresholdPct,
    ...(options.failOnRegressionPct !== undefined ? { gatePct: options.failOnRegressionPct } : {}),
  });
  const counts = verdictCounts(comparison);
  console.log('\n' + formatTable(comparisonTable(comparison)));
  console.log(`  ${counts.improved} improved, ${counts.regressed} regressed, ${counts['too noisy']} too noisy to gate, ${counts['no change']} no change, ${counts['cannot tell']} cannot tell, ${counts.new} new, ${counts.missing} missing`);
  return comparison;
}

/** Writes the results folder and the baseline; false when the folder could not be written (the previous run stays). */
function writeAll(result: BenchResult, comparison: BaselineComparison | undefined, options: BenchOptions): boolean {
  const outDir = resolve(options.out);
  let wrote;
  try {
    wrote = writeResults(outDir, result, comparison);
  } catch (err) {
    console.error(`prtip-perf bench: cannot write the results to ${outDir} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); the folder still holds the previous run, untouched`);
    return false;
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
  return true;
}

/** --fail-on-regression: EXIT.regression when a metric regressed by PCT % or more, else undefined. */
function gate(comparison: BaselineComparison | undefined, failPct: number | undefined): number | undefined {
  if (!comparison || failPct === undefined) return undefined;
  const noisy = tooNoisyToGate(comparison, failPct);
  if (noisy.length > 0) {
    console.log(`\nregression gate: ${noisy.length} metric(s) too noisy to gate at ${failPct}% (their processes differ by more than that; they do not fail the gate):`);
    for (const r of noisy) console.log(`  ${r.name}: ${r.changePct! >= 0 ? '+' : ''}${r.changePct!.toFixed(1)}%, between-process noise ${r.noisePct!.toFixed(1)}%`);
  }
  const bad = regressionsBeyond(comparison, failPct);
  if (bad.length > 0) {
    console.error(`\nregression gate: ${bad.length} metric(s) regressed by ${failPct}% or more against "${comparison.baselineName}":`);
    for (const r of bad) console.error(`  ${r.name}: ${r.changePct! >= 0 ? '+' : ''}${r.changePct!.toFixed(1)}% (${r.better} is better, p=${r.p === null ? 'n/a' : r.p.toPrecision(2)}, between-process noise ${r.noisePct === null ? 'n/a' : `${r.noisePct.toFixed(1)}%`})`);
    return EXIT.regression;
  }
  console.log(`regression gate: no metric regressed by ${failPct}% or more`);
  const compareOnly = comparison.rows.filter((r) => r.crossRun === 'compare-only').length;
  if (compareOnly > 0) console.log(`regression gate: ${compareOnly} whole-binary metric(s) cannot be judged across runs (one invocation a side); compare two builds in one invocation: ${COMPARE_HINT}`);
  return undefined;
}

/** How the run ends: an interruption (128 + N), a late signal, the gate, a failed suite, or 0. */
async function exitStatus(result: BenchResult, run: Run, comparison: BaselineComparison | undefined, options: BenchOptions): Promise<number> {
  if (result.interrupted) return exitCodeFor(run.interrupts.signal());
  // A signal while the results were being written: they are complete, but the signal is still honoured.
  await signalsDelivered();
  const late = run.interrupts.signal();
  if (late !== undefined) {
    console.error(`prtip-perf bench: got ${late} after every suite had finished; the results above are complete and were written in full`);
    return exitCodeFor(late);
  }
  return gate(comparison, options.failOnRegressionPct) ?? (result.suites.some((s) => s.status === 'failed') ? EXIT.failure : EXIT.ok);
}

/** `prtip-perf bench`: parse, check at the door, run the suites, judge, compare, write, gate. Returns the exit status. */
export async function benchCommand(argv: readonly string[], registry: SuiteRegistry): Promise<number> {
  let options: BenchOptions;
  try {
    options = parseBenchArgs(argv, registry.names, registry.counters);
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    console.error(`prtip-perf bench: ${err.message.replace(/^bench: /, '')}`);
    return EXIT.usage;
  }
  if (options.print !== undefined) {
    console.log(options.print.replace(/\n$/, ''));
    return EXIT.ok;
  }
  const door = await atTheDoor(options);
  if (typeof door === 'number') return door;
  // The side-by-side table shows the first criterion run; the claims are judged on every run.
  const run = await runSuites(options, registry, door.criterionRuns[0]);
  try {
    const result = await resultOf(run, options, door.criterionRuns);
    const comparison = tabulate(result, door.baseline, options);
    if (!writeAll(result, comparison, options)) return EXIT.failure;
    const goal = options.quick ? GOAL_MS.quick : GOAL_MS.full;
    const all = run.selected.length === registry.names.length;
    console.log(`took ${(result.durationMs / 1000).toFixed(1)} s${all && !result.interrupted ? ` (goal ≤ ${goal / 1000} s: ${result.durationMs <= goal ? 'met' : 'missed'})` : ''}`);
    return await exitStatus(result, run, comparison, options);
  } finally {
    // only now: a signal up to the end of the run is handled by us, not lost
    run.interrupts.remove();
  }
}
