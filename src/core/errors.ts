/**
 * The project's error class. Native code throws it too: src/core/native.ts hands this
 * constructor to the addon once at load, so a failed syscall in C++ arrives here
 * as a PerfError with a stable `code`, and `errno`/`syscall` where one failed.
 * Bad arguments are TypeError/RangeError instead, thrown at the TS boundary and
 * again by the native export itself.
 */
import { describe, expectObject, readField } from './validate.js';

export class PerfError extends Error {
  /** Stable machine-readable code, e.g. "PERF_READ", "NO_TRACEFS", "NOT_LOOPBACK". */
  readonly code: string;
  /** The errno of the failed syscall, when one failed. */
  readonly errno?: number;
  /** The syscall that failed, when one did. */
  readonly syscall?: string;

  constructor(message: string, details: { code: string; errno?: number; syscall?: string; cause?: unknown }) {
    if (typeof message !== 'string') throw new TypeError(`PerfError(message, details): message must be a string, got ${describe(message)}`);
    const d = expectObject('PerfError(message, details): details', details);
    const code = readField('details', d, 'code');
    const errno = readField('details', d, 'errno');
    const syscall = readField('details', d, 'syscall');
    const cause = readField('details', d, 'cause');
    if (typeof code !== 'string' || code === '') {
      throw new TypeError(`PerfError(message, details): details.code must be a non-empty string (a stable code such as "PERF_READ"), got ${describe(code)}`);
    }
    if (errno !== undefined && !Number.isInteger(errno)) {
      throw new TypeError(`PerfError(message, details): details.errno must be an integer or undefined, got ${describe(errno)}`);
    }
    if (syscall !== undefined && typeof syscall !== 'string') {
      throw new TypeError(`PerfError(message, details): details.syscall must be a string or undefined, got ${describe(syscall)}`);
    }
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'PerfError';
    this.code = code;
    if (errno !== undefined) this.errno = errno as number;
    if (syscall !== undefined) this.syscall = syscall;
  }
}
