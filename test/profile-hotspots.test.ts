/**
 * 003's hotspot table judged on profiles built here frame by frame: the verdict rules
 * (95% interval inside / outside the claimed range), user-space frames only, the
 * user-space bound for a binary without symbols, the hot path against user-space CPU,
 * and the tables' shares adding up.
 */
import { describe, expect, it } from 'vitest';
import type { SymbolizedFrame, SymbolizedProfile } from '../src/profile/symbols.js';
import { attributionCheckTable, HOTSPOT_CLAIMS, judgeHotspots, judgePerfReportExample, rangeVerdict, scenarioProfile, topFunctionsTable } from '../src/profile/hotspots.js';

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

describe('rangeVerdict', () => {
  it('holds inside, does not hold wholly outside, cannot tell across an edge', () => {
    expect(rangeVerdict(1300, 10000, [0.12, 0.15]).verdict).toBe('holds');
    expect(rangeVerdict(0, 1000, [0.12, 0.15]).verdict).toBe('does-not-hold');
    expect(rangeVerdict(300, 1000, [0.12, 0.15]).verdict).toBe('does-not-hold');
    expect(rangeVerdict(12, 100, [0.12, 0.15]).verdict).toBe('cannot-tell');
    expect(rangeVerdict(0, 0, [0.12, 0.15]).verdict).toBe('cannot-tell');
  });
});

describe('judgeHotspots', () => {
  const synConnect = profile([[850, [kern('__x64_sys_connect'), user('prtip::scan')]], [150, [user('prtip::scan')]]]);
  const service = profile([
    [80, [user('<regex_automata::meta::regex::Regex>::search'), user('prtip::detect')]],
    [300, [user('regex_automata::nfa::thompson::compiler::Compiler::c')]],
    [20, [kern('skb_checksum')]], // a kernel checksum is not prtip's calculate_checksum
    [600, [user('prtip::detect')]],
  ]);
  const profiles = new Map([
    ['syn-scan-1k', scenarioProfile('prtip', 'syn-scan-1k', 1, synConnect, 'prtip')],
    ['connect-scan-1k', scenarioProfile('prtip', 'connect-scan-1k', 1, synConnect, 'prtip')],
    ['service-detect', scenarioProfile('prtip', 'service-detect', 1, service, 'prtip')],
  ]);
  const results = judgeHotspots(profiles, 'prtip v0.5.9', true);
  const byId = new Map(results.map((r) => [r.row.id, r]));

  it('judges every row of the table and the hot path, with the connect scanner stated for the SYN rows', () => {
    expect(results.map((r) => r.row.id)).toEqual([...HOTSPOT_CLAIMS.map((c) => c.id), 'hotspot-total-hot-path']);
    const craft = byId.get('hotspot-craft-syn-packet')!;
    expect(craft.row.verdict).toBe('does-not-hold');
    expect(craft.row.reason).toContain('execute_scan_ports runs the connect scanner');
    expect(craft.row.reason).toContain('-sS included');
    expect(byId.get('hotspot-tokio-spawn')!.row.reason).not.toContain('execute_scan_ports');
  });

  it('regex::find counts searching, not compiling, and says what compiling took; kernel checksums do not count', () => {
    const rx = byId.get('hotspot-regex-find')!;
    expect(rx.selfSamples).toBe(80);
    expect(rx.row.verdict).toBe('holds'); // 8% of 1000 samples: the interval 6.5-9.9% lies inside 6-10%
    expect(rx.row.measured).toContain('regex compilation');
    expect(rx.row.measured).toMatch(/30\.0% self \(300 samples\)/);
    expect(byId.get('hotspot-calculate-checksum')!.selfSamples).toBe(0);
  });

  it('the hot path is judged against user-space CPU in every profiled scenario', () => {
    const hot = byId.get('hotspot-total-hot-path')!;
    // service-detect: 80 of 980 user samples (8%); SYN and connect: 0 of 150: all wholly under 45%.
    expect(hot.row.verdict).toBe('does-not-hold');
    expect(hot.row.measured).toContain('of user-space CPU');
  });

  it('without symbols the user-space share bounds the claims: decides where its upper bound is under the range', () => {
    const stripped = profile([[950, [kern('__x64_sys_connect')]], [50, [user('[prtip]')]]], 'dynsym');
    const r = judgeHotspots(new Map([['syn-scan-1k', scenarioProfile('prtip', 'syn-scan-1k', 1, stripped, 'prtip')]]), 'prtip', false);
    const craft = r.find((x) => x.row.id === 'hotspot-craft-syn-packet')!;
    expect(craft.row.verdict).toBe('does-not-hold'); // user ≤ 6.4% < 12%
    expect(craft.row.reason).toContain('bounds every user-space function from above');
    const recv = r.find((x) => x.row.id === 'hotspot-recv-packets')!;
    expect(recv.row.verdict).toBe('cannot-tell'); // 4-6% is not excluded by a 5% user share
    expect(recv.row.measureWith).toContain('CARGO_PROFILE_RELEASE_STRIP=false');
    expect(r.find((x) => x.row.id === 'hotspot-regex-find')!.row.verdict).toBe('cannot-tell'); // not profiled
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

describe('004\'s example perf report', () => {
  it('each figure within ±5 points holds; one wholly outside refutes it; a stripped binary cannot tell', () => {
    const like = profile([
      [452, [user('prtip_network::send_syn')]], [123, [user('prtip_scanner::scan_port')]],
      [87, [user('pthread_mutex_lock', 'libc.so.6')]], [54, [user('<crossbeam_queue::ArrayQueue<T>>::pop')]], [284, [kern('schedule')]],
    ]);
    expect(judgePerfReportExample(scenarioProfile('prtip', 'syn-scan-1k', 1, like, 'prtip'), 'prtip', false).verdict).toBe('holds');
    const connect = profile([[900, [kern('__x64_sys_connect')]], [100, [user('prtip_scanner::tcp_connect::scan')]]]);
    const r = judgePerfReportExample(scenarioProfile('prtip', 'syn-scan-1k', 1, connect, 'prtip'), 'prtip v0.5.9', true);
    expect(r.verdict).toBe('does-not-hold');
    expect(r.reason).toContain('execute_scan_ports runs the connect scanner');
    const stripped = profile([[900, [kern('x')]], [100, [user('[prtip]')]]], 'dynsym');
    expect(judgePerfReportExample(scenarioProfile('prtip', 'syn-scan-1k', 1, stripped, 'prtip'), 'prtip', false).verdict).toBe('cannot-tell');
    expect(judgePerfReportExample(undefined, 'prtip', false).verdict).toBe('cannot-tell');
  });
});
