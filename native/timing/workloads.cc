// Workloads with known counts, so tests can check the counters against ground truth:
// N fresh pages touched → at least N page faults; N syscalls → at least N sys_enter;
// K loop iterations → at least K instructions.
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

#include "../common/args.h"
#include "../common/errors.h"
#include "clock.h"
#include "timing_napi.h"

namespace prtip {

using namespace args;  // common/args.h
namespace {

// n, an integer in 0..max (checked before any cast: a double out of range is UB to cast).
double CheckedCount(const Napi::CallbackInfo& info, const char* fn, double max) {
  return IntegerArg(info[0], std::string(fn) + ": n", 0, max);
}

// Maps fresh anonymous memory with huge pages refused (one THP fault would cover 512
// pages), writes one byte per page, and unmaps it.
Napi::Value TouchFreshPages(const Napi::CallbackInfo& info) {
  size_t pages = static_cast<size_t>(CheckedCount(info, "touchFreshPages", 1 << 20));
  long page = sysconf(_SC_PAGESIZE);
  size_t bytes = pages * static_cast<size_t>(page);
  if (bytes == 0) return info.Env().Undefined();
  void* mem = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mem == MAP_FAILED) ThrowError(info.Env(), "MMAP_FAILED", "touchFreshPages: mmap failed", errno, "mmap");
  madvise(mem, bytes, MADV_NOHUGEPAGE);
  volatile char* p = static_cast<volatile char*>(mem);
  for (size_t i = 0; i < pages; ++i) p[i * static_cast<size_t>(page)] = 1;
  munmap(mem, bytes);
  return Napi::Number::New(info.Env(), static_cast<double>(pages));
}

// n getppid() calls made with syscall(2), so libc cannot cache or skip them.
Napi::Value MakeSyscalls(const Napi::CallbackInfo& info) {
  size_t n = static_cast<size_t>(CheckedCount(info, "makeSyscalls", 1e8));
  long sink = 0;
  for (size_t i = 0; i < n; ++i) sink += syscall(SYS_getppid);
  DoNotOptimize(sink);
  return Napi::Number::New(info.Env(), static_cast<double>(n));
}

// k iterations of a dependent add chain the compiler cannot fold away: at least k instructions.
Napi::Value BusyLoop(const Napi::CallbackInfo& info) {
  uint64_t k = static_cast<uint64_t>(CheckedCount(info, "busyLoop", 1e12));
  uint64_t x = 1;
  for (uint64_t i = 0; i < k; ++i) {
    x = x * 6364136223846793005ull + i;
    DoNotOptimize(x);
  }
  return Napi::Number::New(info.Env(), static_cast<double>(x & 0xffff));
}

}  // namespace

void InitWorkloads(Napi::Env env, Napi::Object exports) {
  exports.Set("touchFreshPages", Napi::Function::New(env, TouchFreshPages, "touchFreshPages"));
  exports.Set("makeSyscalls", Napi::Function::New(env, MakeSyscalls, "makeSyscalls"));
  exports.Set("busyLoop", Napi::Function::New(env, BusyLoop, "busyLoop"));
}

}  // namespace prtip
