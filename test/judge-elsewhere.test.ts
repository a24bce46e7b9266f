/**
 * The claims nothing here can measure (src/judge/families/elsewhere.ts): each is "cannot tell"
 * whatever was measured, and says why and what would decide it; none ever holds or fails.
 */
import { describe, expect, it } from 'vitest';
import { ELSEWHERE_CLAIMS } from '../src/judge/families/elsewhere.js';
import { measurementsOf } from '../src/judge/index.js';

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
});
