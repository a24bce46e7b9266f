/**
 * `prtip-perf stat`: perf stat -r for any command, with hyperfine's loop and interface.
 *   prtip-perf stat [-e events] [-r runs] [-x SEP] [-o FILE [--append]] [--json FILE|-] -- cmd args…
 *   prtip-perf stat --shell 'cmd one' 'cmd two'            (compares them)
 *   prtip-perf stat -P n 1 4 --shell 'prtip -p 1-{n}000 127.0.0.1'   (a parameter scan)
 *
 * Parsing is commander's (src/cli/program.ts); hyperfine's multi-value -P/-L are folded
 * into one argument first. The plan (commands × parameter values) is built before anything
 * runs, so every usage error exits 2 before the first run.
 */
import { appendFileSync } from 'node:fs';
import { checkOutputFile, writeFileAtomic as writeFileSync } from '../../report/results-folder.js'; // each export whole: temp, fsync, rename
import type { Command } from 'commander';
import { checked, collect, EXIT, foldMultiValueOptions, newCommand, parseCommandLine, unfold, UsageError } from '../program.js';
import { combinations, listAxis, type ParameterAxis, scanAxis, substitute } from '../parameters.js';
import { shellQuote } from '../quote.js';
import { hyperfineBlock, perfBlock, perfCsv, TIME_UNITS, type TimeUnit } from '../stat-output.js';
import { parseEventGroups } from '../../measure/counters.js';
import { PerfError } from '../../core/errors.js';
import { hyperfineCsv, hyperfineEntry, type HyperfineExport, hyperfineJson, hyperfineMarkdown, type HyperfineResult } from '../../report/hyperfine.js';
import { analyse, type BenchmarkOptions, benchmarkCommand, type CommandResult, compare, type Comparison, sampledRuns, warningText } from '../../measure/runner/benchmark.js';
import { DEFAULT_RUN_EVENTS } from '../../measure/runner/events.js';
import type { CommandSpec } from '../../measure/runner/executor.js';
import { expectRuns, type RunRecord } from '../../measure/runner/spawn.js';
import { backendStatCommand, takeCountersOption } from './stat-backend.js';
import { COUNTER_BACKEND_LIST, DEFAULT_COUNTER_BACKEND } from '../../measure/backends/index.js';
import { exitStatusFor, sweepAndSay } from '../../measure/leftovers.js';

const AFTER_HELP = `
The command runs without a shell unless --shell is given. -P/-L replace {VAR} in the command,
its -n name and its hooks, and benchmark every value (hyperfine's parameter scans).

Output: hyperfine's timing lines on stdout, then perf stat's counter block on stderr (as
perf stat writes it; -o FILE writes it to FILE, --append adds to FILE): task-clock in msec
with "CPUs utilized", other counts with a rate per second of task-clock, and ( +- x% ), the
standard error of the mean over the runs, as perf prints it. Events that cannot be counted
here show <not supported> and the reason. -x SEP writes perf stat -x's CSV lines instead of
the block, to the same place (so "-x, -- cmd 2>f.csv" and "-x, -o f.csv" both fill f.csv).

Events: perf's names (prtip-perf events), category:name tracepoints, rNNNN raw events; the
modifiers :u (user space only) and :k (kernel only); as in perf, each event is a perf_event
group of its own and {a,b} opens a and b as one group, scheduled together ({a,b}:u = a:u,b:u).
Without -e the default events are one group.
With --counters NAME another counter backend counts the command instead, run N times, each
event reported per run (prtip-perf stat --counters NAME --help):
${COUNTER_BACKEND_LIST.filter((b) => b.command).map((b) => `  ${b.name.padEnd(11)}${b.summary}`).join('\n')}

Each run gets a cgroup v2 of its own where the machine allows it: whatever the command
started (daemons included) is killed when it ends, at a timeout, or when stat gets SIGINT,
SIGTERM or SIGHUP (then the finished runs are summarised and stat exits 128 + the signal's
number). Without cgroups its process group is killed, and orphaned descendants are; stat
warns that others may survive. Runs killed at the --timeout (kept with -i) are not samples.

exit status: 0 ok, 1 the command failed (without -i) or stat could not measure it, 2 bad
options, 128+N stopped by signal N.`;

/** hyperfine's multi-value options and how many values each takes. */
const MULTI_VALUE = { '--parameter-scan': 3, '--parameter-list': 2 } as const;

function count(flag: string): (v: string) => number {
  return checked((v) => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isInteger(n)) throw new RangeError(`${flag} must be a whole number, got "${v}"`);
    if (n <= 0) throw new RangeError(`${flag} must be at least 1, got ${n}`);
    return expectRuns(flag, n);
  });
}

function seconds(flag: string): (v: string) => number {
  return checked((v) => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n) || n < 0) throw new RangeError(`${flag} must be a number of seconds ≥ 0, got "${v}"`);
    return n;
  });
}

/** A timeout of 0 s would kill every run at once: SEC must be more than 0. */
function timeoutSeconds(flag: string): (v: string) => number {
  return checked((v) => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n) || n <= 0) throw new RangeError(`${flag} must be a number of seconds > 0, got "${v}"`);
    return n;
  });
}

/** 0 turns the RSS timeline off; below 0.1 ms the sampler cannot keep up (spawn refuses it). */
function rssIntervalMs(flag: string): (v: string) => number {
  return checked((v) => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n) || n < 0 || (n > 0 && n < 0.1) || n > 3600e3) throw new RangeError(`${flag} must be 0 (off) or milliseconds from 0.1 to 3600000, got "${v}"`);
    return n;
  });
}

/** perf stat refuses an unwritable -o before it runs the command: so do --json and --export-*. */
function refuseUnwritableOutputs(args: StatArgs): void {
  const outputs: [string | undefined, string][] = [[args.json, '--json'], [args.exportJson, '--export-json'], [args.exportMarkdown, '--export-markdown'], [args.exportCsv, '--export-csv']];
  for (const [path, option] of outputs) {
    try {
      if (path !== undefined) checkOutputFile(path, option);
    } catch (err) {
      throw new UsageError(`stat: ${(err as Error).message}`);
    }
  }
}

/** The stat parser: one definition gives the help text, the checks and the errors. */
function statProgram(): Command {
  return newCommand('stat', 'Runs a command repeatedly with counters on it from its first instruction (software events,\nsyscall tracepoints, hardware events where present).')
    .usage(`[options] -- cmd args...\n       prtip-perf stat [options] --shell 'command one' ['command two' ...]`)
    .argument('[command...]', 'the command (after --), or with --shell one shell command per argument')
    .option('-e, --events <list>', `events to count, comma-separated; repeatable (default: ${DEFAULT_RUN_EVENTS.length} events, see prtip-perf events)`, collect)
    .option('-r, --runs <N>', 'exactly N measured runs (default: at least 10 and 3 s)', count('-r/--runs'))
    .option('-m, --min-runs <N>', 'at least N runs (default 10)', count('-m/--min-runs'))
    .option('-M, --max-runs <N>', 'at most N runs (default 10000)', count('-M/--max-runs'))
    .option('--min-time <SEC>', 'keep running for at least SEC seconds (default 3)', seconds('--min-time'))
    .option('-w, --warmup <N>', 'warm-up runs (default 1)', checked((v) => {
      const n = Number(v);
      if (v.trim() === '' || !Number.isInteger(n) || n < 0) throw new RangeError(`-w/--warmup must be a whole number ≥ 0, got "${v}"`);
      return n;
    }))
    .option('-p, --prepare <CMD>', 'shell command before every run')
    .option('-C, --conclude <CMD>', 'shell command after every run (hyperfine -C)')
    .option('-s, --setup <CMD>', 'shell command once before the runs')
    .option('-c, --cleanup <CMD>', 'shell command once after the runs (hyperfine -c)')
    .option('-t, --timeout <SEC>', 'kill the run, and all it started, after SEC seconds', timeoutSeconds('-t/--timeout'))
    .option('-i, --ignore-failure', 'keep measuring when the command exits non-zero')
    .option('--shell', 'run the command(s) through /bin/sh -c (no shell otherwise)')
    .option('--show-output', 'let the command write to this terminal (default: /dev/null)')
    .option('--rss-interval <MS>', 'RSS timeline sampling interval (default 5; 0 = off)', rssIntervalMs('--rss-interval'))
    .option('-n, --command-name <NAME>', 'name shown for a command; once per command, in order (hyperfine -n)', collect)
    .option('-P, --parameter-scan <VAR MIN MAX>', 'benchmark each value MIN..MAX of {VAR} (hyperfine -P)')
    .option('-D, --parameter-step-size <DELTA>', 'step of -P (default 1)')
    .option('-L, --parameter-list <VAR VALUES>', 'benchmark each of the comma-separated VALUES of {VAR}; repeatable (hyperfine -L)', collect)
    .option('-u, --time-unit <UNIT>', `unit of the times shown and of --export-markdown: ${TIME_UNITS.join(' or ')} (default: automatic)`, checked((v) => {
      if (!(TIME_UNITS as readonly string[]).includes(v)) throw new RangeError(`--time-unit must be ${TIME_UNITS.join(' or ')}, got "${v}"`);
      return v;
    }))
    .option('-x, --field-separator <SEP>', "print perf stat -x's CSV lines, fields separated by SEP, instead of the counter block")
    .option('-o, --output <FILE>', "write the counters (the block, or -x's CSV) to FILE instead of stderr (perf stat -o)")
    .option('--append', 'append to the -o FILE instead of replacing it (perf stat --append)')
    .option('-N', "no shell: the default here (accepted for hyperfine's -N)")
    .option('--json <FILE|->', 'write the runs and summary as JSON (- = stdout)')
    .option('--export-json <FILE>', "write hyperfine's JSON (results[]: command, mean, stddev, median, … times, exit_codes, parameters)")
    .option('--export-markdown <FILE>', "write hyperfine's Markdown table")
    .option('--export-csv <FILE>', "write hyperfine's CSV summary (seconds)")
    .addHelpText('after', AFTER_HELP);
}

/** One command to benchmark: what runs, how it is shown, and its parameter values. */
export interface PlannedCommand {
  spec: CommandSpec;
  /** Shown in the text and the exports: -n's name, else the command with its quoting. */
  name: string;
  parameters: Record<string, string>;
  /** Hooks with {VAR} replaced. */
  options: BenchmarkOptions;
}

/** What `prtip-perf stat` was asked to do. */
export interface StatArgs {
  commands: PlannedCommand[];
  /** The options every command shares (its hooks are in PlannedCommand.options). */
  options: BenchmarkOptions;
  /** --json's FILE or "-". */
  json?: string;
  /** -x's separator: perf's CSV instead of the text. */
  fieldSeparator?: string;
  timeUnit?: TimeUnit;
  exportJson?: string;
  exportMarkdown?: string;
  exportCsv?: string;
  /** -o's FILE: the counters go there instead of stderr (perf stat -o). */
  output?: string;
  /** --append: add to the -o FILE instead of replacing it. */
  append?: boolean;
}

interface StatOptions {
  events?: string[];
  runs?: number;
  minRuns?: number;
  maxRuns?: number;
  minTime?: number;
  warmup?: number;
  prepare?: string;
  conclude?: string;
  setup?: string;
  cleanup?: string;
  timeout?: number;
  ignoreFailure?: boolean;
  shell?: boolean;
  showOutput?: boolean;
  rssInterval?: number;
  commandName?: string[];
  parameterScan?: string;
  parameterStepSize?: string;
  parameterList?: string[];
  timeUnit?: TimeUnit;
  fieldSeparator?: string;
  json?: string;
  exportJson?: string;
  exportMarkdown?: string;
  exportCsv?: string;
  output?: string;
  append?: boolean;
  N?: boolean;
}

/** hyperfine's --output values (where the command's own output goes); here -o is perf's FILE for the counters. */
const HYPERFINE_OUTPUT_VALUES = ['null', 'pipe', 'inherit'];

/** -o/--append/-N: perf's counter file, and what a hyperfine user may mean by the same words. */
function checkOutputOptions(o: StatOptions): void {
  if (o.append && o.output === undefined) throw new RangeError('stat: --append needs -o/--output FILE (it appends the counters to FILE)');
  if (o.output === '') throw new RangeError('stat: -o/--output must name a file');
  if (o.output !== undefined && HYPERFINE_OUTPUT_VALUES.includes(o.output)) {
    throw new RangeError(`stat: -o/--output FILE is perf stat's (the counters go to FILE), got "${o.output}"; for hyperfine's --output=${o.output} use ${o.output === 'inherit' ? '--show-output' : 'the default (the command writes to /dev/null)'}`);
  }
  if (o.N && o.shell) throw new RangeError('stat: -N (no shell) cannot be combined with --shell');
}

/** The parameter axes from -P/-D/-L (hyperfine refuses -P with -L; so does this). */
function parameterAxes(o: StatOptions): ParameterAxis[] {
  if (o.parameterStepSize !== undefined && o.parameterScan === undefined) throw new RangeError('-D/--parameter-step-size needs -P/--parameter-scan');
  if (o.parameterScan !== undefined && o.parameterList !== undefined) throw new RangeError('-P/--parameter-scan cannot be combined with -L/--parameter-list (as in hyperfine)');
  if (o.parameterScan !== undefined) {
    const [name, min, max] = unfold('-P/--parameter-scan', o.parameterScan, ['VAR', 'MIN', 'MAX']) as [string, string, string];
    return [scanAxis(name, min, max, o.parameterStepSize)];
  }
  return (o.parameterList ?? []).map((v) => {
    const [name, values] = unfold('-L/--parameter-list', v, ['VAR', 'VALUES']) as [string, string];
    return listAxis(name, values);
  });
}

function shellHook(cmd: string): CommandSpec {
  return { argv: [cmd], shell: true };
}

/** The commands as given: one argv after "--", or with --shell one shell command per operand. */
function baseCommands(o: StatOptions, operands: string[], endOfOptions: boolean): CommandSpec[] {
  if (operands.length === 0) throw new RangeError('stat: no command given; use: prtip-perf stat [options] -- cmd args...');
  if (o.shell) return endOfOptions ? [{ argv: [operands.join(' ')], shell: true }] : operands.map((c) => ({ argv: [c], shell: true }));
  if (!endOfOptions) throw new RangeError(`stat: put the command after "--" (e.g. prtip-perf stat -- ${operands.join(' ')}), or use --shell`);
  if (operands[0] === '') throw new RangeError('stat: the command must not be empty');
  return [{ argv: operands }];
}

/** Every command × parameter combination, named as hyperfine names them. */
function plan(o: StatOptions, bases: CommandSpec[], axes: ParameterAxis[], shared: BenchmarkOptions): PlannedCommand[] {
  const names = o.commandName ?? [];
  if (names.length > bases.length) throw new RangeError(`stat: ${names.length} -n/--command-name given for ${bases.length} command(s)`);
  for (const axis of axes) {
    const used = bases.some((b) => b.argv.some((a) => a.includes(`{${axis.name}}`)));
    if (!used) throw new RangeError(`stat: parameter "${axis.name}" is never used: no command contains {${axis.name}}`);
  }
  const out: PlannedCommand[] = [];
  bases.forEach((base, i) => {
    for (const parameters of combinations(axes)) {
      const sub = (text: string): string => substitute(text, parameters);
      const argv = base.argv.map(sub);
      const display = base.shell ? argv.join(' ') : shellQuote(argv);
      const name = names[i] !== undefined ? sub(names[i]!) : display;
      const hook = (h: string | undefined): { hook?: CommandSpec } => (h === undefined ? {} : { hook: shellHook(sub(h)) });
      const options: BenchmarkOptions = { ...shared };
      for (const [key, value] of [['prepare', o.prepare], ['conclude', o.conclude], ['setup', o.setup], ['cleanup', o.cleanup]] as const) {
        const h = hook(value).hook;
        if (h) options[key] = h;
      }
      out.push({ spec: { ...base, argv, name }, name, parameters, options });
    }
  });
  return out;
}

/**
 * Parses stat's argv into a plan (exported for tests). Help and --version give text to
 * print; every bad option or value is a UsageError (a RangeError; the CLI exits 2).
 */
export function parseStatArgs(argv: readonly string[]): StatArgs;
export function parseStatArgs(argv: readonly string[], withHelp: true): StatArgs | { print: string };
export function parseStatArgs(argv: readonly string[], withHelp = false): StatArgs | { print: string } {
  const program = statProgram();
  const folded = foldMultiValueOptions(argv, program.options, MULTI_VALUE);
  const parsed = parseCommandLine(program, folded.argv);
  if (parsed.kind === 'print') {
    if (withHelp) return { print: parsed.text };
    throw new UsageError('stat: --help and --version print text; use statCommand()');
  }
  const o = parsed.options as StatOptions;
  try {
    const options: BenchmarkOptions = {};
    if (o.events !== undefined) {
      const { events, groups } = parseEventGroups(o.events.join(','), '-e/--events');
      options.events = events;
      options.eventGroups = groups;
    }
    if (o.runs !== undefined) {
      options.minRuns = o.runs;
      options.maxRuns = o.runs;
      options.minTimeMs = 0;
    }
    if (o.minRuns !== undefined) options.minRuns = o.minRuns;
    if (o.maxRuns !== undefined) options.maxRuns = o.maxRuns;
    if (options.minRuns !== undefined && options.maxRuns !== undefined && options.maxRuns < options.minRuns) {
      throw new RangeError(`stat: --max-runs (${options.maxRuns}) must be at least --min-runs (${options.minRuns})`);
    }
    if (o.minTime !== undefined) options.minTimeMs = o.minTime * 1000;
    if (o.warmup !== undefined) options.warmup = o.warmup;
    if (o.timeout !== undefined) options.timeoutMs = o.timeout * 1000;
    if (o.ignoreFailure) options.ignoreFailure = true;
    if (o.showOutput) options.output = 'inherit';
    if (o.rssInterval !== undefined) options.rssIntervalMs = o.rssInterval;
    if (o.fieldSeparator === '') throw new RangeError('stat: -x/--field-separator must not be empty');
    checkOutputOptions(o);
    const commands = plan(o, baseCommands(o, parsed.operands, folded.endOfOptions >= 0), parameterAxes(o), options);
    return {
      commands,
      options,
      ...(o.json !== undefined ? { json: o.json } : {}),
      ...(o.fieldSeparator !== undefined ? { fieldSeparator: o.fieldSeparator } : {}),
      ...(o.timeUnit !== undefined ? { timeUnit: o.timeUnit } : {}),
      ...(o.exportJson !== undefined ? { exportJson: o.exportJson } : {}),
      ...(o.exportMarkdown !== undefined ? { exportMarkdown: o.exportMarkdown } : {}),
      ...(o.exportCsv !== undefined ? { exportCsv: o.exportCsv } : {}),
      ...(o.output !== undefined ? { output: o.output } : {}),
      ...(o.append ? { append: true } : {}),
    };
  } catch (err) {
    if (err instanceof UsageError || !(err instanceof RangeError || err instanceof TypeError)) throw err;
    throw new UsageError(err.message.startsWith('stat: ') ? err.message : `stat: ${err.message}`);
  }
}

/** The JSON shape of one command (snake_case, as the issue specifies). */
export function resultJson(result: CommandResult): Record<string, unknown> {
  return {
    command: result.argv,
    runs: result.runs.map((r) => ({
      wall_ns: r.wallNs,
      user_ns: r.userNs,
      sys_ns: r.sysNs,
      max_rss_bytes: r.maxRssBytes,
      max_rss_source: r.maxRssSource,
      exit_code: r.exitCode,
      ...(r.signal !== null ? { signal: r.signal } : {}),
      ...(r.timedOut ? { timed_out: true } : {}),
      containment: r.containment,
      ...(r.containmentNote ? { containment_note: r.containmentNote } : {}),
      ...(r.leftoversKilled ? { leftovers_killed: true } : {}),
      counters: Object.fromEntries(
        Object.entries(r.counters).map(([name, c]) => [name, { value: c.value, enabled_ns: c.enabledNs, running_ns: c.runningNs, state: c.state, ...(c.reason ? { reason: c.reason } : {}) }]),
      ),
      ...(r.rss ? { rss_timeline: { t_ns: r.rss.tNs, rss_bytes: r.rss.rssBytes, hwm_bytes: r.rss.hwmBytes, anon_bytes: r.rss.anonBytes } } : {}),
    })),
    summary: {
      runs: result.runs.length,
      warmup_runs: result.warmupRuns,
      wall_ns: result.summary.wall,
      user_ns: result.summary.user,
      sys_ns: result.summary.sys,
      max_rss_bytes: result.summary.maxRss,
      counters: result.summary.counters,
      syscalls: result.summary.syscalls,
      exit_codes: result.summary.exitCodes,
      outliers: result.outliers,
      warnings: result.warnings,
    },
  };
}

/** One command's hyperfine entry: its name, the sampled runs, its parameters. */
function hyperfineResult(c: PlannedCommand, r: CommandResult): HyperfineResult | undefined {
  return hyperfineEntry(c.name, sampledRuns(r.runs), Object.keys(c.parameters).length > 0 ? c.parameters : undefined);
}

/** hyperfine's closing summary: the fastest command, and how much faster it ran than each other one. */
function summaryText(done: { planned: PlannedCommand; result: CommandResult }[]): { text: string; comparisons: Comparison[] } {
  const fastest = done.reduce((a, b) => (b.result.summary.wall.mean < a.result.summary.wall.mean ? b : a));
  const others = done.filter((d) => d !== fastest);
  const comparisons = others.map((d) => compare(fastest.result, d.result));
  const lines = ['Summary', `  '${fastest.planned.name}' ran`];
  for (const [i, c] of comparisons.entries()) {
    const other = others[i]!;
    const test = c.test === 'welch' ? "Welch's t" : 'Mann-Whitney U';
    const p = Number.isNaN(c.p) ? 'n/a' : c.p < 1e-4 ? c.p.toExponential(1) : c.p.toFixed(4);
    lines.push(`    ${c.ratio.ratio.toFixed(2)} ± ${c.ratio.stddev.toFixed(2)} times faster than '${other.planned.name}'   (${test} p = ${p}${c.p < 0.05 ? '' : ', not significant at 0.05'})`);
  }
  return { text: lines.join('\n'), comparisons };
}

/** Signals that stop `stat`: the running command is killed with all it started, the finished runs are summarised. */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
type StopSignal = (typeof STOP_SIGNALS)[number];

/**
 * Measures one planned command with the default backend's counters (perf_event, through the
 * native executor). Other backends have their own form (stat-backend.ts).
 */
function measure(c: PlannedCommand, signal: AbortSignal, onRun: (record: RunRecord) => void): Promise<CommandResult> {
  return benchmarkCommand(c.spec, { ...c.options, signal, onRun: (_name, _i, record) => onRun(record) });
}

/** C's ctime() without the newline, as perf stat's "# started on" line shows the time. */
function ctime(d: Date): string {
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][d.getDay()]!;
  const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getMonth()]!;
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${day} ${month} ${String(d.getDate()).padStart(2)} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())} ${d.getFullYear()}`;
}

/**
 * Where the counters go, as in perf stat: stderr, or -o FILE, which starts (replaced, or
 * with --append added to) with perf's "# started on" line. The file is opened before the
 * first run, so a bad path fails before anything is measured.
 */
function counterWriter(args: StatArgs): (text: string) => void {
  const file = args.output;
  if (file === undefined) return (text) => void process.stderr.write(text + '\n');
  const header = `# started on ${ctime(new Date())}\n\n`;
  if (args.append) appendFileSync(file, header);
  else writeFileSync(file, header);
  return (text) => appendFileSync(file, text + '\n');
}

/** The `stat` subcommand; returns the process exit code. */
export async function statCommand(argv: string[]): Promise<number> {
  const counters = takeCountersOption(argv);
  if (counters.backend.name !== DEFAULT_COUNTER_BACKEND) return backendStatCommand(counters.backend, counters.rest);
  const args = parseStatArgs(counters.rest, true);
  if ('print' in args) {
    process.stdout.write(args.print);
    return EXIT.ok;
  }
  refuseUnwritableOutputs(args);
  await sweepAndSay('stat'); // namespaces, cgroups and temp folders a killed run left
  const { commands, json, fieldSeparator, timeUnit } = args;
  const controller = new AbortController();
  let stoppedBy: StopSignal | undefined;
  const onSignal = (signal: StopSignal): void => {
    if (stoppedBy !== undefined) {
      // A second signal: stop waiting for clean-up. The exec helper still kills the running
      // command and everything it started when this process is gone.
      process.exit(exitStatusFor(signal));
    }
    stoppedBy = signal;
    controller.abort(new PerfError(`interrupted by ${signal}`, { code: 'ABORTED' }));
  };
  const handlers = STOP_SIGNALS.map((signal) => [signal, () => onSignal(signal)] as const);
  for (const [signal, handler] of handlers) process.on(signal, handler);
  // With --json - the JSON owns stdout, so the text goes to stderr.
  const log = (line: string): void => {
    if (json === '-') console.error(line);
    else console.log(line);
  };
  const writeCounters = counterWriter(args);
  const done: { planned: PlannedCommand; result: CommandResult }[] = [];
  const report = (planned: PlannedCommand, result: CommandResult): void => {
    done.push({ planned, result });
    if (fieldSeparator !== undefined) {
      if (commands.length > 1) writeCounters(`# ${planned.name}`);
      writeCounters(perfCsv(result, fieldSeparator));
      // perf's CSV has no field for why a counter is missing: say it on stderr, as a "#" comment
      // line (as perf's own "# started on"), so "2>f.csv" stays a CSV a reader can skip comments in.
      for (const [event, s] of Object.entries(result.summary.counters)) {
        const c = result.runs[0]?.counters[event];
        if (s === null && c?.reason) console.error(`# prtip-perf: ${event}: <${c.state === 'not-counted' ? 'not counted' : 'not supported'}> ${c.reason}`);
      }
    } else {
      log(hyperfineBlock(done.length, result, planned.name, timeUnit));
      writeCounters(perfBlock(result, planned.name) + '\n');
    }
    const warnings = [...result.warnings.map((w) => warningText(w, result)), ...containmentNotes(result)];
    if (warnings.length > 0 && fieldSeparator === undefined) log('');
    for (const w of warnings) {
      if (fieldSeparator !== undefined) console.error(`# prtip-perf: warning: ${w}`);
      else log(`  Warning: ${w}`);
    }
    if (fieldSeparator === undefined) log('');
  };
  try {
    for (const planned of commands) {
      // Kept as they finish, so an interrupted command still gets the summary of its finished runs.
      const finished: RunRecord[] = [];
      try {
        report(planned, await measure(planned, controller.signal, (record) => finished.push(record)));
      } catch (err) {
        if (!controller.signal.aborted) {
          // A failing command ends stat (exit 1), but the commands measured before it are written.
          writeOutputs(args, done, [], undefined);
          throw err;
        }
        if (sampledRuns(finished).length > 0) report(planned, analyse(planned.name, [...planned.spec.argv], finished, planned.options.warmup ?? 1));
        break;
      }
    }
  } finally {
    for (const [signal, handler] of handlers) process.removeListener(signal, handler);
  }
  if (stoppedBy !== undefined) {
    const runs = done.reduce((n, d) => n + sampledRuns(d.result.runs).length, 0);
    log(`stat: interrupted by ${stoppedBy}; ${runs === 0 ? 'no run had finished' : `the summary above covers the ${runs} finished run${runs === 1 ? '' : 's'}`}`);
  }
  let comparisons: Comparison[] = [];
  if (done.length > 1 && fieldSeparator === undefined) {
    const summary = summaryText(done);
    comparisons = summary.comparisons;
    log(summary.text);
  }
  writeOutputs(args, done, comparisons, stoppedBy);
  return stoppedBy === undefined ? EXIT.ok : exitStatusFor(stoppedBy);
}

/** --json and the hyperfine exports, from the commands that finished. */
function writeOutputs(args: StatArgs, done: { planned: PlannedCommand; result: CommandResult }[], comparisons: Comparison[], stoppedBy: StopSignal | undefined): void {
  if (done.length === 0) return;
  if (args.json !== undefined) {
    const payload = done.length === 1 && args.commands.length === 1 ? resultJson(done[0]!.result) : { results: done.map((d) => resultJson(d.result)), comparisons };
    if (stoppedBy !== undefined) (payload as Record<string, unknown>).interrupted = stoppedBy;
    const text = JSON.stringify(payload, null, 2) + '\n';
    if (args.json === '-') process.stdout.write(text);
    else writeFileSync(args.json, text);
  }
  const hyperfine: HyperfineExport = { results: done.map((d) => hyperfineResult(d.planned, d.result)).filter((r): r is HyperfineResult => r !== undefined) };
  if (args.exportJson !== undefined) writeFileSync(args.exportJson, hyperfineJson(hyperfine));
  if (args.exportMarkdown !== undefined) writeFileSync(args.exportMarkdown, hyperfineMarkdown(hyperfine.results, args.timeUnit));
  if (args.exportCsv !== undefined) writeFileSync(args.exportCsv, hyperfineCsv(hyperfine.results));
}

/** Where runs had no cgroup: why, and what may survive them (once per distinct reason). */
function containmentNotes(result: CommandResult): string[] {
  const notes = new Set(result.runs.filter((r) => r.containment !== 'cgroup').map((r) => r.containmentNote));
  return [...notes].map((n) => `runs of "${result.command}" had no cgroup of their own: ${n}`);
}
