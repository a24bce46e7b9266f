/**
 * What `bench --counters callgrind` counts for each suite that has a plan: the tasks (each
 * one native measured block, counted exactly by callgrind) and how their counts become
 * tables and metrics. Adding a suite to the callgrind backend means adding a plan here.
 *
 * Every figure is labelled "simulated by callgrind": these are instructions of valgrind's
 * synthetic CPU, never a PMU count.
 */
import { ChecksumKernel, CRAFT_STRATEGIES, type CraftStrategy, CraftKernel, SUM_VARIANTS, checksumVariants } from '../src/measure/packet/index.js';
import { CALLGRIND_EVENTS, CALLGRIND_SOURCE, callgrindLabel } from '../src/measure/callgrind.js';
import type { Metric, Table } from '../src/model/result.js';
import { randomData } from './suites/checksum.bench.js';
import { GROUPS, KINDS } from './suites/packet-crafting.bench.js';

/** One measured block: `make()` builds the kernel and returns the call that runs it once. */
export interface CallgrindTask {
  /** Stable id: the dump label and the metric name's stem. */
  id: string;
  /** Operations one call performs (the per-op divisor). */
  ops: number;
  /** The task's coordinates for the tables (variant, bytes, packet, strategy, …). */
  fields: Record<string, string | number>;
  make(): () => unknown;
}

/** A task's counts from the child: totals per callgrind event (Ir, …), or why it failed. */
export interface CallgrindTaskResult {
  id: string;
  ops: number;
  fields: Record<string, string | number>;
  totals: Record<string, number> | null;
  /** The part of `totals` spent inside glibc's malloc/free (it depends on the heap layout, so it varies between runs). */
  allocator?: Record<string, number>;
  error?: string;
}

/** Facts the child saw in its own process, under valgrind. */
export interface CallgrindChildInfo {
  /** Checksum variants unavailable under valgrind, with the reason. */
  unavailable: { name: string; reason: string }[];
  injectSlowdown: string | null;
}

/**
 * The hardware counter's instructions for the same tasks, counted in the parent (not under
 * valgrind) where a PMU exists: shown beside callgrind's, never in its place.
 */
export interface PmuSideBySide {
  /** Per task id: PMU instructions per op, or null when not counted. */
  perOp: Map<string, number | null>;
  /** Why there is no PMU figure ("" when there is). */
  reason: string;
}

/** A suite's callgrind plan. */
export interface CallgrindPlan {
  suite: string;
  title: string;
  tasks(quick: boolean): CallgrindTask[];
  report(results: readonly CallgrindTaskResult[], info: CallgrindChildInfo, pmu: PmuSideBySide): { tables: Table[]; metrics: Metric[]; warnings: string[] };
}

const INSTR = callgrindLabel('Ir');

function pmuNote(pmu: PmuSideBySide): string {
  return pmu.reason === ''
    ? 'PMU instructions: the hardware counter on the same task in a process not under valgrind (the real CPU, beside the simulation, never in its place)'
    : `PMU instructions: — (${pmu.reason}); callgrind's figures stand alone, labelled as simulated`;
}

/** Least-squares line y = a + b·x and its R². */
export function linearFit(xs: readonly number[], ys: readonly number[]): { intercept: number; slope: number; r2: number } {
  const n = xs.length;
  if (n < 2 || ys.length !== n) throw new RangeError(`linearFit: expected two equal-length arrays of 2 or more points, got ${xs.length} and ${ys.length}`);
  const mx = xs.reduce((a, b) => a + b, 0) / n, my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
    syy += (ys[i]! - my) ** 2;
  }
  const slope = sxx === 0 ? 0 : sxy / sxx;
  return { intercept: my - slope * mx, slope, r2: syy === 0 ? 1 : (sxy * sxy) / (sxx * syy) };
}

const perOp = (r: CallgrindTaskResult, event = 'Ir'): number | null => (r.totals?.[event] === undefined ? null : r.totals[event]! / r.ops);
const round = (x: number | null, digits = 2): number | null => (x === null ? null : Number(x.toFixed(digits)));

/** The cache-miss events present in any result (with --cache-sim), in callgrind's order. */
function cacheEvents(results: readonly CallgrindTaskResult[]): string[] {
  const seen = new Set<string>();
  for (const r of results) for (const e of Object.keys(r.totals ?? {})) seen.add(e);
  return Object.keys(CALLGRIND_EVENTS).filter((e) => e !== 'Ir' && seen.has(e));
}

function metricOf(name: string, unit: string, value: number): Metric {
  return { name: `callgrind/${name}`, unit: `${unit} (${CALLGRIND_SOURCE})`, value, better: 'smaller', samples: [value], deterministic: true };
}


// ---- checksum -------------------------------------------------------------------------

/** 20 B … 64 KiB: the suite's sizes plus enough between them for a linear fit. */
export const CHECKSUM_SIZES = [20, 40, 60, 128, 256, 512, 1500, 4096, 16384, 65536] as const;
const RANK_SIZE = 1500;
const RANK_ORDER = ['scalar16', 'wide64', 'avx2'] as const; // most instructions first, as the designs imply
const R2_GOAL = 0.99;

const checksumPlan: CallgrindPlan = {
  suite: 'checksum',
  title: `Checksum kernels: instructions per op (${CALLGRIND_SOURCE})`,
  tasks() {
    const available = new Set(checksumVariants().filter((v) => v.available).map((v) => v.name));
    const variants = ['empty', ...SUM_VARIANTS.filter((v) => available.has(v))];
    const tasks: CallgrindTask[] = [];
    for (const size of CHECKSUM_SIZES) {
      // Counts are exact, so a few ops suffice; several keep the one-off bracket cost out of the per-op figure.
      const ops = size >= 16384 ? 4 : 16;
      for (const variant of variants) {
        tasks.push({ id: `checksum/${variant}/${size}B`, ops, fields: { variant, bytes: size }, make: () => { const k = new ChecksumKernel(randomData(size), variant, 0); return () => k.run(ops); } });
      }
    }
    tasks.push({ id: 'checksum/incremental/20B', ops: 64, fields: { variant: 'incremental', bytes: 20 }, make: () => { const k = new ChecksumKernel(randomData(20), 'incremental', 0); return () => k.run(64); } });
    return tasks;
  },
  report(results, info, pmu) {
    const warnings: string[] = [];
    const failed = results.filter((r) => r.totals === null);
    for (const f of failed) warnings.push(`${f.id}: not counted: ${f.error}`);
    const extra = cacheEvents(results);
    const ok = results.filter((r) => r.totals !== null);
    const emptyAt = new Map(ok.filter((r) => r.fields.variant === 'empty').map((r) => [r.fields.bytes as number, perOp(r)!]));
    const rows: Table['rows'] = [];
    const metrics: Metric[] = [];
    for (const r of ok) {
      const ir = perOp(r)!;
      const bytes = r.fields.bytes as number;
      const net = r.fields.variant === 'empty' || r.fields.variant === 'incremental' ? null : ir - (emptyAt.get(bytes) ?? 0);
      rows.push([r.fields.variant as string, bytes, r.ops, round(ir), round(net), net === null ? null : round(net / bytes, 3), round(pmu.perOp.get(r.id) ?? null), ...extra.map((e) => round(perOp(r, e), 3))]);
      metrics.push(metricOf(`${r.id}/instructions`, 'instructions/op', ir));
      for (const e of extra) metrics.push(metricOf(`${r.id}/${e}`, `${CALLGRIND_EVENTS[e]}/op`, perOp(r, e)!));
    }
    for (const u of info.unavailable) warnings.push(`checksum variant ${u.name} not counted: ${u.reason}`);

    // Sanity: the ranking at 1500 B and linear growth with size.
    const at = (variant: string, bytes: number): number | null => {
      const r = ok.find((x) => x.fields.variant === variant && x.fields.bytes === bytes);
      return r ? perOp(r) : null;
    };
    const ranked = RANK_ORDER.map((v) => at(v, RANK_SIZE));
    const rankHolds = ranked.every((x) => x !== null) && ranked.every((x, i) => i === 0 || x! < ranked[i - 1]!);
    const fitRows: Table['rows'] = [];
    for (const variant of ['empty', ...SUM_VARIANTS]) {
      const pts = CHECKSUM_SIZES.map((s): [number, number | null] => [s, at(variant, s)]).filter((p): p is [number, number] => p[1] !== null);
      if (pts.length < 3) continue;
      const fit = linearFit(pts.map((p) => p[0]), pts.map((p) => p[1]));
      const goal = variant === 'empty' ? 'n/a (does no work per byte)' : `R² > ${R2_GOAL}: ${fit.r2 > R2_GOAL ? 'met' : 'not met'}`;
      fitRows.push([variant, pts.length, round(fit.slope, 4), round(fit.intercept, 1), round(fit.r2, 6), goal]);
      if (variant !== 'empty') metrics.push({ name: `callgrind/checksum/${variant}/instructions-per-byte`, unit: `instructions/byte (${CALLGRIND_SOURCE})`, value: fit.slope, better: 'smaller', samples: [fit.slope], deterministic: true });
    }
    const tables: Table[] = [
      {
        title: `Checksum kernels: ${INSTR} per op`,
        columns: ['variant', 'bytes', 'ops counted', 'instructions/op', 'net of empty', 'net per byte', 'PMU instructions/op', ...extra.map((e) => `${CALLGRIND_EVENTS[e]}/op`)],
        rows,
        notes: [
          `${CALLGRIND_SOURCE}: instructions of valgrind's synthetic CPU in exactly the kernel's run loop (client requests around it), divided by the ops in one call; no PMU count is shown or replaced`,
          'net of empty: minus the empty call through the same function pointer at the same size',
          pmuNote(pmu),
          ...(extra.length ? ['cache misses from callgrind\'s cache model (--cache-sim=yes), not the real caches'] : []),
        ],
      },
      {
        title: `Checksum sanity (${CALLGRIND_SOURCE})`,
        columns: ['variant', 'sizes', 'instructions per byte', 'intercept', 'R²', 'goal'],
        rows: fitRows,
        notes: [
          `ranking at ${RANK_SIZE} B, ${RANK_ORDER.join(' > ')} (more instructions first): ${ranked.map((x, i) => `${RANK_ORDER[i]} ${x === null ? '—' : x.toFixed(0)}`).join(' > ')}: ${rankHolds ? 'met' : 'not met'}`,
          `instructions/op fitted against bytes over ${CHECKSUM_SIZES[0]} B … ${CHECKSUM_SIZES[CHECKSUM_SIZES.length - 1]} B`,
        ],
      },
    ];
    if (info.injectSlowdown) warnings.push(`TEST-ONLY slowdown injected (PRTIP_PERF_INJECT_SLOWDOWN=${info.injectSlowdown}): these counts are deliberately high`);
    return { tables, metrics, warnings };
  },
};

// ---- packet crafting ------------------------------------------------------------------

const ORDER_GROUP = 1000;

const craftingPlan: CallgrindPlan = {
  suite: 'packet-crafting',
  title: `Packet crafting: instructions per packet (${CALLGRIND_SOURCE})`,
  tasks() {
    const tasks: CallgrindTask[] = [];
    for (const kind of KINDS) {
      for (const strategy of CRAFT_STRATEGIES) {
        for (const group of GROUPS) {
          tasks.push({ id: `packet-crafting/${kind.id}/${strategy}/x${group}`, ops: group, fields: { packet: kind.id, strategy, group },
            make: () => { const k = new CraftKernel(kind.options, strategy, group); return () => k.run(1); } });
        }
      }
    }
    return tasks;
  },
  report(results, _info, pmu) {
    const warnings = results.filter((r) => r.totals === null).map((f) => `${f.id}: not counted: ${f.error}`);
    const extra = cacheEvents(results);
    const ok = results.filter((r) => r.totals !== null);
    const rows: Table['rows'] = [];
    const metrics: Metric[] = [];
    for (const r of ok) {
      const total = perOp(r)!;
      const inAllocator = (r.allocator?.['Ir'] ?? 0) / r.ops;
      const outside = total - inAllocator;
      rows.push([KINDS.find((k) => k.id === r.fields.packet)!.name, r.fields.strategy as string, r.fields.group as number, round(total), round(inAllocator), round(outside), round(pmu.perOp.get(r.id) ?? null), ...extra.map((e) => round(perOp(r, e), 3))]);
      // The gated figure leaves glibc's malloc/free out: their paths depend on the heap layout the
      // process built before (which bins hold what) and differ between runs of the same code, so
      // that part is shown in the table and is no metric (a gate on it would flag the heap, not the code).
      metrics.push(metricOf(`${r.id}/instructions`, 'instructions/packet outside malloc/free', outside));
      for (const e of extra) metrics.push(metricOf(`${r.id}/${e}`, `${CALLGRIND_EVENTS[e]}/packet`, perOp(r, e)!));
    }
    const at = (packet: string, strategy: CraftStrategy): number | null => {
      const r = ok.find((x) => x.fields.packet === packet && x.fields.strategy === strategy && x.fields.group === ORDER_GROUP);
      return r ? perOp(r) : null;
    };
    const orderRows: Table['rows'] = KINDS.map((k) => {
      const t = at(k.id, 'template'), u = at(k.id, 'reuse'), a = at(k.id, 'alloc');
      const holds = t !== null && u !== null && a !== null && t < u && u < a;
      return [k.name, round(t), round(u), round(a), holds ? 'met' : 'not met'];
    });
    const allHold = orderRows.every((r) => r[4] === 'met');
    return {
      tables: [
        {
          title: `Packet crafting: ${INSTR} per packet`,
          columns: ['packet', 'strategy', 'per call', 'instructions/packet', 'in malloc/free', 'outside malloc/free', 'PMU instructions/packet', ...extra.map((e) => `${CALLGRIND_EVENTS[e]}/packet`)],
          rows,
          notes: [`${CALLGRIND_SOURCE}: instructions of valgrind's synthetic CPU in exactly the kernel's run loop (one call of a group), divided by the group`,
            pmuNote(pmu),
            'in malloc/free: glibc\'s allocator (self cost of its functions); its path depends on the heap layout the process built before the block, so it differs between runs (up to ~6 % of alloc\'s total here); "outside" repeats exactly and is the gated metric',
          ],
        },
        {
          title: `Crafting sanity: template < reuse < alloc at ${ORDER_GROUP} packets per call (${CALLGRIND_SOURCE})`,
          columns: ['packet', 'template', 'reuse', 'alloc', 'template < reuse < alloc'],
          rows: orderRows,
          notes: [`all packet kinds: ${allHold ? 'met' : 'not met'}`],
        },
      ],
      metrics,
      warnings,
    };
  },
};

/** Suites with a callgrind plan, by name. */
export const CALLGRIND_PLANS: ReadonlyMap<string, CallgrindPlan> = new Map([checksumPlan, craftingPlan].map((p) => [p.suite, p]));
