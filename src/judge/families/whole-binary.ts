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
  whole('whole-crafting-share', 'profile', 'packet crafting is 12-15% of a SYN scan\'s CPU',
    { doc: '003', where: '003 Sprint 5.5.5 analysis / 001 framework README', words: '' },
    'npm run bench -- --prtip PATH (whole-binary suite)'),
  whole('whole-checksum-share', 'profile', 'checksums are 8-10% of a SYN scan\'s CPU',
    { doc: '003', where: '003 Sprint 5.5.5 analysis / 001 framework README', words: '' },
    'npm run bench -- --prtip PATH'),
  whole('whole-nmap-network-share', 'peers', 'nmap\'s network syscalls are ~10-20% of its syscalls',
    { doc: '002', where: '002 Phase 5 profiling summary, industry comparison', words: '' },
    'npm run bench -- --suite prtip with nmap installed (apt-get install nmap; tracefs mounted)'),
  whole('whole-masscan-network-share', 'peers', 'masscan\'s network syscalls are ~5-10% of its syscalls',
    { doc: '002', where: '002 Phase 5 profiling summary, industry comparison', words: '' },
    'npm run bench -- --suite prtip with masscan installed (apt-get install masscan; tracefs mounted)'),
  whole('hotspot-craft-syn-packet', 'profile', 'craft_syn_packet() is 12-15% of a SYN scan\'s CPU (sampled profile)',
    { doc: '003', where: '003 Sprint 5.5.5 analysis, Expected CPU Hotspots', words: '' },
    'npm run bench -- --suite prtip --prtip PATH (profiles each scenario with cpu-clock inside its namespace)'),
  whole('hotspot-calculate-checksum', 'profile', 'calculate_checksum() is 8-10% of a SYN scan\'s CPU (sampled profile)',
    { doc: '003', where: '003 Sprint 5.5.5 analysis, Expected CPU Hotspots', words: '' },
    'npm run bench -- --suite prtip --prtip PATH'),
  whole('hotspot-send-packets', 'profile', 'send_packets() (sendmmsg batching) is 6-8% of a SYN scan\'s CPU',
    { doc: '003', where: '003 Sprint 5.5.5 analysis, Expected CPU Hotspots', words: '' },
    'npm run bench -- --suite prtip --prtip PATH'),
  whole('hotspot-recv-packets', 'profile', 'recv_packets() (recvmmsg polling) is 4-6% of a SYN scan\'s CPU',
    { doc: '003', where: '003 Sprint 5.5.5 analysis, Expected CPU Hotspots', words: '' },
    'npm run bench -- --suite prtip --prtip PATH'),
  whole('hotspot-tokio-spawn', 'profile', 'tokio::spawn() (task spawning) is 5-7% of a connect scan\'s CPU',
    { doc: '003', where: '003 Sprint 5.5.5 analysis, Expected CPU Hotspots', words: '' },
    'npm run bench -- --suite prtip --prtip PATH'),
  whole('hotspot-regex-find', 'profile', 'regex::find() (banner matching) is 6-10% of service detection\'s CPU',
    { doc: '003', where: '003 Sprint 5.5.5 analysis, Expected CPU Hotspots', words: '' },
    'npm run bench -- --suite prtip --prtip PATH (without --quick: service-detect is a heavy scenario)'),
  whole('hotspot-total-hot-path', 'profile', 'the hot path (those six functions) is 45-60% of CPU, the rest spread over many small functions',
    { doc: '003', where: '003 Sprint 5.5.5 analysis, Expected CPU Hotspots', words: '' },
    'npm run bench -- --suite prtip --prtip PATH'),
  whole('perf-report-example', 'profile', 'perf report: 45.2% in send_syn, 12.3% in scan_port, 8.7% in pthread_mutex_lock, 5.4% in crossbeam pop',
    { doc: '004', where: '004 performance analysis guide, CPU profiling example', words: '' },
    'npm run bench -- --suite prtip --prtip PATH (the SYN scan\'s sampled profile)'),
];
