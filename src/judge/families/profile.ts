/**
 * Where prtip's CPU goes, judged on sampled profiles of its whole runs (the prtip suite records
 * them and measures named functions in src/measure/profile/hotspots.ts), on the floors' attribution,
 * and on the cost of the tools that measure it (massif, the sampler) and the PMU's counters.
 *
 * A share is a proportion of samples; its interval spans every run's 95 % Wilson interval, so
 * it holds the sampling error and the spread between runs. 003's table reads as inclusive CPU
 * (the function and what it calls: "Vec allocation per packet"), so rows are judged on the
 * inclusive share, which is complete only where call chains reach a thread's root; otherwise
 * it is a lower bound and the interval runs up to 100 %. A function absent from the binary's
 * symbol table (inlined by release Rust) cannot be named by a profile: "cannot tell".
 */
import type { Claim, Finding, Quote } from '../claim.js';
import { type Measurements, metricOf, suiteMissing } from '../measurements.js';
import { type Band, bandText, formatIn, type Interval, intervalText, judgeInterval, type Outcome, spanOf } from '../rule.js';
import type { Verdict } from '../../model/result.js';
import { wilson } from '../../measure/profile/analysis.js';
import type { HotspotData, HotspotMeasurement, PatternRun } from '../../measure/profile/hotspots.js';

/** What the prtip suite records for this family (under its result's `data`), read defensively. */
export interface ProfileData {
  /** data.hotspots: named functions in prtip's profiles, and `who` ran (e.g. "prtip v0.5.9"). */
  hotspots: HotspotData & { who?: string };
  /** data.floors: per-packet floors from the micro-benchmarks. */
  floors?: { craftNs: number | null; craftFrom: string; checksumNs: number | null; checksumFrom: string };
  /** data.runs: whole-binary runs (summary medians, syscalls by kind). */
  runs?: { tool: string; scenario: string; summary: { cpu: { median: number }; wall: { median: number }; syscalls: Record<string, number | null> } | null }[];
  /** data.memory: the massif runs (wall time of valgrind + prtip) and the untraced run's wall time. */
  memory?: { checks: { id: string; heap: { wallNs: number; limited: boolean; failure: string | null } | null; untracedWallNs: number | null }[] } | null;
  /** data.pmu: hardware events' support, per-run counts and a cycles-sampled crafting share. */
  pmu?: { events: { name: string; supported: boolean; reason: string }[]; runs: Record<string, number | null>[]; craftCycles: PatternRun[] } | null;
}

const SUITE = 'prtip';
const PROFILE_DECIDE = 'npm run bench -- --suite prtip --prtip PATH (profiles each scenario with cpu-clock inside its namespace)';
/** Inclusive shares are taken as complete when this share of samples has a call chain reaching a thread's root. */
export const COMPLETE_CHAINS = 0.9;
/** The fact about v0.5.9 that decides the SYN-path rows. */
export const CONNECT_SCANNER_FACT = 'prtip v0.5.9\'s CLI never sends raw SYNs: for every scan type, -sS included, its scheduler\'s execute_scan_ports runs the TCP connect scanner';
/** The fact for `who`: v0.5.9's known one, or what was counted of another build. */
const connectFact = (who: string): string => (/v0\.5\.9\b/.test(who) ? CONNECT_SCANNER_FACT : `${who}'s -sS sent no raw packet and made a connect() per port: it ran a TCP connect scanner`);

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null;
const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const isRun = (x: unknown): x is PatternRun => isObj(x) && ['samples', 'user', 'self', 'total', 'rooted'].every((k) => isNum(x[k]) && (x[k] as number) >= 0);
const isRow = (x: unknown): x is HotspotMeasurement => isObj(x) && typeof x['key'] === 'string' && typeof x['scenario'] === 'string' && Array.isArray(x['runs']) && x['runs'].every(isRun) && Array.isArray(x['matched']);

/** The suite's data, or why there is none. */
export function suiteData(m: Measurements): { data: Record<string, unknown> } | { missing: string } {
  const missing = suiteMissing(m, SUITE);
  if (missing) return { missing };
  const data = m.suites.get(SUITE)!.data;
  return isObj(data) ? { data } : { missing: 'the prtip suite recorded no data' };
}

/** data.hotspots, validated: rows with malformed runs are left out. */
export function hotspotData(m: Measurements): { h: ProfileData['hotspots'] } | { missing: string } {
  const d = suiteData(m);
  if ('missing' in d) return d;
  const h = d.data['hotspots'];
  if (!isObj(h) || !Array.isArray(h['rows']) || !Array.isArray(h['perfReport'])) return { missing: 'the prtip suite recorded no profile figures (data.hotspots)' };
  return { h: { ...(h as unknown as HotspotData), rows: h['rows'].filter(isRow), perfReport: h['perfReport'].filter(isRow), who: typeof h['who'] === 'string' ? h['who'] : 'prtip' } };
}

/** How the SYN scan ran: from tracepoint counts of syn-scan-1k (raw sends, connect()), else from its profile's kernel stacks. */
export function synEvidence(m: Measurements): { connectScanner: boolean | null; text: string } {
  const d = suiteData(m);
  if ('missing' in d) return { connectScanner: null, text: d.missing };
  const runs = Array.isArray(d.data['runs']) ? (d.data['runs'] as ProfileData['runs'])! : [];
  const syn = runs.find((r) => isObj(r) && r.tool === 'prtip' && r.scenario === 'syn-scan-1k' && isObj(r.summary));
  const sc = syn?.summary?.syscalls;
  if (isObj(sc) && isNum(sc['sendto']) && isNum(sc['sendmmsg']) && isNum(sc['connect'])) {
    const sends = sc['sendto'] + sc['sendmmsg'];
    return { connectScanner: sends === 0 && sc['connect'] >= 900, text: `its 1,000-port -sS made ${sends} raw send syscalls (sendto + sendmmsg) and ${sc['connect']} connect() (tracepoints)` };
  }
  const h = d.data['hotspots'];
  const s = isObj(h) && isObj(h['syn']) ? h['syn'] : null;
  if (s && typeof s['connectOnStack'] === 'boolean' && typeof s['rawSendOnStack'] === 'boolean') {
    return { connectScanner: s['connectOnStack'] && !s['rawSendOnStack'], text: `its -sS profile has connect() ${s['connectOnStack'] ? '' : 'not '}on the stack and raw sends ${s['rawSendOnStack'] ? '' : 'never'} (syscall tracepoints were not counted)` };
  }
  return { connectScanner: null, text: 'how its -sS ran is unknown (neither tracepoint counts nor a profile of syn-scan-1k)' };
}

/** The interval spanning every run's 95 % Wilson interval for `k(run)` of its samples. */
export function runsInterval(runs: readonly PatternRun[], k: (r: PatternRun) => number, of: (r: PatternRun) => number = (r) => r.samples): Interval | null {
  const used = runs.filter((r) => of(r) > 0);
  if (used.length === 0) return null;
  const cis = used.map((r) => wilson(k(r), of(r)));
  const n = used.reduce((a, r) => a + of(r), 0);
  return { low: Math.min(...cis.map((c) => c[0])), high: Math.max(...cis.map((c) => c[1])), point: used.reduce((a, r) => a + k(r), 0) / n };
}

const sum = (runs: readonly PatternRun[], k: keyof PatternRun): number => runs.reduce((a, r) => a + r[k], 0);
const share = (x: number): string => formatIn(x, 'share');
const symbolsKnown = (row: HotspotMeasurement): boolean => row.inBinary === null || row.inBinary.source === 'symtab' || row.inBinary.source === 'debug-file';

/** A row's figures in words: inclusive and self shares, chains, what matched, what the binary holds. */
function rowText(row: HotspotMeasurement): string {
  const n = sum(row.runs, 'samples');
  const self = runsInterval(row.runs, (r) => r.self);
  const sym = row.inBinary === null ? 'a library function' : symbolsKnown(row)
    ? (row.inBinary.matching > 0 ? `${row.inBinary.matching} matching function(s) in the binary's symbols (e.g. ${row.inBinary.examples[0]})` : 'no matching function in the binary\'s symbols')
    : `the binary has no symbol table (${row.inBinary.source})`;
  return `${row.scenario}, ${row.runs.length} run(s), ${n} samples at ${row.frequencyHz} Hz (${row.event}): inclusive ${share(sum(row.runs, 'total') / Math.max(1, n))} (on the stack), ` +
    `self ${share(sum(row.runs, 'self') / Math.max(1, n))}${self ? ` (95 % ${intervalText(self, 'share')})` : ''}; call chains reaching a root ${share(sum(row.runs, 'rooted') / Math.max(1, n))}; ` +
    `${row.matched.length ? `matched ${row.matched.slice(0, 3).map((x) => `${x.name} ${x.selfSamples}/${x.totalSamples}`).join(', ')}` : 'no sample matches'}; ${sym}` +
    (row.also ? `; beside it, ${row.also.label}: ${share(row.also.self)} self (${row.also.selfSamples} samples)` : '');
}

/** A row's interval and how it was formed, or why there is none. */
export function rowInterval(row: HotspotMeasurement, synPath: boolean, connectScanner: boolean | null, who = 'prtip v0.5.9'): { iv: Interval; how: string; complete?: boolean } | { none: string } {
  if (sum(row.runs, 'samples') === 0) return { none: `${row.scenario} has no samples` };
  const total = runsInterval(row.runs, (r) => r.total)!;
  if (synPath && connectScanner === true) {
    return { iv: total, how: `${connectFact(who)}, so no SYN was crafted, checksummed or sent raw and the SYN path's share is what was sampled: the inclusive share` +
      (row.inBinary && symbolsKnown(row) && row.inBinary.matching > 0 ? ` (the function is in the binary, never sampled for that reason, not inlined)` : '') };
  }
  if (row.inBinary && !symbolsKnown(row)) {
    const user = runsInterval(row.runs, (r) => r.user)!;
    return { iv: { low: 0, high: user.high }, how: 'without the binary\'s symbols only all user-space code is known, which bounds the function from above' };
  }
  if (row.inBinary?.error) return { none: `the binary's symbol table could not be read (${row.inBinary.error}), so absent and never sampled cannot be told apart` };
  if (row.inBinary && row.inBinary.matching === 0) {
    return { none: `no function of the binary's symbol table matches ${row.pattern}: release Rust inlined it into its callers (or it was not built), so a sampled profile cannot name its share` };
  }
  const complete = row.runs.every((r) => r.samples > 0 && r.rooted / r.samples >= COMPLETE_CHAINS);
  return complete
    ? { iv: total, how: 'the inclusive share (call chains reach a thread\'s root in every run)', complete }
    : { iv: { ...total, high: 1 }, complete, how: `the inclusive share is a lower bound: fewer than ${share(COMPLETE_CHAINS)} of the call chains reach a thread's root (frame pointers omitted), so the interval runs up to 100 %` };
}

/** A share claim judged on one measured row. */
function judgeRow(m: Measurements, key: string, band: Band, synPath: boolean, extra?: (m: Measurements) => string): Finding {
  const hd = hotspotData(m);
  if ('missing' in hd) return { verdict: 'cannot-tell', measured: hd.missing, reason: `${hd.missing}; it profiles prtip's scenarios`, decideWith: PROFILE_DECIDE };
  const row = hd.h.rows.find((r) => r.key === key);
  if (!row) return { verdict: 'cannot-tell', measured: `${key}'s scenario was not profiled`, reason: 'no sampled profile of its scenario (service-detect runs without --quick only; the sampler or the namespace may have been unavailable: see the prtip suite\'s warnings)', decideWith: PROFILE_DECIDE };
  const ev = synEvidence(m);
  const more = extra ? extra(m) : '';
  const r = rowInterval(row, synPath, ev.connectScanner, hd.h.who);
  const measured = `${key}: ${rowText(row)}${synPath ? `; ${hd.h.who}: ${ev.text}` : ''}${more}`;
  if ('none' in r) return { verdict: 'cannot-tell', measured, band: bandText(band), reason: r.none, decideWith: 'profile a prtip built with the function kept out of line (#[inline(never)]) or with debug info for inlined frames (perf record --call-graph dwarf)' };
  const o = judgeInterval(r.iv, band);
  return { verdict: o.verdict, measured, interval: intervalText(r.iv, 'share'), band: bandText(band), reason: `${o.why}; judged on ${r.how}; ${band.reading}`,
    ...(o.verdict === 'cannot-tell' && r.complete === false ? { decideWith: `profile a prtip built with frame pointers (RUSTFLAGS="-C force-frame-pointers=yes" cargo build --release) so call chains reach their root: ${PROFILE_DECIDE}` } : {}) };
}

const hotspotBand = (low: number, high: number): Band => ({
  low, high, margin: 0.02, unit: 'share',
  reading: `003's estimate (another machine) read as written, as inclusive CPU of the scan; 2 points of margin for another invocation`,
});

const HOTSPOT_WHERE = 'CPU Profiling Results > Hot Path Analysis (Expected CPU Hotspots)';
const hotspotQuote = (words: string): Quote => ({ doc: '003', where: HOTSPOT_WHERE, words });

interface HotspotClaimSpec { id: string; key: string; statement: string; words: string; low: number; high: number; synPath: boolean }

const HOTSPOTS: readonly HotspotClaimSpec[] = [
  { id: 'hotspot-craft-syn-packet', key: 'craft_syn_packet', statement: 'craft_syn_packet() is 12-15% of a SYN scan\'s CPU (sampled profile)', words: '| `craft_syn_packet()` | 12-15% | Packet Crafting | Vec allocation per packet |', low: 0.12, high: 0.15, synPath: true },
  { id: 'hotspot-calculate-checksum', key: 'calculate_checksum', statement: 'calculate_checksum() is 8-10% of a SYN scan\'s CPU (sampled profile)', words: '| `calculate_checksum()` | 8-10% | Checksum | Scalar loop (no SIMD) |', low: 0.08, high: 0.10, synPath: true },
  { id: 'hotspot-send-packets', key: 'send_packets', statement: 'send_packets() (sendmmsg batching) is 6-8% of a SYN scan\'s CPU', words: '| `send_packets()` | 6-8% | I/O | sendmmsg batching overhead |', low: 0.06, high: 0.08, synPath: true },
  { id: 'hotspot-recv-packets', key: 'recv_packets', statement: 'recv_packets() (recvmmsg polling) is 4-6% of a SYN scan\'s CPU', words: '| `recv_packets()` | 4-6% | I/O | recvmmsg polling |', low: 0.04, high: 0.06, synPath: true },
  { id: 'hotspot-tokio-spawn', key: 'tokio::spawn', statement: 'tokio::spawn() (task spawning) is 5-7% of a connect scan\'s CPU', words: '| `tokio::spawn()` | 5-7% | Async Runtime | Task spawning (Connect scan) |', low: 0.05, high: 0.07, synPath: false },
  { id: 'hotspot-regex-find', key: 'regex::find', statement: 'regex::find() (banner matching) is 6-10% of service detection\'s CPU', words: '| `regex::find()` | 6-10% | Service Detection | Banner matching |', low: 0.06, high: 0.10, synPath: false },
];

const HOT_PATH_BAND: Band = { low: 0.45, high: 0.60, margin: 0.03, unit: 'share', reading: '"~45-60 %" as the sum of the table\'s six rows (its own rows add up to 41-56 %); 3 points of margin for "~"' };

/** The hot path: the six rows' intervals added up (a row without one counts as anywhere in 0-100 %). */
function judgeHotPath(m: Measurements): Finding {
  const hd = hotspotData(m);
  if ('missing' in hd) return { verdict: 'cannot-tell', measured: hd.missing, reason: `${hd.missing}; it profiles prtip's scenarios`, decideWith: PROFILE_DECIDE };
  const ev = synEvidence(m);
  const parts = HOTSPOTS.map((c) => {
    const row = hd.h.rows.find((r) => r.key === c.key);
    const r = row ? rowInterval(row, c.synPath, ev.connectScanner, hd.h.who) : { none: 'not profiled' };
    return { key: c.key, iv: 'iv' in r ? r.iv : null, why: 'none' in r ? r.none : '' };
  });
  if (parts.every((p) => p.iv === null)) return { verdict: 'cannot-tell', measured: 'none of the six rows has a figure', reason: parts.map((p) => `${p.key}: ${p.why}`).join('; '), decideWith: PROFILE_DECIDE };
  const iv: Interval = { low: Math.min(1, parts.reduce((a, p) => a + (p.iv?.low ?? 0), 0)), high: Math.min(1, parts.reduce((a, p) => a + (p.iv?.high ?? 1), 0)) };
  const o = judgeInterval(iv, HOT_PATH_BAND);
  return {
    verdict: o.verdict, measured: parts.map((p) => `${p.key} ${p.iv ? intervalText(p.iv, 'share') : `no figure (${p.why.split(':')[0]})`}`).join('; '),
    interval: intervalText(iv, 'share'), band: bandText(HOT_PATH_BAND), reason: `${o.why}; the sum of the six rows' intervals, each in its own scenario; ${HOT_PATH_BAND.reading}`,
  };
}

/** 004's example perf report: four self shares ("Overhead" without children), each ±5 points. */
const PERF_REPORT = [
  { key: 'send_syn', claimed: 0.452 }, { key: 'scan_port', claimed: 0.123 }, { key: 'pthread_mutex_lock', claimed: 0.087 }, { key: 'crossbeam pop', claimed: 0.054 },
] as const;

/** Several outcomes as one: any "does not hold" refutes, all "holds" confirm, else cannot tell. */
export function combine(verdicts: readonly Verdict[]): Verdict {
  if (verdicts.includes('does-not-hold')) return 'does-not-hold';
  return verdicts.length > 0 && verdicts.every((v) => v === 'holds') ? 'holds' : 'cannot-tell';
}

function judgePerfReport(m: Measurements): Finding {
  const hd = hotspotData(m);
  if ('missing' in hd) return { verdict: 'cannot-tell', measured: hd.missing, reason: `${hd.missing}; it profiles prtip's SYN scan`, decideWith: PROFILE_DECIDE };
  const ev = synEvidence(m);
  const parts = PERF_REPORT.map((e) => {
    const band: Band = { low: Math.max(0, e.claimed - 0.05), high: e.claimed + 0.05, margin: 0.02, unit: 'share', reading: '' };
    const row = hd.h.perfReport.find((r) => r.key === e.key);
    if (!row || sum(row.runs, 'samples') === 0) return { key: e.key, band, o: null as Outcome | null, text: 'not profiled' };
    if (row.inBinary && (!symbolsKnown(row) || row.inBinary.matching === 0)) return { key: e.key, band, o: null, text: `absent from the binary's symbols (${row.inBinary.source}): inlined or not built, cannot be named` };
    const iv = runsInterval(row.runs, (r) => r.self)!;
    return { key: e.key, band, o: judgeInterval(iv, band), text: `self ${intervalText(iv, 'share')}${row.matched[0] ? `, e.g. ${row.matched[0].name}` : ''}` };
  });
  if (parts.every((p) => p.text === 'not profiled')) return { verdict: 'cannot-tell', measured: 'syn-scan-1k was not profiled', reason: 'no sampled profile of prtip\'s SYN scan', decideWith: PROFILE_DECIDE };
  const verdict = combine(parts.map((p) => p.o?.verdict ?? 'cannot-tell'));
  return {
    verdict, measured: `syn-scan-1k: ${parts.map((p) => `${p.key} ${p.text}`).join('; ')}; ${hd.h.who}: ${ev.text}`,
    band: parts.map((p) => `${p.key} ${bandText(p.band)}`).join('; '),
    reason: `each figure is a self share (perf report's Overhead), read within ±5 points (another machine) with 2 points of margin; any one outside refutes the example, all inside confirm it: ${parts.map((p) => `${p.key}: ${p.o ? p.o.verdict : 'cannot tell'}`).join(', ')}` +
      (ev.connectScanner ? `. ${connectFact(hd.h.who ?? 'prtip')}, so its SYN scanner's functions never run` : ''),
  };
}

/** Crafting and checksums beside the floors: what the floors explain of the SYN scan's CPU (a lower bound), in words. */
function floorText(kind: 'craft' | 'checksum') {
  return (m: Measurements): string => {
    const d = suiteData(m);
    if ('missing' in d) return '';
    const f = d.data['floors'] as ProfileData['floors'];
    const ns = kind === 'craft' ? f?.craftNs : f?.checksumNs;
    const from = kind === 'craft' ? f?.craftFrom : f?.checksumFrom;
    return isNum(ns) ? `; the floor beside it: ${ns.toFixed(1)} ns per packet (${from}), a lower bound on the work per packet sent` : '; no floor (the micro-benchmark did not run)';
  };
}

/**
 * Without a profile of the SYN scan, the floors bound crafting's (or checksums') share from below:
 * packets sent × the cheapest measured cost per packet ÷ the scan's CPU, so only a share above the
 * band can be told.
 */
function judgeFloor(m: Measurements, kind: 'craft' | 'checksum', band: Band): Finding {
  const d = suiteData(m);
  if ('missing' in d) return { verdict: 'cannot-tell', measured: d.missing, reason: `${d.missing}; it runs and profiles prtip's SYN scan` };
  const f = d.data['floors'] as ProfileData['floors'];
  const ns = kind === 'craft' ? f?.craftNs : f?.checksumNs;
  const runs = Array.isArray(d.data['runs']) ? (d.data['runs'] as NonNullable<ProfileData['runs']>) : [];
  const syn = runs.find((r) => isObj(r) && r.tool === 'prtip' && r.scenario === 'syn-scan-1k')?.summary;
  const sc = syn?.syscalls;
  if (!isNum(ns) || !syn || !isNum(syn.cpu?.median) || !isObj(sc) || !isNum(sc['sendto']) || !isNum(sc['sendmmsg'])) {
    return { verdict: 'cannot-tell', measured: 'syn-scan-1k was not profiled, and no floor or send count stands in', reason: 'neither a sampled profile of the SYN scan nor the floors with its send syscalls were measured', decideWith: DECIDE_FLAMEGRAPH };
  }
  const packets = sc['sendto'] + sc['sendmmsg'];
  if (packets === 0) return { verdict: 'cannot-tell', measured: `syn-scan-1k was not profiled; it made 0 raw send syscalls`, reason: 'the floors explain no work for a scan that sent no packet raw, and without a profile nothing bounds the share from above', decideWith: DECIDE_FLAMEGRAPH };
  const iv: Interval = { low: (packets * ns) / syn.cpu.median, high: 1 };
  const o = judgeInterval(iv, band);
  return { verdict: o.verdict, measured: `syn-scan-1k was not profiled; ${packets} packets at least (sendto + sendmmsg calls) × ${ns.toFixed(1)} ns ÷ ${formatIn(syn.cpu.median / 1e6, 'ms')} CPU`,
    interval: intervalText(iv, 'share'), band: bandText(band), reason: `${o.why}; the floors bound the share from below only (the cheapest measured cost per packet), so only a share above the band can be told; ${band.reading}`,
    ...(o.verdict === 'cannot-tell' ? { decideWith: DECIDE_FLAMEGRAPH } : {}) };
}

/** Crafting's or checksums' share: on the SYN scan's profile where there is one, else on the floors. */
function judgeWholeShare(kind: 'craft' | 'checksum', key: string, band: Band) {
  return (m: Measurements): Finding => {
    const hd = hotspotData(m);
    const profiled = !('missing' in hd) && hd.h.rows.some((r) => r.key === key && sum(r.runs, 'samples') > 0);
    return profiled ? judgeRow(m, key, band, true, floorText(kind)) : judgeFloor(m, kind, band);
  };
}

const DECIDE_FLAMEGRAPH = 'npm run bench -- --suite prtip --prtip PATH (the SYN scan\'s sampled profile, beside the floors of the packet-crafting and checksum suites)';

export const PROFILE_CLAIMS: readonly Claim[] = [
  ...HOTSPOTS.map((c): Claim => ({
    id: c.id, family: 'profile', subject: 'whole-binary', statement: c.statement, quote: hotspotQuote(c.words), needs: ['prtip'], decide: PROFILE_DECIDE,
    judge: (m) => judgeRow(m, c.key, hotspotBand(c.low, c.high), c.synPath),
  })),
  {
    id: 'hotspot-total-hot-path', family: 'profile', subject: 'whole-binary', needs: ['prtip'], decide: PROFILE_DECIDE,
    statement: 'the hot path (those six functions) is 45-60% of CPU, the rest spread over many small functions',
    quote: hotspotQuote('**Total Hot Path CPU:** ~45-60% (rest distributed across many small functions)'),
    judge: judgeHotPath,
  },
  {
    id: 'perf-report-example', family: 'profile', subject: 'whole-binary', needs: ['prtip'], decide: 'npm run bench -- --suite prtip --prtip PATH (the SYN scan\'s sampled profile)',
    statement: 'perf report: 45.2% in send_syn, 12.3% in scan_port, 8.7% in pthread_mutex_lock, 5.4% in crossbeam pop',
    quote: { doc: '004', where: 'CPU Profiling > perf (Linux) > Example Analysis', words: '45.2%  prtip    prtip               [.] prtip_network::tcp::send_syn' },
    also: [
      { doc: '004', where: 'CPU Profiling > perf (Linux) > Example Analysis', words: '12.3%  prtip    prtip               [.] prtip_scanner::syn_scanner::scan_port' },
      { doc: '004', where: 'CPU Profiling > perf (Linux) > Example Analysis', words: '8.7%  prtip    libc-2.31.so        [.] __pthread_mutex_lock' },
      { doc: '004', where: 'CPU Profiling > perf (Linux) > Example Analysis', words: '5.4%  prtip    prtip               [.] crossbeam::queue::pop' },
    ],
    judge: judgePerfReport,
  },
  {
    id: 'whole-crafting-share', family: 'profile', subject: 'whole-binary', needs: ['prtip'], decide: DECIDE_FLAMEGRAPH,
    statement: 'packet crafting is 12-15% of a SYN scan\'s CPU',
    quote: { doc: '003', where: 'Executive Summary > Key Findings (bottleneck table)', words: '| **CPU** | Packet crafting (est. 12-15%), Checksums (8-10%) | 15-20% speedup |' },
    also: [{ doc: '001', where: 'Profiling Metadata > Key Findings (Top Bottlenecks)', words: '1. Packet crafting (12-15% CPU)' }],
    judge: judgeWholeShare('craft', 'craft_syn_packet', hotspotBand(0.12, 0.15)),
  },
  {
    id: 'whole-checksum-share', family: 'profile', subject: 'whole-binary', needs: ['prtip'], decide: DECIDE_FLAMEGRAPH,
    statement: 'checksums are 8-10% of a SYN scan\'s CPU',
    quote: { doc: '003', where: 'Executive Summary > Key Findings (bottleneck table)', words: '| **CPU** | Packet crafting (est. 12-15%), Checksums (8-10%) | 15-20% speedup |' },
    also: [
      { doc: '001', where: 'Profiling Metadata > Key Findings (Top Bottlenecks)', words: '2. Checksum calculation (8-10% CPU)' },
      { doc: '003', where: 'Target 2: SIMD Checksums', words: '**Expected Gain:** 5-8% overall speedup (checksums are 8-10% of CPU)' },
    ],
    judge: judgeWholeShare('checksum', 'calculate_checksum', hotspotBand(0.08, 0.10)),
  },
];

// ---- What the measuring tools cost, and the PMU's key metrics ----

const MASSIF_BAND: Band = { low: 10, high: 50, margin: 5, unit: 'ratio', reading: '001\'s "10-50x" as written (000\'s narrower 20-50x lies inside it); 5× of margin for another invocation' };
const SAMPLER_BAND: Band = { low: 2, high: 5, margin: 0.5, unit: 'ratio', reading: '"2-5x" as written, on this harness\'s sampler (perf_event_open, cpu-clock, frame-pointer chains: what perf record -g does; cargo flamegraph adds its post-processing after the run); 0.5× of margin' };

/**
 * The documents' "flamegraph sampling" is cargo flamegraph (perf record with its own unwinding and
 * post-processing); our sampler is another tool, so its slowdown is shown for scale and never judges.
 */
const SAMPLER_IS_NOT_FLAMEGRAPH: Outcome = {
  verdict: 'cannot-tell',
  why: 'the claim is about cargo flamegraph (perf record), which the suite does not run on prtip; this harness\'s own sampler is shown for scale only, never as its stand-in',
};

/**
 * One massif run against one untraced median is one process each: on these VMs a process's speed
 * moves up to ~2x, so each ratio carries a factor of 1.4 either way (the run-to-run allowance).
 */
export const MASSIF_ALLOWANCE = 1.4;

/** massif's slowdown: each complete massif run's wall against its scenario's untraced wall, with the allowance; a run stopped at its limit gives a lower bound. */
function massifSlowdown(data: Record<string, unknown>): { iv: Interval; text: string } | { none: string } {
  const mem = data['memory'];
  if (!isObj(mem) || !Array.isArray(mem['checks'])) return { none: 'no massif run recorded (valgrind missing, or the memory section did not run)' };
  const xs = (mem['checks'] as unknown[]).flatMap((c) => {
    if (!isObj(c) || !isObj(c['heap']) || !isNum(c['untracedWallNs']) || c['untracedWallNs'] <= 0) return [];
    const h = c['heap'];
    if (!isNum(h['wallNs']) || h['failure']) return [];
    return [{ id: String(c['id']), ratio: h['wallNs'] / c['untracedWallNs'], limited: h['limited'] === true }];
  });
  if (xs.length === 0) return { none: 'no massif run with an untraced run beside it completed' };
  // A run stopped at its limit was cut by the clock, not by its work: its ratio says nothing about the
  // slowdown when complete runs exist (the suite always stops -sV), so it only counts when none does.
  const complete = xs.filter((x) => !x.limited);
  const used = complete.length > 0 ? complete : xs;
  const iv: Interval = { low: Math.min(...used.map((x) => x.ratio)) / MASSIF_ALLOWANCE, high: used.some((x) => x.limited) ? Infinity : Math.max(...used.map((x) => x.ratio)) * MASSIF_ALLOWANCE };
  return { iv, text: `massif: ${xs.map((x) => `${x.id} ${formatIn(x.ratio, 'ratio')}${x.limited ? ' or more (stopped at its limit)' : ''}`).join(', ')} (one run each: ×÷${MASSIF_ALLOWANCE} for the spread between processes)` };
}

/** The sampler's slowdown: each profiled prtip scenario's recordings against its untraced runs' walls (metric samples). */
function samplerSlowdown(m: Measurements, data: Record<string, unknown>): { iv: Interval; text: string } | { none: string } {
  const h = data['hotspots'];
  const profiled = isObj(h) && Array.isArray(h['profiled']) ? (h['profiled'] as unknown[]) : [];
  const xs = profiled.flatMap((p) => {
    if (!isObj(p) || p['tool'] !== 'prtip' || !Array.isArray(p['wallNs']) || !p['wallNs'].every(isNum) || p['wallNs'].length === 0) return [];
    const untraced = (metricOf(m, SUITE, `prtip/prtip/${String(p['scenario'])}/wall`)?.samples ?? []).filter((x) => isNum(x) && x > 0);
    if (untraced.length === 0) return [];
    const walls = p['wallNs'] as number[];
    return [{ id: String(p['scenario']), hz: p['frequencyHz'], low: Math.min(...walls) / Math.max(...untraced), high: Math.max(...walls) / Math.min(...untraced) }];
  });
  if (xs.length === 0) return { none: 'no profiled prtip scenario has untraced runs beside it' };
  return { iv: { low: Math.min(...xs.map((x) => x.low)), high: Math.max(...xs.map((x) => x.high)) },
    text: `sampler: ${xs.map((x) => `${x.id} at ${String(x.hz)} Hz ${intervalText({ low: x.low, high: x.high }, 'ratio')}`).join(', ')}` };
}

function judgeMassifOverhead(m: Measurements): Finding {
  const d = suiteData(m);
  if ('missing' in d) return { verdict: 'cannot-tell', measured: d.missing, reason: `${d.missing}; it runs prtip under massif beside untraced runs` };
  const r = massifSlowdown(d.data);
  if ('none' in r) return { verdict: 'cannot-tell', measured: r.none, reason: r.none, decideWith: 'npm run bench -- --suite prtip --prtip PATH with valgrind installed (without --quick for several massif scenarios)' };
  const o = judgeInterval(r.iv, MASSIF_BAND);
  return {
    verdict: o.verdict, measured: `${r.text} (wall of the traced run ÷ wall of untraced runs of the same scenario)`,
    interval: intervalText(r.iv, 'ratio'), band: bandText(MASSIF_BAND), reason: `${o.why}; ${MASSIF_BAND.reading}`,
    ...(o.verdict === 'cannot-tell' ? { decideWith: 'npm run bench -- --suite prtip --prtip PATH with valgrind installed (without --quick for several massif scenarios)' } : {}),
  };
}

/** Never judged here (the suite does not run cargo flamegraph); our sampler's slowdown is shown for scale. */
function judgeFlamegraphOverhead(m: Measurements): Finding {
  const d = suiteData(m);
  const r = 'missing' in d ? { none: d.missing } : samplerSlowdown(m, d.data);
  return {
    verdict: 'cannot-tell', measured: 'iv' in r ? `for scale only: ${r.text} (${SAMPLER_BAND.reading})` : `nothing: ${r.none}`,
    reason: SAMPLER_IS_NOT_FLAMEGRAPH.why,
  };
}

const PMU_BANDS = {
  craft: { low: 0, high: 0.10, margin: 0.02, unit: 'share', reading: '"<10 % of total" cycles, inclusive; 2 points of margin' } as Band,
  l1d: { low: 0, high: 0.05, margin: 0.01, unit: 'share', reading: '"<5 % L1d misses" as misses ÷ L1d loads; 1 point of margin' } as Band,
  branch: { low: 0, high: 0.02, margin: 0.005, unit: 'share', reading: '"<2 % of branches" as branch-misses ÷ branches; half a point of margin' } as Band,
};

/** 004's key metrics from hardware counters: crafting's share of sampled cycles, L1d and branch miss rates per run. */
function judgePmu(m: Measurements): Finding {
  const d = suiteData(m);
  if ('missing' in d) return { verdict: 'cannot-tell', measured: d.missing, reason: `${d.missing}; it probes and counts the PMU events on prtip's SYN scan` };
  const p = d.data['pmu'];
  if (!isObj(p) || !Array.isArray(p['events'])) return { verdict: 'cannot-tell', measured: 'the prtip suite recorded no PMU figures (data.pmu)', reason: 'prtip did not run, or the PMU events were not probed' };
  const events = (p['events'] as unknown[]).filter(isObj);
  const unsupported = events.filter((e) => e['supported'] !== true);
  if (unsupported.length > 0 || events.length === 0) {
    return { verdict: 'cannot-tell', measured: `unsupported here: ${unsupported.map((e) => `${String(e['name'])} (${String(e['reason'] || 'no reason given')})`).join('; ')}`,
      reason: 'cycles, L1d and branch events need a hardware PMU: these events do not open on this machine, so nothing was counted (a state with a reason, never zero)' };
  }
  const runs = Array.isArray(p['runs']) ? (p['runs'] as unknown[]).filter(isObj) : [];
  const rate = (miss: string, of: string): number[] => runs.flatMap((r) => (isNum(r[miss]) && isNum(r[of]) && (r[of] as number) > 0 ? [(r[miss] as number) / (r[of] as number)] : []));
  const l1 = rate('L1-dcache-load-misses', 'L1-dcache-loads'), br = rate('branch-misses', 'branches');
  const craftRuns = Array.isArray(p['craftCycles']) ? (p['craftCycles'] as unknown[]).filter(isRun) : [];
  const craftTotal = runsInterval(craftRuns, (r) => r.total);
  const complete = craftRuns.length > 0 && craftRuns.every((r) => r.samples > 0 && r.rooted / r.samples >= COMPLETE_CHAINS);
  const craftIv = craftTotal ? (complete ? craftTotal : { ...craftTotal, high: 1 }) : null;
  const parts = [
    { what: 'crafting share of cycles', band: PMU_BANDS.craft, iv: craftIv },
    { what: 'L1d miss rate', band: PMU_BANDS.l1d, iv: l1.length === runs.length ? spanOf(l1) : null },
    { what: 'branch-miss rate', band: PMU_BANDS.branch, iv: br.length === runs.length ? spanOf(br) : null },
  ].map((x) => ({ ...x, o: x.iv ? judgeInterval(x.iv, x.band) : null }));
  const verdict = combine(parts.map((x) => x.o?.verdict ?? 'cannot-tell'));
  return {
    verdict, measured: `syn-scan-1k, ${runs.length} counted run(s), ${craftRuns.length} cycles-sampled run(s): ` + parts.map((x) => `${x.what} ${x.iv ? intervalText(x.iv, 'share') : 'not measured'}`).join('; '),
    band: parts.map((x) => `${x.what} ${bandText(x.band)}`).join('; '),
    reason: parts.map((x) => `${x.what}: ${x.o ? `${x.o.why}; ${x.band.reading}` : 'no figure'}`).join('. ') + '. All three must hold; any outside refutes' +
      (craftIv && !complete ? '. Crafting\'s inclusive share is a lower bound (call chains do not reach a root)' : ''),
  };
}

const DECIDE_PMU = 'npx prtip-perf stat -e cycles,instructions,L1-dcache-load-misses,L1-dcache-loads,branch-misses,branches -- prtip -sS -p 1-1000 127.0.0.1 on a machine with a PMU (run inside a network namespace of your own (ip netns add x; ip netns exec x ...; loopback up)); crafting\'s share of cycles also needs perf record -e cycles';

export const TOOL_CLAIMS: readonly Claim[] = [
  {
    id: 'tool-overheads', family: 'profile', subject: 'whole-binary', needs: ['prtip'],
    statement: 'massif slows execution 10-50x (000: 20-50x)',
    quote: { doc: '001', where: '2. Memory Profiling (Massif)', words: '**Overhead:** 10-50x slowdown' },
    also: [
      { doc: '000', where: 'Notes', words: '- Massif slows execution ~20-50x (use small scans)' },
      { doc: '001', where: 'Troubleshooting > 3. Massif Runs Forever', words: '- Massif adds 10-50x overhead, be patient' },
    ],
    decide: 'hyperfine -N \'prtip -sS -p 1-1000 127.0.0.1\' \'valgrind --tool=massif prtip -sS -p 1-1000 127.0.0.1\' (run inside a network namespace of your own (ip netns add x; ip netns exec x ...; loopback up))',
    judge: judgeMassifOverhead,
  },
  {
    id: 'flamegraph-overhead-2-5x', family: 'profile', subject: 'whole-binary', needs: [],
    statement: 'flamegraph sampling slows execution 2-5x',
    quote: { doc: '001', where: '1. CPU Profiling (Flamegraphs)', words: '**Overhead:** 2-5x slowdown' },
    decide: 'hyperfine -N \'prtip -sS -p 1-1000 127.0.0.1\' \'cargo flamegraph --bin prtip -- -sS -p 1-1000 127.0.0.1\' (inside a network namespace of your own)',
    judge: judgeFlamegraphOverhead,
  },
  {
    id: 'pmu-targets', family: 'profile', subject: 'whole-binary', needs: ['prtip'],
    statement: 'packet crafting < 10% of cycles, L1d misses < 5%, branch mispredictions < 2%',
    quote: { doc: '004', where: 'CPU Profiling > perf (Linux) > Key Metrics to Monitor', words: '- **CPU cycles** in packet crafting functions (<10% of total)\n- **Cache misses** in hot paths (<5% L1d misses)\n- **Branch mispredictions** (<2% of branches)' },
    decide: DECIDE_PMU,
    judge: judgePmu,
  },
];
