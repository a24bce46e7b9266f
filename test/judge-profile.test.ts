/**
 * The profile family on synthetic prtip-suite data: every claim fed the document's own figures
 * holds, far from them does not hold, at the band's edge or without data cannot tell; a function
 * absent from the binary's symbols (inlined) cannot tell; prtip v0.5.9's connect scanner decides
 * the SYN-path rows with the fact stated; the PMU claim says which events are unsupported.
 */
import { describe, expect, it } from 'vitest';
import { PROFILE_CLAIMS, TOOL_CLAIMS } from '../src/judge/families/profile.js';
import type { HotspotMeasurement, PatternRun } from '../src/measure/profile/hotspots.js';
import type { Metric } from '../src/model/result.js';
import { measured, suite } from './judge-fixtures.js';

const CLAIMS = [...PROFILE_CLAIMS, ...TOOL_CLAIMS];
const judge = (id: string, s: ReturnType<typeof suite> | null) => CLAIMS.find((c) => c.id === id)!.judge(measured(s ? [s] : []));

/** Two runs of `n` samples with the function inclusive in `share` of them (self half of that), chains complete unless said. */
function runs(share: number, o: { n?: number; rooted?: number } = {}): PatternRun[] {
  const n = o.n ?? 40_000;
  return [0, 1].map(() => ({ samples: n, user: Math.round(0.6 * n), self: Math.round((share * n) / 2), total: Math.round(share * n), rooted: Math.round((o.rooted ?? 1) * n) }));
}

const SCENARIO: Record<string, string> = { craft_syn_packet: 'syn-scan-1k', calculate_checksum: 'syn-scan-1k', send_packets: 'syn-scan-1k', recv_packets: 'syn-scan-1k', 'tokio::spawn': 'connect-scan-1k', 'regex::find': 'service-detect' };

function row(key: string, r: PatternRun[], matching = 3, scenario = SCENARIO[key] ?? 'syn-scan-1k', lives: 'binary' | 'library' = 'binary'): HotspotMeasurement {
  return { key, scenario, pattern: `/${key}/`, lives, frequencyHz: 10_000, event: 'cpu-clock', runs: r, matched: r[0]!.total > 0 ? [{ name: `prtip::${key}`, selfSamples: r[0]!.self, totalSamples: r[0]!.total }] : [],
    inBinary: lives === 'library' ? null : { source: 'symtab', matching, examples: matching ? [`prtip::${key}`] : [] } };
}

/** The document's own midpoints for the six rows. */
const DOC = { craft_syn_packet: 0.135, calculate_checksum: 0.09, send_packets: 0.07, recv_packets: 0.05, 'tokio::spawn': 0.06, 'regex::find': 0.08 } as const;

/** A prtip suite result: a SYN scan that sent raw (or ran the connect scanner), hotspot rows, and whatever else is given. */
function prtip(o: { rows?: HotspotMeasurement[]; perfReport?: HotspotMeasurement[]; connectScanner?: boolean; extra?: Record<string, unknown>; metrics?: Metric[] } = {}) {
  const s = suite('prtip', o.metrics ?? []);
  const syscalls = o.connectScanner ? { sendto: 0, sendmmsg: 0, connect: 1004 } : { sendto: 0, sendmmsg: 10, connect: 0 };
  s.data = {
    runs: [{ tool: 'prtip', scenario: 'syn-scan-1k', summary: { cpu: { median: 60e6 }, wall: { median: 100e6 }, syscalls } }],
    floors: { craftNs: 20, craftFrom: 'packet-crafting/syn', checksumNs: 10, checksumFrom: 'checksum/avx2/20B + checksum/avx2/40B' },
    hotspots: { binary: '/x/prtip', who: 'prtip v0.5.9', rows: o.rows ?? [], perfReport: o.perfReport ?? [], syn: null, profiled: [] },
    ...o.extra,
  };
  return s;
}
const docRows = (f: (key: keyof typeof DOC) => number = (k) => DOC[k]) => (Object.keys(DOC) as (keyof typeof DOC)[]).map((k) => row(k, runs(f(k))));

const ROWS = [
  { id: 'hotspot-craft-syn-packet', key: 'craft_syn_packet', edge: 0.16 },
  { id: 'hotspot-calculate-checksum', key: 'calculate_checksum', edge: 0.107 },
  { id: 'hotspot-send-packets', key: 'send_packets', edge: 0.087 },
  { id: 'hotspot-recv-packets', key: 'recv_packets', edge: 0.067 },
  { id: 'hotspot-tokio-spawn', key: 'tokio::spawn', edge: 0.077 },
  { id: 'hotspot-regex-find', key: 'regex::find', edge: 0.107 },
  { id: 'whole-crafting-share', key: 'craft_syn_packet', edge: 0.16 },
  { id: 'whole-checksum-share', key: 'calculate_checksum', edge: 0.107 },
] as const;

describe('profile family: the hotspot rows and the crafting / checksum shares', () => {
  for (const c of ROWS) {
    it(`${c.id}: the document's figure holds, far does not, the edge and missing data cannot tell`, () => {
      const at = (x: number, o: { rooted?: number; matching?: number } = {}) => prtip({ rows: [row(c.key, runs(x, o), o.matching ?? 3)] });
      const doc = judge(c.id, at(DOC[c.key]));
      expect(doc.verdict, doc.reason).toBe('holds');
      expect(doc.measured).toMatch(/inclusive .* self/);
      expect(judge(c.id, at(0.4)).verdict).toBe('does-not-hold');
      expect(judge(c.id, at(c.edge)).verdict).toBe('cannot-tell');
      expect(judge(c.id, null).verdict).toBe('cannot-tell');
      expect(judge(c.id, prtip()).verdict).toBe('cannot-tell'); // its scenario was not profiled
      // absent from the binary's symbols (inlined): cannot tell, not "does not hold"
      const inlined = judge(c.id, at(0, { matching: 0 }));
      expect(inlined.verdict).toBe('cannot-tell');
      expect(inlined.reason).toMatch(/inlined/);
      // call chains that do not reach a root: the inclusive share is a lower bound, so the document's figure cannot be confirmed
      expect(judge(c.id, at(DOC[c.key], { rooted: 0.3 })).verdict).toBe('cannot-tell');
      expect(judge(c.id, at(DOC[c.key], { rooted: 0.3 })).decideWith).toMatch(/force-frame-pointers/);
    });
  }

  it('prtip v0.5.9\'s -sS runs the connect scanner: the SYN-path rows do not hold, with the fact stated and the function present, not inlined', () => {
    for (const id of ['hotspot-craft-syn-packet', 'hotspot-calculate-checksum', 'hotspot-send-packets', 'hotspot-recv-packets', 'whole-crafting-share', 'whole-checksum-share']) {
      const key = ROWS.find((r) => r.id === id)!.key;
      const f = judge(id, prtip({ connectScanner: true, rows: [row(key, runs(0, { rooted: 0.2 }))] }));
      expect(f.verdict, id).toBe('does-not-hold');
      expect(f.reason).toContain('execute_scan_ports runs the TCP connect scanner');
      expect(f.reason).toContain('-sS included');
      expect(f.reason).toContain('not inlined');
      expect(f.measured).toContain('0 raw send syscalls');
    }
    // another build that also ran a connect scanner: what was counted, not v0.5.9's fact
    const other = prtip({ connectScanner: true, rows: [row('craft_syn_packet', runs(0))] });
    (other.data!['hotspots'] as { who: string }).who = 'prtip v0.6.0';
    const f = judge('hotspot-craft-syn-packet', other);
    expect(f.verdict).toBe('does-not-hold');
    expect(f.reason).toContain('prtip v0.6.0\'s -sS sent no raw packet');
    expect(f.reason).not.toContain('v0.5.9');
    // tokio::spawn is about a connect scan: no SYN-path reasoning there
    expect(judge('hotspot-tokio-spawn', prtip({ connectScanner: true, rows: [row('tokio::spawn', runs(0.06))] })).reason).not.toContain('execute_scan_ports');
  });

  it('the crafting and checksum shares name the profile and the floor beside it, never "no per-function profile"', () => {
    const f = judge('whole-crafting-share', prtip({ rows: [row('craft_syn_packet', runs(0.135))] }));
    expect(f.measured).toContain('20.0 ns per packet');
    expect(f.reason).not.toMatch(/no per-function profile/);
  });

  it('without a profile the floors bound the crafting and checksum shares from below: only a share above the band is told', () => {
    const sends = (sendto: number) => {
      const s = prtip();
      (s.data!['runs'] as { summary: { syscalls: Record<string, number> } }[])[0]!.summary.syscalls = { sendto, sendmmsg: 0, connect: 0 };
      return s;
    };
    expect(judge('whole-crafting-share', sends(1_000_000)).verdict).toBe('does-not-hold'); // 1e6 × 20 ns ÷ 60 ms ≥ 33 %
    expect(judge('whole-crafting-share', sends(1000)).verdict).toBe('cannot-tell'); // ≥ 0.03 %: could be anything above
    expect(judge('whole-checksum-share', sends(0)).reason).toMatch(/sent no packet raw/);
    const noFloor = sends(1000);
    noFloor.data!['floors'] = { craftNs: null, craftFrom: 'x', checksumNs: null, checksumFrom: 'x' };
    expect(judge('whole-crafting-share', noFloor).verdict).toBe('cannot-tell');
  });

  it('without the binary\'s symbols all user space bounds a row from above: decides only where that bound lies under the band', () => {
    const stripped = (user: number) => prtip({ rows: [{ ...row('recv_packets', [{ samples: 10_000, user, self: 0, total: 0, rooted: 0 }]), inBinary: { source: 'dynsym', matching: 0, examples: [] } }] });
    expect(judge('hotspot-recv-packets', stripped(100)).verdict).toBe('does-not-hold');
    expect(judge('hotspot-recv-packets', stripped(5000)).verdict).toBe('cannot-tell');
  });

  it('a malformed row is left out (cannot tell), never a throw', () => {
    const s = prtip();
    (s.data!['hotspots'] as { rows: unknown[] }).rows = [{ key: 'craft_syn_packet', scenario: 'syn-scan-1k', runs: [{ samples: 'x' }], matched: [] }];
    expect(judge('hotspot-craft-syn-packet', s).verdict).toBe('cannot-tell');
    const t = suite('prtip', []);
    t.data = { hotspots: 'nonsense' };
    expect(judge('hotspot-total-hot-path', t).verdict).toBe('cannot-tell');
  });
});

describe('profile family: the hot path', () => {
  it('the six rows at the document\'s figures add up inside ~45-60 %; far below does not hold; at the edge and without data cannot tell', () => {
    expect(judge('hotspot-total-hot-path', prtip({ rows: docRows() })).verdict).toBe('holds');
    expect(judge('hotspot-total-hot-path', prtip({ rows: docRows(() => 0.01) })).verdict).toBe('does-not-hold');
    expect(judge('hotspot-total-hot-path', prtip({ rows: docRows((k) => DOC[k] * 0.9) })).verdict).toBe('cannot-tell'); // ~43.6 %
    expect(judge('hotspot-total-hot-path', prtip()).verdict).toBe('cannot-tell');
    expect(judge('hotspot-total-hot-path', null).verdict).toBe('cannot-tell');
    // a row without a figure counts as anywhere in 0-100 %: cannot confirm
    const rows = docRows();
    rows[5] = row('regex::find', runs(0), 0);
    expect(judge('hotspot-total-hot-path', prtip({ rows })).verdict).toBe('cannot-tell');
  });
});

describe('profile family: 004\'s example perf report', () => {
  const report = (f: Partial<Record<string, number>> = {}, crossbeamMatching = 2) => [
    row('send_syn', runs(2 * (f['send_syn'] ?? 0.452))), row('scan_port', runs(2 * (f['scan_port'] ?? 0.123))),
    row('pthread_mutex_lock', runs(2 * (f['pthread_mutex_lock'] ?? 0.087)), 0, 'syn-scan-1k', 'library'), row('crossbeam pop', runs(2 * (f['crossbeam pop'] ?? 0.054)), crossbeamMatching),
  ];
  it('its self shares hold; one far off refutes it; a name absent from the binary or one near an edge cannot tell; no profile cannot tell', () => {
    expect(judge('perf-report-example', prtip({ perfReport: report() })).verdict).toBe('holds');
    const connect = judge('perf-report-example', prtip({ connectScanner: true, perfReport: report({ send_syn: 0, scan_port: 0 }) }));
    expect(connect.verdict).toBe('does-not-hold');
    expect(connect.reason).toContain('execute_scan_ports runs the TCP connect scanner');
    expect(judge('perf-report-example', prtip({ perfReport: report({}, 0) })).verdict).toBe('cannot-tell');
    expect(judge('perf-report-example', prtip({ perfReport: report({ scan_port: 0.185 }) })).verdict).toBe('cannot-tell');
    expect(judge('perf-report-example', prtip()).verdict).toBe('cannot-tell');
    expect(judge('perf-report-example', null).verdict).toBe('cannot-tell');
  });
});

describe('profile family: what massif and the sampler cost', () => {
  /** massif runs at `massif`× their untraced wall, profiled runs at `sampler`× the untraced runs. */
  function overheads(massif: number | null, sampler: number | null, limited = false, bothLimited = false) {
    const untraced = [100e6, 104e6, 98e6];
    return prtip({
      metrics: [{ name: 'prtip/prtip/syn-scan-1k/wall', unit: 'ns', value: 100e6, better: 'smaller', samples: untraced }],
      extra: {
        memory: massif === null ? null : { checks: [{ id: 'syn-scan-1k', heap: { wallNs: massif * 100e6, limited, failure: null }, untracedWallNs: 100e6 }, { id: 'syn-scan-100', heap: { wallNs: massif * 90e6, limited: bothLimited, failure: null }, untracedWallNs: 92e6 }] },
        hotspots: { binary: null, rows: [], perfReport: [], syn: null, profiled: sampler === null ? [] : [{ tool: 'prtip', scenario: 'syn-scan-1k', frequencyHz: 10_000, event: 'cpu-clock', wallNs: [sampler * 100e6, sampler * 101e6], samples: [1000, 1000] }] },
      },
    });
  }
  it('massif: the documents\' 30× holds; 1.5× does not; at the edge, unbounded or without runs cannot tell', () => {
    expect(judge('tool-overheads', overheads(30, 3)).verdict).toBe('holds');
    expect(judge('tool-overheads', overheads(1.5, 1.05)).verdict).toBe('does-not-hold');
    expect(judge('tool-overheads', overheads(8, 3)).verdict).toBe('cannot-tell');
    expect(judge('tool-overheads', overheads(43, 3)).verdict).toBe('cannot-tell'); // one massif run near 50×: another process may be past it
    // a run stopped at its limit (the suite always stops -sV) is left out beside complete ones; alone it is a lower bound
    expect(judge('tool-overheads', overheads(30, 3, true)).verdict).toBe('holds');
    expect(judge('tool-overheads', overheads(30, 3, true, true)).verdict).toBe('cannot-tell');
    expect(judge('tool-overheads', overheads(null, 3)).verdict).toBe('cannot-tell');
    expect(judge('tool-overheads', null).verdict).toBe('cannot-tell');
    expect(judge('tool-overheads', overheads(30, 3)).reason).not.toMatch(/run neither/);
  });
  it('flamegraph: never judged on our own sampler (a stand-in), whose figure is shown for scale', () => {
    const f = judge('flamegraph-overhead-2-5x', overheads(30, 3));
    expect(f.verdict).toBe('cannot-tell');
    expect(f.measured).toMatch(/for scale only: sampler/);
    expect(f.reason).toMatch(/never as its stand-in/);
    expect(judge('flamegraph-overhead-2-5x', null).verdict).toBe('cannot-tell');
  });
});

describe('profile family: the PMU\'s key metrics', () => {
  const EVENTS = ['cycles', 'L1-dcache-loads', 'L1-dcache-load-misses', 'branches', 'branch-misses'];
  function pmu(o: { supported?: boolean; l1?: number; branch?: number; craft?: number } = {}) {
    const { supported = true, l1 = 0.02, branch = 0.01, craft = 0.05 } = o;
    const counts = (k: number) => ({ cycles: 1e9, 'L1-dcache-loads': 1e8, 'L1-dcache-load-misses': l1 * 1e8 * k, branches: 2e8, 'branch-misses': branch * 2e8 * k });
    return prtip({ extra: { pmu: {
      events: EVENTS.map((name) => ({ name, supported, reason: supported ? '' : 'ENOENT: no hardware PMU (a VM without PMU passthrough)' })),
      runs: supported ? [counts(1), counts(1.02), counts(0.98)] : [],
      craftCycles: supported ? runs(craft) : [],
    } } });
  }
  it('where a PMU exists: within the targets holds, far off does not, at an edge cannot tell; without a PMU it says the events are unsupported and why', () => {
    expect(judge('pmu-targets', pmu()).verdict).toBe('holds');
    expect(judge('pmu-targets', pmu({ l1: 0.2 })).verdict).toBe('does-not-hold');
    expect(judge('pmu-targets', pmu({ craft: 0.3 })).verdict).toBe('does-not-hold');
    expect(judge('pmu-targets', pmu({ branch: 0.021 })).verdict).toBe('cannot-tell');
    const none = judge('pmu-targets', pmu({ supported: false }));
    expect(none.verdict).toBe('cannot-tell');
    expect(none.measured).toMatch(/unsupported here: cycles \(ENOENT: no hardware PMU/);
    expect(judge('pmu-targets', prtip()).verdict).toBe('cannot-tell');
    expect(judge('pmu-targets', null).verdict).toBe('cannot-tell');
  });
});
