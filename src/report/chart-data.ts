/**
 * Finding the numbers to plot in the suites' results. Each suite records its rows in
 * SuiteResult.data and in its tables; the report reads records from both, picks
 * fields by name, and says "not measured" when a suite or a field is absent, so a
 * suite changing its layout degrades a chart, never the report.
 */
import type { SuiteResult } from '../model/result.js';

/** One row of a suite's numbers: field name → value, plus where it came from. */
export type DataRecord = Record<string, unknown>;

/** A list of rows, named after the data key or table title it came from. */
export interface RecordSet {
  source: string;
  records: DataRecord[];
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Every array of objects in `data` (up to depth 4), and every table as records keyed by column. */
export function recordSets(suite: SuiteResult | undefined): RecordSet[] {
  if (suite === undefined) return [];
  const out: RecordSet[] = [];
  const walk = (value: unknown, path: string, depth: number): void => {
    if (depth > 4) return;
    if (Array.isArray(value)) {
      const objects = value.filter(isPlainObject);
      if (objects.length > 0 && objects.length === value.length) out.push({ source: path, records: objects });
      for (const [i, v] of value.entries()) if (isPlainObject(v) || Array.isArray(v)) walk(v, `${path}[${i}]`, depth + 1);
    } else if (isPlainObject(value)) {
      for (const [k, v] of Object.entries(value)) walk(v, path ? `${path}.${k}` : k, depth + 1);
    }
  };
  walk(suite.data ?? {}, 'data', 0);
  for (const t of suite.tables) {
    out.push({ source: `table: ${t.title}`, records: t.rows.map((r) => Object.fromEntries(t.columns.map((c, i) => [c, r[i] ?? null]))) });
  }
  return out;
}

/** A number from a field: numbers as they are, strings like "1,234.5 pps" or "12.3 ± 0.4" by their first number. */
export function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const m = /-?\d[\d,]*(?:\.\d+)?(?:e[+-]?\d+)?/i.exec(v);
    return m ? Number(m[0].replace(/,/g, '')) : NaN;
  }
  return NaN;
}

/** The first field of `record`'s keys that matches one of `patterns`, in pattern order. */
export function findField(keys: readonly string[], patterns: readonly RegExp[]): string | undefined {
  for (const p of patterns) {
    const k = keys.find((key) => p.test(key));
    if (k !== undefined) return k;
  }
  return undefined;
}

/** A record set that has a field for each of `required`'s pattern lists, and which fields those are. */
export function findRecordSet<K extends string>(
  sets: readonly RecordSet[],
  required: Record<K, readonly RegExp[]>,
  accept: (set: RecordSet) => boolean = () => true,
): { set: RecordSet; fields: Record<K, string> } | undefined {
  for (const set of sets) {
    if (!accept(set)) continue;
    const keys = [...new Set(set.records.flatMap((r) => Object.keys(r)))];
    const fields = {} as Record<K, string>;
    let ok = true;
    for (const [name, patterns] of Object.entries(required) as [K, readonly RegExp[]][]) {
      const f = findField(keys, patterns);
      if (f === undefined) {
        ok = false;
        break;
      }
      fields[name] = f;
    }
    if (ok) return { set, fields };
  }
  return undefined;
}

/** The keys present in a record set. */
export function keysOf(set: RecordSet): string[] {
  return [...new Set(set.records.flatMap((r) => Object.keys(r)))];
}

/** One line of a chart: a name and its (x, y) points. */
export interface SeriesPoints {
  name: string;
  points: { x: number; y: number }[];
}

/**
 * The batch-size suite's send-method rows (data.sendMethods: place, method, perCall, pps)
 * as lines, one per place and method: x = packets per send call, y = median pps.
 * Unsupported points (no pps) are left out.
 */
export function sendMethodSeries(suite: SuiteResult | undefined): SeriesPoints[] {
  const rows = suite?.data?.sendMethods;
  if (!Array.isArray(rows)) return [];
  const lines = new Map<string, { x: number; y: number }[]>();
  for (const row of rows) {
    if (!isPlainObject(row) || typeof row.pps !== 'number' || typeof row.perCall !== 'number') continue;
    const name = `${String(row.place)} ${String(row.method)}`;
    if (!lines.has(name)) lines.set(name, []);
    lines.get(name)!.push({ x: row.perCall, y: row.pps });
  }
  return [...lines].map(([name, points]) => ({ name, points: points.sort((a, b) => a.x - b.x) }));
}
