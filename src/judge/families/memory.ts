/**
 * prtip's memory, judged on what the prtip suite measured of the whole binary: valgrind's massif
 * (heap + extra-heap at the peak, as ms_print graphs it) and memcheck (the leak summary), as the
 * documents ran them, each run in a namespace of its own; beside them RssAnon of untraced runs
 * and the binary's size on disk.
 *
 * Intervals, never points:
 *  - a complete massif run gives its peak widened by ±5 % (one run: thread timing moves it);
 *  - a massif run stopped at its time limit gives a lower bound [L, ∞): it can refute a figure
 *    from above, never confirm one;
 *  - RssAnon (resident heap + stacks + anonymous maps, without valgrind) is an upper bound on the
 *    resident heap: [0, U]. It can confirm "< X", never a point figure.
 */
import { median } from '../../core/stats.js';
import type { Claim, Finding } from '../claim.js';
import { type Measurements, suiteMissing } from '../measurements.js';
import { type Band, type Interval, bandText, formatIn, intervalText, judgeInterval } from '../rule.js';
import { VALGRIND_PACKAGE } from '../../measure/runner/valgrind-memory.js';

const SUITE = 'prtip';
const MIB = 2 ** 20;
/** One massif run's peak, ± this: what thread timing moves the peak between two runs of the same command. */
export const MASSIF_RUN_ALLOWANCE = 0.05;
/** One traced run's time, ± this (valgrind serialises threads, so its times move more than its peaks). */
export const TRACED_TIME_ALLOWANCE = 0.10;

// ---- What the judges read: the prtip suite's result data, validated (a bad shape is "no data", never a throw) ----

/** One massif snapshot (time in the file's unit, ms as the suite runs it). */
export interface MassifPoint { time: number; heapBytes: number; extraHeapBytes: number }
/** One massif run as the judges need it. */
export interface MassifRunData { peak: MassifPoint; snapshots: MassifPoint[]; timeUnit: string; wallNs: number; cpuNs: number; limited: boolean }
/** One memory scenario (data.memory.checks[]): its massif run, or why there is none. */
export interface MemoryCheckData { id: string; argv: string[]; limitMs: number; heap: MassifRunData | null; failure: string | null; untracedOutput: string }
/** memcheck's leak summary, in bytes. */
export interface LeakData { definitelyLost: number; indirectlyLost: number; possiblyLost: number; stillReachable: number; errors: number }
/** data.memory: every valgrind figure of one suite run. */
export interface MemoryData { checks: MemoryCheckData[]; leaks: LeakData | null; leaksFailure: string; quick: boolean; budgetMs: number; tracedNs: number }
/** data.untraced[scenario]: per untraced prtip run, its peak RssAnon and wall time. */
export interface UntracedData { anonPeakBytes: number[]; wallNs: number[] }
/** data.binary: the prtip binary's size on disk and what of it is debug data and symbols. */
export interface BinaryData { path: string; bytes: number; debugBytes: number; symbolBytes: number }

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const nums = (x: unknown): number[] | null => (Array.isArray(x) && x.every(isNum) ? (x as number[]) : null);

function pointOf(x: unknown): MassifPoint | null {
  if (!isObj(x) || !isNum(x['heapBytes']) || !isNum(x['extraHeapBytes'])) return null;
  return { time: isNum(x['time']) ? x['time'] : NaN, heapBytes: x['heapBytes'], extraHeapBytes: x['extraHeapBytes'] };
}

function massifRunOf(x: unknown): MassifRunData | null {
  if (!isObj(x) || !isObj(x['massif'])) return null;
  const p = x['massif'];
  const peak = pointOf(p['peak']);
  if (!peak) return null;
  const snapshots = Array.isArray(p['snapshots']) ? p['snapshots'].map(pointOf).filter((s): s is MassifPoint => s !== null) : [];
  return { peak, snapshots, timeUnit: typeof p['timeUnit'] === 'string' ? p['timeUnit'] : '', wallNs: isNum(x['wallNs']) ? x['wallNs'] : NaN,
    cpuNs: isNum(x['cpuNs']) ? x['cpuNs'] : NaN, limited: x['limited'] === true };
}

function checkOf(x: unknown): MemoryCheckData | null {
  if (!isObj(x) || typeof x['id'] !== 'string') return null;
  const heap = isObj(x['heap']) ? x['heap'] : null;
  return {
    id: x['id'], argv: Array.isArray(x['argv']) ? x['argv'].map(String) : [], limitMs: isNum(x['limitMs']) ? x['limitMs'] : NaN,
    heap: massifRunOf(heap), failure: typeof heap?.['failure'] === 'string' ? heap['failure'] : typeof x['note'] === 'string' && x['note'] ? x['note'] : null,
    untracedOutput: typeof x['untracedOutput'] === 'string' ? x['untracedOutput'] : '',
  };
}

function leaksOf(x: unknown): LeakData | null {
  if (!isObj(x) || !isObj(x['memcheck'])) return null;
  const l = x['memcheck'];
  const bytes = (k: string): number => (isObj(l[k]) && isNum((l[k] as Obj)['bytes']) ? ((l[k] as Obj)['bytes'] as number) : NaN);
  const out = { definitelyLost: bytes('definitelyLost'), indirectlyLost: bytes('indirectlyLost'), possiblyLost: bytes('possiblyLost'), stillReachable: bytes('stillReachable'), errors: isNum(l['errors']) ? l['errors'] : NaN };
  return Number.isFinite(out.definitelyLost) && Number.isFinite(out.possiblyLost) ? out : null;
}

/** The prtip suite's data, or why there is none to judge on. */
function dataOf(m: Measurements): { data: Obj; warnings: string[] } | { missing: string } {
  const missing = suiteMissing(m, SUITE);
  if (missing) return { missing };
  const s = m.suites.get(SUITE)!;
  return { data: isObj(s.data) ? s.data : {}, warnings: Array.isArray(s.warnings) ? s.warnings : [] };
}

/** data.memory, or why there are no valgrind figures. */
export function memoryDataOf(m: Measurements): MemoryData | { missing: string } {
  const d = dataOf(m);
  if ('missing' in d) return d;
  const mem = d.data['memory'];
  if (!isObj(mem) || !Array.isArray(mem['checks'])) {
    const noValgrind = d.warnings.some((w) => /valgrind not installed/.test(w));
    return { missing: noValgrind ? `valgrind is not installed: ${VALGRIND_PACKAGE}` : 'the prtip suite made no valgrind runs (prtip missing, or the run was cut short: see its warnings)' };
  }
  const leaks = isObj(mem['leaks']) ? mem['leaks'] : null;
  return {
    checks: mem['checks'].map(checkOf).filter((c): c is MemoryCheckData => c !== null), leaks: leaksOf(leaks),
    leaksFailure: typeof leaks?.['failure'] === 'string' ? leaks['failure'] : typeof mem['leaksNote'] === 'string' && mem['leaksNote'] ? mem['leaksNote'] : 'memcheck did not run',
    quick: mem['quick'] === true, budgetMs: isNum(mem['budgetMs']) ? mem['budgetMs'] : NaN, tracedNs: isNum(mem['tracedNs']) ? mem['tracedNs'] : NaN,
  };
}

/** data.untraced[scenario], or null. */
export function untracedOf(m: Measurements, scenario: string): UntracedData | null {
  const d = dataOf(m);
  if ('missing' in d || !isObj(d.data['untraced'])) return null;
  const u = (d.data['untraced'] as Obj)[scenario];
  if (!isObj(u)) return null;
  const anon = nums(u['anonPeakBytes']), wall = nums(u['wallNs']);
  return anon && wall && (anon.length > 0 || wall.length > 0) ? { anonPeakBytes: anon, wallNs: wall } : null;
}

// ---- Figures from the data ----

/** heap + extra-heap: the quantity ms_print graphs and the documents read off. */
export const totalOf = (p: MassifPoint): number => p.heapBytes + p.extraHeapBytes;

/** A massif figure as an interval: a complete run ± the run allowance, a stopped one [L, ∞). */
export function massifInterval(x: number, limited: boolean): Interval {
  return limited ? { low: x, high: Infinity, point: x } : { low: x * (1 - MASSIF_RUN_ALLOWANCE), high: x * (1 + MASSIF_RUN_ALLOWANCE), point: x };
}

/** A scenario's massif run, or why there is none. */
function massifOf(mem: MemoryData, scenario: string): { check: MemoryCheckData; run: MassifRunData } | { missing: string } {
  const check = mem.checks.find((c) => c.id === scenario);
  if (!check) return { missing: mem.quick ? `${scenario} is traced under massif only without --quick` : `${scenario} was not traced under massif (see the prtip suite's warnings)` };
  if (!check.heap) return { missing: `massif gave no figure for ${scenario}: ${check.failure ?? 'no profile'}` };
  return { check, run: check.heap };
}

const mb = (b: number): string => formatIn(b, 'bytes');
const mibText = (b: number): string => `${(b / MIB).toFixed(3)} MiB`;
const sec = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** A massif run in words: heap + extra-heap at the peak, stopped or not. */
function massifText(scenario: string, run: MassifRunData, limitMs: number): string {
  const p = run.peak;
  return `massif, ${scenario}: heap ${mb(p.heapBytes)} + extra-heap ${mb(p.extraHeapBytes)} = ${mibText(totalOf(p))} (ms_print's "MB") at its peak` +
    (run.limited ? `, a lower bound: the run was stopped at its ${Number.isFinite(limitMs) ? sec(limitMs) : ''} limit` : ', one complete run');
}

/**
 * The growth of a stopped massif run's heap (bytes per ms of massif's clock) over the second half
 * of the run, from the running maximum of heap + extra-heap, and when it would reach `target`.
 */
export function growthTo(snapshots: readonly MassifPoint[], target: number): { bytesPerMs: number; reachedAtMs: number; lastMs: number; lastBytes: number } | null {
  const s = snapshots.filter((x) => Number.isFinite(x.time)).sort((a, b) => a.time - b.time);
  if (s.length < 2) return null;
  let max = 0;
  const envelope = s.map((x) => ({ time: x.time, bytes: (max = Math.max(max, totalOf(x))) }));
  const last = envelope[envelope.length - 1]!;
  const mid = envelope.find((x) => x.time >= last.time / 2) ?? envelope[0]!;
  if (last.time <= mid.time) return null;
  const bytesPerMs = (last.bytes - mid.bytes) / (last.time - mid.time);
  if (!(bytesPerMs > 0)) return null;
  const reachedAtMs = last.bytes >= target ? (envelope.find((x) => x.bytes >= target)?.time ?? last.time) : last.time + (target - last.bytes) / bytesPerMs;
  return { bytesPerMs, reachedAtMs, lastMs: last.time, lastBytes: last.bytes };
}

// ---- Judging ----

/** A finding from an interval and a band. */
function judged(iv: Interval | null, band: Band, measured: string, extra = '', decideWith?: string): Finding {
  const o = judgeInterval(iv, band);
  return {
    verdict: o.verdict, measured, ...(iv ? { interval: intervalText(iv, band.unit) } : {}), band: bandText(band),
    reason: `${o.why}; ${band.reading}${extra}`, ...(o.verdict === 'cannot-tell' && decideWith ? { decideWith } : {}),
  };
}

const noData = (why: string, decideWith?: string): Finding => ({ verdict: 'cannot-tell', measured: why, reason: why, ...(decideWith ? { decideWith } : {}) });

/** "X MB" read both ways (10⁶ and 1024² bytes) and ±`fraction`; margin a further `marginFraction` of it. */
export function mbBand(mbFigure: number, fraction: number, marginFraction: number, reading: string): Band {
  return { low: mbFigure * 1e6 * (1 - fraction), high: mbFigure * MIB * (1 + fraction), margin: mbFigure * 1e6 * marginFraction, unit: 'bytes', reading };
}

/** ms_print's "MB" (1024² bytes) ±25 %, margin 10 %. */
const msPrintBand = (mib: number, as: string): Band => ({
  low: mib * MIB * 0.75, high: mib * MIB * 1.25, margin: mib * MIB * 0.1, unit: 'bytes',
  reading: `ms_print's ${as} (its "MB" are 1024² bytes) within ±25 %: another prtip build, glibc and core count (tokio starts a worker per core: 2 here, 20 on their i9); beyond a further 10 % it does not hold`,
});

const NS_RUN = 'inside a network namespace of your own: ip netns add x; ip netns exec x ...; loopback up';
const BENCH = 'npm run bench -- --suite prtip --prtip PATH, with valgrind installed (apt-get install valgrind)';
const BENCH_FULL = `${BENCH}, without --quick`;

/** 002's massif table: one scenario's peak heap + extra-heap against the documents' figure. */
function massifPeak(scenario: string, band: Band, extra?: (mem: MemoryData) => string, undecided?: (run: MassifRunData, check: MemoryCheckData, mem: MemoryData) => string) {
  return (m: Measurements): Finding => {
    const mem = memoryDataOf(m);
    if ('missing' in mem) return noData(mem.missing);
    const got = massifOf(mem, scenario);
    if ('missing' in got) return noData(got.missing);
    const total = totalOf(got.run.peak);
    const iv = massifInterval(total, got.run.limited);
    const f = judged(iv, band, massifText(scenario, got.run, got.check.limitMs) + (extra?.(mem) ?? ''));
    if (f.verdict === 'cannot-tell' && got.run.limited && undecided) {
      const how = undecided(got.run, got.check, mem);
      return { ...f, reason: `${f.reason}. ${how}`, decideWith: `valgrind --tool=massif --time-unit=ms prtip ${got.check.argv.slice(1).join(' ')} with the harness's HTTP/TLS/banner listeners (${NS_RUN}), no time limit. ${how}` };
    }
    return f;
  };
}

/** For the -sV run stopped at its limit: when, at the heap growth it showed, massif would reach the claim. */
function timeToDecide(band: Band, claimedBytes: number) {
  return (run: MassifRunData, check: MemoryCheckData, mem: MemoryData): string => {
    const budget = Number.isFinite(mem.budgetMs) ? `the suite's ${sec(mem.budgetMs)} budget for all its valgrind runs` : 'the suite\'s valgrind budget';
    const g = run.timeUnit === 'ms' ? growthTo(run.snapshots, claimedBytes) : null;
    if (!g) return `The run was stopped at ${Number.isFinite(check.limitMs) ? sec(check.limitMs) : 'its limit'} (${budget}) and its heap was not growing measurably at the stop, so how long a complete run takes is not known from it`;
    const refuteAt = g.lastMs + (band.high + band.margin - g.lastBytes) / g.bytesPerMs;
    return `The run was stopped at its ${Number.isFinite(check.limitMs) ? sec(check.limitMs) : ''} limit, ${sec(g.lastMs)} of massif's clock (what ${budget} left it); its heap grew ${mb(g.bytesPerMs * 1000)}/s over the second half, so at that rate it reaches 002's figure (${(claimedBytes / 2 ** 30).toFixed(3)} GiB = ${mb(claimedBytes)}) after about ${sec(g.reachedAtMs)}` +
      ` and a lower bound could refute the claim only past ${mb(band.high + band.margin)}, after about ${sec(refuteAt)} (a rate from a short run is mostly start-up: a guide, not a forecast); a complete run (002's took 35.87 s) decides it either way`;
  };
}

/** A "< X" or point claim on heap: massif where it ran, else RssAnon of untraced runs as [0, U]. */
function heapOrRss(massifScenario: string | null, rssScenario: string, rssLabel: string, band: Band, what: 'total' | 'useful') {
  return (m: Measurements): Finding => {
    const d = dataOf(m);
    if ('missing' in d) return noData(d.missing);
    const mem = massifScenario ? memoryDataOf(m) : null;
    const got = mem && !('missing' in mem) ? massifOf(mem, massifScenario!) : null;
    if (got && !('missing' in got)) {
      const x = what === 'total' ? totalOf(got.run.peak) : got.run.peak.heapBytes;
      return judged(massifInterval(x, got.run.limited), band, massifText(massifScenario!, got.run, got.check.limitMs) + (what === 'useful' ? `; judged on the useful heap alone (${mb(x)}), without the allocator's overhead` : ''));
    }
    const whyNoMassif = !massifScenario ? '' : mem && 'missing' in mem ? mem.missing : got && 'missing' in got ? got.missing : '';
    const u = untracedOf(m, rssScenario);
    if (!u || u.anonPeakBytes.length === 0) {
      return noData(`${whyNoMassif ? `${whyNoMassif}; ` : ''}no untraced run of ${rssScenario} recorded RssAnon`, massifScenario ? BENCH_FULL : 'npm run bench -- --suite prtip --prtip PATH, without --quick');
    }
    const upper = Math.max(...u.anonPeakBytes);
    return judged({ low: 0, high: upper }, band,
      `${rssLabel}: peak RssAnon per untraced run ${u.anonPeakBytes.map(mb).join(', ')}; an upper bound on the resident heap, so the interval is [0, ${mb(upper)}]${whyNoMassif ? ` (no massif figure: ${whyNoMassif})` : ''}`,
      '. RssAnon (heap + stacks + anonymous maps) can confirm "below X" and never a point figure', massifScenario ? BENCH_FULL : `valgrind --tool=massif --time-unit=ms prtip (the ${rssScenario} arguments) ${NS_RUN}`);
  };
}

/** 000's feature overheads: the peak with the flag − the peak of the same command without it. */
function overhead(scenario: string, twin: string, flag: string, band: Band, absent?: (c: MemoryCheckData, diff: number) => string | null) {
  return (m: Measurements): Finding => {
    const mem = memoryDataOf(m);
    if ('missing' in mem) return noData(mem.missing);
    const a = massifOf(mem, scenario), b = massifOf(mem, twin);
    if ('missing' in a) return noData(a.missing);
    if ('missing' in b) return noData(b.missing);
    const [x, y] = [massifInterval(totalOf(a.run.peak), a.run.limited), massifInterval(totalOf(b.run.peak), b.run.limited)];
    const iv: Interval = { low: x.low - y.high, high: x.high - y.low, point: x.point! - y.point! };
    const measured = `${flag} adds ${mb(iv.point!)} of peak heap + extra-heap: ${mibText(x.point!)} with it vs ${mibText(y.point!)} for the same ports without it (massif, one run each` +
      `${a.run.limited ? `; the ${flag} run was stopped at its limit, so its peak is a lower bound` : ''})`;
    const notDone = absent?.(a.check, iv.point!);
    if (notDone) return { verdict: 'cannot-tell', measured, reason: notDone, decideWith: `valgrind --tool=massif prtip -O -p 80 127.0.0.1 with a prtip that performs OS detection (${NS_RUN}, a listener on port 80)` };
    return judged(iv, band, measured, '', BENCH_FULL);
  };
}

/** Why the -O run shows no OS fingerprinting, or null when it does (an OS line in its report, or a heap of its own). */
export function osDetectionAbsent(c: MemoryCheckData, heapDiff: number): string | null {
  const osLine = /^\s*(OS|OS details|OS guess|Running|Device type)\b[^:\n]*:/m.test(c.untracedOutput);
  if (osLine || heapDiff >= MIB) return null;
  return `prtip accepted -O but did no OS fingerprinting that shows: its report has no OS line and its heap is ${mb(Math.abs(heapDiff))} ${heapDiff >= 0 ? 'above' : 'below'} the same scan without -O, where a 2,600-signature database would add megabytes; the claim is about work that did not happen here`;
}

const DEFINITELY: Band = { low: 0, high: 0, margin: 0, unit: 'bytes', reading: '"0 definitely lost": memcheck counts unreachable blocks exactly (no sampling), so any definitely lost byte is a leak and refutes it' };
const POSSIBLY: Band = { low: 0, high: 1024, margin: 1024, unit: 'bytes', reading: '"0 possibly lost" (000), "<1KB" (004): up to 1 KiB holds; above 2 KiB it does not (a thread alive at exit leaves ~300 B possibly lost, which timing decides)' };

/** Both parts must hold; either part refuting refutes. */
function both(a: Pick<Finding, 'verdict'>, b: Pick<Finding, 'verdict'>): Finding['verdict'] {
  if (a.verdict === 'does-not-hold' || b.verdict === 'does-not-hold') return 'does-not-hold';
  return a.verdict === 'holds' && b.verdict === 'holds' ? 'holds' : 'cannot-tell';
}

function judgeLeaks(m: Measurements): Finding {
  const mem = memoryDataOf(m);
  if ('missing' in mem) return noData(mem.missing);
  const l = mem.leaks;
  if (!l) return noData(`memcheck gave no leak summary: ${mem.leaksFailure}`, `valgrind --leak-check=full --show-leak-kinds=all prtip -sS -p 1-1000 127.0.0.1 (${NS_RUN})`);
  const d = judgeInterval({ low: l.definitelyLost, high: l.definitelyLost }, DEFINITELY), p = judgeInterval({ low: l.possiblyLost, high: l.possiblyLost }, POSSIBLY);
  const verdict = both(d, p);
  return {
    verdict, measured: `memcheck --leak-check=full, syn-scan-1k: definitely lost ${l.definitelyLost} B, indirectly ${l.indirectlyLost} B, possibly ${l.possiblyLost} B, still reachable ${l.stillReachable} B; ${l.errors} errors`,
    interval: `definitely ${intervalText({ low: l.definitelyLost, high: l.definitelyLost }, 'bytes')}, possibly ${intervalText({ low: l.possiblyLost, high: l.possiblyLost }, 'bytes')}`,
    band: `definitely 0 B, possibly ${bandText(POSSIBLY)}`,
    reason: `definitely lost: ${d.why}; ${DEFINITELY.reading}. Possibly lost: ${p.why}; ${POSSIBLY.reading}. "Still reachable" (held at exit by globals) is not a leak`,
  };
}

/** 000: extra-heap ÷ heap at the peak of its own scenario (the stateless 1k scan), the other runs beside it. */
const OVERHEAD_BAND: Band = { low: 0.025, high: 0.075, margin: 0.025, unit: 'share', reading: '"~5%" read to the nearest 5 points: 2.5-7.5 %; above 10 % it does not hold. Judged on 000\'s own scenario, the stateless 1k scan; one run ±10 % of its ratio. massif\'s extra-heap is its model of the allocator (--heap-admin bytes per block plus rounding), as the document reads it' };

function judgeAllocatorOverhead(m: Measurements): Finding {
  const mem = memoryDataOf(m);
  if ('missing' in mem) return noData(mem.missing);
  const got = massifOf(mem, 'syn-scan-1k');
  if ('missing' in got) return noData(got.missing, BENCH);
  const ratio = (p: MassifPoint): number => p.extraHeapBytes / p.heapBytes;
  if (!(got.run.peak.heapBytes > 0)) return noData('massif recorded no heap at the 1k scan\'s peak', BENCH);
  const r = ratio(got.run.peak);
  const others = mem.checks.filter((c) => c.id !== 'syn-scan-1k' && c.heap && c.heap.peak.heapBytes > 0).map((c) => `${c.id} ${formatIn(ratio(c.heap!.peak), 'share')}${c.heap!.limited ? ' (stopped)' : ''}`);
  return judged({ low: r * 0.9, high: r * 1.1, point: r }, OVERHEAD_BAND,
    `extra-heap ÷ heap at massif's peak, syn-scan-1k: ${formatIn(r, 'share')} (${mb(got.run.peak.extraHeapBytes)} of ${mb(got.run.peak.heapBytes)})${others.length ? `; the other runs, beside it: ${others.join(', ')}` : ''}`, '', BENCH);
}

/** 002's run times under massif: ms_print's x-axis, massif's clock at the last snapshot (wall time). */
export const MASSIF_TIMES: readonly { scenario: string; ms: number }[] = [
  { scenario: 'syn-scan-100', ms: 505 }, { scenario: 'syn-scan-1k', ms: 530 }, { scenario: 'syn-scan-10k', ms: 739 }, { scenario: 'ipv6-scan-1k', ms: 541 }, { scenario: 'service-detect-4', ms: 35_870 },
];
const timeBand = (ms: number): Band => ({ low: ms * 0.75, high: ms * 1.25, margin: ms * 0.25, unit: 'ms', reading: '' });

/**
 * What one traced run says of the time the same run takes on an idle machine: at least its CPU time
 * (valgrind runs one thread at a time, so its wall time is never below its CPU time) and at most its
 * wall time here (other load only adds), each ±10 %; a run stopped at its limit, at least its CPU time.
 */
export function idleTimeInterval(run: Pick<MassifRunData, 'cpuNs' | 'limited'>, wallMs: number): Interval | null {
  const cpuMs = run.cpuNs / 1e6;
  if (!Number.isFinite(cpuMs) || !Number.isFinite(wallMs)) return null;
  const low = Math.min(cpuMs, wallMs) * (1 - TRACED_TIME_ALLOWANCE);
  return run.limited ? { low, high: Infinity } : { low, high: wallMs * (1 + TRACED_TIME_ALLOWANCE) };
}

function judgeMassifTimes(m: Measurements): Finding {
  const mem = memoryDataOf(m);
  if ('missing' in mem) return noData(mem.missing);
  const parts = MASSIF_TIMES.map(({ scenario, ms }) => {
    const got = massifOf(mem, scenario);
    if ('missing' in got) return { verdict: 'cannot-tell' as const, text: `${scenario}: ${got.missing}` };
    const last = Math.max(...got.run.snapshots.map((s) => s.time).filter(Number.isFinite));
    const iv = got.run.timeUnit === 'ms' ? idleTimeInterval(got.run, last) : null;
    if (!iv) return { verdict: 'cannot-tell' as const, text: `${scenario}: no CPU time or massif clock in ms recorded` };
    const o = judgeInterval(iv, timeBand(ms));
    return { verdict: o.verdict, text: `${scenario}: CPU ${formatIn(got.run.cpuNs / 1e6, 'ms')}, massif's clock ${formatIn(last, 'ms')}${got.run.limited ? ' when stopped at its limit' : ''} (002: ${formatIn(ms, 'ms')}), interval ${intervalText(iv, 'ms')}: ${o.verdict}` };
  });
  const verdict = parts.some((p) => p.verdict === 'does-not-hold') ? 'does-not-hold' : parts.every((p) => p.verdict === 'holds') ? 'holds' : 'cannot-tell';
  return {
    verdict, measured: parts.map((p) => p.text).join('; '),
    band: 'each figure ±25 % (margin 25 %)',
    reason: 'every scenario must hold for the claim to hold, and one that does not hold refutes it. 002\'s runtimes are massif\'s clock on an idle machine; one traced run here puts that between its CPU time (valgrind runs one thread at a time) and its wall time (load only adds), ±10 %, so a loaded machine widens the interval instead of moving it. Each figure ±25 %: the same traced work on another CPU; beyond a further 25 % it does not hold',
    ...(verdict === 'cannot-tell' ? { decideWith: `${BENCH_FULL} on an idle machine; the -sV run needs a complete massif run (~35 s), longer than the suite's valgrind budget allows` } : {}),
  };
}

/** "131x slower": -sV under massif ÷ -sV without it (the suite's untraced service-detect runs). */
const SLOWDOWN_BAND: Band = {
  low: 131 * 0.75, high: 131 * 1.25, margin: 13.1, unit: 'ratio',
  reading: '002 names no baseline; its only -sV time is the massif run (35.87 s), and 35.87 s ÷ 131 = 274 ms, an untraced -sV time: read as -sV under massif ÷ -sV without it, ±25 %',
};

function judgeSvSlowdown(m: Measurements): Finding {
  const mem = memoryDataOf(m);
  if ('missing' in mem) return noData(mem.missing);
  const got = massifOf(mem, 'service-detect-4');
  if ('missing' in got) return noData(got.missing, BENCH_FULL);
  const u = untracedOf(m, 'service-detect');
  if (!u || u.wallNs.length === 0 || !Number.isFinite(got.run.wallNs)) return noData('no untraced service-detect run recorded its wall time', BENCH_FULL);
  const w = got.run.wallNs, lo = Math.min(...u.wallNs), hi = Math.max(...u.wallNs);
  const iv: Interval = got.run.limited ? { low: w / hi, high: Infinity } : { low: (w * (1 - TRACED_TIME_ALLOWANCE)) / hi, high: (w * (1 + TRACED_TIME_ALLOWANCE)) / lo };
  const syn = untracedOf(m, 'syn-scan-1k');
  const beside = syn && syn.wallNs.length > 0 ? `; beside it, -sV untraced ÷ the default scan (syn-scan-1k) untraced = ${formatIn(median(u.wallNs) / median(syn.wallNs), 'ratio')}` : '';
  return judged(iv, SLOWDOWN_BAND,
    `-sV (4 ports) under massif ${sec(w / 1e6)}${got.run.limited ? ' when stopped at its limit (a lower bound)' : ''} ÷ untraced -sV (3 listening ports) per run ${u.wallNs.map((x) => sec(x / 1e6)).join(', ')}${beside}`,
    '', `${BENCH_FULL}; the massif run of -sV must complete (~35 s), longer than the suite's valgrind budget allows`);
}


/** "8.4 MB → 11 MB": the binary given, as it is on disk. */
const SIZE_BAND: Band = mbBand(11, 1 / 22, 1 / 11,
  '"11 MB" rounded to the MB, read both ways (10⁶ or 1024² bytes): 10.5 MB … 11.5 MiB; beyond a further 1 MB it does not hold. 002\'s 11 MB is its release profile with strip = false and full debug info');

function judgeBinarySize(m: Measurements): Finding {
  const d = dataOf(m);
  if ('missing' in d) return noData(d.missing);
  const b = d.data['binary'];
  if (!isObj(b) || !isNum(b['bytes']) || !isNum(b['debugBytes']) || !isNum(b['symbolBytes'])) {
    return noData(isObj(b) && typeof b['error'] === 'string' ? `the binary's size could not be read: ${b['error']}` : 'the prtip suite recorded no binary size (prtip not found?)', 'npm run bench -- --suite prtip --prtip PATH');
  }
  const { bytes, debugBytes, symbolBytes } = b as unknown as BinaryData;
  const measured = `${String(b['path'] ?? 'prtip')}: ${mb(bytes)} on disk, of which ${mb(debugBytes)} debug sections and ${mb(symbolBytes)} symbol tables; without them (what strip removes) ${mb(bytes - debugBytes - symbolBytes)}, so keeping them adds ${formatIn(bytes / (bytes - debugBytes - symbolBytes) - 1, 'share')} (002: +30.9 %)`;
  const phase4 = '. The 8.4 MB and the +30.9 % compare with their Phase 4 build, which is not here';
  if (debugBytes === 0 && symbolBytes === 0) {
    return { verdict: 'cannot-tell', measured, band: bandText(SIZE_BAND),
      reason: `the binary given is stripped, while 002's 11 MB is a build that keeps symbols and debug info: a stripped build is smaller, so its size says nothing of that claim${phase4}`,
      decideWith: 'a release build of prtip with its symbols and debug info kept (CARGO_PROFILE_RELEASE_STRIP=false, CARGO_PROFILE_RELEASE_DEBUG=2), given as --prtip' };
  }
  return judged({ low: bytes, high: bytes, point: bytes }, SIZE_BAND, measured,
    `. Judged on the binary as given (it keeps ${debugBytes > 0 ? 'debug info' : 'symbols'}, like 002's): an unstripped build is larger than a stripped one by exactly that data, and another rustc or debug level moves it too${phase4}`);
}

// ---- The claims ----

const MASSIF_TABLE = 'Memory Profiling > Results Summary (massif table)';
const HEAP_TABLE = 'Memory Profiling Results > Heap Allocation Analysis';
const claim = (c: Omit<Claim, 'family' | 'subject' | 'needs'>): Claim => ({ family: 'memory', subject: 'whole-binary', needs: [SUITE], ...c });

const SV_BAND = msPrintBand(1.973 * 1024, '1.973 GB');
const ipv6Parity = (mem: MemoryData): string => {
  const a = mem.checks.find((c) => c.id === 'syn-scan-1k')?.heap, b = mem.checks.find((c) => c.id === 'ipv6-scan-1k')?.heap;
  return a && b && !a.limited && !b.limited ? `; IPv6 ÷ IPv4 at 1,000 ports ${formatIn(totalOf(b.peak) / totalOf(a.peak), 'ratio')} (002: −0.15 %)` : '';
};

export const MEMORY_CLAIMS: readonly Claim[] = [
  claim({
    id: 'whole-massif-100-ports', statement: 'under massif, a 100-port scan peaks at 1.999 MB (heap + extra-heap)', decide: BENCH_FULL,
    quote: { doc: '002', where: MASSIF_TABLE, words: '| **Small (100 ports)** | 1.999 MB | 505 ms | 1.0x | 19.99 KB |' },
    judge: massifPeak('syn-scan-100', msPrintBand(1.999, '1.999 MB')),
  }),
  claim({
    id: 'whole-peak-memory-1k', statement: 'under massif, a 1,000-port scan peaks at 2.746 MB (~2.7 MB)', decide: BENCH,
    quote: { doc: '002', where: MASSIF_TABLE, words: '| **Medium (1K ports)** | 2.746 MB | 530 ms | 1.37x | 2.75 KB |' },
    also: [{ doc: '002', where: 'Production Readiness > Recommended Configurations (1. Default Scan)', words: '- **Memory:** ~2.7 MB' }],
    judge: massifPeak('syn-scan-1k', msPrintBand(2.746, '2.746 MB')),
  }),
  claim({
    id: 'whole-peak-memory-10k', statement: 'under massif, a 10,000-port scan peaks at 12.34 MB', decide: BENCH_FULL,
    quote: { doc: '002', where: MASSIF_TABLE, words: '| **Large (10K ports)** | 12.34 MB | 739 ms | 6.17x | 1.23 KB |' },
    judge: massifPeak('syn-scan-10k', msPrintBand(12.34, '12.34 MB')),
  }),
  claim({
    id: 'whole-massif-ipv6-1k', statement: 'under massif, an IPv6 scan of 1,000 ports peaks at 2.742 MB, at parity with IPv4', decide: BENCH_FULL,
    quote: { doc: '002', where: MASSIF_TABLE, words: '| **IPv6 (1K ports)** | 2.742 MB | 541 ms | 1.37x | 2.74 KB |' },
    also: [{ doc: '002', where: 'Memory Profiling > 5. IPv6 Scan (comparison table)', words: '| Peak Memory | 2.746 MB | 2.742 MB | -0.15% |' }],
    judge: massifPeak('ipv6-scan-1k', msPrintBand(2.742, '2.742 MB'), ipv6Parity),
  }),
  claim({
    id: 'whole-sv-memory-1.97GB', statement: 'with -sV, 4 ports peak at 1.97 GB under massif (493 MB per port)', decide: BENCH_FULL,
    quote: { doc: '002', where: 'Memory Profiling > 4. Service Detection (4 Ports)', words: '**Memory explosion:** 2.7 MB → 1.97 GB for 4 ports with `-sV` flag' },
    also: [
      { doc: '002', where: 'Memory Profiling > 4. Service Detection (4 Ports)', words: '**Per-Port Cost:** 1.973 GB / 4 ports = **493 MB per port** (with service detection)' },
      { doc: '002', where: 'Memory Profiling > Results Summary', words: '| **Service Detect (4 ports)** | 1.973 GB | 35.87 s | **987x** | 493 MB |' },
      { doc: '002', where: 'Production Readiness > Known Limitations > 1. Service Detection Memory Usage', words: '- **Limit:** 493 MB per port (with -sV)' },
      { doc: '002', where: 'Production Readiness > Recommended Configurations (2. Service Detection)', words: '- **Memory:** ~500 MB per port (2 GB for 4 ports)' },
    ],
    judge: massifPeak('service-detect-4', SV_BAND, undefined, timeToDecide(SV_BAND, 1.973 * 1024 * MIB)),
  }),
  claim({
    id: 'whole-sv-heap-12MB', statement: 'service detection peaks at 12 MB of heap (2.8 MB probe database + runtime)', decide: BENCH_FULL,
    quote: { doc: '003', where: HEAP_TABLE, words: '| Service Detection | 12 MB | 2.8MB DB + runtime | ✅ Expected |' },
    judge: heapOrRss('service-detect-4', 'service-detect', 'service-detect (3 listening ports)',
      mbBand(12, 0.25, 0.1, '"12 MB" read both ways (10⁶ or 1024² bytes) ±25 %: another build and glibc; beyond a further 10 % it does not hold. Judged on massif\'s -sV run (4 ports: the same three listeners and a closed one)'), 'total'),
  }),
  claim({
    id: 'whole-heap-stateless-1k', statement: 'a stateless scan of 1,000 ports stays under 1 MB of heap (003: 850 KB)', decide: BENCH,
    quote: { doc: '000', where: '1. Stateless Scan (1K ports)', words: '**Target:** <1MB heap (claim to validate)' },
    also: [
      { doc: '003', where: HEAP_TABLE, words: '| SYN 1K ports | 850 KB | <1 MB | ✅ Within claim |' },
      { doc: '000', where: 'Overview', words: 'Validate memory usage claims (<1MB stateless, <100MB/10K hosts)' },
    ],
    judge: heapOrRss('syn-scan-1k', 'syn-scan-1k', 'syn-scan-1k',
      { low: -Infinity, high: MIB, margin: 0.1 * MIB, unit: 'bytes', reading: '"<1MB" at its most lenient: 1 MiB of useful heap (allocator overhead left out); above 1.1 MiB it does not hold' }, 'useful'),
  }),
  claim({
    id: 'massif-sv-overhead-10MB', statement: 'service detection adds under 10 MB of heap (probe database + regex compilation)', decide: BENCH_FULL,
    quote: { doc: '000', where: '3. Service Detection', words: '**Target:** <10MB overhead (probe database + regex compilation)' },
    judge: overhead('service-detect-4', 'service-detect-4-without-sV', '-sV',
      { low: -Infinity, high: 10 * MIB, margin: MIB, unit: 'bytes', reading: '"<10MB overhead" at its most lenient: at most 10 MiB more peak heap + extra-heap than the same ports without -sV; beyond 11 MiB it does not hold' }),
  }),
  claim({
    id: 'massif-os-fingerprint-5MB', statement: 'OS fingerprinting adds under 5 MB of heap (a ~4.5 MB signature database)', decide: BENCH_FULL,
    quote: { doc: '000', where: '4. OS Fingerprinting', words: '**Target:** <5MB overhead (signature database)\n\n**Expected Allocations:**\n\n- Signature database: ~4.5MB (2,600+ signatures)' },
    judge: overhead('os-detect-1', 'os-detect-1-without-O', '-O',
      { low: -Infinity, high: 5 * MIB, margin: 0.5 * MIB, unit: 'bytes', reading: '"<5MB overhead" at its most lenient: at most 5 MiB more peak heap + extra-heap than the same port without -O; beyond 5.5 MiB it does not hold' }, osDetectionAbsent),
  }),
  claim({
    id: 'leak-check-zero', statement: 'memcheck finds 0 bytes definitely lost and 0 (or < 1 KB) possibly lost', decide: BENCH,
    quote: { doc: '000', where: '5. Memory Leak Check', words: '**Target:** 0 definitely lost, 0 possibly lost (Rust safety guarantee)' },
    also: [{ doc: '004', where: 'Memory Leak Detection > Expected Results', words: '- **Definitely lost:** 0 bytes (no memory leaks)\n- **Possibly lost:** <1KB (from static initializers)' }],
    judge: judgeLeaks,
  }),
  claim({
    id: 'whole-connect-100-heap-18MB', statement: 'a connect scan of 100 ports stays under 20 MB of heap (003 measured 18 MB)', decide: BENCH_FULL,
    quote: { doc: '003', where: HEAP_TABLE, words: '| Connect 100 ports | 18 MB | <20 MB | ✅ Within claim |' },
    judge: heapOrRss('connect-scan-100', 'connect-scan-100', 'connect-scan-100',
      { low: -Infinity, high: 20 * MIB, margin: 2 * MIB, unit: 'bytes', reading: '"<20 MB", the table\'s claim column, at its most lenient (20 MiB) of massif\'s heap + extra-heap; above 22 MiB it does not hold. Its 18 MB is a point figure only massif could confirm' }, 'total'),
  }),
  claim({
    id: 'whole-65k-heap-4.5MB', statement: 'a scan of all 65,535 ports stays under 5 MB of heap (003 measured 4.5 MB)', decide: BENCH_FULL,
    quote: { doc: '003', where: HEAP_TABLE, words: '| All ports (65K) | 4.5 MB | <5 MB | ✅ Streaming works |' },
    judge: heapOrRss('full-65535', 'full-65535', 'full-65535',
      { low: -Infinity, high: 5 * MIB, margin: 0.5 * MIB, unit: 'bytes', reading: '"<5 MB", the table\'s claim column, at its most lenient (5 MiB) of massif\'s heap + extra-heap; above 5.5 MiB it does not hold. Its 4.5 MB is a point figure only massif could confirm' }, 'total'),
  }),
  claim({
    id: 'massif-allocator-overhead-5pct', statement: 'massif\'s extra-heap (allocator overhead) is about 5 % of the heap', decide: BENCH,
    quote: { doc: '000', where: 'Massif Output Interpretation > Key Metrics', words: '**extra-heap(B):** Allocator overhead (~5%)' },
    also: [{ doc: '000', where: 'Massif Output Interpretation > Example Massif Report', words: '1      1,024,000        1,024,000          975,000        49,000            0' }],
    judge: judgeAllocatorOverhead,
  }),
  claim({
    id: 'massif-run-times', statement: 'under massif the scans run 505 ms (100 ports), 530 ms (1K), 739 ms (10K), 541 ms (IPv6 1K) and 35.87 s (-sV, 4 ports)', decide: BENCH_FULL,
    quote: { doc: '002', where: 'Memory Profiling > Detailed Analysis > 4. Service Detection', words: '**Runtime:** 35.87 seconds (67x vs medium)' },
    also: [
      { doc: '002', where: 'Memory Profiling > Detailed Analysis > 1. Small-Scale', words: '**Runtime:** 505 ms' },
      { doc: '002', where: 'Memory Profiling > Detailed Analysis > 2. Medium-Scale', words: '**Runtime:** 530 ms (+5% vs small)' },
      { doc: '002', where: 'Memory Profiling > Detailed Analysis > 3. Large-Scale', words: '**Runtime:** 739 ms (+39% vs medium)' },
      { doc: '002', where: 'Memory Profiling > Detailed Analysis > 5. IPv6 Scan', words: '| Runtime | 530 ms | 541 ms | +2.1% |' },
    ],
    judge: judgeMassifTimes,
  }),
  claim({
    id: 'sv-131x-slower', statement: 'service detection (-sV on 4 ports) runs 131× slower', decide: BENCH_FULL,
    quote: { doc: '002', where: 'Production Readiness > Recommended Configurations (2. Service Detection)', words: '- **Performance:** 131x slower (expected for deep inspection)' },
    judge: judgeSvSlowdown,
  }),
  claim({
    id: 'binary-size-8.4-to-11mb', statement: 'keeping debug symbols grew the release binary 30.9 %, from 8.4 MB to 11 MB', decide: 'npm run bench -- --suite prtip --prtip PATH',
    quote: { doc: '002', where: 'Phase 4→5 Regression > 2. Debug Symbols', words: '**Change:** Binary size increased 30.9% (8.4 MB → 11 MB)' },
    also: [
      { doc: '002', where: 'Phase 4→5 Regression > Contributing Factors', words: '| Debug Symbols | +5ms (1.7%) | Binary size +30.9% (8.4→11 MB) |' },
      { doc: '002', where: 'Production Readiness > Known Limitations > 3. Debug Symbols', words: '- **Impact:** +30.9% binary size, +1.7% performance overhead' },
    ],
    judge: judgeBinarySize,
  }),
];
