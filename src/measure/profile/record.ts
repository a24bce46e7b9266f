/**
 * recordCommand(argv, opts): runs a command once with a sampling perf event on it
 * (native/profile/sampler.cc through the child spawner, src/measure/runner/spawn.ts) and returns
 * its raw profile; sharesByLibrary(profile): the kernel / user / per-library split from the
 * mappings alone, which needs no symbols and so holds for a stripped binary too.
 */
import { basename } from 'node:path';
import { validateEvents } from '../counters.js';
import { nativeAddon } from '../../core/native.js';
import { spawnSampled, type NativeProfile, type SpawnOptions, validateArgv } from '../runner/spawn.js';
import { describe, expectInteger, expectNumber, expectObject, readField } from '../../core/validate.js';
import type { LibraryShares, ProfileMapping, ProfileSample, RawProfile, RecordOptions, RecordResult } from './types.js';

/** The default sampling frequency, as perf record's -F for this comparison: 1 kHz. */
export const DEFAULT_FREQUENCY_HZ = 1000;
/** The default sampling event: a software clock, so it works without a PMU (VMs). */
export const DEFAULT_EVENT = 'cpu-clock';
/** The library name of a kernel sample (perf report's dso name for the kernel image). */
export const KERNEL_LIBRARY = '[kernel.kallsyms]';
/** The library name of a user address outside every known mapping (as perf report says). */
export const UNKNOWN_LIBRARY = '[unknown]';

/** kernel.perf_event_max_sample_rate: the highest frequency the kernel accepts (0 if unreadable). */
export function maxSampleRate(): number {
  return nativeAddon<{ maxSampleRate(): number }>().maxSampleRate();
}

/** Checks a sampling frequency against 1 .. kernel.perf_event_max_sample_rate. */
export function checkFrequency(name: string, value: unknown): number {
  const max = maxSampleRate() || 100000;
  if (typeof value === 'number' && Number.isInteger(value) && (value < 1 || value > max)) {
    throw new RangeError(`${name} must be an integer from 1 to ${max} Hz (kernel.perf_event_max_sample_rate), got ${value}`);
  }
  return expectInteger(name, value, 1, max);
}

/** Checks one event name as the counters do (perf's names, tracepoints, rNNNN), with suggestions. */
export function checkSamplingEvent(name: string, value: unknown): string {
  try {
    return validateEvents([value], name)[0]!;
  } catch (err) {
    // validateEvents names the list's element ("name[0]"); there is only one here.
    if (err instanceof RangeError || err instanceof TypeError) {
      const Ctor = err instanceof RangeError ? RangeError : TypeError;
      throw new Ctor(err.message.replace(`${name}[0]`, name).replace(`${name} must be an array of event names`, `${name} must be an event name`));
    }
    throw err;
  }
}

function checkOptions(opts: unknown): Required<Pick<RecordOptions, 'frequencyHz' | 'event'>> & SpawnOptionsPart {
  const o = opts === undefined ? {} : expectObject('options', opts);
  const field = (key: string): unknown => readField('options', o, key);
  const frequencyHz = field('frequencyHz') === undefined ? DEFAULT_FREQUENCY_HZ : checkFrequency('options.frequencyHz', field('frequencyHz'));
  const event = field('event') === undefined ? DEFAULT_EVENT : checkSamplingEvent('options.event', field('event'));
  const timeoutMs = field('timeoutMs') === undefined ? undefined : expectNumber('options.timeoutMs', field('timeoutMs'), 0, 7 * 24 * 3600e3);
  const part: SpawnOptionsPart = {};
  if (timeoutMs !== undefined) part.timeoutMs = timeoutMs;
  for (const key of ['netnsPath', 'cwd'] as const) {
    const v = field(key);
    if (v === undefined) continue;
    if (typeof v !== 'string' || v === '') throw new TypeError(`options.${key} must be a non-empty string, got ${describe(v)}`);
    part[key] = v;
  }
  for (const key of ['stdin', 'stdout', 'stderr'] as const) {
    const v = field(key);
    if (v === undefined) continue;
    if (v !== 'null' && v !== 'inherit') throw new TypeError(`options.${key} must be "null" or "inherit", got ${describe(v)}`);
    part[key] = v;
  }
  const env = field('env');
  if (env !== undefined) part.env = expectObject('options.env', env) as Record<string, string>; // each value is checked by the spawner
  return { frequencyHz, event, ...part };
}

type SpawnOptionsPart = Pick<SpawnOptions, 'timeoutMs' | 'netnsPath' | 'cwd' | 'stdin' | 'stdout' | 'stderr'> & { env?: Record<string, string> };

/** Unpacks the addon's flat sample arrays into ProfileSample objects. */
function unpackSamples(native: NativeProfile): ProfileSample[] {
  const s = native.samples;
  const out: ProfileSample[] = new Array<ProfileSample>(s.pid.length);
  for (let i = 0; i < s.pid.length; i++) {
    const begin = s.frameBegin[i]!;
    out[i] = {
      pid: s.pid[i]!,
      tid: s.tid[i]!,
      timeNs: s.timeNs[i]!,
      frames: Array.from(s.frames.subarray(begin, begin + s.frameCount[i]!)),
      kernelFrames: s.kernelFrames[i]!,
    };
  }
  return out;
}

/** Things the reader must know about a recording, for people. */
function warningsFor(native: NativeProfile, profile: RawProfile, cpuNs: number): string[] {
  const warnings: string[] = [];
  const total = profile.samples.length + profile.lost;
  if (native.lost > 0) warnings.push(`${native.lost} records were lost: the ring buffer filled faster than it was drained (PERF_RECORD_LOST)`);
  if (native.lostSamples > 0) warnings.push(`${native.lostSamples} samples were dropped by the kernel before reaching the ring (PERF_RECORD_LOST_SAMPLES)`);
  if (native.truncated > 0) warnings.push(`${native.truncated} records were dropped at this profile's size bound (4M samples / 64M frames)`);
  if (native.throttles > 0) {
    warnings.push(`the kernel throttled sampling ${native.throttles} times (it spent too long in the sampling interrupt: kernel.perf_cpu_time_max_percent); the sample count is below ${profile.frequencyHz} Hz × CPU time`);
  }
  if (!profile.kernelFrames.available || profile.kernelFrames.reason) warnings.push(profile.kernelFrames.reason ?? 'kernel frames are not recorded');
  if (profile.samples.length === 0) {
    const periodMs = 1000 / profile.frequencyHz;
    warnings.push(
      `0 samples: the program used ${(cpuNs / 1e6).toFixed(2)} ms of CPU in ${(profile.wallNs / 1e6).toFixed(2)} ms, ` +
        `${cpuNs / 1e6 < periodMs ? `less than one sampling period (${periodMs.toFixed(3)} ms at ${profile.frequencyHz} Hz)` : `yet no ${profile.event} sample landed`}; ` +
        'profile a longer run or raise -F',
    );
  } else if (total > 0 && profile.lost / total > 0.01) {
    warnings.push(`${((100 * profile.lost) / total).toFixed(1)} % of samples were lost: the shares may be skewed`);
  }
  return warnings;
}

/**
 * Runs argv once, sampled from its execve on (its threads and children too), and returns
 * the raw profile and how the run ended. Bad options throw TypeError / RangeError before
 * anything starts; an event that cannot be sampled here rejects with PerfError SAMPLER_OPEN
 * (the command is then never run); a missing command with PerfError ENOENT.
 */
export async function recordCommand(argv: string[], opts: RecordOptions = {}): Promise<RecordResult> {
  const command = validateArgv(argv, 'argv');
  const o = checkOptions(opts);
  const { frequencyHz, event, ...spawn } = o;
  const { record, profile: native } = await spawnSampled({ argv: command, ...spawn }, { event, frequencyHz });
  const profile: RawProfile = {
    event,
    frequencyHz,
    samples: unpackSamples(native),
    mappings: native.mappings.map((m) => ({ pid: m.pid, start: m.start, end: m.end, pgoff: m.pgoff, filename: m.filename })),
    comms: native.comms.map((c) => ({ pid: c.pid, tid: c.tid, comm: c.comm })),
    lost: native.lost + native.lostSamples + native.truncated,
    kernelFrames: native.kernelFrames.reason === '' ? { available: native.kernelFrames.available } : { ...native.kernelFrames },
    wallNs: record.wallNs,
  };
  return { profile, exit: record, warnings: warningsFor(native, profile, record.userNs + record.sysNs) };
}

/** A mapping's library name as perf report's dso column shows it: the file's basename, pseudo names ("[vdso]", "//anon") as they are. */
export function libraryName(filename: string): string {
  if (filename === '') return UNKNOWN_LIBRARY;
  if (filename.startsWith('[') || filename.startsWith('//')) return filename;
  return basename(filename);
}

/**
 * Finds which mapping holds a user address of a process. A process's later mappings win
 * over earlier ones at the same address (an exec or a munmap + mmap replaced them).
 */
export class MappingIndex {
  private readonly byPid = new Map<number, ProfileMapping[]>();

  constructor(mappings: readonly ProfileMapping[]) {
    for (const m of mappings) {
      let list = this.byPid.get(m.pid);
      if (list === undefined) this.byPid.set(m.pid, (list = []));
      list.push(m);
    }
  }

  /** The latest mapping of pid that contains address, or undefined. */
  find(pid: number, address: bigint): ProfileMapping | undefined {
    const list = this.byPid.get(pid);
    if (list === undefined) return undefined;
    for (let i = list.length - 1; i >= 0; i--) {
      const m = list[i]!;
      if (address >= m.start && address < m.end) return m;
    }
    return undefined;
  }
}

/**
 * The kernel / user split and the per-library split of all samples, by each sample's leaf
 * frame (perf report --no-children --sort dso counts the same way). Fractions of all
 * samples; all zero for a profile without samples.
 */
export function sharesByLibrary(profile: RawProfile): LibraryShares {
  const index = new MappingIndex(profile.mappings);
  const counts = new Map<string, number>();
  let kernel = 0;
  for (const s of profile.samples) {
    let lib: string;
    if (s.kernelFrames > 0) {
      kernel++;
      lib = KERNEL_LIBRARY;
    } else {
      const leaf = s.frames[0];
      const m = leaf === undefined ? undefined : index.find(s.pid, leaf);
      lib = m === undefined ? UNKNOWN_LIBRARY : libraryName(m.filename);
    }
    counts.set(lib, (counts.get(lib) ?? 0) + 1);
  }
  const n = profile.samples.length;
  const byLibrary: Record<string, number> = {};
  for (const [lib, c] of [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))) byLibrary[lib] = c / n;
  return { kernel: n === 0 ? 0 : kernel / n, user: n === 0 ? 0 : (n - kernel) / n, byLibrary };
}

/** A RawProfile as JSON-able data: every bigint address as a "0x…" hex string. */
export function profileToJson(profile: RawProfile): unknown {
  const hex = (v: bigint): string => `0x${v.toString(16)}`;
  return {
    ...profile,
    samples: profile.samples.map((s) => ({ ...s, frames: s.frames.map(hex) })),
    mappings: profile.mappings.map((m) => ({ ...m, start: hex(m.start), end: hex(m.end), pgoff: hex(m.pgoff) })),
  };
}
