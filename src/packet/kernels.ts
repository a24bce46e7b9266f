/**
 * Kernel objects for the benchmarks: each run() call does N operations inside C++
 * (checksums over one buffer, or packets into one batch), so the N-API crossing is
 * paid once per call. run(0) is the crossing alone.
 */
import { describe, expectInteger } from '../validate.js';
import { sumVariantIndex } from './checksum.js';
import { type PacketOptions, packetSpec, strategyIndex, type CraftStrategy } from './craft.js';
import { packetNative } from './native.js';

const INCREMENTAL_MODE = 4;
const EMPTY_MODE = 5;

/** A checksum kernel over a private 64-byte-aligned copy of data (+ alignOffset). */
export class ChecksumKernel {
  private readonly native;

  /**
   * variant: a whole-buffer kernel, 'incremental' (one RFC 1624 update of the
   * first 16-bit word per iteration) or 'empty' (a call through the same function
   * pointer that returns at once: the empty-call floor).
   */
  constructor(data: Buffer, variant: string, alignOffset = 0) {
    if (!Buffer.isBuffer(data)) throw new TypeError(`data must be a Buffer, got ${describe(data)}`);
    expectInteger('alignOffset', alignOffset, 0, 63);
    const mode = variant === 'incremental' ? INCREMENTAL_MODE : variant === 'empty' ? EMPTY_MODE : sumVariantIndex('variant', variant);
    if (mode === INCREMENTAL_MODE && data.length < 2) throw new RangeError(`data must hold at least 2 bytes for the incremental kernel, got ${describe(data)}`);
    this.native = new (packetNative().ChecksumKernel)(data, mode, alignOffset);
  }

  /** `iterations` operations in C++; returns the sink. */
  run(iterations: number): number {
    return this.native.run(iterations);
  }
}

/** A crafting kernel: `group` packets per call into one reused, aligned batch buffer. */
export class CraftKernel {
  private readonly native;
  readonly group: number;

  constructor(options: PacketOptions, strategy: CraftStrategy, group: number) {
    const spec = packetSpec('options', options);
    this.group = expectInteger('group', group, 1, 1e6);
    this.native = new (packetNative().CraftKernel)(spec, strategyIndex('strategy', strategy), group);
  }

  /** `calls` groups in C++ (the sequence continues across calls); returns the sink. */
  run(calls = 1): number {
    return this.native.run(calls);
  }

  /** A copy of the last batch written. */
  batch(): Buffer {
    return this.native.batch();
  }
}
