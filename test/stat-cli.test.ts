/**
 * `prtip-perf stat` and the CLI's conventions, spawned from dist/ as a user runs them:
 * perf stat's output and -x CSV, :u/:k and {a,b}, hyperfine's -n, -P/-D, -L, --time-unit and
 * exports (cross-checked against hyperfine itself where installed), exit codes, Ctrl-C,
 * quoting, timeouts, warnings. No timing asserts: only shapes, counts and exit codes.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { foldMultiValueOptions, UsageError, VALUE_SEPARATOR } from '../src/cli/program.js';
import { combinations, listAxis, scanAxis, substitute } from '../src/cli/parameters.js';
import { shellQuote } from '../src/cli/quote.js';
import { listEvents, parseEventGroups, tracefsRoot } from '../src/measure/counters.js';
import { spawnCounted } from '../src/measure/runner/spawn.js';
import { parseStatArgs } from '../src/cli/commands/stat.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist', 'bench', 'cli.js');
const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
const tmp = mkdtempSync(join(tmpdir(), 'prtip-stat-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function which(tool: string): string | null {
  const r = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}
const hyperfine = which('hyperfine');
const perf = which('perf');
const tracefs = tracefsRoot() !== '';

/** Runs the CLI; a quick stat: 3 runs, no warm-up, task-clock only unless -e is given. */
function run(args: string[], timeout = 90_000): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
function stat(args: string[]): { status: number | null; stdout: string; stderr: string } {
  return run(['stat', '-r', '3', '-w', '0', ...args]);
}

describe('--version and --help', () => {
  it('prints the package.json version, at the top and in each command, exit 0', () => {
    for (const args of [['--version'], ['-V'], ['stat', '--version'], ['events', '--version']]) {
      const r = run(args);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout.trim()).toBe(version);
    }
  });
  // One help style and one usage status for every command (issue 22).
  it.each([['events'], ['stat'], ['stat', '--counters', 'callgrind'], ['bench'], ['record'], ['compare']])('%j --help begins "Usage:" and exits 0; an unknown option exits 2 naming it', (...command) => {
    const help = run([...command, '--help']);
    expect(help.status, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/^Usage: prtip-perf /);
    const bad = run([...command, '--no-such-option', '--', 'true']);
    expect(bad.status, bad.stderr).toBe(2);
    expect(bad.stderr).toMatch(/unknown option '--no-such-option'/);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });
  it('stat --help lists the hyperfine and perf options, exit 0', () => {
    const r = run(['stat', '--help']);
    expect(r.status).toBe(0);
    for (const flag of ['--export-json', '--export-markdown', '--export-csv', '--parameter-scan', '--parameter-list', '--command-name', '--time-unit', '--field-separator', ':u']) expect(r.stdout).toContain(flag);
  });
});

describe('usage errors exit 2 in every command; a failing command exits 1', () => {
  it.each([
    [['stat', '--bogus', '--', 'true'], /unknown option '--bogus'/],
    [['stat', '--export-jsn', 'x', '--', 'true'], /unknown option '--export-jsn' \(Did you mean --export-json\?\)/],
    [['stat', '-r', '0', '--', 'true'], /-r, --runs.*at least 1/],
    [['stat', '-r'], /-r, --runs.*argument missing/],
    [['stat', '-e', 'task-clok', '--', 'true'], /task-clok.*task-clock/],
    [['stat', '-e', 'task-clock:p', '--', 'true'], /modifier ":p".*:u.*:k/],
    [['stat', '-e', '{task-clock,page-faults', '--', 'true'], /without its "}"/],
    [['stat', '-P', 'n', '1', '--', 'echo', '{n}'], /-P\/--parameter-scan takes 3 values, VAR MIN MAX; got 2/],
    [['stat', '-P', 'n', '3', '1', '--', 'echo', '{n}'], /MAX \(1\) must be at least MIN \(3\)/],
    [['stat', '-P', 'n', '1', '2.5', '--', 'echo', '{n}'], /whole number unless -D/],
    [['stat', '-D', '2', '--', 'echo'], /needs -P/],
    [['stat', '-P', 'n', '1', '2', '-L', 'm', 'a,b', '--', 'echo', '{n}{m}'], /cannot be combined/],
    [['stat', '-L', 'n', '1,2', '--', 'echo', 'x'], /never used.*\{n\}/],
    [['stat', '-n', 'a', '-n', 'b', '--', 'true'], /2 -n\/--command-name given for 1 command/],
    [['stat', '-u', 'hours', '--', 'true'], /--time-unit must be millisecond or second/],
    [['stat', 'true'], /after "--"/],
    [['events', '--bogus'], /unknown option '--bogus'/],
    [['events', 'extra'], /too many arguments|takes no arguments/],
    [['frobnicate'], /unknown command/],
  ])('%j', (args, message) => {
    const r = run(args);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
  });
  it('bench keeps its exit 2 for a bad option', () => {
    expect(run(['bench', '--bogus']).status).toBe(2);
  });
  it('when a later command fails, the exports still hold the commands measured before it', () => {
    const file = join(tmp, 'partial.json');
    const r = stat(['-e', 'task-clock', '--export-json', file, '--shell', 'true', 'exit 4']);
    expect(r.status).toBe(1);
    expect((JSON.parse(readFileSync(file, 'utf8')) as { results: { command: string }[] }).results.map((x) => x.command)).toEqual(['true']);
  });
  it('a command that fails exits 1 (not 2)', () => {
    const r = stat(['-e', 'task-clock', '--', 'sh', '-c', 'exit 3']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/exited with code 3.*--ignore-failure/);
  });
  it('parseStatArgs throws UsageError (a RangeError) for the library', () => {
    expect(() => parseStatArgs(['--nope', '--', 'true'])).toThrow(UsageError);
    expect(() => parseStatArgs(['-r', '0', '--', 'true'])).toThrow(RangeError);
  });
});

describe("perf stat's output", () => {
  it('task-clock in msec with CPUs utilized, rates per second, ( +- x% ), <not supported> with the reason', () => {
    const cycles = listEvents().find((e) => e.name === 'cycles')!;
    const r = stat(['-r', '5', '-e', 'task-clock,page-faults,context-switches,cycles', '--', '/bin/true']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/Performance counter stats for '\/bin\/true' \(5 runs\):/);
    expect(r.stderr).toMatch(/^ +\d+\.\d\d msec task-clock +# +\d+\.\d{3} CPUs utilized +\( \+- +\d+\.\d\d% \)$/m);
    expect(r.stderr).toMatch(/^ +\d+ +page-faults +# +\d+\.\d{3} [KMG]?\/sec/m);
    expect(r.stderr).toMatch(/^ +\d\.\d{6} \+- \d\.\d{6} seconds time elapsed  \( \+- +\d+\.\d\d% \)$/m);
    expect(r.stderr).not.toMatch(/e\+\d/); // no 1.437e+6
    if (cycles.supported) expect(r.stderr).toMatch(/^ +\d+ +cycles/m);
    else expect(r.stderr).toContain(`<not supported>      cycles                            (${cycles.reason})`);
  });

  it.skipIf(perf === null)('-x SEP gives the fields of perf stat -x, in the same order (checked against perf itself)', () => {
    const events = 'task-clock,page-faults';
    const ours = stat(['-e', events, '-x', ';', '--', '/bin/true']);
    expect(ours.status, ours.stderr).toBe(0);
    const theirs = spawnSync(perf!, ['stat', '-r', '3', '-x', ';', '-e', events, '--', '/bin/true'], { encoding: 'utf8' });
    const rows = (text: string) => text.trim().split('\n').filter((l) => !l.startsWith('#')).map((l) => l.split(';'));
    const a = rows(ours.stderr), b = rows(theirs.stderr);
    expect(a.map((f) => f.length)).toEqual(b.map((f) => f.length));
    // unit, event, metric unit agree; the rest are numbers in the same formats.
    expect(a.map((f) => [f[1], f[2], f[7]])).toEqual(b.map((f) => [f[1], f[2], f[7]]));
    for (const f of a) {
      expect(f[3]).toMatch(/^\d+\.\d\d%$/);
      expect(f[4]).toMatch(/^\d+$/);
      expect(f[5]).toMatch(/^\d+\.\d\d$/);
    }
    // One run: no variance column, as perf.
    const single = run(['stat', '-r', '1', '-w', '0', '-e', events, '-x', ',', '--', '/bin/true']);
    expect(single.stderr.trim().split('\n').filter((l) => !l.startsWith('#')).map((l) => l.split(',').length)).toEqual([7, 7]);
  });

  it('-x puts a missing counter\'s reason on stderr, never in the CSV', () => {
    const cycles = listEvents().find((e) => e.name === 'cycles')!;
    const r = stat(['-e', 'task-clock,cycles', '-x', ',', '--', '/bin/true']);
    expect(r.status).toBe(0);
    const line = r.stderr.split('\n').find((l) => l.includes(',cycles,'))!;
    if (cycles.supported) expect(line).toMatch(/^\d+,,cycles,/);
    else {
      expect(line).toBe('<not supported>,,cycles,0.00%,0,100.00,,');
      expect(r.stderr).toContain(cycles.reason);
    }
  });
});

describe('event modifiers and groups', () => {
  it('parses {a,b}, {a,b}:u and modifiers; refuses what perf would not mean', () => {
    expect(parseEventGroups('task-clock:u,{context-switches,page-faults}:k,cpu-clock')).toEqual({
      events: ['task-clock:u', 'context-switches:k', 'page-faults:k', 'cpu-clock'],
      groups: [0, 1, 1, 2],
    });
    expect(() => parseEventGroups('{task-clock}x')).toThrow(/after a group/);
    expect(() => parseEventGroups('{}')).toThrow(/empty/);
    expect(() => parseEventGroups('task-clock}')).toThrow(/brace outside/);
    expect(() => parseEventGroups('task-clock:z')).toThrow(/modifier ":z"/);
  });

  it(':u and :k split page faults between user and kernel mode exactly, in every run', () => {
    const r = stat(['-e', 'page-faults,page-faults:u,page-faults:k,task-clock:u', '--json', '-', '--', '/bin/true']);
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { runs: { counters: Record<string, { value: number; state: string }> }[] };
    for (const run of j.runs) {
      const c = run.counters;
      expect(c['task-clock:u']!.state).toBe('counted');
      expect(c['page-faults:u']!.value).toBeGreaterThan(0);
      expect(c['page-faults:k']!.value).toBeGreaterThan(0); // execve's own faults happen in the kernel
      expect(c['page-faults:u']!.value + c['page-faults:k']!.value).toBe(c['page-faults']!.value);
    }
  });

  it('events in separate groups and in a {a,b} group keep their own values and times (one read per group)', () => {
    const r = stat(['-e', 'page-faults:k,{context-switches,page-faults:u},page-faults,task-clock', '--json', '-', '--', '/bin/true']);
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { runs: { counters: Record<string, { value: number; state: string; enabled_ns: number; running_ns: number }> }[] };
    for (const run of j.runs) {
      const c = run.counters;
      expect(Object.keys(c)).toEqual(['page-faults:k', 'context-switches', 'page-faults:u', 'page-faults', 'task-clock']);
      expect(c['page-faults:u']!.value + c['page-faults:k']!.value).toBe(c['page-faults']!.value);
      expect(c['context-switches']!.value).toBeLessThan(c['page-faults']!.value);
      for (const v of Object.values(c)) {
        expect(v.state).toBe('counted');
        expect(v.enabled_ns).toBeGreaterThan(0);
        expect(v.running_ns).toBe(v.enabled_ns); // software events are never multiplexed
      }
    }
  });

  it('spawnCounted refuses eventGroups that do not match the events', async () => {
    await expect(spawnCounted({ argv: ['/bin/true'], events: ['task-clock', 'page-faults'], eventGroups: [0] })).rejects.toThrow(/options\.eventGroups must have one group number per event \(2\), got 1/);
    await expect(spawnCounted({ argv: ['/bin/true'], events: ['task-clock'], eventGroups: [-1] })).rejects.toThrow(/options\.eventGroups\[0\]/);
  });

  it.skipIf(!tracefs)('a tracepoint with :u counts nothing (syscall entry is kernel work); with :k all of it', () => {
    const r = stat(['-e', 'raw_syscalls:sys_enter,raw_syscalls:sys_enter:u,raw_syscalls:sys_enter:k', '--json', '-', '--', '/bin/true']);
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { runs: { counters: Record<string, { value: number }> }[] };
    for (const run of j.runs) {
      expect(run.counters['raw_syscalls:sys_enter:u']!.value).toBe(0);
      expect(run.counters['raw_syscalls:sys_enter:k']!.value).toBe(run.counters['raw_syscalls:sys_enter']!.value);
      expect(run.counters['raw_syscalls:sys_enter']!.value).toBeGreaterThan(0);
    }
  });

  it('{a,b}:u counts its members with the modifier', () => {
    const r = stat(['-e', '{page-faults,context-switches}:u', '-x', ',', '--', '/bin/true']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr.trim().split('\n').filter((l) => !l.startsWith('#')).map((l) => l.split(',')[2])).toEqual(['page-faults:u', 'context-switches:u']);
  });
});

describe("hyperfine's interface", () => {
  it('-n names the command in the text and the exports', () => {
    const file = join(tmp, 'named.json');
    const r = stat(['-e', 'task-clock', '-n', 'my true', '--export-json', file, '--', '/bin/true']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Benchmark 1: my true$/m);
    expect((JSON.parse(readFileSync(file, 'utf8')) as { results: { command: string }[] }).results[0]!.command).toBe('my true');
  });

  it('-P VAR MIN MAX -D STEP scans, substituting {VAR} in the command and the name', () => {
    const file = join(tmp, 'scan.json');
    const r = stat(['-e', 'task-clock', '-P', 'ms', '0', '1', '-D', '0.5', '-n', 'echo {ms}', '--export-json', file, '--', 'echo', '{ms}']);
    expect(r.status, r.stderr).toBe(0);
    const results = (JSON.parse(readFileSync(file, 'utf8')) as { results: { command: string; parameters: Record<string, string>; times: number[] }[] }).results;
    expect(results.map((x) => x.command)).toEqual(['echo 0', 'echo 0.5', 'echo 1']);
    expect(results.map((x) => x.parameters)).toEqual([{ ms: '0' }, { ms: '0.5' }, { ms: '1' }]);
    expect(results.every((x) => x.times.length === 3)).toBe(true);
    expect(r.stdout).toMatch(/^Summary\n  '.+' ran\n    \d+\.\d\d ± \d+\.\d\d times faster than '/m);
  });

  it('-L with several lists benchmarks every combination, the first list varying fastest (as hyperfine)', () => {
    const r = stat(['-e', 'task-clock', '-L', 'n', '1,2', '-L', 's', 'a,b', '--shell', 'echo {n} {s}']);
    expect(r.status, r.stderr).toBe(0);
    expect([...r.stdout.matchAll(/^Benchmark \d+: (.*)$/gm)].map((m) => m[1])).toEqual(['echo 1 a', 'echo 2 a', 'echo 1 b', 'echo 2 b']);
  });

  it('--export-markdown and --export-csv have hyperfine\'s layout; --time-unit second sets the unit', () => {
    const md = join(tmp, 'x.md'), csv = join(tmp, 'x.csv');
    const r = stat(['-e', 'task-clock', '-u', 'second', '-L', 'n', '1,2', '--export-markdown', md, '--export-csv', csv, '--', 'sh', '-c', 'exit 0 {n}']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Time \(mean ± σ\): +\d+\.\d{3} s ±/);
    const mdLines = readFileSync(md, 'utf8').trim().split('\n');
    expect(mdLines[0]).toBe('| Command | Mean [s] | Min [s] | Max [s] | Relative |');
    expect(mdLines[1]).toBe('|:---|---:|---:|---:|---:|');
    expect(mdLines.slice(2).some((l) => / 1\.00 \|$/.test(l))).toBe(true);
    const csvLines = readFileSync(csv, 'utf8').trim().split('\n');
    expect(csvLines[0]).toBe('command,mean,stddev,median,user,system,min,max,parameter_n');
    expect(csvLines[1]).toMatch(/^sh -c 'exit 0 1',[\d.e-]+(,[\d.e-]+){6},1$/);
  });

  it('one run: no σ anywhere (hyperfine\'s "Time (abs ≡)", a Markdown mean without ±, stddev null in the JSON)', () => {
    const md = join(tmp, 'one.md'), json = join(tmp, 'one.json');
    const r = run(['stat', '-r', '1', '-w', '0', '-e', 'task-clock', '--export-markdown', md, '--export-json', json, '--', '/bin/true']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^  Time \(abs ≡\): +\d+\.\d ms/m);
    expect(r.stdout).not.toMatch(/NaN/);
    expect(readFileSync(md, 'utf8')).toMatch(/^\| `\/bin\/true` \| \d+\.\d \| \d+\.\d \| \d+\.\d \| 1\.00 \|$/m);
    expect((JSON.parse(readFileSync(json, 'utf8')) as { results: { stddev: unknown }[] }).results[0]!.stddev).toBeNull();
  });

  it.skipIf(hyperfine === null)('--export-json/-csv/-markdown match hyperfine\'s own key sets and headers (hyperfine run on the same command)', () => {
    const ours = { json: join(tmp, 'o.json'), csv: join(tmp, 'o.csv'), md: join(tmp, 'o.md') };
    const theirs = { json: join(tmp, 'h.json'), csv: join(tmp, 'h.csv'), md: join(tmp, 'h.md') };
    const a = stat(['-e', 'task-clock', '-L', 'n', '1,2', '-i', '--export-json', ours.json, '--export-csv', ours.csv, '--export-markdown', ours.md, '--shell', 'echo {n}; exit 3']);
    expect(a.status, a.stderr).toBe(0);
    const b = spawnSync(hyperfine!, ['-N', '-r', '3', '-w', '0', '-i', '-L', 'n', '1,2', '--export-json', theirs.json, '--export-csv', theirs.csv, '--export-markdown', theirs.md, "sh -c 'echo {n}; exit 3'"], { encoding: 'utf8' });
    expect(b.status, b.stderr).toBe(0);
    type Export = { results: Record<string, unknown>[] };
    const oj = JSON.parse(readFileSync(ours.json, 'utf8')) as Export, hj = JSON.parse(readFileSync(theirs.json, 'utf8')) as Export;
    expect(Object.keys(oj).sort()).toEqual(Object.keys(hj).sort());
    // hyperfine 1.16 added memory_usage_byte (ours has it); an older hyperfine lacks only that key.
    const keys = (r: Record<string, unknown>, other: Record<string, unknown>) => Object.keys(r).filter((k) => k !== 'memory_usage_byte' || k in other).sort();
    expect(oj.results.map((r, i) => keys(r, hj.results[i]!))).toEqual(hj.results.map((r, i) => keys(r, oj.results[i]!)));
    for (const r of oj.results) expect(r['memory_usage_byte']).toHaveLength((r['times'] as number[]).length);
    expect(oj.results.map((r) => [r['parameters'], r['exit_codes']])).toEqual(hj.results.map((r) => [r['parameters'], r['exit_codes']]));
    for (const r of oj.results) for (const k of ['mean', 'stddev', 'median', 'user', 'system', 'min', 'max']) expect(typeof r[k]).toBe('number');
    const header = (f: string, n: number) => readFileSync(f, 'utf8').split('\n').slice(0, n);
    expect(header(ours.csv, 1)).toEqual(header(theirs.csv, 1));
    expect(header(ours.md, 2)).toEqual(header(theirs.md, 2));
  }, 120_000);

  it('--json - keeps its shape: JSON alone on stdout, the text on stderr', () => {
    const r = stat(['-e', 'task-clock', '--json', '-', '--', '/bin/true']);
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout) as { command: string[]; runs: unknown[]; summary: { wall_ns: { n: number } } };
    expect(j.command).toEqual(['/bin/true']);
    expect(j.runs).toHaveLength(3);
    expect(j.summary.wall_ns.n).toBe(3);
    expect(r.stderr).toContain('Performance counter stats');
  });
});

describe('exit codes, interrupts, quoting, timeouts, warnings', () => {
  it('the command keeps its quoting in the display: sh -c \'exit 3\'', () => {
    const r = stat(['-e', 'task-clock', '-i', '--', 'sh', '-c', 'exit 3']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Benchmark 1: sh -c 'exit 3'$/m);
    expect(r.stderr).toContain(`Performance counter stats for "sh -c 'exit 3'"`);
  });

  it('warnings spell exit codes and signals out, never raw JSON', () => {
    const r = stat(['-e', 'task-clock', '-i', '--', 'sh', '-c', 'kill -9 $$']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('signal 9 (SIGKILL) in 3 runs');
    expect(r.stdout).not.toMatch(/\{"/);
  });

  it('runs killed at the timeout with -i are not samples of the timeout length', () => {
    const counter = join(tmp, 'flip-count');
    const script = join(tmp, 'flip.sh');
    // Odd runs sleep past the timeout; even runs exit at once.
    writeFileSync(script, `n=$(cat ${counter} 2>/dev/null || echo 0); echo $((n+1)) > ${counter}\nif [ $((n % 2)) -eq 1 ]; then exec sleep 30; fi\n`);
    const file = join(tmp, 'timeout.json');
    const r = run(['stat', '-r', '4', '-w', '0', '-i', '-t', '0.5', '-e', 'task-clock', '--export-json', file, '--', 'sh', script]);
    expect(r.status, r.stderr).toBe(0);
    const result = (JSON.parse(readFileSync(file, 'utf8')) as { results: { times: number[]; exit_codes: (number | null)[]; max: number }[] }).results[0]!;
    expect(result.times).toHaveLength(2);
    expect(result.exit_codes).toEqual([0, 0]);
    expect(result.max).toBeLessThan(0.5);
    expect(r.stdout).toMatch(/2 more runs hit the timeout and are not counted as samples/);
    expect(r.stderr).toMatch(/\(2 runs\)/); // perf's block, on stderr as perf writes it
  });

  it('when every run times out there is nothing to time: exit 1 with the reason', () => {
    const r = run(['stat', '-r', '2', '-w', '0', '-i', '-t', '0.2', '-e', 'task-clock', '--', 'sleep', '30']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/all 2 run\(s\) hit the timeout.*NO_SAMPLES/);
  });

  it('Ctrl-C (SIGINT) prints the summary of the finished runs and exits 130', async () => {
    const counter = join(tmp, 'int-count');
    // Runs 1-3 end at once; run 4 sleeps until interrupted.
    const script = `n=$(cat ${counter} 2>/dev/null || echo 0); echo $((n+1)) > ${counter}; if [ "$n" -ge 3 ]; then exec sleep 60; fi`;
    const child = spawn(process.execPath, [cli, 'stat', '-r', '50', '-w', '0', '-e', 'task-clock', '--shell', '--', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString())); // perf's counter block
    const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const deadline = Date.now() + 60_000;
    while (!(existsSync(counter) && readFileSync(counter, 'utf8').trim() === '4') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGINT');
    expect(await closed).toBe(130);
    expect(out).toMatch(/Performance counter stats for .* \(3 runs\)/);
    expect(out).toMatch(/interrupted by SIGINT; the summary above covers the 3 finished runs/);
  }, 90_000);
});

describe('helpers', () => {
  it('shellQuote leaves plain words bare and quotes the rest', () => {
    expect(shellQuote(['sh', '-c', 'exit 3'])).toBe("sh -c 'exit 3'");
    expect(shellQuote(['echo', "it's", '$HOME', 'a/b.c'])).toBe(`echo 'it'\\''s' '$HOME' a/b.c`);
  });
  it('scanAxis keeps decimals exact and bounds the count; listAxis and combinations follow hyperfine', () => {
    expect(scanAxis('d', '0.3', '0.7', '0.2').values).toEqual(['0.3', '0.5', '0.7']);
    expect(scanAxis('n', '1', '4').values).toEqual(['1', '2', '3', '4']);
    expect(() => scanAxis('n', '1', '1e9')).toThrow(/at most/);
    expect(() => scanAxis('n', 'x', '2')).toThrow(/MIN must be a number/);
    expect(() => scanAxis('bad name', '1', '2')).toThrow(/parameter name/);
    expect(() => listAxis('n', 'a,,b')).toThrow(/empty entries/);
    expect(combinations([listAxis('n', '1,2'), listAxis('s', 'a,b')])).toEqual([{ n: '1', s: 'a' }, { n: '2', s: 'a' }, { n: '1', s: 'b' }, { n: '2', s: 'b' }]);
    expect(() => combinations([listAxis('n', '1'), listAxis('n', '2')])).toThrow(/twice/);
    expect(substitute('{n}-{n} {m} {x}', { n: '1', m: '2' })).toBe('1-1 2 {x}');
  });
  it('foldMultiValueOptions joins -P/-L values, skips other options\' values and stops at --', () => {
    const options = [
      { short: '-P', long: '--parameter-scan', required: true },
      { short: '-L', long: '--parameter-list', required: true },
      { short: '-p', long: '--prepare', required: true },
      { short: '-i', long: '--ignore-failure', required: false },
    ] as unknown as Parameters<typeof foldMultiValueOptions>[1];
    const arity = { '--parameter-scan': 3, '--parameter-list': 2 };
    const s = VALUE_SEPARATOR;
    expect(foldMultiValueOptions(['-p', '-P', '-P', 'n', '-1', '1', '-i', '--', '-L', 'x'], options, arity)).toEqual({ argv: ['-p', '-P', '-P', `n${s}-1${s}1`, '-i', '--', '-L', 'x'], endOfOptions: 5 });
    expect(foldMultiValueOptions(['-L', 'a', '1,2', '-L', 'b', 'x', 'cmd'], options, arity)).toEqual({ argv: ['-L', `a${s}1,2`, '-L', `b${s}x`, 'cmd'], endOfOptions: -1 });
    expect(foldMultiValueOptions(['-P', 'n', '1', '--', 'x'], options, arity).argv).toEqual(['-P', `n${s}1`, '--', 'x']);
  });
});
