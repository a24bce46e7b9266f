/**
 * `prtip-perf stat --counters BACKEND [options] -- CMD ARGS…`: a whole command counted by a
 * counter backend other than the default (whose form is stat's runner), run N times, with the
 * median and spread of each event. Works for any backend with a `command` hook
 * (src/measure/backends/); its own options (callgrind's --cache-sim) come from the hook.
 */
import { writeFileSync } from 'node:fs';
import { COUNTER_BACKENDS, type CommandCount, type CommandCounting, type CounterBackend, counterBackend, DEFAULT_COUNTER_BACKEND } from '../../measure/backends/index.js';
import { median } from '../../core/stats.js';
import { checked, EXIT, newCommand, parseCommandLine, UsageError } from '../program.js';

/**
 * Takes `--counters BACKEND` (or --counters=BACKEND) out of stat's options (before `--`).
 * Returns the backend (default perf_event) and the remaining arguments.
 */
export function takeCountersOption(argv: readonly string[]): { backend: CounterBackend; rest: string[] } {
  const end = argv.indexOf('--') < 0 ? argv.length : argv.indexOf('--');
  const rest = [...argv];
  let name: string = DEFAULT_COUNTER_BACKEND;
  for (let i = 0; i < end; i++) {
    const a = argv[i]!;
    if (a !== '--counters' && !a.startsWith('--counters=')) continue;
    const value = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[i + 1];
    if (value === undefined || i + (a.includes('=') ? 0 : 1) >= end) throw new UsageError(`stat: --counters needs a value (${COUNTER_BACKENDS.join(' or ')})`);
    if (!(COUNTER_BACKENDS as readonly string[]).includes(value)) throw new UsageError(`stat: --counters: expected one of ${COUNTER_BACKENDS.join(', ')}, got "${value}"`);
    name = value;
    rest.splice(i, a.includes('=') ? 1 : 2);
    break;
  }
  return { backend: counterBackend(name), rest };
}

/** The help of `stat --counters NAME`. */
export function backendStatHelp(name: string, counting: CommandCounting): string {
  const switches = counting.switches.map((s) => `      --${s.name.padEnd(16)}${s.help}`);
  return `Usage: prtip-perf stat --counters ${name} [options] -- cmd args...

${counting.description}

options:
  -r, --runs N          runs (default 2: the spread between them is shown)
${switches.join('\n')}${switches.length ? '\n' : ''}  -t, --timeout SEC     kill a run after SEC seconds (default 600)
      --show-output     let the command write to this terminal
      --json FILE|-     write the runs and summary as JSON (- = stdout)`;
}

interface Parsed {
  command: string[];
  runs: number;
  switches: Record<string, boolean>;
  timeoutMs: number;
  showOutput: boolean;
  json?: string;
}

/** The backend form's options, parsed by commander like every command. */
function backendParser(name: string, counting: CommandCounting): ReturnType<typeof newCommand> {
  const whole = (flag: string) => checked((v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1 || n > 1000) throw new RangeError(`stat: ${flag} must be a whole number from 1 to 1000, got "${v}"`);
    return n;
  });
  const seconds = (flag: string) => checked((v) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new RangeError(`stat: ${flag} must be a number of seconds > 0, got "${v}"`);
    return n;
  });
  const command = newCommand('stat', `stat --counters ${name}`)
    .option('-r, --runs <n>', '', whole('--runs')).option('-t, --timeout <sec>', '', seconds('--timeout'))
    .option('--show-output').option('--json <file>')
    .argument('[command...]');
  for (const s of counting.switches) command.option(`--${s.name}`);
  command.helpInformation = () => backendStatHelp(name, counting) + '\n';
  return command;
}

function parse(name: string, counting: CommandCounting, argv: readonly string[]): Parsed | 'help' {
  const parser = backendParser(name, counting);
  const parsed = parseCommandLine(parser, argv);
  if (parsed.kind === 'print') return 'help';
  const dd = argv.indexOf('--');
  if (dd < 0 || dd === argv.length - 1) throw new UsageError(`stat --counters ${name}: put the command after "--" (e.g. prtip-perf stat --counters ${name} -- /bin/ls -la /usr/bin)`);
  const v = parsed.options as Record<string, unknown>;
  return {
    command: argv.slice(dd + 1), runs: (v['runs'] as number | undefined) ?? 2,
    switches: Object.fromEntries(counting.switches.map((s) => [s.name, v[parser.options.find((o) => o.long === `--${s.name}`)!.attributeName()] === true])),
    timeoutMs: v['timeout'] === undefined ? 600_000 : Math.ceil((v['timeout'] as number) * 1000), showOutput: v['showOutput'] === true,
    ...(v['json'] !== undefined ? { json: v['json'] as string } : {}),
  };
}

/** One event over the runs. */
export interface BackendStatEvent {
  event: string;
  label: string;
  perRun: number[];
  median: number;
  /** (max − min) / median, %. */
  spreadPct: number;
}

/** Summarises the runs' totals per event (the first run's events, in its order). */
export function summariseRuns(runs: readonly CommandCount[], label: (event: string) => string): BackendStatEvent[] {
  const events = Object.keys(runs[0]?.totals ?? {});
  return events.map((e) => {
    const perRun = runs.map((r) => r.totals?.[e] ?? 0);
    const m = median(perRun);
    return { event: e, label: label(e), perRun, median: m, spreadPct: m === 0 ? 0 : ((Math.max(...perRun) - Math.min(...perRun)) / m) * 100 };
  });
}

async function countRuns(p: Parsed, counting: CommandCounting, log: (line: string) => void): Promise<CommandCount[]> {
  const what = p.command.join(' ');
  const runs: CommandCount[] = [];
  for (let k = 0; k < p.runs; k++) {
    const run = await counting.countOnce(p.command, { timeoutMs: p.timeoutMs, showOutput: p.showOutput, switches: p.switches });
    if (run.timedOut) throw new RangeError(`stat: run ${k + 1} of ${what} timed out after ${p.timeoutMs / 1000} s (raise --timeout)`);
    if (run.totals === null) throw new RangeError(`stat: ${what}: ${run.failure}`);
    if (run.exitCode !== 0) log(`  warning: run ${k + 1} exited with ${run.exitCode ?? run.signal}`);
    runs.push(run);
  }
  return runs;
}

function writeJson(p: Parsed, name: string, counting: CommandCounting, runs: readonly CommandCount[], events: readonly BackendStatEvent[]): void {
  const text = JSON.stringify({
    backend: name, source: counting.source, command: p.command,
    runs: runs.map((r) => ({ exitCode: r.exitCode, signal: r.signal, wallMs: r.wallMs, totals: r.totals ?? {} })),
    events: events.map((e) => ({ ...e, name: counting.eventName(e.event) })),
  }, null, 2) + '\n';
  if (p.json === '-') process.stdout.write(text);
  else writeFileSync(p.json!, text);
}

/** `stat --counters NAME` for a backend other than the default; returns the exit code. */
export async function backendStatCommand(backend: CounterBackend, argv: readonly string[]): Promise<number> {
  const counting = backend.command;
  if (counting === undefined) throw new UsageError(`stat --counters ${backend.name}: this backend counts in-process only (sample(), CountedBench); stat has no form for it`);
  const p = parse(backend.name, counting, argv);
  if (p === 'help') {
    console.log(backendStatHelp(backend.name, counting));
    return EXIT.ok;
  }
  const log = (line: string): void => (p.json === '-' ? console.error(line) : console.log(line));
  const runs = await countRuns(p, counting, log);
  const events = summariseRuns(runs, (e) => counting.label(e));
  log(`${p.command.join(' ')}: ${p.runs} run${p.runs === 1 ? '' : 's'} ${counting.how} (${counting.source})`);
  for (const e of events) {
    log(`  ${e.label.padEnd(48)} ${Math.round(e.median).toLocaleString('en-US').padStart(16)}   spread ${e.spreadPct.toFixed(4)} %   runs: ${e.perRun.map((v) => v.toLocaleString('en-US')).join(', ')}`);
  }
  log(`  wall time of each run: ${runs.map((r) => `${(r.wallMs / 1000).toFixed(2)} s`).join(', ')} (never a timing of the command)`);
  if (p.json !== undefined) writeJson(p, backend.name, counting, runs, events);
  return runs.every((r) => r.exitCode === 0) ? 0 : 1;
}
