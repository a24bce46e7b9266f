/**
 * The claims in the HTML report: a table that fits the page (fixed layout, wrapped cells) with the
 * document's words, the figure, the band and the verdict in view, filtered by verdict and by family.
 * The report allows no script (its Content-Security-Policy), so the filters are radio buttons and
 * CSS sibling rules.
 */
import type { ClaimRow, Verdict } from '../model/result.js';
import { escapeXml } from './svg.js';

const VERDICTS: readonly Verdict[] = ['holds', 'does-not-hold', 'cannot-tell'];
const slug = (s: string): string => s.replace(/[^a-z0-9]+/gi, '-').toLowerCase();

/** Radio buttons for one filter, with a count on each. */
function radios(name: string, label: string, values: readonly string[], count: (v: string) => number, total: number): string {
  const all = `<input type="radio" name="${name}" id="${name}-all" checked><label for="${name}-all">all (${total})</label>`;
  return `<span class="filter-label">${label}:</span> ${all} ${values.map((v) => `<input type="radio" name="${name}" id="${name}-${slug(v)}"><label for="${name}-${slug(v)}">${escapeXml(v)} (${count(v)})</label>`).join(' ')}<br>`;
}

/** CSS that hides the rows a checked radio excludes; the two filters combine. */
function filterCss(prefix: string, values: readonly string[]): string {
  return values.map((v) => `#${prefix}-${slug(v)}:checked~table tr.claim:not(.${prefix}-${slug(v)})`).join(',') + '{display:none}';
}

function row(c: ClaimRow): string {
  const classes = `claim cv-${slug(c.verdict)} cf-${slug(c.family ?? 'other')}`;
  const words = c.words ? `<q>${escapeXml(c.words)}</q><br>` : '';
  const decide = c.measureWith ? `<div class="decide">to decide it: ${escapeXml(c.measureWith)}</div>` : '';
  return `<tr class="${classes}" id="claim-${escapeXml(c.id)}">` +
    `<td class="verdict verdict-${c.verdict}">${escapeXml(c.verdict)}</td>` +
    `<td><strong>${escapeXml(c.claim)}</strong><div class="claim-id">${escapeXml(c.id)} · ${escapeXml(c.family ?? '')}</div>${words}<span class="source">${escapeXml(c.source)}</span></td>` +
    `<td>${escapeXml(c.measured)}</td>` +
    `<td>${c.interval ? `${escapeXml(c.interval)}<br>` : ''}${c.band ? `<span class="band">band ${escapeXml(c.band)}</span>` : ''}</td>` +
    `<td>${escapeXml(c.reason)}${decide}</td></tr>`;
}

export const CLAIMS_CSS = `
.claims-table{table-layout:fixed;width:100%}.claims-table td{overflow-wrap:anywhere;font-size:12px}
.claims-table col.v{width:9%}.claims-table col.c{width:25%}.claims-table col.m{width:24%}.claims-table col.i{width:14%}.claims-table col.w{width:28%}
.claims q{color:#333;font-style:italic}.claim-id,.source,.band,.decide{color:#666;font-size:11px}.decide{margin-top:4px}
.claims input[type=radio]{margin-left:8px}.filter-label{font-weight:600}.claims label{margin-right:4px}
`;

/** The claims section: counts, filters by verdict and family, and the table. */
export function claimsSectionHtml(claims: readonly ClaimRow[]): string {
  const families = [...new Set(claims.map((c) => c.family ?? 'other'))];
  const byVerdict = (v: string): number => claims.filter((c) => c.verdict === v).length;
  const byFamily = (f: string): number => claims.filter((c) => (c.family ?? 'other') === f).length;
  return [
    `<section class="claims" id="claims"><h2>Claims from ProRT-IP's documents, measured here</h2>`,
    `<p>${claims.length} claims: ${VERDICTS.map((v) => `${byVerdict(v)} ${v.replace(/-/g, ' ')}`).join(', ')}. A claim holds when its interval (between processes or runs) lies inside its band; it does not hold when the interval lies wholly outside the band widened by its margin; otherwise it cannot be told here, and the row says what would decide it.</p>`,
    `<style>${filterCss('cv', VERDICTS)}${filterCss('cf', families)}</style>`,
    radios('cv', 'verdict', VERDICTS, byVerdict, claims.length),
    radios('cf', 'family', families, byFamily, claims.length),
    '<table class="claims-table"><colgroup><col class="v"><col class="c"><col class="m"><col class="i"><col class="w"></colgroup>',
    '<thead><tr><th>verdict</th><th>claim, the document\'s words, source</th><th>measured here</th><th>interval and band</th><th>why</th></tr></thead><tbody>',
    ...claims.map(row),
    '</tbody></table></section>',
  ].join('\n');
}
