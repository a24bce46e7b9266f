/**
 * The syscalls family on synthetic prtip-suite data: the documents' own figures (strace -c of the
 * main thread, as they ran it; all threads for 003's projections) hold, far ones do not, edges and
 * missing data cannot tell.
 */
import { describe, expect, it } from 'vitest';
import { SYSCALL_CLAIMS } from '../src/judge/families/syscalls.js';
import type { StraceCheckData, StraceRunData, WholeRun } from '../src/judge/families/prtip-runs.js';
import type { SuiteResult } from '../src/model/result.js';
import { measured, suite } from './judge-fixtures.js';

/** One strace -c run: per syscall [calls, seconds]; "% time" computed as strace prints it. */
export function straceRun(threads: 'main' | 'all', wallMs: number, rows: Record<string, [number, number]>): StraceRunData {
  const seconds = Object.values(rows).reduce((a, [, s]) => a + s, 0);
  const calls = Object.values(rows).reduce((a, [c]) => a + c, 0);
  return {
    threads, mode: 'system-time', wallNs: wallMs * 1e6,
    summary: {
      rows: Object.entries(rows).map(([syscall, [c, s]]) => ({ syscall, calls: c, seconds: s, percentTime: seconds > 0 ? (100 * s) / seconds : 0, errors: 0 })),
      total: { calls, seconds, errors: 0 },
    },
  };
}
/** `n` runs that agree within ±1 % (every count scaled alike, rounded). */
const jittered = (n: number, rows: Record<string, [number, number]>, wallMs: number, threads: 'main' | 'all' = 'main'): StraceRunData[] =>
  Array.from({ length: n }, (_, k) => {
    const f = 1 + 0.01 * (k - 1);
    return straceRun(threads, wallMs * f, Object.fromEntries(Object.entries(rows).map(([s, [c, t]]) => [s, [Math.round(c * (s === 'futex' ? f : 1)), t * f]])));
  });
/** A main-thread table with `total` calls and `seconds` in all: the named rows, the rest as "read" (and "other" time). */
const table = (total: number, rows: Record<string, [number, number]>, seconds = 0): Record<string, [number, number]> => {
  const named = Object.values(rows).reduce((a, [c]) => a + c, 0), time = Object.values(rows).reduce((a, [, t]) => a + t, 0);
  return { ...rows, read: [Math.max(0, total - named), Math.max(0, seconds - time)] };
};

/** 002's own strace -c tables (main thread), scenario by scenario. */
const DOC_MAIN: Record<string, Record<string, [number, number]>> = {
  // Its "Network I/O" column says 10 (sendto 4 + recvfrom 6); its detail adds 4 connect, which the column leaves out.
  'syn-scan-1k': table(698, { futex: [209, 0.009437], write: [46, 0.00071], clone3: [20, 0.000375], mmap: [61, 0.000226], recvfrom: [6, 0.000016], sendto: [4, 0.000011], epoll_ctl: [30, 0.00002], epoll_pwait2: [16, 0.00002], brk: [19, 0.00001] }, 0.009437 / 0.7962),
  'service-detect': table(4195, { brk: [3429, 0.002206], futex: [76, 0.001454], connect: [37, 0.000314], socket: [22, 0.000142], sendto: [14, 0.000075], recvfrom: [18, 0.000049], epoll_ctl: [40, 0.0003], epoll_pwait2: [16, 0.0003] }, 0.002206 / 0.4216),
  'ipv6-scan-1k': table(659, { futex: [171, 0.005306], mmap: [61, 0.000173], recvfrom: [5, 0.000012], sendto: [4, 0.000009], epoll_ctl: [30, 0.0006], epoll_pwait2: [16, 0.0005] }, 0.005306 / 0.81),
  'syn-scan-10k': table(918, { futex: [388, 0.086612], brk: [80, 0.009887], socket: [4, 0.000013], sendto: [4, 0.000012], recvfrom: [4, 0.00001], epoll_ctl: [50, 0.0012], epoll_pwait2: [16, 0.0003] }, 0.086612 / 0.8835),
  'rate-limit-50k': table(704, { futex: [213, 0.008084], brk: [19, 0.000265], recvfrom: [5, 0.000012], sendto: [4, 0.000012], mmap: [61, 0.0001], epoll_ctl: [24, 0.001], epoll_pwait2: [16, 0.0005] }, 0.008084 / 0.7726),
  'strace-example': table(3856, { sendto: [1523, 0.018234], recvfrom: [1523, 0.012956], poll: [150, 0.003391], socket: [138, 0.002087] }, 0.040312),
};
/** 003's projected pattern for a raw SYN scan, all threads. */
const SYN_ALL: Record<string, [number, number]> = { sendmmsg: [9, 0.001], recvmmsg: [7, 0.001], socket: [2, 0.0001], write: [8, 0.0001], futex: [300, 0.01] };
/** What prtip v0.5.9's -sS does on all threads: its connect scanner, one socket and connect() per port. */
const CONNECT_ALL: Record<string, [number, number]> = { connect: [1004, 0.03], socket: [1004, 0.02], epoll_ctl: [2002, 0.02], write: [140, 0.001], futex: [1556, 0.1] };

interface Setup {
  main?: Record<string, Record<string, [number, number]>>;
  all?: Record<string, Record<string, [number, number]>>;
  runs?: number;
  /** Untraced wall per run of syn-scan-1k, ms; traced main-thread wall is `tracedMs`. */
  untracedMs?: number[];
  tracedMs?: number;
  tracepoints?: Record<string, Partial<Record<string, number>>>;
  strace?: string | null;
}

function prtipSuite(o: Setup = {}): SuiteResult {
  const runs = o.runs ?? 3;
  const scenarios = new Set([...Object.keys(o.main ?? DOC_MAIN), ...Object.keys(o.all ?? {})]);
  const checks: StraceCheckData[] = [...scenarios].map((s) => ({
    scenario: s, note: '',
    main: (o.main ?? DOC_MAIN)[s] ? jittered(runs, (o.main ?? DOC_MAIN)[s]!, s === 'syn-scan-1k' ? (o.tracedMs ?? 1000) : 500) : [],
    all: o.all?.[s] ? jittered(runs, o.all[s]!, 600, 'all') : [],
  }));
  const tp = o.tracepoints ?? { 'syn-scan-1k': { total: 7300, futex: 800, sendmmsg: 9, connect: 0, sendto: 0, recvfrom: 2, recvmmsg: 7, mmap: 36, brk: 20 } };
  const wholeRuns: Record<string, WholeRun[]> = {};
  for (const [s, counts] of Object.entries(tp)) {
    const walls = s === 'syn-scan-1k' ? (o.untracedMs ?? [100, 102, 98]) : [100, 101, 99];
    wholeRuns[`prtip/${s}`] = walls.map((w) => ({ wallNs: w * 1e6, userNs: 1e7, sysNs: 4e7, syscalls: { ...counts } as Record<string, number | null> }));
  }
  return { ...suite('prtip', []), data: { wholeRuns, strace: { binary: o.strace === undefined ? '/usr/bin/strace' : o.strace, checks }, comparisons: [] } };
}
const judge = (id: string, s: SuiteResult | null) => {
  const c = SYSCALL_CLAIMS.find((x) => x.id === id);
  if (!c) throw new Error(`no claim ${id}`);
  return c.judge(measured(s ? [s] : []));
};
/** Scales one syscall's calls (or time) in every scenario of the documents' tables. */
const scaled = (syscall: string, f: number, what: 0 | 1 = 0): Record<string, Record<string, [number, number]>> =>
  Object.fromEntries(Object.entries(DOC_MAIN).map(([s, rows]) => [s, Object.fromEntries(Object.entries(rows).map(([k, v]) => [k, k === syscall ? (what === 0 ? [Math.round(v[0] * f), v[1]] : [v[0], v[1] * f]) : v])) as Record<string, [number, number]>]));

describe('syscalls family: the documents\' strace -c (main thread)', () => {
  it('holds on the documents\' own tables', () => {
    const s = prtipSuite();
    for (const id of ['whole-futex-time', 'whole-network-syscall-share', 'whole-syscall-counts', 'futex-calls-per-scenario', 'futex-45us-per-call', 'mmap-61-78-calls', 'epoll-call-counts', 'whole-sv-brk-3429', 'strace-example-syscall-counts']) {
      expect(judge(id, s).verdict, `${id}: ${judge(id, s).reason}`).toBe('holds');
    }
  });
  it('the IPv6 parity holds on 659 vs 698, not at parity of counts, cannot tell at its edge', () => {
    expect(judge('whole-ipv6-syscall-parity', prtipSuite()).verdict).toBe('holds');
    const more = { ...DOC_MAIN, 'ipv6-scan-1k': table(740, { futex: [171, 0.005], mmap: [61, 0.0002] }) };
    expect(judge('whole-ipv6-syscall-parity', prtipSuite({ main: more })).verdict).toBe('does-not-hold');
    // IPv6 1 % below IPv4 (each side ±1 % between runs): reaches the band's upper edge
    const edge = { ...DOC_MAIN, 'ipv6-scan-1k': table(691, { futex: [171, 0.005], mmap: [61, 0.0002] }) };
    expect(judge('whole-ipv6-syscall-parity', prtipSuite({ main: edge })).verdict).toBe('cannot-tell');
  });
  it('does not hold far from the documents\' figures', () => {
    expect(judge('whole-futex-time', prtipSuite({ main: scaled('futex', 0.05, 1) })).verdict).toBe('does-not-hold');
    expect(judge('whole-network-syscall-share', prtipSuite({ main: scaled('sendto', 20) })).verdict).toBe('does-not-hold');
    expect(judge('whole-syscall-counts', prtipSuite({ main: scaled('read', 10) })).verdict).toBe('does-not-hold');
    expect(judge('futex-calls-per-scenario', prtipSuite({ main: scaled('futex', 3) })).verdict).toBe('does-not-hold');
    expect(judge('futex-45us-per-call', prtipSuite({ main: scaled('futex', 4, 1) })).verdict).toBe('does-not-hold');
    expect(judge('mmap-61-78-calls', prtipSuite({ main: scaled('mmap', 0.5) })).verdict).toBe('does-not-hold');
    expect(judge('epoll-call-counts', prtipSuite({ main: scaled('epoll_ctl', 0.05) })).verdict).toBe('does-not-hold');
    expect(judge('whole-sv-brk-3429', prtipSuite({ main: scaled('brk', 0.01) })).verdict).toBe('does-not-hold');
    // what prtip v0.5.9's main thread does for 004's command: no sendto, a few sockets
    expect(judge('strace-example-syscall-counts', prtipSuite({ main: { ...DOC_MAIN, 'strace-example': table(238, { socket: [4, 0.0001], poll: [1, 0.0001] }) } })).verdict).toBe('does-not-hold');
  });
  it('cannot tell at the band\'s edge', () => {
    // futex % time near 88 %: within the margin above the band
    const edgeFutex = Object.fromEntries(Object.entries(DOC_MAIN).map(([s, rows]) => [s, { ...rows, futex: [rows['futex']?.[0] ?? 0, 0.9] as [number, number], rest: [1, 0.1] as [number, number] }]));
    expect(judge('whole-futex-time', prtipSuite({ main: edgeFutex })).verdict, 'whole-futex-time').toBe('cannot-tell');
    // counts 35 % above: beyond ±30 %, inside ±45 %
    const more = (fraction: number) => Object.fromEntries(Object.entries(DOC_MAIN).map(([k, rows]) => {
      const total = Object.values(rows).reduce((a, [c]) => a + c, 0);
      return [k, { ...rows, read: [rows['read']![0] + Math.round(fraction * total), rows['read']![1]] as [number, number] }];
    }));
    expect(judge('whole-syscall-counts', prtipSuite({ main: more(0.37) })).verdict, 'whole-syscall-counts').toBe('cannot-tell');
    expect(judge('mmap-61-78-calls', prtipSuite({ main: scaled('mmap', 0.92) })).verdict, 'mmap-61-78-calls').toBe('cannot-tell');
    expect(judge('futex-45us-per-call', prtipSuite({ main: scaled('futex', 1.3, 1) })).verdict, 'futex-45us-per-call').toBe('cannot-tell');
    expect(judge('whole-sv-brk-3429', prtipSuite({ main: scaled('brk', 1.35) })).verdict, 'whole-sv-brk-3429').toBe('cannot-tell');
    expect(judge('futex-calls-per-scenario', prtipSuite({ main: scaled('futex', 1.35) })).verdict, 'futex-calls-per-scenario').toBe('cannot-tell');
    expect(judge('epoll-call-counts', prtipSuite({ main: scaled('epoll_ctl', 0.9) })).verdict, 'epoll-call-counts').toBe('cannot-tell');
    expect(judge('strace-example-syscall-counts', prtipSuite({ main: scaled('sendto', 1.35) })).verdict, 'strace-example-syscall-counts').toBe('cannot-tell');
    // 0.8 % network share: 0.1 point under the band, inside its margin
    const low = Object.fromEntries(Object.entries(DOC_MAIN).map(([s, rows]) => [s, { ...rows, read: [(rows['read']?.[0] ?? 0) + Math.round(0.6 * (s === 'service-detect' ? 4195 : 700)), 0] as [number, number] }]));
    expect(judge('whole-network-syscall-share', prtipSuite({ main: low })).verdict, 'whole-network-syscall-share').toBe('cannot-tell');
  });
  it('judges 002\'s scenarios only: a connect scan\'s share never enters the network share', () => {
    const withConnect = { ...DOC_MAIN, 'connect-scan-1k': table(1000, { connect: [500, 0.01] }) };
    expect(judge('whole-network-syscall-share', prtipSuite({ main: withConnect })).verdict).toBe('holds');
  });
  it('cannot tell without the suite, without strace, with one traced run, or with a malformed record', () => {
    for (const c of SYSCALL_CLAIMS) {
      expect(c.judge(measured([])).verdict, c.id).toBe('cannot-tell');
      expect(c.judge(measured([prtipSuite({ strace: null, main: {}, tracepoints: {} })])).verdict, c.id).toBe('cannot-tell');
    }
    expect(judge('whole-syscall-counts', prtipSuite({ runs: 1 })).reason).toMatch(/at least 2/);
    const broken = { ...prtipSuite(), data: { strace: { binary: 's', checks: [{ scenario: 'syn-scan-1k', main: [{ wallNs: 'x' }], all: [], note: '' }] } } };
    expect(judge('whole-syscall-counts', broken as SuiteResult).verdict).toBe('cannot-tell');
    expect(judge('whole-syscall-counts', { ...prtipSuite(), data: undefined } as SuiteResult).measured).toMatch(/recorded no data/);
  });
});

describe('syscalls family: 003\'s projections, on all threads', () => {
  it('8-10 sendmmsg and no connect(): holds for a raw SYN scanner, not for prtip v0.5.9\'s connect scanner', () => {
    expect(judge('whole-syn-sendmmsg-calls', prtipSuite()).verdict).toBe('holds');
    const v059 = prtipSuite({ tracepoints: { 'syn-scan-1k': { total: 7300, futex: 800, sendmmsg: 0, connect: 1004 } } });
    const f = judge('whole-syn-sendmmsg-calls', v059);
    expect(f.verdict).toBe('does-not-hold');
    expect(f.measured).toMatch(/execute_scan_ports/);
    expect(judge('whole-syn-sendmmsg-calls', prtipSuite({ tracepoints: { 'syn-scan-1k': { total: 7300, sendmmsg: 11, connect: 0 } } })).verdict).toBe('cannot-tell');
    expect(judge('whole-syn-sendmmsg-calls', prtipSuite({ tracepoints: { 'syn-scan-1k': { total: null as unknown as number, sendmmsg: null as unknown as number, connect: null as unknown as number } } })).verdict).toBe('cannot-tell');
  });
  it('recvmmsg 6-8, socket 1-2, write 5-10', () => {
    expect(judge('syn-1k-expected-syscalls', prtipSuite({ all: { 'syn-scan-1k': SYN_ALL } })).verdict).toBe('holds');
    expect(judge('syn-1k-expected-syscalls', prtipSuite({ all: { 'syn-scan-1k': CONNECT_ALL } })).verdict).toBe('does-not-hold');
    expect(judge('syn-1k-expected-syscalls', prtipSuite({ all: { 'syn-scan-1k': { ...SYN_ALL, write: [11, 0.0001] } } })).verdict).toBe('cannot-tell');
    expect(judge('syn-1k-expected-syscalls', prtipSuite()).verdict).toBe('cannot-tell');
  });
});

describe('syscalls family: strace\'s slowdown', () => {
  it('holds at 10× over several traced runs, not at 1.5×, cannot tell at 4.5× or from one traced run', () => {
    expect(judge('strace-slowdown-5-20x', prtipSuite({ tracedMs: 1000 })).verdict).toBe('holds');
    expect(judge('strace-slowdown-5-20x', prtipSuite({ tracedMs: 150 })).verdict).toBe('does-not-hold');
    expect(judge('strace-slowdown-5-20x', prtipSuite({ tracedMs: 450 })).verdict).toBe('cannot-tell');
    const one = judge('strace-slowdown-5-20x', prtipSuite({ tracedMs: 1000, runs: 1 }));
    expect(one.verdict).toBe('cannot-tell');
    expect(one.reason).toMatch(/at least 2/);
    expect(judge('strace-slowdown-5-20x', prtipSuite({ tracedMs: 1000, untracedMs: [100] })).verdict).toBe('cannot-tell');
  });
});
