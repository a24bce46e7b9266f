/**
 * prtip's syscalls, judged on the prtip suite's runs. The documents ran `strace -c` without -f
 * (002: `strace -c -o output.strace-summary.txt ./target/release/prtip -sS -p 1-1000 127.0.0.1`;
 * 004: `strace -c ./target/release/prtip -sS -p 80,443 127.0.0.1`), which traces the main thread
 * only: tokio's worker threads go unseen. Their figures are judged on that method, reproduced as
 * they ran it; the all-threads figures (strace -f, and tracepoints, which count every thread
 * without slowing the program) stand beside them. 003's expected patterns are projections of
 * what the scan does, so they are judged on all threads.
 *
 * Each traced or untraced run is a separate process: the interval is the span of the runs.
 *
 * prtip v0.5.9's CLI never sends raw SYNs: for every scan type, -sS included, its scheduler's
 * execute_scan_ports runs the TCP connect scanner, so prtip's "syn-scan" scenarios are connect scans.
 */
import type { Claim, Finding } from '../claim.js';
import type { Measurements } from '../measurements.js';
import type { Band } from '../rule.js';
import { around, unlessSuiteMissing, callsOf, findingOf, ratioPart, straceRuns, SUITE, timeShareOf, wholeRuns } from './prtip-runs.js';

const RUN = 'npm run bench -- --suite prtip --prtip PATH, with strace installed (apt-get install strace)';
const FULL = `${RUN}, without --quick (it traces ipv6-scan-1k, syn-scan-10k, rate-limit-50k and service-detect too)`;
const V059 = 'prtip v0.5.9 runs its TCP connect scanner for -sS (its scheduler\'s execute_scan_ports): one connect() per port on its worker threads, no raw SYNs';
/** The network syscalls of 002's "Network I/O" column. */
const NETWORK = ['sendto', 'sendmmsg', 'recvfrom', 'recvmmsg', 'connect'] as const;

/** A count from another machine: ±30 % agrees, the whole span beyond ±45 % disagrees. */
const count = (n: number, what: string): Band => around(n, 0.3, 0.15, 'count',
  `${what} on an i9-10850K (20 threads; another kernel, glibc and tokio here): within ±30 % agrees, the whole span beyond ±45 % disagrees`);

type Values = number[] | string;
const mainRuns = (m: Measurements, s: string) => straceRuns(m, s, 'main');
const allRuns = (m: Measurements, s: string) => straceRuns(m, s, 'all');
/** Per main-thread strace run of `scenario`, `f` of it. */
const perMain = (m: Measurements, scenario: string, f: (r: Exclude<ReturnType<typeof mainRuns>, string>[number]) => number): Values => {
  const runs = mainRuns(m, scenario);
  return typeof runs === 'string' ? runs : runs.map(f);
};
const perAll = (m: Measurements, scenario: string, f: (r: Exclude<ReturnType<typeof allRuns>, string>[number]) => number): Values => {
  const runs = allRuns(m, scenario);
  return typeof runs === 'string' ? runs : runs.map(f);
};
/** Per tracepoint run (all threads, no strace) of `scenario`, the count of `kind`. */
const perTracepoint = (m: Measurements, scenario: string, kind: string): Values => {
  const runs = wholeRuns(m, scenario);
  if (typeof runs === 'string') return runs;
  const xs = runs.map((r) => r.syscalls[kind]);
  return xs.every((x): x is number => typeof x === 'number') ? xs : `${kind} was not counted (tracefs unmounted or perf_event_paranoid)`;
};
/** Values pooled over scenarios (each value one run); a scenario without runs is left out, named in `missing`. */
function pooled(per: (s: string) => Values, scenarios: readonly string[]): { values: Values; missing: string[] } {
  const values: number[] = [], missing: string[] = [];
  for (const s of scenarios) {
    const v = per(s);
    if (typeof v === 'string') missing.push(`${s} (${v})`);
    else values.push(...v);
  }
  return { values: values.length > 0 ? values : missing.join('; ') || 'nothing traced', missing };
}
/** Per-run values in words: each one when few, else their span and median. */
function shown(v: Values, f: (x: number) => string): string {
  if (typeof v === 'string') return v;
  if (v.length <= 6) return v.map(f).join(', ');
  const s = [...v].sort((a, b) => a - b);
  return `${f(s[0]!)} … ${f(s[s.length - 1]!)} (median ${f(s[s.length >> 1]!)}, ${s.length} runs)`;
}
const list = (v: Values, digits = 0): string => shown(v, (x) => x.toFixed(digits));
const pctList = (v: Values): string => shown(v, (x) => `${(100 * x).toFixed(1)} %`);
const networkCalls = (r: Parameters<typeof callsOf>[0]): number => NETWORK.reduce((a, k) => a + callsOf(r, k), 0);

/** 002's five strace scenarios, traced as it ran them (ipv6-scan-1k is traced only: the timed IPv6 scenario scans 500 ports). */
const DOC_SCENARIOS = ['syn-scan-1k', 'service-detect', 'ipv6-scan-1k', 'syn-scan-10k', 'rate-limit-50k'] as const;
/** The same scenarios among the untimed-by-strace tracepoint runs (all threads). */
const TRACEPOINT_SCENARIOS = ['syn-scan-1k', 'service-detect', 'ipv6-scan-500', 'syn-scan-10k', 'rate-limit-50k'] as const;
/** The scenarios whose futex "% time" 002 gives as 77-88 % (service detection's is 27.79 %). */
const FUTEX_SCENARIOS = ['syn-scan-1k', 'ipv6-scan-1k', 'syn-scan-10k', 'rate-limit-50k'] as const;

function syscallClaim(c: Omit<Claim, 'family' | 'subject' | 'needs' | 'decide'> & { decide?: string }): Claim {
  const decide = c.decide ?? RUN;
  return { family: 'syscalls', subject: 'whole-binary', needs: [SUITE], ...c, decide, judge: unlessSuiteMissing(c.judge, decide) };
}

const IO = (where: string) => ({ doc: '002' as const, where: `I/O Analysis > ${where}` });

function futexTime(m: Measurements): Finding {
  const main = pooled((s) => perMain(m, s, (r) => timeShareOf(r, 'futex')), FUTEX_SCENARIOS);
  const all = pooled((s) => perAll(m, s, (r) => timeShareOf(r, 'futex')), FUTEX_SCENARIOS);
  const tp = perTracepoint(m, 'syn-scan-1k', 'futex'), tpTotal = perTracepoint(m, 'syn-scan-1k', 'total');
  const byCount = typeof tp === 'string' || typeof tpTotal === 'string' ? tp : pctList(tp.map((x, i) => x / tpTotal[i]!));
  return findingOf([{ what: `futex's "% time" under strace -c (main thread, the documents' method), per run of ${FUTEX_SCENARIOS.filter((s) => !main.missing.some((x) => x.startsWith(s))).join(', ')}`,
    values: main.values, band: { low: 0.765, high: 0.885, margin: 0.05, unit: 'share',
      reading: '"77-88% time" read to its rounding (76.5-88.5 %: 002\'s 10K run gives 88.35 %) over 002\'s SYN, IPv6, 10K and rate-limit runs (strace -c\'s share of time inside syscalls, not of run time): 5 points beyond it, for another machine and strace version, does not hold' } }],
  `strace -f -c (all threads): ${pctList(all.values)}; futex's share of syscalls by count from tracepoints (all threads, no strace), syn-scan-1k: ${byCount}` +
    (main.missing.length > 0 ? `; not traced: ${main.missing.join('; ')}` : ''), FULL);
}

function networkShare(m: Measurements): Finding {
  const main = pooled((s) => perMain(m, s, (r) => networkCalls(r) / r.summary.total.calls), DOC_SCENARIOS);
  const tp = pooled((s) => {
    const total = perTracepoint(m, s, 'total');
    const net = NETWORK.map((k) => perTracepoint(m, s, k));
    if (typeof total === 'string') return total;
    const bad = net.find((x) => typeof x === 'string');
    if (bad !== undefined) return bad as string;
    return total.map((t, i) => (net as number[][]).reduce((a, x) => a + x[i]!, 0) / t);
  }, TRACEPOINT_SCENARIOS);
  return findingOf([{ what: `network syscalls (${NETWORK.join('+')}) over all syscalls under strace -c (main thread, the documents' method), per run of 002's scenarios`,
    values: main.values, band: { low: 0.0085, high: 0.0165, margin: 0.004, unit: 'share',
      reading: '"0.9-1.6%" read to its rounding (0.85-1.65 %) over 002\'s five strace runs (SYN 1K, -sV, IPv6, 10K, rate limit; connect scans were never measured): 0.4 points beyond either end does not hold. connect() counts as network, as in 002\'s -sV row (69 = 37 connect + 14 sendto + 18 recvfrom); its SYN 1K row (10) leaves out the 4 connect its detail lists' } }],
  `the same share over all threads (tracepoints, no strace) on those scenarios: ${pctList(tp.values)}; ${V059}` + (main.missing.length > 0 ? `; not traced: ${main.missing.join('; ')}` : ''), FULL);
}

function syscallCounts(m: Measurements): Finding {
  const total = (s: string) => perMain(m, s, (r) => r.summary.total.calls);
  return findingOf([
    { what: 'syn-scan-1k syscalls', values: total('syn-scan-1k'), band: count(698, '"698"') },
    { what: 'syn-scan-1k futex calls', values: perMain(m, 'syn-scan-1k', (r) => callsOf(r, 'futex')), band: count(209, '"209 (29.9%)" futex') },
    { what: 'rate-limit-50k syscalls', values: total('rate-limit-50k'), band: count(704, '"704"') },
    { what: 'syn-scan-10k syscalls', values: total('syn-scan-10k'), band: count(918, '"918"') },
  ], `counts are strace -c's (main thread, the documents' method), per run; all threads (tracepoints, no strace): syn-scan-1k ${list(perTracepoint(m, 'syn-scan-1k', 'total'))} syscalls (${list(perTracepoint(m, 'syn-scan-1k', 'futex'))} futex), rate-limit-50k ${list(perTracepoint(m, 'rate-limit-50k', 'total'))}, syn-scan-10k ${list(perTracepoint(m, 'syn-scan-10k', 'total'))}`, FULL);
}

export const SYSCALL_CLAIMS: readonly Claim[] = [
  syscallClaim({
    id: 'whole-futex-time', statement: 'futex is 77-88% of time',
    quote: { doc: '002', where: 'Executive Summary > Performance Characteristics', words: '**CPU Efficiency:** Futex-dominated execution (77-88% time)' },
    also: [{ doc: '002', where: 'CPU Profiling > Key Insights 1', words: '**Observation:** 77-88% of CPU time spent in futex syscalls' }],
    decide: FULL, judge: futexTime,
  }),
  syscallClaim({
    id: 'whole-network-syscall-share', statement: 'network syscalls are 0.9-1.6% of all syscalls',
    quote: { doc: '002', where: 'Executive Summary > Performance Characteristics', words: '**I/O Efficiency:** Network syscalls represent only 0.9-1.6% of total syscalls' },
    also: [{ ...IO('Network I/O Percentage'), words: '**Average:** 1.3% (exceptional efficiency)' }],
    decide: FULL, judge: networkShare,
  }),
  syscallClaim({
    id: 'whole-syscall-counts', statement: 'syn-scan-1k makes 698 syscalls (209 futex), rate-limit-50k 704, 10,000 ports 918',
    quote: { ...IO('Results Summary'), words: '| **SYN 1K** | 698 | 10 (1.4%) | 209 (29.9%) | 61 mmap | ✅ Excellent |' },
    also: [{ ...IO('Results Summary'), words: '| **Rate Limit** | 704 | 9 (1.3%) | 213 (30.3%) | 61 mmap | ✅ Excellent |' },
      { ...IO('Results Summary'), words: '| **Large 10K** | 918 | 8 (0.9%) | 388 (42.2%) | 80 brk | ✅ Excellent |' }],
    decide: FULL, judge: syscallCounts,
  }),
  syscallClaim({
    id: 'futex-calls-per-scenario', statement: 'futex calls: 171 for IPv6 (1,000 ports), 388 for 10,000 ports, 213 rate-limited',
    quote: { ...IO('Results Summary'), words: '| **IPv6 1K** | 659 | 9 (1.4%) | 171 (25.9%) | 61 mmap | ✅ Excellent |' },
    also: [{ ...IO('4. Large-Scale'), words: '- **Futex increased:** 209 → 388 (+85%) indicates more thread coordination' },
      { ...IO('5. Rate Limit (50K pps)'), words: '| Futex calls | 209 (29.9%) | 213 (30.3%) | +1.9% |' }],
    decide: FULL,
    judge: (m) => findingOf([
      { what: 'ipv6-scan-1k futex calls', values: perMain(m, 'ipv6-scan-1k', (r) => callsOf(r, 'futex')), band: count(171, '"171"') },
      { what: 'syn-scan-10k futex calls', values: perMain(m, 'syn-scan-10k', (r) => callsOf(r, 'futex')), band: count(388, '"388"') },
      { what: 'rate-limit-50k futex calls', values: perMain(m, 'rate-limit-50k', (r) => callsOf(r, 'futex')), band: count(213, '"213"') },
    ], `strace -c (main thread, the documents' method), per run; all threads (tracepoints): syn-scan-10k ${list(perTracepoint(m, 'syn-scan-10k', 'futex'))}, rate-limit-50k ${list(perTracepoint(m, 'rate-limit-50k', 'futex'))}; futex counts grow with the worker threads (one per core: 20 on their i9, 2 here)`, FULL),
  }),
  syscallClaim({
    id: 'futex-45us-per-call', statement: 'a futex call takes 45 µs on average in the 1,000-port SYN scan',
    quote: { ...IO('1. SYN Scan (1,000 Ports) - Baseline Performance'), words: '**Time per futex:** 45 μs average (high variance indicates contention)' },
    also: [{ ...IO('1. SYN Scan (1,000 Ports) - Baseline Performance'), words: '79.62%     9.437 ms      209    futex' }],
    judge: (m) => findingOf([{ what: 'syn-scan-1k futex seconds ÷ calls under strace -c (main thread)', values: perMain(m, 'syn-scan-1k', (r) => {
      const row = r.summary.rows.find((x) => x.syscall === 'futex');
      return row && row.calls > 0 ? (1e9 * row.seconds) / row.calls : NaN;
    }), band: around(45e3, 0.25, 0.25, 'ns', '"45 μs" = 9.437 ms / 209 calls of strace -c\'s time (system CPU charged while inside futex, on their i9): within ±25 % agrees, beyond ±50 % disagrees') }],
    'a futex wait mostly sleeps: this is strace\'s charge for waiting, not the cost of a lock', RUN),
  }),
  syscallClaim({
    id: 'mmap-61-78-calls', statement: 'scans make 61-78 mmap calls',
    quote: { doc: '002', where: 'CPU Profiling > Expected CPU Hotspots (Based on I/O Analysis)', words: '`mmap` syscalls: 61-78 calls (1.9-2.6% time)' },
    also: [{ ...IO('1. SYN Scan (1,000 Ports) - Baseline Performance'), words: '1.91%     0.226 ms       61    mmap' }],
    decide: FULL,
    judge: (m) => {
      const main = pooled((s) => perMain(m, s, (r) => callsOf(r, 'mmap')), ['syn-scan-1k', 'ipv6-scan-1k', 'rate-limit-50k']);
      return findingOf([{ what: 'mmap calls under strace -c (main thread), per run of syn-scan-1k, ipv6-scan-1k and rate-limit-50k', values: main.values,
        band: { low: 61, high: 78, margin: 10, unit: 'count', reading: '"61-78 calls" as stated (002\'s tables give 61 for SYN, IPv6 and rate limit): 10 calls beyond either end does not hold' } }],
      `all threads (tracepoints, no strace), syn-scan-1k: ${list(perTracepoint(m, 'syn-scan-1k', 'mmap'))}; each thread stack and malloc arena is an mmap, so fewer cores make fewer`, FULL);
    },
  }),
  syscallClaim({
    id: 'epoll-call-counts', statement: 'the event loop makes 24-52 epoll_ctl and 16 epoll_pwait2 calls per scan',
    quote: { doc: '002', where: 'CPU Profiling > Expected CPU Hotspots (Based on I/O Analysis)', words: '4. **Event Loop** (0.2-0.4% time)\n   - `epoll_ctl`: 24-52 calls\n   - `epoll_pwait2`: 16 calls' },
    decide: FULL,
    judge: (m) => {
      const waits = (r: Parameters<typeof callsOf>[0]) => callsOf(r, 'epoll_pwait2') + callsOf(r, 'epoll_pwait') + callsOf(r, 'epoll_wait');
      const ctl = pooled((s) => perMain(m, s, (r) => callsOf(r, 'epoll_ctl')), DOC_SCENARIOS), wt = pooled((s) => perMain(m, s, waits), DOC_SCENARIOS);
      return findingOf([
        { what: 'epoll_ctl calls under strace -c (main thread), per run of 002\'s scenarios', values: ctl.values, band: { low: 24, high: 52, margin: 8, unit: 'count', reading: '"24-52 calls" as stated: 8 calls beyond either end does not hold' } },
        { what: 'epoll waits (epoll_pwait2 + epoll_pwait + epoll_wait: the kernel and mio decide which) under strace -c (main thread)', values: wt.values, band: around(16, 0.25, 0.25, 'count', '"16 calls": within ±25 % agrees, beyond ±50 % disagrees') },
      ], `all threads (strace -f), syn-scan-1k: ${list(perAll(m, 'syn-scan-1k', (r) => callsOf(r, 'epoll_ctl')))} epoll_ctl, ${list(perAll(m, 'syn-scan-1k', waits))} waits (a connect scan registers every socket)`, FULL);
    },
  }),
  syscallClaim({
    id: 'whole-syn-sendmmsg-calls', statement: 'a 1,000-port SYN scan makes 8-10 sendmmsg calls of 100-125 packets and 0 connect()',
    quote: { doc: '003', where: 'Expected Syscall Patterns (SYN 1,000 ports)', words: '| `sendmmsg` | 8-10 | 100-125 packets/batch | Suboptimal (target: 200-300) |' },
    also: [{ doc: '003', where: 'Expected Syscall Patterns (SYN 1,000 ports)', words: '| `connect` | 0 | N/A | SYN scan = no connection |' }],
    decide: 'npm run bench -- --suite prtip --prtip PATH (tracefs mounted for syscall counts)',
    judge: (m) => findingOf([
      { what: 'syn-scan-1k sendmmsg calls per run (tracepoints, all threads)', values: perTracepoint(m, 'syn-scan-1k', 'sendmmsg'), band: { low: 8, high: 10, margin: 2, unit: 'count', reading: '003\'s projection of what the scan does, so counted over all threads: "8-10" as stated, 2 calls beyond does not hold; "0" connect(), 10 or more does not hold' } },
      { what: 'syn-scan-1k connect() calls per run (tracepoints, all threads)', values: perTracepoint(m, 'syn-scan-1k', 'connect'), band: { low: 0, high: 0, margin: 9, unit: 'count', reading: '003\'s projection of what the scan does, so counted over all threads: "8-10" as stated, 2 calls beyond does not hold; "0" connect(), 10 or more does not hold' } },
    ], `${V059}; on the main thread alone (strace -c): ${list(perMain(m, 'syn-scan-1k', (r) => callsOf(r, 'sendmmsg')))} sendmmsg, ${list(perMain(m, 'syn-scan-1k', (r) => callsOf(r, 'connect')))} connect()`, 'npm run bench -- --suite prtip --prtip PATH (tracefs mounted for syscall counts)'),
  }),
  syscallClaim({
    id: 'syn-1k-expected-syscalls', statement: 'a 1,000-port SYN scan makes 6-8 recvmmsg, 1-2 socket and 5-10 write calls',
    quote: { doc: '003', where: 'Expected Syscall Patterns (SYN 1,000 ports)', words: '| `recvmmsg` | 6-8 | 125-170 packets/batch | Good batching |' },
    also: [{ doc: '003', where: 'Expected Syscall Patterns (SYN 1,000 ports)', words: '| `socket` | 1-2 | N/A | Socket creation (reused) |' },
      { doc: '003', where: 'Expected Syscall Patterns (SYN 1,000 ports)', words: '| `write` | 5-10 | N/A | Result file writes (buffered) |' }],
    judge: (m) => {
      const reading = '003\'s projection of what the scan does, so counted over all threads (strace -f -c); the range as stated, with a margin of 2 calls (1 for socket)';
      const c = (k: string) => perAll(m, 'syn-scan-1k', (r) => callsOf(r, k));
      return findingOf([
        { what: 'syn-scan-1k recvmmsg calls (strace -f)', values: c('recvmmsg'), band: { low: 6, high: 8, margin: 2, unit: 'count', reading } },
        { what: 'syn-scan-1k socket calls (strace -f)', values: c('socket'), band: { low: 1, high: 2, margin: 1, unit: 'count', reading } },
        { what: 'syn-scan-1k write calls (strace -f)', values: c('write'), band: { low: 5, high: 10, margin: 2, unit: 'count', reading } },
      ], `${V059}; main thread alone (strace -c): ${list(perMain(m, 'syn-scan-1k', (r) => callsOf(r, 'socket')))} socket, ${list(perMain(m, 'syn-scan-1k', (r) => callsOf(r, 'write')))} write (002 counted 46 write)`, RUN);
    },
  }),
  syscallClaim({
    id: 'whole-ipv6-syscall-parity', statement: 'IPv6 makes 5.6% fewer syscalls than IPv4 (659 vs 698)',
    quote: { ...IO('3. IPv6 Scan (1,000 Ports) - Protocol Parity'), words: '**Total Syscalls:** 659 (-5.6% vs IPv4\'s 698)' },
    also: [{ doc: '002', where: 'Executive Summary > Optimization Targets', words: 'IPv6 syscall parity validates optimization (659 vs 698, -5.6%)' }],
    decide: FULL,
    judge: (m) => findingOf([ratioPart('IPv6 over IPv4 syscalls − 1, 1,000 ports each (ipv6-scan-1k, syn-scan-1k), strace -c (main thread)',
      perMain(m, 'ipv6-scan-1k', (r) => r.summary.total.calls), perMain(m, 'syn-scan-1k', (r) => r.summary.total.calls),
      { low: -0.106, high: -0.006, margin: 0.025, unit: 'share', reading: '"-5.6%" ± 5 points (counts move a few % between runs and machines), the documents\' scenarios and method: 2.5 points beyond does not hold' }, 1)],
    `all threads (tracepoints), 500 ports each way: IPv6 ${list(perTracepoint(m, 'ipv6-scan-500', 'total'))} vs IPv4 ${list(perTracepoint(m, 'syn-scan-500', 'total'))} syscalls per run`, FULL),
  }),
  syscallClaim({
    id: 'whole-sv-brk-3429', statement: 'service detection makes 3,429 brk calls (42% of syscall time)',
    quote: { doc: '002', where: 'Executive Summary > Optimization Targets', words: 'Service detection memory allocation (3,429 brk calls, 42% time)' },
    also: [{ ...IO('2. Service Detection (4 Ports) - Memory-Bound Workload'), words: '42.16%     2.206 ms    3,429    brk' }],
    decide: `${FULL}; service-detect probes the harness's own listeners`,
    judge: (m) => findingOf([
      { what: 'service-detect brk calls under strace -c (main thread)', values: perMain(m, 'service-detect', (r) => callsOf(r, 'brk')), band: count(3429, '"3,429 brk"') },
      { what: 'service-detect brk "% time" under strace -c (main thread)', values: perMain(m, 'service-detect', (r) => timeShareOf(r, 'brk')), band: { low: 0.37, high: 0.47, margin: 0.05, unit: 'share', reading: '"42% time" ± 5 points (strace -c\'s share of time inside syscalls): 5 more points beyond does not hold' } },
    ], `all threads (tracepoints, no strace): ${list(perTracepoint(m, 'service-detect', 'brk'))} brk per run; the suite probes 3 listening ports where 002 probed 4`, `${FULL}; service-detect probes the harness's own listeners`),
  }),
  syscallClaim({
    id: 'strace-slowdown-5-20x', statement: 'strace slows the traced program 5-20x',
    quote: { doc: '001', where: '3. I/O Profiling (strace)', words: '**Overhead:** 5-20x slowdown' },
    judge: (m) => {
      const untraced = (() => { const r = wholeRuns(m, 'syn-scan-1k'); return typeof r === 'string' ? r : r.map((x) => x.wallNs); })();
      const band: Band = { low: 5, high: 20, margin: 1, unit: 'ratio', reading: '"5-20x" as stated, for the framework\'s strace -c (the main thread, as 002 ran it): below 4× or above 21× does not hold' };
      return findingOf([ratioPart('syn-scan-1k wall under strace -c (main thread) over without', perMain(m, 'syn-scan-1k', (r) => r.wallNs), untraced, band)],
        `under strace -f -c (every thread stopped at every syscall): ${list(perAll(m, 'syn-scan-1k', (r) => r.wallNs / 1e6))} ms; untraced: ${list(typeof untraced === 'string' ? untraced : untraced.map((x) => x / 1e6))} ms`, RUN);
    },
  }),
  syscallClaim({
    id: 'strace-example-syscall-counts', statement: 'strace -c of prtip -sS -p 80,443 shows 1,523 sendto, 1,523 recvfrom, 150 poll and 138 socket calls, 3,856 in all',
    quote: { doc: '004', where: 'I/O Profiling > strace (Linux) > Example Summary', words: '45.23    0.018234          12      1523           sendto' },
    also: [{ doc: '004', where: 'I/O Profiling > strace (Linux) > Example Summary', words: '32.15    0.012956           8      1523           recvfrom' },
      { doc: '004', where: 'I/O Profiling > strace (Linux) > Example Summary', words: '8.42    0.003391          22       150           poll' },
      { doc: '004', where: 'I/O Profiling > strace (Linux) > Example Summary', words: '5.18    0.002087          15       138           socket' },
      { doc: '004', where: 'I/O Profiling > strace (Linux) > Example Summary', words: '100.00    0.040312                  3856       124 total' }],
    judge: (m) => {
      const c = (k: string) => perMain(m, 'strace-example', (r) => callsOf(r, k));
      return findingOf([
        { what: 'sendto', values: c('sendto'), band: count(1523, '"1523"') },
        { what: 'recvfrom', values: c('recvfrom'), band: count(1523, '"1523"') },
        { what: 'poll', values: c('poll'), band: count(150, '"150"') },
        { what: 'socket', values: c('socket'), band: count(138, '"138"') },
        { what: 'all syscalls', values: perMain(m, 'strace-example', (r) => r.summary.total.calls), band: count(3856, '"3856" (the example\'s total)') },
      ], `004's own command, strace -c prtip -sS -p 80,443 127.0.0.1 (main thread), run here per traced run; all threads (strace -f): ${list(perAll(m, 'strace-example', (r) => r.summary.total.calls))} syscalls; ${V059}`, RUN);
    },
  }),
];
