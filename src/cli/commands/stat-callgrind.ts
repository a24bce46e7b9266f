/**
 * `prtip-perf stat --counters callgrind [options] -- CMD ARGS…`: a whole binary's instruction
 * count (all threads of the process), simulated by callgrind, run N times. Meant for a
 * scanner's own CI: the count repeats within a small fraction of a percent on a busy
 * shared runner, where times do not.
 */
import { writeFileSync } from 'node:fs';
import { CALLGRIND_EVENTS, CALLGRIND_SOURCE, COUNTER_BACKENDS, type CallgrindRun, callgrindLabel, runCallgrind } from '../../measure/callgrind.js';
import { median } from '../../core/stats.js';
import { checked, EXIT, newCommand, parseCommandLine, UsageError } from '../program.js';

/** The counter backends `stat` knows: the same list as bench and sample() (src/measure/callgrind.ts). */
export const STAT_BACKENDS = COUNTER_BACKENDS;

/**
 * Takes `--counters BACKEND` (or --counters=BACKEND) out of stat's options (before `--`).
 * Returns the backend (default perf_event) and the remaining arguments.
 */
export function takeCountersOption(argv: readonly string[]): { backend: (typeof STAT_BACKENDS)[number]; rest: string[] } {
  const end = argv.indexOf('--') < 0 ? argv.length : argv.indexOf('--');
  const rest = [...argv];
  let backend: string = 'perf_event';
  for (let i = 0; i < end; i++) {
    const a = argv[i]!;
    if (a !== '--counters' && !a.startsWith('--counters=')) continue;
    const value = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[i + 1];
    if (value === undefined || i + (a.includes('=') ? 0 : 1) >= end) throw new RangeError('stat: --counters needs a value (perf_event or callgrind)');
    if (!(STAT_BACKENDS as readonly string[]).includes(value)) throw new RangeError(`stat: --counters: expected one of ${STAT_BACKENDS.join(', ')}, got "${value}"`);
    backend = value;
    rest.splice(i, a.includes('=') ? 1 : 2);
    break;
  }
  return { backend: backend as (typeof STAT_BACKENDS)[number], rest };
}

export const CALLGRIND_STAT_HELP = `Usage: prtip-perf stat --counters callgrind [options] -- cmd args...

Runs the command under valgrind --tool=callgrind (instrumented from its first instruction,
every thread) and reports the instructions it executed: ${CALLGRIND_SOURCE}, not a PMU count.
Counts repeat for the same binary and inputs whatever else the machine does.

options:
  -r, --runs N          runs (default 2: the spread between them is shown)
      --cache-sim       also callgrind's simulated I1/D1/LL misses
      --trace-children  follow exec'd children (valgrind --trace-children=yes)
  -t, --timeout SEC     kill a run after SEC seconds (default 600)
      --show-output     let the command write to this terminal
      --json FILE|-     write the runs and summary as JSON (- = stdout)`;

interface Parsed {
  command: string[];
  runs: number;
  cacheSim: boolean;
  traceChildren: boolean;
  timeoutMs: number;
  showOutput: boolean;
  json?: string;
}

/** The callgrind form's options, parsed by commander like every command; its help is CALLGRIND_STAT_HELP. */
function callgrindParser(): ReturnType<typeof newCommand> {
  const whole = (name: string) => checked((v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1 || n > 1000) throw new RangeError(`stat: ${name} must be a whole number from 1 to 1000, got "${v}"`);
    return n;
  });
  const seconds = (name: string) => checked((v) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new RangeError(`stat: ${name} must be a number of seconds > 0, got "${v}"`);
    return n;
  });
  const command = newCommand('stat', 'stat --counters callgrind')
    .option('-r, --runs <n>', '', whole('--runs')).option('-t, --timeout <sec>', '', seconds('--timeout'))
    .option('--cache-sim').option('--trace-children').option('--show-output').option('--json <file>')
    .argument('[command...]');
  command.helpInformation = () => CALLGRIND_STAT_HELP + '\n';
  return command;
}

function parse(argv: readonly string[]): Parsed | 'help' {
  const parsed = parseCommandLine(callgrindParser(), argv);
  if (parsed.kind === 'print') return 'help';
  const dd = argv.indexOf('--');
  if (dd < 0 || dd === argv.length - 1) throw new UsageError('stat --counters callgrind: put the command after "--" (e.g. prtip-perf stat --counters callgrind -- /bin/ls -la /usr/bin)');
  const v = parsed.options as { runs?: number; timeout?: number; cacheSim?: boolean; traceChildren?: boolean; showOutput?: boolean; json?: string };
  return {
    command: argv.slice(dd + 1), runs: v.runs ?? 2, cacheSim: v.cacheSim === true, traceChildren: v.traceChildren === true,
    timeoutMs: v.timeout === undefined ? 600_000 : Math.ceil(v.timeout * 1000), showOutput: v.showOutput === true,
    ...(v.json !== undefined ? { json: v.json } : {}),
  };
}

/** One event over the runs. */
export interface CallgrindStatEvent {
  event: string;
  label: string;
  perRun: number[];
  median: number;
  /** (max − min) / median, %. */
  spreadPct: number;
}

/** Summarises runs' final dumps per event. */
export function summariseRuns(runs: readonly CallgrindRun[]): CallgrindStatEvent[] {
  const events = runs[0]?.final?.events ?? [];
  return events.map((e) => {
    const perRun = runs.map((r) => r.final?.totals[e] ?? 0);
    const m = median(perRun);
    return { event: e, label: callgrindLabel(e), perRun, median: m, spreadPct: m === 0 ? 0 : ((Math.max(...perRun) - Math.min(...perRun)) / m) * 100 };
  });
}

/** The callgrind form of `stat`; returns the exit code. */
export async function callgrindStatCommand(argv: readonly string[]): Promise<number> {
  const p = parse(argv);
  if (p === 'help') {
    console.log(CALLGRIND_STAT_HELP);
    return EXIT.ok;
  }
  const log = (line: string): void => (p.json === '-' ? console.error(line) : console.log(line));
  const runs: CallgrindRun[] = [];
  for (let k = 0; k < p.runs; k++) {
    const run = await runCallgrind(p.command, { cacheSim: p.cacheSim, traceChildren: p.traceChildren, timeoutMs: p.timeoutMs, inherit: p.showOutput });
    if (run.timedOut) throw new RangeError(`stat: run ${k + 1} of ${p.command.join(' ')} timed out after ${p.timeoutMs / 1000} s under callgrind (raise --timeout)`);
    if (run.final === null) throw new RangeError(`stat: callgrind wrote no dump for ${p.command.join(' ')}: ${`${run.valgrindLog}\n${run.stderr}`.trim().split('\n').filter((l) => l.trim() !== '').slice(-3).join(' | ') || `exit ${run.exitCode ?? run.signal}`}`);
    if (run.exitCode !== 0) log(`  warning: run ${k + 1} exited with ${run.exitCode ?? run.signal}`);
    runs.push(run);
  }
  const events = summariseRuns(runs);
  log(`${p.command.join(' ')}: ${p.runs} run${p.runs === 1 ? '' : 's'} under valgrind --tool=callgrind (${CALLGRIND_SOURCE}; all threads; user-space only)`);
  for (const e of events) {
    log(`  ${e.label.padEnd(48)} ${Math.round(e.median).toLocaleString('en-US').padStart(16)}   spread ${e.spreadPct.toFixed(4)} %   runs: ${e.perRun.map((v) => v.toLocaleString('en-US')).join(', ')}`);
  }
  log(`  wall time under valgrind: ${runs.map((r) => `${(r.wallMs / 1000).toFixed(2)} s`).join(', ')} (never a timing of the command)`);
  if (p.json !== undefined) {
    const text = JSON.stringify({
      backend: 'callgrind', source: CALLGRIND_SOURCE, command: p.command, runs: runs.map((r) => ({ exitCode: r.exitCode, signal: r.signal, wallMsUnderValgrind: r.wallMs, totals: r.final?.totals ?? {} })),
      events: events.map((e) => ({ ...e, name: CALLGRIND_EVENTS[e.event] ?? e.event })),
    }, null, 2) + '\n';
    if (p.json === '-') process.stdout.write(text);
    else writeFileSync(p.json, text);
  }
  return runs.every((r) => r.exitCode === 0) ? 0 : 1;
}
