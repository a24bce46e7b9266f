/**
 * The builds `compare` is given: `PATH` or `name=PATH`, checked before any run. A path that
 * is not an executable file, the same file twice, or a program whose `--version` fails is
 * a clear error (a UsageError at the CLI, exit 2), never a comparison. `--version` runs
 * inside a namespace of the harness's own, as every scanner run does.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { canCreateNamespaces, withNamespace } from '../netns.js';
import { PerfError } from '../../core/errors.js';
import { evictFromPageCache } from '../../core/fsops.js';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/;

/** A build as given: its name and path, not yet checked. */
export interface BuildSpec {
  name: string;
  path: string;
}

/** "name=PATH" or "PATH" (named `fallback`); RangeError naming the argument otherwise. */
export function parseBuildArgument(text: string, fallback: string): BuildSpec {
  if (typeof text !== 'string' || text === '') throw new RangeError(`a build must be a path or name=PATH, got ${JSON.stringify(text)}`);
  const eq = text.indexOf('=');
  // A path may itself contain "=": only a valid name before the first "=" makes it name=PATH.
  if (eq > 0 && NAME.test(text.slice(0, eq))) {
    const path = text.slice(eq + 1);
    if (path === '') throw new RangeError(`build "${text}": expected name=PATH with a path after "="`);
    return { name: text.slice(0, eq), path };
  }
  return { name: fallback, path: text };
}

/** Default names: old, new (new2, new3… for more candidates). */
export function defaultBuildName(index: number, count: number): string {
  if (index === 0) return 'old';
  return count === 2 || index === 1 ? 'new' : `new${index}`;
}

/** Checks the files: distinct names, each an executable regular file, no file twice (also through links). */
export function checkBuildFiles(specs: readonly BuildSpec[]): BuildSpec[] {
  if (!Array.isArray(specs) || specs.length < 2) throw new RangeError(`compare needs at least two builds (OLD NEW), got ${Array.isArray(specs) ? specs.length : typeof specs}`);
  const seen = new Map<string, string>();
  const names = new Set<string>();
  return specs.map((s) => {
    if (!NAME.test(s.name)) throw new RangeError(`build name "${s.name}": expected letters, digits, ".", "_" or "-" (at most 40)`);
    if (names.has(s.name)) throw new RangeError(`build name "${s.name}" is given twice; name them with name=PATH`);
    names.add(s.name);
    const path = resolve(s.path);
    let st;
    try {
      st = statSync(path);
    } catch {
      throw new RangeError(`${s.name}: ${s.path} does not exist (expected a prtip binary)`);
    }
    if (!st.isFile()) throw new RangeError(`${s.name}: ${s.path} is not a regular file (expected a prtip binary)`);
    try {
      accessSync(path, constants.X_OK);
    } catch {
      throw new RangeError(`${s.name}: ${s.path} is not executable (chmod +x it, or give the built binary)`);
    }
    const key = `${st.dev}:${st.ino}`;
    const other = seen.get(key);
    if (other !== undefined) {
      throw new RangeError(`${other} and ${s.name} are the same file (${s.path}): compare two builds; for an A/A check copy the binary to a second path`);
    }
    seen.set(key, s.name);
    return { name: s.name, path };
  });
}

/**
 * Runs `PATH --version` in a namespace of its own; its first line is the build's version.
 * Fails (RangeError) when it exits non-zero or prints nothing: not a prtip-like program.
 */
export async function probeVersion(spec: BuildSpec): Promise<Build> {
  const support = canCreateNamespaces();
  if (!support.ok) throw new PerfError(`compare runs builds only inside network namespaces of its own, and cannot create one here: ${support.reason}`, { code: support.code || 'NETNS_NO_PRIVILEGE' });
  const out = await withNamespace({}, (ns) => ns.exec([spec.path, '--version'], { timeoutMs: 10_000, allowFailure: true }));
  const text = (out.stdout.trim() || out.stderr.trim()).split('\n')[0]!.trim();
  if (out.code !== 0 || text === '') {
    const how = out.code === null ? `was killed by ${out.signal}` : out.code !== 0 ? `exited ${out.code}` : 'printed nothing';
    throw new RangeError(`${spec.name}: \`${spec.path} --version\` ${how}${out.stderr.trim() ? ` (${out.stderr.trim().split('\n')[0]})` : ''}: not a prtip-like program`);
  }
  return { name: spec.name, path: spec.path, version: text };
}

/** Checks every build and asks each for its version. */
export async function checkBuilds(specs: readonly BuildSpec[]): Promise<Build[]> {
  const files = checkBuildFiles(specs);
  const builds: Build[] = [];
  for (const f of files) builds.push(await probeVersion(f));
  // Every build read in anew the same way: a fresh copy of a binary and the original differ in
  // their page-cache folios, which moved page faults 2 % and peak RSS 4 % in an A/A comparison.
  for (const b of builds) {
    try {
      evictFromPageCache(b.path);
    } catch (err) {
      b.pageCache = `not evicted from the page cache (${(err as PerfError).code ?? (err as Error).message}): its first runs may read it differently from the others`;
    }
  }
  return builds;
}

/** One build under comparison. */
export interface Build {
  name: string;
  path: string;
  /** What its `--version` printed (first line). */
  version: string;
  /** Set when it could not be evicted from the page cache before measuring (why). */
  pageCache?: string;
}
