import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { locateValgrind, memoryClaims, type MemoryCheck, type MemoryResults } from '../bench/prtip.bench.js';
import { CLAIMS_INVENTORY } from '../src/claims-inventory.js';
import { findExecutable } from '../src/runner/spawn.js';
import { parseMassifOut, parseMemcheckLog, runUnderValgrind, type ValgrindMemoryRun } from '../src/runner/valgrind-memory.js';

const fixture = (name: string): string => readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'fixtures', name), 'utf8');

// massif's layout, by hand: massif's own "peak" snapshot (taken within --peak-inaccuracy of the
// true peak) is below a later one, and a detailed tree sits between the fields of the next snapshot.
const HAND_WRITTEN = [
  'desc: --massif-out-file=x.out --time-unit=ms',
  'cmd: prtip -sS -p 1-1000 127.0.0.1',
  'time_unit: ms',
  '#-----------', 'snapshot=0', '#-----------', 'time=0', 'mem_heap_B=0', 'mem_heap_extra_B=0', 'mem_stacks_B=0', 'heap_tree=empty',
  '#-----------', 'snapshot=1', '#-----------', 'time=120', 'mem_heap_B=2685488', 'mem_heap_extra_B=101560', 'mem_stacks_B=0', 'heap_tree=peak',
  'n2: 2685488 (heap allocation functions) malloc/new/new[], --alloc-fns, etc.',
  ' n0: 2000000 0x4EFC8CB: alloc::raw_vec::finish_grow (in prtip)',
  ' n0: 685488 in 31 places, all below massif\'s threshold (1.00%)',
  '#-----------', 'snapshot=2', '#-----------', 'time=130', 'mem_heap_B=2700000', 'mem_heap_extra_B=101000', 'mem_stacks_B=0', 'heap_tree=detailed',
  'n0: 2700000 (heap allocation functions) malloc/new/new[], --alloc-fns, etc.',
  '#-----------', 'snapshot=3', '#-----------', 'time=140', 'mem_heap_B=60000', 'mem_heap_extra_B=900', 'mem_stacks_B=0', 'heap_tree=empty',
  '',
].join('\n');

describe('parseMassifOut', () => {
  it('parses a real massif out file (ls, --stacks=no): the peak is massif\'s own peak snapshot', () => {
    const p = parseMassifOut(fixture('massif-ls.out'));
    expect(p.command).toBe('ls -la /usr/bin');
    expect(p.timeUnit).toBe('i');
    expect(p.snapshots).toHaveLength(86);
    expect(p.snapshots.map((s) => s.index)).toEqual([...Array(86).keys()]);
    expect(p.peak).toMatchObject({ tree: 'peak', heapBytes: 407726, extraHeapBytes: 25738, stacksBytes: 0 });
    for (const s of p.snapshots) expect(s.heapBytes + s.extraHeapBytes).toBeLessThanOrEqual(407726 + 25738);
    expect(p.stacksPeakBytes).toBeNull();
  });

  it('parses a real massif out file with --stacks=yes: stacks apart, and in the peak', () => {
    const p = parseMassifOut(fixture('massif-stacks-ls.out'));
    expect(p.description).toMatch(/--stacks=yes/);
    expect(p.stacksPeakBytes).toBe(10136);
    const total = (s: (typeof p.snapshots)[number]): number => s.heapBytes + s.extraHeapBytes + s.stacksBytes;
    expect(total(p.peak)).toBe(Math.max(...p.snapshots.map(total)));
  });

  it('takes the largest snapshot when massif\'s peak snapshot is below it, and skips heap trees', () => {
    const p = parseMassifOut(HAND_WRITTEN);
    expect(p.snapshots).toHaveLength(4);
    expect(p.peak).toEqual({ index: 2, time: 130, heapBytes: 2700000, extraHeapBytes: 101000, stacksBytes: 0, tree: 'detailed' });
    expect(parseMassifOut(HAND_WRITTEN.replace(/\n/g, '\r\n')).peak.index).toBe(2);
    // With the marked peak the largest, it is the one chosen.
    expect(parseMassifOut(HAND_WRITTEN.replace('mem_heap_B=2700000', 'mem_heap_B=2000')).peak.tree).toBe('peak');
  });

  it('rejects what is not a whole massif out file, saying where', () => {
    expect(() => parseMassifOut(null)).toThrow(TypeError);
    expect(() => parseMassifOut(7)).toThrow(/must be the contents of a massif out file/);
    expect(() => parseMassifOut('')).toThrow(/no "desc:" header/);
    expect(() => parseMassifOut(HAND_WRITTEN.split('\n').slice(0, 3).join('\n'))).toThrow(/no snapshot/);
    // Cut short inside a snapshot.
    expect(() => parseMassifOut(HAND_WRITTEN.split('\n').slice(0, 17).join('\n'))).toThrow(/snapshot 1 \(line 13\) lacks mem_stacks_B, heap_tree/);
    expect(() => parseMassifOut(HAND_WRITTEN.replace('mem_heap_B=2685488', 'mem_heap_B=2.6e6'))).toThrow(/line 16: mem_heap_B must be a whole number/);
    expect(() => parseMassifOut(HAND_WRITTEN.replace('heap_tree=peak', 'heap_tree=tall'))).toThrow(/heap_tree=tall/);
    expect(() => parseMassifOut(HAND_WRITTEN.replace('snapshot=2', 'snapshot=two'))).toThrow(/snapshot number expected/);
    expect(() => parseMassifOut(HAND_WRITTEN.replace('mem_stacks_B=0\nheap_tree=empty', 'mem_stack_B=0\nheap_tree=empty'))).toThrow(/unknown snapshot field/);
    expect(() => parseMassifOut(HAND_WRITTEN.replace('time_unit: ms\n', 'time_unit: ms\ntime=5\n'))).toThrow(/before the first snapshot/);
    expect(() => parseMassifOut(HAND_WRITTEN.replace('#-----------\nsnapshot=3', 'garbage line\nsnapshot=3'))).toThrow(/neither a header/);
  });
});

describe('parseMemcheckLog', () => {
  it('parses a real memcheck report (ls): heap, leak and error summaries', () => {
    const s = parseMemcheckLog(fixture('memcheck-ls.txt'));
    expect(s.definitelyLost).toEqual({ bytes: 0, blocks: 0 });
    expect(s.possiblyLost).toEqual({ bytes: 0, blocks: 0 });
    expect(s.stillReachable).toEqual({ bytes: 21791, blocks: 30 });
    expect(s.inUseAtExit).toEqual({ bytes: 21791, blocks: 30 });
    expect(s.allocs).toBeGreaterThan(s.frees);
    expect(s.errors).toBe(0);
  });

  it('reads "All heap blocks were freed" as no leaks at all', () => {
    const s = parseMemcheckLog(fixture('memcheck-true.txt'));
    expect(s).toMatchObject({ inUseAtExit: { bytes: 0, blocks: 0 }, allocs: 0, definitelyLost: { bytes: 0, blocks: 0 }, stillReachable: { bytes: 0, blocks: 0 }, errors: 0 });
  });

  it('reads losses with thousands separators', () => {
    const text = fixture('memcheck-ls.txt')
      .replace('definitely lost: 0 bytes in 0 blocks', 'definitely lost: 1,234,567 bytes in 1,002 blocks')
      .replace('possibly lost: 0 bytes in 0 blocks', 'possibly lost: 512 bytes in 2 blocks')
      .replace('ERROR SUMMARY: 0 errors', 'ERROR SUMMARY: 3 errors');
    const s = parseMemcheckLog(text);
    expect(s.definitelyLost).toEqual({ bytes: 1234567, blocks: 1002 });
    expect(s.possiblyLost).toEqual({ bytes: 512, blocks: 2 });
    expect(s.errors).toBe(3);
  });

  it('rejects a report without its summaries', () => {
    expect(() => parseMemcheckLog(undefined)).toThrow(TypeError);
    expect(() => parseMemcheckLog('==1== Memcheck, a memory error detector\n')).toThrow(/no HEAP SUMMARY/);
    const log = fixture('memcheck-ls.txt');
    expect(() => parseMemcheckLog(log.replace(/==\d+== LEAK SUMMARY:[\s\S]*?(?===\d+== ERROR)/, ''))).toThrow(/no LEAK SUMMARY/);
    expect(() => parseMemcheckLog(log.replace(/^.*possibly lost: .*$/m, ''))).toThrow(/no "possibly lost" line/);
    expect(() => parseMemcheckLog(log.replace(/^.*ERROR SUMMARY.*$/m, ''))).toThrow(/no ERROR SUMMARY/);
  });
});

const valgrind = findExecutable('valgrind');
const skipWhy = valgrind === null ? ' (skipped: valgrind not installed; apt-get install valgrind)' : '';
const env = (argv: string[]) => async () => ({ command: { argv }, close: () => undefined });

describe('runUnderValgrind', () => {
  it.skipIf(valgrind === null)(`profiles a harmless command with massif and memcheck${skipWhy}`, async () => {
    let closed = 0;
    const m = await runUnderValgrind({ valgrind: valgrind!, tool: 'massif', timeLimitMs: 60_000, environment: async () => ({ command: { argv: ['ls', '-la', '/usr/bin'] }, close: () => void closed++ }) });
    expect(closed).toBe(1);
    expect(m).toMatchObject({ tool: 'massif', stacks: false, exitCode: 0, limited: false, failure: null, memcheck: null });
    expect(m.massif!.timeUnit).toBe('ms');
    expect(m.massif!.peak.heapBytes).toBeGreaterThan(10_000);
    const c = await runUnderValgrind({ valgrind: valgrind!, tool: 'memcheck', timeLimitMs: 60_000, environment: env(['ls', '/']) });
    expect(c.memcheck!.definitelyLost.bytes).toBe(0);
    expect(c.memcheck!.allocs).toBeGreaterThan(0);
    expect(c.logTail).toMatch(/ERROR SUMMARY/);
  }, 120_000);

  it.skipIf(valgrind === null || findExecutable('timeout') === null)(`stops a run at its limit and still has massif's profile so far${skipWhy}`, async () => {
    const r = await runUnderValgrind({ valgrind: valgrind!, tool: 'massif', timeLimitMs: 2000, environment: env(['sleep', '30']) });
    expect(r.limited).toBe(true);
    expect(r.wallNs).toBeLessThan(25e9);
    expect(r.failure).toBeNull();
    expect(r.massif!.snapshots.length).toBeGreaterThan(0);
  }, 60_000);

  const perl = findExecutable('perl');
  it.skipIf(valgrind === null || perl === null || process.getuid?.() !== 0)(`has massif's profile written by a program that drops privileges to nobody before it exits${skipWhy || (process.getuid?.() !== 0 ? ' (skipped: needs root)' : '')}`, async () => {
    const drop = '$( = $) = "65534 65534"; $< = $> = 65534; die "still root" if $> == 0; my @a = (1) x 200000; print scalar(@a), "\\n";';
    const r = await runUnderValgrind({ valgrind: valgrind!, tool: 'massif', timeLimitMs: 60_000, environment: env([perl!, '-e', drop]) });
    expect(r.exitCode).toBe(0);
    expect(r.failure).toBeNull();
    expect(r.massif!.peak.heapBytes).toBeGreaterThan(200_000 * 8);
  }, 120_000);

  it('checks its options and needs the command from the environment', async () => {
    await expect(runUnderValgrind({ valgrind: '/usr/bin/valgrind', tool: 'cachegrind' as 'massif', timeLimitMs: 1000, environment: env(['true']) })).rejects.toThrow(/options.tool must be "massif" or "memcheck"/);
    await expect(runUnderValgrind({ valgrind: '/usr/bin/valgrind', tool: 'massif', timeLimitMs: 0, environment: env(['true']) })).rejects.toThrow(/options.timeLimitMs/);
    await expect(runUnderValgrind({ valgrind: '/usr/bin/valgrind', tool: 'massif', timeLimitMs: 1000, environment: async () => ({ close: () => undefined }) })).rejects.toThrow(/must supply the command/);
  });
});

/** The prtip suite's memory claims, judged from figures given here (no valgrind run). */
describe('the prtip suite\'s memory claims', () => {
  const memoryIds = ['whole-massif-100-ports', 'whole-peak-memory-1k', 'whole-peak-memory-10k', 'whole-massif-ipv6-1k', 'whole-sv-memory-1.97GB', 'whole-heap-stateless-1k', 'massif-sv-overhead-10MB', 'massif-os-fingerprint-5MB', 'leak-check-zero'];
  const noRuns = () => null;

  it('without valgrind on PATH, every one is cannot tell and names the package', () => {
    expect(locateValgrind('/nonexistent-dir:/also-not-here')).toBeNull();
    if (valgrind) expect(locateValgrind(dirname(valgrind))).toBe(valgrind);
    const claims = memoryClaims(locateValgrind('/nonexistent-dir'), null, null, noRuns);
    expect(claims.map((c) => c.id).sort()).toEqual([...memoryIds].sort());
    for (const c of claims) {
      expect(c.verdict, c.id).toBe('cannot-tell');
      expect(c.reason, c.id).toMatch(/valgrind package \(Debian\/Ubuntu: apt-get install valgrind\)/);
      expect(c.measureWith, c.id).toMatch(/install/);
      expect(CLAIMS_INVENTORY.find((e) => e.id === c.id)?.suite, c.id).toBe('prtip');
    }
  });

  const massifRun = (heap: number, extra: number, limited = false): ValgrindMemoryRun => ({
    tool: 'massif', stacks: false, memcheck: null, wallNs: 1e9, exitCode: limited ? 124 : 0, limited, failure: null, logTail: '',
    massif: { command: 'prtip', description: '', timeUnit: 'ms', snapshots: [], peak: { index: 1, time: 1, heapBytes: heap, extraHeapBytes: extra, stacksBytes: 0, tree: 'peak' }, stacksPeakBytes: null },
  });
  const check = (id: string, heap: ValgrindMemoryRun | null, output = ''): MemoryCheck => ({ id, argv: ['prtip'], limitMs: 30_000, heap, stacks: null, anonBytes: 3e6, untracedWallNs: 4e7, untracedOutput: output, note: '' });
  const MiB = 2 ** 20;
  const results = (checks: MemoryCheck[], leaks: Partial<NonNullable<ValgrindMemoryRun['memcheck']>> | null = null): MemoryResults => ({
    valgrind: '/usr/bin/valgrind', checks, stacksUnsupported: null, tracedNs: 0, quick: false, budgetMs: 30_000, leaksNote: '',
    leaks: leaks && { ...massifRun(0, 0), tool: 'memcheck', massif: null, memcheck: {
      inUseAtExit: { bytes: 0, blocks: 0 }, allocs: 1, frees: 1, bytesAllocated: 1, definitelyLost: { bytes: 0, blocks: 0 }, indirectlyLost: { bytes: 0, blocks: 0 },
      possiblyLost: { bytes: 0, blocks: 0 }, stillReachable: { bytes: 0, blocks: 0 }, suppressed: { bytes: 0, blocks: 0 }, errors: 0, ...leaks } },
  });
  const verdicts = (r: MemoryResults) => Object.fromEntries(memoryClaims(r.valgrind, r, null, noRuns).map((c) => [c.id, c.verdict]));

  it('judges the documents\' figures on heap + extra-heap in MiB, within ±25%, and the 1 MB claim on heap alone', () => {
    const v = verdicts(results([
      check('syn-scan-100', massifRun(1.999 * MiB * 0.7, 0)),
      check('syn-scan-1k', massifRun(2.69e6, 0.1e6)),
      check('syn-scan-10k', massifRun(12.34 * MiB * 1.2, 0.05 * 12.34 * MiB)),
    ], {}));
    expect(v['whole-massif-100-ports']).toBe('does-not-hold');
    expect(v['whole-peak-memory-1k']).toBe('holds');
    expect(v['whole-peak-memory-10k']).toBe('holds');
    expect(v['whole-heap-stateless-1k']).toBe('does-not-hold');
    expect(v['leak-check-zero']).toBe('holds');
    expect(v['whole-massif-ipv6-1k']).toBe('cannot-tell');
    expect(verdicts(results([check('syn-scan-1k', massifRun(0.9 * MiB, 0.2 * MiB))]))['whole-heap-stateless-1k']).toBe('holds');
  });

  it('a run stopped at its limit gives a lower bound: it refutes only from above', () => {
    const sv = (heap: number, limited: boolean) => verdicts(results([check('service-detect-4', massifRun(heap, 0, limited)), check('service-detect-4-without-sV', massifRun(1.7e6, 0))]));
    expect(sv(1.1e9, true)['whole-sv-memory-1.97GB']).toBe('cannot-tell');
    expect(sv(1.1e9, true)['massif-sv-overhead-10MB']).toBe('does-not-hold');
    expect(sv(3e9, true)['whole-sv-memory-1.97GB']).toBe('does-not-hold');
    expect(sv(2.0e9, false)['whole-sv-memory-1.97GB']).toBe('holds');
    expect(sv(5e6, true)['massif-sv-overhead-10MB']).toBe('cannot-tell');
    expect(sv(5e6, false)['massif-sv-overhead-10MB']).toBe('holds');
  });

  it('-O that fingerprinted nothing (no OS line, no heap of its own) is cannot tell, with that as the reason', () => {
    const os = (heap: number, output: string) => memoryClaims('/usr/bin/valgrind', results([check('os-detect-1', massifRun(heap, 0), output), check('os-detect-1-without-O', massifRun(1.70e6, 0))]), null, noRuns)
      .find((c) => c.id === 'massif-os-fingerprint-5MB')!;
    const none = os(1.71e6, 'Open Ports:\n  8080 open\n');
    expect(none.verdict).toBe('cannot-tell');
    expect(none.reason).toMatch(/accepted -O .* no OS fingerprinting/);
    expect(os(1.71e6, 'OS details: Linux 6.x\n').verdict).toBe('holds');
    expect(os(1.7e6 + 4.5 * MiB, '').verdict).toBe('holds');
    expect(os(1.7e6 + 6 * MiB, '').verdict).toBe('does-not-hold');
  });

  it('judges leaks on memcheck\'s definitely and possibly lost bytes', () => {
    expect(verdicts(results([], { definitelyLost: { bytes: 16, blocks: 1 } }))['leak-check-zero']).toBe('does-not-hold');
    expect(verdicts(results([], { possiblyLost: { bytes: 304, blocks: 1 } }))['leak-check-zero']).toBe('does-not-hold');
    expect(verdicts(results([], { stillReachable: { bytes: 60264, blocks: 73 } }))['leak-check-zero']).toBe('holds');
    const missing = memoryClaims('/usr/bin/valgrind', results([]), 'prtip not found', noRuns).find((c) => c.id === 'leak-check-zero')!;
    expect(missing.verdict).toBe('cannot-tell');
    expect(missing.reason).toBe('prtip not found');
  });
});
