/**
 * The serialisable result of a benchmark run: this type is the JSON schema's source
 * of truth. Every suite returns a SuiteResult; the main job collects them into a
 * BenchResult (see the results issue for machine metadata, exports and baselines).
 */
import type { MachineInfo } from './machine.js';

import type { Table } from '../core/text.js';

export type { Table };

/**
 * One process's share of a metric (a fork: a fresh Node process that warmed up and then
 * measured, like JMH's forks). Layout that cannot be fixed is randomized per fork and
 * recorded here, so the spread between forks covers it.
 */
export interface ForkSummary {
  /** 0-based fork number, in run order. */
  fork: number;
  /** This fork's median of its own samples (its value of the metric). */
  median: number;
  /** How many samples the fork took. */
  n: number;
  min: number;
  max: number;
  /** Length of the random padding environment variable the fork was started with (bytes). */
  envPadBytes: number;
  /** Size of the random heap allocation made before the measured buffers (bytes). */
  heapPadBytes: number;
  /** The fork's own samples (per-repetition values, or a 101-point quantile grid of them). */
  samples: number[];
}

/**
 * One tracked number (for baselines, the CI gate and github-action-benchmark).
 * `samples` are the per-repetition values the median comes from. Suites that run in
 * forks also keep `forks`: then `value` is the median of the fork medians, `samples`
 * pools every fork's samples, and comparisons use the variation between forks.
 * Without `forks` (whole-binary suites) each sample is a separate process run.
 */
export interface Metric {
  /** Stable id, e.g. "checksum/avx512/1500B". */
  name: string;
  /** e.g. "ns/op", "B/cycle", "pps". */
  unit: string;
  /** The median of `samples`, or of the fork medians when `forks` is present. */
  value: number;
  better: 'smaller' | 'bigger';
  samples: number[];
  /** Per-process summaries, one per fork that measured this metric. */
  forks?: ForkSummary[];
  /**
   * An exact count (callgrind's simulated instructions): the same code on the same inputs gives
   * the same value, so the baseline gate compares it without a noise model (src/analyse/baseline.ts).
   */
  deterministic?: boolean;
}

/** What a claim from ProRT-IP's documents came to on this machine. */
export type Verdict = 'holds' | 'does-not-hold' | 'cannot-tell';

/**
 * What a claim is about, and so what it may be judged on:
 * - 'prtip-function': a function of prtip's (its packet builder, its batch sender), judged on
 *   prtip's own criterion results (--criterion), never on our reproduction of the work;
 * - 'whole-binary': a scanner's binary (prtip, nmap, masscan), judged on whole runs of it;
 * - 'the-work': the work itself (checksumming, batching sends), judged on our in-process floors.
 */
export type ClaimSubject = 'prtip-function' | 'whole-binary' | 'the-work';

/** The subjects in display order, with how each is judged. */
export const CLAIM_SUBJECTS: Record<ClaimSubject, string> = {
  'prtip-function': "prtip's function, judged on prtip's criterion results",
  'whole-binary': 'the whole binary, judged on whole runs',
  'the-work': 'the work itself, judged on our floors',
};

export interface ClaimRow {
  /** Stable id, e.g. "checksum-simd-8x"; every id is a claim in src/judge/families/. */
  id: string;
  /** What the claim is about, and so what it is judged on. */
  subject: ClaimSubject;
  /** The claim as the documents state it. */
  claim: string;
  /** Which seed document and section (e.g. "003 Sprint 5.5.5 profiling analysis, Target 2"). */
  source: string;
  /** Its family (src/judge/families/), e.g. "criterion". */
  family?: string;
  /** The document's own words, quoted exactly. */
  words?: string;
  /** The interval the verdict came from, in words. */
  interval?: string;
  /** The band the interval was set against: the claim's figure read fairly, in words. */
  band?: string;
  /** What was measured here, with units and spread. */
  measured: string;
  verdict: Verdict;
  /** Why that verdict (for cannot-tell: what is missing here). */
  reason: string;
  /** For cannot-tell: the command or measurement that would decide it. */
  measureWith?: string;
}

export interface SuiteResult {
  /** File-stem id: "counters", "checksum", "packet-crafting", "batch-size", "prtip". */
  suite: string;
  title: string;
  status: 'ok' | 'skipped' | 'failed';
  /** Why skipped or failed (and how to enable it). */
  reason?: string;
  /** How long the suite took, ms. */
  durationMs: number;
  tables: Table[];
  metrics: Metric[];
  claims: ClaimRow[];
  warnings: string[];
  /** Suite-specific raw data for the reports (plots). */
  data?: Record<string, unknown>;
}

/** The version of the BenchResult layout; bumped on any incompatible change. */
export const BENCH_RESULT_VERSION = 2;

/**
 * One `npm run bench` run: every suite's result, the machine it ran on and the
 * claims gathered from all suites. Written as results/bench.json and kept as a
 * baseline. src/model/bench-result.schema.json is its JSON Schema.
 */
/**
 * How busy the machine was with other work while a run measured: what the forks of one
 * invocation share and a comparison across invocations cannot see in its samples. From
 * /proc/stat (all CPUs, steal included) minus this process tree's own CPU.
 */
export interface MachineLoad {
  /** CPUs the kernel counts in /proc/stat. */
  cpus: number;
  /** Other processes' (and the hypervisor's steal) CPU over the whole run, in cores (0 … cpus). */
  otherCores: number;
  /** This run's own CPU (itself and its reaped children), in cores. */
  ownCores: number;
  /** The 1-minute load average at the start and at the end. */
  loadavgStart: number;
  loadavgEnd: number;
  /** otherCores while each suite ran, by suite name. */
  suites: Record<string, number>;
}

export interface BenchResult {
  /** Always "prtip-perf/bench-result". */
  kind: 'prtip-perf/bench-result';
  /** BENCH_RESULT_VERSION at the time of writing. */
  version: number;
  /** ISO time the run started. */
  startedAt: string;
  /** Wall time of the whole run, ms. */
  durationMs: number;
  /** What was asked for: quick mode, the suites selected, the prtip binary. */
  options: { quick: boolean; suites: string[]; prtip: string | null };
  /** True when Ctrl-C stopped the run: the suites that finished are still here. */
  interrupted: boolean;
  /** Where it ran: CPU, kernel, perf facts, versions, git commit. */
  machine: MachineInfo;
  /** How busy the machine was with other work meanwhile (absent in results written before it was recorded). */
  machineLoad?: MachineLoad;
  suites: SuiteResult[];
  /** Every suite's claims, in suite order. */
  claims: ClaimRow[];
}
