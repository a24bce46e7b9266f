/**
 * Failed suites in the reports: named at the top of bench.md and bench.html, and their
 * reasons and warnings free of JS stack traces and file paths (a report is read by
 * people who did not write the harness; the terminal run still has the details).
 */
import type { BenchResult, SuiteResult } from '../model/result.js';

/** An absolute path or file URL with a line number, as error messages and stacks quote them. */
const PATH_WITH_LINE = /\s*\(?(?:file:\/\/)?(?:\/[\w.@+-]+)+\.(?:[cm]?[jt]s|node)(?::\d+)+\)?/g;

/**
 * `text` without stack frames and source locations: "TypeError: x is not a function |
 * at run (/…/bench/foo.js:12:5)" becomes "TypeError: x is not a function". Lines (or
 * " | "-joined parts) that are stack frames ("at …") go; plain paths the message names on
 * purpose (a binary, a results folder) stay.
 */
export function withoutStackTrace(text: string): string {
  return text
    .split(/\n|\s\|\s/)
    .filter((part) => !/^\s*at\s/.test(part))
    .map((part) => part.replace(PATH_WITH_LINE, '').trim())
    .filter((part) => part !== '')
    .join(' | ');
}

/** A suite with its reason and warnings cleaned of stack traces. */
export function cleanSuite(s: SuiteResult): SuiteResult {
  return { ...s, ...(s.reason !== undefined ? { reason: withoutStackTrace(s.reason) } : {}), warnings: s.warnings.map(withoutStackTrace).filter((w) => w !== '') };
}

/** The failed suites of a run, each with its reason. */
export function failedSuites(r: BenchResult): { suite: string; title: string; reason: string }[] {
  return r.suites.filter((s) => s.status === 'failed').map((s) => ({ suite: s.suite, title: s.title, reason: withoutStackTrace(s.reason ?? '') }));
}

/** One sentence for the top of a report, or null when nothing failed: "2 suites failed: batch-size (…); prtip (…)." */
export function failedSuitesSentence(r: BenchResult): string | null {
  const failed = failedSuites(r);
  if (failed.length === 0) return null;
  const list = failed.map((f) => `${f.suite}${f.reason ? ` (${f.reason})` : ''}`).join('; ');
  return `${failed.length === 1 ? '1 suite' : `${failed.length} suites`} failed: ${list}. What ${failed.length === 1 ? 'it measures is' : 'they measure is'} missing from this report.`;
}

/** How a suite that did not finish is described in a sentence: "failed", "was skipped". */
export function statusPhrase(s: SuiteResult): string {
  return s.status === 'failed' ? 'failed' : s.status === 'skipped' ? 'was skipped' : 'ran';
}
