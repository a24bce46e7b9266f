#include "clock.h"

#include <algorithm>
#include <mutex>
#include <vector>

namespace prtip {

double TscHz() {
  static double hz = 0;
  static std::once_flag once;
  std::call_once(once, [] {
    if (ReadTsc() == 0) return;
    // Five 20 ms windows, median: a preempted window on a shared VM is an outlier, not the answer.
    std::vector<double> rates;
    for (int i = 0; i < 5; ++i) {
      uint64_t t0 = MonotonicNs(), c0 = ReadTsc();
      while (MonotonicNs() - t0 < 20000000ull) {
      }
      uint64_t t1 = MonotonicNs(), c1 = ReadTsc();
      rates.push_back(static_cast<double>(c1 - c0) * 1e9 / static_cast<double>(t1 - t0));
    }
    std::sort(rates.begin(), rates.end());
    hz = rates[rates.size() / 2];
  });
  return hz;
}

}  // namespace prtip
