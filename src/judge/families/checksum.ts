/**
 * The checksum work itself, judged on our in-process kernels (the checksum suite, in forks).
 * The unit is the process: a ratio is formed inside each fork (both kernels measured in the
 * same process) and the interval spans the forks.
 */
import { type Claim, type Finding, unmeasurable } from '../claim.js';
import { type Measurements, metricOf, suiteMissing } from '../measurements.js';
import { type Band, bandText, formatIn, intervalText, judgeInterval, spanOf } from '../rule.js';

/** The sizes a SYN scan checksums: the IP header, the TCP header with or without options plus the pseudo header. */
export const SYN_SIZES = [20, 40, 60] as const;
/** Only these are SIMD: wide64 is a wide scalar loop and may be the fastest at small sizes. */
export const SIMD_VARIANTS = ['avx2', 'avx512'] as const;

/** Per fork: scalar16 ÷ the faster SIMD kernel, the median over the SYN sizes. */
export function simdRatiosPerFork(m: Measurements): { ratios: number[]; variants: string[] } {
  const perFork = new Map<number, number[]>();
  const used = new Set<string>();
  for (const size of SYN_SIZES) {
    const scalar = metricOf(m, 'checksum', `checksum/scalar16/${size}B`);
    const simd = SIMD_VARIANTS.map((v) => ({ v, metric: metricOf(m, 'checksum', `checksum/${v}/${size}B`) })).filter((x) => x.metric?.forks);
    for (const f of scalar?.forks ?? []) {
      const candidates = simd.map((x) => ({ v: x.v, ns: x.metric!.forks!.find((g) => g.fork === f.fork)?.median })).filter((x) => x.ns !== undefined && x.ns > 0);
      if (candidates.length === 0) continue;
      const best = candidates.reduce((a, b) => (b.ns! < a.ns! ? b : a));
      used.add(best.v);
      (perFork.get(f.fork) ?? perFork.set(f.fork, []).get(f.fork)!).push(f.median / best.ns!);
    }
  }
  const ratios = [...perFork.values()].filter((r) => r.length === SYN_SIZES.length).map((r) => r.sort((a, b) => a - b)[1]!);
  return { ratios, variants: [...used] };
}

const SIMD_BAND: Band = {
  low: 6, high: 10, margin: 1, unit: 'ratio',
  reading: '"8x faster" as an estimate: ±25 % (6-10×) holds it; below 5× or above 11× it does not',
};

function judgeSimd(m: Measurements): Finding {
  const missing = suiteMissing(m, 'checksum');
  if (missing) return { verdict: 'cannot-tell', measured: missing, reason: `${missing}; it measures the kernels` };
  const { ratios, variants } = simdRatiosPerFork(m);
  if (variants.length === 0) return { verdict: 'cannot-tell', measured: 'no SIMD kernel ran (this CPU has neither AVX2 nor AVX-512)', reason: 'the claim is about SIMD: only a SIMD kernel can judge it' };
  if (ratios.length < 2) return { verdict: 'cannot-tell', measured: `${ratios.length} process(es) measured both kernels`, reason: 'the interval is between processes: at least 2 forks are needed (--forks 2 or more)' };
  const iv = spanOf(ratios)!;
  const outcome = judgeInterval(iv, SIMD_BAND);
  return {
    verdict: outcome.verdict,
    measured: `scalar16 ÷ fastest SIMD kernel (${variants.join(', ')}) at ${SYN_SIZES.join('/')} B, median over the sizes, per process: ${ratios.map((r) => formatIn(r, 'ratio')).join(', ')}`,
    interval: intervalText(iv, 'ratio'), band: bandText(SIMD_BAND),
    reason: `${outcome.why}; ${SIMD_BAND.reading}. Judged at the sizes a SYN scan checksums; at 1500 B and more the kernels are further apart (see the checksum table)`,
  };
}

export const CHECKSUM_CLAIMS: readonly Claim[] = [
  {
    id: 'checksum-simd-8x', family: 'checksum', subject: 'the-work', needs: ['checksum'], decide: 'npm run bench -- --suite checksum',
    statement: 'SIMD makes the checksum about 8× faster than the scalar loop',
    quote: { doc: '003', where: 'Target 2: SIMD Checksums', words: '// 8x faster than scalar loop' },
    judge: judgeSimd,
  },
  unmeasurable({
    id: 'pnet-simd-checksum-2-3x', family: 'checksum', subject: 'prtip-function',
    statement: "pnet's SIMD checksums are 2-3× faster on supported platforms",
    quote: { doc: '004', where: 'SIMD Optimization', words: 'providing 2-3x faster checksums on supported platforms' },
    why: "prtip's benches have no checksum benchmark; our checksum suite measures the work (scalar vs SIMD kernels of our own), not pnet's function",
    decide: 'a criterion bench of pnet_packet::util::checksum against a scalar 16-bit loop on 20-1500 B buffers',
  }),
];
