/**
 * What a symbolized profile says: kernel vs user, self and total shares by function and by
 * library, folded stacks, and the share of functions matching a name pattern (for claims).
 * Every share is a fraction of all samples of the recording, so self shares add up to 1.
 */
import type { LibrarySymbols, SymbolizedProfile, SymbolizedSample } from './symbols.js';

/** One function's share: self = samples with it as the leaf; total = samples with it anywhere on the stack. */
export interface FunctionShare {
  name: string;
  library: string;
  kind: 'kernel' | 'user';
  symbolized: boolean;
  selfSamples: number;
  totalSamples: number;
  /** selfSamples / all samples. */
  self: number;
  /** totalSamples / all samples. */
  total: number;
}

/** One library's share (the leaf frame's library for self, any frame's for total). */
export interface LibraryShare {
  library: string;
  kind: 'kernel' | 'user';
  selfSamples: number;
  self: number;
  total: number;
}

/** The analysed profile: JSON-able, fractions of all samples. */
export interface ProfileAnalysis {
  event: string;
  frequencyHz: number;
  samples: number;
  lost: number;
  wallNs: number;
  /** Kernel = samples whose leaf is a kernel frame; user = the rest. */
  shares: { kernel: number; user: number };
  /** Self share by library (leaf frame), kernel frames under `[kernel.kallsyms]` (or `[module]`). */
  byLibrary: Record<string, number>;
  libraries: LibraryShare[];
  /** Every function, by self share then total share. */
  functions: FunctionShare[];
  /** Share of samples whose leaf frame found no symbol. */
  unsymbolized: number;
  /** Call chains with more than the leaf frame (a profile with none has no meaningful total shares). */
  samplesWithCallers: number;
  symbols: LibrarySymbols[];
  kernelFrames: { available: boolean; reason?: string };
}

const key = (f: { name: string; library: string }): string => `${f.library}\0${f.name}`;

/** Self and total shares by function and by library, kernel vs user. */
export function analyseProfile(p: SymbolizedProfile): ProfileAnalysis {
  const n = p.samples.length;
  const fraction = (k: number): number => (n === 0 ? 0 : k / n);
  const fns = new Map<string, Omit<FunctionShare, 'self' | 'total'>>();
  const libSelf = new Map<string, { kind: 'kernel' | 'user'; self: number; total: number }>();
  let kernel = 0, unsymbolized = 0, withCallers = 0;
  for (const s of p.samples) {
    const leaf = s.frames[0]!;
    if (leaf.kind === 'kernel') kernel++;
    if (!leaf.symbolized) unsymbolized++;
    if (s.frames.length > 1) withCallers++;
    const seenFn = new Set<string>(), seenLib = new Set<string>();
    s.frames.forEach((f, i) => {
      const k = key(f);
      let e = fns.get(k);
      if (!e) {
        e = { name: f.name, library: f.library, kind: f.kind, symbolized: f.symbolized, selfSamples: 0, totalSamples: 0 };
        fns.set(k, e);
      }
      if (i === 0) e.selfSamples++;
      if (!seenFn.has(k)) {
        seenFn.add(k);
        e.totalSamples++;
      }
      let l = libSelf.get(f.library);
      if (!l) {
        l = { kind: f.kind, self: 0, total: 0 };
        libSelf.set(f.library, l);
      }
      if (i === 0) l.self++;
      if (!seenLib.has(f.library)) {
        seenLib.add(f.library);
        l.total++;
      }
    });
  }
  const functions = [...fns.values()].map((f) => ({ ...f, self: fraction(f.selfSamples), total: fraction(f.totalSamples) }))
    .sort((a, b) => b.selfSamples - a.selfSamples || b.totalSamples - a.totalSamples || a.name.localeCompare(b.name));
  const libraries = [...libSelf.entries()].map(([library, l]) => ({ library, kind: l.kind, selfSamples: l.self, self: fraction(l.self), total: fraction(l.total) }))
    .sort((a, b) => b.selfSamples - a.selfSamples || a.library.localeCompare(b.library));
  return {
    event: p.raw.event, frequencyHz: p.raw.frequencyHz, samples: n, lost: p.raw.lost, wallNs: p.raw.wallNs,
    shares: { kernel: fraction(kernel), user: fraction(n - kernel) },
    byLibrary: Object.fromEntries(libraries.filter((l) => l.selfSamples > 0).map((l) => [l.library, l.self])),
    libraries, functions, unsymbolized: fraction(unsymbolized), samplesWithCallers: withCallers,
    symbols: p.libraries, kernelFrames: p.kernel,
  };
}

/** The top `n` functions by self share (optionally only some), and what the rest add up to, so the rows and the rest make the whole. */
export function topFunctions(a: ProfileAnalysis, n: number, keep: (f: FunctionShare) => boolean = () => true): { rows: FunctionShare[]; rest: number; restFunctions: number; scope: number } {
  const kept = a.functions.filter((f) => f.selfSamples > 0 && keep(f));
  const rows = kept.slice(0, n);
  const scope = kept.reduce((s, f) => s + f.self, 0);
  return { rows, rest: scope - rows.reduce((s, f) => s + f.self, 0), restFunctions: kept.length - rows.length, scope };
}

/** Folded-stack frame text: no `;` (the separator) and no line breaks; kernel frames get `_[k]`, as stackcollapse-perf.pl --kernel marks them. */
function foldedFrame(name: string, kind: 'kernel' | 'user'): string {
  const clean = name.replace(/[;\r\n]/g, ' ');
  return kind === 'kernel' ? `${clean}_[k]` : clean;
}

/**
 * Folded stacks, the format of Brendan Gregg's stackcollapse scripts and inferno:
 * one line per distinct stack, `comm;root;…;leaf count`, sorted.
 */
export function foldedStacks(samples: readonly SymbolizedSample[]): string {
  const counts = new Map<string, number>();
  for (const s of samples) {
    const stack = [s.comm.replace(/[;\r\n ]/g, '_'), ...s.frames.slice().reverse().map((f) => foldedFrame(f.name, f.kind))].join(';');
    counts.set(stack, (counts.get(stack) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([s, c]) => `${s} ${c}`).join('\n') + (counts.size > 0 ? '\n' : '');
}

/** Parses folded stacks back into (frames root first, count). Lines that do not end in a count are refused. */
export function parseFolded(text: string): { frames: string[]; count: number }[] {
  const out: { frames: string[]; count: number }[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const m = /^(.*) (\d+)$/.exec(line);
    if (!m) throw new RangeError(`folded stacks line ${i + 1}: expected "frame;frame;… count", got ${JSON.stringify(line.slice(0, 80))}`);
    out.push({ frames: m[1]!.split(';'), count: Number(m[2]) });
  });
  return out;
}

/** The share of samples in functions whose name matches `pattern`: self (leaf matches) and total (a frame matches), as counts and fractions. */
export interface PatternShare {
  pattern: string;
  selfSamples: number;
  totalSamples: number;
  self: number;
  total: number;
  /** The matching functions with their self samples, most first (what the pattern caught). */
  matched: { name: string; selfSamples: number; totalSamples: number }[];
}

/** `frames`: which frames may match (all, or only user-space or kernel ones: a claim about a binary's function matches user frames only). */
export function patternShare(p: SymbolizedProfile, pattern: { test(name: string): boolean }, frames: 'all' | 'user' | 'kernel' = 'all'): PatternShare {
  const n = p.samples.length;
  const eligible = (f: SymbolizedSample['frames'][number]): boolean => f.symbolized && (frames === 'all' || f.kind === frames) && pattern.test(f.name);
  let self = 0, total = 0;
  const matched = new Map<string, { name: string; selfSamples: number; totalSamples: number }>();
  for (const s of p.samples) {
    if (eligible(s.frames[0]!)) self++;
    let any = false;
    const seen = new Set<string>();
    s.frames.forEach((f, i) => {
      if (!eligible(f)) return;
      any = true;
      if (seen.has(f.name)) return;
      seen.add(f.name);
      const m = matched.get(f.name) ?? { name: f.name, selfSamples: 0, totalSamples: 0 };
      if (i === 0) m.selfSamples++;
      m.totalSamples++;
      matched.set(f.name, m);
    });
    if (any) total++;
  }
  return { pattern: String(pattern), selfSamples: self, totalSamples: total, self: n ? self / n : 0, total: n ? total / n : 0,
    matched: [...matched.values()].sort((a, b) => b.selfSamples - a.selfSamples || b.totalSamples - a.totalSamples) };
}

/** Wilson 95% interval for k of n (n = 0 gives [0, 1]). */
export function wilson(k: number, n: number): [number, number] {
  if (n === 0) return [0, 1];
  const z = 1.959963984540054, p = k / n, z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/** Merges profiles of repeated runs of one command into one (samples, mappings, comms concatenated; lost and wall summed). */
export function mergeProfiles(profiles: readonly SymbolizedProfile[]): SymbolizedProfile {
  if (profiles.length === 0) throw new RangeError('mergeProfiles: expected at least one profile, got none');
  const first = profiles[0]!;
  const libs = new Map<string, LibrarySymbols>();
  for (const p of profiles) {
    for (const l of p.libraries) {
      const e = libs.get(l.path);
      if (!e) libs.set(l.path, { ...l, missing: [...l.missing] });
      else {
        e.leafSamples += l.leafSamples;
        e.unsymbolizedLeafSamples += l.unsymbolizedLeafSamples;
        for (const m of l.missing) {
          const x = e.missing.find((y) => y.at === m.at);
          if (x) x.samples += m.samples;
          else e.missing.push({ ...m });
        }
        e.missing.sort((a, b) => b.samples - a.samples).splice(5);
      }
    }
  }
  return {
    raw: { ...first.raw, samples: profiles.flatMap((p) => p.raw.samples), mappings: profiles.flatMap((p) => p.raw.mappings), comms: profiles.flatMap((p) => p.raw.comms),
      lost: profiles.reduce((s, p) => s + p.raw.lost, 0), wallNs: profiles.reduce((s, p) => s + p.raw.wallNs, 0) },
    samples: profiles.flatMap((p) => p.samples),
    libraries: [...libs.values()].sort((a, b) => b.leafSamples - a.leafSamples),
    kernel: profiles.every((p) => p.kernel.available) ? first.kernel : (profiles.find((p) => !p.kernel.available)!.kernel),
  };
}
