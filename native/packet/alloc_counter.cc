// Kept out of craft.cc on purpose: an opaque call the optimiser cannot pair up
// and remove, like the Vec allocation it stands for.
#include <cstdlib>
#include <new>

#include "craft.h"

namespace prtip {
namespace {
thread_local uint64_t allocations = 0;
}

__attribute__((noinline)) void* CountedAllocate(size_t bytes) {
  void* block = std::malloc(bytes);
  if (block == nullptr) throw std::bad_alloc();
  ++allocations;
  return block;
}

__attribute__((noinline)) void CountedFree(void* block) { std::free(block); }

uint64_t CountedAllocations() { return allocations; }

}  // namespace prtip
