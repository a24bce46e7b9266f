/** The JSON form of a BenchResult: writing it, reading it back, and where its schema is. */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCH_RESULT_VERSION, type BenchResult } from './result.js';

const SCHEMA_FILE = 'bench-result.schema.json';

/**
 * The JSON Schema file of BenchResult. It lives beside this module's source
 * (src/model/); from dist/src/model/ that is three folders up and back down.
 */
export function benchResultSchemaPath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const candidate of [join(here, SCHEMA_FILE), join(here, '..', '..', '..', 'src', 'model', SCHEMA_FILE)]) {
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`cannot find ${SCHEMA_FILE} near ${here}`);
}

/** Non-finite numbers become null (JSON has no NaN); everything else as is. */
function finiteOrNull(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? null : value;
}

/**
 * JSON indented for reading, except that arrays of plain values (samples, timelines,
 * table rows) stay on one line: indenting every number would triple the file.
 */
export function stringifyReadable(value: unknown, indent = '  ', depth = 0): string {
  const json = JSON.stringify(value, finiteOrNull);
  if (json === undefined) return 'null';
  if (value === null || typeof value !== 'object') return json;
  const pad = indent.repeat(depth + 1), end = indent.repeat(depth);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (value.every((v) => v === null || typeof v !== 'object' || (Array.isArray(v) && v.every((x) => x === null || typeof x !== 'object')))) return json;
    return `[\n${value.map((v) => pad + stringifyReadable(v ?? null, indent, depth + 1)).join(',\n')}\n${end}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined && typeof v !== 'function');
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, v]) => `${pad}${JSON.stringify(k)}: ${stringifyReadable(v, indent, depth + 1)}`).join(',\n')}\n${end}}`;
}

/** The result as readable JSON with a trailing newline (non-finite numbers as null). */
export function stringifyBenchResult(result: BenchResult): string {
  return stringifyReadable(result) + '\n';
}

/**
 * Parses a BenchResult, checking its kind and version (a full check is the schema's
 * job; this catches the wrong file or an incompatible version with a clear message).
 * Nulls stand for non-finite numbers in metric values and samples, and come back as NaN.
 */
export function parseBenchResult(text: string, source = 'input'): BenchResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new RangeError(`${source}: not JSON (${(err as Error).message})`);
  }
  const r = value as Partial<BenchResult> | null;
  if (r === null || typeof r !== 'object' || r.kind !== 'prtip-perf/bench-result') {
    throw new RangeError(`${source}: not a prtip-perf bench result (expected kind "prtip-perf/bench-result")`);
  }
  if (r.version !== BENCH_RESULT_VERSION) {
    throw new RangeError(`${source}: bench result version ${String(r.version)}, this prtip-perf reads version ${BENCH_RESULT_VERSION}`);
  }
  if (!Array.isArray(r.suites)) throw new RangeError(`${source}: "suites" is not an array`);
  for (const s of r.suites) {
    for (const m of s.metrics ?? []) {
      if (m.value === null) m.value = NaN;
      m.samples = (m.samples ?? []).map((x) => (x === null ? NaN : x));
    }
  }
  return r as BenchResult;
}
