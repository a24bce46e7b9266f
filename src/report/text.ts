/** Plain-text tables for terminals and logs. */
import type { Table } from './result.js';

/** A table cell for display: integers grouped, fractions with 1-3 decimals, null as a dash. */
export function formatCell(v: string | number | null): string {
  if (v === null) return '—';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return String(v);
    if (Number.isInteger(v)) return v.toLocaleString('en-US');
    const abs = Math.abs(v);
    return v.toFixed(abs >= 100 ? 1 : abs >= 1 ? 2 : 3);
  }
  return v;
}

/** A table as aligned plain text, title first and notes last. */
export function formatTable(table: Table): string {
  const rows = table.rows.map((r) => r.map(formatCell));
  const widths = table.columns.map((c, i) => Math.max(c.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const out = [table.title, line(table.columns), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
  for (const note of table.notes ?? []) out.push(`  ${note}`);
  return out.join('\n');
}
