#include "selfcheck.h"

#include <cstdlib>
#include <memory>
#include <vector>

#include "timing/clock.h"

namespace prtip {
namespace {

// splitmix64: small, seedable, good enough to pick lengths, offsets and bytes.
struct Random {
  uint64_t state;
  uint64_t Next() {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  uint64_t Below(uint64_t bound) { return Next() % bound; }
};

struct AlignedFree {
  void operator()(uint8_t* p) const { std::free(p); }
};

}  // namespace

SumCheckReport CheckSumKernel(SumKernel kernel, uint64_t seed, uint64_t buffers, size_t max_length,
                              uint64_t direct_checks, uint64_t deadline_ns) {
  SumCheckReport report;
  Random random{seed};
  // Region: 4 * max_length bytes (at least 4 KiB); the third quarter is all 0xFF.
  const size_t region_length = (max_length < 1024 ? 1024 : max_length) * 4;
  const size_t padded = (region_length + 64 + 63) & ~static_cast<size_t>(63);
  std::unique_ptr<uint8_t, AlignedFree> region(static_cast<uint8_t*>(std::aligned_alloc(64, padded)));
  uint8_t* bytes = region.get();
  for (size_t i = 0; i < region_length; ++i) bytes[i] = static_cast<uint8_t>(random.Next());
  for (size_t i = region_length / 2; i < region_length * 3 / 4; ++i) bytes[i] = 0xFF;

  // even[j]: sum of bytes[0..j) with even positions weighted 256 (high byte of a
  // big-endian word); odd[j]: the same with odd positions weighted 256. A window
  // starting at an even offset uses `even`, at an odd offset `odd`.
  std::vector<uint64_t> even(region_length + 1), odd(region_length + 1);
  for (size_t j = 0; j < region_length; ++j) {
    uint64_t b = bytes[j];
    even[j + 1] = even[j] + ((j & 1) ? b : b << 8);
    odd[j + 1] = odd[j] + ((j & 1) ? b << 8 : b);
  }

  const uint64_t started = MonotonicNs();
  for (uint64_t n = 0; n < buffers; ++n) {
    if ((n & 1023) == 0 && MonotonicNs() - started > deadline_ns) {
      report.timed_out = true;
      break;
    }
    size_t length = random.Below(max_length + 1);
    size_t offset = random.Below(region_length - length + 1);
    const std::vector<uint64_t>& prefix = (offset & 1) ? odd : even;
    uint16_t expected = ReferenceFold(prefix[offset + length] - prefix[offset]);
    if (n < direct_checks) {
      ++report.reference_checks;
      if (SumReference(bytes + offset, length) != expected) ++report.reference_mismatches;
    }
    uint16_t got = kernel(bytes + offset, length);
    ++report.buffers;
    report.bytes += length;
    if (got != expected) {
      if (report.mismatches == 0) {
        report.first_offset = offset, report.first_length = length;
        report.first_expected = expected, report.first_got = got;
      }
      ++report.mismatches;
    }
  }
  return report;
}

UpdateCheckReport CheckIncrementalUpdate(uint64_t seed, uint64_t cases, uint64_t deadline_ns) {
  UpdateCheckReport report;
  Random random{seed};
  uint8_t header[80];
  const uint64_t started = MonotonicNs();
  for (uint64_t n = 0; n < cases; ++n) {
    if ((n & 1023) == 0 && MonotonicNs() - started > deadline_ns) {
      report.timed_out = true;
      break;
    }
    size_t length = 2 * (1 + random.Below(40));
    uint64_t style = random.Below(8);  // 0: all 0xFF, 1: nearly zero, else random
    for (size_t i = 0; i < length; ++i) {
      header[i] = style == 0 ? 0xFF : style == 1 ? 0 : static_cast<uint8_t>(random.Next());
    }
    if (style == 1) header[random.Below(length)] = static_cast<uint8_t>(1 + random.Below(255));
    size_t word = 2 * random.Below(length / 2);
    uint16_t old_checksum = static_cast<uint16_t>(~SumReference(header, length));
    uint16_t old_word = static_cast<uint16_t>(header[word] << 8 | header[word + 1]);
    uint64_t pick = random.Below(4);
    uint16_t new_word = pick == 0 ? 0 : pick == 1 ? 0xFFFF : static_cast<uint16_t>(random.Next());
    header[word] = static_cast<uint8_t>(new_word >> 8), header[word + 1] = static_cast<uint8_t>(new_word);
    // The header stays non-zero whenever the update makes it so; an all-zero header
    // has no ones'-complement "+0" an update could reach, so it is skipped.
    bool all_zero = true;
    for (size_t i = 0; i < length && all_zero; ++i) all_zero = header[i] == 0;
    if (all_zero) continue;
    uint16_t expected = static_cast<uint16_t>(~SumReference(header, length));
    uint16_t got = ChecksumUpdate16(old_checksum, old_word, new_word);
    ++report.cases;
    if (got != expected) {
      if (report.mismatches == 0) report.first_expected = expected, report.first_got = got;
      ++report.mismatches;
    }
  }
  return report;
}

}  // namespace prtip
