/**
 * `stat --export-json` read the way hyperfine's Python scripts read it (advanced_statistics,
 * plot_whisker, plot_histogram, plot_progression, welch_ttest…: json.load, then results[i]
 * ["command"], ["mean"], ["stddev"], ["median"], ["user"], ["system"], ["min"], ["max"],
 * ["times"], ["exit_codes"], ["memory_usage_byte"]). Debian's hyperfine package ships no
 * scripts and their code may not be copied here, so this is our own reader, in Python as
 * theirs are, checking the types a typed reader relies on: seconds as floats (0.0, not 0),
 * exit codes and bytes as integers, one entry per run.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { hyperfineJson } from '../src/report/hyperfine.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist', 'bench', 'cli.js');
const tmp = mkdtempSync(join(tmpdir(), 'prtip-hyperfine-reader-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const python = spawnSync('python3', ['-c', 'import json, statistics'], { encoding: 'utf8' }).status === 0 ? 'python3' : null;

const READER = `
import json, statistics, sys
data = json.load(open(sys.argv[1]))
out = []
for r in data["results"]:
    n = len(r["times"])
    assert n >= 1, "no times"
    for k in ("mean", "median", "user", "system", "min", "max"):
        assert type(r[k]) is float, f"{k} is {type(r[k]).__name__}"
    assert r["stddev"] is None if n == 1 else type(r["stddev"]) is float, "stddev"
    assert all(type(t) is float for t in r["times"]), "times"
    assert len(r["exit_codes"]) == n and all(c is None or type(c) is int for c in r["exit_codes"]), "exit_codes"
    assert len(r["memory_usage_byte"]) == n and all(type(m) is int and m > 0 for m in r["memory_usage_byte"]), "memory_usage_byte"
    assert r["min"] <= r["median"] <= r["max"] and abs(statistics.mean(r["times"]) - r["mean"]) < 1e-9, "summary"
    out.append(r["command"])
print("\\n".join(out))
`;

describe("stat --export-json as hyperfine's scripts read it", () => {
  it.skipIf(python === null)('floats where hyperfine writes floats, integers for exit codes and bytes, memory_usage_byte per run', () => {
    const file = join(tmp, 'export.json');
    const r = spawnSync(process.execPath, [cli, 'stat', '-r', '3', '-w', '0', '-e', 'task-clock', '--export-json', file, '--shell', 'true', 'exit 0'], { encoding: 'utf8', timeout: 90_000 });
    expect(r.status, r.stderr).toBe(0);
    const read = spawnSync(python!, ['-c', READER, file], { encoding: 'utf8' });
    expect(read.stderr).toBe('');
    expect(read.stdout.trim().split('\n')).toEqual(['true', 'exit 0']);
    const one = join(tmp, 'one.json');
    expect(spawnSync(process.execPath, [cli, 'stat', '-r', '1', '-w', '0', '-e', 'task-clock', '--export-json', one, '--', '/bin/true'], { encoding: 'utf8', timeout: 90_000 }).status).toBe(0);
    expect(spawnSync(python!, ['-c', READER, one], { encoding: 'utf8' }).stderr).toBe('');
  });

  it('writes whole seconds as 0.0 and 2.0, keeps integers and null as they are', () => {
    const text = hyperfineJson({ results: [{ command: 'x', mean: 2, stddev: NaN, median: 2, user: 0, system: 0, min: 2, max: 2, times: [2], memory_usage_byte: [4096], exit_codes: [0], parameters: { mean: '1' } }] });
    expect(text).toContain('"mean": 2.0');
    expect(text).toContain('"system": 0.0');
    expect(text).toContain('"stddev": null');
    expect(text).toMatch(/"times": \[\n\s+2\.0\n\s+\]/);
    expect(text).toMatch(/"memory_usage_byte": \[\n\s+4096\n/);
    expect(text).toMatch(/"exit_codes": \[\n\s+0\n/);
    expect(JSON.parse(text).results[0].parameters).toEqual({ mean: '1' });
  });
});
