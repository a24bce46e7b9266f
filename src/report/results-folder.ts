/**
 * Writing the results folder so that it holds one run only: the run's files are written,
 * listed in `manifest.json`, and every file an earlier run wrote there (named by its
 * manifest, or one of the names prtip-perf writes, for folders from before the manifest)
 * that this run did not write is removed. Nothing else in the folder is touched.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

/** The manifest's name in the results folder. */
export const MANIFEST = 'manifest.json';

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
  /** Files of an earlier run this run removed. */
  removed: string[];
}

function earlierFiles(dir: string): string[] {
  const path = join(dir, MANIFEST);
  if (!existsSync(path)) return [];
  try {
    const m = JSON.parse(readFileSync(path, 'utf8')) as Partial<ResultsManifest>;
    // Only plain names: a manifest is never a way to delete outside the folder.
    return Array.isArray(m.files) ? m.files.filter((f): f is string => typeof f === 'string' && f === basename(f) && f !== MANIFEST && !f.startsWith('.')) : [];
  } catch {
    return []; // unreadable: fall back to the known names
  }
}

/**
 * Writes `files` (name → content) into `dir`, removes the stale files of earlier runs and
 * writes the manifest. Returns the paths written (the manifest last) and the names removed.
 */
export function writeResultsFolder(dir: string, startedAt: string, files: readonly (readonly [string, string])[]): { written: string[]; removed: string[] } {
  mkdirSync(dir, { recursive: true });
  const names = new Set(files.map(([name]) => name));
  const candidates = new Set<string>([...earlierFiles(dir), ...RESULT_FILES]);
  const removed: string[] = [];
  for (const name of candidates) {
    if (names.has(name) || !existsSync(join(dir, name))) continue;
    rmSync(join(dir, name), { force: true });
    removed.push(name);
  }
  const written = files.map(([name, text]) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  });
  const manifest: ResultsManifest = { kind: 'prtip-perf/results-manifest', startedAt, files: [...names], removed };
  const manifestPath = join(dir, MANIFEST);
  writeFileSync(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
  return { written: [...written, manifestPath], removed };
}
