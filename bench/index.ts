/**
 * npm run bench (= prtip-perf bench): the suite registry and how each suite runs (in fresh
 * forks, under callgrind, or here), handed to the bench command (src/cli/commands/bench.ts),
 * which parses, checks, judges, reports and gates. The library never imports this file.
 */
import { pathToFileURL } from 'node:url';
import { benchCommand as runBench, DEFAULT_FORKS, parseBenchArgs as parseWith, type BenchOptions, type SuiteRegistry, writeResults } from '../src/cli/commands/bench.js';
import { EXIT } from '../src/cli/program.js';
import type { SuiteResult } from '../src/model/result.js';
import { COUNTER_BACKENDS, type CounterBackendName } from '../src/measure/backends/index.js';
import { runSuiteUnderCallgrind } from './callgrind.js';
import { runSuiteInForks } from './fork.js';
import { skippedSuite, type Suite, type SuiteContext } from './suite.js';

export { DEFAULT_FORKS, EXIT, writeResults };

/** A suite in the registry: its name, whether it runs in forks, and how to load it. */
interface SuiteEntry {
  name: string;
  forked: boolean;
  load: () => Promise<Suite>;
}

/**
 * Every suite, in run order (the comparison suite, prtip, reads the earlier ones).
 * `forked`: an in-process suite, run in --forks fresh processes (bench/fork.ts); criterion
 * reads files and prtip runs whole binaries, each run already its own process.
 */
export const SUITES: readonly SuiteEntry[] = [
  { name: 'counters', forked: true, load: async () => (await import('./suites/counters.bench.js')).suite },
  { name: 'checksum', forked: true, load: async () => (await import('./suites/checksum.bench.js')).suite },
  { name: 'packet-crafting', forked: true, load: async () => (await import('./suites/packet-crafting.bench.js')).suite },
  { name: 'batch-size', forked: true, load: async () => (await import('./suites/batch-size.bench.js')).suite },
  { name: 'criterion', forked: false, load: async () => (await import('./suites/criterion.bench.js')).suite },
  { name: 'prtip', forked: false, load: async () => (await import('./suites/prtip.bench.js')).suite },
];

/** One suite: in forks (in-process suites), or loaded and run here; a failure is a failed suite, never a crash. */
async function runSuite(entry: (typeof SUITES)[number], ctx: SuiteContext, forks: number): Promise<SuiteResult> {
  const started = Date.now();
  if (entry.forked) {
    try {
      return await runSuiteInForks(entry.name, entry.name, ctx, forks);
    } catch (err) {
      return { ...skippedSuite(entry.name, entry.name, ''), status: 'failed', durationMs: Date.now() - started, reason: `forks: ${(err as Error).message}` };
    }
  }
  let suite: Suite;
  try {
    suite = await entry.load();
  } catch (err) {
    return { ...skippedSuite(entry.name, entry.name, ''), status: 'failed', reason: `cannot load the suite: ${(err as Error).message}` };
  }
  try {
    const result = await suite.run(ctx);
    return ctx.signal.aborted && result.status === 'ok' ? { ...result, warnings: [...result.warnings, 'interrupted: this suite may be incomplete'] } : result;
  } catch (err) {
    const e = err as Error;
    if (!ctx.signal.aborted && e.stack) console.error(`prtip-perf bench: ${entry.name} failed: ${e.stack}`);
    return {
      ...skippedSuite(entry.name, entry.name, ''), title: suite.title, status: 'failed', durationMs: Date.now() - started,
      reason: ctx.signal.aborted ? `interrupted: ${e.message}` : `${e.name}: ${e.message}`,
      // The stack is for whoever debugs the suite (stderr), not for the report.
      warnings: [],
    };
  }
}

type SuiteRunner = (entry: SuiteEntry, ctx: SuiteContext, how: Parameters<SuiteRegistry['run']>[2]) => Promise<SuiteResult>;

/** How a suite runs on each counter backend bench supports: in forks (perf_event), under valgrind with its plan (callgrind). */
const RUNNERS: Partial<Record<CounterBackendName, SuiteRunner>> = {
  perf_event: (entry, ctx, how) => runSuite(entry, ctx, how.forks),
  callgrind: (entry, ctx, how) => runSuiteUnderCallgrind(entry.name, ctx, { cacheSim: how.cacheSim }),
};

/** The registry the bench command runs: names in order, the backends, and how to run one. */
export const REGISTRY: SuiteRegistry = {
  names: SUITES.map((s) => s.name),
  counters: COUNTER_BACKENDS.filter((b) => RUNNERS[b] !== undefined),
  run: (name, ctx, how) => RUNNERS[how.counters]!(SUITES.find((s) => s.name === name)!, ctx, how),
};

/** `prtip-perf bench` with this registry. */
export function benchCommand(argv: readonly string[]): Promise<number> {
  return runBench(argv, REGISTRY);
}

/** bench's options, checked against this registry's suites. */
export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  return parseWith(argv, REGISTRY.names, REGISTRY.counters);
}

if (process.argv[1] !== undefined && pathToFileURL(process.argv[1]).href === import.meta.url) {
  process.exitCode = await benchCommand(process.argv.slice(2));
}
