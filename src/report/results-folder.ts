/**
 * Writing the results folder so that a run cannot leave it half-written and never touches a
 * file it did not write:
 * - `checkResultsFolder` runs before any suite: the folder must be usable (a directory, or
 *   creatable), writable, with room for the previous run's size, and hold no file of ours
 *   by name that we did not write. A refusal is a `ResultsFolderError` (one line: why).
 * - `writeResultsFolder` replaces the whole folder in one step when it holds only our files
 *   (or is new or empty): the new run is built in a sibling folder (same parent, so same
 *   filesystem), fsynced, and swapped in with renameat2(RENAME_EXCHANGE); the old run, now
 *   at the sibling's name, is then removed. At every moment the folder is one complete run.
 * - A user's regular files and symlinks in the folder do not stop the swap: each is
 *   hard-linked (a symlink re-created) into the new folder before the exchange, so it is in
 *   the folder at every moment, as the same file (same inode: a write to it lands in both
 *   names), and the old folder's extra link is removed after.
 * - Otherwise (a user's subfolder or special file in it, a mount point, an unwritable parent,
 *   a filesystem that cannot exchange or link) it falls back, with a one-line note why, to writing every file into a
 *   hidden temporary folder inside the results folder, fsyncing them, then renaming them
 *   into place one by one, the manifest last; a SIGKILL between two renames leaves a mix
 *   that the next start finishes. A failure while writing (ENOSPC, EROFS) leaves the old
 *   run untouched either way.
 * - Only files the previous manifest lists AND whose content still has the sha256 that
 *   manifest recorded (our signature) are removed. A manifest naming anything outside the
 *   folder, a folder, or a file whose hash does not match is ignored with a warning.
 */
import { createHash, randomBytes } from 'node:crypto';
import { accessSync, chmodSync, chownSync, closeSync, constants, fsyncSync, linkSync, lstatSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readlinkSync, realpathSync, renameSync, rmdirSync, rmSync, statfsSync, statSync, symlinkSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { EXPORTERS } from './exporters.js';
import { PerfError } from '../core/errors.js';
import { renameExchange } from '../core/fsops.js';
import { pidGone } from '../measure/leftovers.js';

/** The manifest's name in the results folder. */
export const MANIFEST = 'manifest.json';

/** Prefix of the temporary folder a write uses inside the results folder. */
export const TEMP_PREFIX = '.prtip-perf-writing-';

/** Between `.<folder name>` and `<pid>-<random>`: the sibling a whole-folder write builds and swaps. */
export const SWAP_INFIX = '.prtip-perf-swap-';

/** Every file `npm run bench` may write into the results folder (the manifest aside): one per exporter. */
export const RESULT_FILES: readonly string[] = EXPORTERS.map((e) => e.file);

/** What manifest.json records. */
export interface ResultsManifest {
  kind: 'prtip-perf/results-manifest';
  /** When the run that wrote the folder started (BenchResult.startedAt). */
  startedAt: string;
  /** The files this run wrote, by name, in the order written. */
  files: string[];
  /** sha256 (hex) of each file written: the signature that lets a later run remove it. */
  sha256: Record<string, string>;
  /** Files of an earlier run this run removed. */
  removed: string[];
}

/** --out (or another output) refused before the run: the message is the one line shown. */
export class ResultsFolderError extends Error {
  override name = 'ResultsFolderError';
}

const MAX_MANIFEST_BYTES = 1 << 20;

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The previous manifest's files that are provably ours (plain name, regular file, hash matches), and warnings for the rest. */
export function ourEarlierFiles(dir: string): { ours: Map<string, string>; listed: Set<string>; warnings: string[] } {
  const ours = new Map<string, string>();
  const listed = new Set<string>();
  const warnings: string[] = [];
  const path = join(dir, MANIFEST);
  let m: Partial<ResultsManifest>;
  try {
    const st = lstatSync(path);
    if (!st.isFile()) return { ours, listed, warnings: [`${path}: not a regular file; ignored`] };
    if (st.size > MAX_MANIFEST_BYTES) return { ours, listed, warnings: [`${path}: larger than ${MAX_MANIFEST_BYTES} bytes; ignored`] };
    m = JSON.parse(readFileSync(path, 'utf8')) as Partial<ResultsManifest>;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { ours, listed, warnings };
    return { ours, listed, warnings: [`${path}: unreadable (${(err as Error).message}); ignored`] };
  }
  if (m === null || typeof m !== 'object' || m.kind !== 'prtip-perf/results-manifest' || !Array.isArray(m.files)) {
    return { ours, listed, warnings: [`${path}: not a prtip-perf manifest; ignored, nothing removed`] };
  }
  const hashes = m.sha256 !== null && typeof m.sha256 === 'object' ? m.sha256 : {};
  for (const f of m.files) {
    if (typeof f === 'string' && f === basename(f) && !f.startsWith('.')) listed.add(f);
    const why = notOurs(dir, f, hashes);
    if (why === undefined) ours.set(f as string, hashes[f as string]!);
    else warnings.push(`${MANIFEST} names ${JSON.stringify(f)}: ${why}; left alone`);
  }
  return { ours, listed, warnings };
}

function notOurs(dir: string, f: unknown, hashes: Record<string, unknown>): string | undefined {
  if (typeof f !== 'string' || f === '' || f !== basename(f) || f === '.' || f === '..' || f === MANIFEST || f.startsWith('.')) return 'not a plain file name in the folder';
  let st;
  try {
    st = lstatSync(join(dir, f));
  } catch {
    return 'no longer there';
  }
  if (!st.isFile()) return 'not a regular file';
  const h = hashes[f];
  if (typeof h !== 'string') return 'no signature recorded (not written by this version)';
  if (st.size > 256 << 20 || sha256(readFileSync(join(dir, f))) !== h) return 'changed since prtip-perf wrote it';
  return undefined;
}

/** The nearest existing ancestor of `path` (itself included). */
function nearestExisting(path: string): string {
  let p = resolve(path);
  for (;;) {
    try {
      statSync(p);
      return p;
    } catch {
      const up = dirname(p);
      if (up === p) return p;
      p = up;
    }
  }
}

/** Throws ResultsFolderError unless `dir` can hold a complete run written the safe way. */
export function checkResultsFolder(dir: string, option = '--out'): { warnings: string[] } {
  const abs = resolve(dir);
  const existing = nearestExisting(abs);
  const st = statSync(existing);
  if (!st.isDirectory()) throw new ResultsFolderError(`${option} ${dir}: ${existing} is ${existing === abs ? 'a file' : 'a file, not a folder'}; expected a folder (or a path to create one)`);
  try {
    accessSync(existing, constants.W_OK | constants.X_OK);
  } catch {
    throw new ResultsFolderError(`${option} ${dir}: ${existing} is not writable`);
  }
  probeWrite(existing, option, dir);
  // A killed whole-folder write leaves a sibling (the folder itself is always one complete run).
  const real = existing === abs ? realpathSync(abs) : existing === dirname(abs) ? join(realpathSync(existing), basename(abs)) : undefined;
  const siblings = real === undefined ? [] : sweepSwapSiblings(real);
  if (existing !== abs) return { warnings: siblings };
  const swept = [...siblings, ...sweepTempFolders(abs)];
  const { ours, listed, warnings } = ourEarlierFiles(abs);
  warnings.unshift(...swept);
  // A file of ours by name may be replaced only when a manifest of ours lists it (older
  // versions recorded no hash); anything else by that name is the user's.
  for (const name of [...RESULT_FILES, MANIFEST]) {
    if (name === MANIFEST ? !isForeignManifest(abs) : listed.has(name) || !existsPlain(join(abs, name))) continue;
    throw new ResultsFolderError(`${option} ${dir}: ${name} there was not written by prtip-perf (or changed since); move it or choose another folder`);
  }
  const needed = [...ours.keys()].reduce((sum, f) => sum + statSync(join(abs, f)).size, 0) + 64 * 1024;
  const fs = statfsSync(abs);
  const free = Number(fs.bavail) * Number(fs.bsize);
  if (free < needed) throw new ResultsFolderError(`${option} ${dir}: ${free} bytes free, the previous run there took ${needed - 64 * 1024} (plus 64 KiB); free some space`);
  return { warnings };
}

function existsPlain(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

function isForeignManifest(dir: string): boolean {
  if (!existsPlain(join(dir, MANIFEST))) return false;
  try {
    const st = lstatSync(join(dir, MANIFEST));
    if (!st.isFile() || st.size > MAX_MANIFEST_BYTES) return true;
    return (JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8')) as { kind?: unknown })?.kind !== 'prtip-perf/results-manifest';
  } catch {
    return true;
  }
}

/** Creates and removes a file, so a read-only mount or a full inode table is found before the run. */
function probeWrite(dir: string, option: string, shown: string): void {
  const probe = join(dir, `${TEMP_PREFIX}probe-${process.pid}`);
  try {
    const fd = openSync(probe, 'wx');
    try {
      writeSync(fd, 'x');
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    throw new ResultsFolderError(`${option} ${shown}: cannot write in ${dir} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  } finally {
    rmSync(probe, { force: true });
  }
}

/** Writes `text` to `path` and fsyncs it. */
function writeSynced(path: string, text: string): void {
  const fd = openSync(path, 'wx');
  try {
    const buf = Buffer.from(text);
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Finishes or discards writes a SIGKILL interrupted. A temporary folder holding manifest.json
 * was complete (the manifest is renamed into it last, after every file was fsynced): its
 * remaining files are renamed into place, the manifest last, so the folder holds that run
 * whole. One without is discarded: the folder still holds the run before it, untouched.
 * Returns what was done, one line each.
 */
export function sweepTempFolders(dir: string): string[] {
  const done: string[] = [];
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return done;
  }
  for (const n of names) {
    if (!n.startsWith(TEMP_PREFIX)) continue;
    const p = join(dir, n);
    const st = lstatSync(p);
    if (st.isFile() && n.includes('-probe-')) {
      rmSync(p, { force: true });
    } else if (st.isDirectory() && readdirSync(p).every((f) => lstatSync(join(p, f)).isFile())) {
      if (existsPlain(join(p, MANIFEST))) {
        rollForward(dir, p);
        done.push(`finished the write a killed run had begun (${n})`);
      } else done.push(`discarded the unfinished write of a killed run (${n}); the previous run is untouched`);
      rmSync(p, { recursive: true, force: true });
    }
  }
  return done;
}

function rollForward(dir: string, temp: string): void {
  const { ours } = ourEarlierFiles(dir);
  let manifest: ResultsManifest;
  try {
    manifest = JSON.parse(readFileSync(join(temp, MANIFEST), 'utf8')) as ResultsManifest;
  } catch {
    return;
  }
  for (const f of readdirSync(temp)) if (f !== MANIFEST && manifest.files.includes(f)) renameSync(join(temp, f), join(dir, f));
  renameSync(join(temp, MANIFEST), join(dir, MANIFEST));
  for (const n of ours.keys()) if (!manifest.files.includes(n)) rmSync(join(dir, n), { force: true });
}

/** What `writeResultsFolder` did. */
export interface ResultsWritten {
  /** The paths written, the manifest last. */
  written: string[];
  /** The earlier run's files this run did not write and that were removed. */
  removed: string[];
  warnings: string[];
  /** 'swap': the folder was replaced in one step; 'per-file': ours were renamed in one by one. */
  method: 'swap' | 'per-file';
  /** With 'per-file': one line saying why the folder could not be swapped whole. */
  note?: string;
}

/**
 * Writes `files` (name → content) into `dir`: the whole folder swapped in one step when it
 * holds only our files (see the top of this file), else ours renamed in one by one with the
 * manifest last. The earlier run's files this run did not write, and that are still
 * provably ours, are removed; nothing else is touched.
 */
export function writeResultsFolder(dir: string, startedAt: string, files: readonly (readonly [string, string])[]): ResultsWritten {
  const real = realFolderPath(dir);
  const exists = isDirectory(real);
  const swept = [...sweepSwapSiblings(real), ...(exists ? sweepTempFolders(real) : [])];
  const { ours, warnings } = exists ? ourEarlierFiles(real) : { ours: new Map<string, string>(), warnings: [] as string[] };
  warnings.unshift(...swept);
  const names = files.map(([name]) => name);
  const stale = [...ours.keys()].filter((n) => !names.includes(n));
  const manifest: ResultsManifest = {
    kind: 'prtip-perf/results-manifest', startedAt, files: names,
    sha256: Object.fromEntries(files.map(([n, t]) => [n, sha256(t)])), removed: stale,
  };
  const all: [string, string][] = [...files.map(([n, t]): [string, string] => [n, t]), [MANIFEST, JSON.stringify(manifest, null, 2) + '\n']];
  const written = all.map(([n]) => join(dir, n));
  const why = whyNotWhole(real, exists, ours) ?? writeWhole(real, all, exists, ours, warnings);
  if (why === undefined) return { written, removed: stale, warnings, method: 'swap' };
  writePerFile(real, all);
  const removed = stale.filter((n) => {
    try {
      unlinkSync(join(real, n));
      return true;
    } catch {
      return false;
    }
  });
  return { written, removed, warnings, method: 'per-file', note: `replaced the results one file at a time (not in one step): ${why}` };
}

/** The folder's real path (symlinks resolved, so a swap replaces the folder, not the link); its parent is created. */
function realFolderPath(dir: string): string {
  const abs = resolve(dir);
  try {
    return realpathSync(abs);
  } catch {
    mkdirSync(dirname(abs), { recursive: true });
    return join(realpathSync(dirname(abs)), basename(abs));
  }
}

function isDirectory(path: string): boolean {
  try {
    return lstatSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Why the folder cannot be replaced whole, or undefined when it can. */
function whyNotWhole(real: string, exists: boolean, ours: Map<string, string>): string | undefined {
  if (exists) {
    const foreign = readdirSync(real).filter((n) => (n === MANIFEST ? isForeignManifest(real) : !ours.has(n)));
    const unlinkable = foreign.filter((n) => n === MANIFEST || !isFileOrSymlink(join(real, n)));
    if (unlinkable.length > 0) return `the folder holds entries prtip-perf did not write that cannot be carried into a new folder as the same file (${nameList(unlinkable)}: a folder, a device or a foreign manifest), which must stay where they are`;
    if (isMountPoint(real)) return 'the folder is a mount point, which cannot be swapped';
    const cwd = process.cwd();
    if (cwd === real || cwd.startsWith(real + '/')) return 'the folder is (or holds) the current directory, which would be left in the swapped-out old folder';
  }
  try {
    accessSync(dirname(real), constants.W_OK | constants.X_OK);
  } catch {
    return `its parent folder ${dirname(real)} is not writable`;
  }
  return undefined;
}

function nameList(names: string[]): string {
  return names.length <= 3 ? names.join(', ') : `${names.slice(0, 3).join(', ')} and ${names.length - 3} more`;
}

/** A mount point: on another device than its parent, or listed in /proc/self/mountinfo (a bind mount). */
function isMountPoint(real: string): boolean {
  if (dirname(real) === real || statSync(real).dev !== statSync(dirname(real)).dev) return true;
  try {
    const unescape = (f: string): string => f.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
    return readFileSync('/proc/self/mountinfo', 'utf8').split('\n').some((line) => unescape(line.split(' ')[4] ?? '') === real);
  } catch {
    return false;
  }
}

/** `.<name>.prtip-perf-swap-`: what every sibling of `real` built by a write starts with. */
function swapPrefix(real: string): string {
  return `.${basename(real)}${SWAP_INFIX}`;
}

/**
 * Builds the new run in a sibling of `real` and swaps it in: renameat2(RENAME_EXCHANGE)
 * when the folder exists, a plain rename when it does not (both one step). Returns
 * undefined when done, or why the swap could not be made (the folder is then untouched
 * and the caller writes file by file). A failure while writing the files is thrown.
 */
function writeWhole(real: string, all: [string, string][], exists: boolean, ours: Map<string, string>, warnings: string[]): string | undefined {
  const sibling = join(dirname(real), `${swapPrefix(real)}${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    mkdirSync(sibling);
  } catch (err) {
    return `cannot create ${basename(sibling)} beside it (${(err as NodeJS.ErrnoException).code})`;
  }
  let swapped = false;
  try {
    for (const [name, text] of all) writeSynced(join(sibling, name), text);
    if (exists) {
      const carried = carryUserFiles(real, sibling, ours, new Set(all.map(([n]) => n)));
      if (carried !== undefined) return carried;
      copyOwnerAndMode(real, sibling); // after the writes: the old mode may not let us write
    }
    fsyncDir(sibling);
    try {
      if (exists) renameExchange(sibling, real);
      else renameSync(sibling, real);
      swapped = true;
    } catch (err) {
      if (exists && !(err instanceof PerfError)) throw err;
      return `${exists ? 'renameat2(RENAME_EXCHANGE)' : 'rename'} refused (${(err as NodeJS.ErrnoException).code})`;
    }
    fsyncDir(dirname(real));
  } finally {
    if (!swapped) rmSync(sibling, { recursive: true, force: true });
  }
  if (exists) warnings.push(...removeSwappedOut(sibling, real, ours));
  return undefined;
}

/** The new folder gets the old one's permissions (and owner, when we may set it). */
function copyOwnerAndMode(from: string, to: string): void {
  const st = statSync(from);
  chmodSync(to, st.mode & 0o7777);
  if (process.getuid?.() === 0 && (st.uid !== 0 || st.gid !== 0)) {
    try {
      chownSync(to, st.uid, st.gid);
    } catch {
      // best effort: the files are still ours and readable
    }
  }
}

function isFileOrSymlink(path: string): boolean {
  try {
    const st = lstatSync(path);
    return st.isFile() || st.isSymbolicLink();
  } catch {
    return false;
  }
}

/**
 * Puts every entry of `real` that is not ours into the new folder as the same file: a hard
 * link (same inode) for a regular file, a copy of the link for a symlink. Returns why it
 * could not (the caller then writes file by file), or undefined.
 */
function carryUserFiles(real: string, sibling: string, ours: Map<string, string>, ourNames: ReadonlySet<string>): string | undefined {
  for (const n of readdirSync(real)) {
    if (ours.has(n) || n === MANIFEST) continue;
    if (ourNames.has(n)) return `the folder holds a file named ${n} that prtip-perf did not write`;
    const from = join(real, n), to = join(sibling, n);
    try {
      if (lstatSync(from).isSymbolicLink()) symlinkSync(readlinkSync(from), to);
      else linkSync(from, to);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue; // the user removed it meanwhile
      return `cannot carry ${n} into the new folder as the same file (${(err as NodeJS.ErrnoException).code})`;
    }
  }
  return undefined;
}

/** True when `a` and `b` are the same file (hard links of one inode) or equal symlinks. */
function sameEntry(a: string, b: string): boolean {
  try {
    const x = lstatSync(a), y = lstatSync(b);
    if (x.isSymbolicLink() && y.isSymbolicLink()) return readlinkSync(a) === readlinkSync(b);
    return x.isFile() && y.isFile() && x.ino === y.ino && x.dev === y.dev;
  } catch {
    return false;
  }
}

/**
 * Removes the previous run, swapped out to `old`: only our files (hash as its manifest
 * recorded). Anything else (a file a user put in the folder between the check and the swap)
 * is moved back into the folder. Returns warnings.
 */
function removeSwappedOut(old: string, real: string, ours: Map<string, string>): string[] {
  const left = emptySibling(old, real, (n, p) => n === MANIFEST || (ours.has(n) && lstatSync(p).isFile() && sha256(readFileSync(p)) === ours.get(n)));
  if (left.length === 0) return [];
  return [`left ${old}: it holds files prtip-perf did not write (${nameList(left)}) and the folder already has files by those names`];
}

/**
 * Empties a sibling of the folder `real` (a swapped-out run, or what a killed write left) and
 * removes it when nothing is left: our files (`isOurs`) and a user's file that is also in the
 * folder as the same file are removed; anything else goes back into the folder where its name
 * is free there. Returns the names it had to leave.
 */
function emptySibling(sibling: string, real: string, isOurs: (name: string, path: string) => boolean): string[] {
  const left: string[] = [];
  for (const n of readdirSync(sibling)) {
    const p = join(sibling, n), inFolder = join(real, n);
    if (isOurs(n, p) || sameEntry(p, inFolder)) unlinkSync(p);
    else if (isDirectory(real) && !existsPlain(inFolder)) renameSync(p, inFolder);
    else left.push(n);
  }
  if (left.length === 0) rmdirSync(sibling);
  return left;
}

/** Today's fallback: every file into a temp folder inside `real`, fsynced, then renamed into place one by one, the manifest last. */
function writePerFile(real: string, all: [string, string][]): void {
  mkdirSync(real, { recursive: true });
  const temp = mkdtempSync(join(real, TEMP_PREFIX));
  try {
    // The manifest gets its name in the temp folder only once every file is on disk: the
    // mark by which a later run finishes (rather than discards) a write killed mid-rename.
    for (const [name, text] of all) writeSynced(join(temp, name === MANIFEST ? `${MANIFEST}.partial` : name), text);
    renameSync(join(temp, `${MANIFEST}.partial`), join(temp, MANIFEST));
    for (const [name] of all) renameSync(join(temp, name), join(real, name));
    fsyncDir(real);
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

/**
 * Removes the siblings of `real` that a killed whole-folder write left (its owner's pid is
 * gone): either its unfinished new run (killed before the swap) or the previous run it had
 * swapped out (killed after). Either way the folder itself holds one complete run. Only our
 * files in a sibling are removed; anything else goes back into the folder (or stays, said).
 * Returns what was done, one line each.
 */
export function sweepSwapSiblings(real: string): string[] {
  const done: string[] = [];
  const parent = dirname(real);
  let names: string[] = [];
  try {
    names = readdirSync(parent);
  } catch {
    return done;
  }
  const prefix = swapPrefix(real);
  for (const n of names) {
    const m = n.startsWith(prefix) ? /^(\d+)-[0-9a-f]{8}$/.exec(n.slice(prefix.length)) : null;
    if (!m || !pidGone(Number(m[1])) || !isDirectory(join(parent, n))) continue;
    const left = clearSibling(join(parent, n), real);
    done.push(left.length === 0
      ? `removed ${n} beside the results folder, left by a killed write (its unfinished run, or the run it had swapped out); the folder holds one complete run`
      : `left ${n} beside the results folder: it holds files prtip-perf did not write (${nameList(left)})`);
  }
  return done;
}

/** Empties and removes a killed write's sibling; returns the names it had to leave. */
function clearSibling(sibling: string, real: string): string[] {
  let listed: unknown = [];
  try {
    listed = (JSON.parse(readFileSync(join(sibling, MANIFEST), 'utf8')) as { files?: unknown }).files;
  } catch {
    // an unfinished run has no manifest yet: its files carry our names
  }
  const ourNames = new Set<string>([...RESULT_FILES, MANIFEST, ...(Array.isArray(listed) ? listed.filter((f): f is string => typeof f === 'string') : [])]);
  return emptySibling(sibling, real, (n, p) => ourNames.has(n) && lstatSync(p).isFile());
}

function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Checks before the run that `path` (a file output such as stat's --json) can be written. */
export function checkOutputFile(path: string, option: string): void {
  if (path === '-') return;
  const abs = resolve(path);
  let st;
  try {
    st = statSync(abs);
  } catch {
    st = undefined;
  }
  if (st !== undefined && !st.isFile()) throw new ResultsFolderError(`${option} ${path}: not a regular file`);
  const parent = dirname(abs);
  let pst;
  try {
    pst = statSync(parent);
  } catch {
    throw new ResultsFolderError(`${option} ${path}: folder ${parent} does not exist`);
  }
  if (!pst.isDirectory()) throw new ResultsFolderError(`${option} ${path}: ${parent} is not a folder`);
  probeWrite(parent, option, path);
}

/** Writes one output file whole: a temporary sibling, fsync, rename. */
export function writeFileAtomic(path: string, text: string): void {
  const abs = resolve(path);
  const temp = join(dirname(abs), `${TEMP_PREFIX}${basename(abs)}-${process.pid}`);
  rmSync(temp, { force: true });
  try {
    writeSynced(temp, text);
    renameSync(temp, abs);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
}
