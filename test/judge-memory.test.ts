/** The memory family on synthetic prtip suite data: the documents' figures hold, far ones do not, edges and missing data cannot tell. */
import { describe, expect, it } from 'vitest';
import { growthTo, idleTimeInterval, MEMORY_CLAIMS, massifInterval, type MassifPoint } from '../src/judge/families/memory.js';
import type { Finding } from '../src/judge/index.js';
import type { SuiteResult } from '../src/model/result.js';
import { measured, suite } from './judge-fixtures.js';

const MiB = 2 ** 20;

/** A massif run (as the suite records it) peaking at `total` bytes of heap + extra-heap (5 % of it extra-heap by default). */
function massif(total: number, o: { limited?: boolean; extraShare?: number; lastMs?: number; wallNs?: number; cpuNs?: number; snapshots?: MassifPoint[] } = {}) {
  const { limited = false, extraShare = 0.05, lastMs = 500, wallNs = 2e9, cpuNs = lastMs * 1e6 } = o;
  const heapBytes = Math.round(total / (1 + extraShare));
  const peak = { index: 1, time: lastMs, heapBytes, extraHeapBytes: total - heapBytes, stacksBytes: 0, tree: 'peak' };
  const snapshots = o.snapshots ?? [{ time: 0, heapBytes: 0, extraHeapBytes: 0 }, { time: lastMs / 2, heapBytes: heapBytes / 2, extraHeapBytes: (total - heapBytes) / 2 }, peak];
  return { tool: 'massif', stacks: false, memcheck: null, wallNs, cpuNs, exitCode: limited ? 124 : 0, limited, failure: null, logTail: '',
    massif: { command: 'prtip', description: '--time-unit=ms', timeUnit: 'ms', snapshots, peak, stacksPeakBytes: null } };
}
const check = (id: string, heap: ReturnType<typeof massif> | null, untracedOutput = '') =>
  ({ id, argv: ['prtip', '-p', '1-100', '127.0.0.1'], limitMs: heap?.limited ? 5000 : 30_000, heap, stacks: null, anonBytes: null, untracedWallNs: null, untracedOutput, note: heap ? '' : 'massif prtip x failed' });

type Leaks = { definitelyLost?: number; possiblyLost?: number };
const memcheck = (l: Leaks) => ({ tool: 'memcheck', massif: null, wallNs: 3e9, limited: false, failure: null, memcheck: {
  definitelyLost: { bytes: l.definitelyLost ?? 0, blocks: 1 }, indirectlyLost: { bytes: 0, blocks: 0 }, possiblyLost: { bytes: l.possiblyLost ?? 0, blocks: 1 },
  stillReachable: { bytes: 60264, blocks: 73 }, suppressed: { bytes: 0, blocks: 0 }, errors: 0 } });

/** The prtip suite's result with this data (memory: null = no valgrind runs). */
function prtip(d: { checks?: ReturnType<typeof check>[]; leaks?: Leaks | null; quick?: boolean; untraced?: Record<string, { anonPeakBytes: number[]; wallNs: number[] }>; binary?: unknown; warnings?: string[] }): SuiteResult {
  const s = suite('prtip', []);
  s.warnings = d.warnings ?? [];
  s.data = {
    memory: d.checks ? { valgrind: '/usr/bin/valgrind', checks: d.checks, leaks: d.leaks ? memcheck(d.leaks) : null, leaksNote: '', stacksUnsupported: null, tracedNs: 40e9, quick: d.quick ?? false, budgetMs: 30_000 } : null,
    untraced: d.untraced ?? {}, binary: d.binary ?? null,
  };
  return s;
}
const judge = (id: string, s: SuiteResult | null): Finding => {
  const c = MEMORY_CLAIMS.find((x) => x.id === id);
  if (!c) throw new Error(`no claim ${id}`);
  return c.judge(measured(s ? [s] : []));
};
const verdict = (id: string, s: SuiteResult | null) => judge(id, s).verdict;
const one = (id: string, run: ReturnType<typeof massif>) => prtip({ checks: [check(id, run)] });

describe('memory family: 002\'s massif peaks (heap + extra-heap, ms_print\'s 1024² "MB")', () => {
  const table = [
    ['whole-massif-100-ports', 'syn-scan-100', 1.999], ['whole-peak-memory-1k', 'syn-scan-1k', 2.746],
    ['whole-peak-memory-10k', 'syn-scan-10k', 12.34], ['whole-massif-ipv6-1k', 'ipv6-scan-1k', 2.742],
  ] as const;
  for (const [id, scenario, mib] of table) {
    it(`${id}: ${mib} MB holds, half of it does not, 30 % over is at the edge, no run cannot tell`, () => {
      expect(verdict(id, one(scenario, massif(mib * MiB)))).toBe('holds');
      expect(verdict(id, one(scenario, massif(mib * MiB * 0.5)))).toBe('does-not-hold');
      expect(verdict(id, one(scenario, massif(mib * MiB * 1.3)))).toBe('cannot-tell');
      expect(verdict(id, one('other', massif(mib * MiB)))).toBe('cannot-tell');
      expect(verdict(id, null)).toBe('cannot-tell');
    });
  }
  it('a run stopped at its limit is a lower bound: it refutes from above, never confirms', () => {
    expect(massifInterval(10, true)).toEqual({ low: 10, high: Infinity, point: 10 });
    expect(verdict('whole-peak-memory-1k', one('syn-scan-1k', massif(2.746 * MiB, { limited: true })))).toBe('cannot-tell');
    expect(verdict('whole-peak-memory-1k', one('syn-scan-1k', massif(10 * MiB, { limited: true })))).toBe('does-not-hold');
  });
  it('says why there is no figure: --quick, a failed run, no valgrind', () => {
    expect(judge('whole-peak-memory-10k', prtip({ checks: [], quick: true })).reason).toMatch(/only without --quick/);
    expect(judge('whole-peak-memory-10k', prtip({ checks: [check('syn-scan-10k', null)] })).reason).toMatch(/massif gave no figure for syn-scan-10k: massif prtip x failed/);
    expect(judge('whole-peak-memory-10k', prtip({ warnings: ['valgrind not installed: ...'] })).reason).toMatch(/apt-get install valgrind/);
  });
  it('the IPv6 row shows the ratio to IPv4 beside it', () => {
    const f = judge('whole-massif-ipv6-1k', prtip({ checks: [check('syn-scan-1k', massif(2.746 * MiB)), check('ipv6-scan-1k', massif(2.742 * MiB))] }));
    expect(f.measured).toMatch(/IPv6 ÷ IPv4 at 1,000 ports 1×/);
  });
});

describe('memory family: -sV', () => {
  const GiB = 2 ** 30;
  const sv = (run: ReturnType<typeof massif>, extra: ReturnType<typeof check>[] = []) => prtip({ checks: [check('service-detect-4', run), check('service-detect-4-without-sV', massif(1.7e6)), ...extra] });
  it('1.97 GB: a complete run at 002\'s 1.973 GB holds, 236 MB does not, a run stopped at 236 MB cannot tell and says how long a full run would take', () => {
    expect(verdict('whole-sv-memory-1.97GB', sv(massif(1.973 * GiB, { lastMs: 35_870 })))).toBe('holds');
    expect(verdict('whole-sv-memory-1.97GB', sv(massif(236e6)))).toBe('does-not-hold');
    expect(verdict('whole-sv-memory-1.97GB', sv(massif(3.5 * GiB, { limited: true })))).toBe('does-not-hold');
    expect(verdict('whole-sv-memory-1.97GB', sv(massif(1.973 * GiB * 1.3)))).toBe('cannot-tell');
    // 5 s of massif's clock, growing linearly to 369 MB: 73.8 MB/s, so 2.12 GB after ~28.7 s
    const snapshots = Array.from({ length: 11 }, (_, i) => ({ time: 500 * i, heapBytes: (369e6 * i) / 10, extraHeapBytes: 0 }));
    const f = judge('whole-sv-memory-1.97GB', sv(massif(369e6, { limited: true, extraShare: 0, lastMs: 5000, snapshots })));
    expect(f.verdict).toBe('cannot-tell');
    expect(f.reason).toMatch(/grew 73\.8 MB\/s .* reaches 002's figure \(1\.973 GiB = 2\.12 GB\) after about 28\.7 s/);
    expect(f.decideWith).toMatch(/no time limit.*after about 28\.7 s/);
    expect(verdict('whole-sv-memory-1.97GB', prtip({ checks: [] }))).toBe('cannot-tell');
  });
  it('growthTo: the rate over the second half of the run, from the running maximum', () => {
    const s = [{ time: 0, heapBytes: 0, extraHeapBytes: 0 }, { time: 1000, heapBytes: 100, extraHeapBytes: 0 }, { time: 1500, heapBytes: 50, extraHeapBytes: 0 }, { time: 2000, heapBytes: 200, extraHeapBytes: 0 }];
    expect(growthTo(s, 400)).toEqual({ bytesPerMs: 0.1, reachedAtMs: 4000, lastMs: 2000, lastBytes: 200 });
    expect(growthTo(s.slice(0, 1), 400)).toBeNull();
    expect(growthTo([{ time: 0, heapBytes: 5, extraHeapBytes: 0 }, { time: 10, heapBytes: 5, extraHeapBytes: 0 }], 400)).toBeNull();
  });
  it('12 MB of heap: massif\'s lower bound of 236 MB refutes it; 12 MB holds; RssAnon alone only as [0, U]', () => {
    expect(verdict('whole-sv-heap-12MB', sv(massif(236e6, { limited: true })))).toBe('does-not-hold');
    expect(verdict('whole-sv-heap-12MB', sv(massif(12e6)))).toBe('holds');
    expect(verdict('whole-sv-heap-12MB', sv(massif(16e6)))).toBe('cannot-tell');
    const rss = (u: number) => prtip({ checks: [], untraced: { 'service-detect': { anonPeakBytes: [u * 0.9, u], wallNs: [8e9, 8.2e9] } } });
    expect(verdict('whole-sv-heap-12MB', rss(30e6))).toBe('cannot-tell');
    expect(judge('whole-sv-heap-12MB', rss(30e6)).interval).toBe('[0 kB, 30 MB]');
    expect(verdict('whole-sv-heap-12MB', rss(5e6))).toBe('does-not-hold');
    expect(verdict('whole-sv-heap-12MB', prtip({}))).toBe('cannot-tell');
  });
  it('< 10 MB of overhead: the difference of the two peaks; a stopped run\'s lower bound refutes it', () => {
    expect(verdict('massif-sv-overhead-10MB', sv(massif(1.7e6 + 5 * MiB)))).toBe('holds');
    expect(verdict('massif-sv-overhead-10MB', sv(massif(236e6, { limited: true })))).toBe('does-not-hold');
    expect(verdict('massif-sv-overhead-10MB', sv(massif(1.7e6 + 10 * MiB)))).toBe('cannot-tell');
    expect(verdict('massif-sv-overhead-10MB', sv(massif(5e6, { limited: true })))).toBe('cannot-tell');
    expect(verdict('massif-sv-overhead-10MB', prtip({ checks: [check('service-detect-4', massif(5e6))] }))).toBe('cannot-tell');
  });
  it('131x slower: -sV under massif ÷ untraced -sV', () => {
    const slow = (wallNs: number, limited = false) => prtip({ checks: [check('service-detect-4', massif(1.973 * GiB, { wallNs, limited }))],
      untraced: { 'service-detect': { anonPeakBytes: [], wallNs: [274e6, 274e6] }, 'syn-scan-1k': { anonPeakBytes: [], wallNs: [100e6] } } });
    expect(verdict('sv-131x-slower', slow(35.87e9))).toBe('holds');
    expect(judge('sv-131x-slower', slow(35.87e9)).measured).toMatch(/-sV untraced ÷ the default scan \(syn-scan-1k\) untraced = 2\.74×/);
    expect(verdict('sv-131x-slower', slow(4 * 274e6))).toBe('does-not-hold');
    expect(verdict('sv-131x-slower', slow(5e9, true))).toBe('cannot-tell');
    expect(verdict('sv-131x-slower', slow(131 * 1.3 * 274e6))).toBe('cannot-tell');
    expect(verdict('sv-131x-slower', prtip({ checks: [check('service-detect-4', massif(1e9))] }))).toBe('cannot-tell');
  });
});

describe('memory family: < X claims', () => {
  it('< 1 MB stateless: on massif\'s useful heap; 850 KB holds, 3 MB does not, 1 MiB is at the edge', () => {
    const at = (heap: number) => one('syn-scan-1k', massif(heap * 1.05));
    expect(verdict('whole-heap-stateless-1k', at(850e3))).toBe('holds');
    expect(verdict('whole-heap-stateless-1k', at(3e6))).toBe('does-not-hold');
    expect(verdict('whole-heap-stateless-1k', at(MiB))).toBe('cannot-tell');
    expect(verdict('whole-heap-stateless-1k', prtip({}))).toBe('cannot-tell');
  });
  for (const [id, scenario, mib] of [['whole-connect-100-heap-18MB', 'connect-scan-100', 20], ['whole-65k-heap-4.5MB', 'full-65535', 5]] as const) {
    it(`${id}: massif under ${mib} MB holds, far above does not, at the edge cannot tell; RssAnon confirms only`, () => {
      expect(verdict(id, one(scenario, massif(mib * MiB * 0.9)))).toBe('holds');
      expect(verdict(id, one(scenario, massif(mib * MiB * 4)))).toBe('does-not-hold');
      expect(verdict(id, one(scenario, massif(mib * MiB * 1.05)))).toBe('cannot-tell');
      const rss = (u: number) => prtip({ checks: [], untraced: { [scenario]: { anonPeakBytes: [u], wallNs: [1e8] } } });
      expect(verdict(id, rss(mib * MiB * 0.8))).toBe('holds');
      // an upper bound far above the claim says nothing against "< X"
      expect(verdict(id, rss(mib * MiB * 10))).toBe('cannot-tell');
      expect(verdict(id, prtip({}))).toBe('cannot-tell');
    });
  }
  it('< 5 MB for -O: only when prtip fingerprinted; 4.5 MB holds, 8 MB does not', () => {
    const os = (added: number, out: string) => prtip({ checks: [check('os-detect-1', massif(1.7e6 + added), out), check('os-detect-1-without-O', massif(1.7e6))] });
    const none = judge('massif-os-fingerprint-5MB', os(0.01e6, 'Open Ports:\n  8080 open\n'));
    expect(none.verdict).toBe('cannot-tell');
    expect(none.reason).toMatch(/accepted -O but did no OS fingerprinting/);
    expect(verdict('massif-os-fingerprint-5MB', os(0.01e6, 'OS details: Linux 6.x\n'))).toBe('holds');
    expect(verdict('massif-os-fingerprint-5MB', os(4.5 * MiB, ''))).toBe('holds');
    expect(verdict('massif-os-fingerprint-5MB', os(8 * MiB, ''))).toBe('does-not-hold');
    expect(verdict('massif-os-fingerprint-5MB', os(5.2 * MiB, ''))).toBe('cannot-tell');
    expect(verdict('massif-os-fingerprint-5MB', prtip({ checks: [] }))).toBe('cannot-tell');
  });
});

describe('memory family: leaks, allocator overhead, run times, binary size', () => {
  it('leaks: 0 and 0 hold, any definitely lost byte or > 2 KiB possibly lost does not, 1-2 KiB possibly lost cannot tell', () => {
    const l = (x: Leaks | null) => prtip({ checks: [], leaks: x });
    expect(verdict('leak-check-zero', l({}))).toBe('holds');
    expect(verdict('leak-check-zero', l({ possiblyLost: 304 }))).toBe('holds');
    expect(verdict('leak-check-zero', l({ definitelyLost: 16 }))).toBe('does-not-hold');
    expect(verdict('leak-check-zero', l({ possiblyLost: 5000 }))).toBe('does-not-hold');
    expect(verdict('leak-check-zero', l({ possiblyLost: 1500 }))).toBe('cannot-tell');
    expect(judge('leak-check-zero', l(null)).reason).toMatch(/memcheck gave no leak summary/);
    expect(verdict('leak-check-zero', null)).toBe('cannot-tell');
  });
  it('~5 % extra-heap: on 000\'s stateless 1k scan, 49,000 of 975,000 holds, 20 % does not, 9 % cannot tell', () => {
    const at = (x: number) => prtip({ checks: [check('syn-scan-1k', massif(1e6, { extraShare: x })), check('service-detect-4', massif(1e6, { extraShare: 0.3, limited: true }))] });
    expect(verdict('massif-allocator-overhead-5pct', at(49_000 / 975_000))).toBe('holds');
    expect(judge('massif-allocator-overhead-5pct', at(0.05)).measured).toMatch(/beside it: service-detect-4 30 % \(stopped\)/);
    expect(verdict('massif-allocator-overhead-5pct', at(0.2))).toBe('does-not-hold');
    expect(verdict('massif-allocator-overhead-5pct', at(0.09))).toBe('cannot-tell');
    expect(verdict('massif-allocator-overhead-5pct', prtip({ checks: [check('syn-scan-100', massif(1e6))] }))).toBe('cannot-tell');
  });
  it('massif run times: every scenario at 002\'s figure holds; one far off refutes; load widens instead of refuting; a stopped -sV run leaves it open', () => {
    const times = (f: number, o: { svLimited?: boolean; load?: number } = {}) => prtip({ checks: [
      ...([['syn-scan-100', 505], ['syn-scan-1k', 530], ['syn-scan-10k', 739], ['ipv6-scan-1k', 541]] as const).map(([id, ms]) => check(id, massif(2e6, { lastMs: ms * f * (o.load ?? 1), cpuNs: ms * f * 1e6 }))),
      check('service-detect-4', massif(2e9, { lastMs: o.svLimited ? 5000 : 35_870 * f, cpuNs: (o.svLimited ? 4000 : 35_870 * f) * 1e6, limited: o.svLimited ?? false })),
    ] });
    expect(verdict('massif-run-times', times(1))).toBe('holds');
    expect(verdict('massif-run-times', times(3))).toBe('does-not-hold');
    expect(verdict('massif-run-times', times(1.3))).toBe('cannot-tell');
    // at load 9 the wall time is 4× the CPU time: the interval widens, it does not refute
    expect(verdict('massif-run-times', times(1, { load: 4 }))).toBe('cannot-tell');
    expect(verdict('massif-run-times', times(1, { svLimited: true }))).toBe('cannot-tell');
    expect(verdict('massif-run-times', prtip({ checks: [] }))).toBe('cannot-tell');
  });
  it('idleTimeInterval: CPU time to wall time, ±10 %; a stopped run only from below', () => {
    expect(idleTimeInterval({ cpuNs: 500e6, limited: false }, 2000)).toEqual({ low: 450, high: 2200 });
    expect(idleTimeInterval({ cpuNs: 500e6, limited: true }, 2000)).toEqual({ low: 450, high: Infinity });
    expect(idleTimeInterval({ cpuNs: NaN, limited: false }, 2000)).toBeNull();
  });
  it('binary size: an unstripped 11 MB binary holds, 16.9 MB does not, 12.5 MB cannot tell, a stripped one cannot tell', () => {
    const bin = (bytes: number, debugBytes = 4e6, symbolBytes = 1e6) => prtip({ binary: { path: '/x/prtip', bytes, debugBytes, symbolBytes } });
    expect(verdict('binary-size-8.4-to-11mb', bin(11e6))).toBe('holds');
    expect(judge('binary-size-8.4-to-11mb', bin(11e6)).measured).toMatch(/without them \(what strip removes\) 6 MB/);
    expect(verdict('binary-size-8.4-to-11mb', bin(16.92e6))).toBe('does-not-hold');
    expect(verdict('binary-size-8.4-to-11mb', bin(12.5e6))).toBe('cannot-tell');
    const stripped = judge('binary-size-8.4-to-11mb', bin(11e6, 0, 0));
    expect(stripped.verdict).toBe('cannot-tell');
    expect(stripped.reason).toMatch(/stripped/);
    expect(judge('binary-size-8.4-to-11mb', prtip({ binary: { path: '/x', error: 'not an ELF file' } })).reason).toMatch(/not an ELF file/);
    expect(verdict('binary-size-8.4-to-11mb', prtip({}))).toBe('cannot-tell');
  });
});

describe('memory family: malformed data is "no data", never a throw', () => {
  it('every claim cannot tell on a prtip result with garbage data', () => {
    const junk: unknown[] = [null, 7, 'x', { memory: { checks: 'no' } }, { memory: { checks: [{ id: 'syn-scan-1k', heap: { massif: { peak: 'x' } } }], leaks: { memcheck: {} } }, untraced: { 'syn-scan-1k': { anonPeakBytes: ['a'] } }, binary: { bytes: '1' } }];
    for (const data of junk) {
      const s = suite('prtip', []);
      s.data = data as SuiteResult['data'];
      for (const c of MEMORY_CLAIMS) expect(c.judge(measured([s])).verdict, `${c.id} on ${JSON.stringify(data)}`).toBe('cannot-tell');
    }
  });
  it('a prtip suite that was skipped or failed is named in the reason', () => {
    for (const c of MEMORY_CLAIMS) expect(c.judge(measured([suite('prtip', [], 'skipped')])).reason, c.id).toMatch(/prtip suite was skipped/);
  });
});
