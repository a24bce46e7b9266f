/**
 * The sampler's cost to the sampled program: its CPU time (user + sys, from wait4) with the
 * sampler on against the same command unsampled, in mirrored blocks (A B C C B A, rotated;
 * src/measure/runner/interleave.ts) so that drift of a busy machine cancels out of each block's ratio.
 * All conditions go through the same spawner; the only difference is the sampling event.
 *
 * The third condition opens the same events at the same rate but records nothing: its
 * cost is the sampling interrupt alone, which the machine sets (in a VM every timer
 * interrupt exits to the hypervisor), so the overhead splits into that floor and what
 * recording (ring buffers, call chains, side-band records, draining) adds to it.
 */
import { mirroredBlocks } from '../runner/interleave.js';
import { spawnCounted, spawnSampled } from '../runner/spawn.js';
import { median } from '../../core/stats.js';
import { expectInteger, expectNumber } from '../../core/validate.js';
import { DEFAULT_EVENT, DEFAULT_FREQUENCY_HZ, checkFrequency, checkSamplingEvent, recordCommand } from './record.js';

type Condition = 'plain' | 'interrupt' | 'sampled';
/** The events the sampler drives with a fixed period of 1e9 / frequency ns (native/profile/sampler.cc). */
const CLOCK_EVENTS = new Set(['cpu-clock', 'task-clock']);

/** What measureSamplerOverhead found. */
export interface SamplerOverhead {
  event: string;
  frequencyHz: number;
  blocks: number;
  /** Child CPU time (user + sys) per run, ns, in run order per condition: unsampled, interrupt only, recorded. */
  cpuNs: { plain: number[]; interrupt: number[]; sampled: number[] };
  /** Median over blocks of (sampled CPU / plain CPU) - 1: the overhead as a fraction of the child's CPU. */
  overhead: number;
  /** The blocks' overheads, sorted: their spread shows how far the median can be trusted. */
  blockOverheads: number[];
  /** Median over blocks of (interrupt-only CPU / plain CPU) - 1: the sampling interrupt's own cost, the floor any sampler at this rate pays here. */
  interruptOverhead: number;
  /** Median over blocks of (sampled CPU - interrupt-only CPU) / plain CPU: what recording adds above that floor. */
  recordingOverhead: number;
  /** Median samples per sampled run. */
  samples: number;
  /**
   * Median sampling interrupts per interrupt-only run: the event's own count (ns of CPU) over its
   * period. Only for the clock events (cpu-clock, task-clock), whose period is time; null for others.
   */
  interrupts: number | null;
  /** Median wall time per condition, ns. */
  wallNs: { plain: number; interrupt: number; sampled: number };
}

/** Runs argv in `blocks` mirrored blocks, unsampled, interrupt-only and sampled at frequencyHz, and compares the child's CPU time. */
export async function measureSamplerOverhead(
  argv: string[],
  options: { blocks?: number; frequencyHz?: number; event?: string; timeoutMs?: number } = {},
): Promise<SamplerOverhead> {
  const blocks = expectInteger('options.blocks', options.blocks ?? 10, 1, 10_000);
  const frequencyHz = options.frequencyHz === undefined ? DEFAULT_FREQUENCY_HZ : checkFrequency('options.frequencyHz', options.frequencyHz);
  const event = options.event === undefined ? DEFAULT_EVENT : checkSamplingEvent('options.event', options.event);
  const timeout = options.timeoutMs === undefined ? {} : { timeoutMs: expectNumber('options.timeoutMs', options.timeoutMs, 0, 7 * 24 * 3600e3) };
  const cpu: Record<Condition, number[]> = { plain: [], interrupt: [], sampled: [] };
  const wall: Record<Condition, number[]> = { plain: [], interrupt: [], sampled: [] };
  const samples: number[] = [];
  const interrupts: number[] = [];
  const periodNs = Math.max(1, Math.floor(1e9 / frequencyHz));
  const blockOverheads: number[] = [];
  const blockInterrupt: number[] = [];
  const blockRecording: number[] = [];
  const interruptOnly = { event, frequencyHz, record: false };
  // One unmeasured run of each first: page cache, the exec helper, the sampler's first open.
  await spawnCounted({ argv, ...timeout });
  await spawnSampled({ argv, ...timeout }, interruptOnly);
  await recordCommand(argv, { frequencyHz, event, ...timeout });
  for (const order of mirroredBlocks(['plain', 'interrupt', 'sampled'], blocks)) {
    const sums: Record<Condition, number> = { plain: 0, interrupt: 0, sampled: 0 };
    for (const condition of order as Condition[]) {
      let record;
      if (condition === 'plain') {
        record = await spawnCounted({ argv, ...timeout });
      } else if (condition === 'interrupt') {
        const r = await spawnSampled({ argv, ...timeout }, interruptOnly);
        record = r.record;
        if (CLOCK_EVENTS.has(event)) interrupts.push(Math.floor(r.profile.eventCount / periodNs));
      } else {
        const r = await recordCommand(argv, { frequencyHz, event, ...timeout });
        record = r.exit;
        samples.push(r.profile.samples.length);
      }
      const ns = record.userNs + record.sysNs;
      cpu[condition].push(ns);
      wall[condition].push(record.wallNs);
      sums[condition] += ns;
    }
    blockOverheads.push(sums.sampled / sums.plain - 1);
    blockInterrupt.push(sums.interrupt / sums.plain - 1);
    blockRecording.push((sums.sampled - sums.interrupt) / sums.plain);
  }
  blockOverheads.sort((a, b) => a - b);
  return {
    event,
    frequencyHz,
    blocks,
    cpuNs: cpu,
    overhead: median(blockOverheads),
    blockOverheads,
    interruptOverhead: median(blockInterrupt),
    recordingOverhead: median(blockRecording),
    samples: median(samples),
    interrupts: interrupts.length > 0 ? median(interrupts) : null,
    wallNs: { plain: median(wall.plain), interrupt: median(wall.interrupt), sampled: median(wall.sampled) },
  };
}
