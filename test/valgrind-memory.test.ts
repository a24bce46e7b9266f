import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { locateValgrind } from '../bench/suites/prtip.bench.js';
import { findExecutable } from '../src/measure/runner/spawn.js';
import { parseMassifOut, parseMemcheckLog, runUnderValgrind } from '../src/measure/runner/valgrind-memory.js';

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

describe('locateValgrind', () => {
  it('finds valgrind on the PATH given, or null', () => {
    expect(locateValgrind('/nonexistent-dir:/also-not-here')).toBeNull();
    if (valgrind) expect(locateValgrind(dirname(valgrind))).toBe(valgrind);
  });
});
