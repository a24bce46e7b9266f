/**
 * CSV exports (RFC 4180: comma-separated, CRLF line ends, quotes doubled): the
 * metrics, the claims, every table in long form, and the baseline comparison.
 */
import type { BaselineComparison } from '../analyse/baseline.js';
import { claimsTable } from './claims.js';
import type { BenchResult, Table } from '../model/result.js';

type CsvValue = string | number | boolean | null | undefined;

function csvField(v: CsvValue): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number' && !Number.isFinite(v)) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Rows (the first being the header) as CSV text. */
export function toCsv(rows: readonly (readonly CsvValue[])[]): string {
  return rows.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/** One Table as CSV (header = its columns). */
export function tableCsv(table: Table): string {
  return toCsv([table.columns, ...table.rows]);
}

/** Every tracked metric: suite, name, unit, better, value (median), sample count. */
export function metricsCsv(r: BenchResult): string {
  const rows: CsvValue[][] = [['suite', 'metric', 'unit', 'better', 'value', 'samples']];
  for (const s of r.suites) for (const m of s.metrics) rows.push([s.suite, m.name, m.unit, m.better, m.value, m.samples.length]);
  return toCsv(rows);
}

/** The claims table as CSV. */
export function claimsCsv(r: BenchResult): string {
  return tableCsv(claimsTable(r.claims));
}

/** Every suite table in long form: one line per cell, so tables of any shape share one file. */
export function tablesCsv(r: BenchResult): string {
  const rows: CsvValue[][] = [['suite', 'table', 'row', 'column', 'value']];
  for (const s of r.suites) {
    for (const t of s.tables) {
      t.rows.forEach((row, i) => t.columns.forEach((c, j) => rows.push([s.suite, t.title, i, c, row[j] ?? null])));
    }
  }
  return toCsv(rows);
}

/**
 * The baseline comparison, one line per metric, with what the terminal table shows: the
 * processes behind each side, the between-process noise (CV of the process medians, %), the
 * gate threshold it was judged at and whether it is too noisy to gate there.
 */
export function comparisonCsv(c: BaselineComparison): string {
  const rows: CsvValue[][] = [['suite', 'metric', 'unit', 'better', 'baseline', 'current', 'change_pct', 'ci_low_pct', 'ci_high_pct', 'p',
    'processes_baseline', 'processes_current', 'noise_cv_pct', 'gate_pct', 'too_noisy_to_gate', 'verdict']];
  for (const m of c.rows) {
    // the same test the gate makes: noisier than the threshold it was judged at
    const tooNoisy = m.gatePct === null || m.noisePct === null ? null : m.noisePct > m.gatePct;
    rows.push([m.suite, m.name, m.unit, m.better, m.baseline, m.current, m.changePct, m.ci?.[0], m.ci?.[1], m.p,
      m.processes.baseline, m.processes.current, m.noisePct, m.gatePct, tooNoisy, m.verdict]);
  }
  return toCsv(rows);
}
