/**
 * prtip's own criterion results (--criterion DIR / PRTIP_CRITERION) beside our reproduction
 * of the same work and the floor (the claims about prtip's builder are judged after the suites,
 * in src/judge/families/criterion.ts, on prtip's numbers only). Runs after the
 * packet-crafting and batch-size suites, whose metrics it reads; it measures nothing itself.
 */
import { CRITERION_HINT, type CriterionResults, type CriterionRow, criterionRows } from '../../src/measure/criterion.js';
import type { Metric, SuiteResult, Table } from '../../src/model/result.js';
import { type Suite, type SuiteContext, runIfMain } from '../suite.js';

const f1 = (x: number | null): string => (x === null ? '—' : x >= 100 ? x.toFixed(0) : x.toFixed(1));

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
    return { ...base, status: 'skipped', reason: why, durationMs: 0, tables: [], metrics: [], warnings: [], claims: [] };
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
  const rowMetrics: Metric[] = rows.filter((r) => r.prtipNs !== null).map((r) => ({ name: `criterion/${r.id}`, unit: 'ns/packet', value: r.prtipNs!, better: 'smaller', samples: [r.prtipNs!] }));
  return {
    ...base, status: 'ok', durationMs: Date.now() - started,
    tables: [sideBySideTable(rows, results, unmapped)],
    metrics: rowMetrics,
    claims: [],
    warnings: allWarnings,
    data: { dir: results.dir, baseline: results.baseline, criterion: rows, unmapped },
  };
}

export const suite: Suite = { name: 'criterion', title: "prtip's criterion results", run };

await runIfMain(import.meta.url, suite);
