/**
 * prtip-perf's library entry point. See README.md for the tour.
 */
export { PerfError } from './core/errors.js';
export {
  type CounterOptions, type CounterSnapshot, type CounterState, type CounterValue, Counters, type EventInfo, type EventKind,
  MAX_EVENTS, SUITE_TRACEPOINTS, counterPrivileges, listEvents, openCounters, scaleCount, tracefsRoot, tracefsStatus,
} from './measure/counters.js';
export { type BracketOverhead, type SampleCounter, type SampleOptions, type SampleResult, type SampleReturn, calibrateBracket, sample } from './measure/sample.js';
export { eventUnit, formatCount, formatSample, sampleTable } from './measure/counter-format.js';
export { CountedBench, type CountedBenchOptions, type CountedResults, type CountedTableRow, FLOOR_TASK, type FloorCounters, type TaskCounters } from './measure/tinybench-counters.js';
export { type EventGroups, parseEventGroups } from './measure/counters.js';
export { monotonicNs, noop, tscHz } from './measure/timing.js';
export * as stats from './core/stats.js';
export type { ClaimRow, Metric, SuiteResult, Table, Verdict } from './model/result.js';
export { type ChecksumVariantInfo, type CraftOptions, type CraftedPackets, type PacketOptions, checksum, checksumUpdate, checksumVariants, craftPackets, packetLength, transportChecksum } from './measure/packet/index.js';
export { FRAME_METHODS, MAX_BATCH, type NetnsMode, PER_PACKET_EVENTS, SEND_METHODS, type SendBatchOptions, type SendBatchResult, type SendMethod, rawSocketSupport, sendBatch } from './measure/rawio.js';
export { type Namespace, type NamespaceOptions, canCreateNamespaces, createNamespace, sweepStaleNamespaces, withNamespace } from './measure/netns.js';
export * as results from './report/index.js';
export * as runner from './measure/runner/index.js';
export { DEFAULT_EVENT as DEFAULT_SAMPLING_EVENT, DEFAULT_FREQUENCY_HZ, maxSampleRate, recordCommand, sharesByLibrary } from './measure/profile/record.js';
export type { LibraryShares, ProfileMapping, ProfileSample, RawProfile, RecordOptions, RecordResult } from './measure/profile/types.js';
export { type LibrarySymbols, type SymbolizedFrame, type SymbolizedProfile, type SymbolizedSample, symbolize } from './measure/profile/symbols.js';
export { type FunctionShare, type LibraryShare, type ProfileAnalysis, analyseProfile, foldedStacks, topFunctions } from './measure/profile/analysis.js';
export { demangle } from './measure/profile/demangle.js';
export { flameGraphSvg } from './report/flamegraph.js';
export { type BuildInput, type CompareBinariesOptions, type CompareResult, type Comparison, type CompareVerdict, type ScenarioComparison, compareBinaries } from './analyse/compare/index.js';
