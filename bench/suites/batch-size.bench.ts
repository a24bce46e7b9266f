/**
 * The sendmmsg batch-size sweep: raw TCP SYNs to loopback at batch sizes 1..1024
 * plus the sendto reference, IPv4 and IPv6, replies counted, syscalls counted by
 * the kernel's tracepoints on the sending thread. Repetitions are interleaved
 * across sizes (every size once per round, in a rotated order), so slow drift on a
 * shared VM lands on all sizes alike; medians with min-max are reported.
 *
 * Not tinybench: tinybench runs one task to completion before the next, which is
 * exactly the ordering a 5% comparison on a noisy VM must avoid.
 */
import type { Metric, SuiteResult, Table } from '../../src/model/result.js';
import { type Namespace, canCreateNamespaces, createNamespace } from '../../src/measure/netns.js';
import { type SendBatchOptions, type SendBatchResult, rawSocketSupport, sendBatch } from '../../src/measure/rawio.js';
import { max, median, min } from '../../src/core/stats.js';
import { type ForkInfo, type Suite, type SuiteContext, runIfMain } from '../suite.js';
import { runSendMethods } from './send-methods.js';

const BATCH_SIZES = [1, 8, 16, 32, 64, 100, 128, 200, 256, 300, 512, 1024] as const;
/** A sweep point: a sendmmsg batch size, or the sendto reference. */
type Point = number | 'sendto';
const POINTS: readonly Point[] = ['sendto', ...BATCH_SIZES];
/**
 * What a row set measures. 'loopback': SYNs to 127.0.0.1/::1 on the host's loopback,
 * every probe answered (the path ProRT-IP's localhost figures come from).
 * 'send path': a veth pair in namespaces of our own whose peer end is down, so each
 * packet is dropped at our end's queue: IP output and neighbour lookup only, no
 * receive path, nothing answers — the per-packet cost nearest a NIC driver's.
 */
interface Series {
  id: string;
  title: string;
  family: 4 | 6;
  sink: boolean;
}
const SERIES: readonly Series[] = [
  { id: 'ipv4', title: 'IPv4 loopback: raw SYNs to 127.0.0.1, replies counted', family: 4, sink: false },
  { id: 'ipv6', title: 'IPv6 loopback: raw SYNs to ::1, replies counted', family: 6, sink: false },
  { id: 'ipv4-send-path', title: 'IPv4 send path only: veth with its peer down (dropped at our queue, no replies)', family: 4, sink: true },
  { id: 'ipv6-send-path', title: 'IPv6 send path only: veth with its peer down (dropped at our queue, no replies)', family: 6, sink: true },
];
const PORTS = [9, 10, 11];
/** The knee: the smallest batch within this fraction of the best median pps. */
const KNEE_FRACTION = 0.98;
/** Run directly (not from bench/index.ts, which prints every suite's claims itself). */

interface Plan {
  repetitions: number;
  /** Per run on loopback (~80k pps here) and on the faster send-path-only series. */
  packetsPerRun: number;
  sinkPacketsPerRun: number;
  budgetMs: number;
}

function plan(quick: boolean, fork?: ForkInfo): Plan {
  // default: 5 x 20k = 100k packets per size on loopback (and on the send path); quick: 3 x 3k / 3 x 2k.
  const whole = quick
    ? { repetitions: 3, packetsPerRun: 3000, sinkPacketsPerRun: 2000, budgetMs: 12_000 }
    : { repetitions: 5, packetsPerRun: 20_000, sinkPacketsPerRun: 20_000, budgetMs: 50_000 };
  if (fork === undefined) return whole;
  // In a fork: a share of the rounds (at least 1 with --quick, 2 otherwise, so each process's
  // paired gains have a spread), and the budget in proportion.
  const repetitions = Math.max(quick ? 1 : 2, Math.round(whole.repetitions * fork.measureScale));
  return { ...whole, repetitions, budgetMs: Math.round((whole.budgetMs * repetitions) / whole.repetitions) };
}

const label = (p: Point): string => (p === 'sendto' ? 'sendto' : String(p));
const key = (series: Series, p: Point): string => `${series.id}/${label(p)}`;

function pointOptions(p: Point): { method: 'sendto' | 'sendmmsg'; batchSize: number } {
  return p === 'sendto' ? { method: 'sendto', batchSize: 1 } : { method: 'sendmmsg', batchSize: p };
}

function fmt(x: number | null, digits = 0): string {
  return x === null || !Number.isFinite(x) ? 'n/a' : x.toFixed(digits);
}

function spread(xs: number[], digits = 0): string {
  return xs.length === 0 ? 'n/a' : `${fmt(min(xs), digits)}-${fmt(max(xs), digits)}`;
}

function nonNull(xs: (number | null)[]): number[] {
  return xs.filter((x): x is number => x !== null && Number.isFinite(x));
}

/** What the sweep measured: per point, the runs in round order (the claims pair points by round inside each fork). */
interface Sweep {
  runs: Map<string, SendBatchResult[]>;
  completedRounds: number;
  /** Each run's time limit, per series. */
  limitFor: (s: Series) => number;
}

/** The interleaved sweep: every series at every batch size, rotated each round, within the time budget. */
async function sweep(ctx: SuiteContext, series: readonly Series[], sizes: ReturnType<typeof plan>, started: number, warnings: string[]): Promise<Sweep> {
  const { repetitions, packetsPerRun, sinkPacketsPerRun, budgetMs } = sizes;
  const totalRuns = repetitions * series.length * POINTS.length;
  // Each run is also bounded in time, so the whole sweep fits its budget even on a slow machine:
  // loopback runs (~80k pps here) get three times the share of the send-path ones (~400k pps).
  const shares = series.reduce((a, s) => a + (s.sink ? 1 : 3), 0);
  const unitMs = budgetMs / (repetitions * POINTS.length * shares);
  const limitFor = (s: Series): number => Math.max(30, Math.floor(unitMs * (s.sink ? 1 : 3)));
  const runs = new Map<string, SendBatchResult[]>();
  let completedRounds = 0;
  // One sink namespace for every send-path run (creating one costs ~50 ms), always removed.
  const sink: Namespace | undefined = series.some((s) => s.sink) ? await createNamespace({ veth: true, peerDown: true }) : undefined;
  try {
    const options = (s: Series, p: Point, count: number): SendBatchOptions => ({
      family: s.family,
      count,
      timeLimitMs: limitFor(s),
      signal: ctx.signal,
      ...(s.sink ? { netns: sink!, receive: false } : { ports: PORTS }),
      ...pointOptions(p),
    });
    // Warm-up (discarded): sockets, the code paths, the counter group on the run thread.
    for (const s of series) await sendBatch(options(s, 64, 3000));

    let done = 0;
    outer: for (let round = 0; round < repetitions; round++) {
      for (const s of series) {
        // Rotate the order each round: no size always runs first or right after another.
        const order = POINTS.map((_, i) => POINTS[(i + round * 5) % POINTS.length]!);
        for (const p of order) {
          if (ctx.signal.aborted) break outer;
          ctx.progress(`batch-size: round ${round + 1}/${repetitions} ${s.id} ${label(p)}`, done, totalRuns);
          const r = await sendBatch(options(s, p, s.sink ? sinkPacketsPerRun : packetsPerRun));
          done++;
          if (!runs.has(key(s, p))) runs.set(key(s, p), []);
          runs.get(key(s, p))!.push(r);
          if (r.sendErrors > 0) warnings.push(`${s.id} ${label(p)} round ${round + 1}: ${r.sendErrors} packets refused by the kernel (errno ${r.lastSendErrno})`);
        }
      }
      completedRounds++;
      if (Date.now() - started > budgetMs * 1.1 && round + 1 < repetitions) {
        warnings.push(`stopped after ${round + 1} of ${repetitions} rounds: the time budget (${budgetMs} ms) is spent`);
        break;
      }
    }
  } finally {
    await sink?.close();
  }
  return { runs, completedRounds, limitFor };
}

/** What the targets table sums over every loopback series. */
interface Totals {
  userAt64Plus: number;
  cpuAt64Plus: number;
  craftShareAt64Plus: number[];
  totalLost: number;
  totalUnexplained: number;
  totalAccepted: number;
  attribution: Record<string, number>;
}

/** One series' table and metrics; its loopback runs are added to `totals`. */
function tabulateSeries(s: Series, runs: ReadonlyMap<string, SendBatchResult[]>, completedRounds: number, packetsPerRun: number, totals: Totals): { table: Table; metrics: Metric[]; summary: unknown } {
  const metrics: Metric[] = [];
  const medPps = (p: Point): number => median((runs.get(key(s, p)) ?? []).map((r) => r.pps));
  const batch1 = medPps(1);
  const best = Math.max(...BATCH_SIZES.map((b) => medPps(b)));
  const knee = BATCH_SIZES.find((b) => medPps(b) >= KNEE_FRACTION * best) ?? null;
  const rows: Table['rows'] = [];
  for (const p of POINTS) {
    const rs = runs.get(key(s, p)) ?? [];
    if (rs.length === 0) continue;
    const pps = rs.map((r) => r.pps);
    const sc = nonNull(rs.map((r) => r.syscallsPerPacket));
    const sys = rs.map((r) => r.sysNsPerPacket);
    const loss = nonNull(rs.map((r) => r.lossPercent));
    const craft = rs.map((r) => r.craftNsPerPacket);
    // getrusage splits CPU time by tick samples, a few per run: pool the runs.
    const userSum = rs.reduce((a, r) => a + r.userNs, 0), sysSum = rs.reduce((a, r) => a + r.sysNs, 0);
    const sentSum = rs.reduce((a, r) => a + r.sent, 0);
    const pooledShare = userSum + sysSum > 0 ? userSum / (userSum + sysSum) : 0;
    if (p !== 'sendto' && p >= 64 && !s.sink) {
      totals.userAt64Plus += userSum;
      totals.cpuAt64Plus += userSum + sysSum;
      totals.craftShareAt64Plus.push(...rs.map((r) => (r.taskClockNs ? (r.craftNsPerPacket * r.sent) / r.taskClockNs : 0)));
    }
    for (const r of s.sink ? [] : rs) {
      totals.totalLost += r.lost ?? 0;
      totals.totalUnexplained += r.unexplainedLoss ?? 0;
      totals.totalAccepted += r.accepted;
      for (const [k, v] of Object.entries(r.lossAttribution)) totals.attribution[k] = (totals.attribution[k] ?? 0) + v;
    }
    rows.push([
      label(p),
      Math.round(median(pps)),
      spread(pps),
      sc.length ? fmt(median(sc), 4) : 'n/a',
      fmt(sentSum ? userSum / sentSum : null),
      fmt(median(sys)),
      `${(100 * pooledShare).toFixed(1)}%`,
      fmt(median(craft), 1),
      loss.length ? `${median(loss).toFixed(2)}% (max ${max(loss).toFixed(2)}%)` : 'no replies',
      batch1 > 0 ? `${(median(pps) / batch1).toFixed(3)}x` : 'n/a',
      p === knee ? 'knee' : '',
    ]);
    const id = `batch-size/${s.id}/${p === 'sendto' ? 'sendto' : `b${p}`}`;
    metrics.push({ name: `${id}/pps`, unit: 'pps', value: median(pps), better: 'bigger', samples: pps });
    if (sc.length) metrics.push({ name: `${id}/syscalls-per-packet`, unit: 'syscalls/packet', value: median(sc), better: 'smaller', samples: sc });
    metrics.push({ name: `${id}/sys-ns-per-packet`, unit: 'ns/packet', value: median(sys), better: 'smaller', samples: sys });
  }
  const table: Table = {
    title: `${s.title}; ${completedRounds} interleaved rounds x ${packetsPerRun} packets per size`,
    columns: ['batch', 'pps (median)', 'pps min-max', 'syscalls/packet', 'user ns/packet', 'sys ns/packet', 'user share', 'craft ns/packet', 'loss % (median)', 'speed-up over batch 1', 'knee'],
    rows,
    notes: [
      `knee: smallest batch within ${Math.round((1 - KNEE_FRACTION) * 100)}% of the best median pps (${Math.round(best)} pps) = ${knee ?? 'n/a'}`,
      'syscalls/packet: raw_syscalls:sys_enter on the sending thread over the send loop, divided by packets sent (measured, not 1/batch)',
      s.sink
        ? 'user/sys ns per packet: getrusage(RUSAGE_THREAD) of the sending thread (user pooled over rounds, sys median); here sys is the send path alone'
        : 'user/sys ns per packet: getrusage(RUSAGE_THREAD) of the sending thread (user pooled over rounds, sys median); on loopback the sys time includes the receive path (RST/SYN-ACK generation runs in softirq on the sender)',
      'craft ns/packet: TSC-timed writing of packets into the batch slots (template copy, SipHash cookie, checksum patch): the loop\'s own user-space work',
      ...(s.sink ? [] : ['replies counted on a separate thread by recvmmsg; loss = accepted - matched replies']),
    ],
  };
  return { table, metrics, summary: { knee, bestPps: best, batch1Pps: batch1 } };
}

/** The issue's targets for the sweep, reported (not judged: claims are judged after the suites). */
function targetsTable(totals: Totals, durationMs: number, quick: boolean, series: readonly Series[], limitFor: (s: Series) => number): Table {
  const notes: [string, string][] = [];
  if (totals.cpuAt64Plus > 0) {
    const share = totals.userAt64Plus / totals.cpuAt64Plus;
    const craftShare = totals.craftShareAt64Plus.length ? median(totals.craftShareAt64Plus) : NaN;
    notes.push(['user CPU <= 5% of the send loop at batch >= 64', `${(100 * share).toFixed(1)}% by getrusage pooled over all runs; crafting alone ${(100 * craftShare).toFixed(1)}% of task-clock (median) -> ${share <= 0.05 ? 'met' : 'missed'}`]);
  }
  const { totalLost, totalUnexplained, totalAccepted, attribution } = totals;
  notes.push(['no unexplained loss', `${totalAccepted - totalLost} of ${totalAccepted} accepted packets matched; lost ${totalLost}, of which ${totalLost - totalUnexplained} attributed (${Object.entries(attribution).map(([k, v]) => `${k} ${v}`).join(', ') || 'no counter moved'}) and ${totalUnexplained} unexplained -> ${totalUnexplained === 0 ? 'met' : 'missed'}`]);
  notes.push([`sweep under ${quick ? 15 : 60} s`, `${(durationMs / 1000).toFixed(1)} s (per-run time limits ${series.map((x) => `${x.id} ${limitFor(x)} ms`).join(', ')}) -> ${durationMs < (quick ? 15_000 : 60_000) ? 'met' : 'missed'}`]);
  return { title: 'Batch-size sweep: targets', columns: ['target', 'result'], rows: notes };
}

/** The raw runs the report's charts and the judges read. */
function runsData(runs: ReadonlyMap<string, SendBatchResult[]>): unknown[] {
  return [...runs.entries()].map(([k, rs]) => ({
    key: k,
    runs: rs.map((r) => ({ pps: r.pps, craftNsPerPacket: r.craftNsPerPacket, userNs: r.userNs, sysNs: r.sysNs, syscallsPerPacket: r.syscallsPerPacket, userNsPerPacket: r.userNsPerPacket, sysNsPerPacket: r.sysNsPerPacket, lossPercent: r.lossPercent, sent: r.sent, replies: r.replies, contextSwitches: r.contextSwitches, kfreeSkb: r.kfreeSkb })),
  }));
}

async function run(ctx: SuiteContext): Promise<SuiteResult> {
  const started = Date.now();
  const base = { suite: 'batch-size', title: 'sendmmsg batch size (raw sockets)' };
  const support = rawSocketSupport();
  if (!support.ok) {
    return { ...base, status: 'skipped', reason: support.reason, durationMs: Date.now() - started, tables: [], metrics: [], claims: [], warnings: [] };
  }
  const sizes = plan(ctx.quick, ctx.fork);
  const warnings: string[] = [];
  const netns = canCreateNamespaces();
  const series = SERIES.filter((s) => !s.sink || netns.ok);
  if (!netns.ok) warnings.push(`send-path-only series skipped: ${netns.reason}`);
  const { runs, completedRounds, limitFor } = await sweep(ctx, series, sizes, started, warnings);

  const tables: Table[] = [];
  const metrics: Metric[] = [];
  const summary: Record<string, unknown> = {};
  const totals: Totals = { userAt64Plus: 0, cpuAt64Plus: 0, craftShareAt64Plus: [], totalLost: 0, totalUnexplained: 0, totalAccepted: 0, attribution: {} };
  for (const s of series) {
    const one = tabulateSeries(s, runs, completedRounds, s.sink ? sizes.sinkPacketsPerRun : sizes.packetsPerRun, totals);
    tables.push(one.table);
    metrics.push(...one.metrics);
    summary[s.id] = one.summary;
  }
  // Claims are judged after the suites (src/judge/families/batch.ts) on these metrics' fork summaries.
  tables.push(targetsTable(totals, Date.now() - started, ctx.quick, series, limitFor));
  if (totals.totalUnexplained > 0) warnings.push(`${totals.totalUnexplained} replies missing with no counter explaining them`);

  // The send path beyond sendmmsg (bench/suites/send-methods.ts): its own tables, metrics and chart rows.
  const methods = ctx.signal.aborted ? undefined : await runSendMethods(ctx);
  if (methods) {
    tables.push(...methods.tables);
    metrics.push(...methods.metrics);
    warnings.push(...methods.warnings);
  }

  return {
    ...base,
    status: completedRounds === 0 ? 'failed' : 'ok',
    ...(completedRounds === 0 ? { reason: ctx.signal.aborted ? 'aborted' : 'no complete round' } : {}),
    durationMs: Date.now() - started,
    tables,
    metrics,
    claims: [],
    warnings,
    data: { summary, sendMethods: methods?.data ?? [], sendMethodsUnsupported: methods?.unsupported ?? {}, runs: runsData(runs) },
  };
}

export const suite: Suite = { name: 'batch-size', title: 'sendmmsg batch size (raw sockets)', run };

await runIfMain(import.meta.url, suite);
