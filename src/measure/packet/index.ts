/**
 * Packet crafting and checksum kernels (native), for the micro-benchmarks and for
 * the raw-socket sender. See src/measure/packet/ for each part.
 */
export { type Family, type L4Protocol, loopback, parseAddress } from './address.js';
export {
  type ChecksumOptions, type ChecksumVariant, type ChecksumVariantInfo, MAX_CHECKSUM_LENGTH, type PseudoHeader, SUM_VARIANTS, type SumVariant,
  type SelfCheckOptions, bestSumVariant, checksum, checksumSelfCheck, checksumUpdate, checksumVariants, incrementalSelfCheck,
  onesComplementSum, transportChecksum,
} from './checksum.js';
export {
  CRAFT_STRATEGIES, type CraftOptions, type CraftStrategy, type CraftedPackets, MAX_CRAFT_COUNT, type PacketOptions,
  craftAllocations, craftPackets, dstPortAt, packetLength, seqAt,
} from './craft.js';
export { ChecksumKernel, CraftKernel } from './kernels.js';
export { type SumCheckReport, type UpdateCheckReport, packetNative } from './native.js';
