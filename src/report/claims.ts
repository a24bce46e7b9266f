/** The claims table: every claim of ProRT-IP's documents with its verdict, in one place. */
import type { ClaimRow, ClaimSubject, Table } from '../model/result.js';

/** Short labels for the subject column. */
const SUBJECT_LABEL: Record<ClaimSubject, string> = {
  'prtip-function': "prtip's function (its criterion results)",
  'whole-binary': 'whole binary (whole runs)',
  'the-work': 'the work (our floors)',
};

/** The claims as a Table (the same rows in the terminal, Markdown, CSV and HTML). */
export function claimsTable(claims: readonly ClaimRow[]): Table {
  return {
    title: "Claims from ProRT-IP's documents, measured here",
    columns: ['id', 'family', 'subject', 'claim', 'source', "the document's words", 'measured', 'interval', 'band', 'verdict', 'why', 'to decide it'],
    rows: claims.map((c) => [c.id, c.family ?? '', SUBJECT_LABEL[c.subject] ?? c.subject, c.claim, c.source, c.words ?? '', c.measured, c.interval ?? '', c.band ?? '', c.verdict, c.reason, c.measureWith ?? '']),
    notes: [
      "subject: prtip's function is judged on prtip's own criterion results (--criterion), never on our reproduction; a whole binary on whole runs of it; the work itself on our in-process floors",
      'verdict: "holds" when the interval (between processes or runs) lies inside the band; "does-not-hold" when it lies wholly outside the band widened by its margin; otherwise "cannot-tell", with what would decide it',
    ],
  };
}
