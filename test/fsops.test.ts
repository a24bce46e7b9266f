/** renameExchange (native/fsops): swaps two paths in one step; bad input refused natively too. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { fuzzTarget, notString } from './fuzz-bad-values.js';
import { PerfError } from '../src/core/errors.js';
import { evictFromPageCache, renameExchange } from '../src/core/fsops.js';
import { nativeAddon } from '../src/core/native.js';

const root = mkdtempSync(join(tmpdir(), 'prtip-fsops-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('renameExchange', () => {
  it('swaps two folders: each name then holds what the other held', () => {
    for (const [n, text] of [['a', 'A'], ['b', 'B']]) {
      mkdirSync(join(root, n!));
      writeFileSync(join(root, n!, 'x'), text!);
    }
    renameExchange(join(root, 'a'), join(root, 'b'));
    expect([readFileSync(join(root, 'a', 'x'), 'utf8'), readFileSync(join(root, 'b', 'x'), 'utf8')]).toEqual(['B', 'A']);
  });

  it('a failure is a PerfError whose code is the errno name', () => {
    const missing = (() => { try { renameExchange(join(root, 'a'), join(root, 'missing')); } catch (e) { return e; } })();
    expect(missing).toBeInstanceOf(PerfError);
    expect(missing).toMatchObject({ code: 'ENOENT', syscall: 'renameat2' });
  });

  it('refuses bad arguments at the TS boundary and natively', () => {
    expect(() => renameExchange('', 'b')).toThrow(RangeError);
    expect(() => renameExchange(1 as unknown as string, 'b')).toThrow(TypeError);
    const raw = nativeAddon<{ renameExchange(...a: unknown[]): void }>().renameExchange;
    expect(() => raw()).toThrow(/takes two arguments/);
    expect(() => raw('a', 'b', 'c')).toThrow(/takes two arguments/);
    expect(() => raw({}, 'b')).toThrow(TypeError);
    expect(() => raw('a', 'b\0')).toThrow(/NUL/);
    expect(() => raw('x'.repeat(5000), 'b')).toThrow(/at most 4095 bytes/);
    expect(() => raw('', 'b')).toThrow(/non-empty path/);
    // Bad values in either slot, the other a real path: refused before any syscall, the real folder untouched.
    const bad = fc.oneof(notString, fc.constant(''), fc.constant('a\0b'), fc.constant('x'.repeat(4096)));
    fuzzTarget('renameExchange', [{ name: 'renameExchange: a', bad }, { name: 'renameExchange: b', bad }], (slot, value) =>
      slot.endsWith('a') ? raw(value, join(root, 'a')) : raw(join(root, 'a'), value));
    expect(readFileSync(join(root, 'a', 'x'), 'utf8')).toBe('B');
  });

  it('evictFromPageCache drops a file\'s cached pages (the file unchanged); a folder, a missing path and bad arguments are refused', () => {
    const file = join(root, 'evict.bin');
    writeFileSync(file, Buffer.alloc(1 << 20, 7));
    evictFromPageCache(file);
    expect(readFileSync(file).equals(Buffer.alloc(1 << 20, 7))).toBe(true);
    const code = (f: () => void): unknown => { try { f(); } catch (e) { return (e as PerfError).code; } return 'no error'; };
    expect(code(() => evictFromPageCache(root))).toBe('EISDIR');
    expect(code(() => evictFromPageCache(join(root, 'missing')))).toBe('ENOENT');
    expect(() => evictFromPageCache('')).toThrow(RangeError);
    expect(() => evictFromPageCache(3 as unknown as string)).toThrow(/evictFromPageCache: path must be a string/);
    const raw = nativeAddon<{ evictFromPageCache(...a: unknown[]): void }>().evictFromPageCache;
    expect(() => raw()).toThrow(/takes one argument/);
    expect(() => raw({})).toThrow(TypeError);
    expect(() => raw('a\0b')).toThrow(/NUL/);
  });
});
