/**
 * What `compare` prints and writes, one function per format (hyperfine's way): the
 * terminal text (hyperfine's "X ran 1.23 ± 0.04 times faster than Y" per scenario, then
 * the metrics), Markdown short enough for a pull-request comment, and JSON.
 */
import { STYLE } from './html.js';
import { barChartSvg, escapeXml } from './svg.js';
import type { Comparison, CompareResult, ScenarioComparison } from '../analyse/compare/result.js';
import { signedPct } from '../analyse/compare/analyse.js';

function value(x: number, unit: string): string {
  if (unit === 'ns') return `${(x / 1e6).toFixed(x >= 1e8 ? 0 : 1)} ms`;
  if (unit === 'B') return `${(x / 2 ** 20).toFixed(1)} MiB`;
  return x >= 100 ? String(Math.round(x)) : x.toFixed(1);
}

const intervalPct = (ci: readonly [number, number] | null): string => (ci === null ? 'n/a' : `${signedPct(ci[0] - 1)} … ${signedPct(ci[1] - 1)}`);

/**
 * hyperfine's sentence on a ratio: the faster build "ran r ± h times faster" than the other,
 * r ≥ 1 and h half the width of its 95% interval (hyperfine's ± is a standard deviation;
 * ours is the interval, which is what the verdict is judged on).
 */
export function ranFaster(c: Comparison): string {
  const newFaster = c.ratio < 1;
  const r = newFaster ? 1 / c.ratio : c.ratio;
  const ci = c.interval === null ? null : newFaster ? [1 / c.interval[1], 1 / c.interval[0]] : c.interval;
  const pm = ci === null ? '' : ` ± ${((ci[1]! - ci[0]!) / 2).toFixed(2)}`;
  return `${newFaster ? c.candidate : c.baseline} ran ${r.toFixed(2)}${pm} times faster than ${newFaster ? c.baseline : c.candidate}`;
}

function metricLine(c: Comparison, width: number): string {
  const mde = c.mde === null ? 'n/a' : `±${(100 * c.mde).toFixed(1)}%`;
  return `  ${(c.metric + (c.gated ? '*' : '')).padEnd(width)}  ${value(c.old, c.unit).padStart(10)}  ${value(c.new, c.unit).padStart(10)}  ${c.ratio.toFixed(3).padStart(6)}  ${intervalPct(c.interval).padEnd(17)}  ${c.verdict.padEnd(13)}  ${mde.padStart(7)}`;
}

function scenarioText(s: ScenarioComparison, candidates: readonly string[]): string[] {
  if (s.error !== undefined) return [`${s.scenario}: did not run: ${s.error}`];
  const lines = [`${s.scenario} (${s.blocks} blocks)`];
  for (const cand of candidates) {
    const rows = s.comparisons.filter((c) => c.candidate === cand);
    const wall = rows.find((c) => c.metric === 'wall');
    if (wall) lines.push(`  ${ranFaster(wall)}: wall ${wall.verdict} (${wall.reason})`);
    const width = Math.max(8, ...rows.map((c) => c.metric.length + 1));
    lines.push(`  ${'metric'.padEnd(width)}  ${`${rows[0]?.baseline ?? 'old'}`.padStart(10)}  ${cand.padStart(10)}  ${'ratio'.padStart(6)}  ${'95% interval'.padEnd(17)}  ${'verdict'.padEnd(13)}  ${'detects'.padStart(7)}`);
    for (const c of rows) lines.push(metricLine(c, width));
  }
  lines.push(`  null control: ${s.nullControl.why}`);
  if (s.skipped.length > 0) lines.push(`  not compared: ${s.skipped.map((x) => `${x.metric} (${x.why})`).join(', ')}`);
  return lines;
}

/** One line on how the figures were made, shared by the terminal and Markdown. */
export function methodNote(r: CompareResult): string {
  const o = r.options;
  return `${r.blocksRequested} blocks a scenario, each running ${r.builds.map((b) => b.name).join(', ')} and ${r.builds[0]!.name} again (the null control) twice, mirrored and rotated, each run in a fresh network namespace; ` +
    `ratio NEW/OLD of the blocks' geometric means, 95% interval from a paired t-test on the blocks' log ratios (the block is the unit); ` +
    `faster/slower: the interval lies wholly beyond ±${(100 * o.noiseThreshold).toFixed(1)}%; no-difference: it and the change detectable at 80% power lie within ±${(100 * o.margin).toFixed(1)}%; ` +
    `a null control beyond ±${(100 * o.noiseThreshold).toFixed(1)}% on any metric makes every verdict of its scenario cannot-tell`;
}

const loadText = (r: CompareResult): string => `load ${r.load.start[0]} at the start, ${r.load.end[0]} at the end, ${r.load.cores} cores`;

/** The terminal text. */
export function formatCompareText(r: CompareResult): string {
  const [old, ...news] = r.builds;
  const lines = [
    `prtip-perf compare: ${r.builds.map((b) => `${b.name} = ${b.path} (${b.version})`).join('; ')}`,
    `${methodNote(r)}; * = gated (--fail-on-regression, --bisect); ${loadText(r)}; took ${(r.durationMs / 1000).toFixed(1)} s${r.interrupted ? ' (interrupted: only the blocks that completed)' : ''}`,
    '',
  ];
  for (const s of r.scenarios) lines.push(...scenarioText(s, news.map((b) => b.name)), '');
  if (old === undefined) lines.push('no builds');
  return lines.join('\n');
}

function markdownCell(c: Comparison | undefined): string {
  if (!c) return 'n/a';
  const mark = c.verdict === 'slower' ? '🔴 ' : c.verdict === 'faster' ? '🟢 ' : '';
  return `${mark}${c.ratio.toFixed(3)} (${intervalPct(c.interval)}) ${c.verdict}`;
}

/** Markdown for a pull-request comment: the gated metrics per scenario, then what else changed. */
export function formatCompareMarkdown(r: CompareResult): string {
  const old = r.builds[0]!;
  const lines: string[] = [];
  for (const cand of r.builds.slice(1)) {
    lines.push(`### prtip-perf compare: ${cand.name} against ${old.name}`, '', `NEW/OLD (95% interval) and verdict; below 1 is faster or smaller.`, '',
      '| scenario | wall | CPU | peak RSS | detects (wall) |', '|---|---|---|---|---|');
    for (const s of r.scenarios) {
      if (s.error !== undefined) {
        lines.push(`| ${s.scenario} | did not run | | | |`);
        continue;
      }
      const get = (m: string): Comparison | undefined => s.comparisons.find((c) => c.candidate === cand.name && c.metric === m);
      const wall = get('wall');
      lines.push(`| ${s.scenario}${s.nullControl.differs ? ' ⚠️ null control differs' : ''} | ${markdownCell(wall)} | ${markdownCell(get('cpu'))} | ${markdownCell(get('peak-rss'))} | ${wall?.mde == null ? 'n/a' : `±${(100 * wall.mde).toFixed(1)}%`} |`);
    }
    const others = r.comparisons.filter((c) => c.candidate === cand.name && !c.gated && (c.verdict === 'slower' || c.verdict === 'faster'));
    lines.push('', others.length === 0 ? 'No other metric changed.' : `Other metrics that changed: ${others.map((c) => `${c.scenario} ${c.metric} ${signedPct(c.ratio - 1)} (${c.verdict === 'slower' ? 'more' : 'less'})`).join('; ')}.`, '');
  }
  if (r.criterion) {
    const told = r.criterion.comparisons.filter((c) => c.verdict !== 'cannot-tell');
    lines.push(`prtip's criterion benchmarks (${r.criterion.comparisons.length}): ${told.length === 0 ? 'no change beyond the between-process band' : told.map((c) => `${c.id} ${c.ratio.toFixed(2)}× ${c.verdict}`).join('; ')} (one cargo bench process a side; see the JSON for each).`, '');
  }
  lines.push(`<sub>${r.builds.map((b) => `${b.name}: ${b.version}`).join(', ')}. ${methodNote(r)}. ${loadText(r)}.</sub>`, '');
  return lines.join('\n');
}

/** The result as JSON (the library's CompareResult, as is). */
export function formatCompareJson(r: CompareResult): string {
  return JSON.stringify(r, null, 2) + '\n';
}

/**
 * A self-contained HTML page: per candidate, a chart of the gated metrics' change NEW/OLD − 1
 * per scenario with its 95% interval as a whisker, then the terminal text.
 */
export function formatCompareHtml(r: CompareResult): string {
  const charts = r.builds.slice(1).map((cand) => barChartSvg({
    title: `${cand.name} against ${r.builds[0]!.name}: change NEW/OLD − 1 with its 95% interval`,
    yLabel: 'change, %',
    groups: r.scenarios.filter((s) => s.error === undefined).map((s) => ({
      label: s.scenario,
      bars: s.comparisons.filter((c) => c.candidate === cand.name && c.gated).map((c) => ({
        name: c.metric, value: 100 * (c.ratio - 1),
        ...(c.interval ? { low: 100 * (c.interval[0] - 1), high: 100 * (c.interval[1] - 1) } : {}),
      })),
    })),
  }));
  return ['<!doctype html><html><head><meta charset="utf-8"><title>prtip-perf compare</title>', `<style>${STYLE}</style></head><body>`,
    '<h1>prtip-perf compare</h1>', ...charts.map((c) => `<figure>${c}</figure>`),
    `<pre>${escapeXml(formatCompareText(r))}</pre>`, '</body></html>', ''].join('\n');
}
