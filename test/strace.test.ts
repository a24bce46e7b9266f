import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findExecutable } from '../src/measure/runner/spawn.js';
import { callShare, parseStraceSummary, runUnderStrace, timeShare, topByTime } from '../src/measure/runner/strace.js';

const fixture = (name: string): string => readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'fixtures', name), 'utf8');

// Written by hand in strace 6.1's layout: the documents' syn-scan-1k figures, an errors
// column, strace's own messages before the table, and a syscall name wider than its column.
const HAND_WRITTEN = [
  'strace: Process 4242 attached',
  'strace: Process 4243 attached',
  '% time     seconds  usecs/call     calls    errors syscall',
  '------ ----------- ----------- --------- --------- ----------------',
  ' 79.62    0.009437          45       209        12 futex',
  '  5.99    0.000710          15        46           write',
  '  3.16    0.000375          18        20           clone3',
  '  1.91    0.000226           3        61           mmap',
  '  0.16    0.000019           4         4         4 connect',
  '  9.16    0.001086          75        14         1 sched_setaffinity_long_name',
  '------ ----------- ----------- --------- --------- ----------------',
  '100.00    0.011853          33       354        17 total',
  '',
].join('\n');

describe('parseStraceSummary', () => {
  it('parses a real strace -c summary of ls (system time: all zeros, errors in some rows)', () => {
    const s = parseStraceSummary(fixture('strace-c-ls.txt'));
    expect(s.tables).toBe(1);
    expect(s.rows).toHaveLength(23);
    expect(s.total).toEqual({ syscall: 'total', percentTime: 100, seconds: 0, usecsPerCall: 0, calls: 157, errors: 27 });
    expect(s.rows.find((r) => r.syscall === 'openat')).toEqual({ syscall: 'openat', percentTime: 0, seconds: 0, usecsPerCall: 0, calls: 40, errors: 19 });
    expect(s.rows.find((r) => r.syscall === 'read')!.errors).toBe(0);
    // No time measured at all: no share of time, but a share of calls.
    expect(timeShare(s, 'futex')).toBeNull();
    expect(callShare(s, 'futex')).toBeCloseTo(1 / 157, 12);
  });

  it('parses a real strace -c -w summary of ls (wall clock, sorted by time)', () => {
    const s = parseStraceSummary(fixture('strace-cw-ls.txt'));
    expect(s.total.seconds).toBeCloseTo(0.008554, 9);
    expect(s.total.calls).toBe(145);
    expect(s.total.errors).toBe(19);
    expect(s.rows[0]).toMatchObject({ syscall: 'mmap', percentTime: 23.02, seconds: 0.001969, usecsPerCall: 65, calls: 30 });
    const pctSum = s.rows.reduce((a, r) => a + r.percentTime, 0);
    expect(pctSum).toBeGreaterThan(99.5);
    expect(pctSum).toBeLessThan(100.5);
    expect(topByTime(s, 3).map((r) => r.syscall)).toEqual(s.rows.slice(0, 3).map((r) => r.syscall));
  });

  it('parses a hand-written summary with errors, noise lines and a long name', () => {
    const s = parseStraceSummary(HAND_WRITTEN);
    expect(s.rows.map((r) => r.syscall)).toEqual(['futex', 'write', 'clone3', 'mmap', 'connect', 'sched_setaffinity_long_name']);
    expect(s.rows[0]).toEqual({ syscall: 'futex', percentTime: 79.62, seconds: 0.009437, usecsPerCall: 45, calls: 209, errors: 12 });
    expect(s.rows[1]!.errors).toBe(0);
    expect(s.total).toMatchObject({ calls: 354, errors: 17, seconds: 0.011853 });
    expect(timeShare(s, 'futex')).toBeCloseTo(0.7962, 10);
    expect(timeShare(s, 'epoll_wait')).toBe(0);
    expect(callShare(s, 'connect')).toBeCloseTo(4 / 354, 12);
    // topByTime orders by seconds, not by strace's print order.
    expect(topByTime(s, 2).map((r) => r.syscall)).toEqual(['futex', 'sched_setaffinity_long_name']);
    expect(parseStraceSummary(HAND_WRITTEN.replace(/\n/g, '\r\n')).total.calls).toBe(354);
  });

  it('merges one table per personality, recomputing % time from seconds', () => {
    const table64 = HAND_WRITTEN.split('\n').slice(2).join('\n');
    const table32 = [
      '% time     seconds  usecs/call     calls    errors syscall',
      '------ ----------- ----------- --------- --------- ----------------',
      '100.00    0.001000          10       100           futex',
      '------ ----------- ----------- --------- --------- ----------------',
      '100.00    0.001000          10       100           total',
    ].join('\n');
    const s = parseStraceSummary(`${table64}System call usage summary for 32 bit mode:\n${table32}\n`);
    expect(s.tables).toBe(2);
    expect(s.total.calls).toBe(454);
    const futex = s.rows.find((r) => r.syscall === 'futex')!;
    expect(futex.calls).toBe(309);
    expect(futex.percentTime).toBeCloseTo((100 * 0.010437) / 0.012853, 9);
  });

  it('rejects bad input with errors that say what is wrong', () => {
    expect(() => parseStraceSummary(undefined)).toThrow(TypeError);
    expect(() => parseStraceSummary(42)).toThrow(/must be the output of strace -c/);
    expect(() => parseStraceSummary('')).toThrow(RangeError);
    expect(() => parseStraceSummary('ls: cannot access x\n')).toThrow(/no strace -c summary table/);
    const lines = HAND_WRITTEN.split('\n');
    // Cut short: no total line.
    expect(() => parseStraceSummary(lines.slice(0, 8).join('\n'))).toThrow(/no total line/);
    // Header without its divider.
    expect(() => parseStraceSummary([lines[2], lines[4]].join('\n'))).toThrow(/divider/);
    // A number that is not one.
    expect(() => parseStraceSummary(HAND_WRITTEN.replace('0.000710', '0.0007x0'))).toThrow(/line 6, column seconds: expected a number/);
    // Rows that do not add up to the total line.
    expect(() => parseStraceSummary(HAND_WRITTEN.replace('       354', '       355'))).toThrow(/add up to 354 calls/);
    // A missing column.
    expect(() => parseStraceSummary(HAND_WRITTEN.replace('calls', 'xalls'))).toThrow(/lacks the calls column/);
    // Something other than the total after the second divider.
    expect(() => parseStraceSummary(HAND_WRITTEN.replace(' total', ' futex'))).toThrow(/expected the total line/);
  });
});

const strace = findExecutable('strace');

describe('runUnderStrace', () => {
  it.skipIf(strace === null)(`traces a harmless command and parses its summary${strace === null ? ' (skipped: strace not installed; apt-get install strace)' : ''}`, async () => {
    let closed = 0;
    const run = await runUnderStrace({
      strace: strace!,
      environment: async () => ({ command: { argv: ['ls', '/'] }, close: () => void closed++ }),
      timeoutMs: 20_000,
    });
    expect(closed).toBe(1);
    expect(run.mode).toBe('system-time');
    expect(run.exitCode).toBe(0);
    expect(run.summary.rows.find((r) => r.syscall === 'execve')?.calls).toBeGreaterThanOrEqual(1);
    expect(run.summary.rows.find((r) => r.syscall === 'getdents64')?.calls).toBeGreaterThanOrEqual(1);
    const wall = await runUnderStrace({ strace: strace!, wallClock: true, environment: async () => ({ command: { argv: ['ls', '/'] }, close: () => undefined }), timeoutMs: 20_000 });
    expect(wall.mode).toBe('wall-clock');
    expect(wall.summary.total.seconds).toBeGreaterThan(0);
  });
  it.skipIf(strace === null)('without -f traces the main thread only, as the documents ran it; with -f its children too', async () => {
    // sh forks ls (the "; true" keeps it from exec'ing ls in place): only -f sees ls read the directory.
    const environment = async () => ({ command: { argv: ['sh', '-c', 'ls / > /dev/null; true'] }, close: () => undefined });
    const main = await runUnderStrace({ strace: strace!, followThreads: false, environment, timeoutMs: 20_000 });
    const all = await runUnderStrace({ strace: strace!, environment, timeoutMs: 20_000 });
    expect([main.threads, all.threads]).toEqual(['main', 'all']);
    expect(main.summary.rows.find((r) => r.syscall === 'getdents64')).toBeUndefined();
    expect(all.summary.rows.find((r) => r.syscall === 'getdents64')?.calls).toBeGreaterThanOrEqual(1);
  });
  it('needs an environment that names the command', async () => {
    await expect(runUnderStrace({ strace: strace ?? '/usr/bin/strace', environment: async () => ({ close: () => undefined }), timeoutMs: 1000 })).rejects.toThrow(/must supply the command/);
  });
});
