/** binarySize: a binary's size on disk and what of it strip would remove. */
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { binarySize } from '../src/measure/runner/binary-size.js';

describe('binarySize', () => {
  it('reads an ELF file: its size, and debug and symbol sections within it', () => {
    const s = binarySize(process.execPath);
    expect(s.bytes).toBe(statSync(process.execPath).size);
    expect(s.debugBytes).toBeGreaterThanOrEqual(0);
    expect(s.debugBytes + s.symbolBytes).toBeLessThan(s.bytes);
  });
  it('rejects what is not a 64-bit ELF file, naming the path', () => {
    const pkg = fileURLToPath(new URL('../package.json', import.meta.url));
    expect(() => binarySize(pkg)).toThrow(RangeError);
    expect(() => binarySize(pkg)).toThrow(/package\.json: not an ELF file/);
    expect(() => binarySize('' as string)).toThrow(TypeError);
    expect(() => binarySize('/nonexistent/prtip')).toThrow(/ENOENT/);
  });
});
