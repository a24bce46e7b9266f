/**
 * `prtip-perf record`: a sampled profile of one run of a command.
 *   prtip-perf record [-F HZ] [-e EVENT] [-t SEC] [--netns PATH] [--json FILE|-] -- cmd args…
 * Prints where its CPU went: kernel vs user, and by library (from the address map alone,
 * so a stripped binary gets it too). Usage errors exit 2; a command that cannot be run or
 * sampled, or a run too short to give a single sample, exits 1.
 */
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { DEFAULT_EVENT, DEFAULT_FREQUENCY_HZ, checkFrequency, checkSamplingEvent, maxSampleRate, recordCommand, sharesByLibrary } from '../../measure/profile/record.js';
import { measureSamplerOverhead } from '../../measure/profile/overhead.js';
import { perfRecordShares } from '../../measure/profile/perf-compare.js';
import type { LibraryShares, RecordOptions, RecordResult } from '../../measure/profile/types.js';
import { functionReport } from '../../measure/profile/function-report.js';
import { median } from '../../core/stats.js';
import { exitOnSignals, sweepAndSay } from '../../measure/leftovers.js';
import { EXIT, newCommand, parseCommandLine, UsageError } from '../program.js';

const HELP = `Usage: prtip-perf record [options] -- cmd args...

Runs the command once with a sampling perf event on it from its execve on (its
threads and child processes too) and prints where its CPU went: kernel vs user
space, and by library (executable, shared objects, [kernel.kallsyms]).

options:
  -F, --frequency HZ   samples per second per thread (default ${DEFAULT_FREQUENCY_HZ}; at most
                       kernel.perf_event_max_sample_rate)
  -e, --event EVENT    the sampling event (default ${DEFAULT_EVENT}, a software clock that needs
                       no PMU; any perf event name where the machine has it)
  -t, --timeout SEC    kill the command, and all it started, after SEC seconds
      --netns PATH     run it inside this network namespace (e.g. /run/netns/NAME)
      --json FILE|-    write the result as JSON (- = stdout; the command's stdout then goes to /dev/null)
      --compare-perf   run the command a second time under perf record -e EVENT -F HZ -g and print
                       perf report --sort dso's shares beside these (needs perf on PATH)
      --overhead N     instead of one profile: the sampler's cost to the command's CPU time, from N
                       mirrored blocks of unsampled, interrupt-only and sampled runs (A B C C B A;
                       10 or more for ±1 %); interrupt-only runs fire the same events at the same rate
                       but record nothing, which splits the cost into the sampling interrupt's own
                       (the machine's floor) and what recording adds
  -h, --help           this text`;

/** What `record --json` writes: the figures of the profile, for scripts (no per-sample data). */
export interface RecordJson {
  command: string[];
  event: string;
  frequencyHz: number;
  samples: number;
  /** Samples / records lost (PERF_RECORD_LOST and LOST_SAMPLES), never hidden. */
  lost: number;
  /**
   * Fractions of all samples, by each sample's leaf frame. kernel is null when kernel samples
   * were not recorded (kernelFrames.reason says why): then user is the only share there is.
   */
  shares: { kernel: number | null; user: number };
  /** Library basename → fraction of all samples. */
  byLibrary: Record<string, number>;
  /** With --compare-perf: perf report --sort dso's shares for a second run of the command (kernel modules folded into the kernel). */
  perf?: { samples: number; shares: { kernel: number; user: number }; byLibrary: Record<string, number> };
  kernelFrames: { available: boolean; reason?: string };
  wallNs: number;
  userNs: number;
  sysNs: number;
  exitCode: number | null;
  signal: number | null;
  timedOut: boolean;
  warnings: string[];
}

interface RecordArgs {
  command: string[];
  options: RecordOptions;
  json?: string;
  comparePerf: boolean;
  /** --overhead N: measure the sampler's overhead over N blocks instead of recording once. */
  overheadBlocks?: number;
}

/** record's options, parsed by commander like every command; the help is HELP, as it always was. */
function recordParser(): ReturnType<typeof newCommand> {
  const command = newCommand('record', 'A sampled profile of one run.')
    .option('-F, --frequency <hz>').option('-e, --event <event>').option('-t, --timeout <sec>')
    .option('--netns <path>').option('--json <file>').option('--compare-perf').option('--overhead <n>')
    .argument('[command...]');
  command.helpInformation = () => HELP + '\n';
  return command;
}

function parseRecordArgs(argv: string[]): RecordArgs | 'help' {
  const parsed = parseCommandLine(recordParser(), argv);
  if (parsed.kind === 'print') return 'help';
  const v = parsed.options as { frequency?: string; event?: string; timeout?: string; netns?: string; json?: string; comparePerf?: boolean; overhead?: string };
  const command = parsed.operands;
  if (command.length === 0) throw new UsageError('no command given: prtip-perf record [options] -- cmd args...');
  const options: RecordOptions = { stdin: 'inherit', stderr: 'inherit', stdout: v.json === '-' ? 'null' : 'inherit' };
  try {
    if (v.frequency !== undefined) {
      const hz = Number(v.frequency);
      if (v.frequency.trim() === '' || !Number.isFinite(hz)) throw new RangeError(`-F must be a number of samples per second (1 to ${maxSampleRate() || 100000}), got "${v.frequency}"`);
      options.frequencyHz = checkFrequency('-F', hz);
    }
    if (v.event !== undefined) options.event = checkSamplingEvent('-e', v.event);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (v.timeout !== undefined) {
    const sec = Number(v.timeout);
    if (v.timeout.trim() === '' || !Number.isFinite(sec) || sec <= 0) throw new UsageError(`-t must be a positive number of seconds, got "${v.timeout}"`);
    options.timeoutMs = sec * 1000;
  }
  if (v.netns !== undefined) options.netnsPath = v.netns;
  let overheadBlocks: number | undefined;
  if (v.overhead !== undefined) {
    overheadBlocks = Number(v.overhead);
    if (!Number.isInteger(overheadBlocks) || overheadBlocks < 1 || overheadBlocks > 10000) throw new UsageError(`--overhead must be a number of blocks from 1 to 10000, got "${v.overhead}"`);
    if (v.netns !== undefined || v.comparePerf === true) throw new UsageError('--overhead runs the command in this namespace only and cannot be combined with --netns or --compare-perf');
  }
  return {
    command,
    options,
    comparePerf: v.comparePerf === true,
    ...(v.json !== undefined ? { json: v.json } : {}),
    ...(overheadBlocks !== undefined ? { overheadBlocks } : {}),
  };
}

/** The JSON result of one recording. */
export function recordJson(command: string[], result: RecordResult, shares: LibraryShares): RecordJson {
  const { profile, exit } = result;
  return {
    command,
    event: profile.event,
    frequencyHz: profile.frequencyHz,
    samples: profile.samples.length,
    lost: profile.lost,
    shares: { kernel: profile.kernelFrames.available ? shares.kernel : null, user: shares.user },
    byLibrary: shares.byLibrary,
    kernelFrames: profile.kernelFrames,
    wallNs: profile.wallNs,
    userNs: exit.userNs,
    sysNs: exit.sysNs,
    exitCode: exit.exitCode,
    signal: exit.signal,
    timedOut: exit.timedOut,
    warnings: result.warnings,
  };
}

const pct = (f: number): string => `${(100 * f).toFixed(2).padStart(6)} %`;

/** The text report: header, kernel/user split, the library table, warnings. */
export function recordText(j: RecordJson): string {
  const lines = [
    `prtip-perf record: ${j.command.join(' ')}`,
    // A tracepoint has no frequency: the sampler takes every hit (sample_period 1).
    `  ${j.samples} samples of ${j.event} ${j.event.includes(':') ? '(every hit: a tracepoint)' : `at ${j.frequencyHz} Hz`}, ${j.lost} lost; ` +
      `wall ${(j.wallNs / 1e6).toFixed(1)} ms, user ${(j.userNs / 1e6).toFixed(1)} ms, sys ${(j.sysNs / 1e6).toFixed(1)} ms; ` +
      (j.exitCode !== null ? `exit code ${j.exitCode}` : `killed by signal ${j.signal}`) + (j.timedOut ? ' (timed out)' : ''),
    '',
    j.shares.kernel === null ? '  kernel  not recorded (see the warning)' : `  kernel ${pct(j.shares.kernel)}`,
    `  user   ${pct(j.shares.user)}`,
    '',
    '  by library (self, leaf frame):',
  ];
  if (j.perf === undefined) {
    for (const [lib, f] of Object.entries(j.byLibrary)) lines.push(`    ${pct(f)}  ${lib}`);
  } else {
    // Both columns, and the difference in points, for every library either saw.
    const p = j.perf;
    lines[3] = `  kernel ${j.shares.kernel === null ? ' not recorded' : pct(j.shares.kernel)}   perf record: ${pct(p.shares.kernel)}   (${p.samples} samples)`;
    lines[4] = `  user   ${pct(j.shares.user)}   perf record: ${pct(p.shares.user)}`;
    lines.push(`    ${'this'.padStart(8)}  ${'perf'.padStart(8)}  ${'points'.padStart(7)}  library`);
    const libs = [...new Set([...Object.keys(j.byLibrary), ...Object.keys(p.byLibrary)])];
    for (const lib of libs) {
      const a = j.byLibrary[lib] ?? 0, b = p.byLibrary[lib] ?? 0;
      lines.push(`    ${pct(a)}  ${pct(b)}  ${(100 * (a - b)).toFixed(2).padStart(7)}  ${lib}`);
    }
  }
  if (j.warnings.length > 0) lines.push('', ...j.warnings.map((w) => `  warning: ${w}`));
  return lines.join('\n');
}

/** Runs `prtip-perf record`; returns the exit code. */
export async function recordCli(argv: string[]): Promise<number> {
  let args: RecordArgs | 'help';
  try {
    args = parseRecordArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`prtip-perf record: ${err.message.replace(/^record: /, '')}\n${HELP}`);
    return EXIT.usage;
  }
  if (args === 'help') {
    console.log(HELP);
    return EXIT.ok;
  }
  if (args.overheadBlocks !== undefined) return overheadCli(args, args.overheadBlocks);
  await sweepAndSay('record');
  // Killed mid-run: exit 128 + N (the exec helper kills the command when we are gone; exit hooks remove namespaces).
  const stopSignals = exitOnSignals('record');
  try {
    return await recordAndReport(args);
  } finally {
    stopSignals();
  }
}

async function recordAndReport(args: RecordArgs): Promise<number> {
  const result = await recordCommand(args.command, args.options);
  const j = recordJson(args.command, result, sharesByLibrary(result.profile));
  if (args.comparePerf) {
    const p = await perfRecordShares(args.command, {
      frequencyHz: result.profile.frequencyHz,
      event: result.profile.event,
      ...(args.options.netnsPath !== undefined ? { netnsPath: args.options.netnsPath } : {}),
      ...(args.options.timeoutMs !== undefined ? { timeoutMs: args.options.timeoutMs } : {}),
    });
    j.perf = { samples: p.samples, shares: { kernel: p.kernel, user: p.user }, byLibrary: p.byLibrary };
  }
  // Functions (symbolized), symbol sources and folded stacks: src/measure/profile/function-report.ts.
  const functions = functionReport(result.profile);
  if (args.json === '-') {
    process.stdout.write(JSON.stringify({ ...j, ...functions.json }, null, 2) + '\n');
  } else {
    if (args.json !== undefined) writeFileSync(args.json, JSON.stringify({ ...j, ...functions.json }, null, 2) + '\n');
    console.log(recordText(j) + functions.text);
  }
  // An idle program (sleep 1) finishing without a sample is a normal finish, not a failure.
  if (j.samples === 0) console.error(`prtip-perf record: ${result.warnings.find((w) => w.startsWith('0 samples')) ?? '0 samples'}`);
  return EXIT.ok;
}

/** `record --overhead N`: the sampler's cost to the command's CPU time, printed (or as JSON). */
async function overheadCli(args: RecordArgs, blocks: number): Promise<number> {
  const { frequencyHz, event, timeoutMs } = args.options;
  const r = await measureSamplerOverhead(args.command, {
    blocks, ...(frequencyHz !== undefined ? { frequencyHz } : {}), ...(event !== undefined ? { event } : {}), ...(timeoutMs !== undefined ? { timeoutMs } : {}),
  });
  const load = loadavg()[0]!;
  if (args.json !== undefined) {
    const text = JSON.stringify({ command: args.command, ...r, loadAverage1m: load }, null, 2) + '\n';
    if (args.json === '-') process.stdout.write(text);
    else writeFileSync(args.json, text);
    if (args.json === '-') return EXIT.ok;
  }
  const ms = (ns: number): string => (ns / 1e6).toFixed(1);
  const pct = (fraction: number): string => (100 * fraction).toFixed(2);
  console.log(
    [
      `prtip-perf record --overhead: ${args.command.join(' ')}`,
      `  ${r.blocks} mirrored blocks, ${r.cpuNs.plain.length} runs each, sampled with ${r.event} at ${r.frequencyHz} Hz (median ${r.samples} samples per run${r.interrupts === null ? '' : `, ${r.interrupts} interrupts per interrupt-only run`}); 1-min load ${load.toFixed(1)}`,
      `  child CPU (user + sys), median: unsampled ${ms(median(r.cpuNs.plain))} ms, interrupt only ${ms(median(r.cpuNs.interrupt))} ms, sampled ${ms(median(r.cpuNs.sampled))} ms`,
      `  overhead (median of the blocks): ${pct(r.overhead)} % of the child's CPU; blocks from ${pct(r.blockOverheads[0]!)} to ${pct(r.blockOverheads.at(-1)!)} %`,
      `    the sampling interrupt alone (the same events at ${r.frequencyHz} Hz, recording nothing): ${pct(r.interruptOverhead)} %; the machine's floor for any sampler at this rate`,
      `    recording the samples (rings, call chains, side-band, draining) on top of it: ${pct(r.recordingOverhead)} %`,
    ].join('\n'),
  );
  return EXIT.ok;
}
