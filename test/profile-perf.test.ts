/**
 * The symbolizer end to end on what perf itself recorded: prtip (a connect scan, inside a
 * network namespace of its own) under `perf record -e cpu-clock -g`, perf's raw dump read
 * into a RawProfile, symbolized and analysed here, and compared with `perf report`:
 * kernel / user / per-library shares within 3 points, and the same top user functions.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findExecutable } from '../src/measure/runner/spawn.js';
import { canCreateNamespaces, withNamespace } from '../src/measure/netns.js';
import { analyseProfile, foldedStacks, parseFolded } from '../src/measure/profile/analysis.js';
import { symbolize } from '../src/measure/profile/symbols.js';
import { parsePerfDump, parsePerfReport } from './perf-dump.js';

// As the suites find it: PRTIP_BIN, else PATH (never a path of one machine).
const PRTIP = process.env.PRTIP_BIN ?? findExecutable('prtip') ?? 'prtip (set PRTIP_BIN or put it on PATH)';
const hasPerf = spawnSync('perf', ['--version']).status === 0;
const ns = canCreateNamespaces();
const skip = !existsSync(PRTIP) ? `no prtip at ${PRTIP}` : !hasPerf ? 'perf is not installed' : !ns.ok ? ns.reason : '';
if (skip) console.log(`skipping the perf cross-check: ${skip}`);
const dir = mkdtempSync(join(tmpdir(), 'prtip-perf-perfdata-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!!skip)('symbolizer against perf report on a real prtip run', () => {
  it('kernel/user/library shares within 3 points of perf report --sort dso; top prtip functions named alike', async () => {
    const data = join(dir, 'perf.data');
    await withNamespace({}, (n) => n.exec(['perf', 'record', '-q', '-e', 'cpu-clock', '-F', '20000', '-g', '-o', data, '--', PRTIP, '-sT', '-p', '1-1000', '127.0.0.1'], { timeoutMs: 60_000 }));
    const dump = execFileSync('perf', ['report', '-D', '-i', data], { maxBuffer: 512 << 20, stdio: ['ignore', 'pipe', 'ignore'] }).toString();
    const raw = parsePerfDump(dump);
    expect(raw.samples.length).toBeGreaterThan(50);
    const a = analyseProfile(symbolize(raw));
    const report = (sort: string): Map<string, number> => parsePerfReport(execFileSync('perf', ['report', '-i', data, '--stdio', '--no-children', '-g', 'none', '--sort', sort, '--percent-limit', '0'], { maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'ignore'] }).toString());
    const dso = report('dso');
    const perfKernel = [...dso.entries()].filter(([k]) => k.startsWith('[kernel') || /^\[[\w-]+\]$/.test(k) && k !== '[vdso]' && k !== '[unknown]').reduce((s, [, v]) => s + v, 0);
    expect(Math.abs(a.shares.kernel - perfKernel), `kernel ${a.shares.kernel} vs perf ${perfKernel}`).toBeLessThanOrEqual(0.03);
    for (const [lib, share] of dso) {
      if (share < 0.02) continue;
      const ours = a.byLibrary[lib === '[kernel.kallsyms]' ? '[kernel.kallsyms]' : lib.split('/').pop()!] ?? 0;
      expect(Math.abs(ours - share), `${lib}: ours ${ours} vs perf ${share}`).toBeLessThanOrEqual(0.03);
    }
    // Functions: perf's top user-space symbols of prtip appear among ours with a close share.
    const syms = parsePerfReport(execFileSync('perf', ['report', '-i', data, '--stdio', '--no-children', '-g', 'none', '--sort', 'dso,sym', '--percent-limit', '0'], { maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'ignore'] }).toString());
    // An entry of one sample may differ by an alias at the same address (perf and we pick
    // different names for it): at most 10% of perf's entries may be missing here.
    let compared = 0;
    const missing: string[] = [];
    // perf lists each copy of a generic (same name, another address) apart; shares here are by name.
    const perfByName = new Map<string, number>();
    for (const [k, share] of syms) {
      const m = /^prtip\s+(?:\[\.\]\s+)?(.+)$/.exec(k);
      if (!m) continue;
      const name = m[1]!.replace(/::h[0-9a-f]{16}$/, '');
      perfByName.set(name, (perfByName.get(name) ?? 0) + share);
    }
    for (const [name, share] of perfByName) {
      const ours = a.functions.find((f) => f.library === 'prtip' && f.name === name);
      compared++;
      if (!ours) {
        missing.push(`${name} (${share})`);
        continue;
      }
      // lld folds identical functions into one address (ICF); perf and we may name such a body after
      // different ones of its aliases, which moves a sample or a few between names.
      expect(Math.abs(ours.self - share), name).toBeLessThanOrEqual(0.01);
    }
    expect(compared, 'prtip functions in perf report').toBeGreaterThanOrEqual(5);
    expect(missing.length, missing.join('\n')).toBeLessThanOrEqual(Math.max(1, Math.floor(0.1 * compared)));
    console.log(`perf cross-check: ${a.samples} samples, kernel ${(100 * a.shares.kernel).toFixed(1)}% (perf ${(100 * perfKernel).toFixed(1)}%), ${compared} prtip functions compared`);
    const folded = parseFolded(foldedStacks(symbolize(raw).samples));
    expect(folded.reduce((s, l) => s + l.count, 0)).toBe(a.samples);
  });
});
