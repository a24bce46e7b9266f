/**
 * Fault injection: nothing lost, nothing left behind. Each case counts, over its trials,
 * user files lost, half-written results folders (neither the complete new run nor the
 * untouched old one) and leftovers (namespaces, temp folders) after the next start.
 * PRTIP_PERF_FAULT_TRIALS sets the trials per case (3 in npm test; 20 by hand).
 * Disk faults run in a private mount namespace (unshare -m) on a small tmpfs.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash, randomInt } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FORK_DIR_PREFIX, ownCgroupDir, sweepForkDirs, sweepLeftovers } from '../src/measure/leftovers.js';
import { canCreateNamespaces, listHarnessNamespaces } from '../src/measure/netns.js';
import { MANIFEST, TEMP_PREFIX, writeResultsFolder } from '../src/report/results-folder.js';

const TRIALS = Number(process.env.PRTIP_PERF_FAULT_TRIALS ?? 3);
const dist = new URL('../dist/', import.meta.url).pathname;
const benchJs = join(dist, 'bench/index.js');
const folderJs = join(dist, 'src/report/results-folder.js');
const isRoot = process.getuid?.() === 0;
const canUnshare = isRoot && spawnSync('unshare', ['-m', 'true']).status === 0;

/**
 * 'complete' when the manifest's files all carry its hashes and no killed write is half
 * renamed (a temp folder holding a manifest); a temp folder without one is an unfinished
 * write beside an untouched run (a leftover the next start removes, counted apart).
 */
function folderState(dir: string): { complete: boolean; run: string } {
  if (readdirSync(dir).some((n) => n.startsWith(TEMP_PREFIX) && existsSync(join(dir, n, MANIFEST)))) return { complete: false, run: 'a write half renamed' };
  const m = JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8')) as { files: string[]; sha256: Record<string, string>; startedAt: string };
  const ok = m.files.every((f) => existsSync(join(dir, f)) && createHash('sha256').update(readFileSync(join(dir, f))).digest('hex') === m.sha256[f]);
  return { complete: ok, run: m.startedAt };
}

function runFiles(tag: string, bytes: number): [string, string][] {
  return ['bench.json', 'bench.md', 'bench.html', 'metrics.csv'].map((n) => [n, `${tag} ${n}\n`.padEnd(bytes, '.')]);
}

/** The script a child runs in a private mount namespace: writes over a nearly full tmpfs. */
const FULL_DISK_SCRIPT = `
import { writeFileSync, rmSync, readdirSync, readFileSync, existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { writeResultsFolder, checkResultsFolder } from ${JSON.stringify(folderJs)};
const [root, trials] = [process.argv[2], Number(process.argv[3])];
const dir = join(root, 'results');
const files = (tag, bytes) => ['bench.json', 'bench.md', 'bench.html', 'metrics.csv'].map((n) => [n, (tag + ' ' + n + '\\n').padEnd(bytes, '.')]);
const out = { lost: 0, half: 0, leftovers: 0, failedWrites: 0, refusedBefore: 0, trials };
for (let t = 0; t < trials; t++) {
  rmSync(dir, { recursive: true, force: true });
  writeResultsFolder(dir, 'old', files('old', 20000));
  writeFileSync(join(dir, 'notes.txt'), 'mine');
  // leave between 0 and 250 KB free: the new run (4 x 30 KB + manifest, 128 KB in pages) fails somewhere in it, or fits
  try { writeFileSync(join(root, 'filler'), Buffer.alloc(Math.max(0, ${512 * 1024} - 90000 - Math.floor(Math.random() * 250000)))); } catch { /* filled */ }
  try { checkResultsFolder(dir); } catch { out.refusedBefore++; }
  try { writeResultsFolder(dir, 'new', files('new', 30000)); } catch { out.failedWrites++; }
  if (!existsSync(join(dir, 'notes.txt')) || readFileSync(join(dir, 'notes.txt'), 'utf8') !== 'mine') out.lost++;
  if (readdirSync(dir).some((n) => n.startsWith('.prtip-perf-writing-'))) out.leftovers++;
  const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  if (!m.files.every((f) => createHash('sha256').update(readFileSync(join(dir, f))).digest('hex') === m.sha256[f])) out.half++;
  rmSync(join(root, 'filler'), { force: true });
}
console.log(JSON.stringify(out));
`;

describe.skipIf(!canUnshare)('a full disk and a read-only mount (private mount namespace, tmpfs)', () => {
  it(`a full tmpfs, ${TRIALS} trials: the write fails whole (old run untouched) or succeeds whole; no user file lost`, () => {
    const root = mkdtempSync(join(tmpdir(), 'prtip-fault-'));
    const script = join(root, 'full.mjs');
    writeFileSync(script, FULL_DISK_SCRIPT);
    const mnt = join(root, 'mnt');
    mkdirSync(mnt);
    const r = spawnSync('unshare', ['-m', '--propagation', 'private', 'sh', '-c', `mount -t tmpfs -o size=512k tmpfs "${mnt}" && exec "${process.execPath}" "${script}" "${mnt}" ${TRIALS}`], { encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, number>;
    console.log(`full tmpfs: ${JSON.stringify(out)}`);
    expect(out).toMatchObject({ lost: 0, half: 0, leftovers: 0 });
    rmSync(root, { recursive: true, force: true });
  }, 180_000);

  it('--out on a read-only mount and on a full disk: exit 2, one line why, before measuring', () => {
    const root = mkdtempSync(join(tmpdir(), 'prtip-fault-'));
    const mnt = join(root, 'mnt');
    mkdirSync(mnt);
    const sh = `mount -t tmpfs -o size=256k tmpfs "${mnt}" && mkdir "${mnt}/ro" "${mnt}/full" && mount -t tmpfs -o ro,size=64k tmpfs "${mnt}/ro" &&
      "${process.execPath}" "${benchJs}" --suite checksum --out "${mnt}/ro/results"; echo "ro=$?";
      dd if=/dev/zero of="${mnt}/filler" bs=4k 2>/dev/null;
      "${process.execPath}" "${benchJs}" --suite checksum --out "${mnt}/full/results"; echo "full=$?"`;
    const r = spawnSync('unshare', ['-m', '--propagation', 'private', 'sh', '-c', sh], { encoding: 'utf8', timeout: 300_000 });
    expect(r.stdout).toMatch(/ro=2/);
    expect(r.stderr).toMatch(/--out .*ro\/results: .*(not writable|cannot write)/);
    expect(r.stdout).not.toMatch(/^prtip-perf bench/m); // refused before the run began
    expect(r.stdout).toMatch(/full=2/);
    expect(r.stderr).toMatch(/--out .*full\/results: cannot write in .*ENOSPC/);
    rmSync(root, { recursive: true, force: true });
  }, 360_000);
});

describe('refused and ignored cases', () => {
  it('--out naming a file: exit 2, one line, before measuring', () => {
    const root = mkdtempSync(join(tmpdir(), 'prtip-fault-'));
    writeFileSync(join(root, 'f'), 'mine');
    const r = spawnSync(process.execPath, [benchJs, '--suite', 'checksum', '--out', join(root, 'f')], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/is a file/);
    expect(r.stdout).toBe('');
    expect(readFileSync(join(root, 'f'), 'utf8')).toBe('mine');
  });

  it(`a manifest naming the user's files, folders and paths outside, ${TRIALS} trials: nothing of the user's removed`, () => {
    let lost = 0;
    for (let t = 0; t < TRIALS; t++) {
      const parent = mkdtempSync(join(tmpdir(), 'prtip-fault-'));
      const dir = join(parent, 'results');
      writeResultsFolder(dir, 'old', runFiles('old', 100));
      const user = ['notes.txt', 'data.csv', `u${t}.json`];
      for (const u of user) writeFileSync(join(dir, u), `mine ${u}`);
      writeFileSync(join(parent, 'outside.txt'), 'mine');
      mkdirSync(join(dir, 'sub'));
      const forged = [...user, 'sub', '../outside.txt', '/etc/hostname', join(parent, 'outside.txt')];
      const sha256 = Object.fromEntries(forged.map((f) => [f, createHash('sha256').update(`x${randomInt(1e6)}`).digest('hex')]));
      writeFileSync(join(dir, MANIFEST), JSON.stringify({ kind: 'prtip-perf/results-manifest', files: forged, sha256 }));
      const { warnings } = writeResultsFolder(dir, 'new', runFiles('new', 100));
      expect(warnings.length).toBeGreaterThanOrEqual(forged.length);
      lost += user.filter((u) => !existsSync(join(dir, u))).length + (existsSync(join(parent, 'outside.txt')) ? 0 : 1) + (existsSync(join(dir, 'sub')) ? 0 : 1);
      expect(folderState(dir).complete).toBe(true);
      rmSync(parent, { recursive: true, force: true });
    }
    expect(lost).toBe(0);
  });
});

const killWriter = new URL('./fault-kill-writer.mjs', import.meta.url).pathname;

describe('SIGKILL and SIGHUP at random points', () => {
  it(`SIGKILL of a results writer at a random point, ${TRIALS} trials per case (test/fault-kill-writer.mjs)`, () => {
    const r = spawnSync(process.execPath, [killWriter, '--trials', String(TRIALS)], { encoding: 'utf8', timeout: 240_000 });
    expect(r.status, r.stderr + r.stdout).toBe(0);
    const [ours, user] = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, number | string>);
    console.log(`SIGKILL of a writer:\n  ${JSON.stringify(ours)}\n  ${JSON.stringify(user)}`);
    // A folder holding only our files is swapped whole: never mixed, even at the kill.
    expect(ours).toMatchObject({ method: 'swap', mixedAtKill: 0, userFilesLost: 0, leftoversAfterNextStart: 0, incompleteAfterNextStart: 0, sweepsNotSaid: 0 });
    // One holding a user's file too: the file is carried into the new folder as a hard link, and the folder swapped whole.
    expect(user).toMatchObject({ method: 'swap', mixedAtKill: 0, userFilesLost: 0, leftoversAfterNextStart: 0, incompleteAfterNextStart: 0, sweepsNotSaid: 0 });
  }, 300_000);

  const canStrace = isRoot && spawnSync('strace', ['-qq', '-e', 'trace=none', 'true']).status === 0;
  it.skipIf(!canStrace)('SIGKILL by strace on entering a syscall of the write, 10 points spread over it per case (--each-syscall)', () => {
    const r = spawnSync(process.execPath, [killWriter, '--each-syscall', '--max-kills', '10'], { encoding: 'utf8', timeout: 240_000 });
    expect(r.status, r.stderr + r.stdout).toBe(0);
    const [ours, user] = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    console.log(`SIGKILL on entering a syscall:\n  ${JSON.stringify(ours)}\n  ${JSON.stringify(user)}`);
    expect(ours).toMatchObject({ mixedAtKill: 0, userFilesLost: 0, leftoversAfterNextStart: 0, incompleteAfterNextStart: 0 });
    expect(ours!.kills).toBeGreaterThan(0);
    expect(user).toMatchObject({ mixedAtKill: 0, userFilesLost: 0, leftoversAfterNextStart: 0, incompleteAfterNextStart: 0 });
  }, 300_000);

  it(`SIGKILL of a process holding a fork folder, ${TRIALS} trials: the next start removes it`, async () => {
    let left = 0;
    for (let t = 0; t < TRIALS; t++) {
      const child = spawn(process.execPath, ['-e', `const fs=require('fs'),os=require('os'),p=require('path');const d=fs.mkdtempSync(p.join(os.tmpdir(),'${FORK_DIR_PREFIX}'+process.pid+'-'));fs.writeFileSync(p.join(d,'result.json'),'{}');console.log(d);setInterval(()=>{},1000)`], { stdio: ['ignore', 'pipe', 'ignore'] });
      const dir = await new Promise<string>((r) => child.stdout!.once('data', (d: Buffer) => r(d.toString().trim())));
      child.kill('SIGKILL');
      await new Promise((r) => child.once('close', r));
      sweepForkDirs();
      if (existsSync(dir)) left++;
    }
    expect(left).toBe(0);
  }, 120_000);

  const home = ownCgroupDir();
  it.skipIf(home === undefined || !isRoot)('a cgroup a killed run left (with one nested in it) is removed at the next start, and the sweep names it', async () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    const dir = join(home!, `prtip-perf-${dead}-1`);
    mkdirSync(join(dir, 'inner'), { recursive: true });
    const removed = await sweepLeftovers();
    expect(removed).toContain(`cgroup ${dir}`);
    expect(existsSync(dir)).toBe(false);
  });

  const ns = canCreateNamespaces();
  it.skipIf(!ns.ok)(`SIGHUP and SIGKILL of a namespace owner, ${TRIALS} trials each: none left after the next start`, async () => {
    const netnsJs = join(dist, 'src/measure/netns.js');
    const owner = `import { createNamespace } from ${JSON.stringify(netnsJs)};
      await createNamespace({ veth: true }); await createNamespace({});
      console.log('ready'); setInterval(() => {}, 1000);`;
    const counts: Record<string, number> = { SIGHUP: 0, SIGKILL: 0 };
    for (const signal of ['SIGHUP', 'SIGKILL'] as const) {
      for (let t = 0; t < TRIALS; t++) {
        const child = spawn(process.execPath, ['--input-type=module', '-e', owner], { stdio: ['ignore', 'pipe', 'ignore'] });
        // a random point: before, during or after the namespaces exist
        await Promise.race([new Promise((r) => child.stdout!.once('data', r)), new Promise((r) => setTimeout(r, randomInt(400)))]);
        child.kill(signal);
        await new Promise((r) => child.once('close', r));
        await sweepLeftovers(); // the next start
        counts[signal]! += listHarnessNamespaces().filter((n) => n.startsWith(`prtip-perf-${child.pid}-`)).length;
      }
    }
    console.log(`namespace owners: left after the next start ${JSON.stringify(counts)}`);
    expect(counts).toEqual({ SIGHUP: 0, SIGKILL: 0 });
    // SIGHUP alone (no sweep): the owner's own handler removed them
    const child = spawn(process.execPath, ['--input-type=module', '-e', owner], { stdio: ['ignore', 'pipe', 'ignore'] });
    await new Promise((r) => child.stdout!.once('data', r));
    child.kill('SIGHUP');
    await new Promise((r) => child.once('close', r));
    expect(listHarnessNamespaces().filter((n) => n.startsWith(`prtip-perf-${child.pid}-`))).toEqual([]);
    execFileSync('true');
  }, 300_000);
});
