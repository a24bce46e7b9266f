/**
 * The spawn path under the sanitizer (.ci/sanitize runs this file against the ASan/UBSan
 * build): spawnCounted many times, with the large Array.from that used to land on the
 * child's unpoisoned-too-late stack shadow every 50 spawns, then stat and record through
 * the CLI (their node inherits LD_PRELOAD and PRTIP_PERF_ADDON, so they run sanitized too).
 * PRTIP_PERF_SANITIZE_SPAWNS sets the count (default 300 in npm test and CI; 10,000 by hand).
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { spawnCounted } from '../src/measure/runner/spawn.js';

const SPAWNS = Number(process.env.PRTIP_PERF_SANITIZE_SPAWNS ?? 300);
const cli = new URL('../dist/bench/cli.js', import.meta.url).pathname;

describe('the spawn path', () => {
  it(`spawnCounted ${SPAWNS} times, a large Array.from every 50: every child exits 0`, async () => {
    let ok = 0;
    for (let i = 0; i < SPAWNS; i++) {
      const r = await spawnCounted({ argv: ['/bin/true'] });
      if (r.exitCode === 0) ok++;
      if (i % 50 === 49) expect(Array.from({ length: 1_000_000 }, (_, k) => k).length).toBe(1_000_000);
    }
    expect(ok).toBe(SPAWNS);
  }, 1_800_000);

  it('stat and record through the CLI', () => {
    const stat = spawnSync(process.execPath, [cli, 'stat', '-r', '5', '-w', '0', '--', '/bin/true'], { encoding: 'utf8', timeout: 300_000 });
    expect(stat.status, stat.stderr).toBe(0);
    const record = spawnSync(process.execPath, [cli, 'record', '--', '/bin/true'], { encoding: 'utf8', timeout: 300_000 });
    expect(record.status, record.stderr).toBe(0);
  }, 600_000);
});
