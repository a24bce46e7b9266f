import { describe, expect, it } from 'vitest';
import { listEvents } from '../src/counters.js';
import { PerfError } from '../src/errors.js';
import { canCreateNamespaces, createNamespace, listHarnessNamespaces } from '../src/netns.js';
import { MAX_BATCH, rawSocketSupport, sendBatch, sipHash24 } from '../src/rawio.js';

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
    // an opt-in network that does not contain the target is still refused (nothing is sent)
    await expect(sendBatch({ target: '10.0.0.9', allowNetwork: '10.0.0.0/30', count: 1 })).rejects.toMatchObject({ code: 'NOT_LOOPBACK' });
    await expect(sendBatch({ target: '10.0.0.9', allowNetwork: 'nonsense', count: 1 })).rejects.toThrow(/allowNetwork/);
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
