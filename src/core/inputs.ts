/**
 * Input checked at the door: files a user hands us (baselines, criterion output) are read
 * only when they are regular files under a size cap (a FIFO would block the run forever,
 * a 1 GB sparse file would be read in full), and their shape is checked before the first
 * suite runs, so a bad one is one line naming the file and the field, not a stack trace
 * minutes later.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

/** Criterion's files are a few KB; a bench result a few MB. */
export const MAX_CRITERION_FILE_BYTES = 16 << 20;
export const MAX_BASELINE_BYTES = 256 << 20;

/**
 * Reads `path` as UTF-8 when it is a regular file of at most `maxBytes`; otherwise a
 * RangeError naming it. Opened non-blocking, so a FIFO is refused instead of waited on.
 */
export function readRegularFile(path: string, maxBytes: number): string {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new RangeError(`${path}: not a regular file`);
    if (st.size > maxBytes) throw new RangeError(`${path}: ${st.size} bytes, more than the ${maxBytes} this input may have`);
    const buf = Buffer.alloc(st.size);
    let off = 0;
    while (off < st.size) {
      const n = readSync(fd, buf, off, st.size - off, off);
      if (n === 0) break;
      off += n;
    }
    return buf.subarray(0, off).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** A JSON file read under the rules above. */
export function readJsonFile(path: string, maxBytes = MAX_CRITERION_FILE_BYTES): unknown {
  return JSON.parse(readRegularFile(path, maxBytes));
}

// null (and the NaN parseBenchResult turns it into) is "no value"; ±Infinity (1e309 in JSON) is not a figure.
const isNum = (x: unknown): boolean => x === null || (typeof x === 'number' && x !== Infinity && x !== -Infinity);

/** The first field of a parsed bench result that compareResults could not use, or undefined. */
function badBenchResultField(r: Record<string, unknown>): string | undefined {
  if (!Array.isArray(r['suites'])) return 'suites: not an array';
  for (const [i, s] of (r['suites'] as unknown[]).entries()) {
    if (s === null || typeof s !== 'object') return `suites[${i}]: not an object`;
    const suite = s as Record<string, unknown>;
    if (typeof suite['suite'] !== 'string') return `suites[${i}].suite: not a string`;
    if (!Array.isArray(suite['metrics'])) return `suites[${i}].metrics: not an array`;
    for (const [j, m] of (suite['metrics'] as unknown[]).entries()) {
      const bad = badMetricField(m);
      if (bad !== undefined) return `suites[${i}].metrics[${j}]${bad}`;
    }
  }
  return undefined;
}

function badMetricField(m: unknown): string | undefined {
  if (m === null || typeof m !== 'object') return ': not an object';
  const metric = m as Record<string, unknown>;
  if (typeof metric['name'] !== 'string') return '.name: not a string';
  if (typeof metric['unit'] !== 'string') return '.unit: not a string';
  if (metric['better'] !== 'smaller' && metric['better'] !== 'bigger') return '.better: not "smaller" or "bigger"';
  if (!isNum(metric['value'])) return '.value: not a finite number';
  if (!Array.isArray(metric['samples']) || !(metric['samples'] as unknown[]).every(isNum)) return '.samples: not an array of finite numbers';
  if (metric['forks'] === undefined) return undefined;
  if (!Array.isArray(metric['forks'])) return '.forks: not an array';
  for (const [k, f] of (metric['forks'] as unknown[]).entries()) {
    if (f === null || typeof f !== 'object') return `.forks[${k}]: not an object`;
    for (const key of ['median', 'n', 'min', 'max']) {
      const v = (f as Record<string, unknown>)[key];
      if (typeof v !== 'number' || !Number.isFinite(v)) return `.forks[${k}].${key}: not a finite number`;
    }
  }
  return undefined;
}

/** Returns `r` when its suites and metrics are usable for a comparison; else a RangeError naming the file and field. */
export function checkedBenchResult<T>(r: T, file: string): T {
  const bad = badBenchResultField(r as Record<string, unknown>);
  if (bad !== undefined) throw new RangeError(`${file}: ${bad}`);
  return r;
}

/** Criterion estimates are ns per iteration: below a picosecond or above a day is not a measurement. */
const PLAUSIBLE_NS: readonly [number, number] = [1e-3, 86_400e9];

/** Why an estimate (point and interval, ns) cannot be judged, or undefined when it can. */
export function implausibleEstimate(e: { point: number; low: number; high: number } | null): string | undefined {
  if (e === null) return undefined;
  for (const [k, v] of [['point_estimate', e.point], ['lower_bound', e.low], ['upper_bound', e.high]] as const) {
    if (!Number.isFinite(v) || v < PLAUSIBLE_NS[0] || v > PLAUSIBLE_NS[1]) return `${k} ${v} ns is outside ${PLAUSIBLE_NS[0]}..${PLAUSIBLE_NS[1]} ns`;
  }
  return undefined;
}
