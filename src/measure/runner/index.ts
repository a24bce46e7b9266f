/**
 * The whole-binary runner's public API: counted child runs, hyperfine's loop,
 * A-vs-B comparison, and the scenario table.
 */
export { analyse, benchmarkCommand, compare, RunWarning, warningText, type BenchmarkOptions, type CommandResult, type CommandSummary, type Comparison, type Hook, type RunEnvironment } from './benchmark.js';
export { DEFAULT_RUN_EVENTS, NETWORK_SYSCALLS, SYSCALL_TRACEPOINTS, syscallsByKind, type SyscallKind } from './events.js';
export { type CommandSpec, type Executor, type ExecOptions, MockExecutor, type MockRun, NativeExecutor } from './executor.js';
export { findExecutable, resolveExecutable, type MaxRssSource, type RssTimeline, type RunCounter, type RunRecord, type SpawnOptions, spawnCounted } from './spawn.js';
export { exitCodesText, sampledRuns } from './benchmark.js';
export { locateTools, SCENARIOS, scenarioArgv, scenarioById, type Scenario, type Tool } from '../scenarios.js';
export { parseStraceSummary, runUnderStrace, timeShare, callShare, topByTime } from './strace.js';
export { parseMassifOut, parseMemcheckLog, runUnderValgrind, VALGRIND_PACKAGE, type BytesInBlocks, type MassifProfile, type MassifSnapshot, type MemcheckSummary, type MemoryTool, type ValgrindMemoryOptions, type ValgrindMemoryRun } from './valgrind-memory.js';
