/**
 * The inventory (src/claims-inventory.ts) against the claims the suites produce: every
 * claim a suite states is inventoried with the subject that suite judges, every
 * inventoried claim is still stated by its suite or explained, and a run that judges
 * nothing still reports every claim, with what would decide it.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLAIMS_INVENTORY, type ClaimSuite } from '../src/claims-inventory.js';
import { gatherClaims } from '../src/report/claims.js';
import type { ClaimSubject, SuiteResult } from '../src/report/result.js';

const SUITE_SUBJECT: Record<ClaimSuite, ClaimSubject> = { 'checksum': 'the-work', 'batch-size': 'the-work', 'criterion': 'prtip-function', 'prtip': 'whole-binary' };
const source = (suite: string): string => readFileSync(new URL(`../bench/${suite}.bench.ts`, import.meta.url), 'utf8') +
  // the prtip suite's hotspot claims are stated in the module that judges them
  (suite === 'prtip' ? readFileSync(new URL('../src/profile/hotspots.ts', import.meta.url), 'utf8') : '');

/** Claim ids a suite's source states: `id: '…'` in an object literal that has a `claim`, and the first argument of its claim helpers. */
function claimIdsIn(text: string): string[] {
  const ids = new Set<string>();
  for (const m of text.matchAll(/\bid: '([^']+)'(?=[^}]{0,300}?\bclaim\b)/g)) ids.add(m[1]!);
  for (const m of text.matchAll(/\b(?:craftClaim|time|mem)\('([^']+)'/g)) ids.add(m[1]!);
  return [...ids];
}

describe('the claims inventory', () => {
  it('has one well-formed row per claim', () => {
    const ids = CLAIMS_INVENTORY.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const e of CLAIMS_INVENTORY) {
      expect(e.claim.length, e.id).toBeGreaterThan(10);
      expect(e.source, e.id).toMatch(/^00[0-4]/);
      expect(['prtip-function', 'whole-binary', 'the-work']).toContain(e.subject);
      expect(e.decide.length, e.id).toBeGreaterThan(10);
      // nothing here judges it: it says why
      if (e.suite === null) expect(e.why?.length ?? 0, e.id).toBeGreaterThan(10);
      else expect(e.subject, `${e.id} is judged by ${e.suite}, which judges ${SUITE_SUBJECT[e.suite]}`).toBe(SUITE_SUBJECT[e.suite]);
    }
  });

  it('covers the claims the issue found missing', () => {
    const claims = CLAIMS_INVENTORY.map((e) => `${e.id} ${e.claim}`).join('\n');
    for (const figure of ['+66% over a SYN scan', '163 ms', '150 ms (6,600 pps)', '~113 ms', '1.999 MB', '2.742 MB', '2.7 MB → 1.97 GB', 'LAN is 150-250', 'WAN) is 100-150', 'localhost is 200-300']) {
      expect(claims).toContain(figure);
    }
  });

  it('every claim a suite states is inventoried, and every inventoried claim is still stated by its suite', () => {
    const suites: ClaimSuite[] = ['checksum', 'batch-size', 'criterion', 'prtip'];
    const inventoried = new Set(CLAIMS_INVENTORY.map((e) => e.id));
    for (const suite of suites) {
      const text = source(suite);
      const stated = claimIdsIn(text);
      expect(stated.length, suite).toBeGreaterThan(0);
      for (const id of stated) expect(inventoried.has(id), `${suite} states "${id}", which src/claims-inventory.ts lacks`).toBe(true);
      for (const e of CLAIMS_INVENTORY.filter((x) => x.suite === suite)) {
        expect(stated, `${e.id} is inventoried for the ${suite} suite, which no longer states it`).toContain(e.id);
      }
    }
    // the two suites that state no claims of their own
    expect(claimIdsIn(source('packet-crafting'))).toEqual([]);
    expect(claimIdsIn(source('counters'))).toEqual([]);
  });

  it('a run that judged nothing still reports every claim as "cannot tell here", with why and what would decide it', () => {
    const claims = gatherClaims([]);
    expect(claims.map((c) => c.id)).toEqual(CLAIMS_INVENTORY.map((e) => e.id));
    for (const c of claims) {
      expect(c.verdict).toBe('cannot-tell');
      expect(c.reason.length).toBeGreaterThan(10);
      expect(c.measureWith?.length ?? 0).toBeGreaterThan(10);
    }
    expect(claims.find((c) => c.id === 'whole-syn-1k-98ms')!.measured).toBe('the prtip suite was not run');
  });

  it('says whether a suite was skipped or ran without judging, and adds the inventory\'s advice to a bare "cannot tell"', () => {
    const skipped: SuiteResult = { suite: 'batch-size', title: 'b', status: 'skipped', reason: 'needs CAP_NET_RAW', durationMs: 0, tables: [], metrics: [], claims: [], warnings: [] };
    const ran: SuiteResult = {
      suite: 'prtip', title: 'p', status: 'ok', durationMs: 0, tables: [], metrics: [], warnings: [],
      claims: [{ id: 'whole-peak-memory-1k', subject: 'whole-binary', claim: 'x', source: '002', measured: 'm', verdict: 'cannot-tell', reason: 'r' }],
    };
    const claims = gatherClaims([skipped, ran]);
    expect(claims.find((c) => c.id === 'sendmmsg-batch-100-to-200-300')!.reason).toMatch(/was skipped: needs CAP_NET_RAW/);
    expect(claims.find((c) => c.id === 'whole-full-65535-287ms')!.measured).toMatch(/ran but did not judge it/);
    expect(claims.find((c) => c.id === 'whole-peak-memory-1k')!.measureWith).toMatch(/npm run bench -- --prtip/);
    expect(claims.filter((c) => c.id === 'whole-peak-memory-1k')).toHaveLength(1);
  });
});
