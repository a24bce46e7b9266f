#include "valgrind.h"

#include <cstring>
#include <string>

#if defined(__has_include) && !defined(PRTIP_PERF_NO_VALGRIND)
#if __has_include(<valgrind/callgrind.h>) && __has_include(<valgrind/valgrind.h>)
#include <valgrind/callgrind.h>
#include <valgrind/valgrind.h>
#define PRTIP_HAVE_VALGRIND 1
#endif
#endif

namespace prtip {
namespace {

// The label of the armed block; empty when none is armed. Only the JS thread arms and runs
// measured blocks, so no synchronisation is needed.
std::string armed_label;

}  // namespace

bool g_measured_block_armed = false;

#ifdef PRTIP_HAVE_VALGRIND

bool ValgrindHeadersBuiltIn() { return true; }
bool RunningOnValgrind() { return RUNNING_ON_VALGRIND != 0; }

// Zero first, then instrument: code before the block is never instrumented (--instr-atstart=no),
// so the counts hold the block and the few instructions of these requests, the same every time.
void CallgrindBegin() {
  CALLGRIND_ZERO_STATS;
  CALLGRIND_START_INSTRUMENTATION;
}

void CallgrindEnd(const char* label) {
  CALLGRIND_STOP_INSTRUMENTATION;
  CALLGRIND_DUMP_STATS_AT(label);
}

#else

bool ValgrindHeadersBuiltIn() { return false; }
bool RunningOnValgrind() { return false; }
void CallgrindBegin() {}
void CallgrindEnd(const char*) {}

#endif

const char* Avx512BlockedReason() {
  return RunningOnValgrind() ? "running under valgrind, which does not emulate AVX-512 (its instructions would fault)" : nullptr;
}

void ArmMeasuredBlock(const char* label) {
  armed_label = label;
  g_measured_block_armed = true;
}

bool MeasuredBlockArmed() { return g_measured_block_armed; }

bool DisarmMeasuredBlock() {
  bool was = g_measured_block_armed;
  g_measured_block_armed = false;
  return was;
}

void MeasuredBlock::Begin() { CallgrindBegin(); }

void MeasuredBlock::End() {
  CallgrindEnd(armed_label.c_str());
  g_measured_block_armed = false;
}

}  // namespace prtip
