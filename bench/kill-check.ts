/**
 * Does a killed `bench` lose or leave anything? A fault-injection driver (issue 24), not a
 * timed test: it starts `bench` on a results folder that already holds a complete run and a
 * user's file, kills it with SIGKILL or SIGHUP at a random moment, and then checks:
 *
 *  - at the moment of the kill: the folder holds one complete run (every file its manifest
 *    lists, with that hash) and the user's file, untouched;
 *  - after the next start (any command that sweeps: `stat -r 1 -- /bin/true` here): no
 *    `prtip-perf-*` network namespace or /run/netns mount, no `prtip-perf-<pid>` cgroup and no
 *    fork folder of the killed run is left, and no process of it still runs.
 *
 * The check reads the folder and the system itself, not through the code under test.
 *
 * Usage: node dist/bench/kill-check.js [--trials N] [--signal KILL|HUP] [--suite LIST]
 *                                      [--max-delay MS] [--out DIR]
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ownCgroupDir } from '../src/measure/leftovers.js';

const USAGE = `Usage: node dist/bench/kill-check.js [options]

  --trials N        kills to try (default 20)
  --signal NAME     KILL or HUP (default KILL)
  --suite LIST      the suites the killed bench runs (default counters,prtip: forks, namespaces
                    and cgroups are all in play; prtip needs PRTIP_BIN or prtip on PATH)
  --max-delay MS    the kill lands uniformly in [200, MS] ms after the start (default 25000)
  --out DIR         where the trial folders go (default $TMPDIR/prtip-perf-kill-check)`;

interface Options { trials: number; signal: 'SIGKILL' | 'SIGHUP'; suites: string; maxDelayMs: number; out: string }

function parse(argv: readonly string[]): Options {
  const o: Options = { trials: 20, signal: 'SIGKILL', suites: 'counters,prtip', maxDelayMs: 25_000, out: join(tmpdir(), 'prtip-perf-kill-check') };
  const int = (name: string, text: string | undefined, lo: number, hi: number): number => {
    const v = Number(text);
    if (!Number.isInteger(v) || v < lo || v > hi) throw new RangeError(`${name}: expected an integer from ${lo} to ${hi}, got "${text}"`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--trials') o.trials = int(a, argv[++i], 1, 200);
    else if (a === '--signal') {
      const s = argv[++i];
      if (s !== 'KILL' && s !== 'HUP') throw new RangeError(`--signal: expected KILL or HUP, got "${s}"`);
      o.signal = `SIG${s}`;
    } else if (a === '--suite') o.suites = argv[++i] ?? '';
    else if (a === '--max-delay') o.maxDelayMs = int(a, argv[++i], 300, 600_000);
    else if (a === '--out') o.out = resolve(argv[++i] ?? '');
    else if (a === '-h' || a === '--help') {
      console.log(USAGE);
      process.exit(0);
    } else throw new RangeError(`unknown option "${a}" (see --help)`);
  }
  return o;
}

const here = fileURLToPath(new URL('.', import.meta.url));
const benchJs = join(here, 'index.js');
const cliJs = join(here, 'cli.js');
const USER_FILE = 'my-notes.txt';
const USER_TEXT = 'the user\'s own notes: never touched\n';

/** 'complete' when every file the manifest lists is there with its hash; otherwise what is wrong. */
function folderState(dir: string): string {
  let manifest: { files?: string[]; sha256?: Record<string, string> };
  try {
    manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as typeof manifest;
  } catch (err) {
    return `no readable manifest (${(err as Error).message})`;
  }
  for (const name of manifest.files ?? []) {
    let text: Buffer;
    try {
      text = readFileSync(join(dir, name));
    } catch {
      return `${name} listed but missing`;
    }
    if (createHash('sha256').update(text).digest('hex') !== manifest.sha256?.[name]) return `${name} is not the file the manifest lists (mixed runs)`;
  }
  return (manifest.files ?? []).length > 0 ? 'complete' : 'manifest lists no files';
}

/** Things of ours a run can leave: namespaces (and their mounts), cgroups, fork folders. */
function leftovers(): string[] {
  const found: string[] = [];
  const list = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir) : []);
  found.push(...list('/run/netns').filter((n) => n.startsWith('prtip-perf-')).map((n) => `namespace ${n}`));
  const mounts = existsSync('/proc/self/mountinfo') ? readFileSync('/proc/self/mountinfo', 'utf8') : '';
  found.push(...mounts.split('\n').filter((l) => / \/run\/netns\/prtip-perf-/.test(l)).map((l) => `mount ${l.split(' ')[4]}`));
  const home = ownCgroupDir();
  if (home !== undefined) found.push(...list(home).filter((n) => /^prtip-perf-\d+/.test(n)).map((n) => `cgroup ${n}`));
  found.push(...list(tmpdir()).filter((n) => n.startsWith('prtip-perf-fork-')).map((n) => `fork folder ${n}`));
  return found;
}

/** Processes still running from the killed bench's process group. */
function survivors(pgid: number): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid) pids.push(Number(name)); // field 5: pgrp
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

async function waitFor(test: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (test()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return test();
}

interface Trial { delayMs: number; exit: string; atKill: string; userFile: boolean; leftAfterNextStart: string[]; survivors: number; sweepSaid: string }

/** One trial: a complete earlier run and a user's file in the folder, then bench killed at `delayMs`. */
async function trial(o: Options, dir: string): Promise<Trial> {
  writeFileSync(join(dir, USER_FILE), USER_TEXT);
  const delayMs = 200 + Math.floor(Math.random() * (o.maxDelayMs - 200));
  const child = spawn(process.execPath, [benchJs, '--quick', '--suite', o.suites, '--out', dir], { detached: true, stdio: 'ignore' });
  const exited = new Promise<string>((r) => child.on('exit', (code, signal) => r(signal ?? String(code))));
  const done = await Promise.race([exited.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), delayMs))]);
  if (!done) child.kill(o.signal);
  const exit = await exited;
  const atKill = folderState(dir);
  // A killed bench's forks and scans end on their own bounds; give them a moment, as a user would.
  await waitFor(() => survivors(child.pid!).length === 0, 15_000);
  const next = spawnSync(process.execPath, [cliJs, 'stat', '-r', '1', '--', '/bin/true'], { encoding: 'utf8', timeout: 60_000 });
  const sweepSaid = (next.stderr.match(/removed what a killed earlier run left behind: .*/)?.[0] ?? '').slice(0, 200);
  return {
    delayMs, exit: done ? `finished (${exit})` : exit, atKill,
    userFile: existsSync(join(dir, USER_FILE)) && readFileSync(join(dir, USER_FILE), 'utf8') === USER_TEXT,
    leftAfterNextStart: leftovers(), survivors: survivors(child.pid!).length, sweepSaid,
  };
}

async function main(): Promise<void> {
  const o = parse(process.argv.slice(2));
  rmSync(o.out, { recursive: true, force: true });
  mkdirSync(o.out, { recursive: true });
  const dir = join(o.out, 'results');
  mkdirSync(dir);
  // The first, complete run: what every trial starts from.
  const first = spawnSync(process.execPath, [benchJs, '--quick', '--suite', o.suites, '--out', dir], { stdio: 'ignore', timeout: 600_000 });
  if (first.status !== 0 || folderState(dir) !== 'complete') throw new Error(`the first run did not complete (exit ${first.status}, ${folderState(dir)})`);
  const trials: Trial[] = [];
  for (let i = 0; i < o.trials; i++) {
    const t = await trial(o, dir);
    trials.push(t);
    console.log(`${String(i + 1).padStart(3)}  ${o.signal} at ${t.delayMs} ms: ${t.exit}; folder ${t.atKill}; user file ${t.userFile ? 'kept' : 'LOST'}; ` +
      `left after next start: ${t.leftAfterNextStart.length === 0 ? 'nothing' : t.leftAfterNextStart.join(', ')}; survivors ${t.survivors}` +
      (t.sweepSaid ? `; the sweep said: ${t.sweepSaid}` : ''));
    if (folderState(dir) !== 'complete') break; // later trials would start from a broken folder
  }
  const summary = {
    signal: o.signal, trials: trials.length, suites: o.suites,
    killed: trials.filter((t) => !t.exit.startsWith('finished')).length,
    notCompleteAtKill: trials.filter((t) => t.atKill !== 'complete').length,
    userFilesLost: trials.filter((t) => !t.userFile).length,
    leftoversAfterNextStart: trials.filter((t) => t.leftAfterNextStart.length > 0).length,
    survivors: trials.filter((t) => t.survivors > 0).length,
  };
  writeFileSync(join(o.out, 'kill-check.json'), JSON.stringify({ summary, trials }, null, 2) + '\n');
  console.log(JSON.stringify(summary));
  process.exitCode = summary.notCompleteAtKill + summary.userFilesLost + summary.leftoversAfterNextStart + summary.survivors === 0 ? 0 : 1;
}

await main();
