import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PerfError } from '../src/core/errors.js';
import { type CoreNative, nativeAddon } from '../src/core/native.js';
import { NAMESPACE_PREFIX, canCreateNamespaces, createNamespace, harnessNamespaceState, listHarnessNamespaces, sweepStaleNamespaces, withNamespace } from '../src/measure/netns.js';

interface NetnsNative extends CoreNative {
  netnsCreate(name: string): string;
  netnsRemove(name: string): void;
}
const addon = (): NetnsNative => nativeAddon<NetnsNative>();

const support = canCreateNamespaces();
if (!support.ok) console.log(`netns tests skipped: ${support.reason}`);

describe('network namespaces', () => {
  it('reports support with a reason when missing', () => {
    expect(typeof support.ok).toBe('boolean');
    if (!support.ok) expect(support.reason).toMatch(/root|CAP_SYS_ADMIN|iproute2/);
    else expect(support.reason).toBe('');
  });

  it.skipIf(!support.ok)('creates a namespace with lo up, runs commands in it, and removes it', async () => {
    let path = '';
    const out = await withNamespace({}, async (ns) => {
      path = ns.path;
      expect(ns.name.startsWith(NAMESPACE_PREFIX)).toBe(true);
      expect(ns.path).toBe(`/run/netns/${ns.name}`);
      expect(existsSync(ns.path)).toBe(true);
      const links = await ns.exec(['ip', '-o', 'link', 'show']);
      // only lo: nothing from the host's namespace is visible
      expect(links.stdout.trim().split('\n')).toHaveLength(1);
      expect(links.stdout).toMatch(/lo: <LOOPBACK,UP/);
      return 42;
    });
    expect(out).toBe(42);
    expect(existsSync(path)).toBe(false);
  });

  it.skipIf(!support.ok)('creates a veth pair between two own namespaces that can ping each other', async () => {
    const hostLinks = execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' });
    await withNamespace({ veth: true }, async (ns) => {
      expect(ns.veth).toBeDefined();
      expect(ns.peer).toBeDefined();
      const { local, remote } = ns.veth!;
      expect(local.address).toBe('10.237.0.1');
      expect(remote.address).toBe('10.237.0.2');
      // the pair never shows up in our own namespace
      const nowLinks = execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' });
      expect(nowLinks).not.toContain(local.ifname);
      expect(nowLinks.split('\n').length).toBe(hostLinks.split('\n').length);
      // A TCP connect to a closed port: ECONNREFUSED means the SYN crossed and the peer's RST came back.
      const probe = `require('net').connect(9, '${remote.address}').on('error', (e) => { console.log(e.code); process.exit(0); }).on('connect', () => process.exit(2)); setTimeout(() => { console.log('TIMEOUT'); process.exit(0); }, 3000);`;
      const r = await ns.exec([process.execPath, '-e', probe]);
      expect(r.stdout.trim()).toBe('ECONNREFUSED');
    }).then(() => {
      expect(listHarnessNamespaces().filter((n) => n.includes(`-${process.pid}-`))).toEqual([]);
    });
  });

  it.skipIf(!support.ok)('removes the namespace when the callback throws', async () => {
    let name = '';
    await expect(withNamespace({ veth: true }, (ns) => {
      name = ns.name;
      throw new Error('boom');
    })).rejects.toThrow('boom');
    expect(name).not.toBe('');
    expect(existsSync(`/run/netns/${name}`)).toBe(false);
    expect(listHarnessNamespaces().filter((n) => n.includes(`-${process.pid}-`))).toEqual([]);
  });

  it.skipIf(!support.ok)('exec fails with NETNS_EXEC_FAILED on a non-zero exit, and NETNS_CLOSED after close', async () => {
    const ns = await createNamespace();
    try {
      await expect(ns.exec(['sh', '-c', 'exit 3'])).rejects.toMatchObject({ code: 'NETNS_EXEC_FAILED' });
      const r = await ns.exec(['sh', '-c', 'exit 3'], { allowFailure: true });
      expect(r.code).toBe(3);
    } finally {
      await ns.close();
    }
    expect(ns.closed).toBe(true);
    await expect(ns.exec(['true'])).rejects.toBeInstanceOf(PerfError);
    await ns.close(); // idempotent
  });

  it.skipIf(!support.ok)('sets route_localnet only inside the namespace', async () => {
    const hostValue = execFileSync('sysctl', ['-n', 'net.ipv4.conf.lo.route_localnet'], { encoding: 'utf8' }).trim();
    await withNamespace({ localnet: true }, async (ns) => {
      const r = await ns.exec(['sysctl', '-n', 'net.ipv4.conf.lo.route_localnet']);
      expect(r.stdout.trim()).toBe('1');
    });
    expect(execFileSync('sysctl', ['-n', 'net.ipv4.conf.lo.route_localnet'], { encoding: 'utf8' }).trim()).toBe(hostValue);
  });

  it.skipIf(!support.ok)('sweeps namespaces left by a killed process', () => {
    // a child that creates a namespace by our naming scheme, then dies without cleanup
    const dead = execFileSync('sh', ['-c', 'echo $$'], { encoding: 'utf8' }).trim();
    const name = `${NAMESPACE_PREFIX}${dead}-1-deadbe`;
    execFileSync('ip', ['netns', 'add', name]);
    expect(sweepStaleNamespaces()).toContain(name);
    expect(existsSync(`/run/netns/${name}`)).toBe(false);
  });

  it('rejects bad options naming the parameter', async () => {
    await expect(createNamespace({ veth: 'yes' as unknown as boolean })).rejects.toThrow(/options\.veth/);
    await expect(createNamespace({ subnet: '10.0.0.1' })).rejects.toThrow(RangeError);
    await expect(createNamespace({ peerDown: true })).rejects.toThrow(/options\.peerDown/);
  });

  it.skipIf(!support.ok)('removes namespaces on process exit and on SIGTERM when never closed', () => {
    // The child runs the compiled netns.js (Node 20 cannot strip types; npm test compiles
    // first), which finds the addon from the package it lives in.
    const bundle = new URL('../dist/src/measure/netns.js', import.meta.url).pathname;
    const script = `
      import { createNamespace } from ${JSON.stringify(bundle)};
      const ns = await createNamespace({ veth: true });
      console.log(ns.name + ' ' + ns.peer.name);
      process.exit(0);`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }).trim();
    const names = out.split(' ');
    expect(names).toHaveLength(2);
    for (const n of names) expect(existsSync(`/run/netns/${n}`)).toBe(false);

    // and on SIGTERM, dying of the signal as before
    const killed = spawnSync(process.execPath, ['--input-type=module', '-e', script.replace('process.exit(0);',
      "setTimeout(() => {}, 20000); process.kill(process.pid, 'SIGTERM');")], { encoding: 'utf8', timeout: 20000 });
    expect(killed.signal).toBe('SIGTERM');
    const names2 = killed.stdout.trim().split(' ');
    expect(names2).toHaveLength(2);
    for (const n of names2) expect(existsSync(`/run/netns/${n}`)).toBe(false);
  });

  it('the native create/remove only take harness names, naming the parameter', () => {
    for (const bad of ['', 'foo', 'prtip-perf-', 'prtip-perf-../x', 'prtip-perf-a/b', `prtip-perf-${'x'.repeat(60)}`, 'prtip-perf-a\0b']) {
      expect(() => addon().netnsCreate(bad)).toThrow(RangeError);
      expect(() => addon().netnsRemove(bad)).toThrow(/^name must be a namespace name/);
    }
    for (const bad of [undefined, 1, null, {}, ['prtip-perf-1']]) {
      expect(() => addon().netnsCreate(bad as string)).toThrow(TypeError);
      expect(() => addon().netnsRemove(bad as string)).toThrow(/name must be/);
    }
  });

  it.skipIf(!support.ok)('creates namespaces natively the way ip netns add does: a bind mount under a shared /run/netns', async () => {
    await withNamespace({ veth: true }, async (ns) => {
      const mounts = readFileSync('/proc/self/mountinfo', 'utf8').split('\n');
      // field 5 is the mount point; optional fields (shared:N) follow
      const runDir = mounts.filter((l) => l.split(' ')[4] === '/run/netns');
      expect(runDir.length).toBeGreaterThan(0);
      expect(runDir.some((l) => / shared:\d+/.test(l))).toBe(true);
      expect(mounts.some((l) => l.split(' ')[4] === ns.path && l.includes(' nsfs '))).toBe(true);
      expect(execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })).toContain(ns.name);
      // a name that exists is refused, not reused
      expect(() => addon().netnsCreate(ns.name)).toThrow(expect.objectContaining({ code: 'NETNS_EXISTS' }));
      // the peer is a harness namespace too, and look-alikes are not
      expect(harnessNamespaceState(ns)?.peerPath).toBe(ns.peer!.path);
      expect(harnessNamespaceState(ns.peer)?.path).toBe(ns.peer!.path);
      expect(harnessNamespaceState({ ...ns })).toBeUndefined();
      expect(harnessNamespaceState({ path: ns.path, exec() {} })).toBeUndefined();
    });
    const names = listHarnessNamespaces().filter((n) => n.includes(`-${process.pid}-`));
    expect(names).toEqual([]);
    const after = readFileSync('/proc/self/mountinfo', 'utf8');
    expect(after).not.toContain(`${NAMESPACE_PREFIX}${process.pid}-`);
  });
});
