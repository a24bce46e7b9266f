/**
 * The peer tools (nmap, masscan) as 002's industry comparison states them, judged on their own
 * whole runs in the prtip suite (each in a harness namespace): the share of their syscalls that
 * are network I/O, counted by tracepoints per run. nmap and masscan do craft and send their
 * probes, so these figures are about real work; the interval spans the runs.
 */
import type { Claim, Finding } from '../claim.js';
import { type Measurements, suiteMissing } from '../measurements.js';
import { type Band, bandText, formatIn, intervalText, judgeInterval, spanOf } from '../rule.js';

/** What the prtip suite records for this family: data.peers, one entry per peer tool and scenario, per run network and total syscalls. */
export interface PeersData {
  peers: { tool: string; scenario: string; runs: { network: number | null; total: number | null }[] }[];
}

/** The syscalls counted as network I/O (the suite's NETWORK_SYSCALLS), for the reason text. */
const NETWORK = 'sendto + sendmmsg + recvfrom + recvmmsg + connect';
const SCENARIO = 'syn-scan-1k';

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null;
const isCount = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x) && x >= 0;

/** Per run: network ÷ all syscalls of `tool` in the SYN scan, or why there are none. */
export function peerShares(m: Measurements, tool: string): { shares: number[]; runs: { network: number; total: number }[] } | { missing: string } {
  const missing = suiteMissing(m, 'prtip');
  if (missing) return { missing };
  const data = m.suites.get('prtip')!.data;
  const peers = isObj(data) && Array.isArray(data['peers']) ? (data['peers'] as unknown[]) : null;
  if (!peers) return { missing: 'the prtip suite recorded no peer syscall counts (data.peers)' };
  const entry = peers.find((p) => isObj(p) && p['tool'] === tool && p['scenario'] === SCENARIO) as Record<string, unknown> | undefined;
  if (!entry || !Array.isArray(entry['runs'])) return { missing: `${tool} ${SCENARIO} did not run (${tool} not installed, or its run failed: see the prtip suite's warnings)` };
  const runs = (entry['runs'] as unknown[]).filter((r): r is { network: number; total: number } => isObj(r) && isCount(r['network']) && isCount(r['total']) && (r['total'] as number) > 0);
  if (runs.length === 0) return { missing: `${tool}'s syscalls were not counted (the syscall tracepoints need tracefs mounted and perf_event_paranoid ≤ 1)` };
  return { shares: runs.map((r) => r.network / r.total), runs };
}

function judgePeer(tool: string, band: Band) {
  return (m: Measurements): Finding => {
    const s = peerShares(m, tool);
    if ('missing' in s) return { verdict: 'cannot-tell', measured: s.missing, reason: `${s.missing}; the prtip suite runs ${tool} on ${SCENARIO} when it is installed` };
    const iv = spanOf(s.shares)!;
    const o = judgeInterval(iv, band);
    return {
      verdict: o.verdict,
      measured: `${tool} ${SCENARIO}, per run: ${s.runs.map((r) => `${r.network} network of ${r.total} syscalls (${formatIn(r.network / r.total, 'share')})`).join('; ')}`,
      interval: intervalText(iv, 'share'), band: bandText(band),
      reason: `${o.why}; network = ${NETWORK}, counted by tracepoints on ${tool} and its threads; ${band.reading}` + (s.shares.length < 2 ? '. One run only (--quick): the margin stands for the spread between runs' : ''),
    };
  };
}

const WHERE = 'I/O Analysis > Network I/O Percentage > Industry Comparison';

export const PEERS_CLAIMS: readonly Claim[] = [
  {
    id: 'whole-nmap-network-share', family: 'peers', subject: 'whole-binary', needs: ['prtip'],
    statement: 'nmap\'s network syscalls are ~10-20% of its syscalls',
    quote: { doc: '002', where: WHERE, words: '- **Nmap:** ~10-20% (stateful connections, multiple handshakes)' },
    decide: 'npm run bench -- --suite prtip with nmap installed (apt-get install nmap; tracefs mounted)',
    judge: judgePeer('nmap', { low: 0.10, high: 0.20, margin: 0.03, unit: 'share', reading: '"~10-20%" as written; 3 points of margin for "~" and another nmap build' }),
  },
  {
    id: 'whole-masscan-network-share', family: 'peers', subject: 'whole-binary', needs: ['prtip'],
    statement: 'masscan\'s network syscalls are ~5-10% of its syscalls',
    quote: { doc: '002', where: WHERE, words: '- **Masscan:** ~5-10% (DPDK bypass reduces syscalls)' },
    decide: 'npm run bench -- --suite prtip with masscan installed (apt-get install masscan; tracefs mounted)',
    judge: judgePeer('masscan', { low: 0.05, high: 0.10, margin: 0.02, unit: 'share', reading: '"~5-10%" as written; 2 points of margin for "~" (the document\'s masscan uses DPDK, this one sends through the kernel)' }),
  },
];
