// Reference loops: the plainest C for each floor's work, compiled at -O3 for this CPU's
// features (run-time dispatch between x86-64-v4, -v3 and baseline clones, never
// -march=native). A floor is only a floor if such a loop does not beat it: the suites
// run these beside our kernels on the same data, in the same process, and report the
// ratio. They share nothing with the kernels they judge (no helper, no header sum).
#pragma once
#include <cstddef>
#include <cstdint>

#include "craft.h"

namespace prtip {

// The 40-byte IPv4 TCP SYN (no options) of spec, port and seq zero, and the folded
// sum of its TCP pseudo header and header with port, seq and checksum zero.
struct ReferenceSyn {
  uint8_t bytes[40];
  uint32_t partial_sum;
};
// spec must be IPv4 TCP without options (callers check; see ReferenceSupports).
ReferenceSyn MakeReferenceSyn(const PacketSpec& spec);
bool ReferenceSupports(const PacketSpec& spec);

// Packets first_index .. first_index + count - 1 of the sequence, each into out +
// k * stride (stride 40: consecutive slots; 0: one reused slot). Returns the sum of
// the TCP checksums, as CraftBatch does.
// - template: copy the 40 bytes, store port and seq, RFC 1624 checksum from the partial sum;
uint32_t ReferenceTemplateLoop(const ReferenceSyn& syn, const PacketSequence& sequence, uint64_t first_index,
                               size_t count, size_t stride, uint8_t* out);
// - reuse: every field stored one by one from spec, both checksums summed in full
//   (16-bit words, pseudo header included).
uint32_t ReferenceReuseLoop(const PacketSpec& spec, const PacketSequence& sequence, uint64_t first_index,
                            size_t count, size_t stride, uint8_t* out);

// The Internet checksum's folded sum (as the Sum* kernels: big-endian, not inverted):
// 32-bit words added into a 64-bit total, which GCC vectorises.
uint16_t ReferenceChecksumSum(const uint8_t* data, size_t length);

}  // namespace prtip
