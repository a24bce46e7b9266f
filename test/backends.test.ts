/**
 * The counter-backend registry: every backend implements the whole interface, sample() and
 * CountedBench look a backend up by name, and stat's backend form works for any backend with a
 * `command` hook (checked here with a scripted one, as hyperfine checks its runner with a mock
 * executor).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bench } from 'tinybench';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseBenchArgs } from '../src/cli/commands/bench.js';
import { backendStatCommand, summariseRuns, takeCountersOption } from '../src/cli/commands/stat-backend.js';
import {
  backendChoices, backendOf, COUNTER_BACKEND_LIST, COUNTER_BACKENDS, type CommandCount, type CounterBackend, counterBackend, DEFAULT_COUNTER_BACKEND,
} from '../src/measure/backends/index.js';
import { sample } from '../src/measure/sample.js';
import { CountedBench } from '../src/measure/tinybench-counters.js';

afterEach(() => vi.restoreAllMocks());

describe('the counter-backend registry', () => {
  it('lists each backend once, the default (perf_event) first, each with every hook but the optional command', () => {
    expect(COUNTER_BACKENDS[0]).toBe('perf_event');
    expect(COUNTER_BACKENDS).toContain('callgrind');
    expect(DEFAULT_COUNTER_BACKEND).toBe('perf_event');
    expect(new Set(COUNTER_BACKENDS).size).toBe(COUNTER_BACKENDS.length);
    for (const b of COUNTER_BACKEND_LIST) {
      expect(b.summary.length, b.name).toBeGreaterThan(20);
      expect(typeof b.sample, b.name).toBe('function');
      expect(typeof b.tasks, b.name).toBe('function');
      const status = b.status();
      expect(typeof status.available, b.name).toBe('boolean');
      if (!status.available) expect(status.reason, b.name).not.toBe('');
    }
    expect(counterBackend('perf_event').command).toBeUndefined(); // stat's runner is its form
    expect(counterBackend('callgrind').command?.switches.map((s) => s.name)).toEqual(['cache-sim', 'trace-children']);
  });

  it('names the parameter and the valid names for an unknown backend, everywhere it is looked up', () => {
    expect(backendChoices(['a', 'b'])).toBe('"a" or "b"');
    expect(backendChoices(['a', 'b', 'c'])).toBe('"a", "b" or "c"');
    const choices = backendChoices(); // the list may grow: the messages follow it
    expect(choices).toMatch(/^"perf_event", .*"callgrind"|^"perf_event" or "callgrind"$/);
    expect(() => counterBackend('pmu', '--counters')).toThrow(`--counters must be ${choices}, got "pmu"`);
    expect(() => backendOf({ backend: 7 })).toThrow(`options.backend must be ${choices}, got number`);
    expect(backendOf(undefined).name).toBe('perf_event');
    expect(backendOf({}).name).toBe('perf_event');
    expect(() => sample(() => 1, { events: ['task-clock'], backend: 'pmu' as 'callgrind' })).toThrow(RangeError);
    expect(() => new CountedBench(new Bench(), ['task-clock'], { backend: 'pmu' as 'callgrind' })).toThrow(/options.backend must be/);
    expect(() => takeCountersOption(['--counters', 'pmu', '--', 'ls'])).toThrow(`expected one of ${COUNTER_BACKENDS.join(', ')}, got "pmu"`);
  });

  it('sample() and CountedBench hand the work to the named backend', async () => {
    const perf = counterBackend('perf_event');
    const spy = vi.spyOn(perf, 'sample');
    sample(() => 1, { events: ['task-clock'], iterations: 2 });
    expect(spy).toHaveBeenCalledTimes(1);
    const tasks = vi.spyOn(perf, 'tasks');
    using cb = new CountedBench(new Bench({ iterations: 2, time: 0, warmup: false }), ['task-clock'], { subtractFloor: false });
    cb.add('noop', () => {});
    const [r] = await cb.run();
    expect(tasks).toHaveBeenCalledTimes(1);
    expect(r!.task).toBe('noop');
    expect(cb.group).not.toBeNull();
  });

  it('bench takes only the backends its registry can run suites on, and --cache-sim only with one that simulates caches', () => {
    expect(parseBenchArgs(['--counters', 'callgrind'], ['checksum'], ['perf_event', 'callgrind']).counters).toBe('callgrind');
    expect(() => parseBenchArgs(['--counters', 'callgrind'], ['checksum'], ['perf_event'])).toThrow(/bench runs its suites on "perf_event"; "callgrind" is a counter backend without a suite runner/);
    expect(() => parseBenchArgs(['--counters', 'x'], ['checksum'], ['perf_event'])).toThrow(/--counters: expected one of perf_event, got "x"/);
    expect(() => parseBenchArgs(['--cache-sim'], ['checksum'], ['perf_event'])).toThrow(/--cache-sim needs --counters \(a backend that simulates caches\)/);
  });
});

/** A backend whose command counts are scripted: the stat form is checked without valgrind. */
function scripted(runs: CommandCount[], seen: unknown[] = []): CounterBackend {
  return {
    ...counterBackend('callgrind'),
    name: 'scripted',
    command: {
      source: 'scripted for a test', how: 'by a script', description: 'Counts nothing real.',
      switches: [{ name: 'deep-mode', help: 'a switch of its own' }],
      label: (e) => `${e} (scripted)`, eventName: (e) => e.toLowerCase(),
      countOnce: async (command, options) => {
        seen.push({ command, ...options });
        return runs.shift()!;
      },
    },
  };
}

const count = (totals: Record<string, number> | null, exitCode = 0, failure = ''): CommandCount => ({ exitCode, signal: null, timedOut: false, wallMs: 5, totals, failure });

describe("stat's backend form (stat --counters NAME)", () => {
  it('runs the command N times with the parsed switches, prints median and spread, writes the JSON', async () => {
    const seen: unknown[] = [];
    const json = join(mkdtempSync(join(tmpdir(), 'prtip-perf-backend-')), 'out.json');
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
    const code = await backendStatCommand(scripted([count({ Ir: 100 }), count({ Ir: 110 }), count({ Ir: 105 })], seen), ['-r', '3', '--deep-mode', '-t', '2', '--json', json, '--', 'prog', '-x']);
    expect(code).toBe(0);
    expect(seen).toEqual(Array(3).fill({ command: ['prog', '-x'], timeoutMs: 2000, showOutput: false, switches: { 'deep-mode': true } }));
    expect(lines[0]).toBe('prog -x: 3 runs by a script (scripted for a test)');
    expect(lines[1]).toMatch(/Ir \(scripted\)\s+105\s+spread 9.5238 %\s+runs: 100, 110, 105/);
    const written = JSON.parse(readFileSync(json, 'utf8'));
    expect(written).toMatchObject({ backend: 'scripted', source: 'scripted for a test', command: ['prog', '-x'], events: [{ event: 'Ir', name: 'ir', median: 105, perRun: [100, 110, 105] }] });
    expect(written.runs).toHaveLength(3);
  });

  it('exits 1 when a run of the command failed, and refuses a run without counts, naming why', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    expect(await backendStatCommand(scripted([count({ Ir: 1 }), count({ Ir: 1 }, 3)]), ['--', 'prog'])).toBe(1);
    await expect(backendStatCommand(scripted([count(null, 1, 'no dump: valgrind: bad option')]), ['--', 'prog'])).rejects.toThrow(/stat: prog: no dump: valgrind: bad option/);
  });

  it('needs the command after "--", knows its own switches only, and refuses a backend without a command hook', async () => {
    await expect(backendStatCommand(scripted([]), ['prog'])).rejects.toThrow(/put the command after "--"/);
    await expect(backendStatCommand(scripted([]), ['--cache-sim', '--', 'prog'])).rejects.toThrow(/unknown option '--cache-sim'/);
    await expect(backendStatCommand(scripted([]), ['-r', '0', '--', 'prog'])).rejects.toThrow(/--runs must be a whole number from 1 to 1000, got "0"/);
    await expect(backendStatCommand(counterBackend('perf_event'), ['--', 'prog'])).rejects.toThrow(/stat has no form for it/);
  });

  it('summarises per event in the first run\'s order, with a zero median giving a zero spread', () => {
    expect(summariseRuns([count({ b: 0, a: 4 }), count({ b: 0, a: 6 })], (e) => e.toUpperCase())).toEqual([
      { event: 'b', label: 'B', perRun: [0, 0], median: 0, spreadPct: 0 },
      { event: 'a', label: 'A', perRun: [4, 6], median: 5, spreadPct: 40 },
    ]);
  });
});
