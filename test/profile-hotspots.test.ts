/**
 * The hotspot figures measured on profiles built here frame by frame: per-run self and
 * inclusive counts, user-space frames only, chains reaching a root, the binary's own symbol
 * table (present / absent / unreadable), and the tables' shares adding up. The verdicts are
 * the profile family's (test/judge-profile.test.ts).
 */
import { describe, expect, it } from 'vitest';
import type { SymbolizedFrame, SymbolizedProfile } from '../src/measure/profile/symbols.js';
import { mergeProfiles } from '../src/measure/profile/analysis.js';
import { attributionCheckTable, HOTSPOT_PATTERNS, inBinary, measureHotspots, patternRuns, PERF_REPORT_PATTERNS, scenarioProfile, topFunctionsTable } from '../src/measure/profile/hotspots.js';

const user = (name: string, library = 'prtip'): SymbolizedFrame => ({ name, library, kind: 'user', symbolized: !name.startsWith('[') });
const kern = (name: string): SymbolizedFrame => ({ name, library: '[kernel.kallsyms]', kind: 'kernel', symbolized: true });

/** A profile with `parts`: [count, frames leaf first]. */
function profile(parts: [number, SymbolizedFrame[]][], source: 'symtab' | 'dynsym' = 'symtab'): SymbolizedProfile {
  const samples = parts.flatMap(([n, frames]) => Array.from({ length: n }, () => ({ pid: 1, tid: 1, comm: 'prtip', frames })));
  const leafInPrtip = samples.filter((s) => s.frames[0]!.library === 'prtip');
  return {
    raw: { event: 'cpu-clock', frequencyHz: 10000, samples: [], mappings: [], comms: [], lost: 0, kernelFrames: { available: true }, wallNs: 1 },
    samples,
    libraries: [{ library: 'prtip', path: '/x/prtip', source, buildId: null, leafSamples: leafInPrtip.length, unsymbolizedLeafSamples: leafInPrtip.filter((s) => !s.frames[0]!.symbolized).length, missing: [],
      ...(source === 'dynsym' ? { hint: 'CARGO_PROFILE_RELEASE_STRIP=false' } : {}) }],
    kernel: { available: true },
  };
}

/** The merged profile of `parts` as the suite builds it, each run apart too. */
function scenario(name: string, parts: SymbolizedProfile[], binary = 'prtip') {
  return scenarioProfile('prtip', name, parts.length, mergeProfiles(parts), binary, parts);
}

describe('measureHotspots (figures only: the judging is src/judge/families/profile.ts)', () => {
  const synConnect = profile([[850, [kern('__x64_sys_connect'), user('prtip::scan'), user('start_thread', 'libc.so.6')]], [150, [user('prtip::scan')]]]);
  const service = profile([
    [80, [user('<regex_automata::meta::regex::Regex>::search'), user('prtip::detect')]],
    [300, [user('regex_automata::nfa::thompson::compiler::Compiler::c')]],
    [20, [kern('skb_checksum')]], // a kernel checksum is not prtip's calculate_checksum
    [600, [user('prtip::detect')]],
  ]);
  const data = measureHotspots([scenario('syn-scan-1k', [synConnect, synConnect]), scenario('connect-scan-1k', [synConnect]), scenario('service-detect', [service])]);
  const row = (key: string) => data.rows.find((r) => r.key === key)!;

  it('measures every pattern of the table per run: samples, user space, self, inclusive and chains reaching a root', () => {
    expect(data.rows.map((r) => r.key)).toEqual(HOTSPOT_PATTERNS.map((h) => h.key));
    expect(data.perfReport.map((r) => r.key)).toEqual(PERF_REPORT_PATTERNS.map((h) => h.key));
    expect(row('craft_syn_packet').runs).toEqual([
      { samples: 1000, user: 150, self: 0, total: 0, rooted: 850 }, { samples: 1000, user: 150, self: 0, total: 0, rooted: 850 }]);
    expect(data.syn).toEqual({ connectOnStack: true, rawSendOnStack: false });
    expect(data.profiled.map((p) => [p.scenario, p.samples])).toEqual([['syn-scan-1k', [1000, 1000]], ['connect-scan-1k', [1000]], ['service-detect', [1000]]]);
  });

  it('regex::find counts searching (self beside inclusive), measures compiling beside it; kernel checksums do not count', () => {
    expect(row('regex::find').runs[0]).toMatchObject({ self: 80, total: 80 });
    expect(row('regex::find').also).toMatchObject({ selfSamples: 300 });
    expect(patternRuns(scenario('service-detect', [service]), HOTSPOT_PATTERNS[1]!.pattern)[0]).toMatchObject({ self: 0, total: 0 });
  });

  it('inclusive shares count a function anywhere on the stack', () => {
    const p = profile([[30, [user('memcpy', 'libc.so.6'), user('prtip_network::packet_builder::TcpPacketBuilder::build')]], [70, [user('prtip::other')]]]);
    const r = patternRuns(scenario('syn-scan-1k', [p]), HOTSPOT_PATTERNS[0]!.pattern);
    expect(r).toEqual([{ samples: 100, user: 100, self: 0, total: 30, rooted: 0 }]);
  });

  it('reads the binary\'s own symbol table: present, absent, or unreadable', () => {
    const p = profile([[10, [user('main', 'node')]]]);
    p.libraries[0] = { ...p.libraries[0]!, library: 'node', path: process.execPath };
    const sp = scenario('syn-scan-1k', [p], 'node');
    const present = inBinary(sp, /^main$/);
    expect(present.source).toBe('symtab');
    expect(present.matching).toBeGreaterThan(0);
    expect(inBinary(sp, /^no_such_function_anywhere_h20$/).matching).toBe(0);
    const gone = profile([[10, [user('x')]]]);
    gone.libraries[0] = { ...gone.libraries[0]!, path: '/nonexistent/prtip' };
    expect(inBinary(scenario('syn-scan-1k', [gone]), /x/).error).toMatch(/cannot open/);
  });
});

describe('tables', () => {
  it('the top functions, the rest of the binary and everything outside it add up to all samples', () => {
    const p = profile([
      ...Array.from({ length: 14 }, (_, i): [number, SymbolizedFrame[]] => [10 + i, [user(`prtip::f${i}`)]]),
      [500, [kern('do_syscall_64')]], [40, [user('memcpy', 'libc.so.6')]],
    ]);
    const t = topFunctionsTable(scenarioProfile('prtip', 'syn-scan-1k', 1, p, 'prtip'), 10);
    expect(t.rows).toHaveLength(13);
    expect(t.rows[0]![1]).toBe('prtip::f13');
    const counts = t.rows.slice(0, 12).map((r) => Number(r[3]));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(p.samples.length);
    expect(t.rows[12]![4]).toBe('100.0%');
  });

  it('the attribution check compares floors with sampled send-syscall stacks and user space', () => {
    const p = profile([[300, [kern('__sys_sendto'), kern('__x64_sys_sendto'), user('[masscan]', 'masscan')]], [600, [kern('schedule')]], [100, [user('[masscan]', 'masscan')]]]);
    const t = attributionCheckTable([scenarioProfile('masscan', 'syn-scan-1k', 1, p, 'masscan')],
      [{ tool: 'masscan', scenario: 'syn-scan-1k', shares: { crafting: 0.02, checksums: 0.01, sendPath: 0.25 } }]);
    expect(t.rows).toEqual([['masscan', 'syn-scan-1k', 1000, '≥ 25.0%', '30.0%', 'consistent', '≥ 3.0%', '10.0%', 'consistent']]);
    const high = attributionCheckTable([scenarioProfile('masscan', 'syn-scan-1k', 1, p, 'masscan')],
      [{ tool: 'masscan', scenario: 'syn-scan-1k', shares: { crafting: 0.2, checksums: 0.1, sendPath: 0.5 } }]);
    expect(high.rows[0]![5]).toBe('floor above the sampled share');
    expect(high.rows[0]![8]).toBe('floor above all user space');
  });
});

