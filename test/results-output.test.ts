/**
 * The results folder holds one run (a manifest, stale files of earlier runs removed, nothing
 * else touched), failed suites are named at the top of bench.md and bench.html without stack
 * traces, and bencher.json is in Bencher Metric Format.
 */
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { benchCommand, writeResults } from '../bench/index.js';
import Ajv from 'ajv';
import { packageRoot } from '../src/core/native.js';
import { machineInfo } from '../src/measure/machine.js';
import { bencherMeasure, bencherMetricFormat } from '../src/report/bencher.js';
import { judgeClaims, measurementsOf } from '../src/judge/index.js';
import { cleanSuite, failedSuitesSentence, withoutStackTrace } from '../src/report/failures.js';
import { htmlReport } from '../src/report/html.js';
import { markdownReport } from '../src/report/markdown.js';
import { BENCH_RESULT_VERSION, type BenchResult, type SuiteResult } from '../src/model/result.js';
import { spawnSync } from 'node:child_process';
import { checkResultsFolder, MANIFEST, type ResultsManifest, SWAP_INFIX, writeResultsFolder } from '../src/report/results-folder.js';

const machine = await machineInfo();

function suite(name: string, extra: Partial<SuiteResult> = {}): SuiteResult {
  return { suite: name, title: `${name} suite`, status: 'ok', durationMs: 10, tables: [], metrics: [], claims: [], warnings: [], ...extra };
}

function benchResult(suites: SuiteResult[]): BenchResult {
  return {
    kind: 'prtip-perf/bench-result', version: BENCH_RESULT_VERSION, startedAt: new Date().toISOString(), durationMs: 10,
    options: { quick: true, suites: suites.map((s) => s.suite), prtip: null }, interrupted: false, machine, suites, claims: judgeClaims(measurementsOf(suites)),
  };
}

/** A whole-binary suite whose runs give hyperfine.json something to write. */
function prtipWithRuns(): SuiteResult {
  const runs = [98, 100, 102].map((m) => ({ wall_ns: m * 1e6, user_ns: m * 4e5, sys_ns: m * 3e5, max_rss_bytes: 3e6, exit_code: 0, counters: {} }));
  return suite('prtip', { data: { scenarios: [{ scenario: 'syn-scan-1k', tool: 'prtip', command: ['prtip', '-sS', '127.0.0.1'], runs }] } });
}

const STACK = 'TypeError: cannot read properties of undefined (reading \'pps\') |     at summarise (file:///home/u/prtip-perf/dist/bench/batch-size.bench.js:212:19) |     at async run (/home/u/prtip-perf/dist/bench/suite.js:88:7)';

describe('the results folder', () => {
  it('a checksum-only run after a run with whole binaries leaves no hyperfine.json behind; the manifest lists what was written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'prtip-results-'));
    writeFileSync(join(dir, 'my-notes.txt'), 'mine');
    const first = writeResults(dir, benchResult([suite('checksum'), prtipWithRuns()]));
    expect(first.written.map((p) => p.slice(dir.length + 1))).toContain('hyperfine.json');
    expect(existsSync(join(dir, 'hyperfine.json'))).toBe(true);

    const second = writeResults(dir, benchResult([suite('checksum')]));
    expect(second.removed).toEqual(['hyperfine.json']);
    expect(existsSync(join(dir, 'hyperfine.json'))).toBe(false);
    const manifest = JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8')) as ResultsManifest;
    expect(manifest.kind).toBe('prtip-perf/results-manifest');
    expect(manifest.removed).toEqual(['hyperfine.json']);
    expect(manifest.files).not.toContain('hyperfine.json');
    for (const f of manifest.files) expect(existsSync(join(dir, f)), f).toBe(true);
    expect(manifest.files).toEqual(expect.arrayContaining(['bench.json', 'bench.md', 'bench.html', 'bencher.json']));
    expect(readFileSync(join(dir, 'my-notes.txt'), 'utf8')).toBe('mine'); // not ours: untouched
  });

  it('removes only a file an earlier manifest named with its unchanged hash, never one outside the folder, a folder or a file it did not write', () => {
    const parent = mkdtempSync(join(tmpdir(), 'prtip-results-'));
    const dir = join(parent, 'results');
    writeResults(dir, benchResult([suite('checksum')]));
    writeFileSync(join(dir, 'old-export.json'), '{}');
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(parent, 'outside.txt'), 'keep');
    const sha = createHash('sha256').update('{}').digest('hex');
    writeFileSync(join(dir, MANIFEST), JSON.stringify({ kind: 'prtip-perf/results-manifest', files: ['bench.json', 'old-export.json', 'notes.txt', 'sub', '../outside.txt'], sha256: { 'old-export.json': sha } }));
    const { removed, warnings } = writeResults(dir, benchResult([suite('checksum')]));
    expect(removed).toEqual(['old-export.json']);
    expect(existsSync(join(parent, 'outside.txt'))).toBe(true);
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('mine');
    expect(existsSync(join(dir, 'sub'))).toBe(true);
    expect(warnings.join('\n')).toMatch(/notes\.txt.*no signature/);
    expect(warnings.join('\n')).toMatch(/"sub".*not a regular file/);
    expect(warnings.join('\n')).toMatch(/outside\.txt.*not a plain file name/);
  });

  it('a user file by one of our names in a folder no run wrote refuses --out before the run', () => {
    const dir = mkdtempSync(join(tmpdir(), 'prtip-results-'));
    writeFileSync(join(dir, 'comparison.csv'), 'mine');
    expect(() => checkResultsFolder(dir)).toThrow(/comparison\.csv there was not written by prtip-perf/);
    writeFileSync(join(dir, 'f'), 'x');
    expect(() => checkResultsFolder(join(dir, 'f'))).toThrow(/is a file/);
    expect(readFileSync(join(dir, 'comparison.csv'), 'utf8')).toBe('mine');
  });
});

describe('the folder swapped whole (renameat2 RENAME_EXCHANGE) when it holds only our files', () => {
  const run = (tag: string): [string, string][] => ['bench.json', 'bench.md'].map((n) => [n, `${tag} ${n}`]);
  const deadPid = (): number => Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);

  it('a new folder, then a folder of ours: swapped in one step, its mode kept, nothing left beside it', () => {
    const parent = mkdtempSync(join(tmpdir(), 'prtip-swap-'));
    const dir = join(parent, 'results');
    expect(writeResultsFolder(dir, 'one', run('one')).method).toBe('swap');
    chmodSync(dir, 0o750);
    const before = statSync(dir).ino;
    const r = writeResultsFolder(dir, 'two', [...run('two'), ['tables.csv', 'x']]);
    expect(r).toMatchObject({ method: 'swap', removed: [] });
    expect(r.note).toBeUndefined();
    expect(statSync(dir).ino).not.toBe(before); // a new folder took its place
    expect(statSync(dir).mode & 0o777).toBe(0o750);
    expect(readFileSync(join(dir, 'bench.json'), 'utf8')).toBe('two bench.json');
    expect(readdirSync(parent)).toEqual(['results']);
    expect(writeResultsFolder(dir, 'three', run('three'))).toMatchObject({ method: 'swap', removed: ['tables.csv'] });
    expect(readdirSync(dir).sort()).toEqual(['bench.json', 'bench.md', MANIFEST]);
  });

  it('a folder holding a user file and symlink: swapped whole, each carried as the same file (same inode, same link)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'prtip-swap-'));
    writeResultsFolder(dir, 'one', run('one'));
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    symlinkSync('notes.txt', join(dir, 'latest'));
    const ino = lstatSync(join(dir, 'notes.txt')).ino;
    const r = writeResultsFolder(dir, 'two', run('two'));
    expect(r.method).toBe('swap');
    expect(lstatSync(join(dir, 'notes.txt')).ino).toBe(ino);
    expect(lstatSync(join(dir, 'notes.txt')).nlink).toBe(1); // the old folder's extra link is gone
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('mine');
    expect(readlinkSync(join(dir, 'latest'))).toBe('notes.txt');
    expect(readdirSync(dirname(dir)).filter((n) => n.startsWith(`.${basename(dir)}.prtip-perf-swap-`))).toEqual([]);
  });

  it('a folder holding a user subfolder: ours renamed in one by one, with a one-line note why, the subfolder untouched', () => {
    const dir = mkdtempSync(join(tmpdir(), 'prtip-swap-'));
    writeResultsFolder(dir, 'one', run('one'));
    mkdirSync(join(dir, 'mine'));
    writeFileSync(join(dir, 'mine', 'notes.txt'), 'mine');
    const r = writeResultsFolder(dir, 'two', run('two'));
    expect(r.method).toBe('per-file');
    expect(r.note).toMatch(/one file at a time .*mine/);
    expect(r.note).not.toMatch(/\n/);
    expect(readFileSync(join(dir, 'mine', 'notes.txt'), 'utf8')).toBe('mine');
  });

  it('--out as the current directory: written file by file (a swap would leave the cwd in the removed old folder)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'prtip-swap-'));
    writeResultsFolder(dir, 'one', run('one'));
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      expect(writeResultsFolder('.', 'two', run('two'))).toMatchObject({ method: 'per-file', note: expect.stringMatching(/current directory/) });
    } finally {
      process.chdir(cwd);
    }
    expect(readFileSync(join(dir, 'bench.json'), 'utf8')).toBe('two bench.json');
  });

  it('--out through a symlink: the folder it points to is swapped, the link stays a link', () => {
    const parent = mkdtempSync(join(tmpdir(), 'prtip-swap-'));
    mkdirSync(join(parent, 'real'));
    symlinkSync(join(parent, 'real'), join(parent, 'link'));
    expect(writeResultsFolder(join(parent, 'link'), 'one', run('one')).method).toBe('swap');
    expect(writeResultsFolder(join(parent, 'link'), 'two', run('two')).method).toBe('swap');
    expect(lstatSync(join(parent, 'link')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(parent, 'real', 'bench.json'), 'utf8')).toBe('two bench.json');
  });

  it('the next start removes a killed swap\'s sibling and says so; a user file found in it goes back into the folder', () => {
    const parent = mkdtempSync(join(tmpdir(), 'prtip-swap-'));
    const dir = join(parent, 'results');
    writeResultsFolder(dir, 'one', run('one'));
    const sibling = join(parent, `.results${SWAP_INFIX}${deadPid()}-0123abcd`);
    mkdirSync(sibling);
    writeFileSync(join(sibling, 'bench.json'), 'half');
    writeFileSync(join(sibling, 'late-notes.txt'), 'mine');
    const alive = join(parent, `.results${SWAP_INFIX}${process.ppid}-0123abcd`); // a live writer's: not touched
    mkdirSync(alive);
    const { warnings } = checkResultsFolder(dir);
    expect(warnings.join('\n')).toMatch(/removed \.results\.prtip-perf-swap-\d+-0123abcd .*killed write/);
    expect(existsSync(sibling)).toBe(false);
    expect(existsSync(alive)).toBe(true);
    expect(readFileSync(join(dir, 'late-notes.txt'), 'utf8')).toBe('mine');
    expect(readFileSync(join(dir, 'bench.json'), 'utf8')).toBe('one bench.json');
  });

  it.skipIf(process.getuid?.() !== 0 || spawnSync('unshare', ['-m', 'true']).status !== 0)('a mount point: ours renamed in one by one, the note says why', () => {
    const parent = mkdtempSync(join(tmpdir(), 'prtip-swap-'));
    const dir = join(parent, 'mnt');
    mkdirSync(dir);
    const folderJs = new URL('../dist/src/report/results-folder.js', import.meta.url).pathname;
    const script = `import { writeResultsFolder } from ${JSON.stringify(folderJs)}; const d = process.argv[1];
      writeResultsFolder(d, 'one', [['bench.json', 'one']]); console.log(JSON.stringify(writeResultsFolder(d, 'two', [['bench.json', 'two']])));`;
    const r = spawnSync('unshare', ['-m', '--propagation', 'private', 'sh', '-c', `mount -t tmpfs -o size=1m tmpfs "${dir}" && exec "${process.execPath}" --input-type=module -e "$0" "${dir}"`, script], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ method: 'per-file', note: expect.stringMatching(/mount point/) });
  });
});

describe('failed suites in the reports', () => {
  const failed = suite('batch-size', { status: 'failed', reason: STACK, warnings: [STACK, 'a plain warning'] });
  const r = benchResult([suite('counters'), failed].map(cleanSuite));

  it('stack frames and source locations are stripped, the message kept', () => {
    expect(withoutStackTrace(STACK)).toBe("TypeError: cannot read properties of undefined (reading 'pps')");
    expect(withoutStackTrace('no prtip binary at /usr/local/bin/prtip')).toBe('no prtip binary at /usr/local/bin/prtip');
    expect(cleanSuite(failed).warnings).toEqual(["TypeError: cannot read properties of undefined (reading 'pps')", 'a plain warning']);
  });

  it('are named at the top of bench.md and bench.html, without stack traces or paths, and never "was failed"', () => {
    const sentence = failedSuitesSentence(r)!;
    expect(sentence).toMatch(/^1 suite failed: batch-size \(TypeError: cannot read/);
    const md = markdownReport(r);
    const html = htmlReport(r);
    // At the top: before the machine section / the charts.
    expect(md.indexOf('1 suite failed: batch-size')).toBeGreaterThan(0);
    expect(md.indexOf('1 suite failed: batch-size')).toBeLessThan(md.indexOf('## Machine'));
    expect(html.indexOf('class="failed-suites')).toBeGreaterThan(0);
    expect(html.indexOf('class="failed-suites')).toBeLessThan(html.indexOf('<h2>Charts</h2>'));
    for (const text of [md, html]) {
      expect(text).not.toMatch(/was failed/);
      expect(text).not.toMatch(/\bat summarise\b|\.js:\d+|file:\/\//);
    }
    expect(html).toMatch(/the batch-size suite failed \(TypeError/);
    expect(failedSuitesSentence(benchResult([suite('counters')]))).toBeNull();
  });
});

describe('bencher.json (Bencher Metric Format)', () => {
  it('one benchmark per metric, one measure per unit, value with lower/upper bounds from the forks or samples', () => {
    const forks = [0, 1, 2].map((fork) => ({ fork, median: [40, 42, 45][fork]!, n: 3, min: 39, max: 46, envPadBytes: 0, heapPadBytes: 0, samples: [] }));
    const r = benchResult([suite('checksum', { metrics: [
      { name: 'checksum/avx512/1500B', unit: 'ns/op', value: 42, better: 'smaller', samples: [39, 40, 42, 45, 46], forks },
      { name: 'batch/pps', unit: 'pps', value: 1e6, better: 'bigger', samples: [9e5, 1e6, 1.1e6] },
      { name: 'checksum/broken', unit: 'ns/op', value: NaN, better: 'smaller', samples: [] },
    ] })]);
    const bmf = bencherMetricFormat(r);
    expect(bmf).toEqual({
      'checksum/avx512/1500B': { latency: { value: 42, lower_value: 40, upper_value: 45 } },
      'batch/pps': { throughput: { value: 1e6, lower_value: 9e5, upper_value: 1.1e6 } },
    });
    for (const b of Object.values(bmf)) for (const m of Object.values(b)) expect(m.lower_value! <= m.value && m.value <= m.upper_value!).toBe(true);
    // The shape Bencher's json adapter accepts: benchmark → measure → {value, lower_value?, upper_value?}, numbers only.
    const metric = { type: 'object', properties: { value: { type: 'number' }, lower_value: { type: 'number' }, upper_value: { type: 'number' } }, required: ['value'], additionalProperties: false };
    const validate = new Ajv().compile({ type: 'object', additionalProperties: { type: 'object', additionalProperties: metric, minProperties: 1 } });
    expect(validate(JSON.parse(JSON.stringify(bmf))), JSON.stringify(validate.errors)).toBe(true);
    expect(bencherMeasure('B/cycle')).toBe('b-cycle');
    expect(bencherMeasure('syscalls/packet')).toBe('syscalls-packet');
  });
});

describe('--quick\'s time', () => {
  it('--help and the README give the same figure for it', async () => {
    const lines: string[] = [];
    const log = console.log;
    console.log = (...a: unknown[]) => { lines.push(a.join(' ')); };
    try {
      expect(await benchCommand(['--help'])).toBe(0);
    } finally {
      console.log = log;
    }
    const help = lines.join('\n');
    const helpSeconds = /--quick\s+shorter runs[^(]*\(about (\d+) s/.exec(help)?.[1];
    const readme = readFileSync(join(packageRoot(), 'README.md'), 'utf8').replace(/\s+/g, ' ');
    const readmeSeconds = /`--quick` about (\d+) s/.exec(readme)?.[1];
    expect(helpSeconds).toBeDefined();
    expect(readmeSeconds).toBe(helpSeconds);
    expect(help).not.toMatch(/about a minute/);
  });
});
