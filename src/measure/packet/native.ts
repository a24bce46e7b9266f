/** The packet concern's slice of the native addon (native/packet/packet_napi.cc). */
import { nativeAddon } from '../../core/native.js';

/** The spec object the native side reads; every field present. */
export interface NativePacketSpec {
  family: 4 | 6;
  protocol: 'tcp' | 'udp';
  tcpOptions: boolean | 'mss';
  src: Buffer;
  dst: Buffer;
  srcPort: number;
  window: number;
  ttl: number;
  firstDstPort: number;
  seqBase: number;
  seqStep: number;
}

export interface SumCheckReport {
  buffers: number;
  bytes: number;
  mismatches: number;
  referenceChecks: number;
  referenceMismatches: number;
  timedOut: boolean;
  first?: { offset: number; length: number; expected: number; got: number };
}

export interface UpdateCheckReport {
  cases: number;
  mismatches: number;
  timedOut: boolean;
  firstExpected: number;
  firstGot: number;
}

export interface NativeChecksumKernel {
  run(iterations: number): number;
}

export interface NativeCraftKernel {
  run(calls: number): number;
  batch(): Buffer;
}

export interface PacketNative {
  checksumVariants(): { name: string; available: boolean }[];
  checksumSum(data: Buffer, variantIndex: number): number;
  checksumUpdate(oldChecksum: number, oldWord: number, newWord: number): number;
  pseudoHeaderSum(family: 4 | 6, src: Buffer, dst: Buffer, protocol: number, l4Length: number): number;
  checksumSelfCheck(variantIndex: number, seed: number, buffers: number, maxLength: number, directChecks: number, deadlineMs: number): SumCheckReport;
  incrementalSelfCheck(seed: number, cases: number, deadlineMs: number): UpdateCheckReport;
  packetLength(spec: NativePacketSpec): number;
  craftPackets(spec: NativePacketSpec, strategyIndex: number, count: number): Buffer;
  craftAllocations(): number;
  ChecksumKernel: new (data: Buffer, mode: number, alignOffset: number) => NativeChecksumKernel;
  CraftKernel: new (spec: NativePacketSpec, strategyIndex: number, group: number, oneSlot?: boolean, reference?: boolean) => NativeCraftKernel;
}

export function packetNative(): PacketNative {
  return nativeAddon<PacketNative>();
}
