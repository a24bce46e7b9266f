/** Plain-text tables for terminals and logs. */
/** A titled table: the shape every report format renders (model/result.ts re-exports it). */
export interface Table {
  title: string;
  columns: string[];
  rows: (string | number | null)[][];
  notes?: string[];
}

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

/** Options of formatTable. */
export interface FormatOptions {
  /** Wrap text cells wider than this at spaces onto more lines (default: no wrapping). */
  maxCellWidth?: number;
}

/** `text` in lines of at most `width` characters, broken at spaces (a longer word stays whole). */
export function wrapText(text: string, width: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(/\s+/).filter((w) => w.length > 0)) {
    if (current.length > 0 && current.length + 1 + word.length > width) {
      lines.push(current);
      current = word;
    } else {
      current = current.length > 0 ? `${current} ${word}` : word;
    }
  }
  lines.push(current);
  return lines;
}

/**
 * A table as aligned plain text, title first and notes last. Numbers right-aligned, text
 * left-aligned; with maxCellWidth, long text cells wrap and the row grows downwards.
 */
export function formatTable(table: Table, options: FormatOptions = {}): string {
  const numeric = table.columns.map((_, i) => table.rows.length > 0 && table.rows.every((r) => r[i] === null || typeof r[i] === 'number'));
  const max = options.maxCellWidth;
  const rows = table.rows.map((r) => table.columns.map((_, i) => {
    const text = formatCell(r[i] ?? null);
    return max !== undefined && text.length > max && !numeric[i] ? wrapText(text, max) : [text];
  }));
  const widths = table.columns.map((c, i) => Math.max(c.length, ...rows.map((r) => Math.max(...r[i]!.map((l) => l.length)))));
  const line = (cells: string[]): string => cells.map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  const out = [table.title, line(table.columns), widths.map((w) => '-'.repeat(w)).join('  ')];
  for (const r of rows) {
    const height = Math.max(...r.map((c) => c.length));
    for (let k = 0; k < height; k++) out.push(line(r.map((c) => c[k] ?? '')));
  }
  for (const note of table.notes ?? []) out.push(`  ${note}`);
  return out.join('\n');
}
