/**
 * How a command is actually run. The benchmark loop talks only to an Executor,
 * so its logic (warm-ups, counts, hooks, failures, statistics) is tested with a
 * deterministic MockExecutor, as hyperfine does with its mock executor.
 */
import type { CounterState } from '../counters.js';
import { type RunRecord, type StdioMode, spawnCounted } from './spawn.js';

/** A command as the runner takes it: argv, optionally through /bin/sh -c. */
export interface CommandSpec {
  /** The program and its arguments; with `shell`, joined by spaces into one shell command. */
  argv: readonly string[];
  /** Run through `/bin/sh -c` (off by default: no shell unless asked). */
  shell?: boolean;
  /** Shown in reports; default: argv joined by spaces. */
  name?: string;
  env?: Readonly<Record<string, string | undefined>>;
  cwd?: string;
}

/** Per-run settings an executor receives. */
export interface ExecOptions {
  events: readonly string[];
  /** One perf_event group number per event (perf's {a,b}); absent: one group for all. */
  eventGroups?: readonly number[];
  timeoutMs: number;
  rssIntervalMs: number;
  netnsPath?: string;
  stdout?: StdioMode;
  stderr?: StdioMode;
  signal?: AbortSignal;
}

/** Runs one command once. */
export interface Executor {
  readonly name: string;
  run(command: CommandSpec, options: ExecOptions): Promise<RunRecord>;
}

/** The argv that is actually executed (shell wrapping applied). */
export function effectiveArgv(command: CommandSpec): string[] {
  return command.shell ? ['/bin/sh', '-c', command.argv.join(' ')] : [...command.argv];
}

/** Display name of a command. */
export function commandName(command: CommandSpec): string {
  return command.name ?? command.argv.join(' ');
}

/** The real executor: fork/exec with counters on the child (native/process). */
export class NativeExecutor implements Executor {
  readonly name = 'native';
  run(command: CommandSpec, options: ExecOptions): Promise<RunRecord> {
    return spawnCounted({
      argv: effectiveArgv(command),
      ...(command.env ? { env: command.env } : {}),
      ...(command.cwd ? { cwd: command.cwd } : {}),
      ...(options.netnsPath ? { netnsPath: options.netnsPath } : {}),
      events: options.events,
      ...(options.eventGroups ? { eventGroups: options.eventGroups } : {}),
      timeoutMs: options.timeoutMs,
      rssIntervalMs: options.rssIntervalMs,
      ...(options.stdout ? { stdout: options.stdout } : {}),
      ...(options.stderr ? { stderr: options.stderr } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }
}

/** What the mock returns for one call: a wall time (ms) and optionally more. */
export interface MockRun {
  wallMs: number;
  exitCode?: number;
  userMs?: number;
  sysMs?: number;
  maxRssBytes?: number;
  counters?: Record<string, number>;
}

/**
 * A deterministic executor for tests. `script(command, callIndex)` decides each
 * run; every call is logged (command name and netns) so tests can check order.
 */
export class MockExecutor implements Executor {
  readonly name = 'mock';
  readonly calls: { command: string; netnsPath?: string }[] = [];
  private readonly perCommand = new Map<string, number>();

  constructor(private readonly script: (command: string, callIndex: number) => MockRun) {}

  async run(command: CommandSpec, options: ExecOptions): Promise<RunRecord> {
    const name = commandName(command);
    const index = this.perCommand.get(name) ?? 0;
    this.perCommand.set(name, index + 1);
    this.calls.push({ command: name, ...(options.netnsPath ? { netnsPath: options.netnsPath } : {}) });
    const r = this.script(name, index);
    const counters: RunRecord['counters'] = {};
    for (const ev of options.events) {
      const v = r.counters?.[ev];
      const state: CounterState = v === undefined ? 'unsupported' : 'counted';
      counters[ev] = { kind: ev.includes(':') ? 'tracepoint' : 'software', state, value: v ?? null, enabledNs: r.wallMs * 1e6, runningNs: r.wallMs * 1e6, reason: v === undefined ? 'mock: not scripted' : '' };
    }
    return {
      pid: 0,
      wallNs: r.wallMs * 1e6,
      userNs: (r.userMs ?? r.wallMs / 2) * 1e6,
      sysNs: (r.sysMs ?? r.wallMs / 4) * 1e6,
      maxRssBytes: r.maxRssBytes ?? 4 << 20,
      maxRssSource: 'rusage',
      exitCode: r.exitCode ?? 0,
      signal: null,
      timedOut: false,
      cancelled: false,
      leftoversKilled: false,
      containment: 'cgroup',
      containmentNote: '',
      counters,
    };
  }
}
