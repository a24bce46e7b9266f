/**
 * Filesystem operations Node's fs lacks, from the native addon (native/fsops/):
 * `renameExchange` swaps two paths in one step with renameat2(RENAME_EXCHANGE), which the
 * results folder uses to replace a whole run at once (src/report/results-folder.ts).
 */
import { nativeAddon } from './native.js';
import { describe } from './validate.js';

interface FsOpsNative {
  renameExchange(a: string, b: string): void;
}

function pathArg(name: string, value: unknown): string {
  if (typeof value !== 'string') throw new TypeError(`renameExchange: ${name} must be a string (a path), got ${describe(value)}`);
  if (value === '' || value.includes('\0')) throw new RangeError(`renameExchange: ${name} must be a non-empty path without NUL, got ${describe(value)}`);
  return value;
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
