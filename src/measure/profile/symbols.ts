/**
 * Symbolization of sampled addresses: ELF symbol tables (.symtab, else .dynsym, else a
 * debug file found by build-id under /usr/lib/debug) for the binary and its libraries,
 * /proc/kallsyms for the kernel. A sampled address is turned into an ELF virtual address
 * through the mapping it fell in (its file offset, `address - start + pgoff`) and the
 * PT_LOAD segment holding that file offset (`offset - p_offset + p_vaddr`): the two differ
 * whenever a segment's file offset is not its address (lld's PIEs, prtip's among them).
 *
 * An address without a symbol still counts for its library and for kernel vs user; what
 * is missing is named (library, offset) with the build setting that would keep it.
 */
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { demangle } from './demangle.js';
import type { RawProfile } from './types.js';

/** Where a library's names came from. */
export type SymbolSource = 'symtab' | 'dynsym' | 'debug-file' | 'kallsyms' | 'none';

/** One function symbol, address in the ELF's own virtual address space. */
interface FunctionSymbol {
  start: number;
  /** 0 when the table gives no size: it then runs to the next symbol. */
  size: number;
  mangled: string;
}

/** One PT_LOAD segment (file offset ↔ virtual address). */
export interface LoadSegment {
  offset: number;
  vaddr: number;
  filesz: number;
  executable: boolean;
}

/** What was read of one ELF file. */
export interface ElfImage {
  path: string;
  /** GNU build-id as hex, null when the file has none. */
  buildId: string | null;
  source: SymbolSource;
  /** Function symbols, sorted by address. */
  symbols: FunctionSymbol[];
  loads: LoadSegment[];
  /** Rust code (rustc in .comment): decides which build setting keeps its symbols. */
  rust: boolean;
  /** Why the file could not be read (then no symbols and no segments). */
  error?: string;
}

const STT_FUNC = 2, STT_GNU_IFUNC = 10;
const SHT_SYMTAB = 2, SHT_DYNSYM = 11, SHT_NOBITS = 8;
const PT_LOAD = 1, PT_NOTE = 4, PF_X = 1;
const NT_GNU_BUILD_ID = 3;

function readAt(fd: number, offset: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const n = readSync(fd, buf, done, length - done, offset + done);
    if (n === 0) throw new Error(`file ends at ${offset + done}, ${length - done} bytes short`);
    done += n;
  }
  return buf;
}

interface Section { name: string; type: number; offset: number; size: number; link: number; entsize: number }

/** Reads the headers, build-id, PT_LOADs and function symbols of a 64-bit little-endian ELF file. */
export function readElf(path: string): ElfImage {
  const image: ElfImage = { path, buildId: null, source: 'none', symbols: [], loads: [], rust: false };
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    return { ...image, error: `cannot open: ${(err as Error).message}` };
  }
  try {
    const size = statSync(path).size;
    if (size < 64) return { ...image, error: 'not an ELF file (shorter than an ELF header)' };
    const eh = readAt(fd, 0, 64);
    if (eh.readUInt32BE(0) !== 0x7f454c46) return { ...image, error: 'not an ELF file (no \\x7fELF magic)' };
    if (eh[4] !== 2 || eh[5] !== 1) return { ...image, error: `unsupported ELF class/data (${eh[4]}/${eh[5]}); only 64-bit little-endian is read` };
    const phoff = Number(eh.readBigUInt64LE(0x20)), shoff = Number(eh.readBigUInt64LE(0x28));
    const phentsize = eh.readUInt16LE(0x36), phnum = eh.readUInt16LE(0x38);
    const shentsize = eh.readUInt16LE(0x3a), shnum = eh.readUInt16LE(0x3c), shstrndx = eh.readUInt16LE(0x3e);

    if (phnum > 0) {
      const ph = readAt(fd, phoff, phentsize * phnum);
      for (let i = 0; i < phnum; i++) {
        const o = i * phentsize;
        const type = ph.readUInt32LE(o), flags = ph.readUInt32LE(o + 4);
        const offset = Number(ph.readBigUInt64LE(o + 8)), vaddr = Number(ph.readBigUInt64LE(o + 16)), filesz = Number(ph.readBigUInt64LE(o + 32));
        if (type === PT_LOAD) image.loads.push({ offset, vaddr, filesz, executable: (flags & PF_X) !== 0 });
        if (type === PT_NOTE && image.buildId === null && filesz > 0 && filesz < 1 << 16) image.buildId = buildIdFrom(readAt(fd, offset, filesz));
      }
    }
    if (shnum === 0 || shoff === 0) return image;
    const sh = readAt(fd, shoff, shentsize * shnum);
    const raw = Array.from({ length: shnum }, (_, i) => {
      const o = i * shentsize;
      return { nameOff: sh.readUInt32LE(o), type: sh.readUInt32LE(o + 4), offset: Number(sh.readBigUInt64LE(o + 24)), size: Number(sh.readBigUInt64LE(o + 32)),
        link: sh.readUInt32LE(o + 40), entsize: Number(sh.readBigUInt64LE(o + 56)) };
    });
    const shstr = raw[shstrndx] && raw[shstrndx]!.type !== SHT_NOBITS ? readAt(fd, raw[shstrndx]!.offset, raw[shstrndx]!.size) : Buffer.alloc(0);
    const sections: Section[] = raw.map((s) => ({ ...s, name: cString(shstr, s.nameOff) }));
    const comment = sections.find((s) => s.name === '.comment' && s.type !== SHT_NOBITS);
    if (comment && comment.size < 1 << 16) image.rust = readAt(fd, comment.offset, comment.size).includes('rustc version');
    // .symtab has every function; .dynsym only the exported ones (what a stripped file keeps).
    for (const [type, source] of [[SHT_SYMTAB, 'symtab'], [SHT_DYNSYM, 'dynsym']] as const) {
      const table = sections.find((s) => s.type === type);
      if (!table || table.size === 0) continue;
      const strtab = sections[table.link];
      if (!strtab || strtab.type === SHT_NOBITS) continue;
      const symbols = functionSymbols(readAt(fd, table.offset, table.size), table.entsize || 24, readAt(fd, strtab.offset, strtab.size));
      if (symbols.length === 0) continue;
      image.symbols = symbols;
      image.source = source;
      break;
    }
    return image;
  } catch (err) {
    return { ...image, error: `cannot read: ${(err as Error).message}` };
  } finally {
    closeSync(fd);
  }
}

function cString(buf: Buffer, offset: number): string {
  if (offset >= buf.length) return '';
  const end = buf.indexOf(0, offset);
  return buf.toString('utf8', offset, end < 0 ? buf.length : end);
}

function buildIdFrom(notes: Buffer): string | null {
  let o = 0;
  const align4 = (n: number): number => (n + 3) & ~3;
  while (o + 12 <= notes.length) {
    const namesz = notes.readUInt32LE(o), descsz = notes.readUInt32LE(o + 4), type = notes.readUInt32LE(o + 8);
    const name = notes.toString('latin1', o + 12, o + 12 + Math.max(0, namesz - 1));
    const desc = o + 12 + align4(namesz);
    if (type === NT_GNU_BUILD_ID && name === 'GNU' && desc + descsz <= notes.length) return notes.toString('hex', desc, desc + descsz);
    o = desc + align4(descsz);
  }
  return null;
}

function functionSymbols(table: Buffer, entsize: number, strtab: Buffer): FunctionSymbol[] {
  const out: (FunctionSymbol & { global: boolean })[] = [];
  for (let o = 0; o + 24 <= table.length; o += entsize) {
    const info = table[o + 4]!, shndx = table.readUInt16LE(o + 6);
    const type = info & 0xf;
    if ((type !== STT_FUNC && type !== STT_GNU_IFUNC) || shndx === 0) continue;
    const start = Number(table.readBigUInt64LE(o + 8));
    if (start === 0) continue;
    out.push({ start, size: Number(table.readBigUInt64LE(o + 16)), mangled: cString(strtab, table.readUInt32LE(o)), global: info >> 4 !== 0 });
  }
  // Aliases share an address: keep one, a global name with a size first.
  out.sort((a, b) => a.start - b.start || Number(b.global) - Number(a.global) || b.size - a.size);
  return out.filter((s, i) => i === 0 || s.start !== out[i - 1]!.start).map(({ start, size, mangled }) => ({ start, size, mangled }));
}

/** The symbol covering ELF virtual address `vaddr`, or undefined. */
function lookup(symbols: readonly { start: number; size: number }[], vaddr: number, end = Infinity): number {
  let lo = 0, hi = symbols.length - 1, found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (symbols[mid]!.start <= vaddr) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  if (found < 0) return -1;
  const s = symbols[found]!;
  const limit = s.size > 0 ? s.start + s.size : (symbols[found + 1]?.start ?? end);
  return vaddr < limit ? found : -1;
}

/** The ELF virtual address of a byte at `fileOffset`, through the PT_LOAD that holds it (null when none does). */
export function fileOffsetToVaddr(loads: readonly LoadSegment[], fileOffset: number): number | null {
  const seg = loads.find((l) => l.executable && fileOffset >= l.offset && fileOffset < l.offset + l.filesz) ??
    loads.find((l) => fileOffset >= l.offset && fileOffset < l.offset + l.filesz);
  return seg ? fileOffset - seg.offset + seg.vaddr : null;
}

/** /proc/kallsyms, text symbols only, addresses relative to the lowest. */
export interface KernelSymbols {
  available: boolean;
  reason?: string;
  base: bigint;
  symbols: { start: number; size: number; name: string; module: string | null }[];
}

/** Parses kallsyms text (all-zero addresses mean kptr_restrict hides them). */
export function parseKallsyms(text: string): KernelSymbols {
  const rows: { addr: bigint; name: string; module: string | null }[] = [];
  for (const line of text.split('\n')) {
    const m = /^([0-9a-f]+) ([tTwW]) (\S+)(?:\s+\[(\S+)\])?/.exec(line);
    if (!m) continue;
    const addr = BigInt('0x' + m[1]);
    if (addr !== 0n) rows.push({ addr, name: m[3]!, module: m[4] ?? null });
  }
  if (rows.length === 0) {
    return { available: false, base: 0n, symbols: [], reason: text.trim() ? 'kallsyms shows every address as 0 (kernel.kptr_restrict hides them from this user; root with kptr_restrict ≤ 1 sees them)' : 'kallsyms is empty or unreadable' };
  }
  rows.sort((a, b) => (a.addr < b.addr ? -1 : a.addr > b.addr ? 1 : 0));
  const base = rows[0]!.addr;
  return { available: true, base, symbols: rows.map((r) => ({ start: Number(r.addr - base), size: 0, name: r.name, module: r.module })) };
}

let kallsymsCache: KernelSymbols | undefined;
/** This machine's kernel symbols (read once). */
export function kernelSymbols(): KernelSymbols {
  if (!kallsymsCache) {
    try {
      kallsymsCache = parseKallsyms(readFileSync('/proc/kallsyms', 'utf8'));
    } catch (err) {
      kallsymsCache = { available: false, base: 0n, symbols: [], reason: `cannot read /proc/kallsyms: ${(err as Error).message}` };
    }
  }
  return kallsymsCache;
}

/** ELF images by path and mtime, so that repeated profiles of one binary read it once. */
const elfCache = new Map<string, ElfImage>();

/** The ELF image for a mapped file, with a build-id debug file's symbols when the file has only .dynsym or none. */
export function elfImage(path: string): ElfImage {
  let key = path;
  try {
    key = `${path}\0${statSync(path).mtimeMs}`;
  } catch { /* missing file: read once, remembered with its error */ }
  const hit = elfCache.get(key);
  if (hit) return hit;
  let image = readElf(path);
  if (image.source !== 'symtab' && image.buildId) {
    const debug = `/usr/lib/debug/.build-id/${image.buildId.slice(0, 2)}/${image.buildId.slice(2)}.debug`;
    if (existsSync(debug)) {
      const d = readElf(debug);
      if (d.source === 'symtab') image = { ...image, symbols: d.symbols, source: 'debug-file' };
    }
  }
  elfCache.set(key, image);
  return image;
}

let vdsoCache: ElfImage | null | undefined;
/**
 * The vDSO's symbols, read from this process's own [vdso] mapping: the kernel maps one image
 * into every process (at another address in each), so ours names the profiled program's
 * `__vdso_clock_gettime` and the like. null when it cannot be read.
 */
export function vdsoImage(): ElfImage | null {
  if (vdsoCache !== undefined) return vdsoCache;
  vdsoCache = null;
  try {
    const line = readFileSync('/proc/self/maps', 'utf8').split('\n').find((l) => l.endsWith('[vdso]'));
    if (!line) return null;
    const [start, end] = line.split(' ')[0]!.split('-').map((x) => parseInt(x, 16)) as [number, number];
    const bytes = Buffer.alloc(end - start);
    const fd = openSync('/proc/self/mem', 'r');
    try {
      readSync(fd, bytes, 0, bytes.length, start);
    } finally {
      closeSync(fd);
    }
    const dir = mkdtempSync(join(tmpdir(), 'prtip-perf-vdso-'));
    try {
      writeFileSync(join(dir, 'vdso.so'), bytes);
      const image = readElf(join(dir, 'vdso.so'));
      if (!image.error) vdsoCache = { ...image, path: '[vdso]' };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  } catch { /* no readable vdso: its frames stay [vdso] */ }
  return vdsoCache;
}

/** One frame of a sample, resolved. */
export interface SymbolizedFrame {
  /** The demangled function name; for an address without a symbol, `[library]` (`[vdso]`, `[anon]` as they are). */
  name: string;
  /** The mapped file's base name (`prtip`, `libc.so.6`), `[kernel.kallsyms]`, `[module]`, `[vdso]` or `[unknown]`. */
  library: string;
  kind: 'kernel' | 'user';
  symbolized: boolean;
}

/** A sample with its frames resolved, leaf first, and the thread's command name. */
export interface SymbolizedSample {
  pid: number;
  tid: number;
  comm: string;
  frames: SymbolizedFrame[];
}

/** How well one library could be symbolized, and what to do when it could not. */
export interface LibrarySymbols {
  library: string;
  path: string;
  source: SymbolSource;
  buildId: string | null;
  /** Samples whose leaf frame is in this library. */
  leafSamples: number;
  /** Of those, how many found no symbol. */
  unsymbolizedLeafSamples: number;
  /** The most sampled addresses without a symbol, as `library+0xoffset` (file offset) with their leaf samples. */
  missing: { at: string; samples: number }[];
  /** The build setting or package that would keep the missing names; absent when nothing is missing. */
  hint?: string;
  error?: string;
}

/** A profile with every frame named. */
export interface SymbolizedProfile {
  raw: RawProfile;
  samples: SymbolizedSample[];
  libraries: LibrarySymbols[];
  kernel: { available: boolean; reason?: string };
}

export const RUST_SYMBOLS_HINT = 'rebuild with symbols: CARGO_PROFILE_RELEASE_STRIP=false cargo build --release (or strip = false under [profile.release])';
export const C_SYMBOLS_HINT = 'keep .symtab: build without -s and do not strip the installed file, or install its debug symbols (Debian: the -dbgsym package, which lands in /usr/lib/debug/.build-id)';

interface Resolver {
  image: ElfImage | null;
  library: string;
  path: string;
}

function libraryName(filename: string): string {
  if (filename.startsWith('[')) return filename;
  if (filename === '' || filename.startsWith('//anon')) return '[anon]';
  return basename(filename);
}

/**
 * Names every frame of `profile`. Kernel frames (the leading `kernelFrames` of each chain)
 * come from kallsyms; user frames from the mapping they fall in (the sample's process first,
 * then any process, for a forked child that inherited its parent's maps). Caller frames are
 * looked up one byte before their return address, so a call that ends a function is not
 * charged to the next one.
 */
export function symbolize(profile: RawProfile, options: { kallsyms?: KernelSymbols } = {}): SymbolizedProfile {
  const kernel = profile.kernelFrames.available ? (options.kallsyms ?? kernelSymbols()) : null;
  const kernelState = !profile.kernelFrames.available
    ? { available: false, reason: profile.kernelFrames.reason ?? 'the sampler recorded no kernel frames' }
    : kernel!.available ? { available: true } : { available: false, reason: kernel!.reason };
  const comm = new Map<number, string>();
  for (const c of profile.comms) comm.set(c.tid, c.comm);
  const byPid = new Map<number, RawProfile['mappings']>();
  for (const m of profile.mappings) {
    const list = byPid.get(m.pid) ?? [];
    list.push(m);
    byPid.set(m.pid, list);
  }
  const resolvers = new Map<string, Resolver>();
  const resolverFor = (filename: string): Resolver => {
    let r = resolvers.get(filename);
    if (!r) {
      const path = filename;
      const readable = path.startsWith('/') && !path.startsWith('//');
      r = { image: readable ? elfImage(path) : filename === '[vdso]' ? vdsoImage() : null, library: libraryName(filename), path };
      resolvers.set(filename, r);
    }
    return r;
  };
  const libs = new Map<string, LibrarySymbols & { missingCounts: Map<string, number> }>();
  const libFor = (r: Resolver | null): LibrarySymbols & { missingCounts: Map<string, number> } => {
    const key = r ? r.path : '[unknown]';
    let l = libs.get(key);
    if (!l) {
      l = { library: r?.library ?? '[unknown]', path: key, source: r?.image?.source ?? 'none', buildId: r?.image?.buildId ?? null, leafSamples: 0, unsymbolizedLeafSamples: 0, missing: [], missingCounts: new Map(),
        ...(r?.image?.error ? { error: r.image.error } : {}) };
      libs.set(key, l);
    }
    return l;
  };

  const findMapping = (pid: number, address: bigint): RawProfile['mappings'][number] | undefined => {
    const own = byPid.get(pid);
    const hit = (list: RawProfile['mappings'] | undefined): RawProfile['mappings'][number] | undefined => {
      if (!list) return undefined;
      for (let i = list.length - 1; i >= 0; i--) if (address >= list[i]!.start && address < list[i]!.end) return list[i];
      return undefined;
    };
    return hit(own) ?? hit(profile.mappings);
  };

  const userFrame = (pid: number, address: bigint, leaf: boolean): SymbolizedFrame => {
    const m = findMapping(pid, address);
    if (!m) {
      if (leaf) {
        const l = libFor(null);
        l.leafSamples++;
        l.unsymbolizedLeafSamples++;
      }
      return { name: '[unknown]', library: '[unknown]', kind: 'user', symbolized: false };
    }
    const r = resolverFor(m.filename);
    const fileOffset = Number(address - m.start + m.pgoff);
    let name: string | null = null;
    if (r.image && r.image.symbols.length > 0) {
      const vaddr = fileOffsetToVaddr(r.image.loads, fileOffset);
      if (vaddr !== null) {
        const i = lookup(r.image.symbols, vaddr);
        if (i >= 0) name = demangledName(r.image.symbols[i]!);
      }
    }
    if (leaf) {
      const l = libFor(r);
      l.leafSamples++;
      if (name === null) {
        l.unsymbolizedLeafSamples++;
        const at = `${r.library}+0x${fileOffset.toString(16)}`;
        l.missingCounts.set(at, (l.missingCounts.get(at) ?? 0) + 1);
      }
    }
    if (name !== null) return { name, library: r.library, kind: 'user', symbolized: true };
    return { name: r.library.startsWith('[') ? r.library : `[${r.library}]`, library: r.library, kind: 'user', symbolized: false };
  };

  const samples: SymbolizedSample[] = profile.samples.map((s) => {
    const frames = s.frames.map((address, i) => {
      const leaf = i === 0;
      const lookupAt = leaf ? address : address - 1n;
      if (i < s.kernelFrames) return kernelFrameAt(kernel, lookupAt);
      return userFrame(s.pid, lookupAt, leaf);
    });
    if (s.frames.length === 0) frames.push({ name: '[unknown]', library: '[unknown]', kind: s.kernelFrames > 0 ? 'kernel' : 'user', symbolized: false });
    return { pid: s.pid, tid: s.tid, comm: comm.get(s.tid) ?? comm.get(s.pid) ?? String(s.pid), frames };
  });

  return { raw: profile, samples, libraries: librarySummaries(libs, resolvers), kernel: kernelState };
}

/** A kernel address as a frame: its kallsyms symbol, or the bare [kernel.kallsyms] when none covers it. */
function kernelFrameAt(kernel: KernelSymbols | null, address: bigint): SymbolizedFrame {
  if (!kernel?.available || address < kernel.base) return { name: '[kernel.kallsyms]', library: '[kernel.kallsyms]', kind: 'kernel', symbolized: false };
  const rel = address - kernel.base;
  const i = rel > BigInt(Number.MAX_SAFE_INTEGER) ? -1 : lookup(kernel.symbols, Number(rel));
  if (i < 0) return { name: '[kernel.kallsyms]', library: '[kernel.kallsyms]', kind: 'kernel', symbolized: false };
  const s = kernel.symbols[i]!;
  return { name: s.name, library: s.module ? `[${s.module}]` : '[kernel.kallsyms]', kind: 'kernel', symbolized: true };
}

/** Each library that had leaf samples, most first, with its top unsymbolized addresses and how to get symbols. */
function librarySummaries(libs: ReadonlyMap<string, LibrarySymbols & { missingCounts: Map<string, number> }>, resolvers: ReadonlyMap<string, Resolver>): LibrarySymbols[] {
  return [...libs.values()].filter((l) => l.leafSamples > 0).map(({ missingCounts, ...l }) => {
    const missing = [...missingCounts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([at, n]) => ({ at, samples: n }));
    const image = resolvers.get(l.path)?.image;
    const hint = l.unsymbolizedLeafSamples > 0 && image ? (image.rust ? RUST_SYMBOLS_HINT : C_SYMBOLS_HINT) : undefined;
    return { ...l, missing, ...(hint ? { hint } : {}) };
  }).sort((a, b) => b.leafSamples - a.leafSamples);
}

const demangledCache = new WeakMap<FunctionSymbol, string>();
function demangledName(s: FunctionSymbol): string {
  let d = demangledCache.get(s);
  if (d === undefined) {
    d = demangle(s.mangled);
    demangledCache.set(s, d);
  }
  return d;
}

/** Every function symbol of an ELF file, demangled, with its ELF virtual address (for tests and fixtures). */
export function listFunctions(path: string): { name: string; mangled: string; vaddr: number; size: number }[] {
  return elfImage(path).symbols.map((s) => ({ name: demangledName(s), mangled: s.mangled, vaddr: s.start, size: s.size }));
}
