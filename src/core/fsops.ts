/**
 * Filesystem operations Node's fs lacks, from the native addon (native/fsops/):
 * `renameExchange` swaps two paths in one step with renameat2(RENAME_EXCHANGE), which the
 * results folder uses to replace a whole run at once (src/report/results-folder.ts);
 * `evictFromPageCache` drops one file's cached pages (fdatasync, then posix_fadvise
 * DONTNEED), which compare does to every build before it measures (native/fsops/cache.h).
 */
import { nativeAddon } from './native.js';
import { expectName } from './validate.js';

interface FsOpsNative {
  renameExchange(a: string, b: string): void;
  evictFromPageCache(path: string): void;
}

/** PATH_MAX (4096) less the terminator: the longest path the kernel takes. */
const PATH_MAX_CHARS = 4095;

function pathArg(name: string, value: unknown, fn = 'renameExchange'): string {
  const path = expectName(`${fn}: ${name}`, value, PATH_MAX_CHARS, 'a string (a path)');
  if (path === '') throw new RangeError(`${fn}: ${name} must be a non-empty path, got ""`);
  return path;
}

/**
 * Swaps the entries `a` and `b` atomically: afterwards `a` names what `b` named and the
 * other way round. Both must exist on one filesystem. Throws PerfError whose .code is the
 * errno's name: EXDEV (two filesystems), EINVAL (the filesystem cannot exchange), ENOSYS
 * (no renameat2 in this kernel), ENOENT, EACCES, EBUSY ...
 */
export function renameExchange(a: string, b: string): void {
  nativeAddon<FsOpsNative>().renameExchange(pathArg('a', a), pathArg('b', b));
}

/**
 * Writes back `path`'s dirty pages and drops its cached ones, so the next run reads the file
 * in anew. Two copies of one binary otherwise differ to the kernel: a file just written sits
 * in the page cache in other folio sizes than one read back, which moved a fresh copy of
 * prtip's page faults by 2 % and its peak RSS by 4 %. Throws PerfError whose .code is the
 * errno's name (ENOENT, EACCES, EISDIR, EINVAL).
 */
export function evictFromPageCache(path: string): void {
  nativeAddon<FsOpsNative>().evictFromPageCache(pathArg('path', path, 'evictFromPageCache'));
}
