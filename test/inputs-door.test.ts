/**
 * Input checked at the door: baselines and criterion files are regular files under a size
 * cap (a FIFO is refused at once, never waited on), baselines have the shape a comparison
 * needs (one line naming the file and the field), and absurd criterion estimates are a
 * problem ("cannot tell"), never a figure or a stack trace.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, ftruncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBaseline } from '../src/analyse/baseline.js';
import { readCriterion } from '../src/measure/criterion.js';
import { readRegularFile } from '../src/core/inputs.js';
import { BENCH_RESULT_VERSION } from '../src/model/result.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'prtip-door-'));

function criterionWith(estimate: number): string {
  const root = tmp();
  const dir = join(root, 'tcp_packet_zero_copy', '1000', 'new');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'benchmark.json'), JSON.stringify({ full_id: 'tcp_packet_zero_copy/1000', throughput: { Elements: 1000 } }));
  const est = { confidence_interval: { confidence_level: 0.95, lower_bound: estimate, upper_bound: estimate }, point_estimate: estimate };
  writeFileSync(join(dir, 'estimates.json'), JSON.stringify({ slope: est, mean: est, median: est }));
  writeFileSync(join(dir, 'sample.json'), JSON.stringify({ iters: [1], times: [1] }));
  return root;
}

describe('files read at the door', () => {
  it('a FIFO is refused at once, a file over the cap without reading it', () => {
    const d = tmp();
    execFileSync('mkfifo', [join(d, 'fifo')]);
    expect(() => readRegularFile(join(d, 'fifo'), 1000)).toThrow(/not a regular file/);
    const fd = openSync(join(d, 'big'), 'w');
    ftruncateSync(fd, 1 << 30); // sparse: 1 GB, no blocks
    closeSync(fd);
    const t0 = Date.now();
    expect(() => readRegularFile(join(d, 'big'), 16 << 20)).toThrow(/1073741824 bytes, more than/);
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it('a criterion estimates.json that is a FIFO is refused at once, naming the file, not waited on', () => {
    const root = criterionWith(58_800);
    const dir = join(root, 'tcp_packet_zero_copy', '1000', 'new');
    execFileSync('sh', ['-c', `rm "${dir}/estimates.json" && mkfifo "${dir}/estimates.json"`]);
    expect(() => readCriterion(root)).toThrow(/^--criterion: .*tcp_packet_zero_copy\/1000\/new\/estimates\.json: not a regular file$/);
  });

  it.each([1e308, 5e-324])('a criterion estimate of %s ns is a problem, and judges nothing', (ns) => {
    const r = readCriterion(criterionWith(ns));
    expect(r.benchmarks[0]!.estimate).toBeNull();
    expect(r.benchmarks[0]!.problems.join('\n')).toMatch(/outside/);
  });

  it('a baseline whose metrics are null, or hold Infinity, is refused at load naming the file and field; a FIFO too', () => {
    const dir = tmp();
    const base = { kind: 'prtip-perf/bench-result', version: BENCH_RESULT_VERSION, suites: [{ suite: 'checksum', metrics: null }] };
    writeFileSync(join(dir, 'bad.json'), JSON.stringify(base));
    expect(() => loadBaseline('bad', dir)).toThrow(/bad\.json: suites\[0\]\.metrics: not an array/);
    const inf = JSON.stringify({ ...base, suites: [{ suite: 'checksum', metrics: [{ name: 'x', unit: 'ns', better: 'smaller', value: 1, samples: [1] }] }] }).replace('"value":1', '"value":1e309');
    writeFileSync(join(dir, 'inf.json'), inf);
    expect(() => loadBaseline('inf', dir)).toThrow(/inf\.json: suites\[0\]\.metrics\[0\]\.value: not a finite number/);
    execFileSync('mkfifo', [join(dir, 'fifo.json')]);
    expect(() => loadBaseline('fifo', dir)).toThrow(/not a regular file/);
  });
});

describe('zone ids on loopback', () => {
  it('::1%eth0 is refused (a zone names an interface), in the address parser and by sendBatch', async () => {
    const { parseAddress } = await import('../src/measure/packet/address.js');
    const { sendBatch } = await import('../src/measure/rawio.js');
    expect(() => parseAddress('dst', 6, '::1%eth0')).toThrow(/without a zone id/);
    await expect(sendBatch({ family: 6, target: '::1%eth0', count: 1 } as never)).rejects.toThrow(/without a zone id/);
  });
});

describe('native handles support using', () => {
  it('CounterGroup has [Symbol.dispose]: 200 groups opened and disposed leave the fd count where it was', async () => {
    const { readdirSync } = await import('node:fs');
    const { nativeAddon } = await import('../src/core/native.js');
    const a = nativeAddon<{ CounterGroup: new (e: string[], o: object) => Disposable }>();
    const before = readdirSync('/proc/self/fd').length;
    for (let i = 0; i < 200; i++) a.CounterGroup.prototype[Symbol.dispose].call(new a.CounterGroup(['task-clock'], {}));
    expect(readdirSync('/proc/self/fd').length).toBeLessThanOrEqual(before + 2);
  });
});
