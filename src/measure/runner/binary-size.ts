/**
 * The size of a binary on disk, and how much of it `strip` would remove: debug sections
 * (.debug_*, .zdebug_*) and the static symbol table (.symtab, .strtab). ProRT-IP's 002 states
 * its release binary's size with `strip = false` and full debug info; the harness never builds
 * prtip, so it can only say what the binary it was given weighs and what of it is debug data.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';

/** What a binary weighs, whole and in the parts `strip` removes. */
export interface BinarySize {
  path: string;
  /** The file's size, bytes. */
  bytes: number;
  /** Bytes in .debug_* / .zdebug_* sections. */
  debugBytes: number;
  /** Bytes in .symtab and .strtab (the names `strip` removes; .dynsym stays). */
  symbolBytes: number;
}

function readAt(fd: number, offset: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const n = readSync(fd, buf, done, length - done, offset + done);
    if (n === 0) throw new RangeError(`${length - done} bytes short at offset ${offset + done}`);
    done += n;
  }
  return buf;
}

const SHT_NOBITS = 8;

/**
 * The size of the file at `path` and of its debug and symbol sections (64-bit little-endian
 * ELF). Throws TypeError for a non-string path and RangeError, naming the path, when the file
 * is not such an ELF file or its section headers run past its end.
 */
export function binarySize(path: string): BinarySize {
  if (typeof path !== 'string' || path === '') throw new TypeError(`path must be a file's path (a non-empty string), got ${String(path)}`);
  const bytes = statSync(path).size;
  const fd = openSync(path, 'r');
  try {
    if (bytes < 64) throw new RangeError(`${path}: not an ELF file (shorter than an ELF header)`);
    const eh = readAt(fd, 0, 64);
    if (eh.readUInt32BE(0) !== 0x7f454c46) throw new RangeError(`${path}: not an ELF file (no \\x7fELF magic)`);
    if (eh[4] !== 2 || eh[5] !== 1) throw new RangeError(`${path}: only 64-bit little-endian ELF is read (class ${eh[4]}, data ${eh[5]})`);
    const shoff = Number(eh.readBigUInt64LE(0x28)), shentsize = eh.readUInt16LE(0x3a), shnum = eh.readUInt16LE(0x3c), shstrndx = eh.readUInt16LE(0x3e);
    if (shnum === 0 || shoff === 0) return { path, bytes, debugBytes: 0, symbolBytes: 0 };
    if (shoff + shentsize * shnum > bytes) throw new RangeError(`${path}: section headers run past the end of the file`);
    const sh = readAt(fd, shoff, shentsize * shnum);
    const sections = Array.from({ length: shnum }, (_, i) => {
      const o = i * shentsize;
      return { nameOff: sh.readUInt32LE(o), type: sh.readUInt32LE(o + 4), offset: Number(sh.readBigUInt64LE(o + 24)), size: Number(sh.readBigUInt64LE(o + 32)) };
    });
    const names = sections[shstrndx] ? readAt(fd, sections[shstrndx]!.offset, sections[shstrndx]!.size) : Buffer.alloc(0);
    const nameOf = (off: number): string => {
      const end = names.indexOf(0, off);
      return off < names.length ? names.toString('latin1', off, end < 0 ? names.length : end) : '';
    };
    let debugBytes = 0, symbolBytes = 0;
    for (const s of sections) {
      if (s.type === SHT_NOBITS) continue;
      const name = nameOf(s.nameOff);
      if (/^\.z?debug_/.test(name)) debugBytes += s.size;
      else if (name === '.symtab' || name === '.strtab') symbolBytes += s.size;
    }
    return { path, bytes, debugBytes, symbolBytes };
  } finally {
    closeSync(fd);
  }
}
