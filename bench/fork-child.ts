/**
 * One fork of an in-process suite (started by bench/fork.ts, not by hand): makes the
 * random heap allocation it was given before any measured buffer exists, runs the suite
 * with its share of the measuring time, and writes the result to --result.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { setMaxListeners } from 'node:events';
import { SUITES } from './index.js';
import type { SuiteContext } from './suite.js';
import type { ForkMessage } from './fork.js';

function option(args: readonly string[], name: string): string {
  const at = args.indexOf(name);
  const value = at >= 0 ? args[at + 1] : undefined;
  if (value === undefined) throw new RangeError(`fork child: ${name} is required`);
  return value;
}

function integer(args: readonly string[], name: string, lo: number, hi: number): number {
  const text = option(args, name);
  const v = Number(text);
  if (!Number.isInteger(v) || v < lo || v > hi) throw new RangeError(`fork child: ${name}: expected an integer from ${lo} to ${hi}, got "${text}"`);
  return v;
}

/** The CPU this process last ran on: field 39 of /proc/self/stat. */
function currentCpu(): number | null {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
    const cpu = Number(fields[36]);
    return Number.isInteger(cpu) ? cpu : null;
  } catch {
    return null;
  }
}

// Kept alive to the end: it sits in the heap below everything the suite allocates.
let heapPad: Buffer | undefined;

async function main(args: readonly string[]): Promise<void> {
  const name = option(args, '--suite');
  const entry = SUITES.find((s) => s.name === name);
  if (!entry) throw new RangeError(`fork child: unknown suite "${name}"`);
  const index = integer(args, '--fork', 0, 99), count = integer(args, '--forks', 1, 100);
  const heapPadBytes = integer(args, '--heap-pad', 0, 1 << 20), envPadBytes = integer(args, '--env-pad', 0, 1 << 16);
  const measureScale = Number(option(args, '--measure-scale'));
  if (!(measureScale > 0 && measureScale <= 1)) throw new RangeError(`fork child: --measure-scale: expected a number in (0, 1], got ${measureScale}`);
  const resultFile = option(args, '--result');
  const prtipAt = args.indexOf('--prtip');

  heapPad = Buffer.allocUnsafeSlow(heapPadBytes);
  heapPad.fill(1);
  const suite = await entry.load();
  const controller = new AbortController();
  setMaxListeners(1000, controller.signal);
  process.once('SIGINT', () => controller.abort(new Error('interrupted by SIGINT')));
  process.once('SIGTERM', () => controller.abort(new Error('interrupted by SIGTERM')));
  const ctx: SuiteContext = {
    quick: args.includes('--quick'),
    ...(prtipAt >= 0 && args[prtipAt + 1] ? { prtip: args[prtipAt + 1]! } : {}),
    signal: controller.signal,
    progress: () => {},
    previous: new Map(),
    fork: { index, count, measureScale, envPadBytes, heapPadBytes },
  };
  const result = await suite.run(ctx);
  const message: ForkMessage = { result, cpu: currentCpu() };
  writeFileSync(resultFile, JSON.stringify(message, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v)));
  if (heapPad.length !== heapPadBytes) throw new Error('heap padding lost');
}

await main(process.argv.slice(2));
