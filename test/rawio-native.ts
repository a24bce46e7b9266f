/** The raw sender's native entry, as tests that bypass src/measure/rawio.ts reach it, and a config to break. */
import { type CoreNative, nativeAddon } from '../src/core/native.js';

export interface RawNative {
  rawioStart(config: unknown): { promise: Promise<{ sent: number }>; cancel(): void };
}
export const addon = (): RawNative => nativeAddon<RawNative & CoreNative>();
/** An IPv4 address in the 16-byte field the native config takes. */
export const v4 = (address: string): Buffer => Buffer.concat([Buffer.from(address.split('.').map(Number)), Buffer.alloc(12)]);
/** A valid loopback config: one packet, no receiver, short time limit; tests break one field. */
export const baseConfig = (): Record<string, unknown> => ({
  family: 4, src: v4('127.0.0.1'), dst: v4('127.0.0.1'), ports: [9], count: 1, timeLimitNs: 1e8, receive: false, key: Buffer.alloc(16),
});
