// The thread every run executes on. The sending thread's counter group counts that
// thread only, so runs share one thread and keep its group open between runs with the
// same events (closed after a short idle period) instead of reopening a dozen events per
// run. (Tracepoint registration costs are handled by the engine: counters/perf_group.cc.) A run that entered a namespace is
// followed by a return to the thread's original namespace; if that fails the thread
// retires and the next run gets a new one.
#pragma once
#include <atomic>

#include "run.h"

namespace prtip {

// Runs cfg on the run thread and blocks the caller until it is done.
void RunOnRunThread(const RunConfig& cfg, const std::atomic<bool>& cancel, RunResult* out);

}  // namespace prtip
