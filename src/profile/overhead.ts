/**
 * The sampler's cost to the sampled program: its CPU time (user + sys, from wait4) with the
 * sampler on against the same command unsampled, in mirrored blocks (A B B A, rotated;
 * src/runner/interleave.ts) so that drift of a busy machine cancels out of each block's ratio.
 * Both conditions go through the same spawner; the only difference is the sampling event.
 */
import { mirroredBlocks } from '../runner/interleave.js';
import { spawnCounted } from '../runner/spawn.js';
import { median } from '../stats.js';
import { expectInteger } from '../validate.js';
import { DEFAULT_FREQUENCY_HZ, recordCommand } from './record.js';

/** What measureSamplerOverhead found. */
export interface SamplerOverhead {
  frequencyHz: number;
  blocks: number;
  /** Child CPU time (user + sys) per run, ns, in run order per condition. */
  cpuNs: { plain: number[]; sampled: number[] };
  /** Median over blocks of (sampled CPU / plain CPU) - 1: the overhead as a fraction of the child's CPU. */
  overhead: number;
  /** The blocks' overheads, sorted: their spread shows how far the median can be trusted. */
  blockOverheads: number[];
  /** Median samples per sampled run. */
  samples: number;
  /** Median wall time per condition, ns. */
  wallNs: { plain: number; sampled: number };
}

/** Runs argv in `blocks` mirrored blocks, unsampled and sampled at frequencyHz, and compares the child's CPU time. */
export async function measureSamplerOverhead(argv: string[], options: { blocks?: number; frequencyHz?: number } = {}): Promise<SamplerOverhead> {
  const blocks = expectInteger('options.blocks', options.blocks ?? 10, 1, 10_000);
  const frequencyHz = options.frequencyHz ?? DEFAULT_FREQUENCY_HZ;
  const cpu = { plain: [] as number[], sampled: [] as number[] };
  const wall = { plain: [] as number[], sampled: [] as number[] };
  const samples: number[] = [];
  const blockOverheads: number[] = [];
  // One unmeasured run of each first: page cache, the exec helper, the sampler's first open.
  await spawnCounted({ argv });
  await recordCommand(argv, { frequencyHz });
  for (const order of mirroredBlocks(['plain', 'sampled'], blocks)) {
    const sums = { plain: 0, sampled: 0 };
    for (const condition of order as ('plain' | 'sampled')[]) {
      let record;
      if (condition === 'plain') {
        record = await spawnCounted({ argv });
      } else {
        const r = await recordCommand(argv, { frequencyHz });
        record = r.exit;
        samples.push(r.profile.samples.length);
      }
      const ns = record.userNs + record.sysNs;
      cpu[condition].push(ns);
      wall[condition].push(record.wallNs);
      sums[condition] += ns;
    }
    blockOverheads.push(sums.sampled / sums.plain - 1);
  }
  blockOverheads.sort((a, b) => a - b);
  return {
    frequencyHz,
    blocks,
    cpuNs: cpu,
    overhead: median(blockOverheads),
    blockOverheads,
    samples: median(samples),
    wallNs: { plain: median(wall.plain), sampled: median(wall.sampled) },
  };
}
