// Swapping two paths in one step: renameat2(RENAME_EXCHANGE). Node's fs has no renameat2,
// and the results folder (src/report/results-folder.ts) needs it to replace a whole folder
// atomically: after the call each name holds what the other held, with no moment between.
#pragma once

namespace prtip {

// Exchanges the directory entries `a` and `b` (both must exist, on one filesystem).
// Returns 0 or an errno: EXDEV (two filesystems or mounts), EINVAL (the filesystem cannot
// exchange), ENOSYS (the kernel has no renameat2), ENOENT, EACCES, EBUSY (a mount point) ...
int ExchangePaths(const char* a, const char* b);

}  // namespace prtip
