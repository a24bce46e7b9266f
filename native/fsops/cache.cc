#include "cache.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace prtip {

int EvictFromPageCache(const char* path) {
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) return errno;
  struct stat st;
  int err = 0;
  if (fstat(fd, &st) != 0) err = errno;
  else if (!S_ISREG(st.st_mode)) err = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;  // only a regular file has pages to drop
  else if (fdatasync(fd) != 0) err = errno;  // dirty pages cannot be dropped: write them back first
  else err = posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);  // returns the error, does not set errno
  close(fd);
  return err;
}

}  // namespace prtip
