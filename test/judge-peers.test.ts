/**
 * The peers family on synthetic prtip-suite data (data.peers: per-run network and total syscalls
 * of nmap and masscan): the document's own shares hold, far ones do not, the band's edge and
 * missing data cannot tell.
 */
import { describe, expect, it } from 'vitest';
import { PEERS_CLAIMS } from '../src/judge/families/peers.js';
import { measured, suite } from './judge-fixtures.js';

const judge = (id: string, s: ReturnType<typeof suite> | null) => PEERS_CLAIMS.find((c) => c.id === id)!.judge(measured(s ? [s] : []));

/** A prtip suite where `tool` made `share` network syscalls of 1,000 per run (±1 % between runs). */
function peers(tool: string, share: number | null, runs = 3) {
  const s = suite('prtip', []);
  s.data = { peers: share === null ? [] : [{ tool, scenario: 'syn-scan-1k', runs: Array.from({ length: runs }, (_, i) => ({ network: Math.round(1000 * share * (1 + 0.01 * (i - 1))), total: 1000 })) }] };
  return s;
}

describe('peers family: the industry comparison\'s network shares', () => {
  const cases = [
    { id: 'whole-nmap-network-share', tool: 'nmap', doc: 0.15, far: 0.6, edge: 0.215 },
    { id: 'whole-masscan-network-share', tool: 'masscan', doc: 0.075, far: 0.4, edge: 0.11 },
  ];
  for (const c of cases) {
    it(`${c.id}: the document's figure holds, far does not, the edge and missing data cannot tell`, () => {
      const doc = judge(c.id, peers(c.tool, c.doc));
      expect(doc.verdict, doc.reason).toBe('holds');
      expect(doc.measured).toMatch(new RegExp(`${c.tool} syn-scan-1k, per run: \\d+ network of 1000 syscalls`));
      expect(judge(c.id, peers(c.tool, c.far)).verdict).toBe('does-not-hold');
      expect(judge(c.id, peers(c.tool, c.edge)).verdict).toBe('cannot-tell');
      expect(judge(c.id, peers(c.tool, null)).verdict).toBe('cannot-tell');
      expect(judge(c.id, null).verdict).toBe('cannot-tell');
      // one run (--quick) is still judged, with the margin standing for the spread between runs
      expect(judge(c.id, peers(c.tool, c.doc, 1)).reason).toMatch(/One run only/);
    });
  }

  it('uncounted syscalls (tracefs unmounted) or malformed data cannot tell, never a throw', () => {
    const s = suite('prtip', []);
    s.data = { peers: [{ tool: 'nmap', scenario: 'syn-scan-1k', runs: [{ network: null, total: null }] }] };
    expect(judge('whole-nmap-network-share', s).reason).toMatch(/not counted/);
    s.data = { peers: 'nonsense' };
    expect(judge('whole-nmap-network-share', s).verdict).toBe('cannot-tell');
    // another tool's runs are not nmap's
    expect(judge('whole-nmap-network-share', peers('masscan', 0.15)).verdict).toBe('cannot-tell');
  });
});
