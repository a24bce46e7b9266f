/**
 * What machine a result was measured on: the facts (gathered by measure/machine.ts) and
 * their one-line summary. Numbers from a 2-core VM without a PMU and from a bare-metal box
 * with AVX-512 are not comparable; the result says which is which.
 */

/** The machine, kernel and toolchain facts recorded with every result. */
export interface MachineInfo {
  cpu: {
    /** e.g. "AMD EPYC" */
    model: string;
    vendor: string;
    /** Logical CPUs. */
    cores: number;
    physicalCores: number;
    /** Every flag /proc/cpuinfo lists. */
    flags: string[];
    avx2: boolean;
    /** AVX-512 foundation and byte/word (what the checksum kernels need). */
    avx512: boolean;
    cacheBytes: { l1d: number | null; l2: number | null; l3: number | null };
  };
  memoryBytes: number;
  os: { platform: string; distro: string; release: string; arch: string };
  kernel: string;
  /** Whether we run in a VM or container, and under what (e.g. "KVM"), "" when unknown. */
  virtualization: { virtual: boolean; host: string };
  perf: {
    /** /proc/sys/kernel/perf_event_paranoid, null when unreadable. */
    paranoid: number | null;
    /** Whether hardware counters open here (the `cycles` event). */
    pmu: boolean;
    /** Why not, when they do not. */
    pmuReason: string;
    /** The mounted tracefs, "" when none. */
    tracefs: string;
    /**
     * "tracefs was not mounted; mounted it at /sys/kernel/tracing" when this process mounted it;
     * why there is none (and the mount command) when tracepoints cannot be counted; "" otherwise.
     */
    tracefsNote?: string;
  };
  /** /sys/devices/system/cpu/vulnerabilities: issue → kernel's status line. */
  mitigations: Record<string, string>;
  versions: {
    node: string;
    /** N-API version the running Node offers. */
    napi: string;
    v8: string;
    /** prtip-perf's package version. */
    package: string;
    /** The built addon: a hash of its file and its build time (null when not built). */
    addon: { sha256: string; builtAt: string } | null;
  };
  /** The project's git commit and whether the tree had changes, null outside a git checkout. */
  git: { commit: string; dirty: boolean } | null;
}

/** One line for logs and report headers. */
export function machineSummary(m: MachineInfo): string {
  const simd = m.cpu.avx512 ? 'AVX-512' : m.cpu.avx2 ? 'AVX2' : 'no AVX2';
  const virt = m.virtualization.virtual ? `virtual (${m.virtualization.host || 'unknown host'})` : 'bare metal';
  const pmu = m.perf.pmu ? 'PMU' : 'no PMU';
  const gib = (m.memoryBytes / 2 ** 30).toFixed(1);
  return `${m.cpu.model}, ${m.cpu.cores} cores, ${simd}, ${gib} GiB, ${m.os.distro} ${m.os.release}, kernel ${m.kernel}, ${virt}, ${pmu}, ` +
    `perf_event_paranoid ${m.perf.paranoid ?? '?'}, Node ${m.versions.node}` +
    // Mounting tracefs changes the machine, so the run says it did (as the JSON does).
    (m.perf.tracefsNote ? `; ${m.perf.tracefsNote}` : m.perf.tracefs ? '' : '; no tracefs: tracepoints unsupported');
}
