/**
 * The whole-binary runs as hyperfine's --export-json layout, so tools that read
 * hyperfine's output (plots, comparisons) read ours: {results: [{command, mean,
 * stddev, median, user, system, min, max, times, exit_codes}]}, times in seconds.
 */
import { mean, median, stddev } from '../stats.js';
import type { BenchResult } from './result.js';

/** One command's entry in hyperfine's JSON. */
export interface HyperfineResult {
  command: string;
  mean: number;
  stddev: number;
  median: number;
  /** Mean user CPU time, s. */
  user: number;
  /** Mean system CPU time, s. */
  system: number;
  min: number;
  max: number;
  /** Wall time of each run, s. */
  times: number[];
  /** null for a run killed by a signal, as hyperfine writes it. */
  exit_codes: (number | null)[];
  /** Scenario and tool, as hyperfine's parameter list. */
  parameters?: Record<string, string>;
}

/** hyperfine's top-level layout. */
export interface HyperfineExport {
  results: HyperfineResult[];
}

/** One measured run, in whichever of the runner's spellings it came. */
interface RawRun {
  wall_ns?: number; wallNs?: number;
  user_ns?: number; userNs?: number;
  sys_ns?: number; sysNs?: number;
  exit_code?: number | null; exitCode?: number | null;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function num(...vs: unknown[]): number | undefined {
  for (const v of vs) if (typeof v === 'number' && Number.isFinite(v)) return v;
  return undefined;
}

function commandText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
  return undefined;
}

/** A hyperfine entry from an object holding `runs` (the runner's per-run records) and a command. */
export function hyperfineEntry(command: string, runs: readonly RawRun[], parameters?: Record<string, string>): HyperfineResult | undefined {
  const measured = runs.filter((r) => num(r.wall_ns, r.wallNs) !== undefined);
  if (measured.length === 0) return undefined;
  const times = measured.map((r) => num(r.wall_ns, r.wallNs)! / 1e9);
  const users = measured.map((r) => (num(r.user_ns, r.userNs) ?? NaN) / 1e9);
  const systems = measured.map((r) => (num(r.sys_ns, r.sysNs) ?? NaN) / 1e9);
  return {
    command,
    mean: mean(times),
    stddev: times.length > 1 ? stddev(times) : NaN,
    median: median(times),
    user: mean(users),
    system: mean(systems),
    min: Math.min(...times),
    max: Math.max(...times),
    times,
    exit_codes: measured.map((r) => num(r.exit_code, r.exitCode) ?? null),
    ...(parameters ? { parameters } : {}),
  };
}

/**
 * Every whole-binary run set in the prtip suite's data: any object (up to depth 5)
 * with a `runs` array of per-run records and a `command` (argv or string).
 */
export function hyperfineExport(r: BenchResult): HyperfineExport {
  const results: HyperfineResult[] = [];
  const suite = r.suites.find((s) => s.suite === 'prtip');
  const walk = (v: unknown, depth: number): void => {
    if (depth > 5) return;
    if (Array.isArray(v)) {
      for (const x of v) walk(x, depth + 1);
      return;
    }
    if (!isObject(v)) return;
    const command = commandText(v['command']);
    if (command !== undefined && Array.isArray(v['runs'])) {
      const params: Record<string, string> = {};
      for (const k of ['scenario', 'tool', 'name']) if (typeof v[k] === 'string') params[k] = v[k] as string;
      const entry = hyperfineEntry(command, (v['runs'] as unknown[]).filter(isObject) as RawRun[], Object.keys(params).length ? params : undefined);
      if (entry) results.push(entry);
      return;
    }
    for (const x of Object.values(v)) walk(x, depth + 1);
  };
  if (suite?.data) walk(suite.data, 0);
  return { results };
}
