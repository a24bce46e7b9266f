/**
 * Inline SVG charts for the HTML report, drawn here from numbers: no chart library,
 * no script, nothing fetched. Two shapes cover the report: lines over a numeric x
 * axis (optionally log-scaled) and grouped bars with optional min-max whiskers.
 */

/** One point of a line chart, with an optional spread (e.g. min-max over rounds) drawn as a band. */
export interface LinePoint {
  x: number;
  y: number;
  low?: number;
  high?: number;
}

/** Marker shapes, so one-point series at the same x (e.g. sendto at x = 1) can be told apart. */
export type MarkerShape = 'circle' | 'square' | 'diamond' | 'triangle';

/** One line of a line chart. */
export interface LineSeries {
  name: string;
  points: LinePoint[];
  /**
   * 'line' (default): a line through the points with dots; 'reference': a dashed line
   * without dots (e.g. a 1/B expectation); 'markers': markers only, no line.
   */
  style?: 'line' | 'reference' | 'markers';
  /** Marker shape; one-point series get distinct shapes by default. */
  marker?: MarkerShape;
  /** Fixed colour (CSS), else the next of the palette. */
  colour?: string;
}

/** A line chart over a numeric x axis. */
export interface LineChart {
  title: string;
  xLabel: string;
  yLabel: string;
  series: LineSeries[];
  /** Log-scale the x axis (sizes, batch sizes); needs x > 0. */
  logX?: boolean;
  /** Log-scale the y axis (values spanning decades, e.g. syscalls per packet); needs y > 0. */
  logY?: boolean;
}

/** One bar, with an optional spread (e.g. min-max) drawn as a whisker. */
export interface Bar {
  name: string;
  value: number;
  low?: number;
  high?: number;
}

/** Bars grouped along the x axis (e.g. packet kinds), one colour per bar name. */
export interface BarChart {
  title: string;
  yLabel: string;
  groups: { label: string; bars: Bar[] }[];
  /** Log-scale the y axis when the values span orders of magnitude. */
  logY?: boolean;
}

const WIDTH = 720;
const HEIGHT = 340;
const MARGIN = { left: 72, right: 16, top: 36, bottom: 64 };
/** Colour-blind-safe palette (Okabe-Ito without black). */
const COLOURS = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#F0E442', '#999999'];

/** Escapes text for SVG/HTML content and attributes. */
export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Short tick labels: 1.2k, 3.4M, 0.05. */
export function formatTick(v: number): string {
  const abs = Math.abs(v);
  if (abs === 0) return '0';
  if (abs >= 1e9) return `${trim(v / 1e9)}G`;
  if (abs >= 1e6) return `${trim(v / 1e6)}M`;
  if (abs >= 1e4) return `${trim(v / 1e3)}k`;
  if (abs >= 1) return trim(v);
  return Number(v.toPrecision(2)).toString();
}

function trim(v: number): string {
  return Number(v.toPrecision(3)).toString();
}

/** About five round tick values covering [lo, hi]. */
function linearTicks(lo: number, hi: number): number[] {
  if (!(hi > lo)) return [lo];
  const rough = (hi - lo) / 5;
  const mag = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= rough) ?? rough;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9 && out.length < 20; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/** Powers of ten (and 2×, 5× when few) within [lo, hi], for log axes. */
function logTicks(lo: number, hi: number): number[] {
  const out: number[] = [];
  // Over more than three decades, 2× and 5× ticks only crowd the axis.
  const multiples = Math.log10(hi / lo) > 3 ? [1] : [1, 2, 5];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)) && out.length < 40; e++) {
    for (const m of multiples) {
      const v = m * 10 ** e;
      if (v >= lo * 0.999 && v <= hi * 1.001) out.push(v);
    }
  }
  return out.length >= 2 ? out : [lo, hi];
}

interface Scale {
  map(v: number): number;
  ticks: number[];
}

function scale(lo: number, hi: number, from: number, to: number, log: boolean): Scale {
  if (log) {
    const a = Math.log10(lo), b = Math.log10(hi === lo ? hi * 10 : hi);
    return { map: (v) => from + ((Math.log10(v) - a) / (b - a)) * (to - from), ticks: logTicks(lo, hi === lo ? hi * 10 : hi) };
  }
  const span = hi === lo ? Math.abs(hi) || 1 : hi - lo;
  const l = hi === lo ? lo - span / 2 : lo;
  const h = hi === lo ? hi + span / 2 : hi;
  return { map: (v) => from + ((v - l) / (h - l)) * (to - from), ticks: linearTicks(l, h) };
}

/** Height of one legend row; rows past the first make the chart taller. */
const LEGEND_ROW = 16;

function frame(title: string, body: string[], xLabel: string, yLabel: string, legendRows = 1): string {
  const x0 = MARGIN.left, x1 = WIDTH - MARGIN.right, y0 = HEIGHT - MARGIN.bottom, y1 = MARGIN.top;
  const height = HEIGHT + Math.max(0, legendRows - 1) * LEGEND_ROW;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-label="${escapeXml(title)}">`,
    `<title>${escapeXml(title)}</title>`,
    `<text x="${WIDTH / 2}" y="20" text-anchor="middle" class="chart-title">${escapeXml(title)}</text>`,
    `<line x1="${x0}" y1="${y0}" x2="${x1}" y2="${y0}" class="axis"/>`,
    `<line x1="${x0}" y1="${y0}" x2="${x0}" y2="${y1}" class="axis"/>`,
    ...body,
    `<text x="${(x0 + x1) / 2}" y="${HEIGHT - 30}" text-anchor="middle" class="axis-label">${escapeXml(xLabel)}</text>`,
    `<text x="16" y="${(y0 + y1) / 2}" text-anchor="middle" class="axis-label" transform="rotate(-90 16 ${(y0 + y1) / 2})">${escapeXml(yLabel)}</text>`,
    '</svg>',
  ].join('\n');
}

/** One legend entry: a colour swatch, a dashed line (reference) or the series' marker shape. */
interface LegendEntry {
  name: string;
  colour: string;
  kind: 'swatch' | 'dash' | MarkerShape;
}

/** Legend entries, wrapped onto as many rows as the width needs (about 6.5 px per character). */
function legend(entries: (LegendEntry | string)[]): { elements: string[]; rows: number } {
  const elements: string[] = [];
  let x = MARGIN.left;
  let row = 0;
  entries.forEach((entry, i) => {
    const e: LegendEntry = typeof entry === 'string' ? { name: entry, colour: COLOURS[i % COLOURS.length]!, kind: 'swatch' } : entry;
    const width = 24 + e.name.length * 6.5;
    if (x > MARGIN.left && x + width > WIDTH - MARGIN.right) {
      row++;
      x = MARGIN.left;
    }
    const y = HEIGHT - 10 + row * LEGEND_ROW;
    if (e.kind === 'swatch') elements.push(`<rect x="${x}" y="${y - 9}" width="10" height="10" fill="${e.colour}" class="legend-swatch"/>`);
    else if (e.kind === 'dash') elements.push(`<path d="M${x - 2},${y - 4} L${x + 11},${y - 4}" stroke="${e.colour}" stroke-width="2" stroke-dasharray="4 2" class="legend-swatch"/>`);
    else elements.push(marker(e.kind, x + 5, y - 4, 4, `fill="#fff" stroke="${e.colour}" stroke-width="2" class="legend-swatch"`, e.name));
    elements.push(`<text x="${x + 14}" y="${y}" class="legend">${escapeXml(e.name)}</text>`);
    x += width;
  });
  return { elements, rows: row + 1 };
}

const n = (v: number): string => v.toFixed(1);

const SHAPES: readonly MarkerShape[] = ['square', 'diamond', 'triangle', 'circle'];

/** A marker of `shape` centred at (x, y), radius r. */
function marker(shape: MarkerShape, x: number, y: number, r: number, attrs: string, title: string): string {
  const t = `<title>${escapeXml(title)}</title>`;
  switch (shape) {
    case 'square': return `<rect x="${n(x - r)}" y="${n(y - r)}" width="${n(2 * r)}" height="${n(2 * r)}" ${attrs}>${t}</rect>`;
    case 'diamond': return `<path d="M${n(x)},${n(y - r * 1.3)} L${n(x + r * 1.3)},${n(y)} L${n(x)},${n(y + r * 1.3)} L${n(x - r * 1.3)},${n(y)} Z" ${attrs}>${t}</path>`;
    case 'triangle': return `<path d="M${n(x)},${n(y - r * 1.3)} L${n(x + r * 1.2)},${n(y + r)} L${n(x - r * 1.2)},${n(y + r)} Z" ${attrs}>${t}</path>`;
    default: return `<circle cx="${n(x)}" cy="${n(y)}" r="${n(r)}" ${attrs}>${t}</circle>`;
  }
}

/**
 * A line chart; points with non-finite (or, on a log axis, non-positive) coordinates are
 * left out. A point's low/high (min-max) is drawn as a translucent band around its line,
 * or a whisker for a one-point series. One-point series (references such as sendto at
 * x = 1) get distinct hollow shapes, nudged apart horizontally, so they never hide each other.
 */
export function lineChartSvg(chart: LineChart): string {
  const usable = (v: number | undefined): v is number => v !== undefined && Number.isFinite(v) && (!chart.logY || v > 0);
  const series = chart.series
    .map((s) => ({ ...s, points: s.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y) && (!chart.logX || p.x > 0) && (!chart.logY || p.y > 0)).sort((a, b) => a.x - b.x) }))
    .filter((s) => s.points.length > 0)
    // Lines first, one-point references (e.g. sendto) after, so the main series keep the first colours.
    .sort((a, b) => Number(a.points.length === 1) - Number(b.points.length === 1));
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) return emptyChart(chart.title);
  const xs = all.map((p) => p.x);
  const ys = all.flatMap((p) => [p.y, p.low, p.high].filter(usable));
  const sx = scale(Math.min(...xs), Math.max(...xs), MARGIN.left + 14, WIDTH - MARGIN.right - 14, chart.logX === true);
  const sy = chart.logY
    ? scale(Math.min(...ys) / 1.5, Math.max(...ys) * 1.5, HEIGHT - MARGIN.bottom, MARGIN.top, true)
    : scale(Math.min(0, ...ys), Math.max(...ys) * 1.05 || 1, HEIGHT - MARGIN.bottom, MARGIN.top, false);
  const body: string[] = [];
  for (const t of sy.ticks) body.push(`<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${n(sy.map(t))}" y2="${n(sy.map(t))}" class="grid"/><text x="${MARGIN.left - 6}" y="${n(sy.map(t) + 4)}" text-anchor="end" class="tick">${formatTick(t)}</text>`);
  for (const t of sx.ticks) body.push(`<text x="${n(sx.map(t))}" y="${HEIGHT - MARGIN.bottom + 16}" text-anchor="middle" class="tick">${formatTick(t)}</text>`);
  const singles = series.filter((s) => s.points.length === 1 && s.style !== 'reference');
  let palette = 0;
  const keyEntries: LegendEntry[] = [];
  series.forEach((s) => {
    const colour = s.colour ?? COLOURS[palette++ % COLOURS.length]!;
    const style = s.style ?? 'line';
    const single = singles.indexOf(s);
    const shape: MarkerShape = s.marker ?? (single >= 0 ? SHAPES[single % SHAPES.length]! : 'circle');
    // One-point series share an x (sendto at 1): spread them over ±8 px so none hides another.
    const dx = single >= 0 && singles.length > 1 ? (single - (singles.length - 1) / 2) * (16 / (singles.length - 1)) : 0;
    const px = (p: LinePoint): number => sx.map(p.x) + dx;
    // A spread that does not contain its median is not this value's spread (a mislabelled column): not drawn.
    const banded = s.points.filter((p) => usable(p.low) && usable(p.high) && p.low! <= p.y && p.y <= p.high!);
    if (banded.length >= 2 && s.points.length >= 2) {
      const upper = banded.map((p) => `${n(px(p))},${n(sy.map(p.high!))}`);
      const lower = [...banded].reverse().map((p) => `${n(px(p))},${n(sy.map(p.low!))}`);
      body.push(`<path d="M${upper.join(' L')} L${lower.join(' L')} Z" fill="${colour}" fill-opacity="0.15" stroke="none" class="band" data-series="${escapeXml(s.name)}"><title>${escapeXml(`${s.name}: min-max`)}</title></path>`);
    } else {
      for (const p of banded) body.push(`<path d="M${n(px(p))},${n(sy.map(p.low!))} L${n(px(p))},${n(sy.map(p.high!))}" stroke="${colour}" stroke-width="1.5" class="band whisker" data-series="${escapeXml(s.name)}"/>`);
    }
    const d = s.points.map((p, j) => `${j === 0 ? 'M' : 'L'}${n(px(p))},${n(sy.map(p.y))}`).join(' ');
    if (s.points.length > 1 && style !== 'markers') {
      body.push(`<path d="${d}" fill="none" stroke="${colour}" stroke-width="2"${style === 'reference' ? ' stroke-dasharray="6 4"' : ''} class="${style === 'reference' ? 'reference' : 'series'}" data-series="${escapeXml(s.name)}"/>`);
    }
    if (style !== 'reference') {
      const hollow = single >= 0;
      const attrs = hollow
        ? `fill="#fff" stroke="${colour}" stroke-width="2" class="point" data-series="${escapeXml(s.name)}"`
        : `fill="${colour}" class="point" data-series="${escapeXml(s.name)}"`;
      for (const p of s.points) {
        const spread = usable(p.low) && usable(p.high) ? ` (min ${formatTick(p.low!)}, max ${formatTick(p.high!)})` : '';
        body.push(marker(shape, px(p), sy.map(p.y), hollow ? 4.5 : 3, attrs, `${s.name}: ${formatTick(p.x)} → ${formatTick(p.y)}${spread}`));
      }
    }
    keyEntries.push({ name: s.name, colour, kind: style === 'reference' ? 'dash' : single >= 0 || s.marker !== undefined ? shape : 'swatch' });
  });
  const key = legend(keyEntries);
  body.push(...key.elements);
  return frame(chart.title, body, chart.xLabel + (chart.logX ? ' (log scale)' : ''), chart.yLabel + (chart.logY ? ' (log scale)' : ''), key.rows);
}

/** The groups with at least one drawable bar (finite, and positive on a log axis), and the bar names in order. */
function drawableBars(chart: BarChart): { groups: BarChart['groups']; names: string[] } {
  const groups = chart.groups
    .map((g) => ({ ...g, bars: g.bars.filter((b) => Number.isFinite(b.value) && (!chart.logY || b.value > 0)) }))
    .filter((g) => g.bars.length > 0);
  return { groups, names: [...new Set(groups.flatMap((g) => g.bars.map((b) => b.name)))] };
}

/** Grouped bars; bars with a non-finite value are left out. */
export function barChartSvg(chart: BarChart): string {
  const { groups, names } = drawableBars(chart);
  if (groups.length === 0) return emptyChart(chart.title);
  const values = groups.flatMap((g) => g.bars.flatMap((b) => [b.value, b.high ?? b.value, b.low ?? b.value].filter((v) => Number.isFinite(v))));
  const positive = values.filter((v) => v > 0);
  const logY = chart.logY === true && positive.length > 0;
  const sy = logY
    // Room above the tallest bar for its value label (printed on log axes).
    ? scale(Math.min(...positive) / 1.5, Math.max(...positive) * 6, HEIGHT - MARGIN.bottom, MARGIN.top, true)
    : scale(Math.min(0, ...values), Math.max(...values) * 1.08 || 1, HEIGHT - MARGIN.bottom, MARGIN.top, false);
  const base = logY ? HEIGHT - MARGIN.bottom : sy.map(0);
  const body: string[] = [];
  for (const t of sy.ticks) body.push(`<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${n(sy.map(t))}" y2="${n(sy.map(t))}" class="grid"/><text x="${MARGIN.left - 6}" y="${n(sy.map(t) + 4)}" text-anchor="end" class="tick">${formatTick(t)}</text>`);
  const groupWidth = (WIDTH - MARGIN.left - MARGIN.right) / groups.length;
  const barWidth = Math.max(3, Math.min(40, (groupWidth * 0.8) / names.length));
  groups.forEach((g, gi) => {
    const gx = MARGIN.left + gi * groupWidth + (groupWidth - barWidth * names.length) / 2;
    for (const b of g.bars) {
      const i = names.indexOf(b.name);
      const x = gx + i * barWidth;
      const y = sy.map(b.value);
      body.push(`<rect x="${n(x)}" y="${n(Math.min(y, base))}" width="${n(barWidth - 1)}" height="${n(Math.max(1, Math.abs(base - y)))}" fill="${COLOURS[i % COLOURS.length]}" class="bar"><title>${escapeXml(`${g.label} · ${b.name}: ${formatTick(b.value)}`)}</title></rect>`);
      // On a log axis a bar's height does not read as its value: print the value above it.
      if (logY) {
        const top = Math.min(y, base) - 3 - (b.high !== undefined && Number.isFinite(b.high) && b.high > 0 ? Math.max(0, y - sy.map(b.high)) : 0);
        const cx = x + (barWidth - 1) / 2;
        body.push(`<text x="${n(cx)}" y="${n(top)}" transform="rotate(-90 ${n(cx)} ${n(top)})" class="bar-value" dominant-baseline="middle">${escapeXml(formatTick(b.value))}</text>`);
      }
      if (b.low !== undefined && b.high !== undefined && Number.isFinite(b.low) && Number.isFinite(b.high) && (!logY || b.low > 0)) {
        const cx = x + (barWidth - 1) / 2;
        body.push(`<path d="M${n(cx)},${n(sy.map(b.low))} L${n(cx)},${n(sy.map(b.high))} M${n(cx - 3)},${n(sy.map(b.low))} L${n(cx + 3)},${n(sy.map(b.low))} M${n(cx - 3)},${n(sy.map(b.high))} L${n(cx + 3)},${n(sy.map(b.high))}" stroke="#333" class="whisker"/>`);
      }
    }
    body.push(groupLabel(g.label, MARGIN.left + gi * groupWidth + groupWidth / 2, HEIGHT - MARGIN.bottom + 16, groupWidth));
  });
  const key = legend(names);
  body.push(...key.elements);
  return frame(chart.title, body, '', chart.yLabel + (logY ? ' (log scale)' : ''), key.rows);
}

/** A group label, on two lines when it would not fit its group's width (about 6 px per character). */
function groupLabel(label: string, x: number, y: number, width: number): string {
  const fits = label.length * 6 <= width;
  // Break at spaces, or after hyphens in ids like "connect-scan-100".
  const words = label.includes(' ') ? label.split(' ') : label.split(/(?<=-)/);
  if (fits || words.length < 2) return `<text x="${n(x)}" y="${y}" text-anchor="middle" class="tick">${escapeXml(label)}</text>`;
  let split = 1, best = Infinity;
  const glue = label.includes(' ') ? ' ' : '';
  for (let i = 1; i < words.length; i++) {
    const d = Math.abs(words.slice(0, i).join(glue).length - words.slice(i).join(glue).length);
    if (d < best) [best, split] = [d, i];
  }
  const [a, b] = [words.slice(0, split).join(glue), words.slice(split).join(glue)];
  return `<text x="${n(x)}" y="${y}" text-anchor="middle" class="tick"><tspan x="${n(x)}">${escapeXml(a)}</tspan><tspan x="${n(x)}" dy="13">${escapeXml(b)}</tspan></text>`;
}

/** What a chart shows when there is nothing to draw. */
export function emptyChart(title: string, why = 'not measured'): string {
  return `<div class="not-measured"><strong>${escapeXml(title)}</strong>: ${escapeXml(why)}</div>`;
}

/** Layout of the horizontal bar chart: a label column, then the bars, one row per group. */
const HBAR = { labelWidth: 250, barHeight: 7, rowGap: 6, top: 40, bottom: 46, right: 56 };

/**
 * One row per group, its bars stacked inside the row, values along a horizontal axis (log-scaled
 * when asked): for charts with many labelled groups, whose labels would overlap under bars.
 */
export function horizontalBarChartSvg(chart: BarChart): string {
  const { groups, names } = drawableBars(chart);
  if (groups.length === 0) return emptyChart(chart.title);
  const values = groups.flatMap((g) => g.bars.flatMap((b) => [b.value, b.low ?? b.value, b.high ?? b.value])).filter((v) => Number.isFinite(v) && (!chart.logY || v > 0));
  const logX = chart.logY === true;
  const x0 = HBAR.labelWidth, x1 = WIDTH - HBAR.right;
  const sx = logX ? scale(Math.min(...values) / 1.2, Math.max(...values) * 1.2, x0, x1, true) : scale(0, Math.max(...values) * 1.05 || 1, x0, x1, false);
  const rowHeight = names.length * HBAR.barHeight + HBAR.rowGap;
  const plotBottom = HBAR.top + groups.length * rowHeight;
  const body: string[] = [];
  for (const t of sx.ticks) body.push(`<line x1="${n(sx.map(t))}" x2="${n(sx.map(t))}" y1="${HBAR.top}" y2="${plotBottom}" class="grid"/><text x="${n(sx.map(t))}" y="${plotBottom + 14}" text-anchor="middle" class="tick">${formatTick(t)}</text>`);
  groups.forEach((g, gi) => {
    const y = HBAR.top + gi * rowHeight;
    body.push(`<text x="${x0 - 6}" y="${n(y + rowHeight / 2 + 1)}" text-anchor="end" dominant-baseline="middle" class="tick">${escapeXml(g.label)}</text>`);
    for (const b of g.bars) {
      const i = names.indexOf(b.name), by = y + i * HBAR.barHeight;
      const left = logX ? x0 : sx.map(0);
      body.push(`<rect x="${n(left)}" y="${n(by)}" width="${n(Math.max(1, sx.map(b.value) - left))}" height="${HBAR.barHeight - 1}" fill="${COLOURS[i % COLOURS.length]}" class="bar"><title>${escapeXml(`${g.label} · ${b.name}: ${formatTick(b.value)}`)}</title></rect>`);
      if (b.low !== undefined && b.high !== undefined && Number.isFinite(b.low) && Number.isFinite(b.high) && (!logX || b.low > 0)) {
        const cy = by + (HBAR.barHeight - 1) / 2;
        body.push(`<path d="M${n(sx.map(b.low))},${n(cy)} L${n(sx.map(b.high))},${n(cy)}" stroke="#333" class="whisker"/>`);
      }
      body.push(`<text x="${n(sx.map(b.high !== undefined && Number.isFinite(b.high) ? Math.max(b.value, b.high) : b.value) + 3)}" y="${n(by + HBAR.barHeight - 1)}" class="bar-value">${escapeXml(formatTick(b.value))}</text>`);
    }
  });
  const height = plotBottom + HBAR.bottom;
  const key = names.map((name, i) => `<rect x="${x0 + i * 190}" y="${height - 19}" width="10" height="10" fill="${COLOURS[i % COLOURS.length]}" class="legend-swatch"/><text x="${x0 + i * 190 + 14}" y="${height - 10}" class="legend">${escapeXml(name)}</text>`);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-label="${escapeXml(chart.title)}">`,
    `<title>${escapeXml(chart.title)}</title>`,
    `<text x="${WIDTH / 2}" y="20" text-anchor="middle" class="chart-title">${escapeXml(chart.title)}</text>`,
    `<line x1="${x0}" y1="${plotBottom}" x2="${x1}" y2="${plotBottom}" class="axis"/>`,
    ...body,
    `<text x="${(x0 + x1) / 2}" y="${plotBottom + 30}" text-anchor="middle" class="axis-label">${escapeXml(chart.yLabel + (logX ? ' (log scale)' : ''))}</text>`,
    ...key,
    '</svg>',
  ].join('\n');
}
