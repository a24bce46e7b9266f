/**
 * The claims nothing here can measure (src/judge/families/elsewhere.ts): each is "cannot tell"
 * whatever was measured, and says why and what would decide it; none ever holds or fails.
 */
import { describe, expect, it } from 'vitest';
import { ELSEWHERE_CLAIMS } from '../src/judge/families/elsewhere.js';
import { measurementsOf } from '../src/judge/index.js';
import { forked, measured, suite } from './judge-fixtures.js';

describe('claims measured elsewhere', () => {
  it('each is "cannot tell", with why and what would decide it, on no measurement at all', () => {
    for (const c of ELSEWHERE_CLAIMS) {
      const f = c.judge(measurementsOf([]));
      expect(f.verdict, c.id).toBe('cannot-tell');
      expect(c.decide.length, c.id).toBeGreaterThan(10);
      expect(f.reason, c.id).not.toBe('');
      expect(f.decideWith, c.id).toBe(c.decide);
    }
  });

  it('release vs debug (10-100×) names the two builds compare would need', () => {
    const c = ELSEWHERE_CLAIMS.find((x) => x.id === 'release-vs-debug-10-100x')!;
    expect(c.quote).toMatchObject({ doc: '001', words: '**Release Builds:** Always profile with `--release` (10-100x faster than debug)' });
    expect(c.decide).toMatch(/prtip-perf compare debug=.* release=/);
  });

  it('release vs debug stays "cannot tell" even beside the document\'s own 10× and 100× figures: no rule judges it here', () => {
    const c = ELSEWHERE_CLAIMS.find((x) => x.id === 'release-vs-debug-10-100x')!;
    for (const debugMs of [30, 300, 3000, 31]) { // 1×, 10×, 100× and the band's edge against a 30 ms release scan
      const m = measured([suite('prtip', [forked('prtip/release/syn-scan-1k/wall', [30e6, 30e6, 30e6]), forked('prtip/debug/syn-scan-1k/wall', [debugMs * 1e6, debugMs * 1e6, debugMs * 1e6])])]);
      expect(c.judge(m).verdict, `debug ${debugMs} ms`).toBe('cannot-tell');
    }
  });
});
