/**
 * The HTML report: one self-contained file (inline CSS and SVG, no script, and a
 * Content-Security-Policy that forbids fetching anything), with the four charts the
 * results issue asks for, the claims, the baseline comparison and every table.
 */
import { type BaselineComparison, comparisonTable } from '../analyse/baseline.js';
import { machineSummary } from '../model/machine.js';
import { SCENARIOS } from '../measure/scenarios.js';
import { type DataRecord, type RecordSet, findRecordSet, keysOf, recordSets, toNumber } from './chart-data.js';
import { failedSuitesSentence, statusPhrase } from './failures.js';
import { flameGraphFigures } from './flamegraph.js';
import type { BenchResult, SuiteResult, Table } from '../model/result.js';
import { type BarChart, type LineSeries, barChartSvg, emptyChart, escapeXml, horizontalBarChartSvg, lineChartSvg } from './svg.js';
import { CLAIMS_CSS, claimsSectionHtml } from './claims-html.js';
import { formatCell } from '../core/text.js';

/** One chart section: its SVG (or the "not measured" note) and where the numbers came from. */
export interface ChartSection {
  id: string;
  title: string;
  /** SVG elements or a not-measured note. */
  html: string;
  /** One sentence: what the chart shows (or why it is not drawn). */
  caption: string;
  /** Which suite and record sets fed it (a data-source attribute on the figure, not the caption). */
  source: string;
  drawn: boolean;
}

/** The caption of a chart that could not be drawn: one sentence, the details stay in the chart's box. */
function notDrawn(suite: SuiteResult | undefined, name: string): string {
  if (suite === undefined) return `Not drawn: the ${name} suite did not run.`;
  if (suite.status !== 'ok') return `Not drawn: the ${name} suite ${statusPhrase(suite)}.`;
  return `Not drawn: the ${name} suite recorded nothing this chart can read.`;
}

/** A chart section that says why it is empty. */
function emptySection(id: string, title: string, suite: SuiteResult | undefined, name: string, why = absent(suite, name)): ChartSection {
  return { id, title, html: emptyChart(title, why), caption: notDrawn(suite, name), source: why, drawn: false };
}

function suiteOf(r: BenchResult, name: string): SuiteResult | undefined {
  return r.suites.find((s) => s.suite === name);
}

function absent(suite: SuiteResult | undefined, name: string): string {
  if (suite === undefined) return `not measured: the ${name} suite did not run`;
  if (suite.status !== 'ok') return `not measured: the ${name} suite ${statusPhrase(suite)}${suite.reason ? ` (${suite.reason})` : ''}`;
  return `not measured: the ${name} suite recorded no rows this chart can read`;
}

/** The first key of `keys` (not in `exclude`) matching a pattern, patterns in order. */
function pick(keys: readonly string[], patterns: readonly RegExp[], exclude: readonly (string | undefined)[] = []): string | undefined {
  for (const p of patterns) {
    const k = keys.find((key) => p.test(key) && !exclude.includes(key));
    if (k !== undefined) return k;
  }
  return undefined;
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = map.get(k);
    if (list) list.push(item);
    else map.set(k, [item]);
  }
  return map;
}

const BATCH = [/^batch(Size)?$/i, /batch/i];
const PPS = [/^pps$/i, /^pps\b/i, /pps|packets.?per.?s/i];
const SYSCALLS_PER_PACKET = [/syscalls.?per.?packet/i, /syscalls?\s*\/\s*(packet|pkt)/i, /syscalls?.?per/i];
const FAMILY = [/^family$/i, /family/i, /^ip(v)?$/i];

function familyLabel(v: unknown): string {
  if (v === 4 || v === '4' || v === 'ipv4' || v === 'IPv4') return 'IPv4';
  if (v === 6 || v === '6' || v === 'ipv6' || v === 'IPv6') return 'IPv6';
  return v === undefined || v === null ? 'all' : String(v);
}

/**
 * A series name from where the rows came: a table's title up to its first colon
 * ("IPv4 loopback", "IPv6 send path only"), else the address family it names.
 */
function seriesFromSource(source: string): string | undefined {
  const table = /^table: ([^:;]{1,40})[:;]/.exec(source);
  if (table) return table[1]!.trim();
  const m = /\bIPv([46])\b/i.exec(source);
  return m ? `IPv${m[1]}` : undefined;
}

/** A min-max cell: "120000-150000", "1.2 – 1.5", "1,200 to 1,500", or {min, max}. */
function parseRange(v: unknown): { low: number; high: number } | undefined {
  if (typeof v === 'object' && v !== null) {
    const o = v as Record<string, unknown>;
    const low = toNumber(o['min'] ?? o['low']), high = toNumber(o['max'] ?? o['high']);
    return Number.isFinite(low) && Number.isFinite(high) ? { low, high } : undefined;
  }
  if (typeof v !== 'string') return undefined;
  const m = /(\d[\d,]*(?:\.\d+)?(?:e[+-]?\d+)?)\s*(?:-|–|…|\.\.|to)\s*(\d[\d,]*(?:\.\d+)?(?:e[+-]?\d+)?)/i.exec(v);
  if (!m) return undefined;
  const low = Number(m[1]!.replace(/,/g, '')), high = Number(m[2]!.replace(/,/g, ''));
  return Number.isFinite(low) && Number.isFinite(high) && low <= high ? { low, high } : undefined;
}

/** The field holding the min-max of `yField` ("pps min-max", "ppsRange"), if any. */
function rangeField(keys: readonly string[], yField: string): string | undefined {
  const stem = yField.replace(/\s*\(.*\)\s*$/, '').replace(/median|med\b/i, '').trim();
  if (stem === '') return undefined;
  const escaped = stem.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return keys.find((k) => k !== yField && new RegExp(`^${escaped}\\b.*(min.?max|range|spread)`, 'i').test(k));
}

/** Whether a series is the sendto reference (a one-point series at x = 1). */
const SENDTO_SERIES = / sendto \(reference\)$/;

function batchSeries(sets: readonly RecordSet[], yPatterns: readonly RegExp[]): LineSeries[] {
  const points: { series: string; x: number; y: number; low?: number; high?: number }[] = [];
  for (const set of sets) {
    const keys = keysOf(set);
    const batchField = pick(keys, BATCH);
    const yField = pick(keys, yPatterns, [batchField]);
    if (batchField === undefined || yField === undefined) continue;
    const familyField = pick(keys, FAMILY);
    const methodField = pick(keys, [/^method$/i]);
    const spreadField = rangeField(keys, yField);
    for (const r of set.records) {
      const batchRaw = r[batchField];
      const method = methodField ? String(r[methodField]) : '';
      const sendto = /sendto/i.test(String(batchRaw)) || /sendto/i.test(method);
      const family = familyField ? familyLabel(r[familyField]) : seriesFromSource(set.source) ?? 'all';
      const range = spreadField ? parseRange(r[spreadField]) : undefined;
      points.push({
        series: `${family}${sendto ? ' sendto (reference)' : ''}`,
        x: sendto && !Number.isFinite(toNumber(batchRaw)) ? 1 : toNumber(batchRaw),
        y: toNumber(r[yField]),
        ...(range ?? {}),
      });
    }
  }
  return [...groupBy(points, (p) => p.series)].map(([name, ps]) => ({ name, points: ps.map(({ series: _s, ...p }) => p) }));
}

/** How far a measured syscalls-per-packet may sit from 1/B and still count as "on the line". */
const ON_LINE_TOLERANCE = 0.1;

/**
 * Syscalls per packet against the batch size B: one sendmmsg per batch gives 1/B, and
 * every series that batches lies on it. So 1/B is drawn once, the points that agree with
 * it (within ±10%) are one grey marker set, and only departures keep their series' colour
 * and name; one-point references (sendto) keep their own shapes.
 */
function syscallsPerPacketSeries(measured: readonly LineSeries[]): { series: LineSeries[]; departures: number; onLine: number } {
  const batched = measured.filter((s) => !SENDTO_SERIES.test(s.name));
  const xs = [...new Set(batched.flatMap((s) => s.points.map((p) => p.x)).filter((x) => Number.isFinite(x) && x > 0))].sort((a, b) => a - b);
  const onLine: LineSeries = { name: `measured, within ±${ON_LINE_TOLERANCE * 100}% of 1/B (${batched.length} series)`, points: [], style: 'markers', colour: '#777' };
  const departures: LineSeries[] = [];
  for (const s of batched) {
    const off = s.points.filter((p) => Math.abs(p.y * p.x - 1) > ON_LINE_TOLERANCE);
    onLine.points.push(...s.points.filter((p) => !off.includes(p)));
    if (off.length > 0) departures.push({ name: `${s.name}: departs from 1/B`, points: off, style: 'markers', marker: 'diamond' });
  }
  const series: LineSeries[] = [];
  if (xs.length >= 2) series.push({ name: '1/B: one syscall per batch', points: xs.map((x) => ({ x, y: 1 / x })), style: 'reference', colour: '#333' });
  if (onLine.points.length > 0) series.push(onLine);
  series.push(...departures, ...measured.filter((s) => SENDTO_SERIES.test(s.name)));
  return { series, departures: departures.reduce((a, s) => a + s.points.length, 0), onLine: onLine.points.length };
}

/** Record sets with a batch and a pps field: the suite's data if it has such rows, else its tables (one per family). */
function batchSets(suite: SuiteResult): RecordSet[] {
  const all = recordSets(suite).filter((set) => {
    const keys = keysOf(set);
    return pick(keys, BATCH) !== undefined && pick(keys, PPS) !== undefined;
  });
  const fromData = all.filter((set) => set.source.startsWith('data'));
  return fromData.length > 0 ? fromData : all;
}

function batchCharts(r: BenchResult): ChartSection[] {
  const suite = suiteOf(r, 'batch-size');
  const sets = suite?.status === 'ok' ? batchSets(suite) : [];
  const title1 = 'sendmmsg batch size vs packets per second';
  const title2 = 'sendmmsg batch size vs syscalls per packet';
  if (sets.length === 0) return [emptySection('batch-pps', title1, suite, 'batch-size'), emptySection('batch-syscalls', title2, suite, 'batch-size')];
  const source = `batch-size suite: ${sets.map((s) => s.source).join('; ')}`;
  const pps = batchSeries(sets, PPS);
  const banded = pps.some((s) => s.points.some((p) => p.low !== undefined));
  const ppsSvg = lineChartSvg({ title: title1, xLabel: 'packets per sendmmsg call', yLabel: 'packets per second (median)', series: pps, logX: true });
  const ppsCaption = `Median packets per second at each batch size, one line per series${banded ? ' with its min-max band over the rounds' : ''}, and sendto as the hollow markers at x = 1.`;
  const measured = batchSeries(sets, SYSCALLS_PER_PACKET);
  const sys = syscallsPerPacketSeries(measured);
  const sysSvg = measured.some((s) => s.points.some((p) => Number.isFinite(p.y)))
    ? lineChartSvg({ title: title2, xLabel: 'packets per sendmmsg call (B)', yLabel: 'syscalls per packet (kernel count)', series: sys.series, logX: true, logY: true })
    : emptyChart(title2, 'not measured: the batch-size suite recorded no syscalls per packet (raw_syscalls:sys_enter did not open?)');
  const sysCaption = sysSvg.startsWith('<svg')
    ? `Syscalls per packet counted by the kernel against the dashed 1/B line (one sendmmsg per batch): ${sys.onLine} point${sys.onLine === 1 ? '' : 's'} lie within ±${ON_LINE_TOLERANCE * 100}% of it (grey) and ${sys.departures === 0 ? 'none departs' : `${sys.departures} depart${sys.departures === 1 ? 's' : ''} (diamonds)`}, with sendto at x = 1.`
    : 'Not drawn: the batch-size suite recorded no syscalls per packet.';
  return [
    { id: 'batch-pps', title: title1, html: ppsSvg, caption: ppsSvg.startsWith('<svg') ? ppsCaption : notDrawn(suite, 'batch-size'), source, drawn: ppsSvg.startsWith('<svg') },
    { id: 'batch-syscalls', title: title2, html: sysSvg, caption: sysCaption, source, drawn: sysSvg.startsWith('<svg') },
  ];
}

function checksumChart(r: BenchResult): ChartSection {
  const suite = suiteOf(r, 'checksum');
  const title = 'Checksum bytes per cycle vs buffer size, one line per variant';
  const found = suite?.status === 'ok'
    ? findRecordSet(recordSets(suite), {
      size: [/^size(Bytes)?$/i, /^bytes$/i, /^size/i, /length|^len/i],
      perCycle: [/^b(ytes)?\s*\/\s*(ref.?)?cycle/i, /bytes.?per.?(tsc.?|ref.?)?cycle/i, /per.?(ref.?)?cycle/i, /\/\s*(ref.?)?cycle/i],
      variant: [/^variant$/i, /variant|impl/i],
    })
    : undefined;
  if (!found) return emptySection('checksum', title, suite, 'checksum');
  const { size, perCycle, variant } = found.fields;
  // Only kernels that sum a buffer: not the empty call, the crossing rows or the 16-bit field update.
  const kernels = found.set.records.filter((rec) => !/^empty$|noop|run\(|api|incremental/i.test(String(rec[variant])));
  const series = [...groupBy(kernels, (rec) => String(rec[variant]))].map(([name, recs]) => ({
    name,
    points: recs.map((rec) => ({ x: toNumber(rec[size]), y: toNumber(rec[perCycle]) })),
  }));
  const svg = lineChartSvg({ title, xLabel: 'buffer size, bytes', yLabel: 'bytes per reference (TSC) cycle', series, logX: true });
  return { id: 'checksum', title, html: svg, caption: 'Bytes checksummed per reference (TSC) cycle at each buffer size, one line per checksum variant.', source: `checksum suite, ${found.set.source}`, drawn: svg.startsWith('<svg') };
}

function craftingChart(r: BenchResult): ChartSection {
  const suite = suiteOf(r, 'packet-crafting');
  const title = 'Packet-crafting strategies side by side (ns per packet)';
  const sets = suite?.status === 'ok' ? recordSets(suite) : [];
  let chart: BarChart | undefined;
  let source = '';
  for (const set of sets) {
    const keys = keysOf(set);
    const strategy = pick(keys, [/^strategy$/i, /strategy/i]);
    const ns = pick(keys, [/^ns\s*\/\s*(packet|pkt|op)/i, /ns.?per.?(packet|pkt|op)/i, /^median.?ns/i, /^ns\b/i, /ns/i], [strategy]);
    if (strategy === undefined || ns === undefined) continue;
    const packet = pick(keys, [/^packet$/i, /^(packet.?)?kind$/i, /^packet/i, /kind|type|proto/i], [strategy, ns]);
    const count = pick(keys, [/^count$/i, /packets.?per.?(call|iter)/i, /^per.?call$/i, /^group$/i, /^n$/i], [strategy, ns, packet]);
    let records: DataRecord[] = set.records.filter((rec) => Number.isFinite(toNumber(rec[ns])));
    let biggest = NaN;
    if (count !== undefined) {
      // One figure per packet and strategy: the largest batch, where the N-API crossing is most amortised.
      biggest = Math.max(...records.map((rec) => toNumber(rec[count])).filter(Number.isFinite));
      if (Number.isFinite(biggest)) records = records.filter((rec) => toNumber(rec[count]) === biggest);
    }
    // One bar per packet and strategy (a suite may list the same case twice).
    const seen = new Set<string>();
    records = records.filter((rec) => {
      const k = `${packet ? String(rec[packet]) : ''}\u0000${String(rec[strategy])}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
    if (records.length === 0) continue;
    const byPacket = groupBy(records, (rec) => (packet ? String(rec[packet]) : 'packet'));
    chart = {
      title,
      yLabel: 'ns per packet',
      logY: true,
      groups: [...byPacket].map(([label, recs]) => ({ label, bars: recs.map((rec) => ({ name: String(rec[strategy]), value: toNumber(rec[ns]) })) })),
    };
    source = `${set.source}${count !== undefined && Number.isFinite(biggest) ? `, at the largest "${count}": ${biggest}` : ''}`;
    break;
  }
  if (!chart) return emptySection('crafting', title, suite, 'packet-crafting');
  const svg = barChartSvg(chart);
  return { id: 'crafting', title, html: svg, caption: 'Nanoseconds per packet for each crafting strategy, grouped by packet kind, at the largest packets-per-call measured (values printed on the bars, the axis is logarithmic).', source: `packet-crafting suite, ${source}`, drawn: svg.startsWith('<svg') };
}

/** Ports (= probes) per scenario, from the scenario table; a scenario not in it gets no floors. */
function scenarioPorts(id: string): number | undefined {
  return SCENARIOS.find((s) => s.id === id)?.ports;
}

/**
 * The prtip suite's own layout: data.runs = [{tool, scenario, summary: {cpu: {median}}}] (ns)
 * and data.floors = {craftNs, checksumNs, sendNs} per packet. Floors scale by the scenario's ports.
 */
function prtipLayoutChart(suite: SuiteResult, title: string): BarChart | undefined {
  const runs = suite.data?.['runs'];
  const floors = suite.data?.['floors'] as Record<string, unknown> | undefined;
  if (!Array.isArray(runs)) return undefined;
  const groups = new Map<string, { label: string; bars: { name: string; value: number }[] }>();
  for (const run of runs as Record<string, unknown>[]) {
    const scenario = typeof run?.['scenario'] === 'string' ? run['scenario'] : undefined;
    const tool = typeof run?.['tool'] === 'string' ? run['tool'] : undefined;
    const cpu = (run?.['summary'] as { cpu?: { median?: unknown } } | null | undefined)?.cpu?.median;
    if (scenario === undefined || tool === undefined || typeof cpu !== 'number') continue;
    let group = groups.get(scenario);
    if (!group) {
      group = { label: scenario, bars: [] };
      groups.set(scenario, group);
      const ports = scenarioPorts(scenario);
      if (ports !== undefined && floors) {
        for (const [key, name] of [['craftNs', 'floor: crafting'], ['checksumNs', 'floor: checksums'], ['sendNs', 'floor: send path']] as const) {
          const perPacket = floors[key];
          if (typeof perPacket === 'number' && Number.isFinite(perPacket)) group.bars.push({ name, value: (perPacket * ports) / 1e6 });
        }
      }
    }
    group.bars.unshift({ name: `${tool} CPU`, value: cpu / 1e6 });
  }
  if (groups.size === 0) return undefined;
  // prtip first, its peers next, the floors last: the same colours in every group.
  const rank = (name: string): number => (name === 'prtip CPU' ? 0 : name.startsWith('floor:') ? 2 : 1);
  for (const g of groups.values()) g.bars.sort((a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name));
  return { title, yLabel: 'ms', logY: true, groups: [...groups.values()] };
}

function wholeBinaryChart(r: BenchResult): ChartSection {
  const suite = suiteOf(r, 'prtip');
  const title = 'Whole-binary scenarios vs the in-process floors (ms)';
  if (suite?.status === 'ok') {
    const chart = prtipLayoutChart(suite, title);
    const svg = chart ? barChartSvg(chart) : '';
    if (svg.startsWith('<svg')) return { id: 'whole-binary', title, html: svg, caption: 'Each tool\'s median CPU time (user + sys) per whole scenario run beside the in-process floors (the cheapest measured per-packet cost of crafting, checksums and the send path, times the scenario\'s ports).', source: 'prtip suite: data.runs, data.floors', drawn: true };
  }
  const sets = suite?.status === 'ok' ? recordSets(suite) : [];
  for (const set of sets) {
    const keys = keysOf(set);
    const scenario = pick(keys, [/^scenario$/i, /scenario/i]);
    if (scenario === undefined) continue;
    // The binary's own CPU (or wall) time and every floor the suite gives, all in ms.
    const measured = pick(keys, [/^cpu.?ms$/i, /cpu.*ms/i, /cpu/i, /wall.*ms/i, /wall/i], [scenario]);
    const floors = keys.filter((k) => k !== scenario && k !== measured && /floor|craft|checksum|send/i.test(k) && !/%|pct|percent|share|explain/i.test(k));
    if (measured === undefined || floors.length === 0) continue;
    const chart: BarChart = {
      title,
      yLabel: 'ms',
      logY: true,
      groups: set.records.map((rec) => ({
        label: String(rec[scenario]),
        bars: [measured, ...floors].map((f) => ({ name: f === measured ? `prtip: ${f}` : f, value: toNumber(rec[f]) })),
      })),
    };
    const svg = barChartSvg(chart);
    if (svg.startsWith('<svg')) return { id: 'whole-binary', title, html: svg, caption: 'Each scenario\'s measured time beside the in-process floors the suite gives for it.', source: `prtip suite, ${set.source}`, drawn: true };
  }
  return emptySection('whole-binary', title, suite, 'prtip');
}

/**
 * prtip's criterion figures beside our reproduction and the floor, per benchmark id: the
 * criterion suite's data.criterion rows ({id, prtipNs, prtipLowNs, prtipHighNs, oursNs, floorNs}).
 */
function criterionChart(r: BenchResult): ChartSection {
  const suite = suiteOf(r, 'criterion');
  const title = "prtip's criterion results beside our reproduction and the floor (ns per packet)";
  const rows = suite?.status === 'ok' ? suite.data?.['criterion'] : undefined;
  const num = (v: unknown): number => (typeof v === 'number' ? v : NaN);
  if (Array.isArray(rows) && rows.length > 0) {
    const chart: BarChart = {
      title,
      yLabel: 'ns per packet',
      logY: true,
      groups: (rows as Record<string, unknown>[]).map((row) => ({
        label: String(row['id']),
        bars: [
          { name: "prtip (criterion, 95% interval)", value: num(row['prtipNs']), low: num(row['prtipLowNs']), high: num(row['prtipHighNs']) },
          { name: 'our reproduction', value: num(row['oursNs']) },
          { name: 'floor (template crafting)', value: num(row['floorNs']) },
        ],
      })),
    };
    // One row per benchmark: three dozen ids under vertical bars overlap into one unreadable band.
    const svg = horizontalBarChartSvg(chart);
    if (svg.startsWith('<svg')) return { id: 'criterion', title, html: svg, caption: `prtip's own criterion figure per benchmark (baseline "${String(suite!.data?.['baseline'] ?? 'new')}", with criterion's 95% interval) beside our reproduction of the same work and the floor, in ns per packet.`, source: `criterion suite: ${String(suite!.data?.['dir'] ?? '')}`, drawn: true };
  }
  const why = suite?.status === 'skipped' && suite.reason ? `not measured: ${suite.reason}` : absent(suite, 'criterion');
  return emptySection('criterion', title, suite, 'criterion', why);
}

/** The report's chart sections, in order; each says "not measured" when its suite gave nothing. */
export function chartSections(r: BenchResult): ChartSection[] {
  return [...batchCharts(r), checksumChart(r), craftingChart(r), criterionChart(r), wholeBinaryChart(r)];
}

function htmlTable(t: Table, heading = 'h3'): string {
  const numeric = t.columns.map((_, i) => t.rows.length > 0 && t.rows.every((row) => row[i] === null || typeof row[i] === 'number'));
  const head = t.columns.map((c, i) => `<th${numeric[i] ? ' class="num"' : ''}>${escapeXml(c)}</th>`).join('');
  const body = t.rows.map((row) => `<tr>${t.columns.map((_, i) => `<td${numeric[i] ? ' class="num"' : ''}>${escapeXml(formatCell(row[i] ?? null))}</td>`).join('')}</tr>`).join('\n');
  const notes = (t.notes ?? []).map((n) => `<li>${escapeXml(n)}</li>`).join('');
  return `<${heading}>${escapeXml(t.title)}</${heading}>\n<table><thead><tr>${head}</tr></thead><tbody>\n${body || `<tr><td colspan="${t.columns.length}">none</td></tr>`}\n</tbody></table>${notes ? `<ul class="notes">${notes}</ul>` : ''}`;
}

/** The report's stylesheet, shared with other self-contained pages (compare --export-html). */
export const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:1100px;color:#222;padding:0 16px}
h1{font-size:22px}h2{font-size:18px;margin-top:32px;border-bottom:1px solid #ddd}h3{font-size:15px}
table{border-collapse:collapse;margin:8px 0;font-size:13px}th,td{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f4f4f4}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.notes{color:#555;font-size:12px;margin:4px 0 12px}.warn{color:#a40}
.chart{max-width:100%;height:auto;background:#fff;border:1px solid #eee}
.chart-title{font-size:14px;font-weight:600}.tick,.legend{font-size:11px;fill:#444}.axis-label{font-size:12px;fill:#222}
.axis{stroke:#444}.grid{stroke:#eee}.bar-value{font-size:10px;fill:#333}
.not-measured{padding:16px;border:1px dashed #bbb;color:#666;background:#fafafa}
figure{margin:16px 0}figcaption{color:#666;font-size:12px}
.verdict-holds,.verdict-improved{color:#070}.verdict-does-not-hold,.verdict-regressed{color:#b00}
`;

/** The whole run as one self-contained HTML page. */
export function htmlReport(r: BenchResult, comparison?: BaselineComparison): string {
  const charts = chartSections(r);
  const parts: string[] = [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    // Nothing may be fetched: the report must open offline and leak nothing.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>prtip-perf bench ${escapeXml(r.startedAt)}</title>`,
    `<style>${STYLE}${CLAIMS_CSS}</style></head><body>`,
    `<h1>prtip-perf bench, ${escapeXml(r.startedAt)}</h1>`,
    `<p>${r.options.quick ? 'Quick run' : 'Full run'} of ${r.suites.length} suite(s) in ${(r.durationMs / 1000).toFixed(1)} s.${r.interrupted ? ' <strong class="warn">Interrupted (Ctrl-C): only the suites that finished are here.</strong>' : ''}</p>`,
    ...(failedSuitesSentence(r) !== null ? [`<p class="failed-suites warn"><strong>${escapeXml(failedSuitesSentence(r)!)}</strong></p>`] : []),
    `<p><strong>Machine:</strong> ${escapeXml(machineSummary(r.machine))}${r.machine.git ? `; commit ${escapeXml(r.machine.git.commit.slice(0, 12))}${r.machine.git.dirty ? ' (with uncommitted changes)' : ''}` : ''}</p>`,
    '<ul class="suites">',
    ...r.suites.map((s) => `<li>${escapeXml(s.title)} (${escapeXml(s.suite)}): <strong>${s.status}</strong>${s.reason ? ` — ${escapeXml(s.reason)}` : ''}, ${(s.durationMs / 1000).toFixed(1)} s</li>`),
    '</ul>',
    '<h2>Charts</h2>',
    ...charts.map((c) => `<figure id="chart-${c.id}" data-drawn="${c.drawn}" data-source="${escapeXml(c.source)}">\n${c.html}\n<figcaption>${escapeXml(c.caption)}</figcaption></figure>`),
    claimsSectionHtml(r.claims),
  ];
  if (comparison) parts.push(htmlTable(comparisonTable(comparison), 'h2'));
  for (const s of r.suites) {
    parts.push(`<h2>${escapeXml(s.title)} <small>(${escapeXml(s.suite)}: ${s.status})</small></h2>`);
    if (s.reason) parts.push(`<p>${escapeXml(s.reason)}</p>`);
    for (const t of s.tables) parts.push(htmlTable(t));
    parts.push(flameGraphFigures(s));
    for (const w of s.warnings) parts.push(`<p class="warn">warning: ${escapeXml(w)}</p>`);
  }
  const m = r.machine;
  parts.push(
    '<h2>Machine details</h2><ul>',
    `<li>CPU: ${escapeXml(m.cpu.model)}, ${m.cpu.cores} logical / ${m.cpu.physicalCores} physical cores, AVX2 ${m.cpu.avx2 ? 'yes' : 'no'}, AVX-512 ${m.cpu.avx512 ? 'yes' : 'no'}</li>`,
    `<li>perf: perf_event_paranoid ${m.perf.paranoid ?? 'unknown'}, PMU ${m.perf.pmu ? 'yes' : `no (${escapeXml(m.perf.pmuReason)})`}, tracefs ${escapeXml(m.perf.tracefs || 'not mounted')}${m.perf.tracefsNote ? ` (${escapeXml(m.perf.tracefsNote)})` : ''}</li>`,
    `<li>Node ${escapeXml(m.versions.node)}, N-API ${escapeXml(m.versions.napi)}, prtip-perf ${escapeXml(m.versions.package)}, addon ${m.versions.addon ? escapeXml(m.versions.addon.sha256.slice(0, 12)) : 'not built'}</li>`,
    `<li>CPU vulnerabilities: ${escapeXml(Object.entries(m.mitigations).map(([k, v]) => `${k}: ${v}`).join('; ') || 'not reported')}</li>`,
    '</ul></body></html>',
  );
  return parts.join('\n') + '\n';
}
