/**
 * The send methods beyond sendmmsg (native/rawio/send_path.h): each one delivers every
 * packet where it is allowed (proved by cookie-matched replies), is bounded in time,
 * counts its syscalls, is refused by the native guard where sendmmsg would be, and is
 * *unsupported with a reason* where the kernel refuses it. No timing asserts.
 */
import { describe, expect, it } from 'vitest';
import { addon, baseConfig, v4 } from './rawio-native.js';
import { canCreateNamespaces, createNamespace } from '../src/measure/netns.js';
import { FRAME_METHODS, SEND_METHODS, type SendMethod, rawSocketSupport, sendBatch } from '../src/measure/rawio.js';
import { methodPoints, placesFor } from '../bench/suites/send-methods.js';
import { sendMethodSeries } from '../src/report/chart-data.js';
import type { SuiteResult } from '../src/model/result.js';

const raw = rawSocketSupport();
const netns = canCreateNamespaces();
const live = raw.ok && netns.ok;
if (!live) console.log(`send-method tests skipped: ${raw.ok ? netns.reason : raw.reason}`);

const BATCHED: { method: SendMethod; qdiscBypass?: boolean }[] = [
  { method: 'sendmmsg' }, { method: 'bare-sendmmsg' }, { method: 'tx-ring' }, { method: 'tx-ring', qdiscBypass: true }, { method: 'io-uring' }, { method: 'af-xdp' },
];

describe('send method options', () => {
  it('lists every method, and the frame methods need link "packet" and a namespace of our own', async () => {
    expect([...SEND_METHODS].sort()).toEqual(['af-xdp', 'bare-sendmmsg', 'io-uring', 'sendmmsg', 'sendto', 'tx-ring']);
    for (const method of FRAME_METHODS) {
      await expect(sendBatch({ method, link: 'ip', count: 1 })).rejects.toThrow(/options\.link must be "packet"/);
      await expect(sendBatch({ method, count: 1 })).rejects.toMatchObject({ code: 'PACKET_NEEDS_NETNS' });
    }
    await expect(sendBatch({ method: 'io_uring' as SendMethod, count: 1 })).rejects.toThrow(/options\.method/);
    await expect(sendBatch({ perPacketCounters: 'yes' as unknown as boolean, count: 1 })).rejects.toThrow(/options\.perPacketCounters/);
  });

  it('the suite measures every batched method at prtip\'s batch 100, sendto only in full runs', () => {
    const quick = methodPoints(true), full = methodPoints(false);
    expect(quick.every((p) => p.batch === 100)).toBe(true);
    expect(new Set(quick.map((p) => p.id))).toEqual(new Set(['sendmmsg', 'bare-sendmmsg', 'tx-ring', 'tx-ring+bypass', 'io-uring', 'af-xdp']));
    expect(full.filter((p) => p.method === 'sendto')).toEqual([{ id: 'sendto', method: 'sendto', qdiscBypass: false, batch: 1 }]);
    expect(full.filter((p) => p.id === 'af-xdp').map((p) => p.batch)).toContain(100);
    // Loopback and the send-path-only veth always; the veth with replies (AF_XDP's harness veth) in full runs.
    expect(placesFor(true).map((p) => p.id)).toEqual(['loopback', 'send-path']);
    expect(placesFor(false).map((p) => p.id)).toEqual(['loopback', 'veth', 'send-path']);
  });
});

describe.skipIf(!live)('every method delivers every packet where it may send', () => {
  it('own namespace lo: every SYN answered by a cookie-matched RST, syscalls about 1 per batch', async () => {
    const ns = await createNamespace({ veth: false, localnet: true });
    try {
      for (const m of BATCHED) {
        const r = await sendBatch({ netns: ns, ...m, batchSize: 64, count: 2000, timeLimitMs: 20_000, ports: [9, 10] });
        const label = `${m.method}${m.qdiscBypass ? '+bypass' : ''}`;
        expect(r.method, label).toBe(m.method);
        expect(r.sendErrors, label).toBe(0);
        expect(r.accepted, label).toBe(2000);
        expect(r.replies, label).toBe(2000);
        expect(r.unmatched, label).toBe(0);
        expect(r.loopSendCalls, label).toBeGreaterThanOrEqual(2000 / 64);
        if (r.taskClockNs !== null) expect(r.ppsPerCore, label).toBeGreaterThan(0);
        if (m.method === 'bare-sendmmsg') {
          expect(r.syscalls).toBeNull();
          expect(r.counterNotes.join(' ')).toMatch(/bare reference loop counts task-clock only/);
        } else if (r.syscallsPerPacket !== null) {
          // AF_XDP's copy mode takes a few dozen frames per kick; the rest one call per batch.
          expect(r.syscallsPerPacket, label).toBeLessThan(m.method === 'af-xdp' ? 0.2 : 0.05);
        }
      }
    } finally {
      await ns.close();
    }
  });

  it('veth into the peer namespace: AF_XDP (copy mode) and the TX ring with qdisc bypass deliver every packet', async () => {
    const ns = await createNamespace({ veth: true });
    try {
      for (const m of [{ method: 'af-xdp' }, { method: 'tx-ring', qdiscBypass: true }] as const) {
        const r = await sendBatch({ netns: ns, ...m, batchSize: 100, count: 1500, ports: [9], openPort: false });
        expect(r.accepted).toBe(1500);
        expect(r.replies).toBe(1500);
      }
    } finally {
      await ns.close();
    }
  });

  it('send path only (peer down): the queued methods accept all; the qdisc-bypassing ones are unsupported, with the reason', async () => {
    const ns = await createNamespace({ veth: true, peerDown: true });
    try {
      for (const method of ['tx-ring', 'io-uring', 'bare-sendmmsg'] as const) {
        const r = await sendBatch({ netns: ns, method, batchSize: 128, count: 4000 });
        expect(r.accepted, method).toBe(4000);
        expect(r.replies).toBeNull();
      }
      for (const m of [{ method: 'af-xdp' }, { method: 'tx-ring', qdiscBypass: true }] as const) {
        await expect(sendBatch({ netns: ns, ...m, count: 10 })).rejects.toMatchObject({ code: 'METHOD_UNSUPPORTED', message: expect.stringMatching(/no carrier/) });
      }
    } finally {
      await ns.close();
    }
  });

  it('every method is bounded by timeLimitMs', async () => {
    const ns = await createNamespace({ veth: true, peerDown: true });
    try {
      for (const method of ['tx-ring', 'io-uring', 'bare-sendmmsg', 'sendmmsg'] as const) {
        const t0 = Date.now();
        const r = await sendBatch({ netns: ns, method, batchSize: 256, count: 1e9, timeLimitMs: 100 });
        expect(r.timedOut, method).toBe(true);
        expect(r.sent, method).toBeLessThan(1e9);
        // Generous: only that it stops, not how fast (a busy 2-core machine).
        expect(Date.now() - t0, method).toBeLessThan(20_000);
      }
    } finally {
      await ns.close();
    }
  });
});

// ---- the native guard applies to every method ----


describe('the native guard refuses every method off loopback in the caller\'s namespace', () => {
  for (const method of SEND_METHODS) {
    const frames = FRAME_METHODS.includes(method);
    it(method, async () => {
      const link = frames ? { link: 'packet', ifname: 'lo' } : {};
      await expect(addon().rawioStart({ ...baseConfig(), ...link, method, dst: v4('8.8.8.8') }).promise).rejects.toMatchObject({ code: 'NOT_LOOPBACK', message: expect.stringMatching(/config\.dst/) });
      await expect(addon().rawioStart({ ...baseConfig(), ...link, method, src: v4('10.1.2.3') }).promise).rejects.toMatchObject({ code: 'NOT_LOOPBACK', message: expect.stringMatching(/config\.src/) });
      if (frames || method === 'io-uring') {
        // A link-layer sender may only use lo here, whatever the IP header says.
        await expect(addon().rawioStart({ ...baseConfig(), method, link: 'packet', ifname: 'eth0' }).promise).rejects.toMatchObject({ code: 'NOT_LOOPBACK', message: expect.stringMatching(/config\.ifname/) });
      }
      if (frames) {
        expect(() => addon().rawioStart({ ...baseConfig(), method })).toThrow(/config\.link/);
      }
    });
  }
});

describe('chart rows for the send methods', () => {
  it('one line per place and method, x = packets per call, y = median pps; unsupported points left out', () => {
    const suite: SuiteResult = {
      suite: 'batch-size', title: 't', status: 'ok', durationMs: 1, tables: [], metrics: [], claims: [], warnings: [],
      data: {
        sendMethods: [
          { place: 'loopback', method: 'sendmmsg', perCall: 32, pps: 100 },
          { place: 'loopback', method: 'sendmmsg', perCall: 100, pps: 120 },
          { place: 'loopback', method: 'tx-ring', perCall: 100, pps: 300 },
          { place: 'send-path', method: 'af-xdp', perCall: 100, unsupported: 'no carrier' },
        ],
      },
    };
    expect(sendMethodSeries(suite)).toEqual([
      { name: 'loopback sendmmsg', points: [{ x: 32, y: 100 }, { x: 100, y: 120 }] },
      { name: 'loopback tx-ring', points: [{ x: 100, y: 300 }] },
    ]);
    expect(sendMethodSeries(undefined)).toEqual([]);
  });
});
