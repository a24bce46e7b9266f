/**
 * 003's "Expected CPU Hotspots" table judged on sampled profiles of a scanner's whole
 * run, and the tables a suite shows for those profiles: where the CPU goes (kernel / user
 * / library), the binary's top functions with the rest so the shares add up, and the
 * sampled check of the floors' attribution (send path, crafting + checksums).
 *
 * A claim names one function; it is matched here by a name pattern (stated in the
 * table) and measured as the self share of all samples: CPU spent in the matching
 * functions' own code, which is what the table's "evidence" column describes (a Vec
 * allocated per packet, a scalar loop, sendmmsg batching). The total share (the function
 * anywhere on the stack) is shown beside it: with call chains walked by frame pointers,
 * which Rust release builds omit, it is a lower bound. Verdicts use a 95% Wilson interval
 * on the sample count; without symbols the user-space share bounds every user-space
 * function from above, and decides where that bound lies under the claimed range.
 */
import type { ClaimRow, Table, Verdict } from '../report/result.js';
import { analyseProfile, patternShare, type ProfileAnalysis, topFunctions, wilson } from './analysis.js';
import type { SymbolizedProfile } from './symbols.js';

/** One row of 003's hotspot table, with how it is matched. */
export interface HotspotClaim {
  id: string;
  claim: string;
  /** Claimed share of the scan's CPU, fractions. */
  range: [number, number];
  /** The scenario it is judged on (the documents' scenario for it). */
  scenario: string;
  /** Names (demangled) that count as the claimed function (user-space frames only: the claims are about prtip's own code). */
  pattern: RegExp;
  /** A related share reported beside it (not judged), e.g. regex compilation beside regex search. */
  also?: { label: string; pattern: RegExp };
}

export const HOTSPOT_SOURCE = '003 Sprint 5.5.5 analysis, Expected CPU Hotspots';

export const HOTSPOT_CLAIMS: readonly HotspotClaim[] = [
  { id: 'hotspot-craft-syn-packet', claim: 'craft_syn_packet() is 12-15% of a SYN scan\'s CPU', range: [0.12, 0.15], scenario: 'syn-scan-1k',
    pattern: /craft_syn|syn_packet|TcpPacketBuilder|Ipv4PacketBuilder|packet_builder|build_syn/i },
  { id: 'hotspot-calculate-checksum', claim: 'calculate_checksum() is 8-10% of a SYN scan\'s CPU', range: [0.08, 0.10], scenario: 'syn-scan-1k',
    pattern: /checksum/i },
  { id: 'hotspot-send-packets', claim: 'send_packets() (sendmmsg batching) is 6-8% of a SYN scan\'s CPU', range: [0.06, 0.08], scenario: 'syn-scan-1k',
    pattern: /send_packets|sendmmsg|send_batch|BatchSender|::send_packet\b|DataLinkSender.*::send_to/ },
  { id: 'hotspot-recv-packets', claim: 'recv_packets() (recvmmsg polling) is 4-6% of a SYN scan\'s CPU', range: [0.04, 0.06], scenario: 'syn-scan-1k',
    pattern: /recv_packets|recvmmsg|recv_batch|BatchReceiver|::receive_packet\b|::recv_packet\b|DataLinkReceiver.*::next/ },
  { id: 'hotspot-tokio-spawn', claim: 'tokio::spawn() (task spawning) is 5-7% of a connect scan\'s CPU', range: [0.05, 0.07], scenario: 'connect-scan-1k',
    pattern: /^<?tokio::(task::spawn|runtime::.*::spawn|spawn)|^<?tokio::runtime::task::(core|harness|list|raw)::.*(new|bind|spawn)/ },
  // Searching, not building: the regex crates' code less their compilers and builders (reported beside it).
  { id: 'hotspot-regex-find', claim: 'regex::find() (banner matching) is 6-10% of service detection\'s CPU', range: [0.06, 0.10], scenario: 'service-detect',
    pattern: /^(?!.*(compil|[Bb]uilder|::build|::new\b|::translate|::parse|shuffle_states|determiniz|minimiz|Utf8Sequences|thompson::nfa::Inner))<?(regex|regex_automata|aho_corasick|memchr)::/,
    also: { label: 'regex compilation (parsers, compilers, builders of the regex crates)', pattern: /^<?(regex_syntax::|(regex|regex_automata|aho_corasick)::.*(compil|[Bb]uilder|::build|::new\b|::translate|::parse|shuffle_states|determiniz|minimiz|thompson::nfa::Inner))/ } },
];

export const HOT_PATH_CLAIM = { id: 'hotspot-total-hot-path', claim: 'the hot path (the six functions of the table) is 45-60% of CPU', range: [0.45, 0.60] as [number, number] };
/** Any of the six (each pattern with its own flags). */
const HOT_PATH = { test: (name: string): boolean => HOTSPOT_CLAIMS.some((c) => c.pattern.test(name)), toString: () => 'any of the six patterns' };

/** A profile of one tool in one scenario (repeated runs merged). */
export interface ScenarioProfile {
  tool: string;
  scenario: string;
  runs: number;
  profile: SymbolizedProfile;
  analysis: ProfileAnalysis;
  /** The tool's main binary's library name (basename), whose functions are "its own". */
  binary: string;
}

export function scenarioProfile(tool: string, scenario: string, runs: number, profile: SymbolizedProfile, binary: string): ScenarioProfile {
  return { tool, scenario, runs, profile, analysis: analyseProfile(profile), binary };
}

const pct = (x: number): string => `${(100 * x).toFixed(x !== 0 && Math.abs(x) < 0.001 ? 3 : 1)}%`;
const interval = (ci: [number, number]): string => `${pct(ci[0])}-${pct(ci[1])}`;

/** Does the binary have its own function names (a .symtab, or a debug file)? */
export function binarySymbolized(p: ScenarioProfile): boolean {
  const lib = p.profile.libraries.find((l) => l.library === p.binary);
  return lib ? lib.source === 'symtab' || lib.source === 'debug-file' : false;
}

/** The verdict of a claimed range against k of n samples (95% Wilson interval). */
export function rangeVerdict(k: number, n: number, range: [number, number]): { verdict: Verdict; ci: [number, number] } {
  const ci = wilson(k, n);
  if (n === 0) return { verdict: 'cannot-tell', ci };
  if (ci[1] < range[0] || ci[0] > range[1]) return { verdict: 'does-not-hold', ci };
  if (ci[0] >= range[0] && ci[1] <= range[1]) return { verdict: 'holds', ci };
  return { verdict: 'cannot-tell', ci };
}

/** A measured hotspot claim: the row and the figures behind it. */
export interface HotspotResult {
  claim: HotspotClaim | typeof HOT_PATH_CLAIM;
  scenario: string;
  samples: number;
  selfSamples: number | null;
  self: number | null;
  total: number | null;
  matched: string[];
  row: Omit<ClaimRow, 'subject'>;
}

/**
 * Judges the six hotspot rows and the hot-path total on prtip's profiles (by scenario id).
 * `who` names the binary ("prtip v0.5.9"); `connectScanner` says its -sS ran the connect
 * scanner (known from its syscalls), which is then stated in every SYN-scan verdict.
 */
export function judgeHotspots(profiles: ReadonlyMap<string, ScenarioProfile>, who: string, connectScanner: boolean): HotspotResult[] {
  const out: HotspotResult[] = [];
  const synNote = connectScanner
    ? `${who} ran its TCP connect scanner for -sS: for every scan type, -sS included, its scheduler's execute_scan_ports runs the connect scanner, so no SYN is crafted, checksummed or sent raw. `
    : '';
  for (const c of HOTSPOT_CLAIMS) {
    const p = profiles.get(c.scenario);
    const base = { id: c.id, claim: c.claim, source: HOTSPOT_SOURCE };
    if (!p || p.analysis.samples === 0) {
      out.push({ claim: c, scenario: c.scenario, samples: 0, selfSamples: null, self: null, total: null, matched: [],
        row: { ...base, measured: `${c.scenario} was not profiled`, verdict: 'cannot-tell', reason: `no sampled profile of ${who} in ${c.scenario} (it runs without --quick, or the sampler or the namespace was unavailable)`,
          measureWith: `npx prtip-perf record -F 10000 -- prtip … (${c.scenario}) inside a network namespace of your own` } });
      continue;
    }
    const n = p.analysis.samples;
    const user = Math.round(p.analysis.shares.user * n);
    const note = c.scenario.startsWith('syn-') ? synNote : '';
    const how = `pattern ${String(c.pattern)} on demangled names, self samples of all ${n} samples (${p.runs} run(s) at ${p.analysis.frequencyHz} Hz, ${p.analysis.event})`;
    if (!binarySymbolized(p)) {
      const bound = rangeVerdict(user, n, c.range);
      const decided = bound.ci[1] < c.range[0];
      out.push({ claim: c, scenario: c.scenario, samples: n, selfSamples: null, self: null, total: null, matched: [],
        row: { ...base, measured: `${p.binary} has no symbol table; all user-space code: ${pct(p.analysis.shares.user)} (95% ${interval(bound.ci)}) of ${n} samples`,
          verdict: decided ? 'does-not-hold' : 'cannot-tell',
          reason: note + (decided ? `without symbols the user-space share bounds every user-space function from above, and even its 95% upper bound ${pct(bound.ci[1])} is under the claimed ${pct(c.range[0])}` : 'without symbols only the user-space share is known, and it does not exclude the claim'),
          ...(decided ? {} : { measureWith: 'profile a prtip built with symbols: CARGO_PROFILE_RELEASE_STRIP=false cargo build --release' }) } });
      continue;
    }
    const s = patternShare(p.profile, c.pattern, 'user');
    const v = rangeVerdict(s.selfSamples, n, c.range);
    const caught = s.matched.slice(0, 3).map((m) => `${m.name} ${m.selfSamples}`).join(', ');
    const also = c.also ? patternShare(p.profile, c.also.pattern, 'user') : null;
    out.push({ claim: c, scenario: c.scenario, samples: n, selfSamples: s.selfSamples, self: s.self, total: s.total, matched: s.matched.map((m) => m.name),
      row: { ...base,
        measured: `${c.scenario}: ${pct(s.self)} self (${s.selfSamples} of ${n} samples, 95% ${interval(v.ci)}), ${pct(s.total)} anywhere on the stack; user space in all ${pct(p.analysis.shares.user)}` +
          (caught ? `; matched: ${caught}` : '; no function matches') +
          (also ? `; beside it, ${c.also!.label}: ${pct(also.self)} self (${also.selfSamples} samples), top ${also.matched.slice(0, 2).map((m) => m.name).join(', ')}` : ''),
        verdict: v.verdict,
        reason: note + `${how}; holds if the 95% interval lies inside ${pct(c.range[0])}-${pct(c.range[1])}, does not hold if it lies wholly outside` } });
  }
  // The hot path: the six patterns together in each profiled scenario, as a share of user-space CPU
  // (the hot path is user-space code); and of all CPU, which all user-space code bounds from above.
  const scenarios = [...new Set(HOTSPOT_CLAIMS.map((c) => c.scenario))].filter((id) => profiles.get(id)?.analysis.samples);
  const base = { id: HOT_PATH_CLAIM.id, claim: HOT_PATH_CLAIM.claim, source: HOTSPOT_SOURCE };
  if (scenarios.length === 0) {
    out.push({ claim: HOT_PATH_CLAIM, scenario: '', samples: 0, selfSamples: null, self: null, total: null, matched: [],
      row: { ...base, measured: 'no scenario was profiled', verdict: 'cannot-tell', reason: 'no sampled profile of prtip' } });
    return out;
  }
  const per = scenarios.map((id) => {
    const p = profiles.get(id)!;
    const n = p.analysis.samples, user = Math.round(p.analysis.shares.user * n);
    const symbols = binarySymbolized(p);
    const hot = symbols ? patternShare(p.profile, HOT_PATH, 'user').selfSamples : null;
    const ofUser = hot === null ? null : rangeVerdict(hot, user, HOT_PATH_CLAIM.range);
    const userBound = rangeVerdict(user, n, HOT_PATH_CLAIM.range);
    // Without symbols, all user-space code bounds the hot path's share of all CPU.
    const verdict: Verdict = ofUser ? ofUser.verdict : userBound.ci[1] < HOT_PATH_CLAIM.range[0] ? 'does-not-hold' : 'cannot-tell';
    return { id, n, user, hot, ofUser, userBound, verdict };
  });
  const verdicts = new Set(per.map((x) => x.verdict));
  const verdict: Verdict = verdicts.size === 1 ? per[0]!.verdict : 'cannot-tell';
  out.push({ claim: HOT_PATH_CLAIM, scenario: scenarios.join(', '), samples: per.reduce((s, x) => s + x.n, 0), selfSamples: null, self: null, total: null, matched: [],
    row: { ...base,
      measured: per.map((x) => `${x.id}: the six patterns ${x.hot === null ? 'n/a (no symbols)' : `${x.hot} samples = ${pct(x.hot / Math.max(1, x.user))} of user-space CPU (95% ${interval(x.ofUser!.ci)}), ${pct(x.hot / x.n)} of all CPU`}; all user-space code ${pct(x.user / x.n)} of CPU (95% ≤ ${pct(x.userBound.ci[1])})`).join('; '),
      verdict,
      reason: 'judged against user-space CPU: the share of user-space samples in functions matching any of the six patterns, per profiled scenario; holds if every scenario\'s 95% interval lies inside 45-60%, does not hold if every one lies wholly outside. Of all CPU it is smaller still: all user-space code together is the bound. ' + synNote } });
  return out;
}

/** 004's example `perf report` of a SYN scan: four self shares, each name matched by a pattern. */
export const PERF_REPORT_EXAMPLE = {
  id: 'perf-report-example', claim: 'perf report: 45.2% in send_syn, 12.3% in scan_port, 8.7% in pthread_mutex_lock, 5.4% in crossbeam pop',
  source: '004 performance analysis guide, CPU profiling example', scenario: 'syn-scan-1k',
  entries: [
    { label: 'send_syn', claimed: 0.452, pattern: /send_syn/i },
    { label: 'scan_port', claimed: 0.123, pattern: /scan_port(?!s)/i },
    { label: 'pthread_mutex_lock', claimed: 0.087, pattern: /^_*pthread_mutex_lock$/ },
    { label: 'crossbeam pop', claimed: 0.054, pattern: /^<?crossbeam.*::pop\b/ },
  ],
} as const;

/**
 * Judges 004's example perf report on the SYN-scan profile: each figure within ±5 points
 * (another machine) by its 95% interval; does not hold when any figure lies wholly outside.
 */
export function judgePerfReportExample(syn: ScenarioProfile | undefined, who: string, connectScanner: boolean): Omit<ClaimRow, 'subject'> {
  const c = PERF_REPORT_EXAMPLE;
  const base = { id: c.id, claim: c.claim, source: c.source };
  if (!syn || syn.analysis.samples === 0) {
    return { ...base, measured: `${c.scenario} was not profiled`, verdict: 'cannot-tell', reason: `no sampled profile of ${who} in ${c.scenario}`, measureWith: 'npm run bench -- --suite prtip --prtip PATH' };
  }
  const n = syn.analysis.samples;
  const parts = c.entries.map((e) => {
    const s = patternShare(syn.profile, e.pattern, 'user');
    const band: [number, number] = [Math.max(0, e.claimed - 0.05), e.claimed + 0.05];
    return { e, s, v: rangeVerdict(s.selfSamples, n, band) };
  });
  const verdict: Verdict = !binarySymbolized(syn) ? 'cannot-tell' : parts.some((p) => p.v.verdict === 'does-not-hold') ? 'does-not-hold' : parts.every((p) => p.v.verdict === 'holds') ? 'holds' : 'cannot-tell';
  return { ...base,
    measured: `${c.scenario}, ${n} samples: ` + parts.map((p) => `${p.e.label} ${pct(p.s.self)} (95% ${interval(p.v.ci)}; ${String(p.e.pattern)}${p.s.matched[0] ? `, e.g. ${p.s.matched[0].name}` : ''})`).join('; '),
    verdict,
    reason: (binarySymbolized(syn) ? 'each figure within ±5 points would hold (another machine); one whose 95% interval lies wholly outside that band refutes the example. ' : `${syn.binary} has no symbols: the names cannot be matched. `) +
      (connectScanner ? `${who} ran its TCP connect scanner for -sS (its scheduler's execute_scan_ports runs the connect scanner for every scan type, -sS included), so it sends no SYNs at all.` : '') };
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

/** The hotspot claims as a table with their patterns. */
export function hotspotTable(results: readonly HotspotResult[]): Table {
  return {
    title: '003\'s Expected CPU Hotspots against sampled profiles of prtip',
    columns: ['claim', 'scenario', 'name pattern', 'self share (95% interval)', 'on the stack', 'verdict', 'matched functions'],
    rows: results.map((r) => {
      const ci = r.selfSamples === null ? null : wilson(r.selfSamples, r.samples);
      return [r.claim.claim, r.scenario, 'pattern' in r.claim ? String(r.claim.pattern) : 'the six above, against user-space CPU',
        r.self === null ? 'n/a' : `${pct(r.self)} (${interval(ci!)})`, r.total === null ? 'n/a' : pct(r.total), r.row.verdict, r.matched.slice(0, 4).join('; ')];
    }),
    notes: ['Functions are matched by the patterns shown, on demangled names (Rust paths without their hash). Self share = CPU in the matching functions\' own code, of all samples (kernel included), as the documents\' "Est. CPU %".'],
  };
}
