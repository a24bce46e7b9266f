/** The claims table: every suite's verdicts on ProRT-IP's documented claims, in one place. */
import type { ClaimRow, SuiteResult, Table } from './result.js';

/** All claims of the given suites, in suite order. */
export function gatherClaims(suites: readonly SuiteResult[]): ClaimRow[] {
  return suites.flatMap((s) => s.claims);
}

/** The claims as a Table (the same rows in the terminal, Markdown, CSV and HTML). */
export function claimsTable(claims: readonly ClaimRow[]): Table {
  return {
    title: "Claims from ProRT-IP's documents, measured here",
    columns: ['id', 'claim', 'source', 'measured', 'verdict', 'why'],
    rows: claims.map((c) => [c.id, c.claim, c.source, c.measured, c.verdict, c.reason]),
  };
}
