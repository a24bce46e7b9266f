#!/usr/bin/env node
/**
 * Native memory of closed handles (issue 24): N synchronous open/close cycles of a counter
 * group on a software event (task-clock), RSS before and after, in three ways:
 *   sync        all N in one synchronous stretch (the event loop never turns);
 *   sync+turn   the same, then `await` one setImmediate (and a GC), then N more cycles:
 *               their growth says whether the first N's memory was freed for reuse;
 *   turns       an `await setImmediate` every 1,000 cycles.
 * --via native uses the addon's CounterGroup, --via openCounters the library's Counters,
 * --via checksumKernel the addon's ChecksumKernel on 1500 bytes (it has no close(): made, dropped).
 * Each way runs in a fresh process, so one's heap does not carry into another.
 *
 *   node test/native-memory.mjs [--cycles N] [--via native|openCounters|checksumKernel]
 *   node --expose-gc test/native-memory.mjs --way sync|sync+turn|turns [--cycles N] [--via ...]
 * Without --way it runs the three in child processes and prints one JSON line each.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const cycles = Number(opt('--cycles', '40000'));
const way = opt('--way', undefined);
const via = opt('--via', 'native');
const MB = 1024 * 1024;

if (way === undefined) {
  for (const w of ['sync', 'sync+turn', 'turns']) {
    const r = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--cycles', String(cycles), '--via', via, '--way', w], { encoding: 'utf8' });
    process.stdout.write(r.stdout);
    if (r.status !== 0) process.stderr.write(r.stderr);
  }
} else {
  const dist = join(here, '..', 'dist', 'src');
  const { nativeAddon } = await import(pathToFileURL(join(dist, 'core', 'native.js')).href);
  const { openCounters } = await import(pathToFileURL(join(dist, 'measure', 'counters.js')).href);
  const { CounterGroup, ChecksumKernel } = nativeAddon();
  const data = Buffer.alloc(1500);
  const makers = {
    native: () => new CounterGroup(['task-clock'], {}),
    openCounters: () => openCounters(['task-clock']),
    checksumKernel: () => Object.assign(new ChecksumKernel(data, 1, 0), { close() {} }),
  };
  if (!(via in makers)) throw new RangeError(`--via: expected ${Object.keys(makers).join(', ')}, got ${via}`);
  const open = makers[via];
  const turn = () => new Promise((r) => setImmediate(r));
  const fds = () => readdirSync('/proc/self/fd').length;
  open().close(); // load and warm up
  await turn();
  globalThis.gc?.();
  const before = { rss: process.memoryUsage().rss, fds: fds() };
  let peak = 0;
  const batch = async () => {
    for (let i = 0; i < cycles; i++) {
      const g = open();
      g.close();
      if (way === 'turns' && i % 1000 === 999) await turn();
      if (i % 1000 === 999) peak = Math.max(peak, process.memoryUsage().rss);
    }
  };
  await batch();
  const atEnd = { rss: process.memoryUsage().rss, fds: fds() };
  globalThis.gc?.(); // a GC with no turn: wrappers collected, their finalizers queued
  const afterGc = process.memoryUsage().rss;
  let second = null;
  if (way === 'sync+turn') {
    await turn(); // the queued finalizers run
    globalThis.gc?.();
    await turn();
    const start = process.memoryUsage().rss;
    await batch();
    second = process.memoryUsage().rss - start;
  }
  console.log(JSON.stringify({
    via, way, cycles, rssBeforeMB: +(before.rss / MB).toFixed(1), growthAtEndMB: +((atEnd.rss - before.rss) / MB).toFixed(1),
    peakGrowthMB: +((peak - before.rss) / MB).toFixed(1), growthAfterGcNoTurnMB: +((afterGc - before.rss) / MB).toFixed(1),
    secondBatchAfterTurnGrowthMB: second === null ? null : +(second / MB).toFixed(1), fdsBefore: before.fds, fdsAtEnd: atEnd.fds,
  }));
}
