/**
 * The typed loader. It finds build/Release/prtip_perf.node (from src/ under vitest
 * or dist/src/ once compiled), or the file PRTIP_PERF_ADDON names (the sanitizer
 * build, .ci/sanitize), hands the addon our error class once, and exposes the
 * native surface with types. Each concern declares its own native interface next to
 * its TS module and asks for it with `nativeAddon<T>()`.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PerfError } from './errors.js';

/** One counter as the native group describes it. */
export interface NativeCounterInfo {
  name: string;
  kind: string;
  opened: boolean;
  errno: number;
  code: string;
  reason: string;
}

export interface NativeCounterGroup extends Disposable {
  enable(): void;
  disable(): void;
  reset(): void;
  /** Fills out with [timeEnabledNs, timeRunningNs, value0, value1, ...], cumulative since open. */
  readInto(out: Float64Array): void;
  /** The counters' states; a closed group refuses (GROUP_CLOSED). */
  describe(): NativeCounterInfo[];
  /** Closes the fds and frees the native group at once; only the small wrapper waits for GC and an event-loop turn. */
  close(): void;
  /** The native floor on this group's fd: `iterations` bare read()s (kind 0) or enable + read + disable brackets (kind 1). */
  referenceLoop(kind: 0 | 1, iterations: number): void;
  readonly excludeKernel: boolean;
  readonly size: number;
}

export interface NativeGroupOptions {
  pid?: number;
  inherit?: boolean;
  enableOnExec?: boolean;
  excludeKernel?: boolean;
}

/** The core native surface: errors, timing, counters. */
export interface CoreNative {
  setErrorClass(ctor: typeof PerfError): void;
  noop(): void;
  monotonicNs(): number;
  tscHz(): number;
  readTsc(): number;
  /** Known-count workloads for checking counters: n fresh pages, n getppid syscalls, k loop iterations. */
  touchFreshPages(n: number): number;
  makeSyscalls(n: number): number;
  busyLoop(k: number): number;
  CounterGroup: new (events: string[], options: NativeGroupOptions) => NativeCounterGroup;
  namedEvents(): { name: string; kind: string }[];
  probeEvents(names: string[]): { name: string; kind: string; supported: boolean; code: string; reason: string }[];
  privileges(): { paranoid: number; privileged: boolean; countKernel: boolean };
  tracefsRoot(): string;
  tracefsStatus(): { root: string; mountedHere: boolean; note: string };
}

const ADDON_FILE = join('build', 'Release', 'prtip_perf.node');

/** The package root: the nearest folder upwards that holds package.json and native/. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'native'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new PerfError('cannot find the prtip-perf package root above ' + fileURLToPath(import.meta.url), { code: 'NO_PACKAGE_ROOT' });
    dir = parent;
  }
}

let loaded: unknown;

/** Environment variable naming another build of the addon (e.g. build-sanitize/prtip_perf.node). */
export const ADDON_ENV = 'PRTIP_PERF_ADDON';

/** The addon file this process loads: $PRTIP_PERF_ADDON when set, else build/Release/prtip_perf.node. */
export function addonPath(): string {
  const override = process.env[ADDON_ENV];
  if (override !== undefined && override !== '') return resolve(override);
  return join(packageRoot(), ADDON_FILE);
}

function load(): unknown {
  const root = packageRoot();
  const file = addonPath();
  if (file !== join(root, ADDON_FILE) && !existsSync(file)) {
    throw new PerfError(`${ADDON_ENV}=${process.env[ADDON_ENV]} names ${file}, which does not exist`, { code: 'ADDON_NOT_BUILT' });
  }
  if (!existsSync(file)) {
    throw new PerfError(
      `the native addon is not built (${file} is missing). Build it with "npm install" ` +
        '(node-gyp, headers from this Node) or "npm run build:cmake" (cmake-js), in ' + root,
      { code: 'ADDON_NOT_BUILT' },
    );
  }
  const require = createRequire(import.meta.url);
  let addon: CoreNative;
  try {
    addon = require(file) as CoreNative;
  } catch (cause) {
    throw new PerfError(`the native addon ${file} failed to load: ${(cause as Error).message}; rebuild it with "npm run build:addon"`, {
      code: 'ADDON_LOAD_FAILED',
      cause,
    });
  }
  try {
    addon.setErrorClass(PerfError);
  } catch (cause) {
    // The addon takes the class once per process (environment); a second loader, or code
    // that required the .node file itself and handed over another class, gets here.
    throw new PerfError(`the native addon ${file} already has an error class; it is handed over once, by this loader: ${(cause as Error).message}`, {
      code: 'ADDON_LOAD_FAILED',
      cause,
    });
  }
  addDispose(addon);
  return addon;
}

/**
 * Every native class with close() (CounterGroup and the other handles) supports `using`:
 * [Symbol.dispose] closes it at the end of the block. One never closed keeps its fds
 * until the garbage collector finalizes it.
 */
function addDispose(addon: CoreNative): void {
  for (const value of Object.values(addon as unknown as Record<string, unknown>)) {
    const proto = typeof value === 'function' ? (value as { prototype?: Record<PropertyKey, unknown> }).prototype : undefined;
    if (proto && typeof proto['close'] === 'function' && !(Symbol.dispose in proto)) {
      Object.defineProperty(proto, Symbol.dispose, { value(this: { close(): void }) { this.close(); }, configurable: true, writable: true });
    }
  }
}

/** The addon, typed as the caller's slice of it. Loaded on first use. */
export function nativeAddon<T = CoreNative>(): T {
  if (loaded === undefined) loaded = load();
  return loaded as T;
}
