/**
 * `prtip-perf stat` as a drop-in for hyperfine and perf stat users: hyperfine's letters mean
 * what they mean in hyperfine (-c once after all runs, -C after each run), and the counters go
 * where perf stat puts them (stderr, or -o FILE, --append). Checked against the tools
 * themselves where installed. No timing asserts: counts of lines, shapes and exit codes.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist', 'bench', 'cli.js');
const tmp = mkdtempSync(join(tmpdir(), 'prtip-stat-dropin-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function which(tool: string): string | null {
  const r = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}
const hyperfine = which('hyperfine');

function run(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 90_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
const lines = (file: string): string[] => readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');
/** The CSV rows of perf stat -x, (comment and blank lines left out). */
const csvRows = (text: string): string[][] => text.split('\n').filter((l) => l !== '' && !l.startsWith('#')).map((l) => l.split(','));

describe("hyperfine's hooks", () => {
  it('-c (cleanup) runs once after all runs, -C (conclude) after each run', () => {
    const once = join(tmp, 'cleanup'), each = join(tmp, 'conclude');
    const r = run(['stat', '-r', '3', '-w', '0', '-e', 'task-clock', '-c', `echo c >> ${once}`, '-C', `echo C >> ${each}`, '--', '/bin/true']);
    expect(r.status, r.stderr).toBe(0);
    expect(lines(once)).toEqual(['c']);
    expect(lines(each)).toEqual(['C', 'C', 'C']);
  });

  it.skipIf(hyperfine === null)('-c appends as many lines as hyperfine -c does (checked against hyperfine itself)', () => {
    const ours = join(tmp, 'ours-c'), theirs = join(tmp, 'theirs-c');
    expect(run(['stat', '-r', '3', '-w', '0', '-e', 'task-clock', '-c', `echo x >> ${ours}`, '--', '/bin/true']).status).toBe(0);
    const h = spawnSync(hyperfine!, ['-r', '3', '-w', '0', '-c', `echo x >> ${theirs}`, '/bin/true'], { encoding: 'utf8', timeout: 60_000 });
    expect(h.status, h.stderr).toBe(0);
    expect(lines(ours)).toEqual(lines(theirs));
  });

  it.skipIf(hyperfine === null)("every short option hyperfine has means the same long option here (hyperfine's --help)", () => {
    const pairs = (help: string): Map<string, string> => new Map([...help.matchAll(/^\s+(-\w), (--[\w-]+)/gm)].map((m) => [m[1]!, m[2]!]));
    const theirs = pairs(spawnSync(hyperfine!, ['--help'], { encoding: 'utf8' }).stdout);
    const ours = pairs(run(['stat', '--help']).stdout);
    expect(theirs.size).toBeGreaterThan(10);
    for (const [short, long] of theirs) {
      if (['-h', '-V', '-S'].includes(short)) continue; // help, version; -S takes a shell, here --shell is a switch (see docs)
      if (ours.has(short)) expect(`${short} ${ours.get(short)}`).toBe(`${short} ${long}`);
      const ourShort = [...ours].find(([, l]) => l === long)?.[0];
      if (ourShort !== undefined) expect(`${ourShort} ${long}`).toBe(`${short} ${long}`);
    }
    // hyperfine 1.18 added -C/--conclude; the installed one may predate it.
    expect(ours.get('-C')).toBe('--conclude');
    expect(ours.get('-c')).toBe('--cleanup');
  });

  it('-N (hyperfine: no shell) is accepted, as no shell is the default here', () => {
    const r = run(['stat', '-N', '-r', '2', '-w', '0', '-e', 'task-clock', '--', '/bin/true']);
    expect(r.status, r.stderr).toBe(0);
  });
});

describe("perf stat's output places", () => {
  const events = 'task-clock,page-faults';

  it('-x, … 2>f.csv leaves the counters in f.csv (perf stat writes them to stderr)', () => {
    const file = join(tmp, 'stderr.csv');
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${cli}" stat -r 3 -w 0 -e ${events} -x, -- /bin/true 2>"${file}"`], { encoding: 'utf8', timeout: 90_000 });
    expect(r.status).toBe(0);
    // Warnings and reasons are "#" comment lines there, as perf's own comments.
    expect(csvRows(readFileSync(file, 'utf8')).map((f) => f[2])).toEqual(['task-clock', 'page-faults']);
    expect(r.stdout).not.toContain('task-clock');
  });

  it('-o f.csv leaves the counters in f.csv after perf\'s "# started on" line; --append adds to it', () => {
    const file = join(tmp, 'out.csv');
    const first = run(['stat', '-r', '3', '-w', '0', '-e', events, '-x', ',', '-o', file, '--', '/bin/true']);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stderr).not.toContain('task-clock');
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(/^# started on \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}\n\n/);
    expect(csvRows(text).map((f) => f[2])).toEqual(['task-clock', 'page-faults']);
    expect(run(['stat', '-r', '2', '-w', '0', '-e', events, '-x', ',', '-o', file, '--append', '--', '/bin/true']).status).toBe(0);
    const appended = readFileSync(file, 'utf8');
    expect(appended.startsWith(text)).toBe(true);
    expect(csvRows(appended).map((f) => f[2])).toEqual(['task-clock', 'page-faults', 'task-clock', 'page-faults']);
    // Without --append the file is replaced.
    expect(run(['stat', '-r', '2', '-w', '0', '-e', events, '-x', ',', '-o', file, '--', '/bin/true']).status).toBe(0);
    expect(csvRows(readFileSync(file, 'utf8'))).toHaveLength(2);
  });

  it('without -x: hyperfine\'s lines on stdout, the counter block on stderr, or in the -o file', () => {
    const plain = run(['stat', '-r', '2', '-w', '0', '-e', events, '--', '/bin/true']);
    expect(plain.status, plain.stderr).toBe(0);
    expect(plain.stdout).toMatch(/^Benchmark 1: \/bin\/true$/m);
    expect(plain.stdout).not.toContain('Performance counter stats');
    expect(plain.stderr).toContain("Performance counter stats for '/bin/true' (2 runs):");
    const file = join(tmp, 'out.txt');
    const r = run(['stat', '-r', '2', '-w', '0', '-e', events, '-o', file, '--', '/bin/true']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('Performance counter stats');
    expect(readFileSync(file, 'utf8')).toMatch(/seconds time elapsed/);
  });

  it.each([
    [['--append'], /--append needs -o\/--output FILE/],
    [['-o', 'inherit'], /-o\/--output FILE is perf stat's.*--show-output/],
    [['-o', ''], /-o\/--output must name a file/],
    [['-N', '--shell'], /-N .*cannot be combined with --shell/],
  ])('%j is a usage error (exit 2) that says what was meant', (args, message) => {
    const r = run(['stat', '-r', '1', ...args, '--', 'true']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
