/**
 * The data a sampled profile is made of, shared by the sampler (record.ts) and the
 * analysis (symbols.ts, analysis.ts, report/flamegraph.ts). Plain data: a RawProfile
 * becomes JSON after its bigint addresses are written as hex strings (profileToJson).
 */
import type { RunRecord, StdioMode } from '../runner/spawn.js';

/** One sample, as read from the perf mmap ring (PERF_SAMPLE_IP|TID|TIME|CALLCHAIN). */
export interface ProfileSample {
  pid: number;
  tid: number;
  /** perf's sample time (the event's clock, CLOCK_MONOTONIC-based for software events), ns. */
  timeNs: number;
  /** Call chain, leaf first, perf's PERF_CONTEXT_* markers removed; addresses as bigint. */
  frames: bigint[];
  /** How many of the leading frames are kernel addresses (0 when the sample is in user space). */
  kernelFrames: number;
}

/** One executable mapping (PERF_RECORD_MMAP2, plus the initial maps of the exec'd image). */
export interface ProfileMapping {
  pid: number;
  start: bigint;
  /** Exclusive end address. */
  end: bigint;
  /** File offset of `start`. */
  pgoff: bigint;
  /** Path of the mapped file, or a pseudo name such as "[vdso]" / "//anon". */
  filename: string;
}

/** A PERF_RECORD_COMM: the name a task took (at exec or prctl). */
export interface ProfileComm {
  pid: number;
  tid: number;
  comm: string;
}

/** Whether kernel frames were recorded, and if not, why (perf_event_paranoid / kptr_restrict). */
export interface KernelFramesState {
  available: boolean;
  reason?: string;
}

/** What the sampler returns for one recorded command (plain data; JSON-able after bigint → hex string). */
export interface RawProfile {
  /** The sampling event, e.g. 'cpu-clock'. */
  event: string;
  /** The requested frequency; a tracepoint ("category:name") is sampled at every hit instead. */
  frequencyHz: number;
  samples: ProfileSample[];
  mappings: ProfileMapping[];
  comms: ProfileComm[];
  /** PERF_RECORD_LOST totals, never hidden. */
  lost: number;
  kernelFrames: KernelFramesState;
  /** Wall time of the recorded run, ns. */
  wallNs: number;
}

/** Options of recordCommand(). */
export interface RecordOptions {
  /** Samples per second (per thread, as perf's -F). Default 1000; at most perf_event_max_sample_rate. */
  frequencyHz?: number;
  /** The sampling event (perf's name); default 'cpu-clock'. */
  event?: string;
  /** Kill the command and all it started after this long. 0 or absent: no limit. */
  timeoutMs?: number;
  /** A network namespace file to enter before exec, e.g. /run/netns/NAME. */
  netnsPath?: string;
  /** The child's whole environment; default: this process's. */
  env?: Record<string, string>;
  cwd?: string;
  /** Where the command's stdin / stdout / stderr go: /dev/null (default) or this process's. */
  stdin?: StdioMode;
  stdout?: StdioMode;
  stderr?: StdioMode;
}

/** A recorded command: its profile and how it ran (exit code, rusage, wall time). */
export interface RecordResult {
  profile: RawProfile;
  exit: RunRecord;
  /**
   * What a reader of the profile must know, for people: records lost or throttled, a run too
   * short to be sampled, kernel frames missing and why. Empty when there is nothing to say.
   */
  warnings: string[];
}

/** The kernel / user / per-library split, from the mappings alone (no symbols needed). */
export interface LibraryShares {
  /**
   * Fraction of all samples whose leaf frame is in the kernel. 0 also when kernel samples were
   * not recorded at all: check RawProfile.kernelFrames before reading it as "no kernel time".
   */
  kernel: number;
  /** Fraction of all samples whose leaf frame is in user space (kernel + user = 1 when there are samples). */
  user: number;
  /**
   * Fraction of all samples per library, by file basename ("[kernel.kallsyms]" for kernel
   * samples, "[unknown]" for user addresses outside every known mapping); sums to 1.
   */
  byLibrary: Record<string, number>;
}
