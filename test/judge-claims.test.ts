/**
 * The claims as a whole: one well-formed object per claim, the documents' words quoted exactly,
 * each text written once, the prtip suite's claims all known, and a run that measured nothing
 * still reporting every claim with why and what would decide it.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CLAIMS, judgeClaims, measurementsOf } from '../src/judge/index.js';
import type { SuiteResult } from '../src/model/result.js';

const root = fileURLToPath(new URL('..', import.meta.url));
/** The seed documents: shared/seeds beside the clone (as CI lays it out), or PRTIP_PERF_SEEDS. */
const seedsDir = process.env['PRTIP_PERF_SEEDS'] ?? join(root, '..', 'shared', 'seeds');
const seeds = existsSync(seedsDir) ? Object.fromEntries(readdirSync(seedsDir).map((f) => [f.slice(0, 3), readFileSync(join(seedsDir, f), 'utf8')])) : null;

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name));
}

describe('the claims', () => {
  it('one well-formed object per claim', () => {
    const ids = CLAIMS.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeGreaterThanOrEqual(70);
    for (const c of CLAIMS) {
      expect(c.statement.length, c.id).toBeGreaterThan(10);
      expect(['000', '001', '002', '003', '004']).toContain(c.quote.doc);
      expect(c.quote.where.length, c.id).toBeGreaterThan(2);
      expect(c.quote.words.length, `${c.id}: the document's words`).toBeGreaterThan(3);
      expect(c.decide.length, c.id).toBeGreaterThan(10);
    }
  });

  it.skipIf(seeds === null)('quotes every document\'s words exactly (shared/seeds beside the clone)', () => {
    for (const c of CLAIMS) {
      for (const q of [c.quote, ...(c.also ?? [])]) {
        expect(seeds![q.doc], `${c.id}: seed ${q.doc}`).toBeDefined();
        expect(seeds![q.doc]!.includes(q.words), `${c.id}: "${q.words}" is not in seed ${q.doc}`).toBe(true);
      }
    }
  });

  it('writes each claim\'s text once: no statement or quote stands in two source files', () => {
    const files = [...sourceFiles('src'), ...sourceFiles('bench')].map((f) => ({ f, text: readFileSync(f, 'utf8') }));
    for (const c of CLAIMS) {
      for (const text of [c.statement, ...(c.quote.words.length >= 25 ? [c.quote.words] : [])]) {
        const escaped = JSON.stringify(text).slice(1, -1).replace(/'/g, "\\'");
        const holders = files.filter(({ text: t }) => t.includes(text) || t.includes(escaped)).map(({ f }) => f.slice(root.length));
        expect(holders.length, `${c.id}: "${text}" in ${holders.join(', ')}`).toBeLessThanOrEqual(1);
      }
    }
  });

  it('suites only measure: no suite or measuring module builds a claim row or a verdict', () => {
    const measuring = [...sourceFiles('bench'), ...sourceFiles('src/measure')].filter((f) => !/replication-check|callgrind-gate-check/.test(f));
    for (const f of measuring) {
      const text = readFileSync(f, 'utf8');
      expect(/verdict: '(holds|does-not-hold|cannot-tell)'/.test(text), `${f.slice(root.length)} states a verdict`).toBe(false);
    }
  });

  it('a run that measured nothing still reports every claim as "cannot tell", with why and what would decide it', () => {
    const rows = judgeClaims(measurementsOf([]));
    expect(rows.map((r) => r.id)).toEqual(CLAIMS.map((c) => c.id));
    for (const r of rows) {
      expect(r.verdict, r.id).toBe('cannot-tell');
      expect(r.reason.length, r.id).toBeGreaterThan(10);
      expect(r.measureWith?.length ?? 0, r.id).toBeGreaterThan(10);
      expect(r.words, r.id).toBe(CLAIMS.find((c) => c.id === r.id)!.quote.words);
    }
    expect(rows.find((c) => c.id === 'whole-syn-1k-98ms')!.measured).toBe('the prtip suite was not run');
  });

  it('says whether a suite was skipped or ran without judging, and a judge that throws costs its row only', () => {
    const skipped: SuiteResult = { suite: 'batch-size', title: 'b', status: 'skipped', reason: 'needs CAP_NET_RAW', durationMs: 0, tables: [], metrics: [], claims: [], warnings: [] };
    const ran: SuiteResult = {
      suite: 'prtip', title: 'p', status: 'ok', durationMs: 0, tables: [], metrics: [], warnings: [],
      claims: [{ id: 'whole-syn-1k-98ms', subject: 'whole-binary', claim: 'x', source: '002', measured: 'm', verdict: 'holds', reason: 'r' }],
    };
    const rows = judgeClaims(measurementsOf([skipped, ran]));
    expect(rows.find((c) => c.id === 'sendmmsg-batch-100-to-200-300')!.reason).toMatch(/was skipped: needs CAP_NET_RAW/);
    expect(rows.find((c) => c.id === 'whole-full-65535-287ms')!.measured).toMatch(/ran but/);
    expect(rows.find((c) => c.id === 'whole-peak-memory-1k')!.verdict).toBe('cannot-tell');
    const broken = { ...ran, metrics: null } as unknown as SuiteResult;
    expect(() => judgeClaims(measurementsOf([broken]))).not.toThrow();
  });
});
