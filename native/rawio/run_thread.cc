#include "run_thread.h"

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "../counters/perf_group.h"

namespace prtip {

namespace {

constexpr auto kIdleClose = std::chrono::seconds(2);

struct Task {
  std::function<void()> fn;
  bool done = false;
};

class RunThread {
 public:
  // False when no run thread can be placed in the home namespace (the task did not run).
  bool Post(Task* task) {
    std::unique_lock<std::mutex> lock(mutex_);
    if (!alive_) Spawn();
    queue_.push_back(task);
    wake_.notify_all();
    finished_.wait(lock, [task] { return task->done; });
    return !home_failed_;
  }

  // Called on the run thread only.
  PerfGroup* GroupFor(const std::vector<EventSpec>& events) {
    std::vector<std::string> names;
    for (const auto& e : events) names.push_back(e.name);
    if (names.empty()) return nullptr;
    if (!group_ || names != group_names_) {
      group_ = std::make_unique<PerfGroup>();
      group_->Open(events, GroupOptions{});
      group_names_ = names;
    }
    return group_.get();
  }

  // Back to the namespace the thread started in; false if that is impossible.
  bool RestoreNetns() { return home_netns_ >= 0 && setns(home_netns_, CLONE_NEWNET) == 0; }

 private:
  // Called with mutex_ held.
  void Spawn() {
    // The first spawn happens on a caller's thread (never one that entered a run's
    // namespace): its namespace is home for every run thread after it.
    if (home_netns_ < 0) home_netns_ = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    alive_ = true;
    std::thread([this] { Loop(); }).detach();
  }

  void Loop() {
    std::unique_lock<std::mutex> lock(mutex_);
    if (!RestoreNetns()) {
      // Without a way home no run may start here; fail the queue loudly rather than
      // run in some other namespace.
      alive_ = false;
      home_failed_ = true;
      for (Task* task : queue_) task->done = true;
      queue_.clear();
      finished_.notify_all();
      return;
    }
    for (;;) {
      if (!wake_.wait_for(lock, kIdleClose, [this] { return !queue_.empty(); })) {
        group_.reset();  // idle: stop tracing syscalls
        group_names_.clear();
        wake_.wait(lock, [this] { return !queue_.empty(); });
      }
      Task* task = queue_.front();
      queue_.pop_front();
      lock.unlock();
      task->fn();
      const bool home = RestoreNetns();
      lock.lock();
      task->done = true;
      finished_.notify_all();
      if (!home) {
        // Cannot get back: this thread stays where it is and retires; a new one
        // (which moves itself home first) takes the queue.
        group_.reset();
        group_names_.clear();
        alive_ = false;
        if (!queue_.empty()) Spawn();
        return;
      }
    }
  }

  std::mutex mutex_;
  std::condition_variable wake_, finished_;
  std::deque<Task*> queue_;
  bool alive_ = false;
  bool home_failed_ = false;
  int home_netns_ = -1;
  std::unique_ptr<PerfGroup> group_;
  std::vector<std::string> group_names_;
};

// Never destroyed: the detached thread may still wait on it at process exit.
RunThread& Instance() {
  static RunThread* instance = new RunThread();
  return *instance;
}

}  // namespace

void RunOnRunThread(const RunConfig& cfg, const std::atomic<bool>& cancel, RunResult* out) {
  RunThread& thread = Instance();
  Task task;
  task.fn = [&] { ExecuteRun(cfg, cancel, thread.GroupFor(cfg.events), out); };
  if (!thread.Post(&task) && out->error_code.empty()) {
    out->error_code = "NETNS_HOME_FAILED";
    out->error_message = "the run thread cannot enter the process's own network namespace";
  }
}

}  // namespace prtip
