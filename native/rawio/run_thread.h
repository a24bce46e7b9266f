// The thread every run executes on. It lives across runs because opening a group of
// tracepoint counters costs ~40 ms each (the kernel waits for an RCU grace period
// when a tracepoint is registered or unregistered): the group is kept open between
// runs with the same events and closed after a short idle period, so syscall tracing
// is not left switched on for the whole process. A run that entered a namespace is
// followed by a return to the thread's original namespace; if that fails the thread
// retires and the next run gets a new one.
#pragma once
#include <atomic>

#include "run.h"

namespace prtip {

// Runs cfg on the run thread and blocks the caller until it is done.
void RunOnRunThread(const RunConfig& cfg, const std::atomic<bool>& cancel, RunResult* out);

}  // namespace prtip
