/**
 * The time family on synthetic prtip-suite data: each run a separate process (the interval is
 * their span), comparisons from interleaved blocks. The documents' own figures hold, far ones do
 * not, the band's edge and missing data cannot tell.
 */
import { describe, expect, it } from 'vitest';
import { TIME_CLAIMS } from '../src/judge/families/time.js';
import type { ComparisonGroupData, WholeRun } from '../src/judge/families/prtip-runs.js';
import type { SuiteResult } from '../src/model/result.js';
import { measured, suite } from './judge-fixtures.js';

/** Runs that agree within ±2 % of `ms` (wall), with user/system CPU alike. */
const runsAt = (ms: number, n = 5, cpu: [number, number] = [ms / 8, ms / 2]): WholeRun[] =>
  Array.from({ length: n }, (_, k) => {
    const f = 1 + 0.01 * ((k % 5) - 2);
    return { wallNs: ms * f * 1e6, userNs: cpu[0] * f * 1e6, sysNs: cpu[1] * f * 1e6, syscalls: {} };
  });

/** Interleaved blocks where B takes `ratio`× A (±1 % between blocks) and A′ is A again. */
function group(id: string, a: string, bs: Record<string, number>, blocks = 8, nullShift = 1): ComparisonGroupData {
  return {
    id, a, bs: Object.keys(bs), runsPerBlock: 2 * (2 + Object.keys(bs).length),
    blocks: Array.from({ length: blocks }, (_, k) => {
      const noise = 1 + 0.01 * [0, 0.7, -0.5, 0.3, -0.9, 0.4, -0.2, 0.8][k % 8]!, base = 100 * (1 + 0.05 * (k % 3));
      const blk: Record<string, number[]> = { [a]: [base, base * 1.01], [`${a}′`]: [base * nullShift * (1 + 0.01 * [0.3, -0.6, 0.5, -0.2, 0.1, -0.4, 0.6, -0.3][k % 8]!), base * 1.01] };
      for (const [b, r] of Object.entries(bs)) blk[b] = [base * r * noise, base * r * noise * 1.01];
      return blk;
    }),
  };
}

interface Setup {
  runs?: Record<string, WholeRun[]>;
  connect?: number;
  ipv6?: number;
  rate?: number;
  blocks?: number;
  nullShift?: number;
}
/** The documents' figures: 98 ms SYN (12.5 + 45.2 CPU), 150 ms connect-100, 150.7 ms connect-1k (18.3 + 52.1), 287 ms 65K, 163 ms -sV. */
const DOC_RUNS = (): Record<string, WholeRun[]> => ({
  'prtip/syn-scan-1k': runsAt(98, 5, [12.5, 45.2]),
  'prtip/connect-scan-100': runsAt(150),
  'prtip/connect-scan-1k': runsAt(150.7, 5, [18.3, 52.1]),
  'prtip/full-65535': runsAt(287, 2),
  'prtip/service-detect': runsAt(163, 2),
});
function prtipSuite(o: Setup = {}): SuiteResult {
  const comparisons = [
    group('syn-1k', 'syn-scan-1k', { 'connect-scan-1k': o.connect ?? 1.53, 'rate-limit-50k': o.rate ?? 0.97 }, o.blocks, o.nullShift),
    group('syn-500', 'syn-scan-500', { 'ipv6-scan-500': o.ipv6 ?? 1.15 }, o.blocks, o.nullShift),
  ];
  return { ...suite('prtip', []), data: { wholeRuns: o.runs ?? DOC_RUNS(), strace: { binary: null, checks: [] }, comparisons } };
}
const judge = (id: string, s: SuiteResult | null) => {
  const c = TIME_CLAIMS.find((x) => x.id === id);
  if (!c) throw new Error(`no claim ${id}`);
  return c.judge(measured(s ? [s] : []));
};
const withRuns = (key: string, runs: WholeRun[]) => prtipSuite({ runs: { ...DOC_RUNS(), [`prtip/${key}`]: runs } });

describe('time family: whole-run times', () => {
  const single = [
    ['whole-syn-1k-98ms', 'syn-scan-1k', 98],
    ['whole-connect-100-150ms', 'connect-scan-100', 150],
    ['whole-connect-1k-150.7ms', 'connect-scan-1k', 150.7],
    ['whole-full-65535-287ms', 'full-65535', 287],
  ] as const;
  it('hold at the documents\' own times, not at 3× them, cannot tell at +40 %', () => {
    for (const [id, scenario, ms] of single) {
      expect(judge(id, prtipSuite()).verdict, id).toBe('holds');
      expect(judge(id, withRuns(scenario, runsAt(3 * ms))).verdict, id).toBe('does-not-hold');
      expect(judge(id, withRuns(scenario, runsAt(1.4 * ms))).verdict, id).toBe('cannot-tell');
    }
  });
  it('the span of runs is the interval: one run far off leaves it undecided, one run alone cannot tell', () => {
    expect(judge('whole-syn-1k-98ms', withRuns('syn-scan-1k', [...runsAt(98, 4), ...runsAt(400, 1)])).verdict).toBe('cannot-tell');
    const one = judge('whole-full-65535-287ms', withRuns('full-65535', runsAt(287, 1)));
    expect(one.verdict).toBe('cannot-tell');
    expect(one.reason).toMatch(/at least 2/);
  });
  it('CPU: 12.5 + 45.2 ms and 18.3 + 52.1 ms hold; twice the system time does not; +35 % cannot tell', () => {
    expect(judge('whole-syn-1k-cpu', prtipSuite()).verdict).toBe('holds');
    expect(judge('whole-connect-1k-cpu', prtipSuite()).verdict).toBe('holds');
    expect(judge('whole-syn-1k-cpu', withRuns('syn-scan-1k', runsAt(98, 5, [12.5, 120]))).verdict).toBe('does-not-hold');
    expect(judge('whole-connect-1k-cpu', withRuns('connect-scan-1k', runsAt(150.7, 5, [18.3 * 1.35, 52.1]))).verdict).toBe('cannot-tell');
  });
  it('96-102K pps: holds at 10 ms a scan, not at the 98 ms the same documents give, cannot tell at 7.5 ms', () => {
    expect(judge('whole-default-scan-pps', withRuns('syn-scan-1k', runsAt(1000 / 99))).verdict).toBe('holds');
    expect(judge('whole-default-scan-pps', prtipSuite()).verdict).toBe('does-not-hold');
    expect(judge('whole-default-scan-pps', withRuns('syn-scan-1k', runsAt(7.2))).verdict).toBe('cannot-tell');
  });
  it('service detection: 163 ms and +66 % over the SYN scan hold; seconds do not; +40 % over the time cannot tell', () => {
    expect(judge('whole-service-detect-163ms', prtipSuite()).verdict).toBe('holds');
    expect(judge('whole-service-detect-163ms', withRuns('service-detect', runsAt(10_000, 2))).verdict).toBe('does-not-hold');
    expect(judge('whole-service-detect-163ms', withRuns('service-detect', runsAt(163 * 1.4, 2))).verdict).toBe('cannot-tell');
  });
  it('cannot tell without the suite or without the runs', () => {
    for (const c of TIME_CLAIMS) {
      expect(c.judge(measured([])).verdict, c.id).toBe('cannot-tell');
      expect(c.judge(measured([prtipSuite({ runs: {}, blocks: 0 })])).verdict, c.id).toBe('cannot-tell');
    }
    expect(judge('whole-syn-1k-98ms', { ...prtipSuite(), data: { wholeRuns: { 'prtip/syn-scan-1k': [{ wallNs: 'x' }] } } } as unknown as SuiteResult).measured).toMatch(/malformed/);
  });
});

describe('time family: interleaved comparisons', () => {
  it('connect vs SYN: 1.53× holds, 1.0× (prtip v0.5.9 runs its connect scanner for both) does not, 1.38× cannot tell', () => {
    expect(judge('whole-connect-vs-syn', prtipSuite()).verdict).toBe('holds');
    const same = judge('whole-connect-vs-syn', prtipSuite({ connect: 1.0 }));
    expect(same.verdict).toBe('does-not-hold');
    expect(same.reason).toMatch(/execute_scan_ports/);
    expect(judge('whole-connect-vs-syn', prtipSuite({ connect: 1.4 })).verdict).toBe('cannot-tell');
  });
  it('IPv6: +15 % holds the overhead claim and refutes parity; -1.9 % the reverse; +8.5 % decides neither', () => {
    expect(judge('whole-ipv6-overhead', prtipSuite()).verdict).toBe('holds');
    expect(judge('whole-ipv6-parity', prtipSuite()).verdict).toBe('does-not-hold');
    expect(judge('whole-ipv6-overhead', prtipSuite({ ipv6: 0.981 })).verdict).toBe('does-not-hold');
    expect(judge('whole-ipv6-parity', prtipSuite({ ipv6: 0.981 })).verdict).toBe('holds');
    expect(judge('whole-ipv6-overhead', prtipSuite({ ipv6: 1.085 })).verdict).toBe('cannot-tell');
    expect(judge('whole-ipv6-parity', prtipSuite({ ipv6: 1.06 })).verdict).toBe('cannot-tell');
  });
  it('the rate limiter: -3 % holds, +10 % does not, -0.5 % … +0.5 % cannot tell', () => {
    expect(judge('whole-rate-limit-negative-overhead', prtipSuite()).verdict).toBe('holds');
    expect(judge('whole-rate-limit-negative-overhead', prtipSuite({ rate: 1.1 })).verdict).toBe('does-not-hold');
    expect(judge('whole-rate-limit-negative-overhead', prtipSuite({ rate: 1.0 })).verdict).toBe('cannot-tell');
  });
  it('a null control that differs (A′ vs A) downgrades a decided verdict; one block cannot tell', () => {
    const f = judge('whole-connect-vs-syn', prtipSuite({ nullShift: 1.2 }));
    expect(f.verdict).toBe('cannot-tell');
    expect(f.reason).toMatch(/downgraded/);
    expect(judge('whole-ipv6-overhead', prtipSuite({ blocks: 1 })).verdict).toBe('cannot-tell');
  });
});
