/** The builder claims, judged on prtip's criterion runs only: the document's own figures hold, far ones do not, the edge and missing data cannot tell. */
import { describe, expect, it } from 'vitest';
import { CRITERION_CLAIMS, runToRunAllowance } from '../src/judge/families/criterion.js';
import { criterionRun, measured, near } from './judge-fixtures.js';

const judge = (id: string, runs = [criterionRun({})]) => CRITERION_CLAIMS.find((c) => c.id === id)!.judge(measured([], runs));
const docRuns = (n: number, zero = 58.8, old = 68.3) =>
  Array.from({ length: n }, (_, i) => criterionRun({ 'tcp_packet_zero_copy/1000': near(zero, i), 'tcp_packet_old_api/1000': near(old, i), tcp_syn_packet: near(862.41, i) }));

describe('criterion family', () => {
  it('three runs that repeat the document within 1 % hold 58.8 ns, 68.3 ns, 15 % faster and 850 ns', () => {
    const runs = docRuns(3);
    for (const id of ['zero-copy-58.8ns-17mpps', 'old-api-68.3ns-14.6mpps', 'zero-copy-15pct-faster', 'tcp-syn-packet-850ns']) {
      expect(judge(id, runs).verdict, id).toBe('holds');
    }
  });
  it('one run of the same figures cannot confirm "15 % faster" (the run-to-run allowance), but the point figures hold', () => {
    const runs = docRuns(1);
    expect(judge('zero-copy-15pct-faster', runs).verdict).toBe('cannot-tell');
    expect(judge('zero-copy-58.8ns-17mpps', runs).verdict).toBe('holds');
    expect(runToRunAllowance(1)).toBeGreaterThan(runToRunAllowance(2));
    expect(runToRunAllowance(3)).toBe(0);
  });
  it('figures far from the document do not hold (this VM: ~65-72 ns for both builders, 850 ns far off)', () => {
    const runs = docRuns(3, 30, 120);
    expect(judge('zero-copy-58.8ns-17mpps', runs).verdict).toBe('does-not-hold');
    expect(judge('old-api-68.3ns-14.6mpps', runs).verdict).toBe('does-not-hold');
    expect(judge('zero-copy-15pct-faster', runs).verdict).toBe('does-not-hold'); // 75 % saving
    const vm = Array.from({ length: 3 }, (_, i) => criterionRun({ 'tcp_packet_old_api/1000': near(70, i) }));
    expect(judge('tcp-syn-packet-850ns', vm).verdict).toBe('does-not-hold');
  });
  it('at the band\'s edge it cannot tell', () => {
    // 58.8 × 1.2: beyond the ±15 % band, inside its ±10 % margin
    expect(judge('zero-copy-58.8ns-17mpps', docRuns(3, 58.8 * 1.2)).verdict).toBe('cannot-tell');
    // no saving at all: the interval around 0 % sits in the margin below 10 % … 20 %
    expect(judge('zero-copy-15pct-faster', docRuns(3, 64, 68.3)).verdict).toBe('cannot-tell');
  });
  it('without criterion results, or without the benchmark, it cannot tell and says what decides it', () => {
    const none = CRITERION_CLAIMS.find((c) => c.id === 'zero-copy-58.8ns-17mpps')!.judge(measured([], []));
    expect(none.verdict).toBe('cannot-tell');
    expect(none.decideWith).toMatch(/cargo bench/);
    expect(judge('zero-copy-58.8ns-17mpps', [criterionRun({ 'tcp_packet_old_api/1000': near(68.3, 0) })]).verdict).toBe('cannot-tell');
  });
  it('the UDP claim is judged on a UDP benchmark only: TCP benchmarks alone cannot tell', () => {
    expect(judge('udp-packet-620ns', docRuns(3)).verdict).toBe('cannot-tell');
    const udp = Array.from({ length: 3 }, (_, i) => criterionRun({ udp_packet: near(628.92, i) }));
    expect(judge('udp-packet-620ns', udp).verdict).toBe('holds');
    const slow = Array.from({ length: 3 }, (_, i) => criterionRun({ udp_packet: near(2000, i) }));
    expect(judge('udp-packet-620ns', slow).verdict).toBe('does-not-hold');
  });
  it('runs that disagree by more than 1.25× (a busy machine moved them) cannot tell, never refute', () => {
    const busy = [criterionRun({ 'tcp_packet_zero_copy/1000': near(175, 0), 'tcp_packet_old_api/1000': near(143, 0) }),
      criterionRun({ 'tcp_packet_zero_copy/1000': near(114, 0), 'tcp_packet_old_api/1000': near(90, 0) }),
      criterionRun({ 'tcp_packet_zero_copy/1000': near(147, 0), 'tcp_packet_old_api/1000': near(101, 0) })];
    for (const id of ['zero-copy-58.8ns-17mpps', 'old-api-68.3ns-14.6mpps']) {
      expect(judge(id, busy).verdict, id).toBe('cannot-tell');
      expect(judge(id, busy).reason, id).toMatch(/criterion runs disagree/);
    }
    // three slow runs that agree still refute: the rule cannot know the machine was busy in all three
    expect(judge('zero-copy-58.8ns-17mpps', docRuns(3, 150, 160)).verdict).toBe('does-not-hold');
  });
  it('a non-finite or absurd estimate is no figure, never a thrown error', () => {
    const bad = [criterionRun({ 'tcp_packet_zero_copy/1000': [Infinity, -Infinity, 1e308] })];
    expect(judge('zero-copy-58.8ns-17mpps', bad).verdict).toBe('cannot-tell');
  });
});
