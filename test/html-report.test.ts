import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benchCommand } from '../bench/index.js';
import { machineInfo } from '../src/measure/machine.js';
import { chartSections, htmlReport } from '../src/report/html.js';
import { CLAIMS, judgeClaims, measurementsOf } from '../src/judge/index.js';
import { BENCH_RESULT_VERSION, type BenchResult, type SuiteResult } from '../src/model/result.js';
import { barChartSvg, horizontalBarChartSvg, lineChartSvg } from '../src/report/svg.js';
import { type ChromiumInNamespace, chromiumSkipReason, launchChromiumInNamespace } from './chromium-netns.js';

const browserSkip = chromiumSkipReason();
if (browserSkip) console.log(`skipping the browser tests: ${browserSkip}`);

const machine = await machineInfo();

function suite(name: string, data: Record<string, unknown>, tables: SuiteResult['tables'] = []): SuiteResult {
  return { suite: name, title: name, status: 'ok', durationMs: 100, tables, metrics: [], claims: [], warnings: [], data };
}

const BATCHES = [1, 8, 16, 32, 64, 100, 128, 200, 256, 300, 512, 1024];
const BATCH_COLUMNS = ['batch', 'pps (median)', 'pps min-max', 'syscalls/packet', 'user ns/packet', 'sys ns/packet', 'user share', 'loss % (median)', 'speed-up over batch 1', 'knee'];
/** One batch-size table per family, as bench/suites/batch-size.bench.ts prints them (batch labels are strings, "sendto" last). */
const batchTable = (family: 4 | 6, sink = false): SuiteResult['tables'][number] => ({
  title: sink
    ? `IPv${family} send path only: veth with its peer down (dropped at our queue, no replies); 3 interleaved rounds x 20000 packets per size`
    : `IPv${family} loopback: raw SYNs to ${family === 4 ? '127.0.0.1' : '::1'}, replies counted; 3 interleaved rounds x 20000 packets per size`,
  columns: BATCH_COLUMNS,
  rows: [
    ...BATCHES.map((b) => [String(b), Math.round((2e5 * Math.log2(b + 1)) / (family === 6 ? 1.1 : 1)) + (sink ? 50_000 : 0), `${Math.round((1.8e5 * Math.log2(b + 1)) / (family === 6 ? 1.1 : 1)) + (sink ? 50_000 : 0)}-${Math.round((2.3e5 * Math.log2(b + 1)) / (family === 6 ? 1.1 : 1)) + (sink ? 50_000 : 0)}`, Number((1 / b + 0.001).toFixed(4)), '50', '900', '5%', '0.00%', '1.0x', b === 64 ? 'knee' : '']),
    ['sendto', 190000, '1-2', 1.0002, '60', '950', '6%', '0.00%', '0.9x', ''],
  ],
});
const CHECKSUM_COLUMNS = ['variant', 'bytes', 'ns/op', 'p75 ns/op', 'Mops/s', 'B/ns', 'B/ref-cycle', 'task-clock ns/op', 'instr/op'];
/** Suite results shaped like the four suites': per-family sweep tables, size × variant rows, strategies, scenarios. */
const allSuites: SuiteResult[] = [
  suite('batch-size', { summary: { ipv4: { knee: 64 } }, runs: [{ key: '4/1', runs: [{ pps: 1, syscallsPerPacket: 1 }] }] }, [batchTable(4), batchTable(6), batchTable(4, true), batchTable(6, true), { title: 'Batch-size sweep: targets', columns: ['target', 'result'], rows: [['x', 'y']] }]),
  suite('checksum', { tscHz: 2e9 }, [{
    title: 'Checksum kernels, per operation (N ops per call inside C++)', columns: CHECKSUM_COLUMNS,
    rows: [
      ...['empty', 'scalar16', 'wide64', 'avx2', 'avx512'].flatMap((v, i) => [20, 40, 60, 1500, 65536].map((size) => [v, size, size / (i + 1), 1, 1, 1, Math.min(30, (i + 1) * Math.log10(size)), 1, null])),
      ['avx512 (+1)', 1500, 60, 1, 1, 1, 12.5, 1, null],
      ['incremental', 20, 0.5, 1, 1, 1, 20, 1, null],
    ],
  }]),
  suite('packet-crafting', { tscHz: 2e9 }, [{
    title: 'Packet crafting per packet (one group of packets per N-API call, loop in C++)',
    columns: ['packet', 'strategy', 'per call', 'bytes', 'ns/call', 'ns/packet', 'net ns/packet', 'net ref-cycles', 'Mpps', 'task-clock ns/pkt', 'instr/pkt', 'allocs/pkt'],
    rows: ['IPv4 TCP SYN', 'IPv4 TCP SYN + options', 'IPv6 TCP SYN', 'IPv4 UDP', 'IPv6 UDP'].flatMap((packet) => ['alloc', 'reuse', 'template'].flatMap((strategy, i) =>
      [10, 100, 1000].map((group) => [packet, strategy, group, 40, 1, (60 - i * 25) * (group === 10 ? 2 : 1), 1, 1, 1, 1, null, i === 0 ? 1 : 0]))),
  }]),
  // The criterion suite's layout: prtip's figure with its interval, ours and the floor per benchmark id (ns per packet).
  suite('criterion', { dir: '/tmp/criterion', baseline: 'new', criterion: [
    { id: 'tcp_packet_old_api/1000', prtipNs: 68.5, prtipLowNs: 67.9, prtipHighNs: 69.2, oursNs: 30.1, floorNs: 4.2 },
    { id: 'tcp_packet_zero_copy/1000', prtipNs: 50.3, prtipLowNs: 49.8, prtipHighNs: 51, oursNs: 11.5, floorNs: 4.2 },
    { id: 'sendmmsg_syscall/flush/64', prtipNs: 164, prtipLowNs: 150, prtipHighNs: 180, oursNs: null, floorNs: null },
  ] }),
  // The prtip suite's layout: runner summaries per tool and scenario (ns), per-packet floors (ns).
  suite('prtip', {
    floors: { craftNs: 3.8, craftFrom: 'x', checksumNs: 10, checksumFrom: 'y', sendNs: 900, sendFrom: 'z' },
    runs: [
      { tool: 'prtip', scenario: 'syn-scan-1k', note: '', summary: { cpu: { median: 80e6 }, wall: { median: 100e6 } }, warnings: [] },
      { tool: 'nmap', scenario: 'syn-scan-1k', note: '', summary: { cpu: { median: 120e6 }, wall: { median: 200e6 } }, warnings: [] },
      { tool: 'prtip', scenario: 'full-65535', note: '', summary: { cpu: { median: 900e6 }, wall: { median: 1e9 } }, warnings: [] },
      { tool: 'prtip', scenario: 'service-detect', note: 'failed', summary: null, warnings: [] },
    ],
  }),
];

function result(suites: SuiteResult[]): BenchResult {
  return {
    kind: 'prtip-perf/bench-result', version: BENCH_RESULT_VERSION, startedAt: new Date().toISOString(), durationMs: 1000,
    options: { quick: true, suites: suites.map((s) => s.suite), prtip: null }, interrupted: false, machine, suites, claims: [],
  };
}

describe('charts (no browser)', () => {
  it('every chart finds its numbers in suite data or tables', () => {
    const sections = chartSections(result(allSuites));
    expect(sections.map((s) => [s.id, s.drawn])).toEqual([['batch-pps', true], ['batch-syscalls', true], ['checksum', true], ['crafting', true], ['criterion', true], ['whole-binary', true]]);
    const criterion = sections.find((s) => s.id === 'criterion')!;
    // prtip, ours and the floor for the two crafting ids; prtip alone where nothing of ours was measured; whiskers for prtip's intervals
    expect((criterion.html.match(/class="bar"/g) ?? []).length).toBe(7);
    expect((criterion.html.match(/class="whisker"/g) ?? []).length).toBe(3);
    expect(criterion.html).toContain('tcp_packet_zero_copy/1000 · our reproduction: 11.5');
    const checksum = sections.find((s) => s.id === 'checksum')!;
    // scalar16, wide64, avx2, avx512 as lines; the misaligned run as one marker; no empty call, no field update
    expect((checksum.html.match(/<path [^>]*class="series"/g) ?? []).length).toBe(4);
    expect(checksum.html).toContain('data-series="avx512 (+1)"');
    expect(checksum.html).not.toContain('data-series="empty"');
    expect(checksum.html).not.toContain('data-series="incremental"');
    const batch = sections.find((s) => s.id === 'batch-pps')!;
    // one line per table (family × loopback or send path only), the sendto references as markers
    for (const name of ['IPv4 loopback', 'IPv6 loopback', 'IPv4 send path only', 'IPv6 send path only']) {
      expect(batch.html).toMatch(new RegExp(`<path [^>]*data-series="${name}"`));
      expect(batch.html).toMatch(new RegExp(`<(circle|rect|path) [^>]*class="point" data-series="${name} sendto \\(reference\\)"`));
    }
    expect((batch.html.match(/<path [^>]*class="series"/g) ?? []).length).toBe(4);
    const crafting = sections.find((s) => s.id === 'crafting')!;
    expect((crafting.html.match(/class="bar"/g) ?? []).length).toBe(15);
    expect(crafting.source).toContain('at the largest "per call": 1000');
    expect(crafting.html).toMatch(/<title>IPv4 TCP SYN · template: 10<\/title>/);
    expect(crafting.html).toContain('<tspan');
  });

  it('whole-binary: CPU per tool beside floors scaled by the scenario\'s ports', () => {
    const whole = chartSections(result(allSuites)).find((s) => s.id === 'whole-binary')!;
    expect(whole.drawn).toBe(true);
    expect(whole.source).toContain('data.floors');
    expect(whole.html).toContain('<title>syn-scan-1k · prtip CPU: 80</title>');
    expect(whole.html).toContain('<title>syn-scan-1k · nmap CPU: 120</title>');
    // 900 ns per packet × 65,535 ports = 59 ms; 3.8 ns × 1000 = 0.0038 ms
    expect(whole.html).toContain('<title>full-65535 · floor: send path: 59</title>');
    expect(whole.html).toContain('<title>syn-scan-1k · floor: crafting: 0.0038</title>');
    expect(whole.html).not.toContain('service-detect');
  });

  it('whole-binary: a table-shaped suite (scenario, CPU and floor columns) works too', () => {
    const generic = suite('prtip', { scenarios: [{ scenario: 'a', cpuMs: 80, craftingFloorMs: 0.01, sendFloorMs: 1.2 }] });
    const whole = chartSections(result([generic])).find((s) => s.id === 'whole-binary')!;
    expect(whole.drawn).toBe(true);
    expect((whole.html.match(/class="bar"/g) ?? []).length).toBe(3);
  });

  it('prefers rows in suite data when they carry batch and pps, with a family field', () => {
    const rows = [4, 6].flatMap((family) => BATCHES.map((batch) => ({ family, batch, pps: 1000 * batch, syscallsPerPacket: 1 / batch })));
    const sections = chartSections(result([suite('batch-size', { rows }, [batchTable(4)])]));
    const pps = sections.find((s) => s.id === 'batch-pps')!;
    expect(pps.source).toContain('data.rows');
    expect(pps.source).not.toContain('table');
    expect(pps.html).toContain('data-series="IPv6"');
    expect((pps.html.match(/<circle/g) ?? []).length).toBe(24);
  });

  it('says "not measured" for suites that are absent, skipped or shapeless, never throws', () => {
    const skipped: SuiteResult = { ...suite('batch-size', {}), status: 'skipped', reason: 'needs root or CAP_NET_RAW' };
    const sections = chartSections(result([skipped, suite('checksum', { nothing: [{ a: 1 }] })]));
    for (const s of sections) {
      expect(s.drawn).toBe(false);
      expect(s.html).toContain('not measured');
    }
    expect(sections[0]!.html).toContain('needs root or CAP_NET_RAW');
    expect(sections[0]!.caption).toBe('Not drawn: the batch-size suite was skipped.');
    expect(sections.find((s) => s.id === 'crafting')!.caption).toContain('did not run');
    expect(sections.find((s) => s.id === 'checksum')!.source).toContain('no rows this chart can read');
  });

  it('pps lines carry the tables\' min-max as bands; sendto markers at x = 1 differ in shape and position', () => {
    const pps = chartSections(result(allSuites)).find((s) => s.id === 'batch-pps')!;
    expect((pps.html.match(/class="band"/g) ?? []).length).toBe(4);
    // A "spread" that does not contain its median is not drawn.
    const odd = lineChartSvg({ title: 't', xLabel: 'x', yLabel: 'y', series: [{ name: 's', points: [{ x: 1, y: 10, low: 1, high: 2 }, { x: 2, y: 20, low: 1, high: 2 }] }] });
    expect(odd).not.toContain('class="band"');
    const sendto = [...pps.html.matchAll(/<(circle|rect|path) ([^>]*)class="point" data-series="[^"]* sendto \(reference\)"/g)];
    expect(sendto).toHaveLength(4);
    expect(new Set(sendto.map((m) => m[1] + (/d="M([\d.]+)/.exec(m[2]!)?.[1] ?? /c?x="([\d.]+)/.exec(m[2]!)?.[1])))).toHaveProperty('size', 4);
    expect(new Set(sendto.map((m) => m[1] === 'path' ? (m[2]!.match(/ L/g) ?? []).length : m[1])).size).toBeGreaterThanOrEqual(3);
  });

  it('syscalls per packet: 1/B drawn once, agreeing points merged, departures marked by series', () => {
    const sys = chartSections(result(allSuites)).find((s) => s.id === 'batch-syscalls')!;
    expect((sys.html.match(/class="reference"/g) ?? []).length).toBe(1);
    expect((sys.html.match(/<path [^>]*class="series"/g) ?? []).length).toBe(0);
    // The fixture's 1/B + 0.001 departs by more than 10 % above B = 100: 6 sizes (128 … 1024) in each of 4 series.
    for (const name of ['IPv4 loopback', 'IPv6 loopback', 'IPv4 send path only', 'IPv6 send path only']) {
      expect((sys.html.match(new RegExp(`class="point" data-series="${name}: departs from 1/B"`, 'g')) ?? []).length).toBe(6);
    }
    expect(sys.html).toContain('measured, within ±10% of 1/B (4 series)');
    // Legend: 1/B, the merged points, 4 departure entries, 4 sendto markers (not 8 lines).
    expect((sys.html.match(/class="legend"/g) ?? []).length).toBe(10);
    expect(sys.caption).toMatch(/24 points lie within ±10% of it \(grey\) and 24 depart \(diamonds\)/);
    // Data that follows 1/B exactly: one legend entry for all of it, no departures.
    const exact = chartSections(result([suite('batch-size', { rows: [4, 6].flatMap((family) => BATCHES.map((batch) => ({ family, batch, pps: 1000 * batch, syscallsPerPacket: 1 / batch }))) })])).find((s) => s.id === 'batch-syscalls')!;
    expect(exact.html).not.toContain('departs from 1/B');
    expect(exact.caption).toContain('none departs');
  });

  it('log-scale bars print their values; captions are one sentence', () => {
    const sections = chartSections(result(allSuites));
    const crafting = sections.find((s) => s.id === 'crafting')!;
    expect((crafting.html.match(/class="bar-value"/g) ?? []).length).toBe(15);
    expect(crafting.html).toMatch(/class="bar-value"[^>]*>10<\/text>/);
    expect(barChartSvg({ title: 't', yLabel: 'y', groups: [{ label: 'g', bars: [{ name: 'b', value: 3 }] }] })).not.toContain('bar-value');
    for (const s of [...sections, ...chartSections(result([]))]) {
      expect(s.caption, s.id).toMatch(/^[A-Z"'p].*\.$/);
      expect(s.caption.split(/\.\s+(?=[A-Z])/), s.id).toHaveLength(1);
      expect(s.caption, s.id).not.toMatch(/table: |; table|data\./);
    }
  });

  it('the criterion chart gives each of three dozen benchmarks its own row, labels never overlapping', () => {
    const groups = Array.from({ length: 36 }, (_, i) => ({ label: `packet_batch/create_and_fill/${i}`, bars: [{ name: 'prtip', value: 10 + i, low: 9 + i, high: 11 + i }, { name: 'floor', value: 3 }] }));
    const svg = horizontalBarChartSvg({ title: 't', yLabel: 'ns per packet', groups, logY: true });
    const ys = [...svg.matchAll(/<text x="[\d.]+" y="([\d.]+)" text-anchor="end"[^>]*>packet_batch/g)].map((m) => Number(m[1]));
    expect(ys).toHaveLength(36);
    for (let i = 1; i < ys.length; i++) expect(ys[i]! - ys[i - 1]!).toBeGreaterThanOrEqual(12);
    expect(horizontalBarChartSvg({ title: 't', yLabel: 'y', groups: [] })).toContain('not measured');
  });

  it('svg helpers leave out non-finite points and escape text', () => {
    const svg = lineChartSvg({ title: 'a<b', xLabel: 'x', yLabel: 'y', series: [{ name: 'n&m', points: [{ x: 1, y: 1 }, { x: 2, y: NaN }, { x: 3, y: 2 }] }] });
    expect(svg).toContain('a&lt;b');
    expect(svg).toContain('data-series="n&amp;m"');
    expect((svg.match(/<circle/g) ?? []).length).toBe(2);
    expect(svg).toMatch(/<path d="M[\d.]+,[\d.]+ L[\d.]+,[\d.]+"/);
    expect(lineChartSvg({ title: 't', xLabel: 'x', yLabel: 'y', series: [] })).toContain('not measured');
    expect(barChartSvg({ title: 't', yLabel: 'y', groups: [{ label: 'g', bars: [{ name: 'b', value: NaN }] }] })).toContain('not measured');
  });
});

/** The network namespace inode a process is in ("net:[4026531840]"), "" when it is gone. */
/** Every file under `dir` with its size and mtime ('' when there is no such folder): what a test must leave as it found it. */
function folderState(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort().map((f) => {
    const st = statSync(join(dir, f));
    return `${f} ${st.size} ${st.mtimeMs}`;
  });
}

function netnsOf(pid: string): string {
  try {
    return readlinkSync(`/proc/${pid}/ns/net`);
  } catch {
    return '';
  }
}

/** Processes whose command line mentions `needle` (the browser's profile folder is unique to it). */
function processesMentioning(needle: string): string[] {
  return readdirSync('/proc').filter((pid) => {
    if (!/^\d+$/.test(pid)) return false;
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(needle);
    } catch {
      return false; // ended while we looked
    }
  });
}

describe.skipIf(browserSkip !== '')('the HTML report in headless Chromium (in a loopback-only network namespace)', () => {
  let chrome: ChromiumInNamespace | undefined;
  // Screenshots and pages go to a temporary folder, never into the user's results/ (PRTIP_PERF_SCREENSHOTS to choose one).
  const out = process.env['PRTIP_PERF_SCREENSHOTS'] ?? mkdtempSync(join(tmpdir(), 'prtip-perf-html-test-'));
  const userResults = resolve('results');
  const resultsBefore = folderState(userResults);

  beforeAll(async () => {
    chrome = await launchChromiumInNamespace();
    mkdirSync(out, { recursive: true });
    console.log(`HTML report test: pages and screenshots in ${out}`);
  }, 60_000);

  afterAll(async () => {
    await chrome?.close();
  });

  it('every Chromium process is in the harness namespace, which has nothing but loopback', async () => {
    const nsInode = `net:[${statSync(chrome!.ns.path).ino}]`;
    const hostInode = netnsOf('self');
    expect(nsInode).not.toBe(hostInode);
    const pids = processesMentioning(chrome!.profileDir);
    expect(pids.length).toBeGreaterThan(0);
    for (const pid of pids) {
      const inode = netnsOf(pid);
      if (inode !== '') expect(inode, `chromium pid ${pid}`).toBe(nsInode);
    }
    const links = await chrome!.ns.exec(['ip', '-o', 'link', 'show']);
    expect(links.stdout.trim().split('\n').map((l) => l.split(':')[1]!.trim())).toEqual(['lo']);
  });

  async function open(file: string) {
    const page = await chrome!.browser.newPage();
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    return { page, problems, requests };
  }

  it('renders every chart with drawn shapes, no console errors, no network; writes a screenshot', async () => {
    const file = join(out, 'bench.html');
    writeFileSync(file, htmlReport(result(allSuites)));
    const { page, problems, requests } = await open(file);
    const charts = await page.$$eval('figure', (figs) => figs.map((f) => {
      const svg = f.querySelector('svg');
      const box = svg?.getBoundingClientRect();
      const shapes = svg ? [...svg.querySelectorAll('path.series, rect.bar, .point')] : [];
      const drawn = shapes.filter((s) => {
        const b = (s as SVGGraphicsElement).getBBox();
        return b.width > 0 || b.height > 0;
      });
      return { id: f.id, width: box?.width ?? 0, height: box?.height ?? 0, shapes: shapes.length, drawn: drawn.length };
    }));
    expect(charts.map((c) => c.id)).toEqual(['chart-batch-pps', 'chart-batch-syscalls', 'chart-checksum', 'chart-crafting', 'chart-criterion', 'chart-whole-binary']);
    for (const c of charts) {
      expect(c.width, c.id).toBeGreaterThan(100);
      expect(c.height, c.id).toBeGreaterThan(100);
      expect(c.shapes, c.id).toBeGreaterThan(0);
      expect(c.drawn, c.id).toBe(c.shapes);
    }
    expect(problems).toEqual([]);
    expect(requests.filter((u) => !u.startsWith('file:'))).toEqual([]);
    const shot = join(out, 'bench.png');
    await page.screenshot({ path: shot, fullPage: true });
    expect(statSync(shot).size).toBeGreaterThan(10_000);
    console.log(`HTML report screenshot: ${shot}`);
    await page.close();
  }, 60_000);

  let realRunDir: string | undefined;
  afterAll(() => {
    if (realRunDir) rmSync(realRunDir, { recursive: true, force: true });
  });

  it('a real run\'s report (PRTIP_PERF_HTML, else a fresh --quick run of counters and checksum) renders', async () => {
    let file = process.env['PRTIP_PERF_HTML'];
    if (file === undefined) {
      const dir = mkdtempSync(join(tmpdir(), 'prtip-html-'));
      const log = console.log;
      console.log = () => {};
      try {
        expect(await benchCommand(['--quick', '--suite', 'counters', '--suite', 'checksum', '--out', dir])).toBe(0);
      } finally {
        console.log = log;
      }
      file = join(dir, 'bench.html');
      realRunDir = dir;
    }
    const { page, problems, requests } = await open(resolve(file));
    const figures = await page.$$eval('figure', (figs) => figs.map((f) => ({
      id: f.id,
      drawn: f.getAttribute('data-drawn') === 'true',
      shapes: [...f.querySelectorAll('path.series, rect.bar, .point')].filter((s) => {
        const b = (s as SVGGraphicsElement).getBBox();
        return b.width > 0 || b.height > 0;
      }).length,
      notMeasured: f.querySelector('.not-measured') !== null,
    })));
    expect(figures).toHaveLength(6);
    for (const f of figures) {
      if (f.drawn) expect(f.shapes, f.id).toBeGreaterThan(0);
      else expect(f.notMeasured, f.id).toBe(true);
    }
    if (process.env['PRTIP_PERF_HTML'] === undefined) expect(figures.find((f) => f.id === 'chart-checksum')!.drawn).toBe(true);
    expect(problems).toEqual([]);
    expect(requests.filter((u) => !u.startsWith('file:'))).toEqual([]);
    const shot = join(out, 'real-run.png');
    await page.screenshot({ path: shot, fullPage: true });
    console.log(`real report ${file}: charts drawn ${figures.filter((f) => f.drawn).map((f) => f.id).join(', ') || 'none'}; screenshot ${shot}`);
    await page.close();
  }, 120_000);

  it('a run without the measuring suites opens cleanly and says "not measured"', async () => {
    const file = join(out, 'bench-empty.html');
    writeFileSync(file, htmlReport(result([])));
    const { page, problems } = await open(file);
    const notes = await page.$$eval('.not-measured', (els) => els.map((e) => e.textContent ?? ''));
    expect(notes).toHaveLength(6);
    for (const n of notes) expect(n).toContain('not measured');
    expect(problems).toEqual([]);
    await page.screenshot({ path: join(out, 'bench-empty.png') });
    await page.close();
  }, 60_000);

  it('the claims table fits a 1,400 px page with its words, figure, band and verdict visible, and filters by verdict and family', async () => {
    const file = join(out, 'bench-claims.html');
    writeFileSync(file, htmlReport({ ...result([]), claims: judgeClaims(measurementsOf([])).map((c, i) => (i === 0 ? { ...c, verdict: 'holds' as const, interval: '[58.2 ns, 59.4 ns]', band: '50 ns … 68 ns' } : c)) }));
    const { page, problems } = await open(file);
    await page.setViewportSize({ width: 1400, height: 900 });
    const table = await page.$eval('.claims-table', (t) => ({ right: t.getBoundingClientRect().right, width: document.documentElement.clientWidth, scroll: document.documentElement.scrollWidth }));
    expect(table.right).toBeLessThanOrEqual(table.width);
    expect(table.scroll).toBeLessThanOrEqual(table.width);
    const visible = () => page.$$eval('tr.claim', (rows) => rows.filter((r) => (r as HTMLElement).offsetParent !== null).length);
    expect(await visible()).toBe(CLAIMS.length);
    await page.click('label[for="cv-holds"]');
    expect(await visible()).toBe(1);
    await page.click('label[for="cv-all"]');
    await page.click('label[for="cf-criterion"]');
    expect(await visible()).toBe(CLAIMS.filter((c) => c.family === 'criterion').length);
    await page.click('label[for="cv-cannot-tell"]');
    expect(await visible()).toBe(CLAIMS.filter((c) => c.family === 'criterion').length - 1);
    expect(problems).toEqual([]);
    await page.screenshot({ path: join(out, 'bench-claims.png') });
    await page.close();
  }, 60_000);

  it('wrote nothing into ./results (the screenshots are in a temporary folder)', () => {
    expect(out.startsWith(resolve('results'))).toBe(false);
    expect(readdirSync(out)).toEqual(expect.arrayContaining(['bench.png', 'real-run.png', 'bench-empty.png']));
    expect(folderState(userResults)).toEqual(resultsBefore);
  });
});
