/** The Markdown report: machine, claims, every suite's tables, and the baseline comparison. */
import type { BaselineComparison } from '../analyse/baseline.js';
import { comparisonTable } from '../analyse/baseline.js';
import { machineSummary } from '../model/machine.js';
import { claimsTable } from './claims.js';
import { failedSuitesSentence } from './failures.js';
import type { BenchResult, Table } from '../model/result.js';
import { formatCell } from '../core/text.js';

function escapeCell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

/** One Table as a GitHub-flavoured Markdown table (numbers right-aligned), its notes below. */
export function markdownTable(table: Table, heading = '###'): string {
  const numeric = table.columns.map((_, i) => table.rows.length > 0 && table.rows.every((r) => r[i] === null || typeof r[i] === 'number'));
  const out = [
    `${heading} ${escapeCell(table.title)}`,
    '',
    `| ${table.columns.map(escapeCell).join(' | ')} |`,
    `| ${numeric.map((n) => (n ? '---:' : '---')).join(' | ')} |`,
    ...table.rows.map((r) => `| ${table.columns.map((_, i) => escapeCell(formatCell(r[i] ?? null))).join(' | ')} |`),
  ];
  if (table.rows.length === 0) out.push(`| ${table.columns.map(() => '—').join(' | ')} |`);
  if (table.notes && table.notes.length > 0) out.push('', ...table.notes.map((n) => `- ${n}`));
  return out.join('\n');
}

function machineSection(r: BenchResult): string {
  const m = r.machine;
  const mitigated = Object.entries(m.mitigations);
  return [
    '## Machine',
    '',
    machineSummary(m),
    '',
    `- CPU: ${m.cpu.model} (${m.cpu.vendor}), ${m.cpu.cores} logical / ${m.cpu.physicalCores} physical cores, AVX2 ${m.cpu.avx2 ? 'yes' : 'no'}, AVX-512 ${m.cpu.avx512 ? 'yes' : 'no'}`,
    `- perf: perf_event_paranoid ${m.perf.paranoid ?? 'unknown'}, PMU ${m.perf.pmu ? 'yes' : `no (${m.perf.pmuReason})`}, tracefs ${m.perf.tracefs || 'not mounted'}${m.perf.tracefsNote ? ` (${m.perf.tracefsNote})` : ''}`,
    `- versions: Node ${m.versions.node}, N-API ${m.versions.napi}, prtip-perf ${m.versions.package}, addon ${m.versions.addon ? `sha256 ${m.versions.addon.sha256.slice(0, 12)} built ${m.versions.addon.builtAt}` : 'not built'}`,
    `- git: ${m.git ? `${m.git.commit}${m.git.dirty ? ' (with uncommitted changes)' : ''}` : 'not a git checkout'}`,
    `- CPU vulnerability mitigations: ${mitigated.length === 0 ? 'not reported by this kernel' : mitigated.map(([k, v]) => `${k}: ${v}`).join('; ')}`,
  ].join('\n');
}

/** The whole run as one Markdown document. */
export function markdownReport(r: BenchResult, comparison?: BaselineComparison): string {
  const parts = [
    `# prtip-perf bench, ${r.startedAt}`,
    '',
    `${r.options.quick ? 'Quick run' : 'Full run'} of ${r.suites.length} suite(s) in ${(r.durationMs / 1000).toFixed(1)} s` +
      (r.interrupted ? ' — **interrupted (Ctrl-C): only the suites that finished are here**' : '') + '.',
    '',
    ...(failedSuitesSentence(r) !== null ? [`**${escapeCell(failedSuitesSentence(r)!)}**`, ''] : []),
    machineSection(r),
    '',
    markdownTable(claimsTable(r.claims), '##'),
  ];
  if (comparison) parts.push('', markdownTable(comparisonTable(comparison), '##'));
  for (const s of r.suites) {
    parts.push('', `## ${escapeCell(s.title)} (${s.suite}): ${s.status}${s.reason ? ` — ${escapeCell(s.reason)}` : ''}`, '', `Took ${(s.durationMs / 1000).toFixed(1)} s.`);
    for (const t of s.tables) parts.push('', markdownTable(t));
    if (s.warnings.length > 0) parts.push('', ...s.warnings.map((w) => `> warning: ${escapeCell(w)}`));
  }
  return parts.join('\n') + '\n';
}
