/**
 * prtip's own criterion results (--criterion DIR / PRTIP_CRITERION) beside our reproduction
 * of the same work and the floor, and the verdicts on the documents' claims about prtip's
 * packet builder, taken from prtip's numbers (never from our reproduction). Runs after the
 * packet-crafting and batch-size suites, whose metrics it reads; it measures nothing itself.
 */
import { CRITERION_HINT, CRITERION_RERUN_HINT, type CriterionResults, type CriterionRow, criterionRows, judgeBand } from '../src/criterion.js';
import type { ClaimRow, Metric, SuiteResult, Table } from '../src/report/result.js';
import { type Suite, type SuiteContext, runIfMain } from './suite.js';

/** A crafting figure holds when prtip's per-packet time is within ±15% of it (another machine, compiler and pnet version). */
export const CRAFT_TOLERANCE = 0.15;
/** "15% faster" holds when prtip's old→zero-copy saving is within ±5 points of 15%. */
export const SPEEDUP_TOLERANCE_POINTS = 0.05;
/**
 * Criterion's interval comes from the samples of one process, so it understates how far the next
 * `cargo bench` lands. RUN_TO_RUN_ALLOWANCE widens it: a builder figure holds only when its
 * interval ±10 % lies inside ±15 % of the claim, and does not hold only when the whole interval
 * lies outside ±25 %; in between it is "cannot tell here" (borderline). Two runs could then give
 * opposite verdicts only if they differed by more than 20 %.
 * Why 10 %: twice the ±5 % drift between whole runs measured on this VM (README, baselines), as a
 * cargo bench rerun is a whole run too. It is no more than the quiet case: the two criterion runs
 * of the same build we have (issue 10's and the one in target/criterion) put tcp_packet_old_api/1000
 * 5 % apart but tcp_packet_zero_copy/1000 23 % apart (65 vs 50.3 ns), and three back-to-back reruns
 * on the loaded VM (load ~7 on 2 cores) moved single figures by up to 2.6× while criterion's own
 * intervals stayed within ±2-17 %. No allowance makes one run on a busy machine trustworthy: a
 * borderline verdict names the reruns on a quiet machine that decide it.
 */
export const RUN_TO_RUN_ALLOWANCE = 0.10;
/**
 * The same allowance for the old→zero-copy saving, in points: ±10 % on the zero-copy/old-API ratio
 * (0.85 at the claimed 15 %) is ±8.5 points. The pair runs in one cargo bench invocation, but that
 * did not keep the ratio steady here (savings of 9.7 % and 26.5 % in the two quiet runs), so nothing
 * smaller is justified; with ±5 points of tolerance a single run can refute "15 % faster" or leave
 * it open, never confirm it.
 */
export const SPEEDUP_RUN_TO_RUN_POINTS = 0.85 * RUN_TO_RUN_ALLOWANCE;

const SOURCE_004 = '004 performance analysis guide';
const f1 = (x: number | null): string => (x === null ? '—' : x >= 100 ? x.toFixed(0) : x.toFixed(1));

interface ClaimSpec {
  id: string;
  claim: string;
  source: string;
  /** The benchmark names the documents use, tried first; then the nearest, in order. */
  named: string[];
  nearest: string[];
  claimedNs: number;
}

const CRAFT_CLAIMS: ClaimSpec[] = [
  { id: 'tcp-syn-packet-850ns', claim: 'crafting a TCP SYN (tcp_syn_packet) costs about 850 ns (862 ns → 1.16 M packets/s)', source: `${SOURCE_004}, Criterion example output`, named: ['tcp_syn_packet'], nearest: ['tcp_packet_old_api/10', 'tcp_packet_old_api/100', 'tcp_packet_old_api/1000'], claimedNs: 850 },
  { id: 'udp-packet-620ns', claim: 'crafting a UDP packet (udp_packet) costs about 620 ns', source: `${SOURCE_004}, Criterion example output`, named: ['udp_packet'], nearest: ['packet_throughput/old_api_1k_packets', 'tcp_packet_old_api/10'], claimedNs: 620 },
  { id: 'zero-copy-58.8ns-17mpps', claim: 'the zero-copy builder takes 58.8 ns per packet, 17.0 M pps', source: `${SOURCE_004}, memory pooling`, named: ['tcp_packet_zero_copy/1000'], nearest: ['packet_throughput/zero_copy_1k_packets', 'tcp_packet_zero_copy/100'], claimedNs: 58.8 },
  { id: 'old-api-68.3ns-14.6mpps', claim: 'the old allocating API takes 68.3 ns per packet, 14.6 M pps', source: `${SOURCE_004}, memory pooling`, named: ['tcp_packet_old_api/1000'], nearest: ['packet_throughput/old_api_1k_packets', 'tcp_packet_old_api/100'], claimedNs: 68.3 },
];
const SPEEDUP_CLAIM = { id: 'zero-copy-15pct-faster', claim: 'the zero-copy builder is 15% faster than the old allocating API (68.3 → 58.8 ns, +2.4 M pps)', source: `${SOURCE_004}, memory pooling` };

/** Every claim this suite judges, as "cannot tell here" with what would decide it. */
function cannotTell(measured: string, reason: string): ClaimRow[] {
  return [...CRAFT_CLAIMS, SPEEDUP_CLAIM].map((c) => ({ id: c.id, subject: 'prtip-function' as const, claim: c.claim, source: c.source, measured, verdict: 'cannot-tell' as const, reason, measureWith: CRITERION_HINT }));
}

function pick(rows: readonly CriterionRow[], ids: readonly string[]): CriterionRow | undefined {
  for (const id of ids) {
    const r = rows.find((x) => x.id === id && x.prtipNs !== null);
    if (r) return r;
  }
  return undefined;
}

const prtipText = (r: CriterionRow): string =>
  `prtip ${r.id}: ${f1(r.prtipNs)} ns/packet [${f1(r.prtipLowNs)}, ${f1(r.prtipHighNs)}] (${r.statistic}, ${r.packetsPerIteration} per iteration) = ${(1e3 / r.prtipNs!).toFixed(1)} M pps` +
  `; our reproduction ${f1(r.oursNs)} ns (${r.match}), floor ${f1(r.floorNs)} ns${r.headroom === null ? '' : `, headroom ${r.headroom.toFixed(1)}x`}`;

/** Verdicts on the builder claims from prtip's own figures (exported for the tests). */
export function judgeCraftClaims(rows: readonly CriterionRow[], present: readonly string[]): ClaimRow[] {
  const claims: ClaimRow[] = [];
  for (const c of CRAFT_CLAIMS) {
    const base = { id: c.id, subject: 'prtip-function' as const, claim: c.claim, source: c.source };
    const exact = pick(rows, c.named);
    const near = exact ?? pick(rows, c.nearest);
    const missingName = c.named.filter((n) => !present.includes(n));
    const nameNote = exact ? '' : `prtip's benches have no benchmark named ${missingName.join(' or ')}; judged on the nearest, ${near?.id ?? '(none)'}: `;
    if (!near) {
      claims.push({ ...base, measured: `none of ${[...c.named, ...c.nearest].join(', ')} in the criterion directory (or they have no estimate)`, verdict: 'cannot-tell',
        reason: 'prtip\'s benchmark for this claim was not run, or its output is partial', measureWith: CRITERION_HINT });
      continue;
    }
    const ns = near.prtipNs!;
    const band = judgeBand({ point: ns / c.claimedNs - 1, low: near.prtipLowNs! / c.claimedNs - 1, high: near.prtipHighNs! / c.claimedNs - 1 }, CRAFT_TOLERANCE, RUN_TO_RUN_ALLOWANCE, '%');
    claims.push({
      ...base,
      measured: prtipText(near),
      verdict: band.verdict,
      reason: `${nameNote}prtip's builder takes ${f1(ns)} ns per packet here [${f1(near.prtipLowNs)}, ${f1(near.prtipHighNs)}], ${(ns / c.claimedNs).toFixed(2)}x the claimed ${c.claimedNs} ns: ${band.why}. ` +
        'Our reproduction and the floor are shown for scale only: the verdict is prtip\'s number',
      ...(band.verdict === 'cannot-tell' ? { measureWith: CRITERION_RERUN_HINT } : {}),
    });
  }
  const oldR = pick(rows, ['tcp_packet_old_api/1000']), zeroR = pick(rows, ['tcp_packet_zero_copy/1000']);
  const pairOld = oldR ?? pick(rows, ['packet_throughput/old_api_1k_packets']), pairZero = oldR ? zeroR : pick(rows, ['packet_throughput/zero_copy_1k_packets']);
  const sBase = { ...SPEEDUP_CLAIM, subject: 'prtip-function' as const };
  if (pairOld && pairZero) {
    const saving = 1 - pairZero.prtipNs! / pairOld.prtipNs!;
    // the saving's interval from both of criterion's intervals: slowest zero-copy over fastest old API, and the reverse
    const savingLow = 1 - pairZero.prtipHighNs! / pairOld.prtipLowNs!, savingHigh = 1 - pairZero.prtipLowNs! / pairOld.prtipHighNs!;
    const band = judgeBand({ point: saving - 0.15, low: savingLow - 0.15, high: savingHigh - 0.15 }, SPEEDUP_TOLERANCE_POINTS, SPEEDUP_RUN_TO_RUN_POINTS, 'points');
    const other = oldR && zeroR ? pick(rows, ['packet_throughput/old_api_1k_packets']) : undefined;
    const otherZero = other ? pick(rows, ['packet_throughput/zero_copy_1k_packets']) : undefined;
    claims.push({
      ...sBase,
      measured: `prtip ${pairOld.id} ${f1(pairOld.prtipNs)} ns vs ${pairZero.id} ${f1(pairZero.prtipNs)} ns per packet: zero-copy ${(100 * saving).toFixed(1)}% faster [${(100 * savingLow).toFixed(1)}, ${(100 * savingHigh).toFixed(1)}] (${(1e3 / pairOld.prtipNs!).toFixed(1)} → ${(1e3 / pairZero.prtipNs!).toFixed(1)} M pps)` +
        (other && otherZero ? `; without options (packet_throughput) ${f1(other.prtipNs)} vs ${f1(otherZero.prtipNs)} ns, ${(100 * (1 - otherZero.prtipNs! / other.prtipNs!)).toFixed(1)}% faster` : ''),
      verdict: band.verdict,
      reason: `judged on prtip's own pair of benchmarks (${oldR ? 'the MSS SYN at 1000 per iteration, as 68.3/58.8' : 'nearest: the 1k-packet throughput pair'}) as the deviation of the saving from 15 %: ${band.why}`,
      ...(band.verdict === 'cannot-tell' ? { measureWith: CRITERION_RERUN_HINT } : {}),
    });
  } else {
    claims.push({ ...sBase, measured: 'prtip\'s old-API / zero-copy pair is not in the criterion directory', verdict: 'cannot-tell', reason: 'needs both tcp_packet_old_api/1000 and tcp_packet_zero_copy/1000 (or the packet_throughput pair)', measureWith: CRITERION_HINT });
  }
  return claims;
}

/** The side-by-side table. */
export function sideBySideTable(rows: readonly CriterionRow[], results: CriterionResults, unmapped: readonly string[]): Table {
  return {
    title: `prtip's criterion results beside our reproduction of the same work and the floor (ns per packet; ${results.dir}, baseline "${results.baseline}")`,
    columns: ['prtip benchmark', 'packets/iter', 'prtip ns/pkt', 'prtip interval', 'estimate', 'ours ns/pkt', 'match', 'floor ns/pkt', 'headroom (prtip ÷ floor)', 'ours from', 'what prtip builds', 'difference'],
    rows: rows.map((r) => [r.id, r.packetsPerIteration, r.prtipNs === null ? null : Number(r.prtipNs.toFixed(2)),
      r.prtipLowNs === null ? '—' : `${f1(r.prtipLowNs)} – ${f1(r.prtipHighNs)}`, r.statistic,
      r.oursNs === null ? null : Number(r.oursNs.toFixed(2)), r.match, r.floorNs === null ? null : Number(r.floorNs.toFixed(2)),
      r.headroom === null ? null : Number(r.headroom.toFixed(1)), r.ours, r.work, r.note]),
    notes: [
      'prtip: criterion\'s headline estimate per iteration (the slope when it fitted one, else the mean) ÷ the packets each iteration builds in prtip\'s bench source; the interval is criterion\'s 95% confidence interval.',
      'ours: the same work reproduced in C++ here (packet-crafting suite: alloc = a heap buffer per packet, reuse = field by field into a preallocated buffer; batch-size suite: 1e9 / median pps). "nearest" says what differs.',
      'floor: the cheapest way measured here to do that work (template crafting). A floor is a lower bound, not what prtip should cost; headroom = prtip ÷ floor. sendmmsg_syscall has no floor: prtip sends link-layer frames through AF_PACKET, which skips the IP stack, and nothing here sends that way.',
      ...(unmapped.length > 0 ? [`not mapped (no comparable measurement here): ${unmapped.join(', ')}`] : []),
    ],
  };
}

async function run(ctx: SuiteContext): Promise<SuiteResult> {
  const started = Date.now();
  const base = { suite: 'criterion', title: "prtip's criterion results" };
  if (!ctx.criterion) {
    const why = `no criterion directory given (--criterion DIR or PRTIP_CRITERION): claims about prtip's builder are judged only on prtip's own benchmark. To measure: ${CRITERION_HINT}`;
    return { ...base, status: 'skipped', reason: why, durationMs: 0, tables: [], metrics: [], warnings: [],
      claims: cannotTell('prtip\'s criterion results were not given', 'the claim is about prtip\'s function, so it is judged on prtip\'s own criterion results, never on our reproduction; none were given') };
  }
  const results = ctx.criterion;
  const metrics = new Map<string, Metric>();
  for (const s of ctx.previous.values()) if (s.status === 'ok') for (const m of s.metrics) metrics.set(m.name, m);
  const { rows, unmapped, warnings } = criterionRows(results, metrics);
  const allWarnings = [...results.warnings, ...warnings];
  if (rows.length === 0) allWarnings.push(`criterion: none of the ${results.benchmarks.length} benchmarks in ${results.dir} is one of prtip's mapped benchmarks (${unmapped.slice(0, 5).join(', ')}…); was it made by cargo bench -p prtip-network --bench packet_crafting?`);
  for (const need of ['packet-crafting', 'batch-size']) {
    if (ctx.previous.get(need)?.status !== 'ok') allWarnings.push(`the ${need} suite did not run before this one: the "ours" and "floor" columns for its benchmarks are empty (run it too: --suite ${need})`);
  }
  const claims = judgeCraftClaims(rows, results.benchmarks.map((b) => b.id));
  const rowMetrics: Metric[] = rows.filter((r) => r.prtipNs !== null).map((r) => ({ name: `criterion/${r.id}`, unit: 'ns/packet', value: r.prtipNs!, better: 'smaller', samples: [r.prtipNs!] }));
  return {
    ...base, status: 'ok', durationMs: Date.now() - started,
    tables: [sideBySideTable(rows, results, unmapped)],
    metrics: rowMetrics,
    claims,
    warnings: allWarnings,
    data: { dir: results.dir, baseline: results.baseline, criterion: rows, unmapped },
  };
}

export const suite: Suite = { name: 'criterion', title: "prtip's criterion results", run };

await runIfMain(import.meta.url, suite);
