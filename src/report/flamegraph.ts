/**
 * A flame graph as one self-contained SVG (no script, no external font or style), drawn
 * from folded stacks (`root;…;leaf count`, Brendan Gregg's and inferno's format): one box
 * per frame, as wide as its share of the samples, callers below callees; each box's
 * tooltip (<title>) gives the frame, its samples and its share. Boxes narrower than
 * `minWidthPx` are not drawn (their samples stay in their parent's width).
 */
import { parseFolded } from '../measure/profile/analysis.js';
import type { ReportProfile } from '../model/prtip-runs.js';
import type { SuiteResult } from '../model/result.js';
import { escapeXml } from './svg.js';

interface Node {
  name: string;
  count: number;
  children: Map<string, Node>;
}

/** Options for {@link flameGraphSvg}. */
export interface FlameGraphOptions {
  title?: string;
  /** Total width in px (default 1000). */
  width?: number;
  frameHeight?: number;
  minWidthPx?: number;
  /** Levels drawn at most (default 64): frame-pointer walks through code without frame pointers can make absurdly deep junk stacks. */
  maxDepth?: number;
}

function tree(folded: string): Node {
  const root: Node = { name: 'all', count: 0, children: new Map() };
  for (const { frames, count } of parseFolded(folded)) {
    root.count += count;
    let node = root;
    for (const f of frames) {
      let child = node.children.get(f);
      if (!child) {
        child = { name: f, count: 0, children: new Map() };
        node.children.set(f, child);
      }
      child.count += count;
      node = child;
    }
  }
  return root;
}

/** Depth of the part of the tree wide enough to draw (count ≥ minCount). */
function depthOf(n: Node, minCount: number): number {
  let d = 0;
  for (const c of n.children.values()) if (c.count >= minCount) d = Math.max(d, depthOf(c, minCount));
  return d + 1;
}

/** A stable warm colour per name (kernel frames, marked `_[k]`, in orange; user code in red-yellow), like flamegraph.pl's "hot" palette. */
function colour(name: string): string {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  const v = ((h >>> 0) % 1000) / 1000;
  if (name.endsWith('_[k]')) return `rgb(${230 + Math.round(20 * v)},${120 + Math.round(50 * v)},${40 + Math.round(30 * v)})`;
  if (name === 'all') return 'rgb(200,200,200)';
  return `rgb(${205 + Math.round(50 * v)},${Math.round(80 + 150 * v)},${Math.round(40 * v)})`;
}

const pctText = (x: number): string => `${(100 * x).toFixed(x < 0.001 ? 3 : 2)}%`;

/** The flame graph of `folded` as an SVG element (an empty-profile note when there are no samples). */
export function flameGraphSvg(folded: string, options: FlameGraphOptions = {}): string {
  const width = options.width ?? 1000, fh = options.frameHeight ?? 16, minW = options.minWidthPx ?? 0.3;
  const title = options.title ?? 'Flame graph';
  const root = tree(folded);
  const pad = 10, top = 34;
  if (root.count === 0) {
    return `<svg xmlns="http://www.w3.org/2000/svg" class="chart flamegraph" width="${width}" height="60" viewBox="0 0 ${width} 60" role="img" aria-label="${escapeXml(title)}: no samples">` +
      `<text x="${pad}" y="22" class="chart-title">${escapeXml(title)}</text><text x="${pad}" y="46" class="tick">no samples</text></svg>`;
  }
  const scale = (width - 2 * pad) / root.count;
  const maxDepth = options.maxDepth ?? 64;
  const fullDepth = depthOf(root, minW / scale);
  const depth = Math.min(fullDepth, maxDepth);
  const height = top + depth * fh + pad;
  const boxes: string[] = [];
  let drawn = 0;
  const draw = (n: Node, x: number, level: number): void => {
    const w = n.count * scale;
    if (w < minW || level >= depth) return;
    drawn++;
    const y = height - pad - (level + 1) * fh;
    const label = n.name;
    const chars = Math.floor((w - 6) / 6.6);
    const text = chars >= 3 ? (label.length <= chars ? label : `${label.slice(0, chars - 2)}..`) : '';
    boxes.push(`<g class="frame"><title>${escapeXml(`${label} (${n.count} samples, ${pctText(n.count / root.count)})`)}</title>` +
      `<rect x="${(pad + x).toFixed(2)}" y="${y}" width="${w.toFixed(2)}" height="${fh - 1}" rx="2" fill="${colour(n.name)}"/>` +
      (text ? `<text x="${(pad + x + 3).toFixed(2)}" y="${y + fh - 5}">${escapeXml(text)}</text>` : '') + '</g>');
    let cx = x;
    const kids = [...n.children.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const c of kids) {
      draw(c, cx, level + 1);
      cx += c.count * scale;
    }
  };
  draw(root, 0, 0);
  return `<svg xmlns="http://www.w3.org/2000/svg" class="chart flamegraph" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" ` +
    `aria-label="${escapeXml(`${title}: ${root.count} samples`)}" data-samples="${root.count}" data-frames="${drawn}">` +
    `<style>.flamegraph text{font:11px monospace;fill:#000}.flamegraph .frame:hover rect{stroke:#000;stroke-width:0.8}</style>` +
    `<text x="${pad}" y="20" class="chart-title">${escapeXml(title)}</text>` +
    `<text x="${width - pad}" y="20" text-anchor="end" class="tick">${root.count} samples; hover a box for its share${fullDepth > depth ? `; stacks cut at ${depth} of ${fullDepth} levels` : ''}</text>` +
    boxes.join('') + '</svg>';
}

/**
 * The flame graphs a suite's data carries (`data.profiles`, each with `folded`), as HTML
 * figures for the report; '' when it has none.
 */
export function flameGraphFigures(s: SuiteResult): string {
  const list = s.data?.['profiles'];
  if (!Array.isArray(list)) return '';
  return list.filter((p): p is ReportProfile => typeof p === 'object' && p !== null && typeof (p as ReportProfile).folded === 'string')
    .map((p) => {
      const title = `Flame graph: ${p.tool} ${p.scenario} (${p.samples} samples)`;
      return `<figure class="flame" id="flame-${escapeXml(`${p.tool}-${p.scenario}`)}">\n${flameGraphSvg(p.folded, { title })}\n` +
        `<figcaption>${escapeXml(`sampled with perf_event_open inside the scenario's namespace; width = share of samples, callers below callees; kernel frames end in _[k]`)}</figcaption></figure>`;
    }).join('\n');
}
