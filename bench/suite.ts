/**
 * What the suites (bench/suites/*.bench.ts) share: the contract (src/measure/suite.ts,
 * re-exported here), running one suite alone when its file is executed directly (it then
 * shows the claims judged on it), and small helpers. The bench command runs them all.
 */
import { setMaxListeners } from 'node:events';
import { availableParallelism, loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { criterionOption } from '../src/measure/criterion.js';
import { skippedSuite, type Suite, type SuiteContext } from '../src/measure/suite.js';
import { printSuite } from '../src/report/suite-text.js';
import { PerfError } from '../src/core/errors.js';
import type { SuiteResult } from '../src/model/result.js';
import { claimsTable } from '../src/report/claims.js';
import { CLAIMS, judgeClaims, measurementsOf } from '../src/judge/index.js';
import { formatTable } from '../src/core/text.js';
import { ProgressLine } from '../src/core/progress.js';

export type { ForkInfo, Suite, SuiteContext } from '../src/measure/suite.js';
export { scaledTime, skippedSuite } from '../src/measure/suite.js';
export { criterionOption } from '../src/measure/criterion.js';
export { printSuite } from '../src/report/suite-text.js';

/**
 * A context for running one suite on its own: --quick, --prtip and --criterion from `argv`, Ctrl-C
 * aborts `signal`, progress goes to `line` (a TTY-only status line by default).
 */
export function standaloneContext(argv: readonly string[] = process.argv.slice(2), line: ProgressLine = new ProgressLine()): SuiteContext {
  const prtipAt = argv.indexOf('--prtip');
  const valueOf = (option: string): string | undefined => (argv.indexOf(option) >= 0 ? argv[argv.indexOf(option) + 1] : undefined);
  const dirs = argv.flatMap((a, i) => (a === '--criterion' && argv[i + 1] !== undefined ? [argv[i + 1]!] : []));
  const criterion = criterionOption(dirs, valueOf('--criterion-baseline'))[0];
  const controller = new AbortController();
  // tinybench adds one abort listener per task; the default cap of 10 would warn about a leak that is not one.
  setMaxListeners(1000, controller.signal);
  process.once('SIGINT', () => controller.abort());
  return {
    quick: argv.includes('--quick'),
    ...(prtipAt >= 0 && argv[prtipAt + 1] ? { prtip: argv[prtipAt + 1]! } : {}),
    ...(criterion ? { criterion } : {}),
    signal: controller.signal,
    progress: (message, done, total) => line.update(message, done, total),
    previous: new Map(),
  };
}

/** Runs the suite when its module is the program's entry point. */
export async function runIfMain(moduleUrl: string, suite: Suite): Promise<void> {
  if (process.argv[1] === undefined || pathToFileURL(process.argv[1]).href !== moduleUrl) return;
  const line = new ProgressLine();
  line.begin(suite.name);
  const result = await suite.run(standaloneContext(process.argv.slice(2), line));
  line.clear();
  printSuite(result);
  // Run alone, a suite shows the claims judged on it; the main job judges every claim together.
  const mine = new Set(CLAIMS.filter((c) => c.needs.includes(suite.name)).map((c) => c.id));
  const claims = judgeClaims(measurementsOf([result])).filter((c) => mine.has(c.id));
  if (claims.length > 0) console.log('\n' + formatTable(claimsTable(claims)));
  if (result.status === 'failed') process.exitCode = 1;
}

/**
 * A warning when the 1-min load (the worse of before and now) exceeds the CPUs: other
 * processes then shared the cores and the suite's times are inflated and noisier.
 */
export function busyMachineWarning(loadBefore: number): string | null {
  const load = Math.max(loadBefore, loadavg()[0]!), cpus = availableParallelism();
  if (load <= cpus - 0.5) return null;
  return `the machine was busy (1-min load ${load.toFixed(1)} on ${cpus} CPUs): other processes shared the cores, so times are inflated and noisier than on an idle machine`;
}

/** A suite that reports itself skipped, with the loader's message, when the addon is not built. */
export function skipWhenAddonMissing(name: string, title: string, run: (ctx: SuiteContext) => Promise<SuiteResult>): Suite {
  return {
    name,
    title,
    run: async (ctx) => {
      try {
        return await run(ctx);
      } catch (error) {
        if (!(error instanceof PerfError) || error.code !== 'ADDON_NOT_BUILT') throw error;
        return skippedSuite(name, title, error.message);
      }
    },
  };
}
