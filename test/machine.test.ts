import { readFileSync, readdirSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listEvents } from '../src/measure/counters.js';
import { cpuMitigations, machineInfo, machineSummary } from '../src/measure/machine.js';

const info = await machineInfo();
const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
const firstFlags = (/^flags\s*:\s*(.*)$/m.exec(cpuinfo)?.[1] ?? '').split(/\s+/).filter(Boolean);

describe('machineInfo', () => {
  it('reports the CPU the kernel reports: core count and flags including AVX2/AVX-512', () => {
    const processors = (cpuinfo.match(/^processor\s*:/gm) ?? []).length;
    expect(info.cpu.cores).toBe(processors);
    expect(info.cpu.model.length).toBeGreaterThan(0);
    expect(new Set(info.cpu.flags)).toEqual(new Set(firstFlags));
    expect(info.cpu.avx2).toBe(firstFlags.includes('avx2'));
    expect(info.cpu.avx512).toBe(firstFlags.includes('avx512f') && firstFlags.includes('avx512bw'));
  });

  it('reports memory, kernel and OS as /proc does', () => {
    const memKb = Number(/^MemTotal:\s+(\d+)/m.exec(readFileSync('/proc/meminfo', 'utf8'))![1]);
    expect(Math.abs(info.memoryBytes - memKb * 1024)).toBeLessThan(memKb * 1024 * 0.01);
    expect(info.kernel).toBe(readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim());
    expect(info.os.platform).toBe('linux');
    expect(typeof info.virtualization.virtual).toBe('boolean');
  });

  it('reports perf_event_paranoid, PMU presence (cycles opens?) and tracefs', () => {
    expect(info.perf.paranoid).toBe(Number(readFileSync('/proc/sys/kernel/perf_event_paranoid', 'utf8').trim()));
    const cycles = listEvents().find((e) => e.name === 'cycles');
    expect(info.perf.pmu).toBe(cycles?.supported ?? false);
    if (!info.perf.pmu) expect(info.perf.pmuReason.length).toBeGreaterThan(0);
    expect(info.perf.tracefs === '' || existsSync(join(info.perf.tracefs, 'events'))).toBe(true);
  });

  it('records every CPU vulnerability file with its status line', () => {
    const dir = '/sys/devices/system/cpu/vulnerabilities';
    const names = existsSync(dir) ? readdirSync(dir).sort() : [];
    expect(Object.keys(info.mitigations)).toEqual(names);
    for (const n of names) expect(info.mitigations[n]).toBe(readFileSync(join(dir, n), 'utf8').trim());
  });

  it('reads a vulnerabilities folder it is pointed at, and an absent one as empty', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vuln-'));
    writeFileSync(join(dir, 'spectre_v2'), 'Mitigation: Retpolines\n');
    writeFileSync(join(dir, 'meltdown'), 'Not affected\n');
    expect(cpuMitigations(dir)).toEqual({ meltdown: 'Not affected', spectre_v2: 'Mitigation: Retpolines' });
    expect(cpuMitigations(join(dir, 'missing'))).toEqual({});
  });

  it('records Node, the addon build and the git commit', () => {
    expect(info.versions.node).toBe(process.versions.node);
    expect(info.versions.package).toBe(JSON.parse(readFileSync('package.json', 'utf8')).version);
    expect(info.versions.addon?.sha256).toMatch(/^[0-9a-f]{64}$/);
    if (existsSync('.git')) expect(info.git?.commit).toMatch(/^[0-9a-f]{40}$/);
    else console.log('not a git checkout: git is null');
  });

  it('sums it up on one line', () => {
    const line = machineSummary(info);
    expect(line).toContain(`${info.cpu.cores} cores`);
    expect(line).toContain(info.kernel);
    expect(line).toContain(info.perf.pmu ? 'PMU' : 'no PMU');
  });

  it('says on that line when this process mounted tracefs, or that there is none', () => {
    const mounted = { ...info, perf: { ...info.perf, tracefs: '/sys/kernel/tracing', tracefsNote: 'tracefs was not mounted; mounted it at /sys/kernel/tracing' } };
    expect(machineSummary(mounted)).toMatch(/; tracefs was not mounted; mounted it at \/sys\/kernel\/tracing$/);
    const none = { ...info, perf: { ...info.perf, tracefs: '', tracefsNote: '' } };
    expect(machineSummary(none)).toMatch(/; no tracefs: tracepoints unsupported$/);
    const present = { ...info, perf: { ...info.perf, tracefs: '/sys/kernel/tracing', tracefsNote: '' } };
    expect(machineSummary(present)).not.toMatch(/tracefs/);
  });
});
