// Native correctness sweeps for the checksum kernels, driven from the tests with a
// seed: millions of cases would take minutes through N-API, seconds here.
#pragma once
#include <cstddef>
#include <cstdint>

#include "checksum.h"

namespace prtip {

struct SumCheckReport {
  uint64_t buffers = 0;          // windows checked
  uint64_t bytes = 0;            // bytes summed by the kernel under test
  uint64_t mismatches = 0;
  uint64_t reference_checks = 0;  // windows where the O(1) reference was checked against SumReference
  uint64_t reference_mismatches = 0;
  bool timed_out = false;
  // The first mismatch, if any.
  size_t first_offset = 0, first_length = 0;
  uint16_t first_expected = 0, first_got = 0;
};

// Checks kernel against the bytewise reference on `buffers` windows of random length
// 0..max_length at random offsets (so random alignment) in a random region, a quarter
// of which is 0xFF bytes so carries are exercised. The expected sum of each window
// comes from byte-at-a-time prefix sums (the reference, O(1) per window); the first
// `direct_checks` windows also run SumReference itself to tie the two together.
// Stops early (timed_out) after deadline_ns of wall time.
SumCheckReport CheckSumKernel(SumKernel kernel, uint64_t seed, uint64_t buffers, size_t max_length,
                              uint64_t direct_checks, uint64_t deadline_ns);

struct UpdateCheckReport {
  uint64_t cases = 0;
  uint64_t mismatches = 0;
  bool timed_out = false;
  uint16_t first_expected = 0, first_got = 0;
};

// RFC 1624 updates of one random 16-bit word of random headers (2..80 bytes, some all
// 0xFF or nearly zero) against full recomputation of the changed header.
UpdateCheckReport CheckIncrementalUpdate(uint64_t seed, uint64_t cases, uint64_t deadline_ns);

}  // namespace prtip
