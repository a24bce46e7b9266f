/**
 * The process `bench --counters callgrind` runs under valgrind --tool=callgrind
 * --instr-atstart=no: it runs one suite's callgrind plan, each task once uncounted (lazy
 * symbol binding, first-touch of the data) and once counted, and writes the counts as JSON.
 *
 *   node dist/bench/callgrind-child.js SUITE OUTFILE [--quick]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { allocatorCost, avx512BlockedReason, callgrindStatus, measureNativeBlock } from '../src/measure/callgrind.js';
import { CALLGRIND_PLANS, type CallgrindChildInfo, type CallgrindTaskResult } from './callgrind-plans.js';
import { checksumVariants } from '../src/measure/packet/index.js';

const [suiteName, outFile] = process.argv.slice(2);
const plan = suiteName === undefined ? undefined : CALLGRIND_PLANS.get(suiteName);
if (plan === undefined || outFile === undefined) {
  console.error(`usage: callgrind-child.js SUITE OUTFILE [--quick]; suites with a plan: ${[...CALLGRIND_PLANS.keys()].join(', ')}`);
  process.exit(2);
}
const status = callgrindStatus();
if (!status.inProcess) {
  console.error(`callgrind-child: ${status.reason}`);
  process.exit(2);
}

const blocked = avx512BlockedReason();
const info: CallgrindChildInfo = {
  unavailable: checksumVariants().filter((v) => !v.available).map((v) => ({ name: v.name, reason: v.name === 'avx512' && blocked ? blocked : 'this CPU lacks the instructions' })),
  injectSlowdown: process.env['PRTIP_PERF_INJECT_SLOWDOWN'] || null,
};

const results: CallgrindTaskResult[] = [];
let warmedUp = false;
for (const task of plan.tasks(process.argv.includes('--quick'))) {
  try {
    const call = task.make();
    call();
    if (!warmedUp) {
      // The first counted block also resolves the client-request path's lazy symbols: count one and drop it.
      measureNativeBlock('warm-up', call);
      warmedUp = true;
    }
    const dump = measureNativeBlock(task.id, call);
    results.push({ id: task.id, ops: task.ops, fields: task.fields, totals: dump.totals, allocator: allocatorCost(readFileSync(dump.file, 'utf8')) });
  } catch (error) {
    results.push({ id: task.id, ops: task.ops, fields: task.fields, totals: null, error: (error as Error).message });
  }
}
writeFileSync(outFile, JSON.stringify({ info, results }));
