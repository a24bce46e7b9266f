#include "inject.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <mutex>
#include <string>

namespace prtip {
namespace {

constexpr size_t kPartialPassMinBytes = 1024;

struct Injection {
  bool active = false;
  ChecksumVariant variant = ChecksumVariant::Scalar16;
  unsigned percent = 0;
  // ":time": the extra work is calibrated per buffer length, in this process, until the call
  // takes PERCENT % longer; without it, PERCENT % more bytes are summed (instruction counts).
  bool timeCalibrated = false;
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
    if (end != nullptr && std::strcmp(end, ":time") == 0) {
      result.timeCalibrated = true;
      end += std::strlen(end);
    }
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
      std::fprintf(stderr, "prtip-perf: PRTIP_PERF_INJECT_SLOWDOWN: expected VARIANT:PERCENT[:time] (scalar16, wide64, avx2 or avx512; 1-1000), got \"%s\"; ignored\n", text);
      return result;
    }
    result.active = true;
    result.percent = static_cast<unsigned>(percent);
    std::fprintf(stderr, result.timeCalibrated
        ? "prtip-perf: TEST-ONLY slowdown injected: checksum variant %s takes ~%ld%% longer per call (calibrated per length in this process, buffers of 1 KiB or more)\n"
        : "prtip-perf: TEST-ONLY slowdown injected: checksum variant %s does ~%ld%% more work\n", ChecksumVariantName(result.variant), percent);
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

// The extra work after the real pass: `extra` more bytes, as whole passes then a partial one.
// It must start after the real pass ends: without a data dependency the CPU runs the two
// independent add chains side by side and "10 % more work" cost only 3-8 % (measured in full
// runs). `zero` is 0, but the compiler cannot know it after the asm, so every load of the
// extra pass waits for `sum`.
template <SumKernel Base>
void ExtraPass(const uint8_t* data, size_t length, size_t extra, uint16_t sum) {
  uintptr_t zero = sum;
  asm("" : "+r"(zero));
  data += zero >> 16;
  for (; extra > length; extra -= length) g_injected_sink.store(Base(data, length), std::memory_order_relaxed);
  if (extra > 0) g_injected_sink.store(Base(data, extra), std::memory_order_relaxed);
}

double NowNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e9 + ts.tv_nsec;
}

double Median(double* xs, int n) {
  std::sort(xs, xs + n);
  return n % 2 ? xs[n / 2] : (xs[n / 2 - 1] + xs[n / 2]) / 2;
}

// ":time" mode: how many extra bytes make a call on this length take PERCENT % longer than
// the plain kernel, here, now. The same work costs a different share of a call at 1500 B
// (the call overhead and a cache-hot tail) than at 64 KiB, so the work-proportional pass
// delivered +3.5 … 9.4 % at 1500 B for "10 %". Timed on the caller's own buffer, alternating
// plain and slowed batches of ~40 µs, medians of 21, bounded proportional corrections.
template <SumKernel Base>
size_t CalibrateExtraBytes(const uint8_t* data, size_t length, unsigned percent) {
  auto batch_ns = [&](size_t extra, bool slowed, int calls) {
    const double t0 = NowNs();
    for (int i = 0; i < calls; ++i) {
      uint16_t sum = Base(data, length);
      if (slowed) ExtraPass<Base>(data, length, extra, sum);
      else g_injected_sink.store(sum, std::memory_order_relaxed);
    }
    return (NowNs() - t0) / calls;
  };
  int calls = 4;
  while (calls < (1 << 20) && batch_ns(0, false, calls) * calls < 40'000) calls *= 2;
  const double target = percent / 100.0;
  size_t extra = std::max<size_t>(2, (length * percent / 100) & ~static_cast<size_t>(1));
  const size_t most = length * 20;
  // 21 alternating pairs of ~40 µs batches per estimate; a correction is at most 2× either way, so
  // one estimate spoiled by an interrupt cannot throw the calibration far (11 pairs of 20 µs with
  // up to 4× corrections left 2 of 50 processes at +26 % and +46 % for "10 %").
  constexpr int kPairs = 21;
  for (int round = 0; round < 10; ++round) {
    double plain[kPairs], slowed[kPairs];
    for (int i = 0; i < kPairs; ++i) {
      plain[i] = batch_ns(0, false, calls);
      slowed[i] = batch_ns(extra, true, calls);
    }
    const double delivered = Median(slowed, kPairs) / Median(plain, kPairs) - 1;
    if (round >= 2 && delivered > target * 0.97 && delivered < target * 1.03) break;
    const double scale = delivered > target / 20 ? target / delivered : 2.0;
    extra = std::min(most, std::max<size_t>(2, static_cast<size_t>(extra * std::clamp(scale, 0.5, 2.0)) & ~static_cast<size_t>(1)));
  }
  return extra;
}

struct CalibratedLength {
  std::atomic<size_t> length{0};
  std::atomic<size_t> extra{0};
};
constexpr int kCalibratedSlots = 64;
CalibratedLength g_calibrated[kCalibratedSlots];
std::mutex g_calibration_mutex;
std::atomic<bool> g_time_calibrated{false};

template <SumKernel Base>
size_t CalibratedExtraBytes(const uint8_t* data, size_t length, unsigned percent) {
  for (auto& slot : g_calibrated) {
    const size_t l = slot.length.load(std::memory_order_acquire);
    if (l == length) return slot.extra.load(std::memory_order_relaxed);
    if (l == 0) break;
  }
  std::lock_guard<std::mutex> lock(g_calibration_mutex);
  for (auto& slot : g_calibrated) {
    const size_t l = slot.length.load(std::memory_order_relaxed);
    if (l == length) return slot.extra.load(std::memory_order_relaxed);
    if (l != 0) continue;
    const size_t extra = CalibrateExtraBytes<Base>(data, length, percent);
    slot.extra.store(extra, std::memory_order_relaxed);
    slot.length.store(length, std::memory_order_release);
    return extra;
  }
  return (length * percent / 100) & ~static_cast<size_t>(1);  // every slot taken: work-proportional
}

template <SumKernel Base>
uint16_t Slowed(const uint8_t* data, size_t length) {
  const unsigned percent = g_percent.load(std::memory_order_relaxed);
  uint16_t sum = Base(data, length);
  if (length >= kPartialPassMinBytes) {
    const size_t extra = g_time_calibrated.load(std::memory_order_relaxed)
        ? CalibratedExtraBytes<Base>(data, length, percent)
        : (length * percent / 100) & ~static_cast<size_t>(1);
    ExtraPass<Base>(data, length, extra, sum);
  } else {
    unsigned credit = g_credit.load(std::memory_order_relaxed) + percent;
    for (; credit >= 100; credit -= 100) ExtraPass<Base>(data, length, length, sum);
    g_credit.store(credit, std::memory_order_relaxed);
  }
  return sum;
}

}  // namespace

SumKernel InjectedSlowdownKernel(ChecksumVariant variant) {
  const Injection& injection = Configured();
  if (!injection.active || injection.variant != variant) return nullptr;
  g_percent.store(injection.percent, std::memory_order_relaxed);
  g_time_calibrated.store(injection.timeCalibrated, std::memory_order_relaxed);
  switch (variant) {
    case ChecksumVariant::Scalar16: return Slowed<SumScalar16>;
    case ChecksumVariant::Wide64: return Slowed<SumWide64>;
    case ChecksumVariant::Avx2: return Slowed<SumAvx2>;
    case ChecksumVariant::Avx512: return Slowed<SumAvx512>;
  }
  return nullptr;
}

}  // namespace prtip
