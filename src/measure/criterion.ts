/**
 * prtip's own criterion results (`cargo bench` output, typically ProRT-IP's target/criterion),
 * read so that claims about prtip's functions are judged on prtip's numbers, and mapped to
 * our measurement of the same work (the packet, options and packets per iteration of
 * crates/prtip-network/benches/packet_crafting.rs and batch_io.rs).
 *
 * Layout read (criterion 0.5): <dir>/<group>/<function or parameter>[/<parameter>]/<baseline>/
 * benchmark.json (full_id, throughput), estimates.json (mean, median, slope, ns per iteration,
 * with 95% intervals) and sample.json (iters, times). <baseline> is "new" (the last run) or
 * a name given to `cargo bench -- --save-baseline NAME`. The harness never runs cargo.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { implausibleEstimate, readJsonFile } from '../core/inputs.js';
import { delimiter, join, relative } from 'node:path';
import type { Metric } from '../model/result.js';

/** A criterion estimate: the point and its confidence interval, ns per iteration. */
export interface CriterionEstimate {
  point: number;
  low: number;
  high: number;
  confidence: number;
}

export interface CriterionBenchmark {
  /** criterion's full id, e.g. "tcp_packet_old_api/1000". */
  id: string;
  /** The benchmark's directory, relative to the criterion directory. */
  path: string;
  /** The headline figure criterion prints: the slope when it fitted one (linear sampling), else the mean. */
  estimate: CriterionEstimate | null;
  statistic: 'slope' | 'mean' | null;
  median: CriterionEstimate | null;
  /** Throughput::Elements from benchmark.json (packets per iteration in prtip's benches). */
  elements: number | null;
  /** Number of samples in sample.json (0 when it is missing). */
  samples: number;
  /** What is missing or malformed (a partial directory); empty when complete. */
  problems: string[];
}

export interface CriterionResults {
  dir: string;
  baseline: string;
  benchmarks: CriterionBenchmark[];
  /** Other baselines found (to name in messages). */
  otherBaselines: string[];
  warnings: string[];
}

/** How a user produces the directory (the harness never does). */
export const CRITERION_COMMANDS = [
  'cd ProRT-IP && cargo bench -p prtip-network --bench packet_crafting',
  'cd ProRT-IP && cargo bench -p prtip-network --bench batch_io   # sendmmsg_syscall needs root or CAP_NET_RAW',
];
export const CRITERION_HINT = `${CRITERION_COMMANDS.join('; ')}; then npm run bench -- --criterion ProRT-IP/target/criterion`;

const BASELINE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
// criterion's own bookkeeping directories beside the baselines
const NOT_BASELINES = new Set(['report', 'change']);

/**
 * A criterion file's JSON, or undefined when the file is absent (criterion stopped early: the
 * benchmark is partial, with a warning). A file that is there but unreadable, not a regular
 * file, over the size cap or not JSON is bad input: a RangeError naming the option and the
 * file, so the run stops at the door (exit 2) instead of judging around it.
 */
function readPresent(path: string, param: string): unknown {
  if (!existsSync(path)) return undefined;
  try {
    return readJsonFile(path); // regular files under a size cap: a FIFO never hangs the run
  } catch (err) {
    const why = err instanceof SyntaxError ? `not valid JSON (${err.message})` : (err as Error).message.replace(`${path}: `, '');
    throw new RangeError(`${param}: ${path}: ${why}`);
  }
}

/** A RangeError naming the option, the file and the field that is not what criterion writes. */
function badField(param: string, path: string, field: string, expected: string, got: unknown): RangeError {
  const shown = got === undefined ? 'nothing' : JSON.stringify(got)?.slice(0, 60) ?? String(got);
  return new RangeError(`${param}: ${path}: ${field}: expected ${expected}, got ${shown}`);
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/**
 * One statistic of estimates.json: null when criterion wrote none (slope is null for flat
 * sampling); a wrong shape throws. A number that is no figure (1e308, 5e-324, negative) is
 * left to dropImplausible: a warning and "cannot tell", as the issue asks, never a throw.
 */
function estimateOf(v: unknown, field: string, path: string, param: string): CriterionEstimate | null {
  if (v === undefined || v === null) return null;
  if (!isObject(v)) throw badField(param, path, field, 'an object with point_estimate and confidence_interval', v);
  const point = v['point_estimate'];
  if (typeof point !== 'number') throw badField(param, path, `${field}.point_estimate`, 'a number', point);
  const ci = v['confidence_interval'];
  if (ci !== undefined && !isObject(ci)) throw badField(param, path, `${field}.confidence_interval`, 'an object', ci);
  const low = ci?.['lower_bound'], high = ci?.['upper_bound'], level = ci?.['confidence_level'];
  for (const [name, x] of [['lower_bound', low], ['upper_bound', high], ['confidence_level', level]] as const) {
    if (x !== undefined && typeof x !== 'number') throw badField(param, path, `${field}.confidence_interval.${name}`, 'a number', x);
  }
  return {
    point,
    low: typeof low === 'number' && Number.isFinite(low) ? low : point,
    high: typeof high === 'number' && Number.isFinite(high) ? high : point,
    confidence: typeof level === 'number' ? level : 0.95,
  };
}

/** A non-finite or absurd estimate (1e308, 5e-324 ns, negative) is a problem and "cannot tell", never a figure to judge. */
function dropImplausible(b: CriterionBenchmark): void {
  const why = b.estimate && (b.estimate.point < 0 ? 'a negative time' : implausibleEstimate(b.estimate));
  if (why) {
    b.problems.push(`estimates.json ${b.statistic}: ${why}`);
    b.estimate = null;
    b.statistic = null;
  }
  if (b.median && (b.median.point < 0 || implausibleEstimate(b.median) !== undefined)) b.median = null;
}

/** benchmark.json: the id and the declared elements per iteration. */
function readMeta(baselineDir: string, param: string): { id: string; elements: number | null } | undefined {
  const file = join(baselineDir, 'benchmark.json');
  const meta = readPresent(file, param);
  if (meta === undefined) return undefined;
  if (!isObject(meta)) throw badField(param, file, '(top level)', 'an object', meta);
  const id = meta['full_id'];
  if (typeof id !== 'string' || id === '') throw badField(param, file, 'full_id', 'the benchmark\'s id (a non-empty string)', id);
  const throughput = meta['throughput'];
  const el = isObject(throughput) ? throughput['Elements'] : undefined;
  if (el !== undefined && (typeof el !== 'number' || !(el > 0))) throw badField(param, file, 'throughput.Elements', 'a positive number', el);
  return { id, elements: typeof el === 'number' ? el : null };
}

/** estimates.json into b: slope, else mean; problems when absent. */
function readEstimates(b: CriterionBenchmark, baselineDir: string, param: string): void {
  const file = join(baselineDir, 'estimates.json');
  const est = readPresent(file, param);
  if (est === undefined) return void b.problems.push('estimates.json missing');
  if (!isObject(est)) throw badField(param, file, '(top level)', 'an object', est);
  const slope = estimateOf(est['slope'], 'slope', file, param), mean = estimateOf(est['mean'], 'mean', file, param);
  b.median = estimateOf(est['median'], 'median', file, param);
  if (slope) [b.estimate, b.statistic] = [slope, 'slope'];
  else if (mean) [b.estimate, b.statistic] = [mean, 'mean'];
  else b.problems.push('estimates.json has neither a slope nor a mean');
  dropImplausible(b);
}

/** sample.json into b: how many samples criterion took. */
function readSamples(b: CriterionBenchmark, baselineDir: string, param: string): void {
  const file = join(baselineDir, 'sample.json');
  const s = readPresent(file, param);
  if (s === undefined) return void b.problems.push('sample.json missing');
  if (!isObject(s)) throw badField(param, file, '(top level)', 'an object', s);
  const iters = s['iters'], times = s['times'];
  if (!Array.isArray(iters)) throw badField(param, file, 'iters', 'an array', iters);
  if (!Array.isArray(times) || times.length !== iters.length) throw badField(param, file, 'times', `an array as long as iters (${iters.length})`, Array.isArray(times) ? `${times.length} entries` : times);
  if (iters.length === 0) b.problems.push('sample.json has no samples');
  else b.samples = iters.length;
}

/** One benchmark from its <baseline> directory; problems say what is missing, bad files throw. */
function readBenchmark(root: string, baselineDir: string, param: string): CriterionBenchmark | { skip: string } {
  const path = relative(root, join(baselineDir, '..')) || '.';
  const meta = readMeta(baselineDir, param);
  if (meta === undefined) return { skip: `${path}: benchmark.json missing; skipped` };
  const b: CriterionBenchmark = { id: meta.id, path, estimate: null, statistic: null, median: null, elements: meta.elements, samples: 0, problems: [] };
  readEstimates(b, baselineDir, param);
  readSamples(b, baselineDir, param);
  return b;
}

/**
 * Reads a criterion output directory. Throws TypeError/RangeError (naming `param`, the file
 * and the field) when it is not a directory, holds no benchmark for `baseline`, or holds a
 * file that is not what criterion writes; a partial benchmark (a missing file: criterion
 * stopped early) is kept with its problems and a warning, never dropped silently.
 */
export function readCriterion(dir: unknown, baseline: unknown = 'new', param = '--criterion'): CriterionResults {
  if (typeof dir !== 'string' || dir === '') throw new TypeError(`${param}: expected a directory path (prtip's target/criterion), got ${JSON.stringify(dir)}`);
  if (typeof baseline !== 'string' || !BASELINE_NAME.test(baseline) || NOT_BASELINES.has(baseline)) {
    throw new RangeError(`--criterion-baseline: expected "new" or a name given to cargo bench -- --save-baseline NAME (letters, digits, _ . -), got ${JSON.stringify(baseline)}`);
  }
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    throw new RangeError(`${param}: "${dir}" does not exist; expected prtip's criterion output directory (target/criterion), made by: ${CRITERION_COMMANDS.join('; ')}`);
  }
  if (!isDir) throw new RangeError(`${param}: "${dir}" is not a directory; expected prtip's target/criterion`);

  const found: string[] = [];
  const baselines = new Set<string>();
  const walk = (d: string, depth: number): void => {
    if (depth > 6) return;
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (!e.isDirectory() || e.name === 'report') continue;
      const sub = join(d, e.name);
      if (existsSync(join(sub, 'benchmark.json'))) {
        baselines.add(e.name);
        if (e.name === baseline) found.push(sub);
      } else walk(sub, depth + 1);
    }
  };
  walk(dir, 0);
  const otherBaselines = [...baselines].filter((b) => b !== baseline && !NOT_BASELINES.has(b)).sort();
  if (found.length === 0) {
    throw new RangeError(`${param}: no criterion benchmark under "${dir}" for baseline "${baseline}" (looked for <benchmark>/${baseline}/benchmark.json)` +
      (otherBaselines.length > 0 ? `; baselines there: ${otherBaselines.join(', ')} (choose one with --criterion-baseline NAME)` : `; is this prtip's target/criterion? It is made by: ${CRITERION_COMMANDS.join('; ')}`));
  }
  const warnings: string[] = [];
  const benchmarks: CriterionBenchmark[] = [];
  for (const f of found.sort()) {
    const b = readBenchmark(dir, f, param);
    if ('skip' in b) warnings.push(`criterion: ${b.skip}`);
    else {
      if (b.problems.length > 0) warnings.push(`criterion: ${b.id} is partial (${b.problems.join('; ')}): ${b.estimate ? 'its estimate is used' : 'it has no figure and judges nothing'}`);
      benchmarks.push(b);
    }
  }
  return { dir, baseline, benchmarks, otherBaselines, warnings };
}

// ---- the mapping: prtip's benchmark ids → our measurement of the same work ----

/** Where a per-packet figure of ours comes from: a metric of an earlier suite. */
export interface OurFigure {
  /** Metric name, e.g. "packet-crafting/ipv4-syn/reuse/x1000". */
  metric: string;
  /** How the metric becomes ns per packet. */
  unit: 'ns/packet' | 'pps';
  /** 'exact': the same packet, options and packets per call; 'nearest': what differs is in `note`. */
  match: 'exact' | 'nearest';
  note: string;
}

export interface CriterionMapping {
  /** What prtip's benchmark does per iteration. */
  work: string;
  packetsPerIteration: number;
  ours: OurFigure | null;
  floor: OurFigure | null;
}

const CRAFT_GROUPS = [10, 100, 1000];
const nearestGroup = (n: number): number => CRAFT_GROUPS.reduce((a, b) => (Math.abs(Math.log(b / n)) < Math.abs(Math.log(a / n)) ? b : a));
const craft = (kind: string, strategy: string, group: number, match: OurFigure['match'], note: string): OurFigure =>
  ({ metric: `packet-crafting/${kind}/${strategy}/x${group}`, unit: 'ns/packet', match, note });
const SYN_MSS = 'IPv4 TCP SYN to port 80, window 65535, MSS 1460 (44 B)';
const EMPTY_54 = 'a zeroed 54-byte Vec allocated per packet and pushed into a PacketBatch (no packet is crafted)';

/** The mapping for one of prtip's benchmark ids, or null when it is not mapped. */
export function mapCriterionId(id: string): CriterionMapping | null {
  let m: RegExpExecArray | null;
  if ((m = /^tcp_packet_(old_api|zero_copy)\/(\d+)$/.exec(id))) {
    const n = Number(m[2]), old = m[1] === 'old_api', g = nearestGroup(n);
    return {
      work: `${n} × ${SYN_MSS}, ${old ? 'TcpPacketBuilder::build() (a Vec per packet)' : 'build_with_buffer() into a thread-local pool'}`,
      packetsPerIteration: n,
      // the same 44-byte SYN with MSS 1460 alone; exact when the packets per call match too
      ours: craft('ipv4-syn-mss', old ? 'alloc' : 'reuse', g, g === n ? 'exact' : 'nearest',
        `${old ? 'one 1500 B malloc per packet, built field by field' : 'field by field into a preallocated buffer'}${g !== n ? `; ${g} per call, not ${n}` : ''}`),
      floor: craft('ipv4-syn-mss', 'template', g, g === n ? 'exact' : 'nearest', 'copy a template, patch port and sequence, RFC 1624 checksum updates'),
    };
  }
  if ((m = /^packet_throughput\/(old_api|zero_copy)_1k_packets$/.exec(id))) {
    const old = m[1] === 'old_api';
    return {
      work: `1000 × IPv4 TCP SYN to port 80, window 65535, no options (40 B), ${old ? 'build() (a Vec per packet)' : 'build_with_buffer()'}`,
      packetsPerIteration: 1000,
      ours: craft('ipv4-syn', old ? 'alloc' : 'reuse', 1000, 'exact', old ? 'one 1500 B malloc per packet, built field by field' : 'field by field into a preallocated buffer'),
      floor: craft('ipv4-syn', 'template', 1000, 'exact', 'copy a template, patch port and sequence, RFC 1624 checksum updates'),
    };
  }
  if ((m = /^packet_with_options\/(old_api|zero_copy)_with_options$/.exec(id))) {
    const old = m[1] === 'old_api';
    return {
      work: `100 × IPv4 TCP SYN with MSS 1460, WS 7, SACK permitted (52 B), ${old ? 'build()' : 'build_with_buffer()'}`,
      packetsPerIteration: 100,
      ours: craft('ipv4-syn-options', old ? 'alloc' : 'reuse', 100, 'exact', old ? 'one 1500 B malloc per packet' : 'into a preallocated buffer'),
      floor: craft('ipv4-syn-options', 'template', 100, 'exact', 'template + incremental checksums'),
    };
  }
  if ((m = /^(?:packet_batch\/(?:create_and_fill|reuse_with_clear)|batch_sender_overhead\/add_packet|end_to_end_pipeline\/craft_and_batch)\/(\d+)$/.exec(id))) {
    const n = Number(m[1]), g = nearestGroup(n);
    const note = `prtip allocates ${EMPTY_54.replace(' (no packet is crafted)', '')} and crafts nothing; ours allocates 1500 B and crafts an IPv4 SYN per packet, ${g} per call`;
    return {
      work: `${n} × ${EMPTY_54}`,
      packetsPerIteration: n,
      ours: craft('ipv4-syn', 'alloc', g, 'nearest', note),
      floor: craft('ipv4-syn', 'template', g, 'nearest', 'the cheapest way measured here to fill a batch slot with a (real) SYN'),
    };
  }
  if ((m = /^sendmmsg_syscall\/flush\/(\d+)$/.exec(id))) {
    const n = Number(m[1]);
    return {
      work: `${n} zeroed 54-byte frames (a Vec each) added to BatchSender on "lo", then flush(): sendmmsg, inside a tokio block_on`,
      packetsPerIteration: n,
      // prtip's BatchSender writes link-layer frames to an AF_PACKET socket, which skips the IP stack; nothing here sends that way,
      // so there is no floor for its work: the nearest is our IP send path, which is more work, not less.
      ours: { metric: `batch-size/ipv4-send-path/b${n}/pps`, unit: 'pps', match: 'nearest', note: `raw IPv4 SYNs through the IP send path (sendmmsg batch ${n}, a veth whose peer is down); prtip's zeroed frames go to AF_PACKET on lo and skip the IP stack, so ours is more work` },
      floor: null,
    };
  }
  return null;
}

/** One row of the side-by-side: prtip's figure, our reproduction, the floor, the headroom. */
export interface CriterionRow {
  id: string;
  work: string;
  packetsPerIteration: number;
  /** prtip's ns per packet (criterion's headline estimate / packets per iteration), its interval, and which estimate. */
  prtipNs: number | null;
  prtipLowNs: number | null;
  prtipHighNs: number | null;
  statistic: string;
  oursNs: number | null;
  ours: string;
  match: string;
  floorNs: number | null;
  floor: string;
  /** prtip ÷ floor. */
  headroom: number | null;
  note: string;
}

function figure(f: OurFigure | null, metrics: ReadonlyMap<string, Metric>): { ns: number | null; text: string } {
  if (!f) return { ns: null, text: 'no floor measured here for this work' };
  const m = metrics.get(f.metric);
  const suite = f.metric.split('/')[0]!;
  if (!m || !Number.isFinite(m.value) || m.value <= 0) return { ns: null, text: `${f.metric}: not measured (the ${suite} suite did not run or has no such point)` };
  return { ns: f.unit === 'pps' ? 1e9 / m.value : m.value, text: f.metric };
}

/** The side-by-side rows for every mapped benchmark, in criterion id order; unmapped ids apart. */
export function criterionRows(results: CriterionResults, metrics: ReadonlyMap<string, Metric>): { rows: CriterionRow[]; unmapped: string[]; warnings: string[] } {
  const rows: CriterionRow[] = [];
  const unmapped: string[] = [];
  const warnings: string[] = [];
  for (const b of [...results.benchmarks].sort((x, y) => x.id.localeCompare(y.id, 'en', { numeric: true }))) {
    const map = mapCriterionId(b.id);
    if (!map) {
      unmapped.push(b.id);
      continue;
    }
    if (b.elements !== null && b.elements !== map.packetsPerIteration) {
      warnings.push(`criterion: ${b.id} declares ${b.elements} elements per iteration, but prtip's bench source builds ${map.packetsPerIteration}: per-packet figures use ${map.packetsPerIteration}; was the bench changed?`);
    }
    const per = (x: number | undefined): number | null => (x === undefined ? null : x / map.packetsPerIteration);
    const ours = figure(map.ours, metrics), floor = figure(map.floor, metrics);
    const prtipNs = per(b.estimate?.point);
    rows.push({
      id: b.id, work: map.work, packetsPerIteration: map.packetsPerIteration,
      prtipNs, prtipLowNs: per(b.estimate?.low), prtipHighNs: per(b.estimate?.high), statistic: b.statistic ?? `none (${b.problems.join('; ')})`,
      oursNs: ours.ns, ours: ours.text, match: map.ours?.match ?? '—',
      floorNs: floor.ns, floor: floor.text,
      headroom: prtipNs !== null && floor.ns !== null && floor.ns > 0 ? prtipNs / floor.ns : null,
      note: map.ours?.note ?? '',
    });
  }
  return { rows, unmapped, warnings };
}

/** How to decide a borderline criterion verdict: several runs, saved as baselines, each judged. */
export const CRITERION_RERUN_HINT = 'run cargo bench -p prtip-network --bench packet_crafting several times on a quiet machine, ' +
  'saving each (cargo bench -p prtip-network --bench packet_crafting -- --save-baseline runN), and judge each with --criterion-baseline runN: ' +
  'the claim is decided when the runs agree';

/**
 * prtip's criterion runs from --criterion DIR (repeatable; else PRTIP_CRITERION, several
 * directories separated by ":") and --criterion-baseline NAME[,NAME…] (default "new"): every
 * baseline of every directory is one run. Empty when no directory is named.
 * Throws TypeError/RangeError naming the option for a bad directory or baseline.
 */
export function criterionOption(dirs: readonly string[], baseline: string | undefined, env: NodeJS.ProcessEnv = process.env): CriterionResults[] {
  const fromEnv = dirs.length === 0;
  const chosen = fromEnv ? (env['PRTIP_CRITERION'] ?? '').split(delimiter).filter((d) => d !== '') : dirs;
  if (chosen.length === 0) {
    if (baseline !== undefined) throw new RangeError('--criterion-baseline needs --criterion DIR (or PRTIP_CRITERION)');
    return [];
  }
  const baselines = (baseline ?? 'new').split(',');
  if (baselines.some((b) => b === '')) throw new RangeError(`--criterion-baseline: expected NAME or NAME,NAME,…, got "${baseline}"`);
  return chosen.flatMap((dir) => baselines.map((b) => readCriterion(dir, b, fromEnv ? 'PRTIP_CRITERION' : '--criterion')));
}
