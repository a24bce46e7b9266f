/**
 * Writing the results folder so that a run cannot leave it half-written and never touches a
 * file it did not write:
 * - `checkResultsFolder` runs before any suite: the folder must be usable (a directory, or
 *   creatable), writable, with room for the previous run's size, and hold no file of ours
 *   by name that we did not write. A refusal is a `ResultsFolderError` (one line: why).
 * - `writeResultsFolder` writes every file into a hidden temporary folder inside the
 *   results folder (same filesystem, so rename is atomic), fsyncs them, then renames them
 *   into place one by one, the manifest last. A failure while writing (ENOSPC, EROFS)
 *   leaves the old run untouched.
 * - Only files the previous manifest lists AND whose content still has the sha256 that
 *   manifest recorded (our signature) are removed. A manifest naming anything outside the
 *   folder, a folder, or a file whose hash does not match is ignored with a warning.
 */
import { createHash } from 'node:crypto';
import { accessSync, closeSync, constants, fsyncSync, lstatSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statfsSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/** The manifest's name in the results folder. */
export const MANIFEST = 'manifest.json';

/** Prefix of the temporary folder a write uses inside the results folder. */
export const TEMP_PREFIX = '.prtip-perf-writing-';

/** Every file `npm run bench` may write into the results folder (the manifest aside). */
export const RESULT_FILES = [
  'bench.json', 'bench.md', 'bench.html', 'metrics.csv', 'claims.csv', 'tables.csv', 'comparison.csv',
  'github-action-benchmark-smaller.json', 'github-action-benchmark-bigger.json', 'github-action-benchmark-ungated.json', 'hyperfine.json', 'bencher.json',
] as const;

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
  if (existing !== abs) return { warnings: [] };
  const swept = sweepTempFolders(abs);
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

/**
 * Writes `files` (name → content) into `dir` (temp folder, fsync, rename, manifest last),
 * then removes the earlier run's files this run did not write and that are still provably
 * ours. Returns the paths written (the manifest last), the names removed and warnings.
 */
export function writeResultsFolder(dir: string, startedAt: string, files: readonly (readonly [string, string])[]): { written: string[]; removed: string[]; warnings: string[] } {
  mkdirSync(dir, { recursive: true });
  const swept = sweepTempFolders(dir);
  const { ours, warnings } = ourEarlierFiles(dir);
  warnings.unshift(...swept);
  const names = files.map(([name]) => name);
  const stale = [...ours.keys()].filter((n) => !names.includes(n));
  const manifest: ResultsManifest = {
    kind: 'prtip-perf/results-manifest', startedAt, files: names,
    sha256: Object.fromEntries(files.map(([n, t]) => [n, sha256(t)])), removed: stale,
  };
  const all: [string, string][] = [...files.map(([n, t]): [string, string] => [n, t]), [MANIFEST, JSON.stringify(manifest, null, 2) + '\n']];
  const temp = mkdtempSync(join(dir, TEMP_PREFIX));
  try {
    // The manifest gets its name in the temp folder only once every file is on disk: the
    // mark by which a later run finishes (rather than discards) a write killed mid-rename.
    for (const [name, text] of all) writeSynced(join(temp, name === MANIFEST ? `${MANIFEST}.partial` : name), text);
    renameSync(join(temp, `${MANIFEST}.partial`), join(temp, MANIFEST));
    for (const [name] of all) renameSync(join(temp, name), join(dir, name));
    fsyncDir(dir);
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
  const removed = stale.filter((n) => {
    try {
      unlinkSync(join(dir, n));
      return true;
    } catch {
      return false;
    }
  });
  return { written: all.map(([n]) => join(dir, n)), removed, warnings };
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
