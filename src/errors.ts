/**
 * The project's error class. Native code throws it too: src/native.ts hands this
 * constructor to the addon once at load, so a failed syscall in C++ arrives here
 * as a PerfError with a stable `code`, and `errno`/`syscall` where one failed.
 * Bad arguments are TypeError/RangeError instead, thrown at the TS boundary.
 */
export class PerfError extends Error {
  /** Stable machine-readable code, e.g. "PERF_READ", "NO_TRACEFS", "NOT_LOOPBACK". */
  readonly code: string;
  /** The errno of the failed syscall, when one failed. */
  readonly errno?: number;
  /** The syscall that failed, when one did. */
  readonly syscall?: string;

  constructor(message: string, details: { code: string; errno?: number; syscall?: string; cause?: unknown }) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'PerfError';
    this.code = details.code;
    if (details.errno !== undefined) this.errno = details.errno;
    if (details.syscall !== undefined) this.syscall = details.syscall;
  }
}
