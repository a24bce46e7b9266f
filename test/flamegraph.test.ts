/**
 * The flame graph: layout from folded stacks (widths by samples, callers below callees),
 * escaping, and the figure in the HTML report drawn by headless Chromium (in a network
 * namespace of its own with nothing but loopback: test/chromium-netns.ts).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { machineInfo } from '../src/measure/machine.js';
import { flameGraphFigures, flameGraphSvg } from '../src/report/flamegraph.js';
import { htmlReport } from '../src/report/html.js';
import { BENCH_RESULT_VERSION, type BenchResult, type SuiteResult } from '../src/model/result.js';
import { type ChromiumInNamespace, chromiumSkipReason, launchChromiumInNamespace } from './chromium-netns.js';

const FOLDED = [
  'prtip;main;scan;tokio::runtime::task::raw::poll;connect_[k] 60',
  'prtip;main;scan;<Vec<u8> as Clone>::clone 25',
  'prtip;main;parse_args 10',
  'prtip;[ld-linux-x86-64.so.2] 5',
].join('\n') + '\n';

/** Boxes as [name, x, width, y] from the SVG text. */
function boxes(svg: string): { name: string; x: number; w: number; y: number }[] {
  return [...svg.matchAll(/<g class="frame"><title>([^<]*) \(\d+ samples[^<]*<\/title><rect x="([\d.]+)" y="(\d+)" width="([\d.]+)"/g)]
    .map((m) => ({ name: m[1]!.replaceAll('&lt;', '<').replaceAll('&gt;', '>'), x: Number(m[2]), y: Number(m[3]), w: Number(m[4]) }));
}

describe('flameGraphSvg', () => {
  it('widths follow the samples, children sit above their parent within its span, names are escaped', () => {
    const svg = flameGraphSvg(FOLDED, { width: 1000 });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('data-samples="100"');
    const b = boxes(svg);
    const get = (name: string) => b.find((x) => x.name === name)!;
    const all = get('all'), main = get('main'), scan = get('scan'), poll = get('tokio::runtime::task::raw::poll');
    expect(all.w).toBeCloseTo(980, 1);
    expect(main.w).toBeCloseTo(980 * 0.95, 1);
    expect(scan.w).toBeCloseTo(980 * 0.85, 1);
    expect(poll.w).toBeCloseTo(980 * 0.6, 1);
    expect(scan.y).toBeLessThan(main.y);
    expect(scan.x).toBeGreaterThanOrEqual(main.x);
    expect(scan.x + scan.w).toBeLessThanOrEqual(main.x + main.w + 1e-6);
    // the generic's angle brackets are escaped in the markup
    expect(svg).toContain('&lt;Vec&lt;u8&gt; as Clone&gt;::clone');
    expect(svg).not.toContain('<Vec<u8>');
    // kernel frames are coloured apart (orange family)
    expect(svg).toMatch(/<title>connect_\[k\][^<]*<\/title><rect[^>]*fill="rgb\(2[3-5]\d,/);
  });

  it('no samples gives a note, not an empty drawing; a malformed line is refused with its line number', () => {
    expect(flameGraphSvg('')).toContain('no samples');
    expect(() => flameGraphSvg('a;b 3\nnot a folded line\n')).toThrow(/line 2/);
  });

  it('the report figures come from a suite\'s data.profiles', () => {
    const s: SuiteResult = { suite: 'prtip', title: 'p', status: 'ok', durationMs: 1, tables: [], metrics: [], claims: [], warnings: [],
      data: { profiles: [{ tool: 'prtip', scenario: 'syn-scan-1k', samples: 100, folded: FOLDED }, { bogus: true }] } };
    const html = flameGraphFigures(s);
    expect(html.match(/<figure class="flame"/g)).toHaveLength(1);
    expect(html).toContain('id="flame-prtip-syn-scan-1k"');
    expect(flameGraphFigures({ ...s, data: {} })).toBe('');
  });
});

const browserSkip = chromiumSkipReason();
if (browserSkip) console.log(`skipping the flame graph browser test: ${browserSkip}`);

describe.skipIf(browserSkip !== '')('the flame graph in the HTML report, in headless Chromium (loopback-only namespace)', () => {
  let chrome: ChromiumInNamespace | undefined;

  beforeAll(async () => {
    chrome = await launchChromiumInNamespace();
  }, 60_000);

  afterAll(async () => {
    await chrome?.close();
  });

  it('draws every box with its width, shows the names, fetches nothing and logs no error', async () => {
    const suite: SuiteResult = { suite: 'prtip', title: 'Whole-binary runs', status: 'ok', durationMs: 1, tables: [], metrics: [], claims: [], warnings: [],
      data: { profiles: [{ tool: 'prtip', scenario: 'syn-scan-1k', samples: 100, folded: FOLDED }] } };
    const r: BenchResult = { kind: 'prtip-perf/bench-result', version: BENCH_RESULT_VERSION, startedAt: new Date().toISOString(), durationMs: 1,
      options: { quick: true, suites: ['prtip'], prtip: null }, interrupted: false, machine: await machineInfo(), suites: [suite], claims: [] };
    // Never into the user's results/ (as in test/html-report.test.ts): a temporary folder, or PRTIP_PERF_SCREENSHOTS.
    const out = process.env['PRTIP_PERF_SCREENSHOTS'] ?? mkdtempSync(join(tmpdir(), 'prtip-perf-flamegraph-test-'));
    mkdirSync(out, { recursive: true });
    const file = join(out, 'report.html');
    writeFileSync(file, htmlReport(r));
    const page = await chrome!.browser.newPage();
    const problems: string[] = [], requests: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text()); });
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('request', (q) => requests.push(q.url()));
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    const drawn = await page.$$eval('#flame-prtip-syn-scan-1k svg .frame', (gs) => gs.map((g) => {
      const rect = g.querySelector('rect')!.getBoundingClientRect();
      return { title: g.querySelector('title')!.textContent ?? '', width: rect.width, height: rect.height, text: g.querySelector('text')?.textContent ?? '' };
    }));
    // all, prtip, main, scan, poll, connect_[k], clone, parse_args, [ld-linux…]
    expect(drawn.length).toBe(9);
    await page.screenshot({ path: join(out, 'flamegraph.png'), fullPage: true });
    await page.close();
    const all = drawn.find((d) => d.title.startsWith('all '))!;
    expect(all.width).toBeGreaterThan(500);
    for (const d of drawn) expect(d.height, d.title).toBeGreaterThan(5);
    const poll = drawn.find((d) => d.title.startsWith('tokio::runtime::task::raw::poll'))!;
    expect(poll.width / all.width).toBeCloseTo(0.6, 2);
    expect(drawn.some((d) => d.text.startsWith('tokio::runtime'))).toBe(true);
    expect(problems).toEqual([]);
    expect(requests.filter((u) => !u.startsWith('file:'))).toEqual([]);
  });
});

describe('flameGraphSvg depth', () => {
  it('cuts absurdly deep stacks at maxDepth and says so', () => {
    const deep = `prtip;${Array.from({ length: 200 }, (_, i) => `f${i}`).join(';')} 5\nprtip;main 95\n`;
    const svg = flameGraphSvg(deep, { maxDepth: 20, frameHeight: 16 });
    expect(svg).toContain('stacks cut at 20 of 202 levels');
    expect(Number(/height="(\d+)"/.exec(svg)![1])).toBe(34 + 20 * 16 + 10);
    expect(svg.match(/<g class="frame">/g)).toHaveLength(21); // all, prtip, main, f0…f17
  });
});
