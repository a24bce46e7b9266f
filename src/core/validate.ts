/**
 * Argument checks for the public API. Every message names the parameter, what was
 * expected and what was given, so a caller can fix the call without reading code.
 */
import { types } from 'node:util';

/**
 * Describes a value for an error message: its type, and the value itself when short.
 * Never throws: a Proxy whose traps throw, or a revoked one, is just "an object".
 */
export function describe(value: unknown): string {
  try {
    if (value === null) return 'null';
    if (Array.isArray(value)) return `an array of length ${value.length}`;
    if (Buffer.isBuffer(value)) return isDetached(value) ? 'a Buffer over a detached ArrayBuffer' : `a Buffer of length ${value.length}`;
    switch (typeof value) {
      case 'string': return value.length > 40 ? `a string of length ${value.length}` : `the string ${JSON.stringify(value)}`;
      case 'number': return `the number ${value}`;
      case 'bigint': return `the bigint ${value}`;
      case 'boolean': return `${value}`;
      case 'undefined': return 'undefined';
      case 'symbol': return 'a symbol';
      case 'function': return 'a function';
      default: return `an object (${Object.prototype.toString.call(value)})`;
    }
  } catch {
    return 'an object (its properties could not be read)';
  }
}

/** Whether a view's memory was transferred away (its length then reads 0). */
export function isDetached(view: ArrayBufferView): boolean {
  if (view.byteLength !== 0) return false;
  try {
    new Uint8Array(view.buffer as ArrayBuffer, 0, 0);
    return false;
  } catch {
    return true; // "Cannot perform Construct on a detached ArrayBuffer"
  }
}

function thrownMessage(error: unknown): string {
  return error instanceof Error ? error.message : describe(error);
}

/** object[key], with a getter or Proxy trap that throws turned into a TypeError naming param.key. */
export function readField(param: string, object: object, key: string): unknown {
  try {
    return (object as Record<string, unknown>)[key];
  } catch (cause) {
    throw new TypeError(`${param}.${key} could not be read: ${thrownMessage(cause)}`, { cause });
  }
}

/**
 * An options object copied into a plain record (own enumerable keys), so a getter runs
 * once, here, and one that throws becomes a TypeError naming the key.
 */
export function readOptions(param: string, value: unknown): Record<string, unknown> {
  const o = expectObject(param, value);
  let keys: string[];
  try {
    keys = Object.keys(o);
  } catch (cause) {
    throw new TypeError(`${param} could not be read: ${thrownMessage(cause)}`, { cause });
  }
  const copy: Record<string, unknown> = {};
  for (const key of keys) copy[key] = readField(param, o, key);
  return copy;
}

/**
 * A dense array of at most maxLength elements, copied, each element checked by
 * `element`. The length is checked before anything is read, and a hole (sparse
 * array) is an error naming its index.
 */
export function expectArray<T>(param: string, value: unknown, maxLength: number, element: (name: string, v: unknown) => T): T[] {
  let isArray: boolean;
  try {
    isArray = Array.isArray(value);
  } catch {
    isArray = false; // a revoked Proxy
  }
  if (!isArray) throw new TypeError(`${param} must be an array, got ${describe(value)}`);
  const array = value as unknown[];
  const length = readField(param, array, 'length') as number;
  if (length > maxLength) throw new RangeError(`${param} must have at most ${maxLength} elements, got an array of length ${length}`);
  const out: T[] = [];
  for (let i = 0; i < length; i++) {
    let present: boolean;
    try {
      present = Object.prototype.hasOwnProperty.call(array, i);
    } catch (cause) {
      throw new TypeError(`${param}[${i}] could not be read: ${thrownMessage(cause)}`, { cause });
    }
    if (!present) throw new TypeError(`${param}[${i}] is a hole (sparse array); expected a dense array`);
    let v: unknown;
    try {
      v = array[i];
    } catch (cause) {
      throw new TypeError(`${param}[${i}] could not be read: ${thrownMessage(cause)}`, { cause });
    }
    out.push(element(`${param}[${i}]`, v));
  }
  return out;
}

/**
 * Buffer.isBuffer without running user code: instanceof asks a Proxy's
 * getPrototypeOf trap (and a revoked Proxy throws); util.types asks the engine.
 */
export function isBuffer(value: unknown): value is Buffer {
  return types.isUint8Array(value) && Buffer.isBuffer(value);
}

/** A Buffer (not detached) of at most maxLength bytes. */
export function expectBuffer(name: string, value: unknown, maxLength: number): Buffer {
  if (!isBuffer(value)) throw new TypeError(`${name} must be a Buffer, got ${describe(value)}`);
  if (isDetached(value)) throw new TypeError(`${name} must be a Buffer whose memory is still attached, got ${describe(value)}`);
  if (value.length > maxLength) throw new RangeError(`${name} must be at most ${maxLength} bytes, got ${describe(value)}`);
  return value;
}

/** For functions that take nothing: extra arguments are a mistake, not something to ignore. */
export function expectNoArguments(name: string, args: ArrayLike<unknown>): void {
  if (args.length !== 0) throw new TypeError(`${name}() takes no arguments, got ${args.length} (the first is ${describe(args[0])})`);
}

export function expectInteger(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new TypeError(`${name} must be an integer from ${min} to ${max}, got ${describe(value)}`);
  }
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer from ${min} to ${max}, got ${describe(value)}`);
  }
  return value;
}

export function expectNumber(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new TypeError(`${name} must be a number from ${min} to ${max}, got ${describe(value)}`);
  }
  if (value < min || value > max) throw new RangeError(`${name} must be a number from ${min} to ${max}, got ${describe(value)}`);
  return value;
}

export function expectBoolean(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new TypeError(`${name} must be a boolean, got ${describe(value)}`);
  return value;
}

export function expectString(name: string, value: unknown): string {
  if (typeof value !== 'string') throw new TypeError(`${name} must be a string, got ${describe(value)}`);
  return value;
}

/** A string of at most maxLength characters with no NUL (it reaches C APIs and file paths). */
export function expectName(name: string, value: unknown, maxLength: number, what = 'a string'): string {
  if (typeof value !== 'string') throw new TypeError(`${name} must be ${what}, got ${describe(value)}`);
  const s = value;
  if (s.length > maxLength) throw new RangeError(`${name} must be at most ${maxLength} characters, got ${describe(s)}`);
  if (s.includes('\0')) throw new RangeError(`${name} must not contain a NUL character, got ${describe(s)}`);
  return s;
}

export function expectFunction(name: string, value: unknown): (...args: unknown[]) => unknown {
  if (typeof value !== 'function') throw new TypeError(`${name} must be a function, got ${describe(value)}`);
  return value as (...args: unknown[]) => unknown;
}

export function expectObject(name: string, value: unknown): Record<string, unknown> {
  let isArray: boolean;
  try {
    isArray = Array.isArray(value);
  } catch {
    isArray = true; // a revoked Proxy: not usable as an object either
  }
  if (value === null || typeof value !== 'object' || isArray) {
    throw new TypeError(`${name} must be an object, got ${describe(value)}`);
  }
  return value as Record<string, unknown>;
}

export function expectOneOf<T extends string | number>(name: string, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) {
    const list = allowed.map((a) => JSON.stringify(a)).join(', ');
    const Err = typeof value === typeof allowed[0] ? RangeError : TypeError;
    throw new Err(`${name} must be one of ${list}, got ${describe(value)}`);
  }
  return value as T;
}

/** Levenshtein distance, for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

/** Up to three candidates close to `name`, nearest first. */
export function nearNames(name: string, candidates: readonly string[]): string[] {
  const lower = name.toLowerCase();
  return candidates
    .map((c) => ({ c, d: c.toLowerCase().includes(lower) || lower.includes(c.toLowerCase()) ? 1 : editDistance(lower, c.toLowerCase()) }))
    .filter(({ c, d }) => d <= Math.max(2, Math.floor(c.length / 3)))
    .sort((x, y) => x.d - y.d || x.c.localeCompare(y.c))
    .slice(0, 3)
    .map(({ c }) => c);
}
