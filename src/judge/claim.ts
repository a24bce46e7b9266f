/**
 * A claim from ProRT-IP's documents as one object: the seed's words, what it is about, what it
 * is judged on, and its judge. Every claim lives in exactly one family file under families/;
 * its words are written there once and nowhere else (test/judge-*.test.ts checks them against
 * the seed files).
 */
import type { ClaimSubject, Verdict } from '../model/result.js';
import type { Measurements } from './measurements.js';

/** The documents, by their number in shared/seeds/. */
export type SeedDocument = '000' | '001' | '002' | '003' | '004';

/** Short titles of the documents, for the source column. */
export const SEED_TITLES: Record<SeedDocument, string> = {
  '000': '000 massif README (Sprint 5.5.4)',
  '001': '001 profiling framework README',
  '002': '002 Phase 5 profiling summary',
  '003': '003 Sprint 5.5.5 profiling analysis',
  '004': '004 performance analysis guide',
};

/** Where a claim is written: the document, the section, and its words exactly as they stand. */
export interface Quote {
  doc: SeedDocument;
  where: string;
  /** An exact substring of the seed file. */
  words: string;
}

/** The families, one file each under families/. */
export type ClaimFamily = 'criterion' | 'checksum' | 'batch' | 'syscalls' | 'time' | 'memory' | 'profile' | 'peers' | 'elsewhere';

/** What a judge found. */
export interface Finding {
  verdict: Verdict;
  /** What was measured here, with units and spread. */
  measured: string;
  /** The interval the verdict came from, in words (empty when none). */
  interval?: string;
  /** The band it was set against, in words. */
  band?: string;
  /** Why that verdict: the interval against the band, or what is missing. */
  reason: string;
  /** For cannot-tell: what would decide it. */
  decideWith?: string;
}

export interface Claim {
  /** Stable id, e.g. "checksum-simd-8x". */
  id: string;
  family: ClaimFamily;
  subject: ClaimSubject;
  /** The claim in one plain line (the table's "claim" column). */
  statement: string;
  quote: Quote;
  /** Other places the documents say the same. */
  also?: readonly Quote[];
  /** What it is judged on (suite names, or "criterion"), for the report's "needs" column. */
  needs: readonly string[];
  /** The command or measurement that decides it when this run cannot. */
  decide: string;
  judge(m: Measurements): Finding;
}

/** A claim nothing here can measure: the judge always says why and what would decide it. */
export function unmeasurable(c: Omit<Claim, 'judge' | 'needs'> & { why: string }): Claim {
  const { why, ...rest } = c;
  return { ...rest, needs: [], judge: () => ({ verdict: 'cannot-tell', measured: 'nothing here measures it', reason: why, decideWith: c.decide }) };
}
