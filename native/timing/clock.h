// Clocks shared by every timing loop: the monotonic clock for wall time and
// the TSC for per-iteration costs. TSC ticks are *reference* cycles at a fixed
// rate, not core cycles; reports must label them that way.
#pragma once
#include <cstdint>
#include <ctime>

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#endif

namespace prtip {

inline uint64_t MonotonicNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

inline uint64_t ThreadCpuNs() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

// Returns 0 where there is no TSC; callers then report reference cycles as unavailable.
inline uint64_t ReadTsc() {
#if defined(__x86_64__) || defined(__i386__)
  return __rdtsc();
#else
  return 0;
#endif
}

// Measured once per process against CLOCK_MONOTONIC (cached). 0 = no TSC.
double TscHz();

// Keeps a value alive so the optimiser cannot drop the loop that produced it.
template <typename T>
inline void DoNotOptimize(T const& value) {
  asm volatile("" : : "r,m"(value) : "memory");
}

}  // namespace prtip
