/**
 * `prtip-perf stat`: perf stat -r for any command, with hyperfine's loop.
 *   prtip-perf stat [-e events] [-r runs] [--json FILE|-] -- cmd args…
 *   prtip-perf stat --shell 'cmd one' 'cmd two'     (compares them)
 */
import { writeFileSync } from 'node:fs';
import { validateEvents } from '../counters.js';
import { PerfError } from '../errors.js';
import { analyse, type BenchmarkOptions, benchmarkCommand, type CommandResult, compare, type Comparison, warningText } from './benchmark.js';
import { DEFAULT_RUN_EVENTS } from './events.js';
import { type CommandSpec, commandName } from './executor.js';
import { expectRuns, type RunRecord } from './spawn.js';
import { callgrindStatCommand, takeCountersOption } from '../callgrind/stat.js';

const HELP = `usage: prtip-perf stat [options] -- cmd args...
       prtip-perf stat [options] --shell 'command one' ['command two' ...]

Runs a command repeatedly with counters on it from its first instruction
(software events, syscall tracepoints, hardware events where present).

options:
  -e, --events a,b,...     events to count (default: ${DEFAULT_RUN_EVENTS.length} events, see prtip-perf events)
  -r, --runs N             exactly N measured runs (default: at least 10 and 3 s)
  -m, --min-runs N         at least N runs (default 10)
  -M, --max-runs N         at most N runs (default 10000)
      --min-time SEC       keep running for at least SEC seconds (default 3)
  -w, --warmup N           warm-up runs (default 1)
  -p, --prepare CMD        shell command before every run
  -c, --conclude CMD       shell command after every run
  -s, --setup CMD          shell command once before the runs
  -C, --cleanup CMD        shell command once after the runs
  -t, --timeout SEC        kill the run, and all it started, after SEC seconds
  -i, --ignore-failure     keep measuring when the command exits non-zero
      --shell              run the command(s) through /bin/sh -c (no shell otherwise)
      --show-output        let the command write to this terminal (default: /dev/null)
      --rss-interval MS    RSS timeline sampling interval (default 5; 0 = off)
      --json FILE|-        write the runs and summary as JSON (- = stdout)
      --counters callgrind instructions simulated by callgrind instead (no PMU needed; see --counters callgrind --help)
  -h, --help               this text

Each run gets a cgroup v2 of its own where the machine allows it: whatever the
command started (daemons included) is killed when it ends, at a timeout, or when
stat gets SIGINT, SIGTERM or SIGHUP (then the finished runs are summarised and
stat exits 128 + the signal's number). Without cgroups its process group is
killed, and orphaned descendants are; stat warns that others may survive.`;

interface StatArgs {
  commands: CommandSpec[];
  options: BenchmarkOptions;
  json?: string;
}

function needValue(argv: string[], i: number, flag: string): string {
  const v = argv[i + 1];
  if (v === undefined) throw new RangeError(`stat: ${flag} needs a value`);
  return v;
}

function parseCount(flag: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n)) throw new RangeError(`stat: ${flag} must be a whole number, got "${v}"`);
  if (n <= 0) throw new RangeError(`stat: ${flag} must be at least 1, got ${n}`);
  return expectRuns(flag, n);
}

function parseSeconds(flag: string, v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new RangeError(`stat: ${flag} must be a number of seconds ≥ 0, got "${v}"`);
  return n;
}

function shellHook(cmd: string): CommandSpec {
  return { argv: [cmd], shell: true };
}

/** Parses stat's argv (exported for tests). */
export function parseStatArgs(argv: readonly string[]): StatArgs {
  const options: BenchmarkOptions = {};
  let shell = false;
  let json: string | undefined;
  const positional: string[] = [];
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    switch (a) {
      case '-e':
      case '--events':
        options.events = validateEvents(needValue([...argv], i++, a).split(',').map((s) => s.trim()).filter((s) => s !== ''), a);
        break;
      case '-r':
      case '--runs': {
        const n = parseCount(a, needValue([...argv], i++, a));
        options.minRuns = n;
        options.maxRuns = n;
        options.minTimeMs = 0;
        break;
      }
      case '-m':
      case '--min-runs':
        options.minRuns = parseCount(a, needValue([...argv], i++, a));
        break;
      case '-M':
      case '--max-runs':
        options.maxRuns = parseCount(a, needValue([...argv], i++, a));
        break;
      case '--min-time':
        options.minTimeMs = parseSeconds(a, needValue([...argv], i++, a)) * 1000;
        break;
      case '-w':
      case '--warmup': {
        const v = needValue([...argv], i++, a);
        const n = Number(v);
        if (!Number.isInteger(n) || n < 0) throw new RangeError(`stat: ${a} must be a whole number ≥ 0, got "${v}"`);
        options.warmup = n;
        break;
      }
      case '-p':
      case '--prepare':
        options.prepare = shellHook(needValue([...argv], i++, a));
        break;
      case '-c':
      case '--conclude':
        options.conclude = shellHook(needValue([...argv], i++, a));
        break;
      case '-s':
      case '--setup':
        options.setup = shellHook(needValue([...argv], i++, a));
        break;
      case '-C':
      case '--cleanup':
        options.cleanup = shellHook(needValue([...argv], i++, a));
        break;
      case '-t':
      case '--timeout':
        options.timeoutMs = parseSeconds(a, needValue([...argv], i++, a)) * 1000;
        break;
      case '-i':
      case '--ignore-failure':
        options.ignoreFailure = true;
        break;
      case '--shell':
        shell = true;
        break;
      case '--show-output':
        options.output = 'inherit';
        break;
      case '--rss-interval':
        options.rssIntervalMs = parseSeconds(a, needValue([...argv], i++, a));
        break;
      case '--json':
        json = needValue([...argv], i++, a);
        break;
      default:
        if (a.startsWith('-')) throw new RangeError(`stat: unknown option "${a}" (see prtip-perf stat --help)`);
        positional.push(a);
    }
  }
  if (positional.length === 0) throw new RangeError('stat: no command given; use: prtip-perf stat [options] -- cmd args...');
  let commands: CommandSpec[];
  if (shell) {
    // With --shell each positional is one shell command (after "--", all of them form one).
    commands = argv.includes('--') ? [{ argv: [positional.join(' ')], shell: true }] : positional.map((c) => ({ argv: [c], shell: true }));
  } else {
    if (!argv.includes('--')) throw new RangeError(`stat: put the command after "--" (e.g. prtip-perf stat -- ${positional.join(' ')}), or use --shell`);
    if (positional[0] === '') throw new RangeError('stat: the command must not be empty');
    commands = [{ argv: positional }];
  }
  return { commands, options, ...(json !== undefined ? { json } : {}) };
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

function ms(ns: number): string {
  return ns >= 1e9 ? `${(ns / 1e9).toFixed(3)} s` : `${(ns / 1e6).toFixed(3)} ms`;
}

function formatCount(v: number): string {
  return v >= 1e6 ? v.toExponential(3) : Number.isInteger(v) ? String(v) : v.toFixed(1);
}

/** hyperfine-style text for one command. */
export function formatResult(r: CommandResult): string {
  const s = r.summary;
  const lines = [
    `Command: ${r.command}`,
    `  Time (mean ± σ):   ${ms(s.wall.mean)} ± ${ms(s.wall.stddev)}    [User: ${ms(s.user.mean)}, System: ${ms(s.sys.mean)}]`,
    `  Median:            ${ms(s.wall.median)}`,
    `  Range (min … max): ${ms(s.wall.min)} … ${ms(s.wall.max)}    ${r.runs.length} runs`,
    `  Max RSS (median):  ${(s.maxRss.median / 2 ** 20).toFixed(2)} MiB`,
    '  Counters (median per run):',
  ];
  const first = r.runs[0]!;
  for (const [name, summary] of Object.entries(s.counters)) {
    const c = first.counters[name]!;
    lines.push(`    ${name.padEnd(32)} ${summary ? formatCount(summary.median).padStart(14) : c.state.padStart(14)}${summary ? '' : c.reason ? `  (${c.reason})` : ''}`);
  }
  return lines.join('\n');
}

/** Signals that stop `stat`: the running command is killed with all it started, the finished runs are summarised. */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
type StopSignal = (typeof STOP_SIGNALS)[number];
/** 128 + the signal's number, as a shell reports a process killed by it. */
const EXIT_FOR_SIGNAL: Record<StopSignal, number> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };

/** The `stat` subcommand; returns the process exit code. */
export async function statCommand(argv: string[]): Promise<number> {
  const counters = takeCountersOption(argv);
  if (counters.backend === 'callgrind') return callgrindStatCommand(counters.rest);
  argv = counters.rest;
  if (argv.includes('-h') || argv.includes('--help')) {
    const dd = argv.indexOf('--');
    const helpAt = Math.max(argv.indexOf('-h'), argv.indexOf('--help'));
    if (dd < 0 || helpAt < dd) {
      console.log(HELP);
      return 0;
    }
  }
  const { commands, options, json } = parseStatArgs(argv);
  const controller = new AbortController();
  let stoppedBy: StopSignal | undefined;
  const onSignal = (signal: StopSignal): void => {
    if (stoppedBy !== undefined) {
      // A second signal: stop waiting for clean-up. The exec helper still kills the running
      // command and everything it started when this process is gone.
      process.exit(EXIT_FOR_SIGNAL[signal]);
    }
    stoppedBy = signal;
    controller.abort(new PerfError(`interrupted by ${signal}`, { code: 'ABORTED' }));
  };
  const handlers = STOP_SIGNALS.map((signal) => [signal, () => onSignal(signal)] as const);
  for (const [signal, handler] of handlers) process.on(signal, handler);
  const toStdoutJson = json === '-';
  const log = (line: string): void => {
    if (toStdoutJson) console.error(line);
    else console.log(line);
  };
  const results: CommandResult[] = [];
  const report = (result: CommandResult): void => {
    results.push(result);
    log(formatResult(result));
    for (const w of result.warnings) log(`  warning: ${warningText(w, result)}`);
    for (const note of containmentNotes(result)) log(`  warning: ${note}`);
  };
  try {
    for (const command of commands) {
      // Kept as they finish, so an interrupted command still gets the summary of its finished runs.
      const finished: RunRecord[] = [];
      try {
        report(await benchmarkCommand(command, { ...options, signal: controller.signal, onRun: (_name, _i, record) => finished.push(record) }));
      } catch (err) {
        if (!controller.signal.aborted) throw err;
        if (finished.length > 0) report(analyse(commandName(command), [...command.argv], finished, options.warmup ?? 1));
        break;
      }
    }
  } finally {
    for (const [signal, handler] of handlers) process.removeListener(signal, handler);
  }
  if (stoppedBy !== undefined) {
    const runs = results.reduce((n, r) => n + r.runs.length, 0);
    log(`stat: interrupted by ${stoppedBy}; ${runs === 0 ? 'no run had finished' : `the summary above covers the ${runs} finished run${runs === 1 ? '' : 's'}`}`);
  }
  const comparisons: Comparison[] = [];
  if (stoppedBy === undefined) for (let k = 1; k < results.length; k++) comparisons.push(compare(results[0]!, results[k]!));
  for (const c of comparisons) log(`\n${c.sentence}`);
  if (json !== undefined && results.length > 0) {
    const payload = results.length === 1 && commands.length === 1 ? resultJson(results[0]!) : { results: results.map(resultJson), comparisons };
    if (stoppedBy !== undefined) (payload as Record<string, unknown>).interrupted = stoppedBy;
    const text = JSON.stringify(payload, null, 2) + '\n';
    if (toStdoutJson) process.stdout.write(text);
    else writeFileSync(json, text);
  }
  return stoppedBy === undefined ? 0 : EXIT_FOR_SIGNAL[stoppedBy];
}

/** Where runs had no cgroup: why, and what may survive them (once per distinct reason). */
function containmentNotes(result: CommandResult): string[] {
  const notes = new Set(result.runs.filter((r) => r.containment !== 'cgroup').map((r) => r.containmentNote));
  return [...notes].map((n) => `runs of "${result.command}" had no cgroup of their own: ${n}`);
}
