import { describe, expect, it } from 'vitest';
import { HOW_TO_PROVIDE, locateTools, MASSCAN_RULE, scenarioArgv, scenarioById, SCENARIOS } from '../src/measure/scenarios.js';

const targets = { ifname: 'ppv1a', peer4: '10.237.0.2', peerMac: '02:00:00:00:00:02' };

describe('scenario table', () => {
  it('has the documents\' scenarios, once each', () => {
    const ids = SCENARIOS.map((s) => s.id);
    for (const id of ['syn-scan-1k', 'connect-scan-100', 'ipv6-scan-500', 'full-65535', 'rate-limit-50k', 'service-detect']) expect(ids).toContain(id);
    expect(new Set(ids).size).toBe(ids.length);
  });
  it('prtip and nmap get the documents\' flags; targets are loopback only', () => {
    expect(scenarioArgv(scenarioById('syn-scan-1k'), 'prtip', '/x/prtip', targets)).toEqual({ argv: ['/x/prtip', '-sS', '-p', '1-1000', '127.0.0.1'] });
    expect(scenarioArgv(scenarioById('ipv6-scan-500'), 'nmap', 'nmap', targets)).toEqual({ argv: ['nmap', '-6', '-sS', '-p', '1-500', '::1'] });
    expect(scenarioArgv(scenarioById('rate-limit-50k'), 'prtip', 'p', targets)).toMatchObject({ argv: expect.arrayContaining(['--max-rate', '50000']) });
    for (const s of SCENARIOS) {
      for (const tool of ['prtip', 'nmap'] as const) {
        const a = scenarioArgv(s, tool, tool, targets);
        if ('argv' in a) expect(['127.0.0.1', '::1']).toContain(a.argv.at(-1));
      }
    }
  });
  it('masscan always names the harness interface and ends by rule (--wait 0)', () => {
    let withMasscan = 0;
    for (const s of SCENARIOS) {
      const a = scenarioArgv(s, 'masscan', 'masscan', targets);
      if ('none' in a) {
        expect(a.none.length).toBeGreaterThan(5);
        continue;
      }
      withMasscan++;
      expect(a.argv[a.argv.indexOf('-e') + 1]).toBe('ppv1a');
      expect(a.argv[a.argv.indexOf('--wait') + 1]).toBe('0');
      expect(a.argv.at(-1)).toBe('10.237.0.2');
    }
    expect(withMasscan).toBeGreaterThan(0);
    expect(MASSCAN_RULE).toMatch(/--wait 0/);
  });
  it('service-detect scans the ports of the harness listeners', () => {
    const a = scenarioArgv(scenarioById('service-detect'), 'prtip', 'p', targets);
    expect(a).toEqual({ argv: ['p', '-sV', '-p', '8080,8443,2222', '127.0.0.1'] });
  });
  it('an unknown scenario is a RangeError listing the known ones', () => {
    expect(() => scenarioById('syn-scan-2k')).toThrow(/syn-scan-1k/);
  });
  it('prtip comes from the explicit path, then PRTIP_BIN, then PATH; missing ones say how to provide them', () => {
    const saved = process.env.PRTIP_BIN;
    try {
      process.env.PRTIP_BIN = '/nonexistent/prtip';
      expect(locateTools().prtip).toBeNull();
      expect(locateTools('/bin/true').prtip).toBe('/bin/true');
      process.env.PRTIP_BIN = '/bin/sh';
      expect(locateTools().prtip).toBe('/bin/sh');
    } finally {
      if (saved === undefined) delete process.env.PRTIP_BIN;
      else process.env.PRTIP_BIN = saved;
    }
    expect(HOW_TO_PROVIDE.prtip).toMatch(/--prtip PATH.*PRTIP_BIN/);
  });
});
