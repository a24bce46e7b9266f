/** The claims table: every suite's verdicts on ProRT-IP's documented claims, in one place. */
import { CLAIMS_INVENTORY, type InventoryEntry, inventoryEntry } from '../claims-inventory.js';
import type { ClaimRow, ClaimSubject, SuiteResult, Table } from './result.js';

/** Short labels for the subject column. */
const SUBJECT_LABEL: Record<ClaimSubject, string> = {
  'prtip-function': "prtip's function (its criterion results)",
  'whole-binary': 'whole binary (whole runs)',
  'the-work': 'the work (our floors)',
};

/** A "cannot tell here" row for an inventory claim that no suite judged in this run. */
function notJudged(entry: InventoryEntry, suites: readonly SuiteResult[]): ClaimRow {
  const base = { id: entry.id, subject: entry.subject, claim: entry.claim, source: entry.source, verdict: 'cannot-tell' as const, measureWith: entry.decide };
  if (entry.suite === null) return { ...base, measured: 'nothing here measures it', reason: entry.why ?? 'no suite here measures it' };
  const suite = suites.find((s) => s.suite === entry.suite);
  if (!suite) return { ...base, measured: `the ${entry.suite} suite was not run`, reason: `the ${entry.suite} suite judges it; it was not selected in this run` };
  if (suite.status !== 'ok') {
    const what = suite.status === 'failed' ? 'failed' : 'was skipped';
    return { ...base, measured: `the ${entry.suite} suite ${what}`, reason: `the ${entry.suite} suite judges it but ${what}${suite.reason ? `: ${suite.reason}` : ''}` };
  }
  return { ...base, measured: `the ${entry.suite} suite ran but did not judge it`, reason: `what it needs did not run or complete here (see the ${entry.suite} suite's warnings)` };
}

/**
 * Every claim: the suites' own verdicts in suite order, then a "cannot tell here" row
 * (why, and what would decide it) for every inventoried claim no suite judged, so the
 * report always covers every numeric claim of the documents.
 */
export function gatherClaims(suites: readonly SuiteResult[]): ClaimRow[] {
  // A suite's "cannot tell" without its own advice gets the inventory's: what would decide it.
  const judged = suites.flatMap((s) => s.claims).map((c) => {
    const decide = c.verdict === 'cannot-tell' && !c.measureWith ? inventoryEntry(c.id)?.decide : undefined;
    return decide ? { ...c, measureWith: decide } : c;
  });
  const seen = new Set(judged.map((c) => c.id));
  return [...judged, ...CLAIMS_INVENTORY.filter((e) => !seen.has(e.id)).map((e) => notJudged(e, suites))];
}

/** The claims as a Table (the same rows in the terminal, Markdown, CSV and HTML). */
export function claimsTable(claims: readonly ClaimRow[]): Table {
  return {
    title: "Claims from ProRT-IP's documents, measured here",
    columns: ['id', 'subject', 'claim', 'source', 'measured', 'verdict', 'why', 'to decide it'],
    rows: claims.map((c) => [c.id, SUBJECT_LABEL[c.subject] ?? c.subject, c.claim, c.source, c.measured, c.verdict, c.reason, c.measureWith ?? '']),
    notes: [
      "subject: prtip's function is judged on prtip's own criterion results (--criterion), never on our reproduction; a whole binary on whole runs of it; the work itself on our in-process floors",
      'a claim whose subject was not measured here is "cannot-tell", with what would decide it',
    ],
  };
}
