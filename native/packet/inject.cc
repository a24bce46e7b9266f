#include "inject.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace prtip {
namespace {

constexpr size_t kPartialPassMinBytes = 1024;

struct Injection {
  bool active = false;
  ChecksumVariant variant = ChecksumVariant::Scalar16;
  unsigned percent = 0;
};

// Parses the variable once; a malformed value is reported on stderr and ignored
// (dispatch has no JS context to throw into, and a test-only switch must never break a run).
const Injection& Configured() {
  static const Injection injection = [] {
    Injection result;
    const char* text = std::getenv("PRTIP_PERF_INJECT_SLOWDOWN");
    if (text == nullptr || *text == '\0') return result;
    const char* colon = std::strchr(text, ':');
    char* end = nullptr;
    long percent = colon ? std::strtol(colon + 1, &end, 10) : 0;
    bool known = false;
    if (colon != nullptr) {
      std::string name(text, colon);
      for (int v = 0; v < kChecksumVariantCount; ++v) {
        if (name == ChecksumVariantName(static_cast<ChecksumVariant>(v))) {
          result.variant = static_cast<ChecksumVariant>(v);
          known = true;
        }
      }
    }
    if (!known || end == nullptr || *end != '\0' || percent < 1 || percent > 1000) {
      std::fprintf(stderr, "prtip-perf: PRTIP_PERF_INJECT_SLOWDOWN: expected VARIANT:PERCENT (scalar16, wide64, avx2 or avx512; 1-1000), got \"%s\"; ignored\n", text);
      return result;
    }
    result.active = true;
    result.percent = static_cast<unsigned>(percent);
    std::fprintf(stderr, "prtip-perf: TEST-ONLY slowdown injected: checksum variant %s does ~%ld%% more work\n", ChecksumVariantName(result.variant), percent);
    return result;
  }();
  return injection;
}

// Where the extra work's result goes, so the compiler cannot drop it. Relaxed atomics are
// plain moves on x86; a thread_local would cost a __tls_get_addr call in a shared library,
// which on 20 B buffers is more than the slowdown itself.
std::atomic<uint16_t> g_injected_sink{0};
std::atomic<unsigned> g_percent{0};
std::atomic<unsigned> g_credit{0};

template <SumKernel Base>
uint16_t Slowed(const uint8_t* data, size_t length) {
  const unsigned percent = g_percent.load(std::memory_order_relaxed);
  uint16_t sum = Base(data, length);
  // The extra pass must start after the real one ends: without a data dependency the CPU
  // runs the two independent add chains side by side and "10 % more work" cost only 3-8 %
  // (measured in full runs). `zero` is 0, but the compiler cannot know it after the asm, so
  // every load of the extra pass waits for `sum`.
  uintptr_t zero = sum;
  asm("" : "+r"(zero));
  data += zero >> 16;
  if (length >= kPartialPassMinBytes) {
    size_t extra = (length * percent / 100) & ~static_cast<size_t>(1);
    for (; extra > length; extra -= length) g_injected_sink.store(Base(data, length), std::memory_order_relaxed);  // over 100 %: whole passes
    g_injected_sink.store(Base(data, extra), std::memory_order_relaxed);
  } else {
    unsigned credit = g_credit.load(std::memory_order_relaxed) + percent;
    for (; credit >= 100; credit -= 100) g_injected_sink.store(Base(data, length), std::memory_order_relaxed);
    g_credit.store(credit, std::memory_order_relaxed);
  }
  return sum;
}

}  // namespace

SumKernel InjectedSlowdownKernel(ChecksumVariant variant) {
  const Injection& injection = Configured();
  if (!injection.active || injection.variant != variant) return nullptr;
  g_percent.store(injection.percent, std::memory_order_relaxed);
  switch (variant) {
    case ChecksumVariant::Scalar16: return Slowed<SumScalar16>;
    case ChecksumVariant::Wide64: return Slowed<SumWide64>;
    case ChecksumVariant::Avx2: return Slowed<SumAvx2>;
    case ChecksumVariant::Avx512: return Slowed<SumAvx512>;
  }
  return nullptr;
}

}  // namespace prtip
