/**
 * The per-function part of `prtip-perf record`'s output: the profile symbolized, the top
 * functions by self share (with total share and the rest, so the column adds up), which
 * libraries lacked symbols and the build setting that keeps them, and the folded stacks.
 */
import { analyseProfile, foldedStacks, topFunctions } from './analysis.js';
import { symbolize } from './symbols.js';
import type { RawProfile } from './types.js';

/** What `record --json` adds to its figures: functions by self share, symbol sources, folded stacks. */
export interface FunctionReportJson {
  /** Top functions by self share (fractions of all samples). */
  functions: { name: string; library: string; kind: 'kernel' | 'user'; self: number; total: number }[];
  /** Self share of all the other functions. */
  otherFunctions: number;
  /** Per library with samples: where its names came from, and for missing ones what would keep them. */
  symbols: { library: string; source: string; leafSamples: number; unsymbolizedLeafSamples: number; missing: { at: string; samples: number }[]; hint?: string }[];
  /** Share of samples whose leaf frame has no name. */
  unsymbolized: number;
  /** Brendan Gregg / inferno folded stacks (`comm;root;…;leaf count` per line). */
  folded: string;
}

/** Symbolizes and summarises a recorded profile; `top` functions by self share. */
export function functionReport(profile: RawProfile, top = 20): { json: FunctionReportJson; text: string } {
  const sp = symbolize(profile);
  const a = analyseProfile(sp);
  const t = topFunctions(a, top);
  const json: FunctionReportJson = {
    functions: t.rows.map((f) => ({ name: f.name, library: f.library, kind: f.kind, self: f.self, total: f.total })),
    otherFunctions: t.rest,
    symbols: sp.libraries.map(({ library, source, leafSamples, unsymbolizedLeafSamples, missing, hint }) => ({ library, source, leafSamples, unsymbolizedLeafSamples, missing, ...(hint ? { hint } : {}) })),
    unsymbolized: a.unsymbolized,
    folded: foldedStacks(sp.samples),
  };
  const pct = (f: number): string => `${(100 * f).toFixed(2).padStart(6)} %`;
  const lines = ['', `  top ${t.rows.length} functions (self = leaf frame, total = anywhere on the stack):`, '      self     total  function  [library]'];
  for (const f of t.rows) lines.push(`  ${pct(f.self)}  ${pct(f.total)}  ${f.name}  ${f.library.startsWith("[") ? f.library : `[${f.library}]`}`);
  lines.push(`  ${pct(t.rest)}            all other functions (${t.restFunctions})`);
  const missing = sp.libraries.filter((l) => l.unsymbolizedLeafSamples > 0 && l.hint);
  if (missing.length > 0) {
    lines.push('', '  missing symbols:');
    for (const l of missing) lines.push(`    ${l.library} (${l.source === 'none' ? 'no symbol table' : l.source === 'dynsym' ? 'exported symbols only' : l.source}): ${l.unsymbolizedLeafSamples} of its ${l.leafSamples} samples unnamed, e.g. ${l.missing.map((m) => m.at).slice(0, 3).join(', ')}; ${l.hint}`);
  }
  if (!sp.kernel.available) lines.push('', `  kernel frames: not named (${sp.kernel.reason ?? 'unavailable'})`);
  return { json, text: lines.join('\n') };
}
