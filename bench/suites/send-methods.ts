/**
 * The send path side by side: every way of handing packets to the kernel that
 * src/measure/rawio.ts knows (sendto, sendmmsg, AF_PACKET PACKET_TX_RING with and without
 * PACKET_QDISC_BYPASS, io_uring batched IORING_OP_SENDMSG, AF_XDP copy-mode TX) plus the
 * bare native sendmmsg loop they are priced against, at a few batch sizes, in three
 * places of the harness's own:
 *  - loopback: a fresh namespace's lo, every SYN answered (RST) and every reply matched;
 *  - veth: a veth pair into a peer namespace, replies matched (AF_XDP's "harness veth");
 *  - send path: the veth pair with its peer down, each packet dropped at our end, no
 *    receive path (where qdisc-bypassing methods are refused: no carrier, see below).
 * All methods run in the same namespaces and interleave within a round (rotated order),
 * so their ratios come from the same machine state. Part of the batch-size suite: its
 * forks run this too, and its budget is this module's.
 */
import type { Metric, Table } from '../../src/model/result.js';
import { type Namespace, canCreateNamespaces, createNamespace } from '../../src/measure/netns.js';
import { type SendBatchOptions, type SendBatchResult, type SendMethod, sendBatch } from '../../src/measure/rawio.js';
import { PerfError } from '../../src/core/errors.js';
import { max, median, min } from '../../src/core/stats.js';
import type { ForkInfo, SuiteContext } from '../suite.js';

/** One measured configuration: a method (and its variant) at a batch size. */
export interface MethodPoint {
  /** Label: the method, plus "+bypass" for PACKET_QDISC_BYPASS. */
  id: string;
  method: SendMethod;
  qdiscBypass: boolean;
  batch: number;
}

/** Where a row set was measured. */
interface Place {
  id: 'loopback' | 'veth' | 'send-path';
  title: string;
}

const PLACES: readonly Place[] = [
  { id: 'loopback', title: 'loopback (own namespace\'s lo, IPv4, every reply matched)' },
  { id: 'veth', title: 'veth into a peer namespace (IPv4, every reply matched)' },
  { id: 'send-path', title: 'send path only (veth with its peer down, IPv4, nothing answers)' },
];

/** prtip's sendmmsg batch: every method is compared with sendmmsg at this size. */
export const PRTIP_BATCH = 100;
const FULL_BATCHES = [32, 100, 256];
const QUICK_BATCHES = [PRTIP_BATCH];
const BATCHED: readonly { id: string; method: SendMethod; qdiscBypass: boolean }[] = [
  { id: 'sendmmsg', method: 'sendmmsg', qdiscBypass: false },
  { id: 'bare-sendmmsg', method: 'bare-sendmmsg', qdiscBypass: false },
  { id: 'tx-ring', method: 'tx-ring', qdiscBypass: false },
  { id: 'tx-ring+bypass', method: 'tx-ring', qdiscBypass: true },
  { id: 'io-uring', method: 'io-uring', qdiscBypass: false },
  { id: 'af-xdp', method: 'af-xdp', qdiscBypass: false },
];

/** The points of a run: sendto (full runs only) and every batched method at each batch size. */
export function methodPoints(quick: boolean): MethodPoint[] {
  const batches = quick ? QUICK_BATCHES : FULL_BATCHES;
  const points: MethodPoint[] = quick ? [] : [{ id: 'sendto', method: 'sendto', qdiscBypass: false, batch: 1 }];
  for (const b of batches) for (const m of BATCHED) points.push({ ...m, batch: b });
  return points;
}

interface Plan {
  rounds: number;
  /** Upper bound of one run's send loop: the runs are time-bounded, so every method gets the same window. */
  runMs: number;
}

function plan(quick: boolean, fork?: ForkInfo): Plan {
  // Budget (suite total, all forks): <= +25 s full, <= +5 s quick; measured ~4.5 s per full
  // process x 5 and ~1.0 s per quick process x 4 at load 7.
  const whole = quick ? { rounds: 1, runMs: 15 } : { rounds: 4, runMs: 20 };
  if (fork === undefined) return whole;
  return { ...whole, rounds: Math.max(quick ? 1 : 2, Math.round(whole.rounds * fork.measureScale)) };
}

/** The places of a run: --quick leaves out the veth (its budget is 5 s over all forks). */
export function placesFor(quick: boolean): readonly Place[] {
  return quick ? PLACES.filter((p) => p.id !== 'veth') : PLACES;
}

const pointKey = (place: Place, p: MethodPoint): string => `${place.id}/${p.id}/b${p.batch}`;

/** What the send-methods part adds to the batch-size suite's result. */
export interface SendMethodsOutcome {
  tables: Table[];
  metrics: Metric[];
  warnings: string[];
  /** Rows for charts (src/report/chart-data.ts sendMethodSeries): one per place, method and batch. */
  data: Record<string, unknown>[];
  unsupported: Record<string, string>;
}

function fmt(x: number | null | undefined, digits = 0): string {
  return x === null || x === undefined || !Number.isFinite(x) ? 'n/a' : x.toFixed(digits);
}

const nonNull = (xs: (number | null)[]): number[] => xs.filter((x): x is number => x !== null && Number.isFinite(x));

/** Runs every point in every place, interleaved, and summarises. */
export async function runSendMethods(ctx: SuiteContext): Promise<SendMethodsOutcome> {
  const started = Date.now();
  const warnings: string[] = [];
  const unsupported: Record<string, string> = {};
  const { rounds, runMs } = plan(ctx.quick, ctx.fork);
  const points = methodPoints(ctx.quick);
  const places = placesFor(ctx.quick);
  const netns = canCreateNamespaces();
  if (!netns.ok) {
    return { tables: [], metrics: [], warnings: [`send methods skipped: ${netns.reason}`], data: [], unsupported: { all: netns.reason } };
  }
  const runs = new Map<string, SendBatchResult[]>();
  const perRound: Map<string, SendBatchResult>[] = [];
  const spaces = new Map<Place['id'], Namespace>();
  try {
    spaces.set('loopback', await createNamespace({ veth: false, localnet: true }));
    if (places.some((p) => p.id === 'veth')) spaces.set('veth', await createNamespace({ veth: true }));
    spaces.set('send-path', await createNamespace({ veth: true, peerDown: true }));
    const options = (place: Place, p: MethodPoint): SendBatchOptions => ({
      family: 4,
      netns: spaces.get(place.id)!,
      method: p.method,
      batchSize: p.batch,
      qdiscBypass: p.qdiscBypass,
      // Time-bounded: every method gets the same window; the count is only a cap.
      count: 1_000_000,
      timeLimitMs: runMs,
      drainMs: 50,
      signal: ctx.signal,
      ...(place.id === 'send-path' ? { receive: false } : { ports: [9, 10, 11], openPort: false }),
    });
    const total = rounds * places.length * points.length;
    let done = 0;
    // Warm-up (discarded): the counter group on the run thread, the code paths.
    for (const place of places) await sendBatch({ ...options(place, points.find((p) => p.method === 'sendmmsg')!), timeLimitMs: 10 });
    outer: for (let round = 0; round < rounds; round++) {
      const results = new Map<string, SendBatchResult>();
      for (const place of places) {
        const order = points.map((_, i) => points[(i + round * 7) % points.length]!);
        for (const p of order) {
          if (ctx.signal.aborted) break outer;
          const k = pointKey(place, p);
          ctx.progress(`send methods: round ${round + 1}/${rounds} ${place.id} ${p.id} ${p.batch}`, done, total);
          done++;
          if (unsupported[`${place.id}/${p.id}`] !== undefined) continue;
          try {
            const r = await sendBatch(options(place, p));
            results.set(k, r);
            if (!runs.has(k)) runs.set(k, []);
            runs.get(k)!.push(r);
            if (r.sendErrors > 0) warnings.push(`send methods ${k} round ${round + 1}: ${r.sendErrors} packets refused by the kernel (errno ${r.lastSendErrno})`);
          } catch (error) {
            if (error instanceof PerfError && error.code === 'METHOD_UNSUPPORTED') {
              unsupported[`${place.id}/${p.id}`] = error.message;
              continue;
            }
            // One failed run (AF_XDP's queue still held after the bounded wait, say) costs that
            // point a sample, said in the warnings; it must not lose the rest of the suite.
            if (error instanceof PerfError && !ctx.signal.aborted) {
              warnings.push(`send methods ${k} round ${round + 1}: ${error.code}: ${error.message}`);
              continue;
            }
            throw error;
          }
        }
      }
      perRound.push(results);
    }
  } finally {
    for (const ns of spaces.values()) await ns.close();
  }
  return summarise(places, points, runs, perRound, unsupported, warnings, rounds, runMs, Date.now() - started);
}

/** What every per-place summary reads: the runs by point, the rounds, and what was unsupported. */
interface SweepRuns {
  points: MethodPoint[];
  runs: Map<string, SendBatchResult[]>;
  perRound: Map<string, SendBatchResult>[];
  unsupported: Record<string, string>;
  runMs: number;
}

// Ranked and compared by pps per core (packets per second of the sending thread's
// task-clock): on a shared 2-core VM the wall-clock pps of a 20 ms run mostly measures
// who else was running; the CPU time the send path took does not move with that.
const perCore = (r: SendBatchResult): number => r.ppsPerCore ?? r.pps;

function medianPerCore(s: SweepRuns, place: Place, p: MethodPoint): number | null {
  const rs = s.runs.get(pointKey(place, p)) ?? [];
  return rs.length ? median(rs.map(perCore)) : null;
}

/** One place's table of methods, its verdict line, metrics and chart rows. */
function placeTable(s: SweepRuns, place: Place): { table: Table; verdict: string; metrics: Metric[]; data: Record<string, unknown>[] } {
  const metrics: Metric[] = [];
  const data: Record<string, unknown>[] = [];
  const ref = s.points.find((p) => p.method === 'sendmmsg' && p.batch === PRTIP_BATCH)!;
  const refPps = medianPerCore(s, place, ref);
  const rows: Table['rows'] = [];
  let best: { p: MethodPoint; pps: number } | undefined;
  for (const p of s.points) {
    const why = s.unsupported[`${place.id}/${p.id}`];
    const rs = s.runs.get(pointKey(place, p)) ?? [];
    if (why !== undefined && rs.length === 0) {
      rows.push([p.id, p.batch, 'unsupported', '', '', '', '', '', '', 'see the verdict table']);
      data.push({ place: place.id, method: p.id, perCall: p.batch, unsupported: why });
      continue;
    }
    if (rs.length === 0) continue;
    const pps = rs.map((r) => r.pps);
    const core = rs.map(perCore);
    const sc = nonNull(rs.map((r) => r.syscallsPerPacket));
    // getrusage splits CPU time by tick samples (a few per run): pool the runs.
    const sent = rs.reduce((a, r) => a + r.sent, 0);
    const userNs = sent ? rs.reduce((a, r) => a + r.userNs, 0) / sent : 0;
    const sysNs = sent ? rs.reduce((a, r) => a + r.sysNs, 0) / sent : 0;
    const lost = rs.reduce((a, r) => a + (r.lost ?? 0), 0);
    const accepted = rs.reduce((a, r) => a + r.accepted, 0);
    const replies = rs.some((r) => r.replies !== null) ? rs.reduce((a, r) => a + (r.replies ?? 0), 0) : null;
    const m = median(core);
    // The bare loop is not a method a scanner would ship: it is the yardstick, not a candidate.
    if (p.method !== 'bare-sendmmsg' && (best === undefined || m > best.pps)) best = { p, pps: m };
    rows.push([
      p.id, p.batch, Math.round(m), `${Math.round(min(core))}-${Math.round(max(core))}`, Math.round(median(pps)),
      sc.length ? fmt(median(sc), 4) : p.method === 'bare-sendmmsg' ? 'not counted' : 'n/a',
      fmt(userNs, 1), fmt(sysNs),
      replies === null ? 'no replies' : `${lost} of ${accepted} (${fmt(accepted ? (100 * lost) / accepted : 0, 2)}%)`,
      refPps ? `${(m / refPps).toFixed(3)}x` : 'n/a',
    ]);
    data.push({ place: place.id, method: p.id, perCall: p.batch, pps: m, wallPps: median(pps), syscallsPerPacket: sc.length ? median(sc) : null, userNsPerPacket: userNs, sysNsPerPacket: sysNs, lost, accepted, replies, runs: rs.length });
    const id = `batch-size/methods/${place.id}/${p.id}/b${p.batch}`;
    metrics.push({ name: `${id}/pps-per-core`, unit: 'pps', value: m, better: 'bigger', samples: core });
    metrics.push({ name: `${id}/pps`, unit: 'pps', value: median(pps), better: 'bigger', samples: pps });
    if (sc.length) metrics.push({ name: `${id}/syscalls-per-packet`, unit: 'syscalls/packet', value: median(sc), better: 'smaller', samples: sc });
    metrics.push({ name: `${id}/sys-ns-per-packet`, unit: 'ns/packet', value: sysNs, better: 'smaller', samples: rs.map((r) => r.sysNsPerPacket) });
    metrics.push({ name: `${id}/user-ns-per-packet`, unit: 'ns/packet', value: userNs, better: 'smaller', samples: rs.map((r) => r.userNsPerPacket) });
  }
  const verdict = best === undefined || refPps === null
    ? `${place.id}: no verdict (sendmmsg at ${PRTIP_BATCH} or every method missing)`
    : `${place.id}: fastest is ${best.p.id} at ${best.p.batch} per call, ${Math.round(best.pps)} pps per core = ${(best.pps / refPps).toFixed(2)}x sendmmsg at ${PRTIP_BATCH} (${Math.round(refPps)} pps per core)`;
  const table: Table = {
    title: `Send methods, ${place.title}; ${s.perRound.length} interleaved rounds x ${s.runMs} ms per point`,
    columns: ['method', 'per call', 'pps per core (median)', 'per core min-max', 'wall pps (median)', 'syscalls/packet', 'user ns/packet', 'sys ns/packet', 'lost replies', `vs sendmmsg ${PRTIP_BATCH}`],
    rows,
    notes: [
      `verdict: ${verdict}`,
      'pps per core: accepted packets / the sending thread\'s task-clock (CPU time, softirq work it does included); wall pps: accepted packets / the send loop\'s wall time, which a neighbour\'s load moves',
      'per call: packets per send call: sendmmsg vlen, TX-ring frames per send(), SQEs per io_uring_enter, AF_XDP descriptors per batch (the kernel takes at most a few dozen per sendto() kick in copy mode, so AF_XDP makes several kicks per batch)',
      'syscalls/packet: raw_syscalls:sys_enter on the sending thread over the send loop / packets sent; user and sys ns/packet: getrusage(RUSAGE_THREAD), pooled over runs. Their sum is the thread\'s exact CPU time, but the kernel splits it between user and system by where its scheduler tick lands (every 4 ms at HZ=250), so the split of a point rests on its CPU time ÷ the tick samples: a user share of a few ns per packet reads ~0 or one tick ÷ the packets (hundreds of ns), and the processes disagree on these rows for that reason alone. io_uring sends the socket cannot take at once finish on an io-wq kernel worker, whose time is not the sending thread\'s',
      'TX ring and AF_XDP: the packet is crafted straight into the ring frame / UMEM chunk; sendto, sendmmsg and io_uring craft into batch slots the messages point at',
      ...(place.id === 'send-path' ? ['unsupported here: PACKET_QDISC_BYPASS and AF_XDP hand frames straight to the driver, and a veth whose peer is down has no carrier, so every frame would be refused; the veth table measures them'] : ['lost replies: accepted packets with no matching RST (cookie-checked) within the drain']),
    ],
  };
  return { table, verdict, metrics, data };
}

/** The floor at one place: the harness's loop (sendBatch) against the bare loop, same batch, paired per round. */
function floorRowsFor(s: SweepRuns, place: Place): { rows: Table['rows']; metrics: Metric[] } {
  const rows: Table['rows'] = [];
  const metrics: Metric[] = [];
  for (const b of new Set(s.points.map((p) => p.batch))) {
    const ours = s.points.find((p) => p.method === 'sendmmsg' && p.batch === b);
    const bare = s.points.find((p) => p.method === 'bare-sendmmsg' && p.batch === b);
    if (!ours || !bare) continue;
    const ratios: number[] = [];
    for (const results of s.perRound) {
      const a = results.get(pointKey(place, ours)), r = results.get(pointKey(place, bare));
      if (a && r && perCore(r) > 0) ratios.push(perCore(a) / perCore(r));
    }
    if (ratios.length === 0) continue;
    const ratio = median(ratios);
    rows.push([place.id, b, Math.round(medianPerCore(s, place, ours) ?? 0), Math.round(medianPerCore(s, place, bare) ?? 0), ratio.toFixed(3), `${min(ratios).toFixed(3)}-${max(ratios).toFixed(3)}`, ratio >= 0.95 ? 'met' : 'not met']);
    metrics.push({ name: `batch-size/methods/${place.id}/sendbatch-vs-bare/b${b}`, unit: 'ratio', value: ratio, better: 'bigger', samples: ratios });
  }
  return { rows, metrics };
}

function summarise(
  places: readonly Place[], points: MethodPoint[], runs: Map<string, SendBatchResult[]>, perRound: Map<string, SendBatchResult>[],
  unsupported: Record<string, string>, warnings: string[], rounds: number, runMs: number, elapsedMs: number,
): SendMethodsOutcome {
  const s: SweepRuns = { points, runs, perRound, unsupported, runMs };
  const tables: Table[] = [];
  const metrics: Metric[] = [];
  const data: Record<string, unknown>[] = [];
  const verdicts: string[] = [];
  const floorRows: Table['rows'] = [];
  for (const place of places) {
    const one = placeTable(s, place);
    tables.push(one.table);
    metrics.push(...one.metrics);
    data.push(...one.data);
    verdicts.push(one.verdict);
    const floor = floorRowsFor(s, place);
    floorRows.push(...floor.rows);
    metrics.push(...floor.metrics);
  }
  tables.push({
    title: 'sendBatch vs the bare native sendmmsg loop (target >= 0.95x at the same batch size)',
    // No column name says "batch": the report's batch-size charts pick up tables that have one.
    columns: ['place', 'per call', 'harness loop pps per core (median)', 'bare loop pps per core (median)', 'ratio (median of per-round ratios)', 'ratio min-max', 'target'],
    rows: floorRows,
    notes: [
      'both by pps per core (task-clock of the sending thread), paired within a round',
      'the bare loop: same socket kind, packets and crafting, sendmmsg in a loop with nothing else (no TSC reads, no per-batch cancel check, only task-clock counted); sendBatch counts raw_syscalls:sys_enter, the send tracepoints, task-clock and context switches on its thread (per-packet tracepoints are off by default: perPacketCounters)',
      'pps per core: one sending thread; on loopback and veth the receive path (RST generation, the reply counter) runs on the same 2 cores',
    ],
  });
  const met = floorRows.filter((r) => r[6] === 'met').length;
  tables.push({
    title: 'Send methods: verdict',
    columns: ['place', 'verdict'],
    rows: [
      ...verdicts.map((v) => [v.slice(0, v.indexOf(':')), v.slice(v.indexOf(':') + 2)]),
      ['floor', `sendBatch >= 0.95x the bare sendmmsg loop: ${met} of ${floorRows.length} (place, batch) pairs met`],
      ...Object.entries(unsupported).map(([k, why]) => [k, `unsupported: ${why}`]),
    ],
    notes: [
      `${rounds} interleaved rounds per process, each point a time-bounded run of ${runMs} ms; medians over rounds (and forks in the merged report)`,
      `the send-methods part took ${(elapsedMs / 1000).toFixed(1)} s in this process (namespaces, warm-up and every run)`,
    ],
  });
  return { tables, metrics, warnings, data, unsupported };
}
