#include "loops.h"

#include "timing/clock.h"

namespace prtip {

__attribute__((noinline)) uint16_t SumEmpty(const uint8_t*, size_t) { return 0; }

uint32_t RunSumLoop(SumKernel kernel, const uint8_t* data, size_t length, uint64_t iterations) {
  uint32_t sink = 0;
  for (uint64_t i = 0; i < iterations; ++i) {
    DoNotOptimize(data);
    sink += kernel(data, length);
  }
  return sink;
}

uint32_t RunUpdateLoop(uint8_t* data, size_t length, uint64_t iterations) {
  uint16_t checksum = static_cast<uint16_t>(~SumWide64(data, length));
  uint16_t old_word = static_cast<uint16_t>(data[0] << 8 | data[1]);
  uint32_t sink = 0;
  for (uint64_t i = 0; i < iterations; ++i) {
    uint16_t new_word = static_cast<uint16_t>(i);
    data[0] = static_cast<uint8_t>(new_word >> 8), data[1] = static_cast<uint8_t>(new_word);
    checksum = ChecksumUpdate16(checksum, old_word, new_word);
    old_word = new_word;
    sink += checksum;
  }
  DoNotOptimize(data);
  return sink;
}

}  // namespace prtip
