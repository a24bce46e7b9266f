// The thread every run executes on. The sending thread's counter group counts that
// thread only, so runs share one thread and keep its group open between runs with the
// same events (closed after a short idle period) instead of reopening a dozen events per
// run. (Tracepoint registration costs are handled by the engine: counters/perf_group.cc.) A run that entered a namespace is
// followed by a return to the thread's original namespace; if that fails the thread
// retires and the next run gets a new one. Runs queue here, never on libuv's pool: a
// long run must not hold a pool thread that fs or dns calls are waiting for.
#pragma once
#include <atomic>
#include <functional>
#include <memory>

#include "run.h"

namespace prtip {

// One queued run. `done` is called on the run thread once the run has finished (or
// could not start: then result.error_code is set) and the thread is home again.
struct RunJobSpec {
  RunConfig cfg;
  std::shared_ptr<std::atomic<bool>> cancel;
  RunResult result;
  std::function<void(RunJobSpec&)> done;
};

// Queues a run and returns at once.
void PostToRunThread(std::unique_ptr<RunJobSpec> job);

}  // namespace prtip
