import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { addon, baseConfig, v4 } from './rawio-native.js';
import { listEvents } from '../src/measure/counters.js';
import { PerfError } from '../src/core/errors.js';
import { type Namespace, canCreateNamespaces, createNamespace, listHarnessNamespaces } from '../src/measure/netns.js';
import { MAX_BATCH, rawSocketSupport, sendBatch, sipHash24 } from '../src/measure/rawio.js';

const raw = rawSocketSupport();
const netns = canCreateNamespaces();
if (!raw.ok) console.log(`raw-socket tests skipped: ${raw.reason}`);
if (!netns.ok) console.log(`namespace send tests skipped: ${netns.reason}`);

/** Whether raw_syscalls:sys_enter opens here (tracefs and kernel counting). */
function tracepointsOpen(): boolean {
  return listEvents(['raw_syscalls:sys_enter']).some((e) => e.name === 'raw_syscalls:sys_enter' && e.supported);
}
const tracepoints = raw.ok && tracepointsOpen();
if (raw.ok && !tracepoints) console.log('syscall-count test skipped: raw_syscalls:sys_enter does not open here (tracefs or perf_event_paranoid)');

describe('SipHash-2-4 (the cookie)', () => {
  it('matches the reference test vectors', () => {
    // Aumasson & Bernstein's vectors: key 00..0f, messages 00..(n-1)
    const key = Buffer.from([...Array(16).keys()]);
    expect(sipHash24(key, Buffer.from([...Array(15).keys()])).toString(16)).toBe('a129ca6149be45e5');
    expect(sipHash24(key, Buffer.alloc(0)).toString(16)).toBe('726fdb47dd0e0e31');
  });
});

describe('sendBatch argument checks', () => {
  it('bounds batchSize to 1..1024 (UIO_MAXIOV) with a RangeError naming it', async () => {
    expect(MAX_BATCH).toBe(1024);
    await expect(sendBatch({ batchSize: 1025 })).rejects.toThrow(RangeError);
    await expect(sendBatch({ batchSize: 1025 })).rejects.toThrow(/options\.batchSize/);
    await expect(sendBatch({ batchSize: 0 })).rejects.toThrow(RangeError);
    await expect(sendBatch({ batchSize: 2.5 })).rejects.toThrow(/options\.batchSize/);
    await expect(sendBatch({ batchSize: '64' as unknown as number })).rejects.toThrow(TypeError);
    await expect(sendBatch({ method: 'sendto', batchSize: 64 })).rejects.toThrow(/batchSize must be 1 with method "sendto"/);
  });

  it('rejects bad options with TypeError/RangeError naming the parameter', async () => {
    await expect(sendBatch({ family: 5 as 4 })).rejects.toThrow(/options\.family/);
    await expect(sendBatch({ method: 'writev' as 'sendto' })).rejects.toThrow(/options\.method/);
    await expect(sendBatch({ count: -1 })).rejects.toThrow(/options\.count/);
    await expect(sendBatch({ timeLimitMs: 0 })).rejects.toThrow(/options\.timeLimitMs/);
    await expect(sendBatch({ ports: [70000] })).rejects.toThrow(/options\.ports\[0\]/);
    await expect(sendBatch({ ports: 'all' as unknown as number[] })).rejects.toThrow(TypeError);
    await expect(sendBatch({ receive: 1 as unknown as boolean })).rejects.toThrow(/options\.receive/);
    await expect(sendBatch({ target: 'localhost', count: 1 })).rejects.toThrow(/options\.target/);
    await expect(sendBatch({ family: 6, target: '127.0.0.1', count: 1 })).rejects.toThrow(/IPv6/);
    await expect(sendBatch({ netns: 'bridge' as 'lo', count: 1 })).rejects.toThrow(/options\.netns/);
  });

  it('refuses any non-loopback target with NOT_LOOPBACK', async () => {
    for (const target of ['10.0.0.1', '192.168.1.1', '8.8.8.8', '0.0.0.0']) {
      await expect(sendBatch({ target, count: 1 })).rejects.toMatchObject({ code: 'NOT_LOOPBACK' });
    }
    await expect(sendBatch({ family: 6, target: '2001:db8::1', count: 1 })).rejects.toMatchObject({ code: 'NOT_LOOPBACK' });
    await expect(sendBatch({ family: 6, target: '::', count: 1 })).rejects.toMatchObject({ code: 'NOT_LOOPBACK' });
    // the old opt-in is gone: the native sender would refuse anyway
    await expect(sendBatch({ target: '10.0.0.1', allowNetwork: '10.0.0.0/30', count: 1 } as never)).rejects.toThrow(/options\.allowNetwork is no longer accepted/);
    await expect(sendBatch({ source: '8.8.8.8', count: 1 })).rejects.toMatchObject({ code: 'NOT_LOOPBACK', message: expect.stringMatching(/options\.source/) });
  });

  it('refuses AF_PACKET outside an own namespace', async () => {
    await expect(sendBatch({ link: 'packet', count: 1 })).rejects.toMatchObject({ code: 'PACKET_NEEDS_NETNS' });
  });

  it('gives errors a stack that points at the caller', async () => {
    const error = await sendBatch({ target: '10.1.2.3' }).catch((e: unknown) => e as PerfError);
    expect(error).toBeInstanceOf(PerfError);
    expect(error.stack).toContain('rawio.test.ts');
  });
});

describe.skipIf(!raw.ok)('loopback sends', () => {
  for (const family of [4, 6] as const) {
    for (const [method, batchSize] of [['sendto', 1], ['sendmmsg', 1], ['sendmmsg', 64], ['sendmmsg', 1024]] as const) {
      it(`IPv${family} ${method} batch ${batchSize}: every reply matched, loss accounted`, async () => {
        const count = 6000;
        const r = await sendBatch({ family, method, batchSize, count, ports: [9, 10], timeLimitMs: 20_000 });
        expect(r.sent).toBe(count);
        expect(r.accepted + r.sendErrors).toBe(count);
        expect(r.replies! + r.lost!).toBe(r.accepted);
        // loss is zero or explained by a counter; never silently missing
        expect(r.unexplainedLoss).toBe(0);
        // other traffic on the shared loopback may pass the filter: the cookie keeps it out of replies
        expect(r.replies).toBeLessThanOrEqual(r.accepted);
        // 2 closed ports answer RST, the open one SYN-ACK: a third of the probes each
        expect(r.rst! + r.synAck!).toBe(r.replies);
        expect(r.openPort).toBeGreaterThan(0);
        if (r.lost === 0) {
          expect(r.synAck).toBe(count / 3);
          expect(r.rst).toBe((2 * count) / 3);
        }
        expect(r.pps).toBeGreaterThan(0);
        expect(r.userNsPerPacket + r.sysNsPerPacket).toBeGreaterThan(0);
        expect(r.loopSendCalls).toBe(method === 'sendto' ? count : Math.ceil(count / batchSize));
      });
    }
  }

  it.skipIf(!tracepoints)('syscalls are counted by the kernel: about 1/batch per packet', async () => {
    const b1 = await sendBatch({ batchSize: 1, count: 4096, receive: false });
    const b64 = await sendBatch({ batchSize: 64, count: 4096, receive: false });
    const st = await sendBatch({ method: 'sendto', count: 4096, receive: false });
    expect(b1.sendmmsgCalls).toBe(4096);
    expect(b64.sendmmsgCalls).toBe(64);
    expect(st.sendtoCalls).toBe(4096);
    expect(st.sendmmsgCalls).toBe(0);
    // raw_syscalls also sees the counter-disable ioctl: a little over the send calls
    expect(b1.syscallsPerPacket!).toBeGreaterThanOrEqual(1);
    expect(b1.syscallsPerPacket!).toBeLessThan(1.05);
    expect(b64.syscallsPerPacket!).toBeGreaterThanOrEqual(1 / 64);
    expect(b64.syscallsPerPacket!).toBeLessThan(1 / 64 + 0.01);
  });

  it('bounds a run by timeLimitMs', async () => {
    const started = Date.now();
    const r = await sendBatch({ batchSize: 64, count: 1e9, timeLimitMs: 200, drainMs: 100 });
    const elapsed = Date.now() - started;
    expect(r.timedOut).toBe(true);
    expect(r.sent).toBeLessThan(1e9);
    expect(r.durationMs).toBeLessThan(400);
    // send loop + bounded drain (at most 4 x drainMs) + setup
    expect(elapsed).toBeLessThan(200 + 400 + 1500);
  });

  it('can be cancelled with an AbortSignal', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    const r = await sendBatch({ batchSize: 64, count: 1e9, timeLimitMs: 60_000, drainMs: 50, signal: controller.signal });
    expect(r.cancelled).toBe(true);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe.skipIf(!raw.ok || !netns.ok)('namespace sends', () => {
  it('delivers AF_PACKET frames (PACKET_QDISC_BYPASS) to 127.0.0.1 on an own namespace lo (proved by replies), then removes it', async () => {
    const before = listHarnessNamespaces();
    const r = await sendBatch({ link: 'packet', netns: 'lo', batchSize: 32, count: 3000, qdiscBypass: true });
    expect(r.namespace).toMatch(/^prtip-perf-/);
    expect(r.accepted).toBe(3000);
    expect(r.replies).toBe(3000);
    expect(listHarnessNamespaces()).toEqual(before);
  });

  for (const family of [4, 6] as const) {
    for (const link of ['ip', 'packet'] as const) {
      it(`sends IPv${family} ${link} across a veth pair into the own peer namespace`, async () => {
        const ns = await createNamespace({ veth: true });
        try {
          const r = await sendBatch({ family, link, netns: ns, batchSize: 16, count: 1000 });
          expect(r.target).toBe(family === 4 ? ns.veth!.remote.address : ns.veth!.remote.address6);
          expect(r.replies).toBe(1000);
          expect(r.synAck).toBe(500);
        } finally {
          await ns.close();
        }
      });
    }
  }

  it('measures the send path alone in a sink namespace (peer down): all accepted, nothing to receive', async () => {
    const r = await sendBatch({ netns: 'sink', batchSize: 64, count: 5000 });
    expect(r.accepted).toBe(5000);
    expect(r.replies).toBeNull();
    expect(r.lost).toBeNull();
    await expect(sendBatch({ netns: 'sink', receive: true, count: 1 })).rejects.toThrow(/options\.receive/);
  });

  it('still refuses a target outside the namespace pair in netns mode', async () => {
    const ns = await createNamespace({ veth: true });
    try {
      await expect(sendBatch({ netns: ns, target: '10.237.0.5', count: 1 })).rejects.toMatchObject({ code: 'NOT_LOOPBACK' });
    } finally {
      await ns.close();
    }
  });
});

// ---- the native sender's own checks: what JS says about a namespace is not believed ----


describe('the native sender refuses destinations outside loopback and harness namespaces', () => {
  it('refuses a forged namespace object (it passed isNamespace before)', async () => {
    const forged = {
      path: '/proc/1/ns/net', exec() {}, veth: { local: { ifname: 'eth0', address: '192.0.2.2' }, remote: { address: '8.8.8.8' } }, peer: { path: '/proc/1/ns/net' },
    };
    await expect(sendBatch({ netns: forged as unknown as Namespace, target: '8.8.8.8', count: 1 })).rejects.toThrow(/options\.netns/);
    await expect(sendBatch({ netns: forged as unknown as Namespace, target: '8.8.8.8', link: 'packet', count: 1 })).rejects.toThrow(TypeError);
  });

  it('rawioStart itself refuses a non-loopback dst or src in the caller\'s namespace, and AF_PACKET off lo', async () => {
    await expect(addon().rawioStart({ ...baseConfig(), dst: v4('8.8.8.8') }).promise).rejects.toMatchObject({ code: 'NOT_LOOPBACK', message: expect.stringMatching(/config\.dst 8\.8\.8\.8/) });
    await expect(addon().rawioStart({ ...baseConfig(), dst: v4('10.237.0.2') }).promise).rejects.toMatchObject({ code: 'NOT_LOOPBACK' });
    await expect(addon().rawioStart({ ...baseConfig(), src: v4('8.8.8.8') }).promise).rejects.toMatchObject({ code: 'NOT_LOOPBACK', message: expect.stringMatching(/config\.src/) });
    const six = Buffer.alloc(16);
    six[0] = 0x20; six[1] = 0x01; six[2] = 0x0d; six[3] = 0xb8; six[15] = 1;
    await expect(addon().rawioStart({ ...baseConfig(), family: 6, dst: six, src: six }).promise).rejects.toMatchObject({ code: 'NOT_LOOPBACK' });
    await expect(addon().rawioStart({ ...baseConfig(), link: 'packet', ifname: 'eth0' }).promise).rejects.toMatchObject({ code: 'NOT_LOOPBACK', message: expect.stringMatching(/config\.ifname/) });
  });

  it('rawioStart refuses a namespace the harness did not create (checked by inode)', async () => {
    await expect(addon().rawioStart({ ...baseConfig(), netnsPath: '/proc/self/ns/net', dst: v4('8.8.8.8') }).promise)
      .rejects.toMatchObject({ code: 'NOT_HARNESS_NETNS', message: expect.stringMatching(/config\.netnsPath/) });
    await expect(addon().rawioStart({ ...baseConfig(), netnsPath: '/proc/self/ns/net' }).promise).rejects.toMatchObject({ code: 'NOT_HARNESS_NETNS' });
    await expect(addon().rawioStart({ ...baseConfig(), netnsPath: '/nonexistent/ns' }).promise).rejects.toMatchObject({ message: expect.stringMatching(/config\.netnsPath/) });
  });

  it.skipIf(!netns.ok)('a real veth namespace: its fields cannot be reassigned, and a target outside it is refused natively', async () => {
    const ns = await createNamespace({ veth: true });
    try {
      expect(() => { (ns.veth!.remote as { address: string }).address = '8.8.8.8'; }).toThrow(TypeError);
      expect(() => { (ns as { path: string }).path = '/proc/1/ns/net'; }).toThrow(TypeError);
      expect(ns.veth!.remote.address).toBe('10.237.0.2');
      await expect(addon().rawioStart({ ...baseConfig(), netnsPath: ns.path, dst: v4('8.8.8.8'), src: v4('10.237.0.1') }).promise)
        .rejects.toMatchObject({ code: 'NOT_LOOPBACK', message: expect.stringMatching(/config\.dst 8\.8\.8\.8/) });
      await expect(addon().rawioStart({ ...baseConfig(), netnsPath: ns.path, dst: v4('10.237.0.2'), src: v4('192.0.2.2') }).promise)
        .rejects.toMatchObject({ code: 'NOT_LOOPBACK', message: expect.stringMatching(/config\.src/) });
      await expect(addon().rawioStart({ ...baseConfig(), netnsPath: ns.path, link: 'packet', ifname: 'eth0', dst: v4('10.237.0.2'), src: v4('10.237.0.1') }).promise)
        .rejects.toMatchObject({ code: 'NOT_LOOPBACK' });
      if (raw.ok) {
        const r = await addon().rawioStart({ ...baseConfig(), netnsPath: ns.path, dst: v4('10.237.0.2'), src: v4('10.237.0.1'), count: 10 }).promise;
        expect(r.sent).toBe(10);
      }
    } finally {
      await ns.close();
    }
  });

  it.skipIf(!netns.ok)('refuses a harness namespace that holds a veth into the root namespace or a non-veth device', async () => {
    const ns = await createNamespace();
    const tag = randomBytes(3).toString('hex');
    try {
      execFileSync('ip', ['link', 'add', `ppx${tag}a`, 'type', 'veth', 'peer', 'name', `ppx${tag}b`, 'netns', ns.name]);
      try {
        execFileSync('ip', ['-n', ns.name, 'addr', 'add', '10.238.0.2/30', 'dev', `ppx${tag}b`]);
        for (const dst of ['10.238.0.2', '127.0.0.1']) {
          await expect(addon().rawioStart({ ...baseConfig(), netnsPath: ns.path, dst: v4(dst), src: v4(dst) }).promise)
            .rejects.toMatchObject({ code: 'NOT_LOOPBACK', message: expect.stringMatching(/peer of its veth .* did not create/) });
        }
      } finally {
        execFileSync('ip', ['link', 'del', `ppx${tag}a`]);
      }
      await ns.exec(['ip', 'link', 'add', 'ppbr0', 'type', 'bridge']);
      await expect(addon().rawioStart({ ...baseConfig(), netnsPath: ns.path }).promise)
        .rejects.toMatchObject({ code: 'NOT_LOOPBACK', message: expect.stringMatching(/ppbr0 is a bridge device, not a veth/) });
    } finally {
      await ns.close();
    }
  });
});

describe('rawioStart validates every field natively', () => {
  const cases: [Record<string, unknown>, RegExp, typeof TypeError | typeof RangeError][] = [
    [{ count: -1 }, /config\.count .*got the number -1/, RangeError],
    [{ count: 1e30 }, /config\.count/, RangeError],
    [{ count: 2.5 }, /config\.count/, RangeError],
    [{ count: Number.NaN }, /config\.count/, RangeError],
    [{ count: undefined }, /config\.count .*got undefined/, TypeError],
    [{ timeLimitNs: undefined }, /config\.timeLimitNs/, TypeError],
    [{ timeLimitNs: Number.POSITIVE_INFINITY }, /config\.timeLimitNs/, RangeError],
    [{ ports: [70000] }, /config\.ports\[0\] .*got the number 70000/, RangeError],
    // eslint-disable-next-line no-sparse-arrays
    [{ ports: [, 9] }, /config\.ports\[0\]/, TypeError],
    [{ ports: [] }, /config\.ports/, RangeError],
    [{ dst: Buffer.alloc(0) }, /config\.dst must be a Buffer of 16 bytes/, RangeError],
    [{ src: 'x' }, /config\.src/, TypeError],
    [{ key: Buffer.alloc(8) }, /config\.key/, RangeError],
    [{ family: 5 }, /config\.family/, RangeError],
    [{ batchSize: 1025 }, /config\.batchSize/, RangeError],
    [{ srcPortBase: 65535, srcPortCount: 2 }, /config\.srcPortCount/, RangeError],
    [{ method: 'writev' }, /config\.method/, RangeError],
    [{ link: 'packet' }, /config\.ifname/, TypeError],
    [{ netnsPath: 'a\0b' }, /config\.netnsPath/, RangeError],
    [{ drainNs: -1 }, /config\.drainNs/, RangeError],
  ];
  it.each(cases)('%o', (patch, message, ErrorClass) => {
    expect(() => addon().rawioStart({ ...baseConfig(), ...patch })).toThrow(ErrorClass);
    expect(() => addon().rawioStart({ ...baseConfig(), ...patch })).toThrow(message);
  });

  it('detached and empty buffers never reach memcpy', () => {
    const detached = new Uint8Array(new ArrayBuffer(16));
    structuredClone(detached.buffer, { transfer: [detached.buffer] });
    expect(() => addon().rawioStart({ ...baseConfig(), dst: detached })).toThrow(/config\.dst/);
    expect(sipHash24(Buffer.alloc(16), Buffer.alloc(0))).toBe(sipHash24(Buffer.alloc(16), Buffer.from(new Uint8Array(new ArrayBuffer(0)))));
    const gone = new Uint8Array(new ArrayBuffer(8));
    structuredClone(gone.buffer, { transfer: [gone.buffer] });
    expect(sipHash24(Buffer.alloc(16), gone as Buffer)).toBe(sipHash24(Buffer.alloc(16), Buffer.alloc(0)));
    expect(() => sipHash24(Buffer.alloc(3), Buffer.alloc(0))).toThrow(/key must be a Buffer of 16 bytes/);
  });
});

const distRawio = new URL('../dist/src/measure/rawio.js', import.meta.url);

describe.skipIf(!raw.ok)('runs live on their own thread', () => {
  it('terminating a worker in the middle of sendBatch leaves the process alive, and terminate() returns promptly', () => {
    // In a child process: before the fix this aborted (SIGABRT) or blocked for the run's time limit.
    const script = `
      import { Worker } from 'node:worker_threads';
      const worker = new Worker(\`
        const { parentPort } = require('node:worker_threads');
        import(${JSON.stringify(distRawio.href)}).then(({ sendBatch }) => {
          const run = sendBatch({ count: 1e9, timeLimitMs: 30000, receive: false, batchSize: 64 });
          parentPort.postMessage('started');
          return run;
        }).then(() => parentPort.postMessage('finished'));
      \`, { eval: true, execArgv: [] });
      await new Promise((resolve) => worker.once('message', resolve));
      await new Promise((resolve) => setTimeout(resolve, 300));
      const t0 = Date.now();
      await worker.terminate();
      const terminateMs = Date.now() - t0;
      const { sendBatch } = await import(${JSON.stringify(distRawio.href)});
      const after = await sendBatch({ count: 100, receive: false });
      console.log(JSON.stringify({ terminateMs, sentAfter: after.sent }));`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
    expect(child.signal, child.stderr).toBeNull();
    expect(child.status, child.stderr).toBe(0);
    const out = JSON.parse(child.stdout.trim().split('\n').pop()!) as { terminateMs: number; sentAfter: number };
    console.log(`worker.terminate() during sendBatch returned in ${out.terminateMs} ms`);
    expect(out.terminateMs).toBeLessThan(5000);
    expect(out.sentAfter).toBe(100);
  });

  it('queued runs do not hold libuv\'s thread pool: fs.readFile completes meanwhile', async () => {
    const poolSize = Number(process.env.UV_THREADPOOL_SIZE ?? 4);
    const controller = new AbortController();
    const runs = Array.from({ length: poolSize + 2 }, () => sendBatch({ count: 1e9, timeLimitMs: 10_000, receive: false, signal: controller.signal }));
    try {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const t0 = performance.now();
      await readFile(new URL(import.meta.url));
      const waitedMs = performance.now() - t0;
      console.log(`fs.readFile with ${runs.length} sendBatch runs queued: ${waitedMs.toFixed(1)} ms`);
      // Before the fix every pool thread waited on a 10 s run.
      expect(waitedMs).toBeLessThan(3000);
    } finally {
      controller.abort();
    }
    const results = await Promise.all(runs);
    expect(results.every((r) => r.cancelled || r.timedOut || r.sent === 1e9)).toBe(true);
  });
});
