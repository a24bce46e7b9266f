/**
 * A test oracle: `perf report -D` (perf's raw dump of a perf.data file) read into the
 * same RawProfile the sampler returns, so that the symbolizer can be checked end to end
 * on what perf itself recorded, and its shares compared with `perf report`'s.
 */
import type { ProfileMapping, ProfileSample, RawProfile } from '../src/measure/profile/types.js';

const PERF_CONTEXT_KERNEL = 0xffffffffffffff80n;
const PERF_CONTEXT_USER = 0xfffffffffffffe00n;
/** perf's context markers are the top 4095 values (PERF_CONTEXT_MAX = -4095). */
const PERF_CONTEXT_MIN = 0xfffffffffffff001n;

/** Parses `perf report -D` output (samples recorded with -g) into a RawProfile. */
export function parsePerfDump(text: string, event = 'cpu-clock', frequencyHz = 0): RawProfile {
  const samples: ProfileSample[] = [];
  const mappings: ProfileMapping[] = [];
  const comms: RawProfile['comms'] = [];
  let lost = 0;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    let m = /^(\d+) 0x[0-9a-f]+ \[0x[0-9a-f]+\]: PERF_RECORD_SAMPLE\([^)]*\): (-?\d+)\/(-?\d+): 0x([0-9a-f]+)/.exec(line);
    if (m) {
      const chain = /^\.\.\. FP chain: nr:(\d+)/.exec(lines[i + 1] ?? '');
      const frames: bigint[] = [];
      let kernelFrames = 0, context: 'kernel' | 'user' | null = null;
      if (chain) {
        const n = Number(chain[1]);
        for (let j = 0; j < n; j++) {
          const f = /^\.\.\.\.\.\s+\d+: ([0-9a-f]+)/.exec(lines[i + 2 + j] ?? '');
          if (!f) break;
          const a = BigInt('0x' + f[1]);
          if (a === PERF_CONTEXT_KERNEL) context = 'kernel';
          else if (a === PERF_CONTEXT_USER) context = 'user';
          else if (a >= PERF_CONTEXT_MIN) context = null;
          else if (a !== 0n) {
            frames.push(a);
            if (context === 'kernel') kernelFrames++;
          }
        }
        i += 1 + n;
      } else frames.push(BigInt('0x' + m[4]));
      samples.push({ pid: Number(m[2]), tid: Number(m[3]), timeNs: Number(m[1]), frames, kernelFrames });
      continue;
    }
    m = /PERF_RECORD_MMAP2 (-?\d+)\/(-?\d+): \[0x([0-9a-f]+)\(0x([0-9a-f]+)\) @ (0x[0-9a-f]+|0) [^\]]*\]: (\S+) (.*)$/.exec(line);
    if (m) {
      if (m[6]!.includes('x')) {
        const start = BigInt('0x' + m[3]);
        mappings.push({ pid: Number(m[1]), start, end: start + BigInt('0x' + m[4]), pgoff: BigInt(m[5]!), filename: m[7]!.trim() });
      }
      continue;
    }
    m = /PERF_RECORD_COMM(?: exec)?: (.*):(-?\d+)\/(-?\d+)$/.exec(line);
    if (m) {
      comms.push({ comm: m[1]!, pid: Number(m[2]), tid: Number(m[3]) });
      continue;
    }
    m = /PERF_RECORD_LOST.* lost: (\d+)/.exec(line);
    if (m) lost += Number(m[1]);
  }
  return { event, frequencyHz, samples, mappings, comms, lost, kernelFrames: { available: true }, wallNs: 0 };
}

/** `perf report --sort dso` (or sym) percentages, by name, from its --stdio text. */
export function parsePerfReport(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^\s+([\d.]+)%\s+(?:\[[.k]\]\s+)?(.+?)\s*$/.exec(line);
    if (m) out.set(m[2]!, Number(m[1]) / 100);
  }
  return out;
}
