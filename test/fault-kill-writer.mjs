#!/usr/bin/env node
/**
 * Fault injection for the results folder (issue 24): a child process writes a realistic
 * results folder over and over (the 13 files `bench --out` writes, 1.3 MB, each fsynced)
 * and is SIGKILLed at a random point. Per trial it judges the folder at the moment of the
 * kill (the complete old run or the complete new run, by the manifest and every file's
 * sha256; anything else is "mixed"), whether a user's file was lost, and what is left
 * behind after the next start (checkResultsFolder, which every `bench --out` runs first).
 *
 *   node test/fault-kill-writer.mjs [--trials N] [--case ours|user|both] [--root DIR]
 *   node test/fault-kill-writer.mjs --each-syscall [--max-kills N] [--case ...]
 *
 * --each-syscall kills at every point instead of random ones: strace lists the syscalls one
 * write makes that change or sync the disk (mkdir, openat, write, fsync, chmod, rename,
 * renameat2, unlink, rmdir), then the write is run again once per syscall, killed by strace
 * on entering it (-e inject=SYSCALL:signal=SIGKILL:when=N). --max-kills takes that many
 * points spread evenly over the list (the default is all of them). Needs strace and ptrace.
 *
 * Cases: "ours", a folder holding only files prtip-perf wrote (swapped whole with
 * renameat2); "user", one also holding the user's notes.txt (carried into the new folder as
 * a hard link of the same file, then swapped the same way). Prints one JSON line per case.
 * Exit 1 when a user file was lost, anything was left after the next start, a folder was
 * not complete after it, or one was mixed at the kill. Needs `npm run build` (dist/).
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomInt } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** dist/…/results-folder.js wherever the layout puts it. */
function findModule(dir, name) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      const found = findModule(p, name);
      if (found) return found;
    } else if (e.name === name) return p;
  }
  return undefined;
}
const folderJs = findModule(join(here, '..', 'dist', 'src'), 'results-folder.js');
if (!folderJs) throw new Error('dist/src/**/results-folder.js not found: run `npm run build` first');
const { checkResultsFolder, writeResultsFolder, MANIFEST, SWAP_INFIX, TEMP_PREFIX } = await import(pathToFileURL(folderJs).href);

/** Sizes of a full `npm run bench` folder (bytes), the manifest aside. */
const SIZES = {
  'bench.json': 600_000, 'bench.md': 120_000, 'bench.html': 350_000, 'metrics.csv': 20_000, 'claims.csv': 60_000,
  'tables.csv': 50_000, 'comparison.csv': 30_000, 'github-action-benchmark-smaller.json': 15_000,
  'github-action-benchmark-bigger.json': 8_000, 'github-action-benchmark-ungated.json': 2_000, 'hyperfine.json': 40_000, 'bencher.json': 15_000,
};

/** The child: announces itself, then writes run after run until killed. */
const WRITER = `
import { writeResultsFolder } from ${JSON.stringify(pathToFileURL(folderJs).href)};
const [dir, sizes] = [process.argv[1], JSON.parse(process.argv[2])]; // node -e: no script path in argv
const files = (tag) => Object.entries(sizes).map(([n, b]) => [n, (tag + ' ' + n + '\\n').padEnd(b, '.')]);
process.stdout.write('ready\\n');
for (let i = 0; ; i++) {
  const r = writeResultsFolder(dir, 'run-' + i, files('run-' + i));
  if (i === 0) process.stdout.write(r.method + (r.note ? ': ' + r.note : '') + '\\n');
}
`;

function parseArgs(argv) {
  const o = { trials: 20, case: 'both', root: undefined, eachSyscall: false, maxKills: Infinity };
  for (let i = 0; i < argv.length; i++) {
    const [k, v] = [argv[i], argv[i + 1]];
    if (k === '--trials' && /^[1-9]\d*$/.test(v ?? '')) (o.trials = Number(v)), i++;
    else if (k === '--case' && ['ours', 'user', 'both'].includes(v)) (o.case = v), i++;
    else if (k === '--root' && v) (o.root = v), i++;
    else if (k === '--each-syscall') o.eachSyscall = true;
    else if (k === '--max-kills' && /^[1-9]\d*$/.test(v ?? '')) (o.maxKills = Number(v)), i++;
    else throw new RangeError(`unknown or bad option ${k}${v === undefined ? '' : ' ' + v}; expected --trials N, --case ours|user|both, --root DIR, --each-syscall, --max-kills N`);
  }
  return o;
}

const sha256 = (b) => createHash('sha256').update(b).digest('hex');

/** 'old', 'new' (complete runs, by manifest and hashes) or 'mixed'. */
function judge(dir, oldRun) {
  let m;
  try {
    m = JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8'));
  } catch {
    return 'mixed';
  }
  const whole = m.files.every((f) => existsSync(join(dir, f)) && sha256(readFileSync(join(dir, f))) === m.sha256[f]);
  if (!whole) return 'mixed';
  return m.startedAt === oldRun ? 'old' : 'new';
}

/** Our temporary folders left inside the folder or beside it. */
function leftovers(dir) {
  const inside = existsSync(dir) ? readdirSync(dir).filter((n) => n.startsWith(TEMP_PREFIX)) : [];
  const beside = readdirSync(dirname(dir)).filter((n) => n.startsWith(`.${basename(dir)}${SWAP_INFIX}`));
  return [...inside, ...beside];
}

async function trial(root, t, withUser) {
  const dir = join(root, `${withUser ? 'user' : 'ours'}-${t}`);
  const files = (tag) => Object.entries(SIZES).map(([n, b]) => [n, `${tag} ${n}\n`.padEnd(b, '.')]);
  writeResultsFolder(dir, 'old', files('old'));
  if (withUser) writeFileSync(join(dir, 'notes.txt'), `mine ${t}`);
  writeFileSync(join(root, `outside-${t}.txt`), 'mine');
  const child = spawn(process.execPath, ['--input-type=module', '-e', WRITER, dir, JSON.stringify(SIZES)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  const closed = new Promise((r) => child.once('close', r));
  const ready = await Promise.race([new Promise((r) => child.stdout.once('data', () => r(true))), closed.then(() => false)]); // node has started
  if (!ready) throw new Error(`the writer exited before it began (trial ${t})`);
  await new Promise((r) => setTimeout(r, randomInt(600)));
  child.kill('SIGKILL');
  await closed;
  const atKill = judge(dir, 'old');
  const midWrite = leftovers(dir).length > 0;
  const { warnings } = checkResultsFolder(dir); // the next start
  const lost = (withUser && (!existsSync(join(dir, 'notes.txt')) || readFileSync(join(dir, 'notes.txt'), 'utf8') !== `mine ${t}`) ? 1 : 0) +
    (readFileSync(join(root, `outside-${t}.txt`), 'utf8') === 'mine' ? 0 : 1);
  return { atKill, midWrite, lost, left: leftovers(dir).length, afterStart: judge(dir, 'old'), said: warnings.length > 0, method: out.split('\n')[1] ?? '' };
}

async function runCase(root, trials, withUser) {
  const c = { case: withUser ? 'user' : 'ours', trials, mixedAtKill: 0, oldAtKill: 0, newAtKill: 0, killedMidWrite: 0, userFilesLost: 0, leftoversAfterNextStart: 0, incompleteAfterNextStart: 0, sweepsNotSaid: 0, method: '' };
  for (let t = 0; t < trials; t++) {
    const r = await trial(root, t, withUser);
    c[`${r.atKill}AtKill`]++;
    if (r.midWrite) c.killedMidWrite++;
    if (r.midWrite && !r.said) c.sweepsNotSaid++;
    c.userFilesLost += r.lost;
    c.leftoversAfterNextStart += r.left;
    if (r.afterStart === 'mixed') c.incompleteAfterNextStart++;
    if (r.method) c.method = r.method;
  }
  return c;
}

/** The child of --each-syscall: one write of the new run between two markers (kill(self, 0)). */
const ONE_WRITE = `
import { writeResultsFolder } from ${JSON.stringify(pathToFileURL(folderJs).href)};
const [dir, sizes] = [process.argv[1], JSON.parse(process.argv[2])];
process.kill(process.pid, 0);
writeResultsFolder(dir, 'new', Object.entries(sizes).map(([n, b]) => [n, ('new ' + n + '\\n').padEnd(b, '.')]));
process.kill(process.pid, 0);
`;
const TRACED = ['kill', 'mkdir', 'openat', 'write', 'fsync', 'chmod', 'rename', 'renameat2', 'unlink', 'rmdir'];

/** A fresh folder holding the complete old run (and the user's file). */
function prepare(root, name, withUser) {
  const dir = join(root, name);
  writeResultsFolder(dir, 'old', Object.entries(SIZES).map(([n, b]) => [n, `old ${n}\n`.padEnd(b, '.')]));
  if (withUser) writeFileSync(join(dir, 'notes.txt'), 'mine');
  return dir;
}

/** Every traced syscall the write makes, as [syscall, its ordinal among that syscall's calls since exec, the line]. */
function killPoints(root, withUser) {
  const dir = prepare(root, 'probe', withUser);
  const t = spawnSync('strace', ['-qq', '-e', `trace=${TRACED.join(',')}`, process.execPath, '--input-type=module', '-e', ONE_WRITE, dir, JSON.stringify(SIZES)], { encoding: 'utf8' });
  const seen = new Map();
  const points = [];
  let markers = 0;
  for (const line of t.stderr.split('\n')) {
    const name = /^([a-z0-9_]+)\(/.exec(line)?.[1];
    if (!name || !TRACED.includes(name)) continue;
    seen.set(name, (seen.get(name) ?? 0) + 1);
    if (name === 'kill' && line.includes(', 0)')) markers++;
    else if (markers === 1) points.push([name, seen.get(name), line]);
  }
  rmSync(dir, { recursive: true, force: true });
  if (markers < 2 || points.length === 0) throw new Error(`strace saw no write between the markers (strace exit ${t.status}): ${t.stderr.slice(-300)}`);
  return points;
}

async function eachSyscall(root, withUser, maxKills) {
  const all = killPoints(root, withUser);
  const step = all.length / Math.min(maxKills, all.length);
  const chosen = [...new Set(Array.from({ length: Math.min(maxKills, all.length) }, (_, i) => Math.floor(i * step)))].map((i) => all[i]);
  const c = { case: withUser ? 'user' : 'ours', mode: 'each-syscall', points: all.length, kills: 0, missed: 0, mixedAtKill: 0, oldAtKill: 0, newAtKill: 0, userFilesLost: 0, leftoversAfterNextStart: 0, incompleteAfterNextStart: 0, mixedAt: [] };
  for (const [k, [name, nth, line]] of chosen.entries()) {
    const dir = prepare(root, `each-${withUser ? 'user' : 'ours'}-${k}`, withUser);
    const t = spawnSync('strace', ['-qq', '-e', `trace=${name}`, '-e', `inject=${name}:signal=SIGKILL:when=${nth}`, process.execPath, '--input-type=module', '-e', ONE_WRITE, dir, JSON.stringify(SIZES)], { encoding: 'utf8' });
    if (!/killed by SIGKILL/.test(t.stderr)) {
      c.missed++; // the write ended before that call (the list moved): not a kill
      continue;
    }
    c.kills++;
    const atKill = judge(dir, 'old');
    c[`${atKill}AtKill`]++;
    if (atKill === 'mixed') c.mixedAt.push(`${name} ${basename(/"([^"]*)"/.exec(line)?.[1] ?? '')}`);
    checkResultsFolder(dir); // the next start
    if (withUser && readFileSync(join(dir, 'notes.txt'), 'utf8') !== 'mine') c.userFilesLost++;
    c.leftoversAfterNextStart += leftovers(dir).length;
    if (judge(dir, 'old') === 'mixed') c.incompleteAfterNextStart++;
  }
  return c;
}

const opts = parseArgs(process.argv.slice(2));
const root = mkdtempSync(join(opts.root ?? tmpdir(), 'prtip-kill-writer-'));
let failed = false;
try {
  for (const withUser of opts.case === 'both' ? [false, true] : [opts.case === 'user']) {
    const c = opts.eachSyscall ? await eachSyscall(root, withUser, opts.maxKills) : await runCase(root, opts.trials, withUser);
    console.log(JSON.stringify(c));
    failed ||= c.userFilesLost > 0 || c.leftoversAfterNextStart > 0 || c.incompleteAfterNextStart > 0 || (c.sweepsNotSaid ?? 0) > 0 || c.mixedAtKill > 0;
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;
