// TEST-ONLY: a known slowdown of one checksum variant, for measuring whether the
// baseline gate catches a regression (bench/replication-check.ts). Never set it otherwise.
//
// PRTIP_PERF_INJECT_SLOWDOWN="VARIANT:PERCENT" (e.g. "scalar16:10") makes that variant do
// about PERCENT % more work per call: for buffers of 1 KiB or more one extra pass over
// PERCENT % of the bytes, started only once the real pass has finished (a data dependency on
// its result, so the two cannot overlap), for
// shorter ones one extra full pass every 100/PERCENT calls, where the wrapper's own call
// adds ~1.5 ns on top (+20-35 % at 20-60 B). The checksum returned is unchanged.
// That is PERCENT % more *work* (instructions: what callgrind counts). "VARIANT:PERCENT:time"
// asks for PERCENT % more *time* instead: for buffers of 1 KiB or more the extra bytes are
// calibrated per length, in each process, on the caller's buffer (~10-20 ms on the first call
// with that length), because the same extra bytes cost a different share of a call at
// 1500 B than at 64 KiB. Shorter buffers keep the work-proportional form.
// Read once, at the first dispatch.
#pragma once
#include "checksum.h"

namespace prtip {

// The slowed-down kernel for `variant` when the variable names it, else nullptr.
SumKernel InjectedSlowdownKernel(ChecksumVariant variant);

}  // namespace prtip
