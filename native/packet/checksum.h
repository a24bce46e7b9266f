// Internet checksum kernels (RFC 1071) and the RFC 1624 incremental update.
//
// Every Sum* kernel returns the ones'-complement sum of the data read as big-endian
// 16-bit words (an odd last byte is padded with a zero byte), folded to 16 bits
// with end-around carry and NOT inverted. The convention is fixed so that all
// kernels, the reference and the incremental update agree bit for bit: the folded
// sum is 0 only for all-zero (or empty) data, otherwise it is in 1..0xFFFF.
// The checksum written into a header is ~sum.
#pragma once
#include <cstddef>
#include <cstdint>

namespace prtip {

using SumKernel = uint16_t (*)(const uint8_t* data, size_t length);

enum class ChecksumVariant { Scalar16 = 0, Wide64 = 1, Avx2 = 2, Avx512 = 3 };
constexpr int kChecksumVariantCount = 4;

const char* ChecksumVariantName(ChecksumVariant variant);
// True when this CPU can run the variant (checked once with __builtin_cpu_supports).
bool ChecksumVariantAvailable(ChecksumVariant variant);
// The kernel, or nullptr when the CPU lacks it: never a silent substitute.
SumKernel ChecksumKernelFor(ChecksumVariant variant);
// The fastest available kernel (avx512, else avx2, else wide64).
ChecksumVariant BestChecksumVariant();

uint16_t SumScalar16(const uint8_t* data, size_t length);
uint16_t SumWide64(const uint8_t* data, size_t length);
uint16_t SumAvx2(const uint8_t* data, size_t length);
uint16_t SumAvx512(const uint8_t* data, size_t length);

// The bytewise reference: one byte at a time into a 64-bit integer, folded at the end.
uint16_t SumReference(const uint8_t* data, size_t length);
// The reference's fold: the textbook loop, independent of Fold64.
uint16_t ReferenceFold(uint64_t total);

// Folds a wide ones'-complement accumulator to 16 bits with end-around carry.
// x + rotate(x, half) leaves hi + lo + carry(lo + hi) in the upper half: the
// end-around-carry sum of the halves in two operations (what Linux's csum_fold does).
// Nonzero input never folds to 0 (2^64 - 1 and 2^32 - 1 are multiples of 65535).
inline uint16_t Fold64(uint64_t sum) {
  uint32_t x = static_cast<uint32_t>((sum + ((sum >> 32) | (sum << 32))) >> 32);
  return static_cast<uint16_t>((x + ((x >> 16) | (x << 16))) >> 16);
}

// Fold64 for sums known to fit 32 bits (a few 16-bit fields): one rotate-add fewer.
inline uint16_t Fold32(uint32_t x) { return static_cast<uint16_t>((x + ((x >> 16) | (x << 16))) >> 16); }

// Adds two folded sums in ones' complement.
inline uint16_t AddSums(uint16_t a, uint16_t b) { return Fold64(static_cast<uint64_t>(a) + b); }

// RFC 1624 eqn. 3: the checksum after one 16-bit field changes from old_word to
// new_word, HC' = ~(~HC + ~m + m'). Equals a full recomputation.
inline uint16_t ChecksumUpdate16(uint16_t old_checksum, uint16_t old_word, uint16_t new_word) {
  uint64_t sum = static_cast<uint16_t>(~old_checksum);
  sum += static_cast<uint16_t>(~old_word);
  sum += new_word;
  return static_cast<uint16_t>(~Fold64(sum));
}

// Pseudo-header sums (folded, not inverted) for TCP/UDP, RFC 793/768 and RFC 8200 §8.1.
// l4_length is the TCP/UDP header plus payload in bytes; protocol is 6 or 17.
uint16_t PseudoHeaderSumV4(const uint8_t src[4], const uint8_t dst[4], uint8_t protocol, uint32_t l4_length);
uint16_t PseudoHeaderSumV6(const uint8_t src[16], const uint8_t dst[16], uint8_t protocol, uint32_t l4_length);

}  // namespace prtip
