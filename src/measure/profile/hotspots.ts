/**
 * What sampled profiles of a scanner's whole run measure: the shares of named functions
 * (003's "Expected CPU Hotspots" and 004's example perf report, matched by name patterns),
 * whether the binary's symbol table has any function of that name at all, and the tables a
 * suite shows: where the CPU goes (kernel / user / library), the binary's top functions with
 * the rest so the shares add up, and the sampled check of the floors' attribution.
 *
 * Nothing here judges: the claims are judged in src/judge/families/profile.ts on the figures
 * measureHotspots() gives (per run: samples, user-space samples, self and inclusive samples of
 * the pattern, samples whose call chain reaches a thread's root).
 */
import type { Table } from '../../model/result.js';
import { analyseProfile, type FunctionShare, patternShare, type ProfileAnalysis, topFunctions, wilson } from './analysis.js';
import { elfImage, listFunctions, type SymbolizedProfile, type SymbolSource } from './symbols.js';

/** One name pattern to measure in one scenario's profile. */
export interface HotspotPattern {
  /** The function the documents name, e.g. "craft_syn_packet". */
  key: string;
  scenario: string;
  /** Names (demangled) that count as that function; user-space frames only. */
  pattern: RegExp;
  /** In the tool's own binary (its symbol table is checked), or in a shared library (libc). */
  lives: 'binary' | 'library';
  /** A related share measured beside it, e.g. regex compilation beside regex search. */
  also?: { label: string; pattern: RegExp };
}

/** 003's hotspot table: the six functions, each in the scenario the document gives it. */
export const HOTSPOT_PATTERNS: readonly HotspotPattern[] = [
  { key: 'craft_syn_packet', scenario: 'syn-scan-1k', lives: 'binary', pattern: /craft_syn|syn_packet|TcpPacketBuilder|Ipv4PacketBuilder|packet_builder|build_syn/i },
  { key: 'calculate_checksum', scenario: 'syn-scan-1k', lives: 'binary', pattern: /checksum/i },
  { key: 'send_packets', scenario: 'syn-scan-1k', lives: 'binary', pattern: /send_packets|sendmmsg|send_batch|BatchSender|::send_packet\b|DataLinkSender.*::send_to/ },
  { key: 'recv_packets', scenario: 'syn-scan-1k', lives: 'binary', pattern: /recv_packets|recvmmsg|recv_batch|BatchReceiver|::receive_packet\b|::recv_packet\b|DataLinkReceiver.*::next/ },
  { key: 'tokio::spawn', scenario: 'connect-scan-1k', lives: 'binary', pattern: /^<?tokio::(task::spawn|runtime::.*::spawn|spawn)|^<?tokio::runtime::task::(core|harness|list|raw)::.*(new|bind|spawn)/ },
  // Searching, not building: the regex crates' code less their compilers and builders (measured beside it).
  { key: 'regex::find', scenario: 'service-detect', lives: 'binary',
    pattern: /^(?!.*(compil|[Bb]uilder|::build|::new\b|::translate|::parse|shuffle_states|determiniz|minimiz|Utf8Sequences|thompson::nfa::Inner))<?(regex|regex_automata|aho_corasick|memchr)::/,
    also: { label: 'regex compilation (parsers, compilers, builders of the regex crates)', pattern: /^<?(regex_syntax::|(regex|regex_automata|aho_corasick)::.*(compil|[Bb]uilder|::build|::new\b|::translate|::parse|shuffle_states|determiniz|minimiz|thompson::nfa::Inner))/ } },
];

/** 004's example `perf report` of a SYN scan: four names. */
export const PERF_REPORT_PATTERNS: readonly HotspotPattern[] = [
  { key: 'send_syn', scenario: 'syn-scan-1k', lives: 'binary', pattern: /send_syn/i },
  { key: 'scan_port', scenario: 'syn-scan-1k', lives: 'binary', pattern: /scan_port(?!s)/i },
  { key: 'pthread_mutex_lock', scenario: 'syn-scan-1k', lives: 'library', pattern: /^_*pthread_mutex_lock$/ },
  { key: 'crossbeam pop', scenario: 'syn-scan-1k', lives: 'binary', pattern: /^<?crossbeam.*::pop\b/ },
];

/** A profile of one tool in one scenario (repeated runs merged, and each run apart). */
export interface ScenarioProfile {
  tool: string;
  scenario: string;
  runs: number;
  profile: SymbolizedProfile;
  analysis: ProfileAnalysis;
  /** The tool's main binary's library name (basename), whose functions are "its own". */
  binary: string;
  /** Each run's own profile (the merged one when not given). */
  parts: SymbolizedProfile[];
}

export function scenarioProfile(tool: string, scenario: string, runs: number, profile: SymbolizedProfile, binary: string, parts?: SymbolizedProfile[]): ScenarioProfile {
  return { tool, scenario, runs, profile, analysis: analyseProfile(profile), binary, parts: parts && parts.length > 0 ? parts : [profile] };
}

const pct = (x: number): string => `${(100 * x).toFixed(x !== 0 && Math.abs(x) < 0.001 ? 3 : 1)}%`;
const interval = (ci: [number, number]): string => `${pct(ci[0])}-${pct(ci[1])}`;

/** Does the binary have its own function names (a .symtab, or a debug file)? */
export function binarySymbolized(p: ScenarioProfile): boolean {
  const lib = p.profile.libraries.find((l) => l.library === p.binary);
  return lib ? lib.source === 'symtab' || lib.source === 'debug-file' : false;
}

/** One run's counts for a pattern. */
export interface PatternRun {
  samples: number;
  /** Samples whose leaf is in user space. */
  user: number;
  /** Samples with a matching function as the leaf (its own code). */
  self: number;
  /** Samples with a matching function anywhere on the stack (inclusive, as far as the call chain was walked). */
  total: number;
  /** Samples whose call chain reaches a thread's root (_start, start_thread, clone): inclusive shares are complete only where this is near all. */
  rooted: number;
}

/** What the binary's own symbol table says of a pattern: how many functions match, and which. */
export interface InBinary {
  source: SymbolSource;
  matching: number;
  examples: string[];
  error?: string;
}

/** One pattern measured in one tool's scenario profile. */
export interface HotspotMeasurement {
  key: string;
  scenario: string;
  pattern: string;
  lives: 'binary' | 'library';
  frequencyHz: number;
  event: string;
  runs: PatternRun[];
  /** The matching functions over all runs, most self samples first (at most 5). */
  matched: { name: string; selfSamples: number; totalSamples: number }[];
  /** null for a library's function (its binary is not read). */
  inBinary: InBinary | null;
  also?: { label: string; self: number; selfSamples: number; top: string[] };
}

/** One profiled scenario's recordings, for the sampler's own cost (wall time of each recording). */
export interface ProfiledScenario {
  tool: string;
  scenario: string;
  frequencyHz: number;
  event: string;
  wallNs: number[];
  samples: number[];
}

/** Everything measured of prtip's profiles for the profile family's claims. */
export interface HotspotData {
  /** The profiled binary (path) whose symbol table was read, or null when nothing was profiled. */
  binary: string | null;
  rows: HotspotMeasurement[];
  perfReport: HotspotMeasurement[];
  /** On the SYN scan's stacks: connect() and the raw send syscalls (how its -sS ran, when tracepoints did not count). */
  syn: { connectOnStack: boolean; rawSendOnStack: boolean } | null;
  profiled: ProfiledScenario[];
}

/** A thread's root frame: where a complete call chain ends. */
const ROOT_FRAME = /^(_start|__libc_start_main|__libc_start_call_main|start_thread|__?clone3?)$|thread_start$/;

/** Per run counts of `pattern` in `p` (user-space frames only: the claims are about code in user space). */
export function patternRuns(p: ScenarioProfile, pattern: RegExp): PatternRun[] {
  return p.parts.map((part) => {
    const s = patternShare(part, pattern, 'user');
    const rooted = part.samples.filter((x) => ROOT_FRAME.test(x.frames[x.frames.length - 1]!.name)).length;
    const user = part.samples.filter((x) => x.frames[0]!.kind === 'user').length;
    return { samples: part.samples.length, user, self: s.selfSamples, total: s.totalSamples, rooted };
  });
}

const functionCache = new Map<string, { names: string[]; error?: string }>();

/** The function names of the ELF file at `path` (cached), for "absent from the binary" against "present but never sampled". */
function functionsOf(path: string): { names: string[]; error?: string } {
  let e = functionCache.get(path);
  if (!e) {
    const image = elfImage(path);
    e = image.error ? { names: [], error: image.error } : { names: listFunctions(path).map((f) => f.name) };
    functionCache.set(path, e);
  }
  return e;
}

/** What the binary's symbol table holds of `pattern`. */
export function inBinary(p: ScenarioProfile, pattern: RegExp): InBinary {
  const lib = p.profile.libraries.find((l) => l.library === p.binary);
  if (!lib) return { source: 'none', matching: 0, examples: [], error: `${p.binary} has no samples, so its file was not read` };
  const fns = functionsOf(lib.path);
  const matching = fns.names.filter((n) => pattern.test(n));
  return { source: lib.source, matching: matching.length, examples: matching.slice(0, 3), ...(fns.error ? { error: fns.error } : {}) };
}

/** One pattern measured on `p`. */
export function measurePattern(p: ScenarioProfile, h: HotspotPattern): HotspotMeasurement {
  const all = patternShare(p.profile, h.pattern, 'user');
  const also = h.also ? patternShare(p.profile, h.also.pattern, 'user') : null;
  return {
    key: h.key, scenario: h.scenario, pattern: String(h.pattern), lives: h.lives, frequencyHz: p.analysis.frequencyHz, event: p.analysis.event,
    runs: patternRuns(p, h.pattern), matched: all.matched.slice(0, 5),
    inBinary: h.lives === 'binary' ? inBinary(p, h.pattern) : null,
    ...(also ? { also: { label: h.also!.label, self: also.self, selfSamples: also.selfSamples, top: also.matched.slice(0, 2).map((m) => m.name) } } : {}),
  };
}

/** The profile family's figures from the tool's scenario profiles (by scenario id); rows for unprofiled scenarios are left out. */
export function measureHotspots(profiles: readonly ScenarioProfile[], tool = 'prtip'): HotspotData {
  const own = new Map(profiles.filter((p) => p.tool === tool).map((p) => [p.scenario, p]));
  const measure = (list: readonly HotspotPattern[]): HotspotMeasurement[] => list.flatMap((h) => (own.get(h.scenario) ? [measurePattern(own.get(h.scenario)!, h)] : []));
  const syn = own.get('syn-scan-1k');
  const onStack = (re: RegExp): boolean => !!syn && syn.analysis.functions.some((f: FunctionShare) => f.kind === 'kernel' && f.totalSamples > 0 && re.test(f.name));
  const first = [...own.values()][0];
  return {
    binary: first ? (first.profile.libraries.find((l) => l.library === first.binary)?.path ?? null) : null,
    rows: measure(HOTSPOT_PATTERNS),
    perfReport: measure(PERF_REPORT_PATTERNS),
    syn: syn ? { connectOnStack: onStack(/^(__x64_sys_connect|__sys_connect)$/), rawSendOnStack: onStack(/^(__x64_sys_sendto|__x64_sys_sendmmsg|__x64_sys_sendmsg)$/) } : null,
    profiled: profiles.map((p) => ({ tool: p.tool, scenario: p.scenario, frequencyHz: p.analysis.frequencyHz, event: p.analysis.event, wallNs: p.parts.map((x) => x.raw.wallNs), samples: p.parts.map((x) => x.samples.length) })),
  };
}

/** Where the CPU goes, one row per profiled tool and scenario. */
export function profileSummaryTable(list: readonly ScenarioProfile[]): Table {
  return {
    title: 'Sampled profiles (perf_event_open, inside each scenario\'s namespace): kernel vs user and by library, share of all samples',
    columns: ['tool', 'scenario', 'runs', 'samples', 'lost', 'kernel', 'user', 'libraries (self share)', 'own binary symbols', 'unsymbolized leaves', 'kernel frames'],
    rows: list.map((p) => {
      const a = p.analysis;
      const libs = a.libraries.filter((l) => l.selfSamples > 0).slice(0, 5).map((l) => `${l.library} ${pct(l.self)}`).join(', ');
      const own = p.profile.libraries.find((l) => l.library === p.binary);
      return [p.tool, p.scenario, p.runs, a.samples, a.lost, pct(a.shares.kernel), pct(a.shares.user), libs,
        own ? `${own.source}${own.unsymbolizedLeafSamples > 0 ? `, ${own.unsymbolizedLeafSamples} of its ${own.leafSamples} samples unnamed (e.g. ${own.missing.slice(0, 2).map((m) => m.at).join(', ')})` : ''}` : 'no samples in it',
        pct(a.unsymbolized), a.kernelFrames.available ? 'yes' : `no: ${a.kernelFrames.reason ?? ''}`];
    }),
    notes: [
      'kernel = samples whose leaf frame is a kernel address; user = the rest (all user-space code: the binary and every library). Library = the leaf frame\'s mapped file ([kernel.kallsyms] for the kernel).',
      'lost = PERF_RECORD_LOST totals from the ring buffer (never hidden). Names come from each file\'s .symtab (else .dynsym, else a build-id debug file) and /proc/kallsyms; Rust and C++ demangled.',
      ...[...new Set(list.flatMap((p) => p.profile.libraries.filter((l) => l.library === p.binary && l.hint).map((l) => `${l.library}: ${l.source === 'none' ? 'no symbol table' : 'only its exported symbols (.dynsym)'}; ${l.hint}`)))],
    ],
  };
}

/** The binary's top `n` functions by self share, the rest of its functions, and everything outside it: rows that add up to 100%. */
export function topFunctionsTable(p: ScenarioProfile, n = 10): Table {
  const a = p.analysis;
  const own = topFunctions(a, n, (f) => f.library === p.binary);
  const rows: Table['rows'] = own.rows.map((f, i) => [i + 1, f.name, f.library, f.selfSamples, pct(f.self), pct(f.total)]);
  const outside = topFunctions(a, 3, (f) => f.library !== p.binary);
  rows.push(['', `other ${p.binary} functions (${own.restFunctions})`, p.binary, Math.round(own.rest * a.samples), pct(own.rest), '']);
  rows.push(['', `outside ${p.binary}: kernel and libraries (top: ${outside.rows.map((f) => `${f.name} ${pct(f.self)}`).join(', ')})`, 'kernel, libraries', Math.round(outside.scope * a.samples), pct(outside.scope), '']);
  rows.push(['', 'all samples', '', a.samples, pct(own.scope + outside.scope), '']);
  return {
    title: `${p.tool} ${p.scenario}: ${p.binary}'s top ${n} functions by self share of all samples`,
    columns: ['rank', 'function', 'library', 'samples', 'self', 'total (on the stack)'],
    rows,
    notes: [`self = samples with the function as the leaf; the rows, the rest of ${p.binary} and everything outside it add up to all ${a.samples} samples. total = samples with the function anywhere on the stack (frame-pointer call chains; a lower bound where code omits frame pointers).`,
      ...(binarySymbolized(p) ? [] : [`${p.binary} has no symbol table, so its samples are one entry [${p.binary}]: ${p.profile.libraries.find((l) => l.library === p.binary)?.hint ?? ''}`])],
  };
}

/** A send-path function in the kernel (what the floors' send path covers). */
const KERNEL_SEND = /^(__x64_sys_sendto|__x64_sys_sendmmsg|__x64_sys_sendmsg|__sys_sendto|__sys_sendmmsg|___sys_sendmsg|__sys_sendmsg)$/;

/** One tool's sampled shares beside its row of the floors' attribution (lower bounds from per-packet floors). */
export interface AttributionRow {
  tool: string;
  scenario: string;
  shares: { crafting: number | null; checksums: number | null; sendPath: number | null };
}

/** Checks the attribution's lower bounds against sampled shares: the send path against kernel send-syscall stacks, crafting + checksums against user space. */
export function attributionCheckTable(list: readonly ScenarioProfile[], attribution: readonly AttributionRow[]): Table {
  const rows: Table['rows'] = [];
  for (const p of list) {
    const at = attribution.find((x) => x.tool === p.tool && x.scenario === p.scenario);
    if (!at) continue;
    const send = patternShare(p.profile, KERNEL_SEND);
    const user = p.analysis.shares.user;
    const work = at.shares.crafting !== null && at.shares.checksums !== null ? at.shares.crafting + at.shares.checksums : null;
    // 3 points of slack: the floors and the profile come from different runs.
    const sendOk = at.shares.sendPath === null ? 'n/a' : at.shares.sendPath <= send.total + 0.03 ? 'consistent' : 'floor above the sampled share';
    const workOk = work === null ? 'n/a' : work <= user + 0.03 ? 'consistent' : 'floor above all user space';
    rows.push([p.tool, p.scenario, p.analysis.samples, at.shares.sendPath === null ? 'n/a' : `≥ ${pct(at.shares.sendPath)}`, pct(send.total), sendOk,
      work === null ? 'n/a' : `≥ ${pct(work)}`, pct(user), workOk]);
  }
  return {
    title: 'The floors\' attribution against sampled shares: what each tool\'s profile says about the same runs\' scenario',
    columns: ['tool', 'scenario', 'samples', 'send path (floors)', 'send syscalls on the stack (sampled)', 'send path', 'crafting + checksums (floors)', 'all user space (sampled)', 'crafting + checksums'],
    rows,
    notes: ['The attribution\'s shares are lower bounds (packets × the cheapest measured per-packet cost ÷ CPU). A sampled share is the fraction of samples with a kernel send syscall (sendto, sendmsg, sendmmsg) on the stack; crafting and checksums are user-space work, so all user-space code bounds them from above. "consistent" = the floor does not exceed the sampled figure by more than 3 points.',
      ...(rows.length === 0 ? ['no profiled run has a row in the attribution (no run that sent packets was profiled)'] : [])],
  };
}

/** The hotspot patterns' figures as a table (no verdicts: those are the claims table's). */
export function hotspotTable(rows: readonly HotspotMeasurement[]): Table {
  const sum = (r: HotspotMeasurement, k: keyof PatternRun): number => r.runs.reduce((a, x) => a + x[k], 0);
  return {
    title: 'Named functions in sampled profiles of prtip: 003\'s Expected CPU Hotspots and 004\'s example perf report',
    columns: ['function', 'scenario', 'name pattern', 'in the binary\'s symbols', 'self share (95% interval)', 'inclusive (on the stack)', 'chains reaching a root', 'matched functions'],
    rows: rows.map((r) => {
      const n = sum(r, 'samples');
      return [r.key, r.scenario, r.pattern,
        r.inBinary === null ? 'a library\'s function' : r.inBinary.source === 'symtab' || r.inBinary.source === 'debug-file' ? `${r.inBinary.matching} function(s)${r.inBinary.examples[0] ? `, e.g. ${r.inBinary.examples[0]}` : ''}` : `unknown (${r.inBinary.source})`,
        n === 0 ? 'n/a' : `${pct(sum(r, 'self') / n)} (${interval(wilson(sum(r, 'self'), n))})`, n === 0 ? 'n/a' : pct(sum(r, 'total') / n),
        n === 0 ? 'n/a' : pct(sum(r, 'rooted') / n), r.matched.slice(0, 4).map((m) => m.name).join('; ')];
    }),
    notes: ['Functions are matched by the patterns shown, on demangled names (Rust paths without their hash), user-space frames only. Self share = samples with a matching function as the leaf, of all samples (kernel included). Inclusive = a matching function anywhere on the stack: complete only where call chains reach a thread\'s root (frame-pointer unwinding; Rust release builds omit frame pointers), otherwise a lower bound.',
      '"in the binary\'s symbols": how many functions of the binary\'s own symbol table match. None means the function was inlined into its callers (or never built), so a profile cannot name it; some means it exists and its samples are what it ran.'],
  };
}
