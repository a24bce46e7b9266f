#include "exchange.h"

#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)  // linux/fs.h; older C libraries do not define it
#endif

namespace prtip {

int ExchangePaths(const char* a, const char* b) {
#ifdef SYS_renameat2
  // The raw syscall, not glibc's renameat2(): the C library's wrapper exists only from 2.28,
  // and the syscall's own ENOSYS is what tells an old kernel apart.
  if (syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE) == 0) return 0;
  return errno;
#else
  (void)a;
  (void)b;
  return ENOSYS;
#endif
}

}  // namespace prtip
