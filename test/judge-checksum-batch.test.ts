/** The checksum and batch families on synthetic forked metrics: document figures hold, far ones do not, edges and missing data cannot tell. */
import { describe, expect, it } from 'vitest';
import { BATCH_CLAIMS, SWEEP_BATCHES } from '../src/judge/families/batch.js';
import { CHECKSUM_CLAIMS } from '../src/judge/families/checksum.js';
import type { Metric } from '../src/model/result.js';
import { forked, measured, suite } from './judge-fixtures.js';

const FORKS = 3;
const jitter = (x: number, k: number): number => x * (1 + 0.01 * (k - 1));

/** Checksum metrics where scalar16 is `ratio`× the best SIMD kernel in every fork; wide64 faster than both. */
function checksumSuite(ratio: number, withSimd = true) {
  const metrics: Metric[] = [];
  for (const size of [20, 40, 60]) {
    metrics.push(forked(`checksum/scalar16/${size}B`, [0, 1, 2].map((k) => jitter(10 * ratio, k))));
    metrics.push(forked(`checksum/wide64/${size}B`, [0, 1, 2].map(() => 1)));
    if (withSimd) metrics.push(forked(`checksum/avx2/${size}B`, [0, 1, 2].map(() => 10)), forked(`checksum/avx512/${size}B`, [0, 1, 2].map(() => 12)));
  }
  return suite('checksum', metrics);
}
const simd = (s: ReturnType<typeof suite> | null) => CHECKSUM_CLAIMS.find((c) => c.id === 'checksum-simd-8x')!.judge(measured(s ? [s] : []));

describe('checksum family: SIMD about 8×', () => {
  it('holds at the document\'s 8×, does not hold far from it, cannot tell at the edge', () => {
    expect(simd(checksumSuite(8)).verdict).toBe('holds');
    expect(simd(checksumSuite(2)).verdict).toBe('does-not-hold');
    expect(simd(checksumSuite(5.5)).verdict).toBe('cannot-tell');
  });
  it('judges SIMD kernels only: a faster wide64 (not SIMD) is never the subject', () => {
    const f = simd(checksumSuite(8));
    expect(f.measured).toMatch(/avx2/);
    expect(f.measured).not.toMatch(/wide64/);
    expect(simd(checksumSuite(8, false)).verdict).toBe('cannot-tell');
  });
  it('cannot tell without the suite or with one process', () => {
    expect(simd(null).verdict).toBe('cannot-tell');
    const one = suite('checksum', ['scalar16', 'avx2'].flatMap((v) => [20, 40, 60].map((s) => forked(`checksum/${v}/${s}B`, [v === 'avx2' ? 1 : 8]))));
    expect(simd(one).reason).toMatch(/at least 2 forks/);
  });
});

/**
 * A batch sweep: syscalls per packet = 1/batch + `extra` (what else the thread calls), pps = `pps(batch)`,
 * system ns per packet = entry cost / batch + `work`; every series and fork alike (±1 %).
 */
function batchSuite(o: { extra?: number; pps?: (b: number) => number; entry?: number; work?: number; rounds?: number }) {
  const { extra = 0, pps = () => 1e5, entry = 900, work = 100, rounds = 2 } = o;
  const metrics: Metric[] = [];
  for (const s of ['ipv4', 'ipv6', 'ipv4-send-path', 'ipv6-send-path']) {
    for (const p of [...SWEEP_BATCHES, 'sendto' as const]) {
      const b = p === 'sendto' ? 1 : p;
      const id = `batch-size/${s}/${p === 'sendto' ? 'sendto' : `b${p}`}`;
      const per = (x: number) => [0, 1, 2].map((k) => jitter(x, k));
      metrics.push(forked(`${id}/pps`, per(pps(b)), per(pps(b)).map((x) => Array(rounds).fill(x))));
      metrics.push(forked(`${id}/syscalls-per-packet`, per(1 / b + extra)));
      metrics.push(forked(`${id}/sys-ns-per-packet`, per(entry / b + work)));
    }
  }
  return suite('batch-size', metrics);
}
const batch = (id: string, s: ReturnType<typeof suite> | null) => BATCH_CLAIMS.find((c) => c.id === id)!.judge(measured(s ? [s] : []));

describe('batch family', () => {
  it('syscall reductions: the guide\'s ~95/98/99 % hold when only the send loop calls, not decided by arithmetic alone', () => {
    const s = batchSuite({});
    expect(batch('sendmmsg-95pct-syscall-reduction-at-16', s).verdict).toBe('holds');
    expect(batch('sendmmsg-98pct-syscall-reduction-at-64', s).verdict).toBe('holds');
    expect(batch('sendmmsg-99pct-syscall-reduction-at-128', s).verdict).toBe('holds');
    // a thread that makes one more syscall per 5 packets: far below the claims
    const busy = batchSuite({ extra: 0.2 });
    expect(batch('sendmmsg-95pct-syscall-reduction-at-16', busy).verdict).toBe('does-not-hold');
    expect(batch('sendmmsg-98pct-syscall-reduction-at-64', busy).verdict).toBe('does-not-hold');
    // at the edge: a little extra puts batch 64 in the margin below 97.5 %
    expect(batch('sendmmsg-98pct-syscall-reduction-at-64', batchSuite({ extra: 0.012 })).verdict).toBe('cannot-tell');
  });
  it('5-10× less syscall overhead: holds at the document\'s figure, not at 1.5×, cannot tell at 4.5×', () => {
    // sendto ÷ batch 64 = (entry + work) / (entry/64 + work)
    expect(batch('batching-5-10x-syscall-overhead', batchSuite({ entry: 900, work: 100 })).verdict).toBe('holds'); // 1000/114 = 8.8×
    expect(batch('batching-5-10x-syscall-overhead', batchSuite({ entry: 60, work: 100 })).verdict).toBe('does-not-hold'); // 1.6×
    expect(batch('batching-5-10x-syscall-overhead', batchSuite({ entry: 370, work: 100 })).verdict).toBe('cannot-tell'); // ~4.5×
  });
  it('200-300 gives 5-10 % over 100, and the localhost knee at 200-300', () => {
    const doc = (b: number) => 1e5 * (b >= 200 ? 1.075 : b >= 100 ? 1 : 0.8);
    expect(batch('sendmmsg-batch-100-to-200-300', batchSuite({ pps: doc })).verdict).toBe('holds');
    expect(batch('batch-size-localhost-200-300', batchSuite({ pps: doc })).verdict).toBe('holds');
    const flat = (b: number) => 1e5 * (b >= 32 ? 1 : 0.5);
    expect(batch('sendmmsg-batch-100-to-200-300', batchSuite({ pps: flat })).verdict).toBe('does-not-hold');
    expect(batch('batch-size-localhost-200-300', batchSuite({ pps: flat })).verdict).toBe('does-not-hold');
    const edge = (b: number) => 1e5 * (b >= 200 ? 1.04 : 1);
    expect(batch('sendmmsg-batch-100-to-200-300', batchSuite({ pps: edge })).verdict).toBe('cannot-tell');
  });
  it('cannot tell without the sweep, with one process, or without syscall counts', () => {
    for (const c of BATCH_CLAIMS) expect(c.judge(measured([])).verdict, c.id).toBe('cannot-tell');
    const noCounts = batchSuite({});
    noCounts.metrics = noCounts.metrics.filter((m) => !m.name.endsWith('syscalls-per-packet'));
    expect(batch('sendmmsg-98pct-syscall-reduction-at-64', noCounts).reason).toMatch(/not counted/);
  });
});
