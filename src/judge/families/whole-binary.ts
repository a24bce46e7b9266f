/**
 * Whole binaries (prtip, nmap, masscan), judged on whole runs of them by the prtip suite.
 * Transitional: these verdicts are still reached inside the prtip suite (bench/prtip.bench.ts)
 * and read from its result here; the claim's words, subject and what decides it live here only.
 */
import type { Claim, ClaimFamily, Finding, Quote } from '../claim.js';
import { type Measurements, suiteMissing } from '../measurements.js';

/** The verdict the `suite` recorded for `id`, or why there is none. */
export function judgedInSuite(suite: string, id: string): (m: Measurements) => Finding {
  return (m) => {
    const missing = suiteMissing(m, suite);
    if (missing) return { verdict: 'cannot-tell', measured: missing, reason: `${missing}; it measures this claim` };
    const row = m.suites.get(suite)!.claims.find((c) => c.id === id);
    if (!row) return { verdict: 'cannot-tell', measured: `the ${suite} suite ran but did not judge it`, reason: `what it needs did not run or complete here (see the ${suite} suite's warnings)` };
    return { verdict: row.verdict, measured: row.measured, reason: row.reason, ...(row.measureWith ? { decideWith: row.measureWith } : {}) };
  };
}

function whole(id: string, family: ClaimFamily, statement: string, quote: Quote, decide: string, also?: Quote[]): Claim {
  return { id, family, subject: 'whole-binary', statement, quote, ...(also ? { also } : {}), needs: ['prtip'], decide, judge: judgedInSuite('prtip', id) };
}

export const WHOLE_BINARY_CLAIMS: readonly Claim[] = [
  whole('whole-futex-time', 'syscalls', 'futex is 77-88% of time',
    { doc: '002', where: '002 Phase 5 profiling summary (strace -c)', words: '' },
    'npm run bench -- --prtip PATH, with strace installed'),
  whole('whole-network-syscall-share', 'syscalls', 'network syscalls are 0.9-1.6% of all syscalls',
    { doc: '002', where: '002 Phase 5 profiling summary / 003', words: '' },
    'npm run bench -- --prtip PATH (tracefs mounted for syscall counts)'),
  whole('whole-syscall-counts', 'syscalls', 'syn-scan-1k makes 698 syscalls (209 futex), rate-limit-50k 704, 10,000 ports 918',
    { doc: '002', where: '002 Phase 5 profiling summary, I/O analysis', words: '' },
    'npm run bench -- --prtip PATH (tracefs mounted for syscall counts)'),
  whole('whole-syn-sendmmsg-calls', 'syscalls', 'a 1,000-port SYN scan makes 8-10 sendmmsg calls of 100-125 packets and 0 connect()',
    { doc: '003', where: '003 Sprint 5.5.5 analysis, expected syscall patterns', words: '' },
    'npm run bench -- --prtip PATH (tracefs mounted for syscall counts)'),
  whole('whole-syn-1k-98ms', 'time', 'syn-scan-1k takes about 98 ms (10,200 pps)',
    { doc: '003', where: '003 / 004 (hyperfine on i9-10850K)', words: '' },
    'npm run bench -- --prtip PATH'),
  whole('whole-syn-1k-cpu', 'time', 'syn-scan-1k uses 12.5 ms user + 45.2 ms system CPU',
    { doc: '004', where: '004 hyperfine example output', words: '' },
    'npm run bench -- --prtip PATH'),
  whole('whole-default-scan-pps', 'time', 'the default scan (-sS -p 1-1000) runs at 96-102K pps in ~2.7 MB',
    { doc: '002', where: '002 production readiness, recommended configurations', words: '' },
    'npm run bench -- --prtip PATH'),
  whole('whole-connect-100-150ms', 'time', 'a connect scan of 100 ports takes 150 ms (6,600 pps)',
    { doc: '003', where: '003 Sprint 5.5.5 analysis, scenario 02', words: '' },
    'npm run bench -- --prtip PATH'),
  whole('whole-connect-1k-150.7ms', 'time', 'a connect scan of 1,000 ports takes 150.7 ± 3.1 ms',
    { doc: '004', where: '004 hyperfine example output', words: '' },
    'npm run bench -- --prtip PATH'),
  whole('whole-connect-vs-syn', 'time', 'a connect scan is 1.53 ± 0.04x slower than a SYN scan (1,000 ports)',
    { doc: '004', where: '004 benchmarking guide (hyperfine example)', words: '' },
    'npm run bench -- --prtip PATH'),
  whole('whole-ipv6-overhead', 'time', 'IPv6 costs +15% over IPv4',
    { doc: '003', where: '003 Sprint 5.5.5 analysis', words: '' },
    'npm run bench -- --prtip PATH'),
  whole('whole-ipv6-parity', 'time', 'IPv6 scans run at parity with IPv4 (-1.9%)',
    { doc: '002', where: '002 Phase 5 profiling summary', words: '' },
    'npm run bench -- --prtip PATH'),
  whole('whole-ipv6-syscall-parity', 'syscalls', 'IPv6 makes 5.6% fewer syscalls than IPv4 (659 vs 698)',
    { doc: '002', where: '002 Phase 5 profiling summary, IPv6 scan', words: '' },
    'npm run bench -- --prtip PATH (tracefs mounted)'),
  whole('whole-rate-limit-negative-overhead', 'time', 'the rate limiter has "negative overhead" (-1.8%)',
    { doc: '002', where: '002 Phase 5 profiling summary', words: '' },
    'npm run bench -- --prtip PATH'),
  whole('whole-service-detect-163ms', 'time', 'service detection (3 common ports) takes 163 ms, +66% over a SYN scan',
    { doc: '003', where: '003 Sprint 5.5.5 analysis, scenario 10', words: '' },
    'npm run bench -- --prtip PATH (without --quick: service-detect is a heavy scenario)'),
  whole('whole-sv-brk-3429', 'syscalls', 'service detection makes 3,429 brk calls (42% of syscall time)',
    { doc: '002', where: '002 Phase 5 profiling summary, I/O analysis', words: '' },
    'npm run bench -- --prtip PATH (without --quick; tracefs mounted)'),
  whole('whole-full-65535-287ms', 'time', 'a scan of all 65,535 ports takes 287 ms (228K pps, ~50-60 MB)',
    { doc: '002', where: '002 Phase 5 profiling summary (regression section, production readiness)', words: '' },
    'npm run bench -- --prtip PATH (without --quick)'),
  whole('strace-slowdown-5-20x', 'syscalls', 'strace slows the traced program 5-20x',
    { doc: '001', where: '001 profiling framework README', words: '' },
    'npm run bench -- --prtip PATH, with strace installed'),
];
