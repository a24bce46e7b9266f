/**
 * `prtip-perf compare [options] OLD NEW [NEW…]`: the command line of compareBinaries, with
 * the exporters, the regression gate (exit 3) and `git bisect run`'s exit statuses.
 */
import { writeFileSync } from 'node:fs';
import { BISECT_EXIT, checked, collect, EXIT, newCommand, parseCommandLine, UsageError } from '../program.js';
import { PerfError } from '../../core/errors.js';
import { SCENARIOS } from '../../measure/scenarios.js';
import { formatCompareHtml, formatCompareJson, formatCompareMarkdown, formatCompareText } from '../../report/compare.js';
import { DEFAULT_BLOCKS, DEFAULT_SCENARIOS, QUICK_BUDGET_MS, QUICK_SCENARIOS } from '../../measure/compare/measure.js';
import { compareBinaries, checkScenarios, regressions, undecided, undecidedAt } from '../../analyse/compare/index.js';
import type { CompareResult } from '../../analyse/compare/result.js';
import { parseBuildArgument, defaultBuildName } from '../../measure/compare/builds.js';
import { compareCriterion, type CriterionSideBySide, formatCriterionText } from '../../analyse/compare/criterion.js';

/** compare's exit statuses: the CLI's one table (src/cli/program.ts); --bisect maps them to git bisect run's. */
export const COMPARE_EXIT = EXIT;
export { BISECT_EXIT };

const percent = (flag: string) => checked((v: string): number => {
  const x = Number(v);
  if (v.trim() === '' || !Number.isFinite(x) || x < 0 || x >= 100) throw new RangeError(`${flag}: expected a percentage in [0, 100), got "${v}"`);
  return x;
});

function program() {
  return newCommand('compare', 'Did NEW make prtip faster or slower than OLD? Runs the builds interleaved, with a null control, on the scenarios.')
    .argument('<builds...>', 'OLD NEW [NEW…]: prtip binaries, each PATH or name=PATH; every NEW is compared with OLD')
    .option('--scenario <names>', `scenarios, comma-separated, repeatable (default: ${DEFAULT_SCENARIOS.join(', ')}; all: ${SCENARIOS.map((s) => s.id).join(', ')})`, collect)
    .option('--quick', `${QUICK_SCENARIOS.join(', ')} only, up to ${DEFAULT_BLOCKS.quick} blocks within a ${QUICK_BUDGET_MS / 1000} s budget (under a minute)`)
    .option('--blocks <n>', `blocks per scenario (default ${DEFAULT_BLOCKS.full}, ${DEFAULT_BLOCKS.quick} with --quick)`, checked((v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 2 || n > 10_000) throw new RangeError(`--blocks: expected a whole number from 2 to 10000, got "${v}"`);
      return n;
    }))
    .option('--noise-threshold <pct>', 'faster/slower only when the 95% interval lies wholly beyond ±PCT % (criterion\'s rule; default 1)', percent('--noise-threshold'))
    .option('--margin <pct>', 'no-difference only when the interval and the detectable change lie within ±PCT % (default 5, or the --fail-on-regression PCT)', percent('--margin'))
    .option('--fail-on-regression <pct>', 'exit 3 when a gated metric (wall, cpu, peak-rss) is slower with its whole interval PCT % or more above', percent('--fail-on-regression'))
    .option('--bisect', 'exit as git bisect run expects: 0 no regression of PCT % (--fail-on-regression, else --margin), 1 regression, 125 cannot tell (or the build did not run)')
    .option('--criterion <dir>', 'prtip\'s criterion output (target/criterion) of OLD, then of NEW (give it twice), side by side per benchmark', collect)
    .option('--criterion-baseline <name>', 'criterion baseline to read (default "new"); twice with one --criterion: OLD\'s and NEW\'s baselines of that directory', collect)
    .option('--json <file>', 'write the result as JSON to FILE ("-": stdout; the table then goes to stderr)')
    .option('--export-markdown <file>', 'write a Markdown summary short enough for a pull-request comment')
    .option('--export-html <file>', 'write a self-contained HTML page with a chart of the ratios and their intervals')
    .addHelpText('after', `\nexit status: 0 ok, 1 failure, 2 bad options or builds, 3 regression beyond --fail-on-regression, 130 interrupted;\nwith --bisect: 0 good, 1 bad, 125 skip. See docs/compare.md.`);
}

interface CompareCli {
  builds: { name: string; path: string }[];
  scenarios: string[];
  blocks: number;
  /** With --quick: the blocks' wall-time budget, ms. */
  timeBudgetMs?: number;
  noiseThreshold: number;
  margin: number;
  failPct: number | undefined;
  bisect: boolean;
  json: string | undefined;
  markdown: string | undefined;
  html: string | undefined;
  /** Read before anything runs, so a bad directory is a usage error. */
  criterion: CriterionSideBySide | undefined;
}

/** The parsed command line, checked (UsageError naming the option otherwise), or the help or version text to print. */
export function parseCompareArgs(argv: readonly string[]): CompareCli | { print: string } {
  const parsed = parseCommandLine(program(), argv);
  if (parsed.kind === 'print') return { print: parsed.text };
  const o = parsed.options;
  const usage = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (err) {
      throw err instanceof RangeError ? new UsageError(`compare: ${err.message}`) : err;
    }
  };
  if (parsed.operands.length < 2) throw new UsageError(`compare: needs two builds, OLD and NEW (got ${parsed.operands.length}); see prtip-perf compare --help`);
  const builds = usage(() => parsed.operands.map((a, i) => parseBuildArgument(a, defaultBuildName(i, parsed.operands.length))));
  const quick = o['quick'] === true;
  const named = (o['scenario'] as string[] | undefined)?.flatMap((s) => s.split(',')).filter((s) => s !== '');
  const scenarios = usage(() => checkScenarios(named ?? (quick ? QUICK_SCENARIOS : DEFAULT_SCENARIOS)));
  const failPct = o['failOnRegression'] as number | undefined;
  const dirs = (o['criterion'] as string[] | undefined) ?? [], baselines = (o['criterionBaseline'] as string[] | undefined) ?? [];
  if (dirs.length === 0 && baselines.length > 0) throw new UsageError('compare: --criterion-baseline needs --criterion DIR');
  const criterion = dirs.length === 0 ? undefined : usage(() => compareCriterion(dirs, baselines));
  return {
    criterion,
    builds, scenarios,
    blocks: (o['blocks'] as number | undefined) ?? (quick ? DEFAULT_BLOCKS.quick : DEFAULT_BLOCKS.full),
    ...(quick ? { timeBudgetMs: QUICK_BUDGET_MS } : {}),
    noiseThreshold: ((o['noiseThreshold'] as number | undefined) ?? 1) / 100,
    margin: ((o['margin'] as number | undefined) ?? failPct ?? 5) / 100,
    failPct, bisect: o['bisect'] === true,
    json: o['json'] as string | undefined, markdown: o['exportMarkdown'] as string | undefined, html: o['exportHtml'] as string | undefined,
  };
}

/** Writes the outputs; the table goes to stderr when stdout carries the JSON. */
function report(r: CompareResult, cli: CompareCli): void {
  const text = formatCompareText(r) + (r.criterion ? `\n${formatCriterionText(r.criterion)}\n` : '');
  if (cli.json === '-') {
    process.stderr.write(text + '\n');
    process.stdout.write(formatCompareJson(r));
  } else {
    process.stdout.write(text + '\n');
    if (cli.json !== undefined) writeFileSync(cli.json, formatCompareJson(r));
  }
  if (cli.markdown !== undefined) writeFileSync(cli.markdown, formatCompareMarkdown(r));
  if (cli.html !== undefined) writeFileSync(cli.html, formatCompareHtml(r));
}

/** The gate and --bisect: what the exit status says about the comparison. */
export function gateStatus(r: CompareResult, failPct: number | undefined, bisect: boolean, log: (s: string) => void): number {
  // Without --fail-on-regression, bisect asks about a regression beyond the no-difference margin.
  const pct = failPct ?? (bisect ? 100 * r.options.margin : 0);
  const bad = regressions(r, pct);
  for (const c of bad) log(`regression: ${c.scenario} ${c.metric} (${c.candidate}) ${c.ratio.toFixed(3)}× OLD, 95% interval ${c.interval![0].toFixed(3)} … ${c.interval![1].toFixed(3)}, wholly ≥ ${pct}% slower`);
  if (bisect) {
    if (bad.length > 0) return BISECT_EXIT.bad;
    const open = undecidedAt(r, pct);
    if (open.length > 0 || r.interrupted) {
      log(`cannot tell (git bisect skips this commit): ${open.join('; ') || 'interrupted'}`);
      return BISECT_EXIT.skip;
    }
    return BISECT_EXIT.good;
  }
  if (failPct === undefined) return COMPARE_EXIT.ok;
  if (bad.length > 0) return COMPARE_EXIT.regression;
  log(`regression gate: no gated metric slower by ${failPct}% or more (gated: wall, cpu, peak-rss; cannot-tell ones do not fail it: ${undecided(r).length})`);
  return COMPARE_EXIT.ok;
}

/** The subcommand; returns the exit status. Under --bisect every failure is 125 (skip), so git bisect never blames a commit the harness could not run. */
export async function compareCommand(argv: string[]): Promise<number> {
  const bisect = argv.includes('--bisect');
  const controller = new AbortController();
  const onSignal = (): void => controller.abort();
  process.once('SIGINT', onSignal);
  try {
    const cli = parseCompareArgs(argv);
    if ('print' in cli) {
      process.stdout.write(cli.print);
      return COMPARE_EXIT.ok;
    }
    let last = '';
    const result = await compareBinaries({
      a: cli.builds[0]!, b: cli.builds.slice(1), scenarios: cli.scenarios, blocks: cli.blocks,
      ...(cli.timeBudgetMs !== undefined ? { timeBudgetMs: cli.timeBudgetMs } : {}),
      verdict: { noiseThreshold: cli.noiseThreshold, margin: cli.margin }, signal: controller.signal,
      onRun: (scenario, _build, done, total) => {
        const line = `${scenario}: ${Math.floor((100 * done) / total)}%`;
        if (process.stderr.isTTY && line !== last) process.stderr.write(`\r${(last = line)}   `);
      },
    }).catch((err: unknown) => {
      // A bad build (not executable, same file twice, --version fails) is bad input: exit 2.
      throw err instanceof RangeError && !(err instanceof UsageError) ? new UsageError(`compare: ${err.message}`) : err;
    });
    if (cli.criterion) result.criterion = cli.criterion;
    if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
    for (const b of result.builds) if (b.pageCache) process.stderr.write(`compare: ${b.name}: ${b.pageCache}\n`);
    for (const s of result.scenarios) {
      if (result.timeBudgetMs !== null && s.blocks > 0 && s.blocks < result.blocksRequested && !result.interrupted) {
        process.stderr.write(`compare: ${s.scenario}: ${s.blocks} of ${result.blocksRequested} blocks, then --quick's time budget (${result.timeBudgetMs / 1000} s) was spent; the verdicts use those blocks\n`);
      }
    }
    report(result, cli);
    const status = gateStatus(result, cli.failPct, cli.bisect, (s) => process.stderr.write(s + '\n'));
    if (cli.bisect) return status;
    if (result.interrupted) return COMPARE_EXIT.interrupted;
    // A scenario whose builds failed has no answer: the run failed, unless a regression was found elsewhere.
    const failed = result.scenarios.filter((s) => s.error !== undefined);
    for (const s of failed) process.stderr.write(`prtip-perf compare: ${s.scenario} did not run: ${s.error}\n`);
    return status === COMPARE_EXIT.ok && failed.length > 0 ? COMPARE_EXIT.failure : status;
  } catch (err) {
    if (!bisect) throw err;
    const code = err instanceof PerfError ? ` [${err.code}]` : '';
    process.stderr.write(`prtip-perf: ${(err as Error).message}${code}\ncannot tell (git bisect skips this commit)\n`);
    return BISECT_EXIT.skip;
  } finally {
    process.removeListener('SIGINT', onSignal);
  }
}
