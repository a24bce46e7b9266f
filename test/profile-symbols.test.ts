/**
 * Symbolization on real binaries: prtip's symbol table (when the release binary is there),
 * libc and coreutils, this kernel's kallsyms; demangling against binutils' c++filt; the
 * mapping arithmetic on the layout the kernel's ELF loader gives a PIE whose text segment's
 * file offset differs from its address (lld's, prtip's); a stripped copy.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findExecutable } from '../src/measure/runner/spawn.js';
import { analyseProfile, foldedStacks, parseFolded, patternShare, topFunctions, wilson } from '../src/measure/profile/analysis.js';
import { demangle } from '../src/measure/profile/demangle.js';
import { C_SYMBOLS_HINT, type ElfImage, fileOffsetToVaddr, kernelSymbols, parseKallsyms, readElf, RUST_SYMBOLS_HINT, symbolize } from '../src/measure/profile/symbols.js';
import type { ProfileMapping, ProfileSample, RawProfile } from '../src/measure/profile/types.js';

// As the suites find it: PRTIP_BIN, else PATH (never a path of one machine).
const PRTIP = process.env.PRTIP_BIN ?? findExecutable('prtip') ?? 'prtip (set PRTIP_BIN or put it on PATH)';
const hasPrtip = existsSync(PRTIP);
const LIBC = '/lib/x86_64-linux-gnu/libc.so.6';
const hasBinutils = spawnSync('nm', ['--version']).status === 0 && spawnSync('c++filt', ['--version']).status === 0 && spawnSync('strip', ['--version']).status === 0;
const PAGE = 0x1000;
const tmp = mkdtempSync(join(tmpdir(), 'prtip-perf-symbols-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** nm's defined text symbols: address → names. */
function nmText(path: string, dynamic = false): Map<number, string[]> {
  const out = execFileSync('nm', [...(dynamic ? ['-D'] : []), '--defined-only', path], { maxBuffer: 64 << 20 }).toString();
  const map = new Map<number, string[]>();
  for (const line of out.split('\n')) {
    const m = /^([0-9a-f]+) ([tTiWw]) (\S+)$/.exec(line);
    if (!m) continue;
    const a = parseInt(m[1]!, 16);
    if (a === 0) continue;
    map.set(a, [...(map.get(a) ?? []), m[3]!.replace(/@.*$/, '')]);
  }
  return map;
}

/** The mapping the kernel's ELF loader makes for each PT_LOAD of a PIE loaded at `base`: page-aligned start and pgoff. */
function loaderMappings(image: ElfImage, base: bigint, filename: string, pid = 100): ProfileMapping[] {
  return image.loads.filter((l) => l.executable).map((l) => {
    const start = base + BigInt(l.vaddr - (l.vaddr % PAGE));
    return { pid, start, end: base + BigInt(l.vaddr + l.filesz), pgoff: BigInt(l.offset - (l.offset % PAGE)), filename };
  });
}

function profileOf(samples: ProfileSample[], mappings: ProfileMapping[], kernel = true): RawProfile {
  return { event: 'cpu-clock', frequencyHz: 1000, samples, mappings, comms: [{ pid: 100, tid: 100, comm: 'prtip' }], lost: 0, kernelFrames: { available: kernel }, wallNs: 1e6 };
}

describe('ELF symbol tables', () => {
  it.skipIf(!hasPrtip || !hasBinutils)('reads prtip\'s .symtab: every nm text symbol found at its address, build-id and rustc noted, text offset ≠ address', () => {
    const image = readElf(PRTIP);
    expect(image.error).toBeUndefined();
    expect(image.source).toBe('symtab');
    expect(image.rust).toBe(true);
    const fileOut = execFileSync('file', ['-L', PRTIP]).toString();
    expect(fileOut).toContain(`BuildID[sha1]=${image.buildId}`);
    const text = image.loads.find((l) => l.executable)!;
    expect(text.offset).not.toBe(text.vaddr);
    const nm = nmText(PRTIP);
    const byAddr = new Map(image.symbols.map((s) => [s.start, s]));
    let checked = 0;
    for (const [addr, names] of nm) {
      const s = byAddr.get(addr);
      // nm lists every text symbol; functions are STT_FUNC (labels in assembly may be NOTYPE).
      if (!s) continue;
      expect(names).toContain(s.mangled);
      checked++;
    }
    expect(checked).toBeGreaterThan(5000);
    expect(checked / nm.size).toBeGreaterThan(0.9);
  });

  it.skipIf(!hasBinutils)('a stripped library has only .dynsym, and its exported functions are still found', () => {
    const image = readElf(LIBC);
    expect(['dynsym', 'symtab']).toContain(image.source);
    const nm = nmText(LIBC, true);
    const s = image.symbols.find((x) => nm.get(x.start)?.includes('malloc'));
    expect(s, 'malloc in libc\'s dynamic symbols').toBeDefined();
  });

  it('refuses what is not a 64-bit ELF with a reason, never a throw', () => {
    const notElf = join(tmp, 'not-elf');
    execFileSync('sh', ['-c', `printf 'hello world, no ELF here at all, just text to be long enough for a header....' > ${notElf}`]);
    expect(readElf(notElf).error).toMatch(/not an ELF file/);
    expect(readElf(join(tmp, 'missing')).error).toMatch(/cannot open/);
    expect(readElf(join(tmp, 'missing')).symbols).toEqual([]);
  });

  it('maps a file offset to an address through the PT_LOAD holding it', () => {
    const loads = [{ offset: 0, vaddr: 0, filesz: 0x1000, executable: false }, { offset: 0x459800, vaddr: 0x45a800, filesz: 0x10000, executable: true }];
    expect(fileOffsetToVaddr(loads, 0x459900)).toBe(0x45a900);
    expect(fileOffsetToVaddr(loads, 0x10)).toBe(0x10);
    expect(fileOffsetToVaddr(loads, 0x900000)).toBeNull();
  });
});

describe('demangling', () => {
  it('Rust legacy and v0, C++, and names that are not mangled', () => {
    expect(demangle('_ZN11pnet_packet3tcp13ipv4_checksum17h603c762e97f1b33eE')).toBe('pnet_packet::tcp::ipv4_checksum');
    expect(demangle('_RNvCs1234_7mycrate3foo')).toBe('mycrate::foo');
    expect(demangle('_ZNSt6vectorIiSaIiEE9push_backERKi')).toBe('std::vector<int, std::allocator<int> >::push_back(int const&)');
    expect(demangle('_ZN9prtip_cli4main17h0123456789abcdefE.cold')).toBe('prtip_cli::main.cold');
    expect(demangle('_ZN3foo3barE.llvm.123456')).toBe('foo::bar');
    expect(demangle('_RNvCs1234_7mycrate3foo.6368')).toBe('mycrate::foo');
    // C names and names no demangler takes come back as they were (not with an underscore dropped).
    expect(demangle('__libc_start_main')).toBe('__libc_start_main');
    expect(demangle('_Zinvalid')).toBe('_Zinvalid');
    expect(demangle('memcpy')).toBe('memcpy');
  });

  it.skipIf(!hasPrtip || !hasBinutils)('agrees with c++filt on prtip\'s Rust names (legacy and v0), hashes and crate disambiguators aside', () => {
    const names = [...nmText(PRTIP).values()].flat().filter((n) => /^_(ZN|R)/.test(n));
    const pick = names.filter((_, i) => i % Math.max(1, Math.floor(names.length / 400)) === 0);
    expect(pick.some((n) => n.startsWith('_R'))).toBe(true);
    const filt = execFileSync('c++filt', { input: pick.join('\n') + '\n', maxBuffer: 64 << 20 }).toString().trimEnd().split('\n');
    const normal = (s: string): string => s.replace(/\[[0-9a-f]{1,16}\]/g, '').replace(/::h[0-9a-f]{16}$/, '');
    let same = 0;
    const differ: string[] = [];
    pick.forEach((n, i) => {
      if (demangle(n) === normal(filt[i]!)) same++;
      else differ.push(`${n}: ${demangle(n)} vs ${normal(filt[i]!)}`);
    });
    expect(same / pick.length, differ.slice(0, 5).join('\n')).toBeGreaterThan(0.98);
  });

  it.skipIf(!hasBinutils)('agrees with c++filt on libstdc++\'s C++ names', () => {
    const lib = '/lib/x86_64-linux-gnu/libstdc++.so.6';
    if (!existsSync(lib)) return;
    const names = [...nmText(lib, true).values()].flat().filter((n) => n.startsWith('_Z')).slice(0, 400);
    const filt = execFileSync('c++filt', { input: names.join('\n') + '\n', maxBuffer: 64 << 20 }).toString().trimEnd().split('\n');
    // cpp_demangle writes the standard's short forms (std::string for basic_string<char, …>,
    // std::ostream …) where c++filt spells them out: that accounts for the differences seen
    // (about 17% of these names), hence the looser bar; but no name may stay mangled.
    const same = names.filter((n, i) => demangle(n) === filt[i]).length;
    expect(same / names.length).toBeGreaterThan(0.75);
    for (const n of names) expect(demangle(n)).not.toMatch(/^_Z/);
  });
});

describe('symbolize', () => {
  const kallsyms = kernelSymbols();

  it.skipIf(!hasPrtip)('names leaf and caller frames of prtip through the loader\'s mapping (pgoff ≠ p_offset), and kernel frames through kallsyms', () => {
    const image = readElf(PRTIP);
    const base = 0x5600_0000_0000n;
    const maps = loaderMappings(image, base, PRTIP);
    const sym = (re: RegExp) => {
      const s = image.symbols.find((x) => re.test(x.mangled) && x.size > 16);
      if (!s) throw new Error(`no symbol ${re}`);
      return s;
    };
    const checksum = sym(/pnet_packet3tcp13ipv4_checksum/), main = sym(/^_ZN5prtip4main17h/);
    const samples: ProfileSample[] = [
      // a leaf in ipv4_checksum, called from main (return address = end of main's call: inside main).
      { pid: 100, tid: 100, timeNs: 1, frames: [base + BigInt(checksum.start + 5), base + BigInt(main.start + 12)], kernelFrames: 0 },
      // a return address exactly at the next function's start belongs to the caller (one byte back).
      { pid: 100, tid: 100, timeNs: 2, frames: [base + BigInt(checksum.start + 1), base + BigInt(main.start + main.size)], kernelFrames: 0 },
    ];
    if (kallsyms.available) {
      const k = kallsyms.symbols.find((s) => s.name === 'schedule' && !s.module) ?? kallsyms.symbols.find((s) => !s.module)!;
      samples.push({ pid: 100, tid: 101, timeNs: 3, frames: [kallsyms.base + BigInt(k.start) + 1n, base + BigInt(main.start + 20)], kernelFrames: 1 });
    }
    const sp = symbolize(profileOf(samples, maps));
    expect(sp.samples[0]!.frames.map((f) => f.name)).toEqual(['pnet_packet::tcp::ipv4_checksum', 'prtip::main']);
    expect(sp.samples[0]!.frames[0]!.library).toBe('prtip');
    expect(sp.samples[1]!.frames[1]!.name).toBe('prtip::main');
    if (kallsyms.available) {
      expect(sp.samples[2]!.frames[0]).toMatchObject({ kind: 'kernel', library: '[kernel.kallsyms]', symbolized: true });
      expect(sp.samples[2]!.frames[1]!.name).toBe('prtip::main');
    }
    expect(sp.libraries.find((l) => l.library === 'prtip')).toMatchObject({ source: 'symtab', unsymbolizedLeafSamples: 0 });
    expect(sp.libraries.find((l) => l.library === 'prtip')!.hint).toBeUndefined();
  });

  it.skipIf(!hasPrtip || !hasBinutils)('a stripped copy keeps the kernel/user/library split, names the missing symbols and gives the Rust build setting', () => {
    const stripped = join(tmp, 'prtip-stripped');
    execFileSync('strip', ['-o', stripped, PRTIP]);
    const image = readElf(stripped);
    expect(image.source).not.toBe('symtab');
    const full = readElf(PRTIP);
    const base = 0x5600_0000_0000n;
    const fn = full.symbols.find((s) => /pnet_packet3tcp13ipv4_checksum/.test(s.mangled))!;
    const samples: ProfileSample[] = Array.from({ length: 30 }, (_, i) => ({ pid: 100, tid: 100, timeNs: i, frames: [base + BigInt(fn.start + 3)], kernelFrames: 0 }));
    const k = kallsyms.available ? kallsyms.symbols[100]! : null;
    if (k) for (let i = 0; i < 70; i++) samples.push({ pid: 100, tid: 100, timeNs: 100 + i, frames: [kallsyms.base + BigInt(k.start)], kernelFrames: 1 });
    const sp = symbolize(profileOf(samples, loaderMappings(image, base, stripped)));
    const a = analyseProfile(sp);
    expect(a.byLibrary['prtip-stripped']).toBeCloseTo(k ? 0.3 : 1, 10);
    if (k) expect(a.shares).toEqual({ kernel: 0.7, user: 0.3 });
    const lib = sp.libraries.find((l) => l.library === 'prtip-stripped')!;
    expect(lib.unsymbolizedLeafSamples).toBe(30);
    expect(lib.hint).toBe(RUST_SYMBOLS_HINT);
    expect(lib.hint).toContain('CARGO_PROFILE_RELEASE_STRIP=false');
    const offset = fn.start + 3 - full.loads.find((l) => l.executable)!.vaddr + full.loads.find((l) => l.executable)!.offset;
    expect(lib.missing[0]).toEqual({ at: `prtip-stripped+0x${offset.toString(16)}`, samples: 30 });
    expect(sp.samples[0]!.frames[0]).toMatchObject({ name: '[prtip-stripped]', symbolized: false, kind: 'user' });
  });

  it('a C library without symbols gets the C hint; an address outside every mapping is [unknown]', () => {
    const stripped = join(tmp, 'true-stripped');
    execFileSync('strip', ['-o', stripped, '/bin/true']);
    const image = readElf(stripped);
    const text = image.loads.find((l) => l.executable)!;
    const base = 0x5500_0000_0000n;
    // A text address past every exported symbol of /bin/true.
    const sp = symbolize(profileOf([
      { pid: 100, tid: 100, timeNs: 1, frames: [base + BigInt(text.vaddr + 7)], kernelFrames: 0 },
      { pid: 100, tid: 100, timeNs: 2, frames: [0x10n], kernelFrames: 0 },
    ], loaderMappings(image, base, stripped)));
    const lib = sp.libraries.find((l) => l.library === 'true-stripped');
    if (lib && lib.unsymbolizedLeafSamples > 0) expect(lib.hint).toBe(C_SYMBOLS_HINT);
    expect(sp.samples[1]!.frames[0]).toMatchObject({ name: '[unknown]', library: '[unknown]' });
  });

  it('kallsyms hidden by kptr_restrict is reported unavailable with the reason; kernel frames still count as kernel', () => {
    const hidden = parseKallsyms('0000000000000000 T _stext\n0000000000000000 t schedule\n');
    expect(hidden.available).toBe(false);
    expect(hidden.reason).toMatch(/kptr_restrict/);
    const sp = symbolize(profileOf([{ pid: 1, tid: 1, timeNs: 1, frames: [0xffffffff81000010n], kernelFrames: 1 }], []), { kallsyms: hidden });
    expect(sp.kernel).toMatchObject({ available: false });
    expect(sp.samples[0]!.frames[0]).toMatchObject({ kind: 'kernel', library: '[kernel.kallsyms]', symbolized: false });
    const noKernel = symbolize({ ...profileOf([], []), kernelFrames: { available: false, reason: 'perf_event_paranoid 2 excludes the kernel' } });
    expect(noKernel.kernel.reason).toContain('perf_event_paranoid');
  });

  it('parses real kallsyms with modules', () => {
    const k = parseKallsyms('ffffffff81000000 T _stext\nffffffff81000100 t do_thing\nffffffffc0000000 t mod_fn\t[veth]\nffffffff81000050 D some_data\n');
    expect(k.available).toBe(true);
    expect(k.symbols.map((s) => s.name)).toEqual(['_stext', 'do_thing', 'mod_fn']);
    const sp = symbolize(profileOf([{ pid: 1, tid: 1, timeNs: 1, frames: [0xffffffffc0000004n, 0xffffffff81000105n], kernelFrames: 2 }], []), { kallsyms: k });
    expect(sp.samples[0]!.frames.map((f) => `${f.library}:${f.name}`)).toEqual(['[veth]:mod_fn', '[kernel.kallsyms]:do_thing']);
  });
});

describe('analysis', () => {
  const kallsyms = parseKallsyms('ffffffff81000000 T entry_SYSCALL_64\nffffffff81001000 t __x64_sys_sendto\nffffffff81002000 t tcp_v4_connect\n');
  const mapping: ProfileMapping = { pid: 100, start: 0x1000n, end: 0x2000n, pgoff: 0n, filename: '[fixture]' };
  // '[fixture]' has no ELF behind it: its frames are unsymbolized user frames.
  const user = (n: number): ProfileSample[] => Array.from({ length: n }, (_, i) => ({ pid: 100, tid: 100, timeNs: i, frames: [0x1100n], kernelFrames: 0 }));
  const kern = (n: number, leaf: bigint): ProfileSample[] => Array.from({ length: n }, (_, i) => ({ pid: 100, tid: 100, timeNs: i, frames: [leaf, 0xffffffff81000010n, 0x1200n], kernelFrames: 2 }));
  const sp = symbolize(profileOf([...user(10), ...kern(60, 0xffffffff81001010n), ...kern(30, 0xffffffff81002010n)], [mapping]), { kallsyms });
  const a = analyseProfile(sp);

  it('self shares add up to the whole; kernel + user = 1; libraries likewise', () => {
    expect(a.samples).toBe(100);
    expect(a.shares).toEqual({ kernel: 0.9, user: 0.1 });
    expect(a.functions.reduce((s, f) => s + f.self, 0)).toBeCloseTo(1, 12);
    expect(Object.values(a.byLibrary).reduce((s, x) => s + x, 0)).toBeCloseTo(1, 12);
    expect(a.byLibrary).toEqual({ '[kernel.kallsyms]': 0.9, '[fixture]': 0.1 });
    expect(a.functions[0]).toMatchObject({ name: '__x64_sys_sendto', self: 0.6, total: 0.6 });
    // entry_SYSCALL_64 is on 90 stacks but the leaf of none.
    expect(a.functions.find((f) => f.name === 'entry_SYSCALL_64')).toMatchObject({ self: 0, total: 0.9 });
    expect(a.functions.find((f) => f.name === '[fixture]')).toMatchObject({ self: 0.1, total: 1 });
  });

  it('top functions and the rest add up to the scope', () => {
    const t = topFunctions(a, 2);
    expect(t.rows.map((r) => r.name)).toEqual(['__x64_sys_sendto', 'tcp_v4_connect']);
    expect(t.rows.reduce((s, r) => s + r.self, 0) + t.rest).toBeCloseTo(t.scope, 12);
    expect(t.scope).toBeCloseTo(1, 12);
    const userOnly = topFunctions(a, 10, (f) => f.kind === 'user');
    expect(userOnly.scope).toBeCloseTo(a.shares.user, 12);
  });

  it('folded stacks: root first, kernel frames marked, counts add up to the samples, and parse back', () => {
    const folded = foldedStacks(sp.samples);
    expect(folded).toContain('prtip;[fixture];entry_SYSCALL_64_[k];__x64_sys_sendto_[k] 60\n');
    expect(folded).toContain('prtip;[fixture] 10\n');
    const parsed = parseFolded(folded);
    expect(parsed.reduce((s, l) => s + l.count, 0)).toBe(100);
    expect(() => parseFolded('a;b;c\n')).toThrow(/folded stacks line 1: expected/);
  });

  it('pattern shares: self and total, with what matched', () => {
    const p = patternShare(sp, /sendto|connect/);
    expect(p).toMatchObject({ selfSamples: 90, totalSamples: 90, self: 0.9 });
    expect(p.matched.map((m) => m.name)).toEqual(['__x64_sys_sendto', 'tcp_v4_connect']);
    expect(patternShare(sp, /nothing-matches/).total).toBe(0);
  });

  it('Wilson interval: 0 of 300 bounds the share below ~1.3%', () => {
    const [lo, hi] = wilson(0, 300);
    expect(lo).toBeCloseTo(0, 12);
    expect(hi).toBeGreaterThan(0.005);
    expect(hi).toBeLessThan(0.013);
    const [l2, h2] = wilson(50, 100);
    expect(l2).toBeLessThan(0.5);
    expect(h2).toBeGreaterThan(0.5);
  });
});

it('reads this machine\'s kallsyms when permitted (root here)', () => {
  const k = kernelSymbols();
  if (!k.available) {
    expect(k.reason).toBeTruthy();
    return;
  }
  expect(k.symbols.length).toBeGreaterThan(1000);
  expect(readFileSync('/proc/kallsyms', 'utf8').length).toBeGreaterThan(0);
});

it('names vDSO frames from this process\'s own vDSO image (one image per kernel)', async () => {
  const { vdsoImage } = await import('../src/measure/profile/symbols.js');
  const image = vdsoImage();
  if (!image) return; // no [vdso] mapping readable here
  const fn = image.symbols.find((s) => /clock_gettime/.test(s.mangled))!;
  expect(fn).toBeDefined();
  const base = 0x7f00_0000_0000n;
  const sp = symbolize({ event: 'cpu-clock', frequencyHz: 1000, samples: [{ pid: 1, tid: 1, timeNs: 1, frames: [base + BigInt(fn.start + 4)], kernelFrames: 0 }],
    mappings: [{ pid: 1, start: base, end: base + 0x2000n, pgoff: 0n, filename: '[vdso]' }], comms: [], lost: 0, kernelFrames: { available: true }, wallNs: 1 });
  expect(sp.samples[0]!.frames[0]).toMatchObject({ library: '[vdso]', symbolized: true });
  expect(sp.samples[0]!.frames[0]!.name).toMatch(/clock_gettime/);
});
