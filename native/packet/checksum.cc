#include "checksum.h"
#include "inject.h"
#include "valgrind/valgrind.h"

#include <immintrin.h>

#include <cstring>

namespace prtip {
namespace {

inline uint16_t ByteSwap16(uint16_t v) { return static_cast<uint16_t>((v >> 8) | (v << 8)); }

inline uint64_t Load64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// The last 1..7 bytes as a little-endian word, zero-padded so each byte keeps its
// parity. Fixed-size loads: a variable-length memcpy would be a library call.
inline uint64_t LoadTail(const uint8_t* p, size_t count) {
  uint64_t tail = 0;
  size_t k = 0;
  if (count & 4) {
    uint32_t v;
    std::memcpy(&v, p, 4);
    tail = v;
    k = 4;
  }
  if (count & 2) {
    uint16_t v;
    std::memcpy(&v, p + k, 2);
    tail |= static_cast<uint64_t>(v) << (8 * k);
    k += 2;
  }
  if (count & 1) tail |= static_cast<uint64_t>(p[k]) << (8 * k);
  return tail;
}

// a + b with the carry out of bit 63 added back in (ones' complement mod 2^64-1,
// which 65535 divides, so folding later gives the right 16-bit sum).
inline uint64_t AddEndAround(uint64_t a, uint64_t b) {
  a += b;
  return a + (a < b);
}

// The sum of data read as native (little-endian) 64-bit words from data[0], folded.
// Little-endian word sums equal the big-endian sum byte-swapped (RFC 1071 §2(B)).
uint16_t FoldedLittleEndianSum(const uint8_t* data, size_t length) {
  uint64_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
  size_t i = 0;
  // Four independent accumulators so the add/adc chains overlap.
  for (; i + 32 <= length; i += 32) {
    a0 = AddEndAround(a0, Load64(data + i));
    a1 = AddEndAround(a1, Load64(data + i + 8));
    a2 = AddEndAround(a2, Load64(data + i + 16));
    a3 = AddEndAround(a3, Load64(data + i + 24));
  }
  for (; i + 8 <= length; i += 8) a0 = AddEndAround(a0, Load64(data + i));
  if (i < length) a1 = AddEndAround(a1, LoadTail(data + i, length - i));
  return Fold64(AddEndAround(AddEndAround(a0, a1), AddEndAround(a2, a3)));
}

bool CpuHasAvx2() {
  static const bool has = __builtin_cpu_supports("avx2");
  return has;
}

bool CpuHasAvx512() {
  static const bool has = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && !Avx512BlockedReason();
  return has;
}

}  // namespace

// The documents' loop: one big-endian 16-bit word per iteration into a 32-bit sum.
// Vectorisation is switched off for this function so it stays the scalar baseline
// the claim talks about (GCC 12 vectorises cheap loops at -O2).
__attribute__((optimize("no-tree-vectorize"))) uint16_t SumScalar16(const uint8_t* data, size_t length) {
  uint64_t total = 0;
  size_t i = 0;
  while (i + 1 < length) {
    // At most 32768 words per chunk, so the 32-bit sum cannot overflow.
    size_t chunk_end = length - i > 65536 ? i + 65536 : length & ~static_cast<size_t>(1);
    uint32_t sum = 0;
    for (; i < chunk_end; i += 2) sum += static_cast<uint32_t>(data[i]) << 8 | data[i + 1];
    total += sum;
  }
  if (i < length) total += static_cast<uint32_t>(data[i]) << 8;
  return Fold64(total);
}

uint16_t SumWide64(const uint8_t* data, size_t length) { return ByteSwap16(FoldedLittleEndianSum(data, length)); }

// 32-bit words zero-extended into 64-bit lanes (and + shift), so lanes never overflow
// and no carry has to be tracked inside the loop. Four vectors (128 B) per iteration.
__attribute__((target("avx2"))) uint16_t SumAvx2(const uint8_t* data, size_t length) {
  const __m256i low32 = _mm256_set1_epi64x(0xFFFFFFFFll);
  __m256i s0 = _mm256_setzero_si256(), s1 = _mm256_setzero_si256();
  __m256i s2 = _mm256_setzero_si256(), s3 = _mm256_setzero_si256();
  size_t i = 0;
  for (; i + 128 <= length; i += 128) {
    __m256i v0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(data + i));
    __m256i v1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(data + i + 32));
    __m256i v2 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(data + i + 64));
    __m256i v3 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(data + i + 96));
    s0 = _mm256_add_epi64(s0, _mm256_add_epi64(_mm256_and_si256(v0, low32), _mm256_srli_epi64(v0, 32)));
    s1 = _mm256_add_epi64(s1, _mm256_add_epi64(_mm256_and_si256(v1, low32), _mm256_srli_epi64(v1, 32)));
    s2 = _mm256_add_epi64(s2, _mm256_add_epi64(_mm256_and_si256(v2, low32), _mm256_srli_epi64(v2, 32)));
    s3 = _mm256_add_epi64(s3, _mm256_add_epi64(_mm256_and_si256(v3, low32), _mm256_srli_epi64(v3, 32)));
  }
  for (; i + 32 <= length; i += 32) {
    __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(data + i));
    s0 = _mm256_add_epi64(s0, _mm256_add_epi64(_mm256_and_si256(v, low32), _mm256_srli_epi64(v, 32)));
  }
  __m256i s = _mm256_add_epi64(_mm256_add_epi64(s0, s1), _mm256_add_epi64(s2, s3));
  __m128i h = _mm_add_epi64(_mm256_castsi256_si128(s), _mm256_extracti128_si256(s, 1));
  // Each lane holds < 2^37 per GiB of input: adding the two lanes cannot overflow.
  uint64_t total = static_cast<uint64_t>(_mm_cvtsi128_si64(h)) + static_cast<uint64_t>(_mm_extract_epi64(h, 1));
  // i is a multiple of 32, so the tail keeps the same byte parity.
  total = AddEndAround(total, FoldedLittleEndianSum(data + i, length - i));
  return ByteSwap16(Fold64(total));
}

// The upper 32 bits of each 64-bit lane, shifted down. (The zero-masking form with a
// full mask is the same instruction; GCC 12's plain _mm512_srli_epi64 trips
// -Wmaybe-uninitialized through _mm512_undefined_epi32.)
__attribute__((target("avx512f"))) static inline __m512i High32(__m512i v) {
  return _mm512_maskz_srli_epi64(static_cast<__mmask8>(0xFF), v, 32);
}

// Same lane scheme with 64-byte vectors. Loads are 64-byte aligned: the first and
// last are masked byte loads (the first starts at data rounded down to 64, masking
// off the bytes before data), so no load splits a cache line and no scalar tail is
// needed. Starting from the rounded-down address shifts byte parity when data is odd.
__attribute__((target("avx512f,avx512bw"))) uint16_t SumAvx512(const uint8_t* data, size_t length) {
  if (length == 0) return 0;
  const uintptr_t address = reinterpret_cast<uintptr_t>(data);
  const size_t head = address & 63;
  const uint8_t* p = reinterpret_cast<const uint8_t*>(address - head);
  const uint8_t* const end = data + length;
  const __m512i low32 = _mm512_set1_epi64(0xFFFFFFFFll);
  __m512i s0 = _mm512_setzero_si512(), s1 = _mm512_setzero_si512();
  __m512i s2 = _mm512_setzero_si512(), s3 = _mm512_setzero_si512();

  __mmask64 first = ~0ull << head;
  if (head + length < 64) first &= ~0ull >> (64 - (head + length));
  __m512i v = _mm512_maskz_loadu_epi8(first, p);
  s0 = _mm512_add_epi64(s0, _mm512_add_epi64(_mm512_and_si512(v, low32), High32(v)));
  p += 64;

  for (; p + 256 <= end; p += 256) {
    __m512i v0 = _mm512_load_si512(p), v1 = _mm512_load_si512(p + 64);
    __m512i v2 = _mm512_load_si512(p + 128), v3 = _mm512_load_si512(p + 192);
    s0 = _mm512_add_epi64(s0, _mm512_add_epi64(_mm512_and_si512(v0, low32), High32(v0)));
    s1 = _mm512_add_epi64(s1, _mm512_add_epi64(_mm512_and_si512(v1, low32), High32(v1)));
    s2 = _mm512_add_epi64(s2, _mm512_add_epi64(_mm512_and_si512(v2, low32), High32(v2)));
    s3 = _mm512_add_epi64(s3, _mm512_add_epi64(_mm512_and_si512(v3, low32), High32(v3)));
  }
  for (; p + 64 <= end; p += 64) {
    __m512i w = _mm512_load_si512(p);
    s1 = _mm512_add_epi64(s1, _mm512_add_epi64(_mm512_and_si512(w, low32), High32(w)));
  }
  if (p < end) {
    __m512i w = _mm512_maskz_loadu_epi8(~0ull >> (64 - (end - p)), p);
    s2 = _mm512_add_epi64(s2, _mm512_add_epi64(_mm512_and_si512(w, low32), High32(w)));
  }
  __m512i s = _mm512_add_epi64(_mm512_add_epi64(s0, s1), _mm512_add_epi64(s2, s3));
  // Lanes hold < 2^37 per GiB of input: the horizontal add cannot overflow.
  // (Stored and added in scalar: GCC 12's _mm512_reduce_add_epi64 trips -Wmaybe-uninitialized.)
  alignas(64) uint64_t lanes[8];
  _mm512_store_si512(lanes, s);
  uint64_t total = 0;
  for (uint64_t lane : lanes) total += lane;
  uint16_t folded = Fold64(total);
  // Relative to data, the sum is byte-swapped when head is odd; then swap to big-endian.
  return (head & 1) ? folded : ByteSwap16(folded);
}

uint16_t ReferenceFold(uint64_t total) {
  while (total >> 16) total = (total & 0xFFFF) + (total >> 16);
  return static_cast<uint16_t>(total);
}

uint16_t SumReference(const uint8_t* data, size_t length) {
  uint64_t total = 0;
  for (size_t i = 0; i < length; ++i) total += (i & 1) ? data[i] : static_cast<uint64_t>(data[i]) << 8;
  return ReferenceFold(total);
}

const char* ChecksumVariantName(ChecksumVariant variant) {
  switch (variant) {
    case ChecksumVariant::Scalar16: return "scalar16";
    case ChecksumVariant::Wide64: return "wide64";
    case ChecksumVariant::Avx2: return "avx2";
    case ChecksumVariant::Avx512: return "avx512";
  }
  return "?";
}

bool ChecksumVariantAvailable(ChecksumVariant variant) {
  switch (variant) {
    case ChecksumVariant::Scalar16:
    case ChecksumVariant::Wide64: return true;
    case ChecksumVariant::Avx2: return CpuHasAvx2();
    case ChecksumVariant::Avx512: return CpuHasAvx512();
  }
  return false;
}

SumKernel ChecksumKernelFor(ChecksumVariant variant) {
  if (!ChecksumVariantAvailable(variant)) return nullptr;
  if (SumKernel slowed = InjectedSlowdownKernel(variant)) return slowed;  // test-only, see inject.h
  switch (variant) {
    case ChecksumVariant::Scalar16: return SumScalar16;
    case ChecksumVariant::Wide64: return SumWide64;
    case ChecksumVariant::Avx2: return SumAvx2;
    case ChecksumVariant::Avx512: return SumAvx512;
  }
  return nullptr;
}

ChecksumVariant BestChecksumVariant() {
  if (CpuHasAvx512()) return ChecksumVariant::Avx512;
  if (CpuHasAvx2()) return ChecksumVariant::Avx2;
  return ChecksumVariant::Wide64;
}

uint16_t PseudoHeaderSumV4(const uint8_t src[4], const uint8_t dst[4], uint8_t protocol, uint32_t l4_length) {
  uint64_t sum = (static_cast<uint32_t>(src[0]) << 8 | src[1]) + (static_cast<uint32_t>(src[2]) << 8 | src[3]);
  sum += (static_cast<uint32_t>(dst[0]) << 8 | dst[1]) + (static_cast<uint32_t>(dst[2]) << 8 | dst[3]);
  sum += protocol;
  sum += l4_length;  // a 16-bit field for IPv4; l4_length < 65536
  return Fold64(sum);
}

uint16_t PseudoHeaderSumV6(const uint8_t src[16], const uint8_t dst[16], uint8_t protocol, uint32_t l4_length) {
  uint64_t sum = 0;
  for (int i = 0; i < 16; i += 2) {
    sum += static_cast<uint32_t>(src[i]) << 8 | src[i + 1];
    sum += static_cast<uint32_t>(dst[i]) << 8 | dst[i + 1];
  }
  sum += (l4_length >> 16) + (l4_length & 0xFFFF);  // 32-bit upper-layer length
  sum += protocol;                                  // three zero bytes, then next header
  return Fold64(sum);
}

}  // namespace prtip
