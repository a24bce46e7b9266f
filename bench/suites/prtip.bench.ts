/**
 * Whole-binary runs of prtip (and nmap/masscan as peers) on the documents' scenarios,
 * each run in a network namespace of its own, with counters on the child from its
 * first instruction; beside them the in-process floors from the micro-benchmarks, and
 * the claims table. Also the runner's own targets: overhead per run against
 * `hyperfine -N`, and what counting on the child costs; and, when strace is installed,
 * the documents' own method as they ran it (strace -c without -f: the main thread) beside
 * every thread (strace -f -c), several traced runs per scenario, each in a namespace too.
 * The suite only measures: the syscalls and time families (src/judge/families/) judge
 * from data.wholeRuns, data.strace and data.comparisons.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { canCreateNamespaces, withNamespace } from '../../src/measure/netns.js';
import type { Metric, SuiteResult, Table } from '../../src/model/result.js';
import { analyse, benchmarkCommand, type CommandResult, sampledRuns } from '../../src/measure/runner/benchmark.js';
import { DEFAULT_RUN_EVENTS, NETWORK_SYSCALLS, syscallsByKind } from '../../src/measure/runner/events.js';
import { makeTlsMaterial, scenarioEnvironment } from '../../src/measure/runner/isolation.js';
import { findExecutable } from '../../src/measure/runner/spawn.js';
import { runUnderStrace, type StraceRun, timeShare, topByTime } from '../../src/measure/runner/strace.js';
import { HOW_TO_PROVIDE, locateTools, MASSCAN_RULE, SCENARIOS, scenarioById, type Scenario, SERVICE_PORTS, type Tool } from '../../src/measure/scenarios.js';
import { type BinarySize, binarySize } from '../../src/measure/runner/binary-size.js';
import { type BytesInBlocks, runUnderValgrind, VALGRIND_PACKAGE, type ValgrindMemoryRun } from '../../src/measure/runner/valgrind-memory.js';
import { median } from '../../src/core/stats.js';
import { analyseInterleaved, type InterleavedComparison } from '../../src/analyse/power.js';
import { runInterleaved } from '../../src/measure/runner/interleave.js';
import { type Suite, type SuiteContext, runIfMain } from '../suite.js';
import { foldedStacks, mergeProfiles } from '../../src/measure/profile/analysis.js';
import { attributionCheckTable, HOTSPOT_PATTERNS, type HotspotData, hotspotTable, measureHotspots, patternRuns, type ScenarioProfile, scenarioProfile, profileSummaryTable, topFunctionsTable } from '../../src/measure/profile/hotspots.js';
import { recordCommand } from '../../src/measure/profile/record.js';
import { symbolize } from '../../src/measure/profile/symbols.js';
import type { ReportProfile, WholeRunsData } from '../../src/model/prtip-runs.js';
import { listEvents } from '../../src/measure/counters.js';

const ms = (ns: number): number => Math.round(ns / 1e4) / 100;
/** Every claim this suite judges is about a whole binary, judged on whole runs: the subject is added once, at the end. */
// Small shares keep two significant digits rather than rounding to 0.0%.
const pct = (x: number): string => `${Math.abs(x) >= 0.01 || x === 0 ? (100 * x).toFixed(1) : (100 * x).toPrecision(2)}%`;

interface Overhead {
  oursLoopNs: number;
  oursWallNs: number;
  hyperfineMeanNs: number | null;
  countingCost: number | null;
  countedNs: number;
  uncountedNs: number;
  /** The same on the child's CPU time (user + sys), which the VM's noise disturbs less. */
  countingCpuCost: number | null;
}

/** Runner overhead per run (loop time minus the child's wall), against hyperfine -N; and counting cost. */
async function measureOverhead(ctx: SuiteContext, warnings: string[]): Promise<Overhead> {
  const n = ctx.quick ? 100 : 300;
  // Per run: time between consecutive completions minus that run's wall (medians resist the noise of a shared VM).
  const stamps: number[] = [];
  const ours = await benchmarkCommand({ argv: ['true'] }, { warmup: 3, minRuns: n, maxRuns: n, minTimeMs: 0, rssIntervalMs: 0, signal: ctx.signal, onRun: () => void stamps.push(Number(process.hrtime.bigint())) });
  const gaps = stamps.slice(1).map((t, i) => t - stamps[i]! - ours.runs[i + 1]!.wallNs);
  const loopNs = median(gaps) + ours.summary.wall.median;
  let hyperfineMeanNs: number | null = null;
  const hyperfine = findExecutable('hyperfine');
  if (hyperfine) {
    const dir = mkdtempSync(join(tmpdir(), 'prtip-perf-hf-'));
    try {
      const r = spawnSync(hyperfine, ['-N', '--warmup', '3', '-r', String(n), '--export-json', join(dir, 'h.json'), 'true'], { stdio: 'ignore', timeout: 60_000 });
      if (r.status === 0) hyperfineMeanNs = median((JSON.parse(readFileSync(join(dir, 'h.json'), 'utf8')).results[0].times as number[]).map((t) => t * 1e9));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  } else warnings.push('hyperfine not installed: runner overhead is not compared with hyperfine -N (apt-get install hyperfine)');
  // Counting cost: a ~50-100 ms CPU-bound child with all default events vs none, interleaved.
  const work = { argv: ['awk', 'BEGIN { s = 0; for (i = 0; i < 1500000; i++) s += i; print s }'] };
  const rounds = ctx.quick ? 8 : 20;
  const counted: number[] = [], uncounted: number[] = [], countedCpu: number[] = [], uncountedCpu: number[] = [];
  for (let i = 0; i < rounds && !ctx.signal.aborted; i++) {
    const opts = { warmup: 0, minRuns: 1, maxRuns: 1, minTimeMs: 0, rssIntervalMs: 0 };
    const u = (await benchmarkCommand(work, { ...opts, events: [] })).runs[0]!;
    const c = (await benchmarkCommand(work, { ...opts, events: DEFAULT_RUN_EVENTS })).runs[0]!;
    uncounted.push(u.wallNs);
    counted.push(c.wallNs);
    uncountedCpu.push(u.userNs + u.sysNs);
    countedCpu.push(c.userNs + c.sysNs);
  }
  const c = median(counted), u = median(uncounted);
  return { oursLoopNs: loopNs, oursWallNs: ours.summary.wall.median, hyperfineMeanNs, countingCost: u > 0 ? (c - u) / u : null, countedNs: c, uncountedNs: u,
    countingCpuCost: median(uncountedCpu) > 0 ? median(countedCpu) / median(uncountedCpu) - 1 : null };
}

interface Floors {
  craftNs: number | null;
  craftFrom: string;
  checksumNs: number | null;
  checksumFrom: string;
  sendNs: number | null;
  sendFrom: string;
  /** Kernel time per packet sent with one sendto each. */
  sendtoNs: number | null;
  sendtoFrom: string;
}

/** One row of the attribution: a tool's run that sent packets, and what the floors explain of its CPU. */
export interface Attribution {
  tool: Tool;
  scenario: string;
  packets: number;
  via: string;
  cpuNs: number;
  shares: { crafting: number | null; checksums: number | null; sendPath: number | null; other: number | null };
}

/**
 * For every run that sent packets (sendto/sendmmsg counted by tracepoints): the share of the
 * tool's CPU that crafting, checksums and the send path explain at the floors, and the rest.
 * A floor is the cheapest measured way to do the work, so each share is a lower bound and
 * "other" an upper bound. Exported for the tests.
 */
export function attribute(runs: readonly { tool: Tool; scenario: string; result: CommandResult | null }[], floors: Floors): Attribution[] {
  const out: Attribution[] = [];
  for (const r of runs) {
    const sc = r.result?.summary.syscalls;
    if (!r.result || !sc || sc.sendto === null) continue;
    const sendto = sc.sendto ?? 0, sendmmsg = sc.sendmmsg ?? 0;
    if (sendto + sendmmsg === 0) continue;
    // sendto carries one packet; a sendmmsg call at least one (its count is a lower bound on packets).
    const packets = sendto + sendmmsg;
    const cpu = cpuNs(r.result);
    const sendFloor = sendmmsg > 0 ? floors.sendNs : floors.sendtoNs;
    const share = (perPacket: number | null): number | null => (perPacket === null || cpu <= 0 ? null : (packets * perPacket) / cpu);
    const shares = { crafting: share(floors.craftNs), checksums: share(floors.checksumNs), sendPath: share(sendFloor), other: null as number | null };
    const known = [shares.crafting, shares.checksums, shares.sendPath];
    shares.other = known.every((x) => x !== null) ? 1 - known.reduce((a, b) => a! + b!, 0)! : null;
    out.push({ tool: r.tool, scenario: r.scenario, packets, via: sendmmsg > 0 ? `${sendto} sendto + ${sendmmsg} sendmmsg` : `${sendto} sendto`, cpuNs: cpu, shares });
  }
  return out;
}

/** The attribution table (every tool and scenario that sent packets). */
function attributionTable(rows: readonly Attribution[], floors: Floors, silent: readonly string[]): Table {
  const cell = (x: number | null): string => (x === null ? 'cannot tell' : pct(x));
  return {
    title: 'The whole binary beside the in-process floors: what crafting, checksums and the send path explain of each tool\'s CPU, for every run that sent packets',
    columns: ['tool', 'scenario', 'packets sent (tracepoints)', 'send syscalls', 'CPU ms (user+sys, median)', 'crafting ≥', 'checksums ≥', 'send path ≥', 'other ≤'],
    rows: rows.map((a) => [a.tool, a.scenario, a.packets, a.via, ms(a.cpuNs), cell(a.shares.crafting), cell(a.shares.checksums), cell(a.shares.sendPath), cell(a.shares.other)]),
    notes: [
      'share = packets × per-packet floor ÷ the tool\'s CPU. A floor is the cheapest way measured here to do that work, so each share is a lower bound on what the work costs the tool, and "other" (the rest of its CPU: start-up, scheduling, receiving, bookkeeping) an upper bound. Together they add up to 100%.',
      `floors per packet: crafting ${floors.craftNs === null ? 'not measured' : `${floors.craftNs.toFixed(1)} ns`} (${floors.craftFrom}); checksums ${floors.checksumNs === null ? 'not measured' : `${floors.checksumNs.toFixed(1)} ns`} (${floors.checksumFrom}); ` +
        `send path ${floors.sendtoNs === null ? 'not measured' : `${floors.sendtoNs.toFixed(0)} ns`} with one sendto per packet (${floors.sendtoFrom}), ${floors.sendNs === null ? 'not measured' : `${floors.sendNs.toFixed(0)} ns`} with sendmmsg (${floors.sendFrom})`,
      'packets sent: sendto calls (one packet each) + sendmmsg calls (at least one packet each), counted by syscall tracepoints on the tool and its threads.',
      ...(rows.length === 0 ? ['no run sent packets through sendto/sendmmsg (or the send tracepoints were not counted)'] : []),
      ...(silent.length > 0 ? [`sent no packets through sockets (not attributed): ${silent.join(', ')}`] : []),
    ],
  };
}

/** "prtip v0.5.9" from `prtip --version`, run inside a namespace of its own like every prtip run; "this prtip" when it cannot tell. */
async function prtipVersion(binary: string | null | undefined): Promise<string> {
  if (!binary || !canCreateNamespaces().ok) return 'this prtip';
  try {
    const out = await withNamespace({}, (ns) => ns.exec([binary, '--version'], { timeoutMs: 10_000, allowFailure: true }));
    const v = /(\d+\.\d+\.\d+[\w.-]*)/.exec(out.stdout + out.stderr);
    return v ? `prtip v${v[1]}` : 'this prtip';
  } catch {
    return 'this prtip';
  }
}

/** Per-packet costs from the micro-benchmarks that already ran (null = cannot tell). */
function floorsFrom(ctx: SuiteContext): Floors {
  const metricsOf = (suite: string): Metric[] => (ctx.previous.get(suite)?.status === 'ok' ? ctx.previous.get(suite)!.metrics : []);
  const craft = metricsOf('packet-crafting').filter((m) => /ns/.test(m.unit) && /syn/i.test(m.name) && !/ipv6|v6/i.test(m.name));
  const bestCraft = craft.sort((a, b) => a.value - b.value)[0];
  // A SYN needs two sums: the 20 B IPv4 header and the TCP header with its pseudo-header (the 40 B size).
  // Full checksums only: 'empty' is the suite's call floor and 'incremental' patches one field.
  const bestAt = (bytes: number): Metric | undefined => metricsOf('checksum')
    .filter((m) => m.unit === 'ns/op' && new RegExp(`^checksum/(scalar16|wide64|avx2|avx512)/${bytes}B$`).test(m.name))
    .sort((a, b) => a.value - b.value)[0];
  const sum20 = bestAt(20), sum40 = bestAt(40);
  const sends = metricsOf('batch-size').filter((m) => /^batch-size\/ipv4\/b\d+\/sys-ns-per-packet$/.test(m.name));
  const bestSend = sends.sort((a, b) => a.value - b.value)[0];
  // One packet per sendto (how nmap and masscan send): the send-path-only series when it ran (no receive path in it), else loopback.
  const sendto = metricsOf('batch-size').find((m) => m.name === 'batch-size/ipv4-send-path/sendto/sys-ns-per-packet') ?? metricsOf('batch-size').find((m) => m.name === 'batch-size/ipv4/sendto/sys-ns-per-packet');
  return {
    craftNs: bestCraft?.value ?? null,
    craftFrom: bestCraft?.name ?? 'packet-crafting suite did not run or has no SYN metric',
    checksumNs: sum20 && sum40 ? sum20.value + sum40.value : null,
    checksumFrom: sum20 && sum40 ? `${sum20.name} + ${sum40.name}` : 'checksum suite did not run',
    sendNs: bestSend?.value ?? null,
    sendFrom: bestSend?.name ?? 'batch-size suite did not run',
    sendtoNs: sendto?.value ?? null,
    sendtoFrom: sendto?.name ?? 'batch-size suite did not run',
  };
}

interface ToolRun {
  tool: Tool;
  scenario: Scenario;
  result: CommandResult | null;
  note: string;
}

function cpuNs(r: CommandResult): number {
  return r.summary.cpu.median;
}

function networkSyscalls(r: CommandResult): number | null {
  let n = 0;
  for (const k of NETWORK_SYSCALLS) {
    const v = r.summary.syscalls[k];
    if (v === null) return null;
    n += v;
  }
  return n;
}

/** Every tool's runs one by one (each a separate process), for the judges: times and tracepoint syscall counts. */
function wholeRunsData(runs: readonly ToolRun[]): WholeRunsData {
  const out: WholeRunsData = {};
  for (const r of runs) {
    if (!r.result) continue;
    out[`${r.tool}/${r.scenario.id}`] = sampledRuns(r.result.runs).map((x) => ({ wallNs: x.wallNs, userNs: x.userNs, sysNs: x.sysNs, syscalls: syscallsByKind(x.counters) }));
  }
  return out;
}

/** The documents' strace -c futex "% time" per scenario (002 Phase 5 profiling summary, I/O analysis). */
const DOCUMENTED_FUTEX_TIME: Record<string, number> = { 'syn-scan-1k': 0.7962, 'ipv6-scan-1k': 0.81, 'syn-scan-10k': 0.8835, 'rate-limit-50k': 0.7726, 'service-detect': 0.2779 };

/**
 * 004's own strace example command (`strace -c ./target/release/prtip -sS -p 80,443 127.0.0.1`),
 * traced as it stands: two closed ports of 127.0.0.1 inside the run's own namespace.
 */
const STRACE_EXAMPLE = prtipOnly('strace-example', '004 strace example: -sS -p 80,443', ['-sS', '-p', '80,443', '127.0.0.1'], false);
/** 002's IPv6 strace run scanned 1,000 ports (the timed IPv6 scenario scans 500, with an IPv4 twin). */
const STRACE_IPV6_1K = prtipOnly('ipv6-scan-1k', '002 strace IPv6: -6 -sS -p 1-1000 ::1', ['-6', '-sS', '-p', '1-1000', '::1'], false);

/**
 * One scenario traced: strace -c without -f (the main thread, as the documents ran it) and
 * strace -f -c (every thread), several runs each, and one -f -c -w run (wall time inside syscalls).
 */
interface StraceCheck {
  scenario: string;
  main: StraceRun[];
  all: StraceRun[];
  wall: StraceRun | null;
  note: string;
}

/** What strace traces, per scenario: runs of each method (--quick traces syn-scan-1k and 004's example only). */
function stracePlan(quick: boolean): { scenario: Scenario; main: number; all: number; wall: boolean }[] {
  const runs = quick ? 2 : 3;
  const light = (scenario: Scenario) => ({ scenario, main: runs, all: runs, wall: scenario.id === 'syn-scan-1k' });
  return [
    light(scenarioById('syn-scan-1k')),
    ...(quick ? [] : [light(STRACE_IPV6_1K), light(scenarioById('rate-limit-50k'))]),
    { scenario: STRACE_EXAMPLE, main: runs, all: 1, wall: false },
    // Heavy: syn-scan-10k takes ~1 s on its main thread under strace (several under -f); -sV ~10 s a run.
    ...(quick ? [] : [{ scenario: scenarioById('syn-scan-10k'), main: 3, all: 0, wall: false }, { scenario: scenarioById('service-detect'), main: 2, all: 0, wall: false }]),
  ];
}

/**
 * The documents' method (002: `strace -c -o FILE prtip ...`, no -f: the main thread) beside
 * every thread (`strace -f -c`), each run in a fresh namespace like every other run. Several
 * runs of each, so that the figures have an interval between runs.
 */
async function straceCrossCheck(ctx: SuiteContext, strace: string, prtip: string, tls: ReturnType<typeof makeTlsMaterial>, warnings: string[]): Promise<StraceCheck[]> {
  const plan = stracePlan(ctx.quick);
  const checks: StraceCheck[] = [];
  for (const [i, p] of plan.entries()) {
    if (ctx.signal.aborted) break;
    ctx.progress(`strace -c prtip ${p.scenario.id}`, i, plan.length);
    const check: StraceCheck = { scenario: p.scenario.id, main: [], all: [], wall: null, note: '' };
    const once = (followThreads: boolean, wallClock = false): Promise<StraceRun> => runUnderStrace({
      strace, wallClock, followThreads, environment: scenarioEnvironment(p.scenario, 'prtip', prtip, tls),
      timeoutMs: p.scenario.heavy || p.scenario.listeners ? 120_000 : 30_000, signal: ctx.signal,
    });
    try {
      for (let k = 0; k < Math.max(p.main, p.all) && !ctx.signal.aborted; k++) {
        if (k < p.main) check.main.push(await once(false));
        if (k < p.all) check.all.push(await once(true));
      }
      if (p.wall && !ctx.signal.aborted) check.wall = await once(true, true);
    } catch (err) {
      check.note = (err as Error).message;
      warnings.push(`strace -c prtip ${p.scenario.id} failed: ${check.note}`);
    }
    checks.push(check);
  }
  return checks;
}

type GetRun = (tool: Tool, id: string) => CommandResult | null;

const share2 = (x: number | null): string => (x === null ? 'n/a (no time measured)' : `${(100 * x).toFixed(1)}%`);
const perRunText = (runs: readonly StraceRun[], f: (r: StraceRun) => string): string => (runs.length === 0 ? 'not run' : runs.map(f).join(', '));

/** futex and all syscalls from an unstraced run's tracepoints (null when not counted). */
function tracepointFutexShare(r: CommandResult | null): { futex: number; total: number } | null {
  const f = r?.summary.syscalls.futex, t = r?.summary.syscalls.total;
  return f === null || f === undefined || t === null || t === undefined || t === 0 ? null : { futex: f, total: t };
}

/** Per traced scenario, futex and totals by each method, and syn-scan-1k's top syscalls by time (main thread and all threads). */
function straceTables(checks: StraceCheck[], get: GetRun): Table[] {
  if (checks.length === 0) return [];
  const futexCalls = (r: StraceRun): number => r.summary.rows.find((x) => x.syscall === 'futex')?.calls ?? 0;
  const tables: Table[] = [{
    title: 'strace -c per scenario: the documents\' method (no -f: the main thread) beside every thread (-f), one value per traced run',
    columns: ['scenario', 'futex % time, main thread (strace -c)', 'futex % time, all threads (strace -f -c)', 'futex % time (-f -c -w)', 'documents (strace -c)', 'futex / all calls, main thread', 'futex / all calls, all threads', 'futex / all calls (tracepoints, no strace)', 'wall ms, main thread traced', 'wall ms, all threads traced', 'wall ms untraced (median)', 'note'],
    rows: checks.map((c) => {
      const plain = get('prtip', c.scenario), tp = tracepointFutexShare(plain);
      const doc = DOCUMENTED_FUTEX_TIME[c.scenario];
      return [
        c.scenario,
        perRunText(c.main, (r) => share2(timeShare(r.summary, 'futex'))),
        perRunText(c.all, (r) => share2(timeShare(r.summary, 'futex'))),
        c.wall ? share2(timeShare(c.wall.summary, 'futex')) : 'not run',
        doc === undefined ? '' : `${(100 * doc).toFixed(2)}%`,
        perRunText(c.main, (r) => `${futexCalls(r)} / ${r.summary.total.calls}`),
        perRunText(c.all, (r) => `${futexCalls(r)} / ${r.summary.total.calls}`),
        tp ? `${tp.futex} / ${tp.total} (${pct(tp.futex / tp.total)})` : 'n/a',
        perRunText(c.main, (r) => String(ms(r.wallNs))),
        perRunText(c.all, (r) => String(ms(r.wallNs))),
        plain ? ms(plain.summary.wall.median) : 'not run',
        c.note,
      ];
    }),
    notes: [
      'The documents ran strace -c without -f (002: strace -c -o output.strace-summary.txt ./target/release/prtip -sS -p 1-1000 127.0.0.1), which traces the main thread only; tokio\'s worker threads, where prtip v0.5.9 makes its connect() calls, go unseen. -f traces every thread; tracepoints count every thread without strace.',
      '"% time" of strace -c: by default system CPU time of the traced process (wait4 rusage, all threads) between a syscall\'s entry and exit, so a thread blocked in futex is charged what its siblings spend meanwhile; with -w, wall time from entry to exit. A share of time inside syscalls, not of the run.',
      'strace stops the traced threads at every syscall entry and exit (ptrace), so traced runs are slower and their timings are not benchmarks.',
      '--quick traces syn-scan-1k and 004\'s example only; full-65535 is never traced.',
    ],
  }];
  const syn = checks.find((c) => c.scenario === 'syn-scan-1k' && c.main.length > 0);
  for (const [label, run] of [['main thread (strace -c, the documents\' method)', syn?.main[0]], ['all threads (strace -f -c)', syn?.all[0]]] as const) {
    if (!run) continue;
    const row = (r: (typeof run.summary.rows)[number]): (string | number)[] => [r.syscall, `${r.percentTime.toFixed(2)}%`, (r.seconds * 1e3).toFixed(3), r.usecsPerCall, r.calls, r.errors];
    tables.push({
      title: `strace, prtip syn-scan-1k, ${label}: top syscalls by time (first traced run)`,
      columns: ['syscall', '% time', 'ms', 'usecs/call', 'calls', 'errors'],
      rows: [...topByTime(run.summary, 8).map(row), row(run.summary.total)],
      notes: ['One run under strace in its own network namespace; the documents\' table for the same scenario (main thread): futex 79.62%, write 5.99%, clone3 3.16%, mmap 1.91%.'],
    });
  }
  return tables;
}


const anonPeak = (r: CommandResult): number => median(r.runs.map((x) => Math.max(0, ...(x.rss?.anonBytes ?? [0]))));

// ---- Heap and leaks: the documents' own method, valgrind's massif and memcheck ----

/** One of the documents' massif runs, as prtip arguments inside a namespace of its own. */
interface MemoryScenario {
  id: string;
  scenario: Scenario;
  /** The same command without the feature flag: the feature's overhead is the difference of the two peaks. */
  withoutFeature?: string;
  /** Runs last, limited to what is left of the budget (at least MIN_REST_LIMIT_MS); the others get MEMORY_LIMIT_MS. */
  restOfBudget?: boolean;
  /** Traced with --quick too. */
  quick: boolean;
  /** No second run with --stacks=yes: the heap figure alone decides its claim and the run is long or only a bound. */
  noStacks?: true;
  /**
   * A scenario the suite already ran untraced whose RssAnon stands beside this one (saving an ~8 s
   * untraced run of its own); it is run untraced itself only when that scenario did not run.
   */
  anonFrom?: { id: string; label: string };
}

/** The 4 ports of the -sV run: the harness's HTTP, TLS and banner listeners, and discard (9), which is closed. */
const SV_PORTS = [SERVICE_PORTS.http, SERVICE_PORTS.tls, SERVICE_PORTS.banner, 9].join(',');
/**
 * -sV under massif takes ~35 s on an idle machine here (about 4x its untraced ~8 s; its heap grows to
 * ~2 GB): it runs last, cut at what is left of the budget, and its peak is then a lower bound.
 */
const MIN_REST_LIMIT_MS = 3_000;
/**
 * At most 5 s: a stopped run still has to exit, and that takes longer the larger its heap (by hand,
 * with an HTTP and a banner listener: stopped at 5 s, 369 MB of heap, exited 2.1 s later; at 10 s, 876 MB,
 * 6.6 s later; an idle full run stopped at 10 s was still writing 15 s later and was killed, so it
 * gave no figure). Any lower bound above 10 MB already decides the only claim a stopped run can
 * ("< 10 MB of overhead"); "1.97 GB" needs a complete run (~35 s) either way.
 */
const MAX_REST_LIMIT_MS = 5_000;
const MEMORY_LIMIT_MS = 30_000;

function prtipOnly(id: string, description: string, args: string[], listeners: boolean): Scenario {
  const none = { none: 'the memory scenarios profile prtip only' };
  return { id, description, ports: 0, ipv6: args.includes('-6'), listeners, heavy: false, args: { prtip: () => args, nmap: none, masscan: none } };
}

const MEMORY_SCENARIOS: readonly MemoryScenario[] = [
  { id: 'syn-scan-100', scenario: prtipOnly('syn-scan-100', '002 massif "Small": -sS -p 1-100', ['-sS', '-p', '1-100', '127.0.0.1'], false), quick: false },
  { id: 'syn-scan-1k', scenario: scenarioById('syn-scan-1k'), quick: true },
  { id: 'syn-scan-10k', scenario: scenarioById('syn-scan-10k'), quick: false },
  // 003's heap table: "< 20 MB" (connect, 100 ports) and "< 5 MB" (all ports) need massif to be refuted (RssAnon only bounds them from above).
  { id: 'connect-scan-100', scenario: scenarioById('connect-scan-100'), quick: false, noStacks: true },
  { id: 'full-65535', scenario: scenarioById('full-65535'), quick: false, noStacks: true },
  { id: 'ipv6-scan-1k', scenario: prtipOnly('ipv6-scan-1k', '002 massif "IPv6": -6 -sS -p 1-1000 ::1', ['-6', '-sS', '-p', '1-1000', '::1'], false), quick: false },
  { id: 'service-detect-4', scenario: prtipOnly('service-detect-4', '002 massif "Service Detect (4 ports)"', ['-sV', '-p', SV_PORTS, '127.0.0.1'], true), withoutFeature: 'service-detect-4-without-sV', restOfBudget: true, quick: false,
    anonFrom: { id: 'service-detect', label: 'of the suite\'s service-detect runs: -sV on the same three listeners, without the closed port 9' } },
  { id: 'service-detect-4-without-sV', scenario: prtipOnly('service-detect-4-without-sV', 'the -sV run without -sV', ['-p', SV_PORTS, '127.0.0.1'], true), quick: false },
  { id: 'os-detect-1', scenario: prtipOnly('os-detect-1', '000 scenario 4: -O on one open port', ['-O', '-p', String(SERVICE_PORTS.http), '127.0.0.1'], true), withoutFeature: 'os-detect-1-without-O', quick: false },
  { id: 'os-detect-1-without-O', scenario: prtipOnly('os-detect-1-without-O', 'the -O run without -O', ['-p', String(SERVICE_PORTS.http), '127.0.0.1'], true), quick: false },
];

/** Budget for all valgrind runs of the suite together, ms (full run / --quick). */
const MEMORY_BUDGET_MS = { full: 30_000, quick: 5_000 };
/** Kept back from the last, budget-limited massif run for valgrind's write-out after the stop. */
const WRITE_OUT_RESERVE_MS = 3_000;

/** One memory scenario's figures: massif (heap; stacks apart), and RssAnon of an untraced run beside them. */
export interface MemoryCheck {
  id: string;
  argv: string[];
  /** The massif run's time limit, ms. */
  limitMs: number;
  heap: ValgrindMemoryRun | null;
  /** massif --stacks=yes: null when not run (see MemoryResults.stacksUnsupported). */
  stacks: ValgrindMemoryRun | null;
  /** Peak RssAnon of an untraced run (bytes), its wall time (ns) and where it came from. */
  anonBytes: number | null;
  /** Set when RssAnon comes from a related command rather than this one. */
  anonSource?: string;
  untracedWallNs: number | null;
  /** The untraced run's stdout (what prtip reported: e.g. whether -O gave an OS). */
  untracedOutput: string;
  note: string;
}

/** Everything the memory section measured. */
export interface MemoryResults {
  /** The valgrind binary; null when it is not on PATH (every memory claim is then cannot tell, naming the package). */
  valgrind: string | null;
  checks: MemoryCheck[];
  /** memcheck on syn-scan-1k. */
  leaks: ValgrindMemoryRun | null;
  leaksNote: string;
  /** Why there is no stacks figure, when massif --stacks=yes failed (it then is not tried again). */
  stacksUnsupported: string | null;
  /** Wall time of all valgrind runs together, ns. */
  tracedNs: number;
  /** --quick: syn-scan-1k only, no stacks run. */
  quick: boolean;
  budgetMs: number;
}

/** valgrind on PATH (`pathEnv`), or null. Exported for the test of the no-valgrind path. */
export function locateValgrind(pathEnv = process.env.PATH ?? ''): string | null {
  return findExecutable('valgrind', pathEnv);
}

/** prtip once without valgrind, for its peak RssAnon (2 ms samples), wall time and output. */
async function untracedMemoryRun(ctx: SuiteContext, s: Scenario, prtip: string, tls: ReturnType<typeof makeTlsMaterial>): Promise<{ anon: number; wall: number; output: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'prtip-perf-mem-'));
  try {
    const env = scenarioEnvironment(s, 'prtip', prtip, tls);
    const r = await benchmarkCommand({ argv: [prtip] }, {
      warmup: 0, minRuns: 1, maxRuns: 1, minTimeMs: 0, events: [], rssIntervalMs: 2, timeoutMs: 60_000, signal: ctx.signal,
      // prtip's report goes to a file the harness reads back (the executor discards the child's stdout).
      environment: async () => {
        const e = await env();
        // exec: the shell becomes prtip, so RssAnon is sampled on prtip itself.
        return { ...e, command: { argv: ['sh', '-c', 'exec "$@" > "$0" 2>&1', join(dir, 'out.txt'), ...e.command!.argv], name: e.command!.name ?? '' } };
      },
    });
    const out = (() => {
      try {
        return readFileSync(join(dir, 'out.txt'), 'utf8');
      } catch {
        return '';
      }
    })();
    return { anon: anonPeak(r), wall: r.summary.wall.median, output: out };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The documents' memory method: each memory scenario once under massif (heap + extra-heap, as
 * ms_print graphs it), stacks apart with --stacks=yes, and memcheck's leak check on the stateless
 * 1k scan; each run in a fresh namespace like every other, bounded by a limit. Beside each, peak
 * RssAnon of one untraced run (the suite's own runs where it has them). --quick: syn-scan-1k only.
 */
async function memoryRuns(ctx: SuiteContext, valgrind: string, prtip: string, tls: ReturnType<typeof makeTlsMaterial>, get: GetRun, warnings: string[]): Promise<MemoryResults> {
  const chosen = MEMORY_SCENARIOS.filter((m) => !ctx.quick || m.quick);
  const results: MemoryResults = { valgrind, checks: [], leaks: null, leaksNote: '', stacksUnsupported: null, tracedNs: 0, quick: ctx.quick, budgetMs: ctx.quick ? MEMORY_BUDGET_MS.quick : MEMORY_BUDGET_MS.full };
  const steps = chosen.length + 1;
  let step = 0;
  const traced = async (what: string, run: () => Promise<ValgrindMemoryRun>): Promise<ValgrindMemoryRun | null> => {
    try {
      const r = await run();
      results.tracedNs += r.wallNs;
      if (r.failure) warnings.push(`${what}: ${r.failure}`);
      return r;
    } catch (err) {
      warnings.push(`${what} failed: ${(err as Error).message}`);
      return null;
    }
  };
  const massifRun = async (m: MemoryScenario, limitMs: number): Promise<void> => {
    ctx.progress(`valgrind --tool=massif prtip ${m.id}`, step++, steps);
    const environment = scenarioEnvironment(m.scenario, 'prtip', prtip, tls);
    const check: MemoryCheck = { id: m.id, argv: [prtip, ...(m.scenario.args.prtip as () => string[])()], limitMs, heap: null, stacks: null, anonBytes: null, untracedWallNs: null, untracedOutput: '', note: '' };
    check.heap = await traced(`massif prtip ${m.id}`, () => runUnderValgrind({ valgrind, tool: 'massif', environment, timeLimitMs: limitMs, signal: ctx.signal }));
    // Stacks: a separate run with --stacks=yes (it changes which snapshot is the peak), not for the long -sV run,
    // the scenarios marked noStacks, nor with --quick (its budget holds the heap and leak runs only); once
    // valgrind has failed at it on this binary it is not tried again.
    if (!ctx.quick && !results.stacksUnsupported && !m.restOfBudget && !m.noStacks && !ctx.signal.aborted) {
      check.stacks = await traced(`massif --stacks=yes prtip ${m.id}`, () => runUnderValgrind({ valgrind, tool: 'massif', stacks: true, environment, timeLimitMs: limitMs, signal: ctx.signal }));
      if (check.stacks?.failure) results.stacksUnsupported = check.stacks.failure;
    }
    const own = get('prtip', m.id), near = m.anonFrom ? get('prtip', m.anonFrom.id) : null;
    if (own) {
      check.anonBytes = anonPeak(own);
      check.untracedWallNs = own.summary.wall.median;
      check.note = 'RssAnon from the suite\'s own runs (median of per-run peaks)';
    } else if (near) {
      check.anonBytes = anonPeak(near);
      check.untracedWallNs = near.summary.wall.median;
      check.anonSource = m.anonFrom!.label;
      check.note = `RssAnon ${m.anonFrom!.label}`;
    } else if (!m.id.includes('-without-') && !ctx.signal.aborted) {
      try {
        const u = await untracedMemoryRun(ctx, m.scenario, prtip, tls);
        Object.assign(check, { anonBytes: u.anon, untracedWallNs: u.wall, untracedOutput: u.output, note: 'RssAnon from one untraced run' });
      } catch (err) {
        check.note = `untraced run failed: ${(err as Error).message}`;
      }
    }
    results.checks.push(check);
  };
  for (const m of chosen.filter((x) => !x.restOfBudget)) {
    if (ctx.signal.aborted) break;
    await massifRun(m, MEMORY_LIMIT_MS);
  }
  if (!ctx.signal.aborted) {
    ctx.progress('valgrind --tool=memcheck prtip syn-scan-1k', step++, steps);
    results.leaks = await traced('memcheck prtip syn-scan-1k', () => runUnderValgrind({
      valgrind, tool: 'memcheck', environment: scenarioEnvironment(scenarioById('syn-scan-1k'), 'prtip', prtip, tls), timeLimitMs: MEMORY_LIMIT_MS, signal: ctx.signal,
    }));
    if (!results.leaks) results.leaksNote = 'memcheck could not run (see warnings)';
  }
  for (const m of chosen.filter((x) => x.restOfBudget)) {
    if (ctx.signal.aborted) break;
    // A run stopped at its limit still writes its snapshots: ~2.5 s for -sV's ~1.4 GB heap (an idle full run overran by 1.5 s with 1 s kept back).
    const left = results.budgetMs - results.tracedNs / 1e6 - WRITE_OUT_RESERVE_MS;
    await massifRun(m, Math.round(Math.min(MAX_REST_LIMIT_MS, Math.max(MIN_REST_LIMIT_MS, left))));
  }
  if (results.tracedNs > results.budgetMs * 1e6) warnings.push(`the valgrind runs took ${(results.tracedNs / 1e9).toFixed(1)} s together, over their ${results.budgetMs / 1000} s budget (load ${loadavg()[0]!.toFixed(2)})`);
  return results;
}

const MIB = 2 ** 20;
/** Heap + extra-heap at massif's peak: the quantity ms_print graphs and the documents read off. */
const heapTotal = (r: ValgrindMemoryRun | null): number | null => (r?.massif ? r.massif.peak.heapBytes + r.massif.peak.extraHeapBytes : null);

/** Per prtip scenario run untraced: each run's peak RssAnon (resident heap + stacks + anonymous maps) and wall time. */
function untracedFigures(runs: readonly ToolRun[]): Record<string, { anonPeakBytes: number[]; wallNs: number[] }> {
  return Object.fromEntries(runs.filter((r) => r.tool === 'prtip' && r.result).map((r) => [r.scenario.id, {
    anonPeakBytes: r.result!.runs.filter((x) => (x.rss?.anonBytes.length ?? 0) > 0).map((x) => Math.max(...x.rss!.anonBytes)),
    wallNs: r.result!.runs.map((x) => x.wallNs),
  }]));
}

/** The prtip binary's size on disk and what of it `strip` would remove, or why it could not be read. */
function binaryFigures(path: string | null): BinarySize | { path: string; error: string } | null {
  if (!path) return null;
  try {
    return binarySize(path);
  } catch (err) {
    return { path, error: (err as Error).message };
  }
}

/** The memory section's tables: one row per massif run, and memcheck's summary. */
function memoryTables(mem: MemoryResults | null): Table[] {
  if (!mem?.valgrind || mem.checks.length === 0) return [];
  const documented: Record<string, string> = { 'connect-scan-100': '003: 18 MB (< 20 MB)', 'full-65535': '003: 4.5 MB (< 5 MB)', 'syn-scan-100': '1.999 MB', 'syn-scan-1k': '2.746 MB (000: < 1 MB)', 'syn-scan-10k': '12.34 MB', 'ipv6-scan-1k': '2.742 MB', 'service-detect-4': '1.973 GB (000: < 10 MB overhead)', 'os-detect-1': '000: < 5 MB overhead' };
  const s = (ns: number | null): string | null => (ns === null ? null : (ns / 1e9).toFixed(2));
  const tables: Table[] = [{
    title: 'Heap under valgrind massif (the documents\' method): one run per scenario, each in its own network namespace',
    columns: ['scenario', 'prtip arguments', 'heap peak MB', 'extra-heap MB', 'heap + extra (ms_print) MiB', 'stacks peak MB', 'RssAnon untraced MB', 'documents (ms_print)', 'massif run s', 'untraced wall ms', 'slowdown', 'note'],
    rows: mem.checks.map((c) => {
      const p = c.heap?.massif?.peak;
      const stacks = c.stacks?.massif?.stacksPeakBytes;
      return [
        c.id, c.argv.slice(1).join(' '),
        p ? (p.heapBytes / 1e6).toFixed(3) : null, p ? (p.extraHeapBytes / 1e6).toFixed(3) : null, p ? ((p.heapBytes + p.extraHeapBytes) / MIB).toFixed(3) : null,
        stacks !== undefined && stacks !== null ? (stacks / 1e6).toFixed(3) : mem.stacksUnsupported ? 'unsupported' : mem.quick ? 'not run (--quick)' : 'not run',
        c.anonBytes === null ? null : (c.anonBytes / 1e6).toFixed(3), documented[c.id] ?? '',
        s(c.heap?.wallNs ?? null), c.untracedWallNs === null ? null : ms(c.untracedWallNs),
        c.heap?.limited ? 'n/a (stopped)' : c.heap && c.untracedWallNs ? `${(c.heap.wallNs / c.untracedWallNs).toFixed(0)}x` : null,
        [c.heap?.limited ? `stopped at its ${(c.limitMs / 1e3).toFixed(1)} s limit: heap is a lower bound` : '', c.heap?.failure ?? '', c.note].filter((x) => x).join('; '),
      ];
    }),
    notes: [
      'heap = bytes the program asked malloc/new/realloc for and had not freed; extra-heap = massif\'s estimate of the allocator\'s overhead; the documents\' "Peak Memory" is ms_print\'s graph peak, heap + extra-heap, in 1024² bytes.',
      'RssAnon (heap + stacks + anonymous maps actually resident, without valgrind) is beside it as the resident upper bound; massif counts allocations whether touched or not, so its figure can exceed RssAnon (the -sV run).',
      `Traced runs are never timings: the wall times are only what each costs (the slowdown is valgrind + prtip against prtip alone, both from exec to exit). All valgrind runs together: ${(mem.tracedNs / 1e9).toFixed(1)} s (budget ${mem.budgetMs / 1000} s).`,
      ...(mem.stacksUnsupported ? [`stacks (massif --stacks=yes): unsupported here, ${mem.stacksUnsupported}; it is tried once and the heap figures (--stacks=no, as the documents ran it) are unaffected.`] : []),
      '--quick traces syn-scan-1k only (heap and leaks, no stacks run).',
    ],
  }];
  const l = mem.leaks?.memcheck;
  if (mem.leaks) {
    const bib = (x: BytesInBlocks): string => `${x.bytes.toLocaleString('en-US')} B in ${x.blocks} blocks`;
    tables.push({
      title: 'memcheck --leak-check=full --show-leak-kinds=all, prtip syn-scan-1k (000 scenario 5)',
      columns: ['figure', 'value'],
      rows: l ? [
        ['definitely lost', bib(l.definitelyLost)], ['indirectly lost', bib(l.indirectlyLost)], ['possibly lost', bib(l.possiblyLost)],
        ['still reachable', bib(l.stillReachable)], ['suppressed', bib(l.suppressed)], ['in use at exit', bib(l.inUseAtExit)],
        ['heap usage', `${l.allocs} allocs, ${l.frees} frees, ${l.bytesAllocated.toLocaleString('en-US')} bytes allocated`], ['errors (ERROR SUMMARY)', l.errors],
        ['memcheck run s', s(mem.leaks.wallNs)],
      ] : [['memcheck', mem.leaks.failure ?? 'no summary']],
      notes: ['One run in its own namespace. valgrind writes its log before prtip drops privileges to nobody, so the summary survives the drop.'],
    });
  }
  return tables;
}



/**
 * The whole-binary comparisons run interleaved, not one scenario after another: in
 * mirrored, rotated blocks (A B A′ | A′ B A), so that the machine's drift over the
 * suite cancels, and paired by block on log ratios (src/analyse/power.ts). A′ is A again, the
 * null control. syn-scan-1k is the A of two comparisons (connect, rate limiter), which
 * share its blocks and its A′.
 */
const COMPARISON_GROUPS = [
  { id: 'syn-1k', a: 'syn-scan-1k', bs: ['connect-scan-1k', 'rate-limit-50k'] },
  { id: 'syn-500', a: 'syn-scan-500', bs: ['ipv6-scan-500'] },
] as const;
const A_PRIME = '′';
/** Blocks per group: each block is 2 runs of every condition (A, A′ and each B). */
const comparisonBlocks = (quick: boolean): number => (quick ? 4 : 12);

interface ComparisonGroupRuns {
  id: string;
  a: string;
  bs: readonly string[];
  blocks: Record<string, number[]>[];
  order: string[];
  runsPerBlock: number;
}

/** Runs the comparison groups; their scenarios' results (A pooled with A′) join `runs`. */
async function runComparisonGroups(ctx: SuiteContext, prtip: string, tls: ReturnType<typeof makeTlsMaterial>, runs: ToolRun[], warnings: string[]): Promise<ComparisonGroupRuns[]> {
  const groups: ComparisonGroupRuns[] = [];
  for (const g of COMPARISON_GROUPS) {
    if (ctx.signal.aborted) break;
    const ids = [g.a, ...g.bs, g.a + A_PRIME];
    const options = (id: string) => {
      const scenario = scenarioById(id.replace(A_PRIME, ''));
      return { timeoutMs: 20_000, rssIntervalMs: 2, environment: scenarioEnvironment(scenario, 'prtip', prtip, tls) };
    };
    try {
      const r = await runInterleaved(ids.map((id) => ({ id, command: { argv: [prtip], name: `prtip ${id.replace(A_PRIME, '')}` }, options: options(id) })), {
        blocks: comparisonBlocks(ctx.quick), warmup: 1, signal: ctx.signal,
        onRun: (id, done, total) => ctx.progress(`prtip interleaved ${g.id}: ${id}`, done, total),
      });
      const a = r.results[g.a], aPrime = r.results[g.a + A_PRIME];
      if (a) {
        const pooled = aPrime ? [...a.runs, ...aPrime.runs] : a.runs;
        runs.push({ tool: 'prtip', scenario: scenarioById(g.a), result: analyse(a.command, a.argv, pooled, a.warmupRuns), note: `interleaved with ${g.bs.join(', ')} (A and A′ pooled)` });
      }
      for (const b of g.bs) if (r.results[b]) runs.push({ tool: 'prtip', scenario: scenarioById(b), result: r.results[b]!, note: `interleaved with ${g.a}` });
      groups.push({ id: g.id, a: g.a, bs: g.bs, blocks: r.blocks, order: r.order, runsPerBlock: 2 * ids.length });
    } catch (err) {
      for (const id of [g.a, ...g.bs]) runs.push({ tool: 'prtip', scenario: scenarioById(id), result: null, note: (err as Error).message });
      warnings.push(`prtip interleaved ${ids.join(' / ')} failed: ${(err as Error).message}`);
    }
  }
  return groups;
}

const signedPct = (x: number): string => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}%`;

/** One B-vs-A comparison of a group, analysed, with its null control held to `noiseThreshold`. */
function comparisonOf(groups: readonly ComparisonGroupRuns[], a: string, b: string, noiseThreshold: number): { c: InterleavedComparison; runsPerBlock: number } | null {
  const g = groups.find((x) => x.a === a && x.bs.includes(b));
  if (!g || g.blocks.length === 0) return null;
  return { c: analyseInterleaved(g.blocks.map((blk) => ({ a: blk[a]!, aPrime: blk[a + A_PRIME]!, b: blk[b]! })), { noiseThreshold, perBlock: 'min' }), runsPerBlock: g.runsPerBlock };
}

/** The interleaved comparisons' figures (the time family judges them from data.comparisons). */
function comparisonTable(groups: readonly ComparisonGroupRuns[]): Table | null {
  const rows: Table['rows'] = [];
  for (const [a, b] of [['syn-scan-1k', 'connect-scan-1k'], ['syn-scan-500', 'ipv6-scan-500'], ['syn-scan-1k', 'rate-limit-50k']] as const) {
    const x = comparisonOf(groups, a, b, 0.05);
    if (!x) continue;
    const c = x.c, ci = c.real.interval, n0 = c.nullControl;
    rows.push([`${b} vs ${a}`, c.blocks, signedPct(c.real.change), ci ? `${signedPct(ci[0])} … ${signedPct(ci[1])}` : 'n/a', c.real.p.toPrecision(2),
      signedPct(n0.change), n0.interval ? `${signedPct(n0.interval[0])} … ${signedPct(n0.interval[1])}` : 'n/a', n0.showsDifference ? 'yes' : 'no',
      c.mde === null ? 'n/a' : `±${(100 * c.mde).toFixed(1)}%`]);
  }
  if (rows.length === 0) return null;
  return {
    title: 'Interleaved whole-binary comparisons: B against A in mirrored blocks, with A′ (A again) as the null control',
    columns: ['comparison', 'blocks', 'change (B/A)', '95% interval', 'p (paired t)', 'null control A′/A', 'null 95% interval', 'null shows a difference', 'detectable (80% power)'],
    rows,
    notes: [
      'Each block runs every condition twice, in a rotated order and then its mirror (e.g. A B A′ | A′ B A), so drift that is linear over a block cancels. A condition\'s level in a block is its faster run (on a shared machine preemption only adds time); the test is a paired t-test on the per-block log ratios (95% interval, α = 0.05).',
      'A′ is the same command as A in the same blocks: if it differs from A (p < 0.05, or by more than the noise threshold, 5%), the schedule itself makes identical runs differ, and the claims judged on the comparison cannot be told.',
      '"detectable": the smallest change these blocks detect with 80% power at α = 0.05 (noncentral t, from the between-block spread).',
    ],
  };
}


// ---- Sampled profiles per scenario (issue 15): where each tool's CPU goes, and 003's hotspot table ----

/**
 * Sampling rate of the suite's profiles: the light scenarios' runs are short (tens of ms of
 * CPU), so 10 kHz for enough samples; service detection burns seconds, so 2 kHz is plenty.
 */
const profileHz = (s: Scenario): number => (s.heavy ? 2_000 : 10_000);

/**
 * What is profiled: prtip in the hotspot table's scenarios (SYN, connect, service
 * detection), nmap and masscan in the SYN scan. Repeated runs are merged for samples.
 * --quick: the SYN scan only, one run each.
 */
function profilePlan(quick: boolean): { tool: Tool; scenario: string; runs: number }[] {
  if (quick) return [{ tool: 'prtip', scenario: 'syn-scan-1k', runs: 1 }, { tool: 'nmap', scenario: 'syn-scan-1k', runs: 1 }, { tool: 'masscan', scenario: 'syn-scan-1k', runs: 1 }];
  return [
    { tool: 'prtip', scenario: 'syn-scan-1k', runs: 2 }, { tool: 'prtip', scenario: 'connect-scan-1k', runs: 2 }, { tool: 'prtip', scenario: 'service-detect', runs: 1 },
    { tool: 'nmap', scenario: 'syn-scan-1k', runs: 1 }, { tool: 'masscan', scenario: 'syn-scan-1k', runs: 1 },
  ];
}

/** Records each planned tool and scenario with the sampler, every run in a fresh namespace of its own (like every scanner run), and symbolizes it. */
export async function profileScenarios(ctx: SuiteContext, tools: Record<Tool, string | null>, tls: ReturnType<typeof makeTlsMaterial>, warnings: string[]): Promise<ScenarioProfile[]> {
  const plan = profilePlan(ctx.quick).filter((p) => tools[p.tool] && !(p.scenario === 'service-detect' && !tls));
  const out: ScenarioProfile[] = [];
  for (const [i, p] of plan.entries()) {
    if (ctx.signal.aborted) break;
    ctx.progress(`profile ${p.tool} ${p.scenario}`, i, plan.length);
    const scenario = scenarioById(p.scenario);
    const binary = tools[p.tool]!;
    const runs = [];
    let unmapped = 0;
    try {
      // A recording whose user-space samples came with no mapping at all cannot be split by
      // library: it is recorded again (at most twice per scenario) and counted in a warning.
      for (let r = 0; r < p.runs + Math.min(unmapped, 2) && !ctx.signal.aborted; r++) {
        const env = await scenarioEnvironment(scenario, p.tool, binary, tls)();
        try {
          const rec = await recordCommand([...env.command!.argv], { frequencyHz: profileHz(scenario), netnsPath: env.netnsPath, timeoutMs: scenario.heavy ? 60_000 : 20_000 });
          if (rec.profile.mappings.length === 0 && rec.profile.samples.some((x) => x.kernelFrames === 0)) unmapped++;
          else runs.push(symbolize(rec.profile));
        } finally {
          await env.close();
        }
      }
      if (unmapped > 0) warnings.push(`profile of ${p.tool} ${p.scenario}: ${unmapped} recording(s) had user-space samples but no mapping record (the sampler missed the MMAP2 records), so they were left out and recorded again`);
      if (runs.length > 0) out.push(scenarioProfile(p.tool, p.scenario, runs.length, mergeProfiles(runs), binary.split('/').pop()!, runs));
    } catch (err) {
      warnings.push(`profile of ${p.tool} ${p.scenario} failed: ${(err as Error).message}`);
    }
  }
  return out;
}

/** The profiles' tables, the hotspot figures the profile family judges, and what the report keeps of them (folded stacks for the flame graphs). */
export function profileResults(profiles: readonly ScenarioProfile[], attributed: readonly Attribution[]): { tables: Table[]; hotspots: HotspotData; data: ReportProfile[]; summary: unknown[] } {
  const hotspots = measureHotspots(profiles);
  const tables: Table[] = [];
  if (profiles.length > 0) {
    tables.push(profileSummaryTable(profiles));
    for (const p of profiles) tables.push(topFunctionsTable(p, 10));
    tables.push(hotspotTable([...hotspots.rows, ...hotspots.perfReport]));
    tables.push(attributionCheckTable(profiles, attributed));
  }
  return {
    tables,
    hotspots,
    data: profiles.map((p) => ({ tool: p.tool, scenario: p.scenario, samples: p.analysis.samples, folded: foldedStacks(p.profile.samples) })),
    summary: profiles.map((p) => ({ tool: p.tool, scenario: p.scenario, runs: p.runs, samples: p.analysis.samples, lost: p.analysis.lost, shares: p.analysis.shares, byLibrary: p.analysis.byLibrary,
      top: p.analysis.functions.slice(0, 30).map((f) => ({ name: f.name, library: f.library, self: f.self, total: f.total })), symbols: p.analysis.symbols, kernelFrames: p.analysis.kernelFrames })),
  };
}

/** Each peer run's network and total syscalls (tracepoints), per run: the peers family judges their shares. */
function peerSyscalls(runs: readonly ToolRun[]): { tool: Tool; scenario: string; runs: { network: number | null; total: number | null }[] }[] {
  return runs.filter((r) => r.tool !== 'prtip' && r.result).map((r) => ({
    tool: r.tool, scenario: r.scenario.id,
    runs: r.result!.runs.map((x) => {
      const sc = syscallsByKind(x.counters);
      const net = NETWORK_SYSCALLS.map((k) => sc[k]);
      return { network: net.some((v) => v === null) ? null : net.reduce((a, v) => a! + v!, 0)!, total: sc.total };
    }),
  }));
}

/** The hardware events 004's "key metrics" need: crafting's share of cycles, L1d miss rate, branch-miss rate. */
const PMU_EVENTS = ['cycles', 'L1-dcache-loads', 'L1-dcache-load-misses', 'branches', 'branch-misses'] as const;

/** What the PMU gave on syn-scan-1k: each event's support (with why not), and where all are supported, per-run counts and a cycles-sampled profile's crafting share. */
export interface PmuMeasurements {
  events: { name: string; supported: boolean; reason: string }[];
  runs: Record<string, number | null>[];
  craftCycles: { samples: number; self: number; total: number; rooted: number }[];
}

async function pmuRuns(ctx: SuiteContext, prtip: string | null, tls: ReturnType<typeof makeTlsMaterial>, warnings: string[]): Promise<PmuMeasurements> {
  let probed: { name: string; supported: boolean; reason: string }[];
  try {
    const all = listEvents();
    probed = PMU_EVENTS.map((name) => all.find((e) => e.name === name) ?? { name, supported: false, reason: 'not a named event of this build' });
  } catch (err) {
    probed = PMU_EVENTS.map((name) => ({ name, supported: false, reason: `probing failed: ${(err as Error).message}` }));
  }
  const out: PmuMeasurements = { events: probed.map((e) => ({ name: e.name, supported: e.supported, reason: e.reason })), runs: [], craftCycles: [] };
  if (!prtip || !probed.every((e) => e.supported) || ctx.signal.aborted) return out;
  const scenario = scenarioById('syn-scan-1k');
  try {
    const r = await benchmarkCommand({ argv: [prtip], name: 'prtip syn-scan-1k (PMU)' }, {
      warmup: 0, minRuns: 3, maxRuns: 3, minTimeMs: 0, timeoutMs: 20_000, events: [...PMU_EVENTS], eventGroups: PMU_EVENTS.map((_, i) => i),
      environment: scenarioEnvironment(scenario, 'prtip', prtip, tls), signal: ctx.signal,
    });
    out.runs = r.runs.map((x) => Object.fromEntries(PMU_EVENTS.map((e) => [e, x.counters[e]?.value ?? null])));
    const craft = HOTSPOT_PATTERNS.find((h) => h.key === 'craft_syn_packet')!;
    for (let i = 0; i < 2 && !ctx.signal.aborted; i++) {
      const env = await scenarioEnvironment(scenario, 'prtip', prtip, tls)();
      try {
        const rec = await recordCommand([...env.command!.argv], { event: 'cycles', frequencyHz: profileHz(scenario), netnsPath: env.netnsPath, timeoutMs: 20_000 });
        const sp = scenarioProfile('prtip', scenario.id, 1, symbolize(rec.profile), prtip.split('/').pop()!);
        out.craftCycles.push(...patternRuns(sp, craft.pattern));
      } finally {
        await env.close();
      }
    }
  } catch (err) {
    warnings.push(`PMU counting of prtip syn-scan-1k failed: ${(err as Error).message}`);
  }
  return out;
}

/** The runner's own targets (no scanner involved): overhead per run and the cost of counting. */
function overheadTable(ov: Overhead): Table {
  const overheadNs = ov.oursLoopNs - ov.oursWallNs;
  return {
    title: 'Runner targets: overhead per run (trivial command `true`) and the cost of counting on the child',
    columns: ['measure', 'value', 'target', 'met'],
    rows: [
      ['runner loop time per run − child wall time (ms)', ms(overheadNs), '≤ 1 ms', overheadNs <= 1e6 ? 'yes' : 'no'],
      ['child wall time, this runner (median, ms)', ms(ov.oursWallNs), '', ''],
      ['child wall time, hyperfine -N (median, ms)', ov.hyperfineMeanNs === null ? 'n/a' : ms(ov.hyperfineMeanNs), '', ''],
      ['this runner − hyperfine -N (ms)', ov.hyperfineMeanNs === null ? 'n/a' : ms(ov.oursWallNs - ov.hyperfineMeanNs), '≤ 1 ms', ov.hyperfineMeanNs === null ? 'n/a' : ov.oursWallNs - ov.hyperfineMeanNs <= 1e6 ? 'yes' : 'no'],
      [`counting cost: ${DEFAULT_RUN_EVENTS.length} events vs none on awk (median wall ${ms(ov.uncountedNs)} ms)`, ov.countingCost === null ? 'n/a' : pct(ov.countingCost), '≤ 2%', ov.countingCost === null ? 'n/a' : ov.countingCost <= 0.02 ? 'yes' : 'no'],
      ['counting cost on the child\'s CPU time (user+sys, median)', ov.countingCpuCost === null ? 'n/a' : pct(ov.countingCpuCost), '≤ 2%', ov.countingCpuCost === null ? 'n/a' : ov.countingCpuCost <= 0.02 ? 'yes' : 'no'],
    ],
    notes: ['The child is started like posix_spawn (CLONE_VM) and released after its counters are attached; wall time runs from release to wait4.', 'Counting cost includes the syscall tracepoints, which fire on every syscall of the child.'],
  };
}

function overheadMetrics(ov: Overhead): Metric[] {
  const overheadNs = ov.oursLoopNs - ov.oursWallNs;
  const metrics: Metric[] = [{ name: 'prtip/runner/overhead-per-run', unit: 'ns', value: overheadNs, better: 'smaller', samples: [overheadNs] }];
  if (ov.countingCost !== null) metrics.push({ name: 'prtip/runner/counting-cost', unit: 'ratio', value: ov.countingCost, better: 'smaller', samples: [ov.countingCost] });
  return metrics;
}

/** Whether the scanner scenarios can run here (a namespace, a scanner), with the warnings for what is missing. */
function scenarioAvailability(tools: ReturnType<typeof locateTools>, warnings: string[]): { status: SuiteResult['status']; reason?: string } {
  const ns = canCreateNamespaces();
  let status: SuiteResult['status'] = 'ok';
  let reason: string | undefined;
  if (!ns.ok) {
    status = 'skipped';
    reason = `scanner scenarios need a network namespace of their own and cannot create one here: ${ns.reason} (they never run in the root namespace)`;
  }
  // Without prtip its scenarios skip, but installed peers still run: their figures stand on their own.
  const prtipMissing = tools.prtip ? undefined : `prtip not found: ${HOW_TO_PROVIDE.prtip}`;
  if (status === 'ok' && prtipMissing) {
    if (!tools.nmap && !tools.masscan) {
      status = 'skipped';
      reason = prtipMissing;
    } else warnings.push(`${prtipMissing}; its scenarios are skipped, the peers still run`);
  }
  for (const t of ['nmap', 'masscan'] as const) if (!tools[t]) warnings.push(`${t} not found, its peer runs are skipped: ${HOW_TO_PROVIDE[t]}`);
  if (tools.masscan) warnings.push(MASSCAN_RULE);
  return { status, ...(reason ? { reason } : {}) };
}

/** The scenarios that run one after another (the compared ones ran interleaved already), prtip then its peers. */
function sequentialPlan(ctx: SuiteContext, tools: ReturnType<typeof locateTools>, interleaved: ReadonlySet<string>, warnings: string[]): { tool: Tool; scenario: Scenario; runs: number }[] {
  const plan: { tool: Tool; scenario: Scenario; runs: number }[] = [];
  for (const s of SCENARIOS) {
    if (interleaved.has(s.id)) continue;
    const light = ctx.quick ? 3 : 10, heavy = ctx.quick ? 1 : 2;
    if (ctx.quick && s.listeners) {
      warnings.push(`--quick: ${s.id} skipped (about 10 s per prtip run); run without --quick for it`);
      continue;
    }
    if (tools.prtip) plan.push({ tool: 'prtip', scenario: s, runs: s.heavy ? heavy : light });
  }
  for (const peer of ['nmap', 'masscan'] as const) {
    if (!tools[peer]) continue;
    for (const s of SCENARIOS) {
      if ('none' in s.args[peer]) continue;
      if (ctx.quick && s.id !== 'syn-scan-1k') continue;
      // nmap -6 on ::1 takes ~13 s a run (it waits out unanswered probes): one run.
      plan.push({ tool: peer, scenario: s, runs: ctx.quick || s.heavy || s.ipv6 ? 1 : 3 });
    }
  }
  return plan;
}

/** Runs the plan, each scenario in its own namespace; a failed one is kept with its note. */
async function runPlan(ctx: SuiteContext, plan: readonly { tool: Tool; scenario: Scenario; runs: number }[], tools: ReturnType<typeof locateTools>, tls: ReturnType<typeof makeTlsMaterial>, runs: ToolRun[], warnings: string[]): Promise<void> {
  let done = 0;
  for (const p of plan) {
    if (ctx.signal.aborted) break;
    ctx.progress(`${p.tool} ${p.scenario.id}`, done++, plan.length);
    const binary = tools[p.tool]!;
    try {
      const result = await benchmarkCommand({ argv: [binary], name: `${p.tool} ${p.scenario.id}` }, {
        warmup: ctx.quick || p.scenario.heavy || p.tool !== 'prtip' ? 0 : 1,
        minRuns: p.runs, maxRuns: p.runs, minTimeMs: 0,
        timeoutMs: p.scenario.heavy ? 60_000 : 20_000,
        rssIntervalMs: 2,
        // masscan's exit status after --wait 0 is not a verdict on the scan.
        ignoreFailure: p.tool !== 'prtip',
        environment: scenarioEnvironment(p.scenario, p.tool, binary, tls),
        signal: ctx.signal,
      });
      runs.push({ tool: p.tool, scenario: p.scenario, result, note: '' });
    } catch (err) {
      runs.push({ tool: p.tool, scenario: p.scenario, result: null, note: (err as Error).message });
      warnings.push(`${p.tool} ${p.scenario.id} failed: ${(err as Error).message}`);
    }
  }
}

/** Everything the scanner scenarios measured. */
interface ScenarioMeasurements {
  runs: ToolRun[];
  comparisonGroups: ComparisonGroupRuns[];
  strace: string | null;
  straceChecks: StraceCheck[];
  memory: MemoryResults | null;
  profiles: ScenarioProfile[];
  profileMs: number;
  pmu: PmuMeasurements | null;
}

/** The scanner scenarios: compared ones interleaved first, then the rest, strace, memory, profiles and the PMU. */
async function measureScenarios(ctx: SuiteContext, tools: ReturnType<typeof locateTools>, ok: boolean, warnings: string[]): Promise<ScenarioMeasurements> {
  const m: ScenarioMeasurements = { runs: [], comparisonGroups: [], strace: findExecutable('strace'), straceChecks: [], memory: null, profiles: [], profileMs: 0, pmu: null };
  const valgrind = locateValgrind();
  if (ok && tools.prtip && !valgrind) warnings.push(`valgrind not installed: the documents' massif and memcheck claims cannot be told (${VALGRIND_PACKAGE})`);
  if (ok && tools.prtip && !m.strace) warnings.push('strace not installed: the documents\' strace -c figures (futex time, syscall counts) cannot be reproduced (apt-get install strace)');
  const tls = ok ? makeTlsMaterial() : null;
  if (ok && !tls) warnings.push('openssl not found: the service-detect scenario has no TLS listener');
  if (!ok) return m;
  try {
    // The compared scenarios run first, interleaved; the rest one scenario after another.
    if (tools.prtip) m.comparisonGroups = await runComparisonGroups(ctx, tools.prtip, tls, m.runs, warnings);
    await runPlan(ctx, sequentialPlan(ctx, tools, new Set(m.runs.map((r) => r.scenario.id)), warnings), tools, tls, m.runs, warnings);
    if (m.strace && tools.prtip && !ctx.signal.aborted) m.straceChecks = await straceCrossCheck(ctx, m.strace, tools.prtip, tls, warnings);
    if (valgrind && tools.prtip && !ctx.signal.aborted) m.memory = await memoryRuns(ctx, valgrind, tools.prtip, tls, (tool, id) => m.runs.find((r) => r.tool === tool && r.scenario.id === id)?.result ?? null, warnings);
    if (!ctx.signal.aborted) {
      const t0 = Date.now();
      m.profiles = await profileScenarios(ctx, tools, tls, warnings);
      m.profileMs = Date.now() - t0;
    }
    if (tools.prtip) m.pmu = await pmuRuns(ctx, tools.prtip, tls, warnings);
  } finally {
    tls?.dispose();
  }
  return m;
}

/** The whole-binary runs table: medians per run, tools then scenarios. */
function wholeRunsTable(runs: readonly ToolRun[]): Table {
  return {
    title: 'Whole-binary runs, each in its own network namespace (medians per run)',
    columns: ['tool', 'scenario', 'runs', 'wall ms', 'σ ms', 'CPU ms (user+sys)', 'syscalls', 'futex', 'network syscalls', 'connect', 'brk', 'mmap', 'peak RSS MiB', 'peak anon MiB', 'warnings'],
    rows: runs.map((r) => {
      const c = r.result;
      if (!c) return [r.tool, r.scenario.id, 0, null, null, null, null, null, null, null, null, null, null, null, r.note];
      const anon = median(c.runs.map((x) => Math.max(0, ...(x.rss?.anonBytes ?? [0]))));
      const s = c.summary.syscalls;
      return [r.tool, r.scenario.id, c.runs.length, ms(c.summary.wall.median), ms(c.summary.wall.stddev), ms(cpuNs(c)), s.total, s.futex, networkSyscalls(c), s.connect, s.brk, s.mmap,
        Math.round((c.summary.maxRss.median / 2 ** 20) * 100) / 100, Math.round((anon / 2 ** 20) * 100) / 100, c.warnings.join(', ')];
    }),
    notes: [
      'Counts come from syscall tracepoints on the child and everything it starts (inherit), from its execve on; no strace slowdown.',
      'Peak RSS is the program\'s own VmHWM (sampled every 2 ms) when wait4 only reports the spawner\'s; peak anon is the largest RssAnon sample (heap + stacks + anonymous maps), the closest to massif\'s heap figure.',
      MASSCAN_RULE + '; masscan targets the far end of the harness\'s veth pair (it ignores lo).',
    ],
  };
}

function wholeRunMetrics(runs: readonly ToolRun[]): Metric[] {
  const metrics: Metric[] = [];
  for (const r of runs) {
    if (!r.result) continue;
    const id = `prtip/${r.tool}/${r.scenario.id}`;
    metrics.push({ name: `${id}/wall`, unit: 'ns', value: r.result.summary.wall.median, better: 'smaller', samples: r.result.runs.map((x) => x.wallNs) });
    metrics.push({ name: `${id}/cpu`, unit: 'ns', value: cpuNs(r.result), better: 'smaller', samples: r.result.runs.map((x) => x.userNs + x.sysNs) });
  }
  return metrics;
}

/** syn-scan-1k beside the floors: what share of prtip's CPU the measured work explains. */
function synScanTable(syn: CommandResult, floors: Floors, who: string): Table {
  const cpu = cpuNs(syn);
  const sc = syn.summary.syscalls;
  const net = networkSyscalls(syn);
  const packetSends = (sc.sendto ?? 0) + (sc.sendmmsg ?? 0);
  const connectScanLike = packetSends === 0 && (sc.connect ?? 0) >= 900;
  const what = connectScanLike ? `${who} runs its connect scanner for -sS (0 raw sends, ${sc.connect} connect())` : `${who} -sS: ${packetSends} packet-send syscalls, ${sc.connect} connect()`;
  // A floor only explains work the binary did: with no packet sends there was no crafting or sending.
  const explain = (perPacket: number | null): string =>
    packetSends === 0 ? 'n/a: no packets sent' : perPacket === null ? 'cannot tell' : pct((1000 * perPacket) / cpu);
  return {
    title: `syn-scan-1k: ${what}`,
    columns: ['figure', 'value', 'source'],
    rows: [
      ['prtip CPU for a 1000-port -sS scan (median user+sys)', `${ms(cpu)} ms`, 'wait4 rusage'],
      ['crafting at the measured cost explains', explain(floors.craftNs), floors.craftFrom],
      ['checksums at the measured cost explain', explain(floors.checksumNs), floors.checksumFrom],
      ['the send path at the measured batch size explains', explain(floors.sendNs), floors.sendFrom],
      ['syscalls in all / network ones / connect()', `${sc.total} / ${net} / ${sc.connect}`, 'tracepoints'],
      ['packet-send syscalls (sendto + sendmmsg)', String(packetSends), connectScanLike ? `none: ${what}` : 'tracepoints'],
    ],
    notes: [
      'Y% = 1000 x per-packet floor / prtip CPU. A floor is the cheapest measured way to do that work here, so it is a lower bound on what the work costs prtip.',
      ...(connectScanLike ? ['In ProRT-IP v0.5.9 the scheduler\'s execute_scan_ports runs the TCP connect scanner whatever the scan type, so -sS crafts and sends no raw SYNs; this is not a loopback fallback.'] : []),
    ],
  };
}

async function run(ctx: SuiteContext): Promise<SuiteResult> {
  const started = Date.now();
  const warnings: string[] = [];
  const tables: Table[] = [];
  const metrics: Metric[] = [];

  // 1. The runner's own targets (no scanner involved).
  const ov = await measureOverhead(ctx, warnings);
  tables.push(overheadTable(ov));
  metrics.push(...overheadMetrics(ov));

  // 2. Whole-binary scenarios.
  const tools = locateTools(ctx.prtip);
  const { status, reason } = scenarioAvailability(tools, warnings);
  const m = await measureScenarios(ctx, tools, status === 'ok', warnings);
  const runs = m.runs;

  // The table lists tools, then scenarios, in the order of SCENARIOS whichever way they ran.
  const toolOrder: Tool[] = ['prtip', 'nmap', 'masscan'];
  runs.sort((x, y) => toolOrder.indexOf(x.tool) - toolOrder.indexOf(y.tool) || SCENARIOS.indexOf(x.scenario) - SCENARIOS.indexOf(y.scenario));
  const get = (tool: Tool, id: string): CommandResult | null => runs.find((r) => r.tool === tool && r.scenario.id === id)?.result ?? null;
  if (runs.length > 0) {
    tables.push(wholeRunsTable(runs));
    metrics.push(...wholeRunMetrics(runs));
  }

  // 3. Floors beside the whole binary.
  const floors = floorsFrom(ctx);
  const attributed = attribute(runs.map((r) => ({ tool: r.tool, scenario: r.scenario.id, result: r.result })), floors);
  const silent = runs.filter((r) => r.result && !attributed.some((a) => a.tool === r.tool && a.scenario === r.scenario.id)).map((r) => `${r.tool} ${r.scenario.id}`);
  if (runs.length > 0) tables.push(attributionTable(attributed, floors, silent));
  const who = tools.prtip ? await prtipVersion(tools.prtip) : 'prtip';
  const syn = get('prtip', 'syn-scan-1k');
  if (syn) tables.push(synScanTable(syn, floors, who));
  // connect vs SYN, IPv6 vs IPv4, the rate limiter: interleaved comparisons (judged by the time family).
  const compared = comparisonTable(m.comparisonGroups);
  if (compared) tables.push(compared);
  tables.push(...straceTables(m.straceChecks, get));
  tables.push(...memoryTables(m.memory));
  for (const c of m.memory?.checks ?? []) {
    const total = heapTotal(c.heap);
    if (total !== null && !c.heap!.limited) metrics.push({ name: `prtip/massif/${c.id}/heap-peak`, unit: 'B', value: total, better: 'smaller', samples: [total] });
  }
  const profiled = profileResults(m.profiles, attributed);
  tables.push(...profiled.tables);
  if (m.profiles.length > 0) metrics.push({ name: 'prtip/profiles/duration', unit: 'ms', value: m.profileMs, better: 'smaller', samples: [m.profileMs] });
  return {
    suite: 'prtip', title: 'Whole-binary runs', status, ...(reason ? { reason } : {}), durationMs: Date.now() - started,
    tables, metrics, claims: [], warnings,
    data: {
      overhead: ov,
      floors,
      runs: runs.map((r) => ({ tool: r.tool, scenario: r.scenario.id, note: r.note, summary: r.result?.summary ?? null, warnings: r.result?.warnings ?? [],
        rssTimeline: r.result?.runs[0]?.rss ?? null })),
      wholeRuns: wholeRunsData(runs),
      strace: { binary: m.strace, checks: m.straceChecks },
      memory: m.memory,
      untraced: untracedFigures(runs),
      binary: binaryFigures(tools.prtip),
      comparisons: m.comparisonGroups,
      profiles: profiled.data,
      profileSummary: profiled.summary,
      hotspots: { ...profiled.hotspots, who },
      attribution: attributed,
      peers: peerSyscalls(runs),
      pmu: m.pmu,
    },
  };
}

export const suite: Suite = { name: 'prtip', title: 'Whole-binary runs', run };

await runIfMain(import.meta.url, suite);
