/**
 * Every file a bench run writes into its results folder, one entry per exporter, in the
 * order they are written. The results folder derives its list of our file names from this
 * one (RESULT_FILES), so adding an exporter is one file that turns a BenchResult into text
 * plus one line here.
 */
import type { BaselineComparison } from '../analyse/baseline.js';
import { stringifyBenchResult } from '../model/json.js';
import type { BenchResult } from '../model/result.js';
import { bencherMetricFormat } from './bencher.js';
import { claimsCsv, comparisonCsv, metricsCsv, tablesCsv } from './csv.js';
import { actionBenchmarkArrays } from './github-action-benchmark.js';
import { htmlReport } from './html.js';
import { hyperfineExport, hyperfineJson } from './hyperfine.js';
import { markdownReport } from './markdown.js';

/** One results file: its name, and its text for a run (null: this run has nothing for it, so it is not written). */
export interface Exporter {
  file: string;
  write(result: BenchResult, comparison: BaselineComparison | undefined): string | null;
}

const json = (x: unknown): string => JSON.stringify(x, null, 2) + '\n';

/** github-action-benchmark's three arrays come from one pass over the run, shared by its three files. */
const actionArrays = new WeakMap<BenchResult, ReturnType<typeof actionBenchmarkArrays>>();
function actionArraysOf(r: BenchResult): ReturnType<typeof actionBenchmarkArrays> {
  let a = actionArrays.get(r);
  if (a === undefined) actionArrays.set(r, (a = actionBenchmarkArrays(r)));
  return a;
}

export const EXPORTERS: readonly Exporter[] = [
  { file: 'bench.json', write: (r) => stringifyBenchResult(r) },
  { file: 'bench.md', write: (r, c) => markdownReport(r, c) },
  { file: 'bench.html', write: (r, c) => htmlReport(r, c) },
  { file: 'metrics.csv', write: (r) => metricsCsv(r) },
  { file: 'claims.csv', write: (r) => claimsCsv(r) },
  { file: 'tables.csv', write: (r) => tablesCsv(r) },
  { file: 'comparison.csv', write: (_, c) => (c ? comparisonCsv(c) : null) },
  { file: 'github-action-benchmark-smaller.json', write: (r) => json(actionArraysOf(r).smaller) },
  { file: 'github-action-benchmark-bigger.json', write: (r) => json(actionArraysOf(r).bigger) },
  // Values the action's ratio cannot read (0 or negative), with the reason: never point the action at this one.
  { file: 'github-action-benchmark-ungated.json', write: (r) => json(actionArraysOf(r).ungated) },
  { file: 'bencher.json', write: (r) => json(bencherMetricFormat(r)) },
  { file: 'hyperfine.json', write: (r) => { const h = hyperfineExport(r); return h.results.length > 0 ? hyperfineJson(h) : null; } },
];

/** The files of one run, in order: [name, text] for every exporter that has something to write. */
export function exportedFiles(result: BenchResult, comparison?: BaselineComparison): [string, string][] {
  return EXPORTERS.flatMap((e) => {
    const text = e.write(result, comparison);
    return text === null ? [] : [[e.file, text] as [string, string]];
  });
}
