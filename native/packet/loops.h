// The timed loops behind the benchmarks: N operations per N-API call, each result
// folded into a sink the caller returns to JS, so the optimiser must do every one.
#pragma once
#include <cstddef>
#include <cstdint>

#include "checksum.h"

namespace prtip {

// Does nothing, through the same function-pointer call as a kernel: the empty call.
uint16_t SumEmpty(const uint8_t* data, size_t length);

// kernel(data, length) `iterations` times; the data pointer is laundered each time
// so the call cannot be hoisted out of the loop.
uint32_t RunSumLoop(SumKernel kernel, const uint8_t* data, size_t length, uint64_t iterations);

// `iterations` RFC 1624 updates: the 16-bit word at data[0..1] is set to the loop
// counter and the checksum (of data[0..length)) updated, as a template patch does.
uint32_t RunUpdateLoop(uint8_t* data, size_t length, uint64_t iterations);

}  // namespace prtip
