/**
 * Kernel objects for the benchmarks: each run() call does N operations inside C++
 * (checksums over one buffer, or packets into one batch), so the N-API crossing is
 * paid once per call. run(0) is the crossing alone.
 */
import { describe, expectBoolean, expectBuffer, expectInteger, expectNoArguments, expectObject } from '../../core/validate.js';
import { sumVariantIndex } from './checksum.js';
import { type PacketOptions, packetSpec, strategyIndex, type CraftStrategy } from './craft.js';
import { type NativeChecksumKernel, type NativeCraftKernel, packetNative } from './native.js';

/** Largest buffer a ChecksumKernel copies (as checksum()). */
const MAX_KERNEL_BYTES = 1 << 30;

const INCREMENTAL_MODE = 4;
const EMPTY_MODE = 5;
const REFERENCE_MODE = 6;

/** A checksum kernel over a private 64-byte-aligned copy of data (+ alignOffset). */
export class ChecksumKernel {
  // Private (#) so run() can tell a real ChecksumKernel receiver from anything else.
  readonly #native: NativeChecksumKernel;

  /**
   * variant: a whole-buffer kernel, 'incremental' (one RFC 1624 update of the
   * first 16-bit word per iteration) or 'empty' (a call through the same function
   * pointer that returns at once: the empty-call floor) or 'reference' (the plain C
   * loop at -O3 for this CPU that the variants are judged against; native/packet/reference.h).
   */
  constructor(data: Buffer, variant: string, alignOffset = 0) {
    expectBuffer('data', data, MAX_KERNEL_BYTES);
    expectInteger('alignOffset', alignOffset, 0, 63);
    const mode = variant === 'incremental' ? INCREMENTAL_MODE : variant === 'empty' ? EMPTY_MODE : variant === 'reference' ? REFERENCE_MODE : sumVariantIndex('variant', variant);
    if (mode === INCREMENTAL_MODE && data.length < 2) throw new RangeError(`data must hold at least 2 bytes for the incremental kernel, got ${describe(data)}`);
    this.#native = new (packetNative().ChecksumKernel)(data, mode, alignOffset);
  }

  /** `iterations` operations in C++; returns the sink. */
  run(iterations: number): number {
    if (typeof this !== 'object' || this === null || !(#native in this)) {
      throw new TypeError(`ChecksumKernel.run: the receiver (this) must be a ChecksumKernel, got ${describe(this)}`);
    }
    expectInteger('iterations', iterations, 0, 1e9);
    return this.#native.run(iterations);
  }
}

/** How a CraftKernel lays out and makes its packets. */
export interface CraftKernelOptions {
  /** Every packet into the batch's first slot (true) or into consecutive slots (false, the default). */
  oneSlot?: boolean;
  /**
   * Run the strategy's reference loop (plain C at -O3 for this CPU, native/packet/reference.h)
   * instead of ours: the floor's yardstick. Template and reuse only, IPv4 TCP SYN without options.
   */
  reference?: boolean;
}

/** A crafting kernel: `group` packets per call into one reused, aligned batch buffer. */
export class CraftKernel {
  readonly #native: NativeCraftKernel;
  readonly group: number;

  constructor(options: PacketOptions, strategy: CraftStrategy, group: number, kernelOptions: CraftKernelOptions = {}) {
    const spec = packetSpec('options', options);
    this.group = expectInteger('group', group, 1, 1e6);
    expectObject('kernelOptions', kernelOptions);
    const oneSlot = kernelOptions.oneSlot === undefined ? false : expectBoolean('kernelOptions.oneSlot', kernelOptions.oneSlot);
    const reference = kernelOptions.reference === undefined ? false : expectBoolean('kernelOptions.reference', kernelOptions.reference);
    this.#native = new (packetNative().CraftKernel)(spec, strategyIndex('strategy', strategy), group, oneSlot, reference);
  }

  /** `calls` groups in C++ (the sequence continues across calls); returns the sink. */
  run(calls = 1): number {
    CraftKernel.#check(this, 'run');
    expectInteger('calls', calls, 0, 1e6);
    return this.#native.run(calls);
  }

  /** A copy of the last batch written. */
  batch(): Buffer {
    CraftKernel.#check(this, 'batch');
    expectNoArguments('CraftKernel.batch', arguments);
    return this.#native.batch();
  }

  static #check(self: unknown, member: string): asserts self is CraftKernel {
    if (typeof self !== 'object' || self === null || !(#native in self)) {
      throw new TypeError(`CraftKernel.${member}: the receiver (this) must be a CraftKernel, got ${describe(self)}`);
    }
  }
}
