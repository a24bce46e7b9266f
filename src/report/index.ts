/**
 * The results API (the library exports it as `results`): the BenchResult type, machine
 * metadata, the exporters, baselines and the comparison behind the CI gate.
 */
export { BENCH_RESULT_VERSION, type BenchResult } from '../model/result.js';
export { type MachineInfo, cpuMitigations, machineInfo, machineSummary } from '../measure/machine.js';
export { benchResultSchemaPath, parseBenchResult, stringifyBenchResult } from '../model/json.js';
export { markdownReport, markdownTable } from './markdown.js';
export { claimsCsv, comparisonCsv, metricsCsv, tableCsv, tablesCsv, toCsv } from './csv.js';
export { type ActionBenchmarkEntry, actionBenchmarkArrays } from './github-action-benchmark.js';
export { type BencherMetric, type BencherMetricFormat, bencherMeasure, bencherMetricFormat } from './bencher.js';
export { cleanSuite, failedSuites, failedSuitesSentence, withoutStackTrace } from './failures.js';
export { MANIFEST, RESULT_FILES, type ResultsManifest, writeResultsFolder } from './results-folder.js';
export { type HyperfineExport, type HyperfineResult, hyperfineExport, hyperfineJson } from './hyperfine.js';
export { hyperfineCsv, hyperfineMarkdown } from './hyperfine.js';
export { type ChartSection, chartSections, htmlReport } from './html.js';
export { claimsTable } from './claims.js';
export {
  type BaselineComparison, type ChangeVerdict, type CompareOptions, type MetricComparison, DEFAULT_BASELINE_DIR, DEFAULT_NOISE_THRESHOLD_PCT,
  bootstrapChangeInterval, changeVerdict, compareResults, comparisonTable, listBaselines, loadBaseline, regressionsBeyond, saveBaseline,
} from '../analyse/baseline.js';
export { ProgressLine, progressEnabled } from '../core/progress.js';
