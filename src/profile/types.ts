/** One sample, as read from the perf mmap ring (PERF_SAMPLE_IP|TID|TIME|CALLCHAIN). */
export interface ProfileSample {
  pid: number; tid: number; timeNs: number;
  /** Call chain, leaf first, perf's PERF_CONTEXT_* markers removed; addresses as bigint. */
  frames: bigint[];
  /** How many of the leading frames are kernel addresses (0 when the sample is in user space). */
  kernelFrames: number;
}
/** One executable mapping (PERF_RECORD_MMAP2, plus the initial maps of the exec'd image). */
export interface ProfileMapping { pid: number; start: bigint; end: bigint; pgoff: bigint; filename: string; }
/** What the sampler returns for one recorded command (plain data; JSON-able after bigint → hex string). */
export interface RawProfile {
  event: string;                    // e.g. 'cpu-clock'
  frequencyHz: number;
  samples: ProfileSample[];
  mappings: ProfileMapping[];
  comms: { pid: number; tid: number; comm: string }[];
  lost: number;                     // PERF_RECORD_LOST totals, never hidden
  kernelFrames: { available: boolean; reason?: string }; // perf_event_paranoid / kptr_restrict
  wallNs: number;
}
