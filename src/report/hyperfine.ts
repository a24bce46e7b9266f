/**
 * The whole-binary runs as hyperfine's --export-json layout, so tools that read
 * hyperfine's output (plots, comparisons) read ours: {results: [{command, mean,
 * stddev, median, user, system, min, max, times, memory_usage_byte, exit_codes}]}, times in
 * seconds, in hyperfine 1.20's key order. hyperfineJson() writes the times as JSON floats
 * (0.0, not 0), as hyperfine's serde does, so a reader that checks types sees floats.
 */
import { mean, median, stddev } from '../core/stats.js';
import type { BenchResult, SuiteResult } from '../model/result.js';

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
  /** Peak RSS of each run, bytes (hyperfine 1.16+); left out when a run has none. */
  memory_usage_byte?: number[];
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
  max_rss_bytes?: number; maxRssBytes?: number;
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
  const memory = measured.map((r) => num(r.max_rss_bytes, r.maxRssBytes));
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
    ...(memory.every((m) => m !== undefined) ? { memory_usage_byte: memory.map((m) => Math.round(m!)) } : {}),
    exit_codes: measured.map((r) => num(r.exit_code, r.exitCode) ?? null),
    ...(parameters ? { parameters } : {}),
  };
}

/** The fields hyperfine writes as floats (seconds); exit codes and bytes stay integers. */
const FLOAT_FIELDS = new Set(['mean', 'stddev', 'median', 'user', 'system', 'min', 'max', 'times']);
const FLOAT_MARK = '\u0000float:';

/**
 * hyperfine's --export-json text: JSON.stringify would write a whole number of seconds
 * (a 0 system time) as `0`, which a typed reader takes for an integer; hyperfine writes `0.0`.
 * Not-finite values are null, as JSON.stringify (and hyperfine's missing stddev) write them.
 */
export function hyperfineJson(exp: HyperfineExport): string {
  const asFloat = (v: unknown): unknown => (typeof v === 'number' && Number.isFinite(v) ? `${FLOAT_MARK}${Number.isInteger(v) ? v.toFixed(1) : String(v)}` : v);
  const text = JSON.stringify(exp, function (this: unknown, key, value: unknown) {
    if (!FLOAT_FIELDS.has(key) || Array.isArray(this)) return value;
    return Array.isArray(value) ? value.map(asFloat) : asFloat(value);
  }, 2);
  return text.replace(/"\\u0000float:([^"]+)"/g, '$1') + '\n';
}

/** The runner's per-command summary as the prtip suite stores it in data.runs (ns). */
interface SummaryRun {
  tool: string;
  scenario: string;
  summary: { user?: { mean?: number }; sys?: { mean?: number }; exitCodes?: Record<string, number> } | null;
}

function isSummaryRun(v: unknown): v is SummaryRun {
  return isObject(v) && typeof v['tool'] === 'string' && typeof v['scenario'] === 'string' && 'summary' in v;
}

/**
 * "0" → 0, "signal 9" → null (hyperfine writes null for a run killed by a signal). Timed-out
 * runs are not samples (no entry in times), so they get no exit code either.
 */
function exitCodesOf(counts: Record<string, number> | undefined): (number | null)[] {
  const out: (number | null)[] = [];
  for (const [key, n] of Object.entries(counts ?? {})) {
    if (key === 'timeout') continue;
    const code = /^-?\d+$/.test(key) ? Number(key) : null;
    for (let i = 0; i < n && out.length < 100_000; i++) out.push(code);
  }
  return out;
}

/**
 * The prtip suite's layout: data.runs holds {tool, scenario, summary} per command, and the
 * per-run wall times are the samples of metric "prtip/<tool>/<scenario>/wall" (ns).
 */
function fromPrtipSuite(suite: SuiteResult): HyperfineResult[] {
  const runs = suite.data?.['runs'];
  if (!Array.isArray(runs)) return [];
  const out: HyperfineResult[] = [];
  for (const run of runs.filter(isSummaryRun)) {
    if (run.summary === null) continue;
    const wall = suite.metrics.find((m) => m.name === `prtip/${run.tool}/${run.scenario}/wall`);
    const times = (wall?.samples ?? []).filter((x) => Number.isFinite(x)).map((ns) => ns / 1e9);
    if (times.length === 0) continue;
    out.push({
      command: `${run.tool} ${run.scenario}`,
      mean: mean(times),
      stddev: times.length > 1 ? stddev(times) : NaN,
      median: median(times),
      user: (run.summary.user?.mean ?? NaN) / 1e9,
      system: (run.summary.sys?.mean ?? NaN) / 1e9,
      min: Math.min(...times),
      max: Math.max(...times),
      times,
      exit_codes: exitCodesOf(run.summary.exitCodes),
      parameters: { tool: run.tool, scenario: run.scenario },
    });
  }
  return out;
}

/**
 * Every whole-binary run set of the prtip suite: its data.runs summaries with the per-run
 * wall times from its metrics, or any object in its data (up to depth 5) holding a
 * `command` (argv or string) and a `runs` array of per-run records.
 */
export function hyperfineExport(r: BenchResult): HyperfineExport {
  const suite = r.suites.find((s) => s.suite === 'prtip');
  const results: HyperfineResult[] = suite ? fromPrtipSuite(suite) : [];
  if (results.length > 0) return { results };
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

/** hyperfine's units for the Markdown table (the CSV and JSON are always in seconds). */
export type HyperfineTimeUnit = 'millisecond' | 'second';

/** hyperfine's automatic unit for a table: seconds when the first command's mean is 1 s or more. */
function tableUnit(results: readonly HyperfineResult[], unit?: HyperfineTimeUnit): HyperfineTimeUnit {
  return unit ?? ((results[0]?.mean ?? 0) >= 1 ? 'second' : 'millisecond');
}

/** Each command's mean relative to the fastest, with hyperfine's propagated σ (null for the fastest). */
export function relativeToFastest(results: readonly HyperfineResult[]): { ratio: number; stddev: number | null }[] {
  const fastest = results.reduce((a, b) => (b.mean < a.mean ? b : a), results[0]!);
  return results.map((r) => {
    const ratio = r.mean / fastest.mean;
    if (r === fastest) return { ratio, stddev: null };
    const rel = (x: HyperfineResult): number => (Number.isFinite(x.stddev) ? x.stddev / x.mean : 0);
    return { ratio, stddev: ratio * Math.sqrt(rel(r) ** 2 + rel(fastest) ** 2) };
  });
}

/** hyperfine's --export-markdown table: Command, Mean ± σ, Min, Max, Relative. */
export function hyperfineMarkdown(results: readonly HyperfineResult[], unit?: HyperfineTimeUnit): string {
  if (results.length === 0) return '';
  const u = tableUnit(results, unit);
  const [label, scale, places] = u === 'second' ? ['s', 1, 3] : ['ms', 1e3, 1];
  const t = (x: number): string => (Number.isFinite(x) ? (x * scale).toFixed(places) : 'n/a');
  const relative = relativeToFastest(results);
  const rows = results.map((r, i) => {
    const rel = relative[i]!;
    const relText = rel.stddev === null ? rel.ratio.toFixed(2) : `${rel.ratio.toFixed(2)} ± ${rel.stddev.toFixed(2)}`;
    const command = r.command.replace(/`/g, "'").replace(/\|/g, '\\|');
    const mean = Number.isFinite(r.stddev) ? `${t(r.mean)} ± ${t(r.stddev)}` : t(r.mean); // one run: no σ, as hyperfine
    return `| \`${command}\` | ${mean} | ${t(r.min)} | ${t(r.max)} | ${relText} |`;
  });
  return [`| Command | Mean [${label}] | Min [${label}] | Max [${label}] | Relative |`, '|:---|---:|---:|---:|---:|', ...rows].join('\n') + '\n';
}

function csvField(v: string): string {
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** hyperfine's --export-csv: command, mean, stddev, median, user, system, min, max (s), then parameter_NAME columns. */
export function hyperfineCsv(results: readonly HyperfineResult[]): string {
  const params = [...new Set(results.flatMap((r) => Object.keys(r.parameters ?? {})))];
  const header = ['command', 'mean', 'stddev', 'median', 'user', 'system', 'min', 'max', ...params.map((p) => `parameter_${p}`)];
  const num = (x: number): string => (Number.isFinite(x) ? String(x) : '');
  const rows = results.map((r) =>
    [csvField(r.command), ...[r.mean, r.stddev, r.median, r.user, r.system, r.min, r.max].map(num), ...params.map((p) => csvField(r.parameters?.[p] ?? ''))].join(','),
  );
  return [header.join(','), ...rows].join('\n') + '\n';
}
