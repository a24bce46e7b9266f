/**
 * The judge layer: every claim of the five documents as one object (families/*.ts), judged once,
 * after the suites, on what they measured. The inventory is the union of the families.
 */
import type { ClaimRow } from '../model/result.js';
import { type Claim, SEED_TITLES } from './claim.js';
import { BATCH_CLAIMS } from './families/batch.js';
import { CHECKSUM_CLAIMS } from './families/checksum.js';
import { CRITERION_CLAIMS } from './families/criterion.js';
import { ELSEWHERE_CLAIMS } from './families/elsewhere.js';
import { MEMORY_CLAIMS } from './families/memory.js';
import { SYSCALL_CLAIMS } from './families/syscalls.js';
import { TIME_CLAIMS } from './families/time.js';
import { PEERS_CLAIMS } from './families/peers.js';
import { PROFILE_CLAIMS, TOOL_CLAIMS } from './families/profile.js';
import type { Measurements } from './measurements.js';

export type { Claim, ClaimFamily, Finding, Quote, SeedDocument } from './claim.js';
export { SEED_TITLES } from './claim.js';
export { type Measurements, measurementsOf } from './measurements.js';
export { type Band, type Interval, type Outcome, judgeInterval } from './rule.js';

/** Every claim, family by family (the order of the claims table). */
export const CLAIMS: readonly Claim[] = [
  ...CRITERION_CLAIMS, ...CHECKSUM_CLAIMS, ...BATCH_CLAIMS, ...SYSCALL_CLAIMS, ...TIME_CLAIMS, ...MEMORY_CLAIMS,
  ...PROFILE_CLAIMS, ...TOOL_CLAIMS, ...PEERS_CLAIMS, ...ELSEWHERE_CLAIMS,
];

/** One claim's row: its words and what its judge found. A judge that throws gives "cannot tell" with the error, never a lost table. */
export function judgeClaim(claim: Claim, m: Measurements): ClaimRow {
  let f;
  try {
    f = claim.judge(m);
  } catch (error) {
    f = { verdict: 'cannot-tell' as const, measured: 'the judge failed', reason: `its judge threw: ${(error as Error).message}` };
  }
  return {
    id: claim.id, subject: claim.subject, family: claim.family, claim: claim.statement,
    source: `${SEED_TITLES[claim.quote.doc]}, ${claim.quote.where}`, words: claim.quote.words,
    measured: f.measured, verdict: f.verdict, reason: f.reason,
    ...(f.interval ? { interval: f.interval } : {}), ...(f.band ? { band: f.band } : {}),
    ...(f.verdict === 'cannot-tell' ? { measureWith: f.decideWith ?? claim.decide } : {}),
  };
}

/** Every claim judged on one run's measurements. */
export function judgeClaims(m: Measurements): ClaimRow[] {
  return CLAIMS.map((c) => judgeClaim(c, m));
}
