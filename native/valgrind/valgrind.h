// Valgrind awareness: callgrind's client requests around measured blocks, and whether
// this process runs under valgrind at all (valgrind does not emulate AVX-512).
//
// The requests come from the system's <valgrind/callgrind.h> (Debian package valgrind),
// found at compile time. Without it the backend is unsupported, with that reason; the
// rest of the addon builds and runs unchanged. PRTIP_PERF_NO_VALGRIND forces that state
// (to test the build without the headers).
#pragma once

namespace prtip {

// True when the callgrind client-request headers were found when the addon was built.
bool ValgrindHeadersBuiltIn();
// True when this process runs on valgrind's synthetic CPU (any tool); always false without the headers.
bool RunningOnValgrind();
// Why the AVX-512 checksum variants cannot run here, or nullptr when nothing stands in the way
// of the CPU check. Valgrind 3.x executes no AVX-512 instruction (SIGILL), so under valgrind
// this names that reason even when its synthetic CPUID already hides the feature.
const char* Avx512BlockedReason();

// Measured blocks: JS arms the next block with a label (ArmMeasuredBlock); the next
// MeasuredBlock to start then zeroes callgrind's counters, switches instrumentation on,
// and at its end switches it off and dumps the counts under that label. Unarmed (always
// outside the callgrind backend) a MeasuredBlock costs one load and one branch.
void ArmMeasuredBlock(const char* label);
bool MeasuredBlockArmed();
// Disarms; returns whether a block was still armed (had not run).
bool DisarmMeasuredBlock();

// Set while a block is armed (only the JS thread arms and runs blocks). Read inline, so an
// unarmed MeasuredBlock is a load and a not-taken branch, no call.
extern bool g_measured_block_armed;

class MeasuredBlock {
 public:
  MeasuredBlock() : active_(g_measured_block_armed) {
    if (__builtin_expect(active_, false)) Begin();
  }
  ~MeasuredBlock() {
    if (__builtin_expect(active_, false)) End();
  }
  MeasuredBlock(const MeasuredBlock&) = delete;
  MeasuredBlock& operator=(const MeasuredBlock&) = delete;

 private:
  static void Begin();
  static void End();
  bool active_;
};

// The client requests themselves, for blocks measured from JS (around a JS function).
void CallgrindBegin();
void CallgrindEnd(const char* label);

}  // namespace prtip
