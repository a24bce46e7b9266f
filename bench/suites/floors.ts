/**
 * Floors against reference loops. A floor is the cheapest way we measure a piece of work;
 * it is only a floor if the plainest C loop for the same work (native/packet/reference.h,
 * the counter group's referenceLoop) does not beat it. Each pair is timed in the same
 * process, ours and the reference alternating call by call, so load that comes and goes on
 * a shared machine hits both alike; the ratio is the median of the per-round ratios.
 */
import type { Metric, Table } from '../../src/model/result.js';

/** One piece of work, ours against its reference. */
export interface FloorPair {
  /** What the work is, e.g. "template, IPv4 SYN, consecutive slots". */
  work: string;
  /** Metric name stem (suite/...); the metrics are STEM/ours, STEM/reference and STEM/ratio. */
  id: string;
  /** Does `ops` operations of ours / of the reference (each call long enough, ≥ a few µs, that the timer is noise). */
  ours: () => unknown;
  reference: () => unknown;
  ops: number;
  /** Bytes per operation, for B/cycle (checksums); 0 when not meaningful. */
  bytes?: number;
  /** The target, checked on this run's figures: returns the goal text and whether it is met. */
  target?: (m: FloorMeasurement, tscHz: number) => { goal: string; met: boolean };
}

/** A pair's figures: medians over alternating rounds, ns per operation. */
export interface FloorMeasurement {
  oursNs: number;
  referenceNs: number;
  /** Median of the per-round ratios ours / reference. */
  ratio: number;
  rounds: number;
  /** Per-round ns per op, ours, for baselines. */
  oursSamples: number[];
  ratioSamples: number[];
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

function timeOnce(fn: () => unknown): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0);
}

/**
 * Times each pair for about `budgetMs` (at least `minRounds` rounds, at most 10,000), one call of
 * ours and one of the reference per round, in alternating order (ours first on even rounds),
 * after a few warm-up rounds.
 */
export function measureFloor(pair: FloorPair, budgetMs: number, minRounds = 15): FloorMeasurement {
  for (let i = 0; i < 3; i++) pair.ours(), pair.reference();
  const ours: number[] = [], reference: number[] = [], ratios: number[] = [];
  const deadline = process.hrtime.bigint() + BigInt(Math.round(budgetMs * 1e6));
  for (let round = 0; round < 10_000 && (round < minRounds || process.hrtime.bigint() < deadline); round++) {
    let a: number, b: number;
    if (round % 2 === 0) {
      a = timeOnce(pair.ours);
      b = timeOnce(pair.reference);
    } else {
      b = timeOnce(pair.reference);
      a = timeOnce(pair.ours);
    }
    ours.push(a / pair.ops);
    reference.push(b / pair.ops);
    ratios.push(a / b);
  }
  return { oursNs: median(ours), referenceNs: median(reference), ratio: median(ratios), rounds: ours.length, oursSamples: ours, ratioSamples: ratios };
}

const round = (x: number, digits: number): number => Number(x.toFixed(digits));

/** Measures every pair and returns the floors table (one row per pair, ratio per row) and its metrics. */
export function floorsTable(title: string, pairs: FloorPair[], tscHz: number, budgetMs: number, notes: string[] = []): { table: Table; metrics: Metric[]; measured: { pair: FloorPair; m: FloorMeasurement; met: boolean | null }[] } {
  const rows: Table['rows'] = [];
  const metrics: Metric[] = [];
  const measured: { pair: FloorPair; m: FloorMeasurement; met: boolean | null }[] = [];
  const started = process.hrtime.bigint();
  for (const pair of pairs) {
    const m = measureFloor(pair, budgetMs);
    const cycles = tscHz > 0 ? m.oursNs * tscHz / 1e9 : null;
    const target = pair.target?.(m, tscHz);
    rows.push([pair.work, round(m.oursNs, 3), round(m.referenceNs, 3), round(m.ratio, 3), cycles === null ? null : round(cycles, 2),
      pair.bytes && cycles !== null ? round(pair.bytes / cycles, 1) : null, m.rounds, target ? `${target.goal}: ${target.met ? 'met' : 'not met'}` : '']);
    metrics.push({ name: `${pair.id}/ours`, unit: 'ns/op', value: m.oursNs, better: 'smaller', samples: m.oursSamples });
    metrics.push({ name: `${pair.id}/ratio-to-reference`, unit: 'x', value: m.ratio, better: 'smaller', samples: m.ratioSamples });
    measured.push({ pair, m, met: target ? target.met : null });
  }
  return {
    table: {
      title,
      columns: ['work', 'ours ns/op', 'reference ns/op', 'ours/reference', 'ours TSC cycles', 'B/TSC cycle', 'rounds', 'target'],
      rows,
      notes: [
        'ours and the reference run alternately, call by call, in this process on the same data; ns/op are medians over the rounds, the ratio is the median of the per-round ratios',
        `TSC cycles = ns × the TSC frequency (${(tscHz / 1e9).toFixed(4)} GHz here): reference cycles at a fixed rate, not core cycles (no PMU here)`,
        ...notes,
        `measuring these rows took ${(Number(process.hrtime.bigint() - started) / 1e6).toFixed(0)} ms`,
      ],
    },
    metrics,
    measured,
  };
}
