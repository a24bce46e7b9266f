/**
 * npm run bench: every suite in order, their tables, and the claims table.
 * (Results files, baselines and the HTML report come with the results issue.)
 */
import { pathToFileURL } from 'node:url';
import type { SuiteResult } from '../src/report/result.js';
import { formatTable } from '../src/report/text.js';
import { type Suite, printSuite, standaloneContext } from './suite.js';

async function loadSuites(): Promise<Suite[]> {
  const modules = [
    await import('./counters.bench.js'),
    await import('./checksum.bench.js'),
    await import('./packet-crafting.bench.js'),
    await import('./batch-size.bench.js'),
    await import('./prtip.bench.js'),
  ];
  return modules.map((m) => m.suite);
}

export async function benchCommand(argv: string[]): Promise<number> {
  const ctx = standaloneContext(argv);
  const results = new Map<string, SuiteResult>();
  let failed = false;
  for (const suite of await loadSuites()) {
    const result = await suite.run({ ...ctx, previous: results });
    results.set(suite.name, result);
    printSuite(result);
    failed ||= result.status === 'failed';
  }
  const claims = [...results.values()].flatMap((r) => r.claims);
  if (claims.length > 0) {
    console.log('\n' + formatTable({ title: 'Claims from ProRT-IP\'s documents, measured here', columns: ['claim', 'measured', 'verdict', 'why'], rows: claims.map((c) => [c.claim, c.measured, c.verdict, c.reason]) }));
  }
  return failed ? 1 : 0;
}

if (process.argv[1] !== undefined && pathToFileURL(process.argv[1]).href === import.meta.url) {
  process.exitCode = await benchCommand(process.argv.slice(2));
}
