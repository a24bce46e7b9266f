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

void FailJob(RunJobSpec& job) {
  job.result.error_code = "NETNS_HOME_FAILED";
  job.result.error_message = "the run thread cannot enter the process's own network namespace";
  job.done(job);
}

class RunThread {
 public:
  void Post(std::unique_ptr<RunJobSpec> job) {
    std::unique_lock<std::mutex> lock(mutex_);
    if (!alive_) Spawn();
    queue_.push_back(std::move(job));
    wake_.notify_all();
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
      std::deque<std::unique_ptr<RunJobSpec>> failed;
      failed.swap(queue_);
      lock.unlock();
      for (auto& job : failed) FailJob(*job);
      return;
    }
    for (;;) {
      if (!wake_.wait_for(lock, kIdleClose, [this] { return !queue_.empty(); })) {
        group_.reset();  // idle: stop tracing syscalls
        group_names_.clear();
        wake_.wait(lock, [this] { return !queue_.empty(); });
      }
      std::unique_ptr<RunJobSpec> job = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      ExecuteRun(job->cfg, *job->cancel, GroupFor(job->cfg.events), &job->result);
      const bool home = RestoreNetns();
      job->done(*job);
      job.reset();
      lock.lock();
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
  std::condition_variable wake_;
  std::deque<std::unique_ptr<RunJobSpec>> queue_;
  bool alive_ = false;
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

void PostToRunThread(std::unique_ptr<RunJobSpec> job) { Instance().Post(std::move(job)); }

}  // namespace prtip
